"""Read a tabular file into a pyarrow Table, keeping text columns as raw text.

CSV cells that are not plainly numeric, boolean or ISO dates stay strings, so the
encoding checks see exactly what the file holds ('$1,234', ' male', '?'), and the
file is read once. Only the empty cell is read as null; 'NA', '?', 'null' stay text
for the missing-value checks to count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

from ..core.arrow_types import normalise_columns, times_as_durations, times_from_text
from ..core.numfmt import listed
from ..errors import InputError, TargetError, short_error
from .csv import read_csv
from .formats import check_readable

__all__ = ["LoadedTable", "load", "declare_missing", "normalise_table", "from_frame", "to_frame", "check_target"]


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
        table, encoding, delimiter = read_csv(p, compression)
        loaded = LoadedTable(table, str(p), "csv", encoding, delimiter, compression)
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
    from ..core.declared_missing import mark_table

    loaded.table, loaded.declared_missing = mark_table(loaded.table, missing_values)


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


def check_target(table: pa.Table, path: str | os.PathLike[str], target: str | None, *, where: str = "") -> None:
    """TargetError when ``target`` is not a column of ``table`` (its normalised names; ``where``: " in the
    reference" for diff). Every engine checks the target here, as soon as it knows the columns."""
    if target is not None and target not in table.column_names:
        raise TargetError(f"{path}: target column {target!r} not found{where} "
                          f"(columns: {listed(table.column_names, 10)})")


def whole_file_casts(table: pa.Table, nulls: Mapping[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of ``table`` (the whole file's normalised types) that ``to_frame`` types otherwise for a part of
    the file than for the whole: whole numbers and booleans with a missing value somewhere (``nulls``: column ->
    missing values in the whole file) become float and object, as pandas converts the whole column."""
    missing = [f for f in table.schema if nulls.get(f.name)]
    return (tuple(f.name for f in missing if pa.types.is_integer(f.type)),
            tuple(f.name for f in missing if pa.types.is_boolean(f.type)))


def as_whole_file(frame: "pd.DataFrame", offset: int, to_float: Iterable[str], to_object: Iterable[str]) -> "pd.DataFrame":
    """A part of a file (its first row is row ``offset``) as the rows of ``to_frame`` of the whole file: indexed by
    their row numbers, with the dtypes ``whole_file_casts`` names."""
    import pandas as pd

    for name in to_float:
        frame[name] = frame[name].astype("float64")
    for name in to_object:
        frame[name] = frame[name].astype(object)
    frame.index = pd.RangeIndex(offset, offset + len(frame))
    return frame
