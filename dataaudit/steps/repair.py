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

from .. import textvalues
from .base import FitContext, Step, is_numeric

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
    """

    name = "repair"
    params = ()
    fitted = ("columns_", "kinds_", "decimal_comma_", "sentinels_", "spellings_", "date_origin_")

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "Repair":
        profile = context.profile
        self.columns_ = [c for c in frame.columns if c != context.target]
        self.kinds_, self.decimal_comma_, self.sentinels_, self.spellings_, self.date_origin_ = {}, {}, {}, {}, {}
        for f in context.findings:
            if f.rule == "DA103":
                self.sentinels_.setdefault(f.column, []).append(float(f.evidence["value"]))
        mixed = context.columns_flagged("DA402")  # numbers mixed with words: keep the numbers
        for name in self.columns_:
            if name in context.dropping:
                continue
            col = profile.columns[name] if profile is not None else None
            kind = "numeric-text" if name in mixed else _kind(frame[name], col)
            self.kinds_[name] = kind
            if kind == "numeric-text":
                self.decimal_comma_[name] = bool(col.text.decimal_comma) if col is not None and col.text else False
            elif kind == "datetime":
                dates = _to_datetime(frame[name])
                origin = dates.min()
                self.date_origin_[name] = None if pd.isna(origin) else origin.strftime("%Y-%m-%d")
            elif kind == "category":
                self.spellings_[name] = _spelling_map(frame[name])
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        out: dict[str, Any] = {}
        for name in frame.columns:
            if name not in self.kinds_:
                out[name] = frame[name]
                continue
            series = frame[name]
            kind = self.kinds_[name]
            if kind == "numeric":
                values = pd.to_numeric(series, errors="coerce").astype(float)
                values = values.mask(~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
                if self.sentinels_.get(name):
                    values = values.mask(values.isin(self.sentinels_[name]))
                out[name] = values
            elif kind == "numeric-text":
                comma, sentinels = self.decimal_comma_.get(name, False), self.sentinels_.get(name, [])
                out[name] = (_parse_numbers(series, comma, sentinels) if is_numeric(series) else
                             _map_distinct(_as_text(series), lambda u, c=comma, s=sentinels: _parse_numbers(u, c, s)))
            elif kind == "boolean":
                out[name] = (_parse_booleans(series) if is_numeric(series) or pd.api.types.is_bool_dtype(series)
                             else _map_distinct(_as_text(series), _parse_booleans))
            elif kind == "datetime":
                dates = _to_datetime(series)
                origin = pd.Timestamp(self.date_origin_[name]) if self.date_origin_.get(name) else dates.min()
                out[f"{name}__month"] = dates.dt.month.astype(float)
                out[f"{name}__dayofweek"] = dates.dt.day_of_week.astype(float)
                out[f"{name}__days"] = ((dates - origin).dt.total_seconds() / 86400.0).astype(float)
            else:  # category / text
                out[name] = _map_distinct(_as_text(series), lambda u, m=self.spellings_.get(name) or {}: _canonical(u, m))
        missing = [c for c in self.columns_ if c not in frame.columns]
        if missing:
            log.append(f"repair: {len(missing)} column(s) absent from the data: {', '.join(missing[:5])}")
        return pd.DataFrame(out, index=frame.index)


def _canonical(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Cleaned text, replaced by the fitted canonical spelling of its case-folded key when there is one."""
    cleaned = _clean_text(values)
    if not mapping:
        return cleaned.astype("str")
    return cleaned.str.casefold().map(mapping).fillna(cleaned).astype("str").mask(cleaned.isna())


def _kind(series: pd.Series, col: Any) -> str:
    """numeric | numeric-text | boolean | datetime | category."""
    inferred = col.inferred_type if col is not None else None
    if pd.api.types.is_bool_dtype(series) or inferred == "boolean":
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series) or inferred == "datetime":
        return "datetime"
    if is_numeric(series):
        return "numeric"
    if col is not None and col.numeric_from_text:
        return "numeric-text"
    return "category"


def _to_datetime(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series
    else:
        values = _map_distinct(_as_text(series),
                               lambda u: pd.to_datetime(u.str.strip(), errors="coerce", format="mixed"))
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def _parse_numbers(series: pd.Series, decimal_comma: bool, sentinels: list[float]) -> pd.Series:
    if is_numeric(series):
        values = series.astype(float)
    else:
        text = _as_text(series)
        token = textvalues.missing_token_mask(text.fillna(""))
        plain = np.array(textvalues.plain_numbers(text.fillna("")), dtype=float)  # a writable copy
        if decimal_comma:
            plain = np.where(text.str.contains(",", regex=False, na=False).to_numpy(dtype=bool), np.nan, plain)
        other = np.isnan(plain)  # only what float() does not read needs the formatted-number clean-up
        if other.any():
            plain[other], _ = textvalues.formatted_numbers(text[other].fillna(""), decimal_comma)
        values = pd.Series(plain, index=series.index)
        values[token | text.isna().to_numpy()] = np.nan
    values = values.mask(~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
    return values.mask(values.isin(sentinels)) if sentinels else values


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
