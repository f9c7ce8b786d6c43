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
