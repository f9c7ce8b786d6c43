"""Baselines: accept today's findings, then fail only on new or worsened ones."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from click.testing import CliRunner

from dataaudit.cli import cli


def _data(path, missing: int, extra_outlier: bool = False):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=400).round(4), "y": rng.normal(size=400).round(4),
                          "label": rng.integers(0, 2, 400)})
    frame.loc[: missing - 1, "x"] = np.nan
    if extra_outlier:
        frame.loc[200, "y"] = 1e6
    frame.to_csv(path, index=False)


def _scan(*args):
    return CliRunner().invoke(cli, ["scan", *map(str, args)])


def test_baseline_accepts_today_and_fails_on_new_or_worse(tmp_path):
    data, base = tmp_path / "d.csv", tmp_path / "baseline.json"
    _data(data, missing=20)
    assert _scan(data, "--target", "label").exit_code == 1  # DA101 high
    wrote = _scan(data, "--target", "label", "--write-baseline", base)
    assert wrote.exit_code == 0 and "wrote a baseline of" in wrote.output
    same = _scan(data, "--target", "label", "--baseline", base, "--format", "json")
    report = json.loads(same.output)
    assert same.exit_code == 0 and report["findings"] == [] and report["summary"]["baseline_accepted"] >= 1
    _data(data, missing=60)  # the missing rate grew: worse
    worse = _scan(data, "--target", "label", "--baseline", base, "--format", "json")
    worse_rules = [(f["rule"], f["column"]) for f in json.loads(worse.output)["findings"]]
    assert worse.exit_code == 1 and ("DA101", "x") in worse_rules
    _data(data, missing=20, extra_outlier=True)  # a new problem on another column
    new = _scan(data, "--target", "label", "--baseline", base, "--format", "json")
    assert new.exit_code == 1 and {f["column"] for f in json.loads(new.output)["findings"]} == {"y"}
    text = _scan(data, "--target", "label", "--baseline", base).output
    assert "accepted finding(s) not shown" in text


def test_bad_baseline_is_one_clear_error(tmp_path):
    data, base = tmp_path / "d.csv", tmp_path / "baseline.json"
    _data(data, missing=5)
    base.write_text("{not json", encoding="utf-8")
    result = _scan(data, "--baseline", base)
    assert result.exit_code == 2 and "not a dataaudit baseline" in result.stderr
    result = _scan(data, "--baseline", tmp_path / "missing.json")
    assert result.exit_code == 2 and "cannot read the baseline" in result.stderr
