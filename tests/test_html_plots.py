"""The HTML report's inline SVG plots: what they show, that data never becomes markup, and that they stay small."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.formatters import render
from dataaudit.formatters.columns import MAX_CARDS
from dataaudit.formatters.html import _missing_cells, _sampled_rows
from dataaudit.formatters.svg import bin_values

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EVIL_COLUMN = "<script>alert(1)</script>"
EVIL_LABEL = '"><img src=x onerror=alert(1)>'


def _html(tmp_path, frame: pd.DataFrame, target: str | None = None) -> str:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return render([scan(path, target=target)], "html")


def _figure(page: str, column: str) -> str:
    """The <figure> whose caption names ``column`` (already escaped)."""
    match = re.search(r"<figure>(?:(?!</figure>).)*?<figcaption><code>" + re.escape(column) + r"</code>.*?</figure>",
                      page, re.S)
    assert match, f"no figure for {column}"
    return match.group(0)


def test_html_histogram_draws_outlier_bounds_and_the_share_outside(tmp_path):
    rng = np.random.default_rng(0)
    income = rng.normal(50.0, 5.0, 500)
    income[:10] = rng.uniform(1e4, 1e6, 10)
    page = _html(tmp_path, pd.DataFrame({"income": income, "other": np.arange(500) % 7}))
    fig = _figure(page, "income")
    assert "<svg" in fig and "histogram of income" in fig
    assert fig.count("<title>low outlier bound") == fig.count("<title>high outlier bound") == 1
    outside = int(re.search(r"(\d+) of 500 values \([\d.]+%\) outside the outlier bounds \[", fig).group(1))
    assert 10 <= outside <= 15  # the ten planted values and a normal tail's few
    assert "<title>10 values &gt; " in fig and "beyond the plotted range" in fig  # in the right end bin


def test_html_date_column_gets_a_histogram_over_time_with_dates_at_its_ends(tmp_path):
    """A timestamp column's card plots its values over time; the axis ends and the bars' tooltips are dates, not
    seconds since 1970."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2021-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 10**7, 400)), unit="s")
    stamps = stamps.insert(0, pd.Timestamp("2021-01-01")).append(pd.DatetimeIndex([pd.Timestamp("2021-05-01")]))
    path = tmp_path / "dates.parquet"
    pd.DataFrame({"<b>when</b>": stamps, "x": rng.normal(size=len(stamps))}).to_parquet(path)
    fig = _figure(render([scan(path)], "html"), "&lt;b&gt;when&lt;/b&gt;")
    assert "<svg" in fig and "dates of &lt;b&gt;when&lt;/b&gt;" in fig and "<b>when" not in fig
    assert "402 dates from 2021-01-01 to 2021-05-01" in fig
    assert ">2021-01-01<" in fig and ">2021-05-01<" in fig  # the axis ends
    assert re.search(r"<title>\[2021-01-01, 2021-01-04\): \d+ values</title>", fig)  # 120 days in 40 bins
    assert "1609459200" not in fig  # no seconds since 1970


def test_html_missing_overview_only_when_values_are_missing(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": ["x", "?", "y"] * 100})
    assert "Missing values" not in _html(tmp_path, frame.assign(b=["x", "z", "y"] * 100))
    frame.loc[::10, "a"] = np.nan
    page = _html(tmp_path, frame)
    assert "<h4>Missing values</h4>" in page and "share of missing values per column" in page
    assert "30 (10%)" in page and "100 (33%)" in page  # 'a': 30 NaN; 'b': 100 '?' tokens
    assert "missing values over a row sample" in page and "200 rows, evenly spaced" in page


def test_html_missing_cells_count_as_the_profile_does():
    """Nulls, '?' tokens and, in numbers stored as text, values that do not parse: ColumnProfile.missing."""
    report = scan(SAMPLE / "mixed.csv", target="churned")
    sample = report.profile.sample
    for col in report.profile.columns.values():
        assert _missing_cells(col, sample[col.name]).sum() == col.missing  # mixed.csv is small: sample = every row
    rows = _sampled_rows(sample)
    assert len(rows) == 200 and rows.index.is_monotonic_increasing and rows.index[0] == 0


def test_html_class_bars_with_a_target(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "label": ["no"] * 170 + ["yes"] * 30})
    page = _html(tmp_path, frame, target="label")
    assert "<h4>Target classes</h4>" in page and "rows per class of label" in page
    assert "170 (85%)" in page and "30 (15%)" in page
    assert "Target classes" not in _html(tmp_path, frame)


def test_html_regression_target_gets_a_histogram(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "price": rng.lognormal(3, 1, 300)})
    page = _html(tmp_path, frame, target="price")
    assert "<h4>Target</h4>" in page and "histogram of price" in page


def test_html_plots_escape_column_names_and_labels(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({EVIL_COLUMN: rng.normal(size=300), "y": [EVIL_LABEL] * 250 + ["ok"] * 50})
    frame.loc[:30, EVIL_COLUMN] = np.nan
    frame.loc[40:45, EVIL_COLUMN] = 1e9
    page = _html(tmp_path, frame, target="y")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    name, label = "&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert f">{name}</text>" in page or f">{name[:20]}" in page  # SVG labels (cut to fit, escaped)
    assert f"<title>histogram of {name}</title>" in page and f"<title>{label}: 250 (83%)</title>" in page
    assert f">{label[:20]}" in page


def test_html_render_is_deterministic():
    first = render([scan(SAMPLE / "mixed.csv", target="churned")], "html")
    second = render([scan(SAMPLE / "mixed.csv", target="churned")], "html")
    assert first == second and first.count("<svg") >= 8


def test_html_wide_table_caps_the_plots(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.lognormal(size=(30, 3000)), columns=[f"c{i}" for i in range(3000)])
    frame.iloc[::7, ::2] = np.nan
    page = _html(tmp_path, frame)
    assert len(page.encode()) < 4_000_000
    assert f"The first {MAX_CARDS} columns are drawn" in page and f"{3000 - MAX_CARDS:,} more columns</summary>" in page
    assert "1,460 more columns with missing values left out" in page
    assert page.count("<title>histogram of ") == MAX_CARDS  # one per drawn card, every column here is numeric
    plots = page[page.index("<h3>Plots</h3>"):page.index("<h3>Columns</h3>")]
    assert len(plots) < 400_000


@pytest.mark.parametrize("values,integral,edges", [
    (np.arange(10.0), True, 11),  # one bin per integer
    (np.arange(5.0, 84.0), True, 41),  # two integers per bin, never one-or-two (a comb)
    (np.linspace(0, 1, 101), False, 41),
    (np.array([3.0, 3.0]), False, 2),
])
def test_bins_cover_every_value(values, integral, edges):
    bins = bin_values(values, integral=integral)
    assert len(bins.edges) == edges and bins.counts.sum() + bins.below + bins.above == values.size


def test_bins_put_what_lies_beyond_the_widened_bounds_in_the_end_bins():
    values = np.sort(np.r_[np.linspace(40, 60, 100), [1e6, 2e6], [-5e5]])
    bins = bin_values(values, weight=2, bounds=(30.0, 70.0), posinf=1)
    assert (bins.below, bins.above, bins.outside, bins.total) == (2, 5, 6, 206)
    assert (bins.low, bins.high) == (26, 74)  # the bounds widened by a tenth: values lie beyond on both sides
    assert bins.counts.sum() == 200


def test_fix_report_html_has_before_after_tables_and_class_bars(tmp_path):
    from dataaudit.api import fix
    from dataaudit.fixing.report import probe_rows
    from dataaudit.fixing.report import render as render_fix

    result = fix(SAMPLE / "imbalance.csv", target="label")
    page = render_fix(result, "html")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page and "<script" not in page
    for measurement, before, after in probe_rows(result.before.probe, result.after.probe):
        assert f"<td>{measurement}</td><td>{before}</td><td>{after}</td>".replace("'", "&#x27;") in page
    assert "<h3>Class balance</h3>" in page and "before: " in page and "after: " in page
    assert f'<td class="n">{result.rows["out"]:,}</td>' in page
    assert "Findings before the fix" in page and "Findings after the fix" in page


def test_fix_report_html_escapes_names(tmp_path):
    from dataaudit.api import fix
    from dataaudit.fixing.report import render as render_fix

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({EVIL_COLUMN: ["a"] * 60, "x": rng.normal(size=60), "y": [EVIL_LABEL] * 45 + ["b"] * 15})
    frame.to_csv(tmp_path / "t.csv", index=False)
    page = render_fix(fix(tmp_path / "t.csv", target="y"), "html")
    assert "<script" not in page.lower() and "<img" not in page.lower() and "&lt;script&gt;" in page
