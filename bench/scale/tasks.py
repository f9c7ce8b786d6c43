"""One benchmark task, run by bench/scale/run.py in a fresh process (the process whose tree is measured).

    python bench/scale/tasks.py TASK --csv FILE --result RESULT.json --rundir DIR [--timeout S]

TASK is one of ``TASKS`` or ``peer:<name>`` (a peer of bench/peers/run.py). The task imports what it needs, times
the import apart, runs once and writes ``{"task", "import_seconds", "work_seconds", "exit_code", "result"}`` to
RESULT.json (written last, so a missing file means the process died). ``work_seconds`` excludes the interpreter
start and the imports; run.py's wall time includes them. The dataaudit tasks call the console script's entry
point, ``dataaudit.cli.main()``, with the argument list a user would type, so they run exactly the CLI code path.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
TARGET = "label"

# task -> (what it runs, as shown in the report)
TASKS: dict[str, str] = {
    "arrow-read": "pyarrow.csv.read_csv(FILE) (default options): the floor",
    "arrow-stream": "pyarrow.csv.open_csv(FILE), iterate every batch, keep nothing",
    "scan": f"dataaudit scan FILE --target {TARGET} --format json -o report.json --fail-on never --isolated "
            "--no-progress",
    "scan-stream": f"dataaudit scan FILE --engine stream --target {TARGET} --format json -o report.json "
                   "--fail-on never --isolated --no-progress",
    "scan-dask": f"dataaudit scan FILE --engine dask --target {TARGET} --format json -o report.json "
                 "--fail-on never --isolated --no-progress (a local cluster of 2 worker processes, started by the run)",
    "fix": f"dataaudit fix FILE -o fixed.parquet --target {TARGET} --isolated --overwrite --no-progress",
    "fix-stream": f"dataaudit fix FILE --engine stream -o fixed.parquet --target {TARGET} --isolated --overwrite "
                  "--no-progress",
    "fix-dask": f"dataaudit fix FILE --engine dask -o fixed.parquet --target {TARGET} --isolated --overwrite "
                "--no-progress (a partitioned Parquet directory; a local cluster of 2 worker processes)",
}


def scan_args(csv: str, rundir: Path, stream: bool, engine: str | None = None) -> list[str]:
    engine = "stream" if stream else engine
    extra = ["--engine", engine] if engine else []
    return ["scan", csv, *extra, "--target", TARGET, "--format", "json", "-o", str(rundir / "report.json"),
            "--fail-on", "never", "--isolated", "--no-progress"]


def fix_args(csv: str, rundir: Path, stream: bool = False, engine: str | None = None) -> list[str]:
    engine = "stream" if stream else engine
    extra = ["--engine", engine] if engine else []
    return ["fix", csv, *extra, "-o", str(rundir / "fixed.parquet"), "--target", TARGET, "--isolated", "--overwrite",
            "--no-progress"]


RSS_AFTER_IMPORTS: dict[str, int | None] = {}


def _timed_import(load: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    module = load()
    seconds = time.perf_counter() - start
    RSS_AFTER_IMPORTS["bytes"] = _rss_now()  # the interpreter + libraries: the part of peak RSS that is not data
    return module, seconds


def _run_cli(args: list[str]) -> tuple[int, float, float]:
    """(exit code, import seconds, work seconds) of ``dataaudit <args>`` through the console-script entry point."""

    def load():
        import dataaudit.cli

        return dataaudit.cli

    cli, import_seconds = _timed_import(load)
    sys.argv = ["dataaudit", *args]
    start = time.perf_counter()
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, import_seconds, time.perf_counter() - start


def load_peers_run():
    """bench/peers/run.py (stdlib only), loaded by path: ``import run`` would find bench/scale/run.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("peers_run", HERE.parent / "peers" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(task: str, csv: str, rundir: Path, timeout: float) -> dict[str, Any]:
    if task == "arrow-read":
        pacsv, import_seconds = _timed_import(lambda: __import__("pyarrow.csv", fromlist=["read_csv"]))
        start = time.perf_counter()
        table = pacsv.read_csv(csv)
        work = time.perf_counter() - start
        result = {"rows": table.num_rows, "nbytes": table.nbytes,
                  "schema": {f.name: str(f.type) for f in table.schema}}
        return {"import_seconds": import_seconds, "work_seconds": work, "exit_code": 0, "result": result}
    if task == "arrow-stream":
        pacsv, import_seconds = _timed_import(lambda: __import__("pyarrow.csv", fromlist=["open_csv"]))
        start = time.perf_counter()
        rows = batches = nbytes_max = 0
        for batch in pacsv.open_csv(csv):
            rows += batch.num_rows
            batches += 1
            nbytes_max = max(nbytes_max, batch.nbytes)
        work = time.perf_counter() - start
        return {"import_seconds": import_seconds, "work_seconds": work, "exit_code": 0,
                "result": {"rows": rows, "batches": batches, "largest_batch_nbytes": nbytes_max}}
    if task in ("scan", "scan-stream", "scan-dask"):
        engine = {"scan-stream": "stream", "scan-dask": "dask"}.get(task)
        code, import_seconds, work = _run_cli(scan_args(csv, rundir, stream=False, engine=engine))
        return {"import_seconds": import_seconds, "work_seconds": work, "exit_code": code,
                "result": {"report": str(rundir / "report.json")}}
    if task in ("fix", "fix-stream", "fix-dask"):
        engine = {"fix-stream": "stream", "fix-dask": "dask"}.get(task)
        code, import_seconds, work = _run_cli(fix_args(csv, rundir, engine=engine))
        out = rundir / "fixed.parquet"  # fix-dask: a directory of part files
        parts = sorted(out.glob("*.parquet")) if out.is_dir() else [out] if out.exists() else []
        result = {"output_bytes": sum(p.stat().st_size for p in parts) if parts else None}
        if out.is_dir():
            shutil.rmtree(out)  # only its size matters; a 10M-row output would fill the work dir
        elif out.exists():
            out.unlink()
        return {"import_seconds": import_seconds, "work_seconds": work, "exit_code": code, "result": result}
    if task.startswith("peer:"):
        peer = task.split(":", 1)[1]
        peers_run = load_peers_run()

        manifest = rundir / "peer-manifest.json"
        manifest.write_text(json.dumps([{"id": "data", "path": str(Path(csv).resolve()), "target": TARGET,
                                         "task": "classification"}]))
        out = rundir / f"peer-{peer}.json"
        start = time.perf_counter()
        doc = peers_run.run_peer(peer, manifest, out, timeout_s=timeout)
        wall = time.perf_counter() - start
        entry = doc["results"]["data"]
        tool, read = entry.get("seconds"), entry.get("read_seconds")
        work = (tool or 0.0) + (read or 0.0) if tool is not None and not entry.get("error") else None
        return {"import_seconds": None, "work_seconds": work, "exit_code": 0 if not entry.get("error") else 1,
                "result": {"peer_output": str(out), "version": doc.get("version"), "error": entry.get("error"),
                           "tool_seconds": tool, "read_seconds": read, "peer_wall_seconds": wall,
                           "alerts": len(entry.get("alerts", []))}}
    raise SystemExit(f"unknown task {task!r}")


def _peak_rss_self() -> int | None:
    """VmHWM of this process (Linux), to compare with the tree's peak the runner measured."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss_now() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task")
    parser.add_argument("--csv", required=True)
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--rundir", required=True, type=Path)
    parser.add_argument("--timeout", type=float, default=600.0, help="peers: run_peer's own timeout")
    args = parser.parse_args(argv)
    args.rundir.mkdir(parents=True, exist_ok=True)
    payload = {"task": args.task, **run(args.task, args.csv, args.rundir, args.timeout),
               "peak_rss_self_bytes": _peak_rss_self(), "rss_after_imports_bytes": RSS_AFTER_IMPORTS.get("bytes")}
    tmp = args.result.with_name(args.result.name + ".part")
    tmp.write_text(json.dumps(payload, default=str))
    os.replace(tmp, args.result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
