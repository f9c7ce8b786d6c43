"""Progress reporting: the library announces its stages to a Progress object and never prints; the CLI
shows them on stderr only when asked (--progress) or on a terminal, and stdout never changes."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

from dataaudit import scan
from dataaudit.cli import cli
from dataaudit.core.stats import chunk_stats
from dataaudit.errors import InputError
from dataaudit.progress import NO_PROGRESS, Progress, TerminalProgress, for_cli


class Recording(Progress):
    """Keeps every call, with the advances of a stage added up."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def stage(self, name: str, total: int | None = None) -> None:
        self.events.append(("stage", name, total, 0))

    def advance(self, n: int = 1) -> None:
        kind, name, total, count = self.events[-1]
        assert kind == "stage", "advance() outside a stage"
        self.events[-1] = (kind, name, total, count + n)

    def done(self) -> None:
        self.events.append(("done",))

    @property
    def stages(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "stage"]


def _csv(tmp_path: Path, n: int = 400) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(0, 1, n).round(4), "b": rng.normal(0, 1, n).round(4) * 1e6,
                          "c": rng.choice(["x", "y", "z"], n), "label": rng.integers(0, 2, n)})
    frame.loc[:19, "a"] = np.nan
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def test_scan_reports_stages_in_order_with_totals_and_counts(tmp_path):
    progress = Recording()
    report = scan(_csv(tmp_path), target="label", progress=progress)
    assert progress.stages == ["read", "statistics", "checks", "probe"]
    assert progress.events[-1] == ("done",) and progress.events.count(("done",)) == 1
    read, statistics, checks, probe = progress.events[:4]
    assert read[2] is None and probe[2] is None
    assert statistics[2] == statistics[3] == 4  # one advance per column
    assert checks[2] == checks[3] == len(report.rules_run)


def test_scan_without_target_has_no_probe_stage(tmp_path):
    progress = Recording()
    scan(_csv(tmp_path), progress=progress)
    assert progress.stages == ["read", "statistics", "checks"]


def test_done_is_called_when_the_run_fails(tmp_path):
    progress = Recording()
    with pytest.raises(InputError):
        scan(tmp_path / "missing.csv", progress=progress)
    assert progress.events == [("stage", "read", None, 0), ("done",)]


def test_fix_and_apply_report_their_stages(tmp_path):
    from dataaudit import apply_recipe, fix

    data = _csv(tmp_path)
    progress = Recording()
    result = fix(data, target="label", output=tmp_path / "out.parquet", recipe_path=tmp_path / "r.json",
                 progress=progress)
    assert progress.stages == ["read", "statistics", "checks", "probe", "fix", "rescan", "write"]
    fix_stage = next(e for e in progress.events if e[:2] == ("stage", "fix"))
    assert fix_stage[2] == fix_stage[3] == len(result.recipe.steps)
    assert progress.events[-1] == ("done",)

    progress = Recording()
    apply_recipe(tmp_path / "r.json", data, tmp_path / "again.parquet", progress=progress)
    assert progress.stages == ["read", "apply", "write"]
    apply_stage = progress.events[1]
    assert apply_stage[2] == apply_stage[3] == len(result.recipe.steps) - 1  # resampling is not re-applied
    assert progress.events[-1] == ("done",)


def test_chunk_stats_counts_each_column_once_in_the_calling_thread(tmp_path):
    import threading

    calls = []

    class Threads(Progress):
        def advance(self, n: int = 1) -> None:
            calls.append((n, threading.current_thread() is threading.main_thread()))

    table = pa.table({f"c{i}": np.arange(50, dtype=float) * i for i in range(12)})
    stats = chunk_stats(table, progress=Threads())
    assert calls == [(1, True)] * 12
    assert list(stats.columns) == table.column_names  # still in column order


def test_cli_forced_progress_goes_to_stderr_and_leaves_stdout_unchanged(tmp_path):
    data = _csv(tmp_path)
    quiet = CliRunner().invoke(cli, ["scan", str(data), "--target", "label", "--isolated", "--no-progress"])
    shown = CliRunner().invoke(cli, ["scan", str(data), "--target", "label", "--isolated", "--progress"])
    assert shown.exit_code == quiet.exit_code
    assert shown.stdout_bytes == quiet.stdout_bytes and quiet.stderr == ""
    lines = shown.stderr.splitlines()
    assert [line.split(": ")[2].split(" ")[0] for line in lines] == ["read", "statistics", "checks", "probe"]
    assert all(line.startswith(f"dataaudit: {data}: ") for line in lines)
    assert "statistics 4/4 columns" in shown.stderr and "\x1b[" not in shown.stderr  # plain lines off a terminal


def test_cli_fix_and_apply_forced_progress_leave_stdout_unchanged(tmp_path):
    data = _csv(tmp_path)
    out, recipe = tmp_path / "out.parquet", tmp_path / "r.json"
    runs = {}
    for flag in ("--no-progress", "--progress"):
        fixed = CliRunner().invoke(cli, ["fix", str(data), "--target", "label", "-o", str(out), "--recipe",
                                         str(recipe), "--overwrite", "--isolated", flag])
        applied = CliRunner().invoke(cli, ["apply", str(recipe), str(data), "-o", str(tmp_path / "a.parquet"),
                                           "--overwrite", flag])
        assert fixed.exit_code == applied.exit_code == 0, fixed.stderr + applied.stderr
        runs[flag] = (fixed, applied)
    (fix_quiet, apply_quiet), (fix_shown, apply_shown) = runs["--no-progress"], runs["--progress"]
    assert fix_shown.stdout_bytes == fix_quiet.stdout_bytes and apply_shown.stdout_bytes == apply_quiet.stdout_bytes
    assert fix_quiet.stderr == "" and ": fix " in fix_shown.stderr and ": rescan (" in fix_shown.stderr
    assert ": apply " in apply_shown.stderr and "dataaudit:" not in apply_quiet.stderr


def test_cli_default_off_a_terminal_shows_no_progress(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(_csv(tmp_path)), "--target", "label", "--isolated"])
    assert result.stderr == ""


def test_for_cli_choice():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert for_cli(None, stream=io.StringIO()) is NO_PROGRESS
    assert for_cli(False, stream=Tty()) is NO_PROGRESS
    forced = for_cli(True, "f.csv", stream=io.StringIO())
    assert isinstance(forced, TerminalProgress) and not forced.live and forced.delay == 0
    auto = for_cli(None, "f.csv", stream=Tty())
    assert isinstance(auto, TerminalProgress) and auto.live and auto.delay == 0.5


def _run_stages(progress: Progress) -> None:
    progress.stage("read")
    progress.stage("statistics", 3)
    progress.advance(3)
    progress.stage("checks", 2)
    progress.advance()
    progress.done()


def test_terminal_display_waits_before_showing_so_quick_runs_never_flicker():
    stream = io.StringIO()
    _run_stages(TerminalProgress(stream, label="f.csv", live=True, delay=5.0))
    assert stream.getvalue() == ""


def test_terminal_display_draws_the_stages_and_stops():
    stream = io.StringIO()
    progress = TerminalProgress(stream, label="f.csv", live=True, delay=0.0)
    _run_stages(progress)
    drawn = stream.getvalue()
    assert "f.csv: read" in drawn and "3/3 columns" in drawn
    progress.done()  # a second done() is harmless
    _run_stages(progress)  # and the reporter can be used again
