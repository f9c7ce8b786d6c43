"""A value that marks one class of a target of three classes or more (a code written with the label, such as
'censored'). DA701 reports it (``checks/leakage.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.findings import Hit
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..core.numfmt import num
from ._common import jsonable
from .leak_chance import MIN_CLASS_ROWS

__all__ = ["class_code"]


def class_code(col: ColumnProfile, data: DatasetProfile, index: pd.Index, labels: np.ndarray, classes: np.ndarray,
               min_share: float) -> Hit | None:
    """A single value (or missingness) of the column held by ``min_share`` of one class's rows and by almost no
    other row: a code written with the label. Judged over classes of ``MIN_CLASS_ROWS`` rows or more."""
    if col.name not in data.sample.columns:
        return None
    keys, values = pd.factorize(data.sample.loc[index, col.name].to_numpy(), use_na_sentinel=False)
    k, n_keys = len(classes), len(values)
    if n_keys < 2:
        return None
    table = np.bincount(keys * k + labels, minlength=n_keys * k).reshape(n_keys, k)
    per_class, per_value = table.sum(axis=0), table.sum(axis=1)
    precision = table / np.maximum(per_value[:, None], 1)
    recall = table / np.maximum(per_class[None, :], 1)
    fit = np.minimum(precision, recall)
    fit[:, per_class < MIN_CLASS_ROWS] = 0.0
    v, c = np.unravel_index(int(np.argmax(fit)), fit.shape)
    if fit[v, c] < min_share:
        return None
    value = values[v]
    shown = "missing" if pd.isna(value) else f"the value {value!r}" if isinstance(value, str) else \
        f"the value {num(float(value))}" if isinstance(value, (int, float, np.number)) else f"the value {str(value)!r}"
    return Hit(col.name, f"{shown} marks class {str(classes[c])!r} of `{data.target.name}`: {int(table[v, c]):,} of "
               f"its {int(per_class[c]):,} rows hold it and {int(per_value[v] - table[v, c]):,} other rows do "
               "(a code written with the label, such as 'censored'): likely leaked from the target",
               {"kind": "class-code", "metric": "share of the class holding the value", "score": jsonable(float(
                   fit[v, c])), "baseline": 0.0, "class": str(classes[c]), "value": jsonable(value) if not
                   pd.isna(value) else None, "rows_used": int(len(labels))})
