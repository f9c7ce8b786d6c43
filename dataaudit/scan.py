"""scan(path) -> Report: load, compute statistics, profile columns, run the selected checks, score the risk."""

from __future__ import annotations

import os
import time
from typing import Any, Iterable, Mapping

from .errors import DataAuditError, TargetError, UsageError
from .findings import Finding
from .loading import load
from .profiling import build_profile
from .report import FAIL_ON_CHOICES, Report
from .risk import gradient_risk
from .rules import select_rules
from .stats import chunk_stats


def scan(
    path: str | os.PathLike[str],
    *,
    target: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """Scan one dataset file.

    Parameters
    ----------
    path : path to a CSV/TSV (optionally compressed), Parquet, Feather, JSON Lines or Excel file.
    target : name of the label column; enables the imbalance and leakage checks.
    select, ignore : rule codes, code prefixes (``"DA2"``) or check names.
    fail_on : severity at or above which ``Report.exit_code()`` is 1 (or ``"never"``).
    rule_options : per-rule threshold overrides, e.g. ``{"DA201": {"threshold": 5.0}}``.

    Returns
    -------
    Report
    """
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    rules = select_rules(select, ignore)
    timing: dict[str, float] = {}
    start = time.perf_counter()
    loaded = load(path)
    timing["load"] = time.perf_counter() - start
    if target is not None and target not in loaded.table.column_names:
        raise TargetError(f"{loaded.path}: target column {target!r} not found "
                          f"(columns: {', '.join(loaded.table.column_names[:10])}"
                          f"{', …' if loaded.table.num_columns > 10 else ''})")
    t = time.perf_counter()
    stats = chunk_stats(loaded.table, target=target)
    profile = build_profile(stats, loaded.describe(), target)
    timing["profile"] = time.perf_counter() - t
    t = time.perf_counter()
    findings: list[Finding] = []
    options = rule_options or {}
    for rule in rules:
        params = dict(options.get(rule.code, {}))
        unknown = set(params) - set(rule.parameters())
        if unknown:
            raise UsageError(f"rule {rule.code} has no option {sorted(unknown)[0]!r} "
                             f"(options: {', '.join(rule.parameters()) or 'none'})")
        try:
            findings.extend(rule.run(profile, **params))
        except DataAuditError:
            raise
        except Exception as exc:  # a check that raises is a bug: name it, never swallow it
            raise RuntimeError(f"check {rule.code} ({rule.name}) failed: {exc}") from exc
    findings.sort(key=Finding.sort_key)
    timing["checks"] = time.perf_counter() - t
    risk = gradient_risk(profile, findings)
    timing["total"] = time.perf_counter() - start
    dataset = loaded.describe()
    if loaded.renamed_columns:
        dataset["renamed_columns"] = loaded.renamed_columns
    columns = [c.to_dict() for c in profile.columns.values()]
    return Report(dataset, target, columns, findings, risk, fail_on, [r.code for r in rules],
                  {k: round(v, 4) for k, v in timing.items()})
