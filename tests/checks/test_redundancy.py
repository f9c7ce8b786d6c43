"""DA6xx redundancy on realistic tables: a category beside its own dummies, and honest flags beside categories."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit import scan

from ..conftest import clean_frame, write_csv


def _admissions(rng, n: int = 1500) -> pd.DataFrame:
    f = clean_frame(rng, n)
    f["type"] = rng.choice([1, 2, 3], n, p=[0.75, 0.18, 0.07])  # elective, urgent, emergency
    f["ward"] = rng.choice(["north", "south", "east", "west"], n)
    return f


def test_a_category_beside_its_own_dummies_is_a_recoding(tmp_path):
    f = _admissions(np.random.default_rng(41))
    for v in (1, 2, 3):
        f[f"type{v}"] = (f["type"] == v).astype(int)
    for ward in ("south", "east", "west"):  # reference coding: one dummy fewer than the values
        f[f"ward_{ward}"] = (f["ward"] == ward).astype(int)
    found = {x.column: x for x in scan(write_csv(tmp_path / "t.csv", f), target="label",
                                       select=["DA606"]).findings}
    assert set(found) == {"type", "ward"}
    assert found["type"].columns == ("type", "type1", "type2", "type3")
    assert found["ward"].evidence["dummies"] == {"south": "ward_south", "east": "ward_east", "west": "ward_west"}


def test_honest_flags_beside_a_category_are_no_dummies(tmp_path):
    rng = np.random.default_rng(42)
    f = _admissions(rng)
    f["emergency"] = (f["type"] == 3).astype(int)  # one flag for one value: a derived flag, not the category twice
    f["north_or_east"] = f["ward"].isin(["north", "east"]).astype(int)
    f["urgent_seen"] = ((f["type"] == 2) & (rng.random(len(f)) < 0.97)).astype(int)  # close, not the same rows
    f["ward_south"] = ((f["ward"] == "south") | (rng.random(len(f)) < 0.02)).astype(int)
    f["ward_east"] = (f["ward"] == "east").astype(int)  # two of the three a reference coding would need
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA606"]).findings == []


def test_rows_equal_but_for_their_ids_are_repeats_only_beyond_chance(tmp_path):
    """84 patients (an id and a row number each) with a treatment, a sex, an age in years and a three-level answer:
    about ten pairs agree by chance (Π Σ p² over the columns), so ten repeats say nothing. Records copied under new
    ids, with a measurement no two patients share, are repeats."""
    rng = np.random.default_rng(43)
    n = 84
    f = pd.DataFrame({"row": np.arange(1, n + 1), "ID": rng.permutation(np.arange(1, n + 1)),
                      "treatment": rng.choice(["Placebo", "Treated"], n), "sex": rng.choice(["F", "M"], n, p=[0.7, 0.3]),
                      "age": rng.integers(23, 75, n), "improved": rng.choice(["None", "Some", "Marked"], n)})
    f = pd.concat([f, f.iloc[:10].assign(ID=np.arange(200, 210))], ignore_index=True)
    f["row"] = np.arange(1, len(f) + 1)
    assert scan(write_csv(tmp_path / "t.csv", f), target="improved", select=["DA603"]).findings == []
    f["weight"] = rng.normal(70, 12, n + 10).round(1)
    f.loc[n:, "weight"] = f.loc[: 9, "weight"].to_numpy()  # the copies carry their record's measurement
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="improved", select=["DA603"]).findings
    assert found.evidence["count"] == 10 and set(found.evidence["apart_from"]) == {"row", "ID"}


def test_two_flags_that_recode_each_other_are_a_recoding_and_a_flag_almost_a_number_is_correlated(tmp_path):
    """Claims from two states (``mi`` = 1 − ``ky``: one state named twice) and an interaction of a flag with a log
    wage that is almost only the flag (r 0.999): DA6xx names both pairs."""
    rng = np.random.default_rng(44)
    f = clean_frame(rng, 1500)
    f["ky"] = (rng.random(len(f)) < 0.55).astype(int)
    f["mi"] = 1 - f["ky"]
    f["highearn"] = (rng.random(len(f)) < 0.4).astype(int)
    f["highlpre"] = f["highearn"] * rng.normal(6.3, 0.05, len(f)).round(3)
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA605", "DA606"]).findings
    assert {(x.rule, tuple(sorted(x.columns))) for x in found} == {("DA606", ("ky", "mi")),
                                                                    ("DA605", ("highearn", "highlpre"))}


def test_two_flags_that_almost_complement_each_other_are_correlated(tmp_path):
    """``hispan`` is 1 - ``black`` in 99.4% of the rows (the few others neither): a near-duplicate pair, r -0.99,
    DA605's; an exact complement stays DA606's alone."""
    rng = np.random.default_rng(46)
    f = clean_frame(rng, 3000)
    f["black"] = (rng.random(len(f)) < 0.6).astype(int)
    f["hispan"] = np.where(rng.random(len(f)) < 0.006, 0, 1 - f["black"])
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA605", "DA606"]).findings
    assert [(x.rule, tuple(sorted(x.columns))) for x in found] == [("DA605", ("black", "hispan"))]
    assert found[0].evidence["r"] < -0.98


def test_honest_flags_and_numbers_that_move_together_are_not_redundant(tmp_path):
    rng = np.random.default_rng(45)
    f = clean_frame(rng, 1500)
    f["urban"] = (rng.random(len(f)) < 0.6).astype(int)
    f["city"] = np.where(rng.random(len(f)) < 0.9, f["urban"], 1 - f["urban"])  # agrees in 90% of rows
    f["income"] = (30 + 15 * f["urban"] + rng.normal(0, 8, len(f))).round(1)  # higher in towns: r about 0.7
    f["tenant"] = (rng.random(len(f)) < 0.3).astype(int)
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA605", "DA606"]).findings == []


def test_a_category_beside_its_dummies_missing_in_the_same_rows_is_a_recoding(tmp_path):
    f = _admissions(np.random.default_rng(46))
    f["indust"] = np.random.default_rng(47).choice([1, 2, 3], len(f), p=[0.3, 0.2, 0.5]).astype(float)
    unknown = np.random.default_rng(48).random(len(f)) < 0.02
    f.loc[unknown, "indust"] = np.nan
    f["manuf"] = (f["indust"] == 1).astype(float).where(~unknown)
    f["construc"] = (f["indust"] == 2).astype(float).where(~unknown)
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA606"]).findings
    assert set(found.columns) == {"indust", "manuf", "construc"}
    f["manuf"] = (f["indust"] == 1).astype(float).where(np.random.default_rng(49).random(len(f)) > 0.02)
    f["construc"] = ((f["indust"] == 2) | (np.random.default_rng(50).random(len(f)) < 0.03)).astype(float)
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA606"]).findings == []


def _broods(rng, broods: int = 120) -> pd.DataFrame:
    """Chicks of broods: the brood's height, year and place are shared by its chicks; each chick's tick count is
    its own (Poisson around the brood's mean)."""
    size = rng.integers(1, 8, broods)
    brood = np.repeat(np.arange(501, 501 + broods), size)
    height = np.repeat(rng.integers(400, 540, broods), size)
    year = np.repeat(rng.choice([95, 96, 97], broods), size)
    mean = np.repeat(rng.gamma(1.0, 4.0, broods), size)
    n = len(brood)
    return pd.DataFrame({"INDEX": np.arange(1, n + 1), "ticks": rng.poisson(mean), "brood_height": height,
                         "year": year, "place": (height - 400) // 3})


def test_chicks_of_one_brood_with_their_own_counts_are_not_repeats_but_copied_records_are(tmp_path):
    rng = np.random.default_rng(51)
    f = _broods(rng)
    assert scan(write_csv(tmp_path / "t.csv", f), target="ticks", select=["DA603"]).findings == []
    g = pd.DataFrame({"INDEX": np.arange(1, 401), "weight": rng.normal(70, 12, 400).round(2),
                      "ticks": rng.poisson(3, 400), "year": rng.choice([95, 96, 97], 400)})
    g = pd.concat([g, g.iloc[:40]], ignore_index=True).assign(INDEX=np.arange(1, 441))  # copied, new ids
    (found,) = scan(write_csv(tmp_path / "t.csv", g), target="ticks", select=["DA603"]).findings
    assert found.evidence["count"] == 40


def _survey(rng, n: int = 900) -> pd.DataFrame:
    """Adults: income in 11 brackets, earnings (0 for a third: not working), children, a treatment arm."""
    f = clean_frame(rng, n)
    f["income"] = rng.choice([500, 1500, 2500, 3500, 4500, 5500, 6500, 8000, 10000, 20000, 30000], n)
    f["earnings"] = np.where(rng.random(n) < 0.3, 0.0, rng.lognormal(9.5, 0.6, n).round(0))
    f["kids"] = rng.integers(0, 6, n)
    f["arm"] = rng.choice(["placebo", "low dose", "high dose"], n, p=[0.4, 0.3, 0.3])
    return f


def test_a_log_of_brackets_a_flag_of_zero_earnings_and_a_coarsened_arm_are_recodings(tmp_path):
    """``lincome`` = log(``income``) over 11 brackets (Pearson about 0.9: DA605 misses it), ``unemployed`` = 1
    exactly where ``earnings`` is 0, and ``active`` (no/yes) a function of ``arm`` in every row, ``arm`` being
    ``active`` and the ``encouragement`` combined (placebo; low or high dose): each a DA606 finding naming its
    columns, on the derived column (the one fix drops)."""
    rng = np.random.default_rng(71)
    f = _survey(rng)
    f["lincome"] = np.log(f["income"]).round(6)
    f["unemployed"] = (f["earnings"] == 0).astype(int)
    f["active"] = np.where(f["arm"] == "placebo", "no", "yes")
    f["encouragement"] = np.where(f["arm"] == "high dose", "hi", np.where(f["arm"] == "low dose", "lo",
                                                                           rng.choice(["hi", "lo"], len(f))))
    found = {x.column: x for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA606"]).findings}
    assert {c: x.columns for c, x in found.items()} == {"lincome": ("income", "lincome"),
                                                        "unemployed": ("earnings", "unemployed"),
                                                        "active": ("arm", "active", "encouragement")}
    assert found["unemployed"].evidence["kind"] == "value-flag" and found["unemployed"].evidence["value"] == 0
    assert found["active"].evidence["kind"] == "coarsening" and found["active"].evidence["onto"] == 2


def test_honest_numbers_flags_and_categories_near_a_recoding_are_quiet(tmp_path):
    """Two attributes of the same eight states (one to one, in no order), a wage and its log (hundreds of values: a
    correlation, not a recoding of levels), a flag that is ``earnings`` == 0 but in 1% of rows, a flag of no
    children (a dummy of a count of 6 values), a text category that follows the arm but for a few rows, a 0/1
    flag made from the arm, and regions beside their cities (a hierarchy no column completes): none is a DA606
    recoding."""
    rng = np.random.default_rng(72)
    f = _survey(rng)
    state = rng.integers(0, 8, len(f))
    f["state_tax"] = np.array([0.31, 0.12, 0.55, 0.08, 0.47, 0.26, 0.19, 0.40])[state]
    f["state_wage"] = np.array([9.1, 11.5, 7.25, 12.0, 8.4, 10.2, 13.1, 7.9])[state]
    f["wage"] = rng.lognormal(2.5, 0.5, len(f)).round(2)
    f["lwage"] = np.log(f["wage"]).round(4)
    f["no_job"] = ((f["earnings"] == 0) ^ (rng.random(len(f)) < 0.01)).astype(int)
    f["childless"] = (f["kids"] == 0).astype(int)
    f["active"] = np.where((f["arm"] == "placebo") ^ (rng.random(len(f)) < 0.01), "no", "yes")
    f["treated"] = (f["arm"] != "placebo").astype(int)
    f["city"] = rng.choice(["Lyon", "Nice", "Paris", "Lille", "Rouen"], len(f))
    f["region"] = f["city"].map({"Lyon": "south", "Nice": "south", "Paris": "north", "Lille": "north", "Rouen": "north"})
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA606"]).findings == []


def _players(rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    """Baseball players: career counts and the position each plays, as one 0/1 dummy per position."""
    position = rng.choice(["first", "second", "short", "third", "catcher", "outfield"], n)
    f = pd.DataFrame({"years": rng.integers(1, 20, n), "hits": rng.poisson(600, n), "salary": rng.lognormal(13, 1, n)})
    for p in ["first", "second", "short", "third", "catcher"]:
        f[p] = (position == p).astype(int)
    return f


def test_dummies_that_sum_to_one_are_one_linear_dependency_named_with_every_dummy(tmp_path, rng):
    f = _players(rng)
    f["outfield"] = 1 - f[["first", "second", "short", "third", "catcher"]].sum(axis=1)
    (dep,) = scan(write_csv(tmp_path / "t.csv", f), target="salary", select=["DA607"]).findings
    assert set(dep.columns) == {"first", "second", "short", "third", "catcher", "outfield"}
    assert "`outfield` = 1 - `first` - `second` - `short` - `third` - `catcher` in every row" in dep.message


def test_dependencies_among_columns_missing_in_the_same_rows_are_each_named(tmp_path, rng):
    n = 600
    genotype = rng.choice(["22", "23", "24", "33", "34", "44"], n)
    f = pd.DataFrame({"age": rng.integers(40, 90, n), "score": rng.normal(50, 10, n).round(1),
                      "label": rng.integers(0, 2, n)})
    for allele in "234":
        f[f"apoe{allele}"] = pd.Series(genotype).str.contains(allele).astype(float)
    f["apoe3"] = 1 - f["apoe2"] - f["apoe4"]  # carriers of 3 are the rest (no 2/4 genotype here)
    f["apoe234"] = f["apoe4"] - f["apoe2"]
    untyped = rng.random(n) < 0.45  # not genotyped: every allele column missing in the same rows
    f.loc[untyped, ["apoe2", "apoe3", "apoe4", "apoe234"]] = np.nan
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA607"]).findings
    by_columns = {tuple(sorted(x.columns)): x.message for x in found}
    assert set(by_columns) == {("apoe2", "apoe3", "apoe4"), ("apoe2", "apoe234", "apoe3")}  # on independent columns
    assert "(`apoe4` = 1 - `apoe2` - `apoe3` in every row of the sample where they are all present)" in \
        by_columns["apoe2", "apoe3", "apoe4"]


def test_a_change_missing_where_its_first_period_is_is_a_linear_dependency(tmp_path, rng):
    """A change between two elections (``clchexp`` = ``lchexp90`` - ``lchexp88``) is missing where the first
    period is (a new candidate), while the later period is always present: the mean-filled gaps break the
    dependency, the rows complete over the columns rarely missing keep it. A noisy change in the same table does
    not."""
    n = 300
    f = pd.DataFrame({"lchexp90": rng.normal(12, 1, n).round(4), "lchexp88": rng.normal(12, 1, n).round(4),
                      "party": rng.integers(0, 2, n), "win": rng.integers(0, 2, n)})
    f["clchexp"] = f["lchexp90"] - f["lchexp88"]
    new = rng.random(n) < 0.15
    f.loc[new, ["lchexp88", "clchexp"]] = np.nan
    f["inc90"], f["inc88"] = rng.normal(80, 10, n).round(2), rng.normal(80, 10, n).round(2)
    f["cinc"] = (f["inc90"] - f["inc88"] + rng.normal(0, 1, n)).round(2)  # measured apart: not exact
    (dep,) = scan(write_csv(tmp_path / "t.csv", f), target="win", select=["DA607"]).findings
    assert set(dep.columns) == {"lchexp90", "lchexp88", "clchexp"}
    assert "where they are all present" in dep.message


def test_shares_stored_to_four_decimals_that_sum_to_one_are_a_dependency_up_to_rounding(tmp_path, rng):
    """Three parties' vote shares, each rounded to four decimals, sum to 1 between 0.9999 and 1.0001: a dependency
    up to the rounding (1 - R² about 1e-7), named with its three columns and nothing else; shares measured apart
    (off by one stored step each: 1 - R² still below 1e-6, but past the rounding) are not one."""
    n = 500
    shares = rng.dirichlet([4, 3, 1.5], n)
    f = pd.DataFrame({"v1": shares[:, 0].round(4), "v2": shares[:, 1].round(4), "v3": shares[:, 2].round(4),
                      "lag": rng.normal(0.7, 0.6, n).round(4), "inc": rng.integers(0, 2, n),
                      "y": rng.normal(size=n).round(4)})
    assert not np.allclose(f["v1"] + f["v2"] + f["v3"], 1.0, atol=1e-9, rtol=0)  # not exact: rounded
    (dep,) = scan(write_csv(tmp_path / "t.csv", f), target="y", select=["DA607"]).findings
    assert set(dep.columns) == {"v1", "v2", "v3"} and "up to the rounding" in dep.message
    f["v3"] = (1 - shares[:, 0] - shares[:, 1] + rng.choice([-1e-4, 1e-4], n)).round(4)
    assert scan(write_csv(tmp_path / "u.csv", f), target="y", select=["DA607"]).findings == []


def test_a_dependency_among_columns_present_in_a_fifth_of_the_rows_is_found_there(tmp_path, rng):
    """Scrap rates recorded for a fifth of a panel's firms: ``clscrap`` = ``lscrap`` - ``lscrap_1`` on the rows where
    the three are present (more than 20% missing each, in different rows: the lag is missing more often), found on
    the rows where ``clscrap`` is; a change measured apart (``clsales`` with noise) is not."""
    n = 500
    f = pd.DataFrame({"employ": rng.integers(5, 300, n), "grant": rng.integers(0, 2, n),
                      "lscrap": rng.normal(0.5, 1.2, n).round(6), "lscrap_1": rng.normal(0.6, 1.2, n).round(6),
                      "lsales": rng.normal(15, 1, n).round(6), "lsales_1": rng.normal(15, 1, n).round(6)})
    recorded = rng.random(n) < 0.3
    f.loc[~recorded, "lscrap"] = np.nan
    f.loc[~recorded | (rng.random(n) < 0.25), "lscrap_1"] = np.nan
    f["clscrap"] = (f["lscrap"] - f["lscrap_1"]).round(6)
    f.loc[rng.random(n) < 0.6, ["lsales", "lsales_1"]] = np.nan
    f["clsales"] = (f["lsales"] - f["lsales_1"] + rng.normal(0, 0.05, n)).round(6)
    (dep,) = scan(write_csv(tmp_path / "t.csv", f), target="grant", select=["DA607"]).findings
    assert set(dep.columns) == {"lscrap", "lscrap_1", "clscrap"} and "where they are all present" in dep.message


def test_the_usual_dummies_and_an_approximate_difference_are_no_linear_dependency(tmp_path, rng):
    f = _players(rng)  # one position left out, as one-hot encoders do: independent
    n = len(f)
    f["age"] = rng.integers(22, 40, n)
    f["school"] = rng.integers(10, 17, n)
    f["exper"] = f["age"] - f["school"] - 6 + (rng.random(n) < 0.1) * rng.choice([-1, 1], n)  # a tenth off by a year
    assert scan(write_csv(tmp_path / "t.csv", f), target="salary", select=["DA607"]).findings == []


def _towns(rng: np.random.Generator, n: int = 140) -> pd.DataFrame:
    stems = ["abing", "acton", "ames", "bel", "brook", "canton", "dal", "dover", "east", "fal", "gran", "hol"]
    ends = ["ton", "field", "bury", "wood", "ford", " falls", "ham", "ville", "mont", " river", "stead", "well"]
    names = pd.Series([f"{a}{b}" for a in stems for b in ends]).sample(n, random_state=1).to_numpy()
    return pd.DataFrame({"town": np.char.upper(names.astype(str)), "spending": rng.normal(5000, 800, n).round(),
                         "score": rng.normal(700, 20, n).round(1)})


def test_a_text_column_that_is_another_in_title_case_is_a_recoding(tmp_path, rng):
    f = _towns(rng)
    f["district"] = f["town"].str.title()  # ABINGTON and Abington: the same names twice
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="score", select=["DA606"]).findings
    assert found.column == "district" and set(found.columns) == {"town", "district"}
    assert found.evidence["kind"] == "case-variant" and "in another case or spacing in every row" in found.message


def test_distinct_texts_that_differ_in_more_than_case_are_no_recoding(tmp_path, rng):
    f = _towns(rng)
    f["district"] = f["town"].str.title()
    f.loc[:9, "district"] = "Regional District"  # ten towns belong to a regional district: more than a case change
    f["county"] = rng.choice(["Essex", "Middlesex", "Norfolk"], len(f))
    assert scan(write_csv(tmp_path / "t.csv", f), target="score", select=["DA606"]).findings == []


def _houses(rng: np.random.Generator, n: int = 500) -> pd.DataFrame:
    return pd.DataFrame({"dist": rng.integers(2_000, 40_000, n).astype(float), "area": rng.normal(1800, 400, n).round(),
                         "age": rng.uniform(1, 80, n).round(4), "price": rng.lognormal(11, 0.4, n).round()})


def test_a_flag_that_is_a_threshold_of_a_number_is_a_low_recoding_fix_keeps(tmp_path, rng):
    """``nearinc`` = 1 where ``dist`` ≤ 15,840 feet (three miles of the incinerator), ``child`` = 'yes' where
    ``age`` < 18; ``has_loan`` = 1 where ``loan`` is not 0 is the flag of the number's commonest value instead."""
    f = _houses(rng)
    f["nearinc"] = (f["dist"] <= 15_840).astype(int)
    f["child"] = np.where(f["age"] < 18, "yes", "no")
    f["loan"] = np.where(rng.random(len(f)) < 0.3, rng.integers(1_000, 9_000, len(f)), 0)
    f["has_loan"] = (f["loan"] > 0).astype(int)
    findings = scan(write_csv(tmp_path / "t.csv", f), target="price", select=["DA606"]).findings
    found = {h.column: h for h in findings if h.evidence.get("kind") == "threshold-flag"}
    assert set(found) == {"nearinc", "child"}
    assert all(h.severity == 1 and h.fix == "none" for h in found.values())
    assert found["nearinc"].evidence["recoding_of"] == "dist" and "is '1' exactly where `dist` is ≤" in \
        found["nearinc"].message
    # the flag of a number's commonest value (0) is that rule's, once
    assert [h.evidence["kind"] for h in findings if h.column == "has_loan"] == ["value-flag"]


def test_overlapping_flags_small_sides_and_ties_across_a_threshold_are_no_threshold_flag(tmp_path, rng):
    """A retirement flag that mostly follows age (5% exceptions), a flag of 6 rows at the top of a number, and a
    flag that splits the rows of one value of a number of few values (a tie across the cut) stay quiet."""
    f = _houses(rng)
    n = len(f)
    f["retired"] = ((f["age"] > 65) ^ (rng.random(n) < 0.05)).astype(int)
    f["mansion"] = (f["area"] >= np.sort(f["area"].to_numpy())[-6]).astype(int)
    f["floors"] = rng.integers(1, 13, n)
    f["tall"] = ((f["floors"] > 6) | ((f["floors"] == 6) & (rng.random(n) < 0.5))).astype(int)
    found = [h for h in scan(write_csv(tmp_path / "t.csv", f), target="price", select=["DA606"]).findings
             if h.evidence.get("kind") == "threshold-flag"]
    assert found == []


def test_a_number_stored_beside_dummies_of_its_ranges_is_a_recoding_and_noisy_flags_are_not(tmp_path, rng):
    """``educ`` (8-20 years) beside its degree dummies (``highdrop`` = 8-11, ``highgrad`` = 12-13, ``college`` =
    16, ``grad`` = 17-20; 14-15, the base, marked by none): one low finding naming the five columns. Flags that
    mostly follow the years (a degree reported with 5% errors) or that overlap (12 or more, 16 or more) are not a
    binning of them."""
    n = 600
    educ = rng.integers(8, 21, n)
    f = pd.DataFrame({"educ": educ, "highdrop": (educ <= 11).astype(int),
                      "highgrad": ((educ >= 12) & (educ <= 13)).astype(int), "college": (educ == 16).astype(int),
                      "grad": (educ >= 17).astype(int), "wage": rng.lognormal(2, 0.5, n).round(2)})
    found = [x for x in scan(write_csv(tmp_path / "t.csv", f), target="wage", select=["DA606"]).findings
             if x.evidence.get("kind") == "range-dummies"]
    assert [x.columns for x in found] == [("educ", "highdrop", "highgrad", "college", "grad")]
    assert str(found[0].severity) == "low" and "`highgrad` = 12-13" in found[0].message and found[0].fix == "none"
    g = pd.DataFrame({"educ": educ, "degree": np.where(rng.random(n) < 0.05, 1 - (educ >= 16), educ >= 16).astype(int),
                      "hs": (educ >= 12).astype(int), "ba": (educ >= 16).astype(int),
                      "wage": rng.lognormal(2, 0.5, n).round(2)})
    assert [x for x in scan(write_csv(tmp_path / "u.csv", g), target="wage", select=["DA606"]).findings
            if x.evidence.get("kind") == "range-dummies"] == []
