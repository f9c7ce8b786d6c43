"""The library's verbs: ``scan`` (and, for now, its engine choice); read the options, pick the engine, run."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from .analysis.pipeline import (
    SAMPLE_ROWS,
    check_options,
    checked_max_rows,
    scan_frame,
    scan_loaded,
)
from .analysis.report import Report
from .engines.dask.scan import dask_note, dask_stats
from .engines.stream import engine_note, stream_stats
from .errors import UsageError
from .io.frames import check_data, is_path, parquet_dir
from .io.read import load
from .progress import Progress, finishes_progress


@finishes_progress
def scan(
    path: Any,
    *,
    target: Any = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    sheet: str | int | None = None,
    max_rows: int = SAMPLE_ROWS,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
    column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    engine: str = "auto",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Scan one dataset: a file, or a frame in memory.

    Parameters
    ----------
    path : path to a CSV/TSV (optionally compressed), Parquet, Feather, JSON Lines or Excel file; or a pandas or
        polars DataFrame, a polars LazyFrame, a pyarrow Table (scanned in memory, never modified), or a Dask
        DataFrame (scanned by the Dask engine, from a temporary Parquet directory Dask writes: ``_scan_frame``).
    target : name of the label column; enables the imbalance and leakage checks. With a frame, also the labels
        as values aligned with the rows (a Series, an array: ``scan(X, target=y)``).
    select, ignore : rule codes, code prefixes (``"DA2"``) or check names.
    fail_on : severity at or above which ``Report.exit_code()`` is 1 (or ``"never"``).
    rule_options : per-rule threshold overrides, e.g. ``{"DA201": {"threshold": 5.0}}``.
    sheet : Excel only: the sheet to read, by name or 0-based position (default: the first).
    max_rows : size of the row sample that the checks reading rows together (DA103, DA105, DA503,
        DA605, DA606, DA607, DA701) and the gradient probe use; every other statistic is over all rows.
    column_ignores : column -> rule codes, prefixes or names not to report on it (a column that is
        legitimately an ID, a sentinel that is known); a finding goes when every column it names ignores it.
    column_rule_options : column -> rule code -> options for that column only, e.g.
        ``{"income": {"DA203": {"min_skew": 8.0}}}`` (see ``rule_options.run_rule`` for findings that name
        several columns).
    missing_values : column -> values that mean "missing" in it, e.g. ``{"income": [-1, "unknown"]}``:
        read as empty cells, so DA101 counts them (saying they were declared) and no other check sees them.
    engine : ``"pandas"`` reads the file into memory (exact statistics); ``"stream"`` reads it in record
        batches in bounded memory (see ``engines.stream``: medians, MADs and distinct counts of large numeric
        columns become estimates, and ``dataset.engine`` says so); ``"auto"`` streams files larger than
        a tenth of the machine's memory; ``"dask"`` computes the stream engine's statistics partition by
        partition on a Dask cluster (``engines.dask``; the ``dask`` extra), and reads a glob or a directory of
        files as one dataset.
    scheduler : the Dask scheduler's address for ``engine="dask"``; None starts a local cluster for the scan.
    progress : receives the stages (read, statistics, checks, probe) and ``done()`` at the end; see
        ``dataaudit.progress``. The default reports nothing.

    Returns
    -------
    Report
    """
    # a usage error should not wait for a large file to load
    check_options(select, ignore, fail_on, rule_options, column_rule_options, missing_values)
    if not is_path(path):  # a frame in memory (io.frames)
        return _scan_frame(path, target=target, select=select, ignore=ignore, fail_on=fail_on,
                           rule_options=rule_options, sheet=sheet, max_rows=max_rows, column_ignores=column_ignores,
                           column_rule_options=column_rule_options, missing_values=missing_values, engine=engine,
                           scheduler=scheduler, progress=progress)
    start = time.perf_counter()
    stats = None
    chosen = choose_engine(engine, path, sheet)
    if scheduler is not None and chosen != "dask":
        raise UsageError("--scheduler is for --engine dask")
    if chosen == "stream":
        progress.stage("read and statistics")
        loaded, stats = stream_stats(path, target=target, sample_size=checked_max_rows(max_rows),
                                     missing_values=missing_values, progress=progress)
    elif chosen == "dask":
        progress.stage("read and statistics")
        loaded, stats = dask_stats(path, target=target, sample_size=checked_max_rows(max_rows),
                                   missing_values=missing_values, scheduler=scheduler, progress=progress)
    else:
        progress.stage("read")
        loaded = load(path, sheet=sheet, missing_values=missing_values)
    seconds = time.perf_counter() - start
    report = scan_loaded(loaded, target=target, select=select, ignore=ignore, fail_on=fail_on,
                         rule_options=rule_options, max_rows=max_rows, column_ignores=column_ignores,
                         column_rule_options=column_rule_options, progress=progress, stats=stats)
    if stats is not None:
        report.dataset["engine"] = engine_note(report.profile) if chosen == "stream" else dask_note(report.profile)
    report.timing = {"load": round(seconds, 4), **report.timing,
                     "total": round(report.timing["total"] + seconds, 4)}
    return report


ENGINES = ("auto", "pandas", "stream", "dask")
AUTO_STREAM_SHARE = 0.1  # "auto" streams a file larger than this share of the machine's memory


def choose_engine(engine: str, path: str | os.PathLike[str], sheet: str | int | None = None) -> str:
    """The engine a scan of ``path`` uses: ``pandas``, ``stream`` or ``dask`` (Excel is always read in memory;
    ``auto`` never picks dask, which needs a cluster)."""
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    excel = sheet is not None or Path(path).suffix.lower() in (".xlsx", ".xlsm")
    if engine in ("stream", "dask") and excel:
        raise UsageError(f"{path}: the {engine} engine does not read Excel workbooks; use --engine pandas")
    if engine != "auto":
        return engine
    try:
        size = os.stat(path).st_size
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):
        return "pandas"  # load() names a missing file; a machine that hides its memory reads in memory
    return "stream" if not excel and size > AUTO_STREAM_SHARE * memory else "pandas"


def _scan_frame(data: Any, *, target: Any, engine: str, scheduler: str | None, sheet: str | int | None,
                progress: Progress, **options: Any) -> Report:
    """``scan`` of a frame: in memory (``scan_frame``), or a Dask DataFrame by the Dask engine, which reads its
    partitions from a temporary Parquet directory that Dask writes (``io.frames.parquet_dir``): the rows never
    gather on the client, and the statistics are the Dask engine's, as for a file."""
    if check_data(data) == "dask":
        if engine not in ("auto", "dask"):
            raise UsageError(f"a Dask DataFrame is scanned by the Dask engine, not --engine {engine}")
        if target is not None and not isinstance(target, str):
            raise UsageError("with a Dask DataFrame, target must be the name of one of its columns")
        with parquet_dir(data) as path:
            report = scan(path, target=target, engine="dask", scheduler=scheduler, progress=progress, **options)
        report.dataset["path"] = "<Dask DataFrame>"
        return report
    if engine not in ("auto", "pandas") or scheduler is not None:
        raise UsageError(f"a frame in memory is scanned in memory (--engine pandas), not with "
                         f"{'--scheduler' if scheduler is not None else '--engine ' + engine}")
    if sheet is not None:
        raise UsageError("sheet is for Excel files, not for a frame in memory")
    return scan_frame(data, target=target, progress=progress, **options)
