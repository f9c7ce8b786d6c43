"""DA701's measures for many features at once (``checks.leak_batch``) are those of each feature alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.checks.leak_batch import (
    BLOCK_CELLS,
    balanced_accuracies,
    column_ranks,
    rank_aucs,
)
from dataaudit.checks.leak_chance import SMALL_CLASS_P
from dataaudit.checks.leakage import balanced_accuracy, rank_auc


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
def test_balanced_accuracies_are_each_keys_own(rng, k):
    n = 300
    labels = rng.integers(0, k, n)
    if k == 3:  # a small class of 7 rows, told exactly by the last key
        labels = rng.integers(0, 2, n)
        labels[:7] = 2
    keys = [pd.factorize(rng.integers(0, m, n))[0] for m in (1, 2, 5, 40)] + [rng.permutation(n),
                                                                             pd.factorize(labels)[0]]
    together = balanced_accuracies(keys, labels, k, SMALL_CLASS_P)
    assert together.tolist() == [balanced_accuracy(key, labels, k, SMALL_CLASS_P) for key in keys]
    assert together[-1] == 1.0  # the label as a key
    assert together[4] == 0.0  # unique keys: no other row to predict from
    assert together[1] < 0.7


def test_balanced_accuracies_across_blocks(rng, monkeypatch):
    import dataaudit.checks.leak_batch as batch

    monkeypatch.setattr(batch, "BLOCK_CELLS", 2 * 100 * 2)  # two keys a block: every block boundary crossed
    labels = rng.integers(0, 2, 100)
    keys = [pd.factorize(rng.integers(0, m, 100))[0] for m in (2, 3, 7, 11, 13)]
    assert batch.balanced_accuracies(keys, labels, 2).tolist() == [balanced_accuracy(key, labels, 2) for key in keys]
    assert BLOCK_CELLS > 1_000
