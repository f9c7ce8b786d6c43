"""Classify distinct text values: missing tokens, formatted numbers, booleans, dates, mojibake.

Every function takes the *distinct* values of a column (a pandas string Series), so the
cost depends on the number of distinct values, not rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["MISSING_TOKENS", "UNKNOWN_LABELS", "unknown_label_mask", "BOOL_TRUE", "BOOL_FALSE", "normalise",
           "missing_token_mask", "LEVEL_WORDS", "LEVEL_MIN_ROWS", "level_tokens", "plain_numbers", "read_numbers",
           "formatted_numbers", "RE2_SPACE", "RE2_DIGIT", "uses_decimal_comma", "decimal_comma_vote", "boolean_mask",
           "mojibake_mask", "repair_mojibake", "whitespace_mask", "parse_numbers", "UNIT_SHARE", "common_unit",
           "strip_unit", "unit_column"]

#: Text that stands for "no value" (compared after strip + casefold); '' and whitespace too.
MISSING_TOKENS = frozenset({
    "?", "??", "???", "na", "n/a", "n.a.", "n.a", "nan", "null", "none", "nil", "-", "--", "---",
    "#n/a", "#na", "#null!", "missing", "undefined", "not available", ".", "<na>", "(null)", "(blank)",
    # survey non-response written as a category (PSID's 'NA/DF': not ascertained, don't know); never a bare 'dk'
    # (Denmark) or 'refused' (a loan decision), which are real values as often
    "na/df", "df/na", "na/dk", "dk/na", "dk/rf", "rf/dk", "dk/na/rf", "don't know", "dont know", "not ascertained",
    "no answer",
})
#: class labels that say the label is not known ('Unknown' beside 'benign' and 'malignant'): in a target they are
#: rows without a label, though as a feature's category they are a value like any other
UNKNOWN_LABELS = frozenset({"unknown", "unk", "not known", "undetermined", "indeterminate", "unclassified",
                            "unlabeled", "unlabelled", "not determined", "not stated", "unspecified", "not specified"})
BOOL_TRUE = frozenset({"yes", "y", "true", "t", "on"})
BOOL_FALSE = frozenset({"no", "n", "false", "f", "off"})

_CURRENCY = "$€£¥₹₽₩"
_FORMATTED_NUMBER = re.compile(
    r"^\s*[-+(]?\s*[" + re.escape(_CURRENCY) + r"]?\s*[-+]?"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?"          # 1,234,567.89
    r"|\d{1,3}(?:\.\d{3})+,\d+"                 # 1.234.567,89 (decimal comma)
    r"|\d+,\d+"                                  # 3,5 (decimal comma)
    r"|\d+(?:\.\d*)?|\.\d+)"                    # plain
    r"\s*(?:%|[" + re.escape(_CURRENCY) + r"]|[A-Z]{3})?\s*\)?\s*$"
)
# UTF-8 bytes decoded as cp1252/latin-1 ('Ã©', 'â€™', 'Â '), or the replacement character.
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€|\ufffd")


def normalise(values: pd.Series) -> pd.Series:
    """The spelling key: Unicode NFKC, case-folded, inner whitespace collapsed, stripped."""
    return (values.str.normalize("NFKC").str.casefold()
            .str.replace(r"\s+", " ", regex=True).str.strip())


_LONGEST_TOKEN = max(map(len, MISSING_TOKENS))
_TOKEN_FIRST = pa.array(sorted({tok[0] for tok in MISSING_TOKENS} | set(" \t\r\n\xa0")))


def missing_token_mask(values: pd.Series) -> np.ndarray:
    """Missing-like tokens and blank values.

    Only values that could be a token (short, and starting like one) are normalised and looked up,
    so a column of a million distinct numbers costs two cheap passes.
    """
    arr = pa.array(values, type=pa.string())
    first = pc.utf8_lower(pc.utf8_slice_codeunits(arr, 0, 1))
    candidate = pc.and_(pc.less_equal(pc.utf8_length(arr), _LONGEST_TOKEN + 8),
                        pc.or_(pc.is_in(first, value_set=_TOKEN_FIRST), pc.equal(pc.utf8_length(arr), 0)))
    mask = np.asarray(candidate.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool).copy()
    if mask.any():
        key = values[mask].str.strip().str.casefold()
        mask[mask] = (key.isin(MISSING_TOKENS) | (key == "")).to_numpy(dtype=bool, na_value=False)
    return mask


def unknown_label_mask(values: pd.Series) -> np.ndarray:
    """Labels in ``UNKNOWN_LABELS`` (compared after strip + casefold)."""
    return values.astype("str").str.strip().str.casefold().isin(UNKNOWN_LABELS).to_numpy(dtype=bool, na_value=False)


#: missing-value tokens that are words naming an amount: in a column of word labels (None, Some, Marked) a level
LEVEL_WORDS = frozenset({"none", "nil"})
LEVEL_MIN_ROWS = 3  # a level holds three rows or more (as a placeholder spike must), not one stray cell


def level_tokens(values: pd.Series, counts: np.ndarray, token: np.ndarray) -> np.ndarray:
    """Mask over distinct ``values`` (with their row ``counts`` and ``missing_token_mask``): the tokens that name a
    level of a column of word labels rather than a missing value: 'None' beside 'Some' and 'Marked' (no
    improvement). Such a token is a word of ``LEVEL_WORDS`` that holds ``LEVEL_MIN_ROWS`` rows or more, in a column
    whose other values are at least two distinct labels, none of them a number."""
    counts = np.asarray(counts)
    key = values.str.strip().str.casefold()
    level = token & key.isin(LEVEL_WORDS).to_numpy(dtype=bool, na_value=False) & (counts >= LEVEL_MIN_ROWS)
    if not level.any():
        return level
    others = values[~token]
    if len(others) < 2 or np.isfinite(plain_numbers(others)).any():
        return np.zeros(len(values), dtype=bool)
    return level


# What float() accepts, in ASCII and without spaces or '_' (the text itself is a finding then);
# Arrow's RE2 and its string-to-float cast do it in C++, not per value in Python.
_PLAIN_NUMBER = r"^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|(?i:inf|infinity|nan))$"


def plain_numbers(values: pd.Series, decimal_comma: bool = False) -> np.ndarray:
    """Values a naive float() would parse (NaN where it would not). With ``decimal_comma``, none that holds a
    comma: '1,234' is then a decimal number for ``formatted_numbers``, not plain text to skip."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    ok = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_NUMBER), False)
    numbers = pc.cast(pc.if_else(ok, arr, pa.scalar(None, pa.string())), pa.float64())
    plain = numbers.to_numpy(zero_copy_only=False).astype(float)  # a writable copy
    if decimal_comma:
        plain[values.str.contains(",", regex=False, na=False).to_numpy(dtype=bool)] = np.nan
    return plain


def read_numbers(values: pd.Series, decimal_comma: bool) -> np.ndarray:
    """Floats of text values ('3.5', '$1,234', '12%', '3,5' with ``decimal_comma``), inf kept, NaN where a value
    is not a number; the formatted-number clean-up runs only on what a plain parse does not read."""
    plain = plain_numbers(values, decimal_comma)
    other = np.isnan(plain)
    if other.any():
        plain[other], _ = formatted_numbers(values[other], decimal_comma)
    return plain


def formatted_numbers(values: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, dict[str, int]]:
    """Parse '$1,234.50', '12%', '(3.5)', '3,5'; return floats (NaN if not a number) and format counts.
    Arrow's string kernels (RE2) do the clean-up in C++; only the values matching the number pattern go
    through it."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    matched = np.asarray(pc.fill_null(pc.match_substring_regex(arr, _FORMATTED_NUMBER.pattern), False)
                         .to_numpy(zero_copy_only=False), dtype=bool)
    parsed = np.full(len(values), np.nan)
    formats = dict.fromkeys(("thousands_separator", "currency", "percent", "decimal_comma",
                             "parenthesised_negative"), 0)
    if not matched.any():
        return parsed, formats
    text = pc.utf8_trim_whitespace(arr.filter(pa.array(matched)))

    def flag(mask: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)

    negative = flag(pc.and_(pc.starts_with(text, "("), pc.ends_with(text, ")")))
    percent = flag(pc.match_substring(text, "%"))
    currency = flag(pc.match_substring_regex(text, "[" + re.escape(_CURRENCY) + "]|[A-Z]{3}"))
    body = pc.replace_substring_regex(text, r"[()%\s" + re.escape(_CURRENCY) + r"]|[A-Z]{3}", "")
    if decimal_comma:
        thousands = flag(pc.match_substring_regex(body, r"\.\d{3}(?:,|$)"))
        body = pc.replace_substring(pc.replace_substring(body, ".", ""), ",", ".")
        comma = flag(pc.match_substring(body, "."))
    else:
        thousands = flag(pc.match_substring(body, ","))
        body = pc.replace_substring(body, ",", "")
        comma = np.zeros(len(body), dtype=bool)
    numbers = plain_numbers(body)
    numbers = np.where(negative, -np.abs(numbers), numbers)
    parsed[matched] = np.where(percent, numbers / 100.0, numbers)
    formats = {
        "thousands_separator": int(thousands.sum()),
        "currency": int(currency.sum()),
        "percent": int(percent.sum()),
        "decimal_comma": int(comma.sum()),
        "parenthesised_negative": int(negative.sum()),
    }
    return parsed, formats


# Python's \s and \d (on text) spelled out for Arrow's RE2, whose \s and \d are ASCII only: the same
# matches without pandas falling back to Python's ``re`` value by value (it does for \s and \d).
RE2_SPACE = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]"
RE2_DIGIT = r"\p{Nd}"
_S, _D = RE2_SPACE, RE2_DIGIT
_COMMA_DECIMAL = (rf"^{_S}*[-+]?{_D}+(?:\.{_D}{{3}})*,{_D}{{1,2}}{_S}*$"  # ($ after \s*: as Python's $)
                  rf"|^{_S}*[-+]?{_D}+,{_D}{{4,}}{_S}*$")
_DOT_DECIMAL = rf"{_D}\.{_D}"
_DOT_THOUSANDS_THEN_COMMA = rf"{_D}\.{_D}{{3}},"


def uses_decimal_comma(values: pd.Series) -> bool:
    """A column 'says' decimal comma when comma-decimals outnumber dot-decimals."""
    return decimal_comma_vote(values) is True


def decimal_comma_vote(values: pd.Series) -> bool | None:
    """True when comma-decimals ('3,5') outnumber dot-decimals ('3.5') among ``values``, False when dot-decimals
    outnumber them, None when the values do not say ('1,234', '12', words)."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)

    def count(pattern: str) -> int:
        return int(pc.sum(pc.match_substring_regex(arr, pattern)).as_py() or 0)

    comma = count(_COMMA_DECIMAL)
    dot = max(count(_DOT_DECIMAL) - count(_DOT_THOUSANDS_THEN_COMMA), 0)
    return None if comma == dot else comma > dot


def boolean_mask(values: pd.Series) -> np.ndarray:
    key = values.str.strip().str.casefold()
    return key.isin(BOOL_TRUE | BOOL_FALSE).to_numpy(dtype=bool, na_value=False)


def mojibake_mask(values: pd.Series) -> np.ndarray:
    return values.str.contains(_MOJIBAKE.pattern, regex=True, na=False).to_numpy(dtype=bool)


def repair_mojibake(text: str) -> str | None:
    """The text re-decoded as UTF-8 if it was UTF-8 read as cp1252/latin-1, else None."""
    for encoding in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return None


def whitespace_mask(values: pd.Series) -> np.ndarray:
    stripped = values.str.strip()
    return ((values != stripped) & (stripped != "")).to_numpy(dtype=bool, na_value=False)


def parse_numbers(values: pd.Series, counts: np.ndarray, token: np.ndarray, decimal_comma: bool,
                  unit: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """(parsed float or NaN, plain-number mask, formatted-number mask, rows per format) of distinct text
    values; the slow formatted parse ('1,234.50') runs only on the values a plain parse rejects. With a
    ``unit`` (``common_unit``), numbers written with it count as formatted, under the format "unit"."""
    had_unit = None
    if unit:
        values, had_unit = strip_unit(values, unit)
    plain = plain_numbers(values, decimal_comma)
    is_plain = ~np.isnan(plain) & ~token
    rest = np.flatnonzero(~is_plain & ~token)
    formatted = np.full(len(values), np.nan)
    formats: dict[str, int] = {}
    if rest.size:
        formatted[rest], seen = formatted_numbers(values.iloc[rest].reset_index(drop=True), decimal_comma)
        found = np.flatnonzero(~np.isnan(formatted))
        candidates = values.iloc[found].reset_index(drop=True)
        for name in seen:
            mask = _format_mask(candidates, name, decimal_comma)
            if mask.any():
                formats[name] = int(counts[found][mask].sum())
    is_formatted = ~np.isnan(formatted)
    parsed = np.where(is_plain, plain, formatted)
    if had_unit is not None and had_unit.any():
        with_unit = had_unit & (is_plain | is_formatted)
        formats["unit"] = int(np.asarray(counts)[with_unit].sum())
        is_formatted, is_plain = is_formatted | with_unit, is_plain & ~with_unit
    return parsed, is_plain, is_formatted, formats


def _format_mask(values: pd.Series, name: str, decimal_comma: bool) -> np.ndarray:
    r"""Values written in the format ``name`` (on RE2, with Python's \s and \d; \n?$ is Python's $)."""
    if name == "decimal_comma" and not decimal_comma:
        return np.zeros(len(values), dtype=bool)
    patterns = {
        "thousands_separator": rf"{_D}\.{_D}{{3}}(?:,|\n?$)" if decimal_comma else rf"{_D},{_D}{{3}}",
        "currency": r"[$€£¥₹₽₩]|[A-Z]{3}",
        "percent": "%",
        "decimal_comma": rf"{_D},{_D}",
        "parenthesised_negative": rf"^{_S}*\(.*\){_S}*$",
    }
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    return np.asarray(pc.fill_null(pc.match_substring_regex(arr, patterns[name]), False)
                      .to_numpy(zero_copy_only=False), dtype=bool)


# A number followed by a unit ('13.6 km/h', '21 °C', '3,5 kg'): the unit starts with neither a digit nor a
# sign and holds no digit; at most 12 characters.
_NUMBER_WITH_UNIT = r"^\s*([-+]?(?:\d+(?:[.,]\d+)*|[.,]\d+))\s*([^\d\s.,+\-][^\d]{0,11}?)\s*$"
UNIT_SHARE = 0.5  # share of the non-missing rows that must carry the column's one unit


def common_unit(values: pd.Series, counts: np.ndarray, candidates: np.ndarray) -> str | None:
    """The one unit written after the numbers of a column, when the rows with it (``candidates``: the values
    that are neither missing tokens nor plain or formatted numbers) are at least ``UNIT_SHARE`` of ``counts``."""
    if not candidates.any():
        return None
    parts = values[candidates].str.extract(_NUMBER_WITH_UNIT)
    units = parts[1].str.strip()
    found = units.notna().to_numpy()
    if not found.any():
        return None
    rows = pd.Series(np.asarray(counts)[candidates][found], index=units[found].to_numpy()).groupby(level=0).sum()
    unit, unit_rows = str(rows.idxmax()), int(rows.max())
    if unit_rows < UNIT_SHARE * np.asarray(counts).sum() or unit.casefold() in MISSING_TOKENS:
        return None
    if " " in unit and unit != unit.lower():  # 'sq ft' is a unit, '12 Main St' an address
        return None
    return unit


def strip_unit(values: pd.Series, unit: str) -> tuple[pd.Series, np.ndarray]:
    """``values`` with ``unit`` removed after the number where it is written there, and which ones had it."""
    pattern = rf"^\s*([-+]?(?:\d+(?:[.,]\d+)*|[.,]\d+))\s*{re.escape(unit)}\s*$"
    number = values.str.extract(pattern)[0]
    had = number.notna().to_numpy()
    return values.mask(had, number), had


def unit_column(name: str, unit: str) -> str:
    """The name of the numeric column that fix writes for the numbers of ``name`` written with ``unit``."""
    return f"{name} [{unit}]"


# Batched forms: the distinct values of many columns in one Series, ``owner`` giving each value's column
# (0..n-1, values of a column contiguous). One Arrow/pandas call over all of them replaces one call per column:
# on a wide table the calls' fixed cost, not the values, is what a per-column pass pays for.

def segment_sums(x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Sums of ``x`` over the segments ``bounds[i]:bounds[i + 1]`` (exact for integers; empty segments 0)."""
    cs = np.concatenate([[0], np.cumsum(np.asarray(x, dtype=np.int64))])
    return cs[bounds[1:]] - cs[bounds[:-1]]


def decimal_comma_by(values: pd.Series, keep: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """``uses_decimal_comma`` of each column's ``values[keep]``, for ``n`` columns at once."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)

    def count(pattern: str) -> np.ndarray:
        hit = np.asarray(pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False),
                         dtype=bool) & keep
        return np.bincount(owner[hit], minlength=n)

    comma = count(_COMMA_DECIMAL)
    dot = np.maximum(count(_DOT_DECIMAL) - count(_DOT_THOUSANDS_THEN_COMMA), 0)
    return comma > dot


_FORMAT_NAMES = ("thousands_separator", "currency", "percent", "decimal_comma", "parenthesised_negative")


def parse_numbers_by(values: pd.Series, counts: np.ndarray, token: np.ndarray, decimal_comma: np.ndarray,
                     owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, int]]]:
    """``parse_numbers`` (without a unit) of ``n`` columns at once: ``decimal_comma`` is each column's; the masks
    are over every value, the rows per format one dict per column."""
    comma = decimal_comma[owner]
    plain = plain_numbers(values)
    if comma.any():
        plain[comma & values.str.contains(",", regex=False, na=False).to_numpy(dtype=bool)] = np.nan
    is_plain = ~np.isnan(plain) & ~token
    rest = ~is_plain & ~token
    formatted = np.full(len(values), np.nan)
    formats: list[dict[str, int]] = [{} for _ in range(n)]
    for flag in (False, True):
        chosen = np.flatnonzero(rest & (comma == flag))
        if not chosen.size:
            continue
        formatted[chosen], _ = formatted_numbers(values.iloc[chosen].reset_index(drop=True), flag)
        found = chosen[~np.isnan(formatted[chosen])]
        if not found.size:
            continue
        candidates = values.iloc[found].reset_index(drop=True)
        by_name = {}
        for name in _FORMAT_NAMES:
            mask = _format_mask(candidates, name, flag)
            if mask.any():
                by_name[name] = (np.bincount(owner[found][mask], weights=None, minlength=n),
                                 np.bincount(owner[found][mask], weights=np.asarray(counts)[found][mask], minlength=n))
        for c in np.unique(owner[found]):
            formats[c] = {name: int(round(rows[c])) for name, (hits, rows) in by_name.items() if hits[c]}
    is_formatted = ~np.isnan(formatted)
    return np.where(is_plain, plain, formatted), is_plain, is_formatted, formats


def unit_columns(values: pd.Series, candidates: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Columns (of ``n``) where ``common_unit`` may find a unit: some of their ``candidates`` are written as a
    number followed by a unit. Elsewhere it finds none."""
    out = np.zeros(n, dtype=bool)
    if candidates.any():
        units = values[candidates].str.extract(_NUMBER_WITH_UNIT)[1].str.strip()
        out[np.unique(owner[candidates][units.notna().to_numpy()])] = True
    return out
