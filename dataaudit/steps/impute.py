"""Fill missing values so no NaN reaches the loss, and keep the fact that a value was missing.

Numeric columns get the chosen strategy; text (category) columns and integer category codes (DA408) always get
their most frequent category. Where missingness is substantial or informative (DA105), a ``<col>__missing`` 0/1 column
keeps that signal, since a filled value alone would hide it. The fitted state is plain JSON.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..core.parallel import thread_map
from .base import (
    FitContext,
    Step,
    add_absent_columns,
    at_most_two_values,
    is_numeric,
    restore_order,
)

__all__ = ["STRATEGIES", "INDICATOR", "EMPTY_CATEGORY", "N_NEIGHBORS", "MAD_Z", "Impute"]

STRATEGIES = ("auto", "median", "mean", "most-frequent", "knn", "iterative", "none")
INDICATOR = "__missing"  # suffix of the missing-indicator columns
EMPTY_CATEGORY = "__missing__"  # fill of a text column with no value at fit (encode's name for a missing category)
N_NEIGHBORS = 5
MAD_Z = 0.6745  # Iglewicz & Hoaglin modified z-score, as the scan's DA201


def _floats(series: pd.Series) -> np.ndarray:
    """Numeric values with ±inf as NaN: an infinite value is as unusable as a missing one."""
    x = series.to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isinf(x), np.nan, x)


def _missing(series: pd.Series) -> np.ndarray:
    return np.isnan(_floats(series)) if is_numeric(series) else series.isna().to_numpy()


class Impute(Step):
    """Fill missing values per column; ``reasons_`` says, per column, what was done and why.

    ``auto`` uses the median for numeric columns, because imputation runs before clipping and a mean
    would be pulled by the outliers and skew clip has not yet removed (for symmetric data the two
    agree anyway), and the most frequent value for columns with two values or fewer, so a 0/1 flag
    stays 0/1. ``knn`` and ``iterative`` are used only when asked. ``none`` leaves everything as is.
    Missing-indicator columns ``<col>__missing`` (float 0/1, placed after ``<col>``) are fixed at fit:
    for every column whose missing share is at least ``indicator_min_share`` or that DA105 flagged,
    provided some but not all of its values were missing (a constant indicator would carry nothing),
    and no other indicator marks the same rows (columns missing together share the first one's).

    KNN: scikit-learn's ``KNNImputer`` needs its training matrix at transform time, so the recipe
    stores at most ``max_knn_rows`` training rows (a seeded subsample, missing values as null) with
    each column's median and spread; transform rebuilds a ``KNNImputer`` from them and measures
    distances on robust-scaled columns, so no column dominates by its units. ``fix`` transforms
    through the same rebuilt imputer, so ``fix`` and ``apply`` agree exactly.

    Iterative: ``IterativeImputer`` with ``BayesianRidge``. The recipe stores the initial medians, the
    clip bounds (training min and max) and, for each step of ``imputation_sequence_``, the feature,
    its neighbours, ``coef_`` and ``intercept_``; transform replays that sequence with numpy exactly
    as scikit-learn's own ``transform`` does, without pickling the estimators.

    Fitted: ``columns_`` (columns handled, in fit order), ``strategy_`` (column -> strategy used),
    ``fill_`` (column -> fill value: a float, or a str for text columns), ``reasons_`` (column ->
    sentence), ``indicators_`` (columns given an indicator), ``model_`` (None, or the KNN/iterative state).
    """

    name = "impute"
    params = ("strategy", "indicator_min_share", "max_knn_rows")
    fitted = ("columns_", "strategy_", "fill_", "reasons_", "indicators_", "model_")

    def __init__(self, *, strategy: str = "auto", indicator_min_share: float = 0.05,
                 max_knn_rows: int = 2000) -> None:
        self.strategy = strategy
        self.indicator_min_share = indicator_min_share
        self.max_knn_rows = max_knn_rows

    def fit(self, frame: pd.DataFrame, context: FitContext) -> Impute:
        self._check_params()
        columns = [] if self.strategy == "none" else [c for c in frame.columns if c != context.target]
        self.columns_ = list(columns)
        self.strategy_, self.fill_, self.reasons_ = {}, {}, {}
        codes = context.code_columns()
        numeric = [c for c in columns if is_numeric(frame[c]) and c not in codes]

        def fit_column(c: str) -> tuple[str, str, float]:
            x = _floats(frame[c])
            observed = x[~np.isnan(x)]
            strategy, reason, median = self._choose(observed)
            return strategy, reason, median if median is not None else _statistic(observed, strategy)

        fitted = thread_map(fit_column, numeric)  # columns in parallel, each read in its thread
        for c, (strategy, reason, fill) in zip(numeric, fitted):
            self.strategy_[c], self.reasons_[c], self.fill_[c] = strategy, reason, fill
        for c in columns:
            if c in self.fill_:
                continue
            if is_numeric(frame[c]):  # integer codes of categories: the most frequent code, as a category's
                self.strategy_[c], self.fill_[c], self.reasons_[c] = _most_frequent_code(_floats(frame[c]))
            else:
                self.strategy_[c], self.fill_[c], self.reasons_[c] = _most_frequent_category(frame[c])
        modelled = [c for c in numeric if self.strategy_[c] in ("knn", "iterative")]
        self.model_ = self._fit_model(modelled, frame, context)
        self.indicators_ = []
        flagged = context.columns_flagged("DA105")
        marked: dict[str, tuple[str, np.ndarray]] = {}  # source column -> (its first indicated part, the gaps)
        patterns: dict[bytes, str] = {}  # the missing rows, packed -> the column whose indicator marks them
        for c in columns:
            gaps = np.asarray(_missing(frame[c]), dtype=bool)
            share = float(gaps.mean()) if len(frame) else 0.0
            source = context.source_of(c)
            informative = source in flagged
            if 0 < share < 1 and (share >= self.indicator_min_share or informative):
                if f"{c}{INDICATOR}" in frame.columns:
                    self.reasons_[c] += f"; no indicator, as column {c}{INDICATOR} already exists"
                    continue
                if source in marked and np.array_equal(marked[source][1], gaps):  # a date's parts: one indicator
                    self.reasons_[c] += f"; {marked[source][0]}{INDICATOR} marks the same rows (both from `{source}`)"
                    continue
                pattern = np.packbits(gaps).tobytes()
                if pattern in patterns:  # a second indicator would be a duplicate column (DA604)
                    self.reasons_[c] += f"; {patterns[pattern]}{INDICATOR} marks the same rows"
                    continue
                marked.setdefault(source, (c, gaps))
                patterns[pattern] = c
                self.indicators_.append(c)
                why = "missingness is informative (DA105)" if informative else "missingness is substantial"
                self.reasons_[c] += f"; {c}{INDICATOR} marks the {share:.1%} missing rows ({why})"
        return self

    def _choose(self, observed: np.ndarray) -> tuple[str, str, float | None]:
        """Numeric strategy for the observed values, the sentence that explains it, and the median when
        the strategy is the median (so it is computed once)."""
        if observed.size == 0:
            return "constant", "no value observed when fitting: filled with 0", None
        if self.strategy != "auto":
            return self.strategy, f"{self.strategy}: as asked", None
        if at_most_two_values(observed):
            return ("most-frequent", "most-frequent: the column takes two values or fewer, and stays a flag this way",
                    None)
        med = float(np.median(observed))
        deviation = np.abs(observed - med)
        mad = float(np.median(deviation))
        if mad == 0:
            return "median", f"median: at least half the values equal {med:.6g}, the typical value", med
        outlying = int((MAD_Z * deviation > 3.5 * mad).sum())
        if outlying:
            return "median", f"median: {outlying:,} outlying value(s) would pull a mean, and clipping comes later", med
        z = (observed - observed.mean()) / observed.std()
        skew = float(np.mean(z * z * z))  # not z ** 3: a float power is several times slower
        if abs(skew) > 1:
            return "median", f"median: the column is skewed (skewness {skew:.1f}), so a mean would sit in the tail", med
        return ("median", "median: the column is roughly symmetric, so a mean would be about the same but less robust",
                med)

    def _fit_model(self, columns: list[str], frame: pd.DataFrame, context: FitContext) -> dict[str, Any] | None:
        if not columns:
            return None
        if len(columns) < 2:  # neither method has other columns to learn from
            for c in columns:
                self.strategy_[c] = "median"
                self.reasons_[c] = f"median: {self.strategy} needs two numeric columns or more"
            return None
        X = np.column_stack([_floats(frame[c]) for c in columns])
        if self.strategy == "knn":
            model = _fit_knn(X, self.max_knn_rows, context.seed)
            why = f"knn: mean of the {N_NEIGHBORS} nearest of {len(model['rows']):,} stored training rows"
        else:
            model, converged = _fit_iterative(X, context.seed)
            why = "iterative: predicted from the other numeric columns (BayesianRidge, round robin)" + (
                "" if converged else ", stopped at 10 rounds before converging")
        self.reasons_.update({c: why for c in columns})
        return {"kind": self.strategy, "columns": list(columns), **model}

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        frame = add_absent_columns(frame, self.columns_, self.name, log)
        missing = {c: _missing(frame[c]) for c in self.columns_}
        values: dict[str, Any] = {}
        for c in self.columns_:
            fill = self.fill_[c]
            if isinstance(fill, str):
                values[c] = frame[c].astype("str").fillna(fill)
            elif missing[c].any() or frame[c].dtype != np.float64:
                values[c] = np.where(missing[c], fill, _floats(frame[c]))
            # else a float column without gaps (±inf count as gaps) is its own imputation: kept as it is, not copied
        if self.model_ is not None:
            cols = self.model_["columns"]
            X = np.column_stack([_floats(frame[c]) for c in cols])
            X = (_apply_knn if self.model_["kind"] == "knn" else _apply_iterative)(X, self.model_)
            values.update({c: X[:, i] for i, c in enumerate(cols)})
        out: dict[str, Any] = {}
        for c in frame.columns:
            out[c] = values.get(c, frame[c])
            if c in self.indicators_:
                out[f"{c}{INDICATOR}"] = missing[c].astype(float)
        filled = {c: int(m.sum()) for c, m in missing.items() if m.any()}
        if filled:
            listed = ", ".join(f"{c!r} {n:,}" for c, n in list(filled.items())[:10])
            more = f" and {len(filled) - 10} more" if len(filled) > 10 else ""
            log.append(f"impute: filled {sum(filled.values()):,} missing value(s) in {len(filled)} column(s) "
                       f"({listed}{more}).")
        return pd.DataFrame(out, index=frame.index, copy=False)  # the columns as made: no consolidating copy

    def get_feature_names_out(self, input_columns: list[str] | None = None) -> list[str]:
        """Output columns for a frame with ``input_columns`` (default: the columns handled at fit)."""
        self.check_fitted()
        names: list[str] = []
        for c in restore_order(list(self.columns_ if input_columns is None else input_columns), self.columns_):
            names += [c, f"{c}{INDICATOR}"] if c in self.indicators_ else [c]
        return names

    def _check_params(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"impute strategy must be one of {', '.join(STRATEGIES)}, not {self.strategy!r}")
        share = self.indicator_min_share
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ValueError(f"impute indicator_min_share must be a number from 0 to 1, not {share!r}")
        rows = self.max_knn_rows
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ValueError(f"impute max_knn_rows must be an integer ≥ 1, not {rows!r}")

    def validate(self) -> None:
        """Refuse state this version would not have written."""
        self._check_params()
        _check_state(self)


def _statistic(x: np.ndarray, strategy: str) -> float:
    """SimpleImputer's statistic of the observed values (ties: the smallest value); knn and iterative
    keep the median as a fill of last resort. Plain numpy: one column at a time, and several times
    faster than SimpleImputer's masked-array median on a million rows."""
    if x.size == 0:
        return 0.0
    if strategy == "most-frequent":
        values, counts = np.unique(x, return_counts=True)
        return float(values[np.argmax(counts)])
    with np.errstate(over="ignore"):
        mean = float(x.mean())
    return mean if strategy == "mean" and np.isfinite(mean) else float(np.median(x))


def _most_frequent_category(series: pd.Series) -> tuple[str, str, str]:
    counts = series.astype("str").value_counts(dropna=True)
    if counts.empty:
        return "constant", EMPTY_CATEGORY, f"no category observed when fitting: filled with {EMPTY_CATEGORY!r}"
    best = min(str(v) for v in counts.index[counts == counts.max()])  # ties: the first in sort order
    return "most-frequent", best, f"most-frequent: {best!r} ({counts.max() / counts.sum():.0%} of the known values)"


def _most_frequent_code(x: np.ndarray) -> tuple[str, float, str]:
    """Integer category codes (DA408) are filled like a category: with the most frequent code (ties: the smallest)."""
    observed = x[~np.isnan(x)]
    if observed.size == 0:
        return "constant", 0.0, "integer codes of categories (DA408) with no value observed when fitting: filled with 0"
    values, counts = np.unique(observed, return_counts=True)
    best = int(np.argmax(counts))
    return ("most-frequent", float(values[best]), f"most-frequent: integer codes of categories (DA408), filled like a "
            f"category with the most frequent code {values[best]:.6g} ({counts[best] / observed.size:.0%} of the known "
            "values)")


def _spread(X: np.ndarray) -> np.ndarray:
    """Per-column IQR, then std, then 1: a unit for KNN distances that never is 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        q1, q3 = np.nanpercentile(X, [25, 75], axis=0)
        scale = np.where(q3 - q1 > 0, q3 - q1, np.nanstd(X, axis=0))
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def _fit_knn(X: np.ndarray, max_rows: int, seed: int) -> dict[str, Any]:
    rows = np.flatnonzero(~np.isnan(X).all(axis=1))  # a row with no value is nobody's neighbour
    if rows.size > max_rows:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_rows, replace=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        center = np.nan_to_num(np.nanmedian(X, axis=0))
    stored = [[None if np.isnan(v) else float(v) for v in row] for row in X[rows]]
    return {"n_neighbors": N_NEIGHBORS, "center": center.tolist(), "scale": _spread(X).tolist(), "rows": stored}


def _apply_knn(X: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    center, scale = np.array(model["center"], dtype=float), np.array(model["scale"], dtype=float)
    rows = np.array(model["rows"], dtype=float).reshape(-1, len(center))  # null -> NaN
    # imported when used: scikit-learn takes a second or two to import
    from sklearn.impute import KNNImputer

    imputer = KNNImputer(n_neighbors=model["n_neighbors"], keep_empty_features=True).fit((rows - center) / scale)
    filled = imputer.transform((X - center) / scale) * scale + center
    return np.where(np.isnan(X), filled, X)


def _fit_iterative(X: np.ndarray, seed: int) -> tuple[dict[str, Any], bool]:
    # imported when used, as in _apply_knn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (makes IterativeImputer importable)
    from sklearn.impute import IterativeImputer
    from sklearn.linear_model import BayesianRidge

    low, high = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    imputer = IterativeImputer(estimator=BayesianRidge(), initial_strategy="median", sample_posterior=False,
                               random_state=seed, min_value=low, max_value=high)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        imputer.fit(X)
    sequence = [{"feature": int(t.feat_idx), "neighbors": [int(i) for i in t.neighbor_feat_idx],
                 "coef": [float(v) for v in t.estimator.coef_], "intercept": float(t.estimator.intercept_)}
                for t in imputer.imputation_sequence_]
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return {"initial": imputer.initial_imputer_.statistics_.tolist(), "min": low.tolist(), "max": high.tolist(),
            "sequence": sequence}, converged


def _apply_iterative(X: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    """IterativeImputer.transform: initial fill, then each fitted regression in turn on the missing cells."""
    mask = np.isnan(X)
    Xt = np.where(mask, np.array(model["initial"], dtype=float), X)
    if mask.all():  # as scikit-learn: nothing to regress on
        return Xt
    low, high = model["min"], model["max"]
    for step in model["sequence"]:
        f, rows = step["feature"], mask[:, step["feature"]]
        if rows.any():
            predicted = Xt[np.ix_(rows, step["neighbors"])] @ np.array(step["coef"], dtype=float) + step["intercept"]
            Xt[rows, f] = np.clip(predicted, low[f], high[f])
    return Xt


def _check_state(step: Impute) -> None:
    """Types and shapes of the fitted state, so a tampered recipe fails here and not mid-transform."""
    def require(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(what)

    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and bool(np.isfinite(v))

    cols = step.columns_
    require(isinstance(cols, list) and all(isinstance(c, str) for c in cols) and len(set(cols)) == len(cols),
            "columns must be a list of distinct names")
    for attr in ("strategy_", "fill_", "reasons_"):
        require(isinstance(getattr(step, attr), dict) and set(getattr(step, attr)) == set(cols),
                f"{attr.rstrip('_')} must cover exactly the handled columns")
    require(all(isinstance(v, str) or number(v) for v in step.fill_.values()), "fill values must be text or numbers")
    require(isinstance(step.indicators_, list) and set(step.indicators_) <= set(cols), "bad indicator columns")
    model = step.model_
    if model is None:
        return
    p = len(model["columns"])
    require(model["kind"] == step.strategy and set(model["columns"]) <= set(cols) and p >= 2, "bad model columns")
    if model["kind"] == "knn":
        require(set(model) == {"kind", "columns", "n_neighbors", "center", "scale", "rows"}, "bad knn keys")
        rows = np.array(model["rows"], dtype=float)
        require(rows.ndim == 2 and rows.shape[1] == p and rows.shape[0] >= 1, "bad knn rows")
        require(len(model["center"]) == p and all(number(v) for v in model["center"]), "bad knn center")
        require(len(model["scale"]) == p and all(number(v) and v > 0 for v in model["scale"]), "bad knn scale")
        require(isinstance(model["n_neighbors"], int) and model["n_neighbors"] >= 1, "bad knn n_neighbors")
        return
    require(set(model) == {"kind", "columns", "initial", "min", "max", "sequence"}, "bad iterative keys")
    require(all(len(model[k]) == p and all(number(v) for v in model[k]) for k in ("initial", "min", "max")),
            "bad iterative statistics")
    for s in model["sequence"]:
        require(set(s) == {"feature", "neighbors", "coef", "intercept"} and 0 <= s["feature"] < p
                and all(isinstance(i, int) and 0 <= i < p for i in s["neighbors"])
                and len(s["coef"]) == len(s["neighbors"]) and all(number(v) for v in [*s["coef"], s["intercept"]]),
                "bad iterative sequence")
