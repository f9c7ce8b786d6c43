"""The per-column overview of the HTML report: one compact card per column, the worst first.

A card holds the inferred type with the evidence for it, the missing share, the distinct count, a
plot (the histogram with DA201's outlier bounds for a number, the most frequent values as bars for a
category) and the column's findings. Columns are ordered by the severity of their worst finding, then
by their missing share, then as in the file. At most ``MAX_CARDS`` cards are drawn, so a 1,000-column
table stays a page a browser opens at once; the other columns are listed in a closed ``<details>``
table. Without a profile (a report rebuilt from JSON) the cards have no plots.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.findings import Finding
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.report import Report
from ..core.measures import find_sentinels, robust_bounds, without_sentinels
from ..core.numfmt import num as plain_number
from ..core.numfmt import percent as pct
from ..core.textvalues import missing_token_mask
from . import svg
from .svg import esc

__all__ = ["MAX_CARDS", "TOP_VALUES", "SEVERITIES", "CATEGORY_TYPES", "figure", "histogram_figure", "order",
           "top_values", "section"]

MAX_CARDS = 200  # fully drawn cards; the rest are rows of a table
TOP_VALUES = 8  # bars per categorical card
SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORY_TYPES = ("categorical", "boolean", "text", "constant", "identifier")


def figure(chart: str, caption: str) -> str:
    """A chart with its caption; ``caption`` is HTML whose data parts the caller escaped."""
    return f"<figure>{chart}<figcaption>{caption}</figcaption></figure>"


def histogram_figure(col: ColumnProfile) -> str:
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
    return figure(chart, f"<code>{esc(col.name)}</code>: {esc(text)}")


def dates_figure(col: ColumnProfile) -> str:
    """A histogram of a date column over time (its values are seconds since 1970), the range's ends as dates."""
    values = col.numeric
    bins = svg.bin_values(values.values, weight=values.weight, neginf=values.neginf, posinf=values.posinf)
    chart = svg.histogram(bins, title=f"dates of {col.name}", approx=not values.exact, fmt=_moment)
    text = f"{bins.total:,} dates from {_moment(bins.low)} to {_moment(bins.high)}"
    if not values.exact:
        text += "; counts estimated from thinned values"
    return figure(chart, f"<code>{esc(col.name)}</code>: {esc(text)}")


def _worst(findings: Sequence[Finding]) -> dict[str, int]:
    worst: dict[str, int] = {}
    for f in findings:
        for c in f.columns:
            worst[c] = max(worst.get(c, -1), int(f.severity))
    return worst


def order(report: Report) -> list[str]:
    """Column names, the worst first: by their worst finding's severity, then missing share, then file order."""
    worst = _worst(report.findings)
    ranked = sorted(enumerate(report.columns),
                    key=lambda ic: (-worst.get(ic[1]["name"], -1), -(ic[1].get("missing_fraction") or 0.0), ic[0]))
    return [c["name"] for _, c in ranked]


def top_values(col: ColumnProfile, k: int = TOP_VALUES) -> tuple[list[tuple[str, int]], int, bool]:
    """The ``k`` most frequent non-missing values with their rows, how many other distinct values there
    are, and whether the counts are partial (a stream engine's summary keeps only some strings)."""
    text = col.stats.text
    if text is not None and len(text.values):
        values = pd.Series(text.values, dtype="str").reset_index(drop=True)
        counts = np.asarray(text.counts, dtype=np.int64)
        keep = ~np.asarray(missing_token_mask(values), dtype=bool)
        values, counts = values[keep].to_numpy(), counts[keep]
        partial = bool(text.dropped)
    elif col.numeric is not None and col.numeric.count:
        found, counts = np.unique(col.numeric.values, return_counts=True)
        values = np.array([svg.num(v) if not float(v).is_integer() else f"{int(v)}" for v in found.tolist()])
        counts = counts * col.numeric.weight
        partial = col.numeric.weight > 1
    else:
        return [], 0, False
    pick = np.argsort(-counts, kind="stable")[:k]  # ties keep first appearance (text) or value order (numbers)
    return [(_label(str(values[i])), int(counts[i])) for i in pick], max(len(values) - len(pick), 0), partial


def _label(value: str) -> str:
    """A value as a bar's label: quoted when surrounding whitespace would otherwise be invisible."""
    return f"'{value}'" if value != value.strip() or not value else value


def _value_bars(col: ColumnProfile) -> str:
    top, more, partial = top_values(col)
    if not top:
        return ""
    present = col.nonmissing or 1
    chart = svg.hbars([v for v, _ in top], [[n / present for _, n in top]],
                      [[f"{'≈' if partial else ''}{n:,} ({pct(n / present)})" for _, n in top]],
                      title=f"top values of {col.name}", scale=1.0, width=340, label_w=120, note_w=90)
    caption = f"Most frequent values of <code>{esc(col.name)}</code>, share of the {col.nonmissing:,} present values"
    if more:
        caption += f"; {more:,} other value{'s' if more > 1 else ''}"
    return figure(chart, caption + ".")


def _number(x: Any) -> str:
    """A value of the profile as a message writes it: '60,400', '0.5721', '2.52e+05'."""
    return plain_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else esc(x)


def _evidence(evidence: Mapping[str, Any]) -> str:
    """The inferred type's evidence: its rule in words, then the measured shares."""
    parts = [esc(evidence["rule"])] if evidence.get("rule") else []
    for key, value in evidence.items():
        if key == "rule":
            continue
        shown = pct(value) if key.endswith(("share", "ratio")) and isinstance(value, float) else _number(value)
        parts.append(f"{esc(key.replace('_', ' '))} {shown}")
    return " · ".join(parts)


def _moment(seconds: float) -> str:
    """Seconds since 1970 as a date ('2019-01-01') or a time; as seconds beyond the years 1 to 9999."""
    try:
        stamp = datetime(1970, 1, 1) + timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        return f"{plain_number(seconds)} s since 1970"
    return stamp.date().isoformat() if stamp.time() == dtime(0) else stamp.isoformat(sep=" ", timespec="seconds")


def _facts(info: Mapping[str, Any], col: ColumnProfile | None) -> str:
    rows = [f"missing <b>{info['missing_count']:,}</b> ({pct(info.get('missing_fraction') or 0.0)})",
            f"distinct <b>{info['distinct_count']:,}</b>"]
    if all(info.get(key) is not None for key in ("min", "median", "max")):
        if info["inferred_type"] == "datetime":
            low, high = ((float(col.numeric.values[0]), float(col.numeric.values[-1])) if col is not None
                         and col.numeric is not None and col.numeric.count else (info["min"], info["max"]))
            rows.append(f"from <b>{esc(_moment(low))}</b> to <b>{esc(_moment(high))}</b>")
        else:
            rows.append(f"median <b>{_number(info['median'])}</b> in [{_number(info['min'])}, {_number(info['max'])}]")
    if col is not None and col.top_share and info["inferred_type"] in ("categorical", "boolean", "constant"):
        rows.append(f"top value {pct(col.top_share)}")
    return " · ".join(rows)


def _plot(col: ColumnProfile | None, profile: DatasetProfile | None) -> str:
    if col is None or profile is None:
        return ""
    if (col.is_numeric_feature or (col.is_target and profile.target is not None and profile.target.task == "regression"
                                   and col.numeric is not None)) and col.numeric.count:
        return histogram_figure(col)
    if col.inferred_type == "datetime" and col.numeric is not None and col.numeric.count:
        return dates_figure(col)
    if col.inferred_type in CATEGORY_TYPES and col.inferred_type != "identifier":
        return _value_bars(col)
    return ""


def _card(info: Mapping[str, Any], findings: Sequence[Finding], profile: DatasetProfile | None, target: str | None) -> str:
    name = info["name"]
    col = profile.columns.get(name) if profile is not None else None
    worst = max((f.severity for f in findings), default=None)
    level = str(worst) if worst is not None else "none"
    badge = f'<span class="sev {level}">{level}</span>' if worst is not None else '<span class="sev none">no findings</span>'
    role = ' <span class="role">target</span>' if name == target else ""
    items = "".join(f'<li><span class="sev {esc(f.severity)}">{esc(f.rule)}</span> {esc(f.message)}</li>'
                    for f in findings)
    return (f'<div class="card {level}"><div class="head"><code class="name">{esc(name)}</code>{role}'
            f' <span class="type">{esc(info["inferred_type"])}</span> {badge}</div>'
            f'<div class="why">{_evidence(info.get("evidence") or {})}</div>'
            f'<div class="facts">{_facts(info, col)}</div>{_plot(col, profile)}'
            + (f'<ul class="found">{items}</ul>' if items else "") + "</div>")


def _rest(infos: Sequence[Mapping[str, Any]], by_column: Mapping[str, list[Finding]]) -> list[str]:
    out = [f"<details class=\"more\"><summary>{len(infos):,} more columns</summary><table><tr><th>column</th>"
           "<th>inferred type</th><th>missing</th><th>distinct</th><th>worst</th><th>findings</th></tr>"]
    for info in infos:
        found = by_column.get(info["name"], [])
        worst = str(max(f.severity for f in found)) if found else "—"
        rules = ", ".join(dict.fromkeys(f.rule for f in found)) or "—"
        out.append(f"<tr><td><code>{esc(info['name'])}</code></td><td>{esc(info['inferred_type'])}</td>"
                   f"<td class=\"n\">{info['missing_count']:,}</td><td class=\"n\">{info['distinct_count']:,}</td>"
                   f"<td class=\"{esc(worst)}\">{esc(worst)}</td><td>{esc(rules)}</td></tr>")
    out.append("</table></details>")
    return out


def section(report: Report, names: Sequence[str]) -> list[str]:
    """The cards of the columns in ``names`` (the overview's order), the first ``MAX_CARDS`` drawn."""
    infos = {c["name"]: c for c in report.columns}
    by_column: dict[str, list[Finding]] = {}
    for f in report.findings:
        for c in dict.fromkeys(f.columns):
            by_column.setdefault(c, []).append(f)
    shown, rest = names[:MAX_CARDS], names[MAX_CARDS:]
    counts = {level: sum(1 for n in names if by_column.get(n) and str(max(f.severity for f in by_column[n])) == level)
              for level in SEVERITIES}
    tally = ", ".join(f"{n:,} {level}" for level, n in counts.items() if n)
    clean = len(names) - sum(counts.values())
    intro = (f"<p>{len(names):,} columns, the worst first (by the severity of their findings, then missing share)"
             f"{': worst finding ' + tally if tally else ''}{f'; {clean:,} without findings' if clean else ''}. "
             "In histograms, dashed red lines are the outlier bounds of DA201 (median ± 3.5 robust z-scores), which "
             "<code>fix</code> clips to; the axis spans the values within the bounds widened by a tenth, and red end "
             "bars count the values beyond it."
             + (f" The first {MAX_CARDS:,} columns are drawn; the others are listed below." if rest else "") + "</p>")
    cards = [_card(infos[n], by_column.get(n, []), report.profile, report.target) for n in shown]
    return [intro, "<div class=\"cards\">", *cards, "</div>", *(_rest([infos[n] for n in rest], by_column) if rest else [])]
