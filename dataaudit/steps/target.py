"""Transform a regression target to a scale a squared-error loss can follow, and back (``inverse``).

A house price in dollars has a median near 1e5 and a right tail: fed as it is, the loss of the first steps is
1e10 and the tail's rows dominate every update. ``auto`` takes log1p of a target that is never negative and
whose upper tail is longer than its lower one (the 1–99% quantiles, so a few typos do not decide it) when the
log makes the two tails more alike, then standardises it as robust-scale does (``center_scale``: median and
1.4826·MAD, so a few typos do not set the scale either). A classification target, or ``method="none"``, is left as it is.

Values far beyond any plausible tail (more than ``ABSURD_Z`` robust z-scores from the median once transformed:
1e9 in a table of house prices) are counted and reported; the fix drops those rows only when asked
(``drop_absurd``), and never in ``apply``. ``inverse`` maps a model's predictions back to the target's units.

This step is the one exception to "a step never touches the target": it touches nothing else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..core.measures import center_scale
from ..errors import UsageError
from .base import FitContext, Step

__all__ = ["METHODS", "KINDS", "ABSURD_Z", "TargetTransform"]

METHODS = ("auto", "log", "standard", "none")
KINDS = ("log1p", "identity", "none")  # the fitted transform before standardising ("none": nothing at all)
ABSURD_Z = 10.0  # robust z-scores (on the transformed scale) beyond which a target value is absurd


def _quantile_tail_ratio(y: np.ndarray) -> float:
    """(q99 − q50) / (q50 − q01): above 1, the upper tail is the longer."""
    q01, q50, q99 = np.quantile(y, [0.01, 0.5, 0.99])
    lower = q50 - q01
    return float((q99 - q50) / lower) if lower > 0 else (np.inf if q99 > q50 else 1.0)


def _numbers(values: pd.Series) -> np.ndarray:
    """The target as floats, NaN where it is missing or not a number."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


class TargetTransform(Step):
    """log1p (when it suits a positive, right-tailed regression target) then robust standardisation."""

    name = "target-transform"
    params = ("method", "drop_absurd")
    fitted = ("column_", "kind_", "centre_", "scale_", "absurd_", "reason_", "range_")
    defaults = {"range_": None}  # recipes written before the range was kept: predictions mapped back unclipped

    def __init__(self, *, method: str = "auto", drop_absurd: bool = False) -> None:
        self.method = method
        self.drop_absurd = drop_absurd

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "TargetTransform":
        target = context.target
        task = getattr(getattr(context.profile, "target", None), "task", None)
        self.column_, self.centre_, self.scale_ = target, 0.0, 1.0
        self.absurd_ = {"count": 0, "low": None, "high": None}
        self.range_ = None
        values = frame[target] if target is not None and target in frame.columns else None
        if self.method == "none" or values is None or task != "regression":
            self.kind_ = "none"
            self.reason_ = ("--target-transform none" if self.method == "none" and values is not None
                            else "no regression target")
            return self
        y = _numbers(values)
        y = y[np.isfinite(y)]
        if y.size < 2:
            self.kind_, self.reason_ = "none", "fewer than two finite target values"
            return self
        self.kind_, self.reason_ = self._choose(y)
        self.range_ = [float(y.min()), float(y.max())]
        self.centre_, self.scale_, _ = center_scale(np.log1p(y) if self.kind_ == "log1p" else y, "mad")
        absurd = np.abs(self._forward(y)) > ABSURD_Z
        if absurd.any():
            self.absurd_ = {"count": int(absurd.sum()), "low": float(y[absurd].min()), "high": float(y[absurd].max())}
        return self

    def _choose(self, y: np.ndarray) -> tuple[str, str]:
        """The transform before standardising, and why."""
        if self.method == "standard":
            return "identity", "--target-transform standard"
        if self.method == "log":
            if y.min() < 0:
                raise UsageError(f"--target-transform log needs a target without negative values (minimum "
                                 f"{y.min():g}); use standard")
            return "log1p", "--target-transform log"
        if y.min() >= 0:
            raw = _quantile_tail_ratio(y)
            logged = _quantile_tail_ratio(np.log1p(y))
            if raw >= 2 and abs(np.log(logged)) < abs(np.log(raw)):
                return "log1p", (f"a non-negative target with a long upper tail (tail ratio {raw:.3g}, "
                                 f"{logged:.3g} after log1p)")
        return "identity", "no long one-sided tail: standardised only"

    def absurd_mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows whose target is absurd (beyond ``ABSURD_Z`` robust z-scores once transformed)."""
        self.check_fitted()
        if self.kind_ == "none" or self.column_ not in frame.columns:
            return np.zeros(len(frame), dtype=bool)
        z = self._forward(_numbers(frame[self.column_]))
        with np.errstate(invalid="ignore"):
            return np.abs(z) > ABSURD_Z

    def _forward(self, y: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.log1p(np.where(y > -1, y, np.nan)) if self.kind_ == "log1p" else y
        return (t - self.centre_) / self.scale_

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        if self.kind_ == "none" or self.column_ not in frame.columns:  # scoring data need not hold the target
            return frame
        y = _numbers(frame[self.column_])
        if self.kind_ == "log1p" and (y <= -1).any():
            log.append(f"target-transform: {int((y <= -1).sum()):,} value(s) of `{self.column_}` are -1 or less, "
                       "outside log1p's domain: set to missing.")
        out = frame.copy()
        out[self.column_] = self._forward(y)
        return out

    def inverse(self, values: Any) -> np.ndarray:
        """Predictions on the transformed scale -> the target's own units.

        After log1p, a prediction is first bounded by the log of the targets seen at fit: expm1 turns a step
        beyond them into a multiple (a model two units too high on the log scale predicts 7 times the largest
        target), so one extrapolated row would decide the error; on the standardised scale alone predictions
        pass as they are."""
        self.check_fitted()
        if self.kind_ == "none":
            return np.asarray(values)
        z = np.asarray(values, dtype=float)
        t = z * self.scale_ + self.centre_
        if self.kind_ != "log1p":
            return t
        if self.range_ is not None:
            t = np.clip(t, np.log1p(self.range_[0]), np.log1p(self.range_[1]))
        return np.expm1(t)

    def describe(self) -> str:
        """One sentence for the fix report."""
        self.check_fitted()
        if self.kind_ == "none":
            return f"target left as it is ({self.reason_})"
        how = "log1p, then standardised" if self.kind_ == "log1p" else "standardised"
        return (f"target `{self.column_}` {how} (centre {self.centre_:.4g}, scale {self.scale_:.4g}; {self.reason_}); "
                "map predictions back with Recipe.inverse_target")

    def validate(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}")
        if self.kind_ not in KINDS:
            raise ValueError(f"unknown kind {self.kind_!r}")
        if not (isinstance(self.scale_, (int, float)) and self.scale_ > 0 and np.isfinite(self.scale_)):
            raise ValueError("scale must be a positive number")
        if not isinstance(self.centre_, (int, float)) or not np.isfinite(self.centre_):
            raise ValueError("centre must be a finite number")
        if not isinstance(self.absurd_, dict) or set(self.absurd_) != {"count", "low", "high"}:
            raise ValueError("absurd must hold count, low and high")
        if self.range_ is not None and not (isinstance(self.range_, list) and len(self.range_) == 2 and all(
                isinstance(v, (int, float)) and np.isfinite(v) for v in self.range_) and self.range_[0] <= self.range_[1]):
            raise ValueError("range must be the [min, max] of the target seen at fit")
