"""A product of the target with another column: a feature equal, in every row, to a class's indicator times another
column of the table (``trre74`` = ``train`` × ``re74``): zero for every row of the other classes, the other column's
value in the class's rows. DA701 reports it (``checks/leakage.py``)."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit

__all__ = ["MAX_COLUMNS", "PRODUCT_ROWS", "MIN_NONZERO", "target_product"]

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
