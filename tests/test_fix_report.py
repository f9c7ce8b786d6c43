"""The fix report: row accounting adds up in every format, leftovers are explained, Markdown is escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dataaudit.api import fix
from dataaudit.fixing.report import render

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.mark.parametrize("name,target", [("mixed.csv", "churned"), ("imbalance.csv", "label"),
                                         ("redundancy.csv", "label"), ("clean.csv", None)])
def test_row_accounting_adds_up(name, target):
    result = fix(SAMPLE / name, target=target)
    rows = json.loads(render(result, "json"))["rows"]
    assert rows["in"] - rows["duplicates_dropped"] + rows["added_by_resampling"] - rows["removed_by_resampling"] \
        == rows["out"] == len(result.frame)


def test_report_names_the_kept_leak_and_dropped_columns():
    result = fix(SAMPLE / "mixed.csv", target="churned")
    text = render(result, "text")
    assert "--drop-leaky" in text and "customer_id (identifier)" in text
    assert "Gradient risk:" in text and "20 duplicate rows dropped" in text


def test_markdown_report_escapes_column_names(tmp_path):
    frame = pd.DataFrame({"<b>x</b>": [1.0, 2.0, 3.0] * 20, "const|pipe": ["a"] * 60})
    frame.to_csv(tmp_path / "t.csv", index=False)
    md = render(fix(tmp_path / "t.csv"), "markdown")
    assert "<b>" not in md and "const\\|pipe" in md


def test_probe_before_and_after_fix():
    result = fix(SAMPLE / "scale.csv", target="label")
    before, after = result.before.probe, result.after.probe
    assert before["trajectory"] == "diverges" and after["trajectory"] == "decreases"
    assert after["grad_ratio"] < 100 < before["grad_ratio"]
    data = json.loads(render(result, "json"))
    assert data["after"]["gradient_risk"]["probe"]["trajectory"] == "decreases"
    md = render(result, "markdown")
    assert "| batches with NaN/inf loss or gradient |" in md and "| diverges | decreases |" in md
    text = render(result, "text")
    assert "Gradient probe (a naive softmax regression" in text
    assert any(line.strip().startswith("loss over 50 steps") and line.rstrip().endswith("diverges  →  decreases")
               for line in text.splitlines())


def test_a_feature_that_separates_only_resampled_rows_is_explained_not_called_a_leak(tmp_path):
    from dataaudit import FixOptions
    from dataaudit.analysis.findings import Category, Finding, GradientEffect, Severity

    result = fix(SAMPLE / "imbalance.csv", target="label", options=FixOptions(resample="over"))
    assert result.rows["added_by_resampling"] > 0
    fake = Finding("DA701", "target-leakage", Category.LEAKAGE, Severity.HIGH, "x", ("x",), "predicts", {},
                   GradientEffect.SPURIOUS_SIGNAL, "drop")
    result.after.findings.append(fake)
    text = render(result, "text")
    assert "separates the classes only in the resampled output" in text and "--drop-leaky" not in text


def test_column_counts_say_what_they_count_in_every_format(tmp_path):
    """'Columns: 15 in, 22 out' counted the target on one side only (issue 17): features on both, target named."""
    import numpy as np

    from dataaudit import FixOptions, apply_recipe

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.choice(["x", "y", "z"], 200),
                          "label": rng.integers(0, 2, 200)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = fix(tmp_path / "t.csv", target="label", recipe_path=tmp_path / "r.json",
                 options=FixOptions(resample="none"))
    assert "Columns: 2 features in, 4 out, beside the target `label`." in render(result, "text")
    assert json.loads(render(result, "json"))["columns"] == {"in": 2, "out": 4, "target": "label"}
    wide = frame.assign(**{f"extra{i}": 1.0 for i in range(8)})
    wide.to_csv(tmp_path / "w.csv", index=False)
    _, log = apply_recipe(tmp_path / "r.json", tmp_path / "w.csv")
    assert any(note.startswith("ignored 8 column(s)") and note.endswith("and 3 more") for note in log)
