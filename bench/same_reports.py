"""Do two checkouts' scans say the same? Runs ``dataaudit scan --format json`` of each file with two console
scripts (an old checkout's and this one's) and compares the reports with their timing fields left out.

    python bench/same_reports.py OLD_DATAAUDIT NEW_DATAAUDIT FILE... [--target T] [-- extra scan options]

Prints one line per file (same / differs, and the first differing paths) and exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = {"timing", "seconds", "tool"}  # run-dependent fields: time taken, the tool's version and checkout


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in SKIP}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def differences(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}/{k}" for k in sorted(set(a) ^ set(b))]
        for k in a.keys() & b.keys():
            out += differences(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path} (length {len(a)} vs {len(b)})"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


def report(script: str, file: str, extra: list[str], out: Path) -> dict:
    run = subprocess.run([script, "scan", file, "--format", "json", "-o", str(out), "--fail-on", "never",
                          "--no-progress", *extra], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        return {"error": run.returncode, "stderr": run.stderr[-500:]}
    return strip(json.loads(out.read_text()))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, file in enumerate(args.files):
            a = report(args.old, file, extra, Path(tmp) / f"old{i}.json")
            b = report(args.new, file, extra, Path(tmp) / f"new{i}.json")
            found = differences(a, b)
            differ += bool(found)
            print(f"{'same   ' if not found else 'DIFFERS'} {file}" + (f": {found[:5]}" if found else ""))
    print(f"{len(args.files) - differ}/{len(args.files)} same")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
