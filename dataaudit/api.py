"""The library's verbs: ``scan``, ``fix``, ``apply_recipe`` and ``diff``. Each checks its options before reading
anything, picks the engine and runs it; ``cli`` only parses options and calls these. The engines and the repair
half load on first use: ``import dataaudit`` imports neither the Dask engine nor scikit-learn."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .analysis.pipeline import SAMPLE_ROWS, check_options, scan_frame, scan_with
from .analysis.report import Report
from .core.declared_missing import values_problem
from .engines import APPLY_ENGINES, ENGINES
from .errors import DataMismatchError, InputError, UsageError
from .fixing.options import FIT_ROWS, FixOptions
from .io.frames import check_data, is_path, load_data, parquet_dir
from .io.write import check_frame_output, check_not_input
from .progress import NO_PROGRESS, Progress, finishes_progress

if TYPE_CHECKING:
    import pandas as pd

    from .fixing.recipe import Recipe
    from .fixing.result import FixResult

__all__ = ["ENGINES", "APPLY_ENGINES", "AUTO_STREAM_SHARE", "SCAN_ENGINES", "scan_engine", "scan", "fix", "Applied",
           "apply_recipe", "apply", "diff", "choose_engine"]

AUTO_STREAM_SHARE = 0.1  # "auto" streams a file larger than this share of the machine's memory
SCAN_ENGINES = {"pandas": "memory", "stream": "stream", "dask": "dask.scan"}  # engine -> module of engines/


def scan_engine(name: str) -> ModuleType:
    """The scan engine (``engines.base``) of that name, imported on first use."""
    return importlib.import_module(f".engines.{SCAN_ENGINES[name]}", __package__)


@finishes_progress
def scan(
    data: Any,
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
    data : a path to a CSV/TSV (optionally compressed), Parquet, Feather, JSON Lines or Excel file; or a pandas or
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
    if not is_path(data):  # a frame in memory (io.frames)
        return _scan_frame(data, target=target, select=select, ignore=ignore, fail_on=fail_on,
                           rule_options=rule_options, sheet=sheet, max_rows=max_rows, column_ignores=column_ignores,
                           column_rule_options=column_rule_options, missing_values=missing_values, engine=engine,
                           scheduler=scheduler, progress=progress)
    chosen = choose_engine(engine, data, sheet, scheduler)
    return scan_with(scan_engine(chosen), data, target=target, max_rows=max_rows, missing_values=missing_values,
                     sheet=sheet, scheduler=scheduler, progress=progress, select=select, ignore=ignore,
                     fail_on=fail_on, rule_options=rule_options, column_ignores=column_ignores,
                     column_rule_options=column_rule_options)


@finishes_progress
def fix(
    data: Any,
    *,
    output: str | os.PathLike[str] | None = None,
    target: Any = None,
    recipe_path: str | os.PathLike[str] | None = None,
    options: FixOptions | None = None,
    overwrite: bool = False,
    rescan: bool = True,
    sheet: str | int | None = None,
    safe_csv: bool = False,
    missing_values: dict[str, list[Any]] | None = None,
    engine: str = "auto",
    fit_rows: int = FIT_ROWS,
    scheduler: str | None = None,
    progress: Progress | None = None,
    rule_options: dict[str, dict[str, Any]] | None = None,
    column_rule_options: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> FixResult:
    """Repair a dataset: a file, or a frame in memory.

    Parameters
    ----------
    data : the input file's path (any format ``scan`` reads); or a frame (``scan``'s kinds), fixed in memory: the
        result's ``frame`` is the fixed pandas DataFrame, nothing is written unless ``output`` is given, and a Dask
        DataFrame goes to the dask engine (``engine`` "auto" or "dask"; see ``_fix_frame``). Never modified.
    output : where to write the repaired data (.csv, .parquet, .feather, .jsonl; with the dask engine a
        partitioned Parquet directory, ``DIR`` or ``DIR.parquet``); None writes nothing.
    target : label column: kept as is, drives resampling and target-aware checks. With a frame, also the labels
        as values aligned with the rows (``fix(X, target=y)``: they become a column of the result's frame).
    recipe_path : where to write the JSON recipe for ``apply``.
    options : FixOptions (scaler, impute, outliers, encode, resample, seed, drop_leaky, keep_text, clip_k, codes).
    overwrite : replace an existing output file.
    rescan : scan the output too, for the before/after report.
    sheet : Excel only: the sheet to read (name or 0-based position).
    safe_csv : a CSV output gets a ' before text cells a spreadsheet would run as formulas (=, +, -, @).
    missing_values : column -> values that mean "missing" in it (the settings' ``missing-values``): they
        become missing before anything else, so they are imputed, and the recipe keeps them for ``apply``.
    engine : ``"pandas"`` fixes in memory; ``"stream"`` reads the file in record batches, fits the steps on a
        uniform sample of ``fit_rows`` rows and writes the output batch by batch, in bounded memory (see
        ``fixing.stream``); ``"auto"`` streams as ``scan`` does (files larger than a tenth of the memory);
        ``"dask"`` does what the stream engine does partition by partition on a Dask cluster and writes a
        partitioned Parquet directory (``fixing.dask``; ``data`` may be a glob or a directory).
    fit_rows : the stream and dask engines' fitting sample (every row of a smaller file).
    scheduler : the Dask scheduler's address for ``engine="dask"``; None starts a local cluster for the fix.
    progress : receives the stages (read, statistics, checks, probe, fix, rescan, write) and ``done()``
        at the end; see ``dataaudit.progress``. The default reports nothing.
    rule_options, column_rule_options : the checks' options, as for ``scan`` (the settings' ``rules`` and
        per-column rules): the fix acts on the findings of the scan they configure, before and after.

    Returns
    -------
    FixResult
    """
    options = options or FixOptions()
    options.validate()
    if not is_path(data):
        return _fix_frame(data, output=output, target=target, recipe_path=recipe_path, options=options,
                          overwrite=overwrite, rescan=rescan, sheet=sheet, safe_csv=safe_csv,
                          missing_values=missing_values, engine=engine, fit_rows=fit_rows, scheduler=scheduler,
                          progress=progress, rule_options=rule_options, column_rule_options=column_rule_options)
    chosen = choose_engine(engine, data, sheet, scheduler)
    for out in (output, recipe_path):
        if out is not None:
            check_not_input(out, [data])
    if output is not None:
        _check_output(output, chosen, overwrite=overwrite, command="fix")
    _check_missing_values(missing_values)
    if isinstance(fit_rows, bool) or not isinstance(fit_rows, int) or fit_rows < 100:
        raise UsageError(f"--fit-rows must be a whole number of at least 100, not {fit_rows!r}")
    if options.resample == "weights" and chosen != "pandas":
        raise UsageError(f"--resample weights needs --engine pandas (the {chosen} engine does not write a weight "
                         "column yet)")
    if options.drop_absurd_target and chosen != "pandas":
        raise UsageError(f"--drop-absurd-target needs --engine pandas (the {chosen} engine does not drop those rows "
                         "yet)")
    checks = {k: v for k, v in {"rule_options": rule_options, "column_rule_options": column_rule_options}.items()
              if v}
    common = dict(output=output, target=target, recipe_path=recipe_path, options=options, overwrite=overwrite,
                  rescan=rescan, missing_values=missing_values, progress=progress, checks=checks)
    if chosen == "pandas":
        from .fixing.memory import fix_in_memory

        return fix_in_memory(data, sheet=sheet, safe_csv=safe_csv, **common)
    try:
        if chosen == "dask":
            from .fixing.dask import fix_dask

            return fix_dask(data, fit_rows=fit_rows, scheduler=scheduler, **common)
        from .fixing.stream import fix_stream

        return fix_stream(data, fit_rows=fit_rows, safe_csv=safe_csv, **common)
    except DataMismatchError as exc:  # a batch far from the rows the steps were fitted on
        raise InputError(data, f"a part of the file does not fit the steps fitted on the sample: {exc}") from None


@dataclass
class Applied:
    """What ``apply`` wrote: the frame (in memory only; None when an out-of-core engine wrote it batch by
    batch), its rows and columns, and the notes."""

    frame: pd.DataFrame | None
    rows: int
    columns: list[str]
    notes: list[str]


def apply_recipe(recipe: Recipe | FixResult | str | os.PathLike[str], data: Any,
                 output: str | os.PathLike[str] | None = None, *, overwrite: bool = False,
                 sheet: str | int | None = None, safe_csv: bool = False, keep: Sequence[str] = (),
                 drop_duplicates: bool = False, engine: str = "pandas", scheduler: str | None = None,
                 progress: Progress | None = None) -> Any:
    """Re-run a fitted recipe on scoring data (never resamples); returns the frame and the notes.

    Every input row comes out, in order (dropping duplicate rows is a training-time decision of ``fix``;
    ``drop_duplicates`` makes that decision here too, to reproduce the rows ``fix`` wrote before resampling).
    ``keep``: columns carried through unchanged, first, beside the model-ready ones (an ID to join predictions
    back on). Data missing more than half of the recipe's input columns is refused (InputError), and so is a
    numeric column that no longer reads as numbers. ``progress`` receives the stages read, apply (one unit per
    step) and write, then ``done()``. ``engine``: ``"pandas"`` in memory; ``"stream"`` batch by batch in bounded
    memory, the output written atomically (the same rows; the frame returned is None); ``"dask"`` partition by
    partition on a Dask cluster (``scheduler``) into a partitioned Parquet directory (frame None).

    ``recipe``: a Recipe, the path of a saved one, or the FixResult of ``fix``. ``data`` may be a frame
    (``scan``'s kinds): then the transformed frame alone is returned (``fixing.memory.apply_frame``), of the
    input's kind."""
    if not is_path(data):
        if engine != "pandas" or scheduler is not None:
            raise UsageError("a frame in memory is transformed in memory (--engine pandas)")
        from .fixing.memory import apply_frame

        progress = NO_PROGRESS if progress is None else progress
        try:
            return apply_frame(_recipe(recipe), data, output, overwrite=overwrite, sheet=sheet, safe_csv=safe_csv,
                               keep=keep, drop_duplicates=drop_duplicates, progress=progress)
        finally:
            progress.done()
    applied = apply(recipe, data, output, overwrite=overwrite, sheet=sheet, safe_csv=safe_csv, keep=keep,
                    drop_duplicates=drop_duplicates, engine=engine, scheduler=scheduler, progress=progress)
    return applied.frame, applied.notes


@finishes_progress
def apply(recipe: Recipe | str | os.PathLike[str], path: str | os.PathLike[str],
          output: str | os.PathLike[str] | None = None, *, overwrite: bool = False, sheet: str | int | None = None,
          safe_csv: bool = False, keep: Sequence[str] = (), drop_duplicates: bool = False, engine: str = "pandas",
          scheduler: str | None = None, progress: Progress | None = None) -> Applied:
    """``apply_recipe``, returning ``Applied`` (what ``dataaudit apply`` prints)."""
    chosen = choose_engine(engine, path, sheet, scheduler, choices=APPLY_ENGINES)
    if chosen != "pandas" and output is None:
        raise UsageError(f"apply --engine {chosen} writes its output batch by batch: give an output")
    if output is not None:
        check_not_input(output, [path])
        _check_output(output, chosen, overwrite=overwrite, command="apply")
    recipe = _recipe(recipe)
    if chosen == "dask":
        if keep:
            raise UsageError("--keep is not available with --engine dask yet; use --engine pandas")
        if drop_duplicates:
            raise UsageError("drop_duplicates is not available with --engine dask; use --engine pandas")
        from .fixing.dask_recipe import dask_apply

        rows, columns, notes = dask_apply(recipe, path, output, scheduler=scheduler, overwrite=overwrite,
                                          progress=progress)
        return Applied(None, rows, columns, notes)
    if chosen == "stream":
        from .fixing.stream import apply_stream

        return Applied(None, *apply_stream(recipe, path, output, overwrite=overwrite, safe_csv=safe_csv, keep=keep,
                                           drop_duplicates=drop_duplicates, progress=progress))
    from .fixing.memory import apply_in_memory

    frame, notes = apply_in_memory(recipe, path, output, overwrite=overwrite, sheet=sheet, safe_csv=safe_csv,
                                   keep=keep, drop_duplicates=drop_duplicates, progress=progress)
    return Applied(frame, len(frame), [str(c) for c in frame.columns], notes)


@finishes_progress
def diff(
    reference: Any,
    current: Any,
    *,
    target: str | None = None,
    recipe: str | os.PathLike[str] | Recipe | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    sheet: str | int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Compare ``current`` with ``reference`` (paths of any format ``scan`` reads, or frames in memory of the
    kinds ``scan`` takes, a Dask DataFrame aside; a path and a frame can be compared).

    ``target``: the label column (class balance, regression target shift); it must be in the reference;
    a current file without it (data to score) is compared on its features only: the target is not reported
    as a removed column, and ``dataset["label_drift"]`` says that label drift was not measured.
    ``recipe``: a ``dataaudit fix`` recipe whose fitted centres, scales, clip bounds, categories and
    input columns are checked against the current data (its target is the default ``target``).
    The other options mean what they mean for ``scan`` (values declared missing are missing in both files).
    """
    rules = check_options(select, ignore, fail_on, rule_options, column_rule_options, missing_values, command="diff")
    fitted, label = None, None
    if recipe is not None:
        from .fixing.recipe import Recipe

        fitted = recipe if isinstance(recipe, Recipe) else Recipe.load(recipe)
        label = "<recipe>" if isinstance(recipe, Recipe) else str(recipe)
    from .analysis.diff import compare

    return compare(reference, current, rules, target=target, recipe=fitted, recipe_label=label, fail_on=fail_on,
                   rule_options=rule_options, column_rule_options=column_rule_options, column_ignores=column_ignores,
                   missing_values=missing_values, sheet=sheet, progress=progress)


def choose_engine(engine: str, path: str | os.PathLike[str], sheet: str | int | None = None,
                  scheduler: str | None = None, *, choices: Sequence[str] = ENGINES) -> str:
    """The engine a command on ``path`` uses: ``pandas``, ``stream`` or ``dask`` (Excel is always read in memory;
    ``auto`` never picks dask, which needs a cluster). A ``scheduler`` is for the dask engine only."""
    if engine not in choices:
        raise UsageError(f"--engine must be one of {', '.join(choices)}, not {engine!r}")
    chosen = _engine_for(engine, path, sheet)
    if scheduler is not None and chosen != "dask":
        raise UsageError("--scheduler is for --engine dask")
    return chosen


def _engine_for(engine: str, path: str | os.PathLike[str], sheet: str | int | None) -> str:
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


def _check_output(output: str | os.PathLike[str], chosen: str, *, overwrite: bool, command: str) -> None:
    """Fail early on an output the engine cannot write: the dask engine writes a Parquet directory, the others a file."""
    if chosen == "dask":
        from .engines.dask.write import check_parquet_dir_output

        check_parquet_dir_output(output, overwrite=overwrite, command=command)
        return
    if Path(output).is_dir():
        raise UsageError(f"{output}: is a directory (only --engine dask writes a Parquet directory)")
    check_frame_output(output, overwrite=overwrite)


def _check_missing_values(missing_values: Mapping[str, Iterable[Any]] | None) -> None:
    for column, values in (missing_values or {}).items():
        problem = values_problem(values)
        if problem:
            raise UsageError(f"missing values of column {column!r} {problem}")


def _scan_frame(data: Any, *, target: Any, engine: str, scheduler: str | None, sheet: str | int | None,
                progress: Progress, **options: Any) -> Report:
    """``scan`` of a frame: in memory (``scan_frame``), or a Dask DataFrame by the Dask engine, which reads its
    partitions from a temporary Parquet directory that Dask writes (``io.frames.parquet_dir``): the rows never
    gather on the client, and the statistics are the Dask engine's, as for a file."""
    if _on_dask(data, engine=engine, scheduler=scheduler, sheet=sheet, target=target, done="scanned"):
        with parquet_dir(data) as path:
            report = scan(path, target=target, engine="dask", scheduler=scheduler, progress=progress, **options)
        report.dataset["path"] = "<Dask DataFrame>"
        return report
    return scan_frame(data, target=target, progress=progress, **options)


def _fix_frame(data: Any, *, output: str | os.PathLike[str] | None, target: Any,
              recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
              sheet: str | int | None, safe_csv: bool, missing_values: dict[str, list[Any]] | None, engine: str,
              fit_rows: int, scheduler: str | None, progress: Progress,
              rule_options: dict[str, dict[str, Any]] | None = None,
              column_rule_options: dict[str, dict[str, dict[str, Any]]] | None = None) -> FixResult:
    """``fix`` of a frame in memory (``io.frames``): read through Arrow as a file would be, then the in-memory fix.

    A Dask DataFrame is fixed by the dask engine instead: Dask writes its partitions to a temporary Parquet
    directory (``io.frames.parquet_dir``), which ``fix(..., engine="dask")`` reads; ``frame`` then holds the
    fitting sample, fixed, as for any dask fix, and the output (if any) is a partitioned Parquet directory."""
    checks = {"rule_options": rule_options, "column_rule_options": column_rule_options}
    if _on_dask(data, engine=engine, scheduler=scheduler, sheet=sheet, target=target, done="fixed"):
        with parquet_dir(data) as path:
            result = fix(path, output=output, target=target, recipe_path=recipe_path, options=options,
                         overwrite=overwrite, rescan=rescan, missing_values=missing_values, engine="dask",
                         fit_rows=fit_rows, scheduler=scheduler, progress=progress, **checks)
        result.before.dataset["path"] = "<Dask DataFrame>"  # not the temporary directory, gone now
        return result
    for out in (output, recipe_path):
        if out is not None and Path(out).is_dir():
            raise UsageError(f"{out}: is a directory, not a file to write")
    if output is not None:
        check_frame_output(output, overwrite=overwrite)
    _check_missing_values(missing_values)
    progress.stage("read")
    loaded, target = load_data(data, target=target, missing_values=missing_values)
    from .fixing.memory import fix_loaded

    handed_over, loaded = [loaded], None  # fix_loaded frees the Arrow copy once the frame is made
    return fix_loaded(handed_over, output=output, target=target, recipe_path=recipe_path, options=options,
                      overwrite=overwrite, rescan=rescan, safe_csv=safe_csv, missing_values=missing_values,
                      progress=progress, checks={k: v for k, v in checks.items() if v})


def _on_dask(data: Any, *, engine: str, scheduler: str | None, sheet: str | int | None, target: Any,
             done: str) -> bool:
    """Whether a frame goes to the Dask engine (a Dask DataFrame) or stays in memory (any other); UsageError for
    an engine, a scheduler, a sheet or a target that it cannot take. ``done``: what the verb does to it."""
    if check_data(data) == "dask":
        if engine not in ("auto", "dask"):
            raise UsageError(f"a Dask DataFrame is {done} by the Dask engine, not --engine {engine}")
        if target is not None and not isinstance(target, str):
            raise UsageError("with a Dask DataFrame, target must be the name of one of its columns")
        return True
    if engine not in ("auto", "pandas") or scheduler is not None:
        raise UsageError(f"a frame in memory is {done} in memory (--engine pandas), not with "
                         f"{'--scheduler' if scheduler is not None else '--engine ' + engine}")
    if sheet is not None:
        raise UsageError("sheet is for Excel files, not for a frame in memory")
    return False


def _recipe(recipe: Any) -> Recipe:
    """A Recipe from a Recipe, the path of a saved one, or the FixResult of ``fix``."""
    from .fixing.recipe import Recipe
    from .fixing.result import FixResult

    if isinstance(recipe, FixResult):
        recipe = recipe.recipe
    return recipe if isinstance(recipe, Recipe) else Recipe.load(recipe)
