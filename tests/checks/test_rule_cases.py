"""One driver for every rule: it fires on its case, stays silent on its clean case and on clean data."""

from __future__ import annotations

import numpy as np
import pytest

from dataaudit import scan
from dataaudit.analysis.registry import all_rules

from ..conftest import assert_valid, write_csv
from .cases import FIRE, SILENT, Case, _silent_clean

CODES = [rule.code for rule in all_rules() if rule.command == "scan"]  # diff rules: test_drift.py


def _scan(case: Case, tmp_path, code: str):
    if case.format == "parquet":
        path = tmp_path / "case.parquet"
        case.frame.to_parquet(path, index=False)
    else:
        path = write_csv(tmp_path / "case.csv", case.frame, case.encoding)
    report = scan(path, target=case.target, select=[code])
    assert_valid(report)
    return report


def test_every_rule_has_a_firing_case():
    assert sorted(FIRE) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_rule_fires_on_its_case(code, tmp_path):
    case = FIRE[code](np.random.default_rng(0))
    report = _scan(case, tmp_path, code)
    hits = [f for f in report.findings if f.rule == code]
    assert hits, f"{code} did not fire"
    assert case.column in [f.column for f in hits], [f.column for f in hits]


@pytest.mark.parametrize("code", CODES)
def test_rule_silent_on_its_clean_case(code, tmp_path):
    case = SILENT.get(code, _silent_clean)(np.random.default_rng(1))
    report = _scan(case, tmp_path, code)
    assert [f.message for f in report.findings] == []


def test_clean_frame_has_no_finding_at_all(tmp_path):
    case = _silent_clean(np.random.default_rng(2))
    report = scan(write_csv(tmp_path / "clean.csv", case.frame), target="label")
    assert [(f.rule, f.column, f.message) for f in report.findings] == []
    assert report.exit_code() == 0
