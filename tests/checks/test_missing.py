"""DA1xx evidence and edge cases beyond fire/silent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.checks.missing import find_sentinels
from dataaudit.stats import NumericStats

from ..conftest import clean_frame, write_csv


def _stats(x):
    x = np.asarray(x, dtype=float)
    return NumericStats.from_values(x, np.arange(x.size))


def test_sentinel_evidence_names_value_count_and_bulk(rng):
    x = rng.uniform(20, 80, 1000)
    x[:80] = -999
    (found,) = find_sentinels(_stats(x))
    assert found["value"] == -999 and found["count"] == 80
    assert found["bulk_range"][0] >= 20 and found["robust_z"] > 40


def test_impossible_zero_is_a_sentinel(rng):
    blood_pressure = rng.normal(72, 12, 1000).clip(30, 120).round()
    blood_pressure[:40] = 0
    assert [s["value"] for s in find_sentinels(_stats(blood_pressure))] == [0.0]


def test_zero_next_to_small_counts_is_not_a_sentinel(rng):
    pixels = rng.integers(1, 17, 1000).astype(float)
    pixels[:200] = 0
    assert find_sentinels(_stats(pixels)) == []


def test_frequent_value_inside_the_bulk_is_not_a_sentinel(rng):
    x = rng.normal(0, 1, 1000)
    x[:100] = 0.0
    assert find_sentinels(_stats(x)) == []


def test_tokens_are_counted_by_spelling(tmp_path, rng):
    f = clean_frame(rng, 500)
    a = f["a"].astype(str)
    a[:10] = "?"
    a[10:13] = " N/A "
    report = scan(write_csv(tmp_path / "t.csv", f.assign(a=a)), select=["DA102"])
    (finding,) = report.findings
    assert finding.evidence["tokens"] == {"?": 10, " N/A ": 3}
    assert str(finding.severity) == "high"  # the column is numbers otherwise


def test_target_missing_labels_are_reported_on_the_target(tmp_path, rng):
    f = clean_frame(rng, 300).astype({"label": "float"})
    f.loc[:9, "label"] = np.nan
    report = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA101"])
    assert [(x.column, x.evidence["count"]) for x in report.findings] == [("label", 10)]
    assert "target label" in report.findings[0].message


@pytest.mark.parametrize("share,severity", [(0.05, "medium"), (0.004, "low")])
def test_mostly_empty_rows_severity_follows_share(tmp_path, rng, share, severity):
    f = clean_frame(rng, 1000)
    rows = np.arange(int(share * 1000))
    f.loc[rows, ["a", "b", "c", "d"]] = np.nan
    report = scan(write_csv(tmp_path / "t.csv", f), select=["DA104"])
    (finding,) = report.findings
    assert str(finding.severity) == severity
    assert finding.evidence["count"] == len(rows)
    assert [e["row"] for e in finding.evidence["examples"]] == list(rows[:5])


def test_informative_missingness_reports_rates_by_class(tmp_path, rng):
    f = clean_frame(rng, 2000)
    f.loc[(f["label"] == 1) & (rng.random(2000) < 0.4), "c"] = np.nan
    report = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA105"])
    (finding,) = report.findings
    rates = finding.evidence["missing_rate_by_class"]
    assert rates["1"] == pytest.approx(0.4, abs=0.06) and rates["0"] == 0.0


def test_regression_target_informative_missingness(tmp_path, rng):
    n = 1500
    y = rng.normal(0, 1, n)
    x = rng.normal(0, 1, n)
    x[y > 0.8] = np.nan
    frame = pd.DataFrame({"x": x, "z": rng.normal(size=n), "y": y.round(4)})
    report = scan(write_csv(tmp_path / "t.csv", frame), target="y", select=["DA105"])
    assert [f.column for f in report.findings] == ["x"]


def test_two_column_file_has_no_mostly_empty_rows(tmp_path, rng):
    frame = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)})
    frame.loc[:20, "x"] = np.nan
    assert scan(write_csv(tmp_path / "t.csv", frame), select=["DA104"]).findings == []


def test_token_found_in_a_column_too_large_to_analyse_fully(tmp_path):
    values = np.arange(30_000).astype(str).astype(object)
    values[[100, 25_000]] = "?"
    frame = pd.DataFrame({"reading": values, "other": np.arange(30_000) % 7})
    (finding,) = scan(write_csv(tmp_path / "t.csv", frame), select=["DA102"]).findings
    assert finding.evidence["tokens"] == {"?": 2}


def test_chi_square_and_mann_whitney_match_scipy(rng):
    from scipy import stats as sps

    from dataaudit.checks.missing import _chi_square, _rank_biserial

    table = np.array([[30, 12, 8], [70, 88, 92]])
    chi2, p = _chi_square(table)
    expected = sps.chi2_contingency(table, correction=False)
    assert chi2 == pytest.approx(expected[0]) and p == pytest.approx(expected[1])
    values = rng.integers(0, 20, 400).astype(float)  # many ties
    group = rng.random(400) < 0.3
    values[group] += 2
    effect, p = _rank_biserial(values, group)
    u = sps.mannwhitneyu(values[group], values[~group], method="asymptotic", use_continuity=False)
    assert p == pytest.approx(u.pvalue, rel=1e-6)
    assert effect == pytest.approx(abs(2 * u.statistic / (group.sum() * (~group).sum()) - 1))
