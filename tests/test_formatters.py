"""Each output format on sample_data/mixed.csv matches its reviewed golden file.

Rewrite the golden files with ``DATAAUDIT_UPDATE_GOLDEN=1 pytest tests/test_formatters.py`` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dataaudit import scan
from dataaudit.formatters import FORMATTERS, render

from .conftest import assert_valid

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = {"text": "txt", "json": "json", "markdown": "md", "html": "html", "junit": "junit.xml", "github": "github.txt",
          "sarif": "sarif"}


@pytest.fixture(scope="module")
def mixed_report():
    cwd = os.getcwd()
    os.chdir(ROOT)  # the report names the path as given: keep it relative and stable
    try:
        return scan("sample_data/mixed.csv", target="churned")
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_format_matches_golden_file(fmt, mixed_report):
    output = render([mixed_report], fmt)
    golden = GOLDEN / f"mixed.{SUFFIX[fmt]}"
    if os.environ.get("DATAAUDIT_UPDATE_GOLDEN") == "1":
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_json_output_validates_and_round_trips(mixed_report):
    data = json.loads(render([mixed_report], "json"))
    assert data == mixed_report.to_dict()
    assert_valid(mixed_report)
    assert data["summary"]["findings"] == len(data["findings"])
    assert "timing" not in data


def test_text_has_no_colour_codes_when_not_a_terminal(mixed_report):
    assert "\x1b[" not in render([mixed_report], "text")
    assert "\x1b[" in render([mixed_report], "text", color=True)


def test_markdown_escapes_html_and_pipes(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"<script>alert(1)</script>": ["a|b"] * 30 + [None] * 10, "x": range(40)})
    path = tmp_path / "evil.csv"
    frame.to_csv(path, index=False)
    text = render([scan(path)], "markdown")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_html_and_markdown_escape_names_and_values_from_the_data(tmp_path):
    """A column named <script> and cells holding markup must come out as text, never as markup."""
    import numpy as np
    import pandas as pd

    from dataaudit import scan
    from dataaudit.formatters import render

    rng = np.random.default_rng(0)
    evil = "<script>alert(1)</script>"
    frame = pd.DataFrame({evil: rng.normal(size=200), "note": [evil, "<b>x</b>", "ok"] * 66 + ["ok", "ok"],
                          "label": rng.integers(0, 2, 200)})
    frame.loc[:20, evil] = np.nan
    frame.loc[5, evil] = 1e9
    path = tmp_path / "evil.csv"
    frame.to_csv(path, index=False)
    report = scan(path, target="label")
    assert any(evil in f.columns for f in report.findings)
    page = render([report], "html")
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.replace("http-equiv", "")
    md = render([report], "markdown")
    assert "<script" not in md.lower() and "<b>" not in md


def test_junit_is_valid_xml_with_one_failure_per_finding_at_or_above_fail_on(mixed_report):
    import xml.etree.ElementTree as ET

    from dataaudit.analysis.findings import Severity
    from dataaudit.formatters import render

    root = ET.fromstring(render([mixed_report], "junit"))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    at_or_above = [f for f in mixed_report.findings if f.severity >= Severity.parse(mixed_report.fail_on)]
    assert len(failing) == len(at_or_above) == int(suite.get("failures")) == int(root.get("failures")) > 0
    ruled = {f.rule for f in mixed_report.findings}
    assert len(cases) == int(suite.get("tests")) == len(mixed_report.findings) + len(set(mixed_report.rules_run) - ruled)
    assert all(c.get("classname").startswith("dataaudit.") for c in cases)


def test_github_annotations_escape_what_would_break_the_command(tmp_path):
    import numpy as np
    import pandas as pd

    from dataaudit import scan
    from dataaudit.formatters import render

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a,b:c": rng.normal(size=100), "label": rng.integers(0, 2, 100)})
    frame.loc[:9, "a,b:c"] = np.nan
    path = tmp_path / "odd,name:1.csv"
    frame.to_csv(path, index=False)
    out = render([scan(path, target="label")], "github")
    line = next(x for x in out.splitlines() if "DA101" in x)
    head, message = line.split("::", 2)[1:]
    assert head.startswith("error file=") and "odd%2Cname%3A1.csv" in head
    assert "a,b:c: 10 values (10%25) missing" in message
    assert out.splitlines()[-1].startswith("::notice") and "gradient risk" in out
