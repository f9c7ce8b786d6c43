"""The out-of-core fix: one driver for ``fix --engine stream`` and ``fix --engine dask``.

Pass 1 is the engine's scan: the whole data's merged statistics give the report before the fix, and their
deterministic uniform row sample (``fit_rows`` rows, every row of a smaller file) is what the steps are fitted on,
in memory (``fixing.fit.fit_steps``). Pass 2 reads the data again with the column types pass 1 settled on, runs the
recipe on each batch (stream) or partition (dask), drops duplicate rows across them and writes the rows; the class
of every row written is kept, so resampling is planned on the whole data's counts: random over- and under-
sampling draw exactly the rows imbalanced-learn draws in memory (from the class codes,
``steps.resample.random_rows``) and SMOTE interpolates between the fitting sample's rows of each minority class.

Why the steps are fitted on the sample and not on the merged statistics: each step is fitted on the output of the
step before, without duplicate rows (the median a column is imputed with shrinks its MAD, which sets the clip
bounds, ...), so the merged statistics of the raw columns are not what the in-memory fix fits, and getting those
numbers exactly would take a pass per step. On a uniform sample of n rows a median or quartile is off by about
1/sqrt(n) of the rows in rank (0.2% at 250,000 rows), well inside what changes a model; the fix log and report say
so, and ``tests/test_fix_stream.py`` measures it.

An engine (``OutOfCoreEngine``: ``fixing.stream.StreamEngine``, ``fixing.dask.DaskEngine``) reads, transforms, writes
and rescans; this module does everything else once: fitting, the recipe, the resampling plan, the row accounting,
the notes and the result.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Protocol

import numpy as np
import pandas as pd

from ..analysis.pipeline import SAMPLE_ROWS, rescan_frame, scan_loaded
from ..analysis.report import Report
from ..core.declared_missing import describe
from ..core.hashing import bottom_k
from ..core.stats import DatasetStats
from ..io.read import LoadedTable, to_frame
from ..progress import Progress
from ..steps import Resample
from ..steps.resample import random_rows
from .fit import FittedSteps, fit_steps, summarise_profile, target_levels
from .options import FixOptions
from .probe import probe_after_fix
from .recipe import Recipe
from .result import FixResult

__all__ = ["Written", "ResamplePlan", "OutOfCoreEngine", "fix_out_of_core", "is_classification", "fit_on_sample",
           "target_as_in_memory", "add_sample_notes", "note_kind", "class_counts", "plan_resampling",
           "synthetic_chunks", "replay"]


@dataclass
class Written:
    """What pass 2 wrote: rows (every one labelled: ``fix`` drops the rows without a target first), duplicate rows
    dropped, and the class of every row written (``result()`` -> (codes in the labels' sort order, the labels
    sorted)), or None without a class target."""

    rows: int
    duplicates: int
    classes: Any | None


@dataclass
class ResamplePlan:
    """Which rows the resampled output takes from the rows pass 2 wrote, and in which order."""

    method: str
    keep: np.ndarray | None = None  # under: per row written, kept
    copies: np.ndarray | None = None  # over: rows copied once more (sorted, repeated for more copies)
    synthetic: dict[str, int] | None = None  # smote: class label as text -> synthetic rows
    added: int = 0
    removed: int = 0


class OutOfCoreEngine(Protocol):
    """What the driver needs of an engine; ``name`` ("stream", "dask") starts its notes."""

    name: str
    synthetic_place: str  # where SMOTE's rows go, for the log ("the synthetic rows follow the rows of the file")

    def stats_pass(self, path: str | os.PathLike[str], *, target: str | None, sample_size: int,
                   missing_values: dict[str, list[Any]] | None,
                   progress: Progress) -> tuple[LoadedTable, DatasetStats]: ...

    def note(self, profile: Any) -> dict[str, Any]: ...  # the report's dataset.engine

    def transform(self, recipe: Recipe, fitted: FittedSteps, *, classification: bool, staged: bool,
                  progress: Progress) -> Written: ...

    def drawn(self, plan: ResamplePlan) -> str: ...  # how the engine writes rows drawn by random over/under-sampling

    def write(self, plan: ResamplePlan | None, fitted: FittedSteps, resampler: Resample,
              progress: Progress) -> None: ...

    def sample_notes(self) -> tuple[str, str]: ...  # (how the output was written, what the row counts are of)

    def notes(self, fitted_log: list[str], whole: bool) -> list[str]: ...  # notes of pass 2 for the log

    def info(self) -> dict[str, Any]: ...  # more of FixResult.engine (the dask engine's partitions)

    def rescan(self, output: str | os.PathLike[str], target: str | None, checks: dict[str, Any]) -> Report: ...

    def after_sample(self) -> dict[str, int] | None: ...  # the rescan's sample of the output ({rows, of}), or None


def fix_out_of_core(engine: OutOfCoreEngine, path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None,
                    target: str | None, recipe_path: str | os.PathLike[str] | None, options: FixOptions,
                    rescan: bool, missing_values: dict[str, list[Any]] | None, fit_rows: int, progress: Progress,
                    checks: dict[str, Any] | None = None) -> FixResult:
    """``api.fix`` with an out-of-core engine; the caller checked the options and the output paths. ``checks``:
    the rule options of the scans before and after (``scan``'s keywords)."""
    checks = checks or {}
    progress.stage("read and statistics")
    loaded, stats = engine.stats_pass(path, target=target, sample_size=max(fit_rows, SAMPLE_ROWS),
                                      missing_values=missing_values, progress=progress)
    before, fitted, fitted_on = fit_on_sample(loaded, stats, engine.note, target=target, options=options,
                                              missing_values=missing_values, fit_rows=fit_rows, progress=progress,
                                              checks=checks)
    rows_in = stats.rows
    del stats
    whole = fitted_on >= rows_in
    recipe = Recipe(list(fitted.steps), target, [c for c in loaded.table.column_names if c != target],
                    [str(c) for c in fitted.frame.columns], drop_duplicate_rows=fitted.drop_duplicates,
                    target_levels=target_levels(before))
    classification = is_classification(before, target)
    staged = classification and options.resample != "none" and output is not None
    written = engine.transform(recipe, fitted, classification=classification, staged=staged, progress=progress)
    progress.stage("resample")
    log = list(fitted.log)
    resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
    plan = None
    if written.classes is not None:
        plan = plan_resampling(resampler, fitted, written.classes, log, whole, engine)
    else:
        resampler.plan(fitted.frame, fitted.context, {}, 0, log)  # no target, or a regression target
    if output is not None:
        engine.write(plan, fitted, resampler, progress)
    added, removed = (plan.added, plan.removed) if plan else (0, 0)
    rows = {"in": rows_in, "missing_target_dropped": rows_in - written.rows - written.duplicates,
            "duplicates_dropped": written.duplicates, "added_by_resampling": added, "removed_by_resampling": removed,
            "out": written.rows - removed + added}
    del plan, written  # their per-row arrays, before the rescan reads the output
    recipe.steps.append(resampler)
    how, of = engine.sample_notes()
    add_sample_notes(log, engine.name, loaded.declared_missing, rows_in, fitted_on, how, of)
    log += engine.notes(fitted.log, whole)
    result = FixResult(replay(resampler, fitted), fitted.frame.reset_index(drop=True), recipe, before, None, rows, log,
                       engine={"name": engine.name, "fit_rows": fitted_on, "rows": rows_in, **engine.info()})
    if rescan:
        progress.stage("rescan")
        result.after = engine.rescan(output, target, checks) if output is not None else \
            rescan_frame(result.frame, name="<fixed sample>", target=target, **checks)
        result.after_sample = engine.after_sample() if output is not None else None
        result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if recipe_path is not None:
        progress.stage("write")
        recipe.save(recipe_path)
    return result


def is_classification(before: Report, target: str | None) -> bool:
    profile = before.profile.target if before.profile is not None else None
    return target is not None and profile is not None and profile.task == "classification"


# ------------------------------------------------------------------------------------------ fitting, notes


def fit_on_sample(loaded: LoadedTable, stats: DatasetStats, note: Callable[[Any], dict[str, Any]], *,
                  target: str | None, options: FixOptions, missing_values: dict[str, list[Any]] | None,
                  fit_rows: int, progress: Progress,
                  checks: dict[str, Any] | None = None) -> tuple[Report, FittedSteps, int]:
    """The report before the fix and the steps fitted on the first pass's row sample (``fit_rows`` rows of
    lowest row priority, in file order); ``stats`` carry a bottom-k sample of at least ``max(fit_rows,
    SAMPLE_ROWS)`` rows. ``note`` gives the report's ``dataset.engine`` from its profile. The fitted frame's target
    is typed as in memory. Returns the report, the fitted steps and the number of rows they were fitted on."""
    # the scan sees the engine's own sample: the lowest row priorities of the larger bottom-k sample
    before = scan_loaded(loaded, target=target, progress=progress, **(checks or {}),
                         stats=replace(stats, sample=bottom_k(stats.sample, SAMPLE_ROWS), sample_size=SAMPLE_ROWS))
    before.dataset["engine"] = note(before.profile)
    sample = bottom_k(stats.sample, fit_rows).sort_by("__row__").drop_columns(["__row__"])
    target_has_nulls = target is not None and stats.columns[target].nulls > 0
    verdicts = summarise_profile(before)  # the report keeps its summary, the steps read the verdicts
    fitted = fit_steps(to_frame(sample), before, options, missing_values=missing_values, progress=progress,
                       verdicts=verdicts)
    progress.advance()  # the fix stage's last unit, resampling, is planned once the data is written
    fitted.frame = target_as_in_memory(fitted.frame, target, target_has_nulls)
    return before, fitted, sample.num_rows


def target_as_in_memory(frame: pd.DataFrame, target: str | None, has_nulls: bool) -> pd.DataFrame:
    """The fixed sample with its target typed as the whole file's is in memory: whole numbers with a missing
    label anywhere in the file are float, booleans object. Its schema is then every written batch's, so a
    batch without missing labels does not change the target's type (and its labels read as in memory)."""
    if target is not None and has_nulls:
        if pd.api.types.is_integer_dtype(frame[target].dtype):
            return frame.assign(**{target: frame[target].astype(float)})
        if pd.api.types.is_bool_dtype(frame[target].dtype):
            return frame.assign(**{target: frame[target].astype(object)})
    return frame


def add_sample_notes(log: list[str], engine: str, declared: dict[str, dict[str, int]], rows_in: int,
                     fitted_on: int, written: str, whole: str) -> None:
    """The out-of-core engines' notes: the values declared missing (marked while reading, so the mark-missing
    step found nothing left to log), and whether the steps were fitted on every row or on a sample, with how
    close the sample's estimates are. ``written``: how the output was written; ``whole``: what the row counts
    are of ("file")."""
    if declared:
        log.insert(0, f"mark-missing: values declared missing in the settings set to missing: {describe(declared)}.")
    if fitted_on >= rows_in:
        log.append(f"{engine} engine: the steps were fitted on all {rows_in:,} rows, as in memory; the output was "
                   f"written {written}.")
    else:
        log.insert(0, f"{engine} engine: the steps were fitted on a uniform sample of {fitted_on:,} of the "
                      f"{rows_in:,} rows (--fit-rows): medians, MADs, clip bounds, scales and category maps are "
                      f"estimates from it (a median within about ±{1 / np.sqrt(fitted_on):.1%} of the rows in "
                      f"rank), and the counts in the step notes are the sample's; row counts are the whole "
                      f"{whole}'s.")


def note_kind(note: str) -> str:
    """A step note with its numbers blanked: notes of one kind from different batches compare equal."""
    return re.sub(r"\d[\d,.]*", "#", note)


# --------------------------------------------------------------------------------------------- resampling


def class_counts(codes: np.ndarray, labels: list[Any]) -> dict[str, int]:
    """Rows per class, largest first (ties by label text), as ``steps.resample`` counts them."""
    n = np.bincount(codes, minlength=len(labels))
    return dict(sorted(((str(label), int(k)) for label, k in zip(labels, n) if k), key=lambda kv: (-kv[1], kv[0])))


def plan_resampling(resampler: Resample, fitted: FittedSteps, classes: Any, log: list[str], whole: bool,
                    engine: OutOfCoreEngine) -> ResamplePlan:
    """Choose the sampler on the whole output's class counts, then which rows it adds or removes; log it, with how
    ``engine`` writes the plan."""
    y, labels = classes.result()
    counts = class_counts(y, labels)
    target = fitted.context.target
    plan = ResamplePlan(resampler.plan(fitted.frame, fitted.context, counts, int(y.size), log))
    if plan.method == "none":
        return plan
    how = ""
    if plan.method in ("smote", "smotenc"):
        present = {str(k): int(v) for k, v in fitted.frame[target].value_counts().items()}
        goal = resampler.goal(counts) or {label: max(counts.values()) for label in counts}  # capped, or the majority
        wanted = {label: goal[label] - n for label, n in counts.items() if n < goal[label]}
        short = [label for label in wanted if present.get(label, 0) < 2]
        if not short:
            plan.synthetic, plan.added = wanted, sum(wanted.values())
            resampler.record(counts_after=dict(sorted(((label, max(n, goal[label])) for label, n in counts.items()),
                                                      key=lambda kv: (-kv[1], kv[0]))))
            held = "every row" if whole else f"a uniform sample of {len(fitted.frame):,} rows"
            how = (f"{engine.name} engine: {'SMOTENC' if plan.method == 'smotenc' else 'SMOTE'} interpolated between "
                   f"the rows of each minority class in the fitting sample ({held}: "
                   + ", ".join(f"{present[label]:,} of class {label!r}" for label in wanted)
                   + f"); {engine.synthetic_place}.")
        else:
            plan.method = "over"
            resampler.record(method="over", reason=f"the fitting sample holds {present.get(short[0], 0)} row(s) of "
                                                   f"class {short[0]!r}, too few for SMOTE's neighbours")
    if plan.method in ("over", "under"):
        drawn = random_rows(plan.method, y, resampler.seed, resampler.goal(counts) if plan.method == "over" else None,
                            labels)
        if plan.method == "under":
            plan.keep = np.zeros(y.size, dtype=bool)
            plan.keep[drawn] = True
            plan.removed = int(y.size - drawn.size)
        else:
            plan.copies = np.sort(drawn[y.size:])
            plan.added = int(drawn.size - y.size)
        resampler.record(counts_after=class_counts(y[drawn], labels))
        how = engine.drawn(plan)
    resampler.record(added=plan.added, removed=plan.removed)
    log += [resampler.describe(), how]
    return plan


def synthetic_chunks(wanted: dict[str, int], seed: int, size: int) -> Iterator[tuple[int, dict[str, int]]]:
    """SMOTE's rows in rounds of at most ``size`` rows (the fitting sample's), so memory stays bounded by the
    sample; one round (the in-memory fix's draws) when they fit, else seeds ``seed``, ``seed + 1``, …"""
    left = dict(wanted)
    round_ = 0
    while any(left.values()):
        budget, take = size, {}
        for label, n in left.items():
            take[label] = min(n, budget)
            budget -= take[label]
        left = {label: n - take[label] for label, n in left.items()}
        yield (seed + round_) % 2**32, {label: n for label, n in take.items() if n}
        round_ += 1


def replay(resampler: Resample, fitted: FittedSteps) -> pd.DataFrame:
    """The fitting sample fixed and resampled as the whole file was (same sampler and seed): the rows the
    report describes and the probe reads; the output itself when the sample held every row."""
    frame = fitted.frame.reset_index(drop=True)
    if resampler.method_ == "none":
        return frame
    again = Resample(method="smote" if resampler.method_ == "smotenc" else resampler.method_, seed=resampler.seed)
    return again.fit_resample(frame, fitted.context, []).reset_index(drop=True)
