"""The in-memory fix frees its input frame once the first step has transformed it (issue 20: fix's peak memory)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd

from dataaudit.analysis.pipeline import scan_frame
from dataaudit.fixing.fit import handed, summarise_profile
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


def _mixed_frame(n: int = 600) -> pd.DataFrame:
    """Numbers, numbers written as text with a decimal comma and a unit, a category, a date and a class target:
    every column kind whose verdicts the repair step reads."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=n), "speed": [f"{v:.1f} km/h".replace(".", ",") for v in
                                                              rng.uniform(1, 90, n)],
                          "c": rng.choice(["a", "b", "c"], n), "when": pd.date_range("2020-01-01", periods=n).astype(str),
                          "label": rng.choice([0, 1], n, p=[0.85, 0.15])})
    frame.loc[:30, "x"] = np.nan
    return frame


def test_a_released_profile_fits_the_same_steps_and_keeps_what_the_fix_reads_later():
    frame = _mixed_frame()
    kept = fit_fix([frame.copy()], scan_frame(frame, target="label"), FixOptions(resample="over"))
    before = scan_frame(frame, target="label")
    full = before.profile
    released = fit_fix([frame.copy()], before, FixOptions(resample="over"), verdicts=summarise_profile(before))
    assert released.recipe.to_dict() == kept.recipe.to_dict() and released.log == kept.log
    pd.testing.assert_frame_equal(released.frame, kept.frame)
    summary = before.profile
    assert summary is not full and released.before is before and not summary.columns  # no column arrays held
    assert summary.rows == full.rows and summary.stats.sample.equals(full.stats.sample)
    assert summary.target == full.target and summary.source == full.source
    assert kept.before.profile.columns  # not summarised, the caller's report is left whole


def test_the_verdicts_keep_what_the_steps_read_without_the_arrays():
    profile = scan_frame(_mixed_frame(), target="label").profile
    verdicts = profile.verdicts()
    assert list(verdicts.columns) == list(profile.columns) and verdicts.target == profile.target
    for name, col in profile.columns.items():
        light = verdicts.columns[name]
        assert (light.inferred_type, light.numeric_from_text, light.kind, light.missing, light.distinct) == \
            (col.inferred_type, col.numeric_from_text, col.kind, col.missing, col.distinct)
        assert light.stats.numeric is None and light.stats.text is None
        assert light.numeric is None or light.numeric.values.size == 0
        if col.text is not None:
            assert (light.text.decimal_comma, light.text.unit) == (col.text.decimal_comma, col.text.unit)
            assert not len(light.text.parsed) and light.text.numbers is None
    assert profile.columns["speed"].text.unit == "km/h" and verdicts.columns["speed"].text.decimal_comma


def test_a_fix_result_before_report_renders_without_plots_and_its_fix_report_keeps_the_classes(tmp_path):
    from dataaudit import api
    from dataaudit.fixing import report as fix_report
    from dataaudit.formatters import render

    path = tmp_path / "t.csv"
    _mixed_frame().to_csv(path, index=False)
    result = api.fix(str(path), target="label")
    assert not result.before.profile.columns and result.before.profile.target.classes
    page = render([result.before], "html")  # as a report rebuilt from JSON: cards, no plots
    assert "histogram of" in render([api.scan(str(path), target="label")], "html")
    assert "<code class=\"name\">x</code>" in page and "histogram of" not in page and "top values of" not in page
    assert "Class balance" in fix_report.render(result, "html")
    assert result.after is not None and result.after.probe is not None


def test_the_loaded_table_is_freed_before_the_steps_of_a_file_fix(tmp_path, monkeypatch):
    """``fix`` of a file hands its loaded Arrow table to ``fix_loaded``, which frees it once the frame is made: the
    reader's reference held the whole table through the steps, the rescan and the write."""
    from dataaudit import api
    from dataaudit.fixing import memory
    from dataaudit.io import read

    path = tmp_path / "t.csv"
    _mixed_frame().to_csv(path, index=False)
    tables, alive = [], []
    original_load, original_fit = read.load, Impute.fit

    def load(*args, **kwargs):
        loaded = original_load(*args, **kwargs)
        tables.append(weakref.ref(loaded))
        return loaded

    def fit(self, data, context):
        gc.collect()
        alive.append(tables[0]() is not None)
        return original_fit(self, data, context)

    monkeypatch.setattr(memory, "load", load)
    monkeypatch.setattr(Impute, "fit", fit)
    result = api.fix(str(path), target="label")
    assert alive == [False] and result.rows["in"] == 600
