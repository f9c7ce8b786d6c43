"""fix never leaves the data more degenerate than it found it (issue 17, item 7).

The fix report's "after" column is the check: a finding in the rescan of the output that the input's scan did
not have for the same source column was created by the fix. The steps must not create them (a constant out of a
two-category column, two indicators of the same rows, a date part that only repeats the days), and the report
lists any that remain, in every format.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit import FixOptions, fix
from dataaudit.analysis.findings import Category, Finding, GradientEffect, Severity
from dataaudit.fixing.guard import new_after_fix, source_column
from dataaudit.fixing.report import render

from .conftest import clean_frame, imbalanced_frame
from .corpus import make_ordinary

PLAIN = FixOptions(resample="none")  # resampling copies rows on purpose (DA603), which the report explains


def _fix(tmp_path, frame: pd.DataFrame, target: str | None = "label", options: FixOptions = PLAIN):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    return fix(path, target=target, options=options)


def _created(result) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.rule, f.columns) for f in result.new_findings]


def test_two_equally_frequent_categories_are_not_encoded_as_a_constant(tmp_path):
    """Four rows, categories a and b twice each: no category is seen 5 times, and frequency encoding made the
    constant `c__freq` = 0.5 (DA601 after, none before)."""
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "b"], "label": [0, 1, 0, 1]})
    result = _fix(tmp_path, frame)
    assert [c for c in result.frame.columns if c.startswith("c")] == ["c=b"]
    assert result.frame["c=b"].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert not [f for f in result.after.findings if f.rule == "DA601"]
    assert _created(result) == []


def test_equally_frequent_categories_each_get_a_column(tmp_path):
    frame = pd.DataFrame({"x": np.arange(6.0), "c": list("abcabc"), "label": [0, 1, 0, 1, 0, 1]})
    result = _fix(tmp_path, frame)
    assert [c for c in result.frame.columns if c.startswith("c=")] == ["c=a", "c=b", "c=c"]
    assert _created(result) == []


def test_columns_missing_in_the_same_rows_share_one_indicator(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    gaps = rng.random(n) < 0.2
    frame = pd.DataFrame({"x": np.where(gaps, np.nan, rng.normal(size=n).round(3)),
                          "z": np.where(gaps, np.nan, rng.normal(size=n).round(3)), "w": rng.normal(size=n).round(3),
                          "v": rng.normal(size=n).round(3), "label": rng.integers(0, 2, n)})
    result = _fix(tmp_path, frame)
    assert [c for c in result.frame.columns if c.endswith("__missing")] == ["x__missing"]
    assert "x__missing marks the same rows" in result.decisions()["impute"]["z"]
    assert _created(result) == []


@pytest.mark.parametrize("days", [20, 300])
def test_date_parts_that_only_repeat_the_days_are_left_out(tmp_path, days):
    """All in one month, the month is constant (DA601); all in one year, it rises with the days (DA605)."""
    rng = np.random.default_rng(0)
    n = 300
    when = pd.Timestamp("2024-01-05") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    frame = pd.DataFrame({"when": when.strftime("%Y-%m-%d"), "x": rng.normal(size=n).round(3),
                          "label": rng.integers(0, 2, n)})
    result = _fix(tmp_path, frame)
    assert "when__month" not in result.frame.columns
    assert {"when__dayofweek", "when__days"} <= set(result.frame.columns)
    assert _created(result) == []


def test_source_column_reads_the_derived_names():
    inputs = ["c", "c=x", "when", "speed", "income"]
    assert source_column("c=a", inputs) == "c"
    assert source_column("c=x=1", inputs) == "c=x"  # the longest input name it extends
    assert source_column("when__days", inputs) == "when"
    assert source_column("speed [km/h]", inputs) == "speed"
    assert source_column("income__missing", inputs) == "income"
    assert source_column("other", inputs) == "other"


def _source_column_by_scan(name, inputs):  # the definition: the longest input name that ``name`` extends
    best = None
    for column in inputs:
        if name == column or any(name.startswith(column + sep) for sep in ("=", "__", " [")):
            if best is None or len(column) > len(best):
                best = column
    return name if best is None else best


def test_source_column_by_its_prefixes_is_the_longest_input_it_extends():
    """``source_column`` looks up the prefixes of a name (linear in its length) instead of scanning every input: the
    same answers on names with several separators, in any order."""
    import itertools

    parts = ["a", "b", "=", "__", " [", "x]", "="]
    names = {"".join(p) for n in range(1, 5) for p in itertools.product(parts, repeat=n)}
    inputs = sorted(n for n in names if len(n) <= 4)[::3] + ["", "a=b__c", "a=b", "a"]
    for name in sorted(names) + ["a=b__c [x]", "a=b__c=1", "a__b=c"]:
        assert source_column(name, inputs) == _source_column_by_scan(name, inputs), name
        assert source_column(name, frozenset(inputs)) == _source_column_by_scan(name, inputs), name


def _finding(rule: str, *columns: str) -> Finding:
    return Finding(rule=rule, check="x", category=Category.REDUNDANCY, severity=Severity.MEDIUM,
                   column=columns[0] if columns else None, columns=columns, message="m", evidence={},
                   gradient_effect=GradientEffect.NONE, fix="none")


def test_new_after_fix_judges_by_rule_and_source_column():
    before = [_finding("DA602", "c"), _finding("DA603")]
    after = [_finding("DA602", "c=a"), _finding("DA601", "c=b"), _finding("DA603"), _finding("DA601", "label"),
             _finding("DA604", "x__missing", "c=a")]
    created = new_after_fix(before, after, ["c", "x", "label"], target="label")
    assert [(f.rule, f.columns) for f in created] == [("DA601", ("c=b",)), ("DA604", ("x__missing", "c=a"))]


def test_a_missing_indicator_beside_its_imputed_value_is_no_new_recoding():
    """The imputer's ``x__missing`` marks exactly where ``x`` (and ``z``, missing with it) got one value: DA606 by
    construction. A recoding between two other outputs is still new."""
    after = [_finding("DA606", "x", "x__missing"), _finding("DA606", "z", "x__missing"),
             _finding("DA606", "x", "z"), _finding("DA606", "c=a", "x")]
    created = new_after_fix([], after, ["c", "x", "z", "label"], target="label")
    assert [f.columns for f in created] == [("x", "z"), ("c=a", "x")]


def test_fix_report_lists_findings_the_fix_created_in_every_format(tmp_path):
    """Two columns holding the same dates, one in two formats: parsing shows them identical (DA604), which the
    input's scan could not see. The fix cannot drop what it finds only after the drop step, so it says so."""
    rng = np.random.default_rng(0)
    n = 400
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    written = np.where(rng.random(n) < 0.3, days.strftime("%d/%m/%Y"), days.strftime("%Y-%m-%d"))
    frame = pd.DataFrame({"when": written, "truth": days.strftime("%Y-%m-%d"), "x": rng.normal(size=n),
                          "label": rng.integers(0, 2, n)})
    result = _fix(tmp_path, frame)
    created = _created(result)
    assert created and {rule for rule, _ in created} == {"DA604"}
    assert ("DA604", ("when__days", "truth__days")) in created
    text = render(result, "text")
    assert "New after the fix (not found in the input):" in text and "DA604 duplicate-columns" in text
    assert "when__days, truth__days" in render(result, "markdown")
    assert "New after the fix (not found in the input): 3." in render(result, "html")
    data = json.loads(render(result, "json"))
    assert {f["rule"] for f in data["new_after_fix"]} == {"DA604"}


def test_fix_report_says_none_when_the_fix_created_nothing(tmp_path):
    result = _fix(tmp_path, clean_frame(np.random.default_rng(0), 300))
    assert "New after the fix (not found in the input): none" in render(result, "text")
    assert json.loads(render(result, "json"))["new_after_fix"] == []


def _tiny_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 30
    return {
        "two categories, 4 rows": pd.DataFrame({"x": [1.0, 2, 3, 4], "c": list("abab"), "label": [0, 1, 0, 1]}),
        "two categories, 3 to 1": pd.DataFrame({"x": [1.0, 2, 3, 4], "c": list("abaa"), "label": [0, 1, 0, 1]}),
        "three equal categories": pd.DataFrame({"x": np.arange(6.0), "c": list("abcabc"), "label": [0, 1] * 3}),
        "one rare category": pd.DataFrame({"x": rng.normal(size=20).round(3), "c": ["a"] * 19 + ["b"],
                                           "label": rng.integers(0, 2, 20)}),
        "one value off the median": pd.DataFrame({"x": [1.0] * 19 + [5.0], "y": rng.normal(size=20).round(3),
                                                  "label": rng.integers(0, 2, 20)}),
        "near-constant number": pd.DataFrame({"x": [1.0] * 27 + [5.0, 6.0, 7.0], "y": rng.normal(size=n).round(3),
                                              "label": rng.integers(0, 2, n)}),
        "imputed into one value": pd.DataFrame({"x": [1.0] * 10 + [np.nan] * 10, "y": rng.normal(size=20).round(3),
                                                "label": rng.integers(0, 2, 20)}),
        "missing together": pd.DataFrame({"x": [np.nan] * 6 + list(rng.normal(size=24).round(3)),
                                          "z": [np.nan] * 6 + list(rng.normal(size=24).round(3)),
                                          "w": rng.normal(size=n).round(3), "label": rng.integers(0, 2, n)}),
        "category with gaps": pd.DataFrame({"x": rng.normal(size=20).round(3), "c": ["a"] * 8 + ["b"] * 8 + [None] * 4,
                                            "label": rng.integers(0, 2, 20)}),
        "dates in one week": pd.DataFrame({"when": pd.date_range("2024-03-04", periods=n, freq="5h").strftime(
            "%Y-%m-%d %H:%M"), "x": rng.normal(size=n).round(3), "label": rng.integers(0, 2, n)}),
    }


@pytest.mark.parametrize("name", sorted(_tiny_tables()))
def test_fix_creates_no_finding_on_tiny_tables(tmp_path, name):
    assert _created(_fix(tmp_path, _tiny_tables()[name])) == []


@pytest.mark.parametrize("n", [8, 30, 100, 1000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fix_creates_no_finding_on_generated_tables(tmp_path, n, seed):
    rng = np.random.default_rng(seed)
    assert _created(_fix(tmp_path, clean_frame(rng, n))) == []
    if n >= 100:  # smaller, a heavy tail clipped at median ± 3.5·MAD piles up at the bound (DA103; not fixed yet)
        created = _created(_fix(tmp_path, imbalanced_frame(rng, n)))
        # known and left: clipping sends different values to one bound, so two rows that differed only in the
        # clipped value can become one row twice (a low DA603 for one row of 1,000)
        assert [rule for rule, _ in created if rule != "DA603"] == []


ORDINARY = {case.name: case for case in make_ordinary.CASES if case.name != "mixed_dates.csv"}  # see above


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory):
    return make_ordinary.write(tmp_path_factory.mktemp("ordinary"))


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_fix_creates_no_finding_on_ordinary_files(ordinary, name):
    result = fix(ordinary[name], target=ORDINARY[name].target, options=PLAIN)
    assert _created(result) == []
