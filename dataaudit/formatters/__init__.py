"""Output formats: each module has ``render(report) -> str`` and ``render_many(reports) -> str``."""

from __future__ import annotations

from pathlib import PurePath
from typing import Callable, Sequence

from ..analysis.report import Report
from . import github, html, json, junit, markdown, sarif, text

__all__ = ["github", "html", "json", "junit", "markdown", "sarif", "text", "FORMATTERS",
           "FORMAT_BY_SUFFIX", "format_for_path", "render"]

FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text.render_many,
    "json": json.render_many,
    "markdown": markdown.render_many,
    "html": html.render_many,
    "junit": junit.render_many,
    "github": github.render_many,
    "sarif": sarif.render_many,
}
FORMAT_BY_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".log": "text",
                    ".html": "html", ".htm": "html", ".xml": "junit", ".sarif": "sarif", ".sarif.json": "sarif"}


def format_for_path(path: str) -> str | None:
    """The format an output file's name asks for: its last two suffixes (``report.sarif.json``), else
    its last one (``report.json``); None when neither is known."""
    suffixes = [s.lower() for s in PurePath(path).suffixes]
    for suffix in ("".join(suffixes[-2:]), "".join(suffixes[-1:])):
        if suffix in FORMAT_BY_SUFFIX:
            return FORMAT_BY_SUFFIX[suffix]
    return None


def render(reports: Sequence[Report], fmt: str, **options: object) -> str:
    return FORMATTERS[fmt](reports, **options)
