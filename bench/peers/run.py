"""Run the peer data-quality tools, each in its own virtual environment (stdlib only: importable from the main Python).

    from run import PEERS, available, run_peer        # with bench/peers on sys.path
    result = run_peer("deepchecks", "manifest.json", "out/peer-deepchecks.json")

    python bench/peers/run.py --manifest M.json --outdir DIR [--peers ydata-full deepchecks] [--timeout 900]

A manifest is a JSON list of ``{"id": str, "path": "<absolute csv path>", "target": "<column>" | null}``
(an optional ``"task": "classification" | "regression"`` is honoured by deepchecks and cleanlab). Each peer writes
``{"peer", "version", "results": {id: {"seconds", "error", "alerts": [{"family", "column", "alert", "detail"}],
"read_seconds", "notes"}}}``; see README.md in this folder. Set the environments up with ``bash setup.sh``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENVS = HERE.parent / ".venvs"

PEERS = ("ydata-minimal", "ydata-full", "deepchecks", "cleanlab")

# peer -> (venv folder, adapter script, extra arguments)
_SPEC: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ydata-minimal": ("ydata", "ydata_alerts.py", ("--mode", "minimal")),
    "ydata-full": ("ydata", "ydata_alerts.py", ("--mode", "full")),
    "deepchecks": ("deepchecks", "deepchecks_alerts.py", ()),
    "cleanlab": ("cleanlab", "cleanlab_alerts.py", ()),
}


def venv_python(peer: str) -> Path:
    if peer not in _SPEC:
        raise ValueError(f"unknown peer {peer!r}; one of {PEERS}")
    return VENVS / _SPEC[peer][0] / "bin" / "python"


def available(peer: str) -> bool:
    """The peer's virtual environment exists (bash bench/peers/setup.sh creates it)."""
    return venv_python(peer).exists()


def _manifest_ids(manifest_path: str | os.PathLike) -> list[str]:
    with open(manifest_path, encoding="utf-8") as fh:
        return [str(e["id"]) for e in json.load(fh)]


def _read(out_path: Path) -> dict[str, Any] | None:
    try:
        with open(out_path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _fill(peer: str, doc: dict[str, Any] | None, ids: list[str], error: str, seconds: float | None) -> dict[str, Any]:
    """Every manifest id gets an entry: the adapter's where it wrote one, else ``error``."""
    doc = doc or {"peer": peer, "version": None, "results": {}}
    results = doc.setdefault("results", {})
    for i in ids:
        if i not in results:
            results[i] = {"seconds": seconds, "error": error, "alerts": []}
    return doc


def run_peer(peer: str, manifest_path: str | os.PathLike, out_path: str | os.PathLike,
             timeout_s: float = 900) -> dict[str, Any]:
    """Run one peer on every file of the manifest in a subprocess with the peer's venv python.

    Returns the parsed output JSON (also left at ``out_path``). ``timeout_s`` bounds the whole run: on expiry the
    process group is killed, entries the adapter had finished (it rewrites ``out_path`` after each file) are kept
    and every other id gets ``"error": "timeout"``. A crash of the adapter gives every unfinished id the error
    ``"adapter exited with code N: <stderr tail>"``.
    """
    if peer not in _SPEC:
        raise ValueError(f"unknown peer {peer!r}; one of {PEERS}")
    _, script, extra = _SPEC[peer]
    python = venv_python(peer)
    ids = _manifest_ids(manifest_path)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.exists():
        out_path.unlink()  # never mistake a stale file for this run's output
    if not python.exists():
        doc = _fill(peer, None, ids, f"peer not set up: {python} missing (bash bench/peers/setup.sh)", None)
        _write(out_path, doc)
        return doc
    cmd = [str(python), str(HERE / script), "--manifest", str(Path(manifest_path).resolve()),
           "--out", str(out_path.resolve()), *extra]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the venv must not see the main interpreter's packages
    env.pop("PYTHONHOME", None)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("PYTHONHASHSEED", "0")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=str(HERE), start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        doc = _fill(peer, _read(out_path), ids, "timeout", None)
        doc["timeout_s"] = timeout_s
        _write(out_path, doc)
        return doc
    doc = _read(out_path)
    if proc.returncode != 0 or doc is None:
        tail = (stderr or "").strip().splitlines()[-5:]
        doc = _fill(peer, doc, ids, f"adapter exited with code {proc.returncode}: {' | '.join(tail)}"[:2000], None)
        _write(out_path, doc)
        return doc
    doc = _fill(peer, doc, ids, "no result written by the adapter", None)
    doc["wall_seconds"] = round(time.perf_counter() - started, 3)  # with the tool's import and the CSV reads
    _write(out_path, doc)
    return doc


def _write(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every available peer on a manifest")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--peers", nargs="*", default=list(PEERS), choices=PEERS)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for peer in args.peers:
        if not available(peer):
            print(f"{peer}: not set up (bash {HERE / 'setup.sh'})", file=sys.stderr)
            continue
        out = outdir / f"peer-{peer}.json"
        doc = run_peer(peer, args.manifest, out, timeout_s=args.timeout)
        res = doc["results"]
        errors = sum(1 for r in res.values() if r.get("error"))
        alerts = sum(len(r.get("alerts", [])) for r in res.values())
        secs = sum(r.get("seconds") or 0 for r in res.values())
        print(f"{peer} {doc.get('version')}: {len(res)} files, {alerts} alerts, {errors} errors, "
              f"{secs:.1f} s tool time, {doc.get('wall_seconds', '?')} s wall -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
