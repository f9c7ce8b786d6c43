"""Baselines: accept today's findings, fail later only on new or worsened ones.

`scan --write-baseline FILE` records every finding of every scanned file (rule, columns, severity and
its main measure); `scan --baseline FILE` then drops the findings that are in the baseline and have
not got worse, so a team can adopt the tool on legacy data and still block regressions. Worse means a
higher severity, or a measure (the finding's fraction, count or score) more than 5% above the recorded one.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from ._version import __version__
from .analysis.findings import Finding, Severity
from .analysis.report import Report
from .errors import UsageError
from .io.write import write_text_atomic

__all__ = ["BASELINE_VERSION", "TOLERANCE", "write", "load", "apply"]

BASELINE_VERSION = 1
TOLERANCE = 0.05  # a measure may grow by this share before the finding counts as worse


def _key(finding: Finding) -> str:
    return f"{finding.rule}:{'|'.join(finding.columns)}"


def _measure(finding: Finding) -> float | None:
    for name in ("fraction", "count", "score", "ratio", "condition_number", "max_robust_z"):
        value = finding.evidence.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def write(reports: Iterable[Report], path: str | os.PathLike[str]) -> int:
    """Write the baseline of ``reports`` atomically; returns the number of findings recorded."""
    files: dict[str, dict[str, Any]] = {}
    for report in reports:
        files[report.dataset["path"]] = {_key(f): {"severity": str(f.severity), "measure": _measure(f)}
                                         for f in report.findings}
    data = {"baseline_version": BASELINE_VERSION, "tool": {"name": "dataaudit", "version": __version__},
            "files": files}
    write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return sum(len(v) for v in files.values())


def load(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The recorded findings per file; a missing or malformed baseline is a one-line error."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not a dataaudit baseline (invalid JSON: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION or \
            not isinstance(data.get("files"), dict):
        raise UsageError(f"{path}: not a dataaudit baseline (version {BASELINE_VERSION} expected)")
    return data["files"]


def apply(report: Report, files: dict[str, dict[str, Any]]) -> Report:
    """Drop the findings the baseline accepts (same rule and columns, not worse); say how many."""
    recorded = files.get(report.dataset["path"], {})
    kept = []
    for finding in report.findings:
        old = recorded.get(_key(finding))
        if old is None or _worse(finding, old):
            kept.append(finding)
    report.baseline_accepted = len(report.findings) - len(kept)
    report.findings = kept
    return report


def _worse(finding: Finding, old: dict[str, Any]) -> bool:
    if int(finding.severity) > int(Severity.parse(str(old.get("severity", "info")))):
        return True
    now, before = _measure(finding), old.get("measure")
    return now is not None and isinstance(before, (int, float)) and now > before * (1 + TOLERANCE) + 1e-12
