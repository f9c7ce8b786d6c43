"""Reconciling partitions (on the client): pyarrow types each partition's CSV columns on its own rows; each column
is typed as one read of the whole file would type it, and the partitions read with another type, at a wrong row
offset or in an encoding that failed are read again, until every partition agrees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa

from ...core.hashing import row_priority
from ...errors import (
    InputError,
)
from ...io.csv import next_encoding
from ...io.read import LoadedTable, normalise_table, whole_file_casts
from .plan import Part, Plan
from .tasks import meta_of

__all__ = ["MAX_ROUNDS", "sample_threshold", "COUNT_MARGIN", "reconcile", "unify_types", "PartTyping", "part_typing"]

MAX_ROUNDS = 20  # reconcile rounds (each widens a column or fixes row offsets); more means a bug


# pyarrow's CSV type inference, in the order it tries them: a column's type for the whole file is the first
# of these, from the highest any partition inferred, that every partition converts to
_LADDER = [pa.null(), pa.int64(), pa.bool_(), pa.float64(), pa.date32(), pa.time32("s"), pa.timestamp("s"),
           pa.timestamp("ns"), pa.timestamp("s", "UTC"), pa.timestamp("ns", "UTC"), pa.string()]




def _rank(t: pa.DataType) -> int:
    try:
        return _LADDER.index(t)
    except ValueError:
        return len(_LADDER) - 1  # a type pyarrow's CSV inference does not produce: only text holds both


def _unify_csv(types: set[pa.DataType]) -> pa.DataType:
    if len(types) == 1:
        return next(iter(types))
    return _LADDER[max(_rank(t) for t in types)]


def _unify_typed(types: set[pa.DataType], name: str, source: str) -> pa.DataType:
    """Parquet/Feather/JSON Lines files of a glob: the same type, or whole numbers and floats (as float)."""
    if len(types) == 1:
        return next(iter(types))
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
        return pa.float64()
    raise InputError(source, f"column {name!r} has different types in different files "
                             f"({', '.join(sorted(map(str, types)))})")


def sample_threshold(rows: int, sample_size: int) -> int | None:
    """The row priority below which a row is in the sample of a dataset of ``rows`` rows (the
    ``sample_size`` lowest); None: every row is. Fewer rows give a higher threshold, so one computed from a
    lower bound of the row count keeps every sample row of the partition (and a few more, which the merge drops)."""
    if rows <= sample_size:
        return None
    kth = np.partition(row_priority(np.arange(rows, dtype=np.int64)), sample_size - 1)[sample_size - 1]
    return None if kth == np.iinfo(np.uint64).max else int(kth) + 1


def _covers(used: int | None, needed: int | None) -> bool:
    """Whether partitions read with threshold ``used`` kept every row a threshold ``needed`` keeps."""
    return used is None or (needed is not None and needed <= used)


COUNT_MARGIN = 0.98  # the first round's sample threshold assumes 2% fewer rows than lines (blank lines)


def reconcile(client: Any, plan: Plan, task: Callable[..., dict[str, Any]], *, offsets_matter: bool,
               sample_rows: int = 0, in_order: Callable[[int, dict[str, Any], Any], None] | None = None,
               **options: Any) -> tuple[list[tuple[dict[str, Any], Any, int]], int]:
    """Run ``task`` on every partition until all agree: the same column types (the whole file's), the
    right row offsets, a sample threshold that keeps every sample row, each file's working encoding.
    Returns ((meta, future, offset) per partition, in order; each future holds the task's whole result on
    the cluster) and the number of rounds. ``in_order(i, meta, future)`` sees the first round's results
    in partition order as they finish (the scan merges them meanwhile, betting no second round is needed)."""
    n = len(plan.parts)
    done: list[tuple[dict[str, Any], Any, tuple] | None] = [None] * n
    forced: dict[int, pa.DataType] = {}  # column position -> type a conversion error pushed it to
    names: list[str] | None = None
    for round_ in range(MAX_ROUNDS):
        rows = [d[0]["rows"] if d else (plan.counts[i] or 0) for i, d in enumerate(done)]
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64).tolist()
        needed = sample_threshold(sum(rows), sample_rows) if offsets_matter else None
        threshold = needed if round_ else \
            (sample_threshold(int(sum(rows) * COUNT_MARGIN), sample_rows) if offsets_matter else None)
        unified = unify_types(plan, [d[0] for d in done if d and d[0]["rows"]], forced)
        types = None if unified is None else {name: t for name, t in zip(names, unified) if t != pa.null()}
        wanted = [(plan.encodings.get(part.path),) + ((offsets[i],) if offsets_matter else ())
                  for i, part in enumerate(plan.parts)]
        todo = [i for i, d in enumerate(done) if d is None or d[2][:-1] != wanted[i]
                or not _covers(d[2][-1], needed) or (d[0]["rows"] and list(d[0]["schema"].types) != unified)]
        if not todo:
            return [(d[0], d[1], offsets[i]) for i, d in enumerate(done)], round_
        futures = client.map(task, [plan.parts[i] for i in todo], [wanted[i][0] for i in todo],
                             [types] * len(todo), [offsets[i] for i in todo], [threshold] * len(todo),
                             pure=False, **options)
        metas = client.map(meta_of, futures, pure=False)
        for i, future, meta in zip(todo, futures, metas):
            meta = meta.result()  # in partition order
            if round_ == 0 and in_order is not None:
                in_order(i, meta, future)
            part = plan.parts[i]
            if "problem" in meta:
                done[i] = None
                _handle_problem(plan, part, meta, forced, unified)
                continue
            if names is None:
                names = list(meta["schema"].names)
            elif list(meta["schema"].names) != names:
                raise InputError(part.path, f"its columns differ from those of {plan.parts[0].path}")
            done[i] = (meta, future, wanted[i] + (threshold,))
    raise RuntimeError(f"{plan.source}: the partitions did not agree on types and row offsets "
                       f"after {MAX_ROUNDS} rounds")


def unify_types(plan: Plan, metas: list[dict[str, Any]], forced: dict[int, pa.DataType]) -> list[pa.DataType] | None:
    """Each column's type for the whole dataset, from the partitions read so far (None before any)."""
    if not metas:
        return None
    schema = metas[0]["schema"]
    out = []
    for i in range(len(schema)):
        seen = {m["schema"].field(i).type for m in metas} - {pa.null()}
        if plan.format == "csv":
            t = _unify_csv(seen) if seen else pa.null()
            if i in forced and _rank(forced[i]) > _rank(t):
                t = forced[i]
        else:
            t = _unify_typed(seen, schema.field(i).name, plan.source) if seen else pa.null()
        out.append(t)
    return out


def _handle_problem(plan: Plan, part: Part, meta: dict[str, Any], forced: dict[int, pa.DataType],
                    unified: list[pa.DataType] | None) -> None:
    kind = meta["problem"]
    if kind == "convert" and unified is not None and 0 <= meta["column"] < len(unified):
        current = unified[meta["column"]]
        forced[meta["column"]] = _LADDER[min(_rank(current) + 1, len(_LADDER) - 1)]
        return
    if kind == "encoding" and part.format == "csv":
        fallback = next_encoding(plan.encodings.get(part.path))
        if fallback is not None:
            for p in plan.parts:  # the whole file is read again in the fallback encoding, as io.csv.read_csv does
                if p.path == part.path:
                    plan.encodings[p.path] = fallback
            return
        raise InputError(part.path, "cannot read: not valid text in any encoding tried")
    raise InputError(part.path, meta.get("detail") or f"cannot read the {part.format} file")


@dataclass
class PartTyping:
    """How a pass that transforms the partitions reads them: as one read of the whole dataset types it."""

    types: dict[str, pa.DataType]  # column name in the file -> the dataset's type (null columns left out)
    offsets: list[int]  # per partition, its first row's number
    to_float: tuple[str, ...]  # whole-number columns with a missing value somewhere: float, as pandas makes them
    to_object: tuple[str, ...]  # boolean columns with a missing value somewhere: object


def part_typing(plan: Plan, parts: list[tuple[dict[str, Any], int]]) -> PartTyping:
    """The typing from each partition's (description, offset): its rows, schema, null counts, and for a stats
    pass the declared missing values it marked (they are missing values too, once marked)."""
    typed = [meta for meta, _ in parts if meta["rows"]]
    if not typed:
        raise InputError(plan.source, "no data rows (header only)")
    schema = typed[0]["schema"]
    unified = unify_types(plan, typed, {})
    types = {name: t for name, t in zip(schema.names, unified) if t != pa.null()}
    whole = normalise_table(LoadedTable(pa.schema(list(zip(schema.names, unified))).empty_table(),
                                        plan.source, plan.format))
    declared = {name: sum(sum(m.get("declared", {}).get(name, {}).values()) for m in typed) for name in whole.column_names}
    nulls = {name: sum(m["nulls"][i] for m in typed) + declared[name] for i, name in enumerate(whole.column_names)}
    return PartTyping(types, [offset for _, offset in parts], *whole_file_casts(whole, nulls))
