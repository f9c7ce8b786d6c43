"""DA7xx leakage: a feature that predicts the target almost perfectly, identifier columns, conflicting labels."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..findings import Category, GradientEffect, Hit, Severity
from ..profiling import ColumnProfile, DatasetProfile
from ..rules import check
from ._common import jsonable, pct

BINS = 20


def _bins(col: ColumnProfile, data: DatasetProfile) -> pd.Series | None:
    """The feature on the sample as a discrete key: quantile bins for numbers, the value for categories."""
    if col.is_numeric_feature and col.distinct > BINS:
        x = data.numeric_sample[col.name]
        finite = x.replace([np.inf, -np.inf], np.nan)
        edges = np.unique(np.nanquantile(finite, np.linspace(0, 1, BINS + 1)[1:-1])) if finite.notna().any() else []
        codes = np.searchsorted(edges, finite.to_numpy(), side="right").astype(float)
        codes[np.isnan(finite.to_numpy())] = -1
        return pd.Series(codes, index=x.index)
    if col.inferred_type in ("categorical", "boolean", "integer", "numeric", "datetime"):
        return data.sample[col.name].astype("str").fillna("<missing>")
    return None


def predictive_power(key: pd.Series, y: pd.Series, task: str) -> tuple[float, float]:
    """(score, baseline) of predicting y from the key alone, fitted on even rows, scored on odd rows.

    Classification: accuracy of the majority label per key vs the majority class.
    Regression: R² of the mean per key (baseline 0).
    """
    position = np.arange(len(key))
    fit, test = position % 2 == 0, position % 2 == 1
    frame = pd.DataFrame({"k": key.to_numpy(), "y": y.to_numpy()})
    if task == "classification":
        majority = frame["y"][fit].value_counts().idxmax()
        table = frame[fit].groupby(["k", "y"], sort=True).size().reset_index(name="n")
        table = table.sort_values(["k", "n", "y"], ascending=[True, False, True]).drop_duplicates("k")
        lookup = pd.Series(table["y"].to_numpy(), index=table["k"].to_numpy())
        predicted = frame["k"][test].map(lookup).fillna(majority)
        score = float((predicted.to_numpy() == frame["y"][test].to_numpy()).mean())
        baseline = float((frame["y"][test] == majority).mean())
        return score, baseline
    means = frame[fit].groupby("k")["y"].mean()
    predicted = frame["k"][test].map(means).fillna(frame["y"][fit].mean()).to_numpy()
    actual = frame["y"][test].to_numpy()
    total = float(((actual - actual.mean()) ** 2).sum())
    return (1.0 - float(((actual - predicted) ** 2).sum()) / total if total > 0 else 0.0), 0.0


@check("DA701", "target-leakage", Category.LEAKAGE, Severity.HIGH,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("drop",))
def target_leakage(data: DatasetProfile, *, min_score: float = 0.98) -> Iterator[Hit]:
    """A single feature predicts the target almost perfectly on held-out rows (accuracy or R² ≥ 0.98).

    Why it hurts training: the gradient follows the easiest signal, so the model puts its weight on the
    leaked column and learns little else; the leak is absent at prediction time, where accuracy collapses.

    How fix repairs it: drop removes the column, only with --drop-leaky, since dropping is a modelling decision.
    """
    y = data.target_sample
    if y is None or data.rows < 20:
        return
    known = y.notna()
    for col in data.features:
        if col.inferred_type in ("identifier", "constant", "empty", "text"):
            continue
        key = _bins(col, data)
        if key is None:
            continue
        score, baseline = predictive_power(key[known], y[known], data.target.task)
        if score < min_score or (1 - score) > 0.25 * (1 - baseline):
            continue
        what = "accuracy" if data.target.task == "classification" else "R²"
        yield Hit(col.name, f"predicts `{data.target.name}` alone with held-out {what} {score:.3f} "
                  f"(baseline {baseline:.3f}): likely leaked from the target",
                  {"score": jsonable(score), "metric": what, "baseline": jsonable(baseline),
                   "rows_used": int(known.sum())})


@check("DA702", "identifier-column", Category.LEAKAGE, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("drop",))
def identifier_column(data: DatasetProfile) -> Iterator[Hit]:
    """A column that identifies rows (unique keys, sequential numbers, UUIDs).

    Why it hurts training: the model can memorise rows through their IDs, and sequential IDs often encode
    collection time or order; the gradient fits a signal that will not hold on new rows.

    How fix repairs it: drop removes identifier columns.
    """
    for col in data.features:
        if col.inferred_type == "identifier":
            yield Hit(col.name, f"looks like a row identifier ({col.evidence.get('rule')}; "
                      f"{pct(col.evidence.get('distinct_ratio', 0))} distinct)", dict(col.evidence))


@check("DA703", "conflicting-labels", Category.LEAKAGE, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=())
def conflicting_labels(data: DatasetProfile, *, min_unique_share: float = 0.9) -> Iterator[Hit]:
    """Rows identical in every feature but with different target labels.

    Why it hurts training: the same input is pushed towards two answers, so their gradients cancel and the
    loss has a floor it cannot pass; often a sign of label noise or a join that duplicated rows.

    How fix repairs it: fix does not guess the right label; it reports the rows so they can be resolved.
    """
    if data.target is None or data.stats.target_hash is None or data.target.task != "classification":
        return
    frame = pd.DataFrame({"f": data.stats.row_hash, "t": data.stats.target_hash})
    if frame["f"].nunique() < min_unique_share * len(frame):
        return  # few distinct feature rows: conflicts are ordinary class overlap, not an error
    labels = frame.groupby("f")["t"].transform("nunique")
    conflicting = (labels > 1).to_numpy()
    count = int(conflicting.sum())
    if not count:
        return
    groups = int(frame["f"][conflicting].nunique())
    fraction = count / data.rows
    yield Hit(None, f"{count:,} rows ({pct(fraction)}) in {groups:,} groups share identical features but "
              "have different labels",
              {"count": count, "groups": groups, "fraction": jsonable(fraction),
               "examples": [{"row": int(r)} for r in np.flatnonzero(conflicting)[:5]]},
              severity=Severity.MEDIUM if fraction >= 0.01 else Severity.LOW)
