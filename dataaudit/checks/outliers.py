"""DA2xx outliers: MAD robust outliers, infinite values, heavy tails and extreme skew."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, NamedTuple

import numpy as np

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.rules import check
from ..core.kernels import spread_of_rest
from ..core.stats import NumericStats
from ._common import examples, jsonable, num, pct, plural
from .missing import without_sentinels

MAD_Z = 0.6745  # Iglewicz & Hoaglin: modified z = 0.6745 (x - median) / MAD


def _continuous(data: DatasetProfile) -> Iterator[ColumnProfile]:
    """Numeric features, plus a regression target (its outliers drive the loss too)."""
    for col in data.columns.values():
        if col.numeric is None or col.numeric.count < 10 or col.inferred_type not in ("numeric", "integer"):
            continue
        if col.is_target and data.target is not None and data.target.task != "regression":
            continue
        yield col


class Bounds(NamedTuple):
    low: float
    high: float
    center: float  # robust z-scores are measured from here
    scale: float  # one robust standard deviation
    method: str  # "mad", "mad-of-rest" or "iqr"


def robust_bounds(num_stats: NumericStats, threshold: float = 3.5) -> Bounds | None:
    """Values outside [low, high] have |modified z| > threshold.

    When MAD is 0, at least half the values equal the median (a spike: zeros, a default): the other
    values are judged among themselves (their median and MAD, the spike kept inside the bounds), so a
    pixel at 16 among pixels 1–16 is not an outlier because most pixels are 0. With fewer than 10 such
    values, or MAD 0 among them too, IQR fences (3 IQR beyond the quartiles); None when the IQR is 0.
    """
    med, mad = num_stats.median, num_stats.mad
    if mad > 0:
        half = threshold * mad / MAD_Z
        return Bounds(med - half, med + half, med, mad / MAD_Z, "mad")
    rest = spread_of_rest(num_stats.values, med)
    if rest is not None:
        center, spread = rest
        if spread > 0:
            half = threshold * spread / MAD_Z
            return Bounds(min(med, center - half), max(med, center + half), center, spread / MAD_Z, "mad-of-rest")
    q1, q3 = (float(q) for q in num_stats.quantile(np.array([0.25, 0.75])))
    iqr = q3 - q1
    if iqr > 0:
        return Bounds(q1 - 3 * iqr, q3 + 3 * iqr, med, iqr / 1.349, "iqr")
    return None


@check("DA201", "robust-outliers", Category.OUTLIERS, Severity.HIGH,
       effect=GradientEffect.EXPLODING_GRADIENTS, fix_steps=("clip", "robust-scale"))
def robust_outliers(data: DatasetProfile, *, threshold: float = 3.5, min_share: float = 0.01,
                    extreme_z: float = 6.0, max_share: float = 0.2) -> Iterator[Hit]:
    """Values more than 3.5 robust (MAD) z-scores from the column median (Iglewicz & Hoaglin); when one value fills half the column, judged among the other values.

    A heavy-tailed non-negative column (DA203's shape: skewness ≥ 2 and a lopsided 1–99% range) is judged on
    the log scale: a lognormal income's long tail is a shape, not 14% outliers; a value detached even from
    that tail (a unit slip, a 1e9 typo) still is one.

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
        if count <= 0 or not outside:
            continue
        max_z = max(abs(v - med) / scale for v, _ in outside)
        if logged:  # report in the column's own units
            lo, hi, med = float(back(lo)), float(back(hi)), float(back(med))
            outside = [(float(back(v)), r) for v, r in outside]
            method = "log-" + method
        fraction = count / num_stats.count
        if max_z < extreme_z and fraction < min_share:
            continue  # what a normal tail of this size produces
        if fraction > max_share:
            continue  # a fifth of the values is not "outliers": a spread-out or two-humped shape (DA203)
        severity = Severity.HIGH if max_z >= 100 else Severity.MEDIUM if max_z >= 20 else Severity.LOW
        yield Hit(col.name,
                  f"{plural(count, 'value')} ({pct(fraction)}) more than {num(threshold)} robust z-scores from the median "
                  f"{num(med)}" + (f" of the values other than {num(num_stats.median)} (which fill half the column)"
                                   if method.endswith("mad-of-rest") else "")
                  + (" on the log scale of this heavy-tailed column" if logged else "")
                  + f"; the most extreme is {max_z:,.1f} robust z-scores out",
                  jsonable({"count": count, "fraction": fraction, "max_robust_z": max_z, "method": method,
                            "median": med, "bounds": [lo, hi], "examples": examples(outside)}),
                  severity=severity)


def log_stats(num_stats: NumericStats) -> tuple[NumericStats, object, object]:
    """The statistics of log(x) for a positive column (log1p(x) when it holds zeros), enough for ``robust_bounds``
    and ``count_between`` (sorted values, extremes with their rows, the stream engine's exact histogram), and the
    transform with its inverse. log is scale-free, so a lognormal's log is normal whatever its median."""
    forward, back = (np.log, np.exp) if num_stats.values[0] > 0 else (np.log1p, np.expm1)
    hist = num_stats.histogram
    return (replace(num_stats, values=forward(num_stats.values), mean=0.0, m2=0.0, m3=0.0, m4=0.0,
                    low=[(float(forward(v)), r) for v, r in num_stats.low],
                    high=[(float(forward(v)), r) for v, r in num_stats.high],
                    histogram=None if hist is None else (forward(hist[0]), hist[1])), forward, back)


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


def skew_profile(num_stats: NumericStats) -> dict | None:
    """Moment skewness, excess kurtosis and the quantile tail ratio (q99 − q50) / (q50 − q01)."""
    if num_stats.count < 20:
        return None
    q01, q50, q99 = (float(q) for q in num_stats.quantile(np.array([0.01, 0.5, 0.99])))
    upper, lower = q99 - q50, q50 - q01
    if upper <= 0 and lower <= 0:
        return None
    ratio = upper / lower if lower > 0 else np.inf
    return {"skewness": num_stats.skewness, "excess_kurtosis": num_stats.kurtosis, "tail_ratio": ratio,
            "log_candidate": "log1p" if num_stats.values[0] >= 0 else "signed-log1p"}


def skewness_after_log1p(num_stats: NumericStats) -> float | None:
    """Skewness of log1p(x) for a non-negative column (None when x has negative values)."""
    if num_stats.values.size == 0 or num_stats.values[0] < 0:
        return None
    logged = np.log1p(num_stats.values)
    sd = logged.std()
    d = logged - logged.mean()
    return float((d * d * d).mean() / sd**3) if sd > 0 else 0.0


def is_skewed(profile: dict | None, min_skew: float, min_tail_ratio: float) -> bool:
    """Skewed by both the moments and the quantiles, so one outlier alone does not qualify."""
    if profile is None or abs(profile["skewness"]) < min_skew:
        return False
    r = profile["tail_ratio"]
    return r >= min_tail_ratio or r <= 1 / min_tail_ratio


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
