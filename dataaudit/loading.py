"""Read a tabular file into a pyarrow Table, keeping text columns as raw text.

CSV cells that are not plainly numeric, boolean or ISO dates stay strings, so the
encoding checks see exactly what the file holds ('$1,234', ' male', '?'), and the
file is read once. Only the empty cell is read as null; 'NA', '?', 'null' stay text
for the missing-value checks to count.
"""

from __future__ import annotations

import csv
import lzma
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.csv as pacsv

if TYPE_CHECKING:
    import pandas as pd

from .arrow_types import normalise_columns, times_as_durations, times_from_text
from .errors import InputError

SNIFF_BYTES = 1 << 20
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
DELIMITERS = ",\t;|"


@dataclass
class LoadedTable:
    """A table plus what was learned reading it (format, encoding, delimiter)."""

    table: pa.Table
    path: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    compression: str | None = None
    renamed_columns: dict[str, str] = field(default_factory=dict)  # new name -> name in the file
    sheet: str | None = None  # the Excel sheet read
    declared_missing: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> declared value -> cells
    rows: int | None = None  # the row count when ``table`` holds only the schema (the stream engine)
    flattened: dict[str, list[str]] = field(default_factory=dict)  # struct column -> its ``parent.child`` columns
    set_aside: dict[str, str] = field(default_factory=dict)  # nested column left out -> its Arrow type
    converted: dict[str, str] = field(default_factory=dict)  # column -> what it was read as (durations)

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"path": self.path, "format": self.format}
        if self.compression:
            info["compression"] = self.compression
        if self.encoding:
            info["encoding"] = self.encoding
        if self.delimiter:
            info["delimiter"] = self.delimiter
        if self.sheet is not None:
            info["sheet"] = self.sheet
        info["rows"] = self.table.num_rows if self.rows is None else self.rows
        info["columns"] = self.table.num_columns
        if self.flattened or self.set_aside:
            info["nested"] = {"flattened": dict(self.flattened), "set_aside": dict(self.set_aside)}
        if self.converted:
            info["converted"] = dict(self.converted)
        return info


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


def load(path: str | os.PathLike[str], *, sheet: str | int | None = None,
         missing_values: Mapping[str, Iterable[Any]] | None = None) -> LoadedTable:
    """Load ``path`` by its extension; raise InputError with one clear sentence on failure.

    ``sheet``: the Excel sheet to read, by name or 0-based position (default: the first).
    ``missing_values``: column -> values that mean "missing" there (the settings' ``missing-values``);
    they are read as empty cells, and ``declared_missing`` counts them (see ``declared_missing``).
    """
    p = Path(path)
    fmt, compression = check_readable(p)
    if sheet is not None and fmt != "excel":
        raise InputError(p, f"a sheet was asked for, but this is a {fmt} file, not an Excel workbook")
    if fmt == "csv":
        loaded = _read_csv(p, compression)
    elif fmt == "excel":
        loaded = _read_excel(p, sheet)
    else:
        loaded = _read_arrow_format(p, fmt)
    loaded.table = normalise_table(loaded)
    if loaded.table.num_columns == 0:
        raise InputError(p, "no columns found" if not loaded.set_aside else
                         "no column holds one value per cell (nested: " + ", ".join(loaded.set_aside) + ")")
    if loaded.table.num_rows == 0:
        raise InputError(p, "no data rows (header only)")
    if missing_values:
        declare_missing(loaded, missing_values)
    return loaded


def declare_missing(loaded: LoadedTable, missing_values: Mapping[str, Iterable[Any]]) -> None:
    """Replace each column's declared missing values by nulls in ``loaded.table``, counting them."""
    from .declared_missing import mark_table

    loaded.table, loaded.declared_missing = mark_table(loaded.table, missing_values)


def open_input(path: Path, compression: str | None) -> Any:
    """A binary input stream of the file, decompressed (shared by every engine's reader)."""
    if compression == "xz":
        return lzma.open(path, "rb")
    return pa.input_stream(str(path), compression=compression)


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


def _read_csv(path: Path, compression: str | None) -> LoadedTable:
    encoding, delimiter = sniff_csv(path, compression)
    try:
        table = _arrow_csv(path, compression, encoding, delimiter)
        if encoding.startswith("utf-8") and any(pa.types.is_binary(f.type) for f in table.schema):
            # pyarrow reads a column with invalid UTF-8 as binary instead of failing
            raise pa.ArrowInvalid("invalid UTF8 data after the sniffed prefix")
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc) and encoding.startswith("utf-8"):
            # The first megabyte was UTF-8 but a later line is not: fall back to cp1252/latin-1.
            encoding = "cp1252"
            try:
                table = _arrow_csv(path, compression, encoding, delimiter)
            except (pa.ArrowInvalid, UnicodeDecodeError):
                encoding = "latin-1"
                table = _arrow_csv_or_raise(path, compression, encoding, delimiter)
        elif "Empty CSV file" in str(exc):
            raise InputError(path, "no data rows (header only)") from None
        else:
            raise InputError(path, f"malformed CSV: {short_error(exc)}") from None
    except (OSError, lzma.LZMAError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {short_error(exc)}") from None
    return LoadedTable(table, str(path), "csv", encoding, delimiter, compression)


def _arrow_csv_or_raise(path: Path, compression: str | None, encoding: str, delimiter: str) -> pa.Table:
    try:
        return _arrow_csv(path, compression, encoding, delimiter)
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"malformed CSV: {short_error(exc)}") from None


def _arrow_csv(path: Path, compression: str | None, encoding: str, delimiter: str) -> pa.Table:
    read = pacsv.ReadOptions(encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
                             block_size=16 << 20)
    parse = pacsv.ParseOptions(delimiter=delimiter)
    convert = pacsv.ConvertOptions(null_values=[""], strings_can_be_null=True,
                                   quoted_strings_can_be_null=True)
    with open_input(path, compression) as stream:
        return pacsv.read_csv(stream, read_options=read, parse_options=parse, convert_options=convert)


def _read_arrow_format(path: Path, fmt: str) -> LoadedTable:
    """Parquet, Feather/Arrow IPC and JSON Lines: typed formats pyarrow reads directly."""
    import pyarrow.feather as feather
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    reader, what = {"parquet": (pq.read_table, "a readable Parquet file"),
                    "feather": (feather.read_table, "a readable Feather/Arrow IPC file"),
                    "jsonl": (pajson.read_json, "readable JSON Lines")}[fmt]
    try:
        table = reader(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not {what}: {short_error(exc)}") from None
    return LoadedTable(times_from_text(table) if fmt == "jsonl" else table, str(path), fmt)


def _read_excel(path: Path, sheet: str | int | None = None) -> LoadedTable:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InputError(path, "reading .xlsx needs the excel extra: pip install 'dataaudit[excel]'") from None
    import pandas as pd

    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            chosen = _sheet_name(path, names, sheet)
            # Only the empty cell is missing, as in a CSV: 'NA' or 'null' text is for the checks to judge.
            frame = pd.read_excel(book, sheet_name=chosen, keep_default_na=False, na_values=[""])
            if frame.empty and sheet is None and len(names) > 1:
                raise InputError(path, f"the first sheet, {chosen!r}, has no data rows; choose one with --sheet "
                                       f"(sheets: {', '.join(names)})")
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types for a bad workbook
        raise InputError(path, f"not a readable Excel workbook: {short_error(exc)}") from None
    for name in frame.columns:
        if frame[name].dtype == object:
            # Mixed Excel cells: keep them as text, like a CSV cell.
            frame[name] = frame[name].astype("str")  # missing cells stay missing
    table = times_from_text(pa.Table.from_pandas(frame, preserve_index=False))  # time cells: times of day
    return LoadedTable(table, str(path), "excel", sheet=chosen)


def _sheet_name(path: Path, names: list[str], sheet: str | int | None) -> str:
    """The sheet to read: by name, by 0-based position (also as text, '1'), or the first."""
    if sheet is None:
        return names[0]
    if str(sheet) in names:
        return str(sheet)
    if isinstance(sheet, int) or str(sheet).isdigit():
        index = int(sheet)
        if 0 <= index < len(names):
            return names[index]
    raise InputError(path, f"no sheet {str(sheet)!r} (sheets: {', '.join(names)})")


def normalise_table(loaded: LoadedTable) -> pa.Table:
    """Unique, non-empty column names, and every column in a plain type (``arrow_types``): structs
    flattened into ``parent.child`` columns, lists and other nested values set aside, durations in seconds.
    What was flattened, set aside or converted is recorded on ``loaded``."""
    table = loaded.table
    names: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(table.column_names):
        name = str(raw).strip() if raw is not None else ""
        if not name:
            name = f"Unnamed: {i}"
        name = _unique(name, seen)
        if name != raw:
            loaded.renamed_columns[name] = str(raw)  # new name -> name in the file
        names.append(name)
    plain = normalise_columns(names, table.columns)
    # flattened children may collide with other columns ('a.b' beside a struct 'a' with a field 'b')
    taken: set[str] = set()
    final = []
    for name in plain.names:
        unique = _unique(name, taken)
        if unique != name:
            loaded.renamed_columns[unique] = name
        final.append(unique)
    loaded.flattened, loaded.set_aside, loaded.converted = plain.flattened, plain.set_aside, plain.converted
    return pa.table(plain.columns, names=final)


def _unique(name: str, seen: set[str]) -> str:
    base, k = name, 1
    while name in seen:
        name = f"{base}.{k}"
        k += 1
    seen.add(name)
    return name


def from_frame(frame: "pd.DataFrame | pa.Table", name: str = "<dataframe>") -> LoadedTable:
    """An in-memory pandas DataFrame or pyarrow Table as a loaded table, normalised as a file's would be."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    loaded = LoadedTable(table, name, "dataframe")
    loaded.table = normalise_table(loaded)
    return loaded


def to_frame(table: pa.Table) -> "pd.DataFrame":
    """Arrow table as pandas: numpy-backed numbers, datetime64 dates, ``str`` text with NaN for missing."""
    import pandas as pd

    mapping = {pa.string(): pd.StringDtype(na_value=float("nan"))}
    return times_as_durations(table).to_pandas(date_as_object=False, types_mapper=mapping.get)


def short_error(exc: BaseException) -> str:
    """An exception's message on one line, at most 300 characters: what an error line quotes of a reader's error."""
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
