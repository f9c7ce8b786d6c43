"""DA701's measures for many features at once (``checks.leak_batch``) are those of each feature alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.checks.leak_batch import column_ranks, rank_aucs
from dataaudit.checks.leak_chance import (
    MIN_CLASS_ROWS,
    MIN_SMALL_CLASS,
    SMALL_CLASS_P,
    separation_chance,
)
from dataaudit.checks.leakage import balanced_accuracy, rank_auc


def _row_by_row(keys, labels, k, small_p=None, min_rows=MIN_CLASS_ROWS):
    """The balanced accuracy as defined, row by row (each row's prediction from its key's other rows)."""
    n_keys = int(keys.max()) + 1
    table = np.bincount(keys * k + labels, minlength=n_keys * k).reshape(n_keys, k).astype(float)
    totals = np.bincount(labels, minlength=k).astype(float)
    own = np.zeros((len(keys), k))
    own[np.arange(len(keys)), labels] = 1.0
    counts = table[keys] - own
    predicted = np.argmax(counts / np.maximum(totals[None, :] - own, 1.0), axis=1)
    predicted[counts.sum(axis=1) == 0] = -1
    recalls = [(predicted[labels == c] == c).mean() for c in range(k) if totals[c] >= min_rows]
    if small_p is not None:
        for c in np.flatnonzero((totals >= MIN_SMALL_CLASS) & (totals < MIN_CLASS_ROWS)):
            if np.array_equal(predicted == c, labels == c) and separation_chance(int(totals[c]), len(labels)) < small_p:
                recalls.append(1.0)
    return float(np.mean(recalls)) if len(recalls) >= 2 else 0.0


def _numbers(rng, n: int, labels: np.ndarray) -> np.ndarray:
    gaps = np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n))
    infinite = np.r_[np.full(n - 3, np.inf), [1.0, 2.0, 3.0]]
    return np.column_stack([rng.normal(size=n), rng.integers(0, 5, n).astype(float), gaps, infinite,
                            np.arange(n, dtype=float), labels + rng.normal(0, 0.01, n),
                            np.where(labels == 1, -np.inf, rng.normal(size=n))])


def test_column_ranks_are_pandas_average_ranks(rng):
    x = np.column_stack([rng.integers(0, 4, 50).astype(float), rng.normal(size=50), np.full(50, np.inf)])
    ranks = column_ranks(x)
    for j in range(x.shape[1]):
        assert np.array_equal(ranks[:, j], pd.Series(x[:, j]).rank(method="average").to_numpy())


def test_rank_aucs_are_each_columns_own(rng):
    n = 300
    labels = rng.integers(0, 2, n)
    x = _numbers(rng, n, labels)
    together = rank_aucs(x, labels, SMALL_CLASS_P)
    assert together == [rank_auc(x[:, j], labels, SMALL_CLASS_P) for j in range(x.shape[1])]
    assert together[5] == (1.0, 1)  # the leak: the label plus noise separates perfectly
    assert 0.4 < together[0][0] < 0.6  # noise stays near chance
    assert together[3] == (None, 0)  # three finite values: too few to judge


def test_rank_aucs_small_class_beyond_chance(rng):
    n = 186
    x = rng.normal(size=(n, 3))
    labels = np.zeros(n, dtype=np.int64)
    labels[np.argsort(x[:, 0])[-8:]] = 1  # 8 rows above every other in column 0 only
    together = rank_aucs(x, labels, SMALL_CLASS_P)
    assert together == [rank_auc(x[:, j], labels, SMALL_CLASS_P) for j in range(3)]
    assert together[0] == (1.0, 1) and together[1] == (None, 0) and together[2] == (None, 0)


@pytest.mark.parametrize("k", [2, 3, 12])
def test_balanced_accuracy_by_key_and_class_is_row_by_row(rng, k):
    n = 300
    labels = rng.integers(0, k, n)
    if k == 3:  # a small class of 7 rows, told exactly by the last key
        labels = rng.integers(0, 2, n)
        labels[:7] = 2
    keys = [pd.factorize(rng.integers(0, m, n))[0] for m in (1, 2, 5, 40)] + [rng.permutation(n),
                                                                             pd.factorize(labels)[0]]
    for small_p in (None, SMALL_CLASS_P):
        scores = [balanced_accuracy(key, labels, k, small_p) for key in keys]
        assert scores == [_row_by_row(key, labels, k, small_p) for key in keys]
    assert scores[-1] == 1.0  # the label as a key
    assert scores[4] == 0.0  # unique keys: no other row to predict from
    assert scores[1] < 0.7  # a random key stays near chance
