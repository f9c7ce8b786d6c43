"""``fix`` treats integer category codes (DA408) as categories: imputed as one, never clipped or scaled, one-hot
(or frequency) encoded by the integer's text, in every engine, and ``apply`` does the same to new data from any
file type; ``--codes numeric`` (or ``[fix] codes``) keeps them numbers, and so are dates packed into numbers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit.api import apply_recipe, fix
from dataaudit.cli import cli
from dataaudit.fixing.options import FixOptions
from dataaudit.io import batches

from .conftest import write_csv


def _coded(rng: np.random.Generator, n: int = 2000) -> pd.DataFrame:
    """A race coded 1-6 (some missing) and 12 sites with effects in no order of their number, beside honest numbers."""
    race = rng.choice(np.arange(1, 7), n, p=[0.4, 0.25, 0.15, 0.1, 0.07, 0.03]).astype(float)
    race[rng.random(n) < 0.08] = np.nan
    site = rng.integers(1, 13, n)
    effect = rng.normal(0, 1.5, 13)
    x = rng.normal(size=n).round(4)
    logit = x + effect[site] + np.nan_to_num(np.where(race % 2 == 0, 1.0, -1.0))
    label = np.where(logit + rng.logistic(size=n) > 0, "yes", "no")
    return pd.DataFrame({"race": race, "site": site, "x": x, "label": label})


@pytest.fixture
def coded_csv(tmp_path, rng) -> Path:
    return write_csv(tmp_path / "coded.csv", _coded(rng))


def test_fix_one_hot_encodes_codes_and_says_so(coded_csv, tmp_path):
    result = fix(coded_csv, target="label", output=tmp_path / "out.parquet", recipe_path=tmp_path / "r.json")
    out = result.pre_resample
    assert "race" not in out.columns and "site" not in out.columns
    assert [c for c in out.columns if c.startswith("race")] == [
        "race=1", "race=2", "race=3", "race=4", "race=5", "race=6", "race__missing"]
    assert {f"site={k}" for k in range(1, 13)} <= set(out.columns)
    assert (out.filter(like="race=").sum(axis=1) == 1).all()  # missing codes were filled with the most frequent
    note = next(n for n in result.log if "integer codes" in n)
    assert note.startswith("encode: `race`, `site` integer codes one-hot encoded (DA408)")
    recipe = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    steps = {s["step"]: s["fitted"] for s in recipe["steps"]}
    assert steps["encode"]["codes"] == ["race", "site"]
    assert steps["robust-scale"]["method"]["race"] == "codes" and "race" not in steps["clip"]["columns"]
    assert steps["impute"]["strategy"]["race"] == "most-frequent" and steps["impute"]["fill"]["race"] == 1.0
    assert "integer codes" in CliRunner().invoke(cli, ["fix", str(coded_csv), "-t", "label", "--dry-run"]).output


def test_apply_reads_the_codes_alike_from_csv_and_parquet_and_handles_unseen_and_missing(coded_csv, tmp_path):
    result = fix(coded_csv, target="label")
    frame = pd.read_csv(coded_csv)
    # the same rows from Parquet: whole codes as integers (nullable where some are missing), not floats
    typed = frame.assign(race=frame["race"].astype("Int64"), site=frame["site"].astype("int64"))
    typed.to_parquet(tmp_path / "typed.parquet")
    applied = apply_recipe(result, tmp_path / "typed.parquet", drop_duplicates=True)[0]
    pd.testing.assert_frame_equal(applied.drop(columns="label"), result.pre_resample.drop(columns="label"))
    new = pd.DataFrame({"race": ["3", "", "9", "2.0"], "site": [4, 13, 4, 0], "x": [0.1, 0.2, 0.3, 0.4],
                        "label": ["yes"] * 4})
    out, notes = apply_recipe(result, write_csv(tmp_path / "new.csv", new))
    assert out["race=3"].tolist() == [1.0, 0.0, 0.0, 0.0] and out["race=2"].tolist() == [0.0, 0.0, 0.0, 1.0]
    assert out["race__missing"].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert out.loc[1, "race=1"] == 1.0  # a missing code is filled with the most frequent one, as at fit
    assert (out.loc[2, [c for c in out.columns if c.startswith("race=")]] == 0).all()  # unseen 9: no rare bucket
    assert (out.loc[[1, 3], [c for c in out.columns if c.startswith("site=")]] == 0).all(axis=None)
    assert any("'race' has 1 row(s) with 1 category not seen" in n for n in notes)
    assert any("'site' has 2 row(s) with 2 categories not seen" in n for n in notes)


def test_codes_numeric_keeps_them_numbers_from_the_command_line_and_the_settings(coded_csv, tmp_path, monkeypatch):
    numeric = fix(coded_csv, target="label", options=FixOptions(codes="numeric"))
    assert {"race", "site"} <= set(numeric.pre_resample.columns)
    assert any("kept as numbers (--codes numeric)" in n for n in numeric.log)
    runner = CliRunner()
    result = runner.invoke(cli, ["fix", str(coded_csv), "-t", "label", "-o", str(tmp_path / "a.csv"), "--codes",
                                 "numeric", "--isolated"])
    assert result.exit_code == 0, result.output
    assert {"race", "site"} <= set(pd.read_csv(tmp_path / "a.csv").columns)
    monkeypatch.chdir(tmp_path)
    Path("dataaudit.toml").write_text('[fix]\ncodes = "numeric"\n', encoding="utf-8")
    result = runner.invoke(cli, ["fix", str(coded_csv), "-t", "label", "-o", "b.csv"])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_csv("b.csv"), pd.read_csv(tmp_path / "a.csv"))
    result = runner.invoke(cli, ["fix", str(coded_csv), "-t", "label", "-o", "c.csv", "--codes", "categorical"])
    assert result.exit_code == 0 and "race=1" in pd.read_csv("c.csv").columns  # the command line wins
    Path("dataaudit.toml").write_text('[fix]\ncodes = "nominal"\n', encoding="utf-8")
    result = runner.invoke(cli, ["fix", str(coded_csv), "-t", "label", "-o", "d.csv"])
    assert result.exit_code == 2 and "fix.codes must be one of categorical, numeric" in result.stderr
    assert not os.path.exists("d.csv")


def test_a_date_packed_into_an_integer_stays_a_number(tmp_path, rng):
    frame = _coded(rng)
    days = pd.to_datetime("1997-10-01") + pd.to_timedelta(rng.integers(0, 150, len(frame)), unit="D")
    frame["date"] = (days.month * 10000 + days.day * 100 + days.year % 100).to_numpy()  # mmddyy
    result = fix(write_csv(tmp_path / "dated.csv", frame), target="label")
    kinds = {f.column: f.evidence["kind"] for f in result.before.findings if f.rule == "DA408"}
    assert kinds == {"race": "codes", "site": "codes", "date": "date"}
    assert {f.column: f.fix for f in result.before.findings if f.rule == "DA408"}["date"] == "none"
    assert "date" in result.pre_resample.columns and "race" not in result.pre_resample.columns
    assert result.recipe.steps[-2].codes_ == ["race", "site"]  # the encoder, before resampling


def test_stream_fix_encodes_codes_as_in_memory(coded_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(batches, "BATCH_BYTES", 1 << 14)  # several batches
    memory = fix(coded_csv, target="label", output=tmp_path / "m.parquet", engine="pandas", rescan=False)
    stream = fix(coded_csv, target="label", output=tmp_path / "s.parquet", engine="stream", rescan=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), pd.read_parquet(tmp_path / "m.parquet"))
    assert stream.recipe.to_dict() == memory.recipe.to_dict() and "race=1" in stream.recipe.output_columns
    assert [n for n in stream.log if not n.startswith("stream engine:")] == memory.log


def test_dask_fix_encodes_codes_as_in_memory(coded_csv, tmp_path, scheduler, small_blocks):
    pytest.importorskip("distributed")
    memory = fix(coded_csv, target="label", output=tmp_path / "m.parquet", engine="pandas", rescan=False)
    dask = fix(coded_csv, target="label", output=tmp_path / "d", engine="dask", scheduler=scheduler, rescan=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "d"), pd.read_parquet(tmp_path / "m.parquet"))
    assert dask.recipe.to_dict() == memory.recipe.to_dict() and "race=1" in dask.recipe.output_columns
    assert [n for n in dask.log if not n.startswith("dask engine:")] == memory.log


def test_fix_transformer_takes_codes(rng):
    from dataaudit import FixTransformer

    frame = _coded(rng)
    X, y = frame.drop(columns="label"), frame["label"]
    names = list(FixTransformer().fit(X, y).get_feature_names_out())
    assert "race=2" in names and "race" not in names
    assert FixTransformer().get_params()["codes"] == "categorical"
    assert "race" in list(FixTransformer(codes="numeric").fit(X, y).get_feature_names_out())


def test_one_hot_columns_of_rare_codes_are_not_findings_the_fix_created(coded_csv):
    """A site's 0/1 column covers 1/12 of the rows: near-constant by construction (DA602), not something the fix
    made worse; other findings on derived columns still count."""
    from dataaudit.fixing.guard import new_after_fix

    result = fix(coded_csv, target="label")
    assert any(f.rule == "DA602" and f.column.startswith("race=") for f in result.after.findings)
    assert [f for f in result.new_findings if f.rule == "DA602"] == []
    near = next(f for f in result.after.findings if f.rule == "DA602" and f.column.startswith("race="))
    inputs = result.recipe.input_columns
    assert new_after_fix([], [near], inputs) == []
    assert new_after_fix([], [near], [c for c in inputs if c != "race"]) == [near]  # "race=6" an input column itself


def test_encode_none_leaves_codes_as_they_are_unscaled(coded_csv):
    result = fix(coded_csv, target="label", options=FixOptions(encode="none"))
    out, raw = result.pre_resample, pd.read_csv(coded_csv)
    assert sorted(out["site"].unique()) == list(range(1, 13))  # the codes themselves, neither clipped nor scaled
    assert set(out["race"].unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0} and raw["race"].isna().any()
    assert any("left as they are (--encode none)" in n for n in result.log)
