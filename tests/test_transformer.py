"""FixTransformer in a scikit-learn Pipeline: one row out per row in, finite floats, named features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from dataaudit.transformer import FixTransformer

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def test_fix_transformer_in_a_pipeline():
    frame = pd.read_csv(SAMPLE / "mixed.csv")
    X, y = frame.drop(columns="churned"), frame["churned"]
    pipe = Pipeline([("fix", FixTransformer()), ("model", LogisticRegression(max_iter=500))]).fit(X[:1500], y[:1500])
    out = pipe.named_steps["fix"].transform(X[1500:])
    assert out.shape[0] == len(X) - 1500 and np.isfinite(out).all()
    assert len(pipe.named_steps["fix"].get_feature_names_out()) == out.shape[1]
    assert pipe.score(X[1500:], y[1500:]) > 0.85


def test_fix_transformer_keeps_duplicate_rows_and_handles_missing_columns():
    frame = pd.read_csv(SAMPLE / "missing.csv")
    X, y = frame.drop(columns="label"), frame["label"]
    fitted = FixTransformer().fit(X, y)
    doubled = pd.concat([X.head(50), X.head(50)]).drop(columns=[X.columns[0]])
    out = fitted.transform(doubled)
    assert out.shape == (100, len(fitted.get_feature_names_out())) and np.isfinite(out).all()
    assert any(X.columns[0] in note for note in fitted.log_)


def test_frames_with_nested_and_duration_columns_are_read_as_files_are():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "tags": [[1, 2], [3]] * 30,
                          "address": [{"floor": int(i % 4), "city": "Lyon"} for i in range(60)],
                          "wait": pd.to_timedelta(rng.integers(1, 600, 60), unit="s")})
    transformer = FixTransformer().fit(frame, rng.integers(0, 2, 60))
    names = list(transformer.get_feature_names_out())
    assert "tags" not in names and "address.floor" in names and "wait" in names  # lists left out, structs flattened
    out = transformer.transform(frame)
    assert out.shape == (60, len(names)) and np.isfinite(out).all()
