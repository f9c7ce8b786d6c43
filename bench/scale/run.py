"""Scale benchmark (issue 8): dataaudit scan/fix and the peers against pyarrow's CSV read, at N rows × 20 columns.

    python bench/scale/run.py --rows 100000 1000000 10000000 [--repeat 3] [--tasks ...] \
        [--peers ydata-minimal deepchecks] [--timeout 600] [--out docs/scale.md]
    python bench/scale/run.py --wide 5000x1000 --tasks arrow-read scan fix --peers none   (issue 20's wide table)

``--wide ROWSxCOLUMNS`` (with or without ``--rows``) adds issue 20's wide table: bench/html_wide.wide_frame(COLUMNS,
ROWS, seed) written as CSV by bench/scale/generate.py (seeded, cached like the others), its tasks run the same
way; it has no planted ground truth, so no detection is scored, and its goal is the issue's: scan within 4× the read.

For each size, bench/scale/generate.py writes (or reuses) a seeded mixed CSV with planted problems and its ground
truth. One unmeasured ``pyarrow.csv.read_csv`` warms the page cache and records the Arrow table's in-memory size
(``table.nbytes``). Then every task runs in a fresh process (bench/scale/tasks.py), round-robin across repeats
(A B C … A B C …, so drift in machine load hits every task alike):

  arrow-read    pyarrow.csv.read_csv                      the floor
  arrow-stream  pyarrow.csv.open_csv, iterate all batches the streaming floor
  scan          dataaudit scan (in-memory engine)
  scan-stream   dataaudit scan --engine stream            "not available" while the CLI rejects --engine
  scan-dask     dataaudit scan --engine dask              a local cluster of 2 worker processes (the dask extra)
  fix           dataaudit fix -o fixed.parquet
  fix-stream    dataaudit fix --engine stream -o fixed.parquet
  fix-dask      dataaudit fix --engine dask -o fixed.parquet  a partitioned Parquet directory; 2 local workers
  peer:<name>   a peer of bench/peers (ydata-minimal, deepchecks, …) in its own venv, with --timeout

Measured per run, by this process (stdlib only, so it stays small: a child inherits its parent's peak RSS as the
floor of ``ru_maxrss``): **wall** = from spawning the task process to reaping it (interpreter start and imports
included), **work** = the task's own timing of its work (imports excluded; for the CLI tasks, the call of the
console script's ``dataaudit.cli.main()``; for the peers, the adapter's CSV read + tool time), **peak RSS** = the
larger of (a) the largest sum of RSS over the task's whole process tree, polled from /proc every 20–100 ms, and
(b) ``ru_maxrss`` from ``os.wait4`` (the largest single process of the tree, exact). A task over ``--timeout`` (peers)
or ``--task-timeout`` (the rest), or whose tree exceeds ``--max-rss-gb``, is killed and recorded as such; a crash is
recorded with its last stderr line; nothing aborts the run. A peer that timed out, was killed or failed is skipped
at the later repeats and larger sizes.

Detection: dataaudit's findings and each peer's normalised alerts are scored against the planted ground truth with
bench/scoring.py (found = an alert of the planted family names the planted column; a false alarm = an alert of
severity ≥ medium, every peer alert, on a column where nothing is planted or tolerated).

Writes the raw results JSON (``--json``, default ``<workdir>/scale_results.json``, and
``<csv stem>.results.json`` next to each data file) and a Markdown report (``--out``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import scoring  # noqa: E402  (bench/scoring.py; stdlib only)


def _load(name: str, path: Path):
    """A sibling module under a unique name (``generate``/``tasks`` would clash with other scripts' modules)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("scale_generate", HERE / "generate.py")  # stdlib at import time, like tasks
task_module = _load("scale_tasks", HERE / "tasks.py")

SIZES_OF_THE_ISSUE = (100_000, 1_000_000, 10_000_000)
DEFAULT_TASKS = ("arrow-read", "arrow-stream", "scan", "scan-stream", "fix", "fix-stream")
DEFAULT_PEERS = ("ydata-minimal", "deepchecks")
PEER_DESCRIPTIONS = {
    "ydata-minimal": "ydata-profiling ProfileReport(df, minimal=True).get_description() (alerts; no HTML)",
    "ydata-full": "ydata-profiling ProfileReport(df) (lean: no interactions/missing diagrams/samples)",
    "deepchecks": "deepchecks data_integrity() suite (+ PercentOfNulls, ClassImbalance)",
    "cleanlab": "cleanlab Datalab default issue types",
}
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MB = 2**20


# --------------------------------------------------------------------------- measuring a process tree


def _children(pid: int) -> list[int] | None:
    """Direct children from /proc/<pid>/task/*/children (None when the kernel does not provide the file)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{tid}"):
                continue  # the thread ended
            return None
        except OSError:
            continue
    return out


def _children_by_scan() -> dict[int, list[int]]:
    """ppid -> pids over the whole /proc (fallback when the children files are missing)."""
    table: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        table.setdefault(ppid, []).append(int(name))
    return table


def process_tree(root: int) -> list[int]:
    """``root`` and all its live descendants."""
    tree, todo, scanned = [], [root], None
    while todo:
        pid = todo.pop()
        tree.append(pid)
        kids = _children(pid) if scanned is None else scanned.get(pid, [])
        if kids is None:
            scanned = _children_by_scan()
            kids = scanned.get(pid, [])
        todo += kids
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _kill_tree(root: int) -> None:
    for pid in reversed(process_tree(root)):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.killpg(root, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def measure(cmd: list[str], *, timeout: float, rss_limit: int, stdout: Path, stderr: Path,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` in its own session; wall time, peak RSS of its tree and how it ended."""
    polled = Path("/proc/self/statm").exists()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
        peak_tree, samples, killed = 0, 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if polled:
                total = sum(_rss(p) for p in process_tree(proc.pid))
                peak_tree, samples = max(peak_tree, total), samples + 1
                if total > rss_limit:
                    killed = f"killed: RSS of the process tree over {rss_limit / 2**30:.1f} GB"
            if killed is None and elapsed > timeout:
                killed = f"timeout ({timeout:g} s)"
            if killed:
                _kill_tree(proc.pid)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02 if elapsed < 2 else 0.1)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    ru_maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return {"wall_seconds": wall, "exit_code": proc.returncode, "killed": killed,
            "peak_rss_bytes": max(peak_tree, ru_maxrss), "tree_rss_peak_bytes": peak_tree if polled else None,
            "ru_maxrss_bytes": ru_maxrss, "rss_samples": samples}


def _self_rss() -> int:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# --------------------------------------------------------------------------- tasks


def child_env() -> dict[str, str]:
    """The checkout's dataaudit importable in the task process even if it is not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1].strip()[:300] if lines else ""


def run_once(task: str, csv: str, rundir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One measured run of ``task``; the result dict always has a ``status``."""
    rundir.mkdir(parents=True, exist_ok=True)
    result_path = rundir / "result.json"
    if result_path.exists():
        result_path.unlink()
    peer = task.startswith("peer:")
    timeout = args.timeout if peer else args.task_timeout
    cmd = [sys.executable, str(HERE / "tasks.py"), task, "--csv", csv, "--result", str(result_path),
           "--rundir", str(rundir), "--timeout", str(args.timeout)]
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    # the peer's own run_peer timeout fires first; this one is the guard
    m = measure(cmd, timeout=timeout + (60 if peer else 0), rss_limit=args.rss_limit, stdout=rundir / "stdout.txt",
                stderr=rundir / "stderr.txt", env=child_env())
    m["load_before"] = load_before
    child: dict[str, Any] = {}
    if result_path.exists():
        child = json.loads(result_path.read_text())
    m.update({k: child.get(k) for k in ("import_seconds", "work_seconds", "result", "rss_after_imports_bytes")})
    m["status"] = classify(task, m, child, _last_line(rundir / "stderr.txt"), args.timeout)
    return m


def classify(task: str, m: dict[str, Any], child: dict[str, Any], stderr_tail: str, peer_timeout: float) -> str:
    """How a run ended: ok, timeout, killed, crashed, error, or "not available" (a CLI without --engine stream)."""
    if m["killed"]:
        return m["killed"]
    if m["exit_code"] != 0 or not child:
        return f"crashed: exit {m['exit_code']}: {stderr_tail}"
    error = (child.get("result") or {}).get("error") if task.startswith("peer:") else None
    if error:
        return f"timeout ({peer_timeout:g} s)" if error == "timeout" else f"error: {error[:300]}"
    if child.get("exit_code") not in (0, None):
        if task in ("scan-stream", "scan-dask", "fix-dask") and child["exit_code"] == 2 and "engine" in stderr_tail.lower():
            return f"not available ({stderr_tail})"
        return f"error: exit {child['exit_code']}: {stderr_tail}"
    return "ok"


# --------------------------------------------------------------------------- detection


def _planted(manifest: dict[str, Any]) -> tuple[list[Any], dict[tuple[str, str | None], str]]:
    from types import SimpleNamespace

    planted = [SimpleNamespace(**p) for p in manifest["planted"]]
    truth = {(t["family"], t["column"]): t["why"] for t in manifest.get("tolerated", [])}
    return planted, truth


def _report(report_path: Path) -> dict[str, Any]:
    report = json.loads(report_path.read_text())
    return report[0] if isinstance(report, list) else report


def dataaudit_alerts(report_path: Path) -> list[scoring.Alert]:
    report = _report(report_path)
    return [scoring.Alert(f["category"], tuple(f.get("columns") or ([f["column"]] if f.get("column") else [])),
                          f["rule"], SEVERITY.get(f["severity"], 0)) for f in report["findings"]]


def peer_alerts(peer_output: Path) -> list[scoring.Alert]:
    doc = json.loads(peer_output.read_text())
    return scoring.peer_alerts(doc["results"]["data"])


def detection(manifest: dict[str, Any], alerts: list[scoring.Alert]) -> dict[str, Any]:
    planted, truth = _planted(manifest)
    score = scoring.score_file(alerts, planted, truth)
    rows = []
    for p, hit in score.found:
        by = sorted({a.name for a in alerts if a.family == p.family and p.column in a.columns})
        rows.append({"family": p.family, "column": p.column, "corruption": p.corruption, "found": hit, "by": by})
    return {"found": rows, "false_alarms": [{"family": a.family, "columns": list(a.columns), "alert": a.name}
                                            for a in score.false_alarms],
            "alerts": len(alerts), "unscored_alerts": sum(1 for a in alerts if a.family is None)}


# --------------------------------------------------------------------------- the run


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version(), "executable": sys.executable}
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        with open("/proc/meminfo") as fh:
            mem = dict(line.split(":", 1) for line in fh)
        info["ram_gb"] = round(int(mem["MemTotal"].split()[0]) / 2**20, 1)
    except (OSError, KeyError, ValueError):
        info["ram_gb"] = None
    try:
        with open("/proc/cpuinfo") as fh:
            models = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        info["cpu_model"] = models[0] if models else None
    except OSError:
        info["cpu_model"] = None
    versions = {}
    for dist in ("dataaudit", "pyarrow", "pandas", "numpy", "scipy", "scikit-learn"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    info["versions"] = versions
    info["git"] = _git_state()
    return info


def _git_state() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "dataaudit"], cwd=REPO, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + (" + uncommitted changes in dataaudit/" if dirty else "")


def arrow_table_info(manifest: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The Arrow table size of the file (recorded beside it); this unmeasured read also warms the page cache."""
    csv = Path(manifest["csv"])
    sidecar = csv.with_name(csv.stem + ".arrow.json")
    rundir = workdir / "runs" / f"{csv.stem}-warmup"
    result = rundir / "result.json"
    rundir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(HERE / "tasks.py"), "arrow-read", "--csv", str(csv), "--result",
                           str(result), "--rundir", str(rundir)], capture_output=True, text=True, env=child_env())
    if proc.returncode != 0:
        raise RuntimeError(f"pyarrow cannot read {csv}: {proc.stderr.strip()[-500:]}")
    info = json.loads(result.read_text())["result"]
    sidecar.write_text(json.dumps(info, indent=1) + "\n")
    return info


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        status = runs[-1]["status"] if runs else "not run"
        return {"status": status, "runs": len(runs), "ok_runs": 0}
    works = [r["work_seconds"] for r in ok if r.get("work_seconds") is not None]
    return {"status": "ok" if len(ok) == len(runs) else f"ok in {len(ok)} of {len(runs)} runs",
            "runs": len(runs), "ok_runs": len(ok),
            "wall_best": min(r["wall_seconds"] for r in ok), "walls": [round(r["wall_seconds"], 3) for r in ok],
            "work_best": min(works) if works else None,
            "import_best": min((r["import_seconds"] for r in ok if r.get("import_seconds") is not None), default=None),
            "peak_rss_bytes": max(r["peak_rss_bytes"] for r in ok),
            "peak_rss_bytes_min": min(r["peak_rss_bytes"] for r in ok)}


def run_size(rows: int, plan: list[str], args: argparse.Namespace, failed_peers: dict[str, str],
             available: dict[str, bool], wide: int | None = None) -> dict[str, Any]:
    """Every task of ``plan`` on the scale file of ``rows`` rows, or on the wide table of ``rows`` × ``wide``."""
    if wide is None:
        manifest, generated = generate.ensure(rows, args.seed, args.workdir)
    else:
        manifest, generated = generate.ensure_wide(rows, wide, args.seed, args.workdir)
    print(f"[{rows:,} rows] {'generated' if generated else 'reusing'} {manifest['csv']} "
          f"({manifest['bytes'] / MB:.1f} MiB)", flush=True)
    arrow = arrow_table_info(manifest, args.workdir)
    print(f"[{rows:,} rows] Arrow table: {arrow['nbytes'] / MB:.1f} MiB", flush=True)
    csv = manifest["csv"]
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in plan}
    skipped: dict[str, str] = {}
    unavailable: set[str] = set()
    for rep in range(args.repeat):
        for task in plan:
            peer = task[5:] if task.startswith("peer:") else None
            if peer and not available.get(peer, False):
                skipped[task] = f"not set up (bash bench/peers/setup.sh; {peer})"
                continue
            if peer and peer in failed_peers:
                skipped[task] = f"skipped: {failed_peers[peer]}"
                continue
            if task in unavailable:
                continue
            rundir = args.workdir / "runs" / f"{Path(csv).stem}-{task.replace(':', '-')}-{rep}"
            r = run_once(task, csv, rundir, args)
            r["repeat"] = rep
            r["rundir"] = str(rundir)
            runs[task].append(r)
            work = f", work {r['work_seconds']:.2f} s" if r.get("work_seconds") is not None else ""
            print(f"  [{rows:,}] {task:<20} run {rep + 1}/{args.repeat}: wall {r['wall_seconds']:.2f} s{work}, "
                  f"peak {r['peak_rss_bytes'] / MB:.0f} MiB  {r['status']}", flush=True)
            if r["status"].startswith("not available"):
                unavailable.add(task)
            if peer and r["status"] != "ok":  # a timeout, a kill or a crash would only repeat on more rows
                failed_peers[peer] = f"{r['status'][:120]} at {rows:,} rows"
    tasks_summary = {}
    for task in plan:
        s = summarise(runs[task]) if runs[task] else {"status": skipped.get(task, "not run"), "runs": 0, "ok_runs": 0}
        tasks_summary[task] = s
    base = tasks_summary.get("arrow-read", {})
    stream_base = tasks_summary.get("arrow-stream", {})
    for s in tasks_summary.values():
        if s.get("ok_runs"):
            s["wall_x_read"] = s["wall_best"] / base["wall_best"] if base.get("ok_runs") else None
            s["work_x_read"] = (s["work_best"] / base["work_best"]
                                if base.get("ok_runs") and s.get("work_best") is not None else None)
            s["wall_x_stream"] = s["wall_best"] / stream_base["wall_best"] if stream_base.get("ok_runs") else None
            s["work_x_stream"] = (s["work_best"] / stream_base["work_best"]
                                  if stream_base.get("ok_runs") and s.get("work_best") is not None else None)
            s["rss_x_table"] = s["peak_rss_bytes"] / arrow["nbytes"] if arrow.get("nbytes") else None
    # detection: the first successful run of each detecting task
    found: dict[str, Any] = {}
    for task in plan:
        ok = [r for r in runs[task] if r["status"] == "ok"]
        if not ok or not manifest["planted"]:  # the wide table plants nothing: speed only
            continue
        try:
            if task in ("scan", "scan-stream", "scan-dask"):
                report_path = Path(ok[0]["result"]["report"])
                found[task] = detection(manifest, dataaudit_alerts(report_path))
                found[task]["engine"] = _report(report_path)["dataset"].get("engine")  # what the scan says it used
            elif task.startswith("peer:"):
                found[task] = detection(manifest, peer_alerts(Path(ok[0]["result"]["peer_output"])))
                found[task]["version"] = ok[0]["result"].get("version")
        except (OSError, ValueError, KeyError) as exc:
            found[task] = {"error": f"{type(exc).__name__}: {exc}"}
    out = {"rows": rows, **({"wide": manifest["columns"]} if wide is not None else {}), "data": {k: manifest[k] for k in ("csv", "bytes", "rows", "columns", "seed", "generator_version",
                                                            "counts", "column_descriptions", "planted", "tolerated")},
           "arrow_table": arrow, "tasks": tasks_summary, "detection": found, "runs": runs}
    Path(csv).with_name(Path(csv).stem + ".results.json").write_text(json.dumps(out, indent=1, default=str) + "\n")
    return out


# --------------------------------------------------------------------------- the report


def _s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:,.0f}"


def _x(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}×" if x < 100 else f"{x:,.0f}×"


def _mb(b: int | None) -> str:
    return "–" if b is None else f"{b / MB:,.0f} MiB"


def _describe(task: str) -> str:
    if task.startswith("peer:"):
        return PEER_DESCRIPTIONS.get(task[5:], task[5:])
    return task_module.TASKS[task]


def _goal(ok: bool | None) -> str:
    return "–" if ok is None else "met" if ok else "**not met**"


def _not_slower(goal: str, task: dict[str, Any], baseline: dict[str, Any]) -> tuple[str, str, str]:
    """The goal row "``task`` takes no longer than ``baseline``", on the best wall and work times."""
    wall, work = task["wall_best"] / baseline["wall_best"], None
    if task.get("work_best") and baseline.get("work_best"):
        work = task["work_best"] / baseline["work_best"]
    return (f"{goal} (wall / work)", f"{_x(wall)} / {_x(work)}",
            f"{_goal(wall <= 1)} / {_goal(None if work is None else work <= 1)}")


def goals(size: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(goal, measured, verdict) rows for one size. The issue states them at 1M (scan, fix) and 10M (stream)."""
    t = size["tasks"]
    scan, stream, fix = t.get("scan", {}), t.get("scan-stream", {}), t.get("fix", {})
    dask = t.get("scan-dask", {})
    fix_stream = t.get("fix-stream", {})
    ydata = t.get("peer:ydata-minimal", {})
    out = []
    limit = 4 if size.get("wide") else 3  # issue 20: a wide table's scan within 4× its read
    if scan.get("ok_runs"):
        out.append((f"scan within {limit}× arrow-read (wall / work)",
                    f"{_x(scan['wall_x_read'])} / {_x(scan['work_x_read'])}",
                    f"{_goal(scan['wall_x_read'] <= limit)} / {_goal(scan['work_x_read'] <= limit)}"))
        out.append(("scan peak RSS within 3× the Arrow table", _x(scan["rss_x_table"]),
                    _goal(scan["rss_x_table"] <= 3)))
    if stream.get("ok_runs"):
        out.append(("scan --engine stream peak RSS < 1 GB", _mb(stream["peak_rss_bytes"]),
                    _goal(stream["peak_rss_bytes"] < 2**30)))
        out.append(("scan --engine stream within 3× arrow-stream (wall / work)",
                    f"{_x(stream['wall_x_stream'])} / {_x(stream['work_x_stream'])}",
                    f"{_goal(stream['wall_x_stream'] is not None and stream['wall_x_stream'] <= 3)} / "
                    f"{_goal(stream['work_x_stream'] is not None and stream['work_x_stream'] <= 3)}"))
    elif "scan-stream" in t:
        out.append(("scan --engine stream: peak RSS < 1 GB, within 3× arrow-stream", stream.get("status", "–"),
                    "–"))
    if dask.get("ok_runs") and scan.get("ok_runs"):
        out.append(_not_slower("scan --engine dask (2 local workers) not slower than scan", dask, scan))
    if fix.get("ok_runs"):
        out.append(("fix within 8× arrow-read (wall / work)", f"{_x(fix['wall_x_read'])} / {_x(fix['work_x_read'])}",
                    f"{_goal(fix['wall_x_read'] <= 8)} / {_goal(fix['work_x_read'] <= 8)}"))
    fix_dask = t.get("fix-dask", {})
    if fix_dask.get("ok_runs") and fix.get("ok_runs"):
        out.append(_not_slower("fix --engine dask (2 local workers) not slower than fix", fix_dask, fix))
    if fix_stream.get("ok_runs") and fix_stream.get("wall_x_read") is not None:  # no arrow-read at 10M
        out.append(("fix --engine stream within 8× arrow-read (wall / work)",
                    f"{_x(fix_stream['wall_x_read'])} / {_x(fix_stream['work_x_read'])}",
                    f"{_goal(fix_stream['wall_x_read'] <= 8)} / {_goal(fix_stream['work_x_read'] <= 8)}"))
    if scan.get("ok_runs") and ydata.get("ok_runs"):
        wall, work = ydata["wall_best"] / scan["wall_best"], None
        if ydata.get("work_best") and scan.get("work_best"):
            work = ydata["work_best"] / scan["work_best"]
        out.append(("scan ≥ 20× faster than ydata-minimal (wall / work)", f"{_x(wall)} / {_x(work)}",
                    f"{_goal(wall >= 20)} / {_goal(None if work is None else work >= 20)}"))
    elif "peer:ydata-minimal" in t and scan.get("ok_runs"):
        out.append(("scan ≥ 20× faster than ydata-minimal", f"ydata-minimal: {ydata.get('status')}",
                    "met (ydata did not finish)" if str(ydata.get("status", "")).startswith(("timeout", "killed"))
                    else "–"))
    d = size["detection"]
    if "scan" in d and "peer:ydata-minimal" in d and "found" in d["scan"] and "found" in d["peer:ydata-minimal"]:
        ours = sum(r["found"] for r in d["scan"]["found"])
        theirs = sum(r["found"] for r in d["peer:ydata-minimal"]["found"])
        n = len(d["scan"]["found"])
        out.append(("detection equal or better than ydata-minimal (planted found)", f"{ours}/{n} vs {theirs}/{n}",
                    _goal(ours >= theirs)))
    return out


def render(results: dict[str, Any]) -> str:
    info, args = results["machine"], results["args"]
    full = (sorted(args["rows"]) == list(SIZES_OF_THE_ISSUE) and args["repeat"] >= 3)
    lines = ["# Scale benchmark", ""]
    if not full:
        lines += [f"> **Smoke run** ({args['repeat']} repeat(s), {', '.join(f'{r:,}' for r in args['rows'])} rows): "
                  "it checks that the harness works end to end; it is not the issue's protocol. Rerun on a quiet "
                  "machine with `python bench/scale/run.py --rows 100000 1000000 10000000 --repeat 3 "
                  "--out docs/scale.md`.", ""]
    if args.get("note"):
        lines += [f"> {args['note']}", ""]
    lines += [
        "Issue 8's scale benchmark: a seeded mixed CSV of N rows × 20 columns with planted problems "
        "(bench/scale/generate.py), each task timed in a fresh process, round-robin across repeats "
        "(bench/scale/run.py). Ratios are to `pyarrow.csv.read_csv` of the same file (the floor) and to the Arrow "
        "table's in-memory size (`table.nbytes`).",
        "",
        "* **wall**: spawn to exit of the task's process, interpreter start and imports included (what a user "
        "waits for); best of the repeats. **work**: the same run timed inside the process, imports excluded "
        "(for `scan`/`fix`, the call of the console script's `dataaudit.cli.main()`; for the peers, the adapter's "
        "pandas CSV read + tool time). Ratios use wall/wall and work/work.",
        "* **peak RSS**: the larger of the polled sum of RSS over the task's process tree (every 20–100 ms; shared "
        "pages of several processes counted in each) and `ru_maxrss` of the tree; the largest over the repeats.",
        "* A peer that times out, is killed or fails is skipped at its later repeats and at larger sizes.",
        "",
        "## Machine",
        "",
        f"* {info.get('cpu_model') or 'CPU ?'}; {info['cpus']} cores"
        + (f" ({info['cpus_usable']} usable)" if info.get("cpus_usable") is not None else "")
        + f"; {info.get('ram_gb')} GB RAM; {info['platform']}",
        f"* Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v),
        "* peers: " + (", ".join(f"{p} {v}" for p, v in results.get("peer_versions", {}).items()) or "none"),
        f"* dataaudit checkout: {info.get('git') or '?'}",
        f"* load average (1 min) at start {results['load_start']:.2f}, at end {results['load_end']:.2f}; "
        f"started {results['started']}, took {results['seconds'] / 60:.1f} min",
        "",
        "Command (peers set up with `bash bench/peers/setup.sh ydata deepchecks`):",
        "",
        "```sh",
        results["command"],
        "```",
        "",
    ]
    if any(not size.get("wide") for size in results["sizes"]):
        data = next(size for size in results["sizes"] if not size.get("wide"))["data"]
        planted = {p["column"]: f"{p['family']}: {p['corruption']} ({p['detail']})" for p in data["planted"]}
        tolerated = {t["column"]: f"tolerated {t['family']}: {t['why']}" for t in data["tolerated"]}
        lines += ["## Data", "",
                  "bench/scale/generate.py (seeded, chunked; the ground truth is the `.manifest.json` beside the "
                  "CSV). One planted problem per column, scored by (family, column); a tolerated property may be "
                  "reported without counting as a false alarm.", "",
                  "| column | values | planted problem |", "|---|---|---|"]
        lines += [f"| {c} | {d} | {planted.get(c) or tolerated.get(c) or '–'} |"
                  for c, d in data["column_descriptions"].items()]
        lines.append("")
    for size in results["sizes"]:
        rows, data, arrow = size["rows"], size["data"], size["arrow_table"]
        title = " (the wide table: bench/html_wide.wide_frame)" if size.get("wide") else ""
        lines += [f"## {rows:,} rows × {data['columns']} columns{title}", "",
                  f"CSV {data['bytes'] / MB:,.1f} MiB (`{data['csv']}`, seed {data['seed']}); "
                  f"Arrow table {arrow['nbytes'] / MB:,.1f} MiB.", "",
                  "| task | wall (best) | × arrow-read | work (best) | × arrow-read | peak RSS | × Arrow table | status |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for task, s in size["tasks"].items():
            if s.get("ok_runs"):
                lines.append(f"| {task} | {_s(s['wall_best'])} s | {_x(s['wall_x_read'])} | "
                             f"{_s(s['work_best'])} s | {_x(s['work_x_read'])} | {_mb(s['peak_rss_bytes'])} | "
                             f"{_x(s['rss_x_table'])} | {s['status']} |")
            else:
                lines.append(f"| {task} | – | – | – | – | – | – | {s['status']} |")
        rows_goals = goals(size)
        if rows_goals:
            lines += ["", "Goals of the issue (stated for 1M rows: scan, fix, ydata; 10M rows: the stream engine):", "",
                      "| goal | measured | verdict |", "|---|---|---|"]
            lines += [f"| {g} | {m} | {v} |" for g, m, v in rows_goals]
        d = size["detection"]
        tools = [t for t in d if "found" in d[t]]
        if tools:
            lines += ["", "Detection of the planted problems (found = an alert of the planted family on the planted "
                      "column; bench/scoring.py):", "",
                      "| family | column | planted | " + " | ".join(tools) + " |",
                      "|---|---|---|" + "---|" * len(tools)]
            for i, p in enumerate(d[tools[0]]["found"]):
                cells = []
                for t in tools:
                    r = d[t]["found"][i]
                    cells.append(("✓ " + ", ".join(r["by"])) if r["found"] else "✗")
                lines.append(f"| {p['family']} | {p['column']} | {p['corruption']} | " + " | ".join(cells) + " |")
            lines += ["", "| tool | found | false alarms (alert: columns) | alerts (unscored) |", "|---|---:|---|---:|"]
            for t in tools:
                r = d[t]
                n, hit = len(r["found"]), sum(x["found"] for x in r["found"])
                fa = "; ".join(f"{a['alert']} ({a['family']}): {', '.join(a['columns']) or 'table'}"
                               for a in r["false_alarms"]) or "none"
                lines.append(f"| {t} | {hit}/{n} | {len(r['false_alarms'])}: {fa} | {r['alerts']} "
                             f"({r['unscored_alerts']}) |")
        lines.append("")
    lines += ["## Tasks", ""]
    for task in results["plan"]:
        lines.append(f"* `{task}`: {_describe(task)}")
    lines += ["", "Raw results (every run): `" + results["json"] + "`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", help="rows of each scale file [default: 100000, "
                        "none with --wide]")
    parser.add_argument("--wide", nargs="+", default=[], metavar="ROWSxCOLUMNS",
                        help="wide tables too (issue 20: 5000x1000), from bench/html_wide.wide_frame")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each task per size (fresh process each)")
    parser.add_argument("--tasks", nargs="*", default=list(DEFAULT_TASKS), choices=list(task_module.TASKS))
    parser.add_argument("--peers", nargs="*", default=list(DEFAULT_PEERS),
                        help="peers of bench/peers/run.py (ydata-minimal ydata-full deepchecks cleanlab), or none")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per peer run")
    parser.add_argument("--task-timeout", type=float, default=3600.0, help="seconds allowed per run of the other tasks")
    parser.add_argument("--max-rss-gb", type=float, default=None,
                        help="kill a task whose process tree exceeds this RSS [default: 85%% of RAM]")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=generate.DEFAULT_WORKDIR)
    parser.add_argument("--out", type=Path, help="Markdown report [default: <workdir>/scale.md]")
    parser.add_argument("--json", type=Path, help="raw results [default: <workdir>/scale_results.json]")
    parser.add_argument("--note", help="a line added at the top of the report")
    args = parser.parse_args(argv)

    peers = [p for p in (args.peers or []) if p != "none"]
    peers_run = task_module.load_peers_run()
    unknown = sorted(set(peers) - set(peers_run.PEERS))
    if unknown:
        parser.error(f"unknown peer(s) {unknown}; one of {', '.join(peers_run.PEERS)}")
    if args.rows is None:
        args.rows = [] if args.wide else [100_000]
    try:
        wide = [generate.wide_shape(w) for w in args.wide]
    except ValueError as exc:
        parser.error(str(exc))
    if args.repeat < 1 or any(r < 1 for r in args.rows):
        parser.error("--repeat and --rows must be positive")
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    out = args.out or args.workdir / "scale.md"
    json_path = args.json or args.workdir / "scale_results.json"
    info = machine_info()
    ram = (info.get("ram_gb") or 16) * 2**30
    args.rss_limit = int((args.max_rss_gb * 2**30) if args.max_rss_gb else 0.85 * ram)
    available = {p: peers_run.available(p) for p in peers}
    plan = list(args.tasks) + [f"peer:{p}" for p in peers]

    started, t0 = datetime.now(timezone.utc).isoformat(timespec="seconds"), time.perf_counter()
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    failed_peers: dict[str, str] = {}
    sizes = []
    for rows in sorted(args.rows):
        sizes.append(run_size(rows, plan, args, failed_peers, available))
    for rows, columns in wide:
        sizes.append(run_size(rows, plan, args, failed_peers, available, wide=columns))
    peer_versions = {}
    for size in sizes:
        for task, d in size["detection"].items():
            if task.startswith("peer:") and d.get("version"):
                peer_versions.setdefault(task[5:], d["version"])
    results = {
        "command": " ".join(shlex.quote(a) for a in [sys.executable.rsplit("/", 1)[-1], *sys.argv]),
        "args": {"rows": sorted(args.rows), "wide": list(args.wide), "repeat": args.repeat, "tasks": args.tasks, "peers": peers,
                 "timeout": args.timeout, "task_timeout": args.task_timeout, "rss_limit_bytes": args.rss_limit,
                 "seed": args.seed, "workdir": str(args.workdir), "note": args.note},
        "machine": info, "peer_versions": peer_versions, "plan": plan, "started": started,
        "seconds": time.perf_counter() - t0, "load_start": load_start,
        "load_end": os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"),
        "runner_peak_rss_bytes": _self_rss(), "json": str(json_path), "sizes": sizes,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results))
    print(f"wrote {out} and {json_path} (runner peak RSS {_self_rss() / MB:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
