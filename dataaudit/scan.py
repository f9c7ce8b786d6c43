"""scan(path) -> Report: load, compute statistics, profile columns, run the selected checks, score the risk."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

from .attribution import attribute
from .errors import DataAuditError, TargetError, UsageError
from .findings import Finding
from .loading import LoadedTable, load, normalise_table
from .probe import probe_frame
from .profiling import build_profile
from .report import FAIL_ON_CHOICES, Report
from .risk import gradient_risk
from .rules import get_rule, matches, select_rules
from .stats import chunk_stats

SAMPLE_ROWS = 100_000


def scan(
    path: str | os.PathLike[str],
    *,
    target: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    sheet: str | int | None = None,
    max_rows: int = SAMPLE_ROWS,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
) -> Report:
    """Scan one dataset file.

    Parameters
    ----------
    path : path to a CSV/TSV (optionally compressed), Parquet, Feather, JSON Lines or Excel file.
    target : name of the label column; enables the imbalance and leakage checks.
    select, ignore : rule codes, code prefixes (``"DA2"``) or check names.
    fail_on : severity at or above which ``Report.exit_code()`` is 1 (or ``"never"``).
    rule_options : per-rule threshold overrides, e.g. ``{"DA201": {"threshold": 5.0}}``.
    sheet : Excel only: the sheet to read, by name or 0-based position (default: the first).
    max_rows : size of the row sample that the checks reading rows together (DA105, DA503, DA605,
        DA701) and the gradient probe use; every other statistic is over all rows.
    column_ignores : column -> rule codes, prefixes or names not to report on it (a column that is
        legitimately an ID, a sentinel that is known); a finding goes when every column it names ignores it.

    Returns
    -------
    Report
    """
    _check_options(select, ignore, fail_on)  # a usage error should not wait for a large file to load
    start = time.perf_counter()
    loaded = load(path, sheet=sheet)
    seconds = time.perf_counter() - start
    report = scan_loaded(loaded, target=target, select=select, ignore=ignore, fail_on=fail_on,
                         rule_options=rule_options, max_rows=max_rows, column_ignores=column_ignores)
    report.timing = {"load": round(seconds, 4), **report.timing,
                     "total": round(report.timing["total"] + seconds, 4)}
    return report


def _check_options(select: Iterable[str], ignore: Iterable[str], fail_on: str) -> list:
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    return select_rules(select, ignore)


def scan_frame(
    frame: "pd.DataFrame | pa.Table",
    *,
    name: str = "<dataframe>",
    target: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """Scan an in-memory pandas DataFrame or pyarrow Table (same checks as ``scan``)."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    loaded = LoadedTable(table, name, "dataframe")
    loaded.table = normalise_table(loaded)
    return scan_loaded(loaded, target=target, select=select, ignore=ignore, fail_on=fail_on,
                       rule_options=rule_options)


def scan_loaded(
    loaded: LoadedTable,
    *,
    target: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    max_rows: int = SAMPLE_ROWS,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
) -> Report:
    """Profile an already loaded table and run the selected checks on it."""
    rules = _check_options(select, ignore, fail_on)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 100:
        raise UsageError(f"--max-rows must be a whole number of at least 100, not {max_rows!r}")
    timing: dict[str, float] = {}
    start = time.perf_counter()
    if target is not None and target not in loaded.table.column_names:
        raise TargetError(f"{loaded.path}: target column {target!r} not found "
                          f"(columns: {', '.join(loaded.table.column_names[:10])}"
                          f"{', …' if loaded.table.num_columns > 10 else ''})")
    t = time.perf_counter()
    stats = chunk_stats(loaded.table, target=target, sample_size=max_rows)
    profile = build_profile(stats, loaded.describe(), target)
    if target is not None and profile.columns[target].inferred_type == "empty":
        raise TargetError(f"{loaded.path}: target column {target!r} has no values (every cell is missing)")
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
    if column_ignores:
        findings = [f for f in findings if not _ignored_on_columns(f, column_ignores)]
    findings.sort(key=Finding.sort_key)
    timing["checks"] = time.perf_counter() - t
    risk = gradient_risk(profile, findings)
    measured = _probe(profile, timing)
    if measured is not None:
        measured["attribution"] = attribute(measured, findings)
    timing["total"] = time.perf_counter() - start
    dataset = loaded.describe()
    if loaded.renamed_columns:
        dataset["renamed_columns"] = loaded.renamed_columns
    if stats.rows > max_rows:  # say which results rest on a sample
        dataset["sample"] = {"rows": int(stats.sample.num_rows), "of": int(stats.rows),
                             "checks": [r.code for r in rules if r.on_sample] + (["probe"] if measured else [])}
    columns = [c.to_dict() for c in profile.columns.values()]
    return Report(dataset, target, columns, findings, risk, fail_on, [r.code for r in rules],
                  {k: round(v, 4) for k, v in timing.items()}, profile=profile, probe=measured)


def _ignored_on_columns(finding: Finding, ignores: Mapping[str, Iterable[str]]) -> bool:
    """True when every column the finding names ignores its rule (by code, prefix or check name)."""
    rule = get_rule(finding.rule)
    return bool(finding.columns) and all(any(matches(rule, p) for p in ignores.get(c, ())) for c in finding.columns)


def _probe(profile, timing: dict[str, float]) -> dict[str, Any] | None:
    """The gradient probe on the row sample, when there is a target and something to feed a model."""
    if profile.target is None:
        return None
    result = probe_frame(profile.sample, profile.target.name, task=profile.target.task)
    if result is None:
        return None
    timing["probe"] = result.pop("seconds")  # timing lives under "timing": the report stays deterministic
    return result
