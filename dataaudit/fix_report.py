"""The fix report: before/after gradient risk and findings, row accounting, what was dropped and why."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from .formatters.markdown import cell
from .probe import minority_class

if TYPE_CHECKING:
    from .fixing import FixResult

FORMAT_BY_SUFFIX = {".json": "json", ".md": "markdown", ".txt": "text"}


def _risk_rows(result: "FixResult") -> list[tuple[str, int, int | None]]:
    before = {(c.mechanism, c.source): c.score for c in result.before.gradient_risk.components}
    after = {(c.mechanism, c.source): c.score for c in result.after.gradient_risk.components} if result.after else {}
    return [(f"{m} ({s})", score, after.get((m, s))) for (m, s), score in before.items()]


def _category_counts(report) -> Counter:
    return Counter(str(f.category) for f in report.findings if f.severity >= 2)


def render(result: "FixResult", fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    md = fmt == "markdown"
    rows = result.rows
    lines = ["## dataaudit fix" if md else "dataaudit fix", ""]
    lines.append(f"Rows: {rows['in']:,} in, {rows.get('duplicates_dropped', 0):,} duplicate rows dropped, "
                 f"{rows.get('added_by_resampling', 0):,} added and {rows.get('removed_by_resampling', 0):,} "
                 f"removed by resampling, {rows['out']:,} out.")
    lines.append(f"Columns: {len(result.recipe.input_columns):,} in, {len(result.frame.columns):,} out.")
    dropped = result.dropped_columns
    if dropped:
        lines.append("Dropped columns: " + "; ".join(f"{cell(k) if md else k} ({v})" for k, v in dropped.items()) + ".")
    for note in result.log:
        lines.append(f"- {cell(note) if md else note}")
    gaps = {c["name"] for c in result.before.columns if c["missing_count"]}
    reasons = {c: why for c, why in result.decisions().get("impute", {}).items() if c in gaps}
    if reasons:  # only the columns that had gaps: the others were not changed by imputation
        lines += ["", "Imputation, per column with missing values:"]
        lines += [f"- {cell(c) if md else c}: {cell(why) if md else why}" for c, why in reasons.items()]
    after_score = result.after.gradient_risk.score if result.after else None
    lines += ["", f"Gradient risk: {result.before.gradient_risk.score} ({result.before.gradient_risk.level}) before"
              + (f", {after_score} ({result.after.gradient_risk.level}) after" if result.after else ""), ""]
    if md:
        lines += ["| mechanism | before | after |", "|---|---|---|"]
        lines += [f"| {name} | {b} | {'' if a is None else a} |" for name, b, a in _risk_rows(result)]
    else:
        lines += [f"  {name:<40} {b:>3} → {'' if a is None else a}" for name, b, a in _risk_rows(result)]
    lines += _probe_lines(result, md)
    before, after = _category_counts(result.before), _category_counts(result.after) if result.after else Counter()
    lines += ["", "Findings of severity medium or above, by category:"]
    for category in sorted(set(before) | set(after)):
        lines.append(f"{'- ' if md else '  '}{category}: {before.get(category, 0)} before, {after.get(category, 0)} after")
    if not (set(before) | set(after)):
        lines.append("  none")
    advice = _advice(result)
    if advice:
        lines += ["", "What is left:"] + [f"- {cell(a) if md else a}" for a in advice]
    return "\n".join(lines) + "\n"


def _g(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def probe_rows(before: dict[str, Any], after: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """The probe's measurements before and after the fix, one (measurement, before, after) per row."""
    after = after or {}

    def top(p: dict[str, Any]) -> str:
        if p.get("dominant_feature") is None:
            return "–"
        return f"{p['dominant_feature']} {_pct(p['dominant_feature_share'])}"

    rows = [
        ("batches with NaN/inf loss or gradient", _pct(before.get("nan_batch_share")),
         _pct(after.get("nan_batch_share")) if after else ""),
        ("loss over 50 steps", before["trajectory"], after.get("trajectory", "")),
        ("feature with most of the gradient", top(before), top(after) if after else ""),
        ("largest / smallest feature gradient", _g(before.get("grad_ratio")), _g(after.get("grad_ratio")) if after else ""),
        ("batch gradient-norm spread (max / median)", _g(before.get("grad_norm_spread")),
         _g(after.get("grad_norm_spread")) if after else ""),
        ("condition number, raw features", _g(before.get("raw_condition_number")),
         _g(after.get("raw_condition_number")) if after else ""),
    ]
    minority = minority_class(before)
    if minority is not None:
        rows_share = before["class_row_share"]
        b = (before.get("class_gradient_share") or {}).get(minority)
        a = (after.get("class_gradient_share") or {}).get(minority)
        a_rows = (after.get("class_row_share") or {}).get(minority)
        rows.append((f"minority class {minority!r}: share of gradient (of rows)",
                     f"{_pct(b)} ({_pct(rows_share[minority])})", f"{_pct(a)} ({_pct(a_rows)})" if after else ""))
    return rows


def _probe_lines(result: "FixResult", md: bool) -> list[str]:
    before = result.before.probe
    if not before:
        return []
    after = result.after.probe if result.after is not None else None
    model = "softmax" if before["task"] == "classification" else "linear"
    head = (f"Gradient probe (a naive {model} regression on the numeric columns; the scan's {before['rows_used']:,} "
            "probed rows, then the same rows fixed):")
    rows = probe_rows(before, after)
    if md:
        return ["", head, "", "| measurement | before | after |", "|---|---|---|",
                *(f"| {cell(m)} | {cell(b)} | {cell(a)} |" for m, b, a in rows)]
    width = max(len(m) for m, _, _ in rows)
    left = max(len(b) for _, b, _ in rows)
    return ["", head, *(f"  {m:<{width}}  {b:>{left}}  →  {a}" for m, b, a in rows)]


def _advice(result: "FixResult") -> list[str]:
    """Findings that remain after the fix and what to do about them (the fix leaves them by design)."""
    if result.after is None:
        return []
    remaining = {f.rule: f for f in result.after.findings if f.severity >= 2}
    out = []
    if "DA701" in remaining:
        column = remaining["DA701"].column
        leaked_before = any(f.rule == "DA701" and f.column == column for f in result.before.findings)
        if leaked_before or not result.rows.get("added_by_resampling"):
            out.append(f"`{column}` still predicts the target almost perfectly: drop it with "
                       "--drop-leaky if it will not be known at prediction time.")
        else:
            out.append(f"`{column}` separates the classes only in the resampled output: the synthetic rows of a "
                       "small class interpolate between few real ones, so they sit in a tight cluster. It did not "
                       "predict the target before the fix; judge the model on real, not resampled, rows.")
    if "DA603" in remaining and result.rows.get("added_by_resampling"):
        out.append("duplicate rows in the output come from random over-sampling (copies of minority rows), "
                   "not from the input.")
    return out
