"""``fix --engine dask``: the stream engine's fix (``fix_stream``), with each pass run partition by partition
on a Dask cluster, writing a partitioned Parquet directory.

Pass 1 is the dask scan (``dask_engine.stats_pass``): the whole dataset's merged statistics give the report
before the fix, and its deterministic uniform row sample (``fit_rows`` rows, every row of a smaller dataset)
is what the steps are fitted on, on the client, by the in-memory code (``fixing.fit_steps``), for the reasons
``fix_stream`` gives. Pass 2 is ``apply --engine dask``'s machinery (``dask_engine.recipe_stages``): every
partition read again as pass 1 typed it, declared missing values marked, through the recipe, duplicate rows
dropped exactly across partitions (a 64-bit hash per row gathered, then pandas on the rows whose hash repeats).

Resampling is planned on the whole output's classes: each partition sends a class code per row (1 byte
below 128 classes), the client plans as ``fix_stream`` does (``Resample.plan``; random over- and under-
sampling draw exactly the rows imbalanced-learn draws in memory, ``steps.resample.random_rows``), and every
partition writes each of its rows as often as it was drawn (0 or 1 under-sampling, 1 + its copies over-
sampling). The output then holds the in-memory fix's rows as a multiset, in another order: a copy follows
its original instead of coming after all the rows, and rows without a label stay in place instead of
coming last. SMOTE interpolates on the fitting sample, on the client, as ``fix_stream`` does; its rows are
written as extra part files after the partitions' (one, unless they outnumber the sample's rows).

The report after the fix scans the written directory with the dask engine, on the same cluster (as
``fix_stream`` scans its output with the stream engine). Besides what the dask scan keeps, the client holds the
fitting sample and a few bytes per row (the duplicate search's 64-bit hashes, a class code), never the rows.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from .dask_engine import (
    _empty,
    _frame_of,
    _log_of,
    _write_parquet_dir,
    cluster_client,
    dask_note,
    merge_notes,
    part_typing,
    recipe_stages,
    stats_pass,
)
from .fix_fit import FittedSteps
from .fix_options import FixOptions
from .fix_probe import probe_after_fix
from .fix_result import FixResult
from .fix_stream import (
    _classification,
    _Notes,
    _Plan,
    _plan,
    _replay,
    _synthetic_chunks,
    add_sample_notes,
    fit_on_sample,
)
from .progress import Progress
from .recipe import Recipe
from .scan import SAMPLE_ROWS, scan_frame, scan_loaded
from .steps import Resample


def fix_dask(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None, target: str | None,
             recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
             missing_values: dict[str, list[Any]] | None, fit_rows: int, scheduler: str | None,
             progress: Progress, checks: dict[str, Any] | None = None) -> FixResult:
    """``fixing.fix`` with the dask engine; the caller checked the options and the output (a Parquet directory).
    ``checks``: the rule options of the scans before and after (``scan``'s keywords)."""
    checks = checks or {}
    with cluster_client(scheduler) as client:
        progress.stage("read and statistics")
        scanned = stats_pass(client, path, target=target, sample_size=max(fit_rows, SAMPLE_ROWS),
                             missing_values=missing_values, progress=progress)
        loaded, stats = scanned.loaded, scanned.stats
        before, fitted, fitted_on = fit_on_sample(loaded, stats, dask_note, target=target, options=options,
                                                  missing_values=missing_values, fit_rows=fit_rows,
                                                  progress=progress, checks=checks)
        rows_in = stats.rows
        del stats
        whole = fitted_on >= rows_in
        recipe = Recipe(list(fitted.steps), target, [c for c in loaded.table.column_names if c != target],
                        [str(c) for c in fitted.frame.columns], drop_duplicate_rows=True)

        progress.stage("transform", len(scanned.plan.parts))
        outs, duplicates, _ = recipe_stages(client, scanned.plan, part_typing(scanned.plan, scanned.parts), recipe,
                                            missing_values=missing_values)
        summaries = client.gather(client.map(_log_of, outs, pure=False))  # per partition: (rows, notes)
        progress.advance(len(outs))
        sizes = np.array([n for n, _ in summaries], dtype=np.int64)

        progress.stage("resample")
        log = list(fitted.log)
        resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
        plan = None
        if _classification(before, target):
            classes = _PartClasses(client.gather(client.map(_class_codes, outs, target=target, pure=False)))
            plan = _plan(resampler, fitted, classes, log, whole)
            _say_dask(log, plan)
        else:
            resampler.plan(fitted.frame, fitted.context, {}, 0, log)  # no target, or a regression target
        if output is not None:
            progress.stage("write")
            frames = _planned_frames(client, outs, sizes, plan, fitted, resampler)
            _write_parquet_dir(client, frames, output, overwrite=overwrite)
            del frames
        del outs
        added, removed = (plan.added, plan.removed) if plan else (0, 0)
        rows = {"in": rows_in, "missing_target_dropped": rows_in - duplicates - int(sizes.sum()),
                "duplicates_dropped": duplicates, "added_by_resampling": added,
                "removed_by_resampling": removed, "out": int(sizes.sum()) - removed + added}
        del plan
        recipe.steps.append(resampler)
        partitions = len(sizes)
        add_sample_notes(log, "dask", loaded.declared_missing, rows_in, fitted_on,
                         f"partition by partition ({partitions:,} partition(s))", "data")
        if not whole:
            known = {_Notes.kind(note) for note in fitted.log}
            log += [f"while writing: {note}" for note in merge_notes([notes for _, notes in summaries])
                    if _Notes.kind(note) not in known and not note.startswith("dropped ")]
        result = FixResult(_replay(resampler, fitted), fitted.frame.reset_index(drop=True), recipe, before, None,
                           rows, log, engine={"name": "dask", "fit_rows": fitted_on, "rows": rows_in,
                                              "partitions": partitions})
        if rescan:
            progress.stage("rescan")
            if output is not None:  # the written directory, scanned as `scan --engine dask` would
                after = stats_pass(client, output, target=target, sample_size=SAMPLE_ROWS)
                result.after = scan_loaded(after.loaded, target=target, stats=after.stats, **checks)
                result.after.dataset["engine"] = dask_note(result.after.profile)
            else:
                result.after = scan_frame(result.frame, name="<fixed sample>", target=target, **checks)
            result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if recipe_path is not None:
        progress.stage("write")
        recipe.save(recipe_path)
    return result


# --------------------------------------------------------------------------------------------- resampling


def _class_codes(stage: tuple[pd.DataFrame, list[str]], target: str) -> tuple[np.ndarray, list[Any]]:
    """(on a worker) The partition's labels as codes into its own distinct labels (-1: no label), in the
    smallest integer type: what the client gathers to plan resampling, instead of the labels."""
    codes, labels = pd.factorize(stage[0][target], use_na_sentinel=True)
    return codes.astype(np.min_scalar_type(-max(len(labels), 1))), list(labels)


class _PartClasses:
    """The class of every row the partitions wrote, in order, as ``fix_stream._plan`` reads it: ``result()``
    gives (codes in the labels' sort order, as imbalanced-learn orders the classes; the labels sorted)."""

    def __init__(self, parts: list[tuple[np.ndarray, list[Any]]]) -> None:
        self.parts = parts

    def result(self) -> tuple[np.ndarray, list[Any]]:
        labels = sorted({label for _, own in self.parts for label in own})
        code = {label: i for i, label in enumerate(labels)}
        dtype = np.min_scalar_type(-max(len(labels), 1))
        # each partition's codes through a lookup of its few labels (its -1, no label, takes the last entry)
        codes = [np.array([code[label] for label in own] + [-1], dtype=dtype)[local] for local, own in self.parts]
        self.parts = []
        return (np.concatenate(codes) if codes else np.zeros(0, dtype=dtype)), labels


def _say_dask(log: list[str], plan: _Plan) -> None:
    """``fix_stream._plan`` logs how the stream engine writes the plan; say how this engine does."""
    where = next((i for i, note in enumerate(log) if note.startswith("stream engine:")), None)
    if where is None:
        return
    if plan.synthetic:
        log[where] = "dask engine:" + log[where][len("stream engine:"):].replace(
            "; the synthetic rows follow the rows of the file.", "; the synthetic rows are the last part file(s).")
    else:
        log[where] = ("dask engine: imbalanced-learn drew the rows from the class of every row written, as in "
                      "memory; each partition writes its rows as often as they were drawn"
                      + (" (a copy next to its original, not after all the rows as in memory)"
                         if plan.copies is not None else "") + ".")


def _planned_frames(client: Any, outs: list[Any], sizes: np.ndarray, plan: _Plan | None, fitted: FittedSteps,
                    resampler: Resample) -> list[Any]:
    """The futures of the frames to write: each partition's rows, each as often as the plan drew it, then
    SMOTE's synthetic rows (made here from the fitting sample, in the partitions' column types)."""
    if plan is None or (plan.keep is None and plan.copies is None):
        frames = client.map(_frame_of, outs, pure=False)
    else:
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        frames = client.map(_repeated, outs, [_repeats(plan, start, size) for start, size in zip(starts, sizes)],
                            pure=False)
    if plan is not None and plan.synthetic:
        target = fitted.context.target
        dtypes = client.submit(_empty, frames[0], pure=False).result().dtypes
        for seed, wanted in _synthetic_chunks(plan.synthetic, resampler.seed, max(len(fitted.frame), 1)):
            synthetic = resampler.synthesize(fitted.frame, target, wanted, seed=seed)
            frames.append(client.scatter(synthetic.astype(dtypes.to_dict()).reset_index(drop=True)))
    return frames


def _repeats(plan: _Plan, start: int, size: int) -> np.ndarray:
    """How often each row of the partition whose rows are ``start`` … ``start + size - 1`` of the rows written
    goes into the output: under-sampling 1 when kept, else 0; over-sampling 1 + its copies."""
    if plan.keep is not None:
        return plan.keep[start:start + size].astype(np.uint8)
    lo, hi = np.searchsorted(plan.copies, [start, start + size])  # the copies are sorted row numbers
    counts = 1 + np.bincount(plan.copies[lo:hi] - start, minlength=size)
    return counts.astype(np.min_scalar_type(int(counts.max(initial=1))))


def _repeated(stage: tuple[pd.DataFrame, list[str]], repeats: np.ndarray) -> pd.DataFrame:
    """(on a worker) The partition's rows, each ``repeats`` times in a row."""
    frame = stage[0]
    return frame.iloc[np.repeat(np.arange(len(frame)), repeats)].reset_index(drop=True)
