"""File formats: the suffixes dataaudit reads, the format and compression of a path, and its input stream."""

from __future__ import annotations

import lzma
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import InputError

__all__ = ["CSV_SUFFIXES", "COMPRESSION_SUFFIXES", "FORMAT_BY_SUFFIX", "detect_format", "check_readable",
           "open_input"]

CSV_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".dat"}
COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd", ".xz": "xz"}
FORMAT_BY_SUFFIX = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "excel",
    ".xlsm": "excel",
}

def detect_format(path: Path) -> tuple[str, str | None]:
    """(format, compression) from the file name; unknown suffixes are tried as CSV."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = None
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        compression = COMPRESSION_SUFFIXES[suffixes.pop()]
    last = suffixes[-1] if suffixes else ""
    if compression is None and last in FORMAT_BY_SUFFIX:
        return FORMAT_BY_SUFFIX[last], None
    return "csv", compression


def check_readable(p: Path) -> tuple[str, str | None]:
    """(format, compression) of a file that exists, is readable and is not empty; else InputError."""
    if not p.exists():
        raise InputError(p, "no such file")
    if p.is_dir():
        raise InputError(p, "is a directory, not a data file")
    if not os.access(p, os.R_OK):
        raise InputError(p, "permission denied")
    if p.stat().st_size == 0:
        raise InputError(p, "file is empty")
    return detect_format(p)


def open_input(path: Path, compression: str | None) -> Any:
    """A binary input stream of the file, decompressed (shared by every engine's reader)."""
    if compression == "xz":
        return lzma.open(path, "rb")
    return pa.input_stream(str(path), compression=compression)
