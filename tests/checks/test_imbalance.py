"""DA303 on regression targets heaped at one end (cigarettes a day, 0 for non-smokers) and on honest targets."""

from __future__ import annotations

import numpy as np

from dataaudit import scan

from ..conftest import clean_frame, write_csv


def _smokers(rng, n: int = 900, zeros: float = 0.6):
    f = clean_frame(rng, n).drop(columns="label")
    amount = np.clip(rng.choice([5, 10, 15, 20, 20, 20, 25, 30, 40], n) + rng.integers(-3, 4, n), 1, 60)
    f["cigs"] = np.where(rng.random(n) < zeros, 0, amount)
    return f


def test_a_target_heaped_at_zero_is_reported_whatever_its_skewness(tmp_path):
    """62%-ish zeros and the smokers' 1-60 a day, heaped at 20: skewness below 2, yet one value rules the loss."""
    f = _smokers(np.random.default_rng(81))
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="cigs", select=["DA303"]).findings
    assert found.column == "cigs" and found.evidence["heap_value"] == 0
    assert found.evidence["skewness"] < 2 and found.evidence["heap_share"] >= 0.5
    assert "heaped at one end" in found.message


def test_zeros_in_a_third_of_rows_or_a_heap_in_the_middle_are_not_an_end_heap(tmp_path):
    """Cigarettes with a third of non-smokers, and weekly hours with 40 in 55% of rows but values on both sides:
    ordinary targets, no DA303."""
    rng = np.random.default_rng(82)
    f = _smokers(rng, zeros=0.33)
    assert scan(write_csv(tmp_path / "t.csv", f), target="cigs", select=["DA303"]).findings == []
    hours = np.where(rng.random(len(f)) < 0.55, 40, rng.integers(10, 70, len(f)))
    g = f.drop(columns="cigs").assign(hours=hours)
    assert scan(write_csv(tmp_path / "t.csv", g), target="hours", select=["DA303"]).findings == []
