"""DA701's two measures of a feature against a class target: the rank AUC of numbers, for many features at once
(``rank_aucs``: a few numpy calls over a block of columns, each result the one ``leakage.rank_auc`` gives the
column alone), and the held-out balanced accuracy of a key (``balanced_accuracy``), on the key's counts by class."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..analysis.profiling import ColumnProfile, DatasetProfile
from .leak_chance import MIN_CLASS_ROWS, MIN_SMALL_CLASS, separation_chance
from .leak_keys import as_numbers, key_codes

__all__ = ["BLOCK_CELLS", "class_scores", "column_ranks", "rank_aucs", "balanced_accuracy"]

BLOCK_CELLS = 4_000_000  # cells (rows x columns x classes) of one block: bounds the memory of a wide table's pass


def column_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks (1-based, ties averaged, as ``pandas.Series.rank``) of each column of a 2-D array without NaN."""
    rows = np.ascontiguousarray(x.T)  # a column per row: sorts and scans run along contiguous memory
    n = rows.shape[1]
    order = np.argsort(rows, axis=1, kind="stable")
    s = np.take_along_axis(rows, order, axis=1)
    idx = np.broadcast_to(np.arange(n), rows.shape)
    first = np.ones(rows.shape, dtype=bool)
    first[:, 1:] = s[:, 1:] != s[:, :-1]
    last = np.ones(rows.shape, dtype=bool)
    last[:, :-1] = first[:, 1:]
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, idx, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(rows.shape, dtype=float)
    np.put_along_axis(ranks, order, (start + end) / 2 + 1, axis=1)
    return ranks.T


def rank_aucs(x: np.ndarray, labels: np.ndarray, small_p: float | None = None) -> list[tuple[float | None, int]]:
    """``leakage.rank_auc`` of every column of ``x`` (rows x columns) against the 0/1 ``labels``."""
    labels = np.asarray(labels)
    out: list[tuple[float | None, int]] = []
    block = max(1, BLOCK_CELLS // max(4 * x.shape[0], 1))
    pos = (labels == 1)[:, None]
    for start in range(0, x.shape[1], block):
        part = x[:, start:start + block]
        finite = np.isfinite(part)
        m = (finite & pos).sum(axis=0)
        n = (finite & ~pos).sum(axis=0)
        sums = np.where(finite & pos, column_ranks(np.where(finite, part, np.inf)), 0.0).sum(axis=0)
        with np.errstate(all="ignore"):
            aucs = (sums - m * (m + 1) / 2) / (m * n)
        for j in range(part.shape[1]):
            mj, nj = int(m[j]), int(n[j])
            small = min(mj, nj) < MIN_CLASS_ROWS
            if small and (small_p is None or min(mj, nj) < MIN_SMALL_CLASS):
                out.append((None, 0))
                continue
            auc = aucs[j]
            if small and (min(auc, 1 - auc) > 0 or separation_chance(min(mj, nj), mj + nj) >= small_p):
                out.append((None, 0))
                continue
            out.append((float(auc), int(auc >= 0.5)))
    return out


def balanced_accuracy(keys: np.ndarray, labels: np.ndarray, k: int, small_p: float | None = None,
                      min_rows: int = MIN_CLASS_ROWS) -> float:
    """Balanced accuracy of predicting the class from a key, each row held out from its own key's counts: the
    predicted class is the one the key's other rows over-represent most (count / class size), so a small class
    is predicted where its rows gather. A key seen in no other row predicts nothing (counts as wrong). The mean
    recall is over the classes with at least ``min_rows`` rows (0 when fewer than two have them).

    ``small_p``: a class of ``MIN_SMALL_CLASS`` to ``MIN_CLASS_ROWS`` - 1 rows counts too when the key tells it
    exactly (the rows predicted as it are its rows, all of them) and a random draw would do so with a chance
    (``separation_chance``) below ``small_p``: an exact function of the label, 8 losers of 186.

    Every row of one key and one class gets the same prediction, so it is made once per (key, class) pair present
    and weighted by the pair's rows: the cost is the pairs', not the rows' times the classes'."""
    n_keys = int(keys.max()) + 1 if keys.size else 0
    table = np.bincount(keys * k + labels, minlength=n_keys * k).reshape(n_keys, k).astype(float)
    totals = np.bincount(labels, minlength=k).astype(float)
    key, own = np.nonzero(table)
    held_out = np.eye(k)[own]  # the row itself, taken out of its key's counts and of its class's size
    counts = table[key] - held_out  # the key's other rows, by class
    rates = counts / np.maximum(totals[None, :] - held_out, 1.0)
    predicted = np.argmax(rates, axis=1)
    predicted[counts.sum(axis=1) == 0] = -1  # nothing else with this key: no prediction
    right = np.bincount(own, weights=table[key, own] * (predicted == own), minlength=k)
    # a class of fewer than MIN_CLASS_ROWS rows is too small to judge a key by (five rows fall on one side by chance)
    recalls = [right[c] / totals[c] for c in range(k) if totals[c] >= min_rows]
    if small_p is not None:
        for c in np.flatnonzero((totals >= MIN_SMALL_CLASS) & (totals < MIN_CLASS_ROWS)):
            exact = bool(np.array_equal(predicted == c, own == c))
            if exact and separation_chance(int(totals[c]), len(labels)) < small_p:
                recalls.append(1.0)
    return float(np.mean(recalls)) if len(recalls) >= 2 else 0.0


def class_scores(cols: Sequence[ColumnProfile], data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame,
                 sample: pd.DataFrame, labels: np.ndarray, k: int,
                 small_p: float | None) -> tuple[dict[str, tuple[float | None, int]], dict[str, float]]:
    """Of every feature of ``cols`` on the sampled rows ``index`` (``numeric`` and ``sample`` cut to them): the rank
    AUC of its numbers (a two-class target) and the balanced accuracy of its key (``feature_key``, numbered by
    ``key_codes``), by name; a feature without numbers or a key is left out. Block by block of columns, so a wide
    table's numbers are never all copied at once."""
    aucs: dict[str, tuple[float | None, int]] = {}
    scores: dict[str, float] = {}
    block = max(1, BLOCK_CELLS // max(len(index), 1))
    for start in range(0, len(cols), block):
        part = cols[start:start + block]
        if k == 2:
            numbers = {c.name: x for c in part if (x := as_numbers(c, data, index, numeric)) is not None}
            if numbers:
                aucs.update(zip(numbers, rank_aucs(np.column_stack(list(numbers.values())), labels, small_p)))
        for c in part:
            codes = key_codes(c, data, index, numeric, sample)
            if codes is not None:
                scores[c.name] = balanced_accuracy(codes, labels, k, small_p)
    return aucs, scores
