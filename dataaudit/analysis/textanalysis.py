"""What the distinct values of text columns look like (``analyse_texts``): missing tokens, numbers (plain,
formatted, with a unit), booleans, dates, mojibake, stray whitespace, each weighted by its rows.

Text columns are analysed on their distinct values (capped at ``MAX_DISTINCT_ANALYSED``, most frequent first),
so the cost does not grow with the number of rows. The columns of a table are classified together: their
distinct values are put in one Series and every mask is one Arrow/pandas call over all of them (a table of
300 text columns of a few labels each paid 300 calls' fixed cost per mask). Each value's class depends only on
the value and on its column's decimal-comma vote and unit, so the result is the same as column by column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..core import datevalues, textvalues
from ..core.stats import ColumnStats, NumericStats, TextStats

__all__ = ["MAX_DISTINCT_ANALYSED", "NUMERIC_TEXT_SHARE", "TextAnalysis", "analyse_text", "analyse_texts"]

MAX_DISTINCT_ANALYSED = 10_000
NUMERIC_TEXT_SHARE = 0.9  # share of non-missing text values that must parse for a column to be numeric text


@dataclass
class TextAnalysis:
    """Counts (weighted by rows) of what the distinct values of a text column look like."""

    analysed_rows: int  # rows whose value was classified (all rows unless sampled)
    sampled: bool
    tokens: dict[str, int]  # missing-like tokens found, raw spelling -> rows
    plain: int  # rows a naive float() parses
    formatted: int  # rows that parse only after removing separators/currency/percent
    formats: dict[str, int]
    decimal_comma: bool
    boolean: int
    date: int
    mojibake: int
    whitespace: int
    other: int  # non-missing rows that are none of numeric, boolean, date
    parsed: pd.Series  # distinct value -> parsed float (NaN if not a number)
    frame: pd.DataFrame  # the analysed distinct values with counts, first_row and flags
    # every distinct value's number (columns parsed, count, first_row), when the analysis was sampled
    # and the sample says numbers: the column's statistics must not rest on its most frequent values
    numbers: pd.DataFrame | None = None
    number_stats: NumericStats | None = None  # the same from the stream engine's parse of every batch
    unit: str | None = None  # the unit written after the numbers ('km/h' in '13.6 km/h'), if any
    #: each analysed value's length and whether it holds a space once stripped (the frame's order), for the
    #: type inference; None: computed from the frame when needed
    lengths: np.ndarray | None = None
    spaced: np.ndarray | None = None

    def numbers_of(self, raw: pd.Series) -> pd.Series:
        """Floats of raw values of the column: looked up in ``parsed``, and parsed here where the analysis
        never saw them (a summarised column of the stream engine keeps only some of its strings) or when
        ``parsed`` is much larger than ``raw`` (both give the same numbers: ``parsed`` is ``parse_numbers``'s)."""
        present = raw.notna().to_numpy()
        if len(self.parsed) > 2 * len(raw):  # parsing the sample's values is cheaper than indexing a million
            codes = np.full(len(raw), -1)
        else:
            codes = np.where(present, self.parsed.index.get_indexer(raw.astype("str")), -1)  # isin is slow on str
        out = pd.Series(np.where(codes >= 0, self.parsed.to_numpy(dtype=float)[codes], np.nan), index=raw.index)
        unseen = (codes < 0) & present
        if unseen.any():
            values = pd.Series(raw[unseen].unique(), dtype="str")
            token = textvalues.missing_token_mask(values)
            parsed, *_ = textvalues.parse_numbers(values, np.ones(len(values), np.int64), token, self.decimal_comma,
                                                  self.unit)
            out[unseen] = raw[unseen].map(pd.Series(parsed, index=pd.Index(values, dtype="str"))).astype(float)
        return out


@dataclass
class _Distinct:
    """The distinct values of one column that are analysed (a hash-ordered subset past MAX_DISTINCT_ANALYSED)."""

    text: TextStats
    raw: pd.Series  # as stored (the frame's value column)
    counts: np.ndarray
    first_row: np.ndarray
    sampled: bool


def _distinct(stats: ColumnStats) -> _Distinct:
    text = stats.text
    assert text is not None
    raw, counts, first_row = text.values, np.asarray(text.counts), np.asarray(text.first_row)
    sampled = len(raw) > MAX_DISTINCT_ANALYSED or text.summarised
    if len(raw) > MAX_DISTINCT_ANALYSED:
        # Missing-value tokens first, then the most frequent values; among equally frequent ones a hash
        # order, i.e. a random but reproducible subset (first rows would bias towards the file's start).
        token = textvalues.missing_token_mask(raw)
        priority = text.hashes >> np.uint64(32)
        rank = np.minimum(counts, 2**31 - 1).astype(np.uint64)
        key = np.where(token, np.uint64(0), ((np.uint64(2**31) - rank) << np.uint64(32)) | priority)
        chosen = np.argpartition(key, MAX_DISTINCT_ANALYSED)[:MAX_DISTINCT_ANALYSED]  # O(n), no full sort
        chosen = chosen[np.argsort(key[chosen], kind="stable")]
        raw, counts, first_row = raw.iloc[chosen], counts[chosen], first_row[chosen]
    return _Distinct(text, raw.reset_index(drop=True), counts, first_row, sampled)


def analyse_text(stats: ColumnStats) -> TextAnalysis:
    """Classify the distinct values of a text column, weighting each by its row count."""
    return analyse_texts([stats])[0]


def analyse_texts(columns: Sequence[ColumnStats],
                  map_columns: Callable[[Callable, Iterable], Iterable] = map) -> list[TextAnalysis]:
    """``analyse_text`` of every column, the masks computed over all their distinct values at once.
    ``map_columns``: runs the per-column parts (a thread pool's ``map``: a column's sampling and the parse of its
    every value, on a million distinct values, release the GIL)."""
    if not columns:
        return []
    parts = list(map_columns(_distinct, columns))
    n = len(parts)
    sizes = np.array([len(p.raw) for p in parts], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    owner = np.repeat(np.arange(n), sizes)
    values = pd.concat([p.raw.astype("str") for p in parts], ignore_index=True).astype("str") if bounds[-1] \
        else pd.Series([], dtype="str")
    counts = np.concatenate([p.counts for p in parts]).astype(np.int64) if bounds[-1] else np.zeros(0, np.int64)
    token = textvalues.missing_token_mask(values)
    decimal_comma = textvalues.decimal_comma_by(values, ~token, owner, n)
    parsed, is_plain, is_formatted, formats = textvalues.parse_numbers_by(values, counts, token, decimal_comma,
                                                                           owner, n)
    boolean = textvalues.boolean_mask(values) & ~token
    numeric_like = is_plain | is_formatted
    seg = lambda mask: textvalues.segment_sums(np.where(mask, counts, 0), bounds)  # noqa: E731
    maybe_unit = seg(numeric_like) < NUMERIC_TEXT_SHARE * seg(~token)  # '13.6 km/h': numbers with a unit
    units: list[str | None] = [None] * n
    if maybe_unit.any():
        candidates = ~token & ~numeric_like & ~boolean & maybe_unit[owner]
        for c in np.flatnonzero(textvalues.unit_columns(values, candidates, owner, n)):
            s = slice(bounds[c], bounds[c + 1])
            found = _with_unit(values.iloc[s].reset_index(drop=True), counts[s], token[s], candidates[s])
            if found is not None:
                units[c], decimal_comma[c], (parsed[s], is_plain[s], is_formatted[s], formats[c]) = found
                numeric_like[s] = is_plain[s] | is_formatted[s]
    rest = ~token & ~numeric_like & ~boolean
    date = np.zeros(len(values), dtype=bool)
    date[rest] = datevalues.date_mask(values[rest])  # Booleans like '1'/'0' stay numbers; dates like '2023' too
    masks = {"token": token, "numeric": numeric_like, "boolean": boolean, "date": date,
             "mojibake": textvalues.mojibake_mask(values), "whitespace": textvalues.whitespace_mask(values) & ~token}
    weighted = {k: seg(masks[k]) for k in ("token", "boolean", "date", "mojibake", "whitespace")}
    lengths = np.asarray(values.str.len().to_numpy())
    spaced = values.str.strip().str.contains(" ", regex=False).to_numpy(dtype=bool)
    other_rows = seg(rest & ~date)

    def finish(c: int) -> TextAnalysis:
        s = slice(bounds[c], bounds[c + 1])
        part = parts[c]
        frame = pd.DataFrame({"value": part.raw, "count": part.counts, "first_row": part.first_row,
                              **{k: m[s] for k, m in masks.items()}, "parsed": parsed[s]})
        analysis = _finish(part, frame, values.iloc[s], is_plain[s], is_formatted[s], formats[c],
                           bool(decimal_comma[c]), units[c], {k: int(w[c]) for k, w in weighted.items()},
                           int(other_rows[c]))
        analysis.lengths, analysis.spaced = lengths[s], spaced[s]
        return analysis

    return list(map_columns(finish, range(n)))


def _with_unit(values: pd.Series, counts: np.ndarray, token: np.ndarray, candidates: np.ndarray):
    """(unit, decimal comma, ``parse_numbers`` with it) of a column whose numbers are written with one unit
    ('13.6 km/h'; ``candidates``: its values that are neither tokens, numbers nor booleans), when with it they
    parse as numbers; None when they do not ('5 kg' beside '500 g': not one unit)."""
    unit = textvalues.common_unit(values, counts, candidates)
    if unit is None:
        return None
    stripped, _ = textvalues.strip_unit(values, unit)
    comma = textvalues.uses_decimal_comma(stripped[~token])
    parsed = textvalues.parse_numbers(values, counts, token, comma, unit)
    if counts[parsed[1] | parsed[2]].sum() >= NUMERIC_TEXT_SHARE * counts[~token].sum():
        return unit, comma, parsed
    return None


def _finish(part: _Distinct, frame: pd.DataFrame, values: pd.Series, is_plain: np.ndarray, is_formatted: np.ndarray,
            format_rows: dict[str, int], decimal_comma: bool, unit: str | None, weighted: dict[str, int],
            other_rows: int) -> TextAnalysis:
    """One column's analysis from its masks: the counts, and every value's number when the sample says numbers."""
    text, counts = part.text, part.counts
    token = frame["token"].to_numpy()
    tokens = {str(v): int(c) for v, c in zip(values[token], counts[token])}
    numbers = number_stats = None
    plain_rows, formatted_rows = int(counts[is_plain].sum()), int(counts[is_formatted].sum())
    present = int(counts[~token].sum())
    parsed = pd.Series(frame["parsed"].to_numpy(), index=pd.Index(values, dtype="str"))
    parsed_batches = unit is None and text.numbers is not None and text.numbers.stats is not None and not text.numbers.unparsed
    if part.sampled and present and (plain_rows + formatted_rows) / present >= NUMERIC_TEXT_SHARE / 2:
        if not text.summarised:
            numbers, plain_rows, formatted_rows, format_rows = _parse_every_value(text, decimal_comma, unit)
            parsed = pd.Series(numbers["parsed"].to_numpy(), index=pd.Index(text.values, dtype="str"))
        elif parsed_batches:
            number_stats = text.numbers.stats
            plain_rows, formatted_rows = text.numbers.plain, text.numbers.formatted
            format_rows = dict(text.numbers.formats)
    analysed_rows = int(counts.sum())
    if numbers is not None or number_stats is not None:
        # the number counts are over every row now: so are the rows analysed, and the rows of other text
        # are the rest, split as in the sample between other text and booleans or dates
        analysed_rows = int(np.asarray(text.counts).sum()) + text.dropped
        rest = max(analysed_rows - sum(tokens.values()) - plain_rows - formatted_rows, 0)
        sampled_rest = int(counts[~token & ~frame["numeric"].to_numpy()].sum())
        other_rows = round(rest * other_rows / sampled_rest) if sampled_rest else rest
    return TextAnalysis(
        analysed_rows=analysed_rows,
        sampled=part.sampled,
        tokens=dict(sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0]))),
        plain=plain_rows,
        formatted=formatted_rows,
        formats=format_rows,
        decimal_comma=decimal_comma,
        boolean=weighted["boolean"],
        date=weighted["date"],
        mojibake=weighted["mojibake"],
        whitespace=weighted["whitespace"],
        other=other_rows,
        parsed=parsed,
        frame=frame,
        numbers=numbers,
        number_stats=number_stats,
        unit=unit,
    )


def _parse_every_value(text: TextStats, decimal_comma: bool,
                       unit: str | None) -> tuple[pd.DataFrame, int, int, dict[str, int]]:
    """Numbers of all distinct values of a sampled numeric-text column (vectorised): the frame of parsed
    values with counts and first rows, the rows of plain and formatted numbers, and rows per format."""
    values = text.values.astype("str").reset_index(drop=True)
    counts = np.asarray(text.counts)
    token = textvalues.missing_token_mask(values)
    parsed, is_plain, is_formatted, formats = textvalues.parse_numbers(values, counts, token, decimal_comma, unit)
    frame = pd.DataFrame({"parsed": parsed, "count": counts, "first_row": np.asarray(text.first_row)})
    return frame, int(counts[is_plain].sum()), int(counts[is_formatted].sum()), formats
