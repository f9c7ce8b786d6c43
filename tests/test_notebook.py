"""The Python display and the example notebook: one-line reprs, the text report, the HTML fragments (escaped, no
script, scoped CSS), the findings and column tables, progress on one line; and docs/notebook.ipynb run in a real
Jupyter kernel (nbclient + ipykernel), whose outputs must carry the findings and no script, and whose nbconvert HTML
must render in headless Chromium (skipped as tests/test_html_browser.py is, without Chromium or Playwright)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import dataaudit
from dataaudit.analysis.report import FINDING_COLUMNS
from dataaudit.formatters import text
from dataaudit.progress import LineProgress

from .test_html_browser import _open, browser  # noqa: F401 (the browser fixture)

ROOT = Path(__file__).resolve().parent.parent
MIXED = ROOT / "sample_data" / "mixed.csv"
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
REPR = re.compile(r"^Report\((?P<name>[^:]+): (?P<n>\d+) findings(, \d+ critical)?(, \d+ high)?(, worst \w+)?; "
                  r"gradient risk \d+ \w+\)$")


@pytest.fixture(scope="module")
def report():
    return dataaudit.scan(MIXED, target="churned")


@pytest.fixture(scope="module")
def result():
    frame = pd.read_csv(MIXED).iloc[:600].rename(columns={"plan": "<b>plan</b>"})
    return dataaudit.fix(frame, target="churned")


def test_repr_is_one_short_line_and_str_the_text_report(report):
    assert REPR.match(repr(report)), repr(report)
    assert repr(report) == "Report(mixed.csv: 19 findings, 7 high; gradient risk 100 critical)"
    assert str(report) == text.render(report)
    frame_repr = repr(dataaudit.scan(pd.read_csv(MIXED)))
    assert frame_repr.startswith("Report(<pandas DataFrame>: ") and len(frame_repr) < 100


def test_the_html_of_a_report_is_a_notebook_fragment(report):
    html = report._repr_html_()
    assert "<script" not in html.lower() and "<html" not in html.lower()[:200]
    assert all(f.rule in html for f in report.findings)


def test_to_pandas_has_a_row_per_finding_and_the_evidence_flattened(report):
    findings = report.to_pandas()
    assert list(findings.columns[:9]) == list(FINDING_COLUMNS)
    assert len(findings) == len(report.findings)
    assert list(findings["rule"]) == [f.rule for f in report.findings]
    assert findings["severity"].cat.ordered and (findings.severity >= "high").sum() == 7
    assert all(c.startswith("evidence.") for c in findings.columns[9:])
    first = report.findings[0]
    assert findings.loc[0, "evidence.count"] == first.evidence["count"]
    assert findings.loc[0, "columns"] == list(first.columns)
    empty = dataaudit.scan(pd.DataFrame({"x": range(200), "y": [1.0, 2.0] * 100}), select=["DA201"])
    assert list(empty.to_pandas().columns) == list(FINDING_COLUMNS) and empty.to_pandas().empty


def test_columns_frame_is_the_profile_by_column(report):
    columns = report.columns_frame()
    assert list(columns.index) == [c["name"] for c in report.columns]
    assert {"inferred_type", "missing_count", "missing_fraction", "distinct_count", "median"} <= set(columns.columns)
    assert columns.loc["age", "missing_count"] == next(c for c in report.columns if c["name"] == "age")["missing_count"]


def test_fix_result_repr_html_and_dict(result):
    assert re.match(r"^FixResult\(<pandas DataFrame>: 600 -> [\d,]+ rows, \d+ -> \d+ features; gradient risk "
                    r"\d+ \w+ -> \d+ \w+\)$", repr(result)), repr(result)
    html = result._repr_html_()
    assert "<script" not in html.lower() and "gradient risk" in html and "rows" in html
    assert "<b>plan</b>" not in html  # every value escaped
    for rule in re.findall(r"<style>(.*?)</style>", html, re.S)[0].split("}"):
        selectors = rule.split("{")[0]
        assert not selectors.strip() or all(s.strip().startswith(".dataaudit-fix") for s in selectors.split(","))
    assert "Dropped columns" in html and "country" in html
    assert result.to_dict()["rows"]["in"] == 600 and result.recipe.target == "churned"
    assert str(result).startswith("dataaudit fix")


def test_progress_true_is_one_line_rewritten_in_place():
    stream = io.StringIO()
    dataaudit.scan(MIXED, target="churned", progress=LineProgress(stream, interval=0))
    out = stream.getvalue()
    assert out.count("\n") == 1 and out.endswith("\n") and out.count("\r") > 3
    assert "statistics" in out and "done (" in out.splitlines()[-1].split("\r")[-1]
    assert dataaudit.scan(MIXED, progress=False).findings


@pytest.fixture(scope="module")
def executed():
    """docs/notebook.ipynb run once in a kernel, for the tests of its outputs and of its HTML export."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        # the kernel imports this checkout's dataaudit, whatever the environment installed
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        start = time.perf_counter()
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook, time.perf_counter() - start


def test_the_example_notebook_runs_in_a_kernel(executed):
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in committed.cells if c.cell_type == "code"), \
        "commit the notebook without outputs"
    notebook, seconds = executed
    assert seconds < 60
    code = [c for c in notebook.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) >= 6 and not any("<script" in h.lower() for h in html)
    reports = [h for h in html if "DA101" in h]
    assert len(reports) >= 2  # the pandas and the polars scans
    assert any("dataaudit-fix" in h for h in html)

    def plain(cell_index: int) -> str:
        return "".join(o.data["text/plain"] for o in notebook.cells[cell_index].outputs if "data" in o)

    by_source = {c.source.split("\n")[-1]: i for i, c in enumerate(notebook.cells) if c.cell_type == "code"}
    short = plain(by_source["repr(report)"])
    assert short.startswith("'Report(") and "\n" not in short and len(short) < 100
    assert eval(plain(by_source["findings.columns[:9].tolist()"])) == list(FINDING_COLUMNS)
    assert plain(by_source["scored.shape"]) == "(520, 20)"


# nbconvert's lab page without the scripts it loads from CDNs (require.js, MathJax, Mermaid): opened offline, those
# would be the page's only requests and errors; the report fragments need none of them
OFFLINE = ("{%- extends 'lab/index.html.j2' -%}{%- block html_head_js -%}{%- endblock html_head_js -%}"
           "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}"
           "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}")


def test_the_notebook_as_html_renders_in_chromium(executed, browser, report, tmp_path):  # noqa: F811
    """nbconvert's HTML of the run notebook in headless Chromium: no console or page error, no request, and in the
    lab page's styles the findings tables of both scans and every plot of the report fragments are visible."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    notebook, _ = executed
    exporter = HTMLExporter(extra_loaders=[DictLoader({"offline.html.j2": OFFLINE})], template_file="offline.html.j2")
    html, _ = exporter.from_notebook_node(notebook)
    assert "<script" not in html
    page, problems = _open(browser, html, tmp_path / "notebook.html")
    try:
        fragments = page.query_selector_all(".jp-OutputArea-output .dataaudit-report")
        assert len(fragments) == 2  # the pandas and the polars scans
        width = page.viewport_size["width"]
        for fragment in fragments:
            tables = fragment.query_selector_all("details.group > table")
            assert len(tables) == 3 and all(t.is_visible() for t in tables)  # high, medium and low, all open
            # JupyterLab right-aligns table cells with a two-class selector: the report's own rules must win
            aligns = {td.evaluate("e => getComputedStyle(e).textAlign") for td in tables[0].query_selector_all("td")}
            assert aligns == {"left"}
            text = fragment.inner_text()
            assert all(f.message in text for f in report.findings)
            plots = fragment.query_selector_all("svg")
            assert len(plots) >= 9
            for plot in plots:
                box = plot.bounding_box()
                assert plot.is_visible() and box["width"] > 100 and box["height"] > 20, plot.get_attribute("aria-label")
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, plot.get_attribute("aria-label")
        assert len(fragments[0].query_selector_all(".card")) == len(report.columns)
        assert page.query_selector(".jp-OutputArea-output .dataaudit-fix").is_visible()
        assert problems == []
    finally:
        page.close()


def test_the_readme_python_lines_run(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python and notebooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert len(scope["findings"]) == len(scope["report"].findings) > 0
    assert scope["fixed"].drop(columns="churned").notna().all().all()
