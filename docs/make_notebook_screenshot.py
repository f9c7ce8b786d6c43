"""Remake docs/notebook.png, the README's picture of the scan report in a notebook.

Runs docs/notebook.ipynb in a kernel (nbclient, this checkout's dataaudit), exports it with nbconvert's lab HTML
template (less the scripts it loads from CDNs, as tests/test_notebook.py does), opens it in headless Chromium
(Playwright, Debian's /usr/bin/chromium) at 1200 px wide, folds the report's "Gradient risk" section as a reader
would, and keeps the scan cell from its input down to the second row of column cards: the findings tables, the
plots and four column cards.

    python docs/make_notebook_screenshot.py [out.png]

Needs the test extra (pip install -e ".[test]") and Chromium.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
OFFLINE = ("{%- extends 'lab/index.html.j2' -%}{%- block html_head_js -%}{%- endblock html_head_js -%}"
           "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}"
           "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}")
WIDTH, CARDS, MARGIN = 1200, 4, 12


def notebook_html() -> str:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    exporter = HTMLExporter(extra_loaders=[DictLoader({"offline.html.j2": OFFLINE})], template_file="offline.html.j2")
    return exporter.from_notebook_node(notebook)[0]


def main(out: Path) -> None:
    if CHROMIUM is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    html = notebook_html()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "notebook.html"
        page_file.write_text(html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(page_file.as_uri(), wait_until="load")
        cell = next(c for c in page.query_selector_all(".jp-CodeCell")
                    if c.query_selector(".dataaudit-report") and "dataaudit.scan(df" in c.inner_text())
        report = cell.query_selector(".dataaudit-report")
        report.query_selector("details.section > summary:has-text('Gradient risk')").click()
        top = cell.bounding_box()["y"] - MARGIN
        last = report.query_selector_all(".card")[CARDS - 1].bounding_box()
        bottom = last["y"] + last["height"] + MARGIN
        page.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": bottom - top})
        browser.close()
    print(f"{out}: {out.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "notebook.png")
