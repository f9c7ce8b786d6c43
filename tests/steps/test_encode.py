"""Encode: one-hot with rare bucket and cap, frequency and ordinal codes, unseen values, JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit.steps.base import FitContext, RecipeError
from dataaudit.steps.encode import Encode


def _text(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def _frame(rng, counts: dict[str, int]) -> pd.DataFrame:
    colors = np.repeat(list(counts), list(counts.values()))
    rng.shuffle(colors)
    n = len(colors)
    return pd.DataFrame({"x": rng.normal(size=n), "color": _text(colors),
                         "label": _text(rng.choice(["yes", "no"], n)), "z": rng.normal(size=n)})


def _round_trip(step):
    return type(step).from_dict(json.loads(json.dumps(step.to_dict(), allow_nan=False)))


def test_encode_onehot_rare_bucket_and_cap():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20, "d": 6, "e": 3, "f": 1})
    step = Encode(max_categories=3).fit(frame, FitContext(target="label"))
    out = step.transform(frame, log := [])
    assert list(out.columns) == ["x", "color=a", "color=b", "color=__rare__", "label", "z"]
    assert list(out.columns) == step.get_feature_names_out(list(frame.columns))
    assert log == []
    color = frame["color"].to_numpy()
    np.testing.assert_array_equal(out["color=__rare__"], np.isin(color, ["c", "d", "e", "f"]).astype(float))
    np.testing.assert_array_equal(out["color=b"], (color == "b").astype(float))
    assert (out.filter(like="color=").sum(axis=1) == 1).all()
    assert all(out[c].dtype == np.float64 for c in out.columns if c.startswith("color="))
    pd.testing.assert_series_equal(out["label"], frame["label"])
    pd.testing.assert_frame_equal(out[["x", "z"]], frame[["x", "z"]])


def test_encode_onehot_without_rare_categories_has_no_bucket():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20})
    out = Encode().fit(frame, FitContext(target="label")).transform(frame, [])
    assert [c for c in out.columns if c.startswith("color")] == ["color=a", "color=b", "color=c"]


def test_encode_drop_reference_drops_the_most_frequent_category():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20, "d": 2})
    step = Encode(max_categories=3, drop_reference=True).fit(frame, FitContext(target="label"))
    out = step.transform(frame, [])
    assert [c for c in out.columns if c.startswith("color")] == ["color=b", "color=c", "color=__rare__"]
    assert (out.filter(like="color=").sum(axis=1)[frame["color"] == "a"] == 0).all()


def test_encode_missing_values_are_a_category():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30})
    frame.loc[frame.index[:10], "color"] = np.nan
    out = Encode().fit(frame, FitContext(target="label")).transform(frame, [])
    assert out["color=__missing__"].sum() == 10 and not out.isna().any().any()


def test_encode_frequency_for_high_cardinality():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {f"v{i:02d}": 2 + i % 5 for i in range(60)})
    step = Encode().fit(frame, FitContext(target="label"))
    new = frame.head(5).copy()
    new.loc[new.index[0], "color"] = "never seen"
    out = step.transform(new, log := [])
    assert list(out.columns) == ["x", "color__freq", "label", "z"]
    shares = frame["color"].value_counts(normalize=True)
    assert out["color__freq"].iloc[0] == 0.0
    np.testing.assert_allclose(out["color__freq"].iloc[1:], shares[new["color"].iloc[1:]].to_numpy())
    assert len(log) == 1 and "1 row(s)" in log[0] and "frequency 0" in log[0]


def test_encode_ordinal_codes_by_frequency():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 2})
    step = Encode(method="ordinal").fit(frame, FitContext(target="label"))
    new = frame.head(3).copy()
    new["color"] = _text(["b", "c", "unseen"]).set_axis(new.index)
    out = step.transform(new, log := [])
    assert out["color"].tolist() == [1.0, -1.0, -1.0]
    assert len(log) == 1 and "1 row(s)" in log[0]


def test_encode_none_keeps_text():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30})
    out = Encode(method="none").fit(frame, FitContext(target="label")).transform(frame, [])
    pd.testing.assert_frame_equal(out, frame)


def test_encode_unseen_missing_and_extra_columns_are_handled():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20, "d": 2})
    frame["shape"] = _text(rng.choice(["round", "square"], len(frame)))
    step = Encode().fit(frame, FitContext(target="label"))
    fitted_names = step.get_feature_names_out()

    new = frame.sample(frac=1.0, random_state=1).head(20).drop(columns=["color"])
    new.loc[new.index[:3], "shape"] = ["oval", "oval", "star"]
    new["extra"] = 1.0
    out = step.transform(new, log := [])
    assert list(out.columns) == [*fitted_names, "extra"]
    assert list(out.index) == list(new.index)
    assert out[["color=b", "color=c"]].to_numpy().sum() == 0 and (out["color=__rare__"] == 1).all()
    (shape,) = [c for c in fitted_names if c.startswith("shape=")]  # binary: one column, the rarer value's
    assert (out.loc[new.index[:3], shape] == 0).all()  # no rare bucket: unseen values read as the other one
    assert any("'color' is absent" in note for note in log)
    assert any("'shape'" in note and "3 row(s) with 2 categories" in note and "most frequent category" in note
               for note in log)


def test_encode_round_trip_through_json_gives_identical_output():
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20, "d": 2})
    frame["city"] = _text(rng.choice([f"c{i}" for i in range(80)], len(frame)))
    step = Encode().fit(frame, FitContext(target="label"))
    again = _round_trip(step)
    pd.testing.assert_frame_equal(step.transform(frame, []), again.transform(frame, []))
    assert again.get_params() == step.get_params()


@pytest.mark.parametrize("tamper", [
    lambda d: d["params"].update(method="bogus"),
    lambda d: d["params"].update(max_categories="20"),
    lambda d: d["fitted"]["encodings"]["color"].update(kind="magic"),
    lambda d: d["fitted"]["encodings"]["color"].update(categories="a"),
    lambda d: d["fitted"]["encodings"]["color"].update(reference="nope"),
    lambda d: d["fitted"]["encodings"].pop("color"),
    lambda d: d["fitted"].pop("columns"),
    lambda d: d.update(step="clip"),
])
def test_encode_tampered_recipe_is_refused(tamper):
    rng = np.random.default_rng(0)
    frame = _frame(rng, {"a": 40, "b": 30, "c": 20})
    data = json.loads(json.dumps(Encode().fit(frame, FitContext(target="label")).to_dict()))
    tamper(data)
    with pytest.raises(RecipeError):
        Encode.from_dict(data)


def test_encode_rejects_bad_params_at_fit():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        Encode(method="target").fit(_frame(rng, {"a": 5}), FitContext())


def test_encode_frequency_map_is_capped(monkeypatch):
    rng = np.random.default_rng(0)
    monkeypatch.setattr("dataaudit.steps.encode.MAX_FREQUENCIES", 10)
    frame = _frame(rng, {f"v{i:02d}": 100 - i for i in range(60)})
    step = Encode().fit(frame, FitContext(target="label"))
    assert step.encodings_["color"]["truncated"] and len(step.encodings_["color"]["frequencies"]) == 10
    out = step.transform(frame, log := [])
    assert (out["color__freq"] > 0).sum() == sum(100 - i for i in range(10))
    assert len(log) == 1 and "rarer than the 10 most frequent" in log[0]


def test_encode_binary_category_is_one_column():
    """Two categories (or one and the rare bucket) are one 0/1 column, not it and its complement (issue 17)."""
    rng = np.random.default_rng(0)
    for counts, column in (({"a": 40, "b": 30}, "color=b"), ({"a": 40, "b": 2, "c": 1}, "color=__rare__")):
        frame = _frame(rng, counts)
        step = Encode().fit(frame, FitContext(target="label"))
        out = step.transform(frame, [])
        assert [c for c in out.columns if c.startswith("color")] == [column] == step.get_feature_names_out()[1:2]
        assert out[column].sum() == sum(counts.values()) - counts["a"]
        pd.testing.assert_frame_equal(_round_trip(step).transform(frame, []), out)


def test_encode_many_equally_frequent_values_are_dropped_with_a_reason():
    """Frequency encoding of 60 values seen twice each would be a constant column (issue 17)."""
    rng = np.random.default_rng(0)
    frame = _frame(rng, {f"v{i:02d}": 2 for i in range(60)})
    step = Encode().fit(frame, FitContext(target="label"))
    assert step.encodings_["color"]["kind"] == "dropped" and "equally frequent" in step.encodings_["color"]["reason"]
    out = step.transform(frame, [])
    assert list(out.columns) == ["x", "label", "z"] == step.get_feature_names_out()
    assert list(_round_trip(step).transform(frame, []).columns) == list(out.columns)
