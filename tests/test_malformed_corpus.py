"""Every hostile or broken file of tests/corpus/make_malformed.py gets a clear answer, never a traceback.

Either one line on stderr, `dataaudit: error: <path>: <problem>`, and exit 2; or, where the file is
usable, a valid JSON report (exit 0 or 1) with the findings that describe what is odd about it.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from dataaudit.analysis.report import report_schema
from dataaudit.cli import cli

from .corpus import make_malformed

CASES = {name: (args, expected) for name, _, args, expected in make_malformed.CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_malformed.write(tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_bad_file_gets_one_clear_answer(corpus, name):
    args, (kind, expected) = CASES[name]
    path = corpus[name]
    before = path.read_bytes() if path.stat().st_size < 50_000_000 else None
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output + result.stderr
    if kind == "error":
        assert result.exit_code == 2, result.output[:300]
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("dataaudit: error: "), lines[0]
        problem = lines[0].lower()
        assert str(path).lower() in problem or "sheet" in problem, lines[0]
        assert any(word in problem.split(str(path).lower())[-1] for word in expected), lines[0]
    else:
        assert result.exit_code in (0, 1), result.stderr
        report = json.loads(result.output)
        jsonschema.validate(report, report_schema())
        rules = {f["rule"] for f in report["findings"]}
        assert set(expected) <= rules, sorted(rules)
    if before is not None:
        assert path.read_bytes() == before  # the input is never touched
