"""The terminal report: findings grouped by severity, then gradient risk; colour only on a TTY."""

from __future__ import annotations

import io
from typing import Sequence

from rich.console import Console
from rich.markup import escape

from ..analysis.findings import Severity
from ..analysis.probe import summary as probe_summary
from ..analysis.report import Report

__all__ = ["STYLE", "WIDTH", "render", "render_many"]

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
WIDTH = 100


def _lines(report: Report, quiet: bool) -> list[str]:
    ds = report.dataset
    risk = report.gradient_risk
    out: list[str] = []
    if not quiet:
        target = f"  target: {escape(str(report.target))}" if report.target else ""
        extra = ", ".join(str(ds[k]) for k in ("format", "compression", "encoding") if ds.get(k))
        out.append(f"[bold]{escape(ds['path'])}[/]  {ds['rows']:,} rows × {ds['columns']:,} columns ({escape(extra)}){target}")
        if report.baseline_accepted:
            out.append(f"baseline: {report.baseline_accepted:,} accepted finding(s) not shown (neither new nor worse)")
        if report.reference_note():
            out.append(escape(report.reference_note()))
        if report.sample_note():
            out.append(f"sampled: {report.sample_note()} (--max-rows)")
    if not report.findings:
        out += ["", "No findings."]
    for severity in sorted(Severity, reverse=True):
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        out.append("")
        out.append(f"[{STYLE[str(severity)]}]{str(severity).upper()}[/] ({len(group)})")
        for f in group:
            where = ", ".join(f.columns) if f.columns else "(dataset)"
            out.append(f"  [bold]{f.rule}[/] {f.check:<26} {escape(where)}: {escape(f.message)}")
            out.append(f"        [dim]→ {f.gradient_effect}; fix: {f.fix}[/]")
    if quiet:
        return out
    out.append("")
    out.append(f"[bold]Gradient risk {risk.score}/100[/] ([{STYLE.get(risk.level, 'bold')}]{risk.level}[/])")
    for c in risk.components:
        if c.score > 0:
            out.append(f"  {c.score:>3}  {c.mechanism:<20} {escape(c.detail)}")
    if report.probe:
        out.append(f"  probe: {escape(probe_summary(report.probe))}")
        for link in report.probe.get("attribution") or []:
            out.append(f"    {escape(link['symptom'])} ← {escape(link['cause'])}")
    counts = ", ".join(f"{n} {s}" for s, n in report.by_severity().items() if n)
    out.append("")
    out.append(f"{len(report.findings)} finding{'' if len(report.findings) == 1 else 's'}" + (f" ({counts})" if counts else "")
               + f"; exit code {report.exit_code()} (fail-on {report.fail_on})")
    return out


def render(report: Report, *, color: bool = False, quiet: bool = False, width: int | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      width=width or WIDTH, highlight=False, emoji=False, soft_wrap=True)
    for line in _lines(report, quiet):
        console.print(line)
    return buffer.getvalue()


def render_many(reports: Sequence[Report], **options: object) -> str:
    return "\n".join(render(r, **options) for r in reports)
