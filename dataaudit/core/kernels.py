"""Numpy kernels over sorted values (quantiles, MADs, the spread of the rest, extremes, thinning) that the
statistics and the checks share."""

from __future__ import annotations

import numpy as np

__all__ = ["sorted_quantile", "spread_of_rest", "sorted_mad", "extremes", "thin", "least_squares"]


def sorted_quantile(v: np.ndarray, q: float | np.ndarray) -> float | np.ndarray:
    """numpy.quantile(v, q) for an already sorted v, in O(1) per quantile."""
    if v.size == 0:
        return np.full(np.shape(q), np.nan) if np.ndim(q) else np.nan
    pos = np.asarray(q, dtype=float) * (v.size - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, v.size - 1)
    out = v[lo] + (v[hi] - v[lo]) * (pos - lo)
    return out if np.ndim(q) else float(out)


def spread_of_rest(v: np.ndarray, value: float, min_size: int = 10) -> tuple[float, float] | None:
    """(median, MAD) of the sorted values ``v`` other than ``value``: the spread of a column whose MAD
    is 0 because ``value`` fills half of it (zeros of sparse counts). None with fewer than ``min_size``."""
    rest = np.concatenate([v[: np.searchsorted(v, value, "left")], v[np.searchsorted(v, value, "right"):]])
    if rest.size < min_size:
        return None
    center = float(sorted_quantile(rest, 0.5))
    return center, sorted_mad(rest, center)


def sorted_mad(v: np.ndarray, m: float) -> float:
    """median(|v − m|) for sorted v, equal to numpy's, without building the deviations.

    The deviations below m (read right to left) and from m upwards (left to right) are two sorted
    sequences; the median of their union is found by binary search on how many come from each.
    """
    n = v.size
    if n == 0:
        return 0.0
    split = int(np.searchsorted(v, m, side="left"))

    def below(t: int) -> float:  # t-th smallest deviation among values < m
        return m - float(v[split - 1 - t])

    def above(t: int) -> float:  # t-th smallest deviation among values >= m
        return float(v[split + t]) - m

    def kth(k: int) -> float:
        n_below, n_above = split, n - split
        lo, hi = max(0, k + 1 - n_above), min(k + 1, n_below)
        while lo < hi:
            t = (lo + hi) // 2
            if below(t) < above(k - t):
                lo = t + 1
            else:
                hi = t
        taken_above = k + 1 - lo
        return max(below(lo - 1) if lo > 0 else -np.inf, above(taken_above - 1) if taken_above > 0 else -np.inf)

    if n % 2:
        return kth(n // 2)
    return (kth(n // 2 - 1) + kth(n // 2)) / 2


def extremes(v: np.ndarray, rows: np.ndarray, kth: float, k: int, *, largest: bool) -> list[tuple[float, int]]:
    """The k smallest or largest values with their rows; among ties the lowest rows (no sort of the column)."""
    beyond = np.flatnonzero(v > kth if largest else v < kth)
    ties = np.flatnonzero(v == kth)[: k - beyond.size]
    picked = [(float(v[i]), int(rows[i])) for i in np.concatenate([beyond, ties])]
    return sorted(picked, key=lambda t: (-t[0], t[1]) if largest else t)


def thin(values: np.ndarray, step: int) -> np.ndarray:
    """Every ``step``-th sorted value, with the exact minimum and maximum kept at the ends."""
    if step <= 1 or values.size <= 2:
        return values
    thinned = values[step // 2::step].copy()
    if thinned.size:
        thinned[0], thinned[-1] = values[0], values[-1]
    return thinned


def least_squares(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """The least-squares fit of ``y`` on the columns of ``x`` with an intercept: (coefficients, the intercept first;
    R², 0 when ``y`` is constant)."""
    design = np.column_stack([np.ones(len(x)), x])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    total = float(((y - y.mean()) ** 2).sum())
    return coef, (1.0 - float(((y - design @ coef) ** 2).sum()) / total if total > 0 else 0.0)
