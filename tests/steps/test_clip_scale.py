"""Clip and RobustScale: robust bounds and scales, MAD = 0 fallbacks, finite output, new data, JSON state."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.preprocessing import RobustScaler, StandardScaler

from dataaudit.steps.base import FitContext, RecipeError
from dataaudit.steps.clip import Clip
from dataaudit.steps.robust_scale import RobustScale

from ._json import native, round_trip

_native, _round_trip = native, round_trip


def _frame(rng, n=500):
    """A heavy-tailed column, a zero-inflated one (MAD = 0), a flag, an indicator, a category, a wild target."""
    income = rng.lognormal(10, 1, n)
    income[:5] = [1e9, 5e8, -1e7, 2e9, 1e8]
    spiky = np.where(rng.random(n) < 0.6, 0.0, rng.normal(100, 20, n))
    return pd.DataFrame({
        "income": income, "spiky": spiky, "flag": rng.integers(0, 2, n).astype(float),
        "income__missing": (rng.random(n) < 0.1).astype(float),
        "city": pd.Series(rng.choice(["a", "b"], n), dtype="str"),
        "target": rng.normal(0, 1, n) * 1e6,
    })


def _mad(x):
    return np.median(np.abs(x - np.median(x)))


def test_clip_bounds_are_the_scan_modified_z_rule():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Clip().fit(frame, FitContext(target="target"))
    income = frame["income"].to_numpy()
    med, half = np.median(income), 3.5 * _mad(income) / 0.6745
    assert step.bounds_["income"] == pytest.approx([med - half, med + half])
    out = step.transform(frame, log := [])
    assert out["income"].min() >= med - half and out["income"].max() <= med + half
    assert (0.6745 * np.abs(out["income"] - med) / _mad(out["income"].to_numpy()) <= 3.5).all()
    inside = (income >= med - half) & (income <= med + half)
    assert_allclose(out["income"][inside], income[inside])
    assert len(log) == 1 and log[0].startswith("clip: clipped")
    for col in ("flag", "income__missing", "city", "target"):
        pd.testing.assert_series_equal(out[col], frame[col])
    assert step.columns_ == ["income", "spiky"] and "flag" in step.reasons_ and "target" not in step.reasons_


def test_clip_k_is_configurable_and_none_does_nothing():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    wide = Clip(k=10).fit(frame, FitContext(target="target"))
    narrow = Clip(k=2).fit(frame, FitContext(target="target"))
    assert wide.bounds_["income"][1] > narrow.bounds_["income"][1]
    off = Clip(method="none").fit(frame, FitContext(target="target"))
    assert off.columns_ == []
    pd.testing.assert_frame_equal(off.transform(frame, log := []), frame)
    assert log == []


def test_clip_judges_a_spiky_column_by_its_other_values_then_falls_back_to_iqr_then_leaves_it():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    frame["mostly_one"] = np.r_[np.ones(len(frame) - 3), [2.0, 3.0, 1e6]]  # too few other values to judge
    frame.loc[0, "mostly_one"] = 1e6
    frame["two_spikes"] = np.r_[np.zeros(300), np.ones(190), np.full(10, 50.0)]
    step = Clip().fit(frame, FitContext(target="target"))
    spiky = frame["spiky"].to_numpy()
    assert _mad(spiky) == 0
    rest = spiky[spiky != 0]
    half = 3.5 * _mad(rest) / 0.6745
    assert step.bounds_["spiky"] == pytest.approx([0.0, np.median(rest) + half], abs=1e-6)
    assert "other values" in step.reasons_["spiky"]
    assert "IQR" in step.reasons_["two_spikes"] and step.bounds_["two_spikes"][1] < 50
    assert "mostly_one" not in step.columns_ and "not clipped" in step.reasons_["mostly_one"]
    assert step.transform(frame, [])["mostly_one"].iloc[0] == 1e6


def test_clip_json_round_trip_new_data_and_absent_column():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Clip().fit(frame, FitContext(target="target"))
    rebuilt = _round_trip(step)
    pd.testing.assert_frame_equal(rebuilt.transform(frame, []), step.transform(frame, []))
    new = frame.drop(columns="spiky").assign(extra=1e12)
    new.loc[1, "income"] = np.inf
    new.loc[2, "income"] = np.nan
    out = rebuilt.transform(new, log := [])
    assert list(out.columns) == ["income", "spiky", "flag", "income__missing", "city", "target", "extra"]
    assert out["spiky"].isna().all() and (out["extra"] == 1e12).all()
    assert out["income"].iloc[1] == step.bounds_["income"][1] and np.isnan(out["income"].iloc[2])
    assert any("'spiky' is absent" in line for line in log)
    assert rebuilt.get_feature_names_out(list(new.columns)) == list(out.columns)


def test_clip_tampered_recipe_is_refused():
    rng = np.random.default_rng(0)
    data = Clip().fit(_frame(rng), FitContext(target="target")).to_dict()
    for bad in ({**data, "step": "robust-scale"}, {**data, "params": {**data["params"], "q": 1}},
                {**data, "params": {**data["params"], "k": -1}},
                {**data, "fitted": {**data["fitted"], "bounds": {"income": [5.0]}}},
                {**data, "fitted": {**data["fitted"], "bounds": {"income": [5.0, 1.0], "spiky": [0.0, 1.0]}}},
                {**data, "fitted": {**data["fitted"], "clipped": {"income": 1.5, "spiky": 0.0}}},
                {**data, "fitted": {**data["fitted"], "clipped": {"income": 0.1}}},
                {**data, "fitted": {**data["fitted"], "clipped": {"income": True, "spiky": 0.0}}}):
        with pytest.raises(RecipeError):
            Clip.from_dict(json.loads(json.dumps(bad)))


def test_clip_records_the_share_of_rows_it_clipped_at_fit():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    frame.loc[:9, "income"] = np.nan  # missing rows count in the share's denominator, never as clipped
    frame.loc[10, "income"] = np.inf
    step = Clip().fit(frame, FitContext(target="target"))
    low, high = step.bounds_["income"]
    x = frame["income"].to_numpy()
    assert step.clipped_["income"] == pytest.approx(((x < low) | (x > high)).sum() / len(frame))
    assert set(step.clipped_) == set(step.columns_) and step.clipped_["income"] > 0
    assert _round_trip(step).clipped_ == step.clipped_


def test_clip_recipe_from_before_the_clipped_share_loads_it_as_unknown():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Clip().fit(frame, FitContext(target="target"))
    data = json.loads(json.dumps(step.to_dict()))
    del data["fitted"]["clipped"]
    old = Clip.from_dict(data)
    assert old.clipped_ is None and old.to_dict()["fitted"]["clipped"] is None
    pd.testing.assert_frame_equal(old.transform(frame, []), step.transform(frame, []))


def test_robust_scale_mad_default_gives_unit_robust_spread():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = RobustScale().fit(frame, FitContext(target="target"))
    out = step.transform(frame, log := [])
    z = out["income"].to_numpy()
    assert np.median(z) == pytest.approx(0, abs=1e-12) and 1.4826 * _mad(z) == pytest.approx(1)
    assert step.method_ == {"income": "mad", "spiky": "iqr", "flag": "kept", "income__missing": "kept"}
    for col in ("flag", "income__missing", "city", "target"):
        pd.testing.assert_series_equal(out[col], frame[col])
    assert log == [] and np.isfinite(out.select_dtypes("number").to_numpy()).all()


def test_robust_scale_codes_two_values_other_than_0_and_1_as_0_and_1():
    """A survey year of 1999 or 2008 (mpg's `year`) reached the model as it was, 2,000 where every scaled column is
    near 0: the MLP on it diverged. Two values become 0/1 (low, high); a 0/1 flag is kept as it is."""
    n = 200
    frame = pd.DataFrame({"year": np.where(np.arange(n) % 3 == 0, 2008, 1999), "sex": np.arange(n) % 2 + 1,
                          "flag": np.arange(n) % 2, "ones": np.ones(n), "x": np.linspace(0, 5, n)})
    step = RobustScale().fit(frame, FitContext())
    assert step.method_ == {"year": "binary", "sex": "binary", "flag": "kept", "ones": "kept", "x": "mad"}
    out = step.transform(frame, [])
    assert sorted(set(out["year"])) == [0.0, 1.0] and (out["year"] == (frame["year"] == 2008)).all()
    assert sorted(set(out["sex"])) == [0.0, 1.0]
    pd.testing.assert_series_equal(out["flag"], frame["flag"])
    rebuilt = _round_trip(step)
    new = pd.DataFrame({"year": [1999, 2008, 2014], "sex": [2, 1, 2], "flag": [0, 1, 1], "ones": [1.0] * 3,
                        "x": [0.0, 1.0, 2.0]})
    assert rebuilt.transform(new, [])["year"].tolist() == pytest.approx([0.0, 1.0, 15 / 9])


def test_robust_scale_fallback_chain_never_divides_by_zero():
    n = 100
    frame = pd.DataFrame({
        "iqr": np.r_[np.zeros(55), np.arange(1.0, 46.0)],  # MAD = 0, IQR > 0
        "std": np.r_[np.zeros(90), np.arange(1.0, 11.0)],  # MAD = IQR = 0
        "unit": np.r_[np.zeros(n - 2), 1.5e308, -1.5e308],  # the std overflows: no usable scale
    })
    step = RobustScale().fit(frame, FitContext())
    assert step.method_ == {"iqr": "iqr", "std": "std", "unit": "unit"}
    q1, q3 = np.quantile(frame["iqr"], [0.25, 0.75])
    assert step.scale_["iqr"] == pytest.approx((q3 - q1) / 1.349)
    assert step.scale_["std"] == pytest.approx(frame["std"].std(ddof=0)) and step.scale_["unit"] == 1.0
    out = step.transform(frame, [])
    assert np.isfinite(out.to_numpy()).all()


@pytest.mark.parametrize("scaler, reference", [("robust", RobustScaler()), ("standard", StandardScaler())])
def test_robust_scale_alternatives_match_scikit_learn(scaler, reference):
    rng = np.random.default_rng(0)
    frame = _frame(rng)[["income", "spiky"]]
    out = RobustScale(scaler=scaler).fit(frame, FitContext()).transform(frame, [])
    assert_allclose(out.to_numpy(), reference.fit_transform(frame.to_numpy()), rtol=1e-10, atol=1e-12)


def test_robust_scale_none_and_infinite_values():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    assert RobustScale(scaler="none").fit(frame, FitContext()).columns_ == []
    step = RobustScale().fit(frame, FitContext(target="target"))
    new = frame.copy()
    new.loc[3, "income"], new.loc[4, "income"], new.loc[5, "income"] = np.inf, -np.inf, np.nan
    out = step.transform(new, log := [])
    low, high = step.range_["income"]
    center, scale = step.center_["income"], step.scale_["income"]
    assert out["income"].iloc[3] == pytest.approx((high - center) / scale)
    assert out["income"].iloc[4] == pytest.approx((low - center) / scale)
    assert np.isnan(out["income"].iloc[5])  # missing stays missing: impute's job
    assert len(log) == 1 and "2 infinite value(s)" in log[0]


def test_robust_scale_json_round_trip_absent_column_and_tampering():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = RobustScale().fit(frame, FitContext(target="target"))
    data = step.to_dict()
    rebuilt = _round_trip(step)
    pd.testing.assert_frame_equal(rebuilt.transform(frame, []), step.transform(frame, []))
    out = rebuilt.transform(frame.drop(columns="income").assign(extra="x"), log := [])
    assert list(out.columns)[:2] == ["income", "spiky"] and out["income"].isna().all()
    assert (out["extra"] == "x").all() and any("'income' is absent" in line for line in log)
    for bad in ({**data, "step": "clip"}, {**data, "fitted": {**data["fitted"], "extra": {}}},
                {**data, "params": {"scaler": "minmax"}},
                {**data, "fitted": {**data["fitted"], "scale": {"income": 0.0, "spiky": 1.0}}}):
        with pytest.raises(RecipeError):
            RobustScale.from_dict(json.loads(json.dumps(bad)))


def test_clip_then_scale_bounds_every_value():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    context = FitContext(target="target")
    clipped = Clip().fit_transform(frame, context, [])
    scaled = RobustScale().fit_transform(clipped, context, [])
    z = scaled["income"].to_numpy()
    assert np.abs(z).max() <= 3.5 / 0.6745 / 1.4826
    assert (0.6745 * np.abs(z - np.median(z)) / _mad(z)).max() <= 3.5  # what DA201 computes: scans clean
    assert np.isfinite(scaled.select_dtypes("number").to_numpy()).all()


def test_at_most_two_values_agrees_with_unique():
    from dataaudit.steps.base import at_most_two_values

    rng = np.random.default_rng(0)
    for x in (np.array([]), np.array([3.0]), np.array([0.0, 1.0, 1.0, 0.0]), np.array([-np.inf, np.inf]),
              np.array([0.0, 1.0, 2.0]), np.array([1.0, np.inf, -np.inf]), rng.integers(0, 3, 1000).astype(float),
              rng.integers(0, 2, 1000).astype(float)):
        assert at_most_two_values(x) == (np.unique(x).size <= 2), x


def test_clip_keeps_a_float_column_with_nothing_outside_its_bounds_and_clips_as_numpy_otherwise():
    """Issue 20: a column with no value outside its bounds is not copied; the output is np.clip's, bit for bit,
    including a -0.0 against a bound at 0 and a NaN bound, which are clipped as before."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"inside": rng.normal(size=300), "spiky": np.r_[rng.normal(size=299), 80.0],
                          "whole": rng.integers(0, 5, 300), "zero": np.r_[-0.0, rng.uniform(0, 1, 299)],
                          "nan": rng.uniform(0, 1, 300)})
    clip = Clip().fit(frame, FitContext())
    clip.bounds_.update(inside=(-50.0, 50.0), zero=(0.0, 2.0), nan=(np.nan, 2.0))
    out = clip.transform(frame, [])
    assert np.shares_memory(out["inside"].to_numpy(), frame["inside"].to_numpy())
    for c in clip.columns_:
        expected = np.clip(frame[c].to_numpy(dtype=float), *clip.bounds_[c])
        assert out[c].to_numpy().tobytes() == expected.tobytes(), c
    assert out["spiky"].max() < 80.0 and np.signbit(out["zero"].iloc[0]) == np.signbit(np.clip(-0.0, 0.0, 2.0))
