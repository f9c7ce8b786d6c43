"""A regression target computed from a few features: a least-squares fit on two to four of them (or an exact
linear dependency found among all of them) gives it back (``TOTINC`` = ``wage`` + ``other``; calories from
protein, fat and carbohydrates). DA701 reports it (``checks/leakage.py``)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ..analysis.profiling import DatasetProfile
from ..core.kernels import least_squares
from ._common import jsonable
from .linear_deps import exact_dependencies

__all__ = ["TARGET_COLUMN", "COMBINATION_CANDIDATES", "PART_R2", "MIN_FIT_ROWS", "linear_combination"]

TARGET_COLUMN = "\x00target"  # the target's name beside the features in the dependency search
COMBINATION_CANDIDATES = 6  # the features most correlated with a regression target, tried two and three at a time
PART_R2 = 0.9  # a part of a weighted sum explains at most this much of the total alone
MIN_FIT_ROWS = 30  # a fit of the target on a few features needs this many rows (and ten per coefficient)


def linear_combination(data: DatasetProfile, y: pd.Series, numeric: pd.DataFrame, skip: set[str],
                       min_r2: float, formula_r2: float = 1.0, max_terms: int = 4) -> Hit | None:
    """A regression target that a least-squares fit (with an intercept) on two to four numeric features explains
    with R² ≥ ``min_r2`` (the target computed from them), or with R² ≥ ``formula_r2`` as a weighted sum of parts:
    every coefficient of one sign and no part explaining more than ``PART_R2`` of it alone (calories from protein,
    fat and carbohydrates, each weak alone, rounded on the label). A fit carried by one strong feature is that
    feature refined, judged by the single-feature bar, not a total assembled from parts. An exact fit beats a
    weighted sum; then the fewest features that reach it win, then the best fit."""
    names = [c.name for c in data.features if c.is_numeric_feature and c.distinct > 1 and c.name in numeric.columns
             and c.name not in skip]
    if len(names) < 2:
        return None
    frame = numeric[names].replace([np.inf, -np.inf], np.nan)
    target = pd.Series(y.to_numpy(dtype=float), index=frame.index)
    if not np.isfinite(target.to_numpy()).all() or target.std() == 0:
        return None
    r = frame.corrwith(target).abs().dropna()
    exact = exact_dependencies(frame.assign(**{TARGET_COLUMN: target}), limit=1, dependent=TARGET_COLUMN)
    if exact and len(exact[0].terms) <= max_terms:  # computed from features however weakly each goes with it
        dep = exact[0]
        combo = tuple(name for name, _ in dep.terms)
        coef = np.array([dep.intercept, *(c for _, c in dep.terms)])
        return _combination_hit(data.target.name, combo, 1.0 - dep.residual, coef, len(frame),
                                float(target.std()), max(float(r.get(c, 0.0)) ** 2 for c in combo), False)
    top = list(r.sort_values(ascending=False, kind="stable").index[:COMBINATION_CANDIDATES])
    fits = []  # (terms, combo, r2, coef, rows)
    for terms in range(2, max_terms + 1):
        for combo in itertools.combinations(top, terms):
            x = frame[list(combo)].to_numpy(dtype=float)
            rows = np.isfinite(x).all(axis=1)
            if rows.sum() < max(MIN_FIT_ROWS, 10 * (terms + 1)):
                continue
            coef, r2 = least_squares(target.to_numpy()[rows], x[rows])
            fits.append((terms, combo, r2, coef, int(rows.sum())))
    exact = [f for f in fits if f[2] >= min_r2]
    summed = [f for f in fits if f[2] >= formula_r2 and (np.all(f[3][1:] > 0) or np.all(f[3][1:] < 0))
              and max(float(r[c]) ** 2 for c in f[1]) <= PART_R2]
    for found, weighted in ((exact, False), (summed, True)):
        if found:
            fewest = min(f[0] for f in found)
            _, combo, r2, coef, used = max((f for f in found if f[0] == fewest), key=lambda f: f[2])
            part = max(float(r[c]) ** 2 for c in combo)
            return _combination_hit(data.target.name, combo, r2, coef, used, float(target.std()), part, weighted)
    return None


def _combination_hit(target: str, combo: tuple[str, ...], r2: float, coef: np.ndarray, used: int, spread: float,
                     part: float, weighted: bool) -> Hit:
    formula = " + ".join(f"{float(c):.3g}·`{name}`" for c, name in zip(coef[1:], combo))
    if abs(coef[0]) >= 0.01 * spread:  # an intercept lost in the rounding is not shown
        formula += f" {'-' if coef[0] < 0 else '+'} {abs(float(coef[0])):.3g}"
    listed = ", ".join(f"`{name}`" for name in combo)
    what = "a weighted sum" if weighted else "a linear combination"
    why = (f"every weight of one sign and no part explaining more than {part:.0%} alone, as a total is computed from "
           "its parts (a label's calories from its nutrients)") if weighted else "likely computed from them"
    return Hit(combo[0], f"`{target}` is {what} of {listed} (≈ {formula}; least-squares R² {min(r2, 0.9999):.4f} on "
               f"{used:,} rows): {why}, so they leak it",
               {"kind": "weighted-sum" if weighted else "linear-combination", "metric": "least-squares R²",
                "score": jsonable(r2), "baseline": 0.0, "columns": list(combo),
                "coefficients": jsonable([float(c) for c in coef[1:]]), "intercept": jsonable(float(coef[0])),
                "best_part_r2": jsonable(part),
                "rows_used": used},
               columns=tuple(combo), severity=Severity.MEDIUM if weighted else None)
