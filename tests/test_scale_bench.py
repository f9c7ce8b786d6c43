"""The scale benchmark's harness (bench/scale/) cannot rot: generator, process-tree measurement, runner.

Tiny sizes only; the benchmark itself is `python bench/scale/run.py --rows 100000 1000000 10000000` (docs/scale.md).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

SCALE = Path(__file__).resolve().parent.parent / "bench" / "scale"


def _load(name: str):
    module_name = f"scale_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, SCALE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
run = _load("run")


def test_generator_is_chunked_deterministic_and_plants_what_the_manifest_says(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "CHUNK_ROWS", 1000)  # three chunks, the last one short
    manifest = generate.write(2500, 3, tmp_path / "a")
    again = generate.write(2500, 3, tmp_path / "b")
    assert Path(manifest["csv"]).read_bytes() == Path(again["csv"]).read_bytes()

    table = pacsv.read_csv(manifest["csv"])
    streamed = sum(b.num_rows for b in pacsv.open_csv(manifest["csv"]))  # types stay stable across blocks
    assert table.num_rows == streamed == 2500
    assert table.column_names == list(generate.COLUMNS)
    assert {p["column"] for p in manifest["planted"]} <= set(table.column_names)
    counts = manifest["counts"]
    assert table["age"].null_count == counts["age_missing"] == 50 + 50 + 25
    assert pc.sum(pc.equal(table["score"], "?")).as_py() == counts["score_tokens"] == 20 + 20 + 10
    assert pc.sum(pc.equal(table["tenure_months"], -999)).as_py() == counts["tenure_sentinel"]
    assert pc.count_distinct(table["customer_id"]).as_py() == 2500
    assert table["credit_score"].equals(table["credit_score_copy"])
    assert 0.05 < pc.mean(table["label"]).as_py() < 0.15
    assert generate.cached(2500, 3, tmp_path / "a") == manifest
    assert generate.cached(2500, 4, tmp_path / "a") is None


def test_measure_counts_the_whole_process_tree_and_kills_it_on_timeout(tmp_path):
    grandchild = "import time; b = b'x' * (150 * 2**20); time.sleep(0.3)"
    cmd = [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"]
    m = run.measure(cmd, timeout=60, rss_limit=2**40, stdout=tmp_path / "o", stderr=tmp_path / "e")
    assert m["exit_code"] == 0 and m["killed"] is None
    assert m["peak_rss_bytes"] > 150 * 2**20

    sleeper = [sys.executable, "-c", "import subprocess; subprocess.run(['sleep', '30'])"]
    m = run.measure(sleeper, timeout=0.5, rss_limit=2**40, stdout=tmp_path / "o", stderr=tmp_path / "e")
    assert m["killed"] == "timeout (0.5 s)" and m["wall_seconds"] < 10


@pytest.mark.parametrize("child, stderr, expected", [
    ({"exit_code": 0}, "", "ok"),
    ({"exit_code": 2}, "dataaudit: error: No such option: --engine", "not available"),
    ({"exit_code": 2}, "dataaudit: error: x.csv: malformed CSV", "error: exit 2"),
    ({}, "Traceback … MemoryError", "crashed"),
])
def test_classify_records_a_cli_without_the_stream_engine_as_not_available(child, stderr, expected):
    m = {"killed": None, "exit_code": 0 if child else 1}
    assert run.classify("scan-stream", m, child, stderr, 600).startswith(expected)


def test_runner_end_to_end_at_a_tiny_size(tmp_path):
    out, raw = tmp_path / "scale.md", tmp_path / "results.json"
    cmd = [sys.executable, str(SCALE / "run.py"), "--rows", "1500", "--repeat", "1", "--tasks", "arrow-read",
           "arrow-stream", "scan", "--peers", "none", "--workdir", str(tmp_path), "--out", str(out), "--json", str(raw)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(raw.read_text())
    size = results["sizes"][0]
    assert {t: s["status"] for t, s in size["tasks"].items()} == {"arrow-read": "ok", "arrow-stream": "ok",
                                                                  "scan": "ok"}
    assert size["arrow_table"]["nbytes"] > 0 and size["tasks"]["scan"]["rss_x_table"] > 0
    assert len(size["detection"]["scan"]["found"]) == len(generate.PLANTED)
    text = out.read_text()
    assert "Smoke run" in text and "| scan |" in text and "× Arrow table" in text
    assert (tmp_path / "scale_1500_seed0.results.json").exists()


def test_wide_table_is_seeded_cached_and_has_the_shape_asked():
    assert generate.wide_shape("5000x1000") == (5000, 1000)
    for bad in ("5000", "x10", "0x10", "ax3"):
        with pytest.raises(ValueError):
            generate.wide_shape(bad)


def test_runner_measures_a_tiny_wide_table(tmp_path):
    out, raw = tmp_path / "scale.md", tmp_path / "results.json"
    cmd = [sys.executable, str(SCALE / "run.py"), "--wide", "300x12", "--repeat", "1", "--tasks", "arrow-read",
           "scan", "--peers", "none", "--workdir", str(tmp_path), "--out", str(out), "--json", str(raw)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    size = json.loads(raw.read_text())["sizes"]
    assert len(size) == 1 and size[0]["rows"] == 300 and size[0]["wide"] == 14  # 12 features, the leak, the label
    assert {t: s["status"] for t, s in size[0]["tasks"].items()} == {"arrow-read": "ok", "scan": "ok"}
    assert size[0]["detection"] == {}
    manifest = generate.cached_wide(300, 12, 0, tmp_path)
    first = Path(manifest["csv"]).read_bytes()
    assert generate.ensure_wide(300, 12, 0, tmp_path) == (manifest, False)  # cached
    again, generated = generate.ensure_wide(300, 12, 0, tmp_path, force=True)
    assert generated and Path(again["csv"]).read_bytes() == first  # seeded
    assert generate.cached_wide(300, 12, 1, tmp_path) is None
    text = out.read_text()
    assert "300 rows × 14 columns (the wide table" in text and "scan within 4× arrow-read" in text
