"""The stream engine: a file read as Arrow record batches, each batch's statistics merged, in bounded memory.

What is kept for the whole file: 20 bytes per row (missing cells, row hash, target hash: duplicate rows
and conflicting labels stay exact), each numeric column's sorted values thinned to ``MAX_VALUES`` (medians,
MADs, quantiles and outlier bounds become estimates within about 1/``MAX_VALUES`` in rank; the exact
minimum and maximum are kept), a HyperLogLog sketch per column (distinct counts ±0.8%), the distinct
strings of text columns with their counts up to ``MAX_TEXT_VALUES`` (past it a summary: tokens, frequent
values, a hash sample, numbers parsed batch by batch; see ``TextStats.compact``), and the row sample.
Everything else (counts, nulls, moments, extremes) is exact. ``engine_note`` says which of the report's
numbers are estimates.

The batches come from ``io.batches``; the merging from ``core.accumulate.StatsAccumulator``.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterable, Mapping

import pyarrow as pa

from ..core import accumulate
from ..core.accumulate import StatsAccumulator
from ..core.declared_missing import add_counts, mark_table
from ..core.parallel import one_blas_thread
from ..core.stats import DatasetStats, chunk_stats
from ..errors import InputError, short_error
from ..io.batches import StreamedFile, open_stream
from ..io.csv import encoding_failed, next_encoding
from ..io.read import LoadedTable, check_target, normalise_table
from ..progress import NO_PROGRESS, Progress
from .allocator import limit_heap_fragmentation

__all__ = ["read_stats", "stream_stats", "engine_note", "note"]

_MERGER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dataaudit-merge")  # one merge at a time, in order


def read_stats(path: str | os.PathLike[str], *, progress: Progress = NO_PROGRESS, sheet: None = None,
               scheduler: None = None, **options: Any) -> tuple[LoadedTable, DatasetStats]:
    """The scan engine interface (``engines.base``): ``stream_stats`` (``options``: target, sample_size, missing_values)."""
    progress.stage("read and statistics")
    return stream_stats(path, progress=progress, **options)


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
    max_values = accumulate.MAX_VALUES if max_values is None else max_values
    # BLAS on one thread: each batch's moments are dot products of ~100k values, for which OpenBLAS wakes its
    # threads every call; on a busy machine that took 5-8 ms per dot (a third of a 1M-row scan), 0.02 ms on one.
    with one_blas_thread():
        passed = read_through(source, lambda: _StatsPass(source, target, sample_size, missing_values, max_values,
                                                         progress))
        return passed.result()


def read_through(source: StreamedFile, start: Callable[[], Any]) -> Any:
    """Read ``source`` once through, batch by batch: ``start()`` makes a reader whose ``add(raw)`` sees each batch.
    A value that does not fit a CSV column's type, or a later line that is not text in the sniffed encoding,
    restarts the read with a new reader (the column widened, the next encoding), so the reader returned saw the
    file as a second pass reads it again through ``source``."""
    while True:
        reader = start()
        try:
            if _read_all(source, reader):
                return reader
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if source.format == "csv" and encoding_failed(exc, source.encoding) and next_encoding(source.encoding):
                source.encoding = next_encoding(source.encoding)  # the first megabyte was text in it, a later line is not
                continue
            if isinstance(exc, UnicodeDecodeError):
                raise InputError(source.path, f"cannot read: {short_error(exc)}") from None
            if "Empty CSV file" in str(exc):
                raise InputError(source.path, "no data rows (header only)") from None
            raise InputError(source.path, f"malformed {source.format}: {short_error(exc)}") from None
        except OSError as exc:
            raise InputError(source.path, f"cannot read: {short_error(exc)}") from None


def _read_all(source: StreamedFile, reader: Any) -> bool:
    """One pass; False when a CSV column had to be widened (the caller reads again)."""
    raw_names: list[str] = []  # the file's own column names and types, for widen()
    schema: pa.Schema | None = None
    batches = source.batches()
    while True:
        try:
            raw = next(batches)
        except StopIteration:
            return True
        except pa.ArrowInvalid as exc:
            if schema is not None and source.format == "csv" and source.widen(exc, raw_names, schema):
                return False
            raise
        if schema is None:
            raw_names, schema = list(raw.column_names), raw.schema
        reader.add(raw)


class _StatsPass:
    """``stream_stats``' reader: each batch normalised, its declared missing values marked, its statistics merged."""

    def __init__(self, source: StreamedFile, target: str | None, sample_size: int,
                 missing_values: Mapping[str, Iterable[Any]] | None, max_values: int, progress: Progress) -> None:
        self.source, self.target, self.sample_size, self.missing_values = source, target, sample_size, missing_values
        self.progress = progress
        self.acc = StatsAccumulator(sample_size, max_values, accumulate.MAX_TEXT_VALUES)
        self.loaded: LoadedTable | None = None
        self.declared: dict[str, dict[str, int]] = {}
        # The merge of a batch's statistics runs on its own thread while the next batch's are computed; the
        # next batch's sample bound is the one before that merge: looser, so the sample is the same.
        self.rows = 0
        self.threshold: int | None = None
        self.merging: Future[None] | None = None

    def add(self, raw: pa.Table) -> None:
        source = self.source
        if self.loaded is None:
            self.loaded = LoadedTable(raw.slice(0, 0), str(source.path), source.format, source.encoding,
                                      source.delimiter, source.compression)
            self.loaded.table = normalise_table(self.loaded)
            check_target(self.loaded.table, self.loaded.path, self.target)
        table = normalise_table(LoadedTable(raw, self.loaded.path, self.loaded.format))
        if self.missing_values:
            table, counts = mark_table(table, self.missing_values)
            add_counts(self.declared, counts)
        chunk = chunk_stats(table, row_offset=self.rows, target=self.target, sample_size=self.sample_size,
                            sketch=True, sample_below=self.threshold)
        self.rows += table.num_rows
        self._merged()
        self.merging = _MERGER.submit(self.acc.add, chunk)
        self.progress.advance(raw.num_rows)

    def _merged(self) -> None:
        """Wait for the merge under way (its error raised here), then take the sample bound it left."""
        if self.merging is not None:
            merging, self.merging = self.merging, None
            merging.result()
            self.threshold = self.acc.sample_threshold()

    def result(self) -> tuple[LoadedTable, DatasetStats]:
        self._merged()
        if self.loaded is None or self.acc.rows == 0:
            raise InputError(self.source.path, "no data rows (header only)")
        self.loaded.rows = self.acc.rows
        self.loaded.declared_missing = self.declared
        return self.loaded, self.acc.result()


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


note = engine_note  # the scan engine interface (``engines.base``)
