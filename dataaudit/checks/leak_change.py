"""A regression target's change since another row of the same unit: a feature equal, row by row, to the target (or
its log) minus the target (or its log) of another row of the same unit (``ctrmgpa`` = this term's GPA minus the same
student's fall GPA; ``clcrmrte`` = this year's log crime rate minus last year's, within the county). Panel files
carry such differences beside the levels; fed as a feature, the change and the unit's other rows give the target
back. DA701 reports it (``checks/leakage.py``).

Every feature is judged at once per unit and scale: the target's values are hashed with their unit on a grid of
``CHANGE_TOLERANCE`` of the target's spread, and each row's target minus the feature is looked up among the other
rows of its unit (the neighbouring grid cells too, for values on a cell's edge): O(rows) per feature.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ._common import jsonable

__all__ = ["CHANGE_SHARE", "CHANGE_ROWS", "CHANGE_NONZERO", "CHANGE_TOLERANCE", "target_change"]

CHANGE_SHARE = 0.95  # of the rows where the feature is known and the unit has another row, at least, that must match
CHANGE_ROWS = 30  # such rows, at least
CHANGE_NONZERO = 0.2  # of them where the feature is not 0 (a change that is 0 when nothing changed is still one)
CHANGE_TOLERANCE = 1e-4  # of the target's spread: a difference stored to a few digits still matches


def target_change(names: list[str], numeric: pd.DataFrame, y: np.ndarray, units: dict[str, np.ndarray],
                  target: str, skip: set[str]) -> Iterator[Hit]:
    """Features (``names`` of ``numeric``, rows aligned with ``y``) equal to the target, or its log when the target is
    positive, minus the same of another row of the same unit (``units``: name -> the unit's codes per row, -1 where
    unknown), in ``CHANGE_SHARE`` of the rows where the feature is known and the unit has another row (``CHANGE_ROWS``
    of them or more, the feature not 0 in ``CHANGE_NONZERO`` of them). Each feature is reported once, with the
    first unit and scale that explain it."""
    y = np.asarray(y, dtype=float)
    scales = [("", y)]
    if np.isfinite(y).any() and (y[np.isfinite(y)] > 0).all():
        scales.append(("the log of ", np.log(np.where(y > 0, y, 1.0))))
    candidates = [n for n in names if n in numeric.columns and n not in skip]
    found: set[str] = set()
    for unit, codes in units.items():
        many = _repeated(codes)
        if many.sum() < CHANGE_ROWS:
            continue
        for how, t in scales:
            spread = float(np.nanstd(t[many]))
            if not np.isfinite(spread) or spread <= 0:
                continue
            if np.nanmax(np.abs(t[many])) / (CHANGE_TOLERANCE * spread) > 2.0 ** 40:
                continue  # a spread too small beside the values' size for the grid
            grid = _Grid(codes, t, CHANGE_TOLERANCE * spread)
            for name in candidates:
                if name in found or name == unit:
                    continue
                f = numeric[name].to_numpy(dtype=float)
                judged = many & np.isfinite(f) & np.isfinite(t)
                rows = int(judged.sum())
                if rows < CHANGE_ROWS or (f[judged] != 0).mean() < CHANGE_NONZERO:
                    continue
                share = float(grid.matches(t - f, judged).sum()) / rows
                if share >= CHANGE_SHARE:
                    found.add(name)
                    change = f"the log of `{target}` minus its log" if how else f"`{target}` minus its value"
                    yield Hit(name, f"is {change} in another row of the same `{unit}` in {share:.0%} of {rows:,} "
                              f"rows (a change since the unit's other period): with the unit's other rows it gives "
                              f"`{target}` back, a leak, not a feature",
                              {"kind": "target-change", "metric": "share of rows matched", "score": jsonable(share),
                               "baseline": 0.0, "unit": unit, "log": bool(how), "rows_used": rows},
                              columns=(name, unit), severity=Severity.HIGH)


def _repeated(codes: np.ndarray) -> np.ndarray:
    """Rows whose unit (codes ≥ 0) holds another row too."""
    known = codes >= 0
    counts = np.bincount(codes[known], minlength=1)  # rows of each unit, the unknown ones not counted
    return known & (counts[np.where(known, codes, 0)] > 1)


class _Grid:
    """The (unit, target cell) pairs of the rows, sorted, with each pair's row count: a row's value minus a feature
    is looked up in its unit's cells (and the two beside it), its own row not counted."""

    def __init__(self, codes: np.ndarray, t: np.ndarray, step: float):
        self.codes, self.step = codes, step
        known = (codes >= 0) & np.isfinite(t)
        self.cell = np.where(known, np.floor(np.where(known, t, 0.0) / step), 0).astype(np.int64)
        self.known = known
        keys = self._keys(codes[known], self.cell[known])
        self.uniq, self.count = np.unique(keys, return_counts=True)

    def _keys(self, codes: np.ndarray, cell: np.ndarray) -> np.ndarray:
        # a cell index shifted to fit beside the unit code: |t| / step stays far below 2**40 for any sane spread
        return codes.astype(np.int64) * (1 << 42) + (cell + (1 << 41))

    def matches(self, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Over ``rows``: whether ``values`` lies within a cell of another row of the same unit."""
        idx = np.flatnonzero(rows)
        cell = np.floor(values[idx] / self.step).astype(np.int64)
        hit = np.zeros(idx.size, dtype=bool)
        for delta in (-1, 0, 1):
            keys = self._keys(self.codes[idx], cell + delta)
            pos = np.clip(np.searchsorted(self.uniq, keys), 0, self.uniq.size - 1)
            count = np.where(self.uniq[pos] == keys, self.count[pos], 0)
            own = self.known[idx] & (self.cell[idx] == cell + delta)  # the row's own target is not another row
            hit |= count - own > 0
        return hit
