"""The plan (on the client): the files in sorted order, each cut into partitions. A CSV is cut into byte ranges of
about ``BLOCK_BYTES`` that start at line starts, each parsed with the file's header line in front; a compressed or
UTF-16 CSV, Feather or JSON Lines file is one partition; Parquet is cut by row groups."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ...errors import (
    InputError,
    UsageError,
    short_error,
)
from ...io.csv import sniff_csv
from ...io.formats import check_readable

__all__ = ["BLOCK_BYTES", "MIN_BLOCK_BYTES", "Part", "Plan", "source_files", "plan_partitions"]

BLOCK_BYTES = 64 << 20  # CSV bytes (Parquet: uncompressed row-group bytes) per partition, at most


MIN_BLOCK_BYTES = 4 << 20  # ... and at least, when a file is cut so every worker gets two partitions


@dataclass(frozen=True)
class Part:
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
class Plan:
    source: str
    parts: list[Part]
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


def plan_partitions(source: str | os.PathLike[str], workers: int) -> Plan:
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
    plan = Plan(os.fspath(source), [], {}, fmt)
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
            plan.parts.append(Part(str(f), fmt, rows=_feather_rows(f)))
        else:
            plan.parts.append(Part(str(f), fmt))
    plan.counts = [p.rows for p in plan.parts]  # known from metadata; the workers count the rest
    return plan


def _csv_parts(path: Path, compression: str | None, encoding: str, delimiter: str, block: int) -> list[Part]:
    """Byte ranges of about ``block`` bytes, each starting at a line start, after the header line."""
    whole = [Part(str(path), "csv", compression, delimiter)]
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
    return [Part(str(path), "csv", None, delimiter, header_end, a, b)
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


def _parquet_parts(path: Path, block: int) -> list[Part]:
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
            parts.append(Part(str(path), "parquet", row_groups=tuple(groups), rows=rows))
            groups, size, rows = [], 0, 0
    if groups or not parts:
        parts.append(Part(str(path), "parquet", row_groups=tuple(groups), rows=rows))
    return parts


def _feather_rows(path: Path) -> int | None:
    try:
        with pa.memory_map(str(path)) as source:
            reader = pa.ipc.open_file(source)
            return sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Feather/Arrow IPC file: {short_error(exc)}") from None
