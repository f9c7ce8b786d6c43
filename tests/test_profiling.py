"""Type inference: each inferred type on a column built to be it, with the evidence that decided it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan
from dataaudit.analysis.pipeline import scan_frame

from .conftest import write_csv


def _types(tmp_path, frame, **kwargs):
    report = scan(write_csv(tmp_path / "t.csv", frame), **kwargs)
    return {c["name"]: c for c in report.columns}


def test_each_inferred_type(tmp_path, rng):
    n = 400
    frame = pd.DataFrame({
        "num": rng.normal(0, 1, n).round(4),
        "int": rng.integers(0, 100, n),
        "flag": rng.choice(["yes", "no"], n),
        "bool01": rng.integers(0, 2, n),
        "cat": rng.choice(["red", "green", "blue"], n),
        "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        "note": [f"free text number {i} with words" for i in rng.permutation(n)],
        "row_id": np.arange(n) + 1000,
        "uuid": [f"{rng.integers(0, 2**62):016x}" for _ in range(n)],
        "const": "x",
        "empty": [None] * n,
        "price_text": [f"${v:,.2f}" for v in rng.uniform(1000, 9000, n)],
    })
    types = {k: v["inferred_type"] for k, v in _types(tmp_path, frame).items()}
    assert types == {
        "num": "numeric", "int": "integer", "flag": "boolean", "bool01": "boolean", "cat": "categorical",
        "when": "datetime", "note": "text", "row_id": "identifier", "uuid": "identifier", "const": "constant",
        "empty": "empty", "price_text": "numeric",
    }


def test_evidence_says_why(tmp_path, rng):
    frame = pd.DataFrame({"row_id": np.arange(300), "x": rng.normal(size=300)})
    cols = _types(tmp_path, frame)
    assert "sequence" in cols["row_id"]["evidence"]["rule"]
    assert cols["x"]["evidence"]["distinct_ratio"] == 1.0


def test_missing_tokens_count_as_missing(tmp_path, rng):
    values = rng.normal(50, 5, 200).round(2).astype(str)
    values[:10] = "?"
    values[10:15] = "NA"
    cols = _types(tmp_path, pd.DataFrame({"v": values}))
    assert cols["v"]["inferred_type"] == "numeric"
    assert cols["v"]["missing_count"] == 15


@pytest.mark.parametrize("text,expected", [("1.234,50", 1234.5), ("3,5", 3.5), ("12%", 0.12), ("$1,234.50", 1234.5),
                                           ("(42)", -42.0)])
def test_formatted_numbers_are_parsed(text, expected):
    from dataaudit.core import textvalues

    decimal_comma = textvalues.uses_decimal_comma(pd.Series([text, text], dtype="str"))
    parsed, _ = textvalues.formatted_numbers(pd.Series([text], dtype="str"), decimal_comma)
    assert parsed[0] == pytest.approx(expected)


def test_integer_target_with_few_values_is_classification(tmp_path, rng):
    frame = pd.DataFrame({"x": rng.normal(size=300), "label": rng.integers(0, 3, 300)})
    report = scan(write_csv(tmp_path / "t.csv", frame), target="label")
    assert report.target == "label"
    from dataaudit.analysis.profiling import build_profile
    from dataaudit.core.stats import chunk_stats
    from dataaudit.io.read import load

    loaded = load(tmp_path / "t.csv")
    profile = build_profile(chunk_stats(loaded.table, target="label"), loaded.describe(), "label")
    assert profile.target.task == "classification"
    assert sum(profile.target.classes.values()) == 300


@pytest.mark.parametrize("values, task", [
    (np.minimum(np.random.default_rng(1).negative_binomial(1, 0.3, 600), 15), "regression"),  # arrests: a count
    (np.random.default_rng(2).binomial(20, 0.55, 600), "regression"),  # a test score out of 20
    (np.random.default_rng(3).integers(0, 10, 600), "classification"),  # ten digits 0-9: classes
    (np.minimum(np.random.default_rng(5).poisson(2.6, 600), 7), "regression"),  # children ever born 0-7: a count
    (np.random.default_rng(6).integers(0, 7, 600), "classification"),  # seven classes 0-6 of like sizes
    (np.r_[np.minimum(np.random.default_rng(7).negative_binomial(1, 0.35, 598), 12), 16, 19], "regression"),  # gaps
    (np.random.default_rng(4).choice([1, 5, 9, 14, 20, 33, 41, 56, 60, 72, 80, 99], 600), "classification"),
])
def test_a_count_target_is_regression_and_few_codes_are_classes(tmp_path, values, task):
    """Whole numbers of 11 to 20 values that are non-negative and nearly consecutive are a count or a score, and so
    are 7 to 10 from 0 whose largest value is a thin tail (children ever born 0-7), and a count whose thin tail has
    gaps (articles 0-12, then 16 and 19); twelve scattered codes stay
    labels, and so do ten digits and seven classes 0-6 of like sizes."""
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=600), "y": values})
    report = scan(write_csv(tmp_path / "t.csv", frame), target="y")
    assert report.profile.target.task == task


def test_numbers_as_text_with_many_distinct_values_count_missing_over_every_row():
    """Past MAX_DISTINCT_ANALYSED distinct values the numbers are parsed from every value, so the rows
    analysed are every row too: the share of numbers stays ≤ 1 and the missing count is the tokens."""
    rng = np.random.default_rng(3)
    n = 30_000
    text = np.array([f"{v:,.2f}" for v in np.round(rng.lognormal(6, 1, n), 2)], dtype=object)
    text[:300] = "?"
    col = scan_frame(pd.DataFrame({"amount": text})).profile.columns["amount"]
    assert col.text.sampled and col.numeric_from_text
    assert col.missing == 300
    assert col.evidence["numeric_text_share"] == 1.0


def test_numbers_of_a_small_sample_parse_as_the_lookup_does():
    """A sample much smaller than the column's distinct values is parsed directly instead of looked up in
    ``parsed``: same numbers, tokens and unparsable text missing, on plain and formatted values."""
    rng = np.random.default_rng(5)
    n = 30_000
    text = np.array([f"{v:,.2f}" if i % 3 else f"{v:.3f}" for i, v in enumerate(rng.lognormal(6, 1, n))],
                    dtype=object)
    text[:200], text[200:250] = "?", "n/a"
    text[250:260] = "twelve"
    col = scan_frame(pd.DataFrame({"amount": text})).profile.columns["amount"]
    raw = pd.Series(text, dtype="str")
    looked_up = col.text.numbers_of(raw)  # parsed has ~len(raw) entries: the index lookup
    assert len(col.text.parsed) <= 2 * len(raw)
    sample = raw.iloc[::97]  # far fewer: parsed here
    assert len(col.text.parsed) > 2 * len(sample)
    parsed_here = col.text.numbers_of(sample)
    pd.testing.assert_series_equal(parsed_here, looked_up.iloc[::97])
    assert parsed_here.isna().sum() == looked_up.iloc[::97].isna().sum() > 0
    assert parsed_here.notna().sum() > 250
