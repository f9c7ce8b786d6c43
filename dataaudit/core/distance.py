"""How far apart two samples are: effect sizes with their tests, for ``dataaudit diff``.

Every drift rule reports an effect size (PSI, Kolmogorov–Smirnov D, Cramér's V, Cohen's h) next to a
p-value and fires only when both say so: on big data every p-value is tiny, on small data every
effect size is noisy. All functions take counts or sorted values, never rows, so they cost
O(distinct values) and work the same on the thinned value arrays of ``NumericStats``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["PSI_FLOOR", "Shift", "psi", "quantile_bins", "ks", "chi_square", "proportions", "binomial_excess",
           "exceedance"]

PSI_FLOOR = 1e-4  # share given to an empty bin, so that PSI stays finite


class Shift(NamedTuple):
    """A measured difference: ``effect`` on its own scale, ``p_value`` of the matching test."""

    effect: float
    p_value: float


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """Population stability index Σ (c − r)·ln(c / r) over bins given as counts (same bins in both).

    Conventional reading: < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a large one.
    """
    r = np.asarray(reference, dtype=float)
    c = np.asarray(current, dtype=float)
    if r.sum() <= 0 or c.sum() <= 0:
        return 0.0
    r = np.maximum(r / r.sum(), PSI_FLOOR)
    c = np.maximum(c / c.sum(), PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def quantile_bins(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Counts of both sorted samples in the reference's quantile bins (ties kept in one bin).

    Returned as shares of each sample, so thinned arrays of different weights compare directly.
    """
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    def counts(v: np.ndarray) -> np.ndarray:
        cut = np.searchsorted(v, edges, side="right")
        return np.diff(np.r_[0, cut, v.size]) / max(v.size, 1)
    return counts(reference), counts(current)


def ks(reference: np.ndarray, current: np.ndarray, n_reference: int, n_current: int) -> Shift:
    """Two-sample Kolmogorov–Smirnov D between two sorted samples, with its asymptotic p-value.

    The arrays may be evenly thinned (``NumericStats.values``): the empirical CDFs are read from them,
    the sample sizes for the p-value are the true counts.
    """
    if reference.size == 0 or current.size == 0:
        return Shift(0.0, 1.0)
    points = np.union1d(reference, current)
    f_ref = np.searchsorted(reference, points, side="right") / reference.size
    f_cur = np.searchsorted(current, points, side="right") / current.size
    d = float(np.max(np.abs(f_ref - f_cur)))
    en = n_reference * n_current / max(n_reference + n_current, 1)
    # imported here, not at the top: scipy.stats takes a second to import and only diff uses it
    from scipy import stats

    p = float(stats.kstwo.sf(d, max(int(round(en)), 1))) if d > 0 else 1.0  # as scipy's ks_2samp(method="asymp")
    return Shift(d, min(max(p, 0.0), 1.0))


def chi_square(reference: np.ndarray, current: np.ndarray) -> Shift:
    """Chi-square test of a 2 × k table of counts, with Cramér's V (here √(χ² / n)) as the effect.

    Categories too rare for the test (expected count < 5 in either sample) are pooled into one.
    """
    table = np.vstack([np.asarray(reference, float), np.asarray(current, float)])
    table = table[:, table.sum(axis=0) > 0]
    n = table.sum()
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return Shift(0.0, 1.0)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    rare = (expected < 5).any(axis=0)
    if rare.any():
        table = np.column_stack([table[:, ~rare], table[:, rare].sum(axis=1)])
        table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return Shift(0.0, 1.0)
    from scipy import stats

    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return Shift(float(np.sqrt(chi2 / n)), float(p))


def proportions(x_reference: int, n_reference: int, x_current: int, n_current: int) -> Shift:
    """Two shares compared: Cohen's h = |2·asin√p₂ − 2·asin√p₁| and the pooled two-proportion z-test."""
    if n_reference == 0 or n_current == 0:
        return Shift(0.0, 1.0)
    p1, p2 = x_reference / n_reference, x_current / n_current
    h = abs(2 * np.arcsin(np.sqrt(p2)) - 2 * np.arcsin(np.sqrt(p1)))
    pooled = (x_reference + x_current) / (n_reference + n_current)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_reference + 1 / n_current))
    if se == 0:
        return Shift(float(h), 1.0 if p1 == p2 else 0.0)
    z = abs(p2 - p1) / se
    from scipy.special import ndtr  # noqa: I001  (scipy loads when a test runs, not with the package)

    return Shift(float(h), float(2 * ndtr(-z)))


def binomial_excess(k: int, n: int, share: float) -> float:
    """P(at least ``k`` of ``n`` rows) when each row is one with probability ``share``: the one-sided test of a
    share that rose above a known one (exact binomial tail)."""
    if k <= 0:
        return 1.0
    from scipy.special import bdtrc  # noqa: I001  (scipy loads when a test runs, not with the package)

    return float(bdtrc(k - 1, n, min(max(share, 0.0), 1.0))) if k <= n else 0.0


def exceedance(k: int, n_reference: int, n_current: int) -> float:
    """P(at least ``k`` of ``n_current`` new values lie above the largest of ``n_reference`` values) when
    both samples come from one continuous distribution: Π_{i<k} (m − i)/(n + m − i), exact (a rank
    argument, no distribution assumed). The same holds below the smallest value."""
    if k <= 0:
        return 1.0
    if k > n_current:
        return 0.0
    i = np.arange(k, dtype=float)
    return float(np.exp(np.sum(np.log(n_current - i) - np.log(n_reference + n_current - i))))
