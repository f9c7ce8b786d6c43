"""The text columns of a table are analysed together (``analyse_texts``): each column's analysis must be the
one it gets alone, whatever its neighbours are (a decimal comma, a unit, dates, tokens in the next column)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from dataaudit.analysis.textanalysis import (
    MAX_DISTINCT_ANALYSED,
    analyse_text,
    analyse_texts,
)
from dataaudit.core.stats import chunk_stats


def _mixed_text(rng, n: int = 600) -> pd.DataFrame:
    def pick(values, p=None):
        return rng.choice(np.asarray(values, dtype=object), n, p=p)

    return pd.DataFrame({
        "colour": pick(["red", "green", "blue", "N/A", " red"]),
        "speed": [f"{v:.1f} km/h" for v in rng.uniform(5, 90, n)],
        "weight": pick(["5 kg", "500 g", "3 kg", "12 lb"]),
        "comma": [f"{v:.2f}".replace(".", ",") for v in rng.uniform(0, 10, n)],
        "thousands": [f"{v:,.2f}" for v in rng.uniform(1000, 90000, n)],
        "euros": [f"€{v:.0f}" if i % 3 else f"({v:.0f})" for i, v in enumerate(rng.uniform(1, 900, n))],
        "share": [f"{v:.1f}%" for v in rng.uniform(0, 100, n)],
        "day": [f"{d:02d}/{m:02d}/2021" for d, m in zip(rng.integers(1, 29, n), rng.integers(1, 13, n))],
        "iso": (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")).strftime("%Y-%m-%d"),
        "answer": pick(["yes", "no", "?", "Yes"]),
        "mojibake": pick(["cafÃ©", "café", "naïve"]),
        "plain": [str(v) for v in rng.integers(0, 50, n)],
        "mostly_numbers": [str(v) if i % 9 else "unknown" for i, v in enumerate(rng.normal(0, 1, n).round(3))],
        "blank": pick(["", "x", "y"]),
        "many": [f"{v:.6f}" for v in rng.normal(0, 1, n)],
    })


def _same(a, b) -> None:
    for name in ("analysed_rows", "sampled", "tokens", "plain", "formatted", "formats", "decimal_comma", "boolean",
                 "date", "mojibake", "whitespace", "other", "unit"):
        assert getattr(a, name) == getattr(b, name), name
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_series_equal(a.parsed, b.parsed)
    assert (a.numbers is None) == (b.numbers is None)
    if a.numbers is not None:
        pd.testing.assert_frame_equal(a.numbers, b.numbers)


def test_each_column_is_analysed_as_it_is_alone(rng):
    frame = _mixed_text(rng)
    stats = chunk_stats(pa.Table.from_pandas(frame, preserve_index=False))
    columns = list(stats.columns.values())
    together = analyse_texts(columns)
    for col, analysis in zip(columns, together):
        _same(analysis, analyse_text(col))
    by = dict(zip(frame.columns, together))
    # what each column was built to show is found, and not in its neighbours
    assert by["speed"].unit == "km/h" and by["speed"].formats == {"unit": len(frame)}
    assert by["weight"].unit is None and by["colour"].unit is None
    assert by["comma"].decimal_comma and by["comma"].formatted == len(frame)
    assert not by["thousands"].decimal_comma and "thousands_separator" in by["thousands"].formats
    assert set(by["euros"].formats) == {"currency", "parenthesised_negative"}
    assert by["share"].formats == {"percent": len(frame)}
    assert by["day"].date == len(frame) and by["iso"].date == len(frame)
    assert by["answer"].boolean > 0 and "?" in by["answer"].tokens
    assert by["colour"].whitespace > 0 and "N/A" in by["colour"].tokens
    assert by["mojibake"].mojibake > 0
    assert by["plain"].plain == len(frame) and not by["plain"].formats
    # quiet where nothing is there: a column of labels has no numbers, dates, tokens or formats
    quiet = by["colour"]
    assert quiet.plain == quiet.formatted == quiet.date == quiet.mojibake == 0 and not quiet.formats


def test_sampled_columns_and_empty_ones_beside_others(rng):
    n = MAX_DISTINCT_ANALYSED + 2_000
    frame = pd.DataFrame({
        "ids": [f"u{v:08d}" for v in rng.permutation(n)],
        "amounts": [f"{v:,.2f}" for v in rng.uniform(1000, 1e6, n)],
        "label": rng.choice(np.array(["a", "b"], dtype=object), n),
        "nothing": pd.Series([None] * n, dtype="str"),
    })
    stats = chunk_stats(pa.Table.from_pandas(frame, preserve_index=False))
    columns = [c for c in stats.columns.values() if c.text is not None]
    together = analyse_texts(columns)
    for col, analysis in zip(columns, together):
        _same(analysis, analyse_text(col))
    by = {c.name: a for c, a in zip(columns, together)}
    assert by["amounts"].sampled and by["amounts"].numbers is not None and by["amounts"].formatted == n
    assert by["ids"].sampled and by["ids"].numbers is None
    assert not by["label"].sampled and by["label"].numbers is None
