"""Give freed memory back to the system between the fix's steps, so the peak is what the data needs.

Each fix step makes whole-column arrays (a million rows: 8 MB a column) and frees the ones of the step before.
glibc's malloc serves an allocation that large with mmap and unmaps it when freed, but after each such free it
raises its mmap threshold (up to 32 MB), so the next steps' columns come from its heap arenas, where freed blocks
stay resident: on the 1M-row × 20 scale file about 500 MB of freed memory was still held when the fix built its
output (peak 1.8 GB). ``malloc_trim(0)`` returns the free pages of every arena at once (and Arrow's allocator
returns its own through ``release_unused``); it costs a walk over the free blocks, milliseconds, so the fix calls
it once per step, not per column. Other platforms and C libraries are left alone.
"""

from __future__ import annotations

import ctypes
import sys
from functools import lru_cache
from typing import Callable

import pyarrow as pa

__all__ = ["release_memory"]


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_memory() -> bool:
    """Return the memory freed so far to the system: Arrow's pool, then glibc's heap. Whether glibc's was
    trimmed (False where it does not apply)."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    return bool(trim is not None and trim(0) >= 0)
