"""The stream engine: a file read as Arrow record batches, each batch's statistics merged, in bounded memory.

What is kept for the whole file: 20 bytes per row (missing cells, row hash, target hash: duplicate rows
and conflicting labels stay exact), each numeric column's sorted values thinned to ``MAX_VALUES`` (medians,
MADs, quantiles and outlier bounds become estimates within about 1/``MAX_VALUES`` in rank; the exact
minimum and maximum are kept), a HyperLogLog sketch per column (distinct counts ±0.8%), the distinct
strings of text columns with their counts up to ``MAX_TEXT_VALUES`` (past it a summary: tokens, frequent
values, a hash sample, numbers parsed batch by batch; see ``TextStats.compact``), and the row sample.
Everything else (counts, nulls, moments, extremes) is exact. ``engine_note`` says which of the report's
numbers are estimates.

CSV batches come from ``pyarrow.csv.open_csv``, which fixes each column's type from the first block; a
later value that does not fit (an '?' in a number column) restarts the read with that column widened
(whole numbers to float, anything else to text), as the in-memory reader would have typed it.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .allocator import limit_heap_fragmentation
from .errors import InputError, TargetError
from .hashing import bottom_k, row_priority
from .loading import (
    LoadedTable,
    check_readable,
    normalise_table,
    open_input,
    short_error,
    sniff_csv,
)
from .progress import NO_PROGRESS, Progress
from .stats import DatasetStats, chunk_stats

BATCH_BYTES = 16 << 20  # Arrow data per batch the statistics see
CSV_BLOCK_BYTES = 1 << 20  # CSV text per read block: pyarrow's reader holds many at once (4 MB blocks: +230 MB, 32 MB: +1.3 GB)
PARQUET_BATCH_ROWS = 262_144
MAX_VALUES = 1 << 17  # sorted values kept per numeric column (per merge level: memory ~ columns × 1 MB × levels)
MAX_TEXT_VALUES = 1 << 16  # distinct strings kept per text column past which it is summarised (TextStats.compact)
# pyarrow's message when a later value does not fit a column's type (also read by the Dask engine)
# pyarrow names the row too ("Row #5997: ") when its reader knows row numbers, e.g. read without threads
CONVERSION_ERROR = re.compile(r"CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to (.+?): invalid value '(.*)'",
                              re.S)


@dataclass
class StreamedFile:
    """What was learned opening a file for streaming: its format, CSV dialect and column names."""

    path: Path
    format: str
    compression: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    column_types: dict[str, pa.DataType] = field(default_factory=dict)  # CSV columns widened after a conflict

    def batches(self) -> Iterator[pa.Table]:
        """The file as tables of about ``BATCH_BYTES`` each, in file order, read one batch ahead in a thread
        (parsing releases the GIL, so reading overlaps the statistics of the batch before)."""
        return _read_ahead(self._grouped())

    def _grouped(self) -> Iterator[pa.Table]:
        pending: list[pa.Table] = []
        size = 0
        for table in self._read():
            pending.append(table)
            size += table.nbytes
            if size >= BATCH_BYTES:
                yield pa.concat_tables(pending)
                pending, size = [], 0
        if pending:
            yield pa.concat_tables(pending)

    def _read(self) -> Iterator[pa.Table]:
        if self.format == "csv":
            yield from self._csv_batches()
        elif self.format == "parquet":
            import pyarrow.parquet as pq

            with pq.ParquetFile(self.path) as parquet:
                for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                    yield pa.Table.from_batches([batch])
        elif self.format == "feather":
            with pa.memory_map(str(self.path)) as source:
                reader = pa.ipc.open_file(source)
                for i in range(reader.num_record_batches):
                    yield pa.Table.from_batches([reader.get_batch(i)])
        elif self.format == "jsonl":
            import pyarrow.json as pajson

            with pajson.open_json(self.path, read_options=pajson.ReadOptions(block_size=BATCH_BYTES)) as reader:
                for batch in reader:
                    yield pa.Table.from_batches([batch])
        else:
            raise InputError(self.path, f"the stream engine does not read {self.format} files; use --engine pandas")

    def _csv_batches(self) -> Iterator[pa.Table]:
        read = pacsv.ReadOptions(encoding="utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding,
                                 block_size=min(CSV_BLOCK_BYTES, BATCH_BYTES))
        convert = pacsv.ConvertOptions(null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
                                       column_types=self.column_types)
        with open_input(self.path, self.compression) as stream:
            reader = pacsv.open_csv(stream, read_options=read, parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
                                    convert_options=convert)
            for batch in reader:
                yield pa.Table.from_batches([batch])

    def widen(self, error: Exception, names: list[str], schema: pa.Schema) -> bool:
        """After a conversion error: widen the column it names (whole numbers to float, else to text);
        False when the error is not a conversion error."""
        match = CONVERSION_ERROR.search(str(error))
        if not match or int(match.group(1)) >= len(names):
            return False
        position = int(match.group(1))
        name, current = names[position], schema.field(position).type
        self.column_types[name] = pa.float64() if pa.types.is_integer(current) and _is_float(match.group(3)) \
            else pa.string()
        return True


def _read_ahead(batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``batches`` produced by a thread one item ahead; its exceptions are raised here, in order."""
    queue: Queue = Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put((None, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            queue.put((None, exc))

    worker = threading.Thread(target=produce, name="dataaudit-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is None:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting to put, then let it finish
            try:
                queue.get_nowait()
            except Empty:
                pass
            worker.join(timeout=0.1)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def open_stream(path: str | os.PathLike[str]) -> StreamedFile:
    """Sniff ``path`` as ``loading.load`` does (format, compression, encoding, delimiter), reading nothing more."""
    p = Path(path)
    fmt, compression = check_readable(p)
    if fmt != "csv":
        return StreamedFile(p, fmt, compression)
    return StreamedFile(p, "csv", compression, *sniff_csv(p, compression))


@dataclass
class StatsAccumulator:
    """Merged statistics so far. Per-row arrays are kept as lists and joined once; batches are merged like
    a binary counter (two of a size make one of the next), so each value takes part in log(batches)
    merges and a text column with millions of distinct values does not cost batches × distinct."""

    sample_size: int
    max_values: int
    max_text_values: int = MAX_TEXT_VALUES
    rows: int = 0
    levels: list[tuple[int, DatasetStats]] = field(default_factory=list)
    sample: pa.Table | None = None
    row_missing: list[np.ndarray] = field(default_factory=list)
    row_hash: list[np.ndarray] = field(default_factory=list)
    target_hash: list[np.ndarray] = field(default_factory=list)

    def add(self, chunk: DatasetStats) -> None:
        self.row_missing.append(chunk.row_missing)
        self.row_hash.append(chunk.row_hash)
        if chunk.target_hash is not None:
            self.target_hash.append(chunk.target_hash)
        self.rows += chunk.rows
        # One running row sample (the rows of lowest priority so far), not one per level of the merge.
        self.sample = chunk.sample if self.sample is None else \
            bottom_k(pa.concat_tables([self.sample, chunk.sample]), self.sample_size)
        self.levels.append((0, self.compact(DatasetStats(chunk.rows, chunk.columns, np.zeros(0, np.int32),
                                                          np.zeros(0, np.uint64), None, chunk.column_digest,
                                                          chunk.sample.slice(0, 0), chunk.sample_size))))
        while len(self.levels) >= 2 and self.levels[-1][0] == self.levels[-2][0]:
            (level, b), (_, a) = self.levels.pop(), self.levels.pop()
            self.levels.append((level + 1, self._merge(a, b)))

    def sample_threshold(self) -> int | None:
        """Row priority a new row must be below to enter the running sample (None: any row can)."""
        if self.sample is None or self.sample.num_rows < self.sample_size:
            return None
        return int(row_priority(self.sample.column("__row__").to_numpy().astype(np.int64)).max())

    def _merge(self, a: DatasetStats, b: DatasetStats) -> DatasetStats:
        return self.compact(a.merge(b))  # levels hold no per-row arrays and no sample: both stay empty

    def compact(self, stats: DatasetStats) -> DatasetStats:
        """``stats`` within the accumulator's bounds (in place); compacting twice changes nothing more, so
        the Dask engine's workers compact before sending and the client's merge compacts again."""
        for col in stats.columns.values():
            if col.numeric is not None and col.numeric.values.size > self.max_values:
                col.numeric = col.numeric.compact(self.max_values)
            if col.text is not None:
                col.text = col.text.compact(self.max_text_values)
                numbers = col.text.numbers.stats if col.text.numbers is not None else None
                if numbers is not None and numbers.values.size > self.max_values:
                    col.text.numbers.stats = numbers.compact(self.max_values)
        return stats

    def result(self) -> DatasetStats:
        stats = self.levels[-1][1]
        for _, earlier in reversed(self.levels[:-1]):  # merged in file order: first rows first
            stats = self._merge(earlier, stats)
        target_hash = _join(self.target_hash) if self.target_hash else None
        return DatasetStats(self.rows, stats.columns, _join(self.row_missing), _join(self.row_hash), target_hash,
                            stats.column_digest, self.sample, stats.sample_size)


def _join(parts: list[np.ndarray]) -> np.ndarray:
    """The parts as one array, each part freed once copied (the list is emptied)."""
    out = np.empty(sum(p.size for p in parts), dtype=parts[0].dtype)
    start = 0
    while parts:
        part = parts.pop(0)
        out[start:start + part.size] = part
        start += part.size
    return out


def stream_stats(
    path: str | os.PathLike[str],
    *,
    target: str | None = None,
    sample_size: int = 100_000,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    max_values: int | None = None,
    progress: Progress = NO_PROGRESS,
    source: StreamedFile | None = None,
) -> tuple[LoadedTable, DatasetStats]:
    """Statistics of the whole file, read batch by batch; the LoadedTable holds its schema, not its rows.
    ``max_values``: sorted values kept per numeric column (default ``MAX_VALUES``). ``source``: the
    ``open_stream(path)`` to read through (default: a new one); afterwards it holds the CSV column types
    widened and the encoding that worked, so a second pass (``fix --engine stream``) reads the same types."""
    source = open_stream(path) if source is None else source
    limit_heap_fragmentation()
    max_values = MAX_VALUES if max_values is None else max_values
    fallbacks = ["cp1252", "latin-1"]  # the first megabyte was UTF-8 but a later line is not
    while True:  # a type conflict in a later batch restarts the read with that column widened
        try:
            result = _stream(source, target, sample_size, missing_values, max_values, progress)
        except pa.ArrowInvalid as exc:
            if "Empty CSV file" in str(exc):
                raise InputError(source.path, "no data rows (header only)") from None
            if source.format == "csv" and "invalid UTF8" in str(exc) and fallbacks \
                    and source.encoding not in ("cp1252", "latin-1"):
                source.encoding = fallbacks.pop(0)
                continue
            raise InputError(source.path, f"malformed {source.format}: {short_error(exc)}") from None
        except UnicodeDecodeError as exc:
            if source.format == "csv" and fallbacks:
                source.encoding = fallbacks.pop(0)
                continue
            raise InputError(source.path, f"cannot read: {short_error(exc)}") from None
        except OSError as exc:
            raise InputError(source.path, f"cannot read: {short_error(exc)}") from None
        if result is not None:
            return result


def _stream(source: StreamedFile, target: str | None, sample_size: int,
            missing_values: Mapping[str, Iterable[Any]] | None, max_values: int,
            progress: Progress) -> tuple[LoadedTable, DatasetStats] | None:
    """One pass; None when a CSV column had to be widened (the caller reads again)."""
    from .declared_missing import add_counts, mark_table

    acc = StatsAccumulator(sample_size, max_values, MAX_TEXT_VALUES)
    loaded: LoadedTable | None = None
    declared: dict[str, dict[str, int]] = {}
    raw_names: list[str] = []  # the file's own column names and types, for widen()
    schema: pa.Schema | None = None
    batches = source.batches()
    while True:
        try:
            raw = next(batches)
        except StopIteration:
            break
        except pa.ArrowInvalid as exc:
            if schema is not None and source.format == "csv" and source.widen(exc, raw_names, schema):
                return None
            raise
        if loaded is None:
            raw_names, schema = list(raw.column_names), raw.schema
            loaded = LoadedTable(raw.slice(0, 0), str(source.path), source.format, source.encoding,
                                 source.delimiter, source.compression)
            loaded.table = normalise_table(loaded)
            if target is not None and target not in loaded.table.column_names:
                raise TargetError(f"{loaded.path}: target column {target!r} not found "
                                  f"(columns: {', '.join(loaded.table.column_names[:10])}"
                                  f"{', …' if loaded.table.num_columns > 10 else ''})")
        table = normalise_table(LoadedTable(raw, loaded.path, loaded.format))
        if missing_values:
            table, counts = mark_table(table, missing_values)
            add_counts(declared, counts)
        acc.add(chunk_stats(table, row_offset=acc.rows, target=target, sample_size=sample_size, sketch=True,
                            sample_below=acc.sample_threshold()))
        progress.advance(raw.num_rows)
    if loaded is None or acc.rows == 0:
        raise InputError(source.path, "no data rows (header only)")
    loaded.rows = acc.rows
    loaded.declared_missing = declared
    return loaded, acc.result()


def engine_note(profile: Any) -> dict[str, Any]:
    """The report's ``dataset.engine``: which statistics are estimates (of a DatasetProfile), and how close."""
    thinned = {name: col.numeric for name, col in profile.columns.items()
               if col.numeric is not None and not col.numeric.exact and col.numeric.histogram is None}
    summarised = [name for name, col in profile.columns.items()
                  if col.stats.text is not None and col.stats.text.summarised]
    note: dict[str, Any] = {"name": "stream"}
    what = []
    if thinned:
        worst = max(numeric.weight for numeric in thinned.values())
        what.append("medians, MADs, quantiles and outlier bounds from every "
                    f"{worst:,}th sorted value (rank error ≤ {worst / max(profile.rows, 1):.1e})")
    if summarised:
        what.append("text columns summarised by their missing-like tokens, most frequent values and a hash "
                    "sample of the rest (exact counts), so their encoding checks read those values")
    if thinned or summarised:
        what.append("distinct counts from a HyperLogLog sketch (±0.8%)")
        note["estimated"] = {"columns": sorted({*thinned, *summarised}), "what": "; ".join(what)}
    return note
