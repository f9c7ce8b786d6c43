"""The verbs over frames in memory: pandas, polars (DataFrame and LazyFrame), pyarrow, Dask; X, y targets; the
errors a bad frame gets; the caller's frame left as it was; polars absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dataaudit
from dataaudit.errors import (
    DataAuditError,
    DataTypeError,
    InputError,
    TargetError,
    UsageError,
)
from dataaudit.io.read import load
from tests.conftest import assert_valid

MIXED = Path(__file__).resolve().parent.parent / "sample_data" / "mixed.csv"


def _keys(report) -> list[tuple]:
    return [(f.rule, f.column, f.severity, f.message) for f in report.findings]


def _frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.choice(np.array(["yes", "no"]), n, p=[0.15, 0.85])
    age = rng.normal(40, 12, n).round()
    age[rng.choice(n, 30, replace=False)] = np.nan
    return pd.DataFrame({"age": age, "income": rng.lognormal(10, 1.5, n).round(2),
                         "plan": rng.choice(["basic", "plus", "pro"], n), "noise": rng.normal(0, 1, n),
                         "label": label})


@pytest.fixture(scope="module")
def mixed_table() -> pa.Table:
    return load(MIXED).table  # the file's own typed table: every kind of frame holds the same columns


@pytest.fixture(scope="module")
def fixed():
    frame = _frame()
    return frame, dataaudit.fix(frame, target="label")


def test_scan_of_every_kind_of_frame_finds_what_the_scan_of_the_file_finds(mixed_table):
    # the same findings, but DA406: the CSV's dates were text in the file, the frame's are typed dates
    expected = [k for k in _keys(dataaudit.scan(MIXED, target="churned")) if k[0] != "DA406"]
    frames = {"pandas": mixed_table.to_pandas(), "polars": pl.from_arrow(mixed_table),
              "polars-lazy": pl.from_arrow(mixed_table).lazy(), "arrow": mixed_table}
    for kind, frame in frames.items():
        report = dataaudit.scan(frame, target="churned")
        assert _keys(report) == expected, kind
        assert report.dataset["format"] == "dataframe" and report.dataset["rows"] == 2020
        assert_valid(report)
    assert dataaudit.scan(frames["polars-lazy"]).dataset["path"] == "<polars LazyFrame>"


def test_scan_frame_stays_a_thin_alias(mixed_table):
    frame = mixed_table.to_pandas()
    assert _keys(dataaudit.scan_frame(frame, target="churned")) == _keys(dataaudit.scan(frame, target="churned"))
    assert dataaudit.scan_frame(frame, name="train").dataset["path"] == "train"


def test_a_target_given_as_values_is_the_column_it_would_be_in_the_frame(mixed_table):
    frame = mixed_table.to_pandas()
    expected = _keys(dataaudit.scan(frame, target="churned"))
    X, y = frame.drop(columns="churned"), frame["churned"]
    by_series = dataaudit.scan(X, target=y)
    assert by_series.target == "churned" and _keys(by_series) == expected
    assert _keys(dataaudit.scan(frame, target=frame["churned"])) == expected  # df, df["label"]: its own column
    assert _keys(dataaudit.scan(pl.from_pandas(X), target=pl.from_pandas(y))) == expected
    unnamed = dataaudit.scan(X, target=y.to_numpy())
    assert unnamed.target == "target" and len(unnamed.findings) == len(expected)
    assert dataaudit.scan(X, target=y.tolist()).target == "target"
    assert dataaudit.scan(X, target=y.to_numpy().reshape(-1, 1)).target == "target"


def test_a_series_target_in_another_row_order_is_aligned_on_the_index():
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    shuffled = y.sample(frac=1.0, random_state=0)
    assert _keys(dataaudit.scan(X, target=shuffled)) == _keys(dataaudit.scan(frame, target="label"))


@pytest.mark.parametrize("target, words", [
    (pd.Series(["a"] * 10, name="y"), "the target has 10 values but the data has 300 rows"),
    ("nope", "target column 'nope' not found"),
    (pd.Series(range(300), name="age"), "named 'age', like a column of the data that holds other values"),
    (np.zeros((300, 2)), "one column of values, not an array of shape (300, 2)"),
])
def test_a_target_that_does_not_fit_the_rows_is_one_target_error(target, words):
    with pytest.raises(TargetError) as caught:
        dataaudit.scan(_frame().drop(columns="label"), target=target)
    assert words in str(caught.value)


class _Thing:
    pass


@pytest.mark.parametrize("data, error, words", [
    ([1, 2, 3], DataTypeError, "data must be a path, a pandas DataFrame"),
    (pd.Series([1, 2]), DataTypeError, "a Series: pass it as target="),
    (np.zeros((3, 3)), DataTypeError, "not numpy.ndarray"),
    (pd.DataFrame(), InputError, "no columns"),
    (pd.DataFrame({"a": []}), InputError, "no rows"),
    (pl.DataFrame({"a": []}), InputError, "no rows"),
    (pd.DataFrame([[1, 2]], columns=["a", "a"]), InputError, "duplicate column names: 'a'"),
    (pd.DataFrame({"a": [_Thing()] * 5, "b": range(5)}), InputError, "column 'a' holds _Thing objects"),
    (pl.DataFrame({"a": [_Thing()] * 5}, schema={"a": pl.Object}), InputError, "column 'a' holds Python objects"),
    (pd.DataFrame({"a": [[1, 2]] * 5}), InputError, "no column holds one value per cell (nested: a)"),
])
def test_bad_frames_get_one_clear_dataaudit_error(data, error, words):
    for verb in (dataaudit.scan, dataaudit.fix):
        with pytest.raises(error) as caught:
            verb(data)
        assert words in str(caught.value) and isinstance(caught.value, DataAuditError)
    if error is DataTypeError:
        assert isinstance(caught.value, TypeError)


def test_mixed_python_values_are_read_as_text_and_nested_columns_set_aside():
    n = 200
    frame = pd.DataFrame({"a": [1, "x", 2.5, None] * (n // 4), "b": np.arange(n) % 7, "tags": [[1, 2]] * n,
                          "where": [{"x": 1, "y": "s"}] * n})
    report = dataaudit.scan(frame)
    assert report.dataset["nested"] == {"flattened": {"where": ["where.x", "where.y"]},
                                        "set_aside": {"tags": "list<item: int64>"}}
    a = next(c for c in report.columns if c["name"] == "a")
    assert a["missing_count"] == n // 4 and a["physical_type"] == "string"


def test_frames_are_scanned_in_memory_and_say_so_for_other_engines():
    frame = _frame()
    with pytest.raises(UsageError, match="scanned in memory"):
        dataaudit.scan(frame, engine="stream")
    with pytest.raises(UsageError, match="--scheduler"):
        dataaudit.scan(frame, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(UsageError, match="sheet is for Excel"):
        dataaudit.scan(frame, sheet=0)


def test_the_callers_frame_and_target_are_never_modified(fixed):
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    copies = frame.copy(deep=True), X.copy(deep=True), y.copy(deep=True)
    polars, polars_copy = pl.from_pandas(frame), pl.from_pandas(frame).clone()
    dataaudit.scan(X, target=y)
    dataaudit.fix(X, target=y, rescan=False)
    dataaudit.apply_recipe(fixed[1], X)
    dataaudit.scan(polars, target="label")
    dataaudit.apply_recipe(fixed[1], polars)
    dataaudit.diff(frame, X, target="label")
    for before, after in zip(copies, (frame, X, y)):
        if isinstance(before, pd.Series):
            pd.testing.assert_series_equal(before, after)
        else:
            pd.testing.assert_frame_equal(before, after)
    assert polars.equals(polars_copy)


def test_fix_of_a_frame_returns_the_fixed_frame_and_writes_nothing(fixed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame, result = fixed
    assert isinstance(result.frame, pd.DataFrame) and "label" in result.frame.columns
    assert result.frame.drop(columns="label").notna().all().all()
    assert result.recipe.target == "label" and result.before.dataset["path"] == "<pandas DataFrame>"
    assert result.to_dict()["rows"]["in"] == len(frame)
    again = dataaudit.fix(frame, target="label", rescan=False)
    pd.testing.assert_frame_equal(again.frame, result.frame)
    assert list(tmp_path.iterdir()) == []
    out = dataaudit.fix(frame, target="label", output=tmp_path / "fixed.parquet", rescan=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "fixed.parquet"), out.frame, check_dtype=False)
    with pytest.raises(UsageError, match="fixed in memory"):
        dataaudit.fix(frame, engine="stream")


def test_fix_of_x_and_y_keeps_the_labels_as_the_target_column():
    frame = _frame()
    result = dataaudit.fix(frame.drop(columns="label"), target=frame["label"].to_numpy(), rescan=False)
    assert result.recipe.target == "target"
    assert set(result.frame["target"]) == {"yes", "no"}


def test_apply_on_a_frame_returns_the_same_kind_with_the_same_rows(fixed, tmp_path):
    frame, result = fixed
    new = _frame(seed=1).drop(columns="label")
    expected = dataaudit.apply_recipe(result, new)
    assert isinstance(expected, pd.DataFrame) and len(expected) == len(new)
    assert list(expected.columns) == [c for c in result.recipe.output_columns if c != "label"]
    new.to_csv(tmp_path / "new.csv", index=False)
    path_frame, _ = dataaudit.apply_recipe(result.recipe, tmp_path / "new.csv")  # a path: (frame, notes)
    pd.testing.assert_frame_equal(path_frame, expected)
    out = dataaudit.apply_recipe(result.recipe, pl.from_pandas(new))
    assert isinstance(out, pl.DataFrame)
    pd.testing.assert_frame_equal(out.to_pandas(), expected)
    lazy = dataaudit.apply_recipe(result.recipe, pl.from_pandas(new).lazy())
    assert isinstance(lazy, pl.LazyFrame)
    pd.testing.assert_frame_equal(lazy.collect().to_pandas(), expected)
    table = dataaudit.apply_recipe(result.recipe, pa.Table.from_pandas(new))
    assert isinstance(table, pa.Table)
    pd.testing.assert_frame_equal(table.to_pandas(), expected)


def test_diff_compares_frames_and_a_path_with_a_frame(mixed_table):
    frame = mixed_table.to_pandas()
    report = dataaudit.diff(frame.iloc[:1000], frame.iloc[1000:], target="churned")
    assert report.dataset["reference"]["path"] == "<pandas DataFrame>"
    scoring = dataaudit.diff(MIXED, pl.from_pandas(frame.drop(columns="churned")), target="churned")
    assert scoring.dataset["label_drift"]["measured"] is False
    with pytest.raises(DataTypeError, match="current must be"):
        dataaudit.diff(MIXED, {"a": [1]})


def test_with_polars_hidden_frames_still_work(monkeypatch, fixed):
    monkeypatch.setitem(sys.modules, "polars", None)  # as if it were not installed: `import polars` fails
    frame = _frame()
    assert len(dataaudit.scan(frame, target="label").findings) > 0
    assert isinstance(dataaudit.apply_recipe(fixed[1], frame.drop(columns="label")), pd.DataFrame)
    with pytest.raises(DataTypeError):
        dataaudit.scan(object())


def test_import_and_a_pandas_scan_never_import_polars_or_dask():
    code = ("import sys, pandas as pd, dataaudit\n"
            "dataaudit.scan(pd.DataFrame({'a': range(50), 'b': [1.5] * 50}))\n"
            "print(sorted(m for m in ('polars', 'dask', 'distributed', 'sklearn') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"


def test_a_dask_dataframe_goes_to_the_dask_engine(mixed_table, scheduler):
    import dask.dataframe as dd

    frame = mixed_table.to_pandas()
    ddf = dd.from_pandas(frame, npartitions=3)
    report = dataaudit.scan(ddf, target="churned", scheduler=scheduler)
    assert report.dataset["path"] == "<Dask DataFrame>" and report.dataset["engine"]["name"] == "dask"
    assert _keys(report) == _keys(dataaudit.scan(MIXED, target="churned", engine="dask", scheduler=scheduler))
    with pytest.raises(UsageError, match="target must be the name"):
        dataaudit.scan(ddf, target=frame["churned"])
    small = dd.from_pandas(_frame(), npartitions=2)
    result = dataaudit.fix(small, target="label", scheduler=scheduler, rescan=False)
    assert result.engine["name"] == "dask" and result.before.dataset["path"] == "<Dask DataFrame>"
    new = _frame(seed=1).drop(columns="label")
    lazy = dataaudit.apply_recipe(result, dd.from_pandas(new, npartitions=2))
    assert isinstance(lazy, dd.DataFrame)
    pd.testing.assert_frame_equal(lazy.compute().reset_index(drop=True), dataaudit.apply_recipe(result, new))


def test_a_pandas_target_beside_a_polars_frame_of_the_same_column_is_that_column():
    frame = _frame()
    report = dataaudit.scan(pl.from_pandas(frame), target=frame["label"])
    assert report.target == "label" and _keys(report) == _keys(dataaudit.scan(frame, target="label"))


def test_the_verbs_take_the_data_by_keyword_as_the_issue_names_it(tmp_path):
    """``scan(data=…)``, ``fix(data=…)``, ``apply_recipe(recipe, data=…)``: the same keyword for a path and a frame."""
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 50.0] * 20, "y": [0, 1] * 50})
    report = dataaudit.scan(data=frame, target="y")
    result = dataaudit.fix(data=frame, target="y")
    applied = dataaudit.apply_recipe(result, data=frame.drop(columns="y"))
    assert report.dataset["rows"] == 100 and len(result.frame) > 0 and len(applied) == 100
