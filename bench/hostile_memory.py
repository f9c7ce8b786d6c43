"""Peak memory and time of `dataaudit scan` on pathological inputs (issue 6: resource bounds).

    python bench/hostile_memory.py [--rows 1000000] [--workdir DIR]

Each case is scanned in a fresh process; peak RSS is that process's maximum resident set size.
Cases: a column of `--rows` distinct 100-character strings beside a label; 10,000 numeric columns ×
1,000 rows; the same long strings with 500 repeated values (the common case, for comparison). Also
prints the JSON report's size: examples kept in reports are capped, so it must stay small.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def distinct_strings(path: Path, rows: int, distinct: int | None = None) -> None:
    rng = np.random.default_rng(0)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)
    pool = rows if distinct is None else distinct
    chunk = 100_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("text,x,label\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            ids = np.arange(start, start + n) if distinct is None else rng.integers(0, pool, n)
            body = letters[rng.integers(0, letters.size, size=(n, 90))].view("S90").ravel().astype(str)
            if distinct is not None:  # the same 90 characters for every repeat of an id
                body = np.array(["x" * 90] * n)
            lines = [f"{i:010d}{b},{x:.4f},{i % 2}" for i, b, x in zip(ids, body, rng.normal(size=n))]
            fh.write("\n".join(lines) + "\n")


def wide(path: Path, cols: int = 10_000, rows: int = 1_000) -> None:
    values = np.random.default_rng(0).normal(size=(rows, cols)).round(4)
    header = ",".join(f"c{i}" for i in range(cols)) + ",label"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for r, row in enumerate(values):
            fh.write(",".join(map(str, row)) + f",{r % 2}\n")


def measure(path: Path, target: str) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, JSON report bytes) of one scan in a fresh process."""
    code = ("import sys, json; from dataaudit import scan; r = scan(sys.argv[1], target=sys.argv[2]); "
            "sys.stdout.write(json.dumps(r.to_dict()))")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(path), target], capture_output=True, check=True)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return seconds, peak_kb / 1024, len(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cases = [("repeated long strings (500 values)", lambda p: distinct_strings(p, args.rows, 500)),
                 (f"{args.rows:,} distinct 100-char strings", lambda p: distinct_strings(p, args.rows)),
                 ("10,000 columns x 1,000 rows", wide)]
        print(f"{'case':<36} {'file MB':>8} {'seconds':>8} {'peak MB':>8} {'report KB':>10}")
        for i, (name, make) in enumerate(cases):
            path = work / f"case{i}.csv"
            make(path)
            seconds, peak, size = measure(path, "label")
            print(f"{name:<36} {path.stat().st_size / 1e6:>8.0f} {seconds:>8.1f} {peak:>8.0f} {size / 1024:>10.1f}")
    print("(peak MB is the running maximum over the processes so far: read it as an upper bound per row)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
