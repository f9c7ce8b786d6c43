"""HTML: one self-contained page per run (no scripts, no network), every value from the data escaped.

Summary, gradient risk with its components and the probe, findings grouped by severity, then plots
where people would rather look than read (inline SVG from ``svg.py``: the target's classes, missing
values, a histogram per numeric feature with its outlier bounds), and the column types. The fix
report (``fix_report.py``) builds its page from the same parts.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.findings import Finding
from ..analysis.probe import summary as probe_summary
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.report import Report
from ..checks._common import pct
from ..checks.missing import find_sentinels, without_sentinels
from ..checks.outliers import robust_bounds
from ..core.textvalues import missing_token_mask
from . import svg
from .svg import esc

__all__ = ["esc", "render_many", "page", "findings_tables", "class_balance"]

MAX_HISTOGRAMS = 40  # per report: a 10,000-column file must not give a 100 MB page
MAX_BARS = 40  # columns in the missing-value overview, classes in the class-balance chart
MATRIX_ROWS = 200

STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;
vertical-align:top}th{background:#f4f4f4}.critical{color:#b00}.high{color:#c60}.medium{color:#a80}.low{color:#369}
code{background:#f4f4f4;padding:0 .2em}.plots{display:flex;flex-wrap:wrap;gap:1em 1.5em}figure{margin:.5em 0 1em}
figcaption{font-size:12px;max-width:560px;color:#444}.plots figcaption{max-width:340px}svg{display:block}
svg text{font:10px system-ui,sans-serif;fill:#444}svg text.bound{fill:#b00}svg text.overflow{fill:#a33}
td.n{text-align:right}"""


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
    out = ["<h3>Gradient risk</h3>", "<table><tr><th>mechanism</th><th>source</th><th>score</th>"
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
    """The findings, one table per severity, worst first."""
    out = [] if findings else ["<p>No findings.</p>"]
    for level in ("critical", "high", "medium", "low", "info"):
        group = [f for f in findings if str(f.severity) == level]
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
    return out


def _column_types(report: Report) -> list[str]:
    out = ["<details><summary>Column types</summary><table><tr><th>column</th><th>inferred type</th>"
           "<th>missing</th><th>distinct</th><th>why</th></tr>"]
    out += [f"<tr><td><code>{esc(c['name'])}</code></td><td>{esc(c['inferred_type'])}</td><td>{c['missing_count']:,}</td>"
            f"<td>{c['distinct_count']:,}</td><td>{esc(c['evidence'].get('rule', ''))}</td></tr>" for c in report.columns]
    out.append("</table></details>")
    return out


def _figure(chart: str, caption: str) -> str:
    """A chart with its caption; ``caption`` is HTML whose data parts the caller escaped."""
    return f"<figure>{chart}<figcaption>{caption}</figcaption></figure>"


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
    return [_figure(chart, caption + ".")]


def _histogram(col: ColumnProfile) -> str:
    """A histogram of the column with DA201's outlier bounds (the clip step's too) and the share outside them."""
    values = col.numeric
    sentinels = [s["value"] for s in find_sentinels(values)]
    bounds = robust_bounds(without_sentinels(values))  # as DA201: a -999 placeholder does not set the bounds
    pair = (bounds.low, bounds.high) if bounds else None
    bins = svg.bin_values(values.values, weight=values.weight, bounds=pair, integral=values.integral == values.count,
                          neginf=values.neginf, posinf=values.posinf)
    chart = svg.histogram(bins, title=f"histogram of {col.name}", bounds=pair, approx=not values.exact)
    if pair:
        share = (f"{bins.outside:,} of {bins.total:,} values ({pct(bins.outside / bins.total)})" if bins.outside
                 else f"none of the {bins.total:,} values")
        text = f"{share} outside the outlier bounds [{svg.num(pair[0])}, {svg.num(pair[1])}]"
    else:
        text = "no outlier bounds (MAD and IQR are both 0)"
    if sentinels:
        text += "; placeholder value" + ("s " if len(sentinels) > 1 else " ") + ", ".join(svg.num(v) for v in sentinels)
    if values.posinf or values.neginf:
        text += f"; ±inf ({values.posinf + values.neginf:,}) counted in the end bars"
    if not values.exact:
        text += "; counts estimated from thinned values"
    return _figure(chart, f"<code>{esc(col.name)}</code>: {esc(text)}")


def _histograms(report: Report, profile: DatasetProfile) -> list[str]:
    """Numeric features, those with the worst findings first, at most MAX_HISTOGRAMS."""
    worst: dict[str, int] = {}
    for f in report.findings:
        for c in f.columns:
            worst[c] = max(worst.get(c, -1), int(f.severity))
    candidates = [c for c in profile.features if c.is_numeric_feature and c.numeric.count]
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: -worst.get(c.name, -1))  # stable: file order among equals
    shown = ranked[:MAX_HISTOGRAMS]
    left = (f" {len(candidates) - len(shown):,} of {len(candidates):,} numeric features left out (at most "
            f"{MAX_HISTOGRAMS} are drawn, those with findings first).") if len(candidates) > len(shown) else ""
    return ["<h4>Numeric features</h4>",
            "<p>Dashed red lines: the outlier bounds of DA201 (median ± 3.5 robust z-scores), which <code>fix</code> "
            "clips to. The axis spans the values within the bounds widened by a tenth; red end bars count the values "
            f"beyond it.{left}</p>",
            "<div class=\"plots\">", *(_histogram(c) for c in shown), "</div>"]


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
           _figure(bars, f"Share of missing values (nulls, NaN, missing-value tokens such as '?') in the "
                         f"{len(gaps):,} column{'s' if len(gaps) > 1 else ''} that have any, most first.{left}")]
    rows = _sampled_rows(profile.sample)
    if len(rows):
        mask = np.array([_missing_cells(c, rows[c.name]) for c in shown])
        matrix = svg.missing_matrix([c.name for c in shown], mask, rows.index.tolist(),
                                    title="missing values over a row sample")
        over = (f"the {profile.rows:,} rows" if len(profile.sample) >= profile.rows
                else f"a sample of {len(profile.sample):,} of the {profile.rows:,} rows")
        out.append(_figure(matrix, f"Missing cells (dark) in {len(rows):,} rows, evenly spaced in file order over "
                                   f"{over}: gaps that line up across columns come from the same rows."))
    return out


def _plots(report: Report) -> list[str]:
    profile = report.profile
    if profile is None:  # a report rebuilt from JSON has no profile: nothing to draw
        return []
    out: list[str] = []
    target = profile.target
    if target is not None and target.task == "classification" and target.classes:
        out += ["<h4>Target classes</h4>", *class_balance([("rows", target.classes)], target.name)]
    elif target is not None and target.task == "regression" and profile.columns[target.name].numeric.count:
        out += ["<h4>Target</h4>", _histogram(profile.columns[target.name])]
    out += _missing_overview(profile)
    out += _histograms(report, profile)
    return ["<h3>Plots</h3>", *out] if out else []


def _report(report: Report) -> list[str]:
    return [*_summary(report), *_risk(report), "<h3>Findings</h3>", *findings_tables(report.findings),
            *_plots(report), *_column_types(report)]


def page(body: Sequence[str], title: str = "dataaudit report", heading: str = "dataaudit") -> str:
    """The page around ``body``: strict CSP (no script, nothing loaded), the inline style."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><h1>{esc(heading)}</h1>\n"
            + "\n".join(body) + "\n</body></html>\n")


def render_many(reports: Sequence[Report], **_: object) -> str:
    return page([line for r in reports for line in _report(r)])
