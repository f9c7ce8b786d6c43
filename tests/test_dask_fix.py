"""``fix --engine dask`` writes the in-memory fix's rows as a partitioned Parquet directory, partition by partition
on a 2-worker local cluster: the same recipe and notes, duplicates dropped across partitions, the same resampled
rows (as a multiset), and errors that leave nothing behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")  # the dask extra (the test extra installs it)

from dataaudit.api import apply_recipe, fix
from dataaudit.cli import cli  # noqa: E402
from dataaudit.engines.dask.plan import plan_partitions  # noqa: E402
from dataaudit.errors import UsageError  # noqa: E402
from dataaudit.fixing import dask as dask_fix
from dataaudit.fixing.options import FixOptions  # noqa: E402

from .conftest import clean_frame, imbalanced_frame, write_csv  # noqa: E402

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("*.csv"))
MIXED = next(p for p in SAMPLES if p.name == "mixed.csv")


def _target(path: Path) -> str | None:
    target = {"mixed.csv": "churned"}.get(path.name, "label")
    return target if target in pd.read_csv(path, nrows=0, encoding="latin-1").columns else None


def _both(path, tmp_path, scheduler, **kwargs):
    """(in-memory result, dask result, in-memory output, dask output read back)."""
    memory = fix(path, output=tmp_path / "memory.parquet", engine="pandas", overwrite=True, **kwargs)
    dask = fix(path, output=tmp_path / "dask", engine="dask", scheduler=scheduler, overwrite=True, **kwargs)
    return memory, dask, pd.read_parquet(tmp_path / "memory.parquet"), pd.read_parquet(tmp_path / "dask")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _own_notes(log: list[str]) -> list[str]:
    return [note for note in log if not note.startswith("dask engine:")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_dask_fix_writes_the_in_memory_output_on_every_sample_file(path, tmp_path, scheduler, small_blocks):
    """Every row is in the fitting sample of these files, so the fit is exact; resampled outputs are the same
    rows in another order (a copy next to its original), unresampled ones the same rows in the same order."""
    assert len(plan_partitions(path, workers=2).parts) > 1
    # imbalance.csv: explicitly over-sampled (up to the ×20 cap), as auto does
    over = {"options": FixOptions(resample="over")} if path.name == "imbalance.csv" else {}
    memory, dask, want, got = _both(path, tmp_path, scheduler, target=_target(path), rescan=False, **over)
    assert dask.recipe.to_dict() == memory.recipe.to_dict()
    assert dask.rows == memory.rows and len(got) == memory.rows["out"]
    assert _own_notes(dask.log) == memory.log
    assert dask.engine["name"] == "dask" and dask.engine["fit_rows"] == dask.engine["rows"] == memory.rows["in"]
    assert dask.engine["partitions"] > 1
    pd.testing.assert_frame_equal(dask.pre_resample, memory.pre_resample)
    if memory.recipe.steps[-1].method_ == "none":
        pd.testing.assert_frame_equal(got, want)  # values, dtypes and order
    else:
        pd.testing.assert_frame_equal(_sorted(got), _sorted(want))
    assert any(note.startswith("dask engine: the steps were fitted on all") for note in dask.log)


@pytest.mark.parametrize("method", ["over", "under"])
def test_random_resampling_writes_the_in_memory_rows(method, tmp_path, scheduler, small_blocks):
    """The rows imbalanced-learn draws in memory, drawn from the class codes of every partition; rows without a
    label kept out of resampling."""
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(0), 3000, missing_labels=40))
    memory, dask, want, got = _both(path, tmp_path, scheduler, target="label", rescan=False,
                                    options=FixOptions(resample=method, seed=4))
    counts = dask.recipe.steps[-1].counts_after_
    assert counts == memory.recipe.steps[-1].counts_after_ and len(set(counts.values())) == 1
    assert dask.rows == memory.rows and dask.rows["out"] == sum(counts.values())
    assert memory.rows["missing_target_dropped"] == 40  # a training row needs a label
    pd.testing.assert_frame_equal(_sorted(got), _sorted(want))
    assert got["label"].value_counts().to_dict() == want["label"].value_counts().to_dict()
    assert got["label"].notna().all()
    assert _own_notes(dask.log) == memory.log  # the sampler, why, rows added and removed, the unlabelled rows
    assert any(note.startswith("dask engine: imbalanced-learn drew the rows") for note in dask.log)


def test_over_sampling_a_sample_file_and_smote_from_the_fitting_sample(tmp_path, scheduler, small_blocks):
    """imbalance.csv: random over-sampling gives the in-memory rows. A file larger than --fit-rows:
    SMOTE on the sample, its rows in the last part file, balanced, the same for the same seed."""
    path = next(p for p in SAMPLES if p.name == "imbalance.csv")
    memory, dask, want, got = _both(path, tmp_path, scheduler, target="label", rescan=False,
                                    options=FixOptions(resample="over"))
    assert dask.recipe.steps[-1].method_ == memory.recipe.steps[-1].method_ == "over"
    pd.testing.assert_frame_equal(_sorted(got), _sorted(want))

    data = write_csv(tmp_path / "big.csv", imbalanced_frame(np.random.default_rng(1), 6000))
    outputs = []
    for run in range(2):
        out = tmp_path / f"smote{run}"
        result = fix(data, output=out, target="label", engine="dask", scheduler=scheduler, fit_rows=1000,
                     rescan=False, options=FixOptions(resample="smote", seed=7))
        outputs.append(pd.read_parquet(out))
    counts = outputs[0]["label"].value_counts()
    assert set(counts) == {max(result.recipe.steps[-1].counts_before_.values())}
    assert result.rows["out"] == len(outputs[0]) == counts.sum() and result.rows["in"] == 6000
    pd.testing.assert_frame_equal(outputs[0], outputs[1])
    parts = sorted((tmp_path / "smote1").glob("part.*.parquet"))[result.engine["partitions"]:]
    added = result.rows["added_by_resampling"]
    assert len(parts) == -(-added // 1000) > 1  # the synthetic rows last, in rounds of at most the sample's rows
    assert sum(len(pd.read_parquet(p)) for p in parts) == added
    assert any("fitted on a uniform sample of 1,000 of the 6,000 rows" in note for note in result.log)
    assert any(note.startswith("dask engine: SMOTE interpolated") for note in result.log)


def test_duplicate_rows_across_partitions_and_files_are_dropped_once(tmp_path, scheduler, small_blocks):
    rng = np.random.default_rng(2)
    frame = clean_frame(rng, 3000)
    frame.iloc[2900:2960] = frame.iloc[10:70].to_numpy()  # far apart: another partition
    frame.iloc[1500:1505] = frame.iloc[[5, 5, 5, 6, 6]].to_numpy()  # repeated more than once
    frame.insert(0, "id", np.arange(len(frame)))  # unique: dropped as an identifier, then the rows repeat
    path = write_csv(tmp_path / "dups.csv", frame)
    options = FixOptions(resample="none")
    memory, dask, want, got = _both(path, tmp_path, scheduler, target="label", rescan=False, options=options)
    assert "id" in memory.dropped_columns and memory.rows["duplicates_dropped"] == 65
    assert dask.rows == memory.rows
    pd.testing.assert_frame_equal(got, want)
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):  # the same rows as a glob of three files
        write_csv(parts / f"p{i}.csv", frame.iloc[i * 1000:(i + 1) * 1000])
    glob = fix(str(parts / "p*.csv"), output=tmp_path / "glob", target="label", engine="dask", scheduler=scheduler,
               rescan=False, options=options)
    assert glob.rows == memory.rows
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "glob"), want)


def test_apply_reproduces_the_rows_before_resampling(tmp_path, scheduler, small_blocks):
    """The recipe of a dask fix gives, with apply, the rows it wrote before resampling: fitted on every row
    (mixed.csv, SMOTE) and fitted on a sample of a larger file (no resampling: the written rows themselves)."""
    dask = fix(MIXED, output=tmp_path / "mixed", target="churned", engine="dask", scheduler=scheduler, rescan=False)
    applied, _ = apply_recipe(dask.recipe, MIXED, drop_duplicates=True)  # as the fix decided for training
    pd.testing.assert_frame_equal(applied, dask.pre_resample)
    rng = np.random.default_rng(5)
    frame = imbalanced_frame(rng, 8000)
    frame.loc[rng.random(8000) < 0.05, "x"] = np.nan
    frame.loc[frame.index[::97], "y"] = -1.0  # declared missing
    path = write_csv(tmp_path / "big.csv", frame)
    out = tmp_path / "big.parquet"
    sampled = fix(path, output=out, target="label", engine="dask", scheduler=scheduler, fit_rows=2000, rescan=False,
                  missing_values={"y": [-1]}, options=FixOptions(resample="none"))
    assert sampled.engine["fit_rows"] == 2000 and sampled.rows["in"] == 8000
    applied, _ = apply_recipe(sampled.recipe, path, drop_duplicates=True)
    pd.testing.assert_frame_equal(applied, pd.read_parquet(out))
    assert sampled.log[1].startswith("mark-missing: values declared missing in the settings set to missing: `y` 83")


def test_declared_missing_values_in_whole_numbers_and_the_report_after(tmp_path, scheduler, small_blocks):
    """-1 declared missing in a whole-number column makes it float in every partition, as in memory; the
    report after the fix scans the written directory with the dask engine."""
    frame = clean_frame(np.random.default_rng(6), 3000)
    frame.loc[frame.index[::50], "d"] = -1
    path = write_csv(tmp_path / "declared.csv", frame)
    memory, dask, want, got = _both(path, tmp_path, scheduler, target="label", missing_values={"d": [-1]},
                                    options=FixOptions(resample="none"))
    pd.testing.assert_frame_equal(got, want)
    assert _own_notes(dask.log) == memory.log and dask.log[0].startswith("mark-missing:")
    assert dask.after.dataset["engine"]["name"] == "dask" and dask.after.dataset["rows"] == len(want)
    assert [f.rule for f in dask.after.findings] == [f.rule for f in memory.after.findings]
    assert dask.after.gradient_risk.score == memory.after.gradient_risk.score
    assert dask.after.probe == memory.after.probe


def test_errors_are_one_line_and_leave_nothing_behind(tmp_path, scheduler, small_blocks, monkeypatch):
    path = write_csv(tmp_path / "data.csv", imbalanced_frame(np.random.default_rng(7), 1500))
    digest = _digest(path)
    base = ["fix", str(path), "--target", "label", "--isolated", "--no-progress"]

    def run(*args):
        return CliRunner().invoke(cli, base + list(args))

    csv = run("-o", str(tmp_path / "out.csv"), "--engine", "dask", "--scheduler", scheduler)
    assert csv.exit_code == 2
    assert csv.output.strip() == (f"dataaudit: error: {tmp_path / 'out.csv'}: fix --engine dask writes a partitioned "
                                  "Parquet directory: give -o DIR or -o DIR.parquet")
    wrong = run("-o", str(tmp_path / "out.parquet"), "--scheduler", scheduler)
    assert wrong.exit_code == 2 and wrong.output.strip() == "dataaudit: error: --scheduler is for --engine dask"
    out = tmp_path / "out"
    out.mkdir()
    (out / "part.0.parquet").write_bytes(b"old")
    exists = run("-o", str(out), "--engine", "dask", "--scheduler", scheduler)
    assert exists.exit_code == 2 and "already exists (use --overwrite to replace it)" in exists.output
    with pytest.raises(UsageError, match="Excel"):
        fix(tmp_path / "book.xlsx", output=tmp_path / "x", engine="dask", scheduler=scheduler)

    real = dask_fix._planned_frames

    def failing(client, *args):  # a partition that fails while the directory is written
        return real(client, *args) + [client.submit(lambda: 1 / 0, pure=False)]

    monkeypatch.setattr(dask_fix, "_planned_frames", failing)
    with pytest.raises(ZeroDivisionError):
        fix(path, output=out, target="label", engine="dask", scheduler=scheduler, overwrite=True,
            recipe_path=tmp_path / "recipe.json")
    with pytest.raises(ZeroDivisionError):
        fix(path, output=tmp_path / "new.parquet", target="label", engine="dask", scheduler=scheduler)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "out"]  # no partial output, no recipe
    assert [p.name for p in out.iterdir()] == ["part.0.parquet"] and (out / "part.0.parquet").read_bytes() == b"old"
    assert _digest(path) == digest


def test_cli_fix_engine_dask_and_the_settings_engine(tmp_path, scheduler, monkeypatch):
    out, recipe = tmp_path / "out_dir", tmp_path / "recipe.json"
    result = CliRunner().invoke(cli, ["fix", "--engine", "dask", str(MIXED), "--target", "churned", "-o", str(out),
                                      "--scheduler", scheduler, "--recipe", str(recipe), "--isolated",
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    assert out.is_dir() and len(list(out.glob("part.*.parquet"))) >= 1
    assert f"wrote {len(written):,} rows × {len(written.columns)} columns to {out} (partitioned Parquet)" \
        in result.output
    assert "dask engine: the steps were fitted on all 2,020 rows" in result.output
    settings = tmp_path / "dataaudit.toml"
    settings.write_text(f'engine = "dask"\nscheduler = "{scheduler}"\ntarget = "churned"\n', encoding="utf-8")
    again = CliRunner().invoke(cli, ["fix", str(MIXED), "-o", str(tmp_path / "from_settings"), "--config",
                                     str(settings), "--no-progress"])
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(_sorted(pd.read_parquet(tmp_path / "from_settings")), _sorted(written))
    pandas = CliRunner().invoke(cli, ["fix", str(MIXED), "-o", str(tmp_path / "p.parquet"), "--engine", "pandas",
                                      "--config", str(settings), "--no-progress"])
    assert pandas.exit_code == 0, pandas.output  # the settings' scheduler serves only the dask engine
