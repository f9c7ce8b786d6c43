"""A two-class target that is the OR (or the AND) of two 0/1 features in every row: ``d3``, relapse or death, beside
``d1``, death, and ``d2``, relapse. Each flag then holds part of the label by construction, however weakly it
separates alone (``d2``: balanced accuracy 0.75). DA701 reports it (``checks/leakage.py``).

All pairs at once: a flag of an OR is never 1 where the label is 0 (one-sided), and two such flags make the OR
exactly when together they cover every positive row, a count that one matrix product of the positive rows gives
for every pair; the AND is the same on the complements.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity

__all__ = ["LOGIC_COLUMNS", "MIN_PART_ROWS", "target_logic"]

LOGIC_COLUMNS = 300  # one-sided flags paired, at most
MIN_PART_ROWS = 5  # rows each flag alone adds to the other's, at least (else one flag is the label: a key leak)


def target_logic(flags: list[str], numeric: pd.DataFrame, labels: np.ndarray, classes: np.ndarray, target: str,
                 leaked: set[str]) -> Iterator[Hit]:
    """Pairs of 0/1 features (``flags``, values 0 and 1 only where known, known in every row) whose OR, or whose
    AND, equals the two-class target in every row, each adding ``MIN_PART_ROWS`` rows or more the other does not
    mark: each flag not yet ``leaked`` is reported once, with its partner."""
    if len(classes) != 2:
        return
    names = [f for f in flags if f in numeric.columns]
    if len(names) < 2:
        return
    x = numeric[names].to_numpy(dtype=float)
    usable = np.isfinite(x).all(axis=0) & np.isin(x, (0.0, 1.0)).all(axis=0)
    x, names = x[:, usable] > 0.5, [n for n, u in zip(names, usable) if u]
    for c, negate in ((1, False), (0, False), (0, True), (1, True)):
        # a class as the OR of two flags; or, on the flags' zeros, the other class as their AND
        marks = ~x if negate else x
        target_rows = labels == c
        word, label = ("AND", str(classes[1 - c])) if negate else ("OR", str(classes[c]))
        one_sided = ~(marks & ~target_rows[:, None]).any(axis=0) & marks.any(axis=0)
        idx = np.flatnonzero(one_sided)[:LOGIC_COLUMNS]
        if len(idx) < 2:
            continue
        m = marks[target_rows][:, idx].astype(float)
        own = m.sum(axis=0)
        both = m.T @ m
        union = own[:, None] + own[None, :] - both
        ok = (np.abs(union - target_rows.sum()) < 0.5) & (own[:, None] - both >= MIN_PART_ROWS) \
            & (own[None, :] - both >= MIN_PART_ROWS)
        np.fill_diagonal(ok, False)
        for i, j in zip(*np.nonzero(np.triu(ok))):
            a, b = names[idx[int(i)]], names[idx[int(j)]]
            for name, other in ((a, b), (b, a)):
                if name in leaked:
                    continue
                leaked.add(name)
                yield Hit(name, f"`{target}` is {label!r} exactly where `{a}` {word} `{b}` is 1 (in every one of "
                          f"{len(labels):,} rows): the label is computed from them, so `{name}` holds part of it "
                          "(a leak)", {"kind": f"target-{word.lower()}", "partner": other,
                                       "metric": "rows where the formula holds", "score": 1.0, "baseline": 0.0,
                                       "rows_used": int(len(labels))}, severity=Severity.HIGH)
