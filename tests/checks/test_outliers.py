"""DA2xx: the MAD rule computed exactly, the IQR fallback, infinities, skew vs one outlier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.core.measures import robust_bounds
from dataaudit.core.stats import NumericStats

from ..conftest import write_csv


def test_mad_outlier_count_matches_iglewicz_hoaglin(tmp_path, rng):
    x = rng.normal(100, 15, 5000)
    x[:30] = rng.uniform(1e4, 1e5, 30)
    report = scan(write_csv(tmp_path / "t.csv", pd.DataFrame({"x": x})), select=["DA201"])
    (finding,) = report.findings
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    z = 0.6745 * (x - med) / mad
    assert finding.evidence["count"] == int((np.abs(z) > 3.5).sum())
    assert finding.evidence["max_robust_z"] == pytest.approx(np.abs(z).max(), rel=1e-4)
    assert finding.evidence["method"] == "mad"
    assert str(finding.severity) == "high"
    rows = {e["row"] for e in finding.evidence["examples"]}
    assert rows <= set(range(30))


def test_when_one_value_fills_half_the_column_the_others_are_judged_among_themselves():
    x = np.r_[np.zeros(60), np.arange(1, 41, dtype=float), [500.0]]
    stats = NumericStats.from_values(x, np.arange(x.size))
    assert stats.mad == 0
    bounds = robust_bounds(stats)
    assert bounds.method == "mad-of-rest" and bounds.low <= 0 < 40 < bounds.high < 500
    assert bounds.center == 21.0  # the median of 1..40 and 500


def test_sparse_pixels_are_not_outliers(tmp_path, rng):
    """Pixel intensities 0–16, mostly 0: a 16 is an ordinary bright pixel, not 21 robust z-scores out."""
    x = np.where(rng.random(1000) < 0.7, 0, rng.integers(1, 17, 1000)).astype(float)
    report = scan(write_csv(tmp_path / "t.csv", pd.DataFrame({"pixel": x})), select=["DA201"])
    assert report.findings == []


def test_iqr_fallback_when_the_other_values_have_no_spread_either():
    x = np.r_[np.zeros(60), np.ones(30), [500.0]]
    bounds = robust_bounds(NumericStats.from_values(x, np.arange(x.size)))
    assert bounds.method == "iqr" and bounds.high < 500


def test_no_bounds_when_mad_and_iqr_are_zero():
    x = np.r_[np.zeros(99), [5.0]]
    assert robust_bounds(NumericStats.from_values(x, np.arange(x.size))) is None


def test_infinite_values_give_critical_with_rows(tmp_path, rng):
    x = rng.normal(size=200)
    x[[5, 9]] = np.inf
    report = scan(write_csv(tmp_path / "t.csv", pd.DataFrame({"x": x})), select=["DA202"])
    (finding,) = report.findings
    assert str(finding.severity) == "critical"
    assert [e["row"] for e in finding.evidence["examples"]] == [5, 9]


def test_heavy_tail_suggests_log1p_and_reports_skew_after(tmp_path, rng):
    x = rng.lognormal(3, 1.5, 3000).round(3)
    report = scan(write_csv(tmp_path / "t.csv", pd.DataFrame({"income": x})), select=["DA203"])
    (finding,) = report.findings
    assert finding.evidence["log_candidate"] == "log1p"
    assert abs(finding.evidence["skewness_after_log1p"]) < abs(finding.evidence["skewness"])


def test_normal_tails_of_a_large_sample_are_not_outliers(tmp_path, rng):
    x = rng.normal(0, 1, 200_000).round(5)
    report = scan(write_csv(tmp_path / "t.csv", pd.DataFrame({"x": x})), select=["DA2"])
    assert report.findings == []


def test_a_table_of_ordinary_lognormal_columns_gets_one_finding_per_column(tmp_path):
    rng = np.random.default_rng(0)
    n = 3000
    f = pd.DataFrame({f"x{i}": rng.lognormal(rng.uniform(0, 3), rng.uniform(0.8, 1.0), n).round(4)
                      for i in range(60)})
    f["label"] = rng.integers(0, 2, n)
    findings = scan(write_csv(tmp_path / "t.csv", f), target="label").findings
    per_column = pd.Series([x.column for x in findings]).value_counts()
    assert per_column.max() == 1 and {x.rule for x in findings} == {"DA203"}  # a shape, never "outliers"


def test_a_value_detached_from_a_heavy_tail_is_still_an_outlier(tmp_path):
    rng = np.random.default_rng(1)
    income = rng.lognormal(10, 1.0, 2000).round(0)
    income[:15] *= 1000  # a unit slip in 15 rows
    f = pd.DataFrame({"income": income, "label": rng.integers(0, 2, 2000)})
    (found,) = [x for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA201"]).findings]
    assert found.column == "income" and found.evidence["count"] >= 15 and found.evidence["method"].startswith("log")


def test_two_features_far_apart_are_one_scale_finding(tmp_path):
    rng = np.random.default_rng(2)
    f = pd.DataFrame({"bytes": rng.normal(5e6, 1e6, 500).round(0), "ratio": rng.uniform(0, 1, 500).round(3),
                      "label": rng.integers(0, 2, 500)})
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA501"]).findings
    assert found.column == "bytes" and set(found.columns) == {"bytes", "ratio"}


def _survey(rng: np.random.Generator, n: int = 450) -> pd.DataFrame:
    """Respondents 17-90 years old, hours worked in a year, a 1-36 test score: ordinary bounded columns."""
    return pd.DataFrame({"age": np.clip(rng.normal(42, 15, n), 17, 90).round(),
                         "hours": np.clip(rng.normal(1400, 800, n), 0, None).round(),
                         "score": np.clip(rng.normal(26, 5, n), 1, 36).round(),
                         "label": rng.integers(0, 2, n)})


def test_a_value_or_two_cut_off_from_the_rest_is_an_outlier_within_the_robust_bounds(tmp_path):
    rng = np.random.default_rng(5)
    f = _survey(rng)
    f.loc[7, "age"] = 1.0  # a respondent aged 1: two robust z-scores from the median, 16 years below the next
    f.loc[[20, 30], "hours"] = [5600.0, 6400.0]  # 15-17 hours every day, far past the tail's steps
    found = {x.column: x for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA201"]).findings}
    assert set(found) == {"age", "hours"}
    age = found["age"].evidence
    assert age["detached"] is True and age["count"] == 1 and age["examples"] == [{"row": 7, "value": 1}]
    assert age["next_values"] == [f["age"].drop(7).min()] and age["max_robust_z"] < 3.5
    assert "detached from the rest: 1 where the next is" in found["age"].message
    hours = found["hours"].evidence
    assert hours["count"] == 2 and {e["row"] for e in hours["examples"]} == {20, 30}
    assert str(found["hours"].severity) == "low"


def test_ordinary_bounded_columns_have_no_detached_values(tmp_path):
    for seed in range(6):
        f = _survey(np.random.default_rng(seed), 2000)
        findings = scan(write_csv(tmp_path / f"t{seed}.csv", f), target="label", select=["DA201"]).findings
        assert [x for x in findings if x.evidence.get("detached")] == [], seed


def test_a_value_detached_from_a_small_sample_is_left_alone_below_200_values(tmp_path):
    """Below 200 values the spacings at an end say too little; from 200 the same gap is reported."""
    counts = {}
    for n in (150, 300):
        x = np.r_[np.random.default_rng(3).normal(50, 5, n).round(1), [25.0]]  # 5 robust z out, 11 below the next
        f = pd.DataFrame({"x": x, "label": np.arange(x.size) % 2})
        findings = scan(write_csv(tmp_path / f"t{n}.csv", f), target="label", select=["DA201"]).findings
        counts[n] = [x.evidence["count"] for x in findings if x.evidence.get("detached")]
    assert counts == {150: [], 300: [1]}


def _rates(rng, n: int = 3000) -> np.ndarray:
    """Replacement rates: a quarter of the rows at the statutory 0.5 and another quarter close to it, the rest
    spread from 0.07 to 0.69 (robust bounds narrowed by the spike leave a fifth of the values or more outside)."""
    spread = np.clip(rng.normal(0.4, 0.12, n), 0.066, 0.69)
    near = rng.uniform(0.48, 0.52, n)
    u = rng.random(n)
    return np.where(u < 0.25, 0.5, np.where(u < 0.5, near, spread)).round(3)


def test_a_value_or_two_cut_off_from_a_spread_out_shape_is_still_an_outlier(tmp_path):
    """Beside a spike that narrows the robust bounds (a fifth of the values or more outside them: a shape, not
    outliers), two rates of 2.04 and 2.06 where the rest end below 0.7 are cut off from it: reported as detached,
    alone; the same shape without them gets nothing."""
    rng = np.random.default_rng(51)
    rates = _rates(rng)
    f = pd.DataFrame({"reprate": np.r_[rates, [2.04, 2.059]], "label": np.arange(rates.size + 2) % 2})
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA201"]).findings
    assert found.evidence["detached"] is True and found.evidence["count"] == 2
    assert {e["value"] for e in found.evidence["examples"]} == {2.04, 2.059}
    g = pd.DataFrame({"reprate": rates, "label": np.arange(rates.size) % 2})
    assert scan(write_csv(tmp_path / "u.csv", g), target="label", select=["DA201"]).findings == []


def test_integer_codes_get_no_outlier_finding(tmp_path):
    """A district code (47 five-digit codes, 46 of them 60,010-62,990 and one 81,902) is integer codes (DA408),
    which fix encodes: its far value is no outlier."""
    rng = np.random.default_rng(52)
    codes = np.r_[rng.choice(np.arange(60_010, 63_000, 10), 46, replace=False), 81_902]
    f = pd.DataFrame({"dcode": rng.choice(codes, 400), "y": rng.normal(size=400).round(3)})
    f.loc[0, "dcode"] = 81_902
    findings = scan(write_csv(tmp_path / "t.csv", f), target="y", select=["DA201", "DA408"]).findings
    assert [x.rule for x in findings] == ["DA408"]
