"""GitHub Actions workflow commands: each finding becomes an annotation on the data file.

critical and high findings are ``::error``, medium ``::warning``, low and info ``::notice`` (so a run
shows them in the Files and Summary views); escaping follows GitHub's workflow-command rules.
"""

from __future__ import annotations

from typing import Sequence

from ..analysis.findings import Severity
from ..analysis.report import Report

__all__ = ["LEVEL", "render_many"]

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_many(reports: Sequence[Report], **_: object) -> str:
    lines = []
    for report in reports:
        path = report.dataset["path"]
        for f in report.findings:
            where = ", ".join(f.columns) if f.columns else "(dataset)"
            message = f"{where}: {f.message} [{f.severity}; {f.gradient_effect}; fix: {f.fix}]"
            lines.append(f"::{LEVEL.get(f.severity, 'notice')} file={_property(path)},"
                         f"title={_property(f'{f.rule} {f.check}')}::{_data(message)}")
        risk = report.gradient_risk
        lines.append(f"::notice file={_property(path)},title=gradient risk::"
                     f"{_data(f'gradient risk {risk.score}/100 ({risk.level}); exit code {report.exit_code()}')}")
    return "\n".join(lines) + "\n"
