"""A recipe run partition by partition on a Dask cluster: ``apply --engine dask``, and pass 2 of ``fix --engine dask``.

The partitions are read as one read of the whole dataset types them (as pandas frames like ``io.read.to_frame``
gives), run through the recipe's steps, the duplicate rows found across partitions exactly (row hashes, then
pandas on the rows whose hash repeats), and written as a partitioned Parquet directory atomically."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

import numpy as np
import pyarrow as pa

from ..core.hashing import row_hashes
from ..engines.dask.cluster import cluster_client, worker_count
from ..engines.dask.plan import Part, Plan, plan_partitions
from ..engines.dask.reconcile import PartTyping, part_typing, reconcile
from ..engines.dask.tasks import partition_schema, read_frame
from ..engines.dask.write import check_parquet_dir_output, write_parquet_dir
from ..errors import (
    DataMismatchError,
    InputError,
)
from ..progress import NO_PROGRESS, Progress
from .notes import merge_notes
from .recipe import Recipe

__all__ = ["before_dedup", "after_dedup", "frame_of", "log_of", "dask_apply", "recipe_stages", "merge_notes"]


def before_dedup(part: Part, encoding: str | None, column_types: Mapping[str, pa.DataType] | None,
                  offset: int, to_float: tuple[str, ...], to_object: tuple[str, ...],
                  recipe: dict[str, Any], steps: int,
                  missing_values: Mapping[str, Iterable[Any]] | None = None,
                  keep_rows: bool = False) -> tuple[Any, list[str]]:
    """Read, then the recipe's first ``steps`` steps (through ``drop``): the frame whose duplicates go. Rows
    with a missing target go too, unless ``keep_rows`` (apply)."""
    from dataclasses import replace

    frame = read_frame(part, encoding, column_types, offset, to_float, to_object, missing_values)
    fitted = Recipe.from_dict(recipe)
    log: list[str] = []
    first = replace(fitted, steps=fitted.steps[:steps], drop_duplicate_rows=False)
    return first.transform(frame, log, keep_rows=keep_rows), log


def after_dedup(stage: tuple[Any, list[str]], drop: np.ndarray, recipe: dict[str, Any],
                 steps: int, keep_rows: bool = False) -> tuple[Any, list[str]]:
    """The rest of the recipe on a partition, without the rows ``drop`` (positions) that repeat earlier rows."""
    from dataclasses import replace

    frame, log = stage
    log = list(log)
    if drop.size:
        keep = np.ones(len(frame), dtype=bool)
        keep[drop] = False
        frame = frame[keep]
    fitted = Recipe.from_dict(recipe)
    rest = replace(fitted, steps=fitted.steps[steps:], input_columns=list(frame.columns), drop_duplicate_rows=False)
    return rest.transform(frame, log, keep_rows=keep_rows), log


def _row_hashes(stage: tuple[Any, list[str]]) -> np.ndarray:
    """A 64-bit hash per row (``hashing.row_hashes``: equal for rows pandas' ``duplicated`` calls equal):
    a hash that repeats marks candidates, which pandas then compares exactly."""
    return row_hashes(stage[0])


def _take(stage: tuple[Any, list[str]], positions: np.ndarray) -> Any:
    return stage[0].iloc[positions]


def frame_of(result: tuple[Any, list[str]]) -> Any:
    return result[0].reset_index(drop=True)


def log_of(result: tuple[Any, list[str]]) -> tuple[int, list[str]]:
    return len(result[0]), result[1]


def dask_apply(recipe: Any, source: str | os.PathLike[str], output: str | os.PathLike[str], *,
               scheduler: str | None = None, overwrite: bool = False,
               progress: Progress = NO_PROGRESS) -> tuple[int, list[str], list[str]]:
    """Re-run a fitted recipe on a file, glob or directory on a Dask cluster and write a partitioned Parquet
    directory ``output`` (atomically: a temporary directory beside it, then renamed). The rows equal, in
    order, those of ``api.apply_recipe`` on the same data. Returns (rows, columns, notes)."""
    if not isinstance(recipe, Recipe):
        recipe = Recipe.load(recipe)
    check_parquet_dir_output(output, overwrite=overwrite)
    with cluster_client(scheduler) as client:
        progress.stage("read")
        plan = plan_partitions(source, worker_count(client))
        results, _ = reconcile(client, plan, partition_schema, offsets_matter=False)
        typing = part_typing(plan, [(meta, offset) for meta, _, offset in results])
        problem = recipe.schema_problem(list(typing.types))
        if problem:
            raise InputError(os.fspath(source), problem)
        progress.stage("apply", len(recipe.steps))
        try:
            outs, duplicates, through_drop = recipe_stages(client, plan, typing, recipe, keep_rows=True)
            summaries = client.gather(client.map(log_of, outs, pure=False))
        except DataMismatchError as exc:
            raise InputError(os.fspath(source), f"does not fit the recipe: {exc}") from None
        progress.stage("write")
        frames = client.map(frame_of, outs, pure=False)
        columns = write_parquet_dir(client, frames, output, overwrite=overwrite)
    notes = merge_notes([log for _, log in summaries])
    if duplicates:
        notes.insert(_after_step_notes(notes, through_drop), f"dropped {duplicates:,} duplicate row(s)")
    return sum(rows for rows, _ in summaries), columns, notes


def recipe_stages(client: Any, plan: Plan, typing: PartTyping, recipe: Any, *,
                  missing_values: Mapping[str, Iterable[Any]] | None = None,
                  keep_rows: bool = False) -> tuple[list[Any], int, list[str]]:
    """Every partition through the recipe's steps (resampling aside), duplicate rows dropped across partitions
    after the drop step, as ``Recipe.transform`` drops them from the whole dataset. Returns the futures of each
    partition's (frame, notes) on the cluster, the duplicate rows dropped and the steps through drop."""
    # scattered, not a keyword of map: map makes a keyword of over 100 kB (a recipe of many categories) a
    # task named after the keyword ('recipe'), which collides with the next map's
    data = client.scatter(recipe.to_dict(), broadcast=True, hash=False)
    names = [s.name for s in recipe.steps]
    dedup = recipe.drop_duplicate_rows and "drop" in names and not keep_rows  # apply scores every row
    split = names.index("drop") + 1 if dedup else len(names)
    n = len(plan.parts)
    stages = client.map(before_dedup, plan.parts, [plan.encodings.get(p.path) for p in plan.parts],
                        [typing.types] * n, typing.offsets, [typing.to_float] * n, [typing.to_object] * n,
                        recipe=data, steps=split, missing_values=missing_values, keep_rows=keep_rows, pure=False)
    drops, duplicates = _duplicates(client, stages) if dedup else ([np.zeros(0, np.int64)] * n, 0)
    outs = client.map(after_dedup, stages, drops, recipe=data, steps=split, keep_rows=keep_rows, pure=False)
    return outs, duplicates, names[:split]


def _duplicates(client: Any, stages: list[Any]) -> tuple[list[np.ndarray], int]:
    """Per partition, the positions of rows that repeat an earlier row of the dataset, and their number."""
    import pandas as pd

    hashes = client.gather(client.map(_row_hashes, stages, pure=False))
    joined = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    ordered = np.sort(joined)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    drops = [np.zeros(0, np.int64)] * len(stages)
    if repeated.size == 0:
        return drops, 0
    candidates = [np.flatnonzero(np.isin(h, repeated)) for h in hashes]
    which = [i for i, c in enumerate(candidates) if c.size]
    rows = client.gather(client.map(_take, [stages[i] for i in which], [candidates[i] for i in which], pure=False))
    duplicated = pd.concat(rows).duplicated().to_numpy()
    start = 0
    for i in which:
        n = candidates[i].size
        drops[i] = candidates[i][duplicated[start:start + n]]
        start += n
    return drops, int(duplicated.sum())


def _after_step_notes(notes: list[str], steps: list[str]) -> int:
    """Where ``dropped … duplicate row(s)`` goes among the notes: after those of the steps through drop."""
    position = 0
    for i, note in enumerate(notes):
        if any(note.startswith(f"{step}:") for step in steps):
            position = i + 1
    return position


