"""Keep glibc's heap from fragmenting during long streams.

glibc serves large allocations with mmap and gives them back at once, but after each such free it raises
its mmap threshold (up to 32 MB), so the stream engine's per-batch arrays of a few MB then come from the
heap arenas, where freed blocks stay mapped between batches of other sizes. On a 10M-row scan that kept
about 500 MB of freed memory resident (peak 1.44 GB; 0.95 GB with the threshold fixed). Setting the
threshold explicitly turns the adjustment off. Other platforms and C libraries are left alone.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["MMAP_THRESHOLD", "limit_heap_fragmentation"]

MMAP_THRESHOLD = 256 << 10  # allocations at least this large are mmapped, and unmapped when freed
_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
_done = False


def limit_heap_fragmentation() -> bool:
    """Fix glibc's mmap threshold at ``MMAP_THRESHOLD`` (once per process); False where that does not apply
    or the user set ``MALLOC_MMAP_THRESHOLD_`` themselves."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    _done = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _done
