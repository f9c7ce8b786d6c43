"""DA7xx: leakage is judged on distinct rows, so copies of a row cannot vouch for each other."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit import scan

from ..conftest import write_csv


def _scan(tmp_path, frame, code):
    return scan(write_csv(tmp_path / "t.csv", frame), target="label", select=[code]).findings


def test_copied_rows_do_not_make_a_feature_look_leaked(tmp_path, rng):
    """Random over-sampling copies rows; a per-row key then 'predicts' each copy from its twin."""
    base = pd.DataFrame({"batch": [f"b{i}" for i in range(60)], "x": rng.normal(size=60),
                         "label": rng.integers(0, 2, 60)})
    copied = base.iloc[np.repeat(np.arange(60), 8)].sample(frac=1.0, random_state=0)
    assert _scan(tmp_path, copied, "DA701") == []


def test_a_real_leak_survives_deduplication(tmp_path, rng):
    n = 400
    label = rng.integers(0, 2, n)
    frame = pd.DataFrame({"x": rng.normal(size=n), "refund": np.where(label == 1, "yes", "no"), "label": label})
    frame = pd.concat([frame, frame.iloc[:100]], ignore_index=True)  # some duplicates as well
    (finding,) = _scan(tmp_path, frame, "DA701")
    assert finding.column == "refund" and finding.evidence["rows_used"] == n
