"""Delimited text: sniffing the encoding and the delimiter, and reading a whole CSV file with pyarrow.

CSV cells that are not plainly numeric, boolean or ISO dates stay strings, so the encoding checks see exactly
what the file holds ('$1,234', ' male', '?'). Only the empty cell is read as null; 'NA', '?', 'null' stay text
for the missing-value checks to count.
"""

from __future__ import annotations

import csv
import lzma
from pathlib import Path
from typing import Mapping

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError, short_error
from .formats import open_input

__all__ = ["SNIFF_BYTES", "DELIMITERS", "sniff_csv", "read_csv", "READ_BLOCK_BYTES", "ENCODING_FALLBACKS",
           "read_options", "convert_options", "next_encoding", "encoding_failed", "check_text"]

SNIFF_BYTES = 1 << 20
DELIMITERS = ",\t;|"


def _sample(path: Path, compression: str | None) -> bytes:
    try:
        with open_input(path, compression) as stream:
            return stream.read(SNIFF_BYTES)
    except (OSError, lzma.LZMAError, pa.ArrowException) as exc:
        raise InputError(path, f"cannot decompress ({compression}): {short_error(exc)}") from None


def _detect_encoding(sample: bytes) -> str:
    """utf-8 (with or without BOM), utf-16 by BOM, else cp1252, else latin-1 (never fails)."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            # A multi-byte character may be cut at the end of the sample.
            _decode_prefix(sample, encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _decode_prefix(sample: bytes, encoding: str) -> str:
    if len(sample) < SNIFF_BYTES:
        return sample.decode(encoding)
    for cut in range(4):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            if cut == 3:
                raise
    raise AssertionError("unreachable")


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding == "utf-16":
        return False
    head = sample[:65536]
    if b"\x00" in head:
        return True
    control = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    return control > 0.01 * max(len(head), 1)


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in {".tsv", ".tab"}:
        return "\t"
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def sniff_csv(path: Path, compression: str | None) -> tuple[str, str]:
    """(encoding, delimiter) of a delimited text file, from its first megabyte; InputError for binary data."""
    sample = _sample(path, compression)
    if not sample.strip():
        raise InputError(path, "file is empty")
    encoding = _detect_encoding(sample)
    if _looks_binary(sample, encoding):
        raise InputError(path, "binary data (NUL or control bytes), not delimited text")
    text = _decode_prefix(sample, "utf-8" if encoding == "utf-8-sig" else encoding)
    suffix = (Path(path.stem) if compression else path).suffix.lower()
    return encoding, _sniff_delimiter(text.lstrip("\ufeff"), suffix)


def read_csv(path: Path, compression: str | None) -> tuple[pa.Table, str, str]:
    """The whole file as a table, with the encoding that read it and the delimiter."""
    encoding, delimiter = sniff_csv(path, compression)
    while True:
        try:
            with open_input(path, compression) as stream:
                table = pacsv.read_csv(stream, read_options=read_options(encoding),
                                       parse_options=pacsv.ParseOptions(delimiter=delimiter),
                                       convert_options=convert_options())
            check_text(table, encoding)
            return table, encoding, delimiter
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if encoding_failed(exc, encoding) and next_encoding(encoding):
                encoding = next_encoding(encoding)  # the first megabyte was text in it, a later line is not
                continue
            if isinstance(exc, UnicodeDecodeError):
                raise InputError(path, f"cannot read: {short_error(exc)}") from None
            if "Empty CSV file" in str(exc):
                raise InputError(path, "no data rows (header only)") from None
            raise InputError(path, f"malformed CSV: {short_error(exc)}") from None
        except (OSError, lzma.LZMAError) as exc:
            raise InputError(path, f"cannot read: {short_error(exc)}") from None


# --------------------------------------------------------------- what every engine's CSV reader shares

READ_BLOCK_BYTES = 16 << 20  # pyarrow's block size for a CSV read whole (the stream engine reads smaller blocks)
ENCODING_FALLBACKS = {"utf-8": "cp1252", "utf-8-sig": "cp1252", "cp1252": "latin-1"}


def read_options(encoding: str | None, block_size: int = READ_BLOCK_BYTES) -> pacsv.ReadOptions:
    """pyarrow's read options for a CSV in ``encoding`` (UTF-8 read natively, any other transcoded)."""
    options = {} if encoding is None else {"encoding": "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding}
    return pacsv.ReadOptions(block_size=block_size, **options)


def convert_options(column_types: Mapping[str, pa.DataType] | None = None) -> pacsv.ConvertOptions:
    """Only the empty cell is null: 'NA', '?' and 'null' stay text for the missing-value checks to count."""
    return pacsv.ConvertOptions(null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
                                column_types=dict(column_types or {}))


def next_encoding(encoding: str | None) -> str | None:
    """The encoding to read a CSV in again when ``encoding`` failed after the sniffed first megabyte
    (UTF-8 → cp1252 → latin-1, which never fails); None when there is none left to try."""
    return ENCODING_FALLBACKS.get(encoding or "")


def encoding_failed(error: BaseException, encoding: str | None) -> bool:
    """Whether a CSV read in ``encoding`` failed on bytes that are not text in it (not on malformed CSV)."""
    if isinstance(error, UnicodeDecodeError):
        return True
    return isinstance(error, pa.ArrowInvalid) and "UTF8" in str(error) and (encoding or "").startswith("utf-8")


def check_text(table: pa.Table, encoding: str | None) -> None:
    """pyarrow reads a UTF-8 column holding invalid UTF-8 as binary instead of failing: fail as it would."""
    if (encoding or "").startswith("utf-8") and any(pa.types.is_binary(f.type) for f in table.schema):
        raise pa.ArrowInvalid("invalid UTF8 data after the sniffed prefix")
