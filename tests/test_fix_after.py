"""The report after a fix from a uniform, seeded sample of the output (``fixing.after``), past its size."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dataaudit import fix
from dataaudit.fixing import after
from dataaudit.fixing.after import AfterSample, sample_rows
from dataaudit.fixing.options import FixOptions


def test_no_sample_up_to_its_size():
    assert sample_rows(1000, 0, size=1000) is None
    rows = sample_rows(1001, 0, size=1000)
    assert rows.size == 1000 and np.all(np.diff(rows) > 0)


def test_the_sample_is_seeded_and_uniform():
    a, b = sample_rows(100_000, 0, size=5000), sample_rows(100_000, 1, size=5000)
    assert np.array_equal(a, sample_rows(100_000, 0, size=5000))
    assert not np.array_equal(a, b)
    halves = np.bincount(a // 50_000)  # about half the sample in each half of the rows
    assert abs(int(halves[0]) - 2500) < 250


@pytest.mark.parametrize("size", [1, 7, 300, 5000])
def test_gathered_while_writing_it_is_the_same_sample(size):
    n = 5000
    table = pa.table({"i": np.arange(n), "s": [f"v{i}" for i in range(n)]})
    rng = np.random.default_rng(3)
    gathered, start = AfterSample(seed=42, size=size), 0
    while start < n:  # batches of uneven sizes, one of them empty
        step = int(rng.integers(0, 400))
        gathered.add(table.slice(start, step))
        start += step
    expected = sample_rows(n, 42, size=size)
    got = gathered.result().column("i").to_numpy()
    if expected is None:
        assert np.array_equal(got, np.arange(n)) and gathered.info() is None
    else:
        assert np.array_equal(got, expected) and gathered.info() == {"rows": size, "of": n}


def _data(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n) * 1e6,
                          "c": rng.choice(["a", "b", "c"], size=n), "label": rng.integers(0, 2, size=n)})
    frame.loc[:50, "x"] = np.nan
    return frame


@pytest.mark.parametrize("engine", ["pandas", "stream"])
def test_a_large_output_is_rescanned_from_a_sample_and_the_report_says_so(tmp_path, monkeypatch, engine):
    path = tmp_path / "data.csv"
    _data().to_csv(path, index=False)
    monkeypatch.setattr(after, "AFTER_SAMPLE_ROWS", 500)
    result = fix(str(path), target="label", engine=engine, output=str(tmp_path / "out.parquet"))
    out_rows = result.rows["out"]
    assert out_rows > 500
    assert result.after_sample == {"rows": 500, "of": out_rows}
    assert result.after.profile.rows == 500
    assert result.to_dict()["after"]["sample"] == {"rows": 500, "of": out_rows}
    from dataaudit.fixing.report import render

    assert f"uniform random sample of 500 of the {out_rows:,} output rows" in render(result, "text")
    assert json.loads(render(result, "json"))["after"]["sample"]["of"] == out_rows


def test_both_engines_scan_the_same_sampled_rows(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    _data().to_csv(path, index=False)
    monkeypatch.setattr(after, "AFTER_SAMPLE_ROWS", 500)
    memory = fix(str(path), target="label", engine="pandas", output=str(tmp_path / "a.parquet"))
    stream = fix(str(path), target="label", engine="stream", output=str(tmp_path / "b.parquet"))
    assert memory.after_sample == stream.after_sample
    assert [f.to_dict() for f in memory.after.findings] == [f.to_dict() for f in stream.after.findings]


def test_a_small_output_is_scanned_whole(tmp_path):
    path = tmp_path / "data.csv"
    _data(800).to_csv(path, index=False)
    result = fix(str(path), target="label", options=FixOptions(seed=3))
    assert result.after_sample is None and "sample" not in result.to_dict()["after"]
    assert result.after.profile.rows == result.rows["out"]
