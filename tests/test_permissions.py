"""Outputs get the mode any new file gets under the umask (0666 less it; a directory 0777 less it), not
``mkstemp``'s 0600: a CI artifact or a file shared with another user must be readable as the umask allows."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dataaudit.cli import cli
from dataaudit.io.write import create_beside, current_umask, write_text_atomic

from .conftest import imbalanced_frame, write_csv

UMASK = 0o027  # group may read, others nothing: neither 0600 nor the usual 022's 0644


@pytest.fixture
def umask():
    old = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data(tmp_path) -> Path:
    return write_csv(tmp_path / "in.csv", imbalanced_frame(np.random.default_rng(0), 600, missing_labels=5))


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output


def test_current_umask_reads_the_umask_and_leaves_it(umask):
    assert current_umask() == UMASK
    assert current_umask() == UMASK


@pytest.mark.parametrize("engine", ["pandas", "stream"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".feather", ".jsonl"])
def test_fix_output_recipe_and_report_honour_the_umask(data, tmp_path, umask, engine, suffix):
    out, recipe, report = tmp_path / f"out{suffix}", tmp_path / "recipe.json", tmp_path / "report.md"
    _run(["fix", str(data), "--target", "label", "-o", str(out), "--recipe", str(recipe), "--report", str(report),
          "--engine", engine])
    for path in (out, recipe, report):
        assert _mode(path) == 0o640, path.name
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_apply_scan_report_and_baseline_honour_the_umask(data, tmp_path, umask):
    recipe = tmp_path / "recipe.json"
    _run(["fix", str(data), "--target", "label", "-o", str(tmp_path / "fixed.parquet"), "--recipe", str(recipe)])
    applied, report, base = tmp_path / "applied.csv", tmp_path / "scan.json", tmp_path / "baseline.json"
    _run(["apply", str(recipe), str(data), "-o", str(applied)])
    _run(["scan", str(data), "--target", "label", "--format", "json", "-o", str(report)])
    _run(["scan", str(data), "--target", "label", "--write-baseline", str(base)])
    for path in (applied, report, base):
        assert _mode(path) == 0o640, path.name


def test_overwritten_output_gets_the_mode_of_a_new_file(tmp_path, umask):
    path = tmp_path / "report.txt"
    path.write_text("old")
    path.chmod(0o600)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o640


def test_create_beside_names_the_file_before_it_exists_and_skips_taken_names(tmp_path, umask, monkeypatch):
    """The name is in ``made`` before the file exists (a cleanup in ``finally`` covers every instant); a name
    another process holds is neither reused nor recorded (so never removed)."""
    import secrets

    target = tmp_path / "out.csv"
    taken = tmp_path / ".out.csv.aaaa.tmp"
    taken.write_text("someone else's")
    tokens = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(tokens))
    seen: list[list[str]] = []
    real_open = os.open

    def spy(path, flags, mode=0o777):
        seen.append(list(made))
        return real_open(path, flags, mode)

    made: list[str] = []
    monkeypatch.setattr(os, "open", spy)
    name = create_beside(target, ".tmp", made)
    assert name == str(tmp_path / ".out.csv.bbbb.tmp") and made == [name]
    assert seen == [[str(taken)], [name]]  # each name recorded before the attempt to create it
    assert taken.read_text() == "someone else's" and _mode(Path(name)) == 0o640


def test_dask_fix_directory_and_its_files_honour_the_umask(data, tmp_path, umask, scheduler):
    """The cluster's workers were started before the test set the umask: the files they write get this
    process's umask all the same."""
    out = tmp_path / "fixed"
    _run(["fix", str(data), "--target", "label", "-o", str(out), "--engine", "dask", "--scheduler", scheduler,
          "--recipe", str(tmp_path / "recipe.json")])
    assert _mode(out) == 0o750
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(_mode(p) == 0o640 for p in files)
    assert _mode(tmp_path / "recipe.json") == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
