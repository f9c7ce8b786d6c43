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
