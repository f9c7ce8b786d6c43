"""Results before and after a speed change: scan and fix every sample file and the scale files, compare.

    python bench/parity.py snapshot before.json [--scale-rows 100000] [--engines memory stream] [--wide 5000x1000]
    python bench/parity.py compare before.json after.json

Issue 20's rule is that speed must not change results. ``snapshot`` records, for each file and engine, the scan
report (``Report.to_dict()``: findings with their evidence, the column profiles, the gradient risk) and the fix
(the recipe's JSON, the fix report's ``to_dict()`` and a digest of the output frame, rows and columns in order).
``compare`` prints each difference as a JSON path with both values and exits 1 when there is any. Nothing here is
timed: it is the judge of a change, not its benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {  # sample_data file -> target (None: no target)
    "mixed.csv": "churned", "clean.csv": None, "encoding.csv": None, "encoding_cp1252.csv": None,
    "imbalance.csv": "label", "leakage.csv": None, "missing.csv": None, "outliers.csv": None,
    "redundancy.csv": None, "scale.csv": None,
}
SCALE_TARGET = "label"


def _files(scale_rows: list[int], wide: list[str] = ()) -> list[tuple[Path, str | None]]:
    files: list[tuple[Path, str | None]] = [(ROOT / "sample_data" / name, target) for name, target in SAMPLES.items()]
    if scale_rows or wide:
        sys.path.insert(0, str(ROOT / "bench" / "scale"))
        import generate  # bench/scale/generate.py: the seeded scale file (written once, then reused)

        for rows in scale_rows:
            generate.ensure(rows)
            files.append((generate.paths(generate.DEFAULT_WORKDIR, rows, 0)["csv"], SCALE_TARGET))
        for shape in wide:  # issue 20's wide table (bench/html_wide.wide_frame), its target "label" too
            manifest, _ = generate.ensure_wide(*generate.wide_shape(shape))
            files.append((Path(manifest["csv"]), SCALE_TARGET))
    return files


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's columns, dtypes and values in order (NaN equal to NaN)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def snapshot_one(path: Path, target: str | None, engine: str) -> dict[str, Any]:
    from dataaudit import api

    out: dict[str, Any] = {}
    try:
        out["scan"] = api.scan(str(path), target=target, engine=engine).to_dict()
    except Exception as exc:  # a refusal is a result too
        out["scan"] = {"error": f"{type(exc).__name__}: {exc}"}
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "fixed.parquet"
        try:
            result = api.fix(str(path), target=target, engine=engine, output=str(output))
            out["recipe"] = result.recipe.to_dict()
            out["fix"] = result.to_dict()
            out["output"] = frame_digest(pd.read_parquet(output)) if output.is_file() else "(a directory)"
        except Exception as exc:
            out["fix"] = {"error": f"{type(exc).__name__}: {exc}"}
    return json.loads(json.dumps(out, default=str))


def differences(old: Any, new: Any, where: str = "$") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            if key not in old or key not in new:
                found.append(f"{where}.{key}: {'added' if key not in old else 'removed'}")
            else:
                found += differences(old[key], new[key], f"{where}.{key}")
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} items -> {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: {json.dumps(old)[:200]} -> {json.dumps(new)[:200]}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--scale-rows", type=int, nargs="*", default=[100_000])
    snap.add_argument("--engines", nargs="+", default=["pandas", "stream"])
    snap.add_argument("--wide", nargs="*", default=[], metavar="ROWSxCOLUMNS",
                      help="wide tables too (issue 20: 5000x1000; about 2 minutes per engine)")
    comp = sub.add_parser("compare")
    comp.add_argument("old", type=Path)
    comp.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        result = {f"{path.name} [{engine}]": snapshot_one(path, target, engine)
                  for path, target in _files(args.scale_rows, args.wide) for engine in args.engines}
        args.out.write_text(json.dumps(result, indent=1, sort_keys=True))
        errors = [f"{key} {part}" for key, run in result.items() for part in ("scan", "fix") if "error" in run[part]]
        print(f"wrote {args.out} ({len(result)} runs; refused: {', '.join(errors) or 'none'})")
        return 0
    found = differences(json.loads(args.old.read_text()), json.loads(args.new.read_text()))
    for line in found:
        print(line)
    print(f"{len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
