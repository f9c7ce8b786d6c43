"""Write outputs atomically: a temporary file in the target directory, then os.replace."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import DataAuditError

__all__ = ["safe_note", "OutputError", "check_not_input", "current_umask", "create_beside", "atomic_path", "write_text_atomic",
           "FRAME_FORMATS", "frame_format", "check_frame_output", "FORMULA_START", "spreadsheet_safe",
           "PARQUET_ROWS", "CSV_ROWS", "write_frame_atomic"]


class OutputError(DataAuditError):
    """The output cannot be written (bad directory, permission, or it is an input file)."""


def check_not_input(output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse to write over an input, whatever the spelling or symlink that names it."""
    out = Path(output)
    for src in inputs:
        src_path = Path(src)
        if out.exists() and src_path.exists() and os.path.samefile(out, src_path):
            raise OutputError(f"{output}: refusing to overwrite the input file {src}")
        if out.resolve() == src_path.resolve():
            raise OutputError(f"{output}: refusing to overwrite the input file {src}")


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux's /proc/self/status):
    setting it to read it back would, for that instant, give files other threads create the wrong mode."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def create_beside(target: Path, suffix: str, made: list[str], *, directory: bool = False) -> str:
    """Create a new, empty file (or ``directory``) with a random name beside ``target``, with the mode any
    new file gets (0666, or 0777 for a directory, less the umask; ``tempfile.mkstemp``'s 0600 would survive
    the rename and leave the output unreadable to the group and others).

    The name is appended to ``made`` *before* the file exists, so a caller whose ``finally`` removes what
    ``made`` names covers every instant, even a KeyboardInterrupt landing just after the creation."""
    parent = target.parent if str(target.parent) else Path(".")
    for _ in range(100):
        made.append(os.path.join(parent, f".{target.name}.{secrets.token_hex(5)}{suffix}"))
        try:
            if directory:
                os.mkdir(made[-1], 0o777)
            else:
                os.close(os.open(made[-1], os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0),
                                 0o666))
            return made[-1]
        except FileExistsError:
            made.pop()  # someone else's: not ours to remove
    raise FileExistsError(f"no free temporary name beside {target}")


@contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``, else remove it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: directory {directory} does not exist")
    made: list[str] = []
    try:
        tmp = create_beside(target, ".tmp", made)
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        for name in made:
            if os.path.lexists(name):
                os.unlink(name)


def atomic_path(path: str | os.PathLike[str]):
    """A context manager yielding a temporary path beside ``path``, for output written in pieces (``fix
    --engine stream``): renamed over ``path`` when the block ends normally, removed when it raises."""
    return _atomic(path)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 so that readers see the old file or the whole new one, never a part."""
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


FRAME_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".feather": "feather",
                 ".arrow": "feather", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def frame_format(path: str | os.PathLike[str]) -> str:
    """The output format named by the file extension (csv, parquet, feather, jsonl)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FRAME_FORMATS:
        raise OutputError(f"{path}: cannot tell the output format from {suffix or 'no extension'!r} "
                          f"(use {', '.join(sorted(set(FRAME_FORMATS)))})")
    return FRAME_FORMATS[suffix]


def check_frame_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Fail early, before any work: an output extension we cannot write, or a file we may not replace."""
    frame_format(path)
    if Path(path).exists() and not overwrite:
        raise OutputError(f"{path}: already exists (use --overwrite to replace it)")


FORMULA_START = r"^[=+\-@\t\r]"  # what a spreadsheet may run as a formula (OWASP CSV injection)


def spreadsheet_safe(frame):
    """A copy of ``frame`` whose text cells that a spreadsheet would run as formulas ('=…', '+…', '-…', '@…',
    tab, carriage return) start with a ' instead, and how many cells per column were changed."""
    import pandas as pd

    out = frame.copy()
    changed: dict[str, int] = {}
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        text = series.astype("str")
        risky = text.str.contains(FORMULA_START, regex=True, na=False).to_numpy(dtype=bool) & series.notna().to_numpy()
        if risky.any():
            out[col] = series.astype(object).where(~risky, "'" + text)
            changed[str(col)] = int(risky.sum())
    return out, changed


PARQUET_ROWS = 1024 * 1024  # pyarrow's default row group: a larger frame is converted and written a group at a time
CSV_ROWS = 65_536  # a CSV is written in slices of this many rows


def write_frame_atomic(frame, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write a pandas frame by extension into a temporary file beside ``path``, then rename it over.

    A Parquet or CSV output larger than one slice (``PARQUET_ROWS``, ``CSV_ROWS``) is converted to Arrow and
    written a slice at a time, with the whole frame's schema, rather than as one Arrow copy of the frame: the file
    is the same (Parquet's row groups are its default ones; the CSV writer writes in batches anyway)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    check_frame_output(path, overwrite=overwrite)
    fmt = frame_format(path)
    with _atomic(path) as tmp:
        if fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif fmt == "csv" and len(frame) > CSV_ROWS:
            schema = pa.Schema.from_pandas(frame, preserve_index=False)
            with pacsv.CSVWriter(tmp, schema) as writer:
                for part in _arrow_slices(frame, schema, CSV_ROWS):
                    writer.write_table(part)
        elif fmt == "csv":
            pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        elif fmt == "parquet" and len(frame) > PARQUET_ROWS:
            schema = pa.Schema.from_pandas(frame, preserve_index=False)
            with pq.ParquetWriter(tmp, schema) as writer:
                for part in _arrow_slices(frame, schema, PARQUET_ROWS):
                    writer.write_table(part)
        elif fmt == "parquet":
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
        else:
            feather.write_feather(pa.Table.from_pandas(frame, preserve_index=False), tmp)


def _arrow_slices(frame, schema, rows: int):
    """``frame`` as Arrow tables of ``rows`` rows, each of ``schema`` (the whole frame's), one at a time."""
    import pyarrow as pa

    for start in range(0, len(frame), rows):
        part = pa.Table.from_pandas(frame.iloc[start:start + rows], schema=schema, preserve_index=False)
        yield part.replace_schema_metadata(schema.metadata)


def safe_note(changed: dict[str, int]) -> str:
    """The log's note on a spreadsheet-safe CSV: which cells got a ' (``spreadsheet_safe``'s counts)."""
    if not changed:
        return "spreadsheet-safe CSV: no text cell looked like a formula."
    return "spreadsheet-safe CSV: a ' was put before " + ", ".join(
        f"{n:,} cell(s) of `{c}`" for c, n in changed.items()) + " that a spreadsheet would run as formulas."
