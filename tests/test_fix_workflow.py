"""``fix`` on a training split and ``apply`` on scoring data, as a production job runs them (issue 17).

Rows without a label, class weights instead of copies, a cap on over-sampling, a regression target's
transform, and outputs that hold no finding the input did not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import apply_recipe, fix
from dataaudit.recipe import Recipe

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
    from dataaudit.fix_report import render

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
