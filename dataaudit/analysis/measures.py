"""Measures of column profiles that several readers share (the checks, the gradient risk): the numeric inputs a
model takes, their magnitudes, integer columns that are category codes or packed dates, what a missing indicator
shows, the words of a column's name."""

from __future__ import annotations

import re
from typing import Callable, Hashable, TypeVar

import numpy as np
import pandas as pd

from ..core.kernels import sorted_mad
from .profiling import ColumnProfile, DatasetProfile

__all__ = ["shared", "sorted_unique", "name_words", "CODE_NAME", "NOMINAL_NAME", "WHOLE_NOMINAL_NAME", "GROUP_NAME",
           "integer_code_reason", "QUANTITY_NAME",
           "DATE_LAYOUTS", "MIN_DATES", "packed_date", "DAYS_IN_MONTH", "real_days", "group_code_reason",
           "numeric_inputs", "magnitude",
           "missing_indicator"]


T = TypeVar("T")


def shared(data: DatasetProfile, key: Hashable, compute: Callable[[], T], *, on: object = None) -> T:
    """``compute()``, once per profile (one scan) for ``key``: what several checks and the risk derive alike (the
    numeric inputs, a date column parsed on the sampled rows) is derived once. ``on``: an object the value depends
    on (the rows judged), compared by identity; the value kept is for the last one given. A profile whose ``memo``
    is None keeps nothing (every call computes, as the tests compare)."""
    memo = data.memo
    if memo is None:
        return compute()
    kept = memo.get(key)
    if kept is None or kept[0] is not on:
        kept = memo[key] = (on, compute())
    return kept[1]


def sorted_unique(v: np.ndarray) -> np.ndarray:
    """``np.unique(v)`` of an already sorted array without NaN (a column's sorted finite values), in one pass."""
    if v.size < 2:
        return v.copy()
    keep = np.empty(v.size, dtype=bool)
    keep[0] = True
    np.not_equal(v[1:], v[:-1], out=keep[1:])
    return v[keep]


def name_words(name: str) -> list[str]:
    """The lower-case words of a column name: split at anything not a letter and between camelCase words."""
    return [w for w in re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()) if w]


CODE_NAME = re.compile(r"zip|postal|postcode|(?:^|_)code$|_cd$|(?:^|_)(?:cat|category|class|type|naics|sic|fips|icd|"
                       r"region|dept|department|store|branch|area)(?:_|$)", re.IGNORECASE)


#: a name's last word that is an attribute nominal whatever it is stored as (``race`` 1/2/3, ``mother_religion``)
NOMINAL_NAME = re.compile(r"(?:^|_)(?:race|ethnic|ethnicity|religion|nationality|country|province|county|marital|"
                          r"occupation|industry|language|species|breed|district|neighborhood|neighbourhood|nbh|nbhd|"
                          r"ward|precinct|city|municipality|commune|village|parish|canton|prefecture|borough|"
                          r"township|brand)$"
                          # a region, with any prefix: fregion, uregion (the favourite's, the underdog's)
                          r"|region$"
                          # only as the whole name: yrs_married and distance_to_center are measurements
                          r"|^(?:married|inst|institution|institute|site|center|centre|clinic|hospital|state|group)$",
                          re.IGNORECASE)
#: the names NOMINAL_NAME takes only whole: short words that name a measurement too (``inst``, a distance to the
#: interstate in feet; ``center``, a distance), so values on a step of 5 or more (1,000, 2,000 …) make them one
WHOLE_NOMINAL_NAME = re.compile(r"^(?:married|inst|institution|institute|site|center|centre|clinic|hospital|state|"
                                r"group)$", re.IGNORECASE)


#: a name's last word that numbers groups of rows (a matched set, a brood, a litter): the number labels a group
GROUP_NAME = re.compile(r"(?:^|[_.])(?:stratum|strata|cluster|brood|litter|household|matchset|matched_set|"
                        r"replicate|replication|batch|block)$", re.IGNORECASE)


def integer_code_reason(col: ColumnProfile, max_distinct: int = 10_000) -> str | None:
    """Why an integer column looks like category codes (a code-like name, or sparse fixed-width values), else None."""
    num_stats = col.numeric
    if col.inferred_type != "integer" or num_stats is None or col.stats.kind == "boolean" or col.is_target:
        return None
    packed = packed_date(col)
    if packed is not None:
        return packed
    if not 3 <= col.distinct <= max_distinct or col.distinct > 0.5 * col.nonmissing:
        return None
    lo, hi = float(num_stats.values[0]), float(num_stats.values[-1])
    uniq = sorted_unique(num_stats.values)
    stepped = bool(np.abs(uniq).max() < 2.0**62 and np.gcd.reduce(uniq.astype(np.int64)) >= 5)
    if CODE_NAME.search(col.name):
        return "its name says it is a code"
    # one of the short whole names on values in steps, or spread sparsely over thousands (``married``, 82 counts
    # of married residents from 282 to 11,479), is a measurement
    sparse = hi >= 1000 and col.distinct / (hi - lo + 1) < 0.05
    if NOMINAL_NAME.search(col.name) and not ((stepped or sparse) and WHOLE_NOMINAL_NAME.match(col.name)):
        return "its name is an attribute with no order or magnitude"
    if GROUP_NAME.search(col.name):
        return "its name says it numbers groups of rows (a stratum, a brood): a label, not a quantity"
    digits = np.floor(np.log10(np.maximum(np.abs(num_stats.values[[0, -1]]), 1))) + 1
    if stepped:
        return None  # all multiples of 5, 25, 100...: a measurement rounded to a step, not codes
    if lo >= 1000 and digits[0] == digits[1] and col.distinct / (hi - lo + 1) < 0.05 and not _squares(uniq) \
            and not QUANTITY_NAME.search(col.name):
        return f"fixed-width {int(digits[0])}-digit values spread sparsely"
    return None


#: a name ending in an amount's word (``pcinc``, a city's income per head shared by its players; ``medprice``): its
#: fixed-width values spread sparsely are a quantity repeated per group, not codes
QUANTITY_NAME = re.compile(r"(?:inc|income|pop|popul|population|price|wage|salary|sal|cost|rate|amt|amount|size|"
                           r"area|weight|value|val|sales|pay|rent|tax|earn|earnings|revenue|budget|spend)$",
                           re.IGNORECASE)


def _squares(uniq: np.ndarray) -> bool:
    """Whether every value is the square of a whole number (``agesq`` 1,225 to 2,916: ages 35-54 squared), a
    quantity's square spread sparsely by the squaring, not codes."""
    if uniq[0] < 0:
        return False
    root = np.round(np.sqrt(uniq))
    return bool(np.all(root * root == uniq))


#: how an integer can hold a date, as (name, year, month, day) of its value ``v``, each part by integer arithmetic
DATE_LAYOUTS = (("yyyymmdd", lambda v: v // 10000, lambda v: v // 100 % 100, lambda v: v % 100),
                ("mmddyy", lambda v: v % 100, lambda v: v // 10000, lambda v: v // 100 % 100),
                ("ddmmyy", lambda v: v % 100, lambda v: v // 100 % 100, lambda v: v // 10000),
                ("yymmdd", lambda v: v // 10000, lambda v: v // 100 % 100, lambda v: v % 100))


MIN_DATES = 5  # distinct values that must all read as dates


def packed_date(col: ColumnProfile) -> str | None:
    """Why an integer column named as a date (a word ``date``: ``date``, ``int_date``, ``visitDate``) holds dates
    packed into numbers, when each of its distinct values (five or more) reads as a real day in one layout
    (``yyyymmdd``, ``mmddyy``, ``ddmmyy``, ``yymmdd``; six digits at most for the last three, years from 1800 for
    the first) over two months or more; else None. Such a number's size is not time: 111597 (15 Nov 1997) is
    larger than 20298 (2 Feb 1998)."""
    if "date" not in name_words(col.name) or col.numeric is None or col.distinct < MIN_DATES:
        return None
    uniq = sorted_unique(col.numeric.values)
    if uniq[0] < 10100 or uniq[-1] >= 1e8 or not np.all(uniq == np.round(uniq)):
        return None
    v = uniq.astype(np.int64)
    for name, year, month, day in DATE_LAYOUTS:
        if (name == "yyyymmdd") != bool(v.min() >= 18000101) or (name != "yyyymmdd" and v.max() > 999999):
            continue
        y, m, d = year(v), month(v), day(v)
        if real_days(np.where(y < 100, 1900 + y, y), m, d) and np.unique(m).size >= 2:
            first = int(v[0])
            return (f"a date packed into an integer, {name} ({first} is day {day(first)}, month {month(first)}, year "
                    f"{year(first)}): its size is not time")
    return None


DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def real_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> bool:
    """Whether every (year, month, day) is a day of the calendar (29 February in leap years only)."""
    if not ((month >= 1) & (month <= 12)).all():
        return False
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = DAYS_IN_MONTH[month - 1] + (leap & (month == 2))
    return bool(((day >= 1) & (day <= last)).all())


def group_code_reason(data: DatasetProfile, col: ColumnProfile) -> str | None:
    """Why an integer column is a code of groups, told from the target (``analysis.groups``), else None."""
    found = data.group_codes.get(col.name)
    if found is None:
        return None
    low, high = found["rows_per_group"]
    if found.get("kind") == "levels":
        return (f"its {found['groups']} consecutive values, levels of {low} to {high} rows, have target means on "
                f"no line or curve of the number ({found['off_curve']:.0%} of their spread off the best quadratic, "
                f"p = {found['p_value']:.2g}): a label, not a quantity")
    return (f"its values number {found['groups']} groups of {low} to {high} rows whose target means follow no "
            f"order of the number (the groups hold {found['between_share']:.0%} of the target's variance, "
            "neighbouring codes differ as much as any two): a label, not a quantity")


def numeric_inputs(data: DatasetProfile) -> list[ColumnProfile]:
    """Numeric inputs a model takes as magnitudes (integer category codes will be encoded instead)."""
    return list(shared(data, "numeric_inputs", lambda: [c for c in data.features if c.is_numeric_feature
                                                         and c.numeric.count > 0 and integer_code_reason(c) is None
                                                         and c.name not in data.group_codes]))


def magnitude(col: ColumnProfile) -> float:
    """Typical absolute size of a value: median |x|, or median |x| of the non-zero values when most are 0
    (a sparse column's weight is updated by its non-zero values, at their size)."""
    typical = sorted_mad(col.numeric.values, 0.0)  # median |x|, in O(log n) on the sorted values
    if typical > 0:
        return typical
    nonzero = np.abs(col.numeric.values[col.numeric.values != 0])
    return float(np.median(nonzero)) if nonzero.size else 0.0


def missing_indicator(col: ColumnProfile, sample: pd.Series) -> np.ndarray:
    """Whether each sampled value is missing: null, a missing-value token of the column (what repair turns into
    missing, so what a missing indicator would show), or, in a numeric column, a value that is not a finite number."""
    numbers = col.numeric is not None and col.text is None and col.inferred_type != "datetime"
    if numbers and isinstance(sample.dtype, np.dtype) and sample.dtype.kind in "biuf":
        values = sample.to_numpy()  # numpy numbers: missing exactly where not finite (NaN is null, inf is not finite)
        return ~np.isfinite(values) if values.dtype.kind == "f" else np.zeros(len(values), dtype=bool)
    missing = sample.isna().to_numpy().copy()
    if col.text is not None and col.text.tokens:
        missing |= sample.isin(list(col.text.tokens)).to_numpy()
    elif (col.numeric is not None and col.text is None and col.inferred_type != "datetime"
          and not pd.api.types.is_timedelta64_dtype(sample)):  # a date or a duration is missing only where null
        missing |= ~np.isfinite(pd.to_numeric(sample, errors="coerce").to_numpy(dtype=float, na_value=np.nan)) & ~sample.isna().to_numpy()
    return missing
