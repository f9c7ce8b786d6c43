"""`dataaudit diff` end to end, its recipe check, and the distance measures it rests on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from dataaudit.api import fix
from dataaudit.cli import cli
from dataaudit.core.distance import (
    chi_square,
    exceedance,
    ks,
    proportions,
    psi,
    quantile_bins,
)
from dataaudit.fixing.options import FixOptions

from .conftest import clean_frame, write_csv

MIXED = Path(__file__).resolve().parents[1] / "sample_data" / "mixed.csv"


def _run(*args: str):
    return CliRunner().invoke(cli, [*args, "--isolated"])


def _halves(tmp_path, seed: int = 0):
    frame = pd.read_csv(MIXED, dtype=str, keep_default_na=False)  # exactly the file's cells
    order = np.random.default_rng(seed).permutation(len(frame))
    half = len(frame) // 2
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    frame.iloc[order[:half]].to_csv(a, index=False)
    frame.iloc[order[half:]].to_csv(b, index=False)
    return a, b


def test_diff_of_two_random_halves_of_one_file_is_quiet(tmp_path):
    for seed in range(3):
        a, b = _halves(tmp_path, seed)
        result = _run("diff", str(a), str(b), "--target", "churned", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["findings"] == []


def test_diff_finds_the_issue_s_five_changes_in_sample_files(tmp_path):
    """Added column, type change, new category, shifted mean, changed class balance."""
    frame = pd.read_csv(MIXED)
    current = frame.assign(
        discount=0.1,                                                   # an added column
        num_support_calls=frame["num_support_calls"].map(lambda v: f"{v} calls"),  # numbers became text
        monthly_charges=frame["monthly_charges"] * 1.25 + 15,          # a shifted mean
    )
    current.loc[current.index[:250], "plan"] = "Enterprise"            # a new category
    churned = current.index[current["churned"] == 1]
    current = current.drop(churned[: len(churned) // 2 + 50])        # a changed class balance
    path = write_csv(tmp_path / "current.csv", current)
    result = _run("diff", str(MIXED), str(path), "--target", "churned", "--format", "json")
    report = json.loads(result.output)
    found = {(f["rule"], f["column"]) for f in report["findings"]}
    assert {("DA491", "discount"), ("DA492", "num_support_calls"), ("DA493", "plan"),
            ("DA590", "monthly_charges"), ("DA390", "churned")} <= found
    assert result.exit_code == 1  # high findings fail the default --fail-on high
    assert report["dataset"]["reference"]["path"] == str(MIXED)
    assert report["summary"]["exit_code"] == 1


def test_diff_exit_codes_follow_fail_on(tmp_path):
    frame = pd.read_csv(MIXED)
    path = write_csv(tmp_path / "wider.csv", frame.assign(extra=1.0))  # one low finding: a new column
    assert _run("diff", str(MIXED), str(path)).exit_code == 0
    assert _run("diff", str(MIXED), str(path), "--fail-on", "low").exit_code == 1
    assert _run("diff", str(MIXED), str(path), "--fail-on", "low", "--ignore", "DA491").exit_code == 0


def test_diff_bad_input_is_one_line_and_exit_2(tmp_path):
    result = _run("diff", str(MIXED), str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "nope.csv" in result.output and "Traceback" not in result.output
    result = _run("diff", str(MIXED), str(MIXED), "--target", "nope")
    assert result.exit_code == 2 and "'nope' not found" in result.output


def _scoring_files(tmp_path):
    """The issue's case: a labelled reference (10% positives), a scoring batch without the label, and a
    labelled batch whose positive rate moved to 25%."""
    rng = np.random.default_rng(0)
    n = 2000
    ref = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(["x", "y"], n),
                        "label": (rng.random(n) < 0.1).astype(int)})
    cur = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(["x", "y"], n),
                        "label": (rng.random(n) < 0.25).astype(int)})
    return (write_csv(tmp_path / "ref.csv", ref), write_csv(tmp_path / "score.csv", ref.drop(columns="label")),
            write_csv(tmp_path / "cur.csv", cur))


def test_diff_of_a_scoring_batch_without_the_target_passes_and_says_label_drift_was_not_measured(tmp_path):
    ref, score, _ = _scoring_files(tmp_path)
    text = _run("diff", str(ref), str(score), "--target", "label")
    assert text.exit_code == 0, text.output
    assert "DA490" not in text.output and "No findings." in text.output
    assert "label drift not measured: the current file has no target column 'label'" in text.output
    result = _run("diff", str(ref), str(score), "--target", "label", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["findings"] == []
    assert report["dataset"]["label_drift"] == {"measured": False,
                                                "reason": "the current file has no target column 'label'"}
    markdown = _run("diff", str(ref), str(score), "--target", "label", "--format", "markdown").output
    assert "label drift not measured" in markdown


def test_diff_target_must_be_in_the_reference(tmp_path):
    """Only the current file may lack the target: a reference without it is exit 2, one line, as before."""
    ref, score, _ = _scoring_files(tmp_path)
    result = _run("diff", str(score), str(ref), "--target", "label")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "target column 'label' not found in the reference" in result.output


def test_diff_positive_rate_10_to_25_percent_is_high(tmp_path):
    ref, _, cur = _scoring_files(tmp_path)
    result = _run("diff", str(ref), str(cur), "--target", "label", "--format", "json")
    assert result.exit_code == 1, result.output  # was medium, exit 0
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["rule"], finding["severity"]) == ("DA390", "high")
    assert finding["evidence"]["fold_class"] == "1" and finding["evidence"]["fold_change"] > 2
    assert "(share ×2." in finding["message"]
    assert "label drift" not in _run("diff", str(ref), str(cur), "--target", "label").output


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit", "github", "sarif"])
def test_diff_renders_in_every_format(tmp_path, fmt):
    frame = pd.read_csv(MIXED)
    path = write_csv(tmp_path / "cur.csv", frame.assign(monthly_charges=frame["monthly_charges"] * 2))
    result = _run("diff", str(MIXED), str(path), "--format", fmt)
    assert result.exit_code == 1 and "DA590" in result.output


def test_diff_checks_a_recipe_s_assumptions(tmp_path):
    rng = np.random.default_rng(0)
    train = write_csv(tmp_path / "train.csv", clean_frame(rng, 2000))
    fix(train, output=tmp_path / "fixed.parquet", target="label", recipe_path=tmp_path / "recipe.json")
    same = write_csv(tmp_path / "same.csv", clean_frame(rng, 2000))
    moved = clean_frame(rng, 2000)
    moved["c"] = moved["c"] * 4 + 20  # centre and spread far from what the recipe fitted
    moved = write_csv(tmp_path / "moved.csv", moved)
    quiet = _run("diff", str(train), str(same), "--recipe", str(tmp_path / "recipe.json"), "--format", "json")
    assert json.loads(quiet.output)["findings"] == []
    loud = json.loads(_run("diff", str(train), str(moved), "--recipe", str(tmp_path / "recipe.json"),
                           "--format", "json", "--select", "DA591").output)
    (finding,) = loud["findings"]
    assert finding["column"] == "c" and finding["severity"] == "high"
    assert finding["evidence"]["clipped_fraction"] > 0.5 and finding["evidence"]["spread_ratio"] > 3


def _heavy_tailed(rng: np.random.Generator, n: int = 3000) -> pd.DataFrame:
    """Columns whose tails clip puts well past 5% of the rows, one with many values missing (imputed at fit)."""
    frame = pd.DataFrame({"amount": (rng.standard_t(1.5, n) * 20 + 100).round(2),
                          "income": np.exp(rng.normal(10, 1.2, n)).round(0),
                          "score": rng.normal(0, 1, n).round(4),
                          "label": (rng.random(n) < 0.3).astype(int)})
    frame.loc[rng.random(n) < 0.3, "score"] = np.nan
    return frame


def _clipped_shares(frame: pd.DataFrame, recipe: Path) -> dict[str, float]:
    (clip,) = [s for s in json.loads(recipe.read_text())["steps"] if s["step"] == "clip"]
    return {c: float(((frame[c] < lo) | (frame[c] > hi)).mean()) for c, (lo, hi) in clip["fitted"]["bounds"].items()}


@pytest.mark.parametrize("scaler", ["mad", "robust", "standard"])
def test_diff_of_a_file_against_itself_with_its_own_recipe_is_quiet(tmp_path, scaler):
    """Issue 17, item 9: the values clip already clipped at fit time are no drift, nor are the imputed rows."""
    frame = _heavy_tailed(np.random.default_rng(0))
    data, recipe = write_csv(tmp_path / "data.csv", frame), tmp_path / "recipe.json"
    fix(data, output=tmp_path / "fixed.parquet", target="label", recipe_path=recipe, options=FixOptions(scaler=scaler))
    assert max(_clipped_shares(frame, recipe).values()) > 0.05  # clip really clips
    result = _run("diff", str(data), str(data), "--recipe", str(recipe), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_diff_with_a_recipe_from_before_the_clipped_share_was_recorded(tmp_path):
    """An older recipe has no fit-time clipped share: the reference's share stands in, so a self-diff is quiet."""
    frame = _heavy_tailed(np.random.default_rng(0))
    data, recipe = write_csv(tmp_path / "data.csv", frame), tmp_path / "recipe.json"
    fix(data, output=tmp_path / "fixed.parquet", target="label", recipe_path=recipe)
    old = json.loads(recipe.read_text())
    for step in old["steps"]:
        step["fitted"].pop("clipped", None)
    recipe.write_text(json.dumps(old))
    quiet = _run("diff", str(data), str(data), "--recipe", str(recipe), "--format", "json")
    assert quiet.exit_code == 0 and json.loads(quiet.output)["findings"] == [], quiet.output
    moved = write_csv(tmp_path / "moved.csv", frame.assign(amount=frame["amount"] * 10))
    loud = json.loads(_run("diff", str(data), str(moved), "--recipe", str(recipe), "--select", "DA591",
                           "--format", "json").output)
    assert [f["column"] for f in loud["findings"]] == ["amount"]


def test_diff_recipe_fires_on_a_clipped_share_well_above_the_fit_s(tmp_path):
    rng = np.random.default_rng(1)
    frame = _heavy_tailed(rng)
    data, recipe = write_csv(tmp_path / "data.csv", frame), tmp_path / "recipe.json"
    fix(data, output=tmp_path / "fixed.parquet", target="label", recipe_path=recipe)
    fitted = _clipped_shares(frame, recipe)["amount"]
    heavier = frame.copy()
    far = rng.random(len(frame)) < 0.3  # a third of the rows pushed far out, the bulk (median, MAD) nearly as it was
    heavier.loc[far, "amount"] = heavier.loc[far, "amount"] + rng.choice([-1, 1], far.sum()) * 1000
    current = write_csv(tmp_path / "heavier.csv", heavier)
    result = json.loads(_run("diff", str(data), str(current), "--recipe", str(recipe), "--select", "DA591",
                             "--format", "json").output)
    (finding,) = result["findings"]
    assert finding["column"] == "amount" and finding["severity"] == "high"
    assert finding["evidence"]["clipped_fraction"] > fitted + 0.2
    assert finding["evidence"]["fit_clipped_fraction"] == pytest.approx(fitted, abs=0.01)
    assert "at fit" in finding["message"]


def test_recipe_categories_count_as_known(tmp_path):
    rng = np.random.default_rng(1)
    frame = clean_frame(rng, 2000)
    train = write_csv(tmp_path / "train.csv", frame)
    fix(train, output=tmp_path / "fixed.parquet", target="label", recipe_path=tmp_path / "recipe.json")
    reference = write_csv(tmp_path / "ref.csv", frame[frame["colour"] != "blue"])  # the reference lacks blue
    result = _run("diff", str(reference), str(train), "--recipe", str(tmp_path / "recipe.json"),
                  "--select", "DA493", "--format", "json")
    assert json.loads(result.output)["findings"] == []  # ...but the recipe's encoder knows it


# --- distance measures -------------------------------------------------------------------------


def test_psi_is_zero_for_equal_shares_and_grows_with_the_change():
    assert psi(np.array([10, 20, 70]), np.array([1, 2, 7])) == pytest.approx(0.0)
    assert 0 < psi(np.array([50, 50]), np.array([60, 40])) < psi(np.array([50, 50]), np.array([90, 10]))


def test_ks_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = np.sort(rng.normal(0, 1, 800)), np.sort(rng.normal(0.2, 1, 600))
    ours, theirs = ks(a, b, a.size, b.size), stats.ks_2samp(a, b, method="asymp")
    assert ours.effect == pytest.approx(theirs.statistic)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=0.05)


def test_ks_reads_thinned_arrays_with_their_true_sizes():
    rng = np.random.default_rng(1)
    a, b = np.sort(rng.normal(0, 1, 100_000)), np.sort(rng.normal(0.05, 1, 100_000))
    full, thinned = ks(a, b, a.size, b.size), ks(a[::10], b[::10], a.size, b.size)
    assert thinned.effect == pytest.approx(full.effect, abs=0.01)
    assert thinned.p_value < 1e-6


def test_quantile_bins_give_equal_shares_for_the_same_sample():
    v = np.sort(np.random.default_rng(2).normal(size=1000))
    ref, cur = quantile_bins(v, v)
    assert ref.sum() == pytest.approx(1.0) and np.allclose(ref, cur) and len(ref) == 10


def test_chi_square_matches_scipy_and_pools_rare_categories():
    a, b = np.array([100, 200, 300]), np.array([150, 180, 270])
    chi2, p, _, _ = stats.chi2_contingency(np.vstack([a, b]), correction=False)
    shift = chi_square(a, b)
    assert shift.p_value == pytest.approx(p) and shift.effect == pytest.approx(np.sqrt(chi2 / (a.sum() + b.sum())))
    assert chi_square(np.array([500, 500, 1, 1]), np.array([500, 500, 0, 2])).p_value > 0.5


def test_proportions_h_and_test():
    shift = proportions(100, 1000, 300, 1000)
    assert shift.effect == pytest.approx(abs(2 * np.arcsin(np.sqrt(0.3)) - 2 * np.arcsin(np.sqrt(0.1))))
    assert shift.p_value < 1e-20
    assert proportions(100, 1000, 100, 1000).p_value == pytest.approx(1.0)


def test_exceedance_matches_a_simulation():
    """Chance that ≥ 3 of 50 new draws exceed the max of 100 old ones, both from one distribution."""
    rng = np.random.default_rng(3)
    old, new = rng.random((20_000, 100)).max(axis=1), rng.random((20_000, 50))
    simulated = np.mean((new > old[:, None]).sum(axis=1) >= 3)
    assert exceedance(3, 100, 50) == pytest.approx(simulated, abs=0.005)
    assert exceedance(1, 100, 50) == pytest.approx(50 / 150)


def test_diff_reads_the_settings_file(tmp_path, monkeypatch):
    """Values declared missing are missing in both files: -1 in a fifth of rows is a missing-rate change,
    not a shift; and per-column ignores apply to diff rules too."""
    rng = np.random.default_rng(2)
    ref, cur = clean_frame(rng, 2000), clean_frame(rng, 2000)
    cur.loc[rng.random(len(cur)) < 0.2, "a"] = -1
    write_csv(tmp_path / "ref.csv", ref)
    write_csv(tmp_path / "cur.csv", cur.assign(extra=1.0))
    monkeypatch.chdir(tmp_path)
    plain = json.loads(CliRunner().invoke(cli, ["diff", "ref.csv", "cur.csv", "--format", "json", "--isolated"]).output)
    assert {f["rule"] for f in plain["findings"] if f["column"] == "a"} >= {"DA290", "DA590"}
    (tmp_path / "dataaudit.toml").write_text('[columns.a]\nmissing-values = [-1]\n[columns.extra]\nignore = ["DA491"]\n')
    configured = json.loads(CliRunner().invoke(cli, ["diff", "ref.csv", "cur.csv", "--format", "json"]).output)
    assert [(f["rule"], f["column"]) for f in configured["findings"]] == [("DA190", "a")]
