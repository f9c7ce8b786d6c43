"""``fix`` on a training split and ``apply`` on scoring data, as a production job runs them (issue 17).

Rows without a label, class weights instead of copies, a cap on over-sampling, a regression target's
transform, and outputs that hold no finding the input did not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import apply_recipe, fix
from dataaudit.fixing.recipe import Recipe

from .conftest import imbalanced_frame, write_csv


def _output(tmp_path, engine):
    return tmp_path / ("out" if engine == "dask" else "out.parquet")


@pytest.mark.parametrize("engine", ["pandas", "stream", "dask"])
def test_fix_drops_rows_without_a_target_and_counts_them(engine, tmp_path, request):
    """Rows whose label is missing were appended unchanged: the nan-loss risk stayed 100 after the fix."""
    frame = imbalanced_frame(np.random.default_rng(3), 1200, missing_labels=37)
    path = write_csv(tmp_path / "train.csv", frame)
    extra = {"scheduler": request.getfixturevalue("scheduler")} if engine == "dask" else {}
    result = fix(path, output=_output(tmp_path, engine), target="label", engine=engine,
                 recipe_path=tmp_path / "r.json", **extra)
    out = pd.read_parquet(_output(tmp_path, engine))
    assert out["label"].notna().all() and len(out) == result.rows["out"]
    rows = result.rows
    assert rows["missing_target_dropped"] == 37
    assert rows["in"] - rows["missing_target_dropped"] - rows["duplicates_dropped"] + rows["added_by_resampling"] \
        - rows["removed_by_resampling"] == rows["out"]
    assert not [f for f in result.after.findings if f.rule == "DA106"]  # no missing target left


def test_the_fix_report_counts_the_rows_without_a_target(tmp_path):
    from dataaudit.fixing.report import render

    path = write_csv(tmp_path / "train.csv", imbalanced_frame(np.random.default_rng(3), 800, missing_labels=12))
    result = fix(path, target="label")
    assert "12 with a missing target dropped" in render(result, "text")
    assert "rows with a missing target dropped" in render(result, "html")
    assert '"missing_target_dropped": 12' in render(result, "json")


def test_apply_keeps_rows_whose_target_is_missing(tmp_path):
    """apply never needs the target: scoring data with an empty label column keeps every row."""
    frame = imbalanced_frame(np.random.default_rng(4), 900, missing_labels=30)
    path = write_csv(tmp_path / "train.csv", frame)
    fix(path, target="label", recipe_path=tmp_path / "r.json")
    scored, _ = apply_recipe(Recipe.load(tmp_path / "r.json"), path)
    assert len(scored) == 900 and scored["label"].isna().sum() == 30


@pytest.mark.parametrize("engine", ["pandas", "stream"])
def test_a_label_written_as_a_missing_token_is_a_missing_target(engine, tmp_path):
    """DA106 counts '?' and 'N/A' labels as missing and says "fix drops them": it must, not keep a class '?'."""
    frame = imbalanced_frame(np.random.default_rng(5), 900)
    frame.loc[:9, "label"] = "?"
    frame.loc[10:14, "label"] = " N/A"
    path = write_csv(tmp_path / "train.csv", frame)
    result = fix(path, output=tmp_path / "out.parquet", target="label", engine=engine)
    (hit,) = [f for f in result.before.findings if f.rule == "DA106"]
    assert hit.evidence["count"] == 15 == result.rows["missing_target_dropped"]
    assert set(pd.read_parquet(tmp_path / "out.parquet")["label"]) == {"a", "b", "c"}


@pytest.mark.parametrize("engine", ["pandas", "stream"])
def test_a_class_that_says_the_label_is_unknown_is_a_missing_target(engine, tmp_path):
    """'Unknown' beside classes a, b and c is no class: DA106 counts it (the scan's class counts leave it out), fix
    drops those rows; a feature's category 'unknown' stays a value, kept in every row."""
    frame = imbalanced_frame(np.random.default_rng(6), 900)
    frame.loc[:39, "label"] = "Unknown"
    frame["grade"] = np.where(np.arange(900) % 7 == 0, "unknown", np.where(np.arange(900) % 2, "low", "high"))
    path = write_csv(tmp_path / "train.csv", frame)
    result = fix(path, output=tmp_path / "out.parquet", target="label", engine=engine)
    (hit,) = [f for f in result.before.findings if f.rule == "DA106"]
    assert hit.evidence["count"] == 40 == result.rows["missing_target_dropped"]
    assert hit.evidence["unknown_labels"] == {"Unknown": 40} and "labelled 'Unknown'" in hit.message
    assert "Unknown" not in result.before.profile.target.classes
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert set(out["label"]) == {"a", "b", "c"}
    assert not [f for f in result.before.findings if f.rule in ("DA101", "DA102") and "grade" in f.columns]


def _tiny_minority(rng, n=1850, minority=4):
    label = np.array(["ok"] * (n - minority) + ["fraud"] * minority)
    return pd.DataFrame({"x": rng.normal(0, 1, n) + 2 * (label == "fraud"), "z": rng.normal(0, 1, n), "label": label})


def test_weights_keep_every_row_and_balance_the_classes(tmp_path, rng):
    """--resample weights: no copied or synthetic row; each class's weights sum to the same total."""
    from dataaudit.fixing.options import FixOptions

    path = write_csv(tmp_path / "train.csv", imbalanced_frame(rng, 2000))
    result = fix(path, target="label", output=tmp_path / "out.parquet", recipe_path=tmp_path / "r.json",
                 options=FixOptions(resample="weights"))
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert result.weight_column == "sample_weight" and len(out) == result.rows["in"] - result.rows["duplicates_dropped"]
    assert result.rows["added_by_resampling"] == result.rows["removed_by_resampling"] == 0
    sums = out.groupby("label")["sample_weight"].sum()
    assert np.allclose(sums, len(out) / 3)
    mapping = result.decisions()["class_weight"]["class_weight"]
    counts = out["label"].value_counts()
    assert mapping == pytest.approx({c: len(out) / (3 * counts[c]) for c in counts.index})
    # the weight column is not a feature: not in the recipe's output, not rescanned, not written by apply
    assert "sample_weight" not in result.recipe.output_columns
    assert all("sample_weight" not in f.columns for f in result.after.findings)
    scored, _ = apply_recipe(Recipe.load(tmp_path / "r.json"), path)
    assert "sample_weight" not in scored.columns
    assert any("class_weight = {" in note for note in result.log)


def test_weights_need_the_pandas_engine(tmp_path, rng):
    from dataaudit.errors import UsageError
    from dataaudit.fixing.options import FixOptions

    path = write_csv(tmp_path / "train.csv", imbalanced_frame(rng, 300))
    with pytest.raises(UsageError, match="--resample weights needs --engine pandas"):
        fix(path, target="label", engine="stream", options=FixOptions(resample="weights"))


@pytest.mark.parametrize("engine, method", [("pandas", "over"), ("stream", "over"), ("stream", "auto")])
def test_over_sampling_copies_a_handful_of_rows_at_most_twenty_times(engine, method, tmp_path, rng):
    """Four rows of one class were copied 461 times each; now a class grows to at most ×20 and the log says so."""
    from dataaudit.fixing.options import FixOptions

    path = write_csv(tmp_path / "train.csv", _tiny_minority(rng))
    result = fix(path, target="label", engine=engine, output=tmp_path / "out.parquet",
                 options=FixOptions(resample=method))
    counts = pd.read_parquet(tmp_path / "out.parquet")["label"].value_counts()
    assert counts["fraud"] == 80 and counts["ok"] == 1846
    (said,) = [note for note in result.log if note.startswith("resample: random over-sampling")]
    assert "at most ×20" in said and "'fraud'" in said and "--resample weights" in said


def test_smote_is_capped_too(tmp_path, rng):
    from dataaudit.fixing.options import FixOptions

    path = write_csv(tmp_path / "train.csv", _tiny_minority(rng, 3000, 40))
    result = fix(path, target="label", options=FixOptions(resample="smote"))
    assert result.frame["label"].value_counts()["fraud"] == 800
    assert result.recipe.steps[-1].counts_after_ == {"ok": 2960, "fraud": 800}


def test_a_recipe_written_before_weights_existed_still_loads(tmp_path, rng):
    import json

    path = write_csv(tmp_path / "train.csv", imbalanced_frame(rng, 600))
    fix(path, target="label", recipe_path=tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    del data["steps"][-1]["fitted"]["weights"]
    (tmp_path / "old.json").write_text(json.dumps(data))
    assert Recipe.load(tmp_path / "old.json").steps[-1].weights_ == {}



def test_the_fix_report_names_every_leak_it_kept_and_the_option_that_drops_them(tmp_path, rng):
    """Without --drop-leaky the leaks stay; the report must name each one and the one option, not just the first."""
    from dataaudit.fixing.options import FixOptions
    from dataaudit.fixing.report import render

    n = 1500
    label = rng.choice([0, 1], n, p=[0.9, 0.1])
    frame = pd.DataFrame({"honest": rng.normal(0, 1, n) + label, "noise": rng.normal(0, 1, n),
                          "recovered": np.where(label == 1, rng.uniform(100, 900, n), 0.0),
                          "flag": np.where(rng.random(n) < 0.99, label, 1 - label), "label": label})
    path = write_csv(tmp_path / "credit.csv", frame)
    kept = fix(path, target="label", options=FixOptions(resample="none"))
    leaks = sorted({f.column for f in kept.after.findings if f.rule == "DA701"})
    assert {"recovered", "flag"} <= set(leaks)
    text = render(kept, "text")
    assert "Leaks kept: " + ", ".join(f"`{c}`" for c in leaks) in text and "--drop-leaky" in text
    dropped = fix(path, target="label", options=FixOptions(resample="none", drop_leaky=True))
    assert not [f for f in dropped.after.findings if f.rule == "DA701"] and "Leaks kept" not in render(dropped, "text")
    assert "honest" in dropped.frame.columns
