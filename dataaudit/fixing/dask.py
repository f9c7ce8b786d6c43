"""``fix --engine dask``: ``fixing.driver``'s out-of-core fix with each pass run partition by partition on a Dask
cluster, writing a partitioned Parquet directory (``DaskEngine``).

Pass 1 is the dask scan (``engines.dask.stats_pass``): the whole dataset's merged statistics give the report
before the fix, and its deterministic uniform row sample (``fit_rows`` rows, every row of a smaller dataset)
is what the steps are fitted on, on the client, by the in-memory code (``fixing.fit.fit_steps``), for the reasons
``fixing.driver`` gives. Pass 2 is ``apply --engine dask``'s machinery (``engines.dask.recipe_stages``): every
partition read again as pass 1 typed it, declared missing values marked, through the recipe, duplicate rows
dropped exactly across partitions (a 64-bit hash per row gathered, then pandas on the rows whose hash repeats).

Resampling is planned on the whole output's classes: each partition sends a class code per row (1 byte
below 128 classes), the client plans (``fixing.driver.plan_resampling``; random over- and under-
sampling draw exactly the rows imbalanced-learn draws in memory, ``steps.resample.random_rows``), and every
partition writes each of its rows as often as it was drawn (0 or 1 under-sampling, 1 + its copies over-
sampling). The output then holds the in-memory fix's rows as a multiset, in another order: a copy follows
its original instead of coming after all the rows, and rows without a label stay in place instead of
coming last. SMOTE interpolates on the fitting sample, on the client, as for the stream engine; its rows are
written as extra part files after the partitions' (one, unless they outnumber the sample's rows).

The report after the fix scans the written directory with the dask engine, on the same cluster (as
``fixing.stream`` scans its output with the stream engine). Besides what the dask scan keeps, the client holds the
fitting sample and a few bytes per row (the duplicate search's 64-bit hashes, a class code), never the rows.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.pipeline import SAMPLE_ROWS, scan_loaded
from ..analysis.report import Report
from ..core.stats import DatasetStats
from ..engines.dask.cluster import cluster_client
from ..engines.dask.reconcile import part_typing
from ..engines.dask.scan import dask_note, stats_pass
from ..engines.dask.write import empty_frame, write_parquet_dir
from ..io.read import LoadedTable
from ..progress import Progress
from ..steps import Resample
from .dask_recipe import frame_of, log_of, recipe_stages
from .driver import ResamplePlan, Written, fix_out_of_core, note_kind, synthetic_chunks
from .fit import FittedSteps
from .notes import merge_notes
from .options import FixOptions
from .recipe import Recipe
from .result import FixResult

__all__ = ["DaskEngine", "fix_dask"]


class DaskEngine:
    """``fixing.driver``'s engine for ``--engine dask``: each pass partition by partition on a Dask cluster (a local one
    unless ``scheduler`` names one), the output a partitioned Parquet directory."""

    name = "dask"
    synthetic_place = "the synthetic rows are the last part file(s)"

    def __init__(self, output: str | os.PathLike[str] | None, *, overwrite: bool, scheduler: str | None,
                 missing_values: dict[str, list[Any]] | None) -> None:
        self.output, self.overwrite, self.scheduler, self.missing_values = output, overwrite, scheduler, missing_values
        self._cluster: Any = None

    def __enter__(self) -> "DaskEngine":
        self._cluster = cluster_client(self.scheduler)
        self.client = self._cluster.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.outs = None
        self._cluster.__exit__(*exc)

    def stats_pass(self, path: str | os.PathLike[str], *, target: str | None, sample_size: int,
                   missing_values: dict[str, list[Any]] | None, progress: Progress) -> tuple[LoadedTable, DatasetStats]:
        self.scanned = stats_pass(self.client, path, target=target, sample_size=sample_size,
                                  missing_values=missing_values, progress=progress)
        return self.scanned.loaded, self.scanned.stats

    def note(self, profile: Any) -> dict[str, Any]:
        return dask_note(profile)

    def transform(self, recipe: Recipe, fitted: FittedSteps, *, classification: bool, staged: bool,
                  progress: Progress) -> Written:
        client, plan = self.client, self.scanned.plan
        progress.stage("transform", len(plan.parts))
        self.outs, duplicates, _ = recipe_stages(client, plan, part_typing(plan, self.scanned.parts), recipe,
                                                 missing_values=self.missing_values)
        self.summaries = client.gather(client.map(log_of, self.outs, pure=False))  # per partition: (rows, notes)
        progress.advance(len(self.outs))
        self.sizes = np.array([n for n, _ in self.summaries], dtype=np.int64)
        classes = None
        if classification:
            classes = _PartClasses(client.gather(client.map(_class_codes, self.outs, target=recipe.target,
                                                            pure=False)))
        return Written(int(self.sizes.sum()), duplicates, classes)

    def drawn(self, plan: ResamplePlan) -> str:
        return ("dask engine: imbalanced-learn drew the rows from the class of every row written, as in memory; each "
                "partition writes its rows as often as they were drawn"
                + (" (a copy next to its original, not after all the rows as in memory)"
                   if plan.copies is not None else "") + ".")

    def write(self, plan: ResamplePlan | None, fitted: FittedSteps, resampler: Resample, progress: Progress) -> None:
        progress.stage("write")
        frames = _planned_frames(self.client, self.outs, self.sizes, plan, fitted, resampler)
        write_parquet_dir(self.client, frames, self.output, overwrite=self.overwrite)

    def sample_notes(self) -> tuple[str, str]:
        return f"partition by partition ({len(self.sizes):,} partition(s))", "data"

    def notes(self, fitted_log: list[str], whole: bool) -> list[str]:
        self.outs = None  # the partitions' futures: released before the rescan
        if whole:
            return []
        known = {note_kind(note) for note in fitted_log}
        return [f"while writing: {note}" for note in merge_notes([notes for _, notes in self.summaries])
                if note_kind(note) not in known and not note.startswith("dropped ")]

    def info(self) -> dict[str, Any]:
        return {"partitions": len(self.sizes)}

    def after_sample(self) -> dict[str, int] | None:
        return None  # the rescan reads the whole written directory

    def rescan(self, output: str | os.PathLike[str], target: str | None, checks: dict[str, Any]) -> Report:
        """The written directory, scanned as `scan --engine dask` would, on the same cluster."""
        after = stats_pass(self.client, output, target=target, sample_size=SAMPLE_ROWS)
        report = scan_loaded(after.loaded, target=target, stats=after.stats, probe=False, **checks)
        report.dataset["engine"] = dask_note(report.profile)
        return report


def fix_dask(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None, target: str | None,
             recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
             missing_values: dict[str, list[Any]] | None, fit_rows: int, scheduler: str | None,
             progress: Progress, checks: dict[str, Any] | None = None) -> FixResult:
    """``api.fix`` with the dask engine (``fixing.driver.fix_out_of_core``); the caller checked the options and the
    output (a Parquet directory). ``checks``: the rule options of the scans before and after (``scan``'s keywords)."""
    with DaskEngine(output, overwrite=overwrite, scheduler=scheduler, missing_values=missing_values) as engine:
        return fix_out_of_core(engine, path, output=output, target=target, recipe_path=recipe_path, options=options,
                               rescan=rescan, missing_values=missing_values, fit_rows=fit_rows, progress=progress,
                               checks=checks)


# --------------------------------------------------------------------------------------------- resampling


def _class_codes(stage: tuple[pd.DataFrame, list[str]], target: str) -> tuple[np.ndarray, list[Any]]:
    """(on a worker) The partition's labels as codes into its own distinct labels (-1: no label), in the
    smallest integer type: what the client gathers to plan resampling, instead of the labels."""
    codes, labels = pd.factorize(stage[0][target], use_na_sentinel=True)
    return codes.astype(np.min_scalar_type(-max(len(labels), 1))), list(labels)


class _PartClasses:
    """The class of every row the partitions wrote, in order, as ``fixing.driver.plan_resampling`` reads it: ``result()``
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


def _planned_frames(client: Any, outs: list[Any], sizes: np.ndarray, plan: ResamplePlan | None, fitted: FittedSteps,
                    resampler: Resample) -> list[Any]:
    """The futures of the frames to write: each partition's rows, each as often as the plan drew it, then
    SMOTE's synthetic rows (made here from the fitting sample, in the partitions' column types)."""
    if plan is None or (plan.keep is None and plan.copies is None):
        frames = client.map(frame_of, outs, pure=False)
    else:
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        frames = client.map(_repeated, outs, [_repeats(plan, start, size) for start, size in zip(starts, sizes)],
                            pure=False)
    if plan is not None and plan.synthetic:
        target = fitted.context.target
        dtypes = client.submit(empty_frame, frames[0], pure=False).result().dtypes
        for seed, wanted in synthetic_chunks(plan.synthetic, resampler.seed, max(len(fitted.frame), 1)):
            synthetic = resampler.synthesize(fitted.frame, target, wanted, seed=seed)
            frames.append(client.scatter(synthetic.astype(dtypes.to_dict()).reset_index(drop=True)))
    return frames


def _repeats(plan: ResamplePlan, start: int, size: int) -> np.ndarray:
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
