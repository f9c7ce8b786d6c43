"""DA4xx: formats of numeric text, spelling groups, mojibake repair, mixed columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit import scan

from ..conftest import clean_frame, write_csv


def _scan(tmp_path, frame, code, **kw):
    return scan(write_csv(tmp_path / "t.csv", frame, kw.pop("encoding", "utf-8")), select=[code], **kw).findings


def test_numbers_as_text_names_formats(tmp_path, rng):
    f = clean_frame(rng, 400)
    f["income"] = [f"${v:,.0f}" for v in rng.uniform(20_000, 90_000, 400)]
    f["rate"] = [f"{v:.1f}%" for v in rng.uniform(0, 30, 400)]
    found = {x.column: x for x in _scan(tmp_path, f, "DA401")}
    assert set(found) == {"income", "rate"}
    assert {"currency", "thousands_separator"} <= set(found["income"].evidence["formats"])
    assert set(found["rate"].evidence["formats"]) == {"percent"}


def test_decimal_comma_column(tmp_path, rng):
    f = clean_frame(rng, 300)
    f["weight"] = [f"{v:.2f}".replace(".", ",") for v in rng.uniform(1, 90, 300)]
    (finding,) = _scan(tmp_path, f, "DA401")
    assert finding.evidence["decimal_comma"] is True


def test_many_multi_word_labels_that_repeat_are_a_category_not_free_text(tmp_path, rng):
    """60 country names, most of two words, in 1,000 rows (6% distinct): a category of many values (DA405),
    which fix encodes; names that are mostly distinct are free text (DA414)."""
    f = clean_frame(rng, 1000)
    countries = [f"{a} {b}" for a in ("United", "South", "New", "North", "West", "East") for b in
                 ("Korea", "Island", "Guinea", "Zealand", "Sudan", "Kingdom", "Africa", "Timor", "Bank", "Macedonia")]
    f["country"] = rng.choice(countries, 1000)
    report = scan(write_csv(tmp_path / "t.csv", f), target="label")
    assert report.profile.columns["country"].inferred_type == "categorical"
    assert {x.rule for x in report.findings if x.column == "country"} & {"DA414"} == set()
    f["country"] = [f"{c} {i}" for i, c in enumerate(rng.choice(countries, 1000))]  # every value its own
    assert "DA414" in {x.rule for x in scan(write_csv(tmp_path / "u.csv", f), target="label").findings
                       if x.column == "country"}


def test_mostly_numeric_column_with_stray_words_is_mixed(tmp_path, rng):
    f = clean_frame(rng, 500)
    qty = rng.integers(1, 100, 500).astype(str)
    qty[:25] = "see notes"
    (finding,) = _scan(tmp_path, f.assign(qty=qty), "DA402")
    assert finding.column == "qty"
    assert finding.evidence["examples"][0]["value"] == "see notes"


def test_spelling_groups_list_variants_most_frequent_first(tmp_path, rng):
    f = clean_frame(rng, 600)
    f["plan"] = np.where(np.arange(600) < 500, "Basic", np.where(np.arange(600) < 550, "BASIC", " basic"))
    (finding,) = _scan(tmp_path, f, "DA403")
    (group,) = finding.evidence["examples"]
    assert group["variants"] == {"Basic": 500, " basic": 50, "BASIC": 50}
    assert list(group["variants"]) == ["Basic", " basic", "BASIC"]
    assert finding.evidence["rows_affected"] == 100


def test_mojibake_examples_carry_the_repair(tmp_path, rng):
    f = clean_frame(rng, 300)
    f["city"] = rng.choice(["SÃ£o Paulo", "Berlin"], 300)
    (finding,) = _scan(tmp_path, f, "DA409")
    assert finding.evidence["examples"][0]["repaired"] == "São Paulo"


def test_cp1252_file_loads_and_is_flagged(tmp_path, rng):
    f = clean_frame(rng, 200).assign(name=rng.choice(["José", "Müller"], 200))
    report = scan(write_csv(tmp_path / "t.csv", f, "cp1252"))
    assert report.dataset["encoding"] == "cp1252"
    assert "DA411" in {x.rule for x in report.findings}
    names = {c["name"]: c for c in report.columns}
    assert names["name"]["inferred_type"] == "categorical"
    assert "DA409" not in {x.rule for x in report.findings}  # decoded correctly: no garbling


def test_iso_dates_parsed_by_the_reader_still_count_as_text(tmp_path, rng):
    f = clean_frame(rng, 200)
    f["day"] = (pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 300, 200), unit="D")).strftime("%Y-%m-%d")
    (finding,) = _scan(tmp_path, f, "DA406")
    assert finding.column == "day"


def test_parquet_datetime_is_not_text(tmp_path, rng):
    f = clean_frame(rng, 200)
    f["day"] = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 300, 200), unit="D")
    path = tmp_path / "t.parquet"
    f.to_parquet(path)
    assert scan(path, select=["DA406"]).findings == []


def test_measurement_in_a_small_unit_is_not_integer_codes(tmp_path, rng):
    """Values like 2,430,000 (2.43 recorded in micro-units) are fixed-width and sparse, but all multiples
    of 100: a measurement, not codes; real codes (zip 90210) are not so round."""
    f = clean_frame(rng, 300)
    f["ash_micro"] = np.rint(rng.normal(2.4, 0.3, 300).round(2) * 1_000_000).astype(int)
    f["zip"] = rng.choice(rng.integers(10000, 99999, 40), 300)
    assert [x.column for x in _scan(tmp_path, f, "DA408")] == ["zip"]


def test_nominal_attributes_stored_as_integers_are_codes(tmp_path, rng):
    f = clean_frame(rng, 600)
    f["race"] = rng.choice([1, 2, 3], 600, p=[0.7, 0.2, 0.1])  # 1 = white, 2 = black, 3 = other
    f["mother_religion"] = rng.integers(1, 6, 600)
    f["race_time"] = rng.integers(3_000, 3_400, 600)  # seconds: a measurement that merely mentions a race
    f["marital_years"] = rng.integers(0, 40, 600)
    f["age"] = rng.integers(18, 90, 600)
    f["children"] = rng.poisson(1.5, 600)
    f["inst"] = rng.choice([1, 3, 5, 6, 7, 11, 12, 13, 15, 16, 21, 22, 26, 32, 33], 600)  # the institution's code
    f["married"] = rng.choice([1, 2, 3, 4, 5, 6], 600, p=[0.7, 0.01, 0.01, 0.05, 0.03, 0.2])  # a marital status
    g0 = pd.DataFrame({"married": rng.choice(rng.integers(282, 11_480, 82), 600),  # married residents of 82 zips
                       "y": rng.normal(size=600)})
    f["site_visits"] = rng.poisson(4, 600)  # a count that merely mentions a site
    f["yrs_married"] = rng.choice([1, 3, 6, 9, 13, 17, 23], 600)  # a duration
    f["distance_to_center"] = rng.choice(np.arange(100, 200, 10), 600) + 3  # metres, in a few steps
    f["spouse"] = rng.integers(0, 2, 600)
    f["fregion"] = rng.integers(0, 5, 600)  # the favourite's region of the country, 0-4, a prefix on region
    f["regional_rank"] = rng.integers(1, 30, 600)  # a rank that merely mentions a region
    f["nbh"] = rng.integers(0, 7, 600)  # a neighbourhood, 0-6
    f["district"] = rng.integers(1, 43, 600)  # a congressional district's number within its state
    f["district_pop"] = rng.integers(400, 900, 600)  # thousands of people: a measurement of a district
    f["commune"] = rng.integers(1, 195, 600)  # a survey's commune, 1-194
    f["brand"] = rng.integers(1, 5, 600)  # the brand bought, 1-4
    f["commune_size"] = rng.integers(300, 5000, 600)  # households: a measurement of a commune
    g = clean_frame(rng, 600).assign(married=rng.integers(0, 2, 600))  # the usual 0/1 flag: no codes
    assert _scan(tmp_path, g0, "DA408", target="y") == []  # a count spread over thousands, not a status
    assert sorted(x.column for x in _scan(tmp_path, f, "DA408")) == ["brand", "commune", "district", "fregion",
                                                                     "inst", "married", "mother_religion", "nbh",
                                                                     "race"]
    assert _scan(tmp_path, g, "DA408") == []


def test_states_groups_hospitals_and_numbered_groups_of_rows_are_codes(tmp_path, rng):
    f = clean_frame(rng, 600)
    f["state"] = rng.choice(np.arange(11, 96, 2), 600)  # census state codes
    f["group"] = rng.choice([1, 2, 3], 600)  # disease group: ALL, AML low risk, AML high risk
    f["hospital"] = rng.choice([1, 2, 3, 4], 600)
    f["stratum"] = np.repeat(np.arange(1, 201), 3)  # matched sets of a case and two controls
    f["pooled.stratum"] = rng.integers(1, 64, 600)
    f["BROOD"] = np.repeat(rng.choice(np.arange(501, 744), 150, replace=False), 4)
    f["replicate"] = np.repeat(np.arange(1, 16), 40)  # 15 replicates of an experiment, 40 cakes each
    f["batch"] = rng.integers(1, 9, 600)
    f["blocks_walked"] = rng.poisson(6, 600)  # a count that merely mentions a block
    assert sorted(x.column for x in _scan(tmp_path, f, "DA408")) == ["BROOD", "batch", "group", "hospital",
                                                                     "pooled.stratum", "replicate", "state", "stratum"]


def test_a_short_nominal_name_on_values_in_steps_is_a_measurement(tmp_path, rng):
    """``inst`` is an institution's code 1..33, but ``inst`` in whole thousands of feet (hprice3's distance to the
    interstate, 1,000 to 34,000) is a distance: a short name taken whole says less than values on a step of 5 or
    more; a name that says nominal in a longer form (``mother_religion``) stays codes whatever its values."""
    f = clean_frame(rng, 600)
    f["inst"] = rng.choice(np.arange(1, 35) * 1000, 600)
    f["center"] = rng.choice(np.arange(1, 30) * 500, 600)
    f["mother_religion"] = rng.choice([10, 20, 30, 40], 600)
    assert [x.column for x in _scan(tmp_path, f, "DA408")] == ["mother_religion"]


def test_sizes_and_counts_named_after_groups_are_not_codes(tmp_path, rng):
    f = clean_frame(rng, 600)
    f["group_size"] = rng.integers(2, 12, 600)
    f["household_income"] = rng.integers(10, 200, 600)
    f["cluster_count"] = rng.poisson(4, 600)
    f["states_visited"] = rng.integers(0, 20, 600)
    f["hospital_days"] = rng.poisson(3, 600)
    assert _scan(tmp_path, f, "DA408") == []


def test_a_date_packed_into_an_integer_is_found_and_numbers_named_as_dates_are_not(tmp_path, rng):
    days = pd.to_datetime("1997-10-01") + pd.to_timedelta(rng.integers(0, 150, 600), unit="D")
    f = clean_frame(rng, 600)
    f["date"] = (days.month * 10000 + days.day * 100 + days.year % 100).to_numpy()  # mmddyy: 111597, 20298
    f["visit_date"] = (days.year * 10000 + days.month * 100 + days.day).to_numpy()  # yyyymmdd
    found = {x.column: x for x in _scan(tmp_path, f, "DA408")}
    assert set(found) == {"date", "visit_date"} and "mmddyy" in found["date"].message
    g = clean_frame(rng, 600)
    g["date"] = rng.integers(10_000, 130_000, 600)  # a number that merely is called date: most are no day
    g["days_to_update"] = rng.integers(10_100, 123_199, 600)
    assert _scan(tmp_path, g, "DA408") == []


def test_a_code_of_groups_whose_target_means_follow_no_order_is_codes(tmp_path, rng):
    """Pupils of 60 schools numbered 1..60: each school has its own level, in no order of its number. Honest integers
    beside it stay quantities: an age with a smooth effect, a count with none, a teacher's years of experience
    shared by a class of pupils, and a year with jagged year effects (a time, whatever its target means do)."""
    n = 3000
    school = rng.integers(1, 61, n)
    level = rng.normal(0, 18, 61)  # each school's level, unrelated to its number
    year = rng.integers(1990, 2020, n)
    shock = rng.normal(0, 12, 2020)
    teacher = rng.integers(0, 150, n)  # 150 classes of 20 pupils, each teacher with one experience
    f = pd.DataFrame({"schidkn": school, "age": rng.integers(18, 66, n), "siblings": rng.poisson(1.5, n),
                      "totexp": rng.integers(0, 28, 150)[teacher], "year": year})
    f["score"] = (480 + level[school] + 0.02 * (f["age"] - 40) ** 2 + rng.normal(0, 5, 150)[teacher]
                  + shock[year] + rng.normal(0, 25, n)).round(1)
    found = _scan(tmp_path, f, "DA408", target="score")
    assert [x.column for x in found] == ["schidkn"]
    assert found[0].evidence["group_effect"]["groups"] == 60 and "follow no order" in found[0].message
    assert "schidkn" not in {c for x in scan(write_csv(tmp_path / "t.csv", f), target="score",
                                              select=["DA501", "DA201", "DA203"]).findings for c in x.columns}
    # the same schools with no level of their own: nothing to tell a code from a number by, so quiet
    f["score"] = (480 + 0.02 * (f["age"] - 40) ** 2 + rng.normal(0, 25, n)).round(1)
    assert _scan(tmp_path, f, "DA408", target="score") == []


def test_a_short_code_whose_target_means_lie_on_no_curve_is_codes(tmp_path, rng):
    """Four fast-food chains numbered 1..4 whose prices follow no line or curve of the number are codes (a regression
    on the target's ranks, so a heavy-tailed price does not decide it; and a two-class target the same way). Honest
    short integers beside them stay numbers: a 1-5 rating with a linear effect, a 1-6 income bracket with a U-shaped
    one (an order: the quadratic explains it), a 1-7 Likert item with no effect, and a month (a time)."""
    n = 2400
    chain = rng.integers(1, 5, n)
    rating = rng.integers(1, 6, n)
    bracket = rng.integers(1, 7, n)
    f = pd.DataFrame({"chain": chain, "rating": rating, "bracket": bracket, "likert": rng.integers(1, 8, n),
                      "month": rng.integers(1, 13, n)})
    month_effect = rng.normal(0, 0.3, 13)
    f["price"] = np.exp(0.1 + np.array([0, 0.0, 0.5, -0.3, 0.4])[chain] + 0.08 * rating
                        + 0.05 * (bracket - 3.5) ** 2 + month_effect[f["month"]] + rng.normal(0, 0.3, n)).round(2)
    found = _scan(tmp_path, f, "DA408", target="price")
    assert [x.column for x in found] == ["chain"]
    assert found[0].evidence["group_effect"]["kind"] == "levels" and "no line or curve" in found[0].message
    assert found[0].evidence["group_effect"]["groups"] == 4
    f["bought"] = (f["price"] > f["price"].median()).astype(int)
    found = _scan(tmp_path, f.drop(columns="price"), "DA408", target="bought")
    assert [x.column for x in found] == ["chain"]
    # chains that do not differ: nothing tells the code from a number, so quiet
    f["price"] = np.exp(0.1 + 0.08 * rating + 0.05 * (bracket - 3.5) ** 2 + rng.normal(0, 0.3, n)).round(2)
    assert _scan(tmp_path, f.drop(columns="bought"), "DA408", target="price") == []


def test_the_square_of_an_age_and_an_income_are_not_fixed_width_codes(tmp_path, rng):
    """``agesq``, ages 35-54 squared (1,225 to 2,916: fixed-width and sparse), is a quantity's square, not codes, and
    ``pcinc``, the income per head of a player's city (25 values of 5 digits), is an amount by its name; 4-digit
    values spread as sparsely but not squares, under no amount's name (branch numbers), still are codes."""
    n = 900
    age = rng.integers(35, 55, n)
    f = pd.DataFrame({"age": age, "agesq": age ** 2, "branch": rng.choice(rng.integers(1000, 9999, 20), n),
                      "pcinc": rng.choice(rng.integers(14_000, 27_000, 25), n), "y": rng.normal(size=n)})
    assert [x.column for x in _scan(tmp_path, f, "DA408", target="y")] == ["branch"]


def test_a_category_of_mostly_rare_values_is_high_cardinality_and_one_of_common_values_is_not(tmp_path, rng):
    """44 postal codes over 173 districts, 35 of them in fewer than 6 rows: most one-hot columns too rare to learn
    from (DA405, below its 50 values); 25 regions of about 40 rows each are an ordinary category."""
    rare = rng.choice([f"S{i:02d}" for i in range(44)], 173, p=np.r_[np.full(9, 0.08), np.full(35, 0.28 / 35)])
    f = pd.DataFrame({"state": rare, "y": rng.normal(size=173).round(3)})
    (hit,) = _scan(tmp_path, f, "DA405", target="y")
    assert hit.evidence["rare"] > 22 and "too rare to learn" in hit.message
    g = pd.DataFrame({"region": rng.choice([f"R{i:02d}" for i in range(25)], 1000), "y": rng.normal(size=1000)})
    assert _scan(tmp_path, g, "DA405", target="y") == []
