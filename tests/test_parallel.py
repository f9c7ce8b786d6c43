"""core.parallel: the shared thread pool and the scan's BLAS on one thread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

import dataaudit
from dataaudit.analysis import pipeline
from dataaudit.core.parallel import blas_map, one_blas_thread, thread_map

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


def _blas_threads() -> list[int]:
    np.linalg.svd(np.eye(3))  # numpy's BLAS is loaded
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_thread_map_keeps_the_order():
    assert thread_map(lambda x: x * x, range(20)) == [x * x for x in range(20)]


def test_blas_map_gives_each_call_its_own_result_side_by_side_or_not():
    rng = np.random.default_rng(0)
    matrices = [rng.normal(size=(60, 40)) for _ in range(3)]
    alone = [np.linalg.svd(m, compute_uv=False) for m in matrices]
    with one_blas_thread():  # side by side on the pool, one BLAS thread each
        alone_one = [np.linalg.svd(m, compute_uv=False) for m in matrices]
        side = blas_map(lambda m: np.linalg.svd(m, compute_uv=False), matrices)
    serial = blas_map(lambda m: np.linalg.svd(m, compute_uv=False), matrices)  # BLAS's own threads: one by one
    assert all(np.array_equal(a, b) for a, b in zip(alone_one, side))
    assert all(np.array_equal(a, b) for a, b in zip(alone, serial))


def test_one_blas_thread_limits_and_restores():
    before = _blas_threads()
    with one_blas_thread():
        assert _blas_threads() and set(_blas_threads()) == {1}
    assert _blas_threads() == before


def test_the_scan_runs_its_checks_with_one_blas_thread(monkeypatch):
    seen: list[list[int]] = []
    real = pipeline.build_profile

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_profile", spy)
    before = _blas_threads()
    dataaudit.scan(str(SAMPLES / "mixed.csv"), target="churned")
    assert seen and all(set(threads) == {1} for threads in seen)
    assert set(_blas_threads()) == set(before)  # restored (the scan may load scipy's BLAS beside numpy's)


def test_the_probe_after_a_fix_runs_with_one_blas_thread(monkeypatch):
    import dataaudit.fixing.probe as fix_probe

    seen: list[list[int]] = []
    real = fix_probe.probe_frame

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(fix_probe, "probe_frame", spy)
    before = _blas_threads()
    result = dataaudit.fix(str(SAMPLES / "mixed.csv"), target="churned")
    assert result.after.probe is not None  # the probe ran, on the fixed rows
    assert len(seen) == 1 and set(seen[0]) == {1}
    assert set(_blas_threads()) == set(before)  # restored once the fix is done
