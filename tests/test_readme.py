"""The README's rule table lists exactly the registered rules, as `dataaudit rules --format markdown` prints them."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from dataaudit.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rule_table_matches_the_registry():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", text, re.S).group(1)
    printed = CliRunner().invoke(cli, ["rules", "--format", "markdown"]).output.strip()
    assert table.strip() == printed


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in README.read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]"' in ci and "python -m pytest -q" in ci


def test_readme_example_is_current_output():
    import os

    text = README.read_text(encoding="utf-8")
    example = re.search(r"\$ dataaudit scan sample_data/mixed.csv --target churned\n(.*?)```", text, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(README.parent)
    try:
        printed = CliRunner().invoke(cli, ["scan", "sample_data/mixed.csv", "--target", "churned"]).output
    finally:
        os.chdir(cwd)
    shown = [line for line in example.splitlines() if line.strip() != "…"]
    assert all(line in printed.splitlines() for line in shown)


def test_readme_fix_probe_table_is_current_output(tmp_path):
    import os

    text = README.read_text(encoding="utf-8")
    example = re.search(r"```text\n(Gradient probe \(.*?)```", text, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(README.parent)
    try:
        printed = CliRunner().invoke(cli, ["fix", "sample_data/mixed.csv", "--target", "churned",
                                           "-o", str(tmp_path / "out.parquet")]).output
    finally:
        os.chdir(cwd)
    assert all(line in printed.splitlines() for line in example.splitlines())
