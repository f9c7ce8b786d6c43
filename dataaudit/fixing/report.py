"""The fix report: before/after gradient risk and findings, row accounting, what was dropped and why."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..analysis.probe import batch_shares, minority_class
from ..core.numfmt import DASH, count, finite, fmt, json_safe, pct
from ..formatters import html
from ..formatters.markdown import cell
from .after import sample_note

if TYPE_CHECKING:
    from .result import FixResult

__all__ = ["FORMAT_BY_SUFFIX", "RISK_HEAD", "LEFT_HEAD", "render", "probe_rows"]

FORMAT_BY_SUFFIX = {".json": "json", ".md": "markdown", ".txt": "text", ".html": "html", ".htm": "html"}


RISK_HEAD = ("mechanism", "before", "after")
LEFT_HEAD = ("left: kept leaks", "left: not repaired")  # the after column split, when the fix kept leaks


def _risk_rows(result: "FixResult") -> list[tuple]:
    """(mechanism, before, after) per component; with kept leaks, also the after score split in two: the part
    because of the kept leaks (``--drop-leaky`` would remove it) and what the fix could not repair."""
    before = {(c.mechanism, c.source): c.score for c in result.before.gradient_risk.components}
    after = {(c.mechanism, c.source): c.score for c in result.after.gradient_risk.components} if result.after else {}
    split = result.risk_left() if result.kept_leaks else None
    if split is None:
        return [(f"{m} ({s})", score, after.get((m, s))) for (m, s), score in before.items()]
    leaks, rest = split
    left = {(c.mechanism, c.source): c.score for c in rest.components}
    return [(f"{m} ({s})", score, after.get((m, s)), leaks.score if (m, s) == (leaks.mechanism, leaks.source) else 0,
             left.get((m, s))) for (m, s), score in before.items()]


def _risk_line(result: "FixResult", md: bool) -> str:
    """The overall gradient risk before and after; with kept leaks, what is left apart from them."""
    before, after = result.before.gradient_risk, result.after.gradient_risk if result.after else None
    line = f"Gradient risk: {before.score} ({before.level}) before" + (
        f", {after.score} ({after.level}) after" if after else "")
    kept = result.kept_leaks
    if after is None or not kept:
        return line
    leaks, rest = result.risk_left()
    names = ", ".join(f"`{c}`" if md else c for c in kept[:8]) + (f" and {len(kept) - 8} more" if len(kept) > 8 else "")
    return (f"{line}: {rest.score} ({rest.level}) from what the fix could not repair, the rest because of kept leaks "
            f"({names}: spurious-signal {leaks.score}; --drop-leaky drops them)")


def _category_counts(report) -> Counter:
    return Counter(str(f.category) for f in report.findings if f.severity >= 2)


def render(result: "FixResult", fmt: str) -> str:
    if fmt == "json":
        # evidence may hold NaN/inf (as "nan"/"inf"; the probe's are already None): JSON has no such numbers
        return json.dumps(json_safe(result.to_dict()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "html":
        return _html(result)
    md = fmt == "markdown"
    rows = result.rows
    lines = ["## dataaudit fix" if md else "dataaudit fix", ""]
    unlabelled = rows.get("missing_target_dropped", 0)
    lines.append(f"Rows: {rows['in']:,} in, "
                 + (f"{unlabelled:,} with a missing target dropped, " if unlabelled else "")
                 + (f"{rows['absurd_target_dropped']:,} with an absurd target dropped, "
                    if rows.get("absurd_target_dropped") else "")
                 + f"{rows.get('duplicates_dropped', 0):,} duplicate rows dropped, "
                 f"{rows.get('added_by_resampling', 0):,} added and {rows.get('removed_by_resampling', 0):,} "
                 f"removed by resampling, {rows['out']:,} out.")
    counts = result.feature_counts()
    beside = f", beside the target `{counts['target']}`" if counts["target"] else ""
    lines.append(f"Columns: {counts['in']:,} features in, {counts['out']:,} out{beside}.")
    dropped = result.dropped_columns
    if dropped:
        lines.append("Dropped columns: " + "; ".join(f"{cell(k) if md else k} ({v})" for k, v in dropped.items()) + ".")
    for note in result.log:
        lines.append(f"- {cell(note) if md else note}")
    reasons = _impute_reasons(result)
    if reasons:
        lines += ["", "Imputation, per column with missing values:"]
        lines += [f"- {cell(c) if md else c}: {cell(why) if md else why}" for c, why in reasons.items()]
    if result.after_sample:
        lines += ["", sample_note(result.after_sample)]
    lines += ["", _risk_line(result, md), ""]
    risk = _risk_rows(result)
    split = bool(risk) and len(risk[0]) > 3
    if md:
        head = (*RISK_HEAD, *(LEFT_HEAD if split else ()))
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(str(v) if i == 0 else _score(v) for i, v in enumerate(row)) + " |" for row in risk]
    else:
        if split:
            lines.append(f"  {'':<40} {'':>3}   {'':<3}  {'left: kept leaks':>16}  not repaired")
        lines += [f"  {row[0]:<40} {row[1]:>3} → " + (f"{_score(row[2]):<3}  {_score(row[3]):>16}  {_score(row[4])}"
                                                      if split else _score(row[2])) for row in risk]
    lines += _probe_lines(result, md)
    before, after = _category_counts(result.before), _category_counts(result.after) if result.after else Counter()
    lines += ["", "Findings of severity medium or above, by category:"]
    for category in sorted(set(before) | set(after)):
        lines.append(f"{'- ' if md else '  '}{category}: {before.get(category, 0)} before, {after.get(category, 0)} after")
    if not (set(before) | set(after)):
        lines.append("  none")
    if result.after is not None:
        created = _new_rows(result)
        lines += ["", "New after the fix (not found in the input):" + ("" if created else " none")]
        lines += [f"- {cell(row) if md else row}" for row in created]
    advice = _advice(result)
    if advice:
        lines += ["", "What is left:"] + [f"- {cell(a) if md else a}" for a in advice]
    return "\n".join(lines) + "\n"


def _score(value: int | None) -> str:
    return "" if value is None else str(value)


def _new_rows(result: "FixResult") -> list[str]:
    """One line per finding the fix created: rule, severity, columns and message."""
    return [f"{f.rule} {f.check} ({f.severity}){' ' + ', '.join(f.columns) if f.columns else ''}: {f.message}"
            for f in result.new_findings]


def _impute_reasons(result: "FixResult") -> dict[str, str]:
    """How each column with missing values was imputed; only those: imputation did not change the others."""
    gaps = {c["name"] for c in result.before.columns if c["missing_count"]}
    return {c: why for c, why in result.decisions().get("impute", {}).items() if c in gaps}


def _overflow(p: dict[str, Any]) -> str:
    """'66% (from step 17)': the share of batches whose loss overflowed on finite inputs."""
    share = batch_shares(p)[1]
    step = p.get("overflow_step")
    return pct(share) + (f" (from step {count(step)})" if finite(step) else "")


def probe_rows(before: dict[str, Any], after: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """The probe's measurements before and after the fix, one (measurement, before, after) per row.

    Batches whose loss overflowed on finite inputs get a row of their own (beside those with NaN/inf
    inputs) when either side has any; otherwise one row counts every non-finite batch. Every value may
    be None or absent ('—')."""
    after = after or {}

    def top(p: dict[str, Any]) -> str:
        if p.get("dominant_feature") is None:
            return DASH
        return f"{p['dominant_feature']} {pct(p.get('dominant_feature_share'))}"

    def both(show) -> tuple[str, str]:
        return show(before), (show(after) if after else "")

    overflowed = any(finite(batch_shares(p)[1]) and batch_shares(p)[1] > 0 for p in (before, after) if p)
    if overflowed:
        batches = [("batches with NaN/inf inputs", *both(lambda p: pct(batch_shares(p)[0]))),
                   ("batches whose loss overflowed (finite inputs)", *both(_overflow))]
    else:
        batches = [("batches with NaN/inf loss or gradient", *both(lambda p: pct(p.get("nan_batch_share"))))]
    steps = before.get("steps")
    rows = [
        *batches,
        (f"loss over {count(steps) if finite(steps) else 50} steps", str(before.get("trajectory") or DASH),
         str(after.get("trajectory") or DASH) if after else ""),
        ("feature with most of the gradient", *both(top)),
        ("largest / smallest feature gradient", *both(lambda p: fmt(p.get("grad_ratio")))),
        ("batch gradient-norm spread (max / median)", *both(lambda p: fmt(p.get("grad_norm_spread")))),
        ("condition number of the probe's columns, raw", *both(lambda p: fmt(p.get("raw_condition_number")))),
        ("condition number of the probe's columns, standardised",
         *both(lambda p: fmt(p.get("condition_number")))),
    ]
    minority = minority_class(before)
    if minority is not None:
        def share(p: dict[str, Any]) -> str:
            grads, rows_share = p.get("class_gradient_share") or {}, p.get("class_row_share") or {}
            return f"{pct(grads.get(minority))} ({pct(rows_share.get(minority))})"

        rows.append((f"minority class {minority!r}: share of gradient (of rows)", *both(share)))
    return rows


def _probe_lines(result: "FixResult", md: bool) -> list[str]:
    before = result.before.probe
    if not before:
        return []
    after = result.after.probe if result.after is not None else None
    model = "softmax" if before.get("task") == "classification" else "linear"
    head = (f"Gradient probe (a naive {model} regression on the numeric columns; the scan's "
            f"{count(before.get('rows_used'))} probed rows, then the same rows fixed):")
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
    kept = result.kept_leaks
    if kept:
        names = ", ".join(f"`{c}`" for c in kept[:8]) + (f" and {len(kept) - 8} more" if len(kept) > 8 else "")
        out.append(f"Leaks kept: {names} still {'predicts' if len(kept) == 1 else 'predict'} the target almost "
                   f"perfectly or {'was' if len(kept) == 1 else 'were'} recorded after it; --drop-leaky drops every "
                   "column the scan calls a leak, if it will not be known at prediction time.")
    elif "DA701" in remaining:
        column = remaining["DA701"].column
        out.append(f"`{column}` separates the classes only in the resampled output: the synthetic rows of a "
                   "small class interpolate between few real ones, so they sit in a tight cluster. It did not "
                   "predict the target before the fix; judge the model on real, not resampled, rows.")
    if "DA603" in remaining and result.rows.get("added_by_resampling"):
        out.append("duplicate rows in the output come from random over-sampling (copies of minority rows), "
                   "not from the input.")
    return out


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    """An HTML table; every cell is escaped, numbers right-aligned."""
    cells = "".join(f"<th>{html.esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td class=\"n\">{v:,}</td>" if isinstance(v, int) else f"<td>{html.esc(v)}</td>"
                                    for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _html(result: "FixResult") -> str:
    """The fix report as a page: the scan report's parts, before beside after."""
    before, after, rows = result.before, result.after, result.rows
    risk = f"Gradient risk {before.gradient_risk.score}/100 ({before.gradient_risk.level}) before" + (
        f", {after.gradient_risk.score}/100 ({after.gradient_risk.level}) after" if after else "")
    body = [f"<h2>{html.esc(before.dataset['path'])}</h2>", f"<p><strong>{html.esc(risk)}</strong>.</p>",
            "<h3>Rows and columns</h3>",
            _table(("", "count"), [("rows in", rows["in"]),
                                   ("rows with a missing target dropped", rows.get("missing_target_dropped", 0)),
                                   *([("rows with an absurd target dropped", rows["absurd_target_dropped"])]
                                     if rows.get("absurd_target_dropped") else []),
                                   ("duplicate rows dropped", rows.get("duplicates_dropped", 0)),
                                   ("added by resampling", rows.get("added_by_resampling", 0)),
                                   ("removed by resampling", rows.get("removed_by_resampling", 0)), ("rows out", rows["out"]),
                                   ("feature columns in (the target aside)", result.feature_counts()["in"]),
                                   ("feature columns out (the target aside)", result.feature_counts()["out"]),
                                   *([("target column (in and out)", result.feature_counts()["target"])]
                                     if result.feature_counts()["target"] else [])])]
    if result.after_sample:
        body.append(f"<p>{html.esc(sample_note(result.after_sample))}</p>")
    if result.dropped_columns:
        body += ["<p>Dropped columns:</p>", _table(("column", "why"), list(result.dropped_columns.items()))]
    if result.log:
        body.append("<ul>" + "".join(f"<li>{html.esc(note)}</li>" for note in result.log) + "</ul>")
    if _impute_reasons(result):
        body += ["<p>Imputation, per column with missing values:</p>",
                 _table(("column", "how"), list(_impute_reasons(result).items()))]
    risk_rows = _risk_rows(result)
    split = bool(risk_rows) and len(risk_rows[0]) > 3
    body += ["<h3>Gradient risk</h3>", *([f"<p>{html.esc(_risk_line(result, False))}.</p>"] if split else []),
             _table((*RISK_HEAD, *(LEFT_HEAD if split else ())),
                    [tuple("" if v is None else v for v in row) for row in risk_rows])]
    if before.probe:
        body += ["<h3>Gradient probe</h3>", f"<p>A naive {'softmax' if before.probe.get('task') == 'classification' else 'linear'} "
                 f"regression on the numeric columns: the scan's {count(before.probe.get('rows_used'))} probed rows, then "
                 "the same rows fixed.</p>",
                 _table(("measurement", "before", "after"), probe_rows(before.probe, after.probe if after else None))]
    by_before, by_after = before.by_severity(), after.by_severity() if after else {}
    cat_before, cat_after = _category_counts(before), _category_counts(after) if after else Counter()
    body += ["<h3>Findings</h3>", _table(("severity", "before", "after"), [(s, n, by_after.get(s, 0))
                                                                          for s, n in by_before.items()]),
             "<p>Findings of severity medium or above, by category:</p>",
             _table(("category", "before", "after"), [(c, cat_before.get(c, 0), cat_after.get(c, 0))
                                                      for c in sorted(set(cat_before) | set(cat_after))])]
    if after is not None:
        created = result.new_findings
        body += ["<p>New after the fix (not found in the input): " + ("none" if not created else
                 f"{len(created)}") + ".</p>"]
        if created:
            body += html.findings_tables(created)
    classes = [(name, r.profile.target.classes) for name, r in (("before", before), ("after", after))
               if r is not None and r.profile is not None and r.profile.target is not None and r.profile.target.classes]
    if classes:
        body += ["<h3>Class balance</h3>", *html.class_balance(classes, before.target)]
    advice = _advice(result)
    if advice:
        body += ["<h3>What is left</h3>", "<ul>" + "".join(f"<li>{html.esc(a)}</li>" for a in advice) + "</ul>"]
    for name, report in (("before", before), ("after", after)):
        if report is not None:
            body += [f"<details><summary>Findings {name} the fix ({len(report.findings)})</summary>",
                     *html.findings_tables(report.findings), "</details>"]
    return html.page(body, title="dataaudit fix report", heading="dataaudit fix")
