"""A column's values numbered as their text would be, without writing the text (issue 20: a wide fixed output's
2,700 one-hot float columns spent seconds in ``astype("str")`` only to be numbered)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["text_codes", "text_codes_only"]


def text_codes(values: pd.Series, missing: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values.astype("str").to_numpy(), use_na_sentinel=False)``, codes and uniques, the same to the
    last code; with ``missing``, of ``values.astype("str").fillna(missing)`` instead.

    A numpy number or boolean column is numbered on its values and only its distinct values are written as text:
    ``str`` of a float is its shortest round-trip text, so two numbers have one text exactly when they are equal
    (NaN, missing as text too, is one value, numbered where it first appears) — except 0.0 and -0.0, equal numbers
    with two texts: a float column holding -0.0, like any other dtype, is written as text whole."""
    found = _number_codes(values)
    if found is None:
        return _codes_of_text(values, missing)
    codes, numbers = found
    text = pd.Series(numbers).astype("str")
    return codes, (text if missing is None else text.fillna(missing)).to_numpy()


def text_codes_only(values: pd.Series, missing: str | None = None) -> np.ndarray:
    """The codes of ``text_codes``, without writing even the distinct values as text when they are numbers."""
    found = _number_codes(values)
    return _codes_of_text(values, missing)[0] if found is None else found[0]


def _number_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes and distinct numbers of a numpy number or boolean column without -0.0, else None."""
    dtype = values.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf":
        return None
    array = values.to_numpy()
    if dtype.kind == "f" and bool(np.any(np.signbit(array[array == 0]))):
        return None
    return pd.factorize(array, use_na_sentinel=False)


def _codes_of_text(values: pd.Series, missing: str | None) -> tuple[np.ndarray, np.ndarray]:
    text = values.astype("str")
    return pd.factorize((text if missing is None else text.fillna(missing)).to_numpy(), use_na_sentinel=False)
