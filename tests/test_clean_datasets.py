"""Real clean data from scikit-learn: no false alarm at medium or above in missing, encoding, leakage."""

from __future__ import annotations

import pytest
from sklearn import datasets

from dataaudit import scan

from .conftest import assert_valid, write_csv

QUIET_CATEGORIES = {"missing", "encoding", "leakage"}


@pytest.mark.parametrize("loader", ["load_wine", "load_breast_cancer", "load_iris", "load_diabetes", "load_digits"])
def test_bundled_dataset_has_no_medium_finding_in_quiet_categories(loader, tmp_path):
    frame = getattr(datasets, loader)(as_frame=True).frame
    path = write_csv(tmp_path / f"{loader}.csv", frame)
    report = scan(path, target="target")
    assert_valid(report)
    loud = [(f.rule, f.column, f.message) for f in report.findings
            if str(f.category) in QUIET_CATEGORIES and f.severity >= 2]
    assert loud == []


@pytest.mark.parametrize("loader", ["load_wine", "load_breast_cancer"])
def test_bundled_features_without_target_pass_the_default_gate(loader, tmp_path):
    frame = getattr(datasets, loader)(as_frame=True).data
    report = scan(write_csv(tmp_path / "x.csv", frame))
    assert report.exit_code() == 0, [(f.rule, f.column, str(f.severity)) for f in report.findings if f.severity >= 3]
