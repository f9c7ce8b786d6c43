"""How a Report and a FixResult show themselves in Python: ``str()`` and the notebook's ``_repr_html_``.

The formatters and the fix report import ``analysis.report``, so the report cannot import them; this module, above
both, registers the views in ``analysis.report.VIEWS`` when ``dataaudit`` is imported, and imports the formatters
only when a view is drawn.

In a notebook the HTML is a fragment, never a page: no script, nothing loaded from elsewhere, every CSS rule under
the fragment's own root element (so the notebook's style is left alone), the long parts in ``<details>``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .analysis.report import VIEWS

__all__ = ["FIX_ROOT", "FIX_STYLE", "report_text", "report_html", "fix_html", "fix_text"]

FIX_ROOT = "dataaudit-fix"
FIX_STYLE = (f".{FIX_ROOT}{{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;color:#1f2328;"
             f"background:#fff;padding:.5em .75em;line-height:1.4}}"
             f".{FIX_ROOT} table{{border-collapse:collapse;margin:.4em 0}}"
             f".{FIX_ROOT} th,.{FIX_ROOT} td{{border:1px solid #d0d7de;padding:.2em .6em;text-align:left;"
             f"vertical-align:top}}"
             f".{FIX_ROOT} th{{background:#f6f8fa}}.{FIX_ROOT} td.n{{text-align:right}}"
             f".{FIX_ROOT} h4{{margin:.6em 0 .2em}}.{FIX_ROOT} summary{{cursor:pointer}}")


def report_text(report: Any) -> str:
    from .formatters import text

    return text.render(report)


def report_html(report: Any) -> str:
    """``formatters.html.render_fragment``: the notebook-safe fragment the HTML page embeds."""
    from .formatters.html import render_fragment

    return render_fragment(report)


def _cell(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"<td class=\"n\">{value:,}</td>"
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f"<table><tr>{cells}</tr>" + "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                                               for row in rows) + "</table>"


def _risk(report: Any) -> str:
    return "" if report is None else f"{report.gradient_risk.score} ({report.gradient_risk.level})"


def _findings(report: Any) -> str:
    if report is None:
        return ""
    counts = report.by_severity()
    worst = [f"{counts[s]} {s}" for s in ("critical", "high") if counts.get(s)]
    return f"{len(report.findings)}" + (f" ({', '.join(worst)})" if worst else "")


def fix_html(result: Any) -> str:
    """The fix before and after, as a notebook fragment: gradient risk, findings, rows and feature columns in one
    table, then the gradient probe's measurements, the dropped columns, the leaks kept and the fix's notes."""
    from .fixing.report import probe_rows

    before, after, rows, features = result.before, result.after, result.rows, result.feature_counts()
    main = [("gradient risk", _risk(before), _risk(after)),
            ("findings", _findings(before), _findings(after)),
            ("rows", rows["in"], rows["out"]),
            ("feature columns (the target aside)", features["in"], features["out"])]
    changes = [(label, rows[key]) for key, label in (
        ("missing_target_dropped", "rows with a missing target dropped"),
        ("absurd_target_dropped", "rows with an absurd target dropped"),
        ("duplicates_dropped", "duplicate rows dropped"), ("added_by_resampling", "rows added by resampling"),
        ("removed_by_resampling", "rows removed by resampling")) if rows.get(key)]
    name = escape(before.name)
    body = [f"<h4>dataaudit fix: {name}</h4>", _table(("", "before", "after"), main)]
    if changes:
        body.append(_table(("rows", "count"), changes))
    if before.probe:
        body += ["<details><summary>Gradient probe, before and after</summary>",
                 _table(("measurement", "before", "after"), probe_rows(before.probe, after.probe if after else None)),
                 "</details>"]
    if result.dropped_columns:
        body += [f"<details><summary>Dropped columns ({len(result.dropped_columns)})</summary>",
                 _table(("column", "why"), sorted(result.dropped_columns.items())), "</details>"]
    if after is not None and result.kept_leaks:
        body.append("<p>Leaks kept (<code>drop_leaky=True</code> drops them): "
                    + ", ".join(f"<code>{escape(c)}</code>" for c in result.kept_leaks) + "</p>")
    if result.log:
        body += [f"<details><summary>Notes ({len(result.log)})</summary><ul>",
                 *(f"<li>{escape(note)}</li>" for note in result.log), "</ul></details>"]
    return f"<div class=\"{FIX_ROOT}\"><style>{FIX_STYLE}</style>\n" + "\n".join(body) + "\n</div>\n"


def fix_text(result: Any) -> str:
    from .fixing.report import render

    return render(result, "text")


VIEWS.update({"text": report_text, "html": report_html, "fix-text": fix_text, "fix-html": fix_html})
