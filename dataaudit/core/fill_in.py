"""A value put in for the unknown: the mean (or another one value) filled into the gaps of a column before the file
was written, so the gaps no longer show. DA103 reports it (``checks/missing.py``) beside the placeholders of
``measures.find_sentinels``.

Two shapes give it away, from the column's distinct values and their counts alone:

* a lone spike inside a continuous column: one exact value in 5% of the rows or more, twenty times as many as any
  other value, inside the interquartile range of the rest, which are non-integers (a measured or computed
  number: a standardised test score, 0 in 22% of the rows where the next value fills 1%). A heap at a policy's
  value (a 50% replacement rate) among otherwise unrepeated measurements looks the same, and is reported too;
  among rates that repeat (each state's own) it is some ten times the next and stays quiet;
* a third value of a 0/1 flag, a computed share equal to the mean of the flag's rows (``clerical``
  0.182331 beside 0 and 1: the share of clerical workers, put in for those not working).
"""

from __future__ import annotations

import numpy as np

from .measures import measured_shaped
from .stats import NumericStats

__all__ = ["SPIKE_SHARE", "SPIKE_RATIO", "MIN_ROWS", "MIN_DISTINCT", "NON_INTEGER_SHARE", "fill_in_value"]

SPIKE_SHARE = 0.05  # of the rows the filled-in value holds, at least
SPIKE_RATIO = 20.0  # times the count of any other value, at least (a policy's 50% heaps tenfold honestly)
MIN_ROWS = 200  # known values, at least (a spike among fewer rows is a coincidence of rounding)
MIN_DISTINCT = 50  # distinct values of a continuous column, at least
NON_INTEGER_SHARE = 0.9  # of the other rows that hold a non-integer, at least (counts and hours heap honestly)
MIN_FLAG_FILLS = 3  # rows holding a flag's mean, at least


def fill_in_value(num_stats: NumericStats) -> dict | None:
    """The value filled in for unknowns, with its count and how it was told (``kind`` "lone-spike" or "flag-mean"),
    or None."""
    n = num_stats.count
    uniq, counts = num_stats.distinct()
    if n < 20 or uniq.size < 3:
        return None
    if uniq.size == 3:
        return _flag_mean(uniq, counts)
    if n < MIN_ROWS or uniq.size < MIN_DISTINCT:
        return None
    top = int(np.argmax(counts))
    c = int(counts[top])
    second = float(np.partition(counts, -2)[-2])
    if c < SPIKE_SHARE * n or c < SPIKE_RATIO * second:
        return None
    others, weights = np.delete(uniq, top), np.delete(counts, top)
    whole = others == np.round(others)
    if weights[~whole].sum() < NON_INTEGER_SHARE * weights.sum():
        return None
    cum = np.cumsum(weights) / weights.sum()
    q1, q3 = others[np.searchsorted(cum, 0.25)], others[np.searchsorted(cum, 0.75)]
    v = float(uniq[top])
    if not q1 < v < q3:
        return None
    return {"value": v, "count": c, "fraction": c / n, "kind": "lone-spike",
            "next_count": int(second), "others_iqr": [float(q1), float(q3)]}


def _flag_mean(uniq: np.ndarray, counts: np.ndarray) -> dict | None:
    """A 0/1 flag's third value, written with four significant digits or more, equal (within 0.001) to the mean of the
    rows that hold 0 or 1."""
    lo, mid, hi = (float(u) for u in uniq)
    if (lo, hi) != (0.0, 1.0) or not measured_shaped(mid) or counts[1] < MIN_FLAG_FILLS \
            or min(counts[0], counts[2]) < MIN_FLAG_FILLS:
        return None  # a 0/1 flag, and a computed share (0.182331), not a typed middle level (0.5, a time point 3)
    if abs(mid - counts[2] / (counts[0] + counts[2])) > 1e-3:  # the share of 1s among the 0s and 1s
        return None
    return {"value": mid, "count": int(counts[1]), "fraction": int(counts[1]) / int(counts.sum()), "kind": "flag-mean",
            "levels": [lo, hi]}
