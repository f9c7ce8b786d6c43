"""Exact linear dependencies among numeric features and 0/1 flags, each named with its own columns (DA607).

One column is an exact linear combination of earlier ones (``exper`` = ``age`` − ``educ`` − 6; six position
dummies that sum to 1; ``apoe3`` = 1 − ``apoe2`` − ``apoe4``). They are found one by one, in column order, by an
incremental Cholesky factorisation of the correlation matrix of the sample: a column whose part not explained by the
earlier independent columns is (up to rounding) nil depends on them, and its weights on them, unique because those
are independent, name exactly the columns of its dependency. Gaps are filled with the column's mean on the sample,
which keeps a dependency among columns missing in the same rows exact (a median would not); one whose columns are
missing in different rows is found again on the rows complete over the columns that are rarely missing. Columns
stored to a few decimals depend up to rounding when each row holds within half a stored step of every column
(shares to four decimals summing to 1 between 0.9999 and 1.0001).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..analysis.profiling import DatasetProfile

__all__ = ["Dependency", "MAX_DEPENDENCY_COLUMNS", "exact_dependencies", "dependency_inputs"]

MAX_DEPENDENCY_COLUMNS = 400  # the first 400 candidate columns of a wider table: p² memory, p³ time
RESIDUAL = 1e-9  # 1 − R² at or below which a column is a combination of the earlier ones
#: up to this 1 − R², columns stored to a few decimals are a combination when every row holds within their rounding
#: (vote shares to four decimals that sum to 1 between 0.9999 and 1.0001)
ROUNDED_RESIDUAL = 1e-6
ROUNDED_MIN_WEIGHT = 1e-2  # there, standardised weights below this are the rounding's noise, refitted without
MAX_DECIMALS = 6  # a column is stored rounded when its values are whole multiples of 10⁻ᵈ for some d up to this
MIN_ROWS = 30  # rows where a dependency's columns are all present, at least
MIN_WEIGHT = 1e-4  # standardised weights below this are rounding, not a part of the dependency


@dataclass(frozen=True)
class Dependency:
    column: str  # the dependent column (the later one)
    terms: tuple[tuple[str, float], ...]  # (column, coefficient in the columns' own units)
    intercept: float
    residual: float  # 1 − R² of the fit on the sample
    rounded: bool = False  # holds within the rounding of the columns' stored decimals, not exactly

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *(name for name, _ in self.terms))

    def relation(self) -> str:
        """'`exper` = `age` - `educ` - 6', '`catcher` = 1 - `frstbase` - `scndbase`' (3 significant digits)."""
        parts = [(c, "" if f"{abs(c):.3g}" == "1" else f"{abs(c):.3g}·", f"`{n}`") for n, c in self.terms]
        if self.intercept != 0.0:
            parts.append((self.intercept, f"{abs(self.intercept):.3g}", ""))
        if parts[0][0] < 0 and parts[-1][0] > 0 and self.intercept != 0.0:
            parts.insert(0, parts.pop())  # a constant first: '1 - `a` - `b`', not '-`a` - `b` + 1'
        text = " ".join(f"{'-' if c < 0 else '+'} {k}{n}" for c, k, n in parts)
        text = text[2:] if text.startswith("+ ") else "-" + text[2:]
        return f"`{self.column}` = {text}"


def exact_dependencies(frame: pd.DataFrame, *, limit: int = 10, min_terms: int = 2,
                       dependent: str | None = None) -> list[Dependency]:
    """Each column of ``frame`` (numbers, NaN for gaps) that is an exact linear combination of ``min_terms`` or more
    earlier independent columns, at most ``limit`` of them, in column order. Columns without spread are skipped.
    With ``dependent``, only that column is reported (put it last: a target computed from the features).

    Gaps filled with the mean keep a dependency exact only where its columns are missing in the same rows; one whose
    columns are missing in different rows (``clchexp`` = ``lchexp90`` - ``lchexp88``, the first always present) is
    found by a second search on the rows complete over the columns missing in at most ``COMPLETE_MISSING`` of them,
    when those rows are enough (``MIN_ROWS`` and twice the columns, plus thirty); a column missing more often, on
    the rows where it is present (``_sparse_search``)."""
    frame = frame.iloc[:, :MAX_DEPENDENCY_COLUMNS]  # every sampled row: a dependency of a few rows is no dependency
    found = _search(frame, limit, min_terms, dependent)
    missing = frame.isna().mean() if len(found) < limit else None
    if missing is None or not missing.any():
        return found
    cols = [c for c in frame.columns if missing[c] <= COMPLETE_MISSING or c == dependent]
    rows = frame[cols].notna().all(axis=1).to_numpy()
    more = []
    if missing[cols].any() and rows.sum() >= max(MIN_ROWS, 2 * len(cols) + 30):
        more = _search(frame.loc[rows, cols], limit, min_terms, dependent)
    if dependent is None and frame.shape[1] <= SPARSE_MAX_COLUMNS:
        more += _sparse_search(frame, missing, limit, min_terms)
    seen = {frozenset(dep.columns) for dep in found}
    for dep in more:
        if frozenset(dep.columns) not in seen and len(found) < limit:
            seen.add(frozenset(dep.columns))
            found.append(dep)
    return found


SPARSE_MAX_COLUMNS = 100  # the per-column search of often-missing columns runs on tables this narrow
SPARSE_COLUMNS = 20  # and for the first this many of them
SPARSE_PRESENT = 0.95  # its candidates: columns present in this share of the rows where it is
SPARSE_ROWS = 5_000  # rows it is searched on, at most (every k-th of those complete)


def _sparse_search(frame: pd.DataFrame, missing: pd.Series, limit: int, min_terms: int) -> list[Dependency]:
    """Columns missing in more than ``COMPLETE_MISSING`` of the rows, each searched on the rows where it is present,
    beside the columns present in ``SPARSE_PRESENT`` of those rows (``clscrap`` = ``lscrap`` - ``lscrap_1``, all three
    in a fifth of a panel's rows), when the rows complete over them are enough (``MIN_ROWS`` and twice the columns,
    plus thirty)."""
    found: list[Dependency] = []
    present = frame.notna().to_numpy()
    names = list(frame.columns)
    for name in [c for c in names if missing[c] > COMPLETE_MISSING][:SPARSE_COLUMNS]:
        if len(found) >= limit:
            break
        j = names.index(name)
        rows = present[:, j]
        beside = present[rows].mean(axis=0) >= SPARSE_PRESENT
        beside[j] = False
        cols = [c for c, b in zip(names, beside) if b]
        complete = rows & present[:, beside].all(axis=1)
        if len(cols) < min_terms or complete.sum() < max(MIN_ROWS, 2 * (len(cols) + 1) + 30):
            continue
        rows = np.flatnonzero(complete)
        rows = rows[:: max(1, rows.size // SPARSE_ROWS)]  # an exact dependency shows on a few thousand rows
        found.extend(_search(frame.iloc[rows][[*cols, name]], 1, min_terms, name))
    return found


COMPLETE_MISSING = 0.2  # the columns of the complete-rows search are missing in at most this share of the rows


def _search(frame: pd.DataFrame, limit: int, min_terms: int, dependent: str | None) -> list[Dependency]:
    """The incremental Cholesky search on ``frame``, gaps mean-filled (``exact_dependencies``)."""
    from scipy.linalg import solve_triangular  # noqa: I001  (scipy loads when a check runs, not with the package)

    if frame.shape[0] < 3 or frame.shape[1] < min_terms + 1:
        return []
    matrix = frame.to_numpy(dtype=float, copy=True)
    matrix[~np.isfinite(matrix)] = np.nan
    present = ~np.isnan(matrix)
    with np.errstate(all="ignore"):
        mean = np.where(present, matrix, 0.0).sum(axis=0) / present.sum(axis=0)
        matrix = np.where(present, matrix, mean)
        std = matrix.std(axis=0)
    keep = np.isfinite(mean) & np.isfinite(std) & (std > 0)
    if keep.sum() < min_terms + 1:
        return []
    names = [c for c, k in zip(frame.columns, keep) if k]
    raw = np.where(present, matrix, np.nan)[:, keep]
    mean, std = mean[keep], std[keep]
    z = (matrix[:, keep] - mean) / std
    if not np.isfinite(z).all():
        return []
    corr = (z.T @ z) / len(z)
    known_steps: dict[int, float] = {}

    def steps(i: int) -> float:  # a column's stored step, measured when a near-dependency needs it
        if i not in known_steps:
            known_steps[i] = _decimal_step(raw[:, i])
        return known_steps[i]

    p = len(names)
    chol = np.zeros((p, p))  # lower factor of the accepted columns' correlations, in acceptance order
    accepted: list[int] = []
    found: list[Dependency] = []
    for j in range(p):
        if not accepted:
            chol[0, 0] = np.sqrt(corr[j, j])
            accepted.append(j)
            continue
        k = len(accepted)
        w = solve_triangular(chol[:k, :k], corr[accepted, j], lower=True, check_finite=False)
        residual = float(corr[j, j] - w @ w)
        rounded = residual <= ROUNDED_RESIDUAL and np.isfinite(steps(j))
        dep = None
        if (residual <= RESIDUAL or rounded) and (dependent is None or names[j] == dependent):
            dep = _dependency(j, accepted, w, chol[:k, :k], names, mean, std, raw, steps, residual)
            if dep is not None and len(dep.terms) < min_terms:
                dep = None  # a rescaled copy of one column: DA604 / DA605's pair
        if dep is not None:
            found.append(dep)
            if len(found) >= limit:
                break
        elif residual > RESIDUAL:
            chol[k, :k] = w
            chol[k, k] = np.sqrt(residual)
            accepted.append(j)
    return found


def _dependency(j: int, accepted: list[int], w: np.ndarray, chol: np.ndarray, names: list[str], mean: np.ndarray,
                std: np.ndarray, raw: np.ndarray, steps: Callable[[int], float], residual: float) -> Dependency | None:
    """Column ``j`` as the combination of the ``accepted`` columns that the factor ``chol`` gives (``w``: their
    part of it), in the columns' own units, when it holds in every row where all are present: within 10⁻⁴ of its
    spread, or when its 1 − R² (``residual``) is above ``RESIDUAL``, within the rounding of the columns' stored
    decimals (``steps``). None when it does not."""
    from scipy.linalg import solve_triangular

    beta = solve_triangular(chol.T, w, lower=False, check_finite=False)
    exact = residual <= RESIDUAL
    parts = [(i, b) for i, b in zip(accepted, beta) if abs(b) > (MIN_WEIGHT if exact else ROUNDED_MIN_WEIGHT)]
    coef = [(names[i], float(b * std[j] / std[i])) for i, b in parts]
    intercept = float(mean[j] - sum(c * mean[i] for (i, _), (_, c) in zip(parts, coef)))
    block = raw[:, [j, *(i for i, _ in parts)]]
    if exact:
        tolerance = 1e-4 * float(std[j])
    else:  # refit on the terms that matter; every stored value is within half its step of the true one
        spread = np.array([steps(j), *(steps(i) for i, _ in parts)])
        rows = np.isfinite(block).all(axis=1)
        if not parts or not np.isfinite(spread).all() or rows.sum() <= len(parts) + 1:
            return None
        fit = np.linalg.lstsq(np.c_[block[rows, 1:], np.ones(rows.sum())], block[rows, 0], rcond=None)[0]
        coef = [(name, float(c)) for (name, _), c in zip(coef, fit[:-1])]
        intercept = float(fit[-1])
        tolerance = 0.5 * float(spread[0] + np.abs(fit[:-1]) @ spread[1:]) * (1 + 1e-6)
    weights = np.array([c for _, c in coef])
    if not _holds(block, weights, intercept, tolerance):
        return None  # exact only through filled gaps, or on too few rows where every column is present
    if abs(intercept) < 1e-6 * max(abs(float(mean[j])), float(std[j])):  # rounding of stored values, no constant
        intercept = 0.0
    return Dependency(names[j], tuple(coef), intercept, max(residual, 0.0), rounded=not exact)


def _decimal_step(values: np.ndarray) -> float:
    """10⁻ᵈ for the fewest decimals d (up to ``MAX_DECIMALS``) that every finite value of ``values`` is stored to,
    else NaN (values computed to full precision)."""
    v = values[np.isfinite(values)]
    for d in range(MAX_DECIMALS + 1):
        scaled = v * 10.0 ** d
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return 10.0 ** -d
    return float("nan")


def dependency_inputs(data: DatasetProfile) -> pd.DataFrame:
    """The sample's numeric features and 0/1 flags (identifiers, constants and exact copies left out), as numbers."""
    seen: set[int] = set()
    cols = []
    for col in data.features:
        digest = data.stats.column_digest[col.name]
        if col.numeric is not None and col.inferred_type in ("numeric", "integer", "boolean") and col.distinct > 1 \
                and digest not in seen and col.name in data.numeric_sample.columns:
            seen.add(digest)
            cols.append(col.name)
    return data.numeric_sample[cols]


def _holds(block: np.ndarray, coef: np.ndarray, intercept: float, tolerance: float) -> bool:
    """Whether ``block[:, 0]`` = ``block[:, 1:]`` · ``coef`` + ``intercept`` within ``tolerance`` in every row
    where all are present, of which there are ``MIN_ROWS`` or more (and ten per term)."""
    rows = np.isfinite(block).all(axis=1)
    if rows.sum() < max(MIN_ROWS, 10 * block.shape[1]):
        return False
    fitted = block[rows, 1:] @ coef + intercept
    return bool(np.abs(block[rows, 0] - fitted).max() <= tolerance)
