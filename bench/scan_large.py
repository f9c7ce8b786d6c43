"""Benchmark ``dataaudit.scan`` on a large CSV against two baselines.

    python bench/scan_large.py [--rows 1000000] [--cols 20] [--out /tmp/dataaudit_bench] [--repeat 3]

1. Generates (once; reused while a file for the same rows x cols x seed exists) a CSV with a realistic
   column mix: float columns (one with ~1% huge outliers, one with 5% empty cells), int columns,
   low-cardinality string categoricals, one numeric-as-text column ("1,234.5") and a binary target
   ``label``. Generation is vectorised (numpy + pyarrow.compute) and written with pyarrow.csv.
2. Runs each task in a fresh subprocess per repeat, so peak RSS belongs to that task alone:
     arrow     pyarrow.csv.read_csv(path)
     pandas    pandas.read_csv(path) + value_counts() on every column (a plain pandas pass)
     dataaudit dataaudit.scan(path, target="label")
     fix       dataaudit.fix(path, output=<tmp>.parquet, target="label") (scan + fit + transform + write)
   Wall time is measured with time.perf_counter inside the subprocess (imports excluded); the best of
   ``--repeat`` runs is reported. Peak RSS is ru_maxrss of the subprocess (the largest over repeats).
3. Prints a table with ratios to the ``arrow`` task and writes ``<out>/results.json``.

Only the standard library, numpy, pandas and pyarrow are used (plus dataaudit for its own task).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TASKS = ("arrow", "pandas", "dataaudit", "fix")
DESCRIPTIONS = {
    "arrow": "pyarrow.csv.read_csv",
    "pandas": "pandas.read_csv + value_counts per column",
    "dataaudit": 'dataaudit.scan(path, target="label")',
    "fix": 'dataaudit.fix(path, output=tmp.parquet, target="label")',
}


# --------------------------------------------------------------------------- data generation


def column_plan(cols: int) -> dict[str, int]:
    """How many columns of each kind: ~half floats, ~20% ints, ~20% categoricals, 1 text number, 1 label."""
    if cols < 6:
        raise SystemExit("--cols must be at least 6 (2 floats, 1 int, 1 categorical, 1 text number, label)")
    floats = max(2, round(0.5 * cols))
    ints = max(1, round(0.2 * cols))
    cats = max(1, cols - 2 - floats - ints)
    floats = cols - 2 - ints - cats
    return {"float": floats, "int": ints, "categorical": cats, "numeric_text": 1, "label": 1}


def numeric_text(values, pa, pc):
    """'1,234.5' style strings for non-negative values with one decimal, built column-wise with pyarrow."""
    import numpy as np

    tenths = np.round(values * 10).astype(np.int64)
    whole, frac = tenths // 10, tenths % 10
    thousands, rest = whole // 1000, whole % 1000

    def as_str(a):
        return pc.cast(pa.array(a), pa.string())

    padded = pc.utf8_lpad(as_str(rest), width=3, padding="0")
    big = pc.binary_join_element_wise(as_str(thousands), padded, ",")
    head = pc.if_else(pa.array(thousands > 0), big, as_str(rest))
    return pc.binary_join_element_wise(head, as_str(frac), ".")


def generate(path: Path, rows: int, cols: int, seed: int) -> dict:
    """Write the benchmark CSV atomically; returns a description of the columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    plan = column_plan(cols)
    columns: dict[str, pa.Array] = {}
    for i in range(plan["float"]):
        values = rng.normal(50 + 10 * i, 5 + i, rows).round(4)
        name = f"f{i:02d}"
        if i == 0:  # ~1% huge outliers
            name = "f00_outliers"
            values[rng.random(rows) < 0.01] *= 1000.0
        if i == 1:  # 5% empty cells
            name = "f01_missing"
            columns[name] = pa.array(values, mask=rng.random(rows) < 0.05)
            continue
        columns[name] = pa.array(values)
    for i in range(plan["int"]):
        columns[f"i{i:02d}"] = pa.array(rng.integers(0, 10 ** (i % 4 + 1), rows))
    levels = [["red", "green", "blue"], ["north", "south", "east", "west"], ["basic", "plus", "pro"],
              ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    for i in range(plan["categorical"]):
        choices = levels[i % len(levels)]
        codes = rng.integers(0, len(choices), rows).astype(np.int32)
        columns[f"c{i:02d}"] = pa.DictionaryArray.from_arrays(codes, choices).cast(pa.string())
    columns["amount_text"] = numeric_text(rng.lognormal(6.0, 1.2, rows), pa, pc)
    logit = (columns["f02"].to_numpy() - 70) / 7 if "f02" in columns else rng.normal(0, 1, rows)
    columns["label"] = pa.array((logit + rng.normal(0, 1, rows) > 0.5).astype(np.int8))

    table = pa.table(columns)
    tmp = path.with_name(path.name + ".part")
    pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    os.replace(tmp, path)
    return {"plan": plan, "columns": table.column_names}


def ensure_data(out: Path, rows: int, cols: int, seed: int) -> tuple[Path, dict]:
    """The cached CSV for (rows, cols, seed), generated if absent; a sidecar JSON records its size."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench_{rows}x{cols}_seed{seed}.csv"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == path.stat().st_size:
            meta["generated_now"] = False
            return path, meta
    # Generate in a child process: the parent must stay small, because on Linux a child started with
    # vfork/exec inherits the parent's peak RSS as the floor of its own ru_maxrss.
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--generate", str(path), str(rows),
                           str(cols), str(seed)], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: generating {path} failed: {proc.stderr.strip()}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    meta = {"path": str(path), "rows": rows, "cols": cols, "seed": seed, "bytes": path.stat().st_size,
            "generate_seconds": round(time.perf_counter() - start, 3), **info}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    meta["generated_now"] = True
    return path, meta


# --------------------------------------------------------------------------- tasks (run in the child)


def peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def vm_hwm_mb() -> float | None:
    """Linux only: peak RSS of this process image (VmHWM), a cross-check for ru_maxrss."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def run_task(task: str, path: str) -> dict:
    """Child process: import what the task needs (not timed), run it once, report time and peak RSS."""
    if task == "arrow":
        import pyarrow.csv as pacsv

        def work():
            return pacsv.read_csv(path).num_rows
    elif task == "pandas":
        import pandas as pd

        def work():
            frame = pd.read_csv(path)
            for col in frame.columns:
                frame[col].value_counts(dropna=False)
            return len(frame)
    elif task == "dataaudit":
        try:
            from dataaudit import scan
        except Exception as exc:  # noqa: BLE001 - reported to the parent as a clear message
            return {"error": f"cannot import dataaudit.scan: {type(exc).__name__}: {exc}"}

        def work():
            report = scan(path, target="label")
            return len(report.findings)
    elif task == "fix":
        import tempfile

        from dataaudit.api import fix

        def work():
            with tempfile.TemporaryDirectory() as tmp:
                result = fix(path, output=Path(tmp) / "fixed.parquet", target="label", rescan=False)
            return result.rows["out"]
    else:
        return {"error": f"unknown task {task!r}"}
    baseline = peak_rss_mb()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "vm_hwm_mb": vm_hwm_mb(),
            "rss_after_imports_mb": baseline, "result": result}


def child_env() -> dict:
    """Make the checkout's dataaudit importable in the child even if it is not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def spawn(task: str, path: Path, timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", task, str(path)]
    try:
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=child_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return {"error": f"child exited with {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_dataaudit() -> str | None:
    """None if ``from dataaudit import scan`` works in a child process, else the reason."""
    proc = subprocess.run([sys.executable, "-c", "from dataaudit import scan"], check=False,
                          capture_output=True, text=True, env=child_env())
    if proc.returncode == 0:
        return None
    return (proc.stderr.strip().splitlines() or ["unknown error"])[-1]


# --------------------------------------------------------------------------- main


def versions() -> dict:
    import numpy
    import pandas
    import pyarrow

    out = {"python": platform.python_version(), "numpy": numpy.__version__, "pandas": pandas.__version__,
           "pyarrow": pyarrow.__version__, "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        import dataaudit

        out["dataaudit"] = getattr(dataaudit, "__version__", "?")
    except Exception:  # noqa: BLE001
        out["dataaudit"] = None
    return out


def child_versions() -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--versions"], check=False,
                          capture_output=True, text=True, env=child_env())
    return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {"error": proc.stderr[-200:]}


def print_table(results: dict) -> None:
    print(f"\n{'task':<10} {'best s':>9} {'x arrow':>8} {'peak MB':>9} {'x arrow':>8}  what")
    for task, r in results.items():
        if "error" in r:
            print(f"{task:<10} {'-':>9} {'-':>8} {'-':>9} {'-':>8}  FAILED: {r['error']}")
            continue
        tr = f"{r['time_ratio']:.2f}" if r.get("time_ratio") is not None else "-"
        mr = f"{r['rss_ratio']:.2f}" if r.get("rss_ratio") is not None else "-"
        print(f"{task:<10} {r['best_seconds']:>9.3f} {tr:>8} {r['peak_rss_mb']:>9.1f} {mr:>8}  {DESCRIPTIONS[task]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        print(json.dumps(run_task(argv[1], argv[2])))
        return 0
    if argv[:1] == ["--generate"]:
        print(json.dumps(generate(Path(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]))))
        return 0
    if argv[:1] == ["--versions"]:
        print(json.dumps(versions()))
        return 0

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("/tmp/dataaudit_bench"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per task (fresh process each); best time wins")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", default="arrow,pandas,dataaudit", help=f"comma-separated subset of {','.join(TASKS)}")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per run")
    args = parser.parse_args(argv)

    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown or not tasks:
        parser.error(f"--tasks must be a subset of {','.join(TASKS)}")
    if args.repeat < 1 or args.rows < 1:
        parser.error("--repeat and --rows must be positive")
    column_plan(args.cols)  # validates --cols before anything is generated
    if "dataaudit" in tasks:
        reason = check_dataaudit()
        if reason:
            print(f"error: cannot import dataaudit.scan ({reason}); install the package (pip install -e .) "
                  "or run with --tasks arrow,pandas", file=sys.stderr)
            return 2

    path, meta = ensure_data(args.out, args.rows, args.cols, args.seed)
    state = "generated" if meta["generated_now"] else "reusing"
    print(f"{state} {path} ({meta['bytes'] / 2**20:.1f} MiB, {args.rows:,} rows x {args.cols} columns)")

    results: dict[str, dict] = {}
    for task in tasks:
        runs = []
        for i in range(args.repeat):
            run = spawn(task, path, args.timeout)
            if "error" in run:
                results[task] = {"error": run["error"]}
                break
            runs.append(run)
            print(f"  {task:<10} run {i + 1}/{args.repeat}: {run['seconds']:.3f} s, peak {run['peak_rss_mb']:.1f} MB",
                  flush=True)
        else:
            results[task] = {
                "description": DESCRIPTIONS[task],
                "seconds": [round(r["seconds"], 4) for r in runs],
                "best_seconds": round(min(r["seconds"] for r in runs), 4),
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
                "rss_after_imports_mb": round(max(r["rss_after_imports_mb"] for r in runs), 1),
                "vm_hwm_mb": (round(max(r["vm_hwm_mb"] for r in runs), 1)
                              if all(r["vm_hwm_mb"] is not None for r in runs) else None),
                "result": runs[-1]["result"],
            }
    base = results.get("arrow", {})
    for r in results.values():
        if "error" in r or "error" in base or not base:
            continue
        r["time_ratio"] = round(r["best_seconds"] / base["best_seconds"], 3)
        r["rss_ratio"] = round(r["peak_rss_mb"] / base["peak_rss_mb"], 3)

    print_table(results)
    payload = {"data": {k: v for k, v in meta.items() if k != "generated_now"}, "repeat": args.repeat,
               "versions": child_versions(), "tasks": results}
    out_file = args.out / "results.json"
    out_file.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwrote {out_file}")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
