"""core.textcodes numbers a column's values as their text would be, without writing the text (issue 20)."""

import numpy as np
import pandas as pd
import pytest

from dataaudit.core.textcodes import text_codes, text_codes_only

COLUMNS = {
    "missing first": pd.Series([np.nan, 1.0, 2.0, np.nan, 1.0]),
    "zero and minus zero": pd.Series([0.0, -0.0, 1.0, -0.0]),
    "infinities": pd.Series([np.inf, -np.inf, 1.0, np.nan, np.inf]),
    "int64": pd.Series(np.array([3, 1, 3, 2**62], dtype=np.int64)),
    "uint8": pd.Series(np.array([3, 1, 3], dtype=np.uint8)),
    "bool": pd.Series([True, False, True]),
    "float32": pd.Series(np.array([0.1, 0.2, 0.1, np.nan], dtype=np.float32)),
    "extremes": pd.Series([1e-300, 5e-324, 1e300, 0.1 + 0.2, 0.3, 0.1 + 0.2]),
    "one-hot": pd.Series(np.random.default_rng(0).integers(0, 2, 500).astype(float)),
    "rounded": pd.Series(np.round(np.random.default_rng(1).normal(size=500), 1)),
    "text": pd.Series(["a", None, "b", "a"]),
    "nullable int": pd.Series([1, None, 1], dtype="Int64"),
    "empty": pd.Series([], dtype=float),
    "all missing": pd.Series([np.nan, np.nan]),
}


@pytest.mark.parametrize("missing", [None, "<missing>"])
@pytest.mark.parametrize("name", list(COLUMNS))
def test_text_codes_are_those_of_the_text(name, missing):
    values = COLUMNS[name]
    text = values.astype("str")
    codes, uniques = pd.factorize((text if missing is None else text.fillna(missing)).to_numpy(),
                                  use_na_sentinel=False)
    got_codes, got_uniques = text_codes(values, missing)
    assert got_codes.dtype == codes.dtype and np.array_equal(got_codes, codes)
    assert np.array_equal(text_codes_only(values, missing), codes)
    assert [type(u) for u in got_uniques] == [type(u) for u in uniques]
    assert [u if u == u else "nan" for u in got_uniques] == [u if u == u else "nan" for u in uniques]
