"""DA7xx leakage: a feature that predicts the target almost perfectly, identifier columns, conflicting labels."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.measures import missing_indicator
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.rules import check
from ..core.hashing import duplicate_mask
from ._common import jsonable, pct, plural
from .leak_batch import balanced_accuracy, class_scores
from .leak_bounds import regression_bound
from .leak_chance import (
    MIN_CLASS_ROWS,
    MIN_SMALL_CLASS,
    PRESENCE_BA,
    SMALL_CLASS_P,
    missing_chance,
    separation_chance,
)
from .leak_change import target_change
from .leak_choice import chosen_alternative
from .leak_code import class_code
from .leak_combination import linear_combination
from .leak_compare import target_comparison
from .leak_followup import post_outcome
from .leak_forms import identifier_form
from .leak_keys import BINS, SPIKE_SHARE, as_numbers, feature_key
from .leak_logic import target_logic
from .leak_names import sibling_name
from .leak_product import bounded_by_leak, derived_from_leak, target_product
from .leak_ratio import target_ratio

__all__ = ["BINS", "SPIKE_SHARE", "as_numbers", "predictive_power", "MIN_CLASS_ROWS", "target_leakage", "class_code",
           "IMPLIED_EXPECTED", "IMPLIED_RANGE_SHARE", "implied_value",
           "rank_auc", "balanced_accuracy",
           "identifier_column", "conflicting_labels"]

def predictive_power(key: pd.Series, y: pd.Series, task: str) -> tuple[float, float]:
    """(score, baseline) of predicting y from the key alone, leave-one-out: each row is predicted from
    the other rows with the same key (every row is used, so a class of five rows is not lost to a split).

    Classification: accuracy of the majority label per key vs the majority class.
    Regression: R² of the mean per key (baseline 0).
    A key seen in no other row is predicted by the baseline, so unique values (IDs) earn nothing.
    """
    keys, _ = pd.factorize(key.to_numpy(), use_na_sentinel=False)
    n = len(keys)
    if n < 2:
        return 0.0, 0.0
    n_keys = int(keys.max()) + 1
    key_counts = np.bincount(keys, minlength=n_keys)
    alone = key_counts[keys] < 2
    if task == "classification":
        labels, classes = pd.factorize(y.to_numpy())
        k = len(classes)
        table = np.bincount(keys * k + labels, minlength=n_keys * k).reshape(n_keys, k)
        first, second = _top_two(table)
        totals = np.bincount(labels, minlength=k)
        g_first, g_second = _top_two(totals[None, :])
        pred = _leave_one_out(first[keys], second[keys], table, keys, labels)
        base = _leave_one_out(np.repeat(g_first, n), np.repeat(g_second, n), totals[None, :], np.zeros(n, int), labels)
        pred = np.where(alone, base, pred)
        return float((pred == labels).mean()), float((base == labels).mean())
    values = y.to_numpy(dtype=float)
    sums = np.bincount(keys, weights=values, minlength=n_keys)
    global_loo = (values.sum() - values) / (n - 1)
    loo = np.where(alone, global_loo, (sums[keys] - values) / np.maximum(key_counts[keys] - 1, 1))
    total = float(((values - values.mean()) ** 2).sum())
    return (1.0 - float(((values - loo) ** 2).sum()) / total if total > 0 else 0.0), 0.0


def _top_two(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a count table: the most frequent column and the runner-up (ties: lowest index)."""
    order = np.argsort(-table, axis=1, kind="stable")
    return order[:, 0], order[:, 1] if table.shape[1] > 1 else order[:, 0]


def _leave_one_out(first: np.ndarray, second: np.ndarray, table: np.ndarray, rows: np.ndarray,
                   labels: np.ndarray) -> np.ndarray:
    """The majority label of each row's group once the row itself is taken out."""
    c1 = table[rows, first]
    c2 = table[rows, second]
    own_is_first = labels == first
    drops = own_is_first & (c1 - 1 < c2)  # without this row, the runner-up leads
    return np.where(drops, second, first)


def _spearman_squared(x: np.ndarray, y: np.ndarray) -> float:
    """Squared Spearman rank correlation over the rows where both are finite (0 when undefined)."""
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 10:
        return 0.0
    rx = pd.Series(x[keep]).rank().to_numpy()
    ry = pd.Series(y[keep]).rank().to_numpy()
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1] ** 2)


def _first_copies(data: DatasetProfile, index: pd.Index) -> np.ndarray:
    """Mask over the sampled rows ``index``: True for the first copy of each distinct row (with its label)."""
    rows = index.to_numpy(dtype=np.int64)
    key = data.stats.row_hash[rows]
    if data.stats.target_hash is not None:
        key = key * np.uint64(0x9E3779B97F4A7C15) + data.stats.target_hash[rows]
    return ~pd.Series(key).duplicated().to_numpy()


@check("DA701", "target-leakage", Category.LEAKAGE, Severity.HIGH,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("drop",), on_sample=True)
def target_leakage(data: DatasetProfile, *, min_auc: float = 0.99, min_balanced_accuracy: float = 0.98,
                   min_score: float = 0.98, recoded_score: float = 0.95, post_outcome_auc: float = 0.9,
                   status_pair_auc: float = 0.6, status_pair_p: float = 0.001, implied_share: float = 0.1,
                   combination_r2: float = 0.999, weighted_sum_r2: float = 0.98, class_code_share: float = 0.99,
                   max_rows: int = 20_000) -> Iterator[Hit]:
    """A single feature predicts the target almost perfectly on its own, at any class balance (a class of five rows separated beyond chance included), its presence tells the outcome, a time to the outcome separates its classes or is spread differently in them, one value marks one class exactly, a number holds the value of the alternative the class chose, a feature is the target times another column, the target rescaled by another, the target the log of one feature over another, its change since the unit's other period, or a threshold, bound or part of the target, a two-class target says which of two features is larger, or a regression target is a linear combination of a few features (an exact one found among all of them).

    A feature is judged as a model would be on an imbalanced target, never by accuracy against the majority
    class: for a two-class target, a number by its rank AUC (≥ 0.99; 0.5 is chance), any feature as a key by
    the balanced accuracy of the class it points to, held out row by row (≥ 0.98; chance is 0.5 for two
    classes). Numbers become keys through value-aware bins: a value that fills 1% of the rows or more (a
    spike of zeros) is a bin of its own, the rest are quantile bins. A column's missingness is a key too:
    a field present only for one class is a leak. For several classes, the balanced accuracy of the key;
    a feature with no more distinct values than the target has classes (plus one) that points to the right
    class in 95% of rows is a recoding of the target with a few rows changed. For a regression target, the
    held-out R² of the key, or the squared Spearman correlation of a number (a monotone function of the target
    is a leak however it bends), ≥ 0.98. Measured on distinct rows: exact copies of a row would let a lookup
    "predict" each copy from the one it was fitted on.

    A class needs ten rows for these bars; a class of five rows or more counts when chance cannot explain it: a
    number putting every row of it beyond every other row (AUC 1.0), or a key telling exactly its rows, where a
    random draw would do so with a chance 2 / C(rows, class rows) below 1e-6 (8 losers of 186; not 5 of 20). A
    field recorded mostly for one class (severity medium) is a presence leak: its missingness has balanced accuracy
    ≥ 0.9 and a hypergeometric chance below 1e-6 (7 of 8 losers among 9 missing rows of 186), or it is present
    only in rows of one class, 20 of them or more, with a chance below 1e-5 (a diagnosis recorded for 43 cases and
    no control, whatever share of the cases it covers). A product of the
    target with another column (a class's indicator times another column in every row, zero in every other row
    though the factor is not in 30 of them: ``trre74`` = ``train`` × ``re74``) is a leak whatever it separates.
    So is (medium) a change whose end is a leaked column (``cvote`` = ``vote90`` - ``vote88``), not the other period.
    So is a two-class target that says which of two features is larger: among the eight numeric features that
    separate the classes best alone (each below the single-feature bar), a pair whose difference has rank AUC
    ≥ 0.995 (``favwin`` = ``favscr`` > ``undscr``, final scores beside who won); both columns are named. So is
    (severity high) a two-class target that is the OR or the AND of two 0/1 features in every row, each adding five
    rows or more the other does not mark (``event`` = ``died`` OR ``relapsed``): each flag is part of the label.
    So is (severity high) an identifier or free text whose form (digits as 9, letters as a) tells the class as a
    key of two to twenty forms (balanced accuracy ≥ 0.98): sample ids 'Grid A3' for every case and '2341.00' for
    every control, controls' ids prefixed with N.
    Beside a target with an order (a regression or a count): a threshold of it (at most ten values, each of five
    rows or more, taking disjoint ranges of the target beyond chance: ``lbw`` = ``bwght`` ≤ 2000), a bound of it
    (medium: never past the target, equal to it in 80% of the rows and of those off its commonest value: ``ceb``,
    children ever born, beside those alive), a part of it or the target with a part added (medium: never past
    the target, equal to it in 20% of the rows and of those off its commonest value, Spearman ≥ 0.5: ``nfarr86``,
    felony arrests, beside all arrests; ``slpnaps``, sleep with naps; an honest bound such as age above the years of
    schooling is never equal to it), or a field missing only where the target takes one value (medium:
    covering half its rows or more, beyond chance: ``agefbrth`` missing for women with no child).

    A post-outcome field (severity medium): a number that separates a two-class target strongly but not
    perfectly (rank AUC ≥ 0.9) and whose name says what it is: a non-negative duration (a word such as time,
    days, duration, follow-up, survival or spell: the days to the event or to censoring, which end at the
    outcome), the target's own name inside its name (``edrel`` beside ``rel``, ``days_to_churn`` beside
    ``churn``), or the later of a pre/post pair (``postrpi``, a rating after the tournament, beside ``prerpi``). Data
    alone cannot tell such a field from an honest strong feature, so a strong feature with a plain name
    (``age``, ``income``, a lab value) is never called one. Beside a target named as a follow-up's status
    (``status``, ``death``, ``died``, ``cens``, ``pgstat``), a duration or an episode's end (``time``, ``futime``,
    ``los``: a length of stay, ``tstop``: the end of an interval, ``pgtime`` beside ``pgstat``) is the time of the
    same outcome (R's Surv(time, status)): it is called one as soon as it separates a class at all (rank AUC
    ≥ 0.6, one class against the rest, classes of five rows or more), or when its distribution differs in shape
    between a class and the rest (a two-sample Kolmogorov–Smirnov test, p < 0.001: the events' times spread
    while the censored follow-ups bunch at the study's end, at a rank AUC near chance), which keeps quiet a
    planned follow-up unrelated to the outcome, a time at entry (``diagtime``) and a lab value in seconds
    (``protime``: not a duration word). A column named wholly as a follow-up time (``time``, ``futime``,
    ``survtime``, ``tstop``) is read so beside any two-class target (``time`` beside ``rinfct``, a reinfection),
    and so is a time coded as the target's indicator is (``T3`` beside ``D3``, KMsurv's pairs); a time coded as
    another event's (``T1`` beside ``D3``: excision, which runs to the end of follow-up when it is not seen) is
    judged as a duration beside no status (rank AUC ≥ 0.9). The end of a counting-process interval beside its
    status (``stop`` after a ``start`` that lies before it in 99% of the rows and never after it: Surv(start,
    stop, event), the status recorded at the stop) is called one whatever it separates. ``days`` alone, or
    ``stop`` beside no status, is not read as a follow-up (days past due; a stop number).

    A field implied by the target (severity medium): in a column named as a sibling of the target (the target's
    name inside its own, the target's name with another first letter: ``p401k``, participation, beside
    ``e401k``, eligibility, or with another number: ``censor2``, another end of the spell, beside ``censor1``), a
    value that a tenth of one class's rows hold (a range of a number's values: half of them) and no row of another
    class does, where an unrelated column would put 30 rows of the others or more: it can take that value only
    for that class.

    A value that marks one class of a target of three classes or more: 99% of that class's rows hold it and 99%
    of the rows holding it are of that class (``upper`` = 999, "right-censored", in exactly the rows answering
    yes twice), so the column tells that class however its other values mix the rest. (With two classes such a
    value is a key of balanced accuracy ≥ 0.98, found as such.)

    The value of the alternative chosen (severity medium): a number equal, in 95% of the rows, to one of three or
    more other columns (``price`` beside ``pbeach``, ``ppier``, ``pboat``, ``pcharter``), where which one it equals
    follows the class (in the rows only one of them matches, 90% of each class's rows take that class's own): the
    price of the mode chosen, known once the choice is made. The cheapest or dearest of them is not one.

    A regression target computed from features (severity high): a least-squares fit of the target on two to
    four numeric features explains it almost exactly (R² ≥ 0.999 on the sampled rows, with an intercept), a
    total beside its parts or a mean beside the values averaged (``Price`` = (``Min.Price`` + ``Max.Price``)/2).
    An exact one (1 − R² ≤ 10⁻⁹, DA607's dependency search with the target last, gaps mean-filled) is found among
    all numeric features however weakly each goes with the target alone (``sleep`` = 10080 − ``leis1`` −
    ``totwrk``); otherwise the candidates are the six features most correlated with the target that no other
    DA701 finding names; honest strong features leave far more unexplained (a fit with R² 0.9 is a good model, not
    a leak). A weighted sum of parts (severity medium) reaches the single-feature bar, R² ≥ 0.98, with every weight
    of one sign and no part explaining more than 90% of the target alone: calories from protein, fat and
    carbohydrates, each weak alone and rounded on the label. A fit carried by one strong feature (r² > 0.9) is that
    feature refined, and mixed signs are a model's trade-offs: those need the exact bar. A feature that is the
    target rescaled by another column leaks it too (high): the target times, over or times a power of it, within 2%
    in 95% of the rows (``sales`` = ``tsales`` / ``ssize``), that column over the target (``bs`` = ``avgben`` /
    ``avgsal``), or the target's log plus a multiple of it (``lrprice``); each pair once, its quotient named as the
    leak; a target that is the log of one feature over another (``y1`` = log(``v1`` / ``v3``)) names both. In a
    panel, a feature equal to the target (or its log) minus its value in another row of the same unit (an identifier
    that repeats), in 95% of the rows where both are known (``ctrmgpa``, this term's GPA minus the fall's;
    ``clcrmrte``), leaks it with those rows (high), named with the unit. Beside a two-class or multi-class target, a
    column of 10 values or more that never passes a leaked one and equals it in a fifth of the rows (a competing
    event's time cut off at the end of the follow-up, ``ta`` beside ``t1``) carries the leak (medium).

    Why it hurts training: the gradient follows the easiest signal, so the model puts its weight on the
    leaked column and learns little else; the leak is absent at prediction time, where accuracy collapses.

    How fix repairs it: drop removes the column, only with --drop-leaky, since dropping is a modelling decision.
    """
    y = data.target_sample
    if y is None or data.rows < 20:
        return
    y = y[_first_copies(data, y.index)]  # duplicated rows would let a lookup "predict" their copies
    step = max(1, len(y) // max_rows)  # the row sample is random, so every k-th sampled row is too
    y = y.iloc[::step]
    y = y[y.notna()]
    numeric = data.numeric_sample.loc[y.index]
    classification = data.target.task == "classification"
    labels, classes = pd.factorize(y.to_numpy()) if classification else (None, None)
    # the target as numbers when it has an order: a regression's, or a count read as three classes or more
    ordered = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float) if not classification or len(classes) > 2 \
        else None
    if ordered is not None and not np.isfinite(ordered).all():
        ordered = None
    leaked = set()
    judged = [c for c in data.features if c.inferred_type not in ("identifier", "constant", "empty", "text")]
    sample = measured = None
    if classification and len(classes) >= 2:  # every feature's measures at once, on one cut of the sample
        sample = data.sample.loc[y.index]
        measured = class_scores(judged, data, y.index, numeric, sample, labels, len(classes), SMALL_CLASS_P)
    for col in judged:
        if classification:
            hit = _classification_leak(col, data, y.index, numeric, labels, np.asarray(classes, dtype=str),
                                       min_auc, min_balanced_accuracy, recoded_score, measured, sample)
            if hit is None and len(classes) > 2:
                code = class_code(col, data, y.index, labels, np.asarray(classes, dtype=str), class_code_share)
                if code is not None:
                    leaked.add(col.name)
                    yield code
                    continue
            if hit is None:
                implied = implied_value(col, data, y.index, numeric, labels, np.asarray(classes, dtype=str),
                                        implied_share)
                if implied is not None:
                    yield implied
                    continue
                post = post_outcome(col, data.target.name, numeric, labels, np.asarray(classes, dtype=str),
                                    post_outcome_auc, status_pair_auc, status_pair_p, MIN_CLASS_ROWS)
                if post is not None:
                    leaked.add(col.name)
                    yield post
                    continue
        else:
            hit = _regression_leak(col, data, y, numeric, min_score)
        if hit is None and ordered is not None:
            bound = regression_bound(col.name, numeric[col.name].to_numpy(dtype=float) if col.name in numeric.columns
                                     else None, missing_indicator(col, data.sample.loc[y.index, col.name])
                                     if col.name in data.sample.columns else None, ordered, data.target.name)
            if bound is not None:
                leaked.add(col.name)
                yield bound
                continue
        if hit is not None:
            leaked.add(col.name)
            what, score, baseline, detail = hit
            partial = what == "balanced accuracy of its missingness" and score < min_balanced_accuracy
            yield Hit(col.name, f"predicts `{data.target.name}` alone: {what} {score:.3f} (chance {baseline:.3f})"
                      f"{detail}" + (": the field is recorded mostly for one class, far beyond chance (a presence "
                                     "fixed by the outcome), likely recorded after it" if partial else
                                     ": likely leaked from the target"),
                      {"score": jsonable(score), "metric": what, "baseline": jsonable(baseline),
                       "rows_used": len(y)}, severity=Severity.MEDIUM if partial else None)
    flags = [c.name for c in data.features if c.numeric is not None and c.distinct > 1]  # 0/1 flags too
    if classification:
        names = [c.name for c in data.features if c.is_numeric_feature and c.distinct > 1]
        yield from chosen_alternative(names, numeric, labels, np.asarray(classes, dtype=str), data.target.name, leaked)
        yield from target_product(flags, numeric, labels, np.asarray(classes, dtype=str), data.target.name, leaked)
        yield from target_comparison([c.name for c in data.features if c.is_numeric_feature and c.distinct > 2],
                                     numeric, labels, np.asarray(classes), data.target.name, leaked, min_auc)
        yield from target_logic([f for f in flags if data.columns[f].distinct == 2], numeric, labels,
                                np.asarray(classes), data.target.name, leaked)
        if sample is not None:  # two classes or more
            texts = [c.name for c in data.features if c.inferred_type in ("identifier", "text")
                     and c.stats.kind == "string"]
            yield from identifier_form(texts, sample, labels, np.asarray(classes), data.target.name,
                                       min_balanced_accuracy, leaked)
    else:
        combination = linear_combination(data, y, numeric, leaked, combination_r2, weighted_sum_r2)
        if combination is not None:
            yield combination
        for ratio in target_ratio(flags, numeric, pd.to_numeric(y, errors="coerce").to_numpy(dtype=float),
                                  data.target.name, leaked, {c.name: c.distinct for c in data.features}):
            leaked.add(ratio.column)
            yield ratio
        units = {c.name: pd.factorize(data.sample.loc[y.index, c.name])[0] for c in data.features
                 if c.inferred_type == "identifier" and c.distinct < c.nonmissing and c.name in data.sample.columns}
        yield from target_change(flags, numeric, y.to_numpy(dtype=float), units, data.target.name, leaked)
    yield from derived_from_leak(flags, numeric, sorted(leaked), data.target.name)
    if classification:  # in a regression a part of the target is below it too: judged by leak_bounds
        yield from bounded_by_leak(flags, numeric, sorted(leaked), data.target.name)


IMPLIED_EXPECTED = 30  # rows of the other classes a value would hold if it were unrelated to the target
IMPLIED_RANGE_SHARE = 0.5  # a range of a number's values (a quantile bin) must hold half its class: a tail is no value


def implied_value(col: ColumnProfile, data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame,
                  labels: np.ndarray, classes: np.ndarray, min_recall: float) -> Hit | None:
    """In a column named as a sibling of the target (``sibling_name``), a value (a value-aware bin of a number) that
    ``min_recall`` of one class's rows hold and no row of any other class does, where an unrelated column would put
    ``IMPLIED_EXPECTED`` rows or more of the others on it (a range of a number's values: ``IMPLIED_RANGE_SHARE`` of
    the class, since the tail of an honest strong number is one class's too): the column can take that value only
    for that class, a
    consequence of the label (a participation that requires the eligibility being predicted). The name is needed:
    an honest strong flag can be one-sided too (a region where only one answer is ever given). Judged over classes
    of ``MIN_CLASS_ROWS`` rows or more."""
    cue = sibling_name(col.name, data.target.name)
    key = feature_key(col, data, index, numeric) if cue is not None else None
    if key is None:
        return None
    keys, values = pd.factorize(key.to_numpy(), use_na_sentinel=False)
    k, n_keys = len(classes), len(values)
    if n_keys < 2:
        return None
    table = np.bincount(keys * k + labels, minlength=n_keys * k).reshape(n_keys, k)
    per_class, per_value = table.sum(axis=0), table.sum(axis=1)
    pure = (table == per_value[:, None]) & (per_value[:, None] > 0)
    expected = per_value[:, None] * (1 - per_class[None, :] / len(labels))
    recall = table / np.maximum(per_class[None, :], 1)
    ranged = col.distinct > BINS and col.is_numeric_feature  # the keys are bins: quantile ranges, then spikes
    ranges = np.array([ranged and int(value) < BINS + 1 for value in values])  # one per key, not per row
    share = np.where(ranges, max(min_recall, IMPLIED_RANGE_SHARE), min_recall)[:, None]
    ok = pure & (expected >= IMPLIED_EXPECTED) & (recall >= share) & (per_class[None, :] >= MIN_CLASS_ROWS) \
        & (len(labels) - per_class[None, :] >= MIN_CLASS_ROWS)
    if not ok.any():
        return None
    v, c = np.unravel_index(int(np.argmax(np.where(ok, recall, -1.0))), ok.shape)
    value = values[v]
    if ranged:
        shown = "a range of its values" if ranges[v] else "one of its values"
    else:
        shown = "missing" if value == "<missing>" else f"the value {str(value)!r}"
    return Hit(col.name, f"{shown} marks class {str(classes[c])!r} of `{data.target.name}` one way: {int(table[v, c]):,} "
               f"rows hold it ({recall[v, c]:.0%} of the class) and not one row of another class, where an unrelated "
               f"column would put about {int(round(expected[v, c])):,} there, and {cue}: the column follows from the "
               "target (a field that can take this value only for that class, such as a participation that requires "
               "the eligibility predicted), likely recorded after it", {
                   "kind": "implied-by-target", "cue": cue, "metric": "share of the class holding a value no other class holds",
                   "score": jsonable(float(recall[v, c])), "baseline": 0.0, "class": str(classes[c]),
                   "expected_other_rows": jsonable(float(expected[v, c])), "rows_used": int(len(labels))},
               severity=Severity.MEDIUM)


COUNT_CLASSES = 5  # whole-number target values from which a target is a count (DA703)
PRESENCE_ONLY_ROWS = 20  # rows where a field present for one class only is present, at least
PRESENCE_ONLY_P = 1e-5  # the hypergeometric chance of so many present rows all in that class, at most


def _classification_leak(col: ColumnProfile, data: DatasetProfile, index: pd.Index, numeric: pd.DataFrame,
                         labels: np.ndarray, classes: np.ndarray, min_auc: float, min_ba: float,
                         recoded_score: float, measured: tuple[dict, dict] | None = None,
                         sample: pd.DataFrame | None = None) -> tuple[str, float, float, str] | None:
    """``measured``: every feature's rank AUC and key balanced accuracy (``leak_batch.class_scores``), when they were
    computed together; ``sample``: the raw sample cut to ``index``."""
    k = len(classes)
    if k < 2:
        return None
    chance = 1.0 / k
    # missing as repair leaves it (tokens such as 'N/A' included): what a missing indicator of the column would show
    raw = (data.sample.loc[index, col.name] if sample is None else sample[col.name]) \
        if col.name in data.sample.columns else None
    missing = missing_indicator(col, raw) if raw is not None else None
    if missing is not None and 0 < missing.sum() < len(missing):
        # a small class (five rows or more) counts when its missingness could hardly fall so by chance
        scores = [balanced_accuracy(missing.astype(np.int64), labels, k, min_rows=r) for r in (MIN_SMALL_CLASS,
                                                                                              MIN_CLASS_ROWS)]
        unlikely = max(scores) >= PRESENCE_BA and missing_chance(missing, labels, k) < SMALL_CLASS_P
        score = scores[0] if unlikely else scores[1]
        # present only in one class's rows, more of them than chance would put there (a diagnosis for cases only)
        only = (~missing).sum() >= PRESENCE_ONLY_ROWS and np.unique(labels[~missing]).size == 1 \
            and missing_chance(~missing, labels, k) < PRESENCE_ONLY_P
        if score >= min_ba or (score >= PRESENCE_BA and unlikely) or only:
            present = np.bincount(labels[~missing], minlength=k) / np.maximum(np.bincount(labels, minlength=k), 1)
            which = str(classes[int(np.argmax(present))])
            return ("balanced accuracy of its missingness", score, chance,
                    f"; present for {present.max():.0%} of class {which!r} and {np.sort(present)[-2]:.0%} of the rest")
    if k == 2:
        if measured is not None:
            auc, which = measured[0].get(col.name, (None, 0))
        else:
            x = as_numbers(col, data, index, numeric)
            auc, which = rank_auc(x, labels, SMALL_CLASS_P) if x is not None else (None, 0)
        if auc is not None and max(auc, 1 - auc) >= min_auc:
            return ("rank AUC", max(auc, 1 - auc), 0.5, f" for class {str(classes[which])!r}")
    if measured is not None:
        if col.name not in measured[1]:
            return None
        score = measured[1][col.name]
    else:
        key = feature_key(col, data, index, numeric)
        if key is None:
            return None
        codes, _ = pd.factorize(key.to_numpy(), use_na_sentinel=False)
        score = balanced_accuracy(codes, labels, k, SMALL_CLASS_P)
    recoded = col.distinct <= k + 1 and score >= recoded_score
    if score >= min_ba or recoded:
        return "balanced accuracy as a key", score, chance, ""
    return None


def _regression_leak(col: ColumnProfile, data: DatasetProfile, y: pd.Series, numeric: pd.DataFrame,
                     min_score: float) -> tuple[str, float, float, str] | None:
    key = feature_key(col, data, y.index, numeric)
    if key is None:
        return None
    score, baseline = predictive_power(key, y, "regression")
    what = "held-out R²"
    x = as_numbers(col, data, y.index, numeric)
    if x is not None:
        rho2 = _spearman_squared(x, y.to_numpy(dtype=float))
        if rho2 > score:  # a monotone function of the target, which quantile bins blur on small samples
            score, what = rho2, "Spearman ρ²"
    return (what, score, baseline, "") if score >= min_score else None


def rank_auc(x: np.ndarray, labels: np.ndarray, small_p: float | None = None) -> tuple[float | None, int]:
    """Rank AUC (Mann–Whitney, ties averaged) of ``x`` for class 1 against class 0 over its finite values, and the
    class it points to (1 when AUC ≥ 0.5); None when either class has fewer than ``MIN_CLASS_ROWS`` of them.

    ``small_p``: a class of ``MIN_SMALL_CLASS`` rows or more but fewer than ``MIN_CLASS_ROWS`` is judged too when it
    is separated perfectly (AUC 1) and the chance of that (``separation_chance``) is below it (8 losers of 186 all
    below the rest). A near-perfect AUC on so few rows is within the noise of a strong honest feature's."""
    keep = np.isfinite(x)
    x, labels = x[keep], labels[keep]
    pos = labels == 1
    m, n = int(pos.sum()), int((~pos).sum())
    small = min(m, n) < MIN_CLASS_ROWS
    if small and (small_p is None or min(m, n) < MIN_SMALL_CLASS):
        return None, 0
    ranks = pd.Series(x).rank(method="average").to_numpy()
    auc = (ranks[pos].sum() - m * (m + 1) / 2) / (m * n)
    if small and (min(auc, 1 - auc) > 0 or separation_chance(min(m, n), m + n) >= small_p):
        return None, 0
    return float(auc), int(auc >= 0.5)


@check("DA702", "identifier-column", Category.LEAKAGE, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("drop",))
def identifier_column(data: DatasetProfile) -> Iterator[Hit]:
    """A column that identifies rows (unique keys, sequential numbers, UUIDs, numbers named as IDs: customer_id, PID; R's row names under an empty header) or the unit of a panel (one block of rows per value), or a unit named as an id that repeats (``id`` of households, children observed weekly).

    Whole numbers are an identifier when they are unique and nearly contiguous, or mostly distinct (half of them
    or more) in a column named like one (``id``, ``customer_id``, ``orderNo``, ``key``, or a name ending in num or
    nbr run together: ``intnum``, an interview number whose family fills 1-11 rows); an upper-case name ending
    in ID (``PID``, ``HHID``), or a name ending in code or id run together (``zipcode``, ``distcod``, ``studyid``;
    not ``medicaid`` or ``valid``), a place's or unit's code (``dept``, ``fips``, ``zip``, ``county``) or a short word
    and no run together (``docno``), counts when its values are unique; so do unique numbers, whole or not, in the
    first column when it has no name (R's row names '1.1', '1.2' of a patient's visits). Whole numbers whatever their name are a panel's unit (the same entity in several rows) when
    each value fills one block of consecutive rows (10 blocks or more, most of two rows or more, more blocks than
    rows in a block) in which another integer column, a year or a wave, rises (or falls) strictly in every block,
    with at most three times as many values as the longest block has rows (``nr``: 545 men, 8 rows each, 1980 to
    1987 in each). Whole numbers named like an identifier but too repetitive for one alone are the rest of a
    compound key when, with an identifier that repeats (a fifth of the sampled rows or more share a value of it),
    they tell every sampled row apart (``persnum``, a person's number within the family ``intnum``).
    Strings: unique, token-like, or mostly distinct under such a name (under ``id`` itself even short keys with a
    space: plate positions 'Grid A3'); unique strings under an empty header
    (read as ``Unnamed: 0``) are the file's row names, whatever they hold (``Acura Integra 4``). Whole numbers or token-like strings
    however repetitive are an identifier when their name says identifier and nothing else (``id``, ``ID``,
    ``index``, ``key``, ``household_id``, ``Ketchup.id``, ``subjectId``) or is a unit's noun (``subject``,
    ``patient``, ``participant``, ``respondent``, ``station``, ``event``; numbers there may be text, '207a') and
    they hold 20 values or more:
    households, interviewers or children observed in several rows, whose outcome follows the unit. A name ending
    in number, no or code (``room_number``, ``visit_no``, ``region_code``) is not enough for that: a room, a visit's
    rank or a region is as often a category or an ordinal as a key.

    Why it hurts training: the model can memorise rows through their IDs, and sequential IDs often encode
    collection time or order; the gradient fits a signal that will not hold on new rows.

    How fix repairs it: drop removes identifier columns.
    """
    for col in data.features:
        if col.inferred_type == "identifier":
            what = ("an identifier of the same entity in several rows" if "panel" in col.evidence
                    or col.evidence.get("repeated")
                    else "part of a compound key" if "compound_with" in col.evidence else "a row identifier")
            yield Hit(col.name, f"looks like {what} ({col.evidence.get('rule')}; "
                      f"{pct(col.evidence.get('distinct_ratio', 0))} distinct)", dict(col.evidence))


@check("DA703", "conflicting-labels", Category.LEAKAGE, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=())
def conflicting_labels(data: DatasetProfile, *, min_unique_share: float = 0.9) -> Iterator[Hit]:
    """Rows identical in every feature but with different target labels (low for a count target).

    Severity medium from 1% of the rows, low below; low too when the target is a count (whole numbers, five values or
    more: arrests, visits), whose rows with the same inputs differ by the count's own noise as much as by error.

    Why it hurts training: the same input is pushed towards two answers, so their gradients cancel and the
    loss has a floor it cannot pass; often a sign of label noise or a join that duplicated rows.

    How fix repairs it: fix does not guess the right label; it reports the rows so they can be resolved.
    """
    if data.target is None or data.stats.target_hash is None or data.target.task != "classification":
        return
    n = data.stats.row_hash.size
    if n - data.stats.repeated_rows < min_unique_share * n:
        return  # few distinct feature rows: conflicts are ordinary class overlap, not an error
    repeated = duplicate_mask(data.stats.row_hash, first=False)
    frame = pd.DataFrame({"f": data.stats.row_hash[repeated], "t": data.stats.target_hash[repeated]})
    conflicting = np.zeros(n, dtype=bool)
    conflicting[np.flatnonzero(repeated)] = (frame.groupby("f")["t"].transform("nunique") > 1).to_numpy()
    count = int(conflicting.sum())
    if not count:
        return
    groups = int(pd.unique(data.stats.row_hash[conflicting]).size)
    fraction = count / data.rows
    target = data.columns[data.target.name]
    counted = target.inferred_type == "integer" and target.distinct >= COUNT_CLASSES  # arrests, visits, a 1-10 score
    yield Hit(None, f"{plural(count, 'row')} ({pct(fraction)}) in {plural(groups, 'group')} share identical features but "
              "have different labels" + (f" (of a count target with {target.distinct} values: the same inputs giving "
                                         "different counts is partly the count's own noise)" if counted else ""),
              {"count": count, "groups": groups, "fraction": jsonable(fraction),
               "examples": [{"row": int(r)} for r in np.flatnonzero(conflicting)[:5]]},
              severity=Severity.MEDIUM if fraction >= 0.01 and not counted else Severity.LOW)
