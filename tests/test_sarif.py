"""The SARIF 2.1.0 output: valid against the official schema, levels, stable fingerprints, escaping,
several files in one run, regions only where a row is known, and the CLI's choice of format by extension."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit import scan
from dataaudit.analysis.findings import Severity
from dataaudit.cli import cli
from dataaudit.formatters import render
from dataaudit.formatters.sarif import LEVEL, artifact_uri

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).resolve().parent / "resources" / "sarif-schema-2.1.0.json").read_text("utf-8"))
_VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _sarif(reports) -> dict:
    """Render, check the text is strict JSON and valid SARIF 2.1.0, and return the log."""
    text = render(list(reports), "sarif")
    log = json.loads(text, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))
    _VALIDATOR.validate(log)
    return log


@pytest.fixture(scope="module")
def mixed_report():
    cwd = os.getcwd()
    os.chdir(ROOT)  # the report names the path as given: keep it relative
    try:
        return scan("sample_data/mixed.csv", target="churned")
    finally:
        os.chdir(cwd)


def _frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.normal(0, 1, n).round(4), "y": rng.normal(5, 2, n).round(4),
                          "label": rng.integers(0, 2, n)})
    frame.loc[:29, "x"] = np.nan  # DA101 on x
    frame.loc[7, "y"] = 5e6  # DA201 on y, a concrete row
    return frame


def _csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def test_sarif_schema_is_the_official_draft04_one():
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_sarif_of_mixed_validates_with_one_run_every_rule_and_every_finding(mixed_report):
    log = _sarif([mixed_report])
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dataaudit" and driver["version"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(mixed_report.rules_run)
    for rule in rules:  # what GitHub requires of a reportingDescriptor, and no security scoring
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024 and "Why it hurts training:" in rule["help"]["text"]
        assert "security-severity" not in rule["properties"]
        assert rule["properties"]["category"] and rule["properties"]["gradient-effect"]
    results = run["results"]
    assert len(results) == len(mixed_report.findings)
    for result, finding in zip(results, mixed_report.findings):
        assert result["ruleId"] == finding.rule == rules[result["ruleIndex"]]["id"]
        assert result["message"]["text"].endswith(f"({finding.gradient_effect}; fix: {finding.fix})")
        assert result["properties"]["evidence"] == json.loads(json.dumps(dict(finding.evidence)))
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "sample_data/mixed.csv"
        assert [loc["name"] for loc in location.get("logicalLocations", [])] == list(finding.columns)
    assert run["artifacts"][0]["properties"]["gradient-risk"]["score"] == mixed_report.gradient_risk.score


def test_sarif_levels_map_critical_high_to_error_medium_to_warning_low_info_to_note(mixed_report):
    assert {str(s): LEVEL[s] for s in Severity} == {"critical": "error", "high": "error", "medium": "warning",
                                                     "low": "note", "info": "note"}
    template = mixed_report.findings[0]
    findings = [dataclasses.replace(template, severity=s, column=f"c{i}", columns=(f"c{i}",))
                for i, s in enumerate(sorted(Severity, reverse=True))]
    log = _sarif([dataclasses.replace(mixed_report, findings=findings)])
    levels = [r["level"] for r in log["runs"][0]["results"]]
    assert levels == ["error", "error", "warning", "note", "note"]
    by_id = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert by_id["DA202"]["defaultConfiguration"]["level"] == "error"  # critical by default
    assert by_id["DA404"]["defaultConfiguration"]["level"] == "note"  # low by default


def test_sarif_fingerprints_are_stable_across_runs_and_refreshed_data(tmp_path):
    first = _sarif([scan(_csv(tmp_path / "data.csv", _frame(seed=0)), target="label")])
    again = _sarif([scan(_csv(tmp_path / "data.csv", _frame(seed=0)), target="label")])
    refreshed = _sarif([scan(_csv(tmp_path / "data.csv", _frame(n=400, seed=1)), target="label")])

    def prints(log):
        return {(r["ruleId"], tuple(r["properties"]["columns"])): r["partialFingerprints"]
                for r in log["runs"][0]["results"]}

    assert prints(first) == prints(again)
    assert render([scan(tmp_path / "data.csv", target="label")], "sarif") == render(
        [scan(tmp_path / "data.csv", target="label")], "sarif")  # same input, same bytes
    shared = prints(first).keys() & prints(refreshed).keys()
    assert {("DA101", ("x",)), ("DA201", ("y",))} <= shared
    assert all(prints(first)[k] == prints(refreshed)[k] for k in shared)  # new rows, same alert
    values = [p["primaryLocationLineHash"] for p in prints(first).values()]
    assert len(set(values)) == len(values) and all(v.endswith(":1") for v in values)


def test_sarif_escapes_odd_column_names_and_file_names(tmp_path):
    odd = 'a "quoted" \\ [link](0) é\t<b>'
    frame = _frame().rename(columns={"x": odd})
    path = _csv(tmp_path / "odd name, 100%.csv", frame)
    log = _sarif([scan(path, target="label")])
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "DA101")
    location = result["locations"][0]
    assert location["logicalLocations"] == [{"name": odd, "kind": "member"}]
    assert result["properties"]["columns"] == [odd]
    text = result["message"]["text"]
    assert "\\[link\\](0)" in text and "[link](0)" not in text  # no embedded link to a related location
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/odd%20name%2C%20100%25.csv")
    assert artifact_uri("data/odd name,1.csv") == "data/odd%20name%2C1.csv"
    assert artifact_uri("./data/../x.csv") == "x.csv"


def test_sarif_region_only_where_a_row_is_known_in_a_plain_csv(tmp_path):
    frame = _frame()
    csv_log = _sarif([scan(_csv(tmp_path / "d.csv", frame), target="label")])
    outlier = next(r for r in csv_log["runs"][0]["results"] if r["ruleId"] == "DA201")
    region = outlier["locations"][0]["physicalLocation"]["region"]
    first = outlier["properties"]["evidence"]["examples"][0]
    assert region == {"startLine": first["row"] + 2} and outlier["properties"]["row"] == first["row"]
    line = (tmp_path / "d.csv").read_text().splitlines()[region["startLine"] - 1]  # line 1 is the header
    assert line.split(",")[1] == f"{first['value']:g}"
    missing = next(r for r in csv_log["runs"][0]["results"] if r["ruleId"] == "DA101")
    assert "region" not in missing["locations"][0]["physicalLocation"]  # a column has no line
    frame.to_parquet(tmp_path / "d.parquet", index=False)
    parquet_log = _sarif([scan(tmp_path / "d.parquet", target="label")])
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in parquet_log["runs"][0]["results"])


def test_sarif_several_files_make_one_run_with_an_artifact_each(tmp_path):
    clean = _frame().drop(index=range(30)).assign(y=lambda f: f["y"].clip(0, 10))
    a = scan(_csv(tmp_path / "a.csv", _frame()), target="label")
    b = scan(_csv(tmp_path / "b.csv", clean), target="label")
    log = _sarif([a, b])
    (run,) = log["runs"]
    expected = [artifact_uri(str(tmp_path / name)) for name in ("a.csv", "b.csv")]
    assert [x["location"]["uri"] for x in run["artifacts"]] == expected
    indices = [r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] for r in run["results"]]
    assert indices == [0] * len(a.findings) + [1] * len(b.findings)
    assert run["properties"]["exit-code"] == max(a.exit_code(), b.exit_code())
    prints = [r["partialFingerprints"]["dataaudit/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)  # the file is part of the identity


def test_sarif_with_no_findings_is_valid_and_still_lists_the_rules(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(0, 1, 300).round(3), "b": rng.normal(2, 1, 300).round(3)})
    report = scan(_csv(tmp_path / "clean.csv", frame))
    assert not report.findings
    (run,) = _sarif([report])["runs"]
    assert run["results"] == [] and len(run["tool"]["driver"]["rules"]) == len(report.rules_run)


@pytest.mark.parametrize("name", ["report.sarif", "report.sarif.json", "REPORT.SARIF"])
def test_cli_output_extension_picks_sarif(tmp_path, name):
    data = _csv(tmp_path / "d.csv", _frame())
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["scan", str(data), "--target", "label", "-o", str(out), "--isolated"])
    assert result.exit_code == 1, result.stderr
    log = json.loads(out.read_text("utf-8"))
    _VALIDATOR.validate(log)
    assert log["runs"][0]["tool"]["driver"]["name"] == "dataaudit"


def test_cli_plain_json_extension_still_writes_the_json_report(tmp_path):
    data = _csv(tmp_path / "d.csv", _frame())
    out = tmp_path / "report.json"
    CliRunner().invoke(cli, ["scan", str(data), "-o", str(out), "--isolated"])
    assert json.loads(out.read_text("utf-8"))["schema_version"] == 1


def test_cli_format_sarif_on_stdout(tmp_path):
    data = _csv(tmp_path / "d.csv", _frame())
    result = CliRunner().invoke(cli, ["scan", str(data), "--format", "sarif", "--isolated"])
    _VALIDATOR.validate(json.loads(result.stdout))
