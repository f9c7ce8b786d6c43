"""HTML: one self-contained page per run (no scripts, no network), every value from the data escaped.

Summary, gradient risk with its components and the probe, findings grouped by severity, plots where
people would rather look than read (inline SVG from ``svg.py``: the target's classes, missing values),
a card per column, the worst first (``columns.py``: type, missing share, distinct count, histogram or
top values, its findings), the associations between columns (``associations.py``), and the column
types. The same markup is a notebook-safe fragment (``render_fragment``): no script, every CSS rule
scoped under the root ``.dataaudit-report`` element, each section a ``<details>``. The fix report
(``fixing/report.py``) builds its page from the same parts.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.findings import Finding
from ..analysis.probe import summary as probe_summary
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.report import Report
from ..core.numfmt import percent as pct
from ..core.textvalues import missing_token_mask
from . import associations, columns, svg
from .columns import figure, histogram_figure
from .svg import esc

__all__ = ["ROOT", "MAX_BARS", "MATRIX_ROWS", "OPEN_FINDINGS", "RULE_ROWS", "RULES", "style", "findings_tables",
           "HEAD", "class_balance", "render_fragment", "page", "render_many"]

ROOT = "dataaudit-report"  # the class of the report's root element: every CSS rule is scoped under it
MAX_BARS = 40  # columns in the missing-value overview, classes in the class-balance chart
MATRIX_ROWS = 200
OPEN_FINDINGS = 30  # up to this many findings every group is open and whole; beyond, only critical and high open
RULE_ROWS = 5  # beyond OPEN_FINDINGS: rows a rule shows in its severity group before the rest is folded

# (selectors, declarations): each selector is put under .dataaudit-report, "" is the root itself
RULES: tuple[tuple[str, str], ...] = (
    ("", "font:14px/1.45 system-ui,sans-serif;color:#222;background:#fff;max-width:1180px;text-align:left"),
    ("h1", "font-size:1.6em;margin:.2em 0 .4em"), ("h2", "font-size:1.3em;margin:.6em 0 .3em"),
    ("h3", "font-size:1.1em;margin:1em 0 .4em"), ("h4", "font-size:1em;margin:.8em 0 .3em"),
    ("table", "border-collapse:collapse;margin:.5em 0 1.5em"),
    ("td,th", "border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top"),
    ("th", "background:#f4f4f4"), ("td.n", "text-align:right;white-space:nowrap"),
    (".critical", "color:#b00"), (".high", "color:#c60"), (".medium", "color:#a80"), (".low", "color:#369"),
    ("code", "background:#f4f4f4;padding:0 .2em"),
    ("details.section", "margin:.4em 0 1em;border-top:1px solid #ddd;padding-top:.3em"),
    ("details.group", "margin:.2em 0 .2em 1em"), ("details.more", "margin:.5em 0"),
    ("summary", "cursor:pointer"), ("summary h3,summary h4", "display:inline;margin:0"),
    ("figure", "margin:.5em 0 1em"), ("figcaption", "font-size:12px;max-width:560px;color:#444"),
    (".card figcaption", "max-width:340px"),
    ("svg", "display:block"), ("svg text", "font:10px system-ui,sans-serif;fill:#444"),
    ("svg text.bound", "fill:#b00"), ("svg text.overflow", "fill:#a33"),
    (".cards", "display:grid;grid-template-columns:repeat(auto-fill,minmax(370px,1fr));gap:.8em;margin:.5em 0 1em"),
    (".card", "border:1px solid #ddd;border-left:4px solid #bbb;border-radius:3px;padding:.4em .6em;"
              "background:#fff;min-width:0;overflow:hidden"),
    (".card.critical", "border-left-color:#b00"), (".card.high", "border-left-color:#c60"),
    (".card.medium", "border-left-color:#a80"), (".card.low", "border-left-color:#369"),
    (".card.info,.card.none", "border-left-color:#bbb"),
    (".card,.card.critical,.card.high,.card.medium,.card.low", "color:#222"),
    (".card .head", "display:flex;flex-wrap:wrap;align-items:baseline;gap:.4em"),
    (".card .name", "font-weight:600;overflow-wrap:anywhere"), (".card .type", "color:#555;font-size:12px"),
    (".card .role", "font-size:11px;border:1px solid #999;border-radius:2px;padding:0 .3em;color:#555"),
    (".card .why,.card .facts", "font-size:12px;color:#555;overflow-wrap:anywhere"),
    (".card .facts", "color:#222"), (".card figure", "margin:.4em 0"),
    (".card ul.found", "margin:.3em 0 0;padding-left:0;list-style:none;font-size:12px"),
    (".card ul.found li", "margin:.15em 0"),
    (".sev", "display:inline-block;font-size:11px;line-height:1.3;padding:0 .35em;border-radius:2px;"
             "background:#888;color:#fff;white-space:nowrap"),
    (".sev.critical", "background:#b00;color:#fff"), (".sev.high", "background:#c60;color:#fff"),
    (".sev.medium", "background:#a80;color:#fff"), (".sev.low", "background:#369;color:#fff"),
    (".sev.info", "background:#888;color:#fff"), (".sev.none", "background:#eee;color:#555"),
    ("table.pairs td", "font-size:13px"), ("table.pairs td.none", "color:#777"),
)


def style(root: str = ROOT) -> str:
    """The report's CSS, every selector under ``.root``: it never restyles the page around it.

    The root class is written twice (``.root.root td``) so that a notebook's own table rules, such as JupyterLab's
    ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td {text-align: right}`` (two classes), do not outrank the
    report's: at equal weight the report's rules, which come later in the page, win."""
    scope = f".{root}.{root}"

    def scoped(selectors: str) -> str:
        return ",".join(f"{scope} {s.strip()}" if s.strip() else scope for s in selectors.split(","))

    return "".join(f"{scoped(selectors)}{{{body}}}" for selectors, body in RULES)


def _summary(report: Report) -> list[str]:
    ds, risk = report.dataset, report.gradient_risk
    target = f", target <code>{esc(report.target)}</code>" if report.target else ""
    return [f"<h2>{esc(ds['path'])}</h2>",
            f"<p>{ds['rows']:,} rows × {ds['columns']:,} columns ({esc(ds['format'])}{target}). "
            f"<strong class=\"{esc(risk.level)}\">Gradient risk {risk.score}/100 ({esc(risk.level)})</strong>. "
            f"{len(report.findings)} findings; exit code {report.exit_code()} (fail-on {esc(report.fail_on)}).</p>",
            f"<p>Compared {esc(report.reference_note().removeprefix('compared '))}.</p>" if report.reference_note() else "",
            f"<p>Sampled: {esc(report.sample_note())}.</p>" if report.sample_note() else ""]


def _risk(report: Report) -> list[str]:
    out = ["<table><tr><th>mechanism</th><th>source</th><th>score</th>"
           "<th>what was measured</th></tr>"]
    out += [f"<tr><td>{esc(c.mechanism)}</td><td>{esc(c.source)}</td><td>{c.score}</td><td>{esc(c.detail)}</td></tr>"
            for c in report.gradient_risk.components]
    out.append("</table>")
    if report.probe:
        out.append(f"<p>Gradient probe: {esc(probe_summary(report.probe))}.</p>")
        links = report.probe.get("attribution") or []
        if links:
            out.append("<table><tr><th>symptom</th><th>cause</th><th>rules</th></tr>")
            out += [f"<tr><td>{esc(x['symptom'])}</td><td>{esc(x['cause'])}</td><td>{esc(', '.join(x['rules']))}</td></tr>"
                    for x in links]
            out.append("</table>")
    return out


def findings_tables(findings: Sequence[Finding]) -> list[str]:
    """The findings, one closable table per severity, worst first; with many findings only the critical
    and high groups start open."""
    out = [] if findings else ["<p>No findings.</p>"]
    for level in ("critical", "high", "medium", "low", "info"):
        group = [f for f in findings if str(f.severity) == level]
        if not group:
            continue
        opened = " open" if len(findings) <= OPEN_FINDINGS or level in ("critical", "high") else ""
        categories = ", ".join(f"{n} {c}" for c, n in sorted(_count(str(f.category) for f in group).items()))
        out.append(f"<details class=\"group\"{opened}><summary><h4 class=\"{level}\">{level.upper()} ({len(group)})"
                   f"</h4> <span class=\"cats\">{esc(categories)}</span></summary>")
        out.append(f"<table>{HEAD}")
        if len(findings) <= OPEN_FINDINGS:
            out += [_finding_row(f) for f in group]
        else:  # a rule that fires on many columns: its first rows, then the rest folded
            for rule, same in _by_rule(group):
                out += [_finding_row(f) for f in same[:RULE_ROWS]]
                if len(same) > RULE_ROWS:
                    out.append(f"<tr><td colspan=\"7\"><details class=\"more\"><summary>{len(same) - RULE_ROWS:,} more "
                               f"{esc(rule)} findings</summary><table>{HEAD}"
                               + "".join(_finding_row(f) for f in same[RULE_ROWS:]) + "</table></details></td></tr>")
        out.append("</table></details>")
    return out


HEAD = ("<tr><th>rule</th><th>check</th><th>category</th><th>column</th><th>message</th><th>gradient effect</th>"
        "<th>fix</th></tr>")


def _finding_row(f: Finding) -> str:
    column = ", ".join(f"<code>{esc(c)}</code>" for c in f.columns) if f.columns else "—"
    return (f"<tr><td>{esc(f.rule)}</td><td>{esc(f.check)}</td><td>{esc(f.category)}</td><td>{column}</td>"
            f"<td>{esc(f.message)}</td><td>{esc(f.gradient_effect)}</td><td>{esc(f.fix)}</td></tr>")


def _by_rule(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings by rule, in the order the rules first appear."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f"{f.rule} {f.check}", []).append(f)
    return list(groups.items())


def _count(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _column_types(report: Report) -> list[str]:
    out = ["<table><tr><th>column</th><th>inferred type</th>"
           "<th>missing</th><th>distinct</th><th>why</th></tr>"]
    out += [f"<tr><td><code>{esc(c['name'])}</code></td><td>{esc(c['inferred_type'])}</td><td>{c['missing_count']:,}</td>"
            f"<td>{c['distinct_count']:,}</td><td>{esc(c['evidence'].get('rule', ''))}</td></tr>" for c in report.columns]
    out.append("</table>")
    return out


def class_balance(series: Sequence[tuple[str, Mapping[str, int]]], target: str) -> list[str]:
    """Rows per class as bars with counts and shares; several series (before/after a fix) share one axis."""
    labels = list(dict.fromkeys(label for _, classes in series for label in classes))  # most frequent first
    shown = labels[:MAX_BARS]
    values = [[classes.get(label, 0) for label in shown] for _, classes in series]
    totals = [sum(classes.values()) or 1 for _, classes in series]
    notes = [[f"{v:,} ({pct(v / total)})" for v in row] for row, total in zip(values, totals)]
    names = [name for name, _ in series] if len(series) > 1 else []
    chart = svg.hbars(shown, values, notes, title=f"rows per class of {target}", names=names)
    caption = f"Rows per class of <code>{esc(target)}</code>"
    if names:
        caption += " (" + "; ".join(f"{esc(name)}: {total:,} rows" for name, total in zip(names, totals)) + ")"
    if len(labels) > len(shown):
        caption += f"; {len(labels) - len(shown):,} smaller classes left out"
    return [figure(chart, caption + ".")]


def _sampled_rows(sample: pd.DataFrame) -> pd.DataFrame:
    """Up to MATRIX_ROWS rows of the profile's row sample, evenly spaced in file order."""
    sample = sample.sort_index()
    pick = np.unique(np.linspace(0, len(sample) - 1, min(len(sample), MATRIX_ROWS)).round().astype(np.int64))
    return sample.iloc[pick]


def _missing_cells(col: ColumnProfile, raw: pd.Series) -> np.ndarray:
    """Missing as the profile counts it: nulls and NaN, missing-value tokens ('?', 'N/A', blanks), and in
    numbers stored as text the values that do not parse (``ColumnProfile.missing``)."""
    mask = raw.isna().to_numpy(dtype=bool).copy()
    if col.text is not None and (~mask).any():
        present = raw[~mask].astype("str")
        cells = missing_token_mask(present)
        if col.numeric_from_text:
            cells |= col.text.numbers_of(present).isna().to_numpy(dtype=bool)
        mask[~mask] = cells
    return mask


def _missing_overview(profile: DatasetProfile) -> list[str]:
    """Missing share per column as bars, and where the gaps sit over a row sample as a matrix."""
    gaps = sorted((c for c in profile.columns.values() if c.missing), key=lambda c: -c.missing / c.rows)
    if not gaps:
        return []
    shown = gaps[:MAX_BARS]
    left = f" {len(gaps) - len(shown):,} more columns with missing values left out." if len(gaps) > len(shown) else ""
    bars = svg.hbars([c.name for c in shown], [[c.missing / c.rows for c in shown]],
                     [[f"{c.missing:,} ({pct(c.missing / c.rows)})" for c in shown]],
                     title="share of missing values per column", scale=1.0)
    out = ["<h4>Missing values</h4>",
           figure(bars, f"Share of missing values (nulls, NaN, missing-value tokens such as '?') in the "
                         f"{len(gaps):,} column{'s' if len(gaps) > 1 else ''} that have any, most first.{left}")]
    rows = _sampled_rows(profile.sample)
    if len(rows):
        mask = np.array([_missing_cells(c, rows[c.name]) for c in shown])
        matrix = svg.missing_matrix([c.name for c in shown], mask, rows.index.tolist(),
                                    title="missing values over a row sample")
        over = (f"the {profile.rows:,} rows" if len(profile.sample) >= profile.rows
                else f"a sample of {len(profile.sample):,} of the {profile.rows:,} rows")
        out.append(figure(matrix, f"Missing cells (dark) in {len(rows):,} rows, evenly spaced in file order over "
                                   f"{over}: gaps that line up across columns come from the same rows."))
    return out


def _plots(report: Report) -> list[str]:
    profile = report.profile
    if profile is None or not profile.columns:  # a report rebuilt from JSON has no profile, a fix's report before
        return []  # it its summary (``DatasetProfile.summary``): nothing to draw
    out: list[str] = []
    target = profile.target
    if target is not None and target.task == "classification" and target.classes:
        out += ["<h4>Target classes</h4>", *class_balance([("rows", target.classes)], target.name)]
    elif target is not None and target.task == "regression" and profile.columns[target.name].numeric.count:
        out += ["<h4>Target</h4>", histogram_figure(profile.columns[target.name])]
    out += _missing_overview(profile)
    return out


def _section(title: str, body: Sequence[str], *, opened: bool = True, key: str = "") -> list[str]:
    """A closable section: its heading is the ``<summary>``."""
    if not body:
        return []
    attrs = f' id="{key}"' if key else ""
    return [f"<details class=\"section\"{attrs}{' open' if opened else ''}><summary><h3>{esc(title)}</h3></summary>",
            *body, "</details>"]


def _report(report: Report) -> list[str]:
    names = columns.order(report)
    return [*_summary(report),
            *_section("Gradient risk", _risk(report)),
            *_section("Findings", findings_tables(report.findings)),
            *_section("Plots", _plots(report)),
            *_section("Columns", columns.section(report, names)),
            *_section("Associations", associations.section(report, names)),
            *_section("Column types", _column_types(report), opened=False)]


def render_fragment(report: Report) -> str:
    """The report as an HTML fragment for a notebook cell: one root ``<div class="dataaudit-report">``
    with its own scoped ``<style>``, no script, nothing loaded from elsewhere."""
    return f"<div class=\"{ROOT}\"><style>{style()}</style>\n" + "\n".join(_report(report)) + "\n</div>\n"


def page(body: Sequence[str], title: str = "dataaudit report", heading: str = "dataaudit") -> str:
    """The page around ``body``: strict CSP (no script, nothing loaded), the report's scoped style, the
    body inside the report's root element (as ``render_fragment`` has it)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{esc(title)}</title><style>body{{margin:2em}}{style()}</style></head><body>"
            f"<div class=\"{ROOT}\"><h1>{esc(heading)}</h1>\n" + "\n".join(body) + "\n</div></body></html>\n")


def render_many(reports: Sequence[Report], **_: object) -> str:
    return page([line for r in reports for line in _report(r)])
