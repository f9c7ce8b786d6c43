"""Rule options per column (columns.<name>.rules): a column's own thresholds, and what happens to findings
that name several columns or none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import UsageError, scan

from ..conftest import write_csv


def _skewed(rng, n=1000):
    return pd.DataFrame({"a": rng.lognormal(0, 1.5, n).round(4), "b": rng.lognormal(0, 1.5, n).round(4),
                         "c": rng.normal(0, 1, n).round(4)})


def _found(report, rule):
    return sorted(f.column for f in report.findings if f.rule == rule)


def test_column_threshold_silences_heavy_tail_on_that_column_only(tmp_path, rng):
    path = write_csv(tmp_path / "t.csv", _skewed(rng))
    assert _found(scan(path, select=["DA203"]), "DA203") == ["a", "b"]
    report = scan(path, select=["DA203"], column_rule_options={"a": {"DA203": {"min_skew": 100.0}}, "zz": {"DA203": {}}})
    assert _found(report, "DA203") == ["b"]


def test_column_threshold_can_also_be_stricter_than_the_global_one(tmp_path, rng):
    path = write_csv(tmp_path / "t.csv", _skewed(rng))
    report = scan(path, select=["DA203"], rule_options={"DA203": {"min_skew": 100.0}},
                  column_rule_options={"b": {"DA203": {"min_skew": 2.0}}})
    assert _found(report, "DA203") == ["b"]


def _pairs(rng, n=2000):
    a = rng.normal(0, 1, n)
    c = rng.normal(0, 1, n)
    return pd.DataFrame({"a": a, "b": a + rng.normal(0, 0.1, n),  # r ≈ 0.995
                         "c": c, "d": c + rng.normal(0, 0.4, n)})  # r ≈ 0.93


def test_pair_finding_is_reported_when_any_column_it_names_reports_it(tmp_path, rng):
    path = write_csv(tmp_path / "t.csv", _pairs(rng))
    pairs = lambda report: sorted(f.columns for f in report.findings if f.rule == "DA605")  # noqa: E731
    assert pairs(scan(path, select=["DA605"])) == [("a", "b")]
    strict_a = {"a": {"DA605": {"min_abs_r": 0.999}}}
    assert pairs(scan(path, select=["DA605"], column_rule_options=strict_a)) == [("a", "b")]  # b still reports it
    strict_both = {**strict_a, "b": {"DA605": {"min_abs_r": 0.999}}}
    assert pairs(scan(path, select=["DA605"], column_rule_options=strict_both)) == []
    lenient_d = {"d": {"DA605": {"min_abs_r": 0.9}}}
    assert pairs(scan(path, select=["DA605"], column_rule_options=lenient_d)) == [("a", "b"), ("c", "d")]


def test_dataset_level_findings_follow_the_global_options(tmp_path, rng):
    frame = _skewed(rng).assign(d=rng.normal(size=1000), e=rng.normal(size=1000))
    frame.loc[:49, ["a", "b", "c"]] = np.nan  # 5% of rows are mostly empty: DA104, about no single column
    path = write_csv(tmp_path / "t.csv", frame)
    assert _found(scan(path, select=["DA104"]), "DA104") == [None]
    report = scan(path, select=["DA104"], column_rule_options={"a": {"DA104": {"max_missing_share": 0.9}}})
    assert _found(report, "DA104") == [None]


@pytest.mark.parametrize("options, words", [
    ({"a": {"DA203": {"skew": 8.0}}}, "column 'a': rule DA203 has no option 'skew'"),
    ({"a": {"DA999": {}}}, "column 'a': unknown rule 'DA999'"),
    ({"a": {"DA203": {"min_skew": "big"}}}, "option min_skew must be a number, not str 'big'"),
])
def test_bad_column_options_from_python_are_usage_errors(tmp_path, options, words):
    with pytest.raises(UsageError, match=words):
        scan(tmp_path / "never_read.csv", column_rule_options=options)


def test_unknown_rule_in_global_options_is_an_error_not_ignored(tmp_path):
    with pytest.raises(UsageError, match="unknown rule 'DA999'"):
        scan(tmp_path / "never_read.csv", rule_options={"DA999": {"x": 1}})
