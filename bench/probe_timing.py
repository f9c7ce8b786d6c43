"""How long does the gradient probe take? Issue 4 asks for under 5 s on each sample dataset.

    python bench/probe_timing.py [--repeat 3] [--extra PATH:TARGET ...]

For each sample dataset with a target, scans it ``--repeat`` times and prints the best wall time of
the probe (``timing.probe`` in the report: naive matrix, 50 mini-batches, condition numbers) and of
the whole scan. ``--extra`` adds files of your own, e.g. the 1M-row file of bench/scan_large.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)

from dataaudit import scan

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
DATASETS = {"mixed.csv": "churned", "clean.csv": "label", "missing.csv": "label", "outliers.csv": "label",
            "scale.csv": "label", "imbalance.csv": "label", "encoding.csv": "label", "leakage.csv": "label",
            "redundancy.csv": "label", "encoding_cp1252.csv": "label"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extra", nargs="*", default=[], help="PATH:TARGET pairs")
    args = parser.parse_args(argv)
    jobs = [(SAMPLE / name, target) for name, target in DATASETS.items() if (SAMPLE / name).exists()]
    jobs += [(Path(p), t) for p, t in (e.rsplit(":", 1) for e in args.extra)]
    print(f"{'dataset':<28} {'rows':>9} {'probe rows':>10} {'probe s':>8} {'scan s':>8}")
    worst = 0.0
    for path, target in jobs:
        reports = [scan(path, target=target) for _ in range(args.repeat)]
        probe_s = min(r.timing.get("probe", float("nan")) for r in reports)
        scan_s = min(r.timing["total"] for r in reports)
        rows_used = reports[0].probe["rows_used"] if reports[0].probe else 0
        worst = max(worst, probe_s)
        print(f"{path.name:<28} {reports[0].profile.rows:>9,} {rows_used:>10,} {probe_s:>8.3f} {scan_s:>8.3f}")
    print(f"slowest probe: {worst:.3f} s (goal: under 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
