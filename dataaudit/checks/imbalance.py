"""DA3xx imbalance: class imbalance, classes too rare to stratify or resample, skewed regression target."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.profiling import DatasetProfile
from ..analysis.rules import check
from ..core.measures import SMALL_TABLE_ROWS, is_skewed, skew_profile
from ..core.numfmt import num
from ._common import jsonable, pct

__all__ = ["SMOTE_MIN_ROWS", "class_imbalance", "rare_classes", "skewed_target", "too_few_rows"]

SMOTE_MIN_ROWS = 6  # SMOTE's default k_neighbors=5 needs 6 rows of a class


@check("DA301", "class-imbalance", Category.IMBALANCE, Severity.MEDIUM,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("resample",))
def class_imbalance(data: DatasetProfile, *, low_ratio: float = 3.0, medium_ratio: float = 5.0,
                    high_ratio: float = 20.0) -> Iterator[Hit]:
    """The target's majority class outnumbers its minority class (imbalance ratio ≥ 3), or only one class is present.

    Why it hurts training: each class contributes gradient in proportion to its rows, so the majority
    class dominates every update; the loss falls fastest by predicting the majority, and minority recall stalls.

    How fix repairs it: resample (random over-sampling, SMOTE or SMOTENC from imbalanced-learn) on the
    training data only.
    """
    if data.target is None or data.target.task != "classification":
        return
    classes = data.target.classes
    if len(classes) == 1:
        label = next(iter(classes))
        yield Hit(data.target.name, f"the target has a single class ({label!r}): there is nothing to learn",
                  {"classes": jsonable(classes)}, severity=Severity.CRITICAL)
        return
    if len(classes) < 2:
        return
    counts = list(classes.values())
    total = sum(counts)
    ratio = counts[0] / counts[-1]
    if ratio < low_ratio:
        return
    severity = Severity.HIGH if ratio >= high_ratio else Severity.MEDIUM if ratio >= medium_ratio else Severity.LOW
    majority, minority = list(classes)[0], list(classes)[-1]
    yield Hit(data.target.name,
              f"imbalance ratio {ratio:.1f}: class {majority!r} has {pct(counts[0] / total)} of rows, "
              f"class {minority!r} {pct(counts[-1] / total)}",
              {"imbalance_ratio": jsonable(ratio), "majority_share": jsonable(counts[0] / total),
               "minority_share": jsonable(counts[-1] / total), "class_counts": dict(list(classes.items())[:20])},
              severity=severity)


@check("DA302", "rare-classes", Category.IMBALANCE, Severity.HIGH,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("resample",))
def rare_classes(data: DatasetProfile, *, min_rows: int = SMOTE_MIN_ROWS) -> Iterator[Hit]:
    """Target classes with fewer than 6 rows: too rare to stratify 5-fold or to resample with SMOTE.

    Why it hurts training: a handful of rows gives the class almost no gradient, and its few examples
    are memorised rather than learned; SMOTE (k=5 neighbours) cannot synthesise from fewer than 6 rows.

    How fix repairs it: resample falls back to random over-sampling for such classes; collecting more
    rows or merging the class is better.
    """
    if data.target is None or data.target.task != "classification" or len(data.target.classes) < 2:
        return
    rare = {k: v for k, v in data.target.classes.items() if v < min_rows}
    if rare:
        listed = ", ".join(f"{k!r} ({v})" for k, v in list(rare.items())[:5])
        yield Hit(data.target.name, f"{len(rare)} class(es) have fewer than {min_rows} rows: {listed}",
                  {"classes": rare, "min_rows": min_rows})


@check("DA303", "skewed-target", Category.IMBALANCE, Severity.MEDIUM,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("target-transform",))
def skewed_target(data: DatasetProfile, *, min_skew: float = 2.0, min_tail_ratio: float = 4.0,
                  min_heap_share: float = 0.5) -> Iterator[Hit]:
    """A regression target with a heavy tail or extreme skew, or heaped at one end (cigarettes a day: 0 for the 62% who do not smoke).

    Heaped at one end: its smallest (or largest) value fills half of its rows or more (``min_heap_share``) while
    the rest spread over 10 values or more, whatever its skewness.

    Why it hurts training: squared-error gradients grow with the residual, so the few rows in the tail
    dominate the updates and the fit of the bulk suffers; the loss scale swings between batches.

    How fix repairs it: the target-transform step takes log1p of a non-negative target with a long upper tail,
    then standardises it (median, MAD); the recipe maps predictions back (``Recipe.inverse_target``). Absurd
    values are reported, and dropped with ``--drop-absurd-target``. A robust loss (Huber) helps too.
    """
    if data.target is None or data.target.task != "regression":
        return
    col = data.columns[data.target.name]
    prof = skew_profile(col.numeric) if col.numeric is not None else None
    if is_skewed(prof, min_skew, min_tail_ratio):
        yield Hit(col.name, f"the regression target is skewed (skewness {prof['skewness']:.1f}, "
                  f"tail ratio {num(prof['tail_ratio'])})", jsonable(prof))
        return
    heap = _end_heap(col.numeric, min_heap_share) if prof is not None else None
    if heap is not None:
        value, share = heap
        yield Hit(col.name, f"the regression target is heaped at one end: {num(value)} in {pct(share)} of its rows, "
                  f"the rest spread over {col.distinct - 1:,} values (skewness {prof['skewness']:.1f}); a squared "
                  "error is ruled by the heap (a model of zero or not, then of the amount, or a Poisson or "
                  "Tweedie loss, fits it)", jsonable({**prof, "heap_value": value, "heap_share": share}))


#: a target heaped at one end spreads its other rows over this many values (fewer: classes, not a quantity)
MIN_HEAP_VALUES = 10


def _end_heap(numeric, min_share: float) -> tuple[float, float] | None:
    """(value, share) when the commonest value of a numeric target is its smallest or largest and fills
    ``min_share`` of its values or more, with ``MIN_HEAP_VALUES`` other values; None otherwise."""
    values, counts = numeric.distinct()
    if values.size <= MIN_HEAP_VALUES or not counts.sum():
        return None
    top = int(np.argmax(counts))
    share = float(counts[top] / counts.sum())
    if share < min_share or top not in (0, values.size - 1):
        return None
    return float(values[top]), share


@check("DA304", "too-few-rows", Category.IMBALANCE, Severity.MEDIUM, effect=GradientEffect.SPURIOUS_SIGNAL)
def too_few_rows(data: DatasetProfile, *, min_rows: int = SMALL_TABLE_ROWS) -> Iterator[Hit]:
    """The table has fewer than 30 rows: too few for its statistics (robust z-scores, skewness, correlations,
    leaks, the gradient probe) to mean much.

    Below 10 values a column gets no outlier, skew or scale finding and its gradient risk is not measured;
    below 30 rows the gradient probe does not run. This finding says so once, instead of reporting noise.

    Why it hurts training: a model with more parameters than rows memorises them: every gradient step fits
    the few rows it has, and what it learns will not hold on new data.

    How fix repairs it: it cannot; collect more rows, or use a model with very few parameters.
    """
    if data.rows < min_rows:
        yield Hit(None, f"only {data.rows:,} rows: too few for the statistics (outliers, scale, leakage, the gradient "
                  "probe) to mean much; those that need more rows are not reported", {"rows": data.rows,
                                                                                   "min_rows": min_rows})
