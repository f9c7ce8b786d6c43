"""Every drift rule of ``dataaudit diff``: it fires on its change, and stays silent on random halves of one file."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pytest

from dataaudit.diff import diff
from dataaudit.rules import all_rules

from ..conftest import assert_valid, clean_frame, write_csv

DIFF_CODES = [r.code for r in all_rules() if r.command == "diff"]


def _pair(rng: np.random.Generator, n: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two independent samples of the same clean data."""
    return clean_frame(rng, n), clean_frame(rng, n)


def _shift_mean(rng):
    ref, cur = _pair(rng)
    return ref, cur.assign(a=cur["a"] + 5.0), "a"  # half a standard deviation


def _new_outliers(rng):
    ref, cur = _pair(rng)
    cur.loc[cur.index[:40], "c"] = 1e6  # 2% of rows, far past anything the reference had
    return ref, cur, "c"


def _missing_rate(rng):
    ref, cur = _pair(rng)
    cur.loc[rng.random(len(cur)) < 0.2, "b"] = np.nan
    return ref, cur, "b"


def _class_balance(rng):
    ref, cur = _pair(rng, 3000)
    positives = cur.index[cur["label"] == 1]
    return ref, cur.drop(positives[: len(positives) * 2 // 3]), "label"


def _category_drift(rng):
    ref, cur = _pair(rng)
    cur["colour"] = rng.choice(["red", "green", "blue"], len(cur), p=[0.6, 0.3, 0.1])
    return ref, cur, "colour"


def _removed(rng):
    ref, cur = _pair(rng)
    return ref, cur.drop(columns=["c"]), "c"


def _added(rng):
    ref, cur = _pair(rng)
    return ref, cur.assign(extra=rng.normal(size=len(cur))), "extra"


def _type_changed(rng):
    ref, cur = _pair(rng)
    cur["d"] = rng.choice(["low", "mid", "high"], len(cur))  # integer codes became words
    return ref, cur, "d"


def _new_categories(rng):
    ref, cur = _pair(rng)
    cur.loc[cur.index[:100], "colour"] = "purple"
    return ref, cur, "colour"


FIRE: dict[str, Callable] = {
    "DA190": _missing_rate, "DA290": _new_outliers, "DA390": _class_balance, "DA391": _category_drift,
    "DA490": _removed, "DA491": _added, "DA492": _type_changed, "DA493": _new_categories, "DA590": _shift_mean,
}


def _diff(tmp_path, ref: pd.DataFrame, cur: pd.DataFrame, **kwargs):
    report = diff(write_csv(tmp_path / "ref.csv", ref), write_csv(tmp_path / "cur.csv", cur), **kwargs)
    assert_valid(report)
    return report


def test_every_diff_rule_has_a_firing_case():
    assert sorted([*FIRE, "DA591"]) == sorted(DIFF_CODES)  # DA591 needs a recipe: tests/test_diff.py


@pytest.mark.parametrize("code", sorted(FIRE))
def test_drift_rule_fires_on_its_change(code, tmp_path):
    ref, cur, column = FIRE[code](np.random.default_rng(0))
    report = _diff(tmp_path, ref, cur, target="label", select=[code])
    assert column in [f.column for f in report.findings if f.rule == code], [f.message for f in report.findings]


@pytest.mark.parametrize("seed", range(5))
def test_no_drift_between_two_samples_of_the_same_data(seed, tmp_path):
    ref, cur = _pair(np.random.default_rng(seed))
    report = _diff(tmp_path, ref, cur, target="label")
    assert [(f.rule, f.column, f.message) for f in report.findings] == []
    assert report.exit_code() == 0


def test_small_samples_do_not_alarm_on_noise(tmp_path):
    """40 rows a side: effect sizes are noisy, the tests keep them quiet."""
    for seed in range(5):
        ref, cur = (clean_frame(np.random.default_rng([seed, side]), 40) for side in (0, 1))
        assert _diff(tmp_path, ref, cur, target="label").findings == []


def test_large_samples_do_not_alarm_on_a_tiny_shift(tmp_path):
    """200,000 rows a side: a 0.02-σ shift is significant but far too small to matter (PSI, D ≪ 0.1)."""
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 200_000)})
    cur = pd.DataFrame({"x": rng.normal(0.02, 1, 200_000)})
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    assert diff(tmp_path / "ref.parquet", tmp_path / "cur.parquet").findings == []


def test_severity_grows_with_the_shift(tmp_path):
    rng = np.random.default_rng(4)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 5000)})
    severities = []
    for delta in (0.3, 1.0):
        cur = pd.DataFrame({"x": rng.normal(delta, 1, 5000)})
        (finding,) = [f for f in _diff(tmp_path, ref, cur).findings if f.rule == "DA590"]
        severities.append(str(finding.severity))
        assert finding.evidence["psi"] > 0 and 0 < finding.evidence["ks_d"] <= 1
    assert severities == ["medium", "high"]


def test_new_class_is_high(tmp_path):
    ref, cur = _pair(np.random.default_rng(5))
    cur.loc[cur.index[:30], "label"] = 2
    (finding,) = [f for f in _diff(tmp_path, ref, cur, target="label").findings if f.rule == "DA390"]
    assert str(finding.severity) == "high" and finding.evidence["new_classes"] == ["2"]


def test_rare_new_categories_within_chance_are_quiet(tmp_path):
    """A long tail of categories seen once: a few unseen ones in a new sample are expected (Good–Turing)."""
    rng = np.random.default_rng(6)
    names = np.array([f"city{i}" for i in range(400)])
    p = 1 / np.arange(1, 401) ** 1.1
    ref = pd.DataFrame({"city": rng.choice(names, 3000, p=p / p.sum())})
    cur = pd.DataFrame({"city": rng.choice(names, 3000, p=p / p.sum())})
    assert [f for f in _diff(tmp_path, ref, cur).findings if f.rule == "DA493"] == []


def test_new_infinite_values_are_high(tmp_path):
    ref, cur = _pair(np.random.default_rng(7))
    cur.loc[cur.index[:3], "b"] = np.inf
    (finding,) = [f for f in _diff(tmp_path, ref, cur).findings if f.rule == "DA290"]
    assert str(finding.severity) == "high" and finding.evidence["infinite"] == 3


def test_fewer_missing_values_is_low(tmp_path):
    rng = np.random.default_rng(8)
    ref, cur = _pair(rng)
    ref.loc[rng.random(len(ref)) < 0.3, "b"] = np.nan
    (finding,) = [f for f in _diff(tmp_path, ref, cur).findings if f.rule == "DA190"]
    assert str(finding.severity) == "low"


def test_a_target_absent_from_the_current_data_compares_the_features(tmp_path):
    ref, cur = _shift_mean(np.random.default_rng(9))[:2]
    report = _diff(tmp_path, ref, cur.drop(columns=["label"]), target="label")
    rules = {f.rule: f.column for f in report.findings}
    assert rules["DA490"] == "label" and rules["DA590"] == "a"  # the label column is gone; `a` moved
    assert "DA390" not in rules  # no class balance to compare
