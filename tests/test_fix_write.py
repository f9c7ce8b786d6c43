"""A large fixed frame is written a slice at a time (``io.write.write_frame_atomic``): the same file as one write."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dataaudit.io import write


def _frame(n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=n), "i": rng.integers(0, 5, n),
                          "s": pd.Series(rng.choice(["a", "b", None], n), dtype="str"),
                          "o": pd.Series(rng.choice(["u", "v"], n), dtype=object), "b": rng.random(n) < 0.5})
    frame.loc[::7, "x"] = np.nan
    frame.loc[:2000, "o"] = None  # missing in the first slices only: the schema is the whole frame's
    return frame


def test_parquet_is_written_a_row_group_at_a_time_and_is_the_same_file(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "PARQUET_ROWS", 1000)
    frame = _frame()
    write.write_frame_atomic(frame, tmp_path / "new.parquet")
    assert pq.ParquetFile(tmp_path / "new.parquet").metadata.num_row_groups == 5
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "one.parquet", row_group_size=1000)
    assert filecmp.cmp(tmp_path / "new.parquet", tmp_path / "one.parquet", shallow=False)
    back = pd.read_parquet(tmp_path / "new.parquet")
    assert back["o"].isna().sum() == frame["o"].isna().sum() and back.shape == frame.shape


def test_csv_is_written_in_slices_and_is_the_same_file(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "CSV_ROWS", 700)
    original = pacsv.write_csv

    def whole(*args, **kwargs):
        raise AssertionError("one Arrow copy of the whole frame written at once")

    monkeypatch.setattr(pacsv, "write_csv", whole)
    frame = _frame()
    write.write_frame_atomic(frame, tmp_path / "new.csv")
    original(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "one.csv")
    assert filecmp.cmp(tmp_path / "new.csv", tmp_path / "one.csv", shallow=False)
