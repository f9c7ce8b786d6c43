"""DA2xx outliers: MAD robust outliers, infinite values, heavy tails and extreme skew."""

from __future__ import annotations

from typing import Iterator

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.measures import integer_code_reason
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.rules import check
from ..core.measures import (
    detached_extremes,
    is_skewed,
    log_stats,
    robust_bounds,
    skew_profile,
    skewness_after_log1p,
    without_sentinels,
)
from ..core.numfmt import num
from ._common import examples, jsonable, pct, plural

__all__ = ["robust_outliers", "infinite_values", "heavy_tail"]


def _continuous(data: DatasetProfile) -> Iterator[ColumnProfile]:
    """Numeric features, plus a regression target (its outliers drive the loss too); not integer codes (DA408's:
    a district numbered 81,902 is no outlier among 38,010-81,150, and fix encodes it)."""
    for col in data.columns.values():
        if col.numeric is None or col.numeric.count < 10 or col.inferred_type not in ("numeric", "integer"):
            continue
        if not col.is_target and (integer_code_reason(col) is not None or col.name in data.group_codes):
            continue
        if col.is_target and data.target is not None and data.target.task != "regression":
            continue
        yield col


@check("DA201", "robust-outliers", Category.OUTLIERS, Severity.HIGH,
       effect=GradientEffect.EXPLODING_GRADIENTS, fix_steps=("clip", "robust-scale"))
def robust_outliers(data: DatasetProfile, *, threshold: float = 3.5, min_share: float = 0.01,
                    extreme_z: float = 6.0, max_share: float = 0.2) -> Iterator[Hit]:
    """Values more than 3.5 robust (MAD) z-scores from the column median (Iglewicz & Hoaglin); when one value fills half the column, judged among the other values; or a value or two cut off from the rest by a gap far wider than the tail's steps (an age of 1 where the next is 17).

    Integer codes (DA408's) are not judged: a code's size is no magnitude, and fix encodes them.

    A heavy-tailed non-negative column (DA203's shape: skewness ≥ 2 and a lopsided 1–99% range) is judged on
    the log scale: a lognormal income's long tail is a shape, not 14% outliers; a value detached even from
    that tail (a unit slip, a 1e9 typo) still is one.

    A value or two at an end of the column cut off from the rest by a gap out of scale with the tail's own
    steps are reported too, even within 3.5 robust z-scores (an age of 1 where the next is 17, the ages after
    it a year apart; 5,840 hours a year where the next is 3,792): the gap is at least 0.75 robust standard
    deviations wide and, weighted by its rank from the end, 20 times the mean of the next 10 such spacings, or
    4 times that mean and 6.5 times the spacing a normal tail of this size has at its end (scale / √(2 ln n)), the
    outermost value 4 robust standard deviations or more from the median,
    in a column of 200 values or more with 20 distinct values or more; also when a fifth of the values or more lie
    beyond the bounds (a spread-out shape, no outliers as such: a spike at 0.5 narrowing them), replacement rates of
    2.04 and 2.06 where the rest end at 1.13. Severity follows the robust z-score.

    Why it hurts training: the gradient of a weight is proportional to its input, so a row at 800 robust
    z-scores makes an update hundreds of times larger than a typical row: the loss spikes or diverges, and
    mean/std scaling lets the outlier squash every other value towards zero.

    How fix repairs it: clip to median ± k·MAD, then robust-scale with (x − median) / (1.4826·MAD).
    """
    for col in _continuous(data):
        num_stats = without_sentinels(col.numeric)
        judged, back = num_stats, None
        logged = col.top_share < 0.9 and num_stats.count >= 20 and num_stats.values[0] >= 0 and \
            is_skewed(skew_profile(num_stats), 2.0, 4.0)
        if logged:  # a heavy tail is a shape (DA203): only values detached from it on the log scale are outliers
            judged, _, back = log_stats(num_stats)
        bounds = robust_bounds(judged, threshold)
        if bounds is None:
            continue
        lo, hi, med, scale, method = bounds
        count = judged.count_between(lo, hi)
        outside = [(v, r) for v, r in judged.low + judged.high if not lo <= v <= hi]
        max_z = max((abs(v - med) / scale for v, _ in outside), default=0.0)
        fraction = count / num_stats.count
        detached = []
        if count <= 0 or not outside or (max_z < extreme_z and fraction < min_share) or fraction > max_share:
            # a normal tail of this size, nothing beyond the bounds, or a fifth of the values beyond them (a
            # spread-out or two-humped shape, DA203's, not "outliers"): still report a value or two cut off from the
            # rest by a gap out of scale with the tail's spacing (an age of 1 where the next is 17; replacement rates
            # of 2.04 and 2.06 where the rest end at 1.13, a spike at 0.5 making the bounds narrow)
            detached = detached_extremes(judged, scale, center=med)
            if not detached:
                continue
            outside = [(v, r) for v, r, _, _ in detached]
            count = len(outside)
            fraction = count / num_stats.count
            max_z = max(abs(v - med) / scale for v, _ in outside)
        if logged:  # report in the column's own units
            lo, hi, med = float(back(lo)), float(back(hi)), float(back(med))
            outside = [(float(back(v)), r) for v, r in outside]
            detached = [(float(back(v)), r, gap, float(back(nxt))) for v, r, gap, nxt in detached]
            method = "log-" + method
        severity = Severity.HIGH if max_z >= 100 else Severity.MEDIUM if max_z >= 20 else Severity.LOW
        evidence = {"count": count, "fraction": fraction, "max_robust_z": max_z, "method": method,
                    "median": med, "bounds": [lo, hi], "examples": examples(outside)}
        if detached:
            shown = sorted({v for v, _, _, _ in detached})
            nexts = sorted({nxt for _, _, _, nxt in detached})
            evidence.update({"detached": True, "next_values": nexts})
            message = (f"{plural(count, 'value')} ({pct(fraction)}) detached from the rest: "
                       f"{' and '.join(num(v) for v in shown)} where the next is {' and '.join(num(v) for v in nexts)}, "
                       "a gap far wider than the steps between the values behind it"
                       + (" on the log scale of this heavy-tailed column" if logged else "")
                       + f" ({max_z:,.1f} robust z-scores from the median {num(med)})")
        else:
            message = (f"{plural(count, 'value')} ({pct(fraction)}) more than {num(threshold)} robust z-scores from the "
                       f"median {num(med)}" + (f" of the values other than {num(num_stats.median)} (which fill half the "
                                               f"column)" if method.endswith("mad-of-rest") else "")
                       + (" on the log scale of this heavy-tailed column" if logged else "")
                       + f"; the most extreme is {max_z:,.1f} robust z-scores out")
        yield Hit(col.name, message, jsonable(evidence), severity=severity)


@check("DA202", "infinite-values", Category.OUTLIERS, Severity.CRITICAL,
       effect=GradientEffect.NAN_LOSS, fix_steps=("repair", "impute"))
def infinite_values(data: DatasetProfile) -> Iterator[Hit]:
    """+inf or -inf in a numeric column.

    Why it hurts training: inf × weight is inf and inf − inf is NaN, so the first batch containing the row
    makes the loss and all gradients NaN; scalers turn the whole column into NaN.

    How fix repairs it: repair turns ±inf into missing values, then impute fills them.
    """
    for col in data.columns.values():
        if col.numeric is None or not (col.numeric.posinf or col.numeric.neginf):
            continue
        count = col.numeric.posinf + col.numeric.neginf
        yield Hit(col.name, f"{plural(count, 'infinite value')} ({col.numeric.posinf:,} +inf, {col.numeric.neginf:,} -inf)",
                  {"count": count, "fraction": jsonable(count / col.rows), "posinf": col.numeric.posinf,
                   "neginf": col.numeric.neginf, "examples": [{"row": r} for r in col.numeric.inf_rows]})


@check("DA203", "heavy-tail", Category.OUTLIERS, Severity.MEDIUM,
       effect=GradientEffect.EXPLODING_GRADIENTS, fix_steps=("clip", "robust-scale"))
def heavy_tail(data: DatasetProfile, *, min_skew: float = 2.0, min_tail_ratio: float = 4.0,
               max_top_share: float = 0.9) -> Iterator[Hit]:
    """A heavy-tailed or extremely skewed distribution (|skewness| ≥ 2 and a lopsided 1–99% range): a log transform candidate.

    Why it hurts training: the long tail keeps producing large inputs and errors, so gradient norms vary
    by orders of magnitude between batches; after standard scaling the bulk of the values is squeezed
    near zero and its weight barely learns.

    How fix repairs it: clip the tail at median ± k·MAD and robust-scale; a log1p transform is often better
    (the evidence gives the skewness after log1p).
    """
    for col in _continuous(data):
        if col.top_share >= max_top_share:
            continue  # a spike with rare other values (sparse counts, pixels): a near-constant column, not a tail
        num_stats = without_sentinels(col.numeric)
        prof = skew_profile(num_stats)
        if not is_skewed(prof, min_skew, min_tail_ratio):
            continue
        side = "right" if prof["skewness"] > 0 else "left"
        after = skewness_after_log1p(num_stats)
        if after is not None:
            prof["skewness_after_log1p"] = after
        hint = f"; skewness after log1p is {after:.2f}" if after is not None else ""
        severity = Severity.MEDIUM if abs(prof["skewness"]) >= 5 else Severity.LOW
        yield Hit(col.name, f"{side}-skewed, heavy-tailed distribution (skewness {prof['skewness']:.1f}, "
                  f"tail ratio {num(prof['tail_ratio'])}){hint}", jsonable(prof), severity=severity)
