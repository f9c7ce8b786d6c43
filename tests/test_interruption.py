"""An interrupted fix leaves no partial file and the input untouched: SIGINT, SIGTERM, an exception midway."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit import fix


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    n = 300_000
    frame = pd.DataFrame({f"x{i}": rng.normal(0, 10 ** (i % 4), n).round(3) for i in range(8)})
    frame["city"] = rng.choice(["Paris", "paris", "Berlin", "Rome"], n)
    frame["label"] = rng.integers(0, 2, n)
    path = tmp_path_factory.mktemp("big") / "big.csv"
    frame.to_csv(path, index=False)
    return path


def test_exception_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    data = tmp_path / "in.csv"
    pd.DataFrame({"x": np.arange(200.0), "label": np.arange(200) % 2}).to_csv(data, index=False)
    before = _digest(data)

    def half_then_fail(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(pq, "write_table", half_then_fail)
    out = tmp_path / "out" / "fixed.parquet"
    out.parent.mkdir()
    with pytest.raises(RuntimeError, match="disk pulled out"):
        fix(data, output=out, target="label", recipe_path=out.parent / "recipe.json")
    assert list(out.parent.iterdir()) == []  # no output, no temporary file, no recipe
    assert _digest(data) == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_fix_leaves_no_partial_file(tmp_path, big_csv, sig):
    before = _digest(big_csv)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "fixed.csv"
    proc = subprocess.Popen([sys.executable, "-m", "dataaudit", "fix", str(big_csv), "--target", "label",
                             "-o", str(out), "--recipe", str(out_dir / "recipe.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            # a test run started in the background inherits SIGINT ignored (as a shell sets it
                            # for `cmd &`), and Python then keeps ignoring it: give the child the default
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        # caught in the middle of writing the output (not the recipe, written last, in a few milliseconds)
        if any(p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp") for p in out_dir.iterdir()):
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.skip("fix finished before the signal could be sent")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err.decode()
    assert not out.exists()
    assert [p.name for p in out_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert _digest(big_csv) == before


@pytest.mark.parametrize("writer", ["text", "frame", "stream scratch"])
def test_interrupt_just_after_the_temporary_file_exists_leaves_nothing(tmp_path, monkeypatch, writer):
    """The race behind a rare `.fixed.csv.XXXX.tmp` left by SIGINT: ``mkstemp`` created the file before the
    ``try`` whose ``finally`` removes it. A KeyboardInterrupt at the first instant the file exists (the
    ``os.close`` of its descriptor) must leave no file behind."""
    import os

    from dataaudit.fixing import stream as fix_stream
    from dataaudit.io import write as writing

    real_close, fired = os.close, []

    def interrupted(fd):
        real_close(fd)
        if not fired and any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            fired.append(fd)
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "close", interrupted)
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        if writer == "text":
            writing.write_text_atomic(out, "x\n")
        elif writer == "frame":
            writing.write_frame_atomic(pd.DataFrame({"x": [1.0]}), out)
        else:
            with fix_stream._scratch(out):
                pass
    assert fired and list(tmp_path.iterdir()) == []
