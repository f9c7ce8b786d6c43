"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``) and other SARIF viewers.

One run holds the results of every scanned file: code scanning keys an upload by tool and category,
and stopped combining several runs of one tool and category in one upload, so one run per file
would need a category per file. The run's ``rules`` are every rule that ran (one reportingDescriptor
each, documented from the rule's docstring), and ``artifacts`` list the files with their size and
gradient risk. Each finding is one result on its data file. A column has no line, so a result
has a ``region`` only when its evidence names a concrete row of an uncompressed CSV file (line =
row + 2: the header is line 1; it assumes one line per record); the columns are logical locations.

``partialFingerprints`` identify a finding by rule, file and columns (not by line), so an alert
survives a refreshed export whose rows moved: ``dataaudit/v1`` says so, and the same value is given
as ``primaryLocationLineHash``, the one key code scanning reads. The output has no timestamps, no
absolute paths that were not given, and a fixed key order: the same reports give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from pathlib import PurePath
from typing import Any, Sequence
from urllib.parse import quote

from .._version import __version__
from ..analysis.findings import Finding, Severity
from ..analysis.registry import get_rule
from ..analysis.report import Report
from ..analysis.rules import Rule
from ..core.numfmt import json_safe

__all__ = ["SCHEMA_URI", "LEVEL", "PROBLEM_SEVERITY", "MAX_DESCRIPTION", "artifact_uri", "fingerprint",
           "render_many", "render"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note", Severity.INFO: "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def artifact_uri(path: str) -> str:
    """The data file as a URI reference: relative paths stay relative (code scanning resolves them
    against the repository root), with ``/`` separators and reserved characters percent-encoded."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(posixpath.normpath(pure.as_posix()), safe="/")


def _plain(text: str) -> str:
    """SARIF plain-text messages read ``[text](target)`` as an embedded link: escape brackets
    (with a backslash, as SARIF §3.11.6 prescribes) only where such a link could be read."""
    if "](" not in text:
        return text
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    summary = rule.summary
    why = rule.section("Why it hurts training")
    how = rule.section("How fix repairs it")
    params = rule.parameters()
    options = ", ".join(f"{k}={v}" for k, v in params.items())
    text = (f"What it detects: {summary}\n\nWhy it hurts training: {why}\n\nHow fix repairs it: {how}\n\n"
            f"Gradient effect: {rule.gradient_effect}. Fix step: {rule.fix}."
            + (f" Options: {options}." if options else ""))
    markdown = (f"**What it detects:** {summary}\n\n**Why it hurts training:** {why}\n\n"
                f"**How `dataaudit fix` repairs it:** {how}\n\n"
                f"Gradient effect: `{rule.gradient_effect}`. Fix step: `{rule.fix}`."
                + (f" Options (settings file, `[tool.dataaudit.rules.{rule.code}]`): "
                   + ", ".join(f"`{k} = {v}`" for k, v in params.items()) + "." if params else "")
                + f"\n\n`dataaudit explain {rule.code}` prints this text.")
    level = LEVEL[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _clip(summary)},
        "fullDescription": {"text": _clip(f"{summary} Why it hurts training: {why}" if why else summary)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        "properties": {
            "category": str(rule.category),
            "gradient-effect": str(rule.gradient_effect),
            "fix": rule.fix,
            "default-severity": str(rule.severity),
            "problem.severity": PROBLEM_SEVERITY[level],
            "tags": ["data-quality", str(rule.category), str(rule.gradient_effect)],
        },
    }


def _first_row(finding: Finding) -> int | None:
    """The first concrete row (0-based, data rows) among the finding's evidence examples."""
    examples = finding.evidence.get("examples")
    if not isinstance(examples, list):
        return None
    for example in examples:
        row = example.get("row") if isinstance(example, dict) else None
        if isinstance(row, int) and not isinstance(row, bool) and row >= 0:
            return row
    return None


def fingerprint(rule: str, uri: str, columns: Sequence[str]) -> str:
    """A stable identity of a finding across runs: its rule, file and columns (never its numbers)."""
    key = json.dumps([rule, uri, list(columns)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _result(finding: Finding, rule_index: int, uri: str, artifact_index: int, lines: bool,
            occurrence: int) -> dict[str, Any]:
    columns = list(finding.columns)
    text = f"{finding.message} ({finding.gradient_effect}; fix: {finding.fix})"
    if columns:
        text = f"{', '.join(columns)}: {text}"
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": artifact_index}}
    row = _first_row(finding) if lines else None
    if row is not None:
        physical["region"] = {"startLine": row + 2}  # line 1 is the header
    location: dict[str, Any] = {"physicalLocation": physical}
    if columns:
        location["logicalLocations"] = [{"name": c, "kind": "member"} for c in columns]
    stable = f"{fingerprint(finding.rule, uri, columns)}:{occurrence}"  # CodeQL's form: hash:occurrence
    properties: dict[str, Any] = {
        "severity": str(finding.severity),
        "category": str(finding.category),
        "gradient-effect": str(finding.gradient_effect),
        "fix": finding.fix,
        "columns": columns,
        "evidence": json_safe(dict(finding.evidence)),
    }
    if row is not None:
        properties["row"] = row
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": _plain(text)},
        "locations": [location],
        "partialFingerprints": {"dataaudit/v1": stable, "primaryLocationLineHash": stable},
        "properties": properties,
    }


def _artifact(report: Report, uri: str) -> dict[str, Any]:
    dataset = report.dataset
    risk = report.gradient_risk
    properties: dict[str, Any] = {k: dataset[k] for k in ("format", "compression", "encoding", "delimiter", "sheet",
                                                          "rows", "columns") if k in dataset}
    properties["target"] = report.target
    properties["gradient-risk"] = {"score": risk.score, "level": risk.level}
    properties["findings"] = len(report.findings)
    properties["exit-code"] = report.exit_code()
    return {"location": {"uri": uri}, "properties": properties}


def render_many(reports: Sequence[Report], **_: object) -> str:
    codes = sorted({c for r in reports for c in r.rules_run} | {f.rule for r in reports for f in r.findings})
    rules = [get_rule(code) for code in codes]
    index = {rule.code: i for i, rule in enumerate(rules)}
    artifacts, results = [], []
    for report in reports:
        uri = artifact_uri(str(report.dataset["path"]))
        artifact_index = len(artifacts)
        artifacts.append(_artifact(report, uri))
        lines = report.dataset.get("format") == "csv" and not report.dataset.get("compression")
        seen: Counter[str] = Counter()
        for finding in report.findings:
            key = fingerprint(finding.rule, uri, finding.columns)
            seen[key] += 1
            results.append(_result(finding, index[finding.rule], uri, artifact_index, lines, seen[key]))
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "dataaudit",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_rule_descriptor(rule) for rule in rules],
        }},
        "artifacts": artifacts,
        "results": results,
        "properties": {
            "fail-on": reports[0].fail_on if reports else "high",
            "exit-code": max((r.exit_code() for r in reports), default=0),
        },
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render(report: Report, **options: object) -> str:
    return render_many([report], **options)
