"""Chance bounds for small classes: how unlikely a separation or a missingness is if unrelated to the class, so a
class of five to nine rows can still be judged. DA701 uses them (``checks/leakage.py``)."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MIN_CLASS_ROWS", "MIN_SMALL_CLASS", "SMALL_CLASS_P", "PRESENCE_BA", "separation_chance", "missing_chance"]

MIN_CLASS_ROWS = 10  # a class needs this many sampled rows before a perfect separation means anything
MIN_SMALL_CLASS = 5  # a class of 5-9 rows is judged too, when it is separated perfectly and chance cannot do that
SMALL_CLASS_P = 1e-6  # the chance (permutation bound) below which a small class's separation counts


def separation_chance(minority: int, rows: int) -> float:
    """The chance (two-sided) that ``minority`` rows drawn at random from ``rows`` all lie beyond every other row:
    2 / C(rows, minority), the permutation probability of a perfect separation."""
    return float(min(1.0, 2.0 / math.comb(rows, minority)))


PRESENCE_BA = 0.9  # a missingness this telling (balanced accuracy) is a presence leak when chance cannot explain it


def missing_chance(missing: np.ndarray, labels: np.ndarray, k: int) -> float:
    """The smallest, over the classes, hypergeometric chance that the missing rows hold as many of a class's rows as
    they do (7 of 8 losers among 9 missing rows of 186): how unlikely the missingness is if unrelated to the class."""
    from scipy.stats import hypergeom  # noqa: I001  (scipy loads when a test runs, not with the package)
    caught = np.bincount(labels[missing], minlength=k)
    sizes = np.bincount(labels, minlength=k)
    return float(np.min(hypergeom.sf(caught - 1, len(labels), sizes, int(missing.sum()))))
