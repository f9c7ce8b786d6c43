"""The detection benchmark's own parts (bench/corrupt.py, bench/scoring.py, bench/quality.py) cannot rot.

Runs the injector and the scorer on one small bundled base (wine); the full benchmark is
`python bench/quality.py` (docs/quality.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bases  # noqa: E402
import corrupt  # noqa: E402
import quality  # noqa: E402
import scoring  # noqa: E402


@pytest.fixture(scope="module")
def wine():
    return bases.BASES["wine"]()


def test_injector_is_deterministic_and_plants_what_it_says(wine):
    plans, skipped = corrupt.plan("wine", wine.frame, wine.target, wine.task, "moderate")
    assert set(skipped) == {"category_variants", "mojibake"}  # wine has no text column
    assert sorted(n for p in plans for n, _ in p.assignments) == sorted(set(corrupt.CORRUPTIONS) - set(skipped))
    for file_plan in plans:
        columns = [c for _, c in file_plan.assignments if c is not None]
        assert len(columns) == len(set(columns))  # one corruption per column
        first, truth = corrupt.corrupt(wine.frame, wine.target, wine.task, file_plan)
        again, _ = corrupt.corrupt(wine.frame, wine.target, wine.task, file_plan)
        pd.testing.assert_frame_equal(first, again)
        for p in truth:
            assert p.column is None or p.column in first.columns
            if p.corruption == "missing_mcar":
                assert first[p.column].isna().mean() == pytest.approx(0.05, abs=0.01)
            if p.corruption == "scale_blowup":
                assert np.nanmedian(first[p.column].astype(float)) == pytest.approx(
                    1e4 * np.nanmedian(wine.frame[p.column]))
            if p.corruption == "duplicate_rows":
                assert first.duplicated().sum() == round(0.05 * (len(first) / 1.05))


def test_scorer_matches_family_and_column_and_counts_unexplained_alarms():
    planted = [corrupt.Planted("missing", "a", "missing_mcar", "weak"),
               corrupt.Planted("redundancy", None, "duplicate_rows", "weak")]
    alerts = [scoring.Alert("missing", ("a",), "DA101", 3),
              scoring.Alert("outliers", ("a",), "DA201", 3),  # on a planted column: explained
              scoring.Alert("redundancy", (), "DA603", 1),  # table-level, planted family: found
              scoring.Alert("scale", ("b",), "DA501", 2),  # nothing planted on b: a false alarm
              scoring.Alert("scale", ("c",), "DA501", 1),  # low severity: not counted
              scoring.Alert("scale", ("d",), "DA501", 2)]  # a real problem of the base
    score = scoring.score_file(alerts, planted, {("scale", "d"): "audited"})
    assert [hit for _, hit in score.found] == [True, True]
    assert [a.columns for a in score.false_alarms] == [("b",)]
    missed = scoring.score_file([scoring.Alert("missing", ("z",), "DA101", 3)], planted, {})
    assert [hit for _, hit in missed.found] == [False, False]


def test_dataaudit_on_the_wine_corpus(tmp_path, wine):
    corpus = quality.build_corpus({"wine": wine}, tmp_path, strengths=("moderate",))
    results = quality.run_dataaudit(corpus)
    scored = quality.score_tool(corpus, results)
    assert scored["clean_alarms"] == {"wine": []}
    found, planted = map(sum, zip(*scored["recall"].values()))
    assert planted == len(corrupt.CORRUPTIONS) - 2 and found >= 0.9 * planted
    assert all((tmp_path / f"{f.path.stem}.truth.json").exists() for f in corpus.files if f.strength != "clean")
    text = quality.tables(corpus, {"dataaudit": scored}, {"dataaudit": [1.0]}, None, "test")
    assert "| leakage | moderate |" in text and "## False alarms" in text
