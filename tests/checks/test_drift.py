"""Every drift rule of ``dataaudit diff``: it fires on its change, and stays silent on random halves of one file."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pytest

from dataaudit.analysis.registry import all_rules
from dataaudit.api import diff
from dataaudit.checks._common import pct

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
    """Data to score has no label: not a removed column; the report says label drift was not measured."""
    ref, cur = _shift_mean(np.random.default_rng(9))[:2]
    report = _diff(tmp_path, ref, cur.drop(columns=["label"]).assign(extra=1.0), target="label")
    rules = {f.rule: f.column for f in report.findings}
    assert rules["DA590"] == "a" and rules["DA491"] == "extra"  # `a` moved, a column was added
    assert "DA490" not in rules and "DA390" not in rules  # the label is not "removed"; no balance to compare
    assert report.dataset["label_drift"] == {"measured": False,
                                             "reason": "the current file has no target column 'label'"}
    assert "label drift not measured" in report.reference_note()
    removed = _diff(tmp_path, ref, cur.drop(columns=["label", "b"]), target="label")
    assert [(f.rule, f.column) for f in removed.findings if f.rule == "DA490"] == [("DA490", "b")]
    assert "label_drift" not in _diff(tmp_path, ref, cur, target="label").dataset


def _binary(rng, n: int, positive: float) -> pd.DataFrame:
    return pd.DataFrame({"x": rng.normal(size=n), "label": (rng.random(n) < positive).astype(int)})


def _labels(counts: dict, shuffle: int = 0) -> pd.DataFrame:
    """Exactly ``counts`` rows of each label, in a shuffled order, beside a feature."""
    labels = np.concatenate([[k] * v for k, v in counts.items()])
    labels = labels[np.random.default_rng(shuffle).permutation(labels.size)]
    return pd.DataFrame({"x": np.arange(labels.size, dtype=float), "label": labels})


def _balance(tmp_path, ref: pd.DataFrame, cur: pd.DataFrame):
    found = [f for f in _diff(tmp_path, ref, cur, target="label", select=["DA390"]).findings]
    return found[0] if found else None


@pytest.mark.parametrize(("before", "after"), [({0: 1800, 1: 200}, {0: 1520, 1: 480}),   # 10% → 24%
                                               ({0: 1520, 1: 480}, {0: 1800, 1: 200}),   # 24% → 10%
                                               ({0: 1200, 1: 800}, {0: 1620, 1: 380}),   # 40% → 19%
                                               ({0: 1780, 1: 200, 2: 20}, {0: 1580, 1: 400, 2: 20}),
                                               ({0: 9900, 1: 100}, {0: 9700, 1: 300})])   # 1% → 3%
def test_a_class_share_changed_twofold_is_high(tmp_path, before, after):
    """A positive rate 10% → 24% was only medium (PSI 0.15, imbalance ratio 9 → 3.2), 40% → 19% too (PSI
    0.22, ratio ×2.8); a middle class 10% → 20% was nothing (PSI 0.08, ratio ×1.1), nor a rare positive
    class 1% → 3% on 10,000 rows (2 points, under the 5 the shares must move): a class prior off by a factor
    of 2 or more miscalibrates every prediction of a model trained on the old one."""
    finding = _balance(tmp_path, _labels(before), _labels(after, shuffle=1))
    assert str(finding.severity) == "high", finding.message
    ref_share, cur_share = (side[1] / sum(side.values()) for side in (before, after))
    assert finding.evidence["fold_class"] == "1" and finding.evidence["doubled_classes"] == ["1"]
    assert finding.evidence["fold_change"] == pytest.approx(max(cur_share / ref_share, ref_share / cur_share),
                                                            rel=1e-3)
    assert finding.evidence["share_ratios"]["1"] == pytest.approx(cur_share / ref_share, rel=1e-3)
    assert f"class '1' {pct(ref_share)} → {pct(cur_share)} of rows (share ×{cur_share / ref_share:.2f})" \
        in finding.message


def test_a_class_share_changed_less_than_twofold_stays_as_before(tmp_path):
    """50% → 55% on 20,000 rows a side is significant, but no class's share doubled: not high (nothing at
    all: PSI 0.01); 20% → 32% (×1.6) is medium as before."""
    rng = np.random.default_rng(11)
    finding = _balance(tmp_path, _binary(rng, 20_000, 0.50), _binary(rng, 20_000, 0.55))
    assert finding is None or str(finding.severity) != "high"
    finding = _balance(tmp_path, _binary(rng, 5000, 0.20), _binary(rng, 5000, 0.32))
    assert str(finding.severity) == "medium" and finding.evidence["doubled_classes"] == []
    assert finding.evidence["fold_change"] == pytest.approx(1.6, rel=0.1)


def test_a_handful_of_rows_does_not_make_a_class_share_high(tmp_path):
    """A tiny class tripling (5 → 15 rows of 4,000) beside a real, moderate shift: medium, not high (a few
    rows' change is under 5 points of share and not significant on its own); nor 2 → 8 rows of 60."""
    finding = _balance(tmp_path, _labels({"a": 2000, "b": 1995, "c": 5}), _labels({"a": 2320, "b": 1665, "c": 15}))
    assert str(finding.severity) == "medium" and finding.evidence["doubled_classes"] == []
    assert finding.evidence["share_ratios"]["c"] == pytest.approx(3.0)
    small = _balance(tmp_path, _labels({"a": 30, "b": 28, "c": 2}), _labels({"a": 26, "b": 26, "c": 8}))
    assert small is None or str(small.severity) != "high"


def test_class_shares_of_two_samples_of_the_same_data_never_double(tmp_path):
    """Independent samples of one class mix, 20 pairs each: 40 rows a side (shares doubling by chance all
    the time) and 1,000 against 3,000 rows with a 5% and a 1% class: no DA390 at all, so no high one."""
    for seed in range(20):
        rng = np.random.default_rng([12, seed])
        for sizes, shares in (((40, 40), [0.6, 0.25, 0.15]), ((1000, 3000), [0.94, 0.05, 0.01])):
            ref, cur = (pd.DataFrame({"x": rng.normal(size=n), "label": rng.choice(["a", "b", "c"], n, p=shares)})
                        for n in sizes)
            assert _balance(tmp_path, ref, cur) is None, (seed, sizes)
