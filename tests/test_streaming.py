"""The stream engine gives the in-memory engine's findings, in record batches, and says what it estimated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pytest
from click.testing import CliRunner

from dataaudit.api import choose_engine, scan
from dataaudit.cli import cli
from dataaudit.core import accumulate
from dataaudit.engines.stream import stream_stats
from dataaudit.errors import InputError, TargetError
from dataaudit.io import batches

from .conftest import assert_valid, clean_frame, write_csv

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv"))


def _same(a, b) -> None:
    assert [(f.rule, f.column, f.message) for f in a.findings] == [(f.rule, f.column, f.message) for f in b.findings]
    assert [(c["name"], c["inferred_type"], c["missing_count"]) for c in a.columns] == \
        [(c["name"], c["inferred_type"], c["missing_count"]) for c in b.columns]
    assert a.gradient_risk == b.gradient_risk


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 64 KB, so a few thousand rows make many batches and type conflicts land in later ones."""
    monkeypatch.setattr(batches, "BATCH_BYTES", 1 << 16)
    monkeypatch.setattr(batches, "PARQUET_BATCH_ROWS", 500)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_stream_equals_in_memory_on_every_sample_file(path, small_batches):
    target = {"mixed.csv": "churned"}.get(path.name, "label")
    target = target if target in pd.read_csv(path, nrows=0, encoding="latin-1").columns else None
    memory, stream = scan(path, target=target, engine="pandas"), scan(path, target=target, engine="stream")
    _same(memory, stream)
    assert stream.dataset["engine"]["name"] == "stream" and "engine" not in memory.dataset
    assert stream.dataset["rows"] == memory.dataset["rows"]
    assert_valid(stream)


@pytest.mark.parametrize("suffix", [".parquet", ".feather", ".jsonl"])
def test_stream_reads_typed_formats(tmp_path, suffix, small_batches):
    frame = clean_frame(np.random.default_rng(0), 3000)
    frame.loc[frame.index[::97], "b"] = np.nan
    path = tmp_path / f"data{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path, row_group_size=700)
    elif suffix == ".feather":
        feather.write_feather(pa.Table.from_pandas(frame, preserve_index=False), path, chunksize=700)
    else:
        frame.to_json(path, orient="records", lines=True)
    _same(scan(path, target="label", engine="pandas"), scan(path, target="label", engine="stream"))


def test_a_late_value_that_does_not_fit_widens_the_column(tmp_path, small_batches):
    """An '?' and a 1.5 long after the first block: the read restarts with text and float columns."""
    n = 20_000
    frame = pd.DataFrame({"code": np.arange(n).astype(object), "count": (np.arange(n) % 7).astype(object), "label": np.arange(n) % 2})
    frame.loc[n - 5, "code"] = "?"
    frame.loc[n - 3, "count"] = 1.5
    path = write_csv(tmp_path / "late.csv", frame)
    loaded, stats = stream_stats(path, target="label")
    assert stats.columns["code"].kind == "string" and stats.columns["count"].kind == "numeric"
    assert stats.rows == n
    _same(scan(path, target="label", engine="pandas"), scan(path, target="label", engine="stream"))


def test_a_late_non_utf8_line_falls_back_to_cp1252(tmp_path, small_batches):
    lines = ["name,value"] + [f"plain{i},{i}" for i in range(20_000)] + ["caf\xe9,1"]
    path = tmp_path / "late_cp1252.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))
    memory, stream = scan(path, engine="pandas"), scan(path, engine="stream")
    assert stream.dataset["encoding"] == memory.dataset["encoding"] == "cp1252"
    _same(memory, stream)


def test_thinned_values_keep_quantiles_extremes_and_distinct_counts_close(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    n = 200_000
    frame = pd.DataFrame({"x": rng.lognormal(0, 1, n), "id": rng.permutation(n) + 10_000, "label": rng.integers(0, 2, n)})
    path = tmp_path / "big.parquet"
    frame.to_parquet(path, row_group_size=20_000)
    _, stats = stream_stats(path, target="label", max_values=4096)
    x = stats.columns["x"].numeric
    assert not x.exact and x.values.size <= 4096
    assert x.values[0] == frame["x"].min() and x.values[-1] == frame["x"].max()
    assert x.count == n and x.mean == pytest.approx(frame["x"].mean())
    for q in (0.01, 0.25, 0.5, 0.75, 0.99):  # rank error of every 64th value: well under 1%
        assert (frame["x"] <= x.quantile(q)).mean() == pytest.approx(q, abs=0.005)
    assert stats.columns["id"].numeric.distinct_count == pytest.approx(n, rel=0.05)
    exact = scan(path, target="label", engine="pandas")
    monkeypatch.setattr(accumulate, "MAX_VALUES", 4096)
    estimated = scan(path, target="label", engine="stream")
    assert {f.rule for f in estimated.findings} == {f.rule for f in exact.findings}
    assert estimated.dataset["engine"]["estimated"]["columns"] == ["id", "x"]
    assert [c["inferred_type"] for c in estimated.columns] == [c["inferred_type"] for c in exact.columns]


def test_declared_missing_values_are_counted_in_every_batch(tmp_path, small_batches):
    frame = clean_frame(np.random.default_rng(2), 4000)
    frame.loc[frame.index[::50], "a"] = -1
    path = write_csv(tmp_path / "declared.csv", frame)
    memory = scan(path, target="label", engine="pandas", missing_values={"a": [-1]})
    stream = scan(path, target="label", engine="stream", missing_values={"a": [-1]})
    _same(memory, stream)
    assert stream.profile.columns["a"].declared_missing == memory.profile.columns["a"].declared_missing == {"-1": 80}


def test_bad_inputs_are_one_line_errors(tmp_path):
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n")
    with pytest.raises(InputError, match="no data rows"):
        scan(header_only, engine="stream")
    path = write_csv(tmp_path / "ok.csv", clean_frame(np.random.default_rng(3), 100))
    with pytest.raises(TargetError, match="'nope' not found"):
        scan(path, target="nope", engine="stream")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "missing.csv"), "--engine", "stream", "--isolated"])
    assert result.exit_code == 2 and "no such file" in result.output


def test_auto_streams_only_large_files(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "x.csv", clean_frame(np.random.default_rng(4), 100))
    assert choose_engine("auto", path) == "pandas"
    monkeypatch.setattr(sys.modules["dataaudit.api"], "AUTO_STREAM_SHARE", 1e-12)  # the module, not the function
    assert choose_engine("auto", path) == "stream"
    assert choose_engine("auto", tmp_path / "book.xlsx") == "pandas"
    with pytest.raises(Exception, match="Excel"):
        choose_engine("stream", tmp_path / "book.xlsx")


def test_cli_engine_stream(tmp_path):
    path = write_csv(tmp_path / "x.csv", clean_frame(np.random.default_rng(5), 500))
    result = CliRunner().invoke(cli, ["scan", str(path), "--target", "label", "--engine", "stream",
                                      "--format", "json", "--isolated"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["dataset"]["engine"] == {"name": "stream"}


def test_few_distinct_values_stay_exact_when_thinned(tmp_path):
    """A column with at most HISTOGRAM_MAX distinct values keeps exact counts: quantiles, MAD, class
    counts and outlier counts are exact even though its sorted values were thinned."""
    rng = np.random.default_rng(6)
    n = 150_000
    frame = pd.DataFrame({"k": rng.poisson(4, n), "label": (rng.random(n) < 0.1).astype(int)})
    path = tmp_path / "discrete.parquet"
    frame.to_parquet(path, row_group_size=10_000)
    _, stats = stream_stats(path, target="label", max_values=1000)
    k = stats.columns["k"].numeric
    assert not k.exact and k.histogram is not None
    for q in (0.1, 0.5, 0.9, 0.999):
        assert k.quantile(q) == pytest.approx(np.quantile(frame["k"], q))
    assert k.mad == pytest.approx(np.median(np.abs(frame["k"] - frame["k"].median())))
    assert k.count_between(1, 8) == int(((frame["k"] < 1) | (frame["k"] > 8)).sum())
    values, counts = stats.columns["label"].numeric.distinct()
    assert dict(zip(values, counts)) == frame["label"].value_counts().to_dict()


def _text_frame(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    amount = np.round(rng.lognormal(5, 1, n), 2)
    score = np.round(rng.random(n), 6).astype(str).astype(object)
    score[rng.random(n) < 0.02] = "?"
    return pd.DataFrame({
        "id": [f"u_{i:08x}" for i in rng.permutation(n)],
        "code": [f"c{i}" for i in rng.integers(0, n // 3, n)],  # many distinct values, each a few times
        "amount_text": [f"{a:,.2f}" for a in amount],  # '1,234.50': numbers stored as text
        "score": score,
        "plan": rng.choice(["basic", "plus", "pro"], n),
        "label": (rng.random(n) < 0.2).astype(int),
    })


def test_text_columns_with_many_distinct_values_are_summarised(tmp_path, monkeypatch):
    """Past MAX_TEXT_VALUES a text column keeps its tokens, its most frequent values and a hash sample
    (whose counts stay exact), a HyperLogLog distinct count, and its numbers parsed batch by batch."""
    n = 40_000
    frame = _text_frame(n)
    path = tmp_path / "text.parquet"
    frame.to_parquet(path, row_group_size=2_000)
    monkeypatch.setattr(batches, "PARQUET_BATCH_ROWS", 2_000)
    monkeypatch.setattr(accumulate, "MAX_TEXT_VALUES", 2_000)
    _, stats = stream_stats(path, target="label")
    truth = frame["code"].value_counts()
    code = stats.columns["code"].text
    assert code.summarised and len(code.values) <= 2_000 and code.dropped > 0
    assert int(code.counts.sum()) + code.dropped == n
    assert code.distinct_count() == pytest.approx(frame["code"].nunique(), rel=0.03)
    kept = pd.Series(code.counts, index=code.values.to_numpy())
    assert (kept == truth[kept.index]).mean() > 0.5  # the hash half at least: exact counts
    from dataaudit.core.hashing import string_hash
    lowest = code.values.iloc[np.argsort(string_hash(pa.array(code.values, type=pa.string())))[:500]]
    assert (kept[lowest.to_numpy()] == truth[lowest.to_numpy()]).all()
    score = stats.columns["score"].text
    assert score.summarised and "?" in set(score.values)
    assert int(score.counts[(score.values == "?").to_numpy()].sum()) == int((frame["score"] == "?").sum())
    numbers = stats.columns["amount_text"].text.numbers
    assert numbers.unparsed == 0 and numbers.stats.count == n and numbers.formats["thousands_separator"] > 0
    assert stats.columns["id"].text.numbers.stats is None  # no batch of IDs looked numeric

    memory, stream = scan(path, target="label", engine="pandas"), scan(path, target="label", engine="stream")
    assert [(f.rule, f.columns, f.severity) for f in stream.findings] == \
        [(f.rule, f.columns, f.severity) for f in memory.findings]
    exact, estimated = ({c["name"]: c for c in r.columns} for r in (memory, stream))
    for name in frame.columns:
        assert estimated[name]["inferred_type"] == exact[name]["inferred_type"], name
        assert estimated[name]["missing_count"] == exact[name]["missing_count"], name
    assert estimated["amount_text"]["median"] == pytest.approx(exact["amount_text"]["median"], rel=1e-3)
    assert estimated["id"]["distinct_count"] == pytest.approx(n, rel=0.03)
    assert stream.profile.numeric_sample["score"].notna().sum() == (frame["score"] != "?").sum()
    assert "summarised" in stream.dataset["engine"]["estimated"]["what"]


def test_heap_fragmentation_limit_is_set_once_and_respects_the_environment(monkeypatch):
    from dataaudit.engines import allocator

    monkeypatch.setattr(allocator, "_done", False)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert allocator.limit_heap_fragmentation() is False  # the user's own setting wins
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    expected = sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver())
    assert allocator.limit_heap_fragmentation() is expected
    assert allocator.limit_heap_fragmentation() is expected  # idempotent


def test_conversion_errors_are_recognised_with_or_without_the_row_number():
    """pyarrow names the row of a conversion error only when its reader knows it (a serial read): either way
    the column is widened, not reported as a malformed file."""
    import pyarrow as pa

    from dataaudit.io.batches import open_stream

    for message in ("In CSV column #1: CSV conversion error to int64: invalid value '?'",
                    "In CSV column #1: Row #5997: CSV conversion error to int64: invalid value '1.5'"):
        source = open_stream(next(p for p in SAMPLES if p.name == "mixed.csv"))
        schema = pa.schema([("a", pa.string()), ("b", pa.int64())])
        assert source.widen(pa.ArrowInvalid(message), ["a", "b"], schema)
        assert source.column_types["b"] == (pa.float64() if "1.5" in message else pa.string())


def test_batches_merge_on_their_own_thread_and_the_sample_is_the_same(tmp_path, small_batches, monkeypatch):
    """Each batch's statistics merge on the merge thread while the next batch's are computed (the next batch's
    sample bound is then one merge older, so looser): the row sample is still the lowest-priority rows."""
    import threading

    from dataaudit.core.hashing import row_priority

    frame = clean_frame(np.random.default_rng(4), 30_000)
    path = write_csv(tmp_path / "many_batches.csv", frame)
    threads: list[str] = []
    real = accumulate.StatsAccumulator.add

    def spy(self, chunk):
        threads.append(threading.current_thread().name)
        return real(self, chunk)

    monkeypatch.setattr(accumulate.StatsAccumulator, "add", spy)
    _, stats = stream_stats(path, target="label", sample_size=2_000)
    assert len(threads) > 3 and all(name.startswith("dataaudit-merge") for name in threads)
    rows = np.sort(stats.sample.column("__row__").to_numpy())
    lowest = np.sort(np.argsort(row_priority(np.arange(len(frame), dtype=np.int64)), kind="stable")[:2_000])
    assert stats.rows == len(frame) and rows.tolist() == lowest.tolist()
