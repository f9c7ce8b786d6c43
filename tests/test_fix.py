"""fix → apply: the recipe reproduces fix's pre-resampling rows, survives new data, and the output scans clean."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.api import apply_recipe, fix
from dataaudit.fixing.options import FixOptions
from dataaudit.fixing.recipe import Recipe
from dataaudit.steps.base import RecipeError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TARGETS = {"mixed.csv": "churned", "encoding_cp1252.csv": None}
SAMPLES = ["clean.csv", "missing.csv", "outliers.csv", "imbalance.csv", "encoding.csv", "encoding_cp1252.csv",
           "scale.csv", "redundancy.csv", "leakage.csv", "mixed.csv"]
REPAIRED = {"missing", "outliers", "encoding", "scale"}


@pytest.fixture(scope="module")
def mixed_fix(tmp_path_factory):
    out = tmp_path_factory.mktemp("fix")
    result = fix(SAMPLE / "mixed.csv", output=out / "fixed.parquet", target="churned",
                 recipe_path=out / "recipe.json")
    return result, out


def test_fix_output_is_model_ready(mixed_fix):
    result, out = mixed_fix
    frame = pd.read_parquet(out / "fixed.parquet")
    features = frame.drop(columns="churned")
    assert all(pd.api.types.is_float_dtype(features[c]) for c in features)
    assert np.isfinite(features.to_numpy()).all()
    assert set(frame["churned"].unique()) == {0, 1}


def test_apply_on_the_same_file_reproduces_fix_before_resampling(mixed_fix):
    """apply keeps every row (scoring data); asked to drop duplicates as fix did, it gives fix's rows exactly."""
    result, out = mixed_fix
    applied, log = apply_recipe(out / "recipe.json", SAMPLE / "mixed.csv")
    assert len(applied) == len(pd.read_csv(SAMPLE / "mixed.csv"))
    deduplicated, _ = apply_recipe(out / "recipe.json", SAMPLE / "mixed.csv", drop_duplicates=True)
    assert len(applied) - len(deduplicated) == result.rows["duplicates_dropped"]
    pd.testing.assert_frame_equal(deduplicated, result.pre_resample, check_exact=True)


def test_recipe_is_plain_json_and_round_trips(mixed_fix):
    result, out = mixed_fix
    data = json.loads((out / "recipe.json").read_text(encoding="utf-8"))
    assert data["recipe_version"] == 1 and [s["step"] for s in data["steps"]][:2] == ["repair", "drop"]
    assert Recipe.from_dict(data).to_dict() == data


def test_apply_survives_unseen_categories_missing_and_extra_columns(mixed_fix, tmp_path):
    result, out = mixed_fix
    new = pd.read_csv(SAMPLE / "mixed.csv").head(200)
    new["plan"] = np.where(np.arange(200) % 3 == 0, "Platinum", new["plan"])  # unseen category
    new = new.drop(columns=["monthly_charges"]).assign(brand_new=1.0)  # missing and extra column
    new.to_csv(tmp_path / "new.csv", index=False)
    applied, log = apply_recipe(out / "recipe.json", tmp_path / "new.csv")
    assert list(applied.columns) == list(result.pre_resample.columns)
    assert len(applied) == len(new.drop_duplicates())
    features = applied.drop(columns="churned")
    assert np.isfinite(features.to_numpy(dtype=float)).all()
    text = " ".join(log)
    assert "monthly_charges" in text and "brand_new" in text


@pytest.mark.parametrize("name", SAMPLES)
def test_scan_of_fix_output_has_no_medium_finding_in_repaired_categories(name, tmp_path):
    target = TARGETS.get(name, "label")
    result = fix(SAMPLE / name, output=tmp_path / "fixed.parquet", target=target)
    report = scan(tmp_path / "fixed.parquet", target=target)
    loud = [(f.rule, f.column, f.message) for f in report.findings
            if str(f.category) in REPAIRED and f.severity >= 2]
    assert loud == []
    if target is not None and result.rows["added_by_resampling"]:
        after = result.recipe.steps[-1].counts_after_
        if len(set(after.values())) == 1:
            assert [f.rule for f in report.findings if str(f.category) == "imbalance"] == []
        else:  # the ×20 cap left a class of a handful of rows short of the majority, and the log says so
            assert any("at most ×20" in note for note in result.log)
            assert max(after.values()) / min(after.values()) < max(result.recipe.steps[-1].counts_before_.values())


def test_fix_never_overwrites_without_permission(tmp_path):
    out = tmp_path / "fixed.csv"
    out.write_text("keep me\n")
    with pytest.raises(Exception, match="already exists"):
        fix(SAMPLE / "clean.csv", output=out, target="label")
    assert out.read_text() == "keep me\n"


def test_tampered_recipe_is_refused(mixed_fix, tmp_path):
    result, out = mixed_fix
    data = json.loads((out / "recipe.json").read_text(encoding="utf-8"))
    data["steps"][0]["fitted"]["surprise"] = 1
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(RecipeError):
        Recipe.load(tmp_path / "bad.json")
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(RecipeError, match="junk.json"):
        Recipe.load(tmp_path / "junk.json")


def test_fix_is_deterministic(tmp_path):
    a = fix(SAMPLE / "imbalance.csv", output=tmp_path / "a.csv", target="label", options=FixOptions(seed=3))
    b = fix(SAMPLE / "imbalance.csv", output=tmp_path / "b.csv", target="label", options=FixOptions(seed=3))
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert a.rows == b.rows


def test_clip_k_controls_how_much_is_clipped():
    wide = fix(SAMPLE / "outliers.csv", target="label", options=FixOptions(clip_k=50.0), rescan=False)
    tight = fix(SAMPLE / "outliers.csv", target="label", options=FixOptions(clip_k=3.5), rescan=False)
    wide_b, tight_b = wide.recipe.steps[3].bounds_, tight.recipe.steps[3].bounds_
    assert wide.recipe.steps[3].name == "clip" and tight_b and all(wide_b[c][1] - wide_b[c][0] > tight_b[c][1] - tight_b[c][0] for c in tight_b)
    assert "impute" in wide.decisions() and wide.decisions()["resample"]


def test_spreadsheet_safe_csv_defuses_formula_cells(tmp_path):
    """With --spreadsheet-safe, a text cell that a spreadsheet would run ('=HYPERLINK(...)') starts with '."""
    import csv

    from click.testing import CliRunner

    from dataaudit.cli import cli

    data = tmp_path / "in.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.normal(size=60), "note": ["=HYPERLINK(\"http://x\")", "@sum", "ok", "fine", "=1+2",
                                                     "+plus"] * 10,
                  "label": ["=cmd|' /C calc'!A0", "b"] * 30}).to_csv(data, index=False)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["fix", str(data), "-o", str(out), "--target", "label", "--encode", "none",
                                      "--spreadsheet-safe"])
    assert result.exit_code == 0, result.output
    assert "spreadsheet-safe CSV" in result.output
    with open(out, newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row[1:]][2:]  # skip the header's names
    assert cells and not any(c[:1] in ("=", "+", "@") for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells
    plain = tmp_path / "plain.csv"
    CliRunner().invoke(cli, ["fix", str(data), "-o", str(plain), "--target", "label", "--encode", "none"])
    assert "=HYPERLINK" in plain.read_text(encoding="utf-8").replace("'=HYPERLINK", "")  # off by default


def _sentinel_csv(path: Path, rng: np.random.Generator, n: int = 600) -> Path:
    """`income` writes -1 for unknown (declared in the settings), `hours` too (not declared), `city` '-1'."""
    income = rng.normal(50, 2, n).round(2)
    income[:60] = -1
    hours = rng.normal(40, 2, n).round(3)
    hours[60:120] = -1
    city = rng.choice(["north", "south", "east"], n).astype(object)
    city[120:150] = "-1"
    label = rng.integers(0, 2, n)
    pd.DataFrame({"income": income, "hours": hours, "city": city, "label": label}).to_csv(path, index=False)
    return path


def test_fix_turns_declared_values_into_missing_and_the_recipe_keeps_them(tmp_path):
    rng = np.random.default_rng(0)
    data = _sentinel_csv(tmp_path / "d.csv", rng)
    declared = {"income": [-1], "city": ["-1"], "not_here": [0]}
    result = fix(data, target="label", recipe_path=tmp_path / "r.json", missing_values=declared,
                 options=FixOptions(resample="none"))
    mark = result.recipe.steps[0]
    assert mark.name == "mark-missing" and mark.values == {"income": [-1], "city": ["-1"]}
    assert result.log[0] == ("mark-missing: values declared missing in the settings set to missing: "
                             "`income` 60 (-1 ×60); `city` 30 (-1 ×30).")
    assert result.decisions()["impute"]["income"].startswith("median")
    fixed = result.pre_resample
    assert fixed["income__missing"].iloc[:60].eq(1).all() and np.isfinite(fixed.drop(columns="label")).all().all()
    assert "city=-1" not in fixed.columns  # '-1' is not a category any more
    # `hours` was not declared: its -1 is DA103's placeholder, repaired as before (no declared count)
    assert {f.rule for f in result.before.findings if f.column == "hours"} == {"DA103"}
    # apply on the same file reproduces the rows; on new data -1 is imputed exactly like an empty cell
    applied, log = apply_recipe(tmp_path / "r.json", data)
    pd.testing.assert_frame_equal(applied, fixed, check_exact=True)
    assert log[0].startswith("mark-missing: values declared missing in the settings set to missing: `income` 60")
    new = pd.read_csv(data).iloc[300:303].reset_index(drop=True)
    new["income"], new["city"] = [-1.0, np.nan, 50.0], [" -1 ", np.nan, "north"]
    new.to_csv(tmp_path / "new.csv", index=False)
    applied, _ = apply_recipe(tmp_path / "r.json", tmp_path / "new.csv")
    assert applied["income__missing"].tolist() == [1.0, 1.0, 0.0]
    assert applied["income"][0] == applied["income"][1] != applied["income"][2]
    city = [c for c in applied.columns if c.startswith("city")]
    assert applied.loc[0, city].tolist() == applied.loc[1, city].tolist()


def test_fix_without_declared_values_has_no_mark_missing_step(tmp_path):
    rng = np.random.default_rng(0)
    result = fix(_sentinel_csv(tmp_path / "d.csv", rng), target="label", rescan=False)
    assert result.recipe.steps[0].name == "repair"
    assert result.recipe.steps[0].sentinels_ == {"income": [-1.0], "hours": [-1.0]}  # DA103 found them instead


def test_tampered_mark_missing_entry_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    result = fix(_sentinel_csv(tmp_path / "d.csv", rng), target="label", rescan=False,
                 missing_values={"income": [-1]}, recipe_path=tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert Recipe.from_dict(data).to_dict() == data == result.recipe.to_dict()
    data["steps"][0]["params"]["values"]["income"] = [True]
    with pytest.raises(RecipeError, match="mark-missing"):
        Recipe.from_dict(data)


def test_repair_leaves_the_columns_drop_removes_alone(mixed_fix):
    """The drop step is decided by the scan's findings, so the repair step records no conversion for the
    columns it removes (customer_id, an identifier); ``apply`` still reproduces fix (checked above)."""
    result, _ = mixed_fix
    steps = {s.name: s for s in result.recipe.steps}
    dropped = set(steps["drop"].dropped_)
    assert "customer_id" in dropped
    assert not dropped & set(steps["repair"].kinds_)
    assert set(steps["repair"].kinds_) == set(steps["repair"].columns_) - dropped


def test_apply_keeps_each_kept_value_beside_its_own_row_when_duplicates_are_dropped(tmp_path):
    """``--keep`` with ``--drop-duplicates``: the kept column follows the rows the recipe keeps (it was misaligned,
    padding the end with empty features)."""
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"x": rng.normal(size=200).round(3), "c": rng.choice(["a", "b"], 200),
                          "y": rng.integers(0, 2, 200)})
    result = fix(train, target="y", options=FixOptions(resample="none"))
    new = train.copy()
    new.loc[10:19] = new.loc[0:9].to_numpy()  # ten rows repeat earlier ones
    new["tag"] = np.arange(200) * 10
    new.to_csv(tmp_path / "new.csv", index=False)
    dropped, _ = apply_recipe(result.recipe, tmp_path / "new.csv", keep=["tag"], drop_duplicates=True)
    every, _ = apply_recipe(result.recipe, tmp_path / "new.csv", keep=["tag"])
    assert len(dropped) < 190 and not set(range(100, 200, 10)) & set(dropped["tag"])
    assert dropped.notna().all().all()
    expected = every.set_index("tag").loc[dropped["tag"]].reset_index()
    pd.testing.assert_frame_equal(dropped, expected)


def _households(rng, with_copies: bool) -> pd.DataFrame:
    """Sixty households, ten weeks each, choosing among three brands at three prices: once the household id is
    dropped many rows agree (360 combinations of week, price, promotion, size and brand in 600 rows), yet no row
    is a copy of another. ``with_copies`` adds 30 rows entered twice (DA603)."""
    n = 600
    frame = pd.DataFrame({"household_id": np.repeat(np.arange(1, 61), 10), "week": np.tile(np.arange(1, 11), 60),
                          "price": rng.choice([1.09, 1.29, 1.49], n), "promo": rng.integers(0, 2, n),
                          "size": rng.choice(["small", "large"], n), "bought": rng.choice(["a", "b", "c"], n)})
    return pd.concat([frame, frame.iloc[100:130]], ignore_index=True) if with_copies else frame


@pytest.mark.parametrize("engine", ["pandas", "stream"])
def test_fix_keeps_the_rows_of_a_panel_that_agree_once_the_unit_id_is_dropped(tmp_path, engine):
    """The scan judged no row a copy (no DA603), so fix keeps the purchases of different households that agree
    once `household_id` is dropped (it dropped 56% of them before), and the recipe says so to apply."""
    path = tmp_path / "panel.csv"
    _households(np.random.default_rng(3), with_copies=False).to_csv(path, index=False)
    result = fix(path, target="bought", engine=engine, output=tmp_path / "out.parquet",
                 options=FixOptions(resample="none"))
    assert "DA603" not in {f.rule for f in result.before.findings}
    assert "household_id" in result.dropped_columns
    assert result.rows["duplicates_dropped"] == 0 and result.rows["out"] == 600
    assert len(pd.read_parquet(tmp_path / "out.parquet")) == 600
    assert result.recipe.drop_duplicate_rows is False


def test_fix_drops_copies_when_the_scan_found_them():
    frame = _households(np.random.default_rng(3), with_copies=True)
    result = fix(frame, target="bought", options=FixOptions(resample="none"))
    assert "DA603" in {f.rule for f in result.before.findings}
    assert result.recipe.drop_duplicate_rows is True and result.rows["duplicates_dropped"] >= 30
