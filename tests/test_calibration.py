"""The gradient-risk score means something: it rises with every injected problem and `fix` brings it back.

Runs bench/calibrate_risk.py's synthetic base (all problems, strengths 0–4); the full calibration,
with scikit-learn's breast-cancer and wine sets, is `python bench/calibrate_risk.py` (docs/calibration.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "calibrate_risk.py"


@pytest.fixture(scope="module")
def calibration():
    spec = importlib.util.spec_from_file_location("calibrate_risk", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module, module.calibrate({"synthetic": module.synthetic})


def test_clean_base_is_low_risk(calibration):
    _, runs = calibration
    clean = [r for r in runs if r.strength == 0]
    assert {r.level for r in clean} == {"low"}
    assert {r.before for r in clean} == {clean[0].before}  # strength 0 leaves the base untouched


def test_score_never_falls_as_each_problem_grows_and_reaches_high(calibration):
    module, runs = calibration
    for (_, problem), group in module.series(runs).items():
        scores = [r.before for r in group]
        assert module.is_monotone(group), (problem, scores)
        assert scores[-1] >= 60, (problem, scores)  # the strongest version of every problem is high risk


def test_fix_brings_every_corrupted_dataset_back_to_the_clean_level(calibration):
    module, runs = calibration
    for (_, problem), group in module.series(runs).items():
        clean = group[0]
        for run in group:
            assert module.is_restored(run, clean), (problem, run.strength, run.after, clean.after)
            # a mild imbalance is left to the user; over-sampling stops at ×20 the smallest class, and says so
            assert run.level_after == "low" or run.left_alone or run.capped


def test_levels_agree_with_what_the_probe_measures(calibration):
    module, runs = calibration
    table = {level: (total, hits) for level, total, hits, _ in module.level_agreement(runs)}
    low_total, low_hits = table["low"]
    assert low_total > 0 and low_hits <= 0.1 * low_total
    high_total = table["high"][0] + table["critical"][0]
    high_hits = table["high"][1] + table["critical"][1]
    assert high_total > 0 and high_hits >= 0.8 * high_total
