"""``StatsAccumulator``: the statistics of many chunks merged in bounded memory (the stream and Dask engines).

Each numeric column's sorted values are thinned to ``MAX_VALUES`` (medians, MADs, quantiles and outlier bounds
become estimates within about 1/``MAX_VALUES`` in rank; the exact minimum and maximum are kept), and the
distinct strings of a text column are kept with their counts up to ``MAX_TEXT_VALUES`` (past it a summary; see
``TextStats.compact``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .hashing import bottom_k, row_priority
from .stats import DatasetStats

__all__ = ["MAX_VALUES", "MAX_TEXT_VALUES", "StatsAccumulator"]

MAX_VALUES = 1 << 17  # sorted values kept per numeric column (per merge level: memory ~ columns × 1 MB × levels)
MAX_TEXT_VALUES = 1 << 16  # distinct strings kept per text column past which it is summarised (TextStats.compact)


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
