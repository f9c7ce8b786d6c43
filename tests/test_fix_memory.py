"""The in-memory fix frees its input frame once the first step has transformed it (issue 20: fix's peak memory)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd

from dataaudit.analysis.pipeline import scan_frame
from dataaudit.fixing.fit import handed
from dataaudit.fixing.memory import fit_fix
from dataaudit.fixing.options import FixOptions
from dataaudit.steps import Impute


def test_a_handed_frame_is_taken_out_of_its_list():
    frame = pd.DataFrame({"a": [1]})
    box = [frame]
    assert handed(box) is frame and box == []
    assert handed(frame) is frame


def test_the_input_frame_is_freed_before_the_later_steps(monkeypatch):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=400), "c": rng.choice(["a", "b"], 400),
                          "label": rng.integers(0, 2, 400)})
    frame.loc[:20, "x"] = np.nan
    before = scan_frame(frame, target="label")
    ref = weakref.ref(frame)
    alive_at_impute = []
    original = Impute.fit

    def fit(self, data, context):
        gc.collect()
        alive_at_impute.append(ref() is not None)
        return original(self, data, context)

    monkeypatch.setattr(Impute, "fit", fit)
    box = [frame]
    del frame
    result = fit_fix(box, before, FixOptions())
    assert alive_at_impute == [False]
    assert result.recipe.input_columns == ["x", "c"] and result.rows["in"] == 400


def test_over_sampled_output_holds_the_rows_before_resampling_once():
    """Random over-sampling keeps every row in order before its copies: ``pre_resample`` is the output's first rows
    (no second copy of the frame), and still what ``apply`` gives."""
    from dataaudit import apply_recipe, fix

    rng = np.random.default_rng(1)
    n = 2000
    frame = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b"], n),
                          "label": rng.choice([0, 1], n, p=[0.9, 0.1])})
    result = fix(frame, target="label", options=FixOptions(resample="over"))
    assert len(result.frame) > len(result.pre_resample)
    assert np.shares_memory(result.pre_resample["x"].to_numpy(), result.frame["x"].to_numpy())
    pd.testing.assert_frame_equal(apply_recipe(result, frame), result.pre_resample)


def test_fit_fix_hands_the_fitted_frame_to_over_sampling_which_frees_its_columns(monkeypatch):
    from dataaudit.steps import Resample

    rng = np.random.default_rng(2)
    n = 2000
    frame = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(["a", "b"], n),
                          "label": rng.choice([0, 1], n, p=[0.9, 0.1])})
    before = scan_frame(frame, target="label")
    handed_over = []
    original = Resample.fit_resample

    def spy(self, data, context, log, **kwargs):
        handed_over.append((data, kwargs))
        return original(self, data, context, log, **kwargs)

    monkeypatch.setattr(Resample, "fit_resample", spy)
    result = fit_fix([frame.copy()], before, FixOptions(resample="over"))
    (data, kwargs), = handed_over
    assert kwargs == {"consume": True} and data.shape[1] == 0  # every fitted column freed once its rows were taken
    assert list(result.pre_resample.columns) == list(result.frame.columns) and len(result.pre_resample) == n
    pd.testing.assert_frame_equal(result.pre_resample, result.frame.iloc[:n])
    under = fit_fix([frame.copy()], before, FixOptions(resample="under"))  # not consumed: pre_resample is whole
    assert len(under.pre_resample) == n and under.pre_resample.shape[1] == result.frame.shape[1]
