"""A column's values numbered as their text would be, without writing the text (issue 20: a wide fixed output's
2,700 one-hot float columns spent seconds in ``astype("str")`` only to be numbered)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["text_codes"]


def text_codes(values: pd.Series, missing: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values.astype("str").to_numpy(), use_na_sentinel=False)``, codes and uniques, the same to the
    last code; with ``missing``, of ``values.astype("str").fillna(missing)`` instead.

    A numpy number or boolean column is numbered on its values and only its distinct values are written as text:
    ``str`` of a float is its shortest round-trip text, so two numbers have one text exactly when they are equal
    (NaN, missing as text too, is one value, numbered where it first appears) — except 0.0 and -0.0, equal numbers
    with two texts: a float column holding -0.0, like any other dtype, is written as text whole."""
    dtype = values.dtype
    array = values.to_numpy() if isinstance(dtype, np.dtype) and dtype.kind in "biuf" else None
    if array is None or (dtype.kind == "f" and bool(np.any(np.signbit(array[array == 0])))):
        text = values.astype("str")
        codes, uniques = pd.factorize((text if missing is None else text.fillna(missing)).to_numpy(),
                                      use_na_sentinel=False)
        return codes, uniques
    codes, numbers = pd.factorize(array, use_na_sentinel=False)
    text = pd.Series(numbers).astype("str")
    return codes, (text if missing is None else text.fillna(missing)).to_numpy()
