"""Dates written as text: which formats a column uses, the day/month order, and parsing them exactly.

Every function takes the *distinct* values of a column (a pandas ``str`` Series), so the cost depends on
the number of distinct values, not rows. The order of day and month in numeric dates ('05/03/2024') is
decided from the data, never guessed: a first number above 12 can only be a day, a second number above
12 only a day too. When no value settles it, or values settle it both ways, ``date_order`` says so and
the checks report it (DA413).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["DATE_PATTERN", "ISO", "YMD_OTHER", "DAY_FIRST", "MONTH_FIRST", "UNDECIDED", "NAMED", "DateOrder",
           "date_mask", "date_order", "date_formats", "parse_dates"]

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)?"
_MONTH = r"[A-Za-z]{3,9}\.?"
#: What a date written as text looks like (the shape; pandas must also parse it: ``date_mask``).
DATE_PATTERN = (
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}" + _TIME
    + r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}" + _TIME
    + r"|\d{1,2}(?:st|nd|rd|th)?[ -]" + _MONTH + r"[ ,-]+\d{2,4}" + _TIME
    + r"|(?:[A-Za-z]{3,9},? )?" + _MONTH + r" \d{1,2}(?:st|nd|rd|th)?,? \d{4}" + _TIME + r")\s*$"
)
# DATE_PATTERN compiled for ``date_mask``. It has no '.' wildcard (every dot is escaped or in a class), so re.DOTALL
# changes no match; a flag sends pandas straight to Python's re, which it would pick for this pattern anyway (\s),
# instead of parsing the long pattern again on every call to decide (3 ms a call, 300 calls on a wide table).
_DATE_RE = re.compile(DATE_PATTERN, re.DOTALL)
_YMD = r"^\s*(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(.*)$"
_NUMERIC_DMY = r"^\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{2,4})(.*)$"

#: Format families, as a person would name them.
ISO = "YYYY-MM-DD"
YMD_OTHER = "YYYY/MM/DD"
DAY_FIRST = "DD/MM/YYYY"
MONTH_FIRST = "MM/DD/YYYY"
UNDECIDED = "NN/NN/YYYY"  # day and month both 12 or less in every value
NAMED = "named month"


@dataclass
class DateOrder:
    """The day/month order of a column's numeric dates ('05/03/2024') and what decided it."""

    day_first: bool | None  # None: the values do not tell (or contradict each other)
    day_first_rows: int = 0  # rows whose first number is above 12 (it must be the day)
    month_first_rows: int = 0  # rows whose second number is above 12
    examples: dict[str, str] = field(default_factory=dict)  # "day_first"/"month_first" -> a value showing it

    @property
    def contradictory(self) -> bool:
        return self.day_first_rows > 0 and self.month_first_rows > 0

    def to_dict(self) -> dict:
        return {"day_first": self.day_first, "day_first_rows": self.day_first_rows,
                "month_first_rows": self.month_first_rows, "examples": dict(self.examples)}


def date_mask(values: pd.Series) -> np.ndarray:
    """Values shaped like a date that pandas can also parse as one."""
    shaped = values.str.fullmatch(_DATE_RE, na=False).to_numpy(dtype=bool)
    if not shaped.any():
        return shaped
    candidates = values[shaped]
    parsed = parse_dates(candidates, day_first=False).notna().to_numpy().copy()
    if not parsed.all():  # '25/01/2024' is a date with the day first
        parsed |= parse_dates(candidates, day_first=True).notna().to_numpy()
    ok = np.zeros(len(values), dtype=bool)
    ok[np.flatnonzero(shaped)] = parsed
    return ok


def date_order(values: pd.Series, counts: np.ndarray) -> DateOrder:
    """Day first, month first, or undecided, from the numeric dates among ``values`` (weighted by ``counts``)."""
    parts = values.str.extract(_NUMERIC_DMY)
    present = parts[0].notna().to_numpy()
    if not present.any():
        return DateOrder(None)
    first = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    second = pd.to_numeric(parts[2], errors="coerce").to_numpy()
    day_first = present & (first > 12) & (second <= 12)
    month_first = present & (second > 12) & (first <= 12)
    counts = np.asarray(counts)
    order = DateOrder(None, int(counts[day_first].sum()), int(counts[month_first].sum()))
    if day_first.any():
        order.examples["day_first"] = str(values[day_first].iloc[0]).strip()
    if month_first.any():
        order.examples["month_first"] = str(values[month_first].iloc[0]).strip()
    if order.day_first_rows and not order.month_first_rows:
        order.day_first = True
    elif order.month_first_rows and not order.day_first_rows:
        order.day_first = False
    return order


def date_formats(values: pd.Series, counts: np.ndarray, order: DateOrder | None = None) -> dict[str, int]:
    """Rows per format family (``ISO``, ``YMD_OTHER``, ``DAY_FIRST`` …), most rows first."""
    counts = np.asarray(counts)
    order = date_order(values, counts) if order is None else order
    numeric = values.str.match(_NUMERIC_DMY, na=False).to_numpy(dtype=bool)
    iso = values.str.match(r"^\s*\d{4}-\d{1,2}-\d{1,2}", na=False).to_numpy(dtype=bool)
    ymd = values.str.match(r"^\s*\d{4}[/.]\d{1,2}[/.]\d{1,2}", na=False).to_numpy(dtype=bool)
    named = ~numeric & ~iso & ~ymd
    numeric_name = UNDECIDED if order.day_first is None else DAY_FIRST if order.day_first else MONTH_FIRST
    rows = {ISO: counts[iso].sum(), YMD_OTHER: counts[ymd].sum(), numeric_name: counts[numeric].sum(),
            NAMED: counts[named].sum()}
    return {k: int(v) for k, v in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0])) if v}


def parse_dates(values: pd.Series, day_first: bool | None) -> pd.Series:
    """Datetimes (naive, UTC for values with a zone) of text dates; NaT where a value is not a date.

    Year-first dates are read as year-month-day; numeric dates with the day first or the month first as
    ``day_first`` says (None: month first, pandas' and the US convention, for a column whose values never
    tell; the checks report such columns); two-digit years as POSIX ``%y`` does (69–99: 1900s, else
    2000s); the rest (named months) by pandas' mixed-format parser with the same order.
    """
    text = values.astype("str").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    ymd = text.str.extract(_YMD)
    dmy = text.str.extract(_NUMERIC_DMY)
    is_ymd, is_dmy = ymd[0].notna().to_numpy(), dmy[0].notna().to_numpy()
    if is_ymd.any():
        part = ymd[is_ymd]
        out[is_ymd] = _iso(part[0] + "-" + part[2].str.zfill(2) + "-" + part[3].str.zfill(2) + part[4])
    if is_dmy.any():
        part = dmy[is_dmy]
        day, month = (part[0], part[2]) if day_first else (part[2], part[0])
        year = part[3]
        short = year.str.len() <= 2
        if short.any():
            y = pd.to_numeric(year[short])
            year = year.mask(short, (y + np.where(y >= 69, 1900, 2000)).astype(int).astype(str))
        out[is_dmy] = _iso(year.str.zfill(4) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + part[4])
    rest = ~is_ymd & ~is_dmy & text.notna().to_numpy()
    if rest.any():
        out[rest] = _naive(pd.to_datetime(text[rest], errors="coerce", format="mixed", dayfirst=bool(day_first),
                                          utc=True))
    return out


def _iso(text: pd.Series) -> pd.Series:
    """ISO-like 'YYYY-MM-DD[ time]' text parsed exactly (times with AM/PM by the mixed parser)."""
    out = _naive(pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True))
    retry = out.isna().to_numpy() & text.str.len().gt(10).to_numpy()  # '2024-03-05 1:30 PM' and the like
    if retry.any():
        out[retry] = _naive(pd.to_datetime(text[retry], errors="coerce", format="mixed", utc=True))
    return out


def _naive(values: pd.Series) -> pd.Series:
    return values.dt.tz_localize(None).astype("datetime64[us]")
