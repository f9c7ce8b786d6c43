"""``fix --engine stream``: ``fixing.driver``'s out-of-core fix with the file read in Arrow record batches.

Pass 1 is the stream scan (``engines.stream.stream_stats``); pass 2 reads the file again with the column types pass 1
settled on, runs the recipe on each batch and writes it (``StreamEngine``). What every out-of-core engine shares
(fitting on the row sample, the resampling plan, the notes and the result) is in ``fixing.driver``.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.pipeline import rescan_frame, scan_with
from ..analysis.report import Report
from ..core.declared_missing import mark_table
from ..core.hashing import row_hashes
from ..core.stats import DatasetStats
from ..engines import stream as stream_engine
from ..engines.stream import engine_note, read_through, stream_stats
from ..errors import DataMismatchError, InputError, short_error
from ..io.batches import StreamedFile, open_stream
from ..io.read import (
    LoadedTable,
    as_whole_file,
    normalise_table,
    to_frame,
    whole_file_casts,
)
from ..io.write import (
    atomic_path,
    create_beside,
    frame_format,
    safe_note,
    spreadsheet_safe,
)
from ..progress import Progress
from ..steps import Resample
from .after import AfterSample
from .driver import ResamplePlan, Written, fix_out_of_core, note_kind, synthetic_chunks
from .fit import FittedSteps
from .memory import kept_columns, with_kept
from .notes import merge_notes
from .options import FixOptions
from .recipe import Recipe
from .result import FixResult

__all__ = ["apply_stream", "StreamEngine", "fix_stream"]


class StreamEngine:
    """``fixing.driver``'s engine for ``--engine stream``: the file read in Arrow record batches, the output written
    batch by batch. With resampling possible, pass 2 writes an Arrow file beside the output that the resampled
    output is then written from (its rows, then the copies or synthetic rows, in the in-memory fix's order);
    without it pass 2 writes the output itself. Duplicate rows are dropped across batches by remembering a
    64-bit hash of every distinct row (8 bytes a row); the class of every row written costs 4 bytes a row."""

    name = "stream"
    synthetic_place = "the synthetic rows follow the rows of the file"

    def __init__(self, output: str | os.PathLike[str] | None, *, safe_csv: bool,
                 missing_values: dict[str, list[Any]] | None, sample_seed: int | None = None) -> None:
        self.output, self.safe_csv, self.missing_values = output, safe_csv, missing_values
        # the rows of the output the report after the fix scans, gathered as they are written (``fixing.after``)
        self.after = AfterSample(sample_seed) if sample_seed is not None and output is not None else None
        self.fmt = frame_format(output) if output is not None else None
        self.stack = ExitStack()
        self.sink: _Sink | None = None
        self.batch_notes = _Notes()

    def __enter__(self) -> "StreamEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stack.__exit__(*exc)  # an error: the scratch file and the unfinished output are removed

    def stats_pass(self, path: str | os.PathLike[str], *, target: str | None, sample_size: int,
                   missing_values: dict[str, list[Any]] | None, progress: Progress) -> tuple[LoadedTable, DatasetStats]:
        self.source = open_stream(path)
        self.loaded, stats = stream_stats(path, target=target, sample_size=sample_size, missing_values=missing_values,
                                          progress=progress, source=self.source)
        return self.loaded, stats

    def note(self, profile: Any) -> dict[str, Any]:
        return engine_note(profile)

    def transform(self, recipe: Recipe, fitted: FittedSteps, *, classification: bool, staged: bool,
                  progress: Progress) -> Written:
        target = recipe.target
        self.schema = pa.Table.from_pandas(fitted.frame, preserve_index=False).schema
        self.staged = staged
        if self.output is not None:
            self.sink = self.stack.enter_context(
                _Sink.open(self.stack.enter_context(_scratch(self.output)), "arrow", self.schema) if staged
                else _Sink.open(self.stack.enter_context(atomic_path(self.output)), self.fmt, self.schema,
                                self.safe_csv, self.after))
        classes, distinct = (_Classes() if classification else None), _SeenRows()
        progress.stage("transform and write")
        rows = 0
        for frame in _frames(self.source, self.loaded.path, self.missing_values):
            batch_log: list[str] = []
            table = _to_arrow(recipe.transform(frame, batch_log, drop_duplicates=distinct), self.schema)
            rows += table.num_rows
            if classes is not None:
                classes.add(table.column(target))
            if self.sink is not None:
                self.sink.write(table)
            self.batch_notes.add(batch_log)
            progress.advance(len(frame))
        if self.sink is not None:
            self.sink.close()
        return Written(rows, distinct.dropped, classes)  # every row kept, duplicates dropped or not (the recipe)

    def drawn(self, plan: ResamplePlan) -> str:
        return ("stream engine: imbalanced-learn drew the rows from the class of every row written, as in memory"
                + ("; the copies follow the rows of the file, in file order." if plan.method == "over"
                   else "; the rows kept are written in file order."))

    def write(self, plan: ResamplePlan | None, fitted: FittedSteps, resampler: Resample, progress: Progress) -> None:
        """With the rows staged, the resampled output from them; then the output is in place (renamed)."""
        if self.staged:
            final = self.stack.enter_context(_Sink.open(self.stack.enter_context(atomic_path(self.output)), self.fmt,
                                                        self.schema, self.safe_csv, self.after))
            _write_planned(self.sink.path, final, plan, fitted, resampler, self.schema)
            final.close()
            self.sink = final  # for its spreadsheet-safe counts
        self.stack.close()

    def sample_notes(self) -> tuple[str, str]:
        return "batch by batch", "file"

    def notes(self, fitted_log: list[str], whole: bool) -> list[str]:
        notes = [] if whole else self.batch_notes.unseen(fitted_log)
        if self.sink is not None and self.sink.safe:
            notes.append(safe_note(self.sink.changed))
        return notes

    def info(self) -> dict[str, Any]:
        return {}

    def rescan(self, output: str | os.PathLike[str], target: str | None, checks: dict[str, Any]) -> Report:
        """The written output scanned with the stream engine; past ``fixing.after.AFTER_SAMPLE_ROWS`` rows, the
        sample of it gathered while writing, in memory."""
        if self.after is not None and self.after.sampled:
            return rescan_frame(self.after.result(), name=str(output), target=target, **checks)
        return scan_with(stream_engine, output, target=target, probe=False, **checks)

    def after_sample(self) -> dict[str, int] | None:
        return self.after.info() if self.after is not None else None


def fix_stream(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None, target: str | None,
               recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
               safe_csv: bool, missing_values: dict[str, list[Any]] | None, fit_rows: int,
               progress: Progress, checks: dict[str, Any] | None = None) -> FixResult:
    """``api.fix`` with the stream engine (``fixing.driver.fix_out_of_core``); the caller checked the options and
    the output paths. ``checks``: the rule options of the scans before and after (``scan``'s keywords)."""
    with StreamEngine(output, safe_csv=safe_csv, missing_values=missing_values,
                      sample_seed=options.seed if rescan else None) as engine:
        return fix_out_of_core(engine, path, output=output, target=target, recipe_path=recipe_path, options=options,
                               rescan=rescan, missing_values=missing_values, fit_rows=fit_rows, progress=progress,
                               checks=checks)



def apply_stream(recipe: Recipe, path: str | os.PathLike[str], output: str | os.PathLike[str], *, overwrite: bool,
                 safe_csv: bool, keep: Sequence[str], drop_duplicates: bool,
                 progress: Progress) -> tuple[int, list[str], list[str]]:
    """``api.apply_recipe`` with the stream engine: pass 1 reads the file through for its column types (as one
    read of the whole file types them), pass 2 runs each batch through the recipe and writes it, into a temporary
    file renamed into place at the end. The rows are those, in order, of the in-memory apply. Returns (rows,
    columns, notes); the caller loaded the recipe and checked the output."""
    progress.stage("read")
    source = open_stream(path)
    whole = read_through(source, lambda: _Typing(source))
    if whole.table is None or whole.rows == 0:
        raise InputError(path, "no data rows (header only)")
    problem = recipe.schema_problem(whole.table.column_names)
    if problem:
        raise InputError(path, problem)
    to_float, to_object = whole_file_casts(whole.table, whole.nulls)
    progress.stage("apply and write", whole.rows)
    logs: list[list[str]] = []
    distinct = _SeenRows() if drop_duplicates else None
    rows, offset, sink = 0, 0, None
    with ExitStack() as stack:
        for frame in _frames(source, str(source.path), None):
            frame = as_whole_file(frame, offset, to_float, to_object)
            offset += len(frame)
            log: list[str] = []
            try:
                out = recipe.transform(frame, log, keep_rows=not drop_duplicates, drop_duplicates=distinct)
            except DataMismatchError as exc:
                raise InputError(path, f"does not fit the recipe: {exc}") from None
            kept = kept_columns(frame, keep, path)
            out = with_kept(out.reset_index(drop=True), None if kept is None else kept.loc[out.index])
            if sink is None:
                schema = pa.Table.from_pandas(out, preserve_index=False).schema
                sink = stack.enter_context(_Sink.open(stack.enter_context(atomic_path(output)), frame_format(output),
                                                      schema, safe_csv))
            sink.write(_to_arrow(out, sink.schema))
            rows += len(out)
            logs.append(log)
            progress.advance(len(frame))
        sink.close()
    notes = merge_notes(logs)
    if sink.safe:
        notes.append(safe_note(sink.changed))
    return rows, list(sink.schema.names), notes


class _Typing:
    """Pass 1 of a stream apply: the file's normalised columns with their types, and the missing values of each."""

    def __init__(self, source: StreamedFile) -> None:
        self.source = source
        self.table: pa.Table | None = None  # no rows: the columns and types
        self.nulls: dict[str, int] = {}
        self.rows = 0

    def add(self, raw: pa.Table) -> None:
        table = normalise_table(LoadedTable(raw, str(self.source.path), self.source.format))
        self.table = table.slice(0, 0) if self.table is None else self.table
        for name, column in zip(table.column_names, table.columns):
            self.nulls[name] = self.nulls.get(name, 0) + column.null_count
        self.rows += table.num_rows


# ----------------------------------------------------------------------------------------------- reading


def _frames(source: StreamedFile, path: str, missing_values: dict[str, list[Any]] | None) -> Iterator[pd.DataFrame]:
    """The file's batches as pandas frames, read and marked as pass 1 read them (same column types)."""
    batches = source.batches()
    while True:
        try:
            raw = next(batches)
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:  # the file changed since pass 1
            raise InputError(source.path, f"cannot read it again to write the fix: {short_error(exc)}") from None
        table = normalise_table(LoadedTable(raw, path, source.format))
        if missing_values:
            table, _ = mark_table(table, missing_values)
        yield to_frame(table)


# ------------------------------------------------------------------------------------------ duplicate rows


class _SeenRows:
    """``recipe.drop_duplicate_rows`` across the batches of a file: a row equal to an earlier row is dropped.

    Keeps the 64-bit hash of every distinct row so far (8 bytes a row) in sorted runs, merged like a binary
    counter so each hash is merged about log(batches) times. Exact up to a hash collision: two different
    rows share a hash with probability about rows² / 2⁶⁵ (one chance in 37 million at a million rows).
    """

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []
        self.rows = 0  # rows kept
        self.dropped = 0

    def __call__(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        distinct, first = np.unique(row_hashes(frame), return_index=True)
        seen = np.zeros(distinct.size, dtype=bool)
        for run in self.runs:
            at = np.minimum(np.searchsorted(run, distinct), run.size - 1)
            seen |= run[at] == distinct
        keep = np.zeros(len(frame), dtype=bool)
        keep[first[~seen]] = True  # the first row of each hash not seen in an earlier batch
        self._remember(distinct[~seen])
        count = len(frame) - int(keep.sum())
        self.rows += len(frame) - count
        self.dropped += count
        return (frame[keep], count) if count else (frame, 0)

    def _remember(self, new: np.ndarray) -> None:
        if new.size:
            self.runs.append(new)
        while len(self.runs) >= 2 and 2 * self.runs[-1].size >= self.runs[-2].size:
            b, a = self.runs.pop(), self.runs.pop()
            self.runs.append(np.sort(np.concatenate([a, b])))


# --------------------------------------------------------------------------------------------- resampling


class _Classes:
    """The class of every row written, as an int32 code (-1: no label), for resampling the whole output."""

    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []
        self.labels: list[Any] = []  # by code: first appearance
        self._code: dict[Any, int] = {}

    def add(self, column: pa.ChunkedArray) -> None:
        encoded = column.combine_chunks().dictionary_encode()
        mapping = np.array([self._code.setdefault(v, len(self._code)) for v in encoded.dictionary.to_pylist()]
                           + [-1], dtype=np.int32)
        self.labels = list(self._code)
        self.codes.append(mapping[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)])

    def result(self) -> tuple[np.ndarray, list[Any]]:
        """(codes in the labels' sort order, as imbalanced-learn orders the classes; the labels sorted)."""
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        self.codes = []
        order = sorted(range(len(self.labels)), key=lambda i: self.labels[i])
        rank = np.empty(len(order) + 1, dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        rank[-1] = -1
        return rank[codes], [self.labels[i] for i in order]


def _write_planned(path: str, sink: "_Sink", plan: ResamplePlan | None, fitted: FittedSteps, resampler: Resample,
                   schema: pa.Schema) -> None:
    """The resampled output from the rows pass 2 wrote (``path``), in the in-memory fix's order: the rows (those
    kept), then the copies or synthetic rows."""
    def batches() -> Iterator[tuple[int, pa.RecordBatch]]:
        with pa.OSFile(path) as source:  # read, not mapped: a mapped file's pages would count as this process's
            reader = pa.ipc.open_file(source)
            start = 0
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                yield start, batch
                start += batch.num_rows

    if plan is None or plan.method == "none":
        for _, batch in batches():
            sink.write(pa.Table.from_batches([batch]))
        return
    for start, batch in batches():
        table = pa.Table.from_batches([batch])
        sink.write(table if plan.keep is None else table.filter(plan.keep[start:start + batch.num_rows]))
    if plan.copies is not None:
        for start, batch in batches():
            lo, hi = np.searchsorted(plan.copies, [start, start + batch.num_rows])
            if hi > lo:
                sink.write(pa.Table.from_batches([batch]).take(plan.copies[lo:hi] - start))
    if plan.synthetic:
        target = fitted.context.target
        for seed, wanted in synthetic_chunks(plan.synthetic, resampler.seed, max(len(fitted.frame), 1)):
            sink.write(_to_arrow(resampler.synthesize(fitted.frame, target, wanted, seed=seed), schema))


# ---------------------------------------------------------------------------------------------- writing


def _to_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(schema.metadata)


@contextmanager
def _scratch(output: str | os.PathLike[str]) -> Iterator[str]:
    """A temporary file beside ``output`` (its disk is the one with room for it), removed at the end."""
    made: list[str] = []  # named before it exists, so that an interrupt at any instant leaves nothing behind
    try:
        yield create_beside(Path(output), ".arrow.tmp", made)
    finally:
        for path in made:
            if os.path.lexists(path):
                os.unlink(path)


# One writer thread for the sinks: a table is encoded and written (Parquet/Arrow encoding releases the GIL) while
# the next batch is transformed; each sink keeps one table in flight, so the tables are written in order.
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dataaudit-write")


class _Sink:
    """Tables of one schema written to ``path`` batch by batch: Parquet, CSV (header once), Feather, JSON Lines,
    or an uncompressed Arrow file (``arrow``: the rows before resampling). Small tables are gathered into
    about ``ROWS`` rows first, so a Parquet file does not get a row group per small batch. The writing (and the
    after-report's sample, ``fixing.after``) runs on a writer thread, one table at a time, in order; its errors
    are raised by the next ``write`` or by ``close``."""

    ROWS = 65_536

    def __init__(self, path: str, fmt: str, schema: pa.Schema, safe_csv: bool = False,
                 sample: AfterSample | None = None) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.path, self.fmt, self.schema, self.sample = path, fmt, schema, sample
        self.safe = safe_csv and fmt == "csv"
        self.changed: dict[str, int] = {}
        self.pending: list[pa.Table] = []
        self.closed = False
        self.handle: Any = None
        self.writing: Future[None] | None = None  # the table being written on the writer thread
        if fmt == "parquet":
            self.writer: Any = pq.ParquetWriter(path, schema)
        elif fmt == "csv":
            self.writer = pacsv.CSVWriter(path, schema)
        elif fmt in ("feather", "arrow"):
            compression = "lz4" if fmt == "feather" else None  # as feather.write_feather
            self.writer = pa.ipc.new_file(path, schema, options=pa.ipc.IpcWriteOptions(compression=compression))
        else:
            self.writer = None
            self.handle = open(path, "w", encoding="utf-8")

    @classmethod
    @contextmanager
    def open(cls, path: str, fmt: str, schema: pa.Schema, safe_csv: bool = False,
             sample: AfterSample | None = None) -> Iterator["_Sink"]:
        sink = cls(path, fmt, schema, safe_csv, sample)
        try:
            yield sink
        finally:
            if not sink.closed:  # an error: release the file, which the caller removes
                sink.pending = []
                sink.close(abandon=True)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table)
            if sum(t.num_rows for t in self.pending) >= self.ROWS:
                self._flush()

    def _flush(self) -> None:
        """Hand the pending tables to the writer thread (after the table before them is written: one in flight)."""
        if not self.pending:
            return
        table = pa.concat_tables(self.pending)
        self.pending = []
        self._wait()
        self.writing = _WRITER.submit(self._write, table)

    def _wait(self) -> None:
        """Wait for the table being written; its error is raised here."""
        if self.writing is not None:
            try:
                self.writing.result()
            finally:
                self.writing = None

    def _write(self, table: pa.Table) -> None:
        """(on the writer thread) Make the table spreadsheet-safe, sample it for the report after the fix, write it."""
        if self.safe:
            frame, changed = spreadsheet_safe(to_frame(table))
            for column, n in changed.items():
                self.changed[column] = self.changed.get(column, 0) + n
            table = _to_arrow(frame, self.schema)
        if self.sample is not None:
            self.sample.add(table)
        if self.handle is not None:
            self.handle.write(to_frame(table).to_json(orient="records", lines=True, force_ascii=False))
        else:
            self.writer.write_table(table)

    def close(self, abandon: bool = False) -> None:
        """Write what is pending and close the file; ``abandon`` (an error is under way): close it without
        raising a write's error over the one under way."""
        if self.closed:
            return
        self.closed = True
        try:
            if not abandon:
                self._flush()
            self._wait()
        except Exception:
            if not abandon:
                raise
        finally:
            if self.writing is not None:  # interrupted while waiting: the file is closed once the write ends
                wait([self.writing])
                self.writing = None
            (self.handle if self.handle is not None else self.writer).close()


# ------------------------------------------------------------------------------------------------- notes


class _Notes:
    """The steps' notes while writing, one per kind (numbers aside), to add those the fitting sample never
    gave (a category the sample did not hold, say)."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.batches: dict[str, int] = {}

    def add(self, log: list[str]) -> None:
        for note in log:
            key = note_kind(note)
            self.first.setdefault(key, note)
            self.batches[key] = self.batches.get(key, 0) + 1

    def unseen(self, fitted_log: list[str]) -> list[str]:
        known = {note_kind(n) for n in fitted_log}
        return [f"while writing: {note}" + (f" (the first of {self.batches[key]:,} batches with such a note)"
                                            if self.batches[key] > 1 else "")
                for key, note in self.first.items() if key not in known and not note.startswith("dropped ")]
