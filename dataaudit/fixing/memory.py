"""fix(path) -> FixResult: scan, fit the fix steps the findings call for, transform, resample, write.

Order (SPEC "fix semantics"): repair → drop (+ duplicate rows) → impute → clip → robust-scale →
encode → resample. Everything but resampling is recorded in the recipe, so ``apply`` reproduces
the pre-resampling rows exactly.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..analysis.pipeline import rescan_frame, scan_loaded
from ..analysis.report import Report
from ..api import choose_engine
from ..core.declared_missing import describe, values_problem
from ..errors import DataMismatchError, InputError, UsageError
from ..io.frames import check_data, is_path, like_input, load_data, parquet_dir
from ..io.read import LoadedTable, load, to_frame
from ..io.write import (
    check_frame_output,
    check_not_input,
    frame_format,
    spreadsheet_safe,
    write_frame_atomic,
)
from ..progress import NO_PROGRESS, Progress, finishes_progress
from ..steps import Resample
from .fit import FittedSteps, fit_steps, target_levels  # noqa: F401  (FittedSteps re-exported)
from .options import CHOICES, FIT_ROWS, FixOptions  # noqa: F401  (re-exported)
from .probe import probe_after_fix
from .recipe import Recipe
from .result import FixResult


def fit_fix(frame: pd.DataFrame, before: Report, options: FixOptions, *,
            missing_values: dict[str, list[Any]] | None = None, progress: Progress | None = None) -> FixResult:
    """Fit every step on ``frame`` (the loaded data scanned as ``before``) and transform it, then resample.

    See ``fit_steps`` for ``missing_values`` and ``progress`` (the ``fix`` stage, one unit per step,
    resampling included).
    """
    fitted = fit_steps(frame, before, options, missing_values=missing_values, progress=progress)
    target, current, rows = before.target, fitted.frame, fitted.rows
    resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
    out = resampler.fit_resample(current, fitted.context, fitted.log)
    (NO_PROGRESS if progress is None else progress).advance()
    rows["added_by_resampling"] = max(len(out) - len(current), 0)
    rows["removed_by_resampling"] = max(len(current) - len(out), 0)
    rows["out"] = len(out)
    recipe = Recipe([*fitted.steps, resampler], target, [c for c in frame.columns if c != target],
                    list(current.columns), drop_duplicate_rows=True,  # what apply writes: no weight column
                    target_levels=target_levels(before))
    return FixResult(out.reset_index(drop=True), current.reset_index(drop=True), recipe, before, None, rows,
                     fitted.log)


@finishes_progress
def fix(
    path: Any,
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
    path : input file (any format ``scan`` reads); or a frame (``scan``'s kinds), fixed in memory: the result's
        ``frame`` is the fixed pandas DataFrame, nothing is written unless ``output`` is given, and a Dask
        DataFrame goes to the dask engine (``engine`` "auto" or "dask"; see ``fix_frame``). Never modified.
    output : where to write the repaired data (.csv, .parquet, .feather, .jsonl; with the dask engine a
        partitioned Parquet directory, ``DIR`` or ``DIR.parquet``); None writes nothing.
    target : label column: kept as is, drives resampling and target-aware checks. With a frame, also the labels
        as values aligned with the rows (``fix(X, target=y)``: they become a column of the result's frame).
    recipe_path : where to write the JSON recipe for ``apply``.
    options : FixOptions (scaler, impute, outliers, encode, resample, seed, drop_leaky, keep_text, clip_k).
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
        partitioned Parquet directory (``fixing.dask``; ``path`` may be a glob or a directory).
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
    if not is_path(path):
        return fix_frame(path, output=output, target=target, recipe_path=recipe_path, options=options,
                         overwrite=overwrite, rescan=rescan, sheet=sheet, safe_csv=safe_csv,
                         missing_values=missing_values, engine=engine, fit_rows=fit_rows, scheduler=scheduler,
                         progress=progress, rule_options=rule_options, column_rule_options=column_rule_options)
    chosen = choose_engine(engine, path, sheet)
    if scheduler is not None and chosen != "dask":
        raise UsageError("--scheduler is for --engine dask")
    for out in (output, recipe_path):
        if out is not None:
            check_not_input(out, [path])
    if output is not None and chosen == "dask":
        from ..engines.dask.write import check_parquet_dir_output

        check_parquet_dir_output(output, overwrite=overwrite, command="fix")
    elif output is not None:
        check_frame_output(output, overwrite=overwrite)
    if missing_values:
        for column, values in missing_values.items():
            problem = values_problem(values)
            if problem:
                raise UsageError(f"missing values of column {column!r} {problem}")
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
    try:
        if chosen == "dask":
            from .dask import fix_dask

            return fix_dask(path, output=output, target=target, recipe_path=recipe_path, options=options,
                            overwrite=overwrite, rescan=rescan, missing_values=missing_values, fit_rows=fit_rows,
                            scheduler=scheduler, progress=progress, checks=checks)
        if chosen == "stream":
            from .stream import fix_stream

            return fix_stream(path, output=output, target=target, recipe_path=recipe_path, options=options,
                              overwrite=overwrite, rescan=rescan, safe_csv=safe_csv, missing_values=missing_values,
                              fit_rows=fit_rows, progress=progress, checks=checks)
    except DataMismatchError as exc:  # a batch far from the rows the steps were fitted on
        raise InputError(path, f"a part of the file does not fit the steps fitted on the sample: {exc}") from None
    progress.stage("read")
    return fix_loaded(load(path, sheet=sheet, missing_values=missing_values), output=output, target=target, recipe_path=recipe_path, options=options,
                      overwrite=overwrite, rescan=rescan, safe_csv=safe_csv, missing_values=missing_values,
                      progress=progress, checks=checks)


def fix_frame(data: Any, *, output: str | os.PathLike[str] | None, target: Any,
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
    if check_data(data) == "dask":
        if engine not in ("auto", "dask"):
            raise UsageError(f"a Dask DataFrame is fixed by the dask engine, not --engine {engine}")
        if target is not None and not isinstance(target, str):
            raise UsageError("with a Dask DataFrame, target must be the name of one of its columns")
        with parquet_dir(data) as path:
            result = fix(path, output=output, target=target, recipe_path=recipe_path, options=options,
                         overwrite=overwrite, rescan=rescan, missing_values=missing_values, engine="dask",
                         fit_rows=fit_rows, scheduler=scheduler, progress=progress, **checks)
        result.before.dataset["path"] = "<Dask DataFrame>"  # not the temporary directory, gone now
        return result
    if engine not in ("auto", "pandas") or scheduler is not None:
        raise UsageError(f"a frame in memory is fixed in memory (--engine pandas), not with "
                         f"{'--scheduler' if scheduler is not None else '--engine ' + engine}")
    if sheet is not None:
        raise UsageError("sheet is for Excel files, not for a frame in memory")
    for out in (output, recipe_path):
        if out is not None and Path(out).is_dir():
            raise UsageError(f"{out}: is a directory, not a file to write")
    if output is not None:
        check_frame_output(output, overwrite=overwrite)
    for column, values in (missing_values or {}).items():
        problem = values_problem(values)
        if problem:
            raise UsageError(f"missing values of column {column!r} {problem}")
    progress.stage("read")
    loaded, target = load_data(data, target=target, missing_values=missing_values)
    return fix_loaded(loaded, output=output, target=target, recipe_path=recipe_path, options=options,
                      overwrite=overwrite, rescan=rescan, safe_csv=safe_csv, missing_values=missing_values,
                      progress=progress, checks={k: v for k, v in checks.items() if v})


def fix_loaded(loaded: LoadedTable, *, output: str | os.PathLike[str] | None, target: str | None,
               recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
               safe_csv: bool, missing_values: dict[str, list[Any]] | None, progress: Progress,
               checks: dict[str, Any]) -> FixResult:
    """The in-memory fix of a loaded table (a file's or a frame's): scan, fit, transform, resample, rescan, write.
    The caller checked the options and the outputs."""
    before = scan_loaded(loaded, target=target, progress=progress, **checks)
    frame = to_frame(loaded.table)
    declared = loaded.declared_missing
    del loaded  # the Arrow copy is no longer needed: free it before the steps make theirs
    result = fit_fix(frame, before, options, missing_values=missing_values, progress=progress)
    del frame
    if declared:  # already replaced when loading, so the mark-missing step found nothing left to log
        result.log.insert(0, f"mark-missing: values declared missing in the settings set to missing: "
                             f"{describe(declared)}.")
    if rescan:
        progress.stage("rescan")
        result.after = rescan_frame(result.features_frame, name=str(output or "<fixed>"), target=target, **checks)
        result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if output is not None or recipe_path is not None:
        progress.stage("write")
    if output is not None:
        write_frame_atomic(_safe_for_spreadsheets(result.frame, output, safe_csv, result.log), output,
                           overwrite=overwrite)
    if recipe_path is not None:
        result.recipe.save(recipe_path)
    return result


@finishes_progress
def apply_recipe(recipe: Recipe | FixResult | str | os.PathLike[str], path: Any,
                 output: str | os.PathLike[str] | None = None, *, overwrite: bool = False,
                 sheet: str | int | None = None, safe_csv: bool = False, keep: Sequence[str] = (),
                 drop_duplicates: bool = False, progress: Progress | None = None) -> Any:
    """Re-run a fitted recipe on scoring data (never resamples); returns the frame and the notes.

    Every input row comes out, in order (dropping duplicate rows is a training-time decision of ``fix``;
    ``drop_duplicates`` makes that decision here too, to reproduce the rows ``fix`` wrote before resampling).
    ``keep``: columns carried through unchanged, first, beside the model-ready ones (an ID to join predictions
    back on). Data missing more than half of the recipe's input columns is refused (InputError), and so is a
    numeric column that no longer reads as numbers. ``progress`` receives the stages read, apply (one unit per
    step) and write, then ``done()``.

    ``recipe``: a Recipe, the path of a saved one, or the FixResult of ``fix``. ``path`` may be a frame
    (``scan``'s kinds): then the transformed frame alone is returned (see ``apply_frame``), of the input's kind."""
    if isinstance(recipe, FixResult):
        recipe = recipe.recipe
    if not isinstance(recipe, Recipe):
        recipe = Recipe.load(recipe)
    if not is_path(path):
        return apply_frame(recipe, path, output, overwrite=overwrite, sheet=sheet, safe_csv=safe_csv, keep=keep,
                           drop_duplicates=drop_duplicates, progress=progress)
    if output is not None:
        check_not_input(output, [path])
    progress.stage("read")
    return transform_frame(recipe, to_frame(load(path, sheet=sheet).table), output, where=path, overwrite=overwrite,
                           safe_csv=safe_csv, keep=keep, drop_duplicates=drop_duplicates, progress=progress)


def apply_frame(recipe: Recipe, data: Any, output: str | os.PathLike[str] | None, *, overwrite: bool,
                sheet: str | int | None, safe_csv: bool, keep: Sequence[str], drop_duplicates: bool,
                progress: Progress) -> Any:
    """``apply_recipe`` of a frame in memory: the transformed frame, as a pandas DataFrame for pandas, a polars
    DataFrame (or LazyFrame) for polars, a pyarrow Table for Arrow; its notes (unseen categories, missing columns)
    go to the ``dataaudit`` logger (level INFO). A Dask DataFrame gives a Dask DataFrame, transformed lazily partition by
    partition (each row on its own, as ``apply`` does: the rows stay where they are); write it with its own
    ``to_parquet``."""
    kind = check_data(data)
    if sheet is not None:
        raise UsageError("sheet is for Excel files, not for a frame in memory")
    if kind == "dask":
        if output is not None or drop_duplicates:
            raise UsageError("the recipe is applied to a Dask DataFrame lazily: no output or drop_duplicates; write "
                             "the result with its .to_parquet(PATH)")
        meta = apply_partition(data.head(100, npartitions=-1), recipe.to_dict(), list(keep))
        return data.map_partitions(apply_partition, recipe.to_dict(), list(keep), meta=meta)
    if output is not None:
        if Path(output).is_dir():
            raise UsageError(f"{output}: is a directory, not a file to write")
        check_frame_output(output, overwrite=overwrite)
    progress.stage("read")
    loaded, _ = load_data(data)
    frame, notes = transform_frame(recipe, to_frame(loaded.table), output, where=loaded.path, overwrite=overwrite,
                                   safe_csv=safe_csv, keep=keep, drop_duplicates=drop_duplicates, progress=progress)
    for note in notes:  # routine (values imputed, clipped): for the log, not a warning in every notebook cell
        logging.getLogger("dataaudit").info("apply: %s", note)
    return like_input(frame, kind)


def apply_partition(part: pd.DataFrame, recipe: dict[str, Any], keep: list[str]) -> pd.DataFrame:
    """One Dask partition through the recipe (``recipe``: its JSON form, rebuilt on the worker)."""
    fitted = Recipe.from_dict(recipe)
    frame = to_frame(load_data(part.reset_index(drop=True), name="<Dask DataFrame>")[0].table) if len(part) else part
    out, _ = transform_frame(fitted, frame, None, where="<Dask DataFrame>", overwrite=False, safe_csv=False,
                             keep=keep, drop_duplicates=False, progress=NO_PROGRESS)
    return out


def transform_frame(recipe: Recipe, frame: pd.DataFrame, output: str | os.PathLike[str] | None, *,
                    where: str | os.PathLike[str], overwrite: bool, safe_csv: bool, keep: Sequence[str],
                    drop_duplicates: bool, progress: Progress) -> tuple[pd.DataFrame, list[str]]:
    """The recipe on a loaded frame (a file's or a frame's; ``where`` names it in errors), the ``keep`` columns
    first, written to ``output`` when given; the frame and the notes."""
    kept = kept_columns(frame, keep, where)
    problem = recipe.schema_problem(list(frame.columns))
    if problem:
        raise InputError(where, problem)
    log: list[str] = []
    try:
        frame = recipe.transform(frame, log, progress=progress, keep_rows=not drop_duplicates).reset_index(drop=True)
    except DataMismatchError as exc:
        raise InputError(where, f"does not fit the recipe: {exc}") from None
    if kept is not None:
        clash = [c for c in kept.columns if c in frame.columns]
        if clash:
            raise UsageError(f"--keep {', '.join(clash)}: also a model-ready column of the recipe's output; keep "
                             "columns the recipe drops or does not read (an ID, a timestamp)")
        frame = pd.concat([kept.reset_index(drop=True), frame], axis=1)
    if output is not None:
        progress.stage("write")
        write_frame_atomic(_safe_for_spreadsheets(frame, output, safe_csv, log), output, overwrite=overwrite)
    return frame, log


def kept_columns(frame: pd.DataFrame, keep: Sequence[str], path: str | os.PathLike[str]) -> pd.DataFrame | None:
    """The ``--keep`` columns of ``frame``, unchanged, or None; InputError naming a column the data lacks."""
    keep = list(dict.fromkeys(keep))
    if not keep:
        return None
    absent = [c for c in keep if c not in frame.columns]
    if absent:
        raise InputError(path, f"--keep: no column {', '.join(repr(c) for c in absent)} "
                               f"(columns: {', '.join(map(str, frame.columns[:10]))}{', …' if frame.shape[1] > 10 else ''})")
    return frame[keep].copy()


def _safe_for_spreadsheets(frame: pd.DataFrame, output: str | os.PathLike[str], safe: bool,
                           log: list[str]) -> pd.DataFrame:
    """With ``safe`` and a CSV output: formula-like text cells defused, and the log says which."""
    if not safe or frame_format(output) != "csv":
        return frame
    safe_frame, changed = spreadsheet_safe(frame)
    if changed:
        log.append("spreadsheet-safe CSV: a ' was put before " + ", ".join(
            f"{n:,} cell(s) of `{c}`" for c, n in changed.items()) + " that a spreadsheet would run as formulas.")
    else:
        log.append("spreadsheet-safe CSV: no text cell looked like a formula.")
    return safe_frame
