"""Shared test helpers: write a frame as a CSV file and scan it; validate reports against the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from dataaudit.analysis.report import Report, report_schema

_VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def write_csv(path: Path, frame: pd.DataFrame, encoding: str = "utf-8") -> Path:
    """Write ``frame`` the way a user's export would: no index, empty cells for missing values."""
    frame.to_csv(path, index=False, encoding=encoding, lineterminator="\n")
    return path


def assert_valid(report: Report) -> dict:
    """The report's JSON validates against the committed schema; returns the dict."""
    data = report.to_dict(include_timing=True)
    _VALIDATOR.validate(data)
    return data


def clean_frame(rng: np.random.Generator, n: int = 1000) -> pd.DataFrame:
    """Well-behaved features on similar scales, a consistent categorical and a noisy binary label."""
    a = np.clip(rng.normal(50, 10, n), 20, 80)
    b = np.clip(rng.normal(0, 1, n), -3, 3)
    c = rng.uniform(1, 10, n)
    d = rng.integers(0, 8, n)
    colour = rng.choice(["red", "green", "blue"], n)
    logit = 0.08 * (a - 50) + 0.8 * b + rng.normal(0, 1.5, n)
    label = (logit > 0.3).astype(int)
    return pd.DataFrame({"a": a.round(3), "b": b.round(4), "c": c.round(3), "d": d, "colour": colour, "label": label})


INTERNAL_ERROR = "dataaudit: internal error"


def _fail_on_internal_error(*outputs) -> None:
    for out in outputs:
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
        if isinstance(text, str) and INTERNAL_ERROR in text:
            line = next(line for line in text.splitlines() if INTERNAL_ERROR in line)
            pytest.fail(f"the command line reported a bug: {line}")


@pytest.fixture(autouse=True)
def _no_internal_error(monkeypatch):
    """'internal error' in any command-line output fails the test, whatever the test asserts: through click's
    CliRunner and through a subprocess whose output the test reads."""
    import subprocess

    from click.testing import CliRunner

    invoke, communicate = CliRunner.invoke, subprocess.Popen.communicate

    def checked_invoke(self, *args, **kwargs):
        result = invoke(self, *args, **kwargs)
        _fail_on_internal_error(result.output, getattr(result, "stderr_bytes", None) or b"")
        return result

    def checked_communicate(self, *args, **kwargs):
        out = communicate(self, *args, **kwargs)
        _fail_on_internal_error(*out)
        return out

    monkeypatch.setattr(CliRunner, "invoke", checked_invoke)
    monkeypatch.setattr(subprocess.Popen, "communicate", checked_communicate)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def imbalanced_frame(rng: np.random.Generator, n: int, missing_labels: int = 0) -> pd.DataFrame:
    """Three classes 70/20/10 (a, b, c) with a numeric, a skewed and a text feature; ``missing_labels``
    rows without a label: data the fix resamples."""
    label = rng.choice(np.array(["a", "b", "c"]), n, p=[0.7, 0.2, 0.1])
    frame = pd.DataFrame({"x": rng.normal(0, 1, n).round(3) + (label == "b"), "y": rng.lognormal(0, 1, n).round(3),
                          "colour": rng.choice(["red", "green", "blue"], n), "label": label})
    frame.loc[rng.choice(n, missing_labels, replace=False), "label"] = np.nan
    return frame


@pytest.fixture(scope="module")
def scheduler():
    """One local Dask cluster of two single-threaded worker processes per test module (starting one takes ~1 s)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      scheduler_kwargs={"dashboard": False}) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def small_blocks(monkeypatch):
    """16 KB Dask partitions (the plan is made on the client), so a sample file makes several of them."""
    from dataaudit.engines.dask import plan

    monkeypatch.setattr(plan, "BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(plan, "MIN_BLOCK_BYTES", 1 << 12)
