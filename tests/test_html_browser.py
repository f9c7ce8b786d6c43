"""The HTML reports in a real headless browser (Debian's Chromium through Playwright).

String checks cannot tell whether a page renders: this opens the scan and fix reports of
sample_data/mixed.csv, fails on any console error (a Content-Security-Policy violation is one) or
page error, and checks that the findings are in the rendered text and every SVG plot has a size.
Skipped when Chromium or Playwright is missing (``.ci/run`` installs Chromium where it can).
Set ``DATAAUDIT_SCREENSHOTS=DIR`` to keep the full-page screenshots (scan.png, fix.png) in DIR.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dataaudit import scan
from dataaudit.formatters import render

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser test needs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def reports():
    from dataaudit.api import fix
    from dataaudit.fixing.report import render as render_fix

    cwd = os.getcwd()
    os.chdir(ROOT)  # the report names the path as given
    try:
        scanned = scan("sample_data/mixed.csv", target="churned")
        fixed = fix("sample_data/mixed.csv", target="churned")
    finally:
        os.chdir(cwd)
    return {"scan": (scanned, render([scanned], "html")), "fix": (fixed, render_fix(fixed, "html"))}


def _open(browser, html: str, path: Path) -> tuple[object, list[str]]:
    """Load the page from a file; return it with every console error, page error and non-file request."""
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file://") else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def _screenshot(page, tmp_path: Path, name: str) -> None:
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("DATAAUDIT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / shot.name)


def _svg_sizes(page) -> list[tuple[str, float, float]]:
    return [(s.get_attribute("aria-label"), s.bounding_box()["width"], s.bounding_box()["height"])
            for s in page.query_selector_all("svg")]


def test_scan_report_renders_in_chromium_without_errors(browser, reports, tmp_path):
    report, html = reports["scan"]
    page, problems = _open(browser, html, tmp_path / "scan.html")
    try:
        assert page.title() == "dataaudit report"
        text = page.inner_text("body")
        for f in report.findings:
            assert f.message in text, f"{f.rule} not visible"
        assert "Gradient risk 100/100 (critical)" in text and "Columns" in text and "Associations" in text
        sizes = _svg_sizes(page)
        labels = [label for label, _, _ in sizes]
        assert "rows per class of churned" in labels and "missing values over a row sample" in labels
        assert "histogram of monthly_charges" in labels and len(sizes) >= 9
        assert "top values of plan" in labels and "associations between columns" in labels
        assert all(w > 100 and h > 20 for _, w, h in sizes), sizes
        bars = page.query_selector_all("svg[aria-label='histogram of monthly_charges'] rect")
        assert len(bars) > 10 and all(b.bounding_box()["height"] > 0 for b in bars)
        _check_cards_and_associations(page, report)
        _screenshot(page, tmp_path, "scan")
        assert problems == []
    finally:
        page.close()


def _check_cards_and_associations(page, report) -> None:
    """A visible card per column, the worst first, each with its findings; the reported pairs in the table."""
    cards = page.query_selector_all(".dataaudit-report .card")
    assert len(cards) == len(report.columns)
    boxes = [c.bounding_box() for c in cards]
    assert all(b["width"] > 300 and b["height"] > 60 for b in boxes), boxes
    assert boxes[0]["y"] <= boxes[-1]["y"] and boxes[0]["x"] + boxes[0]["width"] <= 1200  # a grid inside the viewport
    first = cards[0].inner_text()
    assert first.split()[0] == "age" and "high" in first and "whole numbers stored as text" in first
    card = next(c for c in cards if c.inner_text().split()[0] == "monthly_charges")
    text = card.inner_text()
    assert "DA201" in text and "outside the outlier bounds" in text
    assert card.query_selector("svg[aria-label='histogram of monthly_charges']").bounding_box()["height"] > 100
    pairs = page.inner_text(".dataaudit-report table.pairs")
    assert "region · region_copy" in pairs and "V = 1.00" in pairs and "cancellation_fee_charged · churned" in pairs
    marked = page.query_selector_all("svg[aria-label='associations between columns'] rect[stroke]")
    assert len(marked) == 2 and all(m.bounding_box()["width"] > 5 for m in marked)


NOTEBOOK = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"
content="default-src 'none'; style-src 'unsafe-inline'"><title>notebook</title><style>body{{margin:8px}}</style></head>
<body><h1 id="outer-h1">A notebook</h1><table id="outer-table"><tr><td>cell</td></tr></table><code id="outer-code">x</code>
<div class="output">{fragment}</div><h3 id="outer-h3">after</h3></body></html>"""


def test_the_notebook_fragment_renders_and_leaves_the_page_around_it_alone(browser, reports, tmp_path):
    """The fragment in a notebook-like page: no errors, its sections shown, the page's own elements unstyled by it."""
    from dataaudit.formatters.html import render_fragment

    report, _ = reports["scan"]
    outer = ["#outer-h1", "#outer-table", "#outer-code", "#outer-h3", "body"]
    props = ["font-size", "font-family", "color", "border-collapse", "margin-top", "display", "background-color"]

    def styles(page):
        return page.evaluate("([sels, props]) => sels.map(s => { const c = getComputedStyle(document.querySelector(s));"
                             " return props.map(p => c.getPropertyValue(p)); })", [outer, props])

    bare, _ = _open(browser, NOTEBOOK.format(fragment=""), tmp_path / "bare.html")
    page, problems = _open(browser, NOTEBOOK.format(fragment=render_fragment(report)), tmp_path / "notebook.html")
    try:
        assert styles(page) == styles(bare)
        text = page.inner_text(".dataaudit-report")
        assert all(f.message in text for f in report.findings)
        assert page.query_selector_all(".dataaudit-report details.section") and "Associations" in text
        assert len(page.query_selector_all(".dataaudit-report .card")) == len(report.columns)
        assert all(w > 100 and h > 20 for _, w, h in _svg_sizes(page))
        _screenshot(page, tmp_path, "notebook")
        assert problems == []
    finally:
        page.close()
        bare.close()


def test_fix_report_renders_in_chromium_without_errors(browser, reports, tmp_path):
    from dataaudit.fixing.report import probe_rows

    result, html = reports["fix"]
    page, problems = _open(browser, html, tmp_path / "fix.html")
    try:
        assert page.title() == "dataaudit fix report"
        text = page.inner_text("body")
        for measurement, before, after in probe_rows(result.before.probe, result.after.probe):
            assert measurement in text and before in text and after in text
        assert f"{result.rows['out']:,}" in text and "What is left" in text
        sizes = _svg_sizes(page)
        assert [label for label, _, _ in sizes] == ["rows per class of churned"]
        assert all(w > 100 and h > 20 for _, w, h in sizes)
        page.click("summary:has-text('Findings before the fix')")  # the findings sit in a closed <details>
        assert all(f.message in page.inner_text("body") for f in result.before.findings)
        _screenshot(page, tmp_path, "fix")
        assert problems == []
    finally:
        page.close()


def test_a_script_in_the_page_is_blocked_and_reported(browser, reports, tmp_path):
    """The check above would catch a CSP violation: an injected inline script is refused and logged."""
    _, html = reports["scan"]
    page, problems = _open(browser, html.replace("<h1>", "<script>document.title='ran'</script><h1>", 1),
                           tmp_path / "injected.html")
    try:
        assert page.title() == "dataaudit report"
        assert any("Content Security Policy" in p for p in problems), problems
    finally:
        page.close()
