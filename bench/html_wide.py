"""How long does the HTML report of a 1,000-column table take, and how large is it? Issue 19 asks for
under 2 s and under 5 MB.

    python bench/html_wide.py [--columns 1000] [--rows 2000] [--repeat 3] [--keep report.html]

Builds a seeded frame of that shape, a mix of what real wide tables hold (normal, skewed and heavy-
tailed numbers with outliers, gaps, categories, booleans, a few copies and near copies, a leak of
the target), scans it once, then renders the HTML page (and the notebook fragment) ``--repeat``
times and prints the best wall time and the size in bytes of each.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd

from dataaudit import scan_frame
from dataaudit.formatters import html, render


def wide_frame(columns: int, rows: int, seed: int = 0) -> pd.DataFrame:
    """A seeded table of ``columns`` features and a binary ``label``."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, rows)
    data: dict[str, object] = {}
    for i in range(columns):
        kind = i % 10
        if kind in (0, 1, 2):
            x = rng.normal(50, 10, rows)
        elif kind == 3:
            x = rng.lognormal(3, 1.2, rows)
        elif kind == 4:
            x = rng.normal(0, 1, rows)
            x[rng.integers(0, rows, 10)] = 1e6
        elif kind == 5:
            x = rng.integers(0, 30, rows).astype(float)
        elif kind == 6:
            x = rng.choice(["red", "green", "blue", "grey", "black"], rows, p=[.4, .3, .2, .07, .03])
        elif kind == 7:
            x = rng.choice(["yes", "no"], rows)
        elif kind == 8:
            x = rng.choice([f"city_{k}" for k in range(40)], rows)
        else:
            x = data[f"f{i - 9}"] * 2.0 + rng.normal(0, 0.01, rows)  # a near copy of a normal column
        if i % 7 == 0 and kind not in (6, 7, 8):
            x = np.where(rng.random(rows) < 0.15, np.nan, x)
        data[f"f{i}"] = x
    data["leak"] = label + rng.normal(0, 0.01, rows)
    data["label"] = label
    return pd.DataFrame(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the page here")
    args = parser.parse_args(argv)
    frame = wide_frame(args.columns - 2, args.rows)
    start = time.perf_counter()
    report = scan_frame(frame, name="wide.csv", target="label")
    print(f"{frame.shape[0]:,} rows x {frame.shape[1]:,} columns: scan {time.perf_counter() - start:.2f} s, "
          f"{len(report.findings):,} findings")
    for name, make in (("page", lambda: render([report], "html")), ("fragment", lambda: html.render_fragment(report))):
        best, out = float("inf"), ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = make()
            best = min(best, time.perf_counter() - start)
        size = len(out.encode("utf-8"))
        print(f"{name:<9} {best:.3f} s  {size / 1e6:.2f} MB  (goal: under 2 s and 5 MB)")
        if name == "page" and args.keep:
            args.keep.write_text(out, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
