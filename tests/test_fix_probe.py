"""`fix` removes what the gradient probe measured, on the same rows (issue 4's acceptance tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import fix

COEFS = np.array([1.0, -1.0, 0.8, -0.6, 0.5])


def _write(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _logistic(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, COEFS.size))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-X @ COEFS))).astype(int)
    return pd.DataFrame({**{f"x{i}": X[:, i] for i in range(COEFS.size)}, "label": y})


def test_missing_values_poison_batches_before_fix_and_none_after(tmp_path):
    frame = _logistic()
    rng = np.random.default_rng(1)
    frame.loc[rng.random(len(frame)) < 0.05, "x1"] = np.nan
    frame.loc[rng.random(len(frame)) < 0.05, "x3"] = np.nan
    result = fix(_write(tmp_path, frame), target="label")
    before, after = result.before.probe, result.after.probe
    assert before["nan_batch_share"] > 0.5 and before["trajectory"] == "diverges"
    assert after["nan_batch_share"] == 0 and after["first_nonfinite_step"] is None
    assert after["trajectory"] == "decreases"


def test_feature_scaled_by_a_million_dominates_before_fix_and_not_after(tmp_path):
    frame = _logistic()
    frame["x1"] *= 1e6
    result = fix(_write(tmp_path, frame), target="label")
    before, after = result.before.probe, result.after.probe
    assert before["grad_ratio"] > 1e3 and before["dominant_feature"] == "x1"
    assert after["grad_ratio"] < 10
    assert after["dominant_feature_share"] < 0.5


def test_one_to_fifty_imbalance_minority_gradient_share_before_and_after_resampling(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5100, 4))
    frame = pd.DataFrame({f"x{i}": X[:, i] for i in range(4)})
    frame["label"] = np.r_[np.zeros(5000, dtype=int), np.ones(100, dtype=int)]
    result = fix(_write(tmp_path, frame), target="label")
    before, after = result.before.probe, result.after.probe
    assert before["class_row_share"]["1"] == pytest.approx(1 / 51, rel=1e-3)  # measured values keep 4 digits
    assert before["class_gradient_share"]["1"] == pytest.approx(0.02, abs=0.01)
    # over-sampling grows the 100 rows to at most ×20 (2,000 beside 5,000), not 50 copies of each
    assert after["class_row_share"]["1"] == pytest.approx(2000 / 7000, abs=1e-3)
    assert after["class_gradient_share"]["1"] == pytest.approx(2000 / 7000, abs=0.05)


def test_after_probe_uses_the_scanned_rows_when_the_input_is_sampled(tmp_path, monkeypatch):
    """Past the scan's row sample the after-probe replays the recipe (and resampling) on the same rows."""
    import importlib

    scan_module = importlib.import_module("dataaudit.analysis.pipeline")  # the module, not the function of that name

    frame = _logistic(n=4000)
    frame.loc[:40, "x2"] = np.nan
    frame["x1"] *= 1e6
    original = scan_module.chunk_stats

    def small_sample(*args, **kwargs):
        kwargs["sample_size"] = 1000
        return original(*args, **kwargs)

    monkeypatch.setattr(scan_module, "chunk_stats", small_sample)
    result = fix(_write(tmp_path, frame), target="label")
    before, after = result.before.probe, result.after.probe
    assert before["rows_used"] == 1000
    assert 1000 <= after["rows_used"] <= 1100  # the same rows, plus what over-sampling added
    assert after["nan_batch_share"] == 0 and after["grad_ratio"] < 10


def test_regression_target_diverges_before_and_decreases_after(tmp_path):
    from dataaudit.fixing.report import render

    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 3))
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1] * 1e5, "c": X[:, 2]})
    frame["y"] = X @ np.array([1.0, 2.0, 3.0]) + rng.normal(size=600)
    result = fix(_write(tmp_path, frame), target="y")
    before, after = result.before.probe, result.after.probe
    assert before["task"] == after["task"] == "regression"
    assert before["trajectory"] == "diverges" and after["trajectory"] == "decreases"
    assert after["class_gradient_share"] is None
    md = render(result, "markdown")
    assert "| loss over 50 steps | diverges | decreases |" in md and "minority class" not in md


@pytest.mark.parametrize("engine", ["pandas", "stream"])
def test_the_scan_after_the_fix_runs_no_probe_of_its_own(tmp_path, monkeypatch, engine):
    """The after-report's probe is the fix's replay on the rows probed before (``fixing.probe``): the rescan skips
    the scan's own probe, whose result would be thrown away."""
    import importlib

    pipeline = importlib.import_module("dataaudit.analysis.pipeline")
    calls = []
    original = pipeline.probe_frame

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "probe_frame", counted)
    frame = _logistic(n=500)
    result = fix(_write(tmp_path, frame), target="label", engine=engine, output=str(tmp_path / "out.csv"))
    assert len(calls) == 1  # the scan before the fix
    assert result.after is not None and result.after.probe is not None  # the replayed probe, as before
    assert result.after.probe["rows_used"] == result.before.probe["rows_used"]


def test_scan_loaded_without_probe():
    from dataaudit.analysis.pipeline import scan_loaded
    from dataaudit.io.read import from_frame

    frame = _logistic(n=300)
    assert scan_loaded(from_frame(frame, "f"), target="label").probe is not None
    report = scan_loaded(from_frame(frame, "f"), target="label", probe=False)
    assert report.probe is None and "probe" not in report.timing
