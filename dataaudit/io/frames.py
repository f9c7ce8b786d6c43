"""Frames in memory as loaded tables: pandas and polars DataFrames, polars LazyFrames, pyarrow Tables (and the
Dask DataFrames the Dask engine reads), each brought to the ``LoadedTable`` a file's reader gives, so every verb
runs the same code on a path and on a frame.

Nothing here changes the caller's frame: pandas and polars data are read through Arrow (a new table), a target
given as values (scikit-learn's ``X, y``) becomes a column of that new table. polars and Dask are optional: a
frame is recognised by the modules already imported (``sys.modules``), so neither is ever imported to find out
that the data is not theirs.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import os
import sys
import tempfile
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa

from ..errors import DataTypeError, InputError, TargetError, UsageError, short_error
from .read import LoadedTable, declare_missing, load, normalise_table

__all__ = ["KINDS", "ACCEPTED", "DEFAULT_TARGET", "is_path", "frame_kind", "check_data", "frame_name", "load_data",
           "to_table", "like_input", "parquet_dir"]

KINDS = {"pandas": "pandas DataFrame", "polars": "polars DataFrame", "polars-lazy": "polars LazyFrame",
         "arrow": "pyarrow Table", "dask": "Dask DataFrame"}
ACCEPTED = ("a path, a pandas DataFrame, a polars DataFrame or LazyFrame, a pyarrow Table or a Dask DataFrame")
DEFAULT_TARGET = "target"  # the column name of a target given as values without a name
_SCALARS = (str, bytes, bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta,
            np.generic)


def is_path(data: Any) -> bool:
    return isinstance(data, (str, os.PathLike))


def frame_kind(data: Any) -> str | None:
    """``pandas``, ``polars``, ``polars-lazy``, ``arrow``, ``dask`` or None (not a frame dataaudit reads)."""
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        return "arrow"
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(data, pd.DataFrame):
        return "pandas"
    pl = sys.modules.get("polars")  # None when polars is absent (or hidden): then this cannot be a polars frame
    if pl is not None:
        if isinstance(data, pl.DataFrame):
            return "polars"
        if isinstance(data, pl.LazyFrame):
            return "polars-lazy"
    dd = sys.modules.get("dask.dataframe")
    if dd is not None and isinstance(data, dd.DataFrame):
        return "dask"
    return None


def check_data(data: Any, what: str = "data") -> str:
    """The frame kind of ``data``, or "path"; DataTypeError (also a TypeError) for anything else."""
    if is_path(data):
        return "path"
    kind = frame_kind(data)
    if kind is None:
        hint = " (a Series: pass it as target=, the features as a DataFrame)" if _is_series(data) else ""
        raise DataTypeError(f"{what} must be {ACCEPTED}, not {_type_name(data)}{hint}")
    return kind


def frame_name(data: Any) -> str:
    """How a report names an in-memory frame: ``<pandas DataFrame>``."""
    return f"<{KINDS.get(frame_kind(data) or '', _type_name(data))}>"


def load_data(data: Any, *, name: str | None = None, target: Any = None, sheet: str | int | None = None,
              missing_values: Mapping[str, Iterable[Any]] | None = None,
              what: str = "data") -> tuple[LoadedTable, str | None]:
    """A path (``io.read.load``) or an in-memory frame as a loaded table, and the target's column name.

    ``target``: a column name, or values aligned with the rows (a pandas or polars Series, a NumPy array, a
    list, an Arrow array), added as a column (named after the Series, else ``target``). A pandas Series whose
    index holds the frame's index labels in another order is aligned on them; any other is taken row by row,
    as scikit-learn does."""
    kind = check_data(data, what)
    if kind == "path":
        if target is not None and not isinstance(target, str):
            raise TargetError(f"{data}: with a path, target must be a column name, not {_type_name(target)}")
        return load(data, sheet=sheet, missing_values=missing_values), target
    if kind == "dask":
        raise UsageError(f"{what}: a Dask DataFrame is read by the Dask engine, which scan and fix use; here, "
                         "write it with .to_parquet(PATH) and pass the path, or pass .compute()")
    if sheet is not None:
        raise UsageError("sheet is for Excel files, not for a frame in memory")
    name = name or frame_name(data)
    table = to_table(data, kind, name)
    table, target_name = _with_target(table, data, kind, target, name)
    loaded = LoadedTable(table, name, "dataframe")
    loaded.table = normalise_table(loaded)
    if loaded.table.num_columns == 0:
        raise InputError(name, "no column holds one value per cell (nested: " + ", ".join(loaded.set_aside) + ")")
    renamed = {old: new for new, old in loaded.renamed_columns.items()}
    target_name = renamed.get(target_name, target_name) if target_name is not None else None
    if missing_values:
        declare_missing(loaded, missing_values)
    return loaded, target_name


def to_table(data: Any, kind: str, name: str) -> pa.Table:
    """The frame's columns as a new Arrow table (pandas' index is not a column, as in a file); InputError for an
    empty frame, duplicate column names or a column of Python objects that are not values."""
    if kind == "polars-lazy":
        try:
            data = data.collect()
        except Exception as exc:  # polars raises its own errors for a plan that cannot run
            raise InputError(name, f"the LazyFrame could not be collected: {short_error(exc)}") from None
        kind = "polars"
    names = [str(c) for c in (data.columns if kind != "arrow" else data.schema.names)]
    if not names:
        raise InputError(name, "no columns")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(name, f"duplicate column names: {', '.join(map(repr, repeated))} (each column needs "
                               "its own name: rename them first)")
    if kind == "arrow":
        table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
    elif kind == "polars":
        table = _polars_table(data, name)
    else:
        table = _pandas_table(data, name)
    if table.num_rows == 0:
        raise InputError(name, "no rows")
    return table


def _polars_table(frame: Any, name: str) -> pa.Table:
    objects = [c for c, t in frame.schema.items() if str(t) == "Object"]
    if objects:
        raise InputError(name, f"column {objects[0]!r} holds Python objects (polars Object), which are not "
                               "values dataaudit can analyse: convert it to a number, text or date, or drop it")
    try:
        return frame.to_arrow()
    except Exception as exc:  # polars' own error types
        raise InputError(name, f"the polars DataFrame could not be read through Arrow: {short_error(exc)}") from None


def _pandas_table(frame: Any, name: str) -> pa.Table:
    """Each column through Arrow; a column of mixed Python values (numbers and text, as a spreadsheet column can
    be) is read as text, as a CSV cell would be, so the encoding checks see it."""
    arrays, names = [], []
    for position, label in enumerate(frame.columns):
        column = frame.iloc[:, position]
        arrays.append(_pandas_column(column, str(label), name))
        names.append(str(label))
    return pa.Table.from_arrays(arrays, names=names)


def _pandas_column(column: Any, label: str, name: str) -> pa.ChunkedArray:
    try:
        return pa.chunked_array([pa.Array.from_pandas(column)])
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        pass
    values = column.to_numpy(dtype=object, na_value=None)
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    odd = next((v for v in present if not isinstance(v, _SCALARS)), None)
    if odd is not None:
        raise InputError(name, f"column {label!r} holds {type(odd).__name__} objects, which are not values "
                               "dataaudit can analyse: convert it to numbers, text or dates, or drop it")
    return pa.chunked_array([pa.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                                       for v in values], type=pa.string())])


def _with_target(table: pa.Table, data: Any, kind: str, target: Any, name: str) -> tuple[pa.Table, str | None]:
    """The table with the target's values as a column when they were given as values, and its name."""
    if target is None:
        return table, None
    if isinstance(target, str) or np.isscalar(target):  # a column label (a NumPy frame's columns are 0, 1, ...)
        label = str(target)
        if label not in table.column_names:
            shown = ", ".join(table.column_names[:10]) + (", …" if table.num_columns > 10 else "")
            raise TargetError(f"{name}: target column {label!r} not found (columns: {shown})")
        return table, label
    values, label = _target_values(target, data, kind, name)
    if len(values) != table.num_rows:
        raise TargetError(f"{name}: the target has {len(values):,} values but the data has {table.num_rows:,} rows "
                          "(they must be aligned row by row)")
    if label is None:
        label = DEFAULT_TARGET
        k = 1
        while label in table.column_names:
            label, k = f"{DEFAULT_TARGET}.{k}", k + 1
    elif label in table.column_names:
        if _same_values(table.column(label), values):  # df, df["label"]: the frame's own column
            return table, label
        raise TargetError(f"{name}: the target is named {label!r}, like a column of the data that holds other "
                          f"values: rename the Series, or pass target={label!r} to use the column")
    return table.append_column(label, values), label


def _same_values(column: pa.ChunkedArray, values: pa.ChunkedArray) -> bool:
    """Whether ``values`` hold the column's values (a pandas Series beside a polars frame: other string types)."""
    try:
        return column.equals(values if values.type == column.type else values.cast(column.type))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False


def _target_values(target: Any, data: Any, kind: str, name: str) -> tuple[pa.ChunkedArray, str | None]:
    """The target's values as Arrow, and its own name (None when it has none)."""
    module = type(target).__module__
    label = None
    try:
        if _is_series(target) and module.startswith("pandas"):
            label = None if target.name is None else str(target.name)
            if kind == "pandas" and not target.index.equals(data.index) and len(target) == len(data) \
                    and target.index.is_unique and set(target.index) == set(data.index):
                target = target.reindex(data.index)  # the same rows in another order: align on the labels
            values = _pandas_column(target.reset_index(drop=True), label or DEFAULT_TARGET, name)
        elif module.startswith("polars"):
            label = target.name or None
            values = pa.chunked_array([target.to_arrow()])
        elif isinstance(target, (pa.Array, pa.ChunkedArray)):
            values = target if isinstance(target, pa.ChunkedArray) else pa.chunked_array([target])
        else:
            array = np.asarray(target, dtype=object if isinstance(target, (list, tuple)) else None)
            if array.ndim == 2 and array.shape[1] == 1:
                array = array[:, 0]
            if array.ndim != 1:
                raise TargetError(f"{name}: the target must be one column of values, not an array of shape "
                                  f"{array.shape}")
            values = _pandas_column(_series(array), DEFAULT_TARGET, name)
    except (TargetError, InputError):
        raise
    except Exception as exc:
        raise TargetError(f"{name}: target must be a column name or values aligned with the rows (a Series, an "
                          f"array, a list), not {_type_name(target)}: {short_error(exc)}") from None
    return values, label


def _series(array: np.ndarray) -> Any:
    import pandas as pd

    return pd.Series(array)


def _is_series(value: Any) -> bool:
    return type(value).__name__ == "Series" and type(value).__module__.split(".")[0] in ("pandas", "polars")


def _type_name(value: Any) -> str:
    module = type(value).__module__.split(".")[0]
    return f"{module}.{type(value).__qualname__}" if module != "builtins" else type(value).__qualname__


def like_input(frame: Any, kind: str) -> Any:
    """A pandas result in the kind of the input frame where converting is cheap: polars (a LazyFrame stays
    lazy), a pyarrow Table; pandas otherwise."""
    if kind in ("polars", "polars-lazy"):
        import polars as pl

        out = pl.from_pandas(frame)
        return out.lazy() if kind == "polars-lazy" else out
    if kind == "arrow":
        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame


@contextlib.contextmanager
def parquet_dir(frame: Any) -> Iterator[str]:
    """A Dask DataFrame's partitions written (by Dask, on the frame's own scheduler) to a temporary Parquet
    directory, one file per partition, for the Dask engine to read; removed afterwards. The index is not
    written: it is not a column, as with pandas."""
    with tempfile.TemporaryDirectory(prefix="dataaudit-dask-") as tmp:
        path = os.path.join(tmp, "data.parquet")
        try:
            frame.to_parquet(path, write_index=False)
        except Exception as exc:  # dask and pyarrow raise many types for a frame they cannot write
            raise InputError("<Dask DataFrame>", f"its partitions could not be written as Parquet: "
                                                 f"{short_error(exc)}") from None
        yield path
