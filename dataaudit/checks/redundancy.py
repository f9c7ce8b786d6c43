"""DA6xx redundancy: constant and near-constant columns, duplicate rows and columns, correlated pairs."""

from __future__ import annotations

import hashlib
from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.profiling import DatasetProfile
from ..analysis.rules import check
from ..core.hashing import duplicate_mask
from ..core.kernels import least_squares
from ..core.measures import SMALL_TABLE_ROWS
from ..core.numfmt import significant
from ..core.textcodes import text_codes, text_codes_only
from ._common import EXACT_CONDITION, jsonable, pct, plural
from .linear_deps import dependency_inputs, exact_dependencies
from .recode_kinds import (
    case_variants,
    coarsenings,
    mask_digest,
    monotone_pair,
    range_dummies,
    spike_flags,
    threshold_flags,
)

__all__ = ["constant_column", "near_constant", "duplicate_rows", "CHANCE_FACTOR", "chance_repeats",
           "MEMBER_AGREEMENT", "target_mostly_differs", "duplicate_columns", "correlated_features",
           "MAX_CORRELATED_COLUMNS", "correlation_inputs", "RECODING_TYPES", "recoded_columns", "MAX_DUMMY_VALUES",
           "linear_dependency"]


@check("DA601", "constant-column", Category.REDUNDANCY, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("drop",))
def constant_column(data: DatasetProfile) -> Iterator[Hit]:
    """A column with a single distinct value.

    Why it hurts training: its weight only duplicates the bias and gets no useful gradient (a dead
    parameter); standard scaling divides by a zero standard deviation (NaN or inf).

    How fix repairs it: drop removes the column.
    """
    for col in data.features:
        if col.inferred_type == "constant":
            value = col.text.frame.loc[~col.text.frame["token"], "value"].iloc[0] if col.text is not None \
                else jsonable(float(col.numeric.values[0]))
            yield Hit(col.name, f"every non-missing value is {value!r}", {"value": value, "missing": col.missing})


@check("DA602", "near-constant", Category.REDUNDANCY, Severity.LOW,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=())
def near_constant(data: DatasetProfile, *, min_top_share: float = 0.95) -> Iterator[Hit]:
    """A column in which one value covers at least 95% of the non-missing rows (caret's near-zero-variance 95/5 rule).

    Why it hurts training: the weight sees a non-default input in under 5% of rows, so it is updated
    rarely and noisily, and learns from a handful of examples.

    How fix repairs it: fix keeps the column (a rare value can be the most informative input there is);
    drop it yourself if the rare value is noise. Columns with a single value are dropped (DA601).
    """
    for col in data.features:
        if col.inferred_type in ("constant", "empty") or col.top_share < min_top_share:
            continue
        yield Hit(col.name, f"one value covers {pct(col.top_share)} of non-missing rows",
                  {"top_share": jsonable(col.top_share), "distinct": col.distinct})


@check("DA603", "duplicate-rows", Category.REDUNDANCY, Severity.LOW,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("drop",))
def duplicate_rows(data: DatasetProfile, *, medium_share: float = 0.05) -> Iterator[Hit]:
    """Rows that repeat an earlier row exactly (every column, the target included).

    Why it hurts training: each copy adds the same gradient again, so duplicated rows weigh more than the
    rest, and copies split across train and validation make the validation loss look better than it is.

    Rows equal in every column but an identifier (a row number, a record ID) repeat too: the identifier is
    dropped by fix, and the copies with it. They are counted when the row sample holds every row, and only
    when most rows are distinct otherwise and they are more than twice what independent columns would repeat by
    chance (a coarse table, such as a contingency table expanded to one row per person, or sex, treatment, age
    in years and a three-level answer, repeats its combinations legitimately; a number within a unit, the rest of
    a compound key such as a person's number in a family, is compared as a feature), and when rows equal in every
    feature agree on the target in most of their pairs or more than twice as often as chance (chicks of one brood
    share its height and year, not their tick counts: members of a group, not copies of a record).

    Exact repeats are left out too when every row is sampled, every column holds at most 50 values, and they are
    within twice what independent columns would repeat by chance: a table of a few coarse columns (class, age group, sex, survived) repeats its
    combinations in nearly every row, and none is a copy.

    How fix repairs it: drop removes the repeats (counted in the report); where this rule is quiet, fix keeps every
    row.
    """
    if not data.stats.repeated_rows:  # no two rows share their features, so none repeats in full
        yield from _repeats_but_for_identifiers(data)
        return
    full = data.stats.row_hash
    if data.stats.target_hash is not None:
        with np.errstate(over="ignore"):
            full = full * np.uint64(1099511628211) + data.stats.target_hash
    duplicate = duplicate_mask(full)
    count = int(duplicate.sum())
    if not count or _coarse_coincidence(data, count):
        return
    fraction = count / data.rows
    rows = np.flatnonzero(duplicate)[:5]
    first_row = {full[r]: int(np.argmax(full == full[r])) for r in rows}  # five scans, not a table of every row
    yield Hit(None, f"{plural(count, 'row')} ({pct(fraction)}) repeating an earlier row",
              {"count": count, "fraction": jsonable(fraction),
               "examples": [{"row": int(r), "duplicate_of": int(first_row[full[r]])} for r in rows]},
              severity=Severity.MEDIUM if fraction >= medium_share else Severity.LOW)


CHANCE_FACTOR = 2.0  # repeats within this factor of what chance gives are coincidences of a coarse table


def chance_repeats(frame: pd.DataFrame) -> float:
    """How many rows of ``frame`` would repeat an earlier one by chance if its columns were independent: each pair
    of rows is equal with probability Π Σ p², the product over the columns of the chance that two values agree
    (a sex, a treatment, an age in years and an answer of three: a coarse table repeats its combinations)."""
    agree = 1.0
    for name in frame.columns:
        p = frame[name].value_counts(normalize=True, dropna=False).to_numpy()
        agree *= float((p ** 2).sum())
    n = len(frame)
    return n * (n - 1) / 2 * agree


#: a column of a coarse table holds at most this many values: the chance that two rows agree on it is then
#: measured by its value shares; a finer column's shares (each value once or twice) would credit chance with copies
MAX_COARSE_VALUES = 50


def _coarse_coincidence(data: DatasetProfile, count: int) -> bool:
    """Whether ``count`` exact repeats are what a coarse table gives by chance: every row sampled, every column of
    at most ``MAX_COARSE_VALUES`` values, and no more than twice what independent columns would repeat (class, age
    group, sex and survival of 1,316 passengers: 24 combinations, so nearly every row repeats one, and none is a
    copy). Copies made by a join or an export repeat in tables with a fine-grained column too, where chance
    repeats nothing."""
    sample = data.sample
    if data.stats.sample.num_rows < data.rows or sample.shape[1] == 0:
        return False
    if any(sample[c].nunique(dropna=False) > MAX_COARSE_VALUES for c in sample.columns):
        return False
    return count <= CHANCE_FACTOR * chance_repeats(sample)


MEMBER_AGREEMENT = 0.5  # feature-equal rows agreeing on the target in fewer of their pairs are a group's members


def _pairs(frame: pd.DataFrame) -> float:
    """Pairs of rows of ``frame`` equal in every column."""
    sizes = frame.groupby(list(frame.columns), dropna=False, sort=False).size().to_numpy(dtype=float)
    return float((sizes * (sizes - 1) / 2).sum())


def target_mostly_differs(rest: pd.DataFrame, target: str) -> bool:
    """Whether rows equal in every feature differ in the target in most of their pairs, and agree on it no more
    than twice as often as any two rows do: the features are then those of a group (a brood's height, year and
    place, shared by its chicks) and the target is measured row by row, so the rows are members of one group, not
    copies of one record. Copies repeat the target too: their pairs always agree on it, far beyond chance (five
    identical stones at one price, where prices rarely coincide)."""
    pairs = _pairs(rest.drop(columns=[target]))
    if pairs == 0:
        return False
    agreeing = _pairs(rest)
    p = rest[target].value_counts(normalize=True, dropna=False).to_numpy()
    return agreeing < MEMBER_AGREEMENT * pairs and agreeing <= CHANCE_FACTOR * pairs * float((p ** 2).sum())


def _repeats_but_for_identifiers(data: DatasetProfile, min_distinct_share: float = 0.5) -> Iterator[Hit]:
    # a number within a unit (``persnum`` with ``intnum``) stays in the comparison: it tells persons apart, and a
    # record entered twice would repeat it too
    ids = [c.name for c in data.features if c.inferred_type == "identifier" and "compound_with" not in c.evidence]
    if not ids or data.stats.sample.num_rows < data.rows:
        return
    rest = data.sample.drop(columns=ids)
    if rest.shape[1] == 0:
        return
    repeat = rest.duplicated(keep="first").to_numpy()
    count = int(repeat.sum())
    if not count or count > (1 - min_distinct_share) * len(rest) or count <= CHANCE_FACTOR * chance_repeats(rest):
        return
    target = data.target.name if data.target is not None and data.target.name in rest.columns else None
    if target is not None and rest.shape[1] > 1 and target_mostly_differs(rest, target):
        return
    group = rest.groupby(list(rest.columns), dropna=False, sort=False).ngroup().to_numpy()
    first_of = pd.Series(rest.index.to_numpy()).groupby(group).transform("min").to_numpy()  # each group's first row
    rows = np.flatnonzero(repeat)[:5]
    fraction = count / data.rows
    yield Hit(None, f"{plural(count, 'row')} ({pct(fraction)}) repeating an earlier row in every column but the "
              f"identifier{'s' if len(ids) > 1 else ''} {', '.join(f'`{c}`' for c in ids)}",
              {"count": count, "fraction": jsonable(fraction), "apart_from": ids,
               "examples": [{"row": int(rest.index[i]), "duplicate_of": int(first_of[i])} for i in rows]},
              severity=Severity.MEDIUM if fraction >= 0.05 else Severity.LOW, columns=())


@check("DA604", "duplicate-columns", Category.REDUNDANCY, Severity.MEDIUM,
       effect=GradientEffect.ILL_CONDITIONING, fix_steps=("drop",))
def duplicate_columns(data: DatasetProfile) -> Iterator[Hit]:
    """A column identical to an earlier column, value for value.

    Why it hurts training: two identical inputs make the feature matrix singular: their weights can trade
    off freely (ill-conditioning), and the duplicated feature gets twice the effective learning rate.

    How fix repairs it: drop keeps the first column and removes the copy.
    """
    seen: dict[int, str] = {}
    for col in data.features:
        if col.inferred_type in ("empty", "constant"):
            continue
        digest = data.stats.column_digest[col.name]
        if digest in seen:
            first = seen[digest]
            yield Hit(col.name, f"identical to `{first}`", {"duplicate_of": first}, columns=(first, col.name))
        else:
            seen[digest] = col.name


@check("DA605", "correlated-features", Category.REDUNDANCY, Severity.MEDIUM,
       effect=GradientEffect.ILL_CONDITIONING, fix_steps=("drop",), on_sample=True)
def correlated_features(data: DatasetProfile, *, min_abs_r: float = 0.98, max_pairs: int = 100) -> Iterator[Hit]:
    """Two numeric features with |Pearson r| ≥ 0.98 (on the row sample).

    A 0/1 flag counts beside a number (a number that is almost only the flag: ``highearn`` beside
    ``highearn·lprewage``, r 0.999) and beside another flag that it almost copies or complements (``hispan`` beside
    ``black``: one is 1 − the other in 99.4% of the rows, r −0.987); two flags that recode each other exactly are
    a recoding, DA606's.

    At most the 100 strongest pairs are listed, then one table-level finding counts the rest. With more
    than 500 numeric columns, missing values are median-filled and r is computed in blocks (a wide table
    must not need a columns² matrix in memory).

    Why it hurts training: near-collinear inputs make the loss surface a long narrow valley: gradient
    descent zig-zags, converges slowly, and the two weights can grow large with opposite signs.

    How fix repairs it: drop removes one column of each near-duplicate pair.
    """
    digests = {c.name: data.stats.column_digest[c.name] for c in data.features}
    cols = correlation_inputs(data)
    if len(cols) < 2 or data.rows < SMALL_TABLE_ROWS:  # DA304: too few rows for a correlation to mean much
        return
    frame = data.numeric_sample[cols].replace([np.inf, -np.inf], np.nan)
    flags = {i for i, name in enumerate(cols) if data.columns[name].distinct == 2}
    pairs = list(_strong_pairs(frame, min_abs_r))
    # identical: DA604; two flags that recode each other exactly (|r| 1): DA606, two that almost do (``hispan``
    # beside ``black``, complements in 99.4% of rows) are a correlated pair; r to 4 significant digits, as its last
    # digits depend on the machine's BLAS
    pairs = [(a, b, significant(float(r))) for a, b, r in pairs
             if digests[cols[a]] != digests[cols[b]] and not ({a, b} <= flags and abs(r) > 1 - 1e-9)]
    pairs.sort(key=lambda p: (-abs(p[2]), p[0], p[1]))
    for a, b, r in pairs[:max_pairs]:
        yield Hit(cols[b], f"correlated with `{cols[a]}` (r = {r:.4f})", {"r": jsonable(r), "with": cols[a]},
                  columns=(cols[a], cols[b]))
    if len(pairs) > max_pairs:
        yield Hit(None, f"{len(pairs):,} pairs of numeric features have |r| ≥ {min_abs_r}; the {max_pairs} strongest "
                  "are listed", {"pairs": len(pairs), "listed": max_pairs})


MAX_CORRELATED_COLUMNS = 500  # 0/1 flags join the numeric features up to this many columns: a wide table's cost


def correlation_inputs(data: DatasetProfile) -> list[str]:
    """The columns DA605 correlates: numeric features of three values or more, then 0/1 flags (a flag beside a
    number that is almost only that flag, ``highearn`` beside ``highearn·lprewage``) while the columns number
    at most ``MAX_CORRELATED_COLUMNS`` (a table of thousands of flags is not correlated pair by pair)."""
    present = [c for c in data.features if c.numeric is not None and c.name in data.numeric_sample.columns]
    numbers = [c.name for c in present if c.is_numeric_feature and c.distinct > 2]
    flags = [c.name for c in present if c.inferred_type == "boolean" and c.distinct == 2]
    chosen = set(numbers + flags[: max(0, MAX_CORRELATED_COLUMNS - len(numbers))])
    return [c.name for c in present if c.name in chosen]


def _strong_pairs(frame: pd.DataFrame, min_abs_r: float, block: int = 500) -> Iterator[tuple[int, int, float]]:
    """(i, j, r) for i < j with |r| ≥ min_abs_r: pairwise-complete for narrow frames, blocked for wide ones."""
    if frame.shape[1] <= block:
        corr = frame.corr(min_periods=10).to_numpy()
        for a, b in zip(*np.nonzero(np.triu(np.abs(corr) >= min_abs_r, k=1))):
            yield int(a), int(b), float(corr[a, b])
        return
    x = frame.to_numpy(dtype=float)
    x = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)
    x = x - x.mean(axis=0)
    norms = np.sqrt((x * x).sum(axis=0))
    z = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    for start in range(0, z.shape[1], block):
        for other in range(start, z.shape[1], block):
            corr = z[:, start:start + block].T @ z[:, other:other + block]
            hits = np.abs(corr) >= min_abs_r
            if other == start:
                hits = np.triu(hits, k=1)
            for a, b in zip(*np.nonzero(hits)):
                yield int(start + a), int(other + b), float(corr[a, b])

RECODING_TYPES = ("categorical", "boolean", "integer")


@check("DA606", "recoded-columns", Category.REDUNDANCY, Severity.MEDIUM,
       effect=GradientEffect.ILL_CONDITIONING, fix_steps=("drop",), on_sample=True)
def recoded_columns(data: DatasetProfile, *, max_values: int = 1000) -> Iterator[Hit]:
    """Two columns that say the same thing (on the row sample): a category and its code (``size`` S/M/L beside ``size_code`` 1/2/3; a country name beside its ISO code), a monotone recoding of a few levels (income brackets and their logs), a flag of a number's one value (``unem96`` = ``earn96`` == 0), a category coarsened from another made of it and a third (``ap`` from ``trt``, itself ``ap`` and ``hilo``), a text that is another in another case (``district`` = ``municipa`` title-cased), a flag that is a threshold of a number (``child`` = ``age`` < 18), a number beside dummies of its ranges.

    Two columns map one to one exactly when numbering their values by first appearance gives the same numbers
    row for row, so every category-like column is numbered once and the columns are grouped by those numbers:
    no pair is compared. Identical columns are DA604's, near-linear numbers DA605's, identifiers DA702's; two 0/1
    flags that recode each other (``mi`` = 1 − ``ky``: one state named twice) are this rule's. A number with
    non-integer values maps one to one as a recoding only when the map is monotone and of 5 to 50 values (11 income
    brackets beside their logs, which Pearson's r, DA605's, misses): two attributes of the same few groups map one
    to one in no order, and a continuous number beside its log is a correlation.

    Two more recodings, each exact in every sampled row: a two-valued column that marks exactly the rows where a
    number of 10 values or more takes its commonest value (``unem96`` = 1 exactly where ``earn96`` is 0: the same
    fact twice), and a text category that is a function of another text category of 3 to 20 values (5 rows per
    value or more), a coarsening, when the finer one is in turn the coarser combined with a third text category
    (``ap`` = p exactly for ``trt`` = placebo, a for drug and drug+, and ``trt`` is ``ap`` and ``hilo`` combined: a
    category made of two others, stored beside them). Regions beside their cities are a hierarchy, not reported
    (no column completes a region into its city); nor is a 0/1 flag made from a category (``emergency`` = type 3,
    an honest derived feature), nor a flag of one value of a count of fewer than 10 values (a dummy).

    Why it hurts training: the same information enters twice, in two encodings whose weights trade off freely
    (ill-conditioning); one-hot columns of the two are exactly collinear.

    A category of three to ``MAX_DUMMY_VALUES`` values stored beside its own one-hot dummies (``type`` 1/2/3 beside
    ``type1``, ``type2``, ``type3``) is a recoding too, once all its values but one have a two-valued column that
    marks exactly their rows (a row missing in the category and its dummies holds no value); it is reported on the
    category, with its dummies.

    A text column equal to an earlier one once case and runs of spaces are set aside (``district`` = ``municipa``
    title-cased, mostly distinct names both) is a recoding too, exact in every sampled row.

    A number of 3 to 30 values stored beside two or more 0/1 columns, each a function of it, that mark disjoint
    ranges of its values covering them all or all but one run (``educ`` beside ``highgrad`` = 12, ``polytech`` =
    14-15, ``grad`` = 17-20 …) is binned into dummies (severity low, fix keeps them: steps a model may use).

    A two-valued column (0/1 or words) one of whose values holds exactly the lowest or the highest rows of a number
    of 10 values or more, strictly and with 10 rows or more on each side, is a threshold of it (severity low;
    ``nearinc`` = ``dist`` ≤ 15,840 feet, ``child`` = ``age`` < 18): derived, it adds nothing the number does not
    hold, but a step is a shape a model may use, so fix keeps it. A flag that mostly follows a number (5% exceptions)
    or splits the rows of one of its values is no threshold.

    How fix repairs it: drop keeps the first column and removes its recoding (the flag of a number's value, the
    coarser category); a category stored beside its own one-hot dummies (``type`` beside ``type1``, ``type2``, ``type3``) is removed and its dummies kept.
    """
    if data.rows < SMALL_TABLE_ROWS:  # DA304: a handful of rows maps one to one by chance
        return
    sample = data.sample
    groups: dict[tuple[int, bytes], list[str]] = {}
    flags: dict[bytes, str] = {}  # the row mask of either value of each two-valued column, hashed
    categories: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # codes (int8), values, non-missing ones
    for col in data.features:
        if col.inferred_type not in (*RECODING_TYPES, "numeric") or not 2 <= col.distinct <= max_values:
            continue
        codes = text_codes_only(sample[col.name])  # its values numbered as their text (codes 0 to k - 1)
        n_values = int(codes.max()) + 1 if len(codes) else 0
        if n_values < 2 or n_values > 0.5 * len(codes):
            continue
        if col.inferred_type == "numeric":  # a number of few values: only a monotone map of it is a recoding
            groups.setdefault((n_values, _numbering(codes)), []).append(col.name)
            continue
        # a value's rows: its dummy marks them, and neither holds it where the other is missing (NA in both)
        present = np.flatnonzero(np.bincount(codes[_present(sample[col.name])]))  # np.unique of those codes
        if len(present) == 2:  # either of its values may be the one a dummy marks
            for j in present:
                flags.setdefault(mask_digest(codes == j), col.name)
        elif 3 <= len(present) <= MAX_DUMMY_VALUES:  # the values as text, for the finding's message
            categories[col.name] = codes.astype(np.int8), text_codes(sample[col.name])[1], present
        groups.setdefault((n_values, _numbering(codes)), []).append(col.name)
    dummies = list(_beside_dummies(categories, flags))
    yield from dummies
    reported = {c for hit in dummies for c in hit.columns}
    for (k, _), names in groups.items():
        first = names[0]
        for other in names[1:]:
            if data.stats.column_digest[other] == data.stats.column_digest[first]:
                continue  # identical: DA604
            if _near_linear(data, first, other):
                continue  # DA605
            if "numeric" in (data.columns[first].inferred_type, data.columns[other].inferred_type) \
                    and not monotone_pair(sample, first, other, k):
                continue  # two attributes of the same few groups, not one a transform of the other
            reported.update((first, other))
            pairs = (pd.DataFrame({"a": sample[first].astype("str"), "b": sample[other].astype("str")})
                     .drop_duplicates().head(3))
            pairs = pairs.assign(a=_shown(data, first, pairs["a"]), b=_shown(data, other, pairs["b"]))
            shown = ", ".join(f"{a!r} ↔ {b!r}" for a, b in zip(pairs["a"], pairs["b"]))
            yield Hit(other, f"a one-to-one recoding of `{first}` ({k} values: {shown}): the same information twice",
                      {"recoding_of": first, "values": k, "examples": [{"a": a, "b": b} for a, b in
                                                                       zip(pairs["a"], pairs["b"])]},
                      columns=(first, other))
    numbers = [c.name for c in data.features if c.inferred_type in ("integer", "numeric")]
    for hit in spike_flags(data, flags, numbers):
        if not _near_linear(data, *hit.columns):
            reported.update(hit.columns)
            yield hit
    two_valued = [c.name for c in data.features if c.distinct == 2]  # 0/1, yes/no
    yield from range_dummies(data, two_valued, numbers, reported)
    for hit in threshold_flags(data, two_valued, numbers, reported):
        if not _near_linear(data, *hit.columns):  # a flag almost a number (r 0.999) is DA605's pair
            yield hit
    fine = [c.name for c in data.features if c.inferred_type == "categorical" and c.stats.kind == "string"]
    # stored as text both: a 0/1 flag made from a category (``emergency`` = type 3) is an honest derived feature
    coarse = [c.name for c in data.features if c.inferred_type in ("categorical", "boolean")
              and c.stats.kind == "string"]
    yield from coarsenings(data, fine, coarse, reported)
    # the mostly distinct texts the numbering above leaves out (fewer repeated labels map one to one there)
    texts = [c.name for c in data.features if c.stats.kind == "string" and (c.inferred_type in ("text", "identifier")
             or (c.inferred_type == "categorical" and c.distinct > min(max_values, 0.5 * c.nonmissing)))]
    yield from case_variants(data, texts, reported)


def _present(values: pd.Series) -> np.ndarray:
    """``values.notna()`` as a numpy mask (of a numpy number column, without pandas' checks)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return ~np.isnan(values.to_numpy()) if dtype.kind == "f" else np.ones(len(values), dtype=bool)
    return values.notna().to_numpy()


def _shown(data: DatasetProfile, name: str, values: pd.Series) -> list[str]:
    """A few example values as text, non-integer numbers to 6 significant digits (their last digits mean nothing)."""
    if data.columns[name].inferred_type != "numeric":
        return values.tolist()
    return [f"{float(v):.6g}" for v in pd.to_numeric(values, errors="coerce")]


def _numbering(codes: np.ndarray) -> bytes:
    """A column's values numbered by first appearance, hashed: two columns map one to one when these are equal."""
    return hashlib.blake2b(codes.astype(np.int64).tobytes(), digest_size=16).digest()


MAX_DUMMY_VALUES = 20  # a category with more values is not stored beside a dummy for each


def _beside_dummies(categories: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                    flags: dict[bytes, str]) -> Iterator[Hit]:
    """Categories whose values (all but one at least) each equal the rows of a two-valued column: their dummies.
    Missing values are no value: a category and its dummies missing in the same rows still match. Every value of a
    category and every two-valued column is hashed as a row mask once: no pair is compared."""
    if not flags:
        return
    for name, (codes, uniques, present) in categories.items():
        k = len(present)
        dummies = {str(uniques[j]): flags.get(mask_digest(codes == j)) for j in present}
        dummies = {value: flag for value, flag in dummies.items() if flag is not None and flag != name}
        if len(set(dummies.values())) < k - 1:
            continue
        shown = ", ".join(f"{value!r} ↔ `{flag}`" for value, flag in list(dummies.items())[:4])
        yield Hit(name, f"a category stored beside its own one-hot dummies ({shown}): the same information twice",
                  {"dummies": dummies, "values": k}, columns=(name, *dict.fromkeys(dummies.values())))


def _near_linear(data: DatasetProfile, a: str, b: str) -> bool:
    """Whether DA605 reports the pair: both among its inputs, not two flags, |r| ≥ 0.98."""
    numeric = data.numeric_sample
    inputs = correlation_inputs(data)
    if a not in inputs or b not in inputs or data.columns[a].distinct == data.columns[b].distinct == 2:
        return False
    r = numeric[a].corr(numeric[b])
    return bool(np.isfinite(r) and abs(r) >= 0.98)


@check("DA607", "linear-dependency", Category.REDUNDANCY, Severity.MEDIUM,
       effect=GradientEffect.ILL_CONDITIONING, fix_steps=(), on_sample=True)
def linear_dependency(data: DatasetProfile, *, min_condition: float = EXACT_CONDITION) -> Iterator[Hit]:
    """Numeric features and 0/1 flags that are linearly dependent, each dependency named with its own columns: one is, up to rounding, a linear combination of others (``exper`` = ``age`` − ``educ`` − 6; dummies that sum to 1, shares that sum to 100).

    Found on the row sample among the numeric features and 0/1 flags, gaps filled with each column's mean (which
    keeps exact a dependency among columns missing in the same rows; one whose columns are missing in different
    rows, ``clchexp`` = ``lchexp90`` − ``lchexp88`` with the later period always present, is searched again on the
    rows complete over the columns missing in at most 20% of them, and a column missing more often on the rows where
    it is present, beside the columns present there: ``clscrap`` = ``lscrap`` − ``lscrap_1``): going through the
    columns in order, one whose part not explained by the earlier independent columns is nil (1 − R² ≤ 10⁻⁹) is
    reported with exactly the columns of its combination, one finding per dependency (columns stored to a few
    decimals with 1 − R² ≤ 10⁻⁶ when every row holds within half a stored step of each: vote shares to four decimals
    that sum to 1 between 0.9999 and 1.0001): six position dummies that sum to 1 (`outfield` = 1 − `frstbase` − …),
    `apoe3` = 1 − `apoe2` − `apoe4`, `exper` = `age` − `educ` − 6. Otherwise, a condition number of the standardised
    numeric features (DA503's) of 10¹⁰ or more names the columns its flattest direction mixes. A dependency of two
    columns is a correlated pair, DA605's; a milder ill-conditioning is DA503's.

    Why it hurts training: the weights of dependent features are not determined by the data: any amount can move
    from one to the others without changing the loss, so gradient descent wanders along a flat valley and the
    weights drift to large opposite values; least squares on them is singular.

    How fix repairs it: fix does not choose which column to drop: drop one of those named (the one derived from the
    others); regularisation also settles the weights.
    """
    if data.rows < SMALL_TABLE_ROWS:  # DA304: too few rows
        return
    found = exact_dependencies(dependency_inputs(data))
    for dep in found:
        gaps = bool(data.numeric_sample[list(dep.columns)].isna().to_numpy().any())
        yield Hit(None, f"{', '.join(f'`{c}`' for c in dep.columns)} are linearly dependent ({dep.relation()} in "
                  "every row of the sample" + (" where they are all present" if gaps else "")
                  + (", up to the rounding of their stored decimals" if dep.rounded else "") + "): one of them adds "
                  "nothing the others do not hold",
                  {"columns_involved": list(dep.columns), "relation": dep.relation(),
                   "rows_used": len(data.numeric_sample)},
                  columns=dep.columns)
    if found:
        return
    measured = data.conditioning
    if measured is None or measured[0] < min_condition:
        return
    cond, weights = measured
    ranked = sorted(weights, key=lambda c: (-abs(weights[c]), c))
    involved = [c for c in ranked[:4] if abs(weights[c]) > 0.1]
    if len(involved) < 2 or (len(involved) == 2 and _near_linear(data, *involved)):
        return  # a correlated pair: DA605
    relation = _relation(data, involved)
    shown = f" ({relation})" if relation else ""
    yield Hit(None, f"{', '.join(f'`{c}`' for c in involved)} are linearly dependent{shown}: the standardised "
              f"numeric features have a direction of almost no variance (condition number {cond:.3g}), so one of "
              "them adds nothing the others do not hold", {"condition_number": jsonable(cond),
                                                            "columns_involved": involved, "relation": relation,
                                                            "rows_used": len(data.numeric_sample)},
              columns=tuple(involved))


def _relation(data: DatasetProfile, involved: list[str]) -> str | None:
    """The first column as a least-squares combination of the others ('`exper` = 1·`age` − 1·`educ` − 6') when the
    fit is exact (R² ≥ 0.9999 on the sample, gaps median-filled); None otherwise (a dependency wider than named)."""
    frame = data.numeric_sample[involved].replace([np.inf, -np.inf], np.nan)
    frame = frame.fillna(frame.median())
    y, x = frame[involved[0]].to_numpy(dtype=float), frame[involved[1:]].to_numpy(dtype=float)
    coef, r2 = least_squares(y, x)
    if r2 < 0.9999:
        return None
    terms = " ".join(f"{'-' if c < 0 else '+'} {abs(float(c)):.3g}·`{n}`" for c, n in zip(coef[1:], involved[1:]))
    if abs(coef[0]) >= 1e-6 * (float(np.abs(y).max()) or 1.0):  # an intercept lost in the rounding is not shown
        terms += f" {'-' if coef[0] < 0 else '+'} {abs(float(coef[0])):.3g}"
    return f"`{involved[0]}` = {terms.removeprefix('+ ')}"
