"""Every Arrow type brought to the few the statistics know: numbers, booleans, text, dates and times.

``normalise_columns`` is pure and runs on every table a reader yields (whole files, stream batches, Dask
partitions), so every engine sees the same columns:

* dictionary, run-end-encoded and extension arrays are decoded to their values;
* decimals become float64, half floats float32, the null type empty text, large and view strings text;
* durations become float64 **seconds** (a duration is a number; ``converted`` says so);
* binary values become text when they are valid UTF-8;
* struct columns are flattened into ``parent.child`` columns (recursively), ``flattened`` lists them;
* what cannot be a model input as it stands (lists, maps, unions, intervals, binary that is not text)
  is set aside: left out of the table and listed in ``set_aside`` (column -> Arrow type), for the
  nested-values finding and for ``fix``, which drops them.

Timestamps (any unit, with or without a time zone), dates and times of day stay temporal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["UNIT_SECONDS", "ticks", "Normalised", "normalise_columns", "times_as_durations", "times_from_text"]

UNIT_SECONDS = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}  # ticks per second of a temporal unit


def ticks(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A timestamp, duration or time of day as its int64 count of ``type.unit`` ticks (time32 has no direct
    cast to int64: it goes through int32)."""
    if pa.types.is_time32(col.type):
        return col.cast(pa.int32()).cast(pa.int64())
    return col.cast(pa.int64())


@dataclass
class Normalised:
    """A table's columns with plain types, and what was done to reach them."""

    names: list[str]
    columns: list[pa.ChunkedArray]
    flattened: dict[str, list[str]] = field(default_factory=dict)  # struct column -> its new columns
    set_aside: dict[str, str] = field(default_factory=dict)  # column left out -> its Arrow type
    converted: dict[str, str] = field(default_factory=dict)  # column -> what it was read as


def normalise_columns(names: list[str], columns: list[pa.ChunkedArray]) -> Normalised:
    """Plain-typed columns for ``names``/``columns`` (already unique names), structs flattened."""
    out = Normalised([], [])
    for name, col in zip(names, columns):
        _add(out, name, _chunked(col))
    return out


def _chunked(col: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col], type=col.type)


def _decoded(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary, run-end-encoded and extension arrays as plain arrays of their values."""
    while True:
        t = col.type
        if isinstance(t, pa.BaseExtensionType):
            col = pa.chunked_array([c.storage for c in col.chunks], type=t.storage_type)
        elif pa.types.is_dictionary(t):
            col = col.cast(t.value_type)
        elif pa.types.is_run_end_encoded(t):
            col = pa.chunked_array([pc.run_end_decode(c) for c in col.chunks], type=t.value_type)
        else:
            return col


def _add(out: Normalised, name: str, col: pa.ChunkedArray) -> None:
    col = _decoded(col)
    t = col.type
    if pa.types.is_struct(t):
        if t.num_fields == 0:
            out.set_aside[name] = str(t)
            return
        children = []
        for i in range(t.num_fields):
            child = pa.chunked_array([_struct_field(c, i) for c in col.chunks], type=t.field(i).type)
            before = len(out.names)
            _add(out, f"{name}.{t.field(i).name}", child)
            children.extend(out.names[before:])
        out.flattened[name] = children
        return
    plain = _plain(col)
    if plain is None:
        out.set_aside[name] = str(t)
        return
    if pa.types.is_duration(t):
        out.converted[name] = f"{t} as seconds"
    out.names.append(name)
    out.columns.append(plain)


def _struct_field(chunk: pa.StructArray, i: int) -> pa.Array:
    """Field ``i`` of a struct array, null where the struct itself is null."""
    return chunk.field(i) if chunk.null_count == 0 else pc.struct_field(chunk, [i])


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column in a type the statistics read, or None when it cannot be a model input as it stands."""
    t = col.type
    if (pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_float32(t) or pa.types.is_float64(t)
            or pa.types.is_string(t) or pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_time(t)):
        return col
    if pa.types.is_float16(t):
        return col.cast(pa.float32())
    if pa.types.is_decimal(t):
        return col.cast(pa.float64(), safe=False)
    if pa.types.is_null(t):
        return pa.chunked_array([pa.nulls(len(c), pa.string()) for c in col.chunks], type=pa.string())
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col.cast(pa.string())
    if pa.types.is_duration(t):
        seconds = ticks(col).cast(pa.float64(), safe=False)
        return pc.divide(seconds, UNIT_SECONDS[t.unit]) if t.unit != "s" else seconds
    if (pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)
            or pa.types.is_binary_view(t)):
        try:
            return col.cast(pa.binary()).cast(pa.string())  # valid UTF-8: it is text
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    return None  # lists, maps, unions, intervals: not one value per cell


def times_as_durations(table: pa.Table) -> pa.Table:
    """Times of day as the duration since midnight: pandas has no time dtype (its ``datetime.time`` objects
    drop nanoseconds, and refuse them), but it has timedeltas."""
    for i, t in enumerate(table.schema.types):
        if pa.types.is_time(t):
            table = table.set_column(i, table.schema.names[i], ticks(table.column(i)).cast(pa.duration(t.unit)))
    return table


_TIME_TEXT = r"^\s*(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?\s*$"


def times_from_text(table: pa.Table) -> pa.Table:
    """Text columns whose every value is a time of day ('10:05', '10:05:00.250') as time64[us], the type a CSV
    reader gives them: Excel time cells and JSON Lines strings otherwise reach the checks as text."""
    import pandas as pd

    for i, t in enumerate(table.schema.types):
        if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)):
            continue
        col = table.column(i).cast(pa.string())
        if col.null_count == len(col):
            continue
        matched = pc.match_substring_regex(col, _TIME_TEXT)
        if not pc.all(matched.fill_null(True)).as_py():
            continue
        text = pd.Series(pc.utf8_trim_whitespace(col).to_pandas(), dtype=object)
        text = text.where(text.str.count(":") != 1, text + ":00")  # '10:05' -> '10:05:00'
        micros = (pd.to_timedelta(text) // pd.Timedelta(microseconds=1)).astype("Int64")
        table = table.set_column(i, table.schema.names[i],
                                 pa.array(micros, type=pa.int64(), from_pandas=True).cast(pa.time64("us")))
    return table
