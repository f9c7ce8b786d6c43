"""Markdown: a CI job summary (findings table, gradient risk, column types)."""

from __future__ import annotations

import html
from typing import Sequence

from ..analysis.probe import summary as probe_summary
from ..analysis.report import Report

__all__ = ["ICON", "cell", "render", "render_many"]

ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}


def cell(text: object) -> str:
    """Escape a value for a Markdown table cell (HTML-escaped, pipes and newlines neutralised)."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def render(report: Report, **_: object) -> str:
    ds = report.dataset
    risk = report.gradient_risk
    lines = [f"## dataaudit: `{cell(ds['path'])}`", ""]
    target = f", target `{cell(report.target)}`" if report.target else ""
    lines.append(f"{ds['rows']:,} rows × {ds['columns']:,} columns ({cell(ds['format'])}{target}). "
                 f"**Gradient risk {risk.score}/100 ({risk.level})**. "
                 f"{len(report.findings)} finding{'' if len(report.findings) == 1 else 's'}; "
                 f"exit code {report.exit_code()} (fail-on {report.fail_on}).")
    if report.reference_note():
        lines.append("Compared " + cell(report.reference_note().removeprefix("compared ")) + ".")
    if report.sample_note():
        lines.append(f"Sampled: {report.sample_note()}.")
    lines.append("")
    if report.findings:
        lines += ["| severity | rule | check | category | column | message | gradient effect | fix |",
                  "|---|---|---|---|---|---|---|---|"]
        for f in report.findings:
            column = ", ".join(f"`{cell(c)}`" for c in f.columns) if f.columns else "—"
            lines.append(f"| {ICON[str(f.severity)]} {f.severity} | {f.rule} | {f.check} | {f.category} | {column} | "
                         f"{cell(f.message)} | {f.gradient_effect} | {f.fix} |")
    else:
        lines.append("No findings.")
    lines += ["", "### Gradient risk", "", "| mechanism | source | score | what was measured |", "|---|---|---|---|"]
    for c in risk.components:
        lines.append(f"| {c.mechanism} | {c.source} | {c.score} | {cell(c.detail)} |")
    if report.probe:
        lines += ["", f"Gradient probe: {cell(probe_summary(report.probe))}."]
        links = report.probe.get("attribution") or []
        if links:
            lines += ["", "| symptom | cause | rules |", "|---|---|---|"]
            lines += [f"| {cell(x['symptom'])} | {cell(x['cause'])} | {', '.join(x['rules'])} |" for x in links]
    lines += ["", "<details><summary>Column types</summary>", "",
              "| column | inferred type | missing | distinct | why |", "|---|---|---|---|---|"]
    for col in report.columns:
        lines.append(f"| `{cell(col['name'])}` | {col['inferred_type']} | {col['missing_count']:,} | "
                     f"{col['distinct_count']:,} | {cell(col['evidence'].get('rule', ''))} |")
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def render_many(reports: Sequence[Report], **_: object) -> str:
    return "\n".join(render(r) for r in reports)
