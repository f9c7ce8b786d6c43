"""The report after a fix from a sample of its output: a uniform, seeded random sample of at most
``AFTER_SAMPLE_ROWS`` rows, so that ``fix`` does not scan its whole output a second time.

Each output row gets a pseudo-random 64-bit priority from its position in the output and the fix's seed (a
bijective hash: no two rows share one), and the sample is the rows of lowest priority, in output order: the same
rows whether the output is held in memory (``sample_rows``) or written batch by batch (``AfterSample``, which keeps
at most twice the sample while it watches the batches go by). An output of at most ``AFTER_SAMPLE_ROWS`` rows is
scanned whole, as before, and nothing here applies.

What a sample understates: counts of rows that repeat another row (duplicate rows DA603, conflicting labels DA703)
fall with the square of the sampled share, since both rows of a pair must be drawn; distinct counts (high
cardinality DA405) fall too. Rare values may be missed, so a column can look constant, unique or identical to
another one in the sample only (DA601, DA702, DA604). Shares, spreads, outliers and correlations are estimates.
The fix report says the after-report is from a sample (``after.sample`` in JSON: rows, of).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..core.hashing import hash_u64

__all__ = ["AFTER_SAMPLE_ROWS", "priorities", "sample_rows", "AfterSample", "sample_note"]

AFTER_SAMPLE_ROWS = 100_000


def priorities(start: int, count: int, seed: int) -> np.ndarray:
    """The priorities of output rows ``start`` .. ``start + count - 1`` for the fix's ``seed``."""
    key = hash_u64(np.array([seed % 2**64], dtype=np.uint64))[0]
    return hash_u64(np.arange(start, start + count, dtype=np.uint64) ^ key)


def sample_rows(rows: int, seed: int, size: int | None = None) -> np.ndarray | None:
    """The positions (sorted) of the sampled rows of an output of ``rows`` rows; None when it has at most ``size``
    rows (default ``AFTER_SAMPLE_ROWS``; scanned whole)."""
    size = AFTER_SAMPLE_ROWS if size is None else size
    if rows <= size:
        return None
    return np.sort(np.argpartition(priorities(0, rows, seed), size - 1)[:size])


class AfterSample:
    """The sample of an output written in Arrow tables of one schema, gathered as they are written."""

    def __init__(self, seed: int, size: int | None = None) -> None:
        self.seed, self.size = seed, AFTER_SAMPLE_ROWS if size is None else size
        self.rows = 0  # output rows seen
        self.parts: list[pa.Table] = []
        self.keys: list[np.ndarray] = []
        self.held = 0
        self.threshold: np.uint64 | None = None  # the largest priority kept, once ``size`` rows are held

    def add(self, table: pa.Table) -> None:
        n = table.num_rows
        if not n:
            return
        prio = priorities(self.rows, n, self.seed)
        self.rows += n
        if self.threshold is not None:
            picked = np.flatnonzero(prio < self.threshold)
            if not picked.size:
                return
            table, prio = table.take(pa.array(picked)), prio[picked]
        self.parts.append(table)
        self.keys.append(prio)
        self.held += len(prio)
        if self.held >= 2 * self.size:
            self._prune()

    def _prune(self) -> None:
        if not self.parts:
            return
        table, prio = pa.concat_tables(self.parts), np.concatenate(self.keys)
        if len(prio) > self.size:
            keep = np.sort(np.argpartition(prio, self.size - 1)[:self.size])
            table, prio = table.take(pa.array(keep)), prio[keep]
            self.threshold = prio.max()
        self.parts, self.keys, self.held = [table], [prio], len(prio)

    @property
    def sampled(self) -> bool:
        """Whether the output has more rows than the sample (else it is scanned whole)."""
        return self.rows > self.size

    def result(self) -> pa.Table | None:
        """The sampled rows in output order (every row when the output is no larger than the sample; None for
        no rows)."""
        self._prune()
        table = self.parts[0] if self.parts else None
        self.parts, self.keys = [], []
        return table

    def info(self) -> dict[str, int] | None:
        """``after.sample`` of the fix report: {rows, of}, or None when the output is scanned whole."""
        return {"rows": min(self.rows, self.size), "of": self.rows} if self.sampled else None


def sample_note(sample: dict[str, int]) -> str:
    """The fix report's words for an after-report from a sample."""
    return (f"The report after the fix is from a uniform random sample of {sample['rows']:,} of the {sample['of']:,} "
            "output rows (seeded): its counts of duplicate rows (DA603) and conflicting labels (DA703) are the "
            "sample's, far below the output's, and its other statistics are estimates.")
