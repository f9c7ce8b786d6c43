"""Integer category codes (DA408): impute, clip, robust-scale and encode treat them as categories, keyed by the
integer's text, and record it so a recipe does the same; dates packed into numbers and ``codes="numeric"`` stay
numbers."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dataaudit.steps.base import FitContext, code_text
from dataaudit.steps.clip import Clip
from dataaudit.steps.encode import MISSING, RARE, Encode
from dataaudit.steps.impute import Impute
from dataaudit.steps.robust_scale import RobustScale


def _context(kind: str = "codes", codes: str = "categorical", column: str = "race") -> FitContext:
    found = SimpleNamespace(rule="DA408", column=column, columns=(column,), evidence={"kind": kind})
    return FitContext(target="label", flagged={"DA408": {column}}, findings=[found], codes=codes)


def _frame(rng, n: int = 600) -> pd.DataFrame:
    race = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 40.0], n, p=[0.3, 0.2, 0.15, 0.15, 0.1, 0.095, 0.005])
    race[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({"x": rng.normal(size=n), "race": race, "label": rng.choice(["a", "b"], n)})


def _round_trip(step):
    return type(step).from_dict(json.loads(json.dumps(step.to_dict(), allow_nan=False)))


def test_code_text_spells_each_code_as_its_integer():
    values = pd.Series([3.0, 3, -0.0, 2.5, np.nan, 1e15, 7.0])
    assert code_text(values, MISSING).tolist() == ["3", "3", "0", "2.5", MISSING, "1000000000000000", "7"]
    as_text = pd.Series(["3.0", "3", None, "x"], dtype="str")
    assert code_text(as_text, MISSING).tolist() == ["3", "3", MISSING, "x"]
    assert code_text(pd.Series([3, 4], dtype="int64")).tolist() == ["3", "4"]


def test_encode_one_hot_encodes_integer_codes_by_their_integer_text(rng):
    frame = _frame(rng)
    step = Encode().fit(frame, _context())
    assert step.codes_ == ["race"] and step.columns_ == ["race"]
    assert step.encodings_["race"]["rare"] == ["40"]  # seen fewer than 5 times
    out = step.transform(frame, log := [])
    race = [c for c in out.columns if c.startswith("race=")]
    assert race == ["race=1", "race=2", "race=3", "race=4", "race=5", f"race={MISSING}", "race=6", f"race={RARE}"]
    assert (out[race].sum(axis=1) == 1).all() and log == [] and "race" not in out.columns
    np.testing.assert_array_equal(out["race=3"], (frame["race"] == 3).astype(float))
    # new data: the same codes read as integers (Parquet) or as text (a CSV of "3.0"), an unseen code, missing codes
    new = pd.DataFrame({"x": [0.0] * 5, "race": pd.Series([3, 1, 99, 2, 3], dtype="int64"), "label": ["a"] * 5})
    again = step.transform(new, log := [])
    assert again["race=3"].tolist() == [1.0, 0.0, 0.0, 0.0, 1.0] and again["race=1"].tolist()[1] == 1.0
    assert again[f"race={RARE}"].tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]  # the unseen code 99
    assert "1 row(s) with 1 category not seen when fitting" in log[0]
    text = new.assign(race=pd.Series(["3.0", "1.0", "99", "2.0", "3.0"], dtype="str"))
    pd.testing.assert_frame_equal(step.transform(text, []), again)
    missing = new.assign(race=[np.nan] * 5)
    assert step.transform(missing, [])[f"race={MISSING}"].tolist() == [1.0] * 5
    # the recipe keeps the decision: a JSON round trip encodes the same
    pd.testing.assert_frame_equal(_round_trip(step).transform(new, []), again)


def test_many_codes_are_frequency_encoded_and_ordinal_codes_too(rng):
    n = 3000
    frame = pd.DataFrame({"school": rng.integers(1, 80, n).astype(float), "label": rng.choice(["a", "b"], n)})
    step = Encode().fit(frame, _context(column="school"))
    assert step.encodings_["school"]["kind"] == "frequency" and "1" in step.encodings_["school"]["frequencies"]
    out = step.transform(frame, [])
    assert list(out.columns) == ["school__freq", "label"]
    ordinal = Encode(method="ordinal").fit(frame, _context(column="school"))
    assert ordinal.codes_ == ["school"]


def test_packed_dates_and_codes_numeric_stay_numbers(rng):
    frame = _frame(rng)
    for context in (_context(kind="date"), _context(codes="numeric")):
        step = Encode().fit(frame, context)
        assert step.codes_ == [] and step.columns_ == []
        pd.testing.assert_series_equal(step.transform(frame, [])["race"], frame["race"])
        assert Clip().fit(frame.fillna(0), context).columns_ == ["x", "race"]
        assert "race" in RobustScale().fit(frame.fillna(0), context).columns_
    none = Encode(method="none").fit(frame, _context())
    assert none.codes_ == [] and none.columns_ == []


def test_a_recipe_written_before_codes_were_encoded_loads_without_any():
    step = Encode().fit(pd.DataFrame({"c": pd.Series(["a", "b", "a"], dtype="str")}), FitContext())
    data = step.to_dict()
    del data["fitted"]["codes"]
    assert Encode.from_dict(data).codes_ == []


def test_clip_and_robust_scale_leave_codes_alone_and_say_why(rng):
    frame = _frame(rng).fillna(1.0)
    clip = Clip().fit(frame, _context())
    assert clip.columns_ == ["x"] and "integer codes of categories (DA408)" in clip.reasons_["race"]
    assert list(clip.reasons_) == ["x", "race"]  # in the frame's order
    pd.testing.assert_series_equal(clip.transform(frame, [])["race"], frame["race"])
    scale = _round_trip(RobustScale().fit(frame, _context()))
    assert scale.columns_ == ["x"] and scale.method_ == {"x": "mad", "race": "codes"}
    pd.testing.assert_series_equal(scale.transform(frame, [])["race"], frame["race"])


@pytest.mark.parametrize("strategy", ["auto", "median", "mean", "knn", "iterative"])
def test_impute_fills_codes_with_the_most_frequent_code(rng, strategy):
    frame = _frame(rng).assign(z=lambda f: f["x"] + rng.normal(size=len(f)))
    frame.loc[:30, "x"] = np.nan
    step = Impute(strategy=strategy).fit(frame, _context())
    assert step.strategy_["race"] == "most-frequent" and step.fill_["race"] == 1.0
    assert "integer codes of categories (DA408)" in step.reasons_["race"]
    assert "race" in step.indicators_  # 10% missing: the fact is kept, as for any column
    if step.model_ is not None:
        assert "race" not in step.model_["columns"]
    out = step.transform(frame, [])
    assert set(out["race"].unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 40.0}
    assert (out.loc[frame["race"].isna(), "race"] == 1.0).all()
    assert Impute(strategy=strategy).fit(frame, _context(codes="numeric")).reasons_["race"].find("DA408") < 0


def test_codes_without_missing_values_log_nothing_unseen(rng):
    frame = _frame(rng).dropna()
    step = Encode().fit(frame, _context())
    assert MISSING not in step.encodings_["race"]["categories"] + step.encodings_["race"]["rare"]
    step.transform(frame, log := [])
    assert log == []
    step.transform(frame.assign(race=np.nan), log := [])
    assert log == [f"encode: column 'race' has {len(frame):,} row(s) with 1 category not seen when fitting; they "
                   f"were put in race={RARE}."]
