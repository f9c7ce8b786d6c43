"""DA702 on identifiers that repeat: named as an identifier and nothing else, a unit observed in many rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit import scan

from ..conftest import clean_frame, write_csv


def _purchases(rng, households: int = 300) -> pd.DataFrame:
    """A purchase panel: each household buys 5-40 times, mostly its favourite brand, at shelf prices."""
    trips = rng.integers(5, 41, households)
    household = np.repeat(np.arange(1, households + 1), trips)
    n = len(household)
    favourite = rng.choice(["heinz", "hunts", "store"], households, p=[0.5, 0.3, 0.2])[household - 1]
    other = rng.choice(["heinz", "hunts", "store"], n)
    choice = np.where(rng.random(n) < 0.7, favourite, other)
    return pd.DataFrame({"id": household, "price_heinz": rng.choice([3.2, 3.5, 3.9, 4.3], n),
                         "price_hunts": rng.choice([2.9, 3.1, 3.4], n),
                         "display": (rng.random(n) < 0.1).astype(int), "choice": choice})


def test_a_repeating_id_of_households_is_an_identifier_and_nothing_else(tmp_path):
    """``id`` numbers 300 households (11% of values distinct, the file sorted by it): an identifier although its
    values repeat, reported by DA702 alone (not scale, outliers, skew or integer codes)."""
    f = _purchases(np.random.default_rng(61))
    findings = scan(write_csv(tmp_path / "t.csv", f), target="choice").findings
    assert {x.rule for x in findings if "id" in x.columns} == {"DA702"}
    (found,) = [x for x in findings if x.rule == "DA702"]
    assert found.evidence["repeated"] is True and "same entity in several rows" in found.message


def test_repeating_string_and_camel_case_ids_are_identifiers(tmp_path):
    """Children tested at several visits (``ID`` X01..X50, strings) and a camel-case ``subjectId``."""
    rng = np.random.default_rng(62)
    child = np.repeat(np.arange(1, 51), rng.integers(2, 6, 50))
    n = len(child)
    f = pd.DataFrame({"ID": [f"X{c:02d}" for c in child], "subjectId": child + 1000,
                      "week": rng.choice([0, 2, 4, 6, 11], n), "dose": rng.choice(["placebo", "drug"], n),
                      "y": np.where(rng.random(n) < 0.8, "y", "n")})
    found = {x.column for x in scan(write_csv(tmp_path / "t.csv", f), target="y", select=["DA702"]).findings}
    assert found == {"ID", "subjectId"}


def test_few_valued_ids_codes_numbers_and_indexes_by_name_are_not_identifiers(tmp_path):
    """A store id of 8 stores (too few values to be more than a category), a region code of 25 regions, a room
    number of 30 rooms, a visit number and a whole-number index of a measurement: categories, ordinals and
    quantities, however they are named."""
    rng = np.random.default_rng(63)
    f = clean_frame(rng, 1500)
    f["store_id"] = rng.integers(1, 9, len(f))
    f["region_code"] = rng.integers(1, 26, len(f))
    f["room_number"] = rng.integers(1, 31, len(f))
    f["visit_no"] = rng.integers(1, 25, len(f))
    f["comfort_index"] = rng.integers(20, 80, len(f))
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702"]).findings == []


def _cars(rng, n: int = 120) -> pd.DataFrame:
    makes = ["Acura", "Audi", "BMW", "Buick", "Dodge", "Ford", "Honda", "Mazda", "Nissan", "Toyota"]
    models = [f"{m} {w} {k}" for m in makes for w in ["Integra", "Legend", "Colt", "Omni", "Escort", "Civic"]
              for k in (4, 6)][:n]
    return pd.DataFrame({"model": models, "price": rng.normal(15000, 4000, n).round(),
                         "mileage": rng.normal(25, 4, n).round(), "type": rng.choice(["Small", "Large"], n)})


def test_unique_strings_under_an_empty_header_are_the_files_row_names(tmp_path, rng):
    f = _cars(rng)
    path = tmp_path / "t.csv"
    f.rename(columns={"model": ""}).to_csv(path, index=False)  # R's write.csv: the row names' header is empty
    found = [x for x in scan(path, target="price", select=["DA702"]).findings]
    assert [x.column for x in found] == ["Unnamed: 0"] and "row names" in found[0].message


def test_unique_multi_word_names_under_a_name_are_free_text_not_an_identifier(tmp_path, rng):
    found = scan(write_csv(tmp_path / "t.csv", _cars(rng)), target="price", select=["DA702", "DA414"]).findings
    assert [(x.rule, x.column) for x in found] == [("DA414", "model")]


def test_a_column_named_id_holding_short_spaced_keys_is_an_identifier_and_long_texts_are_not(tmp_path, rng):
    """Sample ids that are plate positions ('Grid A3') for some rows and numbers for others, under ``id``, are keys;
    under ``id`` too, long comments are free text."""
    n = 300
    wells = np.char.add("Grid ", np.char.add(rng.choice(list("ABCDEFGH"), n), rng.integers(1, 13, n).astype(str)))
    ids = np.where(rng.random(n) < 0.5, wells, rng.choice(np.arange(2000, 9000), n, replace=False).astype(str))
    f = clean_frame(rng, n).assign(id=ids)
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702", "DA414"]).findings
    assert [(x.rule, x.column) for x in found] == [("DA702", "id")]
    words = rng.choice(["late", "delivery", "box", "damaged", "refund", "asked", "again", "the", "was", "very"], (n, 6))
    g = clean_frame(rng, n).assign(id=[" ".join(w) + f" {i}" for i, w in enumerate(words)])
    found = scan(write_csv(tmp_path / "t.csv", g), target="label", select=["DA702", "DA414"]).findings
    assert [(x.rule, x.column) for x in found] == [("DA414", "id")]


def test_a_fused_id_name_that_repeats_is_an_identifier_and_a_few_valued_scale_is_not(tmp_path, rng):
    """``distid``, a school district observed in many rows (300 districts), is the unit of the rows; ``prtyid``,
    party identification on a 7-point scale, is a category."""
    n = 3000
    f = clean_frame(rng, n).assign(distid=rng.integers(1000, 1300, n), prtyid=rng.integers(1, 8, n))
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702"]).findings
    assert [x.column for x in found] == ["distid"] and found[0].evidence.get("repeated") is True


def test_a_unit_noun_over_codes_is_an_identifier_and_counts_and_subject_names_are_not(tmp_path, rng):
    """``subject``, 120 girls recalled at 8, 10, 12, 14 and their interview age, codes written as text with a few
    letters ('207a'), and ``station``, 90 whole-number stations each recording 1-4 quakes, are identifiers (DA702,
    nothing else: not mixed types). ``events`` (a plural: a count of 30 values), ``subject`` holding school subjects'
    names and ``patient`` as a 0/1 flag stay what they are."""
    girls = np.repeat(np.arange(100, 220).astype(str).astype(object), 5)
    girls[rng.random(girls.size) < 0.05] = "207a"
    age = np.tile([8.0, 10.0, 12.0, 14.0, 15.5], 120) + np.tile([0, 0, 0, 0, 1], 120) * rng.uniform(0, 2, 600)
    f = pd.DataFrame({"subject": girls, "age": age.round(2), "station": rng.integers(1000, 1090, 600),
                      "events": rng.integers(0, 30, 600), "exercise": rng.gamma(1.2, 2.0, 600).round(2)})
    findings = scan(write_csv(tmp_path / "t.csv", f), target="exercise").findings
    assert {c for x in findings if x.rule == "DA702" for c in x.columns} == {"subject", "station"}
    assert not [x for x in findings if x.rule != "DA702" and {"subject", "station"} & set(x.columns)]
    g = pd.DataFrame({"subject": rng.choice([f"{w}{k}" for w in ("maths", "art", "music", "latin") for k in
                                             range(8)], 600),
                      "patient": rng.integers(0, 2, 600), "events": rng.integers(0, 30, 600),
                      "score": rng.normal(size=600)})
    findings = scan(write_csv(tmp_path / "u.csv", g), target="score").findings
    assert not [x for x in findings if x.rule == "DA702"]


def test_unique_whole_numbers_named_as_a_place_code_are_an_identifier_and_repeated_ones_codes(tmp_path, rng):
    """``dept``, France's 85 departments numbered 1-89 with Corsica 200 (one row each), is the table's key (DA702);
    the same name over 500 pupils of 12 departments is a code of categories (DA408), not an identifier."""
    depts = np.r_[np.setdiff1d(np.arange(1, 90), [20, 40, 60, 80]), 200]
    f = pd.DataFrame({"dept": depts, "wealth": rng.normal(50, 10, depts.size).round(1),
                      "crime": rng.lognormal(8, 0.5, depts.size).round()})
    findings = scan(write_csv(tmp_path / "t.csv", f), target="crime").findings
    assert [x.column for x in findings if x.rule == "DA702"] == ["dept"]
    g = pd.DataFrame({"dept": rng.integers(1, 13, 500), "score": rng.normal(size=500)})
    findings = scan(write_csv(tmp_path / "u.csv", g), target="score").findings
    assert [x.rule for x in findings if "dept" in x.columns] == ["DA408"]


def test_row_names_written_as_decimals_and_a_fused_no_are_identifiers(tmp_path, rng):
    """R's row names of a patient's visits ('1.1'..'60.4') in the first, unnamed column are row names though not
    whole numbers, and ``docno``, unique document numbers, is an identifier; an unnamed measurement in a later
    column and ``piano``-like words do not qualify by name."""
    n = 240
    names = [f"{p}.{v}" for p in range(1, 61) for v in range(1, 5)]
    f = pd.DataFrame({"Unnamed: 0": names, "docno": 78001 + np.arange(n) * 3, "dose": rng.choice([1.0, 2.0], n),
                      "Unnamed: 4": rng.normal(10, 2, n).round(4), "y": rng.normal(size=n).round(3)})
    findings = scan(write_csv(tmp_path / "t.csv", f), target="y").findings
    assert {x.column for x in findings if x.rule == "DA702"} == {"Unnamed: 0", "docno"}
