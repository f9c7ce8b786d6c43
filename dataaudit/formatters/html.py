"""HTML: one self-contained page per run (no scripts, no network), every value from the data escaped.

The first version: summary, gradient risk with its components and the probe, findings grouped by
severity, column types. Plots are issue 7's to add; they must go through the same ``esc``.
"""

from __future__ import annotations

import html
from typing import Sequence

from ..probe import summary as probe_summary
from ..report import Report

STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;
vertical-align:top}th{background:#f4f4f4}.critical{color:#b00}.high{color:#c60}.medium{color:#a80}.low{color:#369}
code{background:#f4f4f4;padding:0 .2em}"""


def esc(value: object) -> str:
    """Escape anything that came from the data (names, values, messages) for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def _report(report: Report) -> list[str]:
    ds, risk = report.dataset, report.gradient_risk
    target = f", target <code>{esc(report.target)}</code>" if report.target else ""
    out = [f"<h2>{esc(ds['path'])}</h2>",
           f"<p>{ds['rows']:,} rows × {ds['columns']:,} columns ({esc(ds['format'])}{target}). "
           f"<strong class=\"{esc(risk.level)}\">Gradient risk {risk.score}/100 ({esc(risk.level)})</strong>. "
           f"{len(report.findings)} findings; exit code {report.exit_code()} (fail-on {esc(report.fail_on)}).</p>",
           f"<p>Sampled: {esc(report.sample_note())}.</p>" if report.sample_note() else "",
           "<h3>Gradient risk</h3>", "<table><tr><th>mechanism</th><th>source</th><th>score</th>"
           "<th>what was measured</th></tr>"]
    out += [f"<tr><td>{esc(c.mechanism)}</td><td>{esc(c.source)}</td><td>{c.score}</td><td>{esc(c.detail)}</td></tr>"
            for c in risk.components]
    out.append("</table>")
    if report.probe:
        out.append(f"<p>Gradient probe: {esc(probe_summary(report.probe))}.</p>")
        links = report.probe.get("attribution", [])
        if links:
            out.append("<table><tr><th>symptom</th><th>cause</th><th>rules</th></tr>")
            out += [f"<tr><td>{esc(x['symptom'])}</td><td>{esc(x['cause'])}</td><td>{esc(', '.join(x['rules']))}</td></tr>"
                    for x in links]
            out.append("</table>")
    out.append("<h3>Findings</h3>")
    if not report.findings:
        out.append("<p>No findings.</p>")
    for level in ("critical", "high", "medium", "low", "info"):
        group = [f for f in report.findings if str(f.severity) == level]
        if not group:
            continue
        out.append(f"<h4 class=\"{level}\">{level.upper()} ({len(group)})</h4>")
        out.append("<table><tr><th>rule</th><th>check</th><th>category</th><th>column</th><th>message</th>"
                   "<th>gradient effect</th><th>fix</th></tr>")
        for f in group:
            column = ", ".join(f"<code>{esc(c)}</code>" for c in f.columns) if f.columns else "—"
            out.append(f"<tr><td>{esc(f.rule)}</td><td>{esc(f.check)}</td><td>{esc(f.category)}</td><td>{column}</td>"
                       f"<td>{esc(f.message)}</td><td>{esc(f.gradient_effect)}</td><td>{esc(f.fix)}</td></tr>")
        out.append("</table>")
    out.append("<details><summary>Column types</summary><table><tr><th>column</th><th>inferred type</th>"
               "<th>missing</th><th>distinct</th><th>why</th></tr>")
    out += [f"<tr><td><code>{esc(c['name'])}</code></td><td>{esc(c['inferred_type'])}</td><td>{c['missing_count']:,}</td>"
            f"<td>{c['distinct_count']:,}</td><td>{esc(c['evidence'].get('rule', ''))}</td></tr>" for c in report.columns]
    out.append("</table></details>")
    return out


def render_many(reports: Sequence[Report], **_: object) -> str:
    body = [line for r in reports for line in _report(r)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>dataaudit report</title><style>{STYLE}</style></head><body><h1>dataaudit</h1>\n"
            + "\n".join(body) + "\n</body></html>\n")
