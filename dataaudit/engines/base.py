"""The scan engine interface: how an engine hands a file's statistics to the one scan (``analysis.pipeline``).

A scan engine is a module with two functions; ``api.scan`` picks one by name (``api.SCAN_ENGINES``):

- ``read_stats(path, *, target, sample_size, missing_values, sheet, scheduler, progress)``: the ``LoadedTable``
  (with a stream or Dask engine, the schema only, and ``rows`` set) and its ``DatasetStats`` (None: the scan
  computes them from the table in memory);
- ``note(profile)``: the report's ``dataset.engine`` (which statistics are estimates), or None.

The fix side of an engine (pass 2: transform and write) is ``fixing.driver.OutOfCoreEngine``.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Protocol

from ..core.stats import DatasetStats
from ..io.read import LoadedTable
from ..progress import Progress

__all__ = ["ScanEngine"]


class ScanEngine(Protocol):
    def read_stats(self, path: str | os.PathLike[str], *, target: str | None, sample_size: int,
                   missing_values: Mapping[str, Iterable[Any]] | None, sheet: str | int | None,
                   scheduler: str | None, progress: Progress) -> tuple[LoadedTable, DatasetStats | None]: ...

    def note(self, profile: Any) -> dict[str, Any] | None: ...
