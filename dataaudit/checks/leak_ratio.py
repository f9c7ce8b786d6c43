"""A regression target rescaled by another feature: a feature equal, row by row, to the target times or over another
column (``beratio`` = ``annbens`` / ``annearn``, ``sales`` = ``tsales`` / ``ssize``, per square metre), to another
column over the target (``bs`` = ``avgben`` / ``avgsal``, benefits as a share of the salary), or, when the
feature is a logarithm, to the target's log plus a multiple of another column (``lrprice`` = log(``price``) -
0.264 × ``y81``, the log of the deflated price). A feature so built holds the target whatever else it mixes in, so a
model reads the target back off it. The other way round, a target that is the log of one feature over (or times a
power of) another (``y1`` = log(``v1`` / ``v3``), log-odds of two vote shares) is computed from the pair, both
named. DA701 reports it (``checks/leakage.py``).

All pairs are judged at once: in log space the relation is linear, log f - log y = b · h(g) + a with h the log (a
ratio, a product, a power) or the identity (a log deflated by a dummy), so every pair's least-squares residual comes
from a handful of masked matrix products over the sampled rows; the few pairs that pass are then checked row by row.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ._common import jsonable

__all__ = ["RATIO_ROWS", "RATIO_COLUMNS", "RATIO_CANDIDATES", "RATIO_TOLERANCE", "RATIO_SHARE", "MIN_SPREAD", "target_ratio"]

RATIO_ROWS = 1_000  # sampled rows the relation is judged on (an exact relation shows on a few hundred)
RATIO_COLUMNS = 200  # numeric features tried as partners, at most (pairs cost columns²: a wide table is capped)
RATIO_CANDIDATES = 60  # of them, the features most tied to the log target judged as leaks, at most
RATIO_TOLERANCE = 0.02  # a row fits when its log residual is within this (2%: a ratio stored to a few digits)
RATIO_SHARE = 0.95  # of the rows where all three are known and positive, at least, that must fit
MIN_SPREAD = 0.05  # the log of feature / target must vary by this much (SD): a constant multiple is a copy, found apart
MIN_ROWS = 30  # rows where all three are known, at least


def _logs(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)


def _tie(x: np.ndarray, ly: np.ndarray) -> np.ndarray:
    """|Pearson r| of each column of ``x`` with ``ly`` over the rows both know (0 where undefined)."""
    both = np.isfinite(x) & np.isfinite(ly)[:, None]
    y = np.broadcast_to(ly[:, None], x.shape)
    a, b = np.where(both, x - _mean(x, both), 0.0), np.where(both, y - _mean(y, both), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (a * b).sum(axis=0) / np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    return np.nan_to_num(np.abs(r), nan=0.0)


def _mean(x: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Each column's mean over its ``known`` rows (0 for a column with none)."""
    count = known.sum(axis=0)
    return np.where(known, x, 0.0).sum(axis=0) / np.maximum(count, 1)


def _masked_fit(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every column pair (i of ``y``, j of ``x``; NaN where unknown): the rows both know, the residual SD of the
    least-squares line of y_i on x_j over them, the SD of y_i there, and the slope."""
    wy, wx = np.isfinite(y), np.isfinite(x)
    # centred and x scaled, the sums hold in float32 (a screen, confirmed later); an all-missing column is 0
    cy, cx = _mean(y, wy), _mean(x, wx)
    sd = np.sqrt(_mean((x - cx) ** 2, wx))
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, 1.0)
    y0 = np.where(wy, y - cy, 0.0).astype(np.float32)
    x0 = np.where(wx, (x - cx) / sd, 0.0).astype(np.float32)
    fy, fx = wy.astype(np.float32), wx.astype(np.float32)
    m = fy.T @ fx
    sy, sx = y0.T @ fx, fy.T @ x0
    syy, sxx, sxy = (y0 * y0).T @ fx, fy.T @ (x0 * x0), y0.T @ x0
    with np.errstate(divide="ignore", invalid="ignore"):
        vy = syy / m - (sy / m) ** 2
        vx = sxx / m - (sx / m) ** 2
        cxy = sxy / m - sy * sx / m ** 2
        slope = np.where(vx > 1e-12, cxy / vx, 0.0)
        resid = np.sqrt(np.maximum(vy - slope * cxy, 0.0))
    return m, resid, np.sqrt(np.maximum(vy, 0.0)), slope / sd[None, :]


def target_ratio(names: list[str], numeric: pd.DataFrame, y: np.ndarray, target: str, skip: set[str],
                 distinct: dict[str, int]) -> Iterator[Hit]:
    """Features equal to the (positive) target times a power of another feature, or to its log plus a multiple of
    another feature: the log residual within ``RATIO_TOLERANCE`` in ``RATIO_SHARE`` of the rows where both are
    known and the target positive, ``MIN_ROWS`` of them or more, with log(feature / target) spread by
    ``MIN_SPREAD`` or more (so the other column really enters). A pair is one relation seen from either side
    (``beratio`` = y / ``annearn`` and ``annearn`` = y / ``beratio``), reported once: the column with more
    ``distinct`` values is named as the leak (a quotient takes more values than its inputs: ``sales`` per square
    metre beside the shop's size), its partner beside it; a column already in a reported pair is not judged again."""
    names = [n for n in names if n in numeric.columns and n not in skip]
    if len(names) < 2:
        return
    step = max(1, len(y) // RATIO_ROWS)
    x = numeric[names].to_numpy(dtype=float)[::step]
    yr = np.asarray(y, dtype=float)[::step]
    yr = np.where(np.isfinite(yr), yr, np.nan)
    ly = _logs(yr)
    if np.isfinite(yr).sum() < MIN_ROWS:
        return
    x = np.where(np.isfinite(x), x, np.nan)
    lx = _logs(x)
    # partners: the features most tied to the (log) target first when a wide table is capped; leaks: those of them
    # with more than two values (a flag's log is 0), capped again
    tie = np.maximum(np.maximum(_tie(lx, ly), _tie(x, ly)), _tie(lx, yr))
    partners = np.argsort(-tie, kind="stable")[:RATIO_COLUMNS]
    leaks = np.array([i for i in partners if distinct.get(names[i], 0) > 2], dtype=np.int64)[:RATIO_CANDIDATES]
    if not leaks.size:
        return
    same = leaks[:, None] == partners[None, :]
    found: set[str] = set()
    # the feature as the target times a rescaling (its log minus the target's), as a log (itself minus the target's
    # log), or as another column over the target (its log plus the target's: ``bs`` = ``avgben`` / ``avgsal``)
    # log of the target: and the target as the log of the feature over a power of another (log f - y = b log g + a)
    modes = (("times", lx[:, leaks] - ly[:, None], ((True, lx), (False, x))),
             ("log", x[:, leaks] - ly[:, None], ((False, x), (True, lx))),
             ("over", lx[:, leaks] + ly[:, None], ((True, lx),)),
             ("log-ratio", lx[:, leaks] - yr[:, None], ((True, lx),)))
    for mode, left, sides in modes:
        # judged on half the rows where the feature is known at least
        judged = (np.isfinite(left).sum(axis=0) >= 0.5 * np.isfinite(x[:, leaks]).sum(axis=0))[:, None]
        for partner_log, right in sides:
            right = right[:, partners]
            m, resid, spread, slope = _masked_fit(left, right)
            ok = judged & ~same & (m >= MIN_ROWS) & (resid <= 2.5 * RATIO_TOLERANCE) & (spread >= MIN_SPREAD) \
                & (np.abs(slope) > 1e-9)
            for i in np.flatnonzero(ok.any(axis=1)):  # each leak's best-fitting partners first
                for j in sorted(np.flatnonzero(ok[i]), key=lambda j: (resid[i, j], j)):
                    name, other = names[int(leaks[i])], names[int(partners[j])]
                    if name in found or other in found:
                        break
                    known = x[:, partners[j]][np.isfinite(x[:, partners[j]])]
                    hit = _confirm(name, other, left[:, i], right[:, j], mode, partner_log, target,
                                   distinct.get(other, 0) > distinct.get(name, 0),
                                   bool(known.size) and bool(((known >= 0) & (known <= 1)).all()))
                    if hit is not None:
                        found.update((name, other))
                        yield hit
                        break


def _confirm(name: str, other: str, left: np.ndarray, right: np.ndarray, mode: str, partner_log: bool,
             target: str, swap: bool, partner_share: bool = False) -> Hit | None:
    """The pair row by row: the line's residual within ``RATIO_TOLERANCE`` in ``RATIO_SHARE`` of the rows. A
    quotient (``name`` = y / ``other``) is the same relation from the other side; ``swap`` names ``other`` as the
    leak then."""
    rows = np.isfinite(left) & np.isfinite(right)
    a, b = left[rows], right[rows]
    slope, intercept = np.polyfit(b, a, 1)
    fit = np.abs(a - slope * b - intercept) <= RATIO_TOLERANCE
    if rows.sum() < MIN_ROWS or fit.mean() < RATIO_SHARE:
        return None
    power = float(slope)
    if mode == "log-ratio":  # log name - y = power · log other + intercept
        if abs(power) < 0.05:
            return None  # the log of one feature alone (rescaled): a copy of it, found apart
        scale = f"{np.exp(-intercept):.3g} × " if abs(intercept) > 0.01 else ""
        inner = (f"`{name}` / `{other}`" if abs(power - 1) <= 0.02 else f"`{name}` · `{other}`"
                 if abs(power + 1) <= 0.02 else f"`{name}` / `{other}`^{power:.3g}")
        return Hit(name, f"`{target}` = log({scale}{inner}) in {fit.mean():.0%} of {int(rows.sum()):,} rows (within "
                   f"{RATIO_TOLERANCE:.0%}): the target is computed from `{name}` and `{other}`, so a model reads it "
                   "back off them (a leak, not features)",
                   {"kind": "log-ratio-target", "metric": "share of rows within the tolerance",
                    "score": jsonable(float(fit.mean())), "baseline": 0.0, "partner": other,
                    "power": jsonable(round(power, 4)), "rows_used": int(rows.sum())},
                   columns=(name, other), severity=Severity.HIGH)
    if mode == "over":
        if abs(power - 1) > 0.02:
            return None  # another column over the target, not a power of it
        scale = np.exp(intercept)
        how = f"is `{other}` over `{target}`" + (f" (times {scale:.3g})" if abs(scale - 1) > 0.01 else "")
        kind = "over-target"
    elif mode == "log":
        how = (f"is the log of `{target}` plus {power:.3g} × `{other}`" if not partner_log
               else f"is the log of `{target}` plus {power:.3g} × log `{other}`")
        kind = "target-log-rescaled"
    elif partner_log and abs(abs(power) - 1) <= 0.02:
        scale = np.exp(intercept)
        times = f" (times {scale:.3g})" if abs(scale - 1) > 0.01 else ""
        # the same relation read from the partner: y / other = name, so y / name = other (the quotient is the
        # column of more values); y · other = name, so other = name / y when the partner is a share of 0 to 1
        # (``bs`` = ``avgben`` / ``avgsal``), not when it is a size the target was divided by (``popul``)
        share = power > 0 and partner_share
        if (swap and power < 0) or share:
            name, other = other, name
            how = f"is `{target}` over `{other}`{times}" if power < 0 else f"is `{other}` over `{target}`"
        else:
            how = f"is `{target}` {'times' if power > 0 else 'over'} `{other}`{times}"
        kind = "over-target" if share else "target-ratio"
    else:
        how = (f"is `{target}` times `{other}` to the power {power:.3g}" if partner_log
               else f"is `{target}` times exp({power:.3g} × `{other}`)")
        kind = "target-rescaled"
    return Hit(name, f"{how} in {fit.mean():.0%} of {int(rows.sum()):,} rows (within {RATIO_TOLERANCE:.0%}): "
               f"built from the target, so a model reads `{target}` back off it (a leak, not a feature)",
               {"kind": kind, "metric": "share of rows within the tolerance", "score": jsonable(float(fit.mean())),
                "baseline": 0.0, "partner": other, "power": jsonable(round(power, 4)),
                "rows_used": int(rows.sum())}, severity=Severity.HIGH)  # the partner stays: --drop-leaky drops the leak
