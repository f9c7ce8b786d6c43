"""Repair encodings: numeric text to numbers, tokens/sentinels/inf to missing, spellings unified,
text booleans to 0/1, dates to numeric features.

After this step every feature column is float64 (NaN = missing) or pandas ``str`` (categories).
Parsing is code, not a stored lookup, so new values in new data parse the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core import datevalues, textvalues
from ..errors import DataMismatchError
from .base import FitContext, Step, is_numeric

__all__ = ["DATE_PARTS", "MAX_SPELLINGS", "Repair", "MIN_REFUSE_VALUES"]

DATE_PARTS = ("month", "dayofweek", "days")  # a date's numeric parts, before the time of day
MAX_SPELLINGS = 10_000  # spelling maps larger than this are not stored (such columns get frequency-encoded)


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype("str")


def _map_distinct(series: pd.Series, func) -> pd.Series:
    """``func`` applied to the distinct values only, then spread back to the rows (missing stays missing).

    Text clean-up and parsing cost per distinct value, not per row: a million rows of ten categories
    are ten calls' worth of string work.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = func(pd.Series(uniques.array, dtype="str")).reset_index(drop=True)  # no copy through Python objects
    # spread back by code in the mapped values' own array type (Arrow's take for text): code -1 -> missing
    values = pd.api.extensions.take(mapped.array, codes, allow_fill=True)
    return pd.Series(values, index=series.index, dtype=mapped.dtype)


def _clean_text(text: pd.Series) -> pd.Series:
    """Mojibake re-decoded, NFKC, inner whitespace collapsed, stripped; tokens and blanks become missing."""
    garbled = textvalues.mojibake_mask(text.fillna(""))
    if garbled.any():  # only the distinct garbled values go through Python
        repaired = {v: textvalues.repair_mojibake(v) or v for v in text[garbled].unique()}
        text = text.mask(garbled, text.map(repaired))
    token = textvalues.missing_token_mask(text.fillna(""))
    arr = pc.utf8_normalize(pa.array(text, type=pa.string(), from_pandas=True), "NFKC")
    arr = pc.utf8_trim(pc.replace_substring_regex(arr, _WHITESPACE_RUN, " "), " ")
    cleaned = pd.Series(arr.to_pandas(), index=text.index, dtype="str")  # Arrow's kernels: no Python per value
    return cleaned.mask(token | text.isna().to_numpy())


_WHITESPACE_RUN = textvalues.RE2_SPACE + "+"  # Python's \s, for RE2


class Repair(Step):
    """Per-column conversions decided from the scan's column types (``kinds_``).

    Columns without a kind pass through untouched: those the drop step removes next
    (``FitContext.dropping``), since parsing an identifier column of a million distinct strings only to
    throw it away would be most of the repair's work.

    Numbers are read the way the data at hand writes them: text numbers use the decimal comma when the
    values say so (``textvalues.decimal_comma_vote``), the fitted choice when they do not, so a recipe fitted
    on '3.5' reads '3,5' in a file exported with a decimal comma. A numeric column whose values parsed when
    fitting (``parsed_share_``) but almost all fail to parse in new data is refused (``DataMismatchError``)
    rather than imputed into a constant. Dates keep the day/month order decided when fitting (``dates_``),
and the month and day of week only where they tell more than the days since the first date (``parts``).
    """

    name = "repair"
    params = ()
    fitted = ("columns_", "kinds_", "decimal_comma_", "sentinels_", "spellings_", "dates_", "units_",
              "parsed_share_")

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "Repair":
        return self._fit(frame, context, None)

    def fit_transform(self, frame: pd.DataFrame, context: FitContext, log: list[str]) -> pd.DataFrame:
        """``fit`` then ``transform`` of the same frame, each numeric and date column parsed once: fitting
        parses them to measure them (the share that reads as numbers, the first date), and the transform reuses
        those values, which are the ones it would compute (same column, same fitted state)."""
        parsed: dict[str, Any] = {}
        return self._fit(frame, context, parsed)._transform(frame, log, parsed)

    def _fit(self, frame: pd.DataFrame, context: FitContext, parsed: dict[str, Any] | None) -> "Repair":
        """``fit``; with ``parsed`` (a dict), each parsed column is kept there for ``_transform``."""
        profile = context.profile
        self.columns_ = [c for c in frame.columns if c != context.target]
        self.kinds_, self.decimal_comma_, self.sentinels_, self.spellings_ = {}, {}, {}, {}
        self.dates_, self.units_, self.parsed_share_ = {}, {}, {}
        day_first: dict[str, bool] = {}
        for f in context.findings:
            if f.rule == "DA103":
                self.sentinels_.setdefault(f.column, []).append(float(f.evidence["value"]))
            elif f.rule == "DA413" and "day_first" in f.evidence:
                day_first[f.column] = bool(f.evidence["day_first"])
        mixed = context.columns_flagged("DA402")  # numbers mixed with words: keep the numbers
        for name in self.columns_:
            if name in context.dropping:
                continue
            col = profile.columns[name] if profile is not None else None
            kind = "numeric-text" if name in mixed else _kind(frame[name], col)
            self.kinds_[name] = kind
            if kind in ("numeric", "numeric-text"):
                analysis = col.text if col is not None else None
                if kind == "numeric-text":
                    self.decimal_comma_[name] = bool(analysis.decimal_comma) if analysis is not None else False
                if analysis is not None and analysis.unit:
                    self.units_[name] = analysis.unit
                    context.sources[textvalues.unit_column(name, analysis.unit)] = name
                numbers = self._numbers(frame[name], name)
                self.parsed_share_[name] = round(numbers[1], 6)
                if parsed is not None:
                    parsed[name] = numbers
            elif kind == "datetime":
                first = day_first[name] if name in day_first else _day_first(frame[name])  # DA413 decided it
                dates = _to_datetime(frame[name], first)
                if parsed is not None:
                    parsed[name] = dates
                origin = dates.min()
                seconds = _seconds_of_day(dates)
                self.dates_[name] = {"origin": None if pd.isna(origin) else origin.strftime("%Y-%m-%d"),
                                     "day_first": first, "time_of_day": bool(seconds.nunique() > 1),
                                     "parts": _informative_parts(dates)}
                for part in _date_parts(name, self.dates_[name]):
                    context.sources[part] = name
            elif kind == "time":
                for part in (f"{name}__hour_sin", f"{name}__hour_cos"):
                    context.sources[part] = name
            elif kind == "category":
                self.spellings_[name] = _spelling_map(frame[name])
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        return self._transform(frame, log, {})

    def _transform(self, frame: pd.DataFrame, log: list[str], parsed: dict[str, Any]) -> pd.DataFrame:
        """``transform``, taking a column's parsed values from ``parsed`` when fitting kept them (each popped
        once used, so the frame's columns are not held twice)."""
        self.check_fitted()
        out: dict[str, Any] = {}
        for name in frame.columns:
            if name not in self.kinds_:
                out[name] = frame[name]
                continue
            series = frame[name]
            kind = self.kinds_[name]
            if kind in ("numeric", "numeric-text"):
                values, share = parsed.pop(name) if name in parsed else self._numbers(series, name)
                fitted = self.parsed_share_.get(name, 0.0)
                if fitted >= 0.5 and share < 0.1:  # counted only then: a second pass over the column
                    present = _present(series)
                    count = int(present.sum())
                    if count >= MIN_REFUSE_VALUES:
                        example = _as_text(series[present.to_numpy()]).iloc[0]
                        raise DataMismatchError(f"column {name!r}: {count - round(share * count):,} of {count:,} "
                                                f"values do not read as numbers (e.g. {example!r}), where "
                                                f"{fitted:.0%} did when the recipe was fitted")
                out[textvalues.unit_column(name, self.units_[name]) if name in self.units_ else name] = values
            elif kind == "boolean":
                out[name] = (_parse_booleans(series) if is_numeric(series) or pd.api.types.is_bool_dtype(series)
                             else _map_distinct(_as_text(series), _parse_booleans))
            elif kind == "datetime":
                spec = self.dates_[name]
                dates = parsed.pop(name) if name in parsed else _to_datetime(series, spec["day_first"])
                origin = pd.Timestamp(spec["origin"]) if spec["origin"] else dates.min()
                parts = spec.get("parts", DATE_PARTS)  # recipes written before "parts" kept all three
                if "month" in parts:
                    out[f"{name}__month"] = dates.dt.month.astype(float)
                if "dayofweek" in parts:
                    out[f"{name}__dayofweek"] = dates.dt.day_of_week.astype(float)
                out[f"{name}__days"] = ((dates - origin).dt.total_seconds() / 86400.0).astype(float)
                if spec["time_of_day"]:
                    out.update(_cyclic_hour(name, _seconds_of_day(dates)))
            elif kind == "time":
                out.update(_cyclic_hour(name, _time_seconds(series)))
            else:  # category / text
                out[name] = _map_distinct(_as_text(series), lambda u, m=self.spellings_.get(name) or {}: _canonical(u, m))
        missing = [c for c in self.columns_ if c not in frame.columns]
        if missing:
            log.append(f"repair: {len(missing)} column(s) absent from the data: {', '.join(missing[:5])}"
                       + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
        return pd.DataFrame(out, index=frame.index, copy=False)  # the columns as made: no consolidating copy

    def validate(self) -> None:
        """Refuse date parts this version would not have written."""
        for name, spec in self.dates_.items():
            parts = spec.get("parts", list(DATE_PARTS))
            if not (isinstance(parts, list) and parts[-1:] == ["days"] and len(set(parts)) == len(parts)
                    and set(parts) <= set(DATE_PARTS)):
                raise ValueError(f"bad date parts for {name!r}")

    def _numbers(self, series: pd.Series, name: str) -> tuple[pd.Series, float]:
        """The column as floats (missing where a value is not a number), and the share of its present values
        that read as numbers."""
        sentinels = self.sentinels_.get(name, [])
        if is_numeric(series) or pd.api.types.is_bool_dtype(series):
            values = series.astype(float)
            infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
            if infinite.any():  # NaN is missing already: only ±inf need masking (no copy of a finite column)
                values = values.mask(infinite)
            return (values.mask(values.isin(sentinels)) if sentinels else values), 1.0
        unit = self.units_.get(name)
        codes, uniques = pd.factorize(_as_text(series), use_na_sentinel=True)  # each distinct value read once
        distinct = pd.Series(uniques.array, dtype="str")
        if unit:
            distinct = textvalues.strip_unit(distinct, unit)[0]
        token = textvalues.missing_token_mask(distinct)
        vote = textvalues.decimal_comma_vote(distinct[~token])
        read = textvalues.read_numbers(distinct, self.decimal_comma_.get(name, False) if vote is None else vote)
        read[token] = np.nan
        present = np.append(~token, False)[codes]
        numbers = np.append(np.where(np.isfinite(read), read, np.nan), np.nan)[codes]
        values = pd.Series(numbers, index=series.index)
        if sentinels:
            values = values.mask(values.isin(sentinels))
        parsed = present & ~np.isnan(np.append(read, np.nan)[codes])
        return values, (float(parsed.sum()) / present.sum() if present.any() else 1.0)


MIN_REFUSE_VALUES = 20  # a numeric column is refused for not parsing only with at least this many values


def _present(series: pd.Series) -> pd.Series:
    """Cells that hold something: not missing, not a missing-value token."""
    if is_numeric(series) or pd.api.types.is_bool_dtype(series):
        return series.notna()
    text = _as_text(series)
    return text.notna() & ~pd.Series(textvalues.missing_token_mask(text.fillna("")), index=series.index)


def _date_parts(name: str, spec: dict[str, Any]) -> list[str]:
    return [*(f"{name}__{p}" for p in spec.get("parts", DATE_PARTS) if p != "days"), f"{name}__days",
            *([f"{name}__hour_sin", f"{name}__hour_cos"] if spec["time_of_day"] else [])]


def _informative_parts(dates: pd.Series) -> list[str]:
    """The calendar parts (month, day of week) that tell more than the days since the first date.

    A part that never decreases as the dates go on (every date in one calendar year for the month, in one
    Monday-to-Sunday week for the day of week; a part with one value among them) is a step function of the
    days: constant or collinear with them (DA601, DA605) and nothing a model could learn from it alone."""
    present = dates.dropna().sort_values(kind="stable")
    keep = []
    for part, values in (("month", present.dt.month), ("dayofweek", present.dt.day_of_week)):
        steps = np.diff(values.to_numpy(dtype=float))
        if (steps < 0).any():  # it wraps around: a season or a weekday the days do not tell
            keep.append(part)
    return [*keep, "days"]


def _cyclic_hour(name: str, seconds: pd.Series) -> dict[str, pd.Series]:
    """The time of day as a point on a circle: 23:59 is next to 00:00."""
    angle = 2 * np.pi * seconds.astype(float) / 86400.0
    return {f"{name}__hour_sin": np.sin(angle), f"{name}__hour_cos": np.cos(angle)}


def _seconds_of_day(dates: pd.Series) -> pd.Series:
    return (dates - dates.dt.normalize()).dt.total_seconds()


def _time_seconds(series: pd.Series) -> pd.Series:
    """Seconds since midnight of a time-of-day column (timedelta, as ``io.read.to_frame`` gives it)."""
    if pd.api.types.is_timedelta64_dtype(series):
        return series.dt.total_seconds()
    return pd.to_numeric(series, errors="coerce").astype(float)


def _day_first(series: pd.Series) -> bool:
    """Whether the column's numeric text dates put the day first, as its values decide (False when they do not)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return False
    counts = _as_text(series).value_counts()
    order = datevalues.date_order(pd.Series(counts.index.to_numpy(dtype=object), dtype="str"), counts.to_numpy())
    return bool(order.day_first)


def _canonical(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Cleaned text, replaced by the fitted canonical spelling of its case-folded key when there is one."""
    cleaned = _clean_text(values)
    if not mapping:
        return cleaned.astype("str")
    return cleaned.str.casefold().map(mapping).fillna(cleaned).astype("str").mask(cleaned.isna())


def _kind(series: pd.Series, col: Any) -> str:
    """numeric | numeric-text | boolean | datetime | time | category."""
    inferred = col.inferred_type if col is not None else None
    if pd.api.types.is_bool_dtype(series) or inferred == "boolean":
        return "boolean"
    if pd.api.types.is_timedelta64_dtype(series):
        return "time"  # a time of day (``io.read.to_frame``); durations were read as seconds
    if pd.api.types.is_datetime64_any_dtype(series) or inferred == "datetime":
        return "datetime"
    if is_numeric(series):
        return "numeric"
    if col is not None and col.numeric_from_text:
        return "numeric-text"
    return "category"


def _to_datetime(series: pd.Series, day_first: bool) -> pd.Series:
    """Naive datetimes (UTC for values with a time zone); text parsed per distinct value, numeric dates with the
    day first or the month first as ``day_first`` says where a value does not settle it itself."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series
    else:
        values = _map_distinct(_as_text(series), lambda u: datevalues.parse_dates(u, day_first))
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _parse_booleans(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series) or is_numeric(series):
        return series.astype(float)
    key = _as_text(series).str.strip().str.casefold()
    return pd.Series(np.where(key.isin(textvalues.BOOL_TRUE), 1.0,
                              np.where(key.isin(textvalues.BOOL_FALSE), 0.0, np.nan)), index=series.index)


def _spelling_map(series: pd.Series) -> dict[str, str]:
    """Case-folded key -> the most frequent cleaned spelling, for keys written more than one way."""
    raw = _as_text(series).value_counts()  # clean the distinct values, then add up their counts
    cleaned = _clean_text(pd.Series(raw.index.to_numpy(dtype=object), dtype="str"))
    distinct = pd.Series(cleaned.dropna().unique(), dtype="str")
    # No key written two ways (the common case): nothing to map, and the counts' groupby and sort are skipped.
    if distinct.str.casefold().nunique() == len(distinct):
        return {}
    counts = pd.Series(raw.to_numpy(), index=cleaned.to_numpy(dtype=object)).groupby(level=0).sum()
    counts = counts[counts.index.notna()].sort_values(ascending=False, kind="stable")
    if len(counts) > MAX_SPELLINGS:
        return {}
    frame = pd.DataFrame({"value": counts.index.astype(str), "count": counts.to_numpy()})
    frame["key"] = frame["value"].str.casefold()
    frame = frame.sort_values(["key", "count", "value"], ascending=[True, False, True], kind="stable")
    variants = frame.groupby("key")["value"].transform("size") > 1
    first = frame[variants].drop_duplicates("key")
    return {str(k): str(v) for k, v in zip(first["key"], first["value"])}
