"""What the workers run on one partition: read it as pyarrow reads a whole file, count its rows, compute its
statistics at its row offset, or describe it (rows, types, nulls) for the client to reconcile."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pyarrow as pa
import pyarrow.csv as pacsv

from ...core.accumulate import StatsAccumulator
from ...core.declared_missing import mark_table
from ...core.stats import chunk_stats
from ...errors import (
    short_error,
)
from ...io.batches import CONVERSION_ERROR
from ...io.csv import check_text, convert_options, encoding_failed, read_options
from ...io.formats import open_input
from ...io.read import LoadedTable, as_whole_file, normalise_table, to_frame
from .plan import Part

__all__ = ["read_part", "count_rows", "partition_stats", "partition_schema", "meta_of", "read_frame"]


class _Problem(Exception):
    """A partition could not be read as asked: ``kind`` is convert (a value does not fit the column's
    type), encoding (not the file's sniffed encoding) or input (malformed: the scan stops)."""

    def __init__(self, kind: str, detail: str = "", column: int = -1) -> None:
        super().__init__(kind, detail, column)
        self.kind, self.detail, self.column = kind, detail, column


def read_part(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None) -> pa.Table:
    """The partition as pyarrow reads it (CSV: as ``io.csv.read_csv`` reads a whole file, with ``column_types``
    fixed; other formats: cast to ``column_types``). Raises _Problem."""
    try:
        if part.format == "csv":
            table = _read_csv_part(part, encoding, column_types)
            check_text(table, encoding)
            return table
        table = _read_typed_part(part)
    except pa.ArrowInvalid as exc:
        text = str(exc)
        match = CONVERSION_ERROR.search(text)
        if match:
            raise _Problem("convert", match.group(2), int(match.group(1))) from None
        if part.format == "csv" and encoding_failed(exc, encoding):
            raise _Problem("encoding") from None
        if "Empty CSV file" in text:
            raise _Problem("input", "no data rows (header only)") from None
        raise _Problem("input", f"malformed {part.format}: {short_error(exc)}") from None
    except UnicodeDecodeError:
        raise _Problem("encoding") from None
    except (pa.ArrowException, OSError) as exc:
        raise _Problem("input", f"cannot read: {short_error(exc)}") from None
    if column_types:
        for i, name in enumerate(table.column_names):
            wanted = column_types.get(name)
            if wanted is not None and table.schema.field(i).type != wanted:
                table = table.set_column(i, name, table.column(i).cast(wanted))
    return table


def _read_csv_part(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None) -> pa.Table:
    read = read_options(encoding)
    convert = convert_options(column_types)
    parse = pacsv.ParseOptions(delimiter=part.delimiter)
    if part.start < 0:
        with open_input(Path(part.path), part.compression) as stream:
            return pacsv.read_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
    with open(part.path, "rb") as handle:
        header = handle.read(part.header_end)
        handle.seek(part.start)
        body = handle.read(part.end - part.start)
    return pacsv.read_csv(pa.BufferReader(header + body), read_options=read, parse_options=parse,
                          convert_options=convert)


def _read_typed_part(part: Part) -> pa.Table:
    if part.format == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(part.path).read_row_groups(list(part.row_groups))
    if part.format == "feather":
        import pyarrow.feather as feather

        return feather.read_table(part.path)
    import pyarrow.json as pajson

    return pajson.read_json(part.path)


def count_rows(part: Part, encoding: str | None) -> int | None:
    """The partition's rows, counted without parsing when cheap (its lines); None when unknown. A wrong
    count (blank lines, quoted newlines) only costs a second round for the partitions after it: the
    statistics report the true one."""
    if part.rows is not None:
        return part.rows
    if part.format not in ("csv", "jsonl") or encoding == "utf-16":
        return None
    newlines, last, first = 0, b"\n", b""
    if part.start >= 0:
        with open(part.path, "rb") as handle:
            handle.seek(part.start)
            data = handle.read(part.end - part.start)
        return data.count(b"\n") + (not data.endswith(b"\n") and bool(data))
    try:
        with open_input(Path(part.path), part.compression) as stream:
            while piece := stream.read(1 << 24):
                first = first or piece[:1]
                newlines += piece.count(b"\n")
                last = piece[-1:]
    except (OSError, pa.ArrowException):
        return None
    rows = newlines + (last != b"\n" and bool(first))
    return rows - 1 if part.format == "csv" else rows  # the header line


def _outcome(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return work()
    except _Problem as problem:
        return {"problem": problem.kind, "detail": problem.detail, "column": problem.column}


def partition_stats(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                     offset: int, sample_below: int | None, *, target: str | None, sample_size: int,
                     max_values: int, missing_values: Mapping[str, Iterable[Any]] | None) -> dict[str, Any]:
    """Statistics of one partition whose first row is row ``offset`` of the dataset (or its problem)."""

    def work() -> dict[str, Any]:
        raw = read_part(part, encoding, column_types)
        out = _describe(raw)
        if raw.num_rows == 0:
            return out
        loaded = LoadedTable(raw, part.path, part.format)
        table = normalise_table(loaded)
        if missing_values:
            table, out["declared"] = mark_table(table, missing_values)
        stats = chunk_stats(table, row_offset=offset, target=target, sample_size=sample_size, sketch=True,
                            sample_below=sample_below)
        # thinned here as StatsAccumulator.add thins each chunk (again, a no-op, on the client): a third of the bytes
        out["stats"] = StatsAccumulator(sample_size, max_values).compact(stats)
        return out

    return _outcome(work)


def partition_schema(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                      offset: int, sample_below: int | None) -> dict[str, Any]:
    """Rows, types and null counts of one partition (apply's typing pass). A Parquet partition's are read from
    the file's metadata (its row groups' null counts) when it has them, without reading its rows."""
    if part.format == "parquet":
        described = _parquet_description(part, column_types)
        if described is not None:
            return described
    return _outcome(lambda: _describe(read_part(part, encoding, column_types)))


def _parquet_description(part: Part, column_types: Mapping[str, pa.DataType] | None) -> dict[str, Any] | None:
    """``_describe(read_part(part, None, column_types))`` from the Parquet footer: the Arrow schema it stores
    (with ``column_types`` as ``read_part`` casts to them; a cast keeps the nulls), the row groups' row and null
    counts. None when that is not known so: nested columns (several Parquet columns per Arrow column), a row
    group without null counts, or a footer that cannot be read (the read then names the problem)."""
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(part.path) as parquet:
            meta, schema = parquet.metadata, parquet.schema_arrow
    except (pa.ArrowException, OSError):
        return None
    if meta.num_columns != len(schema) or any(pa.types.is_nested(f.type) for f in schema):
        return None
    nulls = [0] * len(schema)
    rows = 0
    for i in part.row_groups:
        group = meta.row_group(i)
        rows += group.num_rows
        for j in range(len(schema)):
            statistics = group.column(j).statistics
            if statistics is None or not statistics.has_null_count:
                return None
            nulls[j] += statistics.null_count
    if column_types:
        schema = pa.schema([f.with_type(column_types.get(f.name, f.type)) for f in schema])
    return {"rows": rows, "schema": schema, "nulls": nulls}


def _describe(raw: pa.Table) -> dict[str, Any]:
    return {"rows": raw.num_rows, "schema": raw.schema,
            "nulls": [raw.column(i).null_count for i in range(raw.num_columns)]}


def meta_of(result: dict[str, Any]) -> dict[str, Any]:
    """The result without its statistics (what the client needs to reconcile types and offsets)."""
    return {k: v for k, v in result.items() if k != "stats"}


def read_frame(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                offset: int, to_float: tuple[str, ...], to_object: tuple[str, ...],
                missing_values: Mapping[str, Iterable[Any]] | None = None) -> Any:
    """The partition as the pandas frame ``io.read.to_frame(load(path).table)`` gives for the whole file:
    its rows indexed by their row numbers; whole-number columns with a missing value anywhere in the
    dataset as float, boolean ones as object (as pandas converts the whole column). ``missing_values``
    (fix) are marked on the Arrow table, as ``load(path, missing_values=...)`` marks them."""
    raw = read_part(part, encoding, column_types)
    table = normalise_table(LoadedTable(raw, part.path, part.format))
    if missing_values:
        table, _ = mark_table(table, missing_values)
    return as_whole_file(to_frame(table), offset, to_float, to_object)
