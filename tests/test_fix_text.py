"""Free text through the fix (issue 17, item 6): dropped by default on every engine and said so, with the one
option that keeps it (``--keep-text``, frequency-encoded); the recipe repeats the decision in ``apply``, and the
scan's fix hints say what the fix does."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit.api import apply_recipe, fix, scan
from dataaudit.cli import cli
from dataaudit.fixing.options import FixOptions
from dataaudit.fixing.recipe import Recipe
from dataaudit.fixing.report import render

FIRST = ["Anna", "Ben", "Carla", "David", "Eva", "Frank", "Greta", "Hans", "Ines", "Jonas"]
LAST = ["Smith", "Miller", "Jones", "Brown", "Davis", "Garcia", "Wilson", "Moore", "Taylor", "Thomas", "King"]
WORDS = ("the product arrived late but works fine quality is great would buy again poor packaging excellent "
         "service slow delivery happy with purchase").split()


def _people(n: int = 600) -> pd.DataFrame:
    """A names column, a comments column with 30% missing, and ordinary features."""
    rng = np.random.default_rng(0)
    names = [f"{a} {b} {c}." for a, b, c in zip(rng.choice(FIRST, n), rng.choice(LAST, n),
                                                 rng.choice(list("ABCDEFGH"), n))]
    comments = pd.Series([" ".join(rng.choice(WORDS, k)) for k in rng.integers(4, 12, n)], dtype=object)
    comments[rng.random(n) < 0.3] = None
    frame = pd.DataFrame({"name": names, "comment": comments, "age": rng.integers(18, 80, n),
                          "income": rng.lognormal(10, 0.5, n).round(2),
                          "city": rng.choice(["Berlin", "Paris", "Rome", "Madrid"], n),
                          "score": rng.normal(0, 1, n).round(3)})
    frame["label"] = (frame["score"] + rng.normal(0, 1, n) > 0).astype(int)
    return frame


@pytest.fixture
def people(tmp_path):
    path = tmp_path / "people.csv"
    _people().to_csv(path, index=False)
    return path


def test_free_text_is_dropped_by_default_and_the_report_names_the_option(people, tmp_path):
    result = fix(people, target="label", recipe_path=tmp_path / "r.json", options=FixOptions(resample="none"))
    assert "name" not in result.frame and "comment" not in result.frame
    assert not any(c.startswith(("name__", "comment__")) for c in result.frame.columns)
    note = "drop: dropped 2 free-text column(s) (DA414): `comment`, `name`; --keep-text keeps free text, " \
           "frequency-encoded."
    assert note in result.log
    for fmt in ("text", "markdown", "html"):
        assert "--keep-text" in render(result, fmt) and "free-text column(s)" in render(result, fmt)
    report = json.loads(render(result, "json"))
    assert note in report["notes"] and set(report["dropped_columns"]) >= {"name", "comment"}
    assert report["decisions"]["free-text"] == {"columns": ["comment", "name"], "kept": False,
                                                "option": "--keep-text"}
    # the comments' gaps are not imputed, and do not drive the nan-loss risk before or after the fix
    assert "comment" not in result.decisions()["impute"]
    risk = {c.mechanism: c.score for c in result.before.gradient_risk.components}
    assert risk["nan-loss"] == 0
    assert {c.mechanism: c.score for c in result.after.gradient_risk.components}["nan-loss"] == 0
    drop = next(s for s in Recipe.load(tmp_path / "r.json").to_dict()["steps"] if s["step"] == "drop")
    assert drop["params"]["keep_text"] is False and drop["fitted"]["text"] == ["comment", "name"]


def test_keep_text_keeps_free_text_frequency_encoded_and_apply_repeats_it(people, tmp_path):
    result = fix(people, target="label", recipe_path=tmp_path / "r.json",
                 options=FixOptions(resample="none", keep_text=True))
    assert {"name__freq", "comment__freq", "comment__missing"} <= set(result.frame.columns)
    assert np.isfinite(result.frame.drop(columns="label").to_numpy(dtype=float)).all()
    assert "name" not in result.dropped_columns and "comment" not in result.dropped_columns
    assert "--keep-text: kept 2 free-text column(s) (DA414): `comment`, `name` frequency-encoded." in result.log
    applied, _ = apply_recipe(tmp_path / "r.json", people)
    pd.testing.assert_frame_equal(applied, result.pre_resample)
    default = fix(people, target="label", recipe_path=tmp_path / "d.json", options=FixOptions(resample="none"))
    applied, _ = apply_recipe(tmp_path / "d.json", people)
    assert list(applied.columns) == list(default.pre_resample.columns)
    assert "name__freq" not in applied


def test_a_recipe_written_before_keep_text_loads_and_drops_free_text(people, tmp_path):
    fix(people, target="label", recipe_path=tmp_path / "r.json", options=FixOptions(resample="none"))
    data = json.loads((tmp_path / "r.json").read_text())
    drop = next(s for s in data["steps"] if s["step"] == "drop")
    del drop["params"]["keep_text"], drop["fitted"]["text"]
    (tmp_path / "old.json").write_text(json.dumps(data))
    old = next(s for s in Recipe.load(tmp_path / "old.json").steps if s.name == "drop")
    assert old.keep_text is False and old.text_ is None and "name" in old.dropped_


@pytest.mark.parametrize("keep_text", [False, True])
def test_every_engine_makes_the_same_free_text_decision(people, tmp_path, keep_text):
    options = FixOptions(resample="none", keep_text=keep_text)
    memory = fix(people, target="label", output=tmp_path / "m.parquet", options=options, rescan=False)
    stream = fix(people, target="label", output=tmp_path / "s.parquet", options=options, rescan=False,
                 engine="stream")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), pd.read_parquet(tmp_path / "m.parquet"))
    assert stream.recipe.to_dict() == memory.recipe.to_dict()
    assert [n for n in stream.log if "free-text" in n] == [n for n in memory.log if "free-text" in n]
    assert ("name__freq" in memory.frame) is keep_text


def test_dask_engine_drops_free_text_as_in_memory(people, tmp_path, scheduler):
    pytest.importorskip("distributed")
    memory = fix(people, target="label", output=tmp_path / "m.parquet", options=FixOptions(resample="none"),
                 rescan=False)
    dask = fix(people, target="label", output=tmp_path / "d", options=FixOptions(resample="none"), rescan=False,
               engine="dask", scheduler=scheduler)
    assert dask.recipe.to_dict() == memory.recipe.to_dict()
    notes = [n for n in memory.log if "free-text" in n]
    assert notes and [n for n in dask.log if "free-text" in n] == notes
    assert "name" not in pd.read_parquet(tmp_path / "d").columns


def test_cli_keep_text_flag_settings_and_help(people, tmp_path):
    runner = CliRunner()
    assert "frequency-encoded" in runner.invoke(cli, ["fix", "--help"]).output
    dropped = runner.invoke(cli, ["fix", str(people), "-t", "label", "-o", str(tmp_path / "a.csv"), "--isolated"])
    assert dropped.exit_code == 0 and "--keep-text keeps free text" in dropped.output
    assert "name" not in pd.read_csv(tmp_path / "a.csv").columns
    kept = runner.invoke(cli, ["fix", str(people), "-t", "label", "-o", str(tmp_path / "b.csv"), "--isolated",
                               "--keep-text"])
    assert kept.exit_code == 0 and "name__freq" in pd.read_csv(tmp_path / "b.csv").columns
    settings = tmp_path / "pyproject.toml"
    settings.write_text("[tool.dataaudit.fix]\nkeep-text = true\n")
    configured = runner.invoke(cli, ["fix", str(people), "-t", "label", "-o", str(tmp_path / "c.csv"),
                                     "--config", str(settings)])
    assert configured.exit_code == 0 and "name__freq" in pd.read_csv(tmp_path / "c.csv").columns
    settings.write_text("[tool.dataaudit.fix]\nkeep-text = \"yes\"\n")
    wrong = runner.invoke(cli, ["fix", str(people), "-o", str(tmp_path / "d.csv"), "--config", str(settings)])
    assert wrong.exit_code == 2 and "keep-text" in wrong.stderr


def test_the_scan_hints_say_what_fix_does_with_free_text(people):
    findings = {(f.rule, f.column): f for f in scan(people, target="label").findings}
    text = findings[("DA414", "comment")]
    assert text.fix == "drop" and "fix drops it (--keep-text keeps it, frequency-encoded)" in text.message
    gaps = findings[("DA101", "comment")]  # the gaps of a column fix drops are not imputed
    assert gaps.fix == "drop" and "fix drops the column" in gaps.message and "--keep-text" in gaps.message


def test_the_transformer_keeps_free_text_when_asked():
    from dataaudit.transformer import FixTransformer

    frame = _people()
    X, y = frame.drop(columns="label"), frame["label"]
    assert "name__freq" not in FixTransformer().fit(X, y).get_feature_names_out()
    kept = FixTransformer(keep_text=True).fit(X, y)
    assert "name__freq" in kept.get_feature_names_out() and np.isfinite(kept.transform(X)).all()
