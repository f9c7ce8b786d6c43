"""The dask engine gives the in-memory engine's findings, partition by partition on a 2-worker local cluster,
and ``apply --engine dask`` writes the rows ``apply`` writes in memory."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")  # the dask extra (the test extra installs it)

from dataaudit.api import (  # noqa: E402
    apply_recipe,  # noqa: E402
    choose_engine,
    scan,
)
from dataaudit.cli import cli  # noqa: E402
from dataaudit.engines.dask import plan as dask_plan  # noqa: E402
from dataaudit.engines.dask.cluster import cluster_client  # noqa: E402
from dataaudit.engines.dask.plan import plan_partitions  # noqa: E402
from dataaudit.engines.dask.reconcile import reconcile  # noqa: E402
from dataaudit.engines.dask.scan import dask_stats  # noqa: E402
from dataaudit.engines.dask.tasks import (  # noqa: E402
    count_rows,
    partition_schema,
    read_frame,
    read_part,
)
from dataaudit.errors import InputError, TargetError, UsageError  # noqa: E402
from dataaudit.fixing.dask_recipe import dask_apply
from dataaudit.fixing.notes import merge_notes
from dataaudit.io.read import load, to_frame  # noqa: E402

from .conftest import assert_valid, clean_frame, write_csv  # noqa: E402

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv"))
MIXED = next(p for p in SAMPLES if p.name == "mixed.csv")


def _evidence_close(a, b) -> bool:
    """Counts exactly, floats (moments merged across partitions) to 1e-9, recursively."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_evidence_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(map(_evidence_close, a, b))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return a == b


def _same(memory, dask) -> None:
    assert [(f.rule, f.columns, f.severity, f.message) for f in memory.findings] == \
        [(f.rule, f.columns, f.severity, f.message) for f in dask.findings]
    for m, d in zip(memory.findings, dask.findings):
        assert _evidence_close(dict(m.evidence), dict(d.evidence)), (m.rule, m.evidence, d.evidence)
    assert [(c["name"], c["inferred_type"], c["missing_count"]) for c in memory.columns] == \
        [(c["name"], c["inferred_type"], c["missing_count"]) for c in dask.columns]
    assert memory.gradient_risk == dask.gradient_risk
    assert dask.dataset["rows"] == memory.dataset["rows"]


def _target(path: Path) -> str | None:
    target = {"mixed.csv": "churned"}.get(path.name, "label")
    return target if target in pd.read_csv(path, nrows=0, encoding="latin-1").columns else None


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_dask_equals_in_memory_on_every_sample_file(path, scheduler, small_blocks):
    target = _target(path)
    memory = scan(path, target=target, engine="pandas")
    dask = scan(path, target=target, engine="dask", scheduler=scheduler)
    _same(memory, dask)
    assert dask.dataset["engine"]["name"] == "dask" and "engine" not in memory.dataset
    assert dask.dataset["encoding"] == memory.dataset["encoding"]
    assert_valid(dask)


def test_the_plan_cuts_csv_files_into_line_aligned_ranges(small_blocks):
    plan = plan_partitions(MIXED, workers=2)
    assert len(plan.parts) >= 8
    data = MIXED.read_bytes()
    assert plan.parts[0].start == data.index(b"\n") + 1 and plan.parts[-1].end == len(data)
    for before, after in zip(plan.parts, plan.parts[1:]):
        assert before.end == after.start and data[after.start - 1:after.start] == b"\n"


def test_parquet_copy_and_a_glob_of_csv_parts_read_as_one_dataset(tmp_path, scheduler, small_blocks):
    memory = scan(MIXED, target="churned", engine="pandas")
    parquet = tmp_path / "mixed.parquet"
    load(MIXED).table.to_pandas().to_parquet(parquet, row_group_size=150)
    assert len(plan_partitions(parquet, workers=2).parts) > 1
    _same(scan(parquet, target="churned", engine="pandas"), scan(parquet, target="churned", engine="dask",
                                                                 scheduler=scheduler))
    lines = MIXED.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    parts = tmp_path / "parts"
    parts.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(body)), 3)):
        (parts / f"part-{i}.csv").write_text(header + "".join(body[j] for j in chunk), encoding="utf-8")
    for source in (str(parts / "part-*.csv"), parts):
        dask = scan(source, target="churned", engine="dask", scheduler=scheduler)
        _same(memory, dask)
        assert dask.dataset["path"] == str(source)


def test_parquet_files_of_a_directory_with_whole_numbers_in_one_and_floats_in_another(tmp_path, scheduler):
    rng = np.random.default_rng(1)
    folder = tmp_path / "dataset"
    folder.mkdir()
    first = clean_frame(rng, 400)
    second = clean_frame(rng, 400).assign(d=lambda f: f["d"] + 0.5)  # 'd': int64 in one file, double in the other
    first.to_parquet(folder / "a.parquet")
    second.to_parquet(folder / "b.parquet")
    (folder / "_SUCCESS").write_text("")  # a marker file, not data
    loaded, stats = dask_stats(folder, target="label", scheduler=scheduler)
    assert loaded.table.schema.field("d").type == pa.float64() and stats.rows == 800
    pd.concat([first, second], ignore_index=True).to_parquet(tmp_path / "both.parquet")
    _same(scan(tmp_path / "both.parquet", target="label", engine="pandas"),
          scan(folder, target="label", engine="dask", scheduler=scheduler))
    second.assign(d="x").to_parquet(folder / "b.parquet")
    with pytest.raises(InputError, match="column 'd' has different types"):
        dask_stats(folder, target="label", scheduler=scheduler)


def test_late_values_that_do_not_fit_type_the_column_as_the_whole_file_does(tmp_path, scheduler, small_blocks):
    """'?' and 1.5 in an int column, 'true' among 0/1, an empty first partition: in other partitions than
    the first, so each partition types its own rows differently; the dataset gets the whole file's types."""
    n = 6000
    frame = pd.DataFrame({
        "code": np.arange(n).astype(object), "count": (np.arange(n) % 7).astype(object),
        "flag": (np.arange(n) % 2).astype(object), "late": pd.Series([None] * n, dtype=object),
        "when": pd.Series(["2020-01-01"] * n, dtype=object), "label": np.arange(n) % 2})
    frame.loc[n - 5, "code"] = "?"
    frame.loc[n - 3, "count"] = 1.5
    frame.loc[n - 2, "flag"] = "true"
    frame.loc[n - 10:, "late"] = 3
    frame.loc[n - 1, "when"] = "2020-01-01 10:00:00"
    path = write_csv(tmp_path / "late.csv", frame)
    assert len(plan_partitions(path, workers=2).parts) > 3
    loaded, stats = dask_stats(path, target="label", scheduler=scheduler)
    assert loaded.table.schema == load(path).table.schema
    assert loaded.table.schema.field("code").type == pa.string()
    assert [loaded.table.schema.field(c).type for c in ("count", "flag", "late", "when")] == \
        [pa.float64(), pa.bool_(), pa.int64(), pa.timestamp("s")]
    assert stats.rows == n
    _same(scan(path, target="label", engine="pandas"), scan(path, target="label", engine="dask", scheduler=scheduler))


def test_duplicate_rows_and_conflicting_labels_across_partitions_are_counted(tmp_path, scheduler, small_blocks):
    rng = np.random.default_rng(0)
    frame = clean_frame(rng, 3000)
    frame.iloc[2900:2960] = frame.iloc[10:70].to_numpy()  # far apart: another partition
    frame.loc[frame.index[2990:], "label"] = 1 - frame["label"].iloc[100:110].to_numpy()
    frame.iloc[2990:, :-1] = frame.iloc[100:110, :-1].to_numpy()
    path = write_csv(tmp_path / "dups.csv", frame)
    memory = scan(path, target="label", engine="pandas")
    dask = scan(path, target="label", engine="dask", scheduler=scheduler)
    _same(memory, dask)
    assert {"DA603", "DA703"} <= {f.rule for f in dask.findings}


def test_blank_lines_and_a_late_non_utf8_line_need_a_second_round(tmp_path, scheduler, monkeypatch):
    """Line counts that miss (three blank lines) and an encoding that fails after the sniffed first megabyte
    are corrected by a second round, not guessed."""
    monkeypatch.setattr(dask_plan, "BLOCK_BYTES", 1 << 17)
    rows = [f"name{i},{i % 97},{i % 2}" for i in range(70_000)]
    rows[3000:3000] = ["", "", ""]
    rows[65_000] = "caf\xe9,1,0"
    path = tmp_path / "odd.csv"
    path.write_bytes(("name,value,label\n" + "\n".join(rows) + "\n").encode("cp1252"))
    plan = plan_partitions(path, workers=2)
    assert count_rows(plan.parts[0], "utf-8") != len(read_part(plan.parts[0], "cp1252", None))
    memory = scan(path, target="label", engine="pandas")
    dask = scan(path, target="label", engine="dask", scheduler=scheduler)
    assert dask.dataset["encoding"] == memory.dataset["encoding"] == "cp1252"
    _same(memory, dask)


def test_declared_missing_values_are_counted_in_every_partition(tmp_path, scheduler, small_blocks):
    frame = clean_frame(np.random.default_rng(2), 4000)
    frame.loc[frame.index[::50], "a"] = -1
    path = write_csv(tmp_path / "declared.csv", frame)
    memory = scan(path, target="label", engine="pandas", missing_values={"a": [-1]})
    dask = scan(path, target="label", engine="dask", scheduler=scheduler, missing_values={"a": [-1]})
    _same(memory, dask)
    assert dask.profile.columns["a"].declared_missing == {"-1": 80}


def test_partition_frames_have_the_whole_files_dtypes(tmp_path, small_blocks):
    """A whole-number column with a missing value in one partition is float in every partition (and a
    boolean one object), as pandas makes the whole column: the recipe sees the dtypes it sees in memory."""
    n = 3000
    frame = pd.DataFrame({"k": np.arange(n) % 5, "b": np.where(np.arange(n) % 3 == 0, "true", "false"),
                          "s": [f"v{i % 4}" for i in range(n)], "label": np.arange(n) % 2}).astype(object)
    frame.loc[n - 1, ["k", "b"]] = None
    path = write_csv(tmp_path / "nulls.csv", frame)
    whole = to_frame(load(path).table)
    plan = plan_partitions(path, workers=2)
    assert len(plan.parts) > 2
    with cluster_client(None) as client:  # the client's own local cluster, as the CLI starts it
        results, _ = reconcile(client, plan, partition_schema, offsets_matter=False)
    parts = [read_frame(p, "utf-8", None, offset, ("k",), ("b",))
             for p, (_, _, offset) in zip(plan.parts, results)]
    assert all(list(p.dtypes) == list(whole.dtypes) for p in parts)
    pd.testing.assert_frame_equal(pd.concat(parts), whole)


def _recipe(tmp_path: Path, path: Path, target: str) -> Path:
    recipe = tmp_path / "recipe.json"
    result = CliRunner().invoke(cli, ["fix", str(path), "-o", str(tmp_path / "fixed.parquet"), "--target", target,
                                      "--recipe", str(recipe), "--isolated", "--no-progress"])
    assert result.exit_code == 0, result.output
    return recipe


def test_apply_writes_the_in_memory_rows_as_partitioned_parquet(tmp_path, scheduler, small_blocks):
    recipe = _recipe(tmp_path, MIXED, "churned")
    expected, _ = apply_recipe(recipe, MIXED)
    out = tmp_path / "out.parquet"
    args = ["apply", str(recipe), str(MIXED), "-o", str(out), "--engine", "dask", "--scheduler", scheduler,
            "--no-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"wrote {len(expected):,} rows" in result.output and len(expected) == 2020  # every row is scored
    assert "duplicate" not in result.output
    assert out.is_dir() and len(list(out.glob("part.*.parquet"))) > 3
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and "already exists" in again.output
    assert CliRunner().invoke(cli, args + ["--overwrite"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)


def test_apply_on_a_glob_keeps_every_row_across_files(tmp_path, scheduler):
    rng = np.random.default_rng(3)
    frame = clean_frame(rng, 1200)
    frame.iloc[1100:1150] = frame.iloc[0:50].to_numpy()
    whole = write_csv(tmp_path / "whole.csv", frame)
    recipe = _recipe(tmp_path, whole, "label")
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):
        write_csv(parts / f"p{i}.csv", frame.iloc[i * 400:(i + 1) * 400])
    expected, log = apply_recipe(recipe, whole)
    rows, columns, notes = dask_apply(recipe, parts / "p*.csv", tmp_path / "out", scheduler=scheduler)
    assert rows == len(expected) == 1200 and columns == list(expected.columns)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out"), expected)
    assert not any("duplicate" in note for note in notes)  # scoring data: the 50 repeated rows are scored too


def test_merge_notes_sums_counts_of_the_same_note():
    logs = [["impute: filled 3 value(s) in 2 column(s) ('a' 1, 'b' 2).", "repair: 1 column(s) absent: x"],
            ["impute: filled 1,200 value(s) in 2 column(s) ('a' 1,000, 'b' 200).", "repair: 1 column(s) absent: x"],
            ["clip: clipped 2 value(s) in 1 column(s) ('a' 2)."]]
    assert merge_notes(logs) == ["impute: filled 1,203 value(s) in 2 column(s) ('a' 1,001, 'b' 202).",
                                 "repair: 1 column(s) absent: x", "clip: clipped 2 value(s) in 1 column(s) ('a' 2)."]


def test_cli_scan_engine_dask_and_its_errors(tmp_path, scheduler, monkeypatch):
    path = write_csv(tmp_path / "x.csv", clean_frame(np.random.default_rng(5), 500))
    result = CliRunner().invoke(cli, ["scan", str(path), "--target", "label", "--engine", "dask", "--scheduler",
                                      scheduler, "--format", "json", "--isolated", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["dataset"]["engine"] == {"name": "dask"}
    wrong = CliRunner().invoke(cli, ["scan", str(path), "--engine", "pandas", "--scheduler", scheduler, "--isolated"])
    assert wrong.exit_code == 2 and "--scheduler is for --engine dask" in wrong.output
    with pytest.raises(TargetError, match="'nope' not found"):
        scan(path, target="nope", engine="dask", scheduler=scheduler)
    with pytest.raises(InputError, match="no files match"):
        scan(str(tmp_path / "none-*.csv"), engine="dask", scheduler=scheduler)
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n")
    with pytest.raises(InputError, match="no data rows"):
        scan(header_only, engine="dask", scheduler=scheduler)
    assert choose_engine("auto", path) != "dask"
    with pytest.raises(UsageError, match="Excel"):
        choose_engine("dask", tmp_path / "book.xlsx")
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the dask extra were not installed
    missing = CliRunner().invoke(cli, ["scan", str(path), "--engine", "dask", "--isolated", "--no-progress"])
    assert missing.exit_code == 2
    assert missing.output.strip() == "dataaudit: error: --engine dask needs the dask extra: pip install 'dataaudit[dask]'"


def _parquet_with_nulls(path: Path, n: int = 3000, **options) -> Path:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "i": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 9, n)), dtype="Int64"),
        "f": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)),
        "s": np.where(rng.random(n) < 0.3, None, "a"),
        "c": pd.Categorical(rng.choice(["x", "y", None], n)),
        "t": pd.date_range("2020-01-01", periods=n, freq="h"),
        "b": rng.random(n) < 0.5,
    })
    frame.to_parquet(path, row_group_size=300, **options)
    return path


def _read_description(part, types) -> dict:
    table = read_part(part, None, types)
    return {"rows": table.num_rows, "schema": table.schema, "nulls": [c.null_count for c in table.columns]}


def test_a_parquet_partition_is_described_from_its_footer_without_reading_its_rows(tmp_path, small_blocks,
                                                                                   monkeypatch):
    """apply's typing pass: rows, types (cast as asked) and null counts of each Parquet partition from its row
    groups' metadata, equal to those of reading it."""
    from dataaudit.engines.dask import tasks

    path = _parquet_with_nulls(tmp_path / "nulls.parquet")
    plan = plan_partitions(path, workers=2)
    assert len(plan.parts) > 2
    wanted = {"i": pa.float64()}
    read = [[_read_description(part, types) for part in plan.parts] for types in (None, wanted)]
    monkeypatch.setattr(tasks, "read_part", lambda *args: pytest.fail("a partition's rows were read"))
    for types, expected in zip((None, wanted), read):
        described = [partition_schema(part, None, types, 0, None) for part in plan.parts]
        assert [d["rows"] for d in described] == [e["rows"] for e in expected]
        assert [d["nulls"] for d in described] == [e["nulls"] for e in expected]
        assert all(d["schema"].equals(e["schema"]) for d, e in zip(described, expected))
    assert sum(d["rows"] for d in described) == 3000 and sum(d["nulls"][0] for d in described) > 0
    assert described[0]["schema"].field("i").type == pa.float64()


def test_a_parquet_partition_without_null_counts_is_read(tmp_path, small_blocks, monkeypatch):
    """No statistics in the footer (written without them): the partition is read, as before."""
    from dataaudit.engines.dask import tasks

    path = _parquet_with_nulls(tmp_path / "bare.parquet", write_statistics=False)
    plan = plan_partitions(path, workers=2)
    expected = [_read_description(part, None) for part in plan.parts]
    reads = []
    monkeypatch.setattr(tasks, "read_part", lambda *args: reads.append(args) or read_part(*args))
    described = [partition_schema(part, None, None, 0, None) for part in plan.parts]
    assert len(reads) == len(plan.parts) > 2
    assert [d["rows"] for d in described] == [e["rows"] for e in expected]
    assert [d["nulls"] for d in described] == [e["nulls"] for e in expected]
