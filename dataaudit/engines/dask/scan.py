"""The Dask engine: ``scan`` statistics and ``apply`` run partition by partition on a Dask cluster.

Why a cluster: a file (or a glob of many) too large for one machine's memory or time is cut into partitions
that workers read and summarise in parallel, with the same per-chunk function as the other engines
(``stats.chunk_stats``), so the findings are the in-memory engine's. Partitions are read with pyarrow, as
``loading`` reads a whole file, not with ``dask.dataframe.read_csv`` (pandas' parser): pandas would read
'NA' and 'null' as missing and type columns differently, and the checks must see the file's raw text.

A scan runs in three steps:

1. Plan (client): the files in sorted order; a CSV cut into byte ranges of about ``BLOCK_BYTES`` that
   start at line starts, each parsed with the file's header line in front (as a file of its own); a
   compressed or UTF-16 CSV, Feather or JSON Lines file is one partition; Parquet is cut by row groups.
   Workers count each range's lines, so every partition knows its first row's number before any statistic:
   row numbers go into evidence, into the column digests and into the hash that picks the row sample.
2. Statistics (workers): parse, normalise, mark declared missing values, ``chunk_stats`` at the row offset.
   The row sample is the ``sample_size`` rows of lowest priority, a hash of the row number only, so the
   client computes the threshold from the row count and each partition keeps only its sample rows.
3. Reconcile and merge (client): pyarrow types each partition's CSV columns on its own rows; the client
   types each column as one read of the whole file would (pyarrow's inference order: null, int64, bool,
   double, date, time, timestamp, …, string: the first that every partition converts to) and recomputes the
   partitions read with another type, and those whose line count missed (blank lines, quoted newlines).
   The results are then merged in partition order with the stream engine's accumulator, so the statistics
   equal the stream engine's (exact counts; quantiles of large numeric columns thinned to ``max_values``).

``apply`` reads the partitions the same way (typed as the whole file, as pandas frames like
``io.read.to_frame`` gives), runs the recipe's steps per partition, finds the duplicate rows across
partitions exactly (row hashes, then pandas on the rows whose hash repeats) and writes a partitioned
Parquet directory atomically. ``fix`` (``fixing.dask``) runs the scan's pass, then ``apply``'s on the recipe it fits.

Dask is an optional extra (``pip install 'dataaudit[dask]'``), imported only here and only when used.
The workers read the files by path: on a remote cluster they must see the same files and have dataaudit.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ...core.accumulate import MAX_VALUES, StatsAccumulator
from ...core.declared_missing import add_counts, mark_table
from ...core.hashing import row_hashes, row_priority
from ...core.stats import DatasetStats, chunk_stats
from ...errors import (
    DataMismatchError,
    InputError,
    TargetError,
    UsageError,
    short_error,
)
from ...io.batches import CONVERSION_ERROR
from ...io.csv import sniff_csv
from ...io.formats import check_readable, open_input
from ...io.read import LoadedTable, normalise_table, to_frame
from ...progress import NO_PROGRESS, Progress
from ..stream import engine_note

BLOCK_BYTES = 64 << 20  # CSV bytes (Parquet: uncompressed row-group bytes) per partition, at most
MIN_BLOCK_BYTES = 4 << 20  # ... and at least, when a file is cut so every worker gets two partitions
CSV_READ_BLOCK = 16 << 20  # pyarrow's block size, as loading's
MAX_ROUNDS = 20  # reconcile rounds (each widens a column or fixes row offsets); more means a bug
INSTALL_HINT = "--engine dask needs the dask extra: pip install 'dataaudit[dask]'"
# pyarrow's CSV type inference, in the order it tries them: a column's type for the whole file is the first
# of these, from the highest any partition inferred, that every partition converts to
_LADDER = [pa.null(), pa.int64(), pa.bool_(), pa.float64(), pa.date32(), pa.time32("s"), pa.timestamp("s"),
           pa.timestamp("ns"), pa.timestamp("s", "UTC"), pa.timestamp("ns", "UTC"), pa.string()]
_ENCODING_FALLBACKS = {"utf-8": "cp1252", "utf-8-sig": "cp1252", "cp1252": "latin-1"}


# --------------------------------------------------------------------------- the cluster


def _import_dask() -> Any:
    """``distributed``, or a usage error naming the extra (exit 2) when it is not installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return distributed


@contextmanager
def cluster_client(scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (an address), or to a local cluster of
    ``min(2, cores)`` single-threaded worker processes started here and closed at the end."""
    distributed = _import_dask()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {short_error(exc)}") from None
        try:
            yield client
        finally:
            client.close()
        return
    workers = min(2, os.cpu_count() or 1)
    # no dashboard; the scheduler's own HTTP server (health checks) on a free port, not on a busy 8787
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                                       silence_logs=logging.CRITICAL)  # a task's error is raised here, once
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close()


def _workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class _Part:
    """One partition: a byte range of a CSV file (after its header line), row groups of a Parquet file,
    or a whole file."""

    path: str
    format: str
    compression: str | None = None
    delimiter: str | None = None
    header_end: int = 0  # CSV: bytes of the header line; 0 with start = -1: the whole file
    start: int = -1
    end: int = -1
    row_groups: tuple[int, ...] = ()
    rows: int | None = None  # known from the file's metadata (Parquet, Feather)


@dataclass
class _Plan:
    source: str
    parts: list[_Part]
    encodings: dict[str, str | None]  # file -> encoding (CSV; changes when a later line is not UTF-8)
    format: str
    compression: str | None = None
    delimiter: str | None = None
    counts: list[int | None] = field(default_factory=list)  # rows per partition, when known before reading


def source_files(source: str | os.PathLike[str]) -> list[Path]:
    """The files of ``source``, in sorted order: a glob (``data/*.csv``), a directory (its files, without
    hidden ones and ``_SUCCESS``/``_metadata``-style markers), or one file."""
    text = os.fspath(source)
    if any(ch in text for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(text, "no files match")
        return files
    path = Path(text)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))
        if not files:
            raise InputError(text, "the directory holds no data files")
        return files
    return [path]


def _plan(source: str | os.PathLike[str], workers: int) -> _Plan:
    files = source_files(source)
    formats = {f: check_readable(f) for f in files}
    kinds = {fmt for fmt, _ in formats.values()}
    if len(kinds) > 1:
        raise InputError(os.fspath(source), f"mixes file formats ({', '.join(sorted(kinds))}); give one kind")
    fmt = kinds.pop()
    if fmt == "excel":
        raise UsageError(f"{os.fspath(source)}: the dask engine does not read Excel workbooks; use --engine pandas")
    total = sum(f.stat().st_size for f in files)
    block = min(BLOCK_BYTES, max(MIN_BLOCK_BYTES, total // (2 * workers) + 1))
    plan = _Plan(os.fspath(source), [], {}, fmt)
    for f in files:
        compression = formats[f][1]
        if fmt == "csv":
            encoding, delimiter = sniff_csv(f, compression)
            plan.encodings[str(f)] = encoding
            plan.compression = plan.compression or compression
            plan.delimiter = plan.delimiter or delimiter
            plan.parts += _csv_parts(f, compression, encoding, delimiter, block)
        elif fmt == "parquet":
            plan.parts += _parquet_parts(f, block)
        elif fmt == "feather":
            plan.parts.append(_Part(str(f), fmt, rows=_feather_rows(f)))
        else:
            plan.parts.append(_Part(str(f), fmt))
    plan.counts = [p.rows for p in plan.parts]  # known from metadata; the workers count the rest
    return plan


def _csv_parts(path: Path, compression: str | None, encoding: str, delimiter: str, block: int) -> list[_Part]:
    """Byte ranges of about ``block`` bytes, each starting at a line start, after the header line."""
    whole = [_Part(str(path), "csv", compression, delimiter)]
    if compression or encoding == "utf-16":
        return whole  # no line starts to cut at without decoding the whole file
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
        if b"\n" not in head:
            return whole  # a header longer than 1 MB, or '\r' line ends: read it whole
        header_end = head.index(b"\n") + 1
        if header_end >= size:
            raise InputError(path, "no data rows (header only)")
        starts = [header_end]
        while starts[-1] + block < size:
            handle.seek(starts[-1] + block - 1)
            start = _next_line_start(handle, starts[-1] + block - 1)
            if start is None or start >= size:
                break
            starts.append(start)
    return [_Part(str(path), "csv", None, delimiter, header_end, a, b)
            for a, b in zip(starts, starts[1:] + [size])]


def _next_line_start(handle: Any, position: int) -> int | None:
    """The position after the first newline at or after ``position`` (the handle is there)."""
    while True:
        piece = handle.read(1 << 16)
        if not piece:
            return None
        found = piece.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(piece)


def _parquet_parts(path: Path, block: int) -> list[_Part]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file: {short_error(exc)}") from None
    parts, groups, size, rows = [], [], 0, 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        groups.append(i)
        size += group.total_byte_size
        rows += group.num_rows
        if size >= block:
            parts.append(_Part(str(path), "parquet", row_groups=tuple(groups), rows=rows))
            groups, size, rows = [], 0, 0
    if groups or not parts:
        parts.append(_Part(str(path), "parquet", row_groups=tuple(groups), rows=rows))
    return parts


def _feather_rows(path: Path) -> int | None:
    try:
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            return sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Feather/Arrow IPC file: {short_error(exc)}") from None


# --------------------------------------------------------------------------- on the workers


class _Problem(Exception):
    """A partition could not be read as asked: ``kind`` is convert (a value does not fit the column's
    type), encoding (not the file's sniffed encoding) or input (malformed: the scan stops)."""

    def __init__(self, kind: str, detail: str = "", column: int = -1) -> None:
        super().__init__(kind, detail, column)
        self.kind, self.detail, self.column = kind, detail, column


def _read_part(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None) -> pa.Table:
    """The partition as pyarrow reads it (CSV: as ``loading`` reads a whole file, with ``column_types``
    fixed; other formats: cast to ``column_types``). Raises _Problem."""
    try:
        if part.format == "csv":
            table = _read_csv_part(part, encoding, column_types)
            if encoding and encoding.startswith("utf-8") and any(pa.types.is_binary(f.type) for f in table.schema):
                raise _Problem("encoding")  # pyarrow reads invalid UTF-8 as binary instead of failing
            return table
        table = _read_typed_part(part)
    except pa.ArrowInvalid as exc:
        text = str(exc)
        match = CONVERSION_ERROR.search(text)
        if match:
            raise _Problem("convert", match.group(2), int(match.group(1))) from None
        if "UTF8" in text and part.format == "csv":
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


def _read_csv_part(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None) -> pa.Table:
    read = pacsv.ReadOptions(encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
                             block_size=CSV_READ_BLOCK)
    convert = pacsv.ConvertOptions(null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
                                   column_types=dict(column_types or {}))
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


def _read_typed_part(part: _Part) -> pa.Table:
    if part.format == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(part.path).read_row_groups(list(part.row_groups))
    if part.format == "feather":
        import pyarrow.feather as feather

        return feather.read_table(part.path)
    import pyarrow.json as pajson

    return pajson.read_json(part.path)


def _count_rows(part: _Part, encoding: str | None) -> int | None:
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


def _partition_stats(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                     offset: int, sample_below: int | None, *, target: str | None, sample_size: int,
                     max_values: int, missing_values: Mapping[str, Iterable[Any]] | None) -> dict[str, Any]:
    """Statistics of one partition whose first row is row ``offset`` of the dataset (or its problem)."""

    def work() -> dict[str, Any]:
        raw = _read_part(part, encoding, column_types)
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


def _partition_schema(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                      offset: int, sample_below: int | None) -> dict[str, Any]:
    """Rows, types and null counts of one partition (apply's typing pass)."""
    return _outcome(lambda: _describe(_read_part(part, encoding, column_types)))


def _describe(raw: pa.Table) -> dict[str, Any]:
    return {"rows": raw.num_rows, "schema": raw.schema,
            "nulls": [raw.column(i).null_count for i in range(raw.num_columns)]}


def _meta(result: dict[str, Any]) -> dict[str, Any]:
    """The result without its statistics (what the client needs to reconcile types and offsets)."""
    return {k: v for k, v in result.items() if k != "stats"}


# --------------------------------------------------------------------------- reconciling partitions


def _rank(t: pa.DataType) -> int:
    try:
        return _LADDER.index(t)
    except ValueError:
        return len(_LADDER) - 1  # a type pyarrow's CSV inference does not produce: only text holds both


def _unify_csv(types: set[pa.DataType]) -> pa.DataType:
    if len(types) == 1:
        return next(iter(types))
    return _LADDER[max(_rank(t) for t in types)]


def _unify_typed(types: set[pa.DataType], name: str, source: str) -> pa.DataType:
    """Parquet/Feather/JSON Lines files of a glob: the same type, or whole numbers and floats (as float)."""
    if len(types) == 1:
        return next(iter(types))
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
        return pa.float64()
    raise InputError(source, f"column {name!r} has different types in different files "
                             f"({', '.join(sorted(map(str, types)))})")


def _sample_threshold(rows: int, sample_size: int) -> int | None:
    """The row priority below which a row is in the sample of a dataset of ``rows`` rows (the
    ``sample_size`` lowest); None: every row is. Fewer rows give a higher threshold, so one computed from a
    lower bound of the row count keeps every sample row of the partition (and a few more, which the merge drops)."""
    if rows <= sample_size:
        return None
    kth = np.partition(row_priority(np.arange(rows, dtype=np.int64)), sample_size - 1)[sample_size - 1]
    return None if kth == np.iinfo(np.uint64).max else int(kth) + 1


def _covers(used: int | None, needed: int | None) -> bool:
    """Whether partitions read with threshold ``used`` kept every row a threshold ``needed`` keeps."""
    return used is None or (needed is not None and needed <= used)


COUNT_MARGIN = 0.98  # the first round's sample threshold assumes 2% fewer rows than lines (blank lines)


def _reconcile(client: Any, plan: _Plan, task: Callable[..., dict[str, Any]], *, offsets_matter: bool,
               sample_rows: int = 0, in_order: Callable[[int, dict[str, Any], Any], None] | None = None,
               **options: Any) -> tuple[list[tuple[dict[str, Any], Any, int]], int]:
    """Run ``task`` on every partition until all agree: the same column types (the whole file's), the
    right row offsets, a sample threshold that keeps every sample row, each file's working encoding.
    Returns ((meta, future, offset) per partition, in order; each future holds the task's whole result on
    the cluster) and the number of rounds. ``in_order(i, meta, future)`` sees the first round's results
    in partition order as they finish (the scan merges them meanwhile, betting no second round is needed)."""
    n = len(plan.parts)
    done: list[tuple[dict[str, Any], Any, tuple] | None] = [None] * n
    forced: dict[int, pa.DataType] = {}  # column position -> type a conversion error pushed it to
    names: list[str] | None = None
    for round_ in range(MAX_ROUNDS):
        rows = [d[0]["rows"] if d else (plan.counts[i] or 0) for i, d in enumerate(done)]
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64).tolist()
        needed = _sample_threshold(sum(rows), sample_rows) if offsets_matter else None
        threshold = needed if round_ else \
            (_sample_threshold(int(sum(rows) * COUNT_MARGIN), sample_rows) if offsets_matter else None)
        unified = _unified(plan, [d[0] for d in done if d and d[0]["rows"]], forced)
        types = None if unified is None else {name: t for name, t in zip(names, unified) if t != pa.null()}
        wanted = [(plan.encodings.get(part.path),) + ((offsets[i],) if offsets_matter else ())
                  for i, part in enumerate(plan.parts)]
        todo = [i for i, d in enumerate(done) if d is None or d[2][:-1] != wanted[i]
                or not _covers(d[2][-1], needed) or (d[0]["rows"] and list(d[0]["schema"].types) != unified)]
        if not todo:
            return [(d[0], d[1], offsets[i]) for i, d in enumerate(done)], round_
        futures = client.map(task, [plan.parts[i] for i in todo], [wanted[i][0] for i in todo],
                             [types] * len(todo), [offsets[i] for i in todo], [threshold] * len(todo),
                             pure=False, **options)
        metas = client.map(_meta, futures, pure=False)
        for i, future, meta in zip(todo, futures, metas):
            meta = meta.result()  # in partition order
            if round_ == 0 and in_order is not None:
                in_order(i, meta, future)
            part = plan.parts[i]
            if "problem" in meta:
                done[i] = None
                _handle_problem(plan, part, meta, forced, unified)
                continue
            if names is None:
                names = list(meta["schema"].names)
            elif list(meta["schema"].names) != names:
                raise InputError(part.path, f"its columns differ from those of {plan.parts[0].path}")
            done[i] = (meta, future, wanted[i] + (threshold,))
    raise RuntimeError(f"{plan.source}: the partitions did not agree on types and row offsets "
                       f"after {MAX_ROUNDS} rounds")


def _unified(plan: _Plan, metas: list[dict[str, Any]], forced: dict[int, pa.DataType]) -> list[pa.DataType] | None:
    """Each column's type for the whole dataset, from the partitions read so far (None before any)."""
    if not metas:
        return None
    schema = metas[0]["schema"]
    out = []
    for i in range(len(schema)):
        seen = {m["schema"].field(i).type for m in metas} - {pa.null()}
        if plan.format == "csv":
            t = _unify_csv(seen) if seen else pa.null()
            if i in forced and _rank(forced[i]) > _rank(t):
                t = forced[i]
        else:
            t = _unify_typed(seen, schema.field(i).name, plan.source) if seen else pa.null()
        out.append(t)
    return out


def _handle_problem(plan: _Plan, part: _Part, meta: dict[str, Any], forced: dict[int, pa.DataType],
                    unified: list[pa.DataType] | None) -> None:
    kind = meta["problem"]
    if kind == "convert" and unified is not None and 0 <= meta["column"] < len(unified):
        current = unified[meta["column"]]
        forced[meta["column"]] = _LADDER[min(_rank(current) + 1, len(_LADDER) - 1)]
        return
    if kind == "encoding" and part.format == "csv":
        current = plan.encodings.get(part.path)
        if current in _ENCODING_FALLBACKS:
            for p in plan.parts:  # the whole file is read again in the fallback encoding, as loading does
                if p.path == part.path:
                    plan.encodings[p.path] = _ENCODING_FALLBACKS[current]
            return
        raise InputError(part.path, "cannot read: not valid text in any encoding tried")
    raise InputError(part.path, meta.get("detail") or f"cannot read the {part.format} file")


# --------------------------------------------------------------------------- scan


def dask_stats(
    source: str | os.PathLike[str],
    *,
    target: str | None = None,
    sample_size: int = 100_000,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    max_values: int | None = None,
    scheduler: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> tuple[LoadedTable, DatasetStats]:
    """Statistics of a file, a glob of files or a directory (one dataset, files in sorted order), computed
    on a Dask cluster; the same pair as ``engines.stream.stream_stats``: a LoadedTable holding the schema (its
    ``rows`` set) and the whole dataset's statistics.

    ``scheduler``: a Dask scheduler address; None starts a local cluster for this call.
    ``max_values``: sorted values kept per numeric column (default ``engines.stream.MAX_VALUES``).
    """
    with cluster_client(scheduler) as client:
        scanned = stats_pass(client, source, target=target, sample_size=sample_size, missing_values=missing_values,
                             max_values=max_values, progress=progress)
    return scanned.loaded, scanned.stats


@dataclass
class StatsPass:
    """What ``stats_pass`` read: the dataset's schema and statistics, and how its partitions were read (the
    plan, each partition's final read description and first row), so a second pass reads them the same way."""

    loaded: LoadedTable
    stats: DatasetStats
    plan: _Plan
    parts: list[tuple[dict[str, Any], int]]  # per partition: (rows, schema, raw nulls, declared counts), offset


def stats_pass(client: Any, source: str | os.PathLike[str], *, target: str | None = None, sample_size: int = 100_000,
               missing_values: Mapping[str, Iterable[Any]] | None = None, max_values: int | None = None,
               progress: Progress = NO_PROGRESS) -> StatsPass:
    """``dask_stats`` on a running ``client`` (``fix --engine dask`` reads the partitions again with it)."""
    max_values = MAX_VALUES if max_values is None else max_values
    plan = _plan(source, _workers(client))
    _check_target_early(plan, target)
    plan.counts = client.gather(client.map(_count_rows, plan.parts,
                                           [plan.encodings.get(p.path) for p in plan.parts], pure=False))
    merging = _InOrder(plan, StatsAccumulator(sample_size, max_values), progress)
    results, rounds = _reconcile(client, plan, _partition_stats, offsets_matter=True, sample_rows=sample_size,
                                 in_order=merging, target=target, sample_size=sample_size,
                                 max_values=max_values, missing_values=missing_values)
    loaded = _loaded(plan, results, target)
    acc = merging.acc if rounds == 1 and merging.acc is not None else None
    if acc is None:  # a second round was needed: merge the final results from the start
        acc = StatsAccumulator(sample_size, max_values)
        for meta, future, _ in results:
            if meta["rows"]:
                acc.add(future.result()["stats"])
    declared: dict[str, dict[str, int]] = {}
    for meta, future, _ in results:
        add_counts(declared, meta.get("declared", {}))
        future.release()
    loaded.declared_missing = declared
    return StatsPass(loaded, acc.result(), plan, [(meta, offset) for meta, _, offset in results])


class _InOrder:
    """Merges the first round's partitions in order while later ones are computed, as long as each was read
    at its true row offset (the line counts before it were right) with the first partition's types (``acc``
    becomes None once one was not: the scan then merges the reconciled results)."""

    def __init__(self, plan: _Plan, acc: StatsAccumulator, progress: Progress) -> None:
        self.plan, self.acc, self.progress = plan, acc, progress
        self.types: list[pa.DataType] | None = None
        self.rows = self.counted = 0  # rows before the next partition: true, and as counted (its offset)

    def __call__(self, i: int, meta: dict[str, Any], future: Any) -> None:
        if self.acc is None:
            return
        if "problem" in meta or self.rows != self.counted:  # read at a wrong row offset
            self.acc = None
            return
        self.rows += meta["rows"]
        self.counted += self.plan.counts[i] or 0
        if not meta["rows"]:
            return
        types = list(meta["schema"].types)
        if self.types is None:
            self.types = types
        if types != self.types:
            self.acc = None
            return
        self.acc.add(future.result()["stats"])  # first rows first
        self.progress.advance()


def dask_note(profile: Any) -> dict[str, Any]:
    """The report's ``dataset.engine`` for the dask engine: the stream engine's note (the same estimates)."""
    note = engine_note(profile)
    note["name"] = "dask"
    return note


def _check_target_early(plan: _Plan, target: str | None) -> None:
    """A wrong target is an error before any partition is read, when the columns are known cheaply."""
    if target is None:
        return
    first = plan.parts[0]
    try:
        if first.format == "csv" and first.start >= 0:
            with open(first.path, "rb") as handle:
                header = handle.read(first.header_end)
            encoding = plan.encodings[first.path]
            table = pacsv.read_csv(pa.BufferReader(header), read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding),
                parse_options=pacsv.ParseOptions(delimiter=first.delimiter))
        elif first.format == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_schema(first.path).empty_table()
        else:
            return
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return  # the partitions' read names the problem
    _check_target(normalise_table(LoadedTable(table, plan.source, plan.format)), plan.source, target)


def _check_target(table: pa.Table, path: str, target: str | None) -> None:
    if target is not None and target not in table.column_names:
        raise TargetError(f"{path}: target column {target!r} not found "
                          f"(columns: {', '.join(table.column_names[:10])}"
                          f"{', …' if table.num_columns > 10 else ''})")


def _loaded(plan: _Plan, results: list[tuple[dict[str, Any], Any, int]], target: str | None) -> LoadedTable:
    """The dataset's LoadedTable: a 0-row table of the whole dataset's types, its row count, how it was read."""
    rows = sum(meta["rows"] for meta, _, _ in results)
    if rows == 0:
        raise InputError(plan.source, "no data rows (header only)")
    typed = [meta for meta, _, _ in results if meta["rows"]]
    schema = pa.schema([pa.field(name, t) for name, t in
                        zip(typed[0]["schema"].names, _unified(plan, typed, {}))])
    encodings = [e for e in plan.encodings.values() if e]
    encoding = next((e for e in encodings if not e.startswith("utf-8")), encodings[0] if encodings else None)
    loaded = LoadedTable(schema.empty_table(), plan.source, plan.format, encoding, plan.delimiter, plan.compression)
    loaded.table = normalise_table(loaded)
    _check_target(loaded.table, plan.source, target)
    loaded.rows = rows
    return loaded


# --------------------------------------------------------------------------- apply


PARQUET_SUFFIXES = ("", ".parquet", ".pq")


def check_parquet_dir_output(output: str | os.PathLike[str], *, overwrite: bool = False,
                             command: str = "apply") -> None:
    """Fail early: ``command`` (apply or fix) --engine dask writes a Parquet directory (``out/`` or ``out.parquet``)."""
    from ...io.write import OutputError

    path = Path(output)
    if path.suffix.lower() not in PARQUET_SUFFIXES:
        raise UsageError(f"{output}: {command} --engine dask writes a partitioned Parquet directory: "
                         "give -o DIR or -o DIR.parquet")
    if path.exists() and not overwrite:
        raise OutputError(f"{output}: already exists (use --overwrite to replace it)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{output}: directory {parent} does not exist")


def _read_frame(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                offset: int, to_float: tuple[str, ...], to_object: tuple[str, ...],
                missing_values: Mapping[str, Iterable[Any]] | None = None) -> Any:
    """The partition as the pandas frame ``io.read.to_frame(load(path).table)`` gives for the whole file:
    its rows indexed by their row numbers; whole-number columns with a missing value anywhere in the
    dataset as float, boolean ones as object (as pandas converts the whole column). ``missing_values``
    (fix) are marked on the Arrow table, as ``load(path, missing_values=...)`` marks them."""
    import pandas as pd

    raw = _read_part(part, encoding, column_types)
    table = normalise_table(LoadedTable(raw, part.path, part.format))
    if missing_values:
        table, _ = mark_table(table, missing_values)
    frame = to_frame(table)
    for name in to_float:
        frame[name] = frame[name].astype("float64")
    for name in to_object:
        frame[name] = frame[name].astype(object)
    frame.index = pd.RangeIndex(offset, offset + len(frame))
    return frame


def _before_dedup(part: _Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                  offset: int, to_float: tuple[str, ...], to_object: tuple[str, ...],
                  recipe: dict[str, Any], steps: int,
                  missing_values: Mapping[str, Iterable[Any]] | None = None,
                  keep_rows: bool = False) -> tuple[Any, list[str]]:
    """Read, then the recipe's first ``steps`` steps (through ``drop``): the frame whose duplicates go. Rows
    with a missing target go too, unless ``keep_rows`` (apply)."""
    from dataclasses import replace

    from ...fixing.recipe import Recipe

    frame = _read_frame(part, encoding, column_types, offset, to_float, to_object, missing_values)
    fitted = Recipe.from_dict(recipe)
    log: list[str] = []
    first = replace(fitted, steps=fitted.steps[:steps], drop_duplicate_rows=False)
    return first.transform(frame, log, keep_rows=keep_rows), log


def _after_dedup(stage: tuple[Any, list[str]], drop: np.ndarray, recipe: dict[str, Any],
                 steps: int, keep_rows: bool = False) -> tuple[Any, list[str]]:
    """The rest of the recipe on a partition, without the rows ``drop`` (positions) that repeat earlier rows."""
    from dataclasses import replace

    from ...fixing.recipe import Recipe

    frame, log = stage
    log = list(log)
    if drop.size:
        keep = np.ones(len(frame), dtype=bool)
        keep[drop] = False
        frame = frame[keep]
    fitted = Recipe.from_dict(recipe)
    rest = replace(fitted, steps=fitted.steps[steps:], input_columns=list(frame.columns), drop_duplicate_rows=False)
    return rest.transform(frame, log, keep_rows=keep_rows), log


def _row_hashes(stage: tuple[Any, list[str]]) -> np.ndarray:
    """A 64-bit hash per row (``hashing.row_hashes``: equal for rows pandas' ``duplicated`` calls equal):
    a hash that repeats marks candidates, which pandas then compares exactly."""
    return row_hashes(stage[0])


def _take(stage: tuple[Any, list[str]], positions: np.ndarray) -> Any:
    return stage[0].iloc[positions]


def frame_of(result: tuple[Any, list[str]]) -> Any:
    return result[0].reset_index(drop=True)


def log_of(result: tuple[Any, list[str]]) -> tuple[int, list[str]]:
    return len(result[0]), result[1]


def dask_apply(recipe: Any, source: str | os.PathLike[str], output: str | os.PathLike[str], *,
               scheduler: str | None = None, overwrite: bool = False,
               progress: Progress = NO_PROGRESS) -> tuple[int, list[str], list[str]]:
    """Re-run a fitted recipe on a file, glob or directory on a Dask cluster and write a partitioned Parquet
    directory ``output`` (atomically: a temporary directory beside it, then renamed). The rows equal, in
    order, those of ``fixing.apply_recipe`` on the same data. Returns (rows, columns, notes)."""
    from ...fixing.recipe import Recipe

    if not isinstance(recipe, Recipe):
        recipe = Recipe.load(recipe)
    check_parquet_dir_output(output, overwrite=overwrite)
    with cluster_client(scheduler) as client:
        progress.stage("read")
        plan = _plan(source, _workers(client))
        results, _ = _reconcile(client, plan, _partition_schema, offsets_matter=False)
        typing = part_typing(plan, [(meta, offset) for meta, _, offset in results])
        problem = recipe.schema_problem(list(typing.types))
        if problem:
            raise InputError(os.fspath(source), problem)
        progress.stage("apply", len(recipe.steps))
        try:
            outs, duplicates, through_drop = recipe_stages(client, plan, typing, recipe, keep_rows=True)
            summaries = client.gather(client.map(log_of, outs, pure=False))
        except DataMismatchError as exc:
            raise InputError(os.fspath(source), f"does not fit the recipe: {exc}") from None
        progress.stage("write")
        frames = client.map(frame_of, outs, pure=False)
        columns = write_parquet_dir(client, frames, output, overwrite=overwrite)
    notes = merge_notes([log for _, log in summaries])
    if duplicates:
        notes.insert(_after_step_notes(notes, through_drop), f"dropped {duplicates:,} duplicate row(s)")
    return sum(rows for rows, _ in summaries), columns, notes


@dataclass
class PartTyping:
    """How a pass that transforms the partitions reads them: as one read of the whole dataset types it."""

    types: dict[str, pa.DataType]  # column name in the file -> the dataset's type (null columns left out)
    offsets: list[int]  # per partition, its first row's number
    to_float: tuple[str, ...]  # whole-number columns with a missing value somewhere: float, as pandas makes them
    to_object: tuple[str, ...]  # boolean columns with a missing value somewhere: object


def part_typing(plan: _Plan, parts: list[tuple[dict[str, Any], int]]) -> PartTyping:
    """The typing from each partition's (description, offset): its rows, schema, null counts, and for a stats
    pass the declared missing values it marked (they are missing values too, once marked)."""
    typed = [meta for meta, _ in parts if meta["rows"]]
    if not typed:
        raise InputError(plan.source, "no data rows (header only)")
    schema = typed[0]["schema"]
    unified = _unified(plan, typed, {})
    types = {name: t for name, t in zip(schema.names, unified) if t != pa.null()}
    normalised = normalise_table(LoadedTable(pa.schema(list(zip(schema.names, unified))).empty_table(),
                                             plan.source, plan.format)).column_names
    declared = {name: sum(sum(m.get("declared", {}).get(name, {}).values()) for m in typed) for name in normalised}
    nulls = [sum(m["nulls"][i] for m in typed) + declared[name] for i, name in enumerate(normalised)]
    to_float = tuple(n for n, t, k in zip(normalised, unified, nulls) if k and pa.types.is_integer(t))
    to_object = tuple(n for n, t, k in zip(normalised, unified, nulls) if k and pa.types.is_boolean(t))
    return PartTyping(types, [offset for _, offset in parts], to_float, to_object)


def recipe_stages(client: Any, plan: _Plan, typing: PartTyping, recipe: Any, *,
                  missing_values: Mapping[str, Iterable[Any]] | None = None,
                  keep_rows: bool = False) -> tuple[list[Any], int, list[str]]:
    """Every partition through the recipe's steps (resampling aside), duplicate rows dropped across partitions
    after the drop step, as ``Recipe.transform`` drops them from the whole dataset. Returns the futures of each
    partition's (frame, notes) on the cluster, the duplicate rows dropped and the steps through drop."""
    # scattered, not a keyword of map: map makes a keyword of over 100 kB (a recipe of many categories) a
    # task named after the keyword ('recipe'), which collides with the next map's
    data = client.scatter(recipe.to_dict(), broadcast=True, hash=False)
    names = [s.name for s in recipe.steps]
    dedup = recipe.drop_duplicate_rows and "drop" in names and not keep_rows  # apply scores every row
    split = names.index("drop") + 1 if dedup else len(names)
    n = len(plan.parts)
    stages = client.map(_before_dedup, plan.parts, [plan.encodings.get(p.path) for p in plan.parts],
                        [typing.types] * n, typing.offsets, [typing.to_float] * n, [typing.to_object] * n,
                        recipe=data, steps=split, missing_values=missing_values, keep_rows=keep_rows, pure=False)
    drops, duplicates = _duplicates(client, stages) if dedup else ([np.zeros(0, np.int64)] * n, 0)
    outs = client.map(_after_dedup, stages, drops, recipe=data, steps=split, keep_rows=keep_rows, pure=False)
    return outs, duplicates, names[:split]


def _duplicates(client: Any, stages: list[Any]) -> tuple[list[np.ndarray], int]:
    """Per partition, the positions of rows that repeat an earlier row of the dataset, and their number."""
    import pandas as pd

    hashes = client.gather(client.map(_row_hashes, stages, pure=False))
    joined = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    ordered = np.sort(joined)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    drops = [np.zeros(0, np.int64)] * len(stages)
    if repeated.size == 0:
        return drops, 0
    candidates = [np.flatnonzero(np.isin(h, repeated)) for h in hashes]
    which = [i for i, c in enumerate(candidates) if c.size]
    rows = client.gather(client.map(_take, [stages[i] for i in which], [candidates[i] for i in which], pure=False))
    duplicated = pd.concat(rows).duplicated().to_numpy()
    start = 0
    for i in which:
        n = candidates[i].size
        drops[i] = candidates[i][duplicated[start:start + n]]
        start += n
    return drops, int(duplicated.sum())


def _after_step_notes(notes: list[str], steps: list[str]) -> int:
    """Where ``dropped … duplicate row(s)`` goes among the notes: after those of the steps through drop."""
    position = 0
    for i, note in enumerate(notes):
        if any(note.startswith(f"{step}:") for step in steps):
            position = i + 1
    return position


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def merge_notes(logs: list[list[str]]) -> list[str]:
    """The partitions' notes as one list, in order of first appearance: each distinct note once, and notes
    that differ only in whole counts (``clipped 3 value(s) … 'age' 3`` in one partition, ``clipped 5 … 'age' 5``
    in another) as one note with the counts summed. Notes naming different columns stay apart."""
    groups: dict[str, list[str]] = {}
    for log in logs:
        for note in log:
            groups.setdefault(_NUMBER.sub("#", note), []).append(note)
    out = []
    for template, notes in groups.items():
        distinct = list(dict.fromkeys(notes))
        numbers = [_NUMBER.findall(n) for n in distinct]
        pieces = template.split("#")
        fixed = [k for k, piece in enumerate(pieces[1:]) if piece.startswith(" column")]  # a count of columns
        if len(distinct) == 1 or any("." in x for row in numbers for x in row) \
                or any(len({row[k] for row in numbers}) > 1 for k in fixed):
            out.extend(distinct)
            continue
        every = [_NUMBER.findall(n) for n in notes]
        sums = [numbers[0][k] if k in fixed else f"{sum(int(row[k].replace(',', '')) for row in every):,}"
                for k in range(len(every[0]))]
        out.append(pieces[0] + "".join(total + piece for total, piece in zip(sums, pieces[1:])))
    return out


def write_parquet_dir(client: Any, frames: list[Any], output: str | os.PathLike[str], *,
                       overwrite: bool) -> list[str]:
    """Write the partitions with ``dask.dataframe.to_parquet`` into a temporary directory beside ``output``,
    then rename it into place (an existing output, with ``overwrite``, is moved aside first and removed).
    The directory and its files get the modes of new ones under this process's umask (0777 and 0666 less
    it), whatever the workers' umask and ``mkdtemp``'s 0700."""
    import dask.dataframe as dd

    from ...io.write import OutputError, create_beside, current_umask

    target = Path(output)
    meta = client.submit(empty_frame, frames[0], pure=False).result()
    frame = dd.from_delayed(frames, meta=meta, verify_meta=False)
    width = max(5, len(str(len(frames))))
    made: list[str] = []  # named before they exist, so that an interrupt at any instant leaves nothing behind
    previous: Path | None = None
    try:
        tmp = Path(create_beside(target, ".tmp", made, directory=True))
        frame.to_parquet(tmp, write_index=False, overwrite=True, write_metadata_file=False,
                         name_function=lambda i: f"part.{i:0{width}d}.parquet", compute_kwargs={"scheduler": client})
        _honour_umask(tmp, current_umask())
        if target.exists() or target.is_symlink():
            previous = Path(create_beside(target, ".old", made, directory=True)) / "previous"
            os.replace(target, previous)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    finally:
        if previous and (previous.exists() or previous.is_symlink()) and not (target.exists() or target.is_symlink()):
            os.replace(previous, target)  # stopped between the two renames: the previous output back in place
        for name in made:
            if os.path.lexists(name):
                shutil.rmtree(name, ignore_errors=True)
    return [str(c) for c in meta.columns]


def _honour_umask(directory: Path, umask: int) -> None:
    """Give ``directory``, the directories under it and their files the modes new ones get under ``umask``."""
    os.chmod(directory, 0o777 & ~umask)
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o777 & ~umask)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666 & ~umask)


def empty_frame(frame: Any) -> Any:
    return frame.iloc[:0]
