"""Declared missing values: a column's missing-value codes named in the settings (``columns.<name>.missing-values``).

They are replaced by nulls right after loading (``mark_table``, on the Arrow table, shared by ``scan``
and ``fix``), exactly as if those cells had been empty in the file: DA101 counts them (and says they
were declared), and no other check (outliers, skew, scale, sentinels, duplicates) ever sees them.
``fix`` records them in the recipe's ``mark-missing`` step, whose ``mark_frame`` does the same on the
new data ``apply`` reads, without the settings file.

Matching: a declared number, or a string that reads as a plain number ('-1'), matches numerically: -1
matches -1.0 in a numeric column and '-1', ' -1 ' or '-1.0' in a text column. Any other declared string
matches text cells equal to it after stripping surrounding whitespace (case matters). Boolean and date
columns are left as they are. The work is per distinct value and vectorised, never a Python loop over rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import textvalues

__all__ = ["Counts", "values_problem", "mark_table", "mark_frame", "add_counts", "describe"]

_NUMBER_LIKE = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"

#: column -> declared label -> cells replaced
Counts = dict[str, dict[str, int]]


@dataclass(frozen=True)
class _Code:
    label: str  # as the user wrote it: how reports name it
    number: float | None  # matched numerically when set
    text: str | None  # else matched as stripped text


def values_problem(values: Any) -> str | None:
    """Why ``values`` is not a valid ``missing-values`` list, or None when it is."""
    if not isinstance(values, (list, tuple)):
        return f"must be a list of numbers or strings, not {type(values).__name__} {values!r}"
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            return f"must be a list of numbers or strings, not one holding {type(v).__name__} {v!r}"
        if isinstance(v, float) and not math.isfinite(v):
            return f"must hold finite numbers or strings, not {v!r} (NaN and ±inf are missing or DA202 already)"
    return None


def _codes(values: Iterable[Any]) -> list[_Code]:
    """The declared values as matchers, in the order given, without repeats (-1, -1.0 and '-1' are one)."""
    codes: list[_Code] = []
    seen: set[object] = set()
    for v in values:
        if isinstance(v, str):
            text = v.strip()
            parsed = textvalues.plain_numbers(pd.Series([text], dtype="str"))[0]
            number = float(parsed) if np.isfinite(parsed) else None
        else:
            text, number = None, float(v)
        key = ("n", number) if number is not None else ("t", text)
        if key in seen:
            continue
        seen.add(key)
        label = v.strip() if isinstance(v, str) else str(v)
        codes.append(_Code(label, number, None if number is not None else text))
    return codes


def _match_text(distinct: pd.Series, codes: list[_Code]) -> np.ndarray:
    """For each distinct text value, the index of the declared code it matches, or -1."""
    stripped = distinct.astype("str").str.strip()
    matched = np.full(len(stripped), -1)
    parsed = None
    if _numbers(codes):  # parse only what could be a plain number (a cheap Arrow regex first)
        could = pc.match_substring_regex(pa.array(stripped, type=pa.string()), _NUMBER_LIKE)
        could = could.fill_null(False).to_numpy(zero_copy_only=False)
        parsed = np.full(len(stripped), np.nan)
        parsed[could] = textvalues.plain_numbers(stripped[could])
    for i, code in enumerate(codes):  # a handful of declared values, each compared with every distinct value at once
        if code.number is not None:
            hit = parsed == code.number
        else:
            hit = (stripped == code.text).to_numpy(dtype=bool, na_value=False)
        matched[(matched < 0) & hit] = i
    return matched


def _match_numbers(values: np.ndarray, codes: list[_Code]) -> np.ndarray:
    """For each distinct number, the index of the declared code it equals, or -1."""
    matched = np.full(values.shape, -1)
    for i, code in enumerate(codes):
        if code.number is not None:
            matched[(matched < 0) & (values == code.number)] = i
    return matched


def _counts(codes: list[_Code], matched: np.ndarray, rows: np.ndarray) -> dict[str, int]:
    """Declared label -> rows, from the code index and the row count of each distinct value."""
    hit = matched >= 0
    totals = np.bincount(matched[hit], weights=rows[hit].astype(float), minlength=len(codes))
    return {codes[i].label: int(n) for i, n in enumerate(totals) if n > 0}


def _numbers(codes: list[_Code]) -> list[float]:
    return [c.number for c in codes if c.number is not None]


def _as_text(values: pa.Array) -> pd.Series:
    return values.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)


def mark_table(table: pa.Table, declared: Mapping[str, Iterable[Any]]) -> tuple[pa.Table, Counts]:
    """``table`` with the declared values of each column replaced by nulls, and how many were replaced.

    Columns named in ``declared`` but absent from the table are skipped: one settings file serves many files.
    """
    counts: Counts = {}
    for name, values in declared.items():
        codes = _codes(values)
        if name not in table.column_names or not codes:
            continue
        index = table.column_names.index(name)
        column = table.column(index)
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            as_float = pc.cast(column, pa.float64(), safe=False)  # -1 matches -1.0; huge ints may round
            mask = pc.is_in(as_float, value_set=pa.array(_numbers(codes), type=pa.float64()))
            found = pc.value_counts(pc.filter(as_float, mask))
            matched = _match_numbers(found.field("values").to_numpy(zero_copy_only=False), codes)
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            found = pc.value_counts(column.drop_null())  # text is matched on its distinct values
            matched = _match_text(_as_text(found.field("values")), codes)
            mask = pc.is_in(column, value_set=found.field("values").filter(pa.array(matched >= 0)))
        else:  # booleans, dates, nested types: nothing a declared number or string could equal
            continue
        replaced = _counts(codes, matched, found.field("counts").to_numpy(zero_copy_only=False))
        if replaced:
            table = table.set_column(index, name, pc.if_else(mask, pa.scalar(None, type=kind), column))
            counts[name] = replaced
    return table, counts


def mark_frame(frame: pd.DataFrame, declared: Mapping[str, Iterable[Any]]) -> tuple[pd.DataFrame, Counts]:
    """The same replacement on a pandas frame (as ``io.read.to_frame`` makes it): what ``apply`` runs on new data."""
    counts: Counts = {}
    out = frame
    for name, values in declared.items():
        codes = _codes(values)
        if name not in frame.columns or not codes:
            continue
        series = frame[name]
        kind = _frame_kind(series)
        if kind is None:
            continue
        if kind == "number":
            numbers = series.to_numpy(dtype=float, na_value=np.nan)
            mask = np.isin(numbers, _numbers(codes))
            found = pd.Series(numbers[mask]).value_counts()
            matched = _match_numbers(found.index.to_numpy(dtype=float), codes)
        else:
            found = series.value_counts(dropna=True)  # text is matched on its distinct values
            matched = _match_text(pd.Series(found.index.astype(str), dtype="str"), codes)
            mask = series.isin(found.index[matched >= 0]).to_numpy(dtype=bool)
        replaced = _counts(codes, matched, found.to_numpy())
        if replaced:
            if out is frame:
                out = frame.copy()
            out[name] = series.mask(mask)
            counts[name] = replaced
    return out, counts


def _frame_kind(series: pd.Series) -> str | None:
    """'number', 'text', or None for what a declared value never matches (booleans, dates, other objects).

    As in ``mark_table``: an Arrow boolean column with nulls arrives here as objects, and must stay untouched.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return None
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return "text"
    return None


def add_counts(total: Counts, counts: Counts) -> None:
    """Add one chunk's ``counts`` (column -> value -> cells marked) into ``total``, in place: the stream and
    Dask engines mark each batch or partition on its own."""
    for column, by_value in counts.items():
        into = total.setdefault(column, {})
        for value, n in by_value.items():
            into[value] = into.get(value, 0) + n


def describe(counts: Counts, limit: int = 5) -> str:
    """'`income` 20 (-1 ×12, unknown ×8)' for the columns in ``counts``."""
    parts = []
    for name, by_label in list(counts.items())[:limit]:
        detail = ", ".join(f"{label} ×{n:,}" for label, n in by_label.items())
        parts.append(f"`{name}` {sum(by_label.values()):,} ({detail})")
    more = f" and {len(counts) - limit} more column(s)" if len(counts) > limit else ""
    return "; ".join(parts) + more
