"""Put numeric features on one robust scale, so no feature dominates the gradient by its units.

Default ``(x − median) / (1.4826·MAD)``: 1.4826·MAD estimates the standard deviation of normal data
but ignores outliers, which under plain standardisation inflate the std and squash every other value
towards zero. A scale of 0 falls back along MAD → IQR/1.349 → std → 1, so nothing is divided by zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..core.measures import center_scale
from ..core.parallel import thread_map
from .base import (
    FitContext,
    Step,
    add_absent_columns,
    at_most_two_values,
    is_numeric,
    restore_order,
)
from .impute import INDICATOR

__all__ = ["SCALERS", "FLOAT_MAX", "RobustScale"]

SCALERS = ("mad", "robust", "standard", "none")
FLOAT_MAX = float(np.finfo(np.float64).max)


class RobustScale(Step):
    """Center and scale each continuous numeric feature with statistics learnt at fit.

    ``scaler``: ``mad`` (default) ``(x − median) / (1.4826·MAD)``; ``robust`` ``(x − median) / IQR``
    as scikit-learn's RobustScaler; ``standard`` ``(x − mean) / std``; ``none`` leaves data as is.
    Columns with two distinct values or fewer (0/1 flags, ``*__missing`` indicators) are kept as they
    are: scaling would only move a clean 0/1 code; two values other than 0 and 1 (a year of 1999 or 2008, a sex
    coded 1/2) become that code, ``(x − low) / (high − low)`` (method ``binary``: a survey year of 2008 would
    otherwise reach the model as it is, three orders of magnitude above the scaled columns); so are integer
    category codes (DA408, method ``codes``),
    which encode encodes. NaN stays NaN; ±inf become the fitted minimum or
    maximum first, so the output is finite.
    Fitted: ``columns_`` (columns scaled), ``center_`` and ``scale_`` (column -> float), ``range_``
    (column -> [min, max] seen at fit), ``method_`` (numeric feature column -> mad | iqr | std | unit
    | binary | kept | codes, the scale actually used).
    """

    name = "robust-scale"
    params = ("scaler",)
    fitted = ("columns_", "center_", "scale_", "range_", "method_")

    def __init__(self, *, scaler: str = "mad") -> None:
        self.scaler = scaler

    def fit(self, frame: pd.DataFrame, context: FitContext) -> RobustScale:
        self._check_params()
        self.columns_, self.center_, self.scale_, self.range_, self.method_ = [], {}, {}, {}, {}
        if self.scaler == "none":
            return self
        codes = context.code_columns()
        columns = [c for c in frame.columns if c != context.target and is_numeric(frame[c])]

        def fit_column(c: str) -> tuple[float, float, str, list[float]] | None:
            x = frame[c].to_numpy(dtype=float, na_value=np.nan)
            x = x[np.isfinite(x)]
            if at_most_two_values(x):
                low, high = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
                if low in (0.0, 1.0) and high in (0.0, 1.0):
                    return None  # a 0/1 flag (or a constant 0 or 1): kept as it is
                if high == low:  # one value other than 0 and 1: 0, as a flag that never fires
                    return low, 1.0, "binary", [low, high]
                return low, high - low, "binary", [low, high]
            return (*center_scale(x, self.scaler), [float(x.min()), float(x.max())])

        fitted = thread_map(lambda c: None if c in codes else fit_column(c), columns)
        for c, result in zip(columns, fitted):  # columns fitted in parallel, recorded in order
            if c in codes:  # integer category codes (DA408): encode encodes them
                self.method_[c] = "codes"
                continue
            if str(c).endswith(INDICATOR) or result is None:
                self.method_[c] = "kept"
                continue
            self.columns_.append(c)
            self.center_[c], self.scale_[c], self.method_[c], self.range_[c] = result
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        frame = add_absent_columns(frame, self.columns_, self.name, log)
        scaled = {}
        for c in self.columns_:
            x = frame[c].to_numpy(dtype=float, na_value=np.nan)
            if infinite := int(np.isinf(x).sum()):
                low, high = self.range_[c]
                x = np.where(x == np.inf, high, np.where(x == -np.inf, low, x))
                log.append(f"robust-scale: {infinite:,} infinite value(s) in {c!r} were set to the fitted "
                           "minimum or maximum before scaling.")
            with np.errstate(over="ignore"):
                z = (x - self.center_[c]) / self.scale_[c]
            scaled[c] = np.clip(z, -FLOAT_MAX, FLOAT_MAX)  # an overflow stays finite; NaN stays NaN
        return frame.assign(**scaled)

    def get_feature_names_out(self, input_columns: list[str] | None = None) -> list[str]:
        self.check_fitted()
        return restore_order(list(self.columns_ if input_columns is None else input_columns), self.columns_)

    def _check_params(self) -> None:
        if self.scaler not in SCALERS:
            raise ValueError(f"robust-scale scaler must be one of {', '.join(SCALERS)}, not {self.scaler!r}")

    def validate(self) -> None:
        """Refuse state this version would not have written."""

        def number(v: Any) -> bool:
            return isinstance(v, (int, float)) and not isinstance(v, bool) and bool(np.isfinite(v))

        self._check_params()
        cols = self.columns_
        ok = (isinstance(cols, list) and all(isinstance(c, str) for c in cols) and len(set(cols)) == len(cols)
              and all(isinstance(d, dict) and set(d) == set(cols) for d in (self.center_, self.scale_, self.range_))
              and isinstance(self.method_, dict) and set(cols) <= set(self.method_)
              and all(number(self.center_[c]) and number(self.scale_[c]) and self.scale_[c] > 0
                      and len(self.range_[c]) == 2 and all(number(v) for v in self.range_[c]) for c in cols))
        if not ok:
            raise ValueError("each scaled column needs a finite center, a positive scale and a [min, max] range")
