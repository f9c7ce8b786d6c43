"""The gradient probe measures what a naive model's gradients do on known-bad data."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from dataaudit.analysis.probe import naive_matrix, probe

from .corpus.make_ordinary import houses_frame

COEFS = np.array([1.0, -1.0, 0.8, -0.6, 0.5])


def _logistic_data(rng: np.random.Generator, n: int = 4000) -> tuple[np.ndarray, np.ndarray, list[str]]:
    X = rng.normal(size=(n, COEFS.size))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-X @ COEFS))).astype(np.int64)
    return X, y, [f"x{i}" for i in range(COEFS.size)]


def test_clean_data_trains_without_trouble():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng)
    result = probe(X, y, "classification", names=names)
    assert result["nan_batch_share"] == 0
    assert result["first_nonfinite_step"] is None
    assert result["trajectory"] == "decreases"
    assert result["loss_last"] < result["loss_first"]
    assert result["grad_ratio"] < 20
    assert result["condition_number"] < 2
    assert result["rows_used"] == 4000
    assert set(result["feature_grad_norms"]) == set(names)
    json.dumps(result, allow_nan=False)  # JSON-safe


def test_nan_in_ten_percent_of_rows_poisons_most_batches():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng)
    X[rng.random(len(X)) < 0.1, 2] = np.nan
    result = probe(X, y, "classification", names=names, steps=200)
    assert result["nan_batch_share"] == pytest.approx(1 - 0.9**32, abs=0.1)
    assert result["first_nonfinite_step"] is not None
    assert result["nonfinite_input_batch_share"] == result["nan_batch_share"]  # every one from the NaN inputs
    assert result["overflow_batch_share"] == 0 and result["overflow_step"] is None
    assert result["trajectory"] == "diverges"  # the loss over the whole sample is NaN
    assert result["loss_first"] is None
    assert result["condition_number"] < 2  # median-filled for the Gram matrix
    json.dumps(result, allow_nan=False)


def test_feature_scaled_by_a_million_dominates_the_gradient():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng)
    X[:, 1] *= 1e6
    result = probe(X, y, "classification", names=names)
    assert result["grad_ratio"] > 1e4
    assert result["dominant_feature"] == "x1"
    assert result["dominant_feature_share"] > 0.99
    assert result["raw_condition_number"] > 1e10
    assert result["condition_number"] < 2


def test_exact_duplicate_is_a_redundant_direction_and_a_near_duplicate_ill_conditions():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng)
    names = [*names, "x0_copy"]
    exact = probe(np.column_stack([X, X[:, 0]]), y, "classification", names=names)
    assert exact["redundant_directions"] == 1
    assert exact["condition_number"] < 3  # gradient descent never moves along the duplicate's direction
    near = probe(np.column_stack([X, X[:, 0] + rng.normal(scale=1e-4, size=len(X))]), y, "classification",
                 names=names)
    assert near["redundant_directions"] == 0
    assert near["condition_number"] > 1e6
    assert math.isfinite(near["condition_number"])


def test_one_hot_groups_are_redundant_not_ill_conditioned():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng)
    groups = [np.eye(k)[rng.integers(0, k, len(X))] for k in (3, 4)]  # two one-hot groups: each sums to 1
    result = probe(np.column_stack([X, *groups]), y, "classification", names=[*names, *map(str, range(7))])
    assert result["redundant_directions"] == 2
    assert result["condition_number"] < 10
    assert result["raw_condition_number"] < 100


def test_majority_class_dominates_the_gradient():
    rng = np.random.default_rng(0)
    n = 4000
    X = rng.normal(size=(n, 4))
    y = (rng.random(n) < 0.05).astype(np.int64)
    result = probe(X, y, "classification", names=["a", "b", "c", "d"])
    shares = result["class_gradient_share"]
    assert set(shares) == {"0", "1"}
    assert shares["0"] > 0.8
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)  # each share keeps 4 significant digits


def test_regression_with_huge_feature_diverges():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.normal(scale=0.1, size=2000)
    clean = probe(X, y, "regression", names=["a", "b", "c"], steps=200, lr=0.05)
    assert clean["trajectory"] == "decreases"
    assert clean["class_gradient_share"] is None
    X[:, 0] *= 1e3
    scaled = probe(X, y, "regression", names=["a", "b", "c"])
    assert scaled["trajectory"] == "diverges"
    assert scaled["nan_batch_share"] > 0  # the weights overflow once they blow up
    assert scaled["overflow_batch_share"] == scaled["nan_batch_share"]  # ... on finite inputs: not a NaN problem
    assert scaled["nonfinite_input_batch_share"] == 0
    assert scaled["overflow_step"] == scaled["first_nonfinite_step"] is not None


def test_same_seed_same_result():
    rng = np.random.default_rng(0)
    X, y, names = _logistic_data(rng, n=30_000)
    X[rng.random(len(X)) < 0.02, 0] = np.inf
    first = probe(X, y, "classification", names=names, seed=7)
    second = probe(X, y, "classification", names=names, seed=7)
    first.pop("seconds")
    second.pop("seconds")
    assert first == second
    assert first["rows_used"] == 20_000


def test_timing_on_20000_rows_by_50_features():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 50)) * np.logspace(0, 4, 50)
    X[rng.random(X.shape) < 0.01] = np.nan
    y = rng.integers(0, 3, size=20_000)
    result = probe(X, y, "classification", names=[f"f{i}" for i in range(50)])
    print(f"probe on 20000 x 50: {result['seconds']:.3f} s")
    assert result["rows_used"] == 20_000


def test_naive_matrix_keeps_what_parses_naively():
    frame = pd.DataFrame({
        "num": [1.0, 2.0, np.nan, 4.0],
        "flag": [True, False, True, False],
        "num_text": ["1", "2.5", "x", "4"],
        "words": ["red", "blue", "red", "1"],
        "price": ["$1,234", "$5", "$6,000", "$7"],
        "when": pd.to_datetime(["2024-01-01"] * 4),
        "label": ["yes", "no", "yes", "maybe"],
    })
    X, names, y, task = naive_matrix(frame, "label")
    assert names == ["num", "flag", "num_text"]
    assert X.dtype == np.float64 and X.shape == (4, 3)
    np.testing.assert_array_equal(X[:, 2], [1.0, 2.5, np.nan, 4.0])
    assert np.isnan(X[2, 0])
    assert task == "classification"
    np.testing.assert_array_equal(y, [2, 1, 2, 0])  # maybe < no < yes


def test_naive_matrix_target_rules():
    frame = pd.DataFrame({"a": np.arange(6.0), "y": [0.5, 1.5, np.nan, 2.0, 3.0, 4.0]})
    X, _, y, task = naive_matrix(frame, "y")
    assert task == "regression" and X.shape == (5, 1)
    np.testing.assert_array_equal(y, [0.5, 1.5, 2.0, 3.0, 4.0])
    frame = pd.DataFrame({"a": np.arange(4.0), "y": [3, 1, 3, 1]})
    _, _, y, task = naive_matrix(frame, "y")
    assert task == "classification"
    np.testing.assert_array_equal(y, [1, 0, 1, 0])
    _, _, y, task = naive_matrix(frame, "y", task="regression")
    assert task == "regression" and y.dtype == np.float64


def test_scan_reports_the_probe_under_gradient_risk_only_with_a_target():
    from pathlib import Path

    from dataaudit import scan

    sample = Path(__file__).resolve().parent.parent / "sample_data" / "mixed.csv"
    with_target = scan(sample, target="churned").to_dict()
    measured = with_target["gradient_risk"]["probe"]
    assert measured["nan_batch_share"] > 0.9 and measured["dominant_feature"] == "data_usage_bytes"
    assert "seconds" not in measured and "probe" in scan(sample, target="churned").timing
    assert "probe" not in scan(sample).to_dict()["gradient_risk"]


def test_probe_symptoms_are_attributed_to_findings():
    from pathlib import Path

    from dataaudit import scan

    sample = Path(__file__).resolve().parent.parent / "sample_data"
    links = scan(sample / "mixed.csv", target="churned").probe["attribution"]
    by_symptom = {link["symptom"].split(" ")[0]: link for link in links}
    assert "DA101" in links[0]["rules"] or "DA102" in links[0]["rules"]  # NaN batches ← missing values
    assert by_symptom["`data_usage_bytes`"]["rules"] == ["DA501"]
    clean = scan(sample / "clean.csv", target="label").probe["attribution"]
    assert clean == []


def _houses(n: int = 300) -> pd.DataFrame:
    return houses_frame(n)


def test_overflow_on_finite_inputs_is_measured_not_called_nan():
    from dataaudit.analysis.probe import probe_frame, summary

    result = probe_frame(_houses(), "price")
    assert result["task"] == "regression" and result["steps"] == 50
    assert result["nonfinite_input_batch_share"] == 0
    assert result["overflow_batch_share"] == result["nan_batch_share"] > 0
    step = result["overflow_step"]
    assert step == result["first_nonfinite_step"] is not None
    assert result["overflow_batch_share"] * 50 == 50 - step  # once the weights diverge, every batch overflows
    # the gradients grew past 1e154 (their squares overflow) before the loss did: still measured
    assert all(v is not None and v > 1e150 for v in result["feature_grad_norms"].values())
    assert result["dominant_feature"] == "assessed_value" and result["dominant_feature_share"] > 0.9
    assert result["grad_norm_spread"] is not None and result["grad_ratio"] is not None
    assert result["target_scale"] == pytest.approx(float(np.median(np.abs(_houses()["price"]))), rel=1e-3)  # 4 digits
    text = summary(result)
    assert f"the loss overflows at step {step} ({50 - step} of 50 batches): exploding gradients" in text
    assert "NaN/inf" not in text
    json.dumps(result, allow_nan=False)


def test_nan_inputs_and_overflow_are_told_apart_in_one_run():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3))
    y = X @ np.array([1.0, 2.0, -1.0])
    X[:, 0] *= 1e3  # diverges
    X[rng.random(len(X)) < 0.01, 1] = np.nan  # and a few poisoned rows
    result = probe(X, y, "regression", names=["a", "b", "c"])
    inputs, overflow = result["nonfinite_input_batch_share"], result["overflow_batch_share"]
    assert inputs > 0 and overflow > 0
    assert inputs + overflow == pytest.approx(result["nan_batch_share"])
    assert result["overflow_step"] >= result["first_nonfinite_step"]


def test_norms_and_means_do_not_overflow_where_the_numbers_are_finite():
    from dataaudit.analysis.probe import _l2, _mean

    big = np.array([[3e200, 4e200], [3.0, 4.0], [np.inf, 1.0]])
    norms = _l2(big, axis=1)
    assert norms[0] == pytest.approx(5e200) and norms[1] == 5.0 and np.isinf(norms[2])
    assert _l2(big[:2].T, axis=0) == pytest.approx([5e200, 5.0])
    ordinary = np.random.default_rng(0).normal(size=(7, 5))
    np.testing.assert_array_equal(_l2(ordinary, axis=1), np.sqrt(np.sum(ordinary * ordinary, axis=1)))  # bit for bit
    assert _mean(np.array([[1e308], [1e308]]))[0] == 1e308
    # a column of finite values too large to square: still a condition number, not a zero-variance column
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2)) * np.array([1.0, 1e200])
    result = probe(X, (X[:, 0] > 0).astype(np.int64), "classification", names=["small", "huge"])
    assert result["zero_variance_features"] == [] and result["condition_number"] < 2


def test_overflow_is_attributed_to_scale_findings_or_the_raw_scale_never_to_missing_values():
    from dataaudit import scan_frame

    links = scan_frame(_houses(), target="price").probe["attribution"]
    overflow = next(link for link in links if link["symptom"].startswith("the loss overflows"))
    assert overflow["rules"] == ["DA501"]
    assert not any(rule.startswith("DA1") for link in links for rule in link["rules"])
    assert not any("NaN" in link["symptom"] for link in links)
    rng = np.random.default_rng(0)  # features large alike: no DA501, the words say what it is
    a, b = rng.normal(2000, 500, 300).round(0), rng.normal(5000, 800, 300).round(0)
    frame = pd.DataFrame({"a": a, "b": b, "price": (a * 100 + b * 40 + rng.normal(0, 15000, 300)).round(0)})
    links = scan_frame(frame, target="price").probe["attribution"]
    overflow = next(link for link in links if link["symptom"].startswith("the loss overflows"))
    assert overflow["rules"] == [] and "regression target `price`" in overflow["cause"]
    assert "raw features are all large" in overflow["cause"]


def test_measured_floats_keep_four_significant_digits():
    """Their last digits depend on the machine (BLAS, threads): a report must be the same everywhere (issue 16)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3)) * np.array([1.0, 1e3, 1e-3])
    result = probe(X, (X[:, 0] > 0).astype(np.int64), "classification", names=["a", "b", "c"])

    def floats(value):
        if isinstance(value, dict):
            return [f for k, v in value.items() if k != "seconds" for f in floats(v)]
        if isinstance(value, list):
            return [f for v in value for f in floats(v)]
        return [value] if isinstance(value, float) else []

    measured = floats(result)
    assert measured and all(float(f"{v:.4g}") == v for v in measured)


def test_attribution_links_an_identifier_and_a_class_share_to_their_findings(tmp_path):
    """'`customer_id` carries the gradient ← no finding explains it' although DA702 flagged it (issue 16)."""
    from dataaudit import scan

    rng = np.random.default_rng(4)
    n = 2000
    label = (rng.random(n) < 0.1).astype(int)
    frame = pd.DataFrame({"customer_id": rng.permutation(n) + 1_000_000, "x": rng.normal(size=n), "label": label})
    frame.to_csv(tmp_path / "t.csv", index=False)
    report = scan(tmp_path / "t.csv", target="label")
    links = {a["symptom"].split(" ")[0]: a for a in report.probe["attribution"]}
    assert links["`customer_id`"]["rules"] == ["DA702"]
    classes = [a for a in report.probe["attribution"] if a["symptom"].startswith("class")]
    assert all("DA301" in a["rules"] for a in classes)


def _direct_condition(M: np.ndarray) -> tuple[float, int]:
    """cond(MᵀM) over the spanned directions and the rank, from M's own SVDs (no shared QR)."""
    norms = np.linalg.norm(M, axis=0)
    unit = np.linalg.svd(M[:, norms > 0] / norms[norms > 0], compute_uv=False)
    rank = int(np.count_nonzero(unit > unit[0] * max(M.shape) * np.finfo(np.float64).eps))
    sv = np.linalg.svd(M / np.max(np.abs(M)), compute_uv=False)
    return float((sv[0] / max(sv[rank - 1], sv[0] * np.finfo(np.float64).eps)) ** 2), rank


# 1.5 rows per column (QR first, where gesdd would not: equal to rounding) and a tall matrix (gesdd's own QR path);
# the standardised matrix's rank is decided on its one SVD (its columns' norms are equal)
@pytest.mark.parametrize("rows", [120, 2_000])
def test_condition_numbers_match_the_direct_svd_on_any_shape(rows):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(rows, 80)) * 10.0 ** rng.integers(-3, 6, 80)  # columns orders of magnitude apart
    X[:, 5] = 2 * X[:, 4]
    X[:, 9] = X[:, 7] + X[:, 8]  # two exactly redundant directions
    y = (X[:, 0] > 0).astype(int)
    result = probe(X, y, "classification", names=[f"x{i}" for i in range(80)])
    raw, _ = _direct_condition(X)
    standard = (X - X.mean(axis=0)) / X.std(axis=0)
    cond, rank = _direct_condition(standard)
    assert result["redundant_directions"] == 80 - rank == 2
    assert result["condition_number"] == pytest.approx(cond, rel=1e-3)  # the result keeps 4 digits
    assert result["raw_condition_number"] == pytest.approx(raw, rel=1e-3)
