"""Features that fix a regression target's value without following it closely: a threshold of the target (``lbw`` =
``bwght`` ≤ 2000), a bound of it equal to it in most rows (``ceb``, children ever born, beside ``children`` alive) or in part of
them while moving with it (``nfarr86``, felony arrests, a part of ``narr86``; ``slpnaps``, sleep with naps),
and a field missing exactly where the target takes one value (``agefbrth``, age at first birth, missing for the
women with no child). DA701 reports them (``checks/leakage.py``)."""

from __future__ import annotations

import numpy as np

from ..analysis.findings import Hit, Severity
from ..core.numfmt import num
from ._common import jsonable, pct
from .leak_chance import MIN_SMALL_CLASS, SMALL_CLASS_P, separation_chance

__all__ = ["MAX_STEPS", "BOUND_ROWS", "BOUND_EQUAL", "PART_EQUAL", "PART_SPEARMAN", "PRESENCE_COVER",
           "regression_bound"]

MAX_STEPS = 10  # a threshold feature has at most this many values (each a disjoint range of the target)
BOUND_ROWS = 30  # rows a bound is judged on, at least
BOUND_EQUAL = 0.8  # share of the rows (and of those off the target's most frequent value) where a bound equals it
PART_EQUAL = 0.2  # share of the rows (and of those off the target's mode) where a part or superset equals it
PART_SPEARMAN = 0.5  # rank correlation of such a part with the target, at least
PRESENCE_COVER = 0.5  # share of the target value's rows that the missing rows cover


def regression_bound(name: str, x: np.ndarray | None, missing: np.ndarray | None, y: np.ndarray,
                     target: str) -> Hit | None:
    """The first of: a threshold of the target, a bound of it, a missingness that fixes it (see the module)."""
    finite_y = np.isfinite(y)
    if x is not None:
        hit = _threshold(name, x, y, finite_y, target) or _bound(name, x, y, finite_y, target)
        if hit is not None:
            return hit
    if missing is not None:
        return _presence(name, missing & finite_y, y, finite_y, target)
    return None


def _threshold(name: str, x: np.ndarray, y: np.ndarray, finite_y: np.ndarray, target: str) -> Hit | None:
    """A feature of 2 to ``MAX_STEPS`` values, each held by ``MIN_SMALL_CLASS`` rows or more, whose rows take
    disjoint ranges of the target (its values step with the target), where chance would separate the smallest
    value's rows from the rest with a probability below ``SMALL_CLASS_P``."""
    keep = np.isfinite(x) & finite_y
    xs, ys = x[keep], y[keep]
    if xs.size == 0 or np.unique(xs[:1000]).size > MAX_STEPS:  # a quick refusal of most numbers
        return None
    values, codes = np.unique(xs, return_inverse=True)
    if not 2 <= values.size <= MAX_STEPS or np.unique(ys).size <= MAX_STEPS:
        return None
    lows, highs = np.full(values.size, np.inf), np.full(values.size, -np.inf)
    np.minimum.at(lows, codes, ys)
    np.maximum.at(highs, codes, ys)
    sizes = np.bincount(codes, minlength=values.size)
    order = np.argsort(lows, kind="stable")
    lows, highs, sizes = lows[order], highs[order], sizes[order]
    if sizes.min() < MIN_SMALL_CLASS or not (highs[:-1] < lows[1:]).all():
        return None
    if separation_chance(int(sizes.min()), int(keep.sum())) >= SMALL_CLASS_P:
        return None
    cuts = ", ".join(num(float(v)) for v in highs[:-1])
    return Hit(name, f"is a threshold of `{target}`: each of its {values.size} values holds a range of `{target}` "
               f"that no other value's rows reach (cut after {cuts}; smallest group {int(sizes.min()):,} "
               f"rows of {int(keep.sum()):,}): computed from the target, likely leaked from it",
               {"kind": "target-threshold", "metric": "disjoint target ranges per value", "score": 1.0,
                "baseline": 0.0, "values": int(values.size), "rows_used": int(keep.sum())})


def _bound(name: str, x: np.ndarray, y: np.ndarray, finite_y: np.ndarray, target: str) -> Hit | None:
    """A number never below (or never above) the target in ``BOUND_ROWS`` rows or more, equal to it in
    ``BOUND_EQUAL`` of them and of those off the target's most frequent value: the target is this number with a
    part taken away (children alive out of children ever born)."""
    keep = np.isfinite(x) & finite_y
    if keep.sum() < BOUND_ROWS:
        return None
    xs, ys = x[keep], y[keep]
    equal = xs == ys
    if not ((xs >= ys).all() or (xs <= ys).all()) or equal.all():
        return None
    values, counts = np.unique(ys, return_counts=True)
    off = ys != values[int(np.argmax(counts))]
    if off.sum() < BOUND_ROWS or equal.mean() < PART_EQUAL or equal[off].mean() < PART_EQUAL:
        return None
    side = "above" if (xs >= ys).all() else "below"
    if equal.mean() < BOUND_EQUAL or equal[off].mean() < BOUND_EQUAL:
        return _part(name, xs, ys, equal, side, target)
    return Hit(name, f"bounds `{target}`: never on the other side of it and equal to it in {pct(equal.mean())} of "
               f"{int(keep.sum()):,} rows (it lies {side} it in the rest): the target is this number with a part "
               "taken away, likely recorded with the outcome",
               {"kind": "target-bound", "metric": "share of rows equal to the target, never past it",
                "score": jsonable(float(equal.mean())), "baseline": 0.0, "side": side,
                "rows_used": int(keep.sum())}, severity=Severity.MEDIUM)


def _part(name: str, xs: np.ndarray, ys: np.ndarray, equal: np.ndarray, side: str, target: str) -> Hit | None:
    """A bound equal to the target in ``PART_EQUAL`` of the rows (and of those off its most frequent value) that
    moves with it (Spearman ≥ ``PART_SPEARMAN``): a part of the target (felony arrests among all arrests) or the
    target with a part added (sleep with naps). An honest bound (age above the years of schooling) is never equal."""
    rho = _spearman(xs, ys)
    if not rho >= PART_SPEARMAN:
        return None
    what = "a part of it" if side == "below" else "it with a part added"
    return Hit(name, f"bounds `{target}`: never on the other side of it, equal to it in {pct(equal.mean())} of "
               f"{xs.size:,} rows and moving with it (Spearman {rho:.3f}): {what}, likely recorded with the outcome",
               {"kind": "target-part", "metric": "Spearman correlation of a bound equal to the target in part of "
                "the rows", "score": jsonable(rho), "baseline": 0.0, "side": side,
                "equal_share": jsonable(float(equal.mean())), "rows_used": int(xs.size)}, severity=Severity.MEDIUM)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import rankdata  # noqa: I001  (scipy loads when a test runs, not with the package)
    rx, ry = rankdata(x), rankdata(y)
    with np.errstate(all="ignore"):
        return float(np.corrcoef(rx, ry)[0, 1])


def _presence(name: str, missing: np.ndarray, y: np.ndarray, finite_y: np.ndarray, target: str) -> Hit | None:
    """Missing rows (``MIN_SMALL_CLASS`` or more) that all hold one value of the target, covering ``PRESENCE_COVER``
    of that value's rows, where the chance of so many rows falling on it is below ``SMALL_CLASS_P``."""
    m = int(missing.sum())
    if m < MIN_SMALL_CLASS or m == finite_y.sum():
        return None
    held = np.unique(y[missing])
    if held.size != 1:
        return None
    value = float(held[0])
    rows = int((y[finite_y] == value).sum())
    if m < PRESENCE_COVER * rows:
        return None
    from scipy.stats import hypergeom  # noqa: I001  (scipy loads when a test runs, not with the package)
    if hypergeom.sf(m - 1, int(finite_y.sum()), rows, m) >= SMALL_CLASS_P:
        return None
    return Hit(name, f"is missing exactly where `{target}` = {num(value)}: all {m:,} missing rows hold it "
               f"({pct(m / rows)} of its {rows:,} rows): the field exists only for the other outcomes, so its "
               "missingness tells the target, likely recorded after it",
               {"kind": "presence-fixes-target", "metric": "missing rows holding one target value",
                "score": 1.0, "baseline": jsonable(rows / float(finite_y.sum())), "value": jsonable(value),
                "rows_used": int(finite_y.sum())}, severity=Severity.MEDIUM)
