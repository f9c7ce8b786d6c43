"""Shared plumbing for the peer adapters (stdlib + pandas only; imported by each adapter in its own venv).

Every adapter is run as ``<venv python> <adapter>.py --manifest M.json --out OUT.json [...]``. It reads the
manifest (a JSON list of ``{"id", "path", "target", ["task"]}``), runs its tool on each CSV, normalises the
tool's alerts into ``{"family", "column", "alert", "detail"}`` dicts and writes

    {"peer": ..., "version": ..., "results": {id: {"seconds", "read_seconds", "error", "alerts", "notes"}}}

``seconds`` is the wall time of the tool's own work (the CSV read is timed apart, as ``read_seconds``; the
tool's import is outside both). ``notes`` lists what the tool could not run (e.g. a check that does not apply);
it is informational and never scored. The output is rewritten atomically (temp file + ``os.replace``) after
every entry, so a run killed by a timeout still leaves the entries it finished.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

FAMILIES = ("missing", "outliers", "imbalance", "encoding", "scale", "redundancy", "leakage")


def make_alert(family: str | None, column: Any, alert: str, detail: str = "") -> dict[str, Any]:
    if family is not None and family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    return {"family": family, "column": None if column is None else str(column), "alert": str(alert),
            "detail": " ".join(str(detail).split())[:300]}


def dedupe(alerts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeats of the same (family, column, alert), keeping the first one's detail."""
    seen, out = set(), []
    for a in alerts:
        key = (a["family"], a["column"], a["alert"])
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def write_json_atomic(path: str, obj: Any) -> None:
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, default=str, allow_nan=False)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_csv(path: str):
    import pandas as pd

    return pd.read_csv(path, encoding="utf-8", low_memory=False)


def target_task(df, target: str | None, given: str | None = None) -> str | None:
    """'classification' | 'regression' | None. The manifest's optional "task" wins; otherwise a numeric,
    non-integer-coded target with more than 20 distinct values is regression, anything else classification."""
    if target is None:
        return None
    if given in ("classification", "regression"):
        return given
    import pandas as pd

    y = df[target].dropna()
    if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y) and y.nunique() > 20:
        return "regression"
    return "classification"


Analyse = Callable[[Any, "str | None", dict, argparse.Namespace], "tuple[list[dict], list[str]]"]


def main(peer: str | Callable[[argparse.Namespace], str], version: str, analyse: Analyse,
         add_args: Callable[[argparse.ArgumentParser], None] | None = None, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run a data-quality peer on the CSVs of a manifest")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--out", required=True)
    if add_args:
        add_args(parser)
    args = parser.parse_args(argv)
    peer_name = peer(args) if callable(peer) else peer
    with open(args.manifest, encoding="utf-8") as fh:
        manifest = json.load(fh)
    doc: dict[str, Any] = {"peer": peer_name, "version": version, "results": {}}
    for entry in manifest:
        eid, path, target = str(entry["id"]), entry["path"], entry.get("target")
        res: dict[str, Any] = {"seconds": None, "read_seconds": None, "error": None, "alerts": [], "notes": []}
        try:
            t0 = time.perf_counter()
            df = read_csv(path)
            res["read_seconds"] = round(time.perf_counter() - t0, 4)
            if target is not None and target not in df.columns:
                raise KeyError(f"target column {target!r} not in {path}")
            t1 = time.perf_counter()
            try:
                alerts, notes = analyse(df, target, entry, args)
            finally:
                res["seconds"] = round(time.perf_counter() - t1, 4)
            res["alerts"] = dedupe(alerts)
            res["notes"] = list(notes)
        except Exception as exc:  # one bad file must not stop the run
            res["error"] = f"{type(exc).__name__}: {exc}"[:2000]
            res["alerts"] = []
            traceback.print_exc(file=sys.stderr)
        doc["results"][eid] = res
        print(f"[{peer_name}] {eid}: {res['seconds']} s, {len(res['alerts'])} alerts"
              + (f", ERROR {res['error'][:200]}" if res["error"] else ""), file=sys.stderr, flush=True)
        write_json_atomic(args.out, doc)
    write_json_atomic(args.out, doc)
    return 0
