"""Clip numeric features to median ± k·MAD/0.6745, the bounds of the scan's robust-outlier rule (DA201).

Clipping keeps the row (dropping it would lose its other values) but caps how far one value can push a
gradient. ``k`` is in modified z-score units (Iglewicz & Hoaglin), so the default 3.5 clips exactly
what DA201 counts as an outlier, and clipped data scans clean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.measures import robust_bounds
from ..core.parallel import thread_map
from ..core.stats import NumericStats
from .base import (
    FitContext,
    Step,
    add_absent_columns,
    at_most_two_values,
    is_numeric,
    restore_order,
)
from .impute import INDICATOR

__all__ = ["METHODS", "INSIDE", "Clip"]

METHODS = ("mad", "none")
# Bounds sit this share of their half-width inside the rule, so float rounding in robust-scale cannot put
# a clipped value a hair past the scan's threshold (which would report "3.5 robust z-scores out").
INSIDE = 1e-9


def _inside(low: float, high: float) -> list[float]:
    margin = INSIDE * (high - low) / 2
    return [low + margin, high - margin]


def _bounds(x: np.ndarray, k: float) -> tuple[list[float] | None, str]:
    """Clip bounds for the finite values ``x`` (None: leave the column alone) and why: DA201's own bounds."""
    if at_most_two_values(x):
        return None, "two distinct values or fewer (a flag or a constant): not clipped"
    # only the sorted values: the bounds read the median, MAD and quartiles off them (``robust_bounds``), so the
    # moments, extremes and row numbers ``NumericStats.from_values`` also makes (most of its time) are not needed
    stats = NumericStats(count=int(x.size), nan=0, posinf=0, neginf=0, mean=0.0, m2=0.0, m3=0.0, m4=0.0,
                         integral=0, values=np.sort(x))
    bounds = robust_bounds(stats, k)
    if bounds is None:
        return None, (f"MAD and IQR are both 0 (most values equal {stats.median:.6g}): a bound would cut ordinary "
                      "values, not clipped")
    span = f"[{bounds.low:.6g}, {bounds.high:.6g}]"
    why = {"mad": f"median ± {k:g}·MAD/0.6745 = {span}",
           "mad-of-rest": f"MAD is 0 ({stats.median:.6g} fills half the column), so median ± {k:g}·MAD/0.6745 of the "
                          f"other values = {span}",
           "iqr": f"MAD is 0, so IQR fences q1 − 3·IQR, q3 + 3·IQR = {span}"}[bounds.method]
    return _inside(bounds.low, bounds.high), why


class Clip(Step):
    """Clip each continuous numeric feature to robust bounds learnt at fit.

    Skipped: the target, text columns, ``*__missing`` indicators, integer category codes (DA408, recorded in
    ``reasons_``: clipping would merge categories) and columns with two distinct values or fewer. When MAD is 0 (one value fills half the column) the bounds come from the other values'
    median and MAD, then IQR fences; when nothing gives a spread the column is left alone (the bounds
    are DA201's, ``checks.outliers.robust_bounds``). NaN stays NaN (imputation is not this step's job);
    ±inf are clipped to the bounds.
    Fitted: ``columns_`` (columns clipped), ``bounds_`` (column -> [low, high]), ``reasons_``
    (numeric feature column -> sentence, including the columns left alone and why), ``clipped_`` (column ->
    share of the fit's rows outside the bounds, what ``diff --recipe`` compares new data with; None in a
    recipe written before it was recorded).
    """

    name = "clip"
    params = ("k", "method")
    fitted = ("columns_", "bounds_", "reasons_", "clipped_")
    defaults = {"clipped_": None}  # recipes written before the share was recorded: unknown

    def __init__(self, *, k: float = 3.5, method: str = "mad") -> None:
        self.k = k
        self.method = method

    def fit(self, frame: pd.DataFrame, context: FitContext) -> Clip:
        self._check_params()
        self.columns_, self.bounds_, self.reasons_, self.clipped_ = [], {}, {}, {}
        if self.method == "none":
            return self
        columns = [c for c in frame.columns
                   if c != context.target and is_numeric(frame[c]) and not str(c).endswith(INDICATOR)]
        codes = context.code_columns()
        rows = max(len(frame), 1)

        def fit_column(c: str) -> tuple[list[float] | None, str, float]:
            if c in codes:  # clipping would merge categories
                return None, "integer codes of categories (DA408): not clipped; encode encodes them", 0.0
            x = frame[c].to_numpy(dtype=float, na_value=np.nan)
            bounds, reason = _bounds(x[np.isfinite(x)], float(self.k))
            share = float(((x < bounds[0]) | (x > bounds[1])).sum() / rows) if bounds is not None else 0.0
            return bounds, reason, share

        fitted = thread_map(fit_column, columns)
        for c, (bounds, reason, share) in zip(columns, fitted):  # columns fitted in parallel, recorded in order
            self.reasons_[c] = reason
            if bounds is not None:
                self.columns_.append(c)
                self.bounds_[c] = bounds
                self.clipped_[c] = share
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        frame = add_absent_columns(frame, self.columns_, self.name, log)
        clipped, counts = {}, {}
        for c in self.columns_:
            low, high = self.bounds_[c]
            x = frame[c].to_numpy(dtype=float, na_value=np.nan)
            if n := int(((x < low) | (x > high)).sum()):
                counts[c] = n
            # nothing outside the bounds: a float column is its own clipping, kept, not copied (a bound at 0 may
            # still turn a -0.0 into 0.0, and a NaN bound every value into NaN: those are clipped as before)
            if n or frame[c].dtype != np.float64 or not (low != 0 and high != 0 and low <= high):
                clipped[c] = np.clip(x, low, high)
        if counts:
            listed = ", ".join(f"{c!r} {n:,}" for c, n in list(counts.items())[:10])
            more = f" and {len(counts) - 10} more" if len(counts) > 10 else ""
            log.append(f"clip: clipped {sum(counts.values()):,} value(s) outside the fitted bounds in "
                       f"{len(counts)} column(s) ({listed}{more}).")
        return frame.assign(**clipped)

    def get_feature_names_out(self, input_columns: list[str] | None = None) -> list[str]:
        self.check_fitted()
        return restore_order(list(self.columns_ if input_columns is None else input_columns), self.columns_)

    def _check_params(self) -> None:
        k = self.k
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not np.isfinite(k) or k <= 0:
            raise ValueError(f"clip k must be a positive number, not {k!r}")
        if self.method not in METHODS:
            raise ValueError(f"clip method must be one of {', '.join(METHODS)}, not {self.method!r}")

    def validate(self) -> None:
        """Refuse state this version would not have written."""
        self._check_params()
        cols = self.columns_
        ok = (isinstance(cols, list) and all(isinstance(c, str) for c in cols) and len(set(cols)) == len(cols)
              and isinstance(self.bounds_, dict) and set(self.bounds_) == set(cols)
              and isinstance(self.reasons_, dict) and set(cols) <= set(self.reasons_))
        ok = ok and all(len(b) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in b)
                        and b[0] <= b[1] for b in self.bounds_.values())
        if not ok:
            raise ValueError("each clipped column needs bounds [low, high]")
        shares = self.clipped_
        if shares is not None and not (isinstance(shares, dict) and set(shares) == set(cols) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in shares.values())):
            raise ValueError("each clipped column needs the share of rows it clipped at fit, between 0 and 1")
