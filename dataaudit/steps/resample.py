"""Balance the classes of the training data with imbalanced-learn, last and at fit time only.

As in imbalanced-learn's Pipeline, ``fit_resample`` changes the rows of the data being fixed, and
``transform`` (what ``apply`` runs on new data) returns its input unchanged: validation and serving
data must keep their real class balance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..analysis.findings import Severity
from ..core.numfmt import listed
from .base import FitContext, Step, is_numeric

__all__ = ["METHODS", "USED", "MIN_RATIO", "IMBALANCE_RULES", "SMOTE_MAX_ROWS", "SMOTE_MIN_ROWS", "MAX_CLASS_CODES",
           "MAX_GROWTH", "WEIGHT_COLUMN", "NAMES", "Resample", "take_consuming", "random_rows", "label_array"]

METHODS = ("auto", "over", "under", "smote", "weights", "none")
USED = ("none", "over", "under", "smote", "smotenc", "weights")
MIN_RATIO = 1.5  # auto leaves classes alone below this majority/minority ratio
IMBALANCE_RULES = ("DA301", "DA302")  # auto resamples a scanned file only when one of them is at least medium
SMOTE_MAX_ROWS = 50_000  # auto uses random over-sampling when the minority classes hold more rows
SMOTE_MIN_ROWS = 6  # SMOTE's default 5 neighbours need 6 rows of the smallest class
MAX_CLASS_CODES = 20  # a numeric target with more distinct integer values is treated as regression
MAX_GROWTH = 20  # over-sampling grows a class to at most this many times its rows (copies of a handful teach them)
WEIGHT_COLUMN = "sample_weight"
NAMES = {"over": "random over-sampling", "under": "random under-sampling", "smote": "SMOTE", "smotenc": "SMOTENC",
         "weights": "balanced class weights"}


class Resample(Step):
    """Resample the labelled rows so every class has as many rows as the majority (or, ``under``, the minority).

    ``auto`` picks: nothing when the scan found no class imbalance (no DA301 or DA302 at medium or above) or
    the imbalance ratio is below 1.5; random over-sampling when the
    smallest class has fewer than 6 rows, when there is no numeric feature, when a feature has missing
    values, when there are fewer rows than features (too little for SMOTE's neighbours), or when the
    minority classes hold more than 50,000 rows (SMOTE's neighbour search would take minutes); otherwise
    SMOTENC when text (categorical) features remain (``--encode none``) and SMOTE when all are numeric,
    with ``k_neighbors = min(5, smallest class - 1)``. ``smote`` forces SMOTE (SMOTENC with text
    features) and falls back to random over-sampling when SMOTE cannot run.

    SMOTE interpolates between neighbours; columns whose training values are all 0 or 1 (one-hot and
    indicator columns) are rounded back to 0/1 in the synthetic rows so they stay valid indicators.
    Over-sampling (random or SMOTE) grows a class to at most ``MAX_GROWTH`` (20) times its rows: four rows
    copied 461 times each teach the model those four rows, not the class; the describe sentence says which
    classes stayed short of the majority and points to ``weights``.

    ``weights`` (cost-sensitive learning, the third remedy) keeps every row and adds a ``sample_weight``
    column (``sample_weight_`` when a feature has that name) of balanced class weights,
    ``rows / (classes × rows of the class)`` as scikit-learn's ``class_weight="balanced"``: every class's
    weights sum to the same total, and no copied or synthetic row can end up on both sides of a split.

    Rows with a missing target (``fix`` has dropped them before) are kept out and appended, unchanged.
    Fitted: ``method_`` (one of none/over/under/smote/smotenc/weights), ``reason_`` (a sentence),
    ``counts_before_``/``counts_after_`` (class label as text -> rows), ``rows_added_``, ``rows_removed_``,
    ``weights_`` (with ``weights``: ``{"column": name, "class_weight": {label as text: weight}}``, else ``{}``).
    """

    name = "resample"
    params = ("method", "seed")
    fitted = ("method_", "reason_", "counts_before_", "counts_after_", "rows_added_", "rows_removed_", "weights_")
    defaults = {"weights_": {}}  # recipes written before weights existed

    def __init__(self, *, method: str = "auto", seed: int = 0) -> None:
        self.method = method
        self.seed = seed

    def fit(self, frame: pd.DataFrame, context: FitContext) -> Resample:
        self.fit_resample(frame, context, [])
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        """Never resamples: new data keeps its rows."""
        self.check_fitted()
        return frame

    def fit_resample(self, frame: pd.DataFrame, context: FitContext, log: list[str], *,
                     consume: bool = False) -> pd.DataFrame:
        """Resample ``frame`` (the training data) and record what was done; returns the new frame.

        ``consume``: the caller hands ``frame`` over (it holds no other copy of its columns and reads none of
        them after): random over-sampling of a frame whose every row is labelled then takes the rows column by
        column and deletes each column from ``frame`` once taken (``consumed_`` says it did), so the input and
        the larger output are never held whole at once. The same rows and dtypes either way."""
        self._check_params()
        target = context.target
        self.counts_before_ = self.counts_after_ = {}
        self.rows_added_ = self.rows_removed_ = 0
        self.weights_ = {}
        self.consumed_ = False
        if target is None or target not in frame.columns:
            return self._skip(frame, log, "no target column was given" if target is None
                              else f"the target column {target!r} is not in the data")
        has_label = frame[target].notna().to_numpy()
        labelled = frame if has_label.all() else frame[has_label]  # fix dropped the unlabelled rows: no copy
        if not _is_classification(labelled[target], context):
            return self._skip(frame, log, f"the target {target!r} looks like a regression target, not classes")
        self.counts_before_ = self.counts_after_ = _counts(labelled[target])
        method, reason = self._choose(labelled, target, context=context)
        if method == "none":
            return self._skip(frame, log, reason)
        self.method_, self.reason_ = method, reason
        if method == "weights":
            return self._weigh(frame, labelled, target, log)
        self.consumed_ = consume and method == "over" and bool(has_label.all()) and frame.columns.is_unique
        resampled = self._resample(labelled, target, consume=self.consumed_)
        self.counts_after_ = _counts(resampled[target])
        self.rows_added_ = max(len(resampled) - len(labelled), 0)
        self.rows_removed_ = max(len(labelled) - len(resampled), 0)
        log.append(self.describe())
        if has_label.all():
            return resampled.reset_index(drop=True)  # nothing to append: no copy of the resampled rows
        unlabelled = frame[~has_label]
        log.append(f"resample: {len(unlabelled):,} row(s) with a missing target were kept out of "
                   "resampling and appended unchanged.")
        return pd.concat([resampled, unlabelled], ignore_index=True)

    def plan(self, sample: pd.DataFrame, context: FitContext, counts: dict[str, int], rows: int,
             log: list[str]) -> str:
        """Choose the sampler as ``fit_resample`` would for data with these class ``counts`` (label as text ->
        labelled rows, largest first; ``rows`` labelled rows in all), of which ``sample`` holds every row or a
        uniform sample, without resampling: the stream engine counts the classes of the whole file while
        writing it, and holds only a sample in memory. Sets ``method_``, ``reason_`` and the counts (as if
        nothing were resampled), logs the reason when it is ``none``, and returns ``method_``."""
        self._check_params()
        target = context.target
        self.counts_before_ = self.counts_after_ = {}
        self.rows_added_ = self.rows_removed_ = 0
        self.weights_ = {}
        if target is None or target not in sample.columns:
            self._skip(sample, log, "no target column was given" if target is None
                       else f"the target column {target!r} is not in the data")
            return self.method_
        labelled = sample[sample[target].notna().to_numpy()]
        if not _is_classification(labelled[target], context):
            self._skip(sample, log, f"the target {target!r} looks like a regression target, not classes")
            return self.method_
        self.counts_before_ = self.counts_after_ = dict(counts)
        method, reason = self._choose(labelled, target, rows, context=context)
        if method == "none":
            self._skip(sample, log, reason)
        else:
            self.method_, self.reason_ = method, reason
        return self.method_

    def record(self, *, method: str | None = None, reason: str | None = None,
               counts_after: dict[str, int] | None = None, added: int | None = None,
               removed: int | None = None) -> None:
        """What an out-of-core fix did with the sampler ``plan`` chose, set by the step itself: it resampled the
        whole file's rows, which this step never held (``method``/``reason`` when it fell back to another sampler,
        the class counts after, the rows added and removed)."""
        if method is not None:
            self.method_ = method
        if reason is not None:
            self.reason_ = reason
        if counts_after is not None:
            self.counts_after_ = dict(counts_after)
        if added is not None:
            self.rows_added_ = added
        if removed is not None:
            self.rows_removed_ = removed

    def describe(self) -> str:
        """The log's sentence for a resampling that was done: the sampler, why, and rows added and removed
        (or the weights), and the classes the cap left short of the majority."""
        if self.method_ == "weights":
            mapping = ", ".join(f"{label!r}: {weight:.4g}" for label, weight in self.weights_["class_weight"].items())
            return (f"resample: {NAMES['weights']} because {self.reason_}; every row kept, the column "
                    f"{self.weights_['column']!r} holds each row's weight (class_weight = {{{mapping}}}, for "
                    "scikit-learn's or Keras' class_weight); train with it as sample_weight, not as a feature.")
        said = (f"resample: {NAMES[self.method_]} because {self.reason_}; "
                f"{self.rows_added_:,} row(s) added, {self.rows_removed_:,} removed.")
        majority = max(self.counts_before_.values(), default=0)
        short = [label for label, n in self.counts_after_.items() if self.method_ != "under" and n < majority]
        if short:
            said += (f" A class grows to at most ×{MAX_GROWTH} its rows, so "
                     f"{listed([repr(label) for label in short])} " + ("stays" if len(short) == 1 else "stay")
                     + " below the majority (copying a handful of rows hundreds of times teaches the model those "
                     "rows); --resample weights keeps every row and weights the classes instead.")
        return said

    def goal(self, counts: dict[str, int]) -> dict[str, int] | None:
        """Over-sampling's rows per class (label as text) when the cap binds: the majority's count, or
        ``MAX_GROWTH`` times the class's own rows if fewer; None when every class can reach the majority."""
        majority = max(counts.values(), default=0)
        goal = {label: min(majority, MAX_GROWTH * n) for label, n in counts.items()}
        return goal if any(goal[label] < majority for label in goal) else None

    def _weigh(self, frame: pd.DataFrame, labelled: pd.DataFrame, target: str, log: list[str]) -> pd.DataFrame:
        """Every row kept; a column of balanced class weights (rows without a label: weight 0)."""
        present = labelled[target].value_counts(sort=False)
        total, classes = int(present.sum()), len(present)
        by_label = {label: total / (classes * int(n)) for label, n in present.items()}
        column = WEIGHT_COLUMN if WEIGHT_COLUMN not in frame.columns else WEIGHT_COLUMN + "_"
        self.weights_ = {"column": column, "class_weight": {
            label: by_label[value] for label, value in sorted(
                ((str(v), v) for v in by_label), key=lambda kv: -self.counts_before_[kv[0]])}}
        out = frame.copy()
        out[column] = frame[target].map(by_label).fillna(0.0).astype(float)
        log.append(self.describe())
        return out

    def _skip(self, frame: pd.DataFrame, log: list[str], reason: str) -> pd.DataFrame:
        self.method_, self.reason_ = "none", reason
        log.append(f"resample: not resampled: {reason}.")
        return frame

    def _choose(self, data: pd.DataFrame, target: str, rows: int | None = None,
                context: FitContext | None = None) -> tuple[str, str]:
        """The sampler to use and why, in words for the report; ``rows``: labelled rows (default len(data))."""
        rows = len(data) if rows is None else rows
        counts = list(self.counts_before_.values())
        if len(counts) < 2:
            return "none", "the target has a single class"
        if self.method == "none":
            return "none", "resampling was turned off"
        if self.method == "auto" and context is not None and context.profile is not None and not any(
                f.rule in IMBALANCE_RULES and f.severity >= Severity.MEDIUM for f in context.findings):
            return "none", ("the scan found no class imbalance (no DA301 or DA302 at medium or above); resampling "
                            "belongs on a training split only, never before a split")
        if self.method in ("over", "under", "weights"):
            return self.method, "it was asked for"
        features = [c for c in data.columns if c != target]
        numeric = [c for c in features if is_numeric(data[c])]
        ratio = counts[0] / counts[-1]
        if self.method == "auto" and ratio < MIN_RATIO:
            return "none", f"the classes are balanced enough (imbalance ratio {ratio:.2f} < {MIN_RATIO})"
        why_not_smote = (
            f"the smallest class has {counts[-1]} row(s), too few for SMOTE's neighbours"
            if counts[-1] < (SMOTE_MIN_ROWS if self.method == "auto" else 2) else
            "there is no numeric feature to interpolate" if not numeric else
            "some features have missing values, which SMOTE cannot interpolate"
            if data[features].isna().to_numpy().any() else
            f"there are fewer rows ({rows}) than features ({len(features)})"
            if self.method == "auto" and rows < len(features) else
            f"SMOTE's neighbour search over {counts[-1]:,} minority rows would be slow (> {SMOTE_MAX_ROWS:,})"
            if self.method == "auto" and sum(counts[1:]) > SMOTE_MAX_ROWS else None)
        if why_not_smote is not None:
            return "over", why_not_smote
        method = "smotenc" if len(numeric) < len(features) else "smote"
        if self.method == "smote":
            return method, "it was asked for"
        mix = "features mix numbers and text categories" if method == "smotenc" else "all features are numeric"
        return method, f"the imbalance ratio is {ratio:.1f} and {mix}"

    def _resample(self, data: pd.DataFrame, target: str, *, consume: bool = False) -> pd.DataFrame:
        labels = label_array(data[target])
        if self.method_ in ("over", "under"):
            # resample row numbers, then copy whole rows: dtypes and values stay exactly as they were
            goal = self.goal(self.counts_before_) if self.method_ == "over" else None
            rows = random_rows(self.method_, labels, self.seed, goal)
            if consume:
                return take_consuming(data, rows)
            return data.iloc[np.sort(rows) if self.method_ == "under" else rows].reset_index(drop=True)
        # SMOTE returns the original rows first and unchanged; keep ours to be exact
        goal = self.goal(self.counts_before_)
        wanted = None if goal is None else {label: n - self.counts_before_[label] for label, n in goal.items()
                                            if n > self.counts_before_[label]}
        return pd.concat([data, self.synthesize(data, target, wanted)], ignore_index=True)

    def synthesize(self, data: pd.DataFrame, target: str, wanted: dict[str, int] | None = None, *,
                   seed: int | None = None) -> pd.DataFrame:
        """SMOTE's (SMOTENC's with text features) synthetic rows for the labelled rows ``data``, in its columns.

        ``wanted``: class label as text -> rows to add, for when ``data`` is a sample of the rows being
        balanced (the stream engine); default: as many as bring every class up to the majority of ``data``.
        ``k_neighbors`` is ``min(5, smallest class - 1)`` over ``counts_before_``, and at most the smallest
        sampled class in ``wanted`` less one. ``seed``: instead of ``self.seed`` (a later round of rows)."""
        seed = self.seed if seed is None else seed
        labels = label_array(data[target])
        features = [c for c in data.columns if c != target]
        text = [i for i, c in enumerate(features) if not is_numeric(data[c])]
        k = min(5, min(self.counts_before_.values()) - 1)
        strategy: Any = "auto"
        if wanted is not None:
            present = pd.Series(labels).value_counts(sort=False)
            by_text = {str(label): label for label in pd.unique(labels)}  # first appearance, as imbalanced-learn's
            strategy = {by_text[c]: int(present[by_text[c]]) + n for c, n in sorted(
                wanted.items(), key=lambda cn: list(by_text).index(cn[0])) if n > 0}
            k = min([k, *(int(present[label]) - 1 for label in strategy)])
        # imported when used: imbalanced-learn takes seconds to import
        from imblearn.over_sampling import SMOTE, SMOTENC

        if self.method_ == "smotenc":
            sampler = SMOTENC(categorical_features=text, k_neighbors=k, random_state=seed,
                              sampling_strategy=strategy)
            matrix = data[features].to_numpy(dtype=object)
        else:
            sampler = SMOTE(k_neighbors=k, random_state=seed, sampling_strategy=strategy)
            matrix = data[features].to_numpy(dtype=float)
        X, y = sampler.fit_resample(matrix, labels)
        new = pd.DataFrame({target: pd.Series(y[len(data):]).astype(data[target].dtype)})
        for i, col in enumerate(features):
            values = X[len(data):, i]
            if i in text:
                new[col] = pd.Series(values).astype(data[col].dtype)
            else:
                values = values.astype(float)
                new[col] = np.where(values >= 0.5, 1.0, 0.0) if _is_binary(data[col]) else values
        return new[list(data.columns)]

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"resample method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise ValueError(f"resample seed must be an integer from 0 to 2**32 - 1, not {self.seed!r}")

    def validate(self) -> None:
        """Refuse tampered values (for the record: ``apply`` never resamples)."""
        self._check_params()
        counts = (self.counts_before_, self.counts_after_)
        ok = (self.method_ in USED and isinstance(self.reason_, str)
              and all(isinstance(c, dict) and all(isinstance(k, str) and _count(v) for k, v in c.items())
                      for c in counts)
              and _count(self.rows_added_) and _count(self.rows_removed_) and _weights_ok_for(self.weights_, self.method_))
        if not ok:
            raise ValueError("fitted values of the wrong type")


def _weights_ok_for(weights: Any, method: str) -> bool:
    if method != "weights":
        return weights == {}
    return (isinstance(weights, dict) and set(weights) == {"column", "class_weight"}
            and isinstance(weights["column"], str) and isinstance(weights["class_weight"], dict)
            and all(isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                    and np.isfinite(v) and v > 0 for k, v in weights["class_weight"].items()))


def take_consuming(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[rows]`` with a fresh index, taken column by column, each column deleted from ``frame`` once
    taken (``frame`` ends with no columns): a column's memory goes as soon as its rows are copied, when nothing
    else holds it. Same values and dtypes as the whole-frame take; ``frame``'s column names must be unique."""
    out: dict[Any, Any] = {}
    for name in list(frame.columns):
        out[name] = frame[name].array.take(rows)
        del frame[name]
    return pd.DataFrame(out, index=pd.RangeIndex(rows.size), copy=False)


def random_rows(method: str, labels: np.ndarray, seed: int, goal: dict[str, int] | None = None,
                names: list[Any] | None = None) -> np.ndarray:
    """Row numbers that imbalanced-learn's random ``over``- or ``under``-sampler keeps for ``labels``, as it
    draws them: the originals then the copies (over), or the kept rows by class (under; not sorted).

    Only the labels count, so ``labels`` may be integer codes (1 to 4 bytes a row) in the order of the
    labels they stand for (``names``: code -> label), and the rows are not passed at all: the stream engine
    draws the rows of a whole file from its class codes, exactly as the in-memory fix draws them from the
    labels. ``goal`` (over-sampling; label as text -> rows, ``Resample.goal``): the capped class sizes.

    A replay in numpy of ``RandomOverSampler`` / ``RandomUnderSampler`` (imbalanced-learn 0.14; importing it takes
    more than a second): the same ``RandomState(seed)`` draws in the same order — classes in sorted order, the
    majority (over) or minority (under) the first class of that size — so the rows are the same for the same seed
    (``tests/steps/test_resample.py`` compares them), and the same ValueErrors for labels it refuses."""
    labels = np.asarray(labels)
    _check_labels(labels)
    if labels.dtype == object:  # text: pandas' hash table, then its sorted classes (np.unique sorts every row)
        codes, classes = pd.factorize(labels, sort=True)
        counts = np.bincount(codes, minlength=classes.size)
        classes = np.asarray(classes, dtype=object)
    else:
        classes, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if classes.size <= 1:
        raise ValueError(f"The target 'y' needs to have more than 1 class. Got {classes.size} class instead")
    codes = codes.reshape(-1)
    members = np.split(np.argsort(codes, kind="stable"), np.cumsum(counts)[:-1])  # each class's rows, ascending
    random_state = np.random.RandomState(seed)
    if method == "over":
        if goal is None:  # "auto": every class but the majority up to the majority's rows
            majority = int(np.argmax(counts))
            wanted = {i: int(counts[majority] - counts[i]) for i in range(classes.size) if i != majority}
        else:
            text = [str(value if names is None else names[value]) for value in classes.tolist()]
            wanted = {i: int(goal[text[i]] - counts[i]) for i in range(classes.size)}
            if any(n < 0 for n in wanted.values()):
                raise ValueError("With over-sampling methods, the number of samples in a class should be greater "
                                 "or equal to the original number of samples.")
        drawn = [np.arange(labels.shape[0])]
        for i in sorted(wanted):
            drawn.append(random_state.choice(members[i], size=wanted[i], replace=True))
        return np.concatenate(drawn).astype(np.int64, copy=False)
    minority = int(np.argmin(counts))  # "auto": every class but the minority down to the minority's rows
    kept = []
    for i in range(classes.size):
        if i == minority:
            kept.append(members[i])
        else:
            kept.append(members[i][random_state.choice(range(int(counts[i])), size=int(counts[minority]),
                                                       replace=False)])
    return np.concatenate(kept).astype(np.int64, copy=False)


def _check_labels(labels: np.ndarray) -> None:
    """imbalanced-learn's refusal of labels that are not classes (scikit-learn's ``check_classification_targets``
    for one column): non-whole or missing floats, objects that are not text."""
    if labels.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            if not np.all(np.isfinite(labels)) or np.any(labels != np.trunc(labels)):
                raise ValueError("Unknown label type: continuous. Maybe you are trying to fit a classifier, which "
                                 "expects discrete classes on a regression target with continuous values.")
    elif labels.dtype == object and labels.size and not isinstance(labels.flat[0], str):
        raise ValueError("Unknown label type: unknown")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _counts(labels: pd.Series) -> dict[str, int]:
    """Rows per class, largest first (ties by label), labels as text so the recipe stays JSON."""
    counts = labels.value_counts(sort=False)
    pairs = sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))
    return dict(pairs)


def _is_classification(labels: pd.Series, context: FitContext) -> bool:
    """The scan's verdict when there is one; otherwise text labels, or few integer codes, are classes."""
    profile = getattr(context, "profile", None)
    if profile is not None and profile.target is not None and profile.target.name == labels.name:
        return profile.target.task == "classification"
    if not is_numeric(labels):
        return True
    values = labels.to_numpy(dtype=float)
    return bool(np.all(values == np.round(values))) and labels.nunique() <= MAX_CLASS_CODES


def _is_binary(series: pd.Series) -> bool:
    values = series.dropna()
    return len(values) > 0 and bool(values.isin([0.0, 1.0]).all())


def label_array(labels: pd.Series) -> np.ndarray:
    """The class labels as imbalanced-learn reads them: numbers as numbers, True/False as a bool array (an object
    array of Python bools is an "unknown" target to scikit-learn), anything else as objects."""
    if pd.api.types.is_bool_dtype(labels.dtype) and not labels.isna().any():
        return labels.to_numpy(dtype=bool)
    return labels.to_numpy(dtype=object if not is_numeric(labels) else None)
