"""Arrow's RE2 stands in for Python's ``re`` in the text checks: the same matches, code point by code point."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.core import textvalues

# every character Python's Unicode database assigns (RE2's may be a version newer: Kawi digits, Unicode 15)
EVERY_CHARACTER = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]


def _re2_matches(pattern: str, values: list[str]) -> np.ndarray:
    return np.asarray(pc.match_substring_regex(pa.array(values, type=pa.string()), pattern).to_numpy(
        zero_copy_only=False), dtype=bool)


def test_space_and_digit_classes_are_pythons():
    """RE2_SPACE is Python's \\s and RE2_DIGIT Python's \\d, on every Unicode character."""
    for ours, python in ((textvalues.RE2_SPACE, r"\s"), (textvalues.RE2_DIGIT, r"\d")):
        expected = np.array([re.fullmatch(python, ch) is not None for ch in EVERY_CHARACTER])
        got = _re2_matches(f"^{ours}$", EVERY_CHARACTER)
        differ = [hex(ord(EVERY_CHARACTER[i])) for i in np.flatnonzero(got != expected)[:5]]
        assert not differ, (python, differ)


def _decimal_comma_by_python_re(values: pd.Series) -> bool:
    """uses_decimal_comma as it was written with pandas' (Python ``re``) str.contains."""
    def count(pattern: str) -> int:
        return sum(re.search(pattern, v) is not None for v in values.dropna())

    comma = count(r"^\s*[-+]?\d+(?:\.\d{3})*,\d{1,2}\s*$|^\s*[-+]?\d+,\d{4,}\s*$")
    return comma > max(count(r"\d\.\d") - count(r"\d\.\d{3},"), 0)


def test_decimal_comma_decided_as_with_python_re():
    rng = np.random.default_rng(7)
    pieces = ["1,5", "12,50", "1.234,56", "3.5", "1.234", "12,3456", " 7,25\n", "\u00a012,5\u2009", "٣,٥",
              "١٢٣٫٤", "1.234,5", "-4,75", "+0,5", "1,2,3", "x1,5", "12,5 kg", "\u3000 9,99", "1.5\n", "", "n/a"]
    for _ in range(300):
        values = pd.Series(rng.choice(pieces, int(rng.integers(1, 12))), dtype="str")
        assert textvalues.uses_decimal_comma(values) == _decimal_comma_by_python_re(values), list(values)
    with_missing = pd.Series(["1,5", None, "2,5", None], dtype="str")
    assert textvalues.uses_decimal_comma(with_missing) is True


def test_format_masks_match_as_with_python_re():
    """Each number format is recognised as the Python-``re`` patterns it replaces recognise it."""
    python = {
        ("thousands_separator", True): r"\d\.\d{3}(?:,|$)", ("thousands_separator", False): r"\d,\d{3}",
        ("currency", False): r"[$€£¥₹₽₩]|[A-Z]{3}", ("percent", False): "%", ("decimal_comma", True): r"\d,\d",
        ("parenthesised_negative", False): r"^\s*\(.*\)\s*$",
    }
    values = pd.Series(["1,234", "1.234", "1.234,5", "1.234\n", "$12", "12 EUR", "eur 12", "12%", "3,5", "٣,٥",
                        "(3.5)", " (3.5)\u2009", "(3.5)\n", "(3\n.5)", "1\u00a0234", "١٢٣,٤٥٦", None, ""], dtype="str")
    for (name, comma), pattern in python.items():
        expected = [v is not None and not pd.isna(v) and re.search(pattern, v) is not None for v in values]
        assert textvalues._format_mask(values, name, comma).tolist() == expected, name
    assert not textvalues._format_mask(values, "decimal_comma", False).any()


def test_date_shapes_are_pythons_fullmatch_of_date_pattern():
    """``date_mask`` compiles DATE_PATTERN with re.DOTALL (a flag sends pandas straight to Python's re): the shapes
    are the pattern's own fullmatch, dots, newlines and non-ASCII digits included."""
    from dataaudit.core import datevalues

    values = ["2024-01-05", "2024.01.05", "2024x01x05", "05/03/2024", "5.3.24", "12 Mar 2024", "Mar. 3rd, 2024",
              "Tue, Mar 3, 2024", "2024-01-05 10:00:00.5 PM UTC", " 2024-01-05\n", "2024-01-05\n\n", "2024-01-05\nx",
              "٢٠٢٤-٠١-٠٥", "2024-01-05\u00a0", "1.5", "abc", "", "Mar 3 2024", "3-Mar-24", "2024-1-5T10:00Z"]
    series = pd.Series(values, dtype="str")
    shaped = np.array([re.fullmatch(datevalues.DATE_PATTERN, v) is not None for v in values])
    assert shaped.any() and not shaped.all()
    assert (series.str.fullmatch(datevalues.DATE_PATTERN, na=False).to_numpy(dtype=bool) == shaped).all()
    mask = datevalues.date_mask(series)
    assert not (mask & ~shaped).any()  # a date is shaped like one first
    assert mask[values.index("2024-01-05")] and mask[values.index("12 Mar 2024")]
    assert not mask[values.index("2024x01x05")]  # '.'s of the pattern are literal dots, DOTALL or not
