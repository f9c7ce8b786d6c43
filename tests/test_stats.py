"""Column statistics are a function of a chunk plus a merge: merging chunk stats equals whole-table stats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dataaudit.core.stats import NumericStats, chunk_stats


def _table(rng, n=2000):
    x = rng.lognormal(0, 1, n)
    x[rng.random(n) < 0.05] = np.nan
    x[[7, 900]] = [np.inf, -np.inf]
    words = rng.choice(["a", "b", " c", "?", None], n)
    return pa.table({"x": x, "k": rng.integers(0, 50, n), "w": pa.array(words, type=pa.string()),
                     "y": rng.integers(0, 2, n)})


def test_merged_chunks_equal_whole_table(rng):
    table = _table(rng)
    whole = chunk_stats(table, target="y")
    merged = chunk_stats(table.slice(0, 700), target="y").merge(
        chunk_stats(table.slice(700), row_offset=700, target="y"))
    for name in table.column_names:
        a, b = whole.columns[name], merged.columns[name]
        assert (a.rows, a.nulls) == (b.rows, b.nulls)
        if a.numeric is not None:
            for attr in ("count", "nan", "posinf", "neginf", "integral"):
                assert getattr(a.numeric, attr) == getattr(b.numeric, attr)
            assert b.numeric.mean == pytest.approx(a.numeric.mean)
            assert b.numeric.variance == pytest.approx(a.numeric.variance)
            assert b.numeric.skewness == pytest.approx(a.numeric.skewness)
            assert b.numeric.kurtosis == pytest.approx(a.numeric.kurtosis)
            np.testing.assert_array_equal(a.numeric.values, b.numeric.values)
            assert a.numeric.high == b.numeric.high and a.numeric.low == b.numeric.low
        else:
            left = dict(zip(a.text.values, zip(a.text.counts, a.text.first_row)))
            right = dict(zip(b.text.values, zip(b.text.counts, b.text.first_row)))
            assert left == right
    np.testing.assert_array_equal(whole.row_missing, merged.row_missing)
    np.testing.assert_array_equal(whole.row_hash, merged.row_hash)
    np.testing.assert_array_equal(whole.target_hash, merged.target_hash)
    assert whole.column_digest == merged.column_digest


def test_numeric_moments_match_pandas(rng):
    x = rng.gamma(2.0, 3.0, 5000)
    stats = NumericStats.from_values(x, np.arange(x.size))
    series = pd.Series(x)
    assert stats.mean == pytest.approx(series.mean())
    assert stats.std == pytest.approx(series.std())
    assert stats.skewness == pytest.approx(series.skew(), rel=1e-2)
    assert stats.median == pytest.approx(series.median())
    assert stats.mad == pytest.approx((series - series.median()).abs().median())


def test_compact_keeps_quantiles_close(rng):
    x = rng.normal(0, 1, 100_000)
    stats = NumericStats.from_values(x, np.arange(x.size)).compact(10_000)
    assert not stats.exact and stats.values.size <= 10_000
    assert stats.median == pytest.approx(np.median(x), abs=0.02)
    assert stats.count_between(-3.5, 3.5) == pytest.approx(((x < -3.5) | (x > 3.5)).sum(), abs=40)


def test_row_sample_is_deterministic_and_bounded(rng):
    table = _table(rng, 5000)
    a = chunk_stats(table, sample_size=500).sample
    b = chunk_stats(table, sample_size=500).sample
    assert a.num_rows == 500
    assert a.column("__row__").equals(b.column("__row__"))
    assert a.to_pandas().equals(b.to_pandas())


def testsorted_mad_equals_numpy_for_any_centre(rng):
    from dataaudit.core.kernels import sorted_mad

    for trial in range(500):
        n = int(rng.integers(1, 40))
        v = np.sort(rng.integers(-5, 6, n).astype(float) if trial % 2 else rng.normal(size=n))
        for centre in (float(np.median(v)), float(rng.normal())):
            assert sorted_mad(v, centre) == float(np.median(np.abs(v - centre)))


def test_string_hash_in_slices_equals_the_whole(monkeypatch):
    """Hashing a long text column in small slices (bounded memory) gives the same hashes."""
    import pyarrow as pa

    import dataaudit.core.hashing as stats_module  # string_hash lives in hashing

    rng = np.random.default_rng(0)
    values = ["".join(rng.choice(list("abcé日"), size=int(rng.integers(0, 40)))) for _ in range(5000)] + ["", None]
    arr = pa.array(values, type=pa.string())
    whole = stats_module.string_hash(arr)
    monkeypatch.setattr(stats_module, "HASH_CHUNK_BYTES", 7)
    np.testing.assert_array_equal(stats_module.string_hash(arr), whole)
    np.testing.assert_array_equal(stats_module.string_hash(arr.slice(3, 900)), whole[3:903])


def _reference_string_hash(value: str) -> int:
    """string_hash's definition, one string at a time in Python integers: length·MIX + Σ (byte + 1)·P^(k+1)
    mod 2**64, then splitmix64's finaliser."""
    from dataaudit.core import hashing as stats_module  # the splitmix64 of hashing

    mask = 2**64 - 1
    raw = value.encode("utf-8")
    h = (len(raw) * int(stats_module.MIX)) & mask
    for k, byte in enumerate(raw):
        h = (h + (byte + 1) * pow(1099511628211, k + 1, 2**64)) & mask
    return int(stats_module.hash_u64(np.array([h], dtype=np.uint64))[0])


@pytest.mark.parametrize("values", [
    [f"cust_{i:016x}" for i in range(0, 3000, 7)],  # equal lengths: the matrix is a view of the bytes
    ["ÿé€", "abcdefg", "\U0010ffffabc", "\x00\x01\x02\x7f\x7f\x7f\x7f"] * 100,  # equal lengths in bytes
    [f"{i:0300d}" for i in range(300)],  # equal lengths, but too long for a pass per byte position
    [f"{x!r}" for x in np.random.default_rng(1).random(500)] + ["é€ÿ\U0010ffff", ""],  # per-byte sums
])
def test_string_hash_matches_its_definition(values):
    from dataaudit.core.hashing import string_hash

    expected = [_reference_string_hash(v) for v in values]
    assert string_hash(pa.array(values, type=pa.string())).tolist() == expected


@pytest.mark.parametrize("values", [
    ["b", "a", None, "b", "c", "a", None, "d"],
    [None, None, "x", "x"],
    [None, None],
    [f"id{i}" for i in np.random.default_rng(0).permutation(5000)],
    list(np.random.default_rng(1).choice(np.array(["u", "v", "w", None], dtype=object), 5000)),
])
def test_text_first_rows_are_each_values_first_appearance(values):
    table = pa.table({"t": pa.array(values, type=pa.string())})
    text = chunk_stats(table, row_offset=7).columns["t"].text
    expected: dict[str, int] = {}
    for row, value in enumerate(values):  # the reference, one value at a time
        if value is not None:
            expected.setdefault(value, row + 7)
    assert list(text.values) == list(expected)
    assert text.first_row.tolist() == list(expected.values())
    assert text.counts.tolist() == [values.count(v) for v in expected]
