"""DA701's view of a feature on the sampled rows: as numbers (``as_numbers``) and as a discrete key
(``feature_key``: value-aware bins of numbers and dates, else the values)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.measures import shared
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..core import datevalues
from ..core.textcodes import text_codes_only

__all__ = ["BINS", "SPIKE_SHARE", "MISSING_KEY", "feature_key", "key_codes", "as_numbers"]

BINS = 20
SPIKE_SHARE = 0.01  # a value that fills this share of a numeric column is a bin of its own
MISSING_KEY = "<missing>"  # the key of a missing value kept as a value


def feature_key(col: ColumnProfile, data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame | None = None,
                sample: pd.DataFrame | None = None) -> pd.Series | None:
    """The feature on the sampled rows ``index`` as a discrete key: value-aware bins for numbers and dates (a value
    that fills ``SPIKE_SHARE`` of the rows is its own bin, the rest quantile bins), else the value itself.

    ``numeric``: the numeric sample already cut to ``index`` (one cut for all columns of a wide table); ``sample``:
    the raw sample so cut."""
    found = _binned_or_raw(col, data, index, numeric, sample)
    if found is None:
        return None
    binned, key = found
    return key if binned else key.astype("str").fillna(MISSING_KEY)


def key_codes(col: ColumnProfile, data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame | None = None,
              sample: pd.DataFrame | None = None) -> np.ndarray | None:
    """``pd.factorize(feature_key(...).to_numpy(), use_na_sentinel=False)[0]``, the key numbered by first
    appearance, without writing numbers kept as values (a one-hot float column) as text."""
    found = _binned_or_raw(col, data, index, numeric, sample)
    if found is None:
        return None
    binned, key = found
    return pd.factorize(key.to_numpy(), use_na_sentinel=False)[0] if binned else text_codes_only(key, MISSING_KEY)


def _binned_or_raw(col: ColumnProfile, data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame | None,
                   sample: pd.DataFrame | None) -> tuple[bool, pd.Series] | None:
    """(True, the bins) of a number or a date, (False, the raw values) of a feature keyed by its values, or None."""
    numbers = as_numbers(col, data, index, numeric) if col.distinct > BINS else None
    if numbers is not None:
        x = np.where(np.isfinite(numbers), numbers, np.nan)
        finite = ~np.isnan(x)
        codes = np.full(len(x), -1, dtype=np.int64)
        if finite.any():
            uniq, counts = np.unique(x[finite], return_counts=True)
            spikes = uniq[counts >= SPIKE_SHARE * finite.sum()]
            spiked = np.isin(x, spikes) & finite
            rest = finite & ~spiked
            if rest.any():
                edges = np.unique(np.quantile(x[rest], np.linspace(0, 1, BINS + 1)[1:-1]))
                codes[rest] = np.searchsorted(edges, x[rest], side="right")
            codes[spiked] = BINS + 1 + np.searchsorted(spikes, x[spiked])
        return True, pd.Series(codes, index=index)
    if col.inferred_type in ("categorical", "boolean", "integer", "numeric", "datetime"):
        return False, data.sample.loc[index, col.name] if sample is None else sample[col.name]
    return None


def as_numbers(col: ColumnProfile, data: DatasetProfile, index: pd.Index,
               numeric: pd.DataFrame | None = None) -> np.ndarray | None:
    """The feature on the sampled rows ``index`` as floats: a numeric feature's values, a date's seconds since
    1970 (text dates parsed, in the day order their values show; NaN where not a date), else None. A date is
    ordered as the days repair derives from it are, so a date recorded one way for each class is judged as
    those days would be."""
    if col.is_numeric_feature:
        if numeric is not None:
            return numeric[col.name].to_numpy(dtype=float) if col.name in numeric.columns else None
        return data.numeric_sample.loc[index, col.name].to_numpy(dtype=float)
    if col.inferred_type != "datetime" or col.name not in data.sample.columns:
        return None
    # a date column is parsed once for the rows judged (the key and the rank AUC both read it)
    return shared(data, ("leakage-dates", col.name), lambda: _date_numbers(data.sample.loc[index, col.name]), on=index)


def _date_numbers(raw: pd.Series) -> np.ndarray:
    """Seconds since 1970 of dates (read-only: it is shared), NaN where not a date."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw.dt.tz_convert(None) if getattr(raw.dt, "tz", None) is not None else raw
    else:
        counts = raw.dropna().astype("str").value_counts()
        order = datevalues.date_order(pd.Series(counts.index.to_numpy(dtype=object), dtype="str"), counts.to_numpy())
        dates = datevalues.parse_dates(raw.where(raw.notna(), None), order.day_first)
    values = np.asarray(dates.to_numpy(), dtype="datetime64[s]")  # seconds: no overflow for the year 9999
    out = np.where(np.isnat(values), np.nan, values.astype(np.int64).astype(float))
    out.flags.writeable = False
    return out
