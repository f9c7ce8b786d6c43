"""Same input and seed, same bytes: reports, repaired data, recipe and fix report, across processes.

Each run is a fresh `python -m dataaudit` with a different PYTHONHASHSEED, so nothing may depend on
set or dict-of-str ordering, thread timing or the clock.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _run(out: Path, hash_seed: str) -> dict[str, str]:
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    data = SAMPLE / "mixed.csv"
    for fmt in ("json", "md", "txt"):
        subprocess.run([sys.executable, "-m", "dataaudit", "scan", str(data), "--target", "churned",
                        "-o", str(out / f"report.{fmt}")], env=env, check=False, capture_output=True)
    for fmt in ("parquet", "csv"):
        subprocess.run([sys.executable, "-m", "dataaudit", "fix", str(data), "--target", "churned",
                        "-o", str(out / f"fixed.{fmt}"), "--recipe", str(out / f"recipe-{fmt}.json"),
                        "--report", str(out / f"fix-{fmt}.json"), "--seed", "7"],
                       env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "dataaudit", "apply", str(out / "recipe-csv.json"), str(data),
                    "-o", str(out / "applied.csv")], env=env, check=True, capture_output=True)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_two_runs_write_identical_bytes(tmp_path):
    first = _run(tmp_path / "a", "1")
    second = _run(tmp_path / "b", "2")
    assert len(first) == 10
    assert first == second
