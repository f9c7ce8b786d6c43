"""Rows that come in groups, told from the data: the unit of a panel (each value one block of rows, in which a wave
number rises), a code of groups whose target means follow no order of the code (a school numbered 1 to 79) and a
short code of a few levels whose target means follow no line or curve of it (fast-food chains numbered 1 to 4).

Both take arrays in row order and cost O(rows): one pass to find the runs or the groups, bincounts for the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MIN_BLOCKS", "CYCLE_SPAN", "contiguous_blocks", "panel_cycle", "MIN_GROUPS", "MIN_GROUP_ROWS",
           "MIN_DENSITY", "MIN_EFFECT", "MIN_ROUGHNESS", "MIN_ROUGH_F", "unordered_groups", "MIN_LEVELS",
           "MIN_LEVEL_ROWS", "MIN_OFF_CURVE", "MAX_CURVE_P", "unordered_levels"]

MIN_BLOCKS = 10  # a panel has at least this many units
CYCLE_SPAN = 3  # a wave number takes at most this many times as many values as the longest block has rows


def contiguous_blocks(values: np.ndarray) -> np.ndarray | None:
    """The block sizes when each distinct value of ``values`` (finite, in row order) fills one contiguous run of
    rows, in the order the blocks come; None when some value comes back after another one."""
    if values.size < 2:
        return None
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    if starts.size != np.unique(values).size:
        return None
    return np.diff(np.r_[starts, values.size])


def panel_cycle(groups: np.ndarray, candidates: dict[str, np.ndarray]) -> tuple[str, np.ndarray] | None:
    """Whether ``groups`` (whole numbers in row order, NaN where missing) is the unit of a panel stored one unit
    after another: each value one block of rows (``MIN_BLOCKS`` blocks or more, most of two rows or more, more
    blocks than rows in the median block), in which one of ``candidates`` (whole numbers in row order: a year, a
    wave, a visit number) rises strictly (or falls strictly) in every block, taking no more values than
    ``CYCLE_SPAN`` times the longest block (so it repeats from block to block). Returns the first such candidate's
    name and the block sizes, else None. A file sorted by a measurement (an age, an income) gives runs too, but of
    every length and with no wave rising inside them."""
    present = np.isfinite(groups)
    blocks = contiguous_blocks(groups[present])
    if blocks is None or blocks.size < MIN_BLOCKS or np.median(blocks) < 2 or blocks.size <= np.median(blocks):
        return None
    block_of = np.repeat(np.arange(blocks.size), blocks)
    inside = block_of[1:] == block_of[:-1]  # consecutive rows of one block
    for name, values in candidates.items():
        cycle = values[present]
        if not np.isfinite(cycle).all():
            continue
        distinct = np.unique(cycle).size
        if not 2 <= distinct <= CYCLE_SPAN * blocks.max():
            continue
        steps = np.diff(cycle)[inside]
        if steps.size and ((steps > 0).all() or (steps < 0).all()):
            return name, blocks
    return None


MIN_GROUPS = 20  # a code of groups numbers at least this many
MIN_GROUP_ROWS = 5  # rows in the median group
MIN_DENSITY = 0.9  # distinct values over the span of the numbers: codes 1..k, not a measurement's sparse values
MIN_EFFECT = 0.1  # share of the target's variance between the groups, beyond what as many groups give by chance
MIN_ROUGHNESS = 0.75  # neighbouring codes' target means differ this much of what any two codes' do (1: no order)
MIN_ROUGH_F = 5.0  # that unordered spread of the means, against the spread their sampling noise alone gives


def unordered_groups(codes: np.ndarray, target: np.ndarray) -> dict | None:
    """How a column of whole numbers (``codes``, finite) is a code of groups rather than a quantity, judged by the
    target (``target``: rows × 1 values, or one 0/1 column per class): ``MIN_GROUPS`` values or more, consecutive
    (``MIN_DENSITY``), ``MIN_GROUP_ROWS`` rows in the median group; the groups hold ``MIN_EFFECT`` of the target's
    variance beyond chance, and their means follow no order of the number: the mean squared step between
    neighbouring codes' means is ``MIN_ROUGHNESS`` of twice their variance (0 for a smooth trend, 1 for no order)
    and ``MIN_ROUGH_F`` times what the means' sampling noise alone gives. An age, a count or a score with an effect
    has neighbours alike (a trend); one without has no effect beyond its noise. None when it does not hold."""
    groups, uniq = pd.factorize(codes, sort=True)
    k, n = uniq.size, codes.size
    if k < MIN_GROUPS or k < MIN_DENSITY * (uniq[-1] - uniq[0] + 1) or n - k < 2:
        return None
    rows = np.bincount(groups, minlength=k).astype(float)
    if np.median(rows) < MIN_GROUP_ROWS:
        return None
    sums = np.stack([np.bincount(groups, weights=target[:, j], minlength=k) for j in range(target.shape[1])], 1)
    squares = np.stack([np.bincount(groups, weights=target[:, j] ** 2, minlength=k)
                        for j in range(target.shape[1])], 1)
    total = float(((target - target.mean(axis=0)) ** 2).sum())
    within = float((squares - sums ** 2 / rows[:, None]).sum())
    if total <= 0 or within <= 0:
        return None
    effect = 1.0 - within / total - (k - 1) / (n - 1)
    means = sums / rows[:, None]
    spread = float(((means - means.mean(axis=0)) ** 2).sum()) / (k - 1)
    rough = float((np.diff(means, axis=0) ** 2).sum()) / (2 * (k - 1))
    noise = within / (n - k) * float(np.mean(1.0 / rows))
    roughness, rough_f = rough / spread if spread > 0 else 0.0, rough / noise
    if effect < MIN_EFFECT or roughness < MIN_ROUGHNESS or rough_f < MIN_ROUGH_F:
        return None
    return {"groups": int(k), "rows_per_group": [int(rows.min()), int(rows.max())],
            "between_share": round(effect, 3), "roughness": round(roughness, 3), "rough_f": round(rough_f, 2)}


MIN_LEVELS = 4  # a short code has four levels or more: the means of three always lie on a curve (a U is an order)
MIN_LEVEL_ROWS = 10  # rows in its smallest level
MIN_OFF_CURVE = 0.5  # share of the levels' spread of target means that no quadratic in the number explains
MAX_CURVE_P = 1e-6  # and that share beyond chance (F test against the rows' spread within the levels)


def unordered_levels(codes: np.ndarray, target: np.ndarray, *, classes: bool) -> dict | None:
    """How a column of whole numbers (``codes``, finite) with few values is a code of categories rather than a
    quantity, judged by the target (``target``: rows × 1 values, ranks for a regression, or one 0/1 column per class
    when ``classes``): ``MIN_LEVELS`` to ``MIN_GROUPS`` - 1 consecutive values of ``MIN_LEVEL_ROWS`` rows or more,
    whose target means lie off every quadratic in the number: the weighted least-squares quadratic through the
    levels' means leaves ``MIN_OFF_CURVE`` of their spread or more, at an F-test p below ``MAX_CURVE_P`` against the
    spread within the levels. A score, a count or an ordered scale with an effect has means along a line or a curve
    (a U-shaped risk included); a code numbered in no order of its meaning (chains 1 to 4) has them anywhere. None
    when it does not hold."""
    uniq, groups = np.unique(codes, return_inverse=True)
    k, n = uniq.size, codes.size
    if not MIN_LEVELS <= k < MIN_GROUPS or uniq[-1] - uniq[0] + 1 != k or n <= k:
        return None
    rows = np.bincount(groups, minlength=k).astype(float)
    if rows.min() < MIN_LEVEL_ROWS:
        return None
    sums = np.stack([np.bincount(groups, weights=target[:, j], minlength=k) for j in range(target.shape[1])], 1)
    squares = np.stack([np.bincount(groups, weights=target[:, j] ** 2, minlength=k)
                        for j in range(target.shape[1])], 1)
    means = sums / rows[:, None]
    between = float((rows[:, None] * (means - target.mean(axis=0)) ** 2).sum())
    within = float((squares - sums ** 2 / rows[:, None]).sum())
    if between <= 0 or within <= 0:
        return None
    weight = np.sqrt(rows)[:, None]
    curve = np.vander(np.arange(k, dtype=float), 3)
    coef = np.linalg.lstsq(curve * weight, means * weight, rcond=None)[0]
    off = float((rows[:, None] * (means - curve @ coef) ** 2).sum())
    share = off / between
    # one-hot class columns sum to 1: they carry one degree of freedom fewer than their count
    columns = max(target.shape[1] - 1, 1) if classes else target.shape[1]
    from scipy.special import fdtrc  # loaded only when a short code is judged

    dfn, dfd = (k - 3) * columns, (n - k) * columns
    p = float(fdtrc(dfn, dfd, (off / dfn) / (within / dfd)))
    if share < MIN_OFF_CURVE or p > MAX_CURVE_P:
        return None
    return {"kind": "levels", "groups": int(k), "rows_per_group": [int(rows.min()), int(rows.max())],
            "between_share": round(between / (between + within), 3), "off_curve": round(share, 3),
            "p_value": float(f"{p:.2g}")}
