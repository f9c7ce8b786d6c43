"""DA5xx scale: feature magnitudes differing by orders of magnitude, near-zero variance, ill-conditioning."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.measures import magnitude, numeric_inputs
from ..analysis.profiling import DatasetProfile
from ..analysis.rules import check
from ..core.measures import SMALL_TABLE_ROWS
from ..core.numfmt import num
from ._common import EXACT_CONDITION, jsonable, names
from .linear_deps import dependency_inputs, exact_dependencies

__all__ = ["scale_disparity", "GROUP_ORDERS", "near_zero_variance", "ill_conditioning", "PAIR_R",
           "condition_without_correlated_pairs"]


@check("DA501", "scale-disparity", Category.SCALE, Severity.MEDIUM,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("robust-scale",))
def scale_disparity(data: DatasetProfile, *, min_ratio: float = 100.0, medium_ratio: float = 1e3,
                    high_ratio: float = 1e6) -> Iterator[Hit]:
    """A numeric feature whose typical magnitude is 100× or more above or below that of the other features (on the large ones when the small ones are nearer unit scale).

    Each feature is compared with the median typical size of the others (median |x|; of the non-zero
    values for a sparse column), so one feature recorded in the wrong unit stands out even when the
    others already span a few orders of magnitude; with only two numeric features, once, on the larger
    (naming both). Features far from the rest at one magnitude (within half an order of each other: counts
    in the tens of thousands beside shares) are one disparity, reported once naming them all, on the
    farthest. Features far above the rest and others far below them are one disparity seen from both ends:
    reported on the large ones (their gradients dominate), naming the small ones too (``population`` in the
    hundreds of thousands beside an attitude score near 1). Features far below the rest when the rest are further
    from unit scale than they are are that disparity seen from below: reported on the rest that are 100× above
    them, measured from their size, naming them (``educ`` 12 and ``age`` 32 beside three earnings of 17,000: the
    dollars are the disparity, not the years). Severity: low from 10², medium from 10³, high from 10⁶ (of the
    farthest).

    Why it hurts training: a weight's gradient is proportional to its input, so the largest-scale feature
    gets updates thousands of times larger than the smallest; one learning rate cannot suit both (the
    large one oscillates or explodes while the small one barely moves).

    How fix repairs it: robust-scale puts every feature on a unit robust scale ((x − median) / (1.4826·MAD)).
    """
    sizes = {c.name: magnitude(c) for c in numeric_inputs(data)}
    sizes = {k: v for k, v in sizes.items() if v > 0 and np.isfinite(v)}
    if len(sizes) < 2:
        return
    names_ = list(sizes)
    logs = np.log10(np.array([sizes[k] for k in names_]))
    # two features far apart are one problem: reported once, on the larger (its gradient dominates)
    pair_small = names_[int(np.argmin(logs))] if len(names_) == 2 else None
    far: list[tuple[float, str, float, str]] = []  # (orders from the others' median, name, that median, farthest)
    for i, name in enumerate(names_):
        if name == pair_small:
            continue
        others = np.delete(logs, i)
        reference = float(np.median(others))
        orders = float(logs[i] - reference)
        if abs(orders) < np.log10(min_ratio):
            continue
        other_names = names_[:i] + names_[i + 1:]
        far.append((orders, name, reference, other_names[int(np.argmin(others) if orders > 0 else np.argmax(others))]))
    large = _nearer_unit_scale(far, logs, names_, np.log10(min_ratio))
    by_magnitude = _same_magnitude(far, logs, names_)
    groups = [large] if large else by_magnitude
    # features far above the rest and others far below are one disparity, seen from both ends: reported on the
    # large ones (their gradients dominate), naming the small ones too
    above = [g for g in groups if g[0][0] > 0]
    below = [m[1] for g in by_magnitude if g[0][0] < 0 for m in g] if above else []
    if above:
        groups = above
    for group in groups:
        orders, name, reference, farthest = group[0]
        ratio = float(np.power(10.0, min(abs(orders), 300.0)))  # 1e308 next to 1e-5 must not overflow
        side = "above" if orders > 0 else "below"
        median_size = float(np.power(10.0, reference))
        members = [g[1] for g in group]
        if len(group) == 1:
            said = f"`{name}` is typically {num(sizes[name])}, {abs(orders):.1f} orders of magnitude {side}"
        else:
            low, high = min(sizes[m] for m in members), max(sizes[m] for m in members)
            said = (f"{', '.join(f'`{m}`' for m in members)} are typically {num(low)} to {num(high)}, "
                    f"{min(abs(g[0]) for g in group):.1f} to {abs(orders):.1f} orders of magnitude {side}")
        against = (f"{names(below)}, the features nearer unit scale (median size {num(median_size)}; `{farthest}` is "
                   f"{num(sizes[farthest])})" if large else
                   f"the other numeric features (median size {num(median_size)}; `{farthest}` is {num(sizes[farthest])})")
        yield Hit(name, f"{said} {against}",
                  {"ratio": jsonable(ratio), "orders_of_magnitude": jsonable(abs(orders)), "direction": side,
                   "size": jsonable(sizes[name]), "median_other_size": jsonable(median_size),
                   "farthest": {farthest: jsonable(sizes[farthest])},
                   **({"same_magnitude": {m: jsonable(sizes[m]) for m in members}} if len(group) > 1 else {}),
                   **({"far_below": {m: jsonable(sizes[m]) for m in below}} if below and group is groups[0] else {})},
                  severity=Severity.HIGH if ratio >= high_ratio else Severity.MEDIUM if ratio >= medium_ratio
                  else Severity.LOW, columns=(tuple(members) + (tuple(below) if group is groups[0] else ()))
                  if pair_small is None else (name, pair_small))


GROUP_ORDERS = 0.5  # features far from the rest within half an order of magnitude of each other are one disparity


def _nearer_unit_scale(far: list[tuple[float, str, float, str]], logs: np.ndarray, names_: list[str],
                       min_orders: float) -> list[tuple[float, str, float, str]]:
    """When only features far below the rest stand out but the rest are further from unit scale than they are,
    the rest are the disparity: the features at least ``min_orders`` above every small one, measured from the
    small ones' median size, the farthest first (one group: one disparity seen from its large side); else [].
    Two of five features in years (``educ`` 12, ``age`` 32) beside three in dollars (``re74`` … ``re78``, 1.7e4)
    put the median among the dollars, yet the dollars are what a learning rate tuned near 1 cannot suit."""
    if not far or any(f[0] > 0 for f in far):
        return []
    small = {f[1] for f in far}
    small_logs = np.array([lg for n, lg in zip(names_, logs) if n in small])
    rest = np.array([lg for n, lg in zip(names_, logs) if n not in small])
    if not rest.size or abs(float(np.median(rest))) <= float(np.abs(small_logs).max()):
        return []  # the small ones are the furthest from unit scale: they are the disparity
    reference = float(np.median(small_logs))
    smallest = min(small, key=lambda n: logs[names_.index(n)])
    large = [(float(lg - reference), n, reference, smallest) for n, lg in zip(names_, logs)
             if n not in small and lg - small_logs.max() >= min_orders]
    return sorted(large, key=lambda f: (-f[0], f[1]))


def _same_magnitude(far: list[tuple[float, str, float, str]], logs: np.ndarray,
                    names_: list[str]) -> list[list[tuple[float, str, float, str]]]:
    """The far features in groups of one magnitude: on the same side, each within ``GROUP_ORDERS`` of the next in
    size (counts in the tens of thousands beside shares are one problem, reported once); the farthest first."""
    size = dict(zip(names_, logs))
    groups: list[list[tuple[float, str, float, str]]] = []
    for side in (1, -1):
        chain = sorted((f for f in far if np.sign(f[0]) == side), key=lambda f: size[f[1]])
        for f in chain:
            if groups and np.sign(groups[-1][0][0]) == side and size[f[1]] - size[groups[-1][-1][1]] <= GROUP_ORDERS:
                groups[-1].append(f)
            else:
                groups.append([f])
    ordered = [sorted(g, key=lambda f: (-abs(f[0]), f[1])) for g in groups]
    return sorted(ordered, key=lambda g: names_.index(g[0][1]))


@check("DA502", "near-zero-variance", Category.SCALE, Severity.MEDIUM,
       effect=GradientEffect.VANISHING_GRADIENTS, fix_steps=("drop",))
def near_zero_variance(data: DatasetProfile, *, max_relative_std: float = 1e-3) -> Iterator[Hit]:
    """A numeric feature whose spread is tiny next to its magnitude (std / |mean| < 0.001).

    Why it hurts training: the input hardly changes between rows, so its weight's gradient carries no signal
    (vanishing updates); standardising it instead divides by a tiny number and amplifies rounding noise.

    How fix repairs it: drop removes it (it carries almost no information).
    """
    for col in numeric_inputs(data):
        if col.inferred_type == "boolean" or col.distinct < 2:
            continue
        std = col.numeric.std
        size = abs(col.numeric.mean) + std
        if std == 0 or size == 0:
            continue
        relative = std / size
        if relative < max_relative_std:
            yield Hit(col.name, f"standard deviation {num(std)} is {relative:.1e} of its typical size "
                      f"{num(abs(col.numeric.mean))}", {"std": jsonable(std), "mean": jsonable(col.numeric.mean),
                                                         "relative_std": jsonable(relative)})


@check("DA503", "ill-conditioning", Category.SCALE, Severity.MEDIUM,
       effect=GradientEffect.ILL_CONDITIONING, fix_steps=("drop",), on_sample=True)
def ill_conditioning(data: DatasetProfile, *, max_condition: float = 1e4) -> Iterator[Hit]:
    """The standardised numeric feature matrix is ill-conditioned (condition number ≥ 10,000): near-collinear features.

    From a condition number of 10¹⁰ one feature is, up to rounding, a linear combination of others: that
    redundancy is DA607's (linear-dependency), not reported here as well. Nor is a condition number that falls
    below 10,000 once one feature of each pair correlated at |r| ≥ 0.98 is left out, nor one whose weakest direction
    mixes only columns of an exact dependency DA607 names (shares that sum to 100, their gaps median-filled here): those pairs are DA605's
    (``ND1`` = 10/(``NDT``+1) beside ``ND2`` = ``ND1``·log(…), r −0.992), and dropping one of each repairs it.

    Why it hurts training: the loss surface is a narrow valley; gradient descent zig-zags across it and
    converges slowly or not at all, and weights of collinear features drift to large opposite values.

    How fix repairs it: drop removes duplicate and near-perfectly correlated columns (see DA604/DA605);
    regularisation or PCA helps with the rest.
    """
    measured = data.conditioning if data.rows >= SMALL_TABLE_ROWS else None  # DA304: too few rows
    if measured is None or measured[0] < max_condition or measured[0] >= EXACT_CONDITION:
        return  # from 10¹⁰, one feature is a linear combination of others: a redundancy, DA607's
    cond, weights = measured
    if condition_without_correlated_pairs(data, list(weights)) < max_condition:
        return  # near-duplicate pairs make it: DA605's, and fix's drop of one of each pair repairs it
    ranked = sorted(weights, key=lambda c: (-abs(weights[c]), c))
    involved = [c for c in ranked[:4] if abs(weights[c]) > 0.1]
    exact = {c for dep in exact_dependencies(dependency_inputs(data)) for c in dep.columns}
    if involved and set(involved) <= exact:
        return  # an exact dependency the median-filled gaps blur (shares that sum to 100): DA607's
    yield Hit(None, f"condition number of the {data.conditioning_inputs()} is {cond:.3g}; the weakest direction "
              f"mixes {names(involved)}", {"condition_number": jsonable(cond), "columns_involved": involved,
                                           "rows_used": len(data.numeric_sample)}, columns=tuple(involved))


PAIR_R = 0.98  # DA605's bar: one feature of each pair correlated this strongly is dropped by fix


def condition_without_correlated_pairs(data: DatasetProfile, columns: list[str]) -> float:
    """The condition number of the standardised ``columns`` (median-filled, as ``conditioning`` reads them) once the
    later feature of each pair correlated at |r| ≥ ``PAIR_R`` is left out: what remains after fix drops them."""
    frame = data.numeric_sample[columns].replace([np.inf, -np.inf], np.nan)
    matrix = frame.fillna(frame.median()).to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        std = matrix.std(axis=0)
        z = (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1.0)
    corr = (z.T @ z) / max(len(z), 1)
    strong = np.triu(np.abs(corr) >= PAIR_R, k=1)
    keep = ~strong.any(axis=0)  # a feature correlated with an earlier one is the one dropped
    if keep.sum() < 2:
        return 1.0
    eigvals = np.linalg.eigvalsh(corr[np.ix_(keep, keep)])
    return float(eigvals[-1] / max(float(eigvals[0]), 1e-15 * float(eigvals[-1])))
