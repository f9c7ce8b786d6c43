"""Recodings DA606 finds beyond two columns numbered alike: a number and a monotone transform of it with few
values (11 income brackets and their logs), a 0/1 flag that marks exactly the rows where a number takes its
commonest value (``unem96`` = ``earn96`` == 0) and a category that is a coarsening of another which it completes
with a third (``ap`` a function of ``trt``: placebo exactly when p; ``trt`` is ``ap`` and ``hilo`` combined). Each is exact, on every sampled row; none compares rows one by one."""

from __future__ import annotations

import hashlib
from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ..analysis.profiling import DatasetProfile
from ._common import pct

__all__ = ["MIN_TRANSFORM_VALUES", "MAX_TRANSFORM_VALUES", "monotone_pair", "MIN_SPIKE_ROWS", "MIN_SPIKE_VALUES",
           "spike_flags", "MAX_COARSE_VALUES", "MIN_ROWS_PER_VALUE", "MAX_COARSE_PARTNERS", "coarsenings", "mask_digest",
           "MAX_CASE_COLUMNS", "MIN_CASE_VALUES", "case_variants", "THRESHOLD_ROWS", "THRESHOLD_COLUMNS",
           "MIN_THRESHOLD_SIDE", "threshold_flags", "MAX_RANGE_VALUES", "MIN_RANGE_DUMMIES", "MIN_RANGE_ROWS",
           "range_dummies"]

#: a one-to-one pair with a non-integer number in it is a recoding only as a monotone map of this many values or
#: more (two attributes of the same few groups map one to one without being one a transform of the other; five
#: values fall in order by chance once in 60, eleven once in 20 million)
MIN_TRANSFORM_VALUES = 5
#: and of at most this many: levels or brackets. A continuous number beside its log is a correlation (DA605's
#: Pearson, which a log of a long tail escapes), not a recoding of levels
MAX_TRANSFORM_VALUES = 50


def mask_digest(mask: np.ndarray) -> bytes:
    """A row mask hashed: two masks are the same rows exactly when their digests are equal."""
    return hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()


def monotone_pair(sample: pd.DataFrame, a: str, b: str, k: int) -> bool:
    """Whether two columns that map one to one (``k`` values each) are a monotone map of each other: sorted by
    one, the other's values only rise or only fall. Numbers only, of ``MIN_TRANSFORM_VALUES`` to
    ``MAX_TRANSFORM_VALUES`` values."""
    if not MIN_TRANSFORM_VALUES <= k <= MAX_TRANSFORM_VALUES:
        return False
    x = pd.to_numeric(sample[a], errors="coerce")
    y = pd.to_numeric(sample[b], errors="coerce")
    pairs = pd.DataFrame({"x": x, "y": y}).dropna().drop_duplicates().sort_values("x")
    if len(pairs) < MIN_TRANSFORM_VALUES:
        return False
    return bool(pairs["y"].is_monotonic_increasing or pairs["y"].is_monotonic_decreasing)


#: a number's commonest value must fill this many sampled rows before a flag of exactly those rows is its recoding
MIN_SPIKE_ROWS = 5
#: and the number must hold this many values: fewer is a category, whose one-value flags are dummies
MIN_SPIKE_VALUES = 10


def spike_flags(data: DatasetProfile, flags: dict[bytes, str], numbers: list[str]) -> Iterator[Hit]:
    """Two-valued columns (``flags``: the row mask of either value, hashed, to the column) that mark exactly the
    rows where a number takes its commonest value (``unem96`` = 1 exactly where ``earn96`` is 0): the flag is
    that number read at one value, the same fact twice. One mask per number: no pair is compared."""
    if not flags:
        return
    sample = data.numeric_sample
    for name in numbers:
        if name not in sample.columns or data.columns[name].distinct < MIN_SPIKE_VALUES:
            continue
        x = sample[name].to_numpy(dtype=float)
        known = x[np.isfinite(x)]
        if not known.size:
            continue
        values, counts = np.unique(known, return_counts=True)
        top = int(np.argmax(counts))
        if counts[top] < MIN_SPIKE_ROWS:
            continue
        mask = x == values[top]
        flag = flags.get(mask_digest(mask))
        if flag is None or flag == name:
            continue
        value = float(values[top])
        shown = f"{value:g}"
        yield Hit(flag, f"marks exactly the rows where `{name}` is {shown} ({pct(float(mask.mean()))} of rows): "
                  "a recoding of that number at one value, the same fact twice",
                  {"recoding_of": name, "kind": "value-flag", "value": value, "rows": int(mask.sum())},
                  columns=(name, flag))


#: a category coarsened by another has at most this many values (more: a key whose functions are its attributes)
MAX_COARSE_VALUES = 20
#: and fills this many sampled rows per value on average (fewer: a function by the lack of rows)
MIN_ROWS_PER_VALUE = 5


def coarsenings(data: DatasetProfile, fine: list[str], coarse: list[str], skip: set[str]) -> Iterator[Hit]:
    """Categories (``coarse``) that are a function of a text category with more values (``fine``) in every sampled
    row while that category is in turn the combination of them with a third (``ap`` = p exactly for ``trt`` =
    placebo, a for drug and drug+; ``trt`` is ``ap`` and ``hilo`` recoded): the finer column holds all the coarser
    says. A category of regions beside its cities is a coarsening too, but no column completes it back into the
    cities: a hierarchy, kept quiet. One grouped count per fine category and per pair of coarser ones."""
    sample = data.sample
    rows = len(sample)
    codes = {c: pd.Series(pd.factorize(sample[c].astype("str").to_numpy(), use_na_sentinel=False)[0],
                          index=sample.index) for c in dict.fromkeys([*fine, *coarse])}
    sizes = {c: int(v.max()) + 1 for c, v in codes.items()}
    matrix = np.column_stack([codes[c].to_numpy() for c in coarse]) if coarse else np.zeros((rows, 0), np.int64)
    position = {c: i for i, c in enumerate(coarse)}
    for name in fine:
        k = sizes[name]
        if not 3 <= k <= MAX_COARSE_VALUES or rows < MIN_ROWS_PER_VALUE * k:
            continue
        others = [c for c in coarse if c != name and 2 <= sizes[c] < k][:MAX_COARSE_PARTNERS]
        if not others:
            continue
        columns = np.array([position[c] for c in others])
        of = codes[name].to_numpy()
        # a function of ``name`` on every row is one on the first rows too: test those first (most columns fail
        # there), then every row for the few left
        head = min(rows, SCREEN_ROWS)
        kept = columns[_functions_of(of[:head], matrix[:head, columns], np.array([sizes[c] for c in others]))]
        whole = _functions_of(of, matrix[:, kept], np.array([sizes[coarse[i]] for i in kept])) if kept.size else []
        functions = {coarse[i] for i, ok in zip(kept, whole) if ok}
        for other in (c for c in others if c in functions and c not in skip):
            partner = _completing(codes, name, other, others)
            if partner is None:
                continue
            pairs = (pd.DataFrame({"a": sample[name].astype("str"), "b": sample[other].astype("str")})
                     .drop_duplicates().head(4))
            shown = ", ".join(f"{a!r} → {b!r}" for a, b in zip(pairs["a"], pairs["b"]))
            yield Hit(other, f"a coarsening of `{name}` in every row ({k} values onto {sizes[other]}: {shown}), and "
                      f"`{name}` is `{other}` and `{partner}` combined: `{name}` already holds all `{other}` says",
                      {"recoding_of": name, "kind": "coarsening", "values": k, "onto": sizes[other],
                       "combined_with": partner, "examples": [{"a": a, "b": b} for a, b in
                                                               zip(pairs["a"], pairs["b"])]},
                      columns=(name, other, partner))


#: at most this many coarser categories are tried beside one fine category (a wide table's cost)
MAX_COARSE_PARTNERS = 200
#: rows a candidate is screened on before every sampled row is compared
SCREEN_ROWS = 256


def _functions_of(of: np.ndarray, codes: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """For each column of ``codes`` (rows x columns, each column's codes below its ``sizes``), whether it is a
    function of the codes ``of`` on these rows: as many distinct (of, column) pairs as distinct values of ``of``."""
    if codes.shape[1] == 0:
        return np.zeros(0, dtype=bool)
    pairs = np.sort(of[:, None].astype(np.int64) * sizes[None, :] + codes, axis=0)
    distinct = 1 + (pairs[1:] != pairs[:-1]).sum(axis=0)
    return distinct == np.unique(of).size


def _completing(codes: dict[str, pd.Series], name: str, coarse: str, others: list[str]) -> str | None:
    """The first other category that, with ``coarse``, tells every value of ``name`` (``name`` a function of the
    pair in every row); None when none does."""
    base = codes[coarse].to_numpy()
    target = codes[name].to_numpy()
    for partner in others:
        if partner == coarse:
            continue
        key = base * (int(codes[partner].max()) + 1) + codes[partner].to_numpy()
        if pd.Series(target).groupby(key).nunique().max() == 1:
            return partner
    return None


MAX_CASE_COLUMNS = 200  # text columns compared for the same text in another case: the first this many
MIN_CASE_VALUES = 5  # distinct values such a pair holds, at least (two spellings of yes/no are DA403's concern)


def case_variants(data: DatasetProfile, names: list[str], reported: set[str]) -> Iterator[Hit]:
    """Text columns equal to an earlier one in every sampled row once case and runs of spaces are set aside
    (``district`` = ``municipa`` title-cased), though not equal as they stand (DA604's): the same text twice. Only
    columns of the same distinct and missing counts are numbered (by first appearance), and only pairs numbered
    alike compare their distinct values, normalised: no row is compared."""
    sample = data.sample
    by_counts: dict[tuple[int, int], list[str]] = {}
    for name in names[:MAX_CASE_COLUMNS]:
        col = data.columns[name]
        if name not in reported and col.distinct >= MIN_CASE_VALUES:
            by_counts.setdefault((col.distinct, col.missing), []).append(name)
    for group in by_counts.values():
        if len(group) < 2:
            continue
        numbered: dict[bytes, list[tuple[str, np.ndarray]]] = {}
        for name in group:
            codes, uniques = pd.factorize(sample[name].to_numpy(dtype=object), use_na_sentinel=True)
            key = hashlib.blake2b(codes.astype(np.int64).tobytes(), digest_size=16).digest()
            norm = pd.Series(uniques, dtype=object).astype("str").str.casefold() \
                .str.replace(r"\s+", " ", regex=True).str.strip().to_numpy()
            numbered.setdefault(key, []).append((name, norm))
        for alike in numbered.values():
            for i, (name, norm) in enumerate(alike[1:], start=1):
                match = next((a for a, other in alike[:i] if np.array_equal(other, norm)), None)
                if match is None or data.stats.column_digest[match] == data.stats.column_digest[name]:
                    continue
                yield _case_hit(sample, match, name)


def _case_hit(sample: pd.DataFrame, first: str, name: str) -> Hit:
    text = sample[name]
    differ = text.notna() & (text.astype("str") != sample[first].astype("str"))
    example = sample.loc[differ, [first, name]].head(1)
    shown = "" if example.empty else f" ({example.iloc[0, 0]!r} ↔ {example.iloc[0, 1]!r})"
    return Hit(name, f"the text of `{first}` in another case or spacing in every row{shown}: the same information "
               f"twice ({pct(float(differ.mean()))} of the rows differ only so)",
               {"recoding_of": first, "kind": "case-variant", "rows_differing": int(differ.sum())},
               columns=(first, name))


THRESHOLD_ROWS = 2_000  # sampled rows a threshold is judged on (a perfect split of 10 rows or more is no chance)
THRESHOLD_COLUMNS = 300  # flags and numbers compared, at most each (the cost is flags × numbers × rows)
MIN_THRESHOLD_SIDE = 10  # rows on each side of the threshold, at least


def threshold_flags(data: DatasetProfile, flags: list[str], numbers: list[str], skip: set[str]) -> Iterator[Hit]:
    """Two-valued columns (``flags``, numbers or words) whose one value holds exactly the lowest or the highest rows
    of a number of ``MIN_SPIKE_VALUES`` values or more, strictly (no value of the number on both sides),
    ``MIN_THRESHOLD_SIDE`` rows or more on each side: the flag is a threshold of the number (``nearinc`` = ``dist``
    ≤ 15,840 feet; ``child`` = ``age`` < 18). All pairs at once: a value's rows hold the lowest m ranks of the
    number exactly when their rank sum is m(m + 1)/2 (ties averaged, so a tie across the threshold misses it), one
    matrix product of the values' rows with the numbers' ranks."""
    numeric = data.numeric_sample
    flags = [f for f in flags if f in data.sample.columns and f not in skip][:THRESHOLD_COLUMNS]
    numbers = [n for n in numbers if n in numeric.columns and data.columns[n].distinct >= MIN_SPIKE_VALUES][
        :THRESHOLD_COLUMNS]
    if not flags or not numbers:
        return
    step = max(1, len(numeric) // THRESHOLD_ROWS)
    x = numeric[numbers].iloc[::step].to_numpy(dtype=float)
    known = np.isfinite(x)
    ranks = np.where(known, pd.DataFrame(np.where(known, x, np.nan)).rank(method="average").to_numpy(), 0.0)
    total = known.sum(axis=0)[None, :].astype(float)
    raw = data.sample[flags].iloc[::step]
    values, marks = [], []  # each flag's two values, by their text in sorted order, and the rows of each
    for f in flags:
        codes, uniques = pd.factorize(raw[f].astype("str").where(raw[f].notna()).to_numpy(), sort=True)
        values.append(list(uniques) if len(uniques) == 2 else [None, None])
        marks.append(codes)
    codes = np.column_stack(marks)
    for which in (1, 0):  # the flag's later value (a 1, a 'yes'), then its earlier, marks the rows
        rows_of = (codes == which).astype(float)
        m = rows_of.T @ known.astype(float)  # rows of the value where the number is known
        sums = rows_of.T @ ranks
        low = np.abs(sums - m * (m + 1) / 2) < 1e-6
        high = np.abs(sums - (m * total - m * (m - 1) / 2)) < 1e-6
        # the other value fills the rest of the known rows (a missing flag is no side)
        rest = (codes == 1 - which).astype(float).T @ known.astype(float)
        sides = (m >= MIN_THRESHOLD_SIDE) & (rest >= MIN_THRESHOLD_SIDE) & (np.abs(m + rest - total) < 0.5)
        for i, j in zip(*np.nonzero((low | high) & sides)):
            flag, name = flags[int(i)], numbers[int(j)]
            if flag == name or flag in skip or values[i][which] is None:
                continue
            inside = x[codes[:, i] == which, j]
            outside = x[codes[:, i] == 1 - which, j]
            below = bool(low[i, j])
            edge = float(np.nanmax(inside) if below else np.nanmin(inside))
            other = float(np.nanmin(outside) if below else np.nanmax(outside))
            skip.add(flag)
            one = np.unique(outside[np.isfinite(outside)]).size == 1  # a product of the flag is one value outside it
            how = (f"`{name}` is {other:g} wherever it is not: one is built from the other (the flag a threshold "
                   f"of `{name}`, or `{name}` the flag times a number)" if one else
                   f"never where it is {'≥' if below else '≤'} {other:g}: a threshold of `{name}`, derived from it")
            yield Hit(flag, f"is {values[i][which]!r} exactly where `{name}` is {'≤' if below else '≥'} {edge:g} "
                      f"({how}); kept (a step a model may use), but it adds nothing `{name}` does not hold",
                      {"recoding_of": name, "kind": "threshold-flag", "value": str(values[i][which]),
                       "threshold": edge, "side": "at or below" if below else "at or above",
                       "rows": int(m[i, j])}, columns=(name, flag), severity=Severity.LOW, fix="none")


MAX_RANGE_VALUES = 30  # a number binned into dummies holds at most this many values
MIN_RANGE_DUMMIES = 2  # and is stored beside at least this many of them
MIN_RANGE_ROWS = 5  # rows in its median value (every value two at least)


def range_dummies(data: DatasetProfile, flags: list[str], numbers: list[str], skip: set[str]) -> Iterator[Hit]:
    """A number of 3 to ``MAX_RANGE_VALUES`` values (``MIN_RANGE_ROWS`` rows in the median one, two in each) stored
    beside dummies of its ranges (``educ`` beside ``highgrad`` = 12, ``polytech`` = 14-15, ``college`` = 16,
    ``grad`` = 17-20, …): ``MIN_RANGE_DUMMIES`` 0/1 columns or more, each a function of the number (the same value in every row of each of its values) and one of
    them marking two values or more, that mark disjoint sets of its values covering all of them or all but one
    run of neighbouring values (the base range left out). Severity low: derived, it adds nothing the number does not
    hold, but steps are a shape a model may use, so fix keeps them. All flags of a number at once: one matrix
    product of the number's one-hot rows with the flags."""
    sample = data.sample
    flags = [f for f in flags if f in sample.columns and f not in skip][:THRESHOLD_COLUMNS]
    numbers = [n for n in numbers if n in sample.columns and 3 <= data.columns[n].distinct <= MAX_RANGE_VALUES]
    if len(flags) < MIN_RANGE_DUMMIES or not numbers:
        return
    step = max(1, len(sample) // THRESHOLD_ROWS)
    marks = np.column_stack([pd.factorize(sample[f].iloc[::step].astype("str").where(sample[f].iloc[::step].notna())
                                          .to_numpy(), sort=True)[0] for f in flags])
    for name in numbers[:THRESHOLD_COLUMNS]:
        codes, values = pd.factorize(sample[name].iloc[::step].to_numpy(), sort=True)
        rows = (codes >= 0) & (marks >= 0).all(axis=1)
        if rows.sum() < 2 * MIN_THRESHOLD_SIDE:
            continue
        onehot = np.eye(len(values))[codes[rows]]
        size = onehot.sum(axis=0)
        if size.min() < 2 or np.median(size) < MIN_RANGE_ROWS:
            continue  # values of a row or two: any flag is a function of them by chance
        ones = onehot.T @ (marks[rows] == 1)  # rows of each value (row) where each flag (column) is 1
        function = ((ones == 0) | (ones == size[:, None])).all(axis=0) & (ones.sum(axis=0) > 0) \
            & (ones.sum(axis=0) < size.sum())
        chosen = [j for j in np.flatnonzero(function) if flags[j] != name and flags[j] not in skip]
        marked = (ones[:, chosen] == size[:, None]) if chosen else np.zeros((len(values), 0), dtype=bool)
        if len(chosen) < MIN_RANGE_DUMMIES or (marked.sum(axis=1) > 1).any() or marked.sum(axis=0).max() < 2:
            continue  # not disjoint, or each flag one value: a category's own dummies (DA606's first kind)
        order = np.argsort(marked.argmax(axis=0), kind="stable")  # the dummies by the first value they mark
        chosen, marked = [chosen[k] for k in order], marked[:, order]
        left = np.flatnonzero(~marked.any(axis=1))
        if left.size and (left[-1] - left[0] + 1 != left.size):
            continue  # the values no dummy marks are not one run: not a binning of the number
        ranges = []
        for j, flag in zip(range(len(chosen)), (flags[k] for k in chosen)):
            held = values[marked[:, j]]
            ranges.append(f"`{flag}` = {held[0]:g}" + (f"-{held[-1]:g}" if held.size > 1 else ""))
        names = [flags[k] for k in chosen]
        skip.update(names)
        yield Hit(name, f"stored beside dummies of its ranges ({', '.join(ranges[:5])}"
                  f"{' …' if len(ranges) > 5 else ''}): the dummies are a binning of it; kept (steps a model may "
                  "use), but they add nothing it does not hold",
                  {"kind": "range-dummies", "dummies": names, "values": int(len(values))},
                  columns=(name, *names), severity=Severity.LOW, fix="none")
