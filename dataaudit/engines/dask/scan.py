"""The Dask engine's scan: the partitions' statistics reconciled and merged in partition order with the stream
engine's accumulator, so they equal the stream engine's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.csv as pacsv

from ...core.accumulate import MAX_VALUES, StatsAccumulator
from ...core.declared_missing import add_counts
from ...core.stats import DatasetStats
from ...errors import (
    InputError,
)
from ...io.csv import read_options
from ...io.read import LoadedTable, check_target, normalise_table
from ...progress import NO_PROGRESS, Progress
from ..stream import engine_note
from .cluster import cluster_client, worker_count
from .plan import Plan, plan_partitions
from .reconcile import reconcile, unify_types
from .tasks import count_rows, partition_stats

__all__ = ["read_stats", "dask_stats", "StatsPass", "stats_pass", "dask_note", "note"]


def read_stats(path: str | os.PathLike[str], *, progress: Progress = NO_PROGRESS, sheet: None = None,
               scheduler: str | None = None, **options: Any) -> tuple[LoadedTable, DatasetStats]:
    """The scan engine interface (``engines.base``): ``dask_stats`` (``options``: target, sample_size, missing_values)."""
    progress.stage("read and statistics")
    return dask_stats(path, scheduler=scheduler, progress=progress, **options)


def dask_stats(source: str | os.PathLike[str], *, scheduler: str | None = None,
               **options: Any) -> tuple[LoadedTable, DatasetStats]:
    """Statistics of a file, a glob of files or a directory (one dataset, files in sorted order), computed
    on a Dask cluster; the same pair as ``engines.stream.stream_stats``: a LoadedTable holding the schema (its
    ``rows`` set) and the whole dataset's statistics.

    ``scheduler``: a Dask scheduler address; None starts a local cluster for this call. ``options``: those of
    ``stats_pass`` (target, sample_size, missing_values, max_values: sorted values kept per numeric column,
    default ``core.accumulate.MAX_VALUES``, progress).
    """
    with cluster_client(scheduler) as client:
        scanned = stats_pass(client, source, **options)
    return scanned.loaded, scanned.stats


@dataclass
class StatsPass:
    """What ``stats_pass`` read: the dataset's schema and statistics, and how its partitions were read (the
    plan, each partition's final read description and first row), so a second pass reads them the same way."""

    loaded: LoadedTable
    stats: DatasetStats
    plan: Plan
    parts: list[tuple[dict[str, Any], int]]  # per partition: (rows, schema, raw nulls, declared counts), offset


def stats_pass(client: Any, source: str | os.PathLike[str], *, target: str | None = None, sample_size: int = 100_000,
               missing_values: Mapping[str, Iterable[Any]] | None = None, max_values: int | None = None,
               progress: Progress = NO_PROGRESS) -> StatsPass:
    """``dask_stats`` on a running ``client`` (``fix --engine dask`` reads the partitions again with it)."""
    max_values = MAX_VALUES if max_values is None else max_values
    plan = plan_partitions(source, worker_count(client))
    _check_target_early(plan, target)
    plan.counts = client.gather(client.map(count_rows, plan.parts,
                                           [plan.encodings.get(p.path) for p in plan.parts], pure=False))
    merging = _InOrder(plan, StatsAccumulator(sample_size, max_values), progress)
    results, rounds = reconcile(client, plan, partition_stats, offsets_matter=True, sample_rows=sample_size,
                                 in_order=merging, target=target, sample_size=sample_size,
                                 max_values=max_values, missing_values=missing_values)
    loaded = _loaded(plan, results, target)
    acc = merging.acc if rounds == 1 and merging.acc is not None else None
    if acc is None:  # a second round was needed: merge the final results from the start
        acc = StatsAccumulator(sample_size, max_values)
        for meta, future, _ in results:
            if meta["rows"]:
                acc.add(future.result()["stats"])
    declared: dict[str, dict[str, int]] = {}
    for meta, future, _ in results:
        add_counts(declared, meta.get("declared", {}))
        future.release()
    loaded.declared_missing = declared
    return StatsPass(loaded, acc.result(), plan, [(meta, offset) for meta, _, offset in results])


class _InOrder:
    """Merges the first round's partitions in order while later ones are computed, as long as each was read
    at its true row offset (the line counts before it were right) with the first partition's types (``acc``
    becomes None once one was not: the scan then merges the reconciled results)."""

    def __init__(self, plan: Plan, acc: StatsAccumulator, progress: Progress) -> None:
        self.plan, self.acc, self.progress = plan, acc, progress
        self.types: list[pa.DataType] | None = None
        self.rows = self.counted = 0  # rows before the next partition: true, and as counted (its offset)

    def __call__(self, i: int, meta: dict[str, Any], future: Any) -> None:
        if self.acc is None:
            return
        if "problem" in meta or self.rows != self.counted:  # read at a wrong row offset
            self.acc = None
            return
        self.rows += meta["rows"]
        self.counted += self.plan.counts[i] or 0
        if not meta["rows"]:
            return
        types = list(meta["schema"].types)
        if self.types is None:
            self.types = types
        if types != self.types:
            self.acc = None
            return
        self.acc.add(future.result()["stats"])  # first rows first
        self.progress.advance()


def dask_note(profile: Any) -> dict[str, Any]:
    """The report's ``dataset.engine`` for the dask engine: the stream engine's note (the same estimates)."""
    note = engine_note(profile)
    note["name"] = "dask"
    return note


def _check_target_early(plan: Plan, target: str | None) -> None:
    """A wrong target is an error before any partition is read, when the columns are known cheaply."""
    if target is None:
        return
    first = plan.parts[0]
    try:
        if first.format == "csv" and first.start >= 0:
            with open(first.path, "rb") as handle:
                header = handle.read(first.header_end)
            encoding = plan.encodings[first.path]
            table = pacsv.read_csv(pa.BufferReader(header), read_options=read_options(encoding),
                                   parse_options=pacsv.ParseOptions(delimiter=first.delimiter))
        elif first.format == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_schema(first.path).empty_table()
        else:
            return
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return  # the partitions' read names the problem
    check_target(normalise_table(LoadedTable(table, plan.source, plan.format)), plan.source, target)


def _loaded(plan: Plan, results: list[tuple[dict[str, Any], Any, int]], target: str | None) -> LoadedTable:
    """The dataset's LoadedTable: a 0-row table of the whole dataset's types, its row count, how it was read."""
    rows = sum(meta["rows"] for meta, _, _ in results)
    if rows == 0:
        raise InputError(plan.source, "no data rows (header only)")
    typed = [meta for meta, _, _ in results if meta["rows"]]
    schema = pa.schema([pa.field(name, t) for name, t in
                        zip(typed[0]["schema"].names, unify_types(plan, typed, {}))])
    encodings = [e for e in plan.encodings.values() if e]
    encoding = next((e for e in encodings if not e.startswith("utf-8")), encodings[0] if encodings else None)
    loaded = LoadedTable(schema.empty_table(), plan.source, plan.format, encoding, plan.delimiter, plan.compression)
    loaded.table = normalise_table(loaded)
    check_target(loaded.table, plan.source, target)
    loaded.rows = rows
    return loaded


note = dask_note  # the scan engine interface (``engines.base``)
