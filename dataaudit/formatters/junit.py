"""JUnit XML for Jenkins, GitLab and other CI test views: one test suite per scanned file.

Each rule that ran is a test case; a rule with findings gives one test case per column (or one for
the whole table), failing when the finding is at or above ``--fail-on`` and passing, with the message
in system-out, below it. So a regression shows up as a named failing test, and a clean rule as a pass.
"""

from __future__ import annotations

from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from ..analysis.findings import Severity
from ..analysis.registry import get_rule
from ..analysis.report import Report

__all__ = ["render_many"]


def _case(name: str, classname: str, failure: str | None = None, kind: str = "", out: str | None = None) -> str:
    body = ""
    if failure is not None:
        body += f"<failure message={quoteattr(failure[:500])} type={quoteattr(kind)}>{escape(failure)}</failure>"
    if out is not None:
        body += f"<system-out>{escape(out)}</system-out>"
    return f"    <testcase name={quoteattr(name)} classname={quoteattr(classname)}>{body}</testcase>"


def _suite(report: Report) -> tuple[str, int, int]:
    threshold = None if report.fail_on == "never" else Severity.parse(report.fail_on)
    cases, failures = [], 0
    for code in report.rules_run:
        rule = get_rule(code)
        classname = f"dataaudit.{rule.category}.{code}"
        found = [f for f in report.findings if f.rule == code]
        if not found:
            cases.append(_case(f"{code} {rule.name}", classname))
            continue
        for f in found:
            where = ", ".join(f.columns) if f.columns else "(dataset)"
            text = f"{where}: {f.message} [{f.severity}; {f.gradient_effect}; fix: {f.fix}]"
            if threshold is not None and f.severity >= threshold:
                failures += 1
                cases.append(_case(f"{code} {rule.name}: {where}", classname, text, str(f.severity)))
            else:
                cases.append(_case(f"{code} {rule.name}: {where}", classname, out=text))
    name = f"dataaudit: {report.dataset['path']}"
    head = (f"  <testsuite name={quoteattr(name)} tests=\"{len(cases)}\" failures=\"{failures}\" errors=\"0\" "
            f"skipped=\"0\">")
    return "\n".join([head, *cases, "  </testsuite>"]), len(cases), failures


def render_many(reports: Sequence[Report], **_: object) -> str:
    suites = [_suite(r) for r in reports]
    tests = sum(s[1] for s in suites)
    failures = sum(s[2] for s in suites)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<testsuites name=\"dataaudit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
            + "\n".join(s[0] for s in suites) + "\n</testsuites>\n")
