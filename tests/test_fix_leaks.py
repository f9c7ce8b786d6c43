"""fix --drop-leaky hands the model no leak, in no form (parts, indicators); without it the report says what is left."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit import FixOptions
from dataaudit.api import apply_recipe, fix
from dataaudit.checks.leakage import rank_auc
from dataaudit.fixing.guard import source_column
from dataaudit.fixing.report import render


def _table(rng: np.random.Generator, n: int = 800, share: float = 0.1) -> pd.DataFrame:
    """A binary label, an honest strong feature (AUC about 0.87) and a noise column."""
    y = (rng.random(n) < share).astype(int)
    return pd.DataFrame({"noise": rng.normal(0, 1, n).round(4), "strong": (rng.normal(0, 1, n) + 1.6 * y).round(4),
                         "label": y})


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    return (pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")).strftime("%Y-%m-%d")


def _fix_and_apply(frame: pd.DataFrame, tmp_path, drop_leaky: bool = True):
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    result = fix(path, target="label", options=FixOptions(drop_leaky=drop_leaky, resample="none"))
    out, _ = apply_recipe(result.recipe, path)  # every row, none resampled
    return result, out


def _derived(out: pd.DataFrame, inputs: list[str], source: str) -> list[str]:
    return [c for c in out.columns if c != "label" and source_column(c, inputs) == source]


@pytest.mark.parametrize("absent", ["", "N/A", "-", "1900-01-01"])
def test_drop_leaky_leaves_nothing_of_a_date_recorded_only_for_one_class(tmp_path, absent):
    # a closing date known only for cancelled contracts: elsewhere a missing-value token, or a sentinel date
    rng = np.random.default_rng(0)
    frame = _table(rng)
    frame["closed_on"] = np.where(frame["label"] == 1, _dates(rng, len(frame)), absent)
    result, out = _fix_and_apply(frame, tmp_path)
    assert _derived(out, list(frame.columns), "closed_on") == []  # no __days, __month, __missing, …
    assert "closed_on" in result.dropped_columns
    y = frame["label"].to_numpy()
    for column in (c for c in out.columns if c != "label"):
        auc, _ = rank_auc(out[column].to_numpy(dtype=float), y)
        assert max(auc, 1 - auc) < 0.97, column


def test_drop_leaky_drops_a_ratio_that_is_zero_unless_the_label_is_positive(tmp_path):
    rng = np.random.default_rng(1)
    frame = _table(rng)
    frame["recovery_ratio"] = np.where(frame["label"] == 1, rng.uniform(0.05, 2.0, len(frame)).round(3), 0.0)
    result, out = _fix_and_apply(frame, tmp_path)
    assert _derived(out, list(frame.columns), "recovery_ratio") == []
    assert "recovery_ratio" in result.dropped_columns


def test_drop_leaky_keeps_a_strong_honest_feature_and_an_honest_date(tmp_path):
    rng = np.random.default_rng(2)
    frame = _table(rng)
    y = frame["label"].to_numpy()
    # an honest date: later sign-ups churn more, but both classes have every kind of date
    days = rng.integers(0, 900, len(frame)) + np.where(y == 1, 150, 0)
    frame["signed_up"] = (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    frame["closed_on"] = np.where(y == 1, _dates(rng, len(frame)), "N/A")  # and a leak beside them
    result, out = _fix_and_apply(frame, tmp_path)
    assert "strong" not in result.dropped_columns and "signed_up" not in result.dropped_columns
    before, _ = rank_auc(frame["strong"].to_numpy(dtype=float), y)
    after, _ = rank_auc(out["strong"].to_numpy(dtype=float), y)
    assert after == pytest.approx(before, abs=0.02) and before > 0.8
    assert "signed_up__days" in out.columns
    assert _derived(out, list(frame.columns), "closed_on") == []


def _leaky_result(tmp_path):
    rng = np.random.default_rng(3)
    frame = _table(rng)
    frame["recovery_ratio"] = np.where(frame["label"] == 1, rng.uniform(0.05, 2.0, len(frame)).round(3), 0.0)
    frame["huge"] = rng.lognormal(8, 3, len(frame))  # something the fix repairs (outliers, scale)
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    return fix(path, target="label", options=FixOptions(resample="none"))


def test_risk_table_shows_what_kept_leaks_leave_apart_from_what_fix_could_not_repair(tmp_path):
    result = _leaky_result(tmp_path)
    assert result.kept_leaks == ["recovery_ratio"]
    data = json.loads(render(result, "json"))
    left = data["gradient_risk_left"]
    assert data["kept_leaks"] == ["recovery_ratio"]
    assert left["because_of_kept_leaks"]["score"] >= 90 and left["because_of_kept_leaks"]["leaks"] == ["recovery_ratio"]
    spurious = next(c for c in left["not_repaired"]["components"] if c["mechanism"] == "spurious-signal")
    assert spurious["score"] == 0  # the leak is the only spurious signal: none of it is "not repaired"
    assert left["not_repaired"]["score"] < data["after"]["gradient_risk"]["score"]

    text = render(result, "text")
    assert "because of kept leaks" in text and "left: kept leaks" in text and "not repaired" in text
    assert "still predicts the target almost perfectly or was recorded after it" in text and "{'was'" not in text
    row = next(line for line in text.splitlines() if line.strip().startswith("spurious-signal (leakage)"))
    assert row.split()[-2:] == [str(left["because_of_kept_leaks"]["score"]), "0"]
    md = render(result, "markdown")
    assert "| mechanism | before | after | left: kept leaks | left: not repaired |" in md
    assert "`recovery_ratio`" in md
    page = render(result, "html")
    assert "<th>left: kept leaks</th><th>left: not repaired</th>" in page and "because of kept leaks" in page


def test_risk_table_has_no_kept_leak_part_with_drop_leaky(tmp_path):
    rng = np.random.default_rng(3)
    frame = _table(rng)
    frame["recovery_ratio"] = np.where(frame["label"] == 1, rng.uniform(0.05, 2.0, len(frame)).round(3), 0.0)
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    result = fix(path, target="label", options=FixOptions(resample="none", drop_leaky=True))
    assert result.kept_leaks == []
    data = json.loads(render(result, "json"))
    assert data["gradient_risk_left"]["because_of_kept_leaks"]["score"] == 0
    assert data["gradient_risk_left"]["not_repaired"]["score"] == data["after"]["gradient_risk"]["score"]
    assert "left: kept leaks" not in render(result, "text")
