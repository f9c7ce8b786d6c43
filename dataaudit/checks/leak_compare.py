"""A two-class target that is a comparison of two features: the class is which of the two is larger (``favwin`` =
``favscr`` > ``undscr``, the final scores of a game), so their difference separates the classes perfectly although
neither does alone. DA701 reports it (``checks/leakage.py``)."""

from __future__ import annotations

import itertools
from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit
from ._common import jsonable
from .leak_batch import rank_aucs

__all__ = ["MAX_SCREENED", "COMPARED", "COMPARISON_AUC", "target_comparison"]

MAX_SCREENED = 60  # numeric features whose own rank AUC is measured: the first this many
COMPARED = 8  # the features that separate the classes best alone, compared two at a time (28 pairs)
COMPARISON_AUC = 0.995  # rank AUC of a pair's difference (or its reverse) that makes the target a comparison


def target_comparison(names: list[str], numeric: pd.DataFrame, labels: np.ndarray, classes: np.ndarray, target: str,
                      skip: set[str], min_auc: float) -> Iterator[Hit]:
    """The pair, among the ``COMPARED`` features that separate two classes best alone (neither at ``min_auc``, the
    single-feature bar), whose difference has rank AUC ≥ ``COMPARISON_AUC`` (or ≤ 1 − it): the target says which of
    the two is larger, so both are known only with the outcome. Honest features, however strong, leave a difference
    that still mixes the classes."""
    if len(classes) != 2:
        return
    names = [n for n in names if n in numeric.columns and n not in skip][:MAX_SCREENED]
    if len(names) < 2:
        return
    x = numeric[names].to_numpy(dtype=float)
    alone = [abs(auc - 0.5) if auc is not None else -1.0 for auc, _ in rank_aucs(x, labels)]
    order = [int(i) for i in np.argsort(alone, kind="stable")[::-1][:COMPARED] if alone[int(i)] >= 0.1
             and alone[int(i)] + 0.5 < min_auc]
    pairs = list(itertools.combinations(sorted(order), 2))
    if not pairs:
        return
    diffs = np.column_stack([x[:, i] - x[:, j] for i, j in pairs])
    found = [(max(auc, 1 - auc), pair) for (auc, _), pair in zip(rank_aucs(diffs, labels), pairs)
             if auc is not None and max(auc, 1 - auc) >= COMPARISON_AUC]
    if not found:
        return
    auc, (i, j) = max(found, key=lambda t: (t[0], -t[1][0], -t[1][1]))
    a, b = names[i], names[j]
    yield Hit(a, f"`{a}` − `{b}` separates the classes of `{target}` (rank AUC {auc:.3f}, where each alone reaches "
              f"{alone[i] + 0.5:.3f} and {alone[j] + 0.5:.3f}): the class is which of the two is larger, so both "
              "are known only with the outcome (final scores beside who won)",
              {"kind": "target-comparison", "metric": "rank AUC of the difference", "score": jsonable(auc),
               "baseline": 0.5, "columns": [a, b], "rows_used": int(len(labels))}, columns=(a, b))
