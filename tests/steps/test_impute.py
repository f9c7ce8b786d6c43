"""Impute: auto choices and reasons, indicators, KNN and iterative state in JSON, new data, tampering."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, SimpleImputer
from sklearn.linear_model import BayesianRidge

from dataaudit.steps.base import FitContext, RecipeError
from dataaudit.steps.impute import Impute

from ._json import native, round_trip

_native, _round_trip = native, round_trip


def _holes(rng, x, share):
    x = np.array(x, dtype=float)
    x[rng.random(x.size) < share] = np.nan
    return x


def _frame(rng, n=400):
    """Correlated numeric columns with gaps, a skewed one, a 0/1 flag, a category and an untouched target."""
    a = rng.normal(50, 10, n)
    return pd.DataFrame({
        "a": _holes(rng, a, 0.2),
        "b": _holes(rng, 2 * a + rng.normal(0, 1, n), 0.15),
        "skewed": _holes(rng, rng.lognormal(0, 1.5, n), 0.1),
        "flag": _holes(rng, rng.integers(0, 2, n), 0.02),
        "colour": pd.Series(rng.choice(["red", "green", "blue"], n, p=[0.5, 0.3, 0.2]), dtype="str").mask(
            rng.random(n) < 0.1),
        "label": pd.Series(rng.choice(["yes", "no"], n), dtype="str").mask(rng.random(n) < 0.05),
    })


def test_impute_auto_uses_median_keeps_flags_and_says_why():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute().fit(frame, FitContext(target="label"))
    out = step.transform(frame, log := [])
    assert step.strategy_ == {"a": "median", "b": "median", "skewed": "median", "flag": "most-frequent",
                              "colour": "most-frequent"}
    assert step.fill_["a"] == pytest.approx(np.nanmedian(frame["a"]))
    assert step.fill_["colour"] == "red" and step.fill_["flag"] in (0.0, 1.0)
    assert "outlying" in step.reasons_["skewed"] or "skewed" in step.reasons_["skewed"]
    assert all(isinstance(r, str) and r for r in step.reasons_.values())
    assert not out.drop(columns="label").isna().any().any()
    assert set(out["flag"].unique()) <= {0.0, 1.0}
    assert out["colour"].dtype == frame["colour"].dtype
    pd.testing.assert_series_equal(out["label"], frame["label"])
    observed = frame["a"].notna()
    assert_allclose(out.loc[observed, "a"], frame.loc[observed, "a"])
    assert len(log) == 1 and log[0].startswith("impute: filled")


@pytest.mark.parametrize("strategy", ["median", "mean", "most-frequent"])
def test_impute_statistics_equal_simple_imputer(strategy):
    rng = np.random.default_rng(0)
    frame = _frame(rng).drop(columns=["colour", "label"])
    frame["rounded"] = _holes(rng, rng.integers(0, 5, len(frame)), 0.1)  # ties for most-frequent
    step = Impute(strategy=strategy).fit(frame, FitContext())
    reference = SimpleImputer(strategy=strategy.replace("-", "_")).fit(frame.to_numpy())
    assert_allclose([step.fill_[c] for c in frame.columns], reference.statistics_, rtol=1e-12)
    out = step.transform(frame, [])
    assert_allclose(out[list(frame.columns)].to_numpy(), reference.transform(frame.to_numpy()), rtol=1e-12)


def test_impute_indicators_fixed_at_fit_for_substantial_or_informative_missingness():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute().fit(frame, FitContext(target="label", flagged={"DA105": {"flag"}}))
    assert step.indicators_ == ["a", "b", "skewed", "flag", "colour"]  # flag: 2% missing, but DA105 says informative
    assert "DA105" in step.reasons_["flag"]
    out = step.transform(frame, [])
    assert list(out.columns) == ["a", "a__missing", "b", "b__missing", "skewed", "skewed__missing", "flag",
                                 "flag__missing", "colour", "colour__missing", "label"]
    assert list(out.columns) == step.get_feature_names_out(list(frame.columns))
    np.testing.assert_array_equal(out["a__missing"], frame["a"].isna().astype(float))
    assert out["colour__missing"].dtype == np.float64
    complete = frame.drop(columns="label").iloc[:5].fillna({"a": 1.0, "b": 2.0, "skewed": 1.0, "flag": 0.0,
                                                            "colour": "red"})
    again = step.transform(complete, [])
    assert (again.filter(like="__missing") == 0.0).all().all() and again.shape[1] == 10
    without_flag = Impute().fit(frame, FitContext(target="label"))
    assert "flag" not in without_flag.indicators_


def test_impute_no_indicator_for_complete_or_empty_columns():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"full": rng.normal(size=50), "empty": np.full(50, np.nan)})
    step = Impute(indicator_min_share=0.0).fit(frame, FitContext(flagged={"DA105": {"full", "empty"}}))
    assert step.indicators_ == []
    out = step.transform(frame, [])
    assert (out["empty"] == 0.0).all() and step.strategy_["empty"] == "constant"


@pytest.mark.parametrize("strategy", ["auto", "median", "mean", "most-frequent", "knn", "iterative", "none"])
def test_impute_json_round_trip_gives_identical_output(strategy):
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute(strategy=strategy).fit(frame, FitContext(target="label", seed=3))
    new = _frame(np.random.default_rng(1), n=60)
    for data in (frame, new):
        pd.testing.assert_frame_equal(_round_trip(step).transform(data, []), step.transform(data, []))
    out = step.transform(frame, [])
    if strategy == "none":
        pd.testing.assert_frame_equal(out, frame)
    else:
        assert not out.drop(columns="label").isna().any().any()
        assert np.isfinite(out.select_dtypes("number").to_numpy()).all()


def test_impute_none_leaves_missing_values():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute(strategy="none").fit(frame, FitContext(target="label"))
    assert step.columns_ == [] and step.indicators_ == []
    assert step.transform(frame, log := []).isna().sum().sum() == frame.isna().sum().sum() and log == []


def test_impute_tampered_recipe_is_refused():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    data = Impute(strategy="knn").fit(frame, FitContext(target="label")).to_dict()
    tampered = [
        {**data, "step": "clip"},
        {**data, "params": {**data["params"], "extra": 1}},
        {**data, "fitted": {**data["fitted"], "pickle": "x"}},
        {**data, "params": {**data["params"], "strategy": "magic"}},
        {**data, "fitted": {**data["fitted"], "fill": {**data["fitted"]["fill"], "a": [1]}}},
        {**data, "fitted": {**data["fitted"], "model": {**data["fitted"]["model"], "rows": [[1.0]]}}},
    ]
    for bad in tampered:
        with pytest.raises(RecipeError):
            Impute.from_dict(json.loads(json.dumps(bad)))
    with pytest.raises(RecipeError):
        Impute().to_dict()  # not fitted


def test_impute_absent_column_is_added_in_place_and_logged():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute().fit(frame, FitContext(target="label"))
    new = frame.drop(columns=["b", "colour"]).assign(extra=pd.Series(["x"] * len(frame), dtype="str").mask(
        rng.random(len(frame)) < 0.5))
    out = step.transform(new, log := [])
    assert list(out.columns) == ["a", "a__missing", "b", "b__missing", "skewed", "skewed__missing", "flag",
                                 "colour", "colour__missing", "label", "extra"]
    assert (out["b"] == step.fill_["b"]).all() and (out["b__missing"] == 1.0).all()
    assert (out["colour"] == "red").all()
    pd.testing.assert_series_equal(out["extra"], new["extra"])  # extra columns are left alone, gaps and all
    assert sum("'b' is absent" in line for line in log) == 1 and sum("'colour' is absent" in line for line in log) == 1


def test_impute_infinite_values_are_treated_as_missing():
    frame = pd.DataFrame({"x": [1.0, 2.0, np.inf, 3.0, -np.inf, np.nan, 5.0]})
    out = Impute().fit(frame, FitContext()).transform(frame, [])
    np.testing.assert_array_equal(out["x"], [1.0, 2.0, 2.5, 3.0, 2.5, 2.5, 5.0])
    np.testing.assert_array_equal(out["x__missing"], [0, 0, 1, 0, 1, 1, 0])


def test_impute_knn_stores_a_seeded_subsample_and_rebuilds_from_json():
    rng = np.random.default_rng(0)
    frame = _frame(rng, n=600)
    step = Impute(strategy="knn", max_knn_rows=100).fit(frame, FitContext(target="label", seed=7))
    model = step.model_
    assert model["kind"] == "knn" and len(model["rows"]) == 100 and model["columns"] == ["a", "b", "skewed", "flag"]
    assert any(v is None for row in model["rows"] for v in row)  # missing values stored as null
    again = Impute(strategy="knn", max_knn_rows=100).fit(frame, FitContext(target="label", seed=7))
    assert again.model_ == model
    other = Impute(strategy="knn", max_knn_rows=100).fit(frame, FitContext(target="label", seed=8))
    assert other.model_["rows"] != model["rows"]
    new = _frame(np.random.default_rng(5), n=80)
    rebuilt = _round_trip(step)
    out = rebuilt.transform(new, [])
    pd.testing.assert_frame_equal(out, step.transform(new, []))


def test_impute_knn_finds_neighbours_on_robust_scaled_columns():
    rng = np.random.default_rng(0)
    a = rng.normal(50, 10, 500)
    frame = pd.DataFrame({"a": a, "b": _holes(rng, 2 * a + rng.normal(0, 1, 500), 0.2),
                          "big": 1e6 * rng.normal(size=500)})  # in raw units this column alone would pick neighbours
    out = Impute(strategy="knn").fit(frame, FitContext()).transform(frame, [])
    gap = frame["b"].isna().to_numpy()
    knn_error = np.median(np.abs(out["b"].to_numpy()[gap] - 2 * a[gap]))
    median_error = np.median(np.abs(frame["b"].median() - 2 * a[gap]))
    assert knn_error < median_error / 3


def test_impute_iterative_replay_equals_scikit_learn_transform():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = Impute(strategy="iterative").fit(frame, FitContext(target="label", seed=11))
    columns = step.model_["columns"]
    assert columns == ["a", "b", "skewed", "flag"] and step.model_["sequence"]
    train = frame[columns].to_numpy(dtype=float)
    reference = IterativeImputer(estimator=BayesianRidge(), initial_strategy="median", sample_posterior=False,
                                 random_state=11, min_value=np.nanmin(train, axis=0),
                                 max_value=np.nanmax(train, axis=0)).fit(train)
    rebuilt = _round_trip(step)
    new = _frame(np.random.default_rng(3), n=120)
    for data in (frame, new):
        out = rebuilt.transform(data, [])
        assert_allclose(out[columns].to_numpy(), reference.transform(data[columns].to_numpy(dtype=float)),
                        rtol=1e-10, atol=1e-10)
        pd.testing.assert_frame_equal(out, step.transform(data, []))


def test_impute_knn_and_iterative_need_two_numeric_columns():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": _holes(rng, rng.normal(size=100), 0.2),
                          "c": pd.Series(rng.choice(["p", "q"], 100), dtype="str")})
    for strategy in ("knn", "iterative"):
        step = Impute(strategy=strategy).fit(frame, FitContext())
        assert step.model_ is None and step.strategy_["x"] == "median"
        assert not step.transform(frame, []).isna().any().any()


def test_impute_bad_parameters_are_refused_at_fit():
    frame = pd.DataFrame({"x": [1.0, np.nan]})
    for params in ({"strategy": "zero"}, {"indicator_min_share": 2}, {"max_knn_rows": 0}):
        with pytest.raises(ValueError):
            Impute(**params).fit(frame, FitContext())


def test_one_source_column_gets_one_missing_indicator(tmp_path):
    """A date's month, day of week and days are missing together: one indicator, not three (issue 17)."""
    from dataaudit import FixOptions, fix

    rng = np.random.default_rng(0)
    n = 800
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")  # months wrap
    when = pd.Series(dates.strftime("%Y-%m-%d")).where(rng.random(n) > 0.3)  # 30% never recorded
    pd.DataFrame({"when": when, "x": rng.normal(size=n), "label": rng.integers(0, 2, n)}).to_csv(tmp_path / "t.csv",
                                                                                               index=False)
    columns = list(fix(tmp_path / "t.csv", target="label", options=FixOptions(resample="none")).frame.columns)
    assert [c for c in columns if c.endswith("__missing")] == ["when__month__missing"]


def test_a_float_column_without_gaps_is_kept_as_it_is_not_copied():
    """Issue 20: the step made a new array for every numeric column, gaps or not; one without gaps (and without
    ±inf, which count as gaps) is its own imputation. Integer and infinite columns are still made floats."""
    frame = pd.DataFrame({"full": np.linspace(-1.0, 1.0, 50), "gaps": _holes(np.random.default_rng(0),
                                                                             np.arange(50.0), 0.2),
                          "whole": np.arange(50), "inf": np.r_[np.inf, np.arange(49.0)]})
    out = Impute().fit_transform(frame, FitContext(), [])
    assert np.shares_memory(out["full"].to_numpy(), frame["full"].to_numpy())
    pd.testing.assert_series_equal(out["full"], frame["full"])
    assert out["whole"].dtype == np.float64 and not out["gaps"].isna().any() and np.isfinite(out["inf"]).all()
