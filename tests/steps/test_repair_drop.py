"""Repair and Drop: conversions decided from the scan, JSON round trip, new values parsed the same way."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit.analysis.pipeline import scan_loaded
from dataaudit.io.read import load, to_frame
from dataaudit.steps.base import FitContext, RecipeError
from dataaudit.steps.drop import Drop
from dataaudit.steps.repair import Repair


def _fit(tmp_path, frame, target=None, step=None):
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    loaded = load(path)
    report = scan_loaded(loaded, target=target)
    context = FitContext(target=target, findings=list(report.findings), profile=report.profile)
    data = to_frame(loaded.table)
    step = (step or Repair()).fit(data, context)
    return step, data


def _round_trip(step):
    return type(step).from_dict(json.loads(json.dumps(step.to_dict())))


def test_repair_parses_numbers_tokens_sentinels_booleans_and_dates(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({
        "price": [f"${v:,.2f}" for v in rng.uniform(1000, 5000, n)],
        "age": np.where(np.arange(n) % 20 == 0, "?", rng.integers(20, 70, n).astype(str)),
        "hours": np.where(np.arange(n) % 12 == 0, -999, rng.integers(20, 60, n)),
        "partner": rng.choice(["Yes", "No"], n),
        "signup": (pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")).strftime("%m/%d/%Y"),
        "plan": rng.choice(["Basic", " basic", "BASIC", "Premium"], n, p=[0.5, 0.1, 0.1, 0.3]),
    })
    step, data = _fit(tmp_path, frame)
    log: list[str] = []
    out = step.transform(data, log)
    assert out["price"].dtype == float and out["price"].between(1000, 5000).all()
    assert out["age"].isna().sum() == 15 and out["age"].dtype == float
    assert out["hours"].isna().sum() == 25 and out["hours"].min() >= 20
    assert set(out["partner"].unique()) == {0.0, 1.0}
    assert {"signup__month", "signup__dayofweek", "signup__days"} <= set(out.columns)
    assert "signup" not in out.columns and out["signup__days"].min() == 0
    assert set(out["plan"].unique()) == {"Basic", "Premium"}
    again = _round_trip(step).transform(data, [])
    pd.testing.assert_frame_equal(out, again)


def test_repair_parses_unseen_values_the_same_way(tmp_path):
    frame = pd.DataFrame({"price": ["$1,000.00", "$2,500.50"] * 20, "x": np.arange(40.0)})
    step, _ = _fit(tmp_path, frame)
    new = pd.DataFrame({"price": pd.Series(["$9,999.99", "N/A", None], dtype="str"), "x": [1.0, 2.0, 3.0]})
    out = step.transform(new, [])
    assert out["price"].tolist()[0] == pytest.approx(9999.99) and out["price"].isna().sum() == 2


def test_drop_removes_condemned_columns_and_says_why(tmp_path):
    rng = np.random.default_rng(1)
    n = 400
    a = rng.normal(size=n)
    frame = pd.DataFrame({"id": np.arange(n), "a": a, "a_copy": a, "const": 7, "b": rng.normal(size=n),
                          "label": rng.integers(0, 2, n)})
    step, data = _fit(tmp_path, frame, target="label", step=Drop())
    assert step.dropped_ == {"a_copy": "duplicate of another column", "const": "constant", "id": "identifier"}
    assert list(step.transform(data, []).columns) == ["a", "b", "label"]
    assert _round_trip(step).dropped_ == step.dropped_


def test_leaky_column_dropped_only_when_asked(tmp_path):
    rng = np.random.default_rng(2)
    label = rng.integers(0, 2, 500)
    frame = pd.DataFrame({"leak": np.where(label == 1, "yes", "no"), "x": rng.normal(size=500), "label": label})
    kept, _ = _fit(tmp_path, frame, target="label", step=Drop())
    dropped, _ = _fit(tmp_path, frame, target="label", step=Drop(drop_leaky=True))
    assert "leak" not in kept.dropped_ and "leak" in dropped.dropped_


def test_tampered_step_state_is_refused(tmp_path):
    step, _ = _fit(tmp_path, pd.DataFrame({"x": np.arange(30.0)}))
    data = step.to_dict()
    data["fitted"]["extra"] = 1
    with pytest.raises(RecipeError):
        Repair.from_dict(data)
    with pytest.raises(RecipeError):
        Drop.from_dict(step.to_dict())


def test_repair_re_decodes_mojibake(tmp_path):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"city": rng.choice(["SÃ£o Paulo", "São Paulo", "Berlin"], 300), "x": rng.normal(size=300)})
    step, data = _fit(tmp_path, frame)
    assert set(step.transform(data, [])["city"].unique()) == {"São Paulo", "Berlin"}


def test_duplicate_rows_dropped_exactly_as_pandas_sees_them():
    """Hashes only pick the candidates; pandas decides, so the result is ``DataFrame.duplicated``'s."""
    from dataaudit.fixing.recipe import drop_duplicate_rows

    rng = np.random.default_rng(3)
    n = 20_000
    frame = pd.DataFrame({"x": rng.integers(0, 4, n).astype(float),
                          "c": pd.Series(rng.choice(["a", "b", ""], n), dtype="str"), "k": rng.integers(0, 3, n)})
    frame.loc[::5, "x"] = np.nan
    frame.loc[::11, "c"] = None  # missing text apart from the empty string
    out, dropped = drop_duplicate_rows(frame)
    expected = frame[~frame.duplicated()]
    assert dropped == n - len(expected) > 0
    pd.testing.assert_frame_equal(out, expected)
    unique = frame.drop_duplicates()
    kept, none = drop_duplicate_rows(unique)
    assert none == 0
    pd.testing.assert_frame_equal(kept, unique)


def test_repair_joins_a_key_written_two_ways_and_maps_nothing_for_clean_categories():
    frame = pd.DataFrame({"city": pd.Series(["Paris", "paris", "Paris", "Lyon", " lyon ", "Lyon", None] * 10,
                                            dtype="str"),
                          "plan": pd.Series(["basic", "Pro", "team", None] * 10 + ["basic"] * 30, dtype="str")})
    step = Repair().fit(frame, FitContext())
    assert step.spellings_["city"] == {"paris": "Paris", "lyon": "Lyon"}  # the most frequent spelling of each key
    assert step.spellings_["plan"] == {}  # one spelling per key: nothing to map (the early exit)
