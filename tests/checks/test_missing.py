"""DA1xx evidence and edge cases beyond fire/silent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.core.measures import find_sentinels
from dataaudit.core.stats import NumericStats

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


def test_survey_non_response_written_as_a_category_is_missing(tmp_path, rng):
    """PSID's 'NA/DF' (not ascertained, don't know) and "Don't know" among marital statuses are missing values;
    'DK' (Denmark) among countries and 'refused' among loan decisions are real values."""
    f = clean_frame(rng, 600)
    f["married"] = rng.choice(["married", "never married", "divorced", "NA/DF", "Don't know"], 600,
                              p=[0.6, 0.2, 0.16, 0.02, 0.02])
    f["country"] = rng.choice(["DK", "SE", "NO", "FI"], 600)
    f["decision"] = rng.choice(["approved", "refused"], 600)
    (found,) = scan(write_csv(tmp_path / "t.csv", f), select=["DA102"]).findings
    assert found.column == "married" and set(found.evidence["tokens"]) == {"NA/DF", "Don't know"}


def test_missing_labels_are_their_own_finding_whose_fix_drops_the_rows(tmp_path, rng):
    f = clean_frame(rng, 300).astype({"label": "object"})
    f.loc[:9, "label"] = np.nan
    f.loc[10:14, "label"] = "?"
    report = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA101", "DA102", "DA106"])
    assert [(x.rule, x.column, x.evidence["count"]) for x in report.findings] == [("DA106", "label", 15)]
    assert report.findings[0].fix == "drop" and "without a target value" in report.findings[0].message


def test_encoding_rules_leave_the_target_alone(tmp_path, rng):
    f = clean_frame(rng, 300)
    f["label"] = np.where(f["label"] == 1, "yes", "no")  # a yes/no label is a label, not a boolean feature
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA4"]).findings == []


@pytest.mark.parametrize("share,severity", [(0.15, "medium"), (0.05, "low"), (0.004, "low")])
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


# --- values the settings declare missing (columns.<name>.missing-values) -----------------------------------


def _with_minus_one(rng, n=1000):
    """`x` and `y` hold -1 for "unknown" in 6% of rows, far below their bulk (about 50)."""
    x = rng.normal(50, 2, n).round(2)
    y = rng.normal(50, 2, n).round(2)
    x[:60] = -1
    y[:60] = -1
    return pd.DataFrame({"x": x, "y": y, "z": rng.normal(0, 1, n).round(3)})


def test_declared_value_is_missing_and_no_longer_a_sentinel_or_outlier(tmp_path, rng):
    path = write_csv(tmp_path / "t.csv", _with_minus_one(rng))
    report = scan(path, missing_values={"x": [-1], "absent_column": ["?"]})
    on_x = {f.rule: f for f in report.findings if f.column == "x"}
    assert set(on_x) == {"DA101"}  # not DA103, DA201 or DA203: the -1s are gone from the values they judge
    assert on_x["DA101"].evidence == {"count": 60, "fraction": 0.06, "declared_missing": {"-1": 60}}
    assert on_x["DA101"].message == "60 values (6.0%) missing (all declared missing in the settings: -1 ×60)"
    columns = {c["name"]: c for c in report.columns}
    assert columns["x"]["missing_count"] == 60 and columns["x"]["min"] > 40
    # the same values in an undeclared column keep today's verdict
    assert {f.rule for f in report.findings if f.column == "y"} == {"DA103"}
    assert "declared_missing" not in columns["y"]


def test_declared_values_match_numbers_numerically_and_strings_stripped(tmp_path, rng):
    n = 400
    city = rng.choice(["north", "south"], n).astype(object)
    city[:5], city[5:8], city[8:10], city[10:12], city[12:14] = "-1", " -1.0 ", "unknown ", "Unknown", "-1x"
    code = rng.integers(1, 9, n).astype(float)
    code[:7] = -1.0
    path = write_csv(tmp_path / "t.csv", pd.DataFrame({"city": city, "code": code}))
    report = scan(path, select=["DA101"], missing_values={"city": [-1, "unknown"], "code": ["-1"]})
    found = {f.column: f.evidence for f in report.findings}
    assert found["city"]["declared_missing"] == {"-1": 8, "unknown": 2}  # case matters; '-1x' is not -1
    assert found["code"]["declared_missing"] == {"-1": 7}  # the string '-1' matches the number -1.0


def test_declared_values_from_python_are_checked_before_reading(tmp_path):
    from dataaudit import UsageError

    with pytest.raises(UsageError, match="missing values of column 'x' must be a list of numbers or strings"):
        scan(tmp_path / "never_read.csv", missing_values={"x": "n/a"})
    with pytest.raises(UsageError, match="not one holding bool True"):
        scan(tmp_path / "never_read.csv", missing_values={"x": [True]})


def test_scan_frame_takes_declared_values_too(rng):
    from dataaudit.analysis.pipeline import scan_frame

    report = scan_frame(_with_minus_one(rng), select=["DA1"], missing_values={"x": [-1.0]})
    assert {(f.rule, f.column) for f in report.findings} == {("DA101", "x"), ("DA103", "y")}


def test_arrow_and_pandas_replacement_agree():
    """scan/fix replace on the Arrow table, apply on the pandas frame: the same cells must go."""
    import pyarrow as pa

    from dataaudit.core.declared_missing import mark_frame, mark_table
    from dataaudit.io.read import to_frame

    table = pa.table({"n": pa.array([1, -1, 3, None, -1], pa.int64()), "f": [1.5, -1.0, 2.0, 0.0, None],
                      "t": ["x", " -1 ", "-1.0", "unknown", None], "b": [True, False, None, True, True]})
    declared = {"n": [-1], "f": ["-1", 0], "t": [-1, " unknown"], "b": [-1, "True"], "gone": [1]}
    marked, counts = mark_table(table, declared)
    frame, frame_counts = mark_frame(to_frame(table), declared)
    pd.testing.assert_frame_equal(to_frame(marked), frame)
    assert counts == frame_counts == {"n": {"-1": 2}, "f": {"-1": 1, "0": 1}, "t": {"-1": 2, "unknown": 1}}
    assert frame["t"].isna().tolist() == [False, True, True, True, True]


def _scan(tmp_path, frame, code):
    return scan(write_csv(tmp_path / "t.csv", frame), target="label", select=[code]).findings


def test_zeros_that_mean_not_measured_are_sentinels(tmp_path, rng):
    f = clean_frame(rng, 1200)
    lab = rng.uniform(40, 300, 1200).round(1)  # real values run 40-300
    lab[rng.random(1200) < 0.35] = 0.0  # a third of the rows: not measured
    f["cholesterol"] = lab
    found = [x for x in _scan(tmp_path, f, "DA103") if x.column == "cholesterol"]
    assert len(found) == 1 and found[0].evidence["value"] == 0.0


def test_legitimate_zeros_stay_quiet(tmp_path, rng):
    f = clean_frame(rng, 1200)
    f["visits"] = rng.poisson(1.5, 1200)  # a count: its zeros sit next to ones and twos
    f["coapplicant_income"] = np.where(rng.random(1200) < 0.4, 0.0, rng.lognormal(8, 1.2, 1200).round(0))
    f["hours_per_week"] = np.where(rng.random(1200) < 0.3, 0, rng.integers(1, 60, 1200))
    assert [x.column for x in _scan(tmp_path, f, "DA103")] == []


def test_fix_treats_zeros_that_mean_not_measured_as_missing(tmp_path, rng):
    from dataaudit import FixOptions, fix

    f = clean_frame(rng, 1200)
    lab = rng.uniform(40, 300, 1200).round(1)
    zero = rng.random(1200) < 0.35
    lab[zero] = 0.0
    f["cholesterol"] = lab
    out = fix(write_csv(tmp_path / "t.csv", f), target="label", options=FixOptions(scaler="none", outliers="none"))
    fixed = out.pre_resample
    assert (fixed["cholesterol__missing"].to_numpy() == zero).all()  # the zeros became missing, marked
    assert fixed.loc[zero, "cholesterol"].min() >= 40  # and were imputed from the real values


def test_a_placeholder_beside_the_two_levels_of_a_flag_is_a_sentinel(tmp_path, rng):
    f = clean_frame(rng, 2000)
    f["meets_guidelines"] = (rng.random(2000) < 0.9).astype(int)
    f.loc[[5, 77], "meets_guidelines"] = 666  # twice in 2,000 rows: too rare for a spike, but a flag has no 666
    f["smoker"] = rng.choice([1, 2], 2000)
    f.loc[rng.choice(2000, 30, replace=False), "smoker"] = 9  # 1 = yes, 2 = no, 9 = unknown
    found = {x.column: x for x in _scan_rule(tmp_path, f, "DA103")}
    assert set(found) == {"meets_guidelines", "smoker"}
    assert found["meets_guidelines"].evidence["value"] == 666 and found["meets_guidelines"].severity == 2
    assert found["smoker"].evidence["count"] == 30


def test_third_levels_that_are_real_values_are_not_sentinels(tmp_path, rng):
    f = clean_frame(rng, 2000)
    f["dose_mg"] = rng.choice([0, 1, 10], 2000)  # three dose groups, log-spaced: each a real level
    f["cars"] = rng.choice([0, 1], 2000)
    f.loc[[3, 4], "cars"] = 5  # a rare but real count, not a placeholder's shape
    f["grade"] = rng.choice([0, 1, 2], 2000)
    f["unknown_often"] = rng.choice([0, 1, 9], 2000, p=[0.4, 0.2, 0.4])  # as frequent as a level: a level
    assert _scan_rule(tmp_path, f, "DA103") == []


def _scan_rule(tmp_path, frame, code):
    return scan(write_csv(tmp_path / "t.csv", frame), target="label", select=[code]).findings


def test_a_999_in_most_rows_beside_real_values_is_a_placeholder(tmp_path):
    rng = np.random.default_rng(21)
    n = 1000
    bound = rng.choice([2, 5, 20, 50, 100, 250], n).astype(float)
    f = pd.DataFrame({"upper": np.where(rng.random(n) < 0.6, 999, bound),  # 999: no upper bound, 60% of rows
                      "score": np.where(rng.random(n) < 0.6, 100, rng.integers(40, 100, n)),  # a cap at 100: real
                      "hours": np.where(rng.random(n) < 0.95, 0, rng.integers(1, 40, n)),  # mostly zero: real
                      "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert [(x.column, x.evidence["value"]) for x in found] == [("upper", 999)]


def test_a_zero_in_the_log_of_whole_numbers_is_log_one_not_a_placeholder(tmp_path):
    rng = np.random.default_rng(22)
    n = 1500
    months = np.maximum(1, rng.lognormal(3.0, 0.8, n).round())
    months[:8] = 1  # eight stays of one month: log 1 = 0, the next step below log 2
    f = pd.DataFrame({"lmonths": np.log(months).astype(np.float32),
                      "lincome": np.log(rng.lognormal(10, 0.3, n)),  # a log of amounts, 1% zeros far below it
                      "label": rng.integers(0, 2, n)})
    f.loc[rng.choice(n, 15, replace=False), "lincome"] = 0.0
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert [x.column for x in found] == ["lincome"]


def test_a_rare_word_token_in_free_text_may_be_a_title(tmp_path):
    rng = np.random.default_rng(23)
    n = 3000
    words = np.array(["red", "river", "night", "city", "lost", "king", "summer", "dark", "home", "road", "star"])
    titles = pd.Series([" ".join(w) for w in rng.choice(words, (n, 3))]) + " " + pd.Series(np.arange(n)).astype(str)
    f = pd.DataFrame({"title": titles, "comment": titles.str.upper(), "genre": rng.choice(["drama", "comedy"], n),
                      "label": rng.integers(0, 2, n)})
    f.loc[7, "title"] = "Missing"  # a film called Missing: one row in 3,000 of free text
    f.loc[[3, 9], "comment"] = "N/A"  # not a word: a placeholder wherever it is
    f.loc[11, "genre"] = "Missing"  # a category of two levels: no title could be called that
    found = {x.column: x.severity for x in scan(write_csv(tmp_path / "t.csv", f), target="label",
                                                select=["DA102"]).findings}
    assert found == {"title": 1, "comment": 2, "genre": 2}


def test_a_few_zeros_far_below_every_real_size_are_not_measured(tmp_path):
    rng = np.random.default_rng(24)
    n = 20_000
    x = rng.normal(5.7, 1.1, n).clip(3.7, 10.7).round(2)  # a stone's length in mm
    x[rng.choice(n, 8, replace=False)] = 0.0  # 8 stones of length 0: not measured
    fee = rng.lognormal(3.0, 1.0, n).round(2)
    fee[:30] = 0.0  # a few waived fees: 0 next to fees of cents and dollars, not far from them
    visits = rng.poisson(2.5, n)  # a count: its 0 is the next step below 1
    f = pd.DataFrame({"length": x, "fee": fee, "visits": visits, "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert [(s.column, s.severity) for s in found] == [("length", 2)]


def test_a_value_on_the_rows_of_another_columns_placeholder_is_the_same_code(tmp_path):
    rng = np.random.default_rng(25)
    n = 600
    a1 = rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.05, 0.4, 0.3, 0.2])  # the smaller allele: 0 looks like the next step
    a2 = np.maximum(a1, rng.choice([3, 5, 6, 7, 8, 8, 8, 8, 9, 9, 10, 13], n))  # the larger: mostly 7-9, 0 far below
    failed = rng.choice(n, 25, replace=False)  # not genotyped: 0/0
    a1[failed], a2[failed] = 0, 0
    hours = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 60, n))  # not working: 0 hours and 0 wage, real zeros
    wage = np.where(hours == 0, 0, rng.lognormal(2.5, 1.0, n).round(2))
    visits = rng.poisson(2, n)
    visits[failed[:10]] = 0  # zeros on some of the failed rows, and many elsewhere: no shared code
    f = pd.DataFrame({"locus.a1": a1, "locus.a2": a2, "hours": hours, "wage": wage, "visits": visits,
                      "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert sorted((s.column, s.columns, s.severity) for s in found) == [
        ("locus.a1", ("locus.a1", "locus.a2"), 2), ("locus.a2", ("locus.a2",), 3)]


def test_zeros_on_the_same_rows_of_two_codes_numbered_from_1_are_one_missing_code(tmp_path):
    """Two alleles numbered from 1 whose 0s fall on the same failed genotypes (0 beside 1, 2, 3: ordinary alone)
    are each the missing code; honest zeros stay quiet: hours and weeks not worked (0 in the same rows, but many
    values), survey items 1-5 skipped in different rows, and a count beside its coarser recoding (r 0.95)."""
    rng = np.random.default_rng(26)
    n = 600
    a1 = rng.choice([1, 2, 3, 4, 5], n, p=[0.3, 0.3, 0.2, 0.1, 0.1])
    a2 = np.maximum(a1, rng.choice([1, 2, 3, 4, 5, 6], n))
    failed = rng.choice(n, 30, replace=False)
    a1[failed], a2[failed] = 0, 0
    worked = rng.random(n) < 0.85
    hours = np.where(worked, rng.integers(5, 60, n), 0)
    weeks = np.where(worked, rng.integers(1, 53, n), 0)
    items = {f"q{i}": np.where(rng.random(n) < 0.05, 0, rng.integers(1, 6, n)) for i in range(1, 4)}
    kids = np.where(rng.random(n) < 0.1, 0, rng.integers(1, 9, n))
    f = pd.DataFrame({"locus.a1": a1, "locus.a2": a2, "hours": hours, "weeks": weeks, **items, "kids": kids,
                      "kids_band": np.minimum(kids, 3), "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert sorted(s.column for s in found) == ["locus.a1", "locus.a2"]
    assert all(s.evidence["kind"] == "paired-zero-code" and s.severity == 2 for s in found)


def _trial_answers(rng, n: int = 300) -> pd.DataFrame:
    """A trial's outcome in words: None (no improvement, half the patients), Some and Marked."""
    return pd.DataFrame({"treatment": rng.choice(["Placebo", "Treated"], n), "age": rng.integers(23, 75, n),
                         "improved": rng.choice(["None", "Some", "Marked"], n, p=[0.5, 0.17, 0.33])})


def test_a_target_level_named_none_beside_word_labels_is_a_class(tmp_path):
    from dataaudit.api import apply_recipe, fix
    from dataaudit.fixing.options import FixOptions
    from dataaudit.fixing.recipe import Recipe

    f = _trial_answers(np.random.default_rng(31))
    path = write_csv(tmp_path / "t.csv", f)
    report = scan(path, target="improved")
    assert not [x for x in report.findings if x.rule == "DA106"]
    assert report.profile.target.classes["None"] == int((f["improved"] == "None").sum())
    assert report.profile.target.levels == ["None"]
    (imbalance,) = [x for x in report.findings if x.rule == "DA301"]
    assert "'None'" in imbalance.message  # the majority class, not a gap
    result = fix(path, target="improved", output=tmp_path / "out.csv", recipe_path=tmp_path / "r.json",
                 options=FixOptions(resample="none"))
    assert result.rows["missing_target_dropped"] == 0 and result.recipe.target_levels == ["None"]
    assert Recipe.load(tmp_path / "r.json").target_levels == ["None"]
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert (out["improved"] == "None").sum() > 0
    scored, _ = apply_recipe(Recipe.load(tmp_path / "r.json"), path)
    assert len(scored) == len(f)


def test_none_is_a_missing_label_beside_numbers_or_when_rare(tmp_path):
    rng = np.random.default_rng(32)
    f = _trial_answers(rng).astype({"improved": "object"})
    f["improved"] = np.where(f["improved"] == "None", "Some", f["improved"])
    f.loc[:1, "improved"] = "None"  # two stray cells: a gap, not a class
    f.loc[2:4, "improved"] = "?"
    (missing,) = scan(write_csv(tmp_path / "t.csv", f), target="improved", select=["DA106"]).findings
    assert missing.evidence["count"] == 5
    g = f.assign(improved=rng.integers(0, 2, len(f)).astype(str))
    g.loc[:19, "improved"] = "None"  # beside the labels 0 and 1: Python's None written out, a missing label
    (missing,) = scan(write_csv(tmp_path / "g.csv", g), target="improved", select=["DA106"]).findings
    assert missing.evidence["count"] == 20


def test_none_among_word_categories_may_be_a_level(tmp_path):
    rng = np.random.default_rng(33)
    n = 400
    f = pd.DataFrame({"vitamins": rng.choice(["enriched", "100%", "none"], n, p=[0.8, 0.12, 0.08]),
                      "dose": rng.normal(5, 1, n).round(2).astype(str), "label": rng.integers(0, 2, n)})
    f.loc[:9, "dose"] = "none"  # a gap in a column of numbers: a placeholder
    found = {x.column: x for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA102"]).findings}
    assert found["vitamins"].severity == 1 and "may name a level" in found["vitamins"].message
    assert found["dose"].severity == 3


def test_the_top_of_a_scale_is_its_next_step_not_a_placeholder(tmp_path):
    """Years of schooling 7 to 17 in half years (a few imputed fractions), and 18 (a degree) in 6% of the rows,
    more than three typical values together: the next step of the scale, not a code. A 25 after the same scale
    is detached (more than twice the scale's own steps away)."""
    rng = np.random.default_rng(34)
    levels = {7: 18, 8.5: 3, 9: 881, 10: 82, 10.5: 1384, 10.81: 3, 11: 378, 11.44: 2, 11.5: 397, 11.82: 4, 12: 203,
              13: 64, 13.5: 22, 14: 41, 14.5: 49, 15: 81, 16: 32, 17: 9}
    educ = np.concatenate([np.full(c, v, dtype=float) for v, c in levels.items()] + [np.full(221, 18.0)])
    f = pd.DataFrame({"educ": rng.permutation(educ), "label": rng.integers(0, 2, educ.size)})
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings == []
    f["educ"] = f["educ"].replace(18.0, 25.0)
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert found.column == "educ" and found.evidence["value"] == 25


def test_a_measured_value_many_rows_share_is_not_a_placeholder_but_a_typed_code_is(tmp_path):
    """A site's catch rate 0.4522 shared by a fifth of the anglers, above the other sites' rates, and the log of a
    constant (-23.03 = log 1e-10) standing for none: real values written with four significant digits. A 99
    in the same place is typed for unknown."""
    rng = np.random.default_rng(52)
    n = 1200
    f = clean_frame(rng, n)
    f["cpier"] = np.where(rng.random(n) < 0.22, 0.4522, rng.gamma(2.0, 0.03, n).clip(0.0014, 0.1498).round(4))
    f["nd2"] = np.where(rng.random(n) < 0.14, np.log(1e-10), rng.normal(-3, 1.5, n).clip(-8, 0.37)).round(4)
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings == []
    f["cpier"] = f["cpier"].replace(0.4522, 99.0)
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert found.column == "cpier" and found.evidence["value"] == 99.0


def test_a_mean_filled_in_before_the_file_was_written_is_a_disguised_gap(tmp_path):
    """A standardised score whose unknowns were set to 0 (a fifth of the rows; no other value in more than a few),
    and a 0/1 flag whose unknowns hold its mean (0.182331): fix makes both missing again."""
    rng = np.random.default_rng(27)
    n = 1500
    score = rng.normal(0, 1, n).round(6)
    score[rng.random(n) < 0.2] = 0.0
    clerical = (rng.random(n) < 0.18).astype(float)
    unknown = rng.random(n) < 0.25
    clerical[unknown] = round(float(clerical[~unknown].mean()), 6)
    f = pd.DataFrame({"score": score, "clerical": clerical, "label": rng.integers(0, 2, n)})
    found = {h.column: h for h in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings}
    assert set(found) == {"score", "clerical"} and found["score"].evidence["kind"] == "lone-spike"
    assert found["clerical"].evidence["kind"] == "flag-mean" and found["clerical"].severity == 2


def test_honest_heaps_and_middle_levels_are_no_filled_in_value(tmp_path):
    """A replacement rate heaped at the usual 50% (some ten times any state's own rate), weekly hours heaped at 40 (whole
    numbers), measurement times 1, 3, 5 (3 is the mean of a balanced design), a flag with a typed 0.5 for
    'shared', and a lognormal amount stay quiet."""
    rng = np.random.default_rng(28)
    n = 1500
    rate = rng.choice(rng.uniform(0.2, 0.8, 60).round(4), n)  # each state's own rate, shared by its claimants
    rate[rng.random(n) < 0.12] = 0.5
    hours = np.where(rng.random(n) < 0.45, 40, rng.integers(10, 70, n))
    f = pd.DataFrame({"rate": rate, "hours": hours, "time": np.tile([1, 3, 5], n // 3),
                      "owner": rng.choice([0.0, 0.5, 1.0], n, p=[0.45, 0.1, 0.45]),
                      "amount": rng.lognormal(3, 1, n).round(2), "label": rng.integers(0, 2, n)})
    found = [h for h in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
             if h.evidence.get("kind") in ("lone-spike", "flag-mean")]
    assert found == []


def test_a_filled_in_value_beside_the_indicator_of_its_rows_hides_nothing(tmp_path):
    """Once fix has imputed a median, its indicator ``<col>__missing`` marks the filled rows (a few real values equal
    to the median aside): the gaps are recorded, so the spike is no disguised gap."""
    rng = np.random.default_rng(29)
    n = 1500
    score = rng.normal(0, 1, n).round(6)
    gaps = rng.random(n) < 0.2
    score[gaps] = 0.0
    f = pd.DataFrame({"score": score, "score__missing": gaps.astype(float), "label": rng.integers(0, 2, n)})
    assert [h for h in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
            if h.evidence.get("kind") == "lone-spike"] == []


def test_a_negative_whole_code_beside_values_never_below_zero_is_a_placeholder(tmp_path):
    """Rear headroom in inches (0 to 4 in halves, 2 typical) holds -2 for the two-seaters, which have no rear seat:
    a code, detached below values that are never negative. A difference that is negative in many rows stays quiet."""
    rng = np.random.default_rng(30)
    n = 300
    head = rng.choice(np.arange(0, 4.5, 0.5), n, p=[0.03, 0.05, 0.1, 0.15, 0.3, 0.15, 0.1, 0.07, 0.05])
    head[rng.choice(n, 5, replace=False)] = -2.0
    change = rng.normal(1.5, 1.2, n).round(1)  # a change: negative in a tenth of the rows, no code
    f = pd.DataFrame({"rear_hd": head, "change": change, "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert [(s.column, s.evidence["value"]) for s in found] == [("rear_hd", -2.0)]


def test_a_flag_with_part_year_values_has_levels_not_placeholders(tmp_path):
    """A law in force (1), not (0), or for part of the year (0.25 ... 0.75) in a state-year panel, and a share of
    arrests convicted (0 to 1, both ends common): their 0s and 1s are levels, not codes for missing."""
    rng = np.random.default_rng(34)
    n = 1200
    law = rng.choice([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0], n, p=[0.35, 0.01, 0.01, 0.03, 0.01, 0.01, 0.58]).round(3)
    share = np.where(rng.random(n) < 0.3, 0.0, np.where(rng.random(n) < 0.3, 1.0, rng.uniform(0.1, 0.7, n).round(4)))
    f = pd.DataFrame({"bac10": law, "pcnv": share, "label": rng.integers(0, 2, n)})
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings == []


def test_the_log_of_a_floor_put_in_for_zeros_is_a_placeholder(tmp_path):
    """A log premium whose zeros were set to log(0.001) before the logs (a fifth of the rows, below the rest) is a
    placeholder; a log amount without a floor stays quiet."""
    rng = np.random.default_rng(35)
    n = 300
    premium = np.log(rng.lognormal(-1.5, 1.0, n)).round(6)
    premium[rng.random(n) < 0.2] = round(float(np.log(0.001)), 6)
    f = pd.DataFrame({"lpremium": premium, "lamount": np.log(rng.lognormal(3, 1, n)).round(6),
                      "label": rng.integers(0, 2, n)})
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA103"]).findings
    assert [(s.column, round(s.evidence["value"], 4)) for s in found] == [("lpremium", -6.9078)]


def test_one_big_groups_attributes_are_not_placeholders_but_a_lone_spike_still_is(tmp_path, rng):
    """Pairs of nations at war, one row per pair: the largest war's 89 pairs each carry its 90 pairs and 3,010
    pair-months, far above every other war's (1-44, 1-1,444), on exactly the same rows: one group's attributes, not
    a code for unknown. The same 3,010 alone in one column, on rows no other spike shares, is still reported."""
    n = 800
    wars = rng.integers(0, 120, n)
    pairs = np.minimum(rng.geometric(0.4, 120), 44)[wars]
    months = np.minimum(rng.lognormal(3.5, 1.2, 120).round() + 1, 1444)[wars]
    big = np.arange(n) < 89
    f = pd.DataFrame({"pairs": np.where(big, 90, pairs), "monthsPairs": np.where(big, 3010, months),
                      "deaths": rng.lognormal(8, 1, n).round(), "y": rng.normal(size=n).round(3)})
    assert scan(write_csv(tmp_path / "t.csv", f), target="y", select=["DA103"]).findings == []
    f["pairs"] = pairs
    (hit,) = scan(write_csv(tmp_path / "u.csv", f), target="y", select=["DA103"]).findings
    assert hit.column == "monthsPairs" and hit.evidence["value"] == 3010
