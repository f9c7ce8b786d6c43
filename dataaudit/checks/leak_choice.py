"""The value of the chosen alternative: a column equal, row by row, to one of several per-alternative columns, which
one following the target (``price`` beside ``pbeach``, ``ppier``, ``pboat``, ``pcharter`` and the mode chosen).
DA701 reports it (``checks/leakage.py``)."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ._common import jsonable, pct

__all__ = ["MAX_COLUMNS", "MATCH_SHARE", "ALTERNATIVE_SHARE", "MIN_ALTERNATIVES", "SINGLE_SHARE", "CLASS_PURITY",
           "MIN_CLASS_ROWS", "chosen_alternative"]

MAX_COLUMNS = 60  # numeric features compared pairwise, row by row: the first this many (a columns² cost, capped)
MATCH_SHARE = 0.95  # of its rows in which the column equals one of its alternatives
ALTERNATIVE_SHARE = 0.05  # of the rows an alternative must supply the value in
MIN_ALTERNATIVES = 3  # distinct alternatives: with two, any value equal to one of them is their minimum or maximum
SINGLE_SHARE = 0.5  # of the rows in which exactly one distinct alternative holds the value: they are judged
CLASS_PURITY = 0.9  # of a class's judged rows that take its usual alternative
MIN_CLASS_ROWS = 10


def chosen_alternative(names: list[str], numeric: pd.DataFrame, labels: np.ndarray, classes: np.ndarray,
                       target: str, skip: set[str]) -> Iterator[Hit]:
    """Columns that hold, in ``MATCH_SHARE`` of the rows, the value of one of ``MIN_ALTERNATIVES`` or more other
    columns (identical columns counted once), where which one it equals is set by the class: in the rows where a
    single alternative holds the value, ``CLASS_PURITY`` of each class's rows take that class's own alternative,
    and the classes do not all take the same one. The column is then the chosen alternative's attribute (the
    price of the mode chosen beside the price of every mode), known only once the choice is made. A row-wise
    minimum or maximum of the alternatives (the cheapest price) is computed from features and is not one."""
    names = [n for n in names if n in numeric.columns][:MAX_COLUMNS]
    if len(names) <= MIN_ALTERNATIVES:
        return
    x = numeric[names].to_numpy(dtype=float)
    finite = np.isfinite(x)
    digests = [pd.util.hash_array(x[:, j]).sum() for j in range(x.shape[1])]  # identical columns: one alternative
    first = {d: j for j, d in reversed(list(enumerate(digests)))}
    for c, name in enumerate(names):
        if name in skip or not finite[:, c].any():
            continue
        equal = (x == x[:, [c]]) & finite
        equal[:, c] = False
        equal[:, [j for j in range(len(names)) if first[digests[j]] != j or digests[j] == digests[c]]] = False
        rows = finite[:, c]
        supplied = equal[rows].mean(axis=0)
        alternatives = np.flatnonzero(supplied >= ALTERNATIVE_SHARE)
        if len(alternatives) < MIN_ALTERNATIVES or equal[rows].any(axis=1).mean() < MATCH_SHARE:
            continue
        alt = x[:, alternatives]
        own = x[:, c]
        with np.errstate(invalid="ignore"):
            if np.mean(own[rows] == np.nanmin(alt[rows], axis=1)) >= MATCH_SHARE or \
                    np.mean(own[rows] == np.nanmax(alt[rows], axis=1)) >= MATCH_SHARE:
                continue  # the cheapest or the dearest: computed from the alternatives
        single = rows & (equal[:, alternatives].sum(axis=1) == 1)
        if single.mean() < SINGLE_SHARE:
            continue
        hit = _purity(np.argmax(equal[single][:, alternatives], axis=1), labels[single], len(classes))
        if hit is None:
            continue
        purity, modal, chance = hit
        shown = ", ".join(f"`{names[j]}`" for j in alternatives)
        taken = {str(classes[k]): names[alternatives[a]] for k, a in modal.items()}
        yield Hit(name, f"equals one of {shown} in {pct(float(equal[rows].any(axis=1).mean()))} of rows, and which one "
                  f"follows `{target}` (each class takes its own in at least {purity:.0%} of its rows: "
                  + ", ".join(f"{k!r} → `{v}`" for k, v in list(taken.items())[:4])
                  + "): the value of the alternative chosen, known only once the outcome is (a post-outcome leak)",
                  {"kind": "chosen-alternative", "metric": "class purity of the alternative it equals",
                   "score": jsonable(purity), "baseline": jsonable(chance), "alternatives": [names[j] for j in alternatives], "taken": taken,
                   "rows_used": int(rows.sum())}, severity=Severity.MEDIUM)


def _purity(key: np.ndarray, labels: np.ndarray, k: int) -> tuple[float, dict[int, int], float] | None:
    """The lowest share, over the classes of ``MIN_CLASS_ROWS`` judged rows or more, of a class's rows whose key
    is that class's most common one, each class's key, and that share by chance (the commonest key's share of all
    rows); None below ``CLASS_PURITY``, with fewer than two such classes, or when they all take one key."""
    n_keys = int(key.max()) + 1 if key.size else 0
    table = np.bincount(labels * n_keys + key, minlength=k * n_keys).reshape(k, n_keys)
    sizes = table.sum(axis=1)
    judged = np.flatnonzero(sizes >= MIN_CLASS_ROWS)
    if len(judged) < 2:
        return None
    modal = {int(c): int(np.argmax(table[c])) for c in judged}
    purity = float(min(table[c, modal[c]] / sizes[c] for c in judged))
    if purity < CLASS_PURITY or len(set(modal.values())) < 2:
        return None
    return purity, modal, float(np.bincount(key).max() / key.size)
