"""The per-scan memo (``analysis.measures.shared``): a scan gives the same findings and risk with and without it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit.analysis.measures import (
    integer_code_reason,
    numeric_inputs,
    shared,
    sorted_unique,
)
from dataaudit.analysis.profiling import build_profile
from dataaudit.analysis.registry import select_rules
from dataaudit.analysis.risk import gradient_risk
from dataaudit.analysis.rule_options import run_rule
from dataaudit.checks.leakage import as_numbers
from dataaudit.core.stats import chunk_stats
from dataaudit.io.read import load

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


def _profile(path: Path, target: str | None):
    loaded = load(path)
    stats = chunk_stats(loaded.table, target=target, sample_size=100_000)
    return build_profile(stats, loaded.describe(), target)


def _scan(profile):
    findings = [f for rule in select_rules() for f in run_rule(rule, profile, {})]
    return [f.to_dict() if hasattr(f, "to_dict") else f for f in findings], gradient_risk(profile, findings)


@pytest.mark.parametrize("name, target", [("mixed.csv", "churned"), ("leakage.csv", None), ("missing.csv", None),
                                          ("scale.csv", None), ("redundancy.csv", None)])
def test_shared_measures_change_no_finding(name, target):
    path = SAMPLES / name
    if target is not None and target not in pd.read_csv(path, nrows=0).columns:
        target = None
    if target is None:  # the file's last column as the target, so the target's checks run too
        target = list(pd.read_csv(path, nrows=0).columns)[-1]
    kept = _profile(path, target)
    uncached = _profile(path, target)
    uncached.memo = None
    assert _scan(kept) == _scan(uncached)
    assert kept.memo  # something was shared


def test_shared_computes_once_per_key_and_again_for_other_rows():
    profile = _profile(SAMPLES / "mixed.csv", None)
    calls = []
    first = shared(profile, "k", lambda: calls.append(1) or [1])
    assert shared(profile, "k", lambda: calls.append(1) or [2]) is first and len(calls) == 1
    rows = pd.Index([1, 2])
    assert shared(profile, "k", lambda: [3], on=rows) == [3]
    assert shared(profile, "k", lambda: [4], on=rows) == [3]
    assert shared(profile, "k", lambda: [5], on=pd.Index([1, 2])) == [5]  # another index object: recomputed
    profile.memo = None
    assert shared(profile, "k", lambda: [6]) == [6]


def test_numeric_inputs_are_a_fresh_list_each_time():
    profile = _profile(SAMPLES / "mixed.csv", None)
    first = numeric_inputs(profile)
    first.clear()
    assert numeric_inputs(profile) == [c for c in profile.features if c.is_numeric_feature and c.numeric.count > 0
                                       and integer_code_reason(c) is None]


def test_date_numbers_are_shared_read_only(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"when": (pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D"))
                          .strftime("%d/%m/%Y"), "y": rng.integers(0, 2, n)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    profile = _profile(tmp_path / "d.csv", "y")
    col = profile.columns["when"]
    assert col.inferred_type == "datetime"
    index = profile.sample.index[::2]
    a = as_numbers(col, profile, index)
    assert as_numbers(col, profile, index) is a
    assert not a.flags.writeable
    other = as_numbers(col, profile, profile.sample.index)
    assert len(other) == n and np.array_equal(other[::2], a, equal_nan=True)


@pytest.mark.parametrize("values", [[], [3.0], [0.0, 0.0], [-0.0, 0.0, 1.0], [1.0, 1.0, 2.0, 5.0, 5.0, 5.0]])
def test_sorted_unique_is_numpy_unique_of_sorted_values(values):
    v = np.sort(np.array(values, dtype=float))
    assert np.array_equal(sorted_unique(v), np.unique(v))
