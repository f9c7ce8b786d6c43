"""The HTML report's column overview, association view and notebook fragment: what they show, that data never
becomes markup, that the fragment's CSS stays inside it, and that a 1,000-column table gives a small page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan, scan_frame
from dataaudit.formatters import render
from dataaudit.formatters.associations import (
    correlation_ratio,
    cramers_v,
    pearson,
    reported_pairs,
)
from dataaudit.formatters.columns import MAX_CARDS, order, top_values
from dataaudit.formatters.html import ROOT, render_fragment

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EVIL_COLUMN = "<script>alert(1)</script>"
EVIL_QUOTES = "\"a\" & 'b'"
EVIL_VALUE = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def mixed():
    return scan(SAMPLE / "mixed.csv", target="churned")


def _cards(page: str) -> list[str]:
    return re.findall(r'<div class="card [a-z]+">.*?</ul></div>|<div class="card [a-z]+">(?:(?!<div class="card ).)*',
                      page[page.index('<div class="cards">'):page.index("<h3>Associations</h3>")], re.S)


def _card(page: str, name: str) -> str:
    (card,) = [c for c in _cards(page) if f'<code class="name">{name}</code>' in c]
    return card


def test_html_has_a_card_per_column_the_worst_first(mixed):
    page = render([mixed], "html")
    cards = _cards(page)
    assert len(cards) == len(mixed.columns) == 16
    names = [re.search(r'<code class="name">(.*?)</code>', c).group(1) for c in cards]
    assert names == order(mixed)
    assert names[0] == "age"  # high findings, and the largest missing share among them
    assert names[-1] == "num_support_calls"  # the one column without findings
    severities = [re.search(r'class="card ([a-z]+)"', c).group(1) for c in cards]
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0, "none": -1}
    assert [rank[s] for s in severities] == sorted((rank[s] for s in severities), reverse=True)
    age = _card(page, "age")
    assert "whole numbers stored as text" in age and "missing <b>253</b> (13%)" in age and "distinct <b>74</b>" in age
    assert "DA101" in age and "200 values (9.9%) missing" in age and "histogram of age" in age


def test_html_card_of_a_category_has_its_top_values_as_bars(mixed):
    page = render([mixed], "html")
    plan = _card(page, "plan")
    assert "top values of plan" in plan and "<title>Basic: 611 (30%)</title>" in plan
    assert "&#x27; basic&#x27;" in plan  # surrounding whitespace shown, quoted
    assert "DA403" in plan and "DA404" in plan and "histogram" not in plan
    top, more, partial = top_values(mixed.profile.columns["plan"], k=3)
    assert top == [("Basic", 611), ("Standard", 545), ("Premium", 488)] and more == 4 and not partial
    assert top_values(mixed.profile.columns["churned"]) == ([("0", 1716), ("1", 304)], 0, False)
    assert "from <b>2019-01-01</b> to <b>2023-12-05</b>" in _card(page, "signup_date")
    assert '<span class="role">target</span>' in _card(page, "churned")


def test_html_association_view_shows_the_reported_pairs_with_their_measure(mixed):
    pairs = reported_pairs(mixed)
    assert [p.columns for p in pairs] == [("cancellation_fee_charged", "churned"), ("region", "region_copy")]
    assert [f.rule for p in pairs for f in p.findings] == ["DA701", "DA604"]
    page = render([mixed], "html")
    view = page[page.index("<h3>Associations</h3>"):page.index("<h3>Column types</h3>")]
    rows = re.findall(r'<tr class="found">.*?</tr>', view)
    assert len(rows) == 2 and "<code>region</code> · <code>region_copy</code>" in rows[1] and "V = 1.00" in rows[1]
    assert "DA701 high" in rows[0] and "predicts `churned` alone" in rows[0]
    assert "associations between columns" in view and view.count('stroke="#b00" stroke-width="2"') == 2
    assert "<title>region_copy × region: V = 1.00</title>" in view


def test_association_measures():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    assert pearson(x, 2 * x + 1) == pytest.approx(1.0) and pearson(x, -x) == pytest.approx(-1.0)
    assert abs(pearson(x, rng.normal(size=500))) < 0.15 and np.isnan(pearson(x, np.ones(500)))
    a = rng.integers(0, 4, 500)
    assert cramers_v(a, (a + 1) % 4) == pytest.approx(1.0)  # a recoding
    assert cramers_v(a, rng.integers(0, 3, 500)) < 0.15 and np.isnan(cramers_v(a, np.zeros(500, np.int64)))
    assert cramers_v(np.r_[a, [-1] * 10], np.r_[a, rng.integers(0, 4, 10)]) == pytest.approx(1.0)  # -1: missing
    assert correlation_ratio(a, a * 10.0) == pytest.approx(1.0) and correlation_ratio(a, x) < 0.2
    assert correlation_ratio(a, np.where(a == 2, np.nan, x)) < 0.2  # NaN rows left out


def test_html_numeric_pairs_get_r_and_a_report_without_profile_keeps_the_pairs(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    frame = pd.DataFrame({"x": x, "x_scaled": -3 * x + rng.normal(0, 1e-3, 400), "y": rng.normal(size=400)})
    report = scan_frame(frame)
    assert [p.columns for p in reported_pairs(report)] == [("x", "x_scaled")]
    page = render([report], "html")
    assert "r = -1.00" in page
    bare = render([dataclasses.replace(report, profile=None)], "html")  # as rebuilt from JSON: no sample, no plots
    assert "<svg" not in bare and len(_cards(bare)) == 3
    assert "r = -1.00 (the check's)" in bare and "carries no row sample" in bare


def test_html_escapes_hostile_column_names_and_values_everywhere(tmp_path):
    rng = np.random.default_rng(0)
    values = [EVIL_VALUE, "a & b", "<b>x</b>"] * 100
    frame = pd.DataFrame({EVIL_COLUMN: rng.normal(size=300), EVIL_QUOTES: values, "copy " + EVIL_QUOTES: values,
                          "label": rng.integers(0, 2, 300)})
    frame.loc[:40, EVIL_COLUMN] = np.nan
    frame.loc[50:53, EVIL_COLUMN] = 1e9
    path = tmp_path / "evil.csv"
    frame.to_csv(path, index=False)
    report = scan(path, target="label")
    assert any(p.columns == (EVIL_QUOTES, "copy " + EVIL_QUOTES) for p in reported_pairs(report))
    for out in (render([report], "html"), render_fragment(report)):
        lowered = out.lower()
        assert "<script" not in lowered and "<img" not in lowered and "<b>x" not in lowered
        assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", out)  # every & from the data is escaped
        name, quoted = "&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;a&quot; &amp; &#x27;b&#x27;"
        assert f'<code class="name">{name}</code>' in out and f'<code class="name">{quoted}</code>' in out
        assert f"<code>{quoted}</code> · <code>copy {quoted}</code>" in out  # the pairs table
        assert f"<title>top values of {quoted}</title>" in out
        assert "<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;: 100 (33%)</title>" in out
        assert f"<title>copy {quoted} × {quoted}: V = 1.00</title>" in out  # the heatmap's tooltip


def _selectors(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert "@" not in css and "url(" not in css  # no @import, @media escaping the root, nothing loaded
    rules = [r for r in css.split("}") if r.strip()]
    assert all(r.count("{") == 1 for r in rules)
    return [s.strip() for r in rules for s in r.split("{")[0].split(",")]


def test_fragment_is_notebook_safe_no_script_and_every_css_rule_scoped(mixed):
    fragment = render_fragment(mixed)
    assert fragment.startswith(f'<div class="{ROOT}"><style>') and fragment.endswith("</div>\n")
    assert "<script" not in fragment.lower() and " on" not in re.sub(r">[^<]*<", "><", fragment).lower()
    assert "<!doctype" not in fragment.lower() and "<body" not in fragment and "<html" not in fragment
    assert "http" not in fragment  # self-contained: no external URL
    styles = re.findall(r"<style>(.*?)</style>", fragment, re.S)
    assert len(styles) == 1
    selectors = _selectors(styles[0])
    assert len(selectors) > 30
    bad = [s for s in selectors if not re.match(rf"\.{ROOT}(?:$|[ .:>\[])", s)]
    assert bad == []
    assert fragment.count("<details class=\"section\"") == 6 and "<details class=\"group\" open>" in fragment
    assert fragment.count("<div") == fragment.count("</div>") and fragment.count("<details") == fragment.count("</details>")


def test_the_page_embeds_the_fragment(mixed):
    page, fragment = render([mixed], "html"), render_fragment(mixed)
    body = fragment.split("</style>\n", 1)[1].removesuffix("</div>\n")
    assert body in page and f'<div class="{ROOT}"><h1>dataaudit</h1>' in page
    assert page.count("<style>") == 1 and "<script" not in page.lower()


def test_fragment_is_deterministic():
    first = render_fragment(scan(SAMPLE / "mixed.csv", target="churned"))
    second = render_fragment(scan(SAMPLE / "mixed.csv", target="churned"))
    assert first == second


def test_many_findings_fold_by_rule_and_only_the_worst_groups_start_open(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 40)), columns=[f"c{i}" for i in range(40)])
    frame.iloc[::4, :] = np.nan
    report = scan_frame(frame)
    assert sum(f.rule == "DA101" for f in report.findings) == 40
    page = render([report], "html")
    assert "35 more DA101 missing-values findings</summary>" in page
    opened = re.findall(r'<details class="group"( open)?><summary><h4 class="([a-z]+)"', page)
    assert all(bool(o) == (level in ("critical", "high")) for o, level in opened)
    assert all(f.message in page for f in report.findings)  # folded, not left out


def test_a_thousand_column_table_renders_small(tmp_path):
    """1,000 columns × 200 rows (numbers, skewed numbers, categories, gaps, near copies): the page stays under
    5 MB with at most MAX_CARDS cards and a 30-column heatmap (bench/html_wide.py measures the time)."""
    rng = np.random.default_rng(0)
    rows, data = 200, {}
    for i in range(999):
        if i % 5 == 3:
            data[f"f{i}"] = rng.choice(["red", "green", "blue", "grey"], rows)
        elif i % 5 == 4:
            data[f"f{i}"] = data[f"f{i - 4}"] * 2 + rng.normal(0, 1e-3, rows)
        else:
            x = rng.lognormal(2, 1, rows) if i % 5 == 1 else rng.normal(50, 10, rows)
            data[f"f{i}"] = np.where(rng.random(rows) < 0.1, np.nan, x) if i % 7 == 0 else x
    data["label"] = rng.integers(0, 2, rows)
    report = scan_frame(pd.DataFrame(data), target="label", select=["DA1", "DA2", "DA6", "DA701"])
    page = render([report], "html")
    assert len(page.encode()) < 5_000_000
    assert len(_cards(page)) == MAX_CARDS and f"{1000 - MAX_CARDS:,} more columns</summary>" in page
    assert page.count("<title>histogram of ") <= MAX_CARDS
    heat = re.search(r'<svg[^>]*aria-label="associations between columns".*?</svg>', page, re.S).group(0)
    assert heat.count("</text>") <= 30 + 29
    assert "more reported pairs</summary>" in page  # ~200 DA605 pairs: 30 shown, the rest folded
