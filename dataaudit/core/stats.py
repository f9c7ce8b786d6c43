"""Mergeable column and dataset statistics: one function of a chunk, plus ``merge``.

Everything the checks need is computed here in a single pass per chunk. Each statistic
is built by ``from_chunk`` on one pyarrow chunk and combined with ``merge``; today the
scan uses one chunk, a streaming or Dask engine can fold many. Quantile-type statistics
keep the sorted finite values; ``compact`` thins them (doubling their weight) when a
memory cap is set, which turns exact quantiles into close estimates.
"""

from __future__ import annotations

from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..progress import NO_PROGRESS, Progress
from . import sketches, textvalues
from .arrow_types import UNIT_SECONDS, ticks
from .hashing import (
    MIX,
    bottom_k,
    floats,
    hash_u64,
    repeated_values,
    row_priority,
    string_hash,
    value_hash,
)
from .kernels import extremes, sorted_mad, sorted_quantile, thin
from .parallel import pool

__all__ = ["EXTREME_K", "NumericStats", "HISTOGRAM_MAX", "NUMERIC_LOOKING", "NUMBER_PROBE", "TextNumbers",
           "TextStats", "ColumnStats", "DatasetStats", "chunk_stats"]

EXTREME_K = 5


def _kind(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "numeric"
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_temporal(t):
        return "datetime"
    return "other"


@dataclass
class NumericStats:
    """Moments, extremes and sorted finite values of a numeric column chunk."""

    count: int  # finite values
    nan: int
    posinf: int
    neginf: int
    mean: float
    m2: float  # sums of powers of deviations from the mean (Chan et al. parallel merge)
    m3: float
    m4: float
    integral: int  # finite values that are whole numbers
    values: np.ndarray  # sorted finite values (thinned when weight > 1)
    weight: int = 1
    low: list[tuple[float, int]] = field(default_factory=list)  # (value, row) of the smallest
    high: list[tuple[float, int]] = field(default_factory=list)  # (value, row) of the largest
    inf_rows: list[int] = field(default_factory=list)
    hll: np.ndarray | None = None  # HyperLogLog registers of the values (stream engine), see ``sketches``
    # (distinct values, exact counts) while a column has at most HISTOGRAM_MAX distinct values (stream
    # engine): thinning then loses nothing, as quantiles, MAD, counts and distinct values come from here
    histogram: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_values(cls, x: np.ndarray, rows: np.ndarray) -> "NumericStats":
        finite = np.isfinite(x)
        all_finite = bool(finite.all())
        v = x if all_finite else x[finite]
        n = int(v.size)
        with np.errstate(over="ignore", invalid="ignore"):  # values near 1e308: the moments overflow to inf
            mean = float(v.mean()) if n else 0.0
            d = v - mean
            d2 = d * d
            m2, m3, m4 = float(d2.sum()), float(np.dot(d2, d)), float(np.dot(d2, d2))
        frows = rows if all_finite else rows[finite]
        k = min(EXTREME_K, n)
        sorted_v = np.sort(v)
        inf_rows = rows[np.isinf(x)][:EXTREME_K]
        return cls(
            count=n,
            nan=0 if all_finite else int(np.isnan(x).sum()),
            posinf=0 if all_finite else int(np.isposinf(x).sum()),
            neginf=0 if all_finite else int(np.isneginf(x).sum()),
            mean=mean,
            m2=m2,
            m3=m3,
            m4=m4,
            integral=int((v == np.round(v)).sum()),
            values=sorted_v,
            low=extremes(v, frows, sorted_v[k - 1], k, largest=False) if k else [],
            high=extremes(v, frows, sorted_v[n - k], k, largest=True) if k else [],
            inf_rows=[int(r) for r in inf_rows],
        )

    @classmethod
    def from_counts(cls, values: np.ndarray, counts: np.ndarray, first_rows: np.ndarray,
                    max_values: int | None = None) -> "NumericStats":
        """Statistics of distinct finite ``values`` seen ``counts`` times (first at ``first_rows``), without
        expanding them to one entry per row when there are more than ``max_values`` rows: the sorted
        values are then read off the cumulative counts every ``weight``-th rank (exact extremes)."""
        n = int(counts.sum())
        if max_values is None or n <= max_values:
            return cls.from_values(np.repeat(values, counts), np.repeat(first_rows, counts))
        order = np.argsort(values, kind="stable")
        v, c, r = values[order], counts[order].astype(np.int64), first_rows[order]
        mean = float(np.dot(c, v) / n)
        d = v - mean
        with np.errstate(over="ignore", invalid="ignore"):
            d2 = d * d  # not d ** 3, d ** 4: a float power is several times slower
            m2, m3, m4 = float(np.dot(c, d2)), float(np.dot(c, d2 * d)), float(np.dot(c, d2 * d2))
        step = 1
        while n // step > max_values:
            step *= 2
        ends = np.cumsum(c)
        thinned = v[np.searchsorted(ends, np.arange(step // 2, n, step), side="right")]
        thinned[0], thinned[-1] = v[0], v[-1]
        k = min(EXTREME_K, v.size)
        return cls(count=n, nan=0, posinf=0, neginf=0, mean=mean, m2=m2, m3=m3, m4=m4,
                   integral=int(c[v == np.round(v)].sum()), values=thinned, weight=step,
                   low=[(float(x), int(row)) for x, row in zip(v[:k], r[:k])],
                   high=[(float(x), int(row)) for x, row in zip(v[::-1][:k], r[::-1][:k])],
                   histogram=(v, c) if v.size <= HISTOGRAM_MAX else None)

    def merge(self, other: "NumericStats") -> "NumericStats":
        n_a, n_b = self.count, other.count
        n = n_a + n_b
        if n == 0:
            return replace(self, nan=self.nan + other.nan, posinf=self.posinf + other.posinf,
                           neginf=self.neginf + other.neginf, inf_rows=(self.inf_rows + other.inf_rows)[:EXTREME_K])
        delta = other.mean - self.mean
        mean = self.mean + delta * n_b / n
        m2 = self.m2 + other.m2 + delta**2 * n_a * n_b / n
        m3 = (self.m3 + other.m3 + delta**3 * n_a * n_b * (n_a - n_b) / n**2
              + 3 * delta * (n_a * other.m2 - n_b * self.m2) / n)
        m4 = (self.m4 + other.m4 + delta**4 * n_a * n_b * (n_a**2 - n_a * n_b + n_b**2) / n**3
              + 6 * delta**2 * (n_a**2 * other.m2 + n_b**2 * self.m2) / n**2
              + 4 * delta * (n_a * other.m3 - n_b * self.m3) / n)
        weight = max(self.weight, other.weight)
        values = np.sort(np.concatenate([thin(self.values, weight // self.weight),
                                         thin(other.values, weight // other.weight)]), kind="mergesort")
        return NumericStats(
            count=n, nan=self.nan + other.nan, posinf=self.posinf + other.posinf,
            neginf=self.neginf + other.neginf, mean=mean, m2=m2, m3=m3, m4=m4,
            integral=self.integral + other.integral, values=values, weight=weight,
            low=sorted(self.low + other.low)[:EXTREME_K],
            high=sorted(self.high + other.high, key=lambda t: (-t[0], t[1]))[:EXTREME_K],
            inf_rows=sorted(self.inf_rows + other.inf_rows)[:EXTREME_K],
            hll=None if self.hll is None or other.hll is None else sketches.merge(self.hll, other.hll),
            histogram=_merge_histograms(self.histogram, other.histogram),
        )

    def compact(self, max_values: int) -> "NumericStats":
        """Thin the kept values to at most ``max_values`` (quantiles become estimates)."""
        step = 1
        while self.values.size // step > max_values:
            step *= 2
        return replace(self, values=thin(self.values, step), weight=self.weight * step) if step > 1 else self

    @property
    def exact(self) -> bool:
        return self.weight == 1

    @property
    def variance(self) -> float:
        return self.m2 / (self.count - 1) if self.count > 1 else 0.0

    @property
    def std(self) -> float:
        return float(np.sqrt(max(self.variance, 0.0)))

    @property
    def skewness(self) -> float:
        """Moment skewness; when the moments overflow float64 (values beyond 1e100), the largest skewness a
        sample of this size can have, with the sign of the third moment."""
        if self.count < 3 or self.m2 <= 0:
            return 0.0
        with np.errstate(all="ignore"):
            value = np.sqrt(self.count) * np.float64(self.m3) / np.float64(self.m2) ** 1.5
        if np.isfinite(value):
            return float(value)
        return float(np.copysign((self.count - 2) / np.sqrt(self.count - 1), self.m3)) if self.m3 else 0.0

    @property
    def kurtosis(self) -> float:
        """Excess kurtosis (0 for a normal distribution); its largest possible value when the moments overflow."""
        if self.count < 4 or self.m2 <= 0:
            return 0.0
        with np.errstate(all="ignore"):
            value = self.count * np.float64(self.m4) / np.float64(self.m2) ** 2 - 3.0
        return float(value) if np.isfinite(value) else float(self.count - 3)

    @property
    def _exact_histogram(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The exact histogram, when the values were thinned and one is kept."""
        return self.histogram if self.weight > 1 and self.histogram is not None else None

    def quantile(self, q: float | np.ndarray) -> float | np.ndarray:
        """Linear-interpolated quantiles read straight off the sorted values (numpy's default method)."""
        hist = self._exact_histogram
        if hist is None:
            return sorted_quantile(self.values, q)
        values, counts = hist
        ends = np.cumsum(counts)
        pos = np.asarray(q, dtype=float) * (ends[-1] - 1)
        lo = np.floor(pos)
        at = values[np.searchsorted(ends, lo, side="right")]
        above = values[np.searchsorted(ends, np.minimum(lo + 1, ends[-1] - 1), side="right")]
        out = at + (above - at) * (pos - lo)
        return out if np.ndim(q) else float(out)

    @cached_property
    def median(self) -> float:
        return float(self.quantile(0.5))

    @cached_property
    def mad(self) -> float:
        """Median absolute deviation from the median (unscaled), in O(log n) on the sorted values."""
        hist = self._exact_histogram
        if hist is None:
            return sorted_mad(self.values, self.median)
        deviation = np.abs(hist[0] - self.median)
        order = np.argsort(deviation, kind="stable")
        return float(NumericStats.from_histogram(deviation[order], hist[1][order]).quantile(0.5))

    @classmethod
    def from_histogram(cls, values: np.ndarray, counts: np.ndarray) -> "NumericStats":
        """A stand-in that answers quantile() from sorted distinct values and their counts."""
        return cls(int(counts.sum()), 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0, values[[0, -1]], weight=2,
                   histogram=(values, counts))

    def count_between(self, lo: float, hi: float) -> int:
        """Finite values outside [lo, hi], scaled by the thinning weight."""
        hist = self._exact_histogram
        if hist is not None:
            return int(hist[1][(hist[0] < lo) | (hist[0] > hi)].sum())
        v = self.values
        inside = np.searchsorted(v, hi, side="right") - np.searchsorted(v, lo, side="left")
        return int((v.size - inside) * self.weight)

    @cached_property
    def _distinct(self) -> tuple[np.ndarray, np.ndarray]:
        if self._exact_histogram is not None:
            return self._exact_histogram
        if self.values.size == 0:
            return self.values, np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, self.values[1:] != self.values[:-1]])
        counts = np.diff(np.r_[starts, self.values.size]) * self.weight
        return self.values[starts], counts

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct finite values and their counts (weighted; of the kept values when thinned)."""
        return self._distinct

    @property
    def distinct_count(self) -> int:
        """Number of distinct finite values: exact, or when thinned the HyperLogLog estimate (within the
        values kept and the finite count)."""
        seen = int(self._distinct[0].size)
        if self.exact or self.hll is None or self.histogram is not None:
            return seen
        return int(min(max(sketches.estimate(self.hll), seen), self.count))


HISTOGRAM_MAX = 4096  # distinct values up to which the stream engine keeps exact counts
NUMERIC_LOOKING = 0.45  # share of a batch's text rows that must look numeric for the stream engine to parse it
NUMBER_PROBE = 1_000  # formatted-number candidates tried before parsing a batch in full


def _merge_histograms(a: tuple[np.ndarray, np.ndarray] | None,
                      b: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact counts of both, or None once either side has none or there are too many distinct values."""
    if a is None or b is None:
        return None
    values, inverse = np.unique(np.concatenate([a[0], b[0]]), return_inverse=True)
    if values.size > HISTOGRAM_MAX:
        return None
    return values, np.bincount(inverse, weights=np.concatenate([a[1], b[1]]), minlength=values.size).astype(np.int64)


@dataclass
class TextNumbers:
    """Numbers parsed from a text column batch by batch (stream engine): a column of numbers stored as
    text keeps exact counts and well-estimated quantiles even after its distinct strings were summarised."""

    stats: NumericStats | None  # the parsed numbers (None: no batch looked numeric)
    plain: int  # rows a naive float() parses
    formatted: int  # rows that parse only after removing separators, currency, percent
    formats: dict[str, int]
    unparsed: int  # non-missing rows of batches that did not look numeric, so were not parsed

    @classmethod
    def parse(cls, values: pd.Series, counts: np.ndarray, first_row: np.ndarray, token: np.ndarray) -> "TextNumbers":
        """The numbers among one batch's distinct values; a batch whose first ``NUMBER_PROBE`` distinct
        values are mostly not numbers (weighted by rows) is counted as unparsed, which costs little."""
        probe = np.flatnonzero(~token[:NUMBER_PROBE])
        if probe.size:
            head = values.iloc[probe].reset_index(drop=True)
            number = ~np.isnan(textvalues.plain_numbers(head))
            number[~number] = ~np.isnan(textvalues.formatted_numbers(head[~number].reset_index(drop=True), False)[0])
            if counts[probe][number].sum() < NUMERIC_LOOKING * counts[probe].sum():
                return cls(None, 0, 0, {}, int(counts[~token].sum()))
        decimal_comma = textvalues.uses_decimal_comma(values[~token])
        parsed, is_plain, is_formatted, formats = textvalues.parse_numbers(values, counts, token, decimal_comma)
        ok = np.isfinite(parsed)
        stats = NumericStats.from_counts(parsed[ok], counts[ok], first_row[ok])
        stats.hll = sketches.registers(value_hash(parsed[ok]))
        distinct = stats.distinct()
        stats.histogram = distinct if distinct[0].size <= HISTOGRAM_MAX else None
        return cls(stats, int(counts[is_plain].sum()), int(counts[is_formatted].sum()), formats, 0)

    def merge(self, other: "TextNumbers") -> "TextNumbers":
        formats = dict(self.formats)
        for name, n in other.formats.items():
            formats[name] = formats.get(name, 0) + n
        stats = self.stats.merge(other.stats) if self.stats and other.stats else self.stats or other.stats
        return TextNumbers(stats, self.plain + other.plain, self.formatted + other.formatted, formats,
                           self.unparsed + other.unparsed)


@dataclass
class TextStats:
    """Distinct raw strings of a text column chunk, with counts and first row.

    The stream engine ``compact``s a column with too many distinct strings to a summary: every
    missing-like token, the most frequent values, and the values of lowest hash (a uniform sample of the
    distinct values whose counts stay exact: a value among the lowest hashes of the whole file is among
    the lowest of every batch it occurs in). ``dropped`` counts the rows of the values left out, ``hll``
    estimates the distinct count, and ``numbers`` keeps the column's numbers when they are stored as text.
    """

    values: pd.Series  # distinct strings, in first-appearance order
    counts: np.ndarray
    first_row: np.ndarray
    hashes: np.ndarray  # ``string_hash`` of each value: the row hash, merges, compaction, the analysis' sample order
    hll: np.ndarray | None = None  # HyperLogLog registers of the distinct strings (stream engine)
    dropped: int = 0  # rows whose values a compaction left out (0: every distinct value is here)
    numbers: TextNumbers | None = None  # the values parsed as numbers, batch by batch (stream engine)

    @classmethod
    def from_array(cls, arr: pa.Array, rows: np.ndarray) -> tuple["TextStats", np.ndarray]:
        """Stats plus the dictionary index of each row (-1 for null)."""
        encoded = pc.dictionary_encode(arr)
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        k = len(encoded.dictionary)
        valid = indices >= 0
        counts = np.bincount(indices[valid], minlength=k).astype(np.int64)
        # First row of each distinct value. Arrow numbers the values in order of first appearance, so a value
        # first appears where its code passes every code before it: one running maximum, no hashing.
        seen = np.maximum.accumulate(indices)
        first_pos = np.flatnonzero(indices > np.concatenate([[-1], seen[:-1]]))
        first_row = np.zeros(k, dtype=np.int64)
        if np.array_equal(indices[first_pos], np.arange(k)):
            first_row[:] = rows[first_pos]
        else:  # not numbered so (never seen): a hash-based pass
            first_pos = np.flatnonzero(valid & ~pd.Series(indices).duplicated().to_numpy())
            first_row[indices[first_pos]] = rows[first_pos]
        values = pd.Series(encoded.dictionary.to_pandas(), dtype="str") if k else pd.Series([], dtype="str")
        return cls(values, counts, np.asarray(first_row, dtype=np.int64), string_hash(encoded.dictionary.cast(pa.string()))), indices

    @property
    def summarised(self) -> bool:
        return self.dropped > 0

    def distinct_count(self) -> int:
        """Distinct strings: exact, or the HyperLogLog estimate once summarised."""
        if not self.summarised or self.hll is None:
            return len(self.values)
        return min(max(sketches.estimate(self.hll), len(self.values)), int(self.counts.sum()) + self.dropped)

    def merge(self, other: "TextStats") -> "TextStats":
        merged = self._merge_by_hash(other)
        merged.hll = other.hll if self.hll is None else self.hll if other.hll is None else \
            sketches.merge(self.hll, other.hll)
        merged.dropped = self.dropped + other.dropped
        merged.numbers = self.numbers.merge(other.numbers) if self.numbers and other.numbers \
            else self.numbers or other.numbers
        return merged

    def _merge_by_hash(self, other: "TextStats") -> "TextStats":
        """Merge on the strings' 64-bit hashes (stream engine): factorising integers is several times faster
        than factorising strings, and a collision among a few million strings has odds below 1e-6."""
        hashes = np.concatenate([self.hashes, other.hashes])
        codes, _ = pd.factorize(hashes)  # codes in order of first appearance
        k = int(codes.max()) + 1 if codes.size else 0
        counts = np.bincount(codes, weights=np.concatenate([self.counts, other.counts]), minlength=k)
        first_row = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_row, codes, np.concatenate([self.first_row, other.first_row]))
        first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())  # position of code 0, 1, ...
        order = np.argsort(first_row, kind="stable")
        values = pd.concat([self.values, other.values], ignore_index=True).iloc[first[order]].reset_index(drop=True)
        return TextStats(values, counts[order].astype(np.int64), first_row[order], hashes[first[order]])

    def compact(self, max_values: int) -> "TextStats":
        """At most about ``max_values`` distinct values (plus missing-like tokens): the most frequent half
        and the lowest-hash half; the rows of the others go to ``dropped``."""
        if len(self.values) <= max_values:
            return self
        half = max_values // 2
        keep = textvalues.missing_token_mask(self.values)
        priority = self.hashes
        keep[np.argpartition(priority, half)[:half]] = True
        # most frequent first; among equal counts the lower hash (as the text analysis picks)
        key = ((np.uint64(2**31) - np.minimum(self.counts, 2**31 - 1).astype(np.uint64)) << np.uint64(32)) \
            | (priority >> np.uint64(32))
        keep[np.argpartition(key, half)[:half]] = True
        index = np.flatnonzero(keep)
        return TextStats(self.values.iloc[index].reset_index(drop=True), self.counts[index], self.first_row[index],
                         self.hashes[index], self.hll, self.dropped + int(self.counts[~keep].sum()), self.numbers)


@dataclass
class ColumnStats:
    """Statistics of one column: its physical kind, null count and numeric or text stats."""

    name: str
    kind: str  # numeric | integer | boolean | string | datetime | other
    rows: int
    nulls: int
    numeric: NumericStats | None = None
    text: TextStats | None = None

    def merge(self, other: "ColumnStats") -> "ColumnStats":
        if self.kind != other.kind:
            raise ValueError(f"column {self.name!r} changes type between chunks ({self.kind} vs {other.kind})")
        return ColumnStats(
            self.name, self.kind, self.rows + other.rows, self.nulls + other.nulls,
            self.numeric.merge(other.numeric) if self.numeric and other.numeric else self.numeric or other.numeric,
            self.text.merge(other.text) if self.text and other.text else self.text or other.text,
        )


def _numeric_view(arr: pa.ChunkedArray | pa.Array, kind: str) -> np.ndarray:
    """Float64 values with NaN for nulls; datetimes as seconds since the epoch, times of day as seconds since
    midnight. Integers beyond 2**53 (nanosecond timestamps, 64-bit IDs) round to the nearest float."""
    if kind == "datetime":
        t = arr.type
        if pa.types.is_date(t):
            arr, t = arr.cast(pa.timestamp("s")), pa.timestamp("s")
        if pa.types.is_timestamp(t) or pa.types.is_time(t):
            return floats(ticks(arr)) / UNIT_SECONDS[t.unit]
    return floats(arr)


@dataclass
class DatasetStats:
    """Row-level statistics: per-row missing counts, row hashes, column fingerprints, a row sample."""

    rows: int
    columns: dict[str, ColumnStats]
    row_missing: np.ndarray  # missing cells per row (nulls, NaN, missing tokens)
    row_hash: np.ndarray  # hash of all columns except the target
    target_hash: np.ndarray | None  # hash of the target value (for conflicting labels)
    column_digest: dict[str, int]  # order-dependent digest of each column's values: Σ hash(value)·mix(row) mod 2⁶⁴
    sample: pa.Table  # deterministic row sample (lowest row-priority), with a "__row__" column
    sample_size: int

    def merge(self, other: "DatasetStats") -> "DatasetStats":
        sample = pa.concat_tables([self.sample, other.sample])
        return DatasetStats(
            rows=self.rows + other.rows,
            columns={k: self.columns[k].merge(other.columns[k]) for k in self.columns},
            row_missing=np.concatenate([self.row_missing, other.row_missing]),
            row_hash=np.concatenate([self.row_hash, other.row_hash]),
            target_hash=None if self.target_hash is None else np.concatenate([self.target_hash, other.target_hash]),
            column_digest={k: (self.column_digest[k] + other.column_digest[k]) % 2**64 for k in self.column_digest},
            sample=bottom_k(sample, self.sample_size),
            sample_size=self.sample_size,
        )

    @cached_property
    def repeated_rows(self) -> int:
        """Rows whose features (``row_hash``) repeat an earlier row's: one sort, shared by the profile and
        the checks (no repeated features means no duplicate rows and no conflicting labels)."""
        return repeated_values(self.row_hash)


def _column_stats(name: str, arr: pa.ChunkedArray, rows: np.ndarray,
                  sketch: bool = False) -> tuple[ColumnStats, np.ndarray, np.ndarray]:
    """(stats, per-row missing mask, per-row value hash) of one column chunk; ``sketch``: with the stream
    engine's sketches (a text column's HyperLogLog and parsed numbers)."""
    n = len(arr)
    kind = _kind(arr.type)
    nulls = int(arr.null_count)
    if kind in ("string", "other"):
        if kind == "other":  # nested or binary values: compare them by their text form
            arr = pa.array(arr.to_pandas().astype("str"), type=pa.string())
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        text, indices = TextStats.from_array(arr, rows)
        token = textvalues.missing_token_mask(text.values) if len(text.values) else np.zeros(0, bool)
        missing = (indices < 0) | np.append(token, False)[indices]
        # Hash the distinct strings once, then spread by index: fast for repeated values.
        h = np.append(text.hashes, np.uint64(0x5BD1E995)).astype(np.uint64)[indices]
        if sketch and len(text.values):
            text.hll = sketches.registers(text.hashes)
            text.numbers = TextNumbers.parse(text.values, text.counts, text.first_row, token)
        return ColumnStats(name, kind, n, nulls, text=text), missing, h
    x = _numeric_view(arr, kind)
    stats = ColumnStats(name, kind, n, nulls, numeric=NumericStats.from_values(x, rows))
    return stats, np.isnan(x), value_hash(x)


def chunk_stats(table: pa.Table, *, row_offset: int = 0, target: str | None = None,
                sample_size: int = 100_000, progress: Progress | None = None,
                sketch: bool = False, sample_below: int | None = None) -> DatasetStats:
    """All statistics of one chunk (rows ``row_offset`` … of the dataset).

    Columns are processed in a thread pool: sorting, hashing and Arrow kernels release the GIL.
    ``progress.advance()`` is called once per finished column, from this (the calling) thread.
    ``sketch``: also keep a HyperLogLog sketch of each numeric column (the stream engine thins values).
    ``sample_below``: only rows of row priority below it can enter the sample (the stream engine's running
    threshold: rows above it could never be among the dataset's ``sample_size`` lowest).
    """
    progress = NO_PROGRESS if progress is None else progress
    n = table.num_rows
    rows = np.arange(row_offset, row_offset + n, dtype=np.int64)
    columns: dict[str, ColumnStats] = {}
    row_missing = np.zeros(n, dtype=np.int32)
    row_hash = np.zeros(n, dtype=np.uint64)
    target_hash = None
    digests: dict[str, int] = {}
    row_mix = row_priority(rows)

    def column(position: int, name: str) -> tuple[ColumnStats, np.ndarray, np.ndarray, int]:
        stats, missing, h = _column_stats(name, table.column(name), rows, sketch)
        if sketch and stats.numeric is not None:
            stats.numeric.hll = sketches.registers(h[~missing])
            distinct = stats.numeric.distinct()
            stats.numeric.histogram = distinct if distinct[0].size <= HISTOGRAM_MAX else None
        with np.errstate(over="ignore"):
            digest = int((h * row_mix).sum(dtype=np.uint64))
            # Each column's share of the row hash: its value hash mixed with its position, so that
            # summing the shares (in any order, in the main thread) gives an order-aware row hash.
            share = hash_u64(h ^ (np.uint64(position + 1) * MIX))
        return stats, missing, h if name == target else share, digest

    futures = {pool().submit(column, i, name): i for i, name in enumerate(table.column_names)}
    done: dict[int, tuple[ColumnStats, int]] = {}
    # Fold each column in as it finishes, so its row-length arrays are freed at once (the sums are
    # order-free); the dicts are filled in column order below.
    for future in as_completed(futures):
        stats, missing, h, digest = future.result()
        done[futures.pop(future)] = (stats, digest)
        row_missing += missing
        if stats.name == target:
            target_hash = h
        else:
            with np.errstate(over="ignore"):
                row_hash += h
        del missing, h
        progress.advance()
    for position in range(table.num_columns):
        stats, digest = done[position]
        columns[stats.name] = stats
        digests[stats.name] = digest
    priority = row_mix  # the same hash of the row numbers orders the sample
    candidates = np.arange(n) if sample_below is None else np.flatnonzero(priority < np.uint64(sample_below))
    keep = candidates if candidates.size <= sample_size else \
        np.sort(candidates[np.argpartition(priority[candidates], sample_size)[:sample_size]])
    sample = table.take(pa.array(keep)).append_column("__row__", pa.array(rows[keep]))
    return DatasetStats(n, columns, row_missing, row_hash, target_hash, digests, sample, sample_size)
