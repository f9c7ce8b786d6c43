"""``fix --engine stream``: fit the fix steps on a uniform row sample of a file, then fix it batch by batch.

Pass 1 is the stream scan (``streaming.stream_stats``): the whole file's merged statistics give the report
before the fix, and its deterministic uniform row sample (``fit_rows`` rows, every row of a smaller file)
is what the steps are fitted on, by the in-memory code (``fixing.fit_steps``). Pass 2 reads the file again
with the column types pass 1 settled on, runs the recipe on each batch and writes it. Duplicate rows are
dropped across batches as in memory, by remembering a 64-bit hash of every distinct row (8 bytes a row),
and the class of every row written is kept (4 bytes a row), so resampling is planned on the whole file's
counts: random over- and under-sampling draw exactly the rows imbalanced-learn draws in memory (from the
class codes, ``steps.resample.random_rows``) and SMOTE interpolates between the fitting sample's rows of
each minority class. The rows pass 2 wrote are then read back once (an Arrow file beside the output) to
write the resampled output; without resampling pass 2 writes the output itself.

Why the steps are fitted on the sample and not on the merged statistics: each step is fitted on the output
of the step before, without duplicate rows (the median a column is imputed with shrinks its MAD, which
sets the clip bounds, ...), so the merged statistics of the raw columns are not what the in-memory fix
fits, and getting those numbers exactly would take a pass per step. On a uniform sample of n rows a
median or quartile is off by about 1/sqrt(n) of the rows in rank (0.2% at 250,000 rows), well inside
what changes a model; the fix log and report say so, and ``tests/test_fix_stream.py`` measures it.
"""

from __future__ import annotations

import os
import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .declared_missing import describe, mark_table
from .errors import InputError
from .fix_fit import FittedSteps, fit_steps
from .fix_options import FixOptions
from .fix_probe import probe_after_fix
from .fix_result import FixResult
from .loading import LoadedTable, normalise_table, short_error, to_frame
from .progress import Progress
from .recipe import Recipe
from .report import Report
from .scan import SAMPLE_ROWS, scan, scan_frame, scan_loaded
from .stats import DatasetStats, bottom_k, row_hashes
from .steps import Resample
from .steps.resample import random_rows
from .streaming import StreamedFile, engine_note, open_stream, stream_stats
from .writing import atomic_path, create_beside, frame_format, spreadsheet_safe


def fix_stream(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None, target: str | None,
               recipe_path: str | os.PathLike[str] | None, options: FixOptions, overwrite: bool, rescan: bool,
               safe_csv: bool, missing_values: dict[str, list[Any]] | None, fit_rows: int,
               progress: Progress, checks: dict[str, Any] | None = None) -> FixResult:
    """``fixing.fix`` with the stream engine; the caller checked the options and the output paths. ``checks``:
    the rule options of the scans before and after (``scan``'s keywords)."""
    checks = checks or {}
    fmt = frame_format(output) if output is not None else None
    source = open_stream(path)
    progress.stage("read and statistics")
    loaded, stats = stream_stats(path, target=target, sample_size=max(fit_rows, SAMPLE_ROWS),
                                 missing_values=missing_values, progress=progress, source=source)
    before, fitted, fitted_on = fit_on_sample(loaded, stats, engine_note, target=target, options=options,
                                              missing_values=missing_values, fit_rows=fit_rows, progress=progress,
                                              checks=checks)
    rows_in = stats.rows
    del stats
    whole = fitted_on >= rows_in
    schema = pa.Table.from_pandas(fitted.frame, preserve_index=False).schema
    recipe = Recipe(list(fitted.steps), target, [c for c in loaded.table.column_names if c != target],
                    list(schema.names), drop_duplicate_rows=True)
    classes = _Classes() if _classification(before, target) else None
    resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
    staged = classes is not None and options.resample != "none" and output is not None
    distinct, notes, log = _SeenRows(), _Notes(), list(fitted.log)
    with ExitStack() as stack:
        # with resampling possible, pass 2 writes an Arrow file that the resampled output is written from
        sink = None if output is None else stack.enter_context(
            _Sink.open(stack.enter_context(_scratch(output)), "arrow", schema) if staged
            else _Sink.open(stack.enter_context(atomic_path(output)), fmt, schema, safe_csv))
        progress.stage("transform and write")
        for frame in _frames(source, loaded.path, missing_values):
            batch_log: list[str] = []
            table = _to_arrow(recipe.transform(frame, batch_log, drop_duplicates=distinct), schema)
            if classes is not None:
                classes.add(table.column(target))
            if sink is not None:
                sink.write(table)
            notes.add(batch_log)
            progress.advance(len(frame))
        if sink is not None:
            sink.close()
        progress.stage("resample")
        plan = _plan(resampler, fitted, classes, log, whole) if classes is not None else None
        if plan is None:
            resampler.plan(fitted.frame, fitted.context, {}, 0, log)  # no target, or a regression target
        if staged:
            with _Sink.open(stack.enter_context(atomic_path(output)), fmt, schema, safe_csv) as final:
                _write_planned(sink.path, final, plan, fitted, resampler, schema)
                final.close()
                sink = final  # for its spreadsheet-safe counts
    written = distinct.rows - (plan.removed if plan else 0) + (plan.added if plan else 0)
    rows = {"in": rows_in, "missing_target_dropped": rows_in - distinct.rows - distinct.dropped,
            "duplicates_dropped": distinct.dropped,
            "added_by_resampling": plan.added if plan else 0, "removed_by_resampling": plan.removed if plan else 0,
            "out": written}
    del distinct, plan, classes  # their per-row arrays, before the rescan reads the output
    recipe.steps.append(resampler)
    add_sample_notes(log, "stream", loaded.declared_missing, rows_in, fitted_on, "batch by batch", "file")
    if not whole:
        log += notes.unseen(fitted.log)
    if sink is not None and sink.safe:
        log.append(_safe_note(sink.changed))
    pre = fitted.frame.reset_index(drop=True)
    result = FixResult(_replay(resampler, fitted), pre, recipe, before, None, rows, log,
                       engine={"name": "stream", "fit_rows": fitted_on, "rows": rows_in})
    if rescan:
        progress.stage("rescan")
        result.after = scan(output, target=target, engine="stream", **checks) if output is not None else \
            scan_frame(result.frame, name="<fixed sample>", target=target, **checks)
        result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if recipe_path is not None:
        progress.stage("write")
        recipe.save(recipe_path)
    return result


def _classification(before: Any, target: str | None) -> bool:
    profile = before.profile.target if before.profile is not None else None
    return target is not None and profile is not None and profile.task == "classification"



def fit_on_sample(loaded: LoadedTable, stats: DatasetStats, note: Callable[[Any], dict[str, Any]], *,
                  target: str | None, options: FixOptions, missing_values: dict[str, list[Any]] | None,
                  fit_rows: int, progress: Progress,
                  checks: dict[str, Any] | None = None) -> tuple[Report, FittedSteps, int]:
    """The report before the fix and the steps fitted on the first pass's row sample (``fit_rows`` rows of
    lowest row priority, in file order): shared by the stream and dask engines, whose ``stats`` carry a
    bottom-k sample of at least ``max(fit_rows, SAMPLE_ROWS)`` rows. ``note`` gives the report's
    ``dataset.engine`` from its profile. The fitted frame's target is typed as in memory. Returns the report,
    the fitted steps and the number of rows they were fitted on."""
    # the scan sees the engine's own sample: the lowest row priorities of the larger bottom-k sample
    before = scan_loaded(loaded, target=target, progress=progress, **(checks or {}),
                         stats=replace(stats, sample=bottom_k(stats.sample, SAMPLE_ROWS), sample_size=SAMPLE_ROWS))
    before.dataset["engine"] = note(before.profile)
    sample = bottom_k(stats.sample, fit_rows).sort_by("__row__").drop_columns(["__row__"])
    target_has_nulls = target is not None and stats.columns[target].nulls > 0
    fitted = fit_steps(to_frame(sample), before, options, missing_values=missing_values, progress=progress)
    progress.advance()  # the fix stage's last unit, resampling, is planned once the data is written
    fitted.frame = _target_as_in_memory(fitted.frame, target, target_has_nulls)
    return before, fitted, sample.num_rows


def add_sample_notes(log: list[str], engine: str, declared: dict[str, dict[str, int]], rows_in: int,
                     fitted_on: int, written: str, whole: str) -> None:
    """The stream and dask engines' notes: the values declared missing (marked while reading, so the
    mark-missing step found nothing left to log), and whether the steps were fitted on every row or on a
    sample, with how close the sample's estimates are. ``written``: how the output was written; ``whole``:
    what the row counts are of ("file")."""
    if declared:
        log.insert(0, f"mark-missing: values declared missing in the settings set to missing: {describe(declared)}.")
    if fitted_on >= rows_in:
        log.append(f"{engine} engine: the steps were fitted on all {rows_in:,} rows, as in memory; the output was "
                   f"written {written}.")
    else:
        log.insert(0, f"{engine} engine: the steps were fitted on a uniform sample of {fitted_on:,} of the "
                      f"{rows_in:,} rows (--fit-rows): medians, MADs, clip bounds, scales and category maps are "
                      f"estimates from it (a median within about ±{1 / np.sqrt(fitted_on):.1%} of the rows in "
                      f"rank), and the counts in the step notes are the sample's; row counts are the whole "
                      f"{whole}'s.")


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


@dataclass
class _Plan:
    """Which rows the resampled output takes from the rows pass 2 wrote (all labelled: ``fix`` drops the rows
    without a target before writing), and in which order."""

    method: str
    keep: np.ndarray | None = None  # under: per row written, kept
    copies: np.ndarray | None = None  # over: rows copied once more (sorted, repeated for more copies)
    synthetic: dict[str, int] | None = None  # smote: class label as text -> synthetic rows
    added: int = 0
    removed: int = 0


def _counts(codes: np.ndarray, labels: list[Any]) -> dict[str, int]:
    """Rows per class, largest first (ties by label text), as ``steps.resample`` counts them."""
    n = np.bincount(codes, minlength=len(labels))
    return dict(sorted(((str(label), int(k)) for label, k in zip(labels, n) if k), key=lambda kv: (-kv[1], kv[0])))


def _plan(resampler: Resample, fitted: FittedSteps, classes: _Classes, log: list[str], whole: bool) -> _Plan:
    """Choose the sampler on the whole output's class counts, then which rows it adds or removes."""
    y, labels = classes.result()
    counts = _counts(y, labels)
    target = fitted.context.target
    plan = _Plan(resampler.plan(fitted.frame, fitted.context, counts, int(y.size), log))
    if plan.method == "none":
        return plan
    how = ""
    if plan.method in ("smote", "smotenc"):
        present = {str(k): int(v) for k, v in fitted.frame[target].value_counts().items()}
        goal = resampler.goal(counts) or {label: max(counts.values()) for label in counts}  # capped, or the majority
        wanted = {label: goal[label] - n for label, n in counts.items() if n < goal[label]}
        short = [label for label in wanted if present.get(label, 0) < 2]
        if not short:
            plan.synthetic, plan.added = wanted, sum(wanted.values())
            resampler.counts_after_ = dict(sorted(((label, max(n, goal[label])) for label, n in counts.items()),
                                                  key=lambda kv: (-kv[1], kv[0])))
            held = "every row" if whole else f"a uniform sample of {len(fitted.frame):,} rows"
            how = (f"stream engine: {'SMOTENC' if plan.method == 'smotenc' else 'SMOTE'} interpolated between the "
                   f"rows of each minority class in the fitting sample ({held}: "
                   + ", ".join(f"{present[label]:,} of class {label!r}" for label in wanted)
                   + "); the synthetic rows follow the rows of the file.")
        else:
            resampler.method_ = plan.method = "over"
            resampler.reason_ = (f"the fitting sample holds {present.get(short[0], 0)} row(s) of class {short[0]!r}, "
                                 "too few for SMOTE's neighbours")
    if plan.method in ("over", "under"):
        drawn = random_rows(plan.method, y, resampler.seed, resampler.goal(counts) if plan.method == "over" else None,
                            labels)
        if plan.method == "under":
            plan.keep = np.zeros(y.size, dtype=bool)
            plan.keep[drawn] = True
            plan.removed = int(y.size - drawn.size)
        else:
            plan.copies = np.sort(drawn[y.size:])
            plan.added = int(drawn.size - y.size)
        resampler.counts_after_ = _counts(y[drawn], labels)
        how = ("stream engine: imbalanced-learn drew the rows from the class of every row written, as in memory"
               + ("; the copies follow the rows of the file, in file order." if plan.method == "over"
                  else "; the rows kept are written in file order."))
    resampler.rows_added_, resampler.rows_removed_ = plan.added, plan.removed
    log += [resampler.describe(), how]
    return plan


def _write_planned(path: str, sink: "_Sink", plan: _Plan | None, fitted: FittedSteps, resampler: Resample,
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
        for seed, wanted in _synthetic_chunks(plan.synthetic, resampler.seed, max(len(fitted.frame), 1)):
            sink.write(_to_arrow(resampler.synthesize(fitted.frame, target, wanted, seed=seed), schema))


def _synthetic_chunks(wanted: dict[str, int], seed: int, size: int) -> Iterator[tuple[int, dict[str, int]]]:
    """SMOTE's rows in rounds of at most ``size`` rows (the fitting sample's), so memory stays bounded by the
    sample; one round (the in-memory fix's draws) when they fit, else seeds ``seed``, ``seed + 1``, …"""
    left = dict(wanted)
    round_ = 0
    while any(left.values()):
        budget, take = size, {}
        for label, n in left.items():
            take[label] = min(n, budget)
            budget -= take[label]
        left = {label: n - take[label] for label, n in left.items()}
        yield (seed + round_) % 2**32, {label: n for label, n in take.items() if n}
        round_ += 1


def _replay(resampler: Resample, fitted: FittedSteps) -> pd.DataFrame:
    """The fitting sample fixed and resampled as the whole file was (same sampler and seed): the rows the
    report describes and the probe reads; the output itself when the sample held every row."""
    frame = fitted.frame.reset_index(drop=True)
    if resampler.method_ == "none":
        return frame
    again = Resample(method="smote" if resampler.method_ == "smotenc" else resampler.method_, seed=resampler.seed)
    return again.fit_resample(frame, fitted.context, []).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- writing


def _target_as_in_memory(frame: pd.DataFrame, target: str | None, has_nulls: bool) -> pd.DataFrame:
    """The fixed sample with its target typed as the whole file's is in memory: whole numbers with a missing
    label anywhere in the file are float, booleans object. Its schema is then every written batch's, so a
    batch without missing labels does not change the target's type (and its labels read as in memory)."""
    if target is not None and has_nulls:
        if pd.api.types.is_integer_dtype(frame[target].dtype):
            return frame.assign(**{target: frame[target].astype(float)})
        if pd.api.types.is_bool_dtype(frame[target].dtype):
            return frame.assign(**{target: frame[target].astype(object)})
    return frame


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


class _Sink:
    """Tables of one schema written to ``path`` batch by batch: Parquet, CSV (header once), Feather, JSON Lines,
    or an uncompressed Arrow file (``arrow``: the rows before resampling). Small tables are gathered into
    about ``ROWS`` rows first, so a Parquet file does not get a row group per small batch."""

    ROWS = 65_536

    def __init__(self, path: str, fmt: str, schema: pa.Schema, safe_csv: bool = False) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.path, self.fmt, self.schema = path, fmt, schema
        self.safe = safe_csv and fmt == "csv"
        self.changed: dict[str, int] = {}
        self.pending: list[pa.Table] = []
        self.closed = False
        self.handle: Any = None
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
    def open(cls, path: str, fmt: str, schema: pa.Schema, safe_csv: bool = False) -> Iterator["_Sink"]:
        sink = cls(path, fmt, schema, safe_csv)
        try:
            yield sink
        finally:
            if not sink.closed:  # an error: release the file, which the caller removes
                sink.pending = []
                sink.close()

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table)
            if sum(t.num_rows for t in self.pending) >= self.ROWS:
                self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        table = pa.concat_tables(self.pending)
        self.pending = []
        if self.safe:
            frame, changed = spreadsheet_safe(to_frame(table))
            for column, n in changed.items():
                self.changed[column] = self.changed.get(column, 0) + n
            table = _to_arrow(frame, self.schema)
        if self.handle is not None:
            self.handle.write(to_frame(table).to_json(orient="records", lines=True, force_ascii=False))
        else:
            self.writer.write_table(table)

    def close(self) -> None:
        self._flush()
        if self.closed:
            return
        self.closed = True
        (self.handle if self.handle is not None else self.writer).close()


def _safe_note(changed: dict[str, int]) -> str:
    if not changed:
        return "spreadsheet-safe CSV: no text cell looked like a formula."
    return "spreadsheet-safe CSV: a ' was put before " + ", ".join(
        f"{n:,} cell(s) of `{c}`" for c, n in changed.items()) + " that a spreadsheet would run as formulas."


# ------------------------------------------------------------------------------------------------- notes


class _Notes:
    """The steps' notes while writing, one per kind (numbers aside), to add those the fitting sample never
    gave (a category the sample did not hold, say)."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.batches: dict[str, int] = {}

    @staticmethod
    def kind(note: str) -> str:
        return re.sub(r"\d[\d,.]*", "#", note)

    def add(self, log: list[str]) -> None:
        for note in log:
            key = self.kind(note)
            self.first.setdefault(key, note)
            self.batches[key] = self.batches.get(key, 0) + 1

    def unseen(self, fitted_log: list[str]) -> list[str]:
        known = {self.kind(n) for n in fitted_log}
        return [f"while writing: {note}" + (f" (the first of {self.batches[key]:,} batches with such a note)"
                                            if self.batches[key] > 1 else "")
                for key, note in self.first.items() if key not in known and not note.startswith("dropped ")]
