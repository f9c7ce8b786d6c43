"""The scan of a loaded table: statistics, profile, the selected checks, the gradient risk and probe -> Report
(``scan_loaded``; ``scan_frame`` for a frame in memory). Every engine ends here."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    import pandas as pd

from ..core import accumulate
from ..core.declared_missing import values_problem
from ..core.measures import SMALL_TABLE_ROWS
from ..core.parallel import one_blas_thread
from ..core.stats import DatasetStats, chunk_stats
from ..errors import DataAuditError, TargetError, UsageError
from ..io.frames import load_data
from ..io.read import LoadedTable, check_target, from_frame
from ..progress import NO_PROGRESS, Progress, finishes_progress
from .attribution import attribute
from .findings import Finding
from .groups import mark_groups
from .probe import probe_frame
from .profiling import build_profile
from .registry import get_rule, select_rules
from .report import FAIL_ON_CHOICES, Report
from .risk import gradient_risk
from .rule_options import option_problem, run_rule
from .rules import matches

__all__ = ["SAMPLE_ROWS", "check_options", "checked_max_rows", "run_checks", "scan_with", "scan_frame",
           "rescan_frame", "scan_loaded"]

SAMPLE_ROWS = 100_000


def check_options(select: Iterable[str], ignore: Iterable[str], fail_on: str,
                  rule_options: Mapping[str, Mapping[str, Any]] | None = None,
                  column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
                  missing_values: Mapping[str, Iterable[Any]] | None = None, *, command: str = "scan") -> list:
    """The ``command``'s selected rules, after every option was checked (a usage error should not wait
    for a large file to load)."""
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    for code, options in (rule_options or {}).items():
        problem = option_problem(code, options)
        if problem:
            raise UsageError(problem)
    for column, by_rule in (column_rule_options or {}).items():
        for code, options in by_rule.items():
            problem = option_problem(code, options)
            if problem:
                raise UsageError(f"column {column!r}: {problem}")
    for column, values in (missing_values or {}).items():
        problem = values_problem(values)
        if problem:
            raise UsageError(f"missing values of column {column!r} {problem}")
    return select_rules(select, ignore, command=command)


def checked_max_rows(max_rows: Any) -> int:
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 100:
        raise UsageError(f"--max-rows must be a whole number of at least 100, not {max_rows!r}")
    return max_rows


def run_checks(rules: list, data: Any, *, columns: Iterable[str],
               rule_options: Mapping[str, Mapping[str, Any]] | None = None,
               column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
               column_ignores: Mapping[str, Iterable[str]] | None = None,
               progress: Progress = NO_PROGRESS) -> list[Finding]:
    """Every rule's findings on ``data`` (a profile, or a Comparison for diff), with the global and
    per-column options, per-column ignores applied, sorted. ``columns``: the data's column names."""
    findings: list[Finding] = []
    options = rule_options or {}
    present = set(columns)
    for rule in rules:
        params = dict(options.get(rule.code, {}))
        own = {col: by_rule[rule.code] for col, by_rule in (column_rule_options or {}).items()
               if rule.code in by_rule and col in present}  # settings may name other files' columns
        try:
            findings.extend(run_rule(rule, data, params, own))
        except DataAuditError:
            raise
        except Exception as exc:  # a check that raises is a bug: name it, never swallow it
            raise RuntimeError(f"check {rule.code} ({rule.name}) failed: {exc}") from exc
        progress.advance()
    if column_ignores:
        findings = [f for f in findings if not _ignored_on_columns(f, column_ignores)]
    return sorted(findings, key=Finding.sort_key)


def scan_with(engine: Any, path: str | os.PathLike[str], *, target: str | None = None, max_rows: int = SAMPLE_ROWS,
              missing_values: Mapping[str, Iterable[Any]] | None = None, sheet: str | int | None = None,
              scheduler: str | None = None, progress: Progress = NO_PROGRESS, **options: Any) -> Report:
    """The scan of a file read by ``engine`` (a scan engine, ``engines.base``): its statistics, then
    ``scan_loaded`` (``options``: its keywords), the engine's note and the read's time in the report."""
    start = time.perf_counter()
    loaded, stats = engine.read_stats(path, target=target, sample_size=checked_max_rows(max_rows),
                                      missing_values=missing_values, sheet=sheet, scheduler=scheduler,
                                      progress=progress)
    seconds = time.perf_counter() - start
    report = scan_loaded(loaded, target=target, max_rows=max_rows, progress=progress, stats=stats, **options)
    note = engine.note(report.profile)
    if note is not None:
        report.dataset["engine"] = note
    report.timing = {"load": round(seconds, 4), **report.timing, "total": round(report.timing["total"] + seconds, 4)}
    return report


@finishes_progress
def scan_frame(
    frame: Any,
    *,
    name: str | None = None,
    target: Any = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
    column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    max_rows: int = SAMPLE_ROWS,
    progress: Progress | None = None,
) -> Report:
    """Scan a frame in memory: a pandas or polars DataFrame, a polars LazyFrame or a pyarrow Table (the checks and
    options of ``scan``; ``dataaudit.scan`` takes frames too). ``target``: a column name, or the labels as values
    aligned with the rows (a Series, an array: ``io.frames.load_data``). ``name``: what the report calls the data
    (default ``<pandas DataFrame>``, ...). The frame is never modified."""
    check_options(select, ignore, fail_on, rule_options, column_rule_options, missing_values)
    checked_max_rows(max_rows)
    progress.stage("read")
    loaded, target = load_data(frame, name=name, target=target, missing_values=missing_values)
    return scan_loaded(loaded, target=target, select=select, ignore=ignore, fail_on=fail_on,
                       rule_options=rule_options, column_ignores=column_ignores, max_rows=max_rows,
                       column_rule_options=column_rule_options, progress=progress)


def rescan_frame(frame: "pd.DataFrame", *, name: str, target: str | None = None, **options: Any) -> Report:
    """The scan of a fix's output, a pandas frame of the library's own making: as ``scan_frame``, but a frame
    the fix left without feature columns or rows is scanned as it is (the report says what is left), not refused; and
    without the gradient probe, which the fix runs on the rows the scan before it probed (``fixing.probe``)."""
    return scan_loaded(from_frame(frame, name), target=target, probe=False, **options)


@one_blas_thread()
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
    column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    progress: Progress | None = None,
    stats: DatasetStats | None = None,
    probe: bool = True,
) -> Report:
    """Profile an already loaded table and run the selected checks on it (declared missing values, if
    any, were replaced when it was loaded: ``io.read.load(..., missing_values=...)``).

    ``stats``: the table's statistics when they were computed already (the stream engine; ``loaded.table``
    then holds only the schema). ``progress`` gets the statistics, checks and probe stages, but not
    ``done()``: the caller's run goes on. ``probe=False``: no gradient probe (the scan after a fix, whose probe
    ``fixing.probe`` runs on the rows probed before it)."""
    rules = check_options(select, ignore, fail_on, rule_options, column_rule_options)
    checked_max_rows(max_rows)
    timing: dict[str, float] = {}
    start = time.perf_counter()
    check_target(loaded.table, loaded.path, target)
    t = time.perf_counter()
    progress = NO_PROGRESS if progress is None else progress
    streamed = stats is not None
    if stats is None:
        progress.stage("statistics", loaded.table.num_columns)
        stats = chunk_stats(loaded.table, target=target, sample_size=max_rows, progress=progress)
    profile = build_profile(stats, loaded.describe(), target, max_values=accumulate.MAX_VALUES if streamed else None)
    for name, declared in loaded.declared_missing.items():
        profile.columns[name].declared_missing = declared
    mark_groups(profile)
    if target is not None and profile.columns[target].inferred_type == "empty":
        raise TargetError(f"{loaded.path}: target column {target!r} has no values (every cell is missing)")
    timing["profile"] = time.perf_counter() - t
    t = time.perf_counter()
    progress.stage("checks", len(rules))
    findings = run_checks(rules, profile, columns=profile.columns, rule_options=rule_options,
                          column_rule_options=column_rule_options, column_ignores=column_ignores, progress=progress)
    timing["checks"] = time.perf_counter() - t
    risk = gradient_risk(profile, findings)
    if profile.target is not None and probe:
        progress.stage("probe")
    measured = _probe(profile, timing) if probe else None
    if measured is not None:
        measured["attribution"] = attribute(measured, findings, target=target)
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
    if profile.target is None or profile.rows < SMALL_TABLE_ROWS:  # DA304 says why
        return None
    result = probe_frame(profile.sample, profile.target.name, task=profile.target.task)
    if result is None:
        return None
    timing["probe"] = result.pop("seconds")  # timing lives under "timing": the report stays deterministic
    return result
