"""The in-memory fix and apply: scan, fit the fix steps the findings call for, transform, resample, write.

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
from ..core.declared_missing import describe
from ..engines.allocator import limit_heap_fragmentation
from ..errors import DataMismatchError, InputError, UsageError
from ..io.frames import check_data, like_input, load_data
from ..io.read import LoadedTable, load, to_frame
from ..io.write import (
    check_frame_output,
    frame_format,
    safe_note,
    spreadsheet_safe,
    write_frame_atomic,
)
from ..progress import NO_PROGRESS, Progress
from ..steps import Resample
from .after import sample_rows
from .fit import fit_steps, handed, summarise_profile, target_levels
from .options import FixOptions
from .probe import probe_after_fix
from .recipe import Recipe
from .release import release_memory
from .result import FixResult

__all__ = ["with_kept", "fit_fix", "fix_in_memory", "fix_loaded", "apply_in_memory", "apply_frame", "apply_partition",
           "transform_frame", "kept_columns"]


def fit_fix(frame: pd.DataFrame | list[pd.DataFrame], before: Report, options: FixOptions, *,
            missing_values: dict[str, list[Any]] | None = None, progress: Progress | None = None,
            verdicts: Any = None) -> FixResult:
    """Fit every step on ``frame`` (the loaded data scanned as ``before``) and transform it, then resample.

    See ``fit_steps`` for ``missing_values`` and ``progress`` (the ``fix`` stage, one unit per step,
    resampling included), for ``frame`` handed over in a list (freed once the first step has read it) and for
    ``verdicts`` (those of ``before``'s columns, when its profile was cut down to the summary).
    """
    inputs = [c for c in (frame[0] if isinstance(frame, list) else frame).columns if c != before.target]
    fitted = fit_steps(frame, before, options, missing_values=missing_values, progress=progress,
                       verdicts=verdicts)
    target, current, rows = before.target, fitted.frame, fitted.rows
    columns, n = list(current.columns), len(current)
    resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
    # handed over: random over-sampling frees each fitted column once its rows are copied (``current`` is then
    # left without columns; the rows before resampling are the output's first rows)
    out = resampler.fit_resample(current, fitted.context, fitted.log, consume=True)
    (NO_PROGRESS if progress is None else progress).advance()
    rows["added_by_resampling"] = max(len(out) - n, 0)
    rows["removed_by_resampling"] = max(n - len(out), 0)
    rows["out"] = len(out)
    recipe = Recipe([*fitted.steps, resampler], target, inputs, columns,
                    drop_duplicate_rows=fitted.drop_duplicates,  # what apply writes: no weight column
                    target_levels=target_levels(before))
    out = out.reset_index(drop=True)
    if getattr(resampler, "consumed_", False):
        # random over-sampling keeps every row, in order, then adds the copies: the rows before resampling are
        # the output's first rows (a view); the fitted frame's columns were freed as they were taken
        pre_resample = out.iloc[:n]
    else:
        pre_resample = current.reset_index(drop=True)
    return FixResult(out, pre_resample, recipe, before, None, rows, fitted.log)


def fix_in_memory(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None, target: str | None,
                  recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
                  sheet: str | int | None, safe_csv: bool, missing_values: dict[str, list[Any]] | None,
                  progress: Progress, checks: dict[str, Any] | None = None) -> FixResult:
    """``api.fix`` of a file in memory; the caller checked the options and the output paths. ``checks``: the rule
    options of the scans before and after (``scan``'s keywords)."""
    progress.stage("read")
    limit_heap_fragmentation()  # the steps' whole-column arrays go back to the system when freed (see there)
    loaded = [load(path, sheet=sheet, missing_values=missing_values)]  # handed over: freed once framed
    release_memory()  # the reader's buffers (the CSV parser's blocks), before the scan makes its statistics
    return fix_loaded(loaded, output=output, target=target,
                      recipe_path=recipe_path, options=options, overwrite=overwrite, rescan=rescan, safe_csv=safe_csv,
                      missing_values=missing_values, progress=progress, checks=checks or {})


def fix_loaded(loaded: LoadedTable | list[LoadedTable], *, output: str | os.PathLike[str] | None,
               target: str | None, recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool,
               rescan: bool, safe_csv: bool, missing_values: dict[str, list[Any]] | None, progress: Progress,
               checks: dict[str, Any]) -> FixResult:
    """The in-memory fix of a loaded table (a file's or a frame's): scan, fit, transform, resample, rescan, write.
    The caller checked the options and the outputs. ``loaded`` handed over in a list (``fixing.fit.handed``) is
    freed once its frame is made: a caller's reference would hold the whole Arrow table (180 MB at 1M rows × 20)
    through the steps, the rescan and the write."""
    loaded = handed(loaded)
    before = scan_loaded(loaded, target=target, progress=progress, **checks)
    # the report keeps its profile's summary, the steps read the columns' verdicts: the column profiles' arrays
    # are freed before the frame is made
    verdicts = summarise_profile(before)
    release_memory()  # the scan's temporary columns, before the frame is made
    framed = [to_frame(loaded.table)]
    declared = loaded.declared_missing
    del loaded  # the Arrow copy is no longer needed: free it before the steps make theirs
    release_memory()  # and give the pages Arrow's allocator and glibc's heap kept back to the system
    # handed over: fit_steps frees the input frame once the first step has transformed it
    result = fit_fix(framed, before, options, missing_values=missing_values, progress=progress, verdicts=verdicts)
    del verdicts
    if declared:  # already replaced when loading, so the mark-missing step found nothing left to log
        result.log.insert(0, f"mark-missing: values declared missing in the settings set to missing: "
                             f"{describe(declared)}.")
    release_memory()  # what the steps and resampling freed, before the rescan and the write make their copies
    if rescan:
        progress.stage("rescan")
        scanned = result.features_frame
        rows = sample_rows(len(scanned), options.seed)  # None: every row, as scanned before
        if rows is not None:  # a uniform sample of the output (``fixing.after``)
            result.after_sample = {"rows": int(rows.size), "of": len(scanned)}
            scanned = scanned.iloc[rows].reset_index(drop=True)
        result.after = rescan_frame(scanned, name=str(output or "<fixed>"), target=target, **checks)
        del scanned
        release_memory()  # the rescan's columns and statistics of the sample, before the probe makes its matrices
        result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if output is not None or recipe_path is not None:
        progress.stage("write")
    if output is not None:
        write_frame_atomic(_safe_for_spreadsheets(result.frame, output, safe_csv, result.log), output,
                           overwrite=overwrite)
    if recipe_path is not None:
        result.recipe.save(recipe_path)
    return result


def apply_in_memory(recipe: Recipe, path: str | os.PathLike[str], output: str | os.PathLike[str] | None, *,
                    overwrite: bool, sheet: str | int | None, safe_csv: bool, keep: Sequence[str],
                    drop_duplicates: bool, progress: Progress) -> tuple[pd.DataFrame, list[str]]:
    """``api.apply_recipe`` of a file in memory (see there); the caller loaded the recipe and checked the output."""
    progress.stage("read")
    return transform_frame(recipe, to_frame(load(path, sheet=sheet).table), output, where=path, overwrite=overwrite,
                           safe_csv=safe_csv, keep=keep, drop_duplicates=drop_duplicates, progress=progress)


def apply_frame(recipe: Recipe, data: Any, output: str | os.PathLike[str] | None, *, overwrite: bool,
                sheet: str | int | None, safe_csv: bool, keep: Sequence[str], drop_duplicates: bool,
                progress: Progress) -> Any:
    """``api.apply_recipe`` of a frame in memory (the caller loaded the recipe): the transformed frame, as a pandas DataFrame for pandas, a polars
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
        frame = recipe.transform(frame, log, progress=progress, keep_rows=not drop_duplicates)
    except DataMismatchError as exc:
        raise InputError(where, f"does not fit the recipe: {exc}") from None
    if kept is not None:  # the rows the recipe kept (it drops duplicates by mask, keeping the index): their values
        kept = kept.loc[frame.index]
    frame = with_kept(frame.reset_index(drop=True), kept)
    if output is not None:
        progress.stage("write")
        write_frame_atomic(_safe_for_spreadsheets(frame, output, safe_csv, log), output, overwrite=overwrite)
    return frame, log


def with_kept(frame: pd.DataFrame, kept: pd.DataFrame | None) -> pd.DataFrame:
    """The ``--keep`` columns first, beside the model-ready ones (UsageError for one that is both)."""
    if kept is None:
        return frame
    clash = [c for c in kept.columns if c in frame.columns]
    if clash:
        raise UsageError(f"--keep {', '.join(clash)}: also a model-ready column of the recipe's output; keep "
                         "columns the recipe drops or does not read (an ID, a timestamp)")
    return pd.concat([kept.reset_index(drop=True), frame], axis=1)


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
    log.append(safe_note(changed))
    return safe_frame
