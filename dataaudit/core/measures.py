"""Measures of a numeric column's statistics that several readers share (the checks, the gradient risk, the fix
steps, the HTML report): robust bounds, sentinel values, skew, the centre and scale robust-scale fits."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .kernels import sorted_mad, sorted_quantile, spread_of_rest
from .stats import NumericStats

__all__ = ["KNOWN_SENTINELS", "UNMISTAKABLE", "find_sentinels", "UNMISTAKABLE_MAX_SHARE", "ZERO_SPIKE_SHARE",
           "FLAG_PLACEHOLDER_SHARE", "NEXT_STEP", "log_of_whole_numbers", "MEASURED_DIGITS", "measured_shaped",
           "placeholder_shaped", "without_sentinels", "MAD_Z", "Bounds", "robust_bounds", "detached_extremes", "log_stats",
           "skew_profile", "skewness_after_log1p", "is_skewed", "MAD_TO_STD", "IQR_TO_STD", "center_scale",
           "SMALL_TABLE_ROWS"]

#: Values that data exports use for "unknown"; a spike at one of these is a sentinel even when it is not isolated far away.
KNOWN_SENTINELS = frozenset({-1.0, -9.0, -99.0, -999.0, -9999.0, -99999.0, 99.0, 999.0, 9999.0, 99999.0, 999999.0,
                             -888.0, 888.0, -777.0, 777.0, 9999999.0})


UNMISTAKABLE = frozenset(v for v in KNOWN_SENTINELS if abs(v) >= 999 and str(int(abs(v)))[0] in "98")


def find_sentinels(num_stats: NumericStats, *, min_share: float = 0.005, min_z: float = 6.0) -> list[dict]:
    """Values that spike far outside the bulk of the column: placeholders such as -999 or 9999.

    A value is a sentinel when it is frequent (at least ``min_share`` of values and 3 rows), lies
    outside the range of every other value (by a gap of at least half their IQR), more than
    ``min_z`` robust z-scores from their median, and is either a spike (more frequent than 3 typical
    values together) or a known placeholder. A value other than 0 and not shaped like a placeholder must also lie
    farther than twice the spacing of the bulk's own values at that end: 18 years of schooling after 15, 16 and 17
    is the next step of the scale, however many rows hold it. A 0 in a column whose other values are all positive
    qualifies at 3.5 robust z-scores (unless the others are the logs of whole numbers, where 0 is log 1, or 0 lies no
    farther below the lowest values than they lie apart: a band 0-3 whose rows crowd at 3, a count), and so
    does -999 (and the like) or a negative whole number detached below values never below 0 (-2 headroom for a
    car with no rear seat), or the log of a floor below the rest (log 0.001, put in for a zero). A 0 and a 1 that
    each fill a fifth of the rows are a flag's levels, whatever fractions lie between them (a law in force for part
    of a year: 0.25, 0.5). Those unmistakable placeholders (|v| ≥ 999 made of 9s or 8s) count even when they
    occur once or twice, and up to 90% of the values (a 999 meaning "no upper bound" in most rows); any other
    value must fill at most half the column, and is not a fraction written with four significant digits or more
    (0.4522, -23.03: a real value many rows share, a site's rate or the log of a constant, is no typed code). A 0 in three
    rows or more, rarer than ``min_share``, counts when it
    is far below every other value (``_zero_far_from_bulk``: a diameter of 0 beside 3.7 to 10.7 mm). Only the
    smallest and largest value can lie outside the others, and the rest is then a slice of the sorted values:
    each candidate costs O(log n).
    """
    n = num_stats.count
    if n < 20:
        return []
    uniq, counts = num_stats.distinct()
    flagged = _flag_placeholder(uniq, counts, n)
    if flagged is not None:
        return [flagged]
    floor = max(3, min_share * n)
    rare_zeros = uniq.size > 0 and uniq[0] == 0 and counts[0] >= 3  # judged by how far 0 is, however rare
    if uniq.size < 3 or (max(counts[0], counts[-1]) < floor and not {uniq[0], uniq[-1]} & UNMISTAKABLE
                         and not rare_zeros):
        return []
    # a flag with part-year values (0, fractions, 1): its two ends are its levels, each a fifth of the rows or more
    if uniq[0] == 0 and uniq[-1] == 1 and min(int(counts[0]), int(counts[-1])) >= FLAG_LEVEL_SHARE * n:
        return []
    typical = float(np.median(counts))
    values, weight = num_stats.values, num_stats.weight
    found = []
    for v, c, bulk in ((float(uniq[0]), int(counts[0]), values[int(counts[0]) // weight:]),
                       (float(uniq[-1]), int(counts[-1]), values[: values.size - int(counts[-1]) // weight])):
        crowded = c > 0.5 * n and not (v in UNMISTAKABLE and c <= UNMISTAKABLE_MAX_SHARE * n)
        rare_zero = v == 0 and 3 <= c < floor
        if (c < floor and v not in UNMISTAKABLE and not rare_zero) or crowded or bulk.size < 10:
            continue
        med = float(sorted_quantile(bulk, 0.5))
        q1, q3 = (float(q) for q in sorted_quantile(bulk, np.array([0.25, 0.75])))
        scale = 1.4826 * sorted_mad(bulk, med)
        if scale == 0:  # med fills half the bulk (sparse counts): the spread of the other values
            rest = spread_of_rest(bulk, med)
            scale = 1.4826 * rest[1] if rest else 0.0
        scale = scale or (q3 - q1) / 1.349
        if scale == 0:
            continue
        z = abs(v - med) / scale
        # Isolated: a gap to the other values wider than half their IQR, so a 0 next to values
        # 1, 2, 3 … (counts, pixel intensities) is not a placeholder.
        gap = bulk[0] - v if v < bulk[0] else v - bulk[-1]
        spacing = _end_spacing(uniq, v < bulk[0])
        next_step = gap <= spacing  # a 0 one step below 1, 2, 3 (a band, a count)
        isolated = gap > 0 and gap >= 0.5 * (q3 - q1) and ((v == 0 and not next_step) or placeholder_shaped(v) or (
            gap > NEXT_STEP * spacing and (not measured_shaped(v) or _log_of_power_of_ten(v))))
        # a log of whole numbers (months, counts) holds 0 where the number is 1: the next step down, not detached
        zero_possible = v == 0 and bulk[0] > 0 and log_of_whole_numbers(uniq[uniq > 0])
        impossible_zero = v == 0 and bulk[0] > 0 and z >= 3.5 and not zero_possible
        # zeros that mean "not measured": far below every real value, and a substantial spike or a few rows
        far = v == 0 and bulk[0] > 0 and not zero_possible and _zero_far_from_bulk(bulk)
        far_zero = far and c >= ZERO_SPIKE_SHARE * n
        # a negative code beside values never below 0: -999, or a whole -1, -2 detached from them (no rear seat)
        impossible_sign = (v in UNMISTAKABLE or v == round(v)) and v < 0 <= bulk[0] and z >= 3.5
        # the log of a floor put in for a zero (log 0.001 = -6.9078: a premium of 0 has no log), below the rest
        log_floor = v < bulk[0] and _log_of_power_of_ten(v) and z >= 2.5  # its value says what it is
        special = v in KNOWN_SENTINELS or c >= 3 * typical
        if rare_zero:  # fewer than min_share of the rows: only a 0 far from every real value (an impossible size)
            hit = far
        else:
            hit = (isolated and ((z >= min_z and special) or impossible_zero or impossible_sign or log_floor)) \
                or far_zero
        if hit:
            found.append({"value": v, "count": c, "fraction": c / n, "robust_z": z, "bulk_median": med,
                          "bulk_range": [float(bulk[0]), float(bulk[-1])], **({"rare": True} if rare_zero else {})})
    return sorted(found, key=lambda s: (-s["count"], s["value"]))


FLAG_LEVEL_SHARE = 0.2  # a 0 and a 1 this frequent are the levels of a flag with part-year values between them
UNMISTAKABLE_MAX_SHARE = 0.9  # a 999 beside real values is a placeholder even when most rows hold it


ZERO_SPIKE_SHARE = 0.05  # zeros far from a positive column's values mean "not measured" when this frequent


FLAG_PLACEHOLDER_SHARE = 0.05  # a placeholder in a flag is rare: at most this share, and a third of either level


NEXT_STEP = 2.0  # a value this many of the bulk's own end spacings away is its next step, not detached from it


def _end_spacing(uniq: np.ndarray, low: bool) -> float:
    """The widest spacing between the four distinct values nearest the candidate end (the candidate left out): how
    far apart the bulk's own values lie there (years of schooling 15, 16, 17: one year)."""
    end = uniq[1:5] if low else uniq[-5:-1]
    return float(np.diff(end).max()) if end.size >= 2 else 0.0


def _log_of_power_of_ten(v: float) -> bool:
    """Whether a value is the natural log of 10⁻¹ to 10⁻⁹ (within 1e-5, relative: a 32-bit float): a floor put in
    before taking logs."""
    if not -21.0 < v < -2.0:
        return False
    k = -v / np.log(10)
    return abs(k - round(k)) * np.log(10) <= 1e-5 * abs(v)


def log_of_whole_numbers(positive: np.ndarray) -> bool:
    """Whether distinct positive values are the natural logs of whole numbers from 2 (a log-duration, a log-count):
    exp(x) within 1e-5 (relative: values written as 32-bit floats) of an integer for every one of at least five."""
    if positive.size < 5 or positive[-1] > 20:
        return False
    raw = np.exp(positive.astype(float))
    return bool(np.all(np.abs(raw - np.round(raw)) <= 1e-5 * raw))


MEASURED_DIGITS = 4  # a value written with this many significant digits was measured or computed, not typed


def measured_shaped(v: float) -> bool:
    """Whether a value is a fraction written with ``MEASURED_DIGITS`` significant digits or more, not of one repeated
    digit (0.4522, -23.03: a rate shared by many rows, the log of a constant), so nobody typed it for "unknown":
    codes for missing are whole (-1, 0, 182, 9998) or short (0.5, 1e-10) or one digit repeated (999.9, 99.99)."""
    if v == round(v):
        return False
    digits = f"{abs(v):.10g}".split("e")[0].replace(".", "").strip("0")
    return len(digits) >= MEASURED_DIGITS and len(set(digits)) > 1


def placeholder_shaped(v: float) -> bool:
    """A known placeholder, or a whole number of one repeated digit from 6 to 9 (8, 99, 666, 7777, -9)."""
    if v in KNOWN_SENTINELS:
        return True
    digits = str(int(abs(v))) if v == int(v) and abs(v) < 1e15 else ""
    return bool(digits) and digits[0] in "6789" and digits == digits[0] * len(digits)


def _flag_placeholder(uniq: np.ndarray, counts: np.ndarray, n: int) -> dict | None:
    """The third value of a two-level column (a 0/1 flag, a 1/2 code) when it is a rare, placeholder-shaped number
    far beyond both levels (at least five times their distance): a flag has no magnitudes, so a 666 or a 9
    beside its 0s and 1s is a code for unknown however rare it is (two rows are enough)."""
    if uniq.size != 3:
        return None
    for v, c, bulk, levels in ((uniq[0], counts[0], uniq[1:], counts[1:]), (uniq[-1], counts[-1], uniq[:-1],
                                                                           counts[:-1])):
        span = float(bulk[1] - bulk[0])
        gap = float(bulk[0] - v) if v < bulk[0] else float(v - bulk[1])
        if (placeholder_shaped(float(v)) and gap >= 5 * span and c <= FLAG_PLACEHOLDER_SHARE * n
                and 3 * c <= levels.min()):
            med = float(bulk[int(np.argmax(levels))])
            return {"value": float(v), "count": int(c), "fraction": int(c) / n, "distance": gap / span,
                    "bulk_median": med, "bulk_range": [float(bulk[0]), float(bulk[1])], "flag": True}
    return None


def _zero_far_from_bulk(bulk: np.ndarray) -> bool:
    """Whether 0 is far from every other value of a positive column: the smallest of them is at least a fifth of
    their median, and the gap down to 0 is at least five times the spacing of the lowest values (a lab value that
    runs 40-300 beside zeros meaning "not measured"; a count's 0 next to its 1s and 2s is not far)."""
    med = float(sorted_quantile(bulk, 0.5))
    if bulk[0] < 0.2 * med:
        return False
    low = np.unique(bulk[: max(10, bulk.size // 10)])
    if low.size < 5:
        return False
    spacing = float(np.median(np.diff(low)))
    return spacing > 0 and float(bulk[0]) >= 5 * spacing


def without_sentinels(num_stats: NumericStats) -> NumericStats:
    """The column's statistics with its sentinel values removed (the same object when it has none).

    Outlier and skew checks look at the real values only: a -999 placeholder is reported once, by DA103.
    """
    found = {s["value"] for s in find_sentinels(num_stats)}
    if not found:
        return num_stats
    keep = ~np.isin(num_stats.values, list(found))
    clean = NumericStats.from_values(num_stats.values[keep], np.zeros(int(keep.sum()), dtype=np.int64))
    clean.low = [(v, r) for v, r in num_stats.low if v not in found]
    clean.high = [(v, r) for v, r in num_stats.high if v not in found]
    clean.weight = num_stats.weight
    return clean


MAD_Z = 0.6745  # Iglewicz & Hoaglin: modified z = 0.6745 (x - median) / MAD


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


def detached_extremes(num_stats: NumericStats, scale: float, *, max_count: int = 2, window: int = 10,
                      min_rows: int = 200, min_distinct: int = 20, min_gap: float = 0.75,
                      min_ratio: float = 4.0, min_tail_z: float = 6.5, min_z: float = 4.0,
                      strong_ratio: float = 20.0, center: float | None = None) -> list[tuple[float, int, float, float]]:
    """The one or two values at either end of a column cut off from the rest by a gap out of scale with the tail.

    Near an end of a sample the spacings between order statistics, each multiplied by its rank from the end
    (``i·(x₍ᵢ₎ − x₍ᵢ₊₁₎)``), are about equal for any exponential-like or normal tail. The k outermost values
    (k ≤ ``max_count``) are detached when the gap behind them is at least ``min_gap`` robust standard deviations
    (``scale``) wide and, so weighted, either ``strong_ratio`` times the mean of the next ``window`` weighted
    spacings (an age of 1 where the next is 17 and the ages after it step by one year), or ``min_ratio`` times
    that mean and ``min_tail_z`` times the spacing a normal tail of this size has at its end,
    scale / sqrt(2 ln n), the outermost value ``min_z`` robust standard deviations or more from ``center`` (5,840
    and 4,742 hours a year where the next is 3,792). Returns
    ``(value, row, gap, next value)`` for each detached value. Needs the exact sorted values (weight 1), at
    least ``min_rows`` of them and ``min_distinct`` distinct values: on fewer, spacings say little.
    """
    v = num_stats.values
    if num_stats.weight != 1 or v.size < min_rows or scale <= 0 or not np.isfinite(scale):
        return []
    tail = scale / np.sqrt(2 * np.log(v.size))  # a normal tail's spacing at its end, times the rank
    out: list[tuple[float, int, float, float]] = []
    for end, extremes in ((v[:max_count + window + 1], num_stats.low),
                          (v[::-1][:max_count + window + 1], num_stats.high)):
        gaps = np.abs(np.diff(end))
        weighted = gaps * np.arange(1, gaps.size + 1)
        for k in range(max_count, 0, -1):
            local = float(weighted[k:k + window].mean())
            ratio = weighted[k - 1] / local if local > 0 else np.inf
            far = center is None or abs(float(end[0]) - center) >= min_z * scale
            if len(extremes) >= k and gaps[k - 1] >= min_gap * scale and \
                    (ratio >= strong_ratio or (ratio >= min_ratio and far and weighted[k - 1] >= min_tail_z * tail)):
                out += [(float(val), row, float(gaps[k - 1]), float(end[k])) for val, row in extremes[:k]]
                break
    if out and np.unique(v).size < min_distinct:
        return []
    return out


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


MAD_TO_STD = 1.4826  # 1 / Φ⁻¹(3/4): MAD of a normal distribution times this is its std


IQR_TO_STD = 1.349  # IQR of a normal distribution divided by this is its std


def center_scale(x: np.ndarray, scaler: str) -> tuple[float, float, str]:
    """(center, scale, method) for the finite values ``x``; the scale is always positive and finite."""
    med = float(np.median(x))
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: the std overflows and is not used
        std, mean = float(x.std()), float(x.mean())
    if scaler == "standard":
        center, chain = (mean if np.isfinite(mean) else med), [("std", std)]
    else:
        q1, q3 = (float(q) for q in np.quantile(x, [0.25, 0.75]))
        chain = [("iqr", q3 - q1), ("std", std)] if scaler == "robust" else [
            ("mad", MAD_TO_STD * float(np.median(np.abs(x - med)))), ("iqr", (q3 - q1) / IQR_TO_STD), ("std", std)]
        center = med
    for method, scale in chain:
        if np.isfinite(scale) and scale > 0:
            return center, scale, method
    return center, 1.0, "unit"


SMALL_TABLE_ROWS = 30  # below this, row-level statistics (correlations, conditioning, the probe) mean little: DA304
