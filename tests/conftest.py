"""Shared test helpers: write a frame as a CSV file and scan it; validate reports against the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from dataaudit.report import Report, report_schema

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


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
