"""``FixTransformer``: the fix steps as a scikit-learn transformer, to sit in a ``Pipeline``.

``fit`` scans the training frame (with ``y`` as the target, so informative missingness and leakage
are seen), fits the same steps as ``dataaudit fix`` (without resampling, which a transformer cannot
do) and keeps the recipe; ``transform`` applies it and returns a float array, one row per input row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .analysis.pipeline import scan_frame
from .fixing.memory import fit_fix
from .fixing.options import FixOptions
from .io.read import from_frame, to_frame

__all__ = ["TARGET", "FixTransformer"]

TARGET = "__dataaudit_target__"


def _frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X.reset_index(drop=True)
    array = np.asarray(X)
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


class FixTransformer(TransformerMixin, BaseEstimator):
    """Repair, impute, clip, scale and encode like ``dataaudit fix``; ``recipe_`` is the JSON-able state."""

    def __init__(self, *, scaler: str = "mad", impute: str = "auto", outliers: str = "clip",
                 encode: str = "onehot", drop_leaky: bool = False, keep_text: bool = False, seed: int = 0,
                 codes: str = "categorical") -> None:
        self.scaler = scaler
        self.impute = impute
        self.outliers = outliers
        self.encode = encode
        self.drop_leaky = drop_leaky
        self.keep_text = keep_text
        self.seed = seed
        self.codes = codes

    def fit(self, X, y=None):
        frame = _frame(X)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        target = None
        if y is not None:
            frame[TARGET] = np.asarray(y)
            target = TARGET
        before = scan_frame(frame, target=target)
        options = FixOptions(scaler=self.scaler, impute=self.impute, outliers=self.outliers, encode=self.encode,
                             resample="none", seed=self.seed, drop_leaky=self.drop_leaky,
                             keep_text=self.keep_text, codes=self.codes,
                             target_transform="none")  # a transformer never changes y (TransformedTargetRegressor does)
        result = fit_fix(to_frame(from_frame(frame).table), before, options)
        result.recipe.drop_duplicate_rows = False  # a transformer keeps one output row per input row
        self.recipe_ = result.recipe
        self.feature_names_out_ = [c for c in result.pre_resample.columns if c != target]
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "recipe_")
        frame = to_frame(from_frame(_frame(X)).table)
        self.log_: list[str] = []
        out = self.recipe_.transform(frame, self.log_, keep_rows=True)
        return out.reindex(columns=self.feature_names_out_).to_numpy(dtype=float)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "recipe_")
        return np.asarray(self.feature_names_out_, dtype=object)
