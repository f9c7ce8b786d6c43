"""A product of the target with another column: a feature equal, in every row, to a class's indicator times another
column of the table (``trre74`` = ``train`` × ``re74``): zero for every row of the other classes, the other column's
value in the class's rows; and columns built from a leaked one (a change whose end is the leak, a time that ends
with it). DA701 reports them (``checks/leakage.py``)."""

from __future__ import annotations

import re
from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity

__all__ = ["MAX_COLUMNS", "PRODUCT_ROWS", "MIN_NONZERO", "target_product", "derived_from_leak", "BOUND_BELOW",
           "BOUND_EQUAL", "BOUND_LESS", "bounded_by_leak"]

MAX_COLUMNS = 60  # numeric features compared with each other: the first this many (a columns² cost, capped)
PRODUCT_ROWS = 30  # rows of the other classes where the factor is non-zero and the product zero, at least
MIN_NONZERO = 5  # rows of the class where the product is non-zero, at least


def target_product(names: list[str], numeric: pd.DataFrame, labels: np.ndarray, classes: np.ndarray, target: str,
                   skip: set[str]) -> Iterator[Hit]:
    """Columns equal in every row (finite in both) to the indicator of one class times another numeric column: 0 in
    every row of the other classes, though the factor is non-zero in ``PRODUCT_ROWS`` of them or more, and equal to
    the factor in every row of the class (``MIN_NONZERO`` of them non-zero or more). Such a column is built from the
    label (an interaction term with the target, ``train*re74``), a leak by construction however weakly it
    separates. A legit zero-inflated feature (a count that is zero for many rows of both classes) or a one-sided
    flag that no other column completes outside the class is not one."""
    names = [n for n in names if n in numeric.columns and n not in skip][:MAX_COLUMNS]
    if len(names) < 2 or len(classes) < 2:
        return
    x = numeric[names].to_numpy(dtype=float)
    finite = np.isfinite(x)
    nonzero = finite & (x != 0)
    for j, name in enumerate(names):
        for c in range(len(classes)):
            inside = labels == c
            if nonzero[~inside, j].any() or nonzero[inside, j].sum() < MIN_NONZERO:
                continue
            col = x[inside, j][:, None]
            block = x[inside]
            both = finite[inside] & finite[inside, j][:, None]
            equal = np.where(both, np.isclose(block, col, rtol=1e-6, atol=1e-9), True).all(axis=0)
            # the factor must be non-zero where the product is zero: rows of the other classes (finite in both)
            outside = (nonzero[~inside] & finite[~inside, j][:, None]).sum(axis=0)
            ok = equal & (outside >= PRODUCT_ROWS) & (both.sum(axis=0) >= MIN_NONZERO)
            ok[j] = False
            if not ok.any():
                continue
            factor = names[int(np.argmax(np.where(ok, outside, -1)))]
            shown = str(classes[c])
            yield Hit(name, f"equals `{target}` = {shown!r} times `{factor}` in every row: 0 in all "
                      f"{int((~inside).sum()):,} rows of the other class{'es' if len(classes) > 2 else ''} (where "
                      f"`{factor}` is non-zero in {int(outside[names.index(factor)]):,}) and `{factor}`'s value in the "
                      f"class's {int(inside.sum()):,} rows: a product of the target with another column, a leak by "
                      "construction",
                      {"kind": "target-product", "metric": "rows equal to the class indicator times the factor",
                       "score": 1.0, "baseline": 0.0, "class": shown,
                       "factor": factor, "rows_used": int(len(labels))})
            break


def derived_from_leak(names: list[str], numeric: pd.DataFrame, leaked: list[str], target: str) -> Iterator[Hit]:
    """Columns equal in every row (finite in all three, ``PRODUCT_ROWS`` or more) to a leaked column plus or minus
    the same quantity at another period, named as it with other digits (``cvote`` = ``vote90`` - ``vote88``, a
    change whose end is the leaked result): they carry the leak however weakly they separate on their own. The other
    period itself (``vote88`` = ``vote90`` - ``cvote``) is not one. Among the first ``MAX_COLUMNS`` numeric columns."""
    names = [n for n in names if n in numeric.columns][:MAX_COLUMNS]
    sources = [names.index(n) for n in leaked if n in names]
    if not sources or len(names) < 3:
        return
    x = numeric[names].to_numpy(dtype=float)
    finite = np.isfinite(x)
    for j, name in enumerate(names):
        if name in leaked:
            continue
        found = next((f for s in sources if (f := _formula(x, finite, j, s, _periods(names, s))) is not None), None)
        if found is None:
            continue
        s, sign, other, other_sign = found
        formula = f"{'' if sign > 0 else '-'}`{names[s]}` {'+' if other_sign > 0 else '-'} `{names[other]}`"
        yield Hit(name, f"equals {formula} in every row, and `{names[s]}` leaks `{target}`: it carries the leaked "
                  "value (a change or a sum with the leak as a term), likely recorded after the outcome",
                  {"kind": "derived-from-leak", "metric": "rows equal to the formula", "score": 1.0, "baseline": 0.0,
                   "source": names[s], "other": names[other],
                   "rows_used": int((finite[:, j] & finite[:, s] & finite[:, other]).sum())}, severity=Severity.MEDIUM)


def _periods(names: list[str], s: int) -> np.ndarray:
    """Mask of the columns named as column ``s`` with other digits (``vote88`` beside ``vote90``)."""
    letters = [re.sub(r"\d+", "#", n.lower()) for n in names]
    return np.array([letters[i] == letters[s] and "#" in letters[s] and i != s for i in range(len(names))])


def _formula(x: np.ndarray, finite: np.ndarray, j: int, s: int,
             periods: np.ndarray) -> tuple[int, float, int, float] | None:
    """(s, sign, other, other_sign) with column j = sign·x[s] + other_sign·x[other] in every row finite in all three
    (``PRODUCT_ROWS`` or more), the other column one of ``periods`` and not zero throughout; None when none is."""
    rows = finite[:, j] & finite[:, s]
    both = finite & rows[:, None]
    usable = periods & (both.sum(axis=0) >= PRODUCT_ROWS) & (np.abs(np.where(finite, x, 0.0)) > 0).any(axis=0)
    usable[j] = False
    if not usable.any():
        return None
    for sign in (1.0, -1.0):
        rest = (x[:, j] - sign * x[:, s])[:, None]
        for other_sign in (1.0, -1.0):
            close = np.where(both, np.isclose(rest, other_sign * x, rtol=1e-6, atol=1e-6), True).all(axis=0)
            ok = close & usable
            if ok.any():
                return s, sign, int(np.argmax(ok)), other_sign
    return None


BOUND_BELOW = 0.99  # of the rows where both are known, at least, where the column is not past the leaked one
BOUND_EQUAL = 0.2  # where it equals the leaked one (a value other than 0), at least
BOUND_LESS = 0.1  # and where it is below it, at least (not a copy)


def bounded_by_leak(names: list[str], numeric: pd.DataFrame, leaked: list[str], target: str) -> Iterator[Hit]:
    """Columns of 10 values or more that never pass a leaked column (``BOUND_BELOW`` of the rows where both are known,
    ``PRODUCT_ROWS`` or more), equal it in ``BOUND_EQUAL`` of them (at a value other than 0) and lie below it in
    ``BOUND_LESS``: a time that ends with the leaked one, such as a competing event's time censored at the end of the
    follow-up that tells the outcome (``ta``, the time to acute GVHD, equal to ``t1`` when it did not happen). It
    carries the leak wherever it equals it."""
    names = [n for n in names if n in numeric.columns][:MAX_COLUMNS]
    sources = [n for n in leaked if n in names]
    for name in names:
        if name in leaked:
            continue
        x = numeric[name].to_numpy(dtype=float)
        for source in sources:
            bound = numeric[source].to_numpy(dtype=float)
            both = np.isfinite(x) & np.isfinite(bound)
            if both.sum() < PRODUCT_ROWS or np.unique(x[both]).size < 10:
                continue
            a, b = x[both], bound[both]
            tie = np.isclose(a, b, rtol=1e-9, atol=1e-9)
            below, equal, less = (a <= b).mean() + 0.0, (tie & (b != 0)).mean(), (~tie & (a < b)).mean()
            if below >= BOUND_BELOW and equal >= BOUND_EQUAL and less >= BOUND_LESS:
                yield Hit(name, f"never passes `{source}` (in {below:.0%} of {int(both.sum()):,} rows) and equals it in "
                          f"{equal:.0%}, and `{source}` leaks `{target}`: a time that ends with it (another event's "
                          "time, cut off where the outcome's is), so it carries the leak",
                          {"kind": "bounded-by-leak", "metric": "share of rows equal to the leaked column",
                           "score": round(float(equal), 4), "baseline": 0.0, "source": source,
                           "rows_used": int(both.sum())}, severity=Severity.MEDIUM)
                break
