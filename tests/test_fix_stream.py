"""``fix --engine stream`` writes what the in-memory fix writes, batch by batch, and says what it estimated."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.feather as feather
import pytest
from click.testing import CliRunner

from dataaudit.api import apply_recipe, fix
from dataaudit.cli import cli
from dataaudit.fixing import stream as fix_stream
from dataaudit.fixing.options import FixOptions
from dataaudit.io import batches
from dataaudit.io.write import OutputError

from .conftest import imbalanced_frame, write_csv

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv"))


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 16 KB, so each sample file is read in several and duplicates and conflicts cross batches."""
    monkeypatch.setattr(batches, "BATCH_BYTES", 1 << 14)
    monkeypatch.setattr(batches, "PARQUET_BATCH_ROWS", 300)


def _target(path: Path) -> str | None:
    target = {"mixed.csv": "churned"}.get(path.name, "label")
    return target if target in pd.read_csv(path, nrows=0, encoding="latin-1").columns else None


def _both(path, tmp_path, suffix=".parquet", **kwargs):
    """(in-memory result, stream result, in-memory output path, stream output path)."""
    memory_out, stream_out = tmp_path / f"memory{suffix}", tmp_path / f"stream{suffix}"
    memory = fix(path, output=memory_out, engine="pandas", **kwargs)
    stream = fix(path, output=stream_out, engine="stream", **kwargs)
    return memory, stream, memory_out, stream_out


def _own_notes(log: list[str]) -> list[str]:
    return [note for note in log if not note.startswith("stream engine:")]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_stream_fix_writes_the_in_memory_output_on_every_sample_file(path, tmp_path, small_batches):
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target=_target(path), rescan=False,
                                                   options=FixOptions(resample="none"))
    pd.testing.assert_frame_equal(pd.read_parquet(stream_out), pd.read_parquet(memory_out))  # values and dtypes
    assert stream.recipe.to_dict() == memory.recipe.to_dict()
    assert stream.rows == memory.rows
    assert _own_notes(stream.log) == memory.log
    assert stream.engine == {"name": "stream", "fit_rows": memory.rows["in"], "rows": memory.rows["in"]}


def test_resampled_outputs_match_in_memory(tmp_path, small_batches):
    """SMOTE (mixed) gives the same rows; random over-sampling (imbalance) the same rows, its copies in file order."""
    for name, target in (("mixed.csv", "churned"), ("imbalance.csv", "label")):
        path = SAMPLES[[p.name for p in SAMPLES].index(name)]
        # imbalance.csv: explicitly over-sampled (up to the ×20 cap), as auto does
        memory, stream, memory_out, stream_out = _both(path, tmp_path, target=target, rescan=False, overwrite=True,
                                                       options=FixOptions(resample="auto" if name == "mixed.csv"
                                                                          else "over"))
        method = stream.recipe.steps[-1].method_
        assert method == memory.recipe.steps[-1].method_ == {"mixed.csv": "smote", "imbalance.csv": "over"}[name]
        assert stream.recipe.to_dict() == memory.recipe.to_dict() and stream.rows == memory.rows
        got, want = pd.read_parquet(stream_out), pd.read_parquet(memory_out)
        if method == "over":
            n = memory.rows["out"] - memory.rows["added_by_resampling"]
            pd.testing.assert_frame_equal(got.head(n), want.head(n))
            got, want = (f.iloc[n:].sort_values(list(f.columns)).reset_index(drop=True) for f in (got, want))
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("method", ["under", "over"])
def test_random_resampling_streams_the_in_memory_rows(method, tmp_path, small_batches):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(0), 3000, missing_labels=40))
    options = FixOptions(resample=method, seed=4)
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False, options=options)
    counts = stream.recipe.steps[-1].counts_after_
    assert counts == memory.recipe.steps[-1].counts_after_
    assert len(set(counts.values())) == 1  # balanced: every class at the majority (over) or minority (under)
    assert stream.rows == memory.rows and stream.rows["out"] == sum(counts.values())
    assert memory.rows["missing_target_dropped"] == 40  # a training row needs a label
    got, want = pd.read_parquet(stream_out), pd.read_parquet(memory_out)
    if method == "over":  # same copies; the stream writes them in file order
        n = memory.rows["out"] - memory.rows["added_by_resampling"]
        tail = [f.iloc[n:].sort_values(list(f.columns)).reset_index(drop=True) for f in (got, want)]
        pd.testing.assert_frame_equal(*tail)
        got, want = got.head(n), want.head(n)
    pd.testing.assert_frame_equal(got, want)
    assert got["label"].notna().all()  # rows without a label were dropped, as in memory


@pytest.mark.parametrize("method", ["under", "over", "smote"])
def test_resampling_from_a_sample_is_balanced_and_deterministic(method, tmp_path, small_batches):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(1), 6000))
    outputs = []
    for run, seed in enumerate((7, 7, 8)):
        out = tmp_path / f"out{run}.parquet"
        result = fix(path, output=out, target="label", engine="stream", fit_rows=1000, rescan=False,
                     options=FixOptions(resample=method, seed=seed))
        outputs.append(out.read_bytes())
        counts = pd.read_parquet(out)["label"].value_counts()
        before = result.recipe.steps[-1].counts_before_
        assert set(counts) == {min(before.values()) if method == "under" else max(before.values())}
        assert result.rows["out"] == len(pd.read_parquet(out)) == counts.sum()
        assert any("fitted on a uniform sample of 1,000 of the 6,000 rows" in note for note in result.log)
    assert outputs[0] == outputs[1] and outputs[0] != outputs[2]  # a seed gives one output; another seed another
    if method == "smote":
        assert any("SMOTE interpolated between the rows of each minority class in the fitting sample" in note
                   for note in result.log)


def test_duplicates_across_batches_are_dropped_as_in_memory(tmp_path, small_batches):
    """Exact copies far apart, and rows equal only once an ID column is dropped and spellings are unified."""
    rng = np.random.default_rng(2)
    frame = imbalanced_frame(rng, 2000)
    frame["colour"] = frame["colour"].where(rng.random(2000) > 0.1, frame["colour"].str.upper() + " ")
    frame = pd.concat([frame, frame.iloc[:150], frame.iloc[500:520].assign(colour=lambda f: f["colour"].str.title())])
    frame.insert(0, "id", np.arange(len(frame)))  # unique: dropped as an identifier, then rows repeat
    path = write_csv(tmp_path / "dups.csv", frame)
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False,
                                                   options=FixOptions(resample="none"))
    assert "id" in memory.dropped_columns and memory.rows["duplicates_dropped"] >= 170
    assert stream.rows == memory.rows
    pd.testing.assert_frame_equal(pd.read_parquet(stream_out), pd.read_parquet(memory_out))


def test_a_type_conflict_in_a_late_batch(tmp_path, small_batches):
    n = 6000
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"code": np.arange(n).astype(object), "count": (np.arange(n) % 7).astype(object),
                          "x": rng.normal(0, 1, n).round(3), "label": rng.integers(0, 2, n)})
    frame.loc[n - 5, "code"] = "?"
    frame.loc[n - 3, "count"] = 1.5
    path = write_csv(tmp_path / "late.csv", frame)
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False)
    pd.testing.assert_frame_equal(pd.read_parquet(stream_out), pd.read_parquet(memory_out))
    assert stream.recipe.to_dict() == memory.recipe.to_dict()


@pytest.mark.parametrize("suffix", [".csv", ".feather", ".jsonl"])
def test_other_output_formats_equal_in_memory(suffix, tmp_path, small_batches):
    path = SAMPLES[[p.name for p in SAMPLES].index("mixed.csv")]
    memory, stream, memory_out, stream_out = _both(path, tmp_path, suffix=suffix, target="churned", rescan=False,
                                                   safe_csv=suffix == ".csv")
    if suffix == ".feather":
        assert feather.read_table(stream_out).equals(feather.read_table(memory_out))
    else:
        assert stream_out.read_bytes() == memory_out.read_bytes()
    if suffix == ".csv":
        assert [n for n in stream.log if n.startswith("spreadsheet-safe")] == \
            [n for n in memory.log if n.startswith("spreadsheet-safe")]


@pytest.mark.parametrize("resample", ["none", "over"])
def test_a_failure_while_writing_leaves_no_file(resample, tmp_path, small_batches, monkeypatch):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(4), 3000))
    monkeypatch.setattr(fix_stream._Sink, "ROWS", 100)  # flush often, so the failure comes mid-file
    calls = {"n": 0}
    write = fix_stream._Sink._flush

    def failing(self):  # the second write into the output (over: after the rows before resampling were staged)
        calls["n"] += self.fmt == "parquet"
        if calls["n"] == 2:
            raise KeyboardInterrupt
        write(self)

    monkeypatch.setattr(fix_stream._Sink, "_flush", failing)
    with pytest.raises(KeyboardInterrupt):
        fix(path, output=tmp_path / "out.parquet", target="label", engine="stream", rescan=False,
            options=FixOptions(resample=resample))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


@pytest.mark.parametrize("resample", ["none", "over"])
def test_a_failure_on_the_writer_thread_is_raised_and_leaves_no_file(resample, tmp_path, small_batches, monkeypatch):
    """The tables are written on a writer thread: an error there (a full disk, say) reaches the caller, once,
    and the unfinished output is removed."""
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(4), 3000))
    monkeypatch.setattr(fix_stream._Sink, "ROWS", 100)
    calls = {"n": 0}
    write = fix_stream._Sink._write

    def failing(self, table):
        calls["n"] += self.fmt == "parquet"
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        write(self, table)

    monkeypatch.setattr(fix_stream._Sink, "_write", failing)
    with pytest.raises(OutputError, match="No space left"):
        fix(path, output=tmp_path / "out.parquet", target="label", engine="stream", rescan=False,
            options=FixOptions(resample=resample))
    assert calls["n"] == 3  # nothing more was written after the failure
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_the_writer_thread_writes_every_table_in_order(tmp_path, small_batches, monkeypatch):
    """Many small flushes through the writer thread give the rows of the in-memory fix, in its order."""
    monkeypatch.setattr(fix_stream._Sink, "ROWS", 50)
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(6), 4000))
    _, _, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False,
                                         options=FixOptions(resample="none"))
    assert pd.read_parquet(stream_out).equals(pd.read_parquet(memory_out))


def test_fitted_on_a_sample_the_parameters_are_close_and_apply_reproduces_the_output(tmp_path, small_batches):
    """30,000 rows fitted on 3,000: each fitted parameter is within about three standard errors of the in-memory
    one: a median's rank within 1.5/sqrt(n) (2.7%), a centre within 0.1 and clip bounds within 0.2 robust
    scales, a scale within 10% (measured: 0.4%, 1.1%, 3.9% and 0.8%); row counts are exact."""
    rng = np.random.default_rng(5)
    n = 30_000
    frame = pd.DataFrame({"x": rng.lognormal(3, 0.8, n).round(2), "y": rng.normal(100, 15, n).round(2),
                          "colour": rng.choice(["red", "green", "blue", "black"], n, p=[0.4, 0.3, 0.2, 0.1]),
                          "label": rng.integers(0, 2, n)})
    frame.loc[rng.random(n) < 0.08, "x"] = np.nan
    frame.loc[rng.choice(n, 60, replace=False), "y"] = 1e6
    frame = pd.concat([frame, frame.iloc[:200]], ignore_index=True)
    path = write_csv(tmp_path / "big.csv", frame)
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False, fit_rows=3000,
                                                   options=FixOptions(resample="none"))
    assert stream.engine["fit_rows"] == 3000 and stream.rows == memory.rows
    steps = {s.name: s for s in stream.recipe.steps}
    exact = {s.name: s for s in memory.recipe.steps}
    rank = 3 * 0.5 / np.sqrt(3000)  # three standard errors of a sample median's rank
    for column in ("x", "y"):
        values = np.sort(frame[column].dropna().to_numpy())

        def share_below(v, values=values):
            return np.searchsorted(values, v) / values.size

        assert abs(share_below(steps["impute"].fill_[column]) - share_below(exact["impute"].fill_[column])) < rank
        center, scale = steps["robust-scale"].center_[column], steps["robust-scale"].scale_[column]
        assert abs(center - exact["robust-scale"].center_[column]) < 0.1 * scale
        assert scale == pytest.approx(exact["robust-scale"].scale_[column], rel=0.1)
        for bound, want in zip(steps["clip"].bounds_[column], exact["clip"].bounds_[column]):
            assert bound == pytest.approx(want, abs=0.2 * scale)
    assert steps["encode"].encodings_ == exact["encode"].encodings_  # four frequent categories: the same map
    assert any(note.startswith("stream engine: the steps were fitted on a uniform sample of 3,000 of the 30,200")
               for note in stream.log)
    applied, _ = apply_recipe(stream.recipe, path, drop_duplicates=True)  # as fix decided for training
    pd.testing.assert_frame_equal(applied, pd.read_parquet(stream_out))  # apply gives what fix wrote


def test_rescan_reads_the_output_with_the_stream_engine(tmp_path, small_batches):
    path = SAMPLES[[p.name for p in SAMPLES].index("mixed.csv")]
    memory, stream, _, _ = _both(path, tmp_path, target="churned")
    assert stream.after.dataset["engine"]["name"] == "stream"
    assert stream.after.gradient_risk.score == memory.after.gradient_risk.score
    assert stream.after.probe == memory.after.probe  # the rows probed before, fixed the same way


def test_cli_fix_engine_stream(tmp_path):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(6), 500))
    out, recipe = tmp_path / "out.csv", tmp_path / "recipe.json"
    result = CliRunner().invoke(cli, ["fix", str(path), "-o", str(out), "--target", "label", "--engine", "stream",
                                      "--fit-rows", "200", "--recipe", str(recipe), "--isolated", "--no-progress"])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert f"wrote {len(written):,} rows × {len(written.columns)} columns" in result.output
    assert "fitted on a uniform sample of 200 of the 500 rows" in result.output
    assert json.loads(recipe.read_text())["steps"][-1]["step"] == "resample"
    bad = CliRunner().invoke(cli, ["fix", str(path), "-o", str(tmp_path / "o.csv"), "--engine", "stream",
                                   "--fit-rows", "5", "--isolated"])
    assert bad.exit_code == 2 and "--fit-rows" in bad.output


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_typed_inputs_with_declared_missing_values(suffix, tmp_path, small_batches):
    rng = np.random.default_rng(7)
    frame = imbalanced_frame(rng, 3000)
    frame.loc[frame.index[::40], "y"] = -1.0
    path = tmp_path / f"data{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path, row_group_size=400)
    else:
        frame.to_json(path, orient="records", lines=True)
    memory, stream, memory_out, stream_out = _both(path, tmp_path, target="label", rescan=False,
                                                   missing_values={"y": [-1]}, options=FixOptions(resample="none"))
    pd.testing.assert_frame_equal(pd.read_parquet(stream_out), pd.read_parquet(memory_out))
    assert stream.recipe.to_dict() == memory.recipe.to_dict() and stream.log[0] == memory.log[0]
    assert stream.log[0].startswith("mark-missing: values declared missing")


def test_regression_target_and_whole_number_labels_missing_late(tmp_path, small_batches):
    """A regression target is never resampled; a 0/1 label missing only near the end is float in every batch."""
    rng = np.random.default_rng(8)
    frame = imbalanced_frame(rng, 3000).drop(columns="label")
    frame["price"] = rng.lognormal(3, 1, 3000).round(2)
    frame["label"] = pd.array(rng.integers(0, 2, 3000), dtype="Int64")
    frame.loc[frame.index[-3:], "label"] = pd.NA
    path = write_csv(tmp_path / "data.csv", frame)
    for target in ("price", "label"):
        memory, stream, memory_out, stream_out = _both(path, tmp_path, target=target, rescan=False, overwrite=True,
                                                       options=FixOptions(resample="none"))
        pd.testing.assert_frame_equal(pd.read_parquet(stream_out), pd.read_parquet(memory_out))
        assert _own_notes(stream.log) == memory.log
    small = fix(path, output=tmp_path / "small.parquet", target="label", engine="stream", fit_rows=500,
                rescan=False, options=FixOptions(resample="none"))
    assert pd.read_parquet(tmp_path / "small.parquet")["label"].dtype == np.float64
    assert small.rows["out"] == memory.rows["out"]


def test_dry_run_writes_nothing_and_counts_every_row(tmp_path, small_batches):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(9), 3000))
    result = CliRunner().invoke(cli, ["fix", str(path), "-o", str(tmp_path / "out.parquet"), "--target", "label",
                                      "--engine", "stream", "--resample", "under", "--dry-run", "--isolated",
                                      "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]
    memory = fix(path, target="label", engine="pandas", rescan=False, options=FixOptions(resample="under"))
    assert f"would write {memory.rows['out']:,} rows" in result.output


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_stream_apply_writes_the_in_memory_apply_output_on_every_sample_file(path, tmp_path, small_batches):
    """``apply --engine stream`` reads the file batch by batch and writes the frame the in-memory apply returns:
    every row, in order, with the same values and dtypes."""
    recipe = tmp_path / "recipe.json"
    fix(path, target=_target(path), recipe_path=recipe, rescan=False, options=FixOptions(resample="none"))
    expected, _ = apply_recipe(recipe, path)
    out = tmp_path / "stream.parquet"
    frame, notes = apply_recipe(recipe, path, out, engine="stream")
    assert frame is None and isinstance(notes, list)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)


def test_stream_apply_keeps_columns_and_writes_csv_as_in_memory(tmp_path, small_batches):
    """--keep and a CSV output through the CLI: the same file as the in-memory apply writes, atomically."""
    frame = imbalanced_frame(np.random.default_rng(3), 3000)
    frame.insert(0, "id", np.arange(len(frame)))
    path = write_csv(tmp_path / "data.csv", frame)
    recipe = tmp_path / "recipe.json"
    fix(path, target="label", recipe_path=recipe, rescan=False, options=FixOptions(resample="none"))
    runner = CliRunner()
    outs = {}
    for engine in ("pandas", "stream"):
        outs[engine] = tmp_path / f"{engine}.csv"
        result = runner.invoke(cli, ["apply", str(recipe), str(path), "-o", str(outs[engine]), "--keep", "id",
                                     "--engine", engine])
        assert result.exit_code == 0, result.output
        assert f"wrote {len(frame):,} rows" in result.output
    pd.testing.assert_frame_equal(pd.read_csv(outs["stream"]), pd.read_csv(outs["pandas"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "pandas.csv", "recipe.json", "stream.csv"]
