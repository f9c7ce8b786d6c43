"""Settings from dataaudit.toml / [tool.dataaudit]: found upward, command line wins, typos are errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit import config
from dataaudit.cli import cli
from dataaudit.errors import UsageError


@pytest.fixture
def project(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"customer_id": np.arange(1, 301), "x": rng.normal(size=300),
                          "y": rng.normal(size=300), "label": rng.integers(0, 2, 300)})
    frame.loc[:30, "x"] = np.nan
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "d.csv", index=False)
    sub = tmp_path / "data" / "deeper"
    sub.mkdir()
    monkeypatch.chdir(sub)
    return tmp_path


def _scan(*args: str):
    result = CliRunner().invoke(cli, ["scan", "../d.csv", "--format", "json", *args])
    return result, (json.loads(result.output) if result.exit_code in (0, 1) else None)


def test_pyproject_table_is_found_upward_and_applied(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dataaudit]\ntarget = "label"\nfail-on = "medium"\n'
        'per-column-ignores = {customer_id = ["DA702"]}\n\n[tool.dataaudit.rules.DA101]\n', encoding="utf-8")
    result, report = _scan()
    assert report["target"] == "label"
    assert report["summary"]["fail_on"] == "medium"
    rules = {(f["rule"], f["column"]) for f in report["findings"]}
    assert ("DA702", "customer_id") not in rules and ("DA101", "x") in rules
    assert result.exit_code == 1  # DA101 is high, at or above medium


def test_command_line_wins_and_isolated_ignores_the_file(project):
    (project / "dataaudit.toml").write_text('target = "label"\nfail-on = "never"\nignore = ["DA1"]\n', encoding="utf-8")
    _, report = _scan()
    assert report["summary"]["fail_on"] == "never" and not any(f["rule"].startswith("DA1") for f in report["findings"])
    _, report = _scan("--fail-on", "high", "--ignore", "DA7")
    assert report["summary"]["fail_on"] == "high" and any(f["rule"] == "DA101" for f in report["findings"])
    _, report = _scan("--isolated")
    assert report["target"] is None


def test_rule_thresholds_from_the_file(project):
    (project / "dataaudit.toml").write_text('[rules.DA101]\nbogus = 1\n', encoding="utf-8")
    result, _ = _scan()
    assert result.exit_code == 2 and "DA101 has no option 'bogus'" in result.stderr


@pytest.mark.parametrize("text, words", [
    ('targte = "label"\n', "unknown key 'targte'"),
    ('max-rows = "many"\n', "max-rows must be int"),
    ('[fix]\nscaler = 3\n', "fix.scaler must be str"),
    ('[fix]\nscalar = "mad"\n', "unknown key 'fix.scalar'"),
    ('select = ["DA1", 2]\n', "list of strings"),
    ('target = \n', "not valid TOML"),
])
def test_bad_settings_are_one_clear_error(project, text, words):
    (project / "dataaudit.toml").write_text(text, encoding="utf-8")
    result, _ = _scan()
    assert result.exit_code == 2 and words in result.stderr and "dataaudit.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fix_reads_its_options_from_the_file(project):
    (project / "dataaudit.toml").write_text('target = "label"\n[fix]\nscaler = "standard"\nseed = 3\n',
                                            encoding="utf-8")
    out = Path(os.getcwd()) / "fixed.parquet"
    result = CliRunner().invoke(cli, ["fix", "../d.csv", "-o", str(out), "--recipe", "r.json"])
    assert result.exit_code == 0, result.output
    recipe = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert recipe["target"] == "label"
    steps = {s["step"]: s for s in recipe["steps"]}
    assert steps["robust-scale"]["params"]["scaler"] == "standard" and steps["resample"]["params"]["seed"] == 3


def test_explicit_config_path_and_missing_file():
    with pytest.raises(UsageError, match="config file not found"):
        config.load("/no/such/dataaudit.toml")
    assert config.load(isolated=True).values == {}
