"""The one thread pool: per-column numpy work (sorts, partitions, reductions) releases the GIL, so the statistics
and the fix steps run it on threads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

__all__ = ["T", "R", "pool", "thread_map", "one_blas_thread", "blas_map"]

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


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS/LAPACK (numpy's OpenBLAS) on the calling thread only, restored on exit; usable as a decorator.

    The scan's dense algebra (the probe's SVDs, the Gram and correlation matrices of a wide table) is small
    enough that BLAS's own threads gain little, and on a busy machine (more runnable threads than cores, or
    this module's pool working beside them) they spin and wait for each other: the wide table's probe took
    about 1 s on one thread, up to 11 s on two under load. One thread also makes the last digits of those
    results independent of the machine's core count."""
    # scikit-learn's dependency; cheap to import, but only the scan needs it
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def blas_map(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[func(x) for x in items]`` for dense algebra (LAPACK calls, each releasing the GIL): side by side on the
    shared pool when BLAS runs on the calling thread only (``one_blas_thread``: the scan and the fix), one after
    the other otherwise, where BLAS's own threads already use the cores and calls beside them would only contend.
    Either way each call runs with the BLAS threads the caller set, so its result is the one it gives alone."""
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController().select(user_api="blas").lib_controllers
    items = list(items)
    if len(items) > 1 and blas and all(lib.num_threads == 1 for lib in blas):
        return thread_map(func, items)
    return [func(x) for x in items]
