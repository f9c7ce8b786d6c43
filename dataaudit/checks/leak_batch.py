"""DA701's two measures of a feature against a class target, for many features at once: the rank AUC of numbers
(``rank_aucs``) and the held-out balanced accuracy of keys (``balanced_accuracies``). A wide table's features are
judged in a few numpy calls over a block of columns, not a dozen calls per column; each result is the one
``leakage.rank_auc`` / ``leakage.balanced_accuracy`` gives the column alone (the same operations, value by value)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..analysis.profiling import ColumnProfile, DatasetProfile
from .leak_chance import MIN_CLASS_ROWS, MIN_SMALL_CLASS, separation_chance
from .leak_keys import as_numbers, feature_key

__all__ = ["BLOCK_CELLS", "class_scores", "column_ranks", "rank_aucs", "balanced_accuracies"]

BLOCK_CELLS = 4_000_000  # cells (rows x columns x classes) of one block: bounds the memory of a wide table's pass


def column_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks (1-based, ties averaged, as ``pandas.Series.rank``) of each column of a 2-D array without NaN."""
    n = x.shape[0]
    order = np.argsort(x, axis=0, kind="stable")
    s = np.take_along_axis(x, order, axis=0)
    idx = np.broadcast_to(np.arange(n)[:, None], x.shape)
    first = np.ones(x.shape, dtype=bool)
    first[1:] = s[1:] != s[:-1]
    last = np.ones(x.shape, dtype=bool)
    last[:-1] = first[1:]
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=0)
    end = np.minimum.accumulate(np.where(last, idx, n - 1)[::-1], axis=0)[::-1]
    ranks = np.empty(x.shape, dtype=float)
    np.put_along_axis(ranks, order, (start + end) / 2 + 1, axis=0)
    return ranks


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


def balanced_accuracies(keys: Sequence[np.ndarray], labels: np.ndarray, k: int, small_p: float | None = None,
                        min_rows: int = MIN_CLASS_ROWS) -> np.ndarray:
    """``leakage.balanced_accuracy`` of every key of ``keys`` (codes 0.., one per row of ``labels``)."""
    labels = np.asarray(labels)
    rows = len(labels)
    out = np.zeros(len(keys))
    if not len(keys) or not rows:
        return out
    totals = np.bincount(labels, minlength=k).astype(float)
    own = np.zeros((rows, k))
    own[np.arange(rows), labels] = 1.0
    sizes = np.maximum(totals[None, :] - own, 1.0)
    judged = [c for c in range(k) if totals[c] >= min_rows]
    in_class = [labels == c for c in range(k)]
    small = [] if small_p is None else [
        c for c in np.flatnonzero((totals >= MIN_SMALL_CLASS) & (totals < MIN_CLASS_ROWS))
        if separation_chance(int(totals[c]), rows) < small_p]  # the chance depends on the class, not the key
    block = max(1, BLOCK_CELLS // (rows * k))
    for start in range(0, len(keys), block):
        codes = np.stack([np.asarray(key, dtype=np.int64) for key in keys[start:start + block]], axis=1)
        sizes_of = codes.max(axis=0) + 1
        offsets = np.concatenate([[0], np.cumsum(sizes_of)[:-1]])
        codes = codes + offsets
        table = np.bincount((codes * k + labels[:, None]).ravel(), minlength=int(sizes_of.sum()) * k)
        counts = table.reshape(-1, k).astype(float)[codes] - own[:, None, :]  # each key's other rows, by class
        predicted = np.argmax(counts / sizes[:, None, :], axis=2)
        predicted[counts.sum(axis=2) == 0] = -1
        recalls = [(predicted[in_class[c]] == c).sum(axis=0) / totals[c] for c in judged]
        exact = [np.all((predicted == c) == in_class[c][:, None], axis=0) for c in small]
        for j in range(codes.shape[1]):
            found = [float(r[j]) for r in recalls] + [1.0 for e in exact if e[j]]
            out[start + j] = float(np.mean(found)) if len(found) >= 2 else 0.0
    return out


def class_scores(cols: Sequence[ColumnProfile], data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame,
                 sample: pd.DataFrame, labels: np.ndarray, k: int,
                 small_p: float | None) -> tuple[dict[str, tuple[float | None, int]], dict[str, float]]:
    """Of every feature of ``cols`` on the sampled rows ``index`` (``numeric`` and ``sample`` cut to them): the rank
    AUC of its numbers (a two-class target) and the balanced accuracy of its key (``feature_key``), by name; a
    feature without numbers or a key is left out. Block by block of columns, so a wide table's numbers are never
    all copied at once."""
    aucs: dict[str, tuple[float | None, int]] = {}
    scores: dict[str, float] = {}
    block = max(1, BLOCK_CELLS // max(len(index), 1))
    for start in range(0, len(cols), block):
        part = cols[start:start + block]
        if k == 2:
            numbers = {c.name: x for c in part if (x := as_numbers(c, data, index, numeric)) is not None}
            if numbers:
                aucs.update(zip(numbers, rank_aucs(np.column_stack(list(numbers.values())), labels, small_p)))
        keys = {}
        for c in part:
            key = feature_key(c, data, index, numeric, sample)
            if key is not None:
                keys[c.name] = pd.factorize(key.to_numpy(), use_na_sentinel=False)[0]
        scores.update(zip(keys, balanced_accuracies(list(keys.values()), labels, k, small_p).tolist()))
    return aucs, scores
