"""``fit_steps``: the fix steps but resampling, fitted in the SPEC's order on a frame (every engine fits them in
memory: the whole file, or a row sample of it), and what fitting them did to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, TypeVar

import pandas as pd

from ..analysis.report import Report
from ..core.numfmt import listed
from ..progress import NO_PROGRESS, Progress
from ..steps import (
    Clip,
    Drop,
    Encode,
    Impute,
    MarkMissing,
    Repair,
    RobustScale,
    TargetTransform,
)
from ..steps.base import FitContext, Step
from ..steps.target import ABSURD_Z
from .options import FixOptions
from .recipe import drop_duplicate_rows, drop_missing_target
from .release import release_memory

__all__ = ["FittedSteps", "fit_steps", "summarise_profile", "copies_judged", "handed", "quoted", "free_text_note",
           "codes_note", "target_levels"]

Handed = TypeVar("Handed")  # what ``handed`` takes out of its list: a frame, a loaded table


@dataclass
class FittedSteps:
    """The fix steps before resampling, fitted on a frame, and what fitting them did to it."""

    steps: list[Step]
    context: FitContext
    frame: pd.DataFrame  # the input after every step, duplicate rows dropped: what resampling starts from
    rows: dict[str, int]  # "in", "missing_target_dropped" and "duplicates_dropped"
    log: list[str]
    drop_duplicates: bool = True  # whether rows that repeat after the drop step go (the recipe's drop_duplicate_rows)


def fit_steps(frame: pd.DataFrame | list[pd.DataFrame], before: Report, options: FixOptions, *,
              missing_values: dict[str, list[Any]] | None = None, progress: Progress | None = None,
              verdicts: Any = None) -> FittedSteps:
    """Fit every step but resampling on ``frame`` (the loaded data scanned as ``before``), in the SPEC's order,
    each on the output of the one before; rows with a missing target are dropped once values declared missing
    are marked (a training row needs a label), and duplicate rows after the drop step when the scan judged the
    input's repeats copies of a record (DA603, ``copies_judged``): rows of a coarse table or members of a group
    (households, children observed weekly) that agree once their identifiers are dropped are not copies, and
    dropping them would reweigh the data (catsup lost 1,653 of its 2,798 purchases so).

    ``missing_values`` (column -> values declared missing) becomes the first step, ``mark-missing``, for the
    columns ``frame`` has, so ``apply`` marks them in new data too. ``progress`` gets the ``fix`` stage, one
    unit per step plus one left for the caller's resampling. Shared by ``fit_fix`` (in memory),
    ``fixing.stream`` and ``fixing.dask`` (which fit on a row sample of the file).

    ``frame`` may come as a list holding it, which this function empties (``handed``): it then holds the only
    reference, and the input's memory is freed as soon as the first step has transformed it. A fix that made
    ``before`` and cut its profile down to the summary (``summarise_profile``) passes the columns' verdicts that
    returned as ``verdicts``: the steps read those (default ``before.profile``).
    """
    frame = handed(frame)
    options.validate()
    flagged: dict[str, set[str]] = {}
    for f in before.findings:
        flagged.setdefault(f.rule, set()).update(f.columns)
    context = FitContext(target=before.target, flagged=flagged, seed=options.seed, findings=list(before.findings),
                         profile=before.profile if verdicts is None else verdicts, codes=options.codes)
    declared = {c: list(v) for c, v in (missing_values or {}).items() if c in frame.columns and len(v)}
    task = getattr(getattr(before.profile, "target", None), "task", None)
    drop = Drop(drop_leaky=options.drop_leaky, keep_text=options.keep_text).fit(frame, context)  # by the findings
    context.dropping = set(drop.dropped_)  # so the repair step leaves those columns alone
    steps: list[Step] = [*([MarkMissing(values=declared)] if declared else []),
                         *([TargetTransform(method=options.target_transform, drop_absurd=options.drop_absurd_target)]
                           if options.target_transform != "none" and task == "regression" else []),
                         Repair(), drop, Impute(strategy=options.impute),
                         Clip(k=options.clip_k, method="mad" if options.outliers == "clip" else "none"),
                         RobustScale(scaler=options.scaler), Encode(method=options.encode)]
    log: list[str] = []
    rows: dict[str, int] = {"in": len(frame)}
    dedup = copies_judged(before)
    current = frame
    del frame  # ``current`` is the only reference left: the first step's output replaces it
    progress = NO_PROGRESS if progress is None else progress
    progress.stage("fix", len(steps) + 1)
    for step in steps:
        if step.name != "mark-missing" and "missing_target_dropped" not in rows:  # once declared values are marked
            current, rows["missing_target_dropped"] = drop_missing_target(current, before.target, target_levels(before))
            if rows["missing_target_dropped"]:
                log.append(f"dropped {rows['missing_target_dropped']:,} row(s) with a missing target: a training "
                           "row needs a label (apply, which never needs the target, keeps every row)")
        if step.name == "target-transform":
            if step.fit(current, context).kind_ != "none":
                log.append(f"target-transform: {step.describe()}")
            current = step.transform(_drop_absurd_target(step, current, rows, log), log)
            progress.advance()
            continue
        current = step.fit_transform(current, context, log)  # the repair step parses each column once
        if step.name == "repair" and verdicts is not None:  # the last step that reads the columns' verdicts
            context.profile = verdicts = before.profile
        if step.name == "drop":
            current, rows["duplicates_dropped"] = drop_duplicate_rows(current) if dedup else (current, 0)
        release_memory()  # the step's input is freed: return its pages before the next step makes its columns
        progress.advance()
    # a target-transform that found nothing to transform (fewer than two finite values) stays out of the recipe
    steps = [s for s in steps if not (s.name == "target-transform" and s.kind_ == "none")]
    for note in (free_text_note(drop, steps[-1]), codes_note(context, steps[-1])):
        if note:
            log.append(note)
    return FittedSteps(steps, context, current, rows, log, dedup)


def summarise_profile(before: Report) -> Any:
    """Replace the report's profile with its summary (``DatasetProfile.summary``: what the fix reads of it later,
    the probe's row sample and the target's task, classes and levels) and return the columns' verdicts for the
    steps (``DatasetProfile.verdicts``, for ``fit_steps``; None without a profile). The report then draws no
    plots, and is not one to fit on again. The column profiles' whole-column arrays (about 400 MB at 1M rows ×
    20) were the largest thing alive while the frame was made and the steps, resampling, the rescan and the write
    made their copies of the data."""
    if before.profile is None:
        return None
    verdicts = before.profile.verdicts()
    before.profile = before.profile.summary()
    return verdicts


def copies_judged(before: Report) -> bool:
    """Whether the scan judged rows of the input copies of a record (DA603: exact repeats, or rows equal but for
    an identifier that are no coincidence of a coarse table nor members of one group): then fix drops the rows
    that repeat once the drop step is done, and ``apply --drop-duplicates`` with its recipe does too."""
    return any(f.rule == "DA603" for f in before.findings)


def handed(frame: Handed | list[Handed]) -> Handed:
    """The frame (or loaded table) itself, or the one a list holds, taken out of it: a caller hands its data over
    by passing ``[frame]`` and keeping no other reference, so that the callee can free it."""
    return frame.pop() if isinstance(frame, list) else frame


def _drop_absurd_target(step: TargetTransform, frame: pd.DataFrame, rows: dict[str, int],
                        log: list[str]) -> pd.DataFrame:
    """Report the absurd target values the fitted step counted; drop their rows when it was asked to."""
    absurd = step.absurd_
    if not absurd["count"]:
        return frame
    what = (f"{absurd['count']:,} target value(s) of `{step.column_}` are absurd (more than {ABSURD_Z:g} robust "
            f"z-scores out once transformed; {absurd['low']:.6g} to {absurd['high']:.6g})")
    if not step.drop_absurd:
        log.append(f"{what}: kept (--drop-absurd-target drops their rows)")
        return frame
    mask = step.absurd_mask(frame)
    rows["absurd_target_dropped"] = int(mask.sum())
    log.append(f"{what}: their {rows['absurd_target_dropped']:,} row(s) dropped (--drop-absurd-target)")
    return frame[~mask]


def quoted(columns: Sequence[str]) -> list[str]:
    return [f"`{c}`" for c in columns]


def free_text_note(drop: Drop, encode: Encode) -> str | None:
    """What fix did with the free-text columns (DA414), and the option that does the other thing."""
    if not drop.text_:
        return None
    if not drop.keep_text:
        return (f"drop: dropped {len(drop.text_):,} free-text column(s) (DA414): {listed(quoted(drop.text_))}; "
                "--keep-text keeps free text, frequency-encoded.")
    grouped: dict[str, list[str]] = {}
    for column in drop.text_:
        kind = encode.encodings_.get(column, {}).get("kind")
        grouped.setdefault(KINDS.get(kind, "left as it is"), []).append(column)
    return (f"--keep-text: kept {len(drop.text_):,} free-text column(s) (DA414): "
            + "; ".join(f"{listed(quoted(cols))} {how}" for how, cols in grouped.items()) + ".")


KINDS = {"frequency": "frequency-encoded", "onehot": "one-hot encoded", "ordinal": "ordinal-encoded",
         "dropped": "dropped by the encoder"}


def codes_note(context: FitContext, encode: Encode) -> str | None:
    """What fix did with the integer category codes (DA408) that reached the encoder, and the option that does the
    other thing."""
    flagged = {f.column for f in context.findings if f.rule == "DA408" and f.evidence.get("kind", "codes") == "codes"}
    present = [c for c in encode.input_columns_ if c in flagged and c != context.target]
    if context.codes == "numeric":
        return (f"encode: {listed(quoted(present))} integer codes (DA408) kept as numbers (--codes numeric): the "
                "model reads them as magnitudes." if present else None)
    if encode.method == "none":
        return (f"encode: {listed(quoted(present))} integer codes (DA408) left as they are (--encode none): neither "
                "clipped nor scaled, so they can be encoded as categories later." if present else None)
    grouped: dict[str, list[str]] = {}
    for column in encode.codes_:
        grouped.setdefault(KINDS[encode.encodings_[column]["kind"]], []).append(column)
    if not grouped:
        return None
    return ("encode: " + "; ".join(f"{listed(quoted(cols))} integer codes {how}" for how, cols in grouped.items())
            + " (DA408): categories, neither clipped nor scaled (--codes numeric keeps them numbers).")


def target_levels(before: Report) -> list[str]:
    """The target's labels spelt like missing tokens that the scan read as classes ('None'), kept by every fix."""
    profile = before.profile.target if before.profile is not None else None
    return list(profile.levels) if profile is not None else []
