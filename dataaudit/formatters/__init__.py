"""Output formats: each module has ``render(report) -> str`` and ``render_many(reports) -> str``."""

from __future__ import annotations

from typing import Callable, Sequence

from ..report import Report
from . import github, html, json, junit, markdown, text

FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text.render_many,
    "json": json.render_many,
    "markdown": markdown.render_many,
    "html": html.render_many,
    "junit": junit.render_many,
    "github": github.render_many,
}
FORMAT_BY_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".log": "text",
                    ".html": "html", ".htm": "html", ".xml": "junit"}


def render(reports: Sequence[Report], fmt: str, **options: object) -> str:
    return FORMATTERS[fmt](reports, **options)
