"""The one thread pool: per-column numpy work (sorts, partitions, reductions) releases the GIL, so the statistics
and the fix steps run it on threads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

__all__ = ["T", "R", "pool", "thread_map"]

T = TypeVar("T")
R = TypeVar("R")

_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    """One thread pool for every chunk (the stream engine calls chunk_stats hundreds of times)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(8, 2 * (os.cpu_count() or 1)), thread_name_prefix="dataaudit")
    return _POOL


def thread_map(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[func(x) for x in items]``, run in the shared thread pool: for per-column numpy work (sorts,
    partitions, reductions), which releases the GIL. Results in the order of ``items``."""
    return list(pool().map(func, items))
