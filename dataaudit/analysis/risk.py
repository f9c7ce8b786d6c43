"""Gradient risk: a 0–100 score from what this dataset's statistics say each mechanism will do.

Each component is measured on the data (row shares, robust z-scores, magnitudes, a condition number,
class shares) and mapped to 0–100 on a log or probability scale; the overall score combines them as
1 − Π(1 − sᵢ/100), the chance that at least one mechanism bites if the components were independent,
except that it stays below the critical level (85) unless one mechanism is critical on its own: several
problems that each slow training down make it high risk, not broken. bench/calibrate_risk.py checks
the levels against injected problems (docs/calibration.md).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..core.measures import robust_bounds
from .findings import Finding
from .measures import magnitude, numeric_inputs
from .profiling import DatasetProfile
from .report import Component, GradientRisk

__all__ = ["BATCH", "MIN_MEASURED_ROWS", "CRITICAL", "LEVELS", "level_of", "DROPPED_TYPES", "spurious_signal",
           "gradient_risk", "combine", "split_leaks"]

BATCH = 32
MIN_MEASURED_ROWS = 10  # as the outlier, skew and scale checks: fewer values measure no spread
CRITICAL = 85
LEVELS = ((CRITICAL, "critical"), (60, "high"), (30, "medium"), (0, "low"))


def _clip(x: float) -> int:
    if not np.isfinite(x):  # a measure that overflowed is as large as it gets; NaN measured nothing
        return 100 if x > 0 else 0
    return int(round(100 * min(max(x, 0.0), 1.0)))


def level_of(score: int) -> str:
    return next(name for floor, name in LEVELS if score >= floor)


DROPPED_TYPES = ("identifier", "constant", "empty", "text")  # columns fix drops: their gaps never reach the loss


def _rows_missing(data: DatasetProfile) -> float:
    """Share of rows with a missing cell in a column a model would be fed (fix drops identifiers, constants and
    free text, and the rows without a label, so those gaps do not count): exact from the row counts, or
    estimated on the row sample when such a column has gaps."""
    if not data.rows:
        return 0.0
    dropped = [c.name for c in data.columns.values()
               if c.missing and (c.inferred_type in DROPPED_TYPES or c.is_target)  # rows without a label go too
               or c.is_target and data.target is not None and data.target.levels]  # 'None' labels: no gap at all
    if not dropped:
        return float((data.stats.row_missing > 0).mean())
    kept = [c for c in data.columns.values() if c.name not in dropped]
    if not kept:
        return 0.0
    sample = data.sample
    missing = np.zeros(len(sample), dtype=bool)
    for col in kept:
        raw = sample[col.name]
        missing |= raw.isna().to_numpy()
        if col.text is not None and col.text.tokens:
            missing |= raw.astype("str").isin(list(col.text.tokens)).to_numpy()
    return float(missing.mean()) if len(sample) else 0.0


def _nan_loss(data: DatasetProfile) -> Component:
    rows_missing = _rows_missing(data)
    inf = sum((c.numeric.posinf + c.numeric.neginf) for c in data.features if c.numeric is not None)
    p_row = min(1.0, rows_missing + inf / max(data.rows, 1))
    p_batch = 1 - (1 - p_row) ** BATCH
    worst = sorted(((c.missing + (c.numeric.posinf + c.numeric.neginf if c.numeric else 0), c.name)
                    for c in data.columns.values() if c.inferred_type not in DROPPED_TYPES and not c.is_target),
                   reverse=True)
    cols = tuple(name for count, name in worst[:3] if count > 0)
    detail = (f"P(a batch of {BATCH} rows contains a missing or infinite value) = {p_batch:.2f}"
              + (": without imputation the loss turns NaN at the first such batch" if p_batch > 0 else
                 ": no missing or infinite values"))
    return Component("nan-loss", "missing-or-infinite", _clip(p_batch), detail, cols)


def _exploding(data: DatasetProfile) -> Component:
    best, name = 0.0, None
    for col in numeric_inputs(data):
        bounds = robust_bounds(col.numeric)
        if bounds is None:
            continue
        med, scale = bounds.center, bounds.scale
        z = max(abs(float(col.numeric.values[0]) - med), abs(float(col.numeric.values[-1]) - med)) / scale
        if z > best:
            best, name = z, col.name
    score = _clip(np.log10(best / 3.5) / np.log10(1000 / 3.5)) if best > 3.5 else 0
    detail = (f"`{name}` has a value {best:,.0f} robust z-scores from its median: that row's update is about "
              f"{best:,.0f}× a typical row's" if name else "no numeric inputs")
    return Component("exploding-gradients", "robust-z", score, detail, (name,) if name else ())


def _dominated_by_scale(data: DatasetProfile) -> Component:
    sizes = {c.name: magnitude(c) for c in numeric_inputs(data)}
    sizes = {k: v for k, v in sizes.items() if v > 0 and np.isfinite(v)}
    if len(sizes) < 2:
        return Component("dominated-gradients", "feature-scale", 0, "fewer than two numeric inputs")
    big = max(sizes, key=lambda k: (sizes[k], k))
    small = min(sizes, key=lambda k: (sizes[k], k))
    orders = float(np.log10(sizes[big] / sizes[small]))
    detail = (f"`{big}` is {orders:.1f} orders of magnitude larger than `{small}`: its weight's gradient is "
              f"about {10 ** orders:,.0f}× larger, so one learning rate cannot suit both")
    return Component("dominated-gradients", "feature-scale", _clip((orders - 2) / 4), detail, (big, small))


def _dominated_by_class(data: DatasetProfile) -> Component | None:
    if data.target is None or data.target.task != "classification" or len(data.target.classes) < 2:
        return None
    counts = np.array(list(data.target.classes.values()), dtype=float)
    k = len(counts)
    shares = counts / counts.sum()
    skew = 1 - k * shares.min()
    majority = next(iter(data.target.classes))
    detail = (f"class {majority!r} has {shares[0]:.0%} of the rows, so it supplies about {shares[0]:.0%} of the "
              f"loss gradient (balanced would be {1 / k:.0%})")
    return Component("dominated-gradients", "class-balance", _clip(skew ** 1.5), detail, (data.target.name,))


def _ill_conditioning(data: DatasetProfile) -> Component:
    measured = data.conditioning
    if measured is None:
        return Component("ill-conditioning", "condition-number", 0, "fewer than two varying numeric inputs")
    cond = measured[0]
    detail = (f"condition number of the {data.conditioning_inputs()} is {cond:.3g}: gradient descent needs about "
              f"{min(cond, 1e12):.2g}× more steps along the flattest direction than the steepest")
    return Component("ill-conditioning", "condition-number", _clip((np.log10(max(cond, 1)) - 1) / 7), detail)


def _vanishing(data: DatasetProfile, min_squeeze: float = 1.5) -> Component:
    best, name = min_squeeze, None  # a normal column has std ≈ 1.4826·MAD: squeeze ≈ 1
    for col in numeric_inputs(data):
        mad = col.numeric.mad
        std = col.numeric.std
        if mad > 0 and std > 0:
            squeeze = std / (1.4826 * mad)
        elif std > 0 and abs(col.numeric.mean) > 0 and std / abs(col.numeric.mean) < 1e-3:
            squeeze = abs(col.numeric.mean) / std
        else:
            continue
        if squeeze > best:
            best, name = squeeze, col.name
    if name is None:
        return Component("vanishing-gradients", "spread", 0, "no numeric input has its bulk squeezed by scaling")
    detail = (f"`{name}`: its standard deviation is {best:,.1f}× its robust spread, so mean/std scaling squeezes "
              "the bulk of its values together and its weight barely moves")
    return Component("vanishing-gradients", "spread", _clip(np.log10(best / min_squeeze) / 2), detail, (name,))


def spurious_signal(findings: Sequence[Finding]) -> Component:
    """The spurious-signal component: the strongest leak, identifier or conflicting-label finding."""
    best, detail, cols = 0.0, "no leaked, identifier or conflicting-label columns", ()
    for f in findings:
        if f.rule == "DA701":
            score, base = float(f.evidence["score"]), float(f.evidence["baseline"])
            lift = (score - base) / (1 - base) if base < 1 else 0.0
            if lift > best:
                best, cols = lift, (f.column,)
                detail = (f"`{f.column}` alone predicts the target ({f.evidence['metric']} {score:.3f}): the gradient "
                          "follows it and the model learns little else")
                if f.evidence.get("kind") == "linear-combination":
                    cols = tuple(f.columns)
                    detail = (f"{', '.join(f'`{c}`' for c in cols)} together give the target ({f.evidence['metric']} "
                              f"{score:.3f}): the gradient follows them and the model learns little else")
        elif f.rule == "DA702" and best < 0.5:
            best, cols = 0.5, (f.column,)
            detail = f"`{f.column}` identifies rows: the model can memorise rows through it"
        elif f.rule == "DA703" and best < min(1.0, 10 * f.evidence["fraction"]):
            best, cols = min(1.0, 10 * f.evidence["fraction"]), ()
            detail = f"{f.evidence['fraction']:.1%} of rows share their features with a row of another label"
    return Component("spurious-signal", "leakage", _clip(best), detail, cols)


def _dead(data: DatasetProfile, rare_rows: int = 5) -> Component:
    inputs, dead = 0, 0
    for col in data.features:
        if col.inferred_type in ("identifier", "text"):
            continue  # dropped or needing text features, not one-hot inputs (identifiers: spurious-signal)
        if col.text is not None and col.inferred_type == "categorical":
            frame = col.text.frame[~col.text.frame["token"]]
            inputs += len(frame)
            dead += int((frame["count"] < rare_rows).sum())
        else:
            inputs += 1
            dead += col.inferred_type in ("constant", "empty") or col.top_share >= 0.99
    share = dead / inputs if inputs else 0.0
    detail = (f"{dead:,} of {inputs:,} model inputs (constant columns, one-hot columns of values seen fewer than "
              f"{rare_rows} times) would receive almost no gradient")
    return Component("dead-parameters", "rare-inputs", _clip(share), detail)


def gradient_risk(data: DatasetProfile, findings: Sequence[Finding]) -> GradientRisk:
    """Measure every mechanism on this dataset and combine them into one score."""
    parts = [_nan_loss(data), spurious_signal(findings), _dead(data), _dominated_by_class(data)]
    if data.rows >= MIN_MEASURED_ROWS:  # below, a robust z-score of 672 is four numbers, not a measurement
        parts += [_exploding(data), _dominated_by_scale(data), _ill_conditioning(data), _vanishing(data)]
    return combine([p for p in parts if p is not None])


def combine(parts: Sequence[Component]) -> GradientRisk:
    """One score from the components (see the module docstring), the components highest first."""
    remaining = float(np.prod([1 - p.score / 100 for p in parts]))
    score = int(round(100 * (1 - remaining)))
    top = max(p.score for p in parts)
    if top < CRITICAL:  # problems that each slow training down do not add up to one that breaks it
        score = min(score, CRITICAL - 1)
    ordered = tuple(sorted(parts, key=lambda p: (-p.score, p.mechanism, p.source)))
    return GradientRisk(score, level_of(score), ordered)


def split_leaks(risk: GradientRisk, findings: Sequence[Finding],
                leaks: Sequence[Finding]) -> tuple[Component, GradientRisk]:
    """What of ``risk`` (measured with ``findings``) comes from ``leaks`` (findings among them, such as the leaks a
    fix kept), and what is left without them: the spurious-signal component of ``leaks`` alone, and ``risk``
    with its spurious-signal component measured on the other findings. Only that component reads findings, so
    the other components stay as they are."""
    taken = {id(f) for f in leaks}
    rest = spurious_signal([f for f in findings if id(f) not in taken])
    parts = [rest if c.mechanism == "spurious-signal" else c for c in risk.components]
    return spurious_signal(list(leaks)), combine(parts)
