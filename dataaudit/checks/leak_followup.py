"""DA701's post-outcome fields: a time to the outcome, told by its name (``leak_names``) and by how it
separates the target's classes, by its ranks or by the shape of its distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ..analysis.measures import name_words
from ..analysis.profiling import ColumnProfile
from ..core import distance
from ._common import jsonable
from .leak_names import END_WORDS, post_outcome_cue

__all__ = ["POST_OUTCOME_MIN_ROWS", "START_NAMES", "INTERVAL_SHARE", "one_vs_rest_auc", "one_vs_rest_ks",
           "interval_start", "post_outcome"]


def one_vs_rest_auc(x: np.ndarray, labels: np.ndarray, k: int, min_rows: int) -> tuple[float | None, int]:
    """The strongest rank AUC (Mann–Whitney, ties averaged; folded, so 0.3 counts as 0.7) of ``x`` for one class
    against the others, over its finite values and the classes with ``min_rows`` rows on each side, and that
    class (for two classes, the one ``x`` is higher in); None when no class qualifies."""
    keep = np.isfinite(x)
    x, labels = x[keep], labels[keep]
    n = len(x)
    sizes = np.bincount(labels, minlength=k)
    ranks = pd.Series(x).rank(method="average").to_numpy()
    rank_sums = np.bincount(labels, weights=ranks, minlength=k)
    judged = (sizes >= min_rows) & (n - sizes >= min_rows)
    if not judged.any():
        return None, 0
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sums - sizes * (sizes + 1) / 2) / (sizes * (n - sizes))
    folded = np.where(judged, np.maximum(auc, 1 - auc), -1.0)
    best = int(np.argmax(folded + 1e-9 * (auc >= 0.5)))  # two classes tie: name the one x is higher in
    return float(folded[best]), best


POST_OUTCOME_MIN_ROWS = 5  # a follow-up's status class needs this many rows for its time to be judged


def post_outcome(col: ColumnProfile, target: str, numeric: pd.DataFrame, labels: np.ndarray, classes: np.ndarray,
                 min_auc: float, paired_auc: float, paired_p: float, min_rows: int) -> Hit | None:
    """A post-outcome field: a number named like a time to the outcome that separates a class of the target
    strongly (``min_auc``), or, beside a target named as a follow-up's status, at all: by its ranks
    (``paired_auc``) or by the shape of its distribution (a two-sample Kolmogorov–Smirnov test of one class
    against the rest at ``paired_p``). ``min_rows``: a class judged without a status pair has this many rows."""
    if not col.is_numeric_feature or col.name not in numeric.columns or col.numeric is None or not col.numeric.count:
        return None
    cue = post_outcome_cue(col.name, target, float(col.numeric.values[0]), numeric.columns)
    if cue is None:
        return None
    why, paired = cue
    paired = paired and col.distinct >= 5  # a time takes many values; a 0/1 flag with such a name is no time
    x = numeric[col.name].to_numpy(dtype=float)
    score, which = one_vs_rest_auc(x, labels, len(classes), POST_OUTCOME_MIN_ROWS if paired else min_rows)
    if score is None:
        return None
    shape, opened = None, interval_start(col.name, x, numeric) if paired else None
    if score < (paired_auc if paired else min_auc) and opened is None:
        shape = one_vs_rest_ks(x, labels, len(classes), POST_OUTCOME_MIN_ROWS) if paired else None
        if shape is None or shape[1] >= paired_p:
            return None
    evidence = {"score": jsonable(score), "metric": "rank AUC", "baseline": 0.5, "rows_used": len(labels),
                "kind": "post-outcome", "cue": why, "status_pair": paired}
    against = "" if len(classes) == 2 else " against the rest"
    pair = f", beside `{target}`, read as the follow-up's status (the time and the status of one outcome)" \
        if paired else ""
    if opened is not None and score < paired_auc:
        evidence["interval_start"] = opened
        how = (f"ends the interval `{opened}` opens in every row (the counting-process form, Surv({opened}, "
               f"{col.name}, {target}): the status is recorded at its end), though alone it barely separates the "
               f"classes of `{target}` (rank AUC {score:.3f})")
    elif shape is None:
        how = f"separates the classes of `{target}` (rank AUC {score:.3f} for class {str(classes[which])!r}" \
              f"{against}, chance 0.500)"
    else:
        d, p, which = shape
        evidence.update({"ks_distance": jsonable(round(d, 4)), "ks_p_below": paired_p})
        how = (f"is distributed differently in class {str(classes[which])!r} of `{target}`{against} "
               f"(Kolmogorov–Smirnov distance {d:.3f}, p < {paired_p:g}) though its ranks barely separate them "
               f"(rank AUC {score:.3f}): censoring ends one class's follow-ups at other times than the events")
    return Hit(col.name, f"{how} and {why}{pair}: likely recorded at or after the outcome (a post-outcome leak), "
               "unknown at prediction time", evidence, severity=Severity.MEDIUM)


#: the start of a counting-process interval, named wholly so (``start``, ``tstart``), beside its end (``stop``)
START_NAMES = frozenset({"start", "tstart", "entry", "enter", "begin", "tbegin"})
#: the share of rows in which the start must lie strictly before the end (it never lies after it)
INTERVAL_SHARE = 0.99


def interval_start(name: str, end: np.ndarray, numeric: pd.DataFrame) -> str | None:
    """The column that opens the interval a column named as an episode's end (``stop``, ``tstop``) closes: named
    as a start, never after the end and strictly before it in 99% of the rows where both are known (a
    counting-process table: each row one interval of a subject); None when there is none."""
    if not END_WORDS.intersection(name_words(name)) or "los" in name_words(name):
        return None
    for other in numeric.columns:
        if other == name or "".join(name_words(str(other))) not in START_NAMES:
            continue
        start = numeric[other].to_numpy(dtype=float)
        both = np.isfinite(start) & np.isfinite(end)
        if both.sum() >= POST_OUTCOME_MIN_ROWS and (start[both] <= end[both]).all() \
                and (start[both] < end[both]).mean() >= INTERVAL_SHARE:
            return str(other)
    return None


def one_vs_rest_ks(x: np.ndarray, labels: np.ndarray, k: int, min_rows: int) -> tuple[float, float, int] | None:
    """The two-sample Kolmogorov–Smirnov distance of ``x`` for one class against the others (its finite values,
    classes with ``min_rows`` rows on each side), as (distance, asymptotic p-value, class) for the class with
    the smallest p-value; None when no class qualifies."""
    keep = np.isfinite(x)
    x, labels = x[keep], labels[keep]
    order = np.argsort(x, kind="stable")
    x, labels = x[order], labels[order]
    best = None
    for c in range(k):  # one pass per class of the target (a handful), never per row
        inside = labels == c
        if min(int(inside.sum()), int((~inside).sum())) < min_rows:
            continue
        d, p = distance.ks(x[inside], x[~inside], int(inside.sum()), int((~inside).sum()))
        if best is None or p < best[1]:
            best = (d, p, c)
    return best
