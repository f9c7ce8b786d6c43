"""Hashing and row sampling shared by every engine: 64-bit hashes of values, strings and rows (row hashes find
duplicate rows; value hashes feed the distinct-count sketches), and the deterministic row priority whose lowest
values are the uniform row sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["floats", "MIX", "hash_u64", "HASH_CHUNK_BYTES", "EQUAL_LENGTH_MAX", "string_hash", "value_hash",
           "row_hashes", "repeated_values", "duplicate_mask", "row_priority", "bottom_k"]


def floats(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(arr.cast(pa.float64(), safe=False).fill_null(np.nan).to_numpy(zero_copy_only=False),
                      dtype=float)


MIX = np.uint64(0x9E3779B97F4A7C15)


def hash_u64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-mixed 64-bit hash of 64-bit keys."""
    z = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


HASH_CHUNK_BYTES = 1 << 21  # 2 MB of text per hashing slice (its per-byte arrays take 24 bytes per byte)
EQUAL_LENGTH_MAX = 64  # longest strings hashed a byte position at a time (one numpy pass per position)


def string_hash(arr: pa.Array) -> np.ndarray:
    """Per-value 64-bit hash of a string array, vectorised over its bytes (no Python per string).

    A polynomial hash of the UTF-8 bytes (mod 2**64), mixed with the length and finalised with
    splitmix64. Nulls hash like the empty string; callers mark missing values separately.
    """
    if isinstance(arr, pa.ChunkedArray):  # e.g. a pandas str Series made by concatenation
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    if arr.offset:
        arr = pa.concat_arrays([arr])  # re-base a sliced array so its buffers start at 0
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=n + 1).astype(np.int64)
    data_buffer = arr.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8, count=int(offsets[-1])) if data_buffer is not None \
        else np.zeros(0, dtype=np.uint8)
    lengths = np.diff(offsets)
    out = lengths.astype(np.uint64) * MIX
    if data.size:
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(int(lengths.max()), 1099511628211, dtype=np.uint64), dtype=np.uint64)
        # In slices of about HASH_CHUNK_BYTES: the per-byte arrays cost 8 bytes per byte of text each,
        # so hashing a whole 100 MB column at once would need gigabytes.
        ends = np.searchsorted(offsets, np.arange(HASH_CHUNK_BYTES, int(offsets[-1]), HASH_CHUNK_BYTES), "right")
        bounds = np.unique(np.concatenate([[0], np.maximum(ends - 1, 1), [n]]))
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            start, stop = int(offsets[lo]), int(offsets[hi])
            part_len = lengths[lo:hi]
            nonempty = part_len > 0
            if stop == start or not nonempty.any():
                continue
            local = offsets[lo:hi] - start
            width = int(part_len.max())
            with np.errstate(over="ignore"):
                if hi - lo >= 256 and width <= EQUAL_LENGTH_MAX and (hi - lo) * width == stop - start:  # IDs, codes
                    out[lo:hi] += _equal_length_sums(data[start:stop], width, powers)
                    continue
                position = np.arange(stop - start, dtype=np.int64) - np.repeat(local, part_len)
                contrib = (data[start:stop].astype(np.uint64) + np.uint64(1)) * powers[position]
                sums = np.add.reduceat(contrib, local[nonempty])
                out[lo:hi][nonempty] += sums
    return hash_u64(out)


def _equal_length_sums(data: np.ndarray, width: int, powers: np.ndarray) -> np.ndarray:
    """``string_hash``'s byte sums Σ (byte + 1)·P^(k+1) for strings all ``width`` bytes long (IDs, codes):
    their bytes viewed as a strings × ``width`` matrix, summed one byte position at a time. About 3× faster
    than the per-byte arrays (strings of unequal lengths padded into a matrix are not faster)."""
    matrix = data.reshape(-1, width)
    sums = np.zeros(matrix.shape[0], dtype=np.uint64)
    for k in range(width):
        byte = matrix[:, k].astype(np.uint64)
        byte += np.uint64(1)
        byte *= powers[k]
        sums += byte
    return sums


def value_hash(values: np.ndarray) -> np.ndarray:
    """Per-row hash of a float64 column: equal numbers hash equal (int 1 == float 1.0), NaN == NaN.

    A multiply-xorshift of the float's bits: a bijection, so distinct values never collide within
    a column; mixing across columns happens in the row hash.
    """
    v = values + 0.0  # -0.0 -> 0.0
    v[np.isnan(v)] = np.nan  # one NaN bit pattern
    with np.errstate(over="ignore"):
        z = v.view(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(29)
    return z


_ROW_SEED = np.uint64(0x243F6A8885A308D3)
_MISSING_TEXT = np.uint64(0x6A09E667F3BCC908)  # a missing text cell: apart from the empty string


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row of ``frame``: rows equal as ``DataFrame.duplicated`` sees them (NaN equal to
    NaN) hash equal, whatever dtype a column has in this batch."""
    h = np.full(len(frame), _ROW_SEED, dtype=np.uint64)
    for name in frame.columns:
        with np.errstate(over="ignore"):
            h = hash_u64((h * np.uint64(0x100000001B3)) ^ _column_hash(frame[name]))
    return h


def _column_hash(series: pd.Series) -> np.ndarray:
    """Per-row hash of one column. Numbers and booleans hash as float64 (1 == 1.0 == True), because a column
    is int64 in a batch without missing values and float64 or object in one with them; text by its bytes."""
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return value_hash(series.to_numpy(dtype=float, na_value=np.nan))
    arr = pa.array(series, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_boolean(arr.type) or pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        return value_hash(floats(arr))
    text = pc.dictionary_encode(arr.cast(pa.string()))  # text; dates and anything else by their text
    # each distinct string hashed once, spread by index; a missing cell gets its own hash
    indices = text.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return np.append(string_hash(text.dictionary), _MISSING_TEXT)[indices]


def repeated_values(hashes: np.ndarray) -> int:
    """How many values repeat an earlier one: one sorted copy, not np.unique's several (10M rows: 80 MB)."""
    if hashes.size < 2:
        return 0
    ordered = np.sort(hashes)
    return int(np.count_nonzero(ordered[1:] == ordered[:-1]))


def duplicate_mask(hashes: np.ndarray, *, first: bool = True) -> np.ndarray:
    """Rows whose hash repeats an earlier row's (``first``: the first of each group is not marked) or any
    other row's (``first=False``), from one stable sort: a third of the memory of a hash table of 10M rows."""
    marked = np.zeros(hashes.size, dtype=bool)
    if hashes.size < 2:
        return marked
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    del ordered
    marked[order[1:][same]] = True
    if not first:
        marked[order[:-1][same]] = True
    return marked


def row_priority(rows: np.ndarray) -> np.ndarray:
    """A pseudo-random 64-bit priority per row number: the uniform sample is the rows of lowest priority, the same
    whichever engine or batch sees a row."""
    return hash_u64(rows.astype(np.uint64) ^ MIX)


def bottom_k(table: pa.Table, k: int) -> pa.Table:
    """The ``k`` rows of ``table`` (with a ``__row__`` column of row numbers) of lowest ``row_priority``, in order."""
    if table.num_rows <= k:
        return table
    rows = table.column("__row__").to_numpy()
    keep = np.sort(np.argpartition(row_priority(rows), k)[:k])
    return table.take(pa.array(keep))
