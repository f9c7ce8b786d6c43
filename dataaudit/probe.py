"""Gradient probe: what a naive model's gradients actually look like on this data.

Numpy only, no deep-learning framework. The probe takes the numeric view a user would naively feed a
model (see :func:`naive_matrix`), initialises a softmax regression (classification; binary is two
classes) or a linear regression (regression, mean squared error) with Glorot-uniform weights and zero
bias, and runs a few mini-batch gradient-descent steps, measuring on the way:

* how many batches produce a non-finite loss or gradient (NaN/inf reaching the loss),
* how unevenly the gradient is spread over features (a large-scale feature dominating the update),
* how much the gradient norm jumps between batches,
* the condition number of the feature Gram matrix, standardised and raw (ill-conditioning),
* how much of the gradient each class contributes (a majority class dominating the update),
* whether the loss decreases, stalls or diverges.

Design decisions (callers rely on them):

* A batch whose loss or gradient is not finite is counted and its update is **skipped** (as a dynamic
  loss scaler would), so every batch is measured on finite weights and ``nan_batch_share`` estimates
  P(a batch is poisoned). A naive loop without that guard would turn every weight into NaN at the first
  such batch; ``first_nonfinite_step`` says when that would have happened.
* ``loss_first``/``loss_last`` are the loss over the whole (sub)sample before and after training, not a
  single noisy batch, so a non-finite value anywhere in the data makes them non-finite ("diverges").
* Condition numbers replace non-finite values by the column median of its finite values (0 for a column
  with none), rather than removing rows, so one sparse column cannot empty the matrix. They are computed
  from the singular values of the feature matrix (cond(XᵀX) = cond(X)²), which avoids overflow in XᵀX,
  over the directions the data spans: exactly redundant directions (a duplicated column, one-hot groups
  that each sum to one) get no gradient, so they cannot slow gradient descent; they are counted in
  ``redundant_directions`` instead. Zero-variance columns are left out of both Gram matrices and listed
  in ``zero_variance_features``.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

CLASSIFICATION = "classification"
REGRESSION = "regression"
_MIN_PARSED_SHARE = 0.5
_MAX_CLASS_DISTINCT = 20


def naive_matrix(frame: pd.DataFrame, target: str, *,
                 task: str | None = None) -> tuple[np.ndarray, list[str], np.ndarray, str]:
    """The data as a user would naively feed it to a model: ``(X, names, y, task)``.

    * ``X`` is float64. Numeric and boolean columns are taken as they are, NaN and inf kept. Text (and
      categorical) columns are parsed with ``pd.to_numeric(errors="coerce")`` and kept only if at least
      half of their non-missing values parse (the rest become NaN); otherwise they are left out, as are
      datetime columns. So ``"1234"`` is kept but ``"$1,234"`` and words are not.
    * Rows with a missing target are dropped.
    * ``task`` is inferred unless given: a numeric target with non-integer values or more than 20
      distinct values is a regression, anything else a classification.
    * ``y`` holds class indices (int64, in sorted order of the labels, i.e. ``np.unique`` order) for a
      classification, floats for a regression.
    """
    if target not in frame.columns:
        raise KeyError(f"target column {target!r} not in the frame")
    frame = frame[frame[target].notna().to_numpy(dtype=bool)]
    target_col = frame[target]
    if task is None:
        task = _infer_task(target_col)
    if task == CLASSIFICATION:
        y = _factorize_sorted(target_col)[0]
    elif task == REGRESSION:
        y = pd.to_numeric(target_col, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        raise ValueError(f"unknown task {task!r}")

    columns: list[np.ndarray] = []
    names: list[str] = []
    for name in frame.columns:
        if name == target:
            continue
        values = _naive_column(frame[name])
        if values is not None:
            columns.append(values)
            names.append(str(name))
    X = np.column_stack(columns) if columns else np.empty((len(frame), 0), dtype=np.float64)
    return X.astype(np.float64, copy=False), names, y, task


def _infer_task(col: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(col.dtype) or not pd.api.types.is_numeric_dtype(col.dtype):
        return CLASSIFICATION
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    integral = bool(np.all(values == np.round(values)))
    if not integral or np.unique(values).size > _MAX_CLASS_DISTINCT:
        return REGRESSION
    return CLASSIFICATION


def _factorize_sorted(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Class indices in sorted label order, and the labels (as text when mixed types do not sort)."""
    try:
        codes, uniques = pd.factorize(col, sort=True)
    except TypeError:  # mixed label types that do not sort together
        codes, uniques = pd.factorize(col.astype(str), sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _naive_column(col: pd.Series) -> np.ndarray | None:
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype) or (pd.api.types.is_numeric_dtype(dtype)
                                             and not pd.api.types.is_complex_dtype(dtype)):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    if (pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype) or pd.api.types.is_complex_dtype(dtype)):
        return None
    codes, uniques = pd.factorize(col, use_na_sentinel=True)  # parse each distinct value once
    present = codes >= 0
    if not present.any():
        return None
    parsed = np.asarray(pd.to_numeric(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce"), dtype=np.float64)
    values = np.append(parsed, np.nan)[codes]
    parsed_share = np.count_nonzero(~np.isnan(values) & present) / np.count_nonzero(present)
    return values if parsed_share >= _MIN_PARSED_SHARE else None


def probe_frame(frame: pd.DataFrame, target: str, *, task: str | None = None, seed: int = 0) -> dict[str, Any] | None:
    """The probe on a frame's naive numeric view, classes keyed by their labels; None when there is
    nothing to probe (no numeric feature, fewer than two labelled rows, or a single class)."""
    X, names, y, task = naive_matrix(frame, target, task=task)
    if not names or len(y) < 2 or (task == CLASSIFICATION and np.unique(y).size < 2):
        return None
    labels = None
    if task == CLASSIFICATION:
        labels = [str(v) for v in _factorize_sorted(frame[target].dropna())[1]]
    return probe(X, y, task, names=names, labels=labels, seed=seed)


def probe(X: np.ndarray, y: np.ndarray, task: str, *, names: list[str], labels: list[str] | None = None,
          batch_size: int = 32, steps: int = 50, lr: float = 0.01, max_rows: int = 20_000,
          seed: int = 0) -> dict[str, Any]:
    """Train a naive model for ``steps`` mini-batches and report what its gradients did.

    ``task`` is ``"classification"`` (softmax regression over the class indices in ``y``, at least two
    classes) or ``"regression"`` (linear regression, mean squared error). Deterministic for a ``seed``:
    one ``np.random.default_rng(seed)`` draws the row subsample (at most ``max_rows``), the
    Glorot-uniform weights and the batches. Returns a JSON-safe dict (NaN/inf as ``None``):

    ``nan_batch_share``, ``first_nonfinite_step`` (0-based, or None), ``feature_grad_norms`` (name →
    mean over finite batches of the L2 norm over outputs of ∂L/∂w_j), ``grad_ratio`` (largest / smallest
    non-zero of those), ``dominant_feature``, ``dominant_feature_share`` (its share of their sum),
    ``grad_norm_spread`` (max / median per-batch gradient norm, weights and bias, finite batches),
    ``condition_number`` (standardised features), ``raw_condition_number``, ``zero_variance_features``,
    ``redundant_directions`` (varying columns minus the rank of their standardised matrix),
    ``class_gradient_share`` (classification only: class → share of the summed per-row gradient norms
    at initialisation over the whole sample, rows with non-finite gradients left out), ``class_row_share``
    (class → share of the probed rows; classes are keyed by ``labels[i]`` when given, else by the index
    as text),
    ``trajectory`` ("diverges": final loss non-finite or > 10× initial; "stalls": not at least 1% below
    the initial loss; else "decreases"), ``loss_first``, ``loss_last``, ``task``, ``rows_used``,
    ``features``, ``classes`` and ``seconds`` (wall time, the only non-deterministic key).
    """
    started = time.perf_counter()
    if task not in (CLASSIFICATION, REGRESSION):
        raise ValueError(f"unknown task {task!r}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be two-dimensional")
    if len(names) != X.shape[1]:
        raise ValueError(f"{len(names)} names for {X.shape[1]} features")
    classification = task == CLASSIFICATION
    y = np.asarray(y, dtype=np.int64 if classification else np.float64)
    if y.shape != (X.shape[0],):
        raise ValueError("y must have one value per row of X")
    if X.shape[0] == 0:
        raise ValueError("no rows to probe")
    n_classes = max(int(y.max()) + 1, 2) if classification else 1
    if classification and int(y.min()) < 0:
        raise ValueError("class indices must be non-negative")
    if labels is not None and len(labels) < n_classes:
        raise ValueError(f"{len(labels)} labels for {n_classes} classes")
    keys = [str(k) for k in range(n_classes)] if labels is None else [str(v) for v in labels[:n_classes]]

    rng = np.random.default_rng(seed)
    if X.shape[0] > max_rows:
        keep = np.sort(rng.choice(X.shape[0], size=max_rows, replace=False))
        X, y = X[keep], y[keep]
    n, d = X.shape
    limit = math.sqrt(6.0 / (d + n_classes))
    W = rng.uniform(-limit, limit, size=(d, n_classes))
    b = np.zeros(n_classes)
    targets = np.eye(n_classes)[y] if classification else y[:, None]
    size = min(batch_size, n)

    with np.errstate(all="ignore"):
        loss_first = _loss(X, targets, W, b, classification)
        class_share = row_share = None
        if classification:
            class_share = dict(zip(keys, _class_gradient_share(X, y, targets, W, b, n_classes)))
            row_share = dict(zip(keys, (_num(v) for v in np.bincount(y, minlength=n_classes) / n)))
        nonfinite = 0
        first_nonfinite: int | None = None
        feature_norms: list[np.ndarray] = []
        batch_norms: list[float] = []
        for step in range(steps):
            idx = rng.choice(n, size=size, replace=False)
            residual, loss = _forward(X[idx], targets[idx], W, b, classification)
            grad_W = X[idx].T @ residual / size
            grad_b = residual.mean(axis=0)
            if not (np.isfinite(loss) and np.isfinite(grad_W).all() and np.isfinite(grad_b).all()):
                nonfinite += 1
                if first_nonfinite is None:
                    first_nonfinite = step
                continue
            feature_norms.append(np.sqrt(np.sum(grad_W * grad_W, axis=1)))
            batch_norms.append(float(np.sqrt(np.sum(grad_W * grad_W) + np.sum(grad_b * grad_b))))
            W = W - lr * grad_W
            b = b - lr * grad_b
        loss_last = _loss(X, targets, W, b, classification)
        cond, raw_cond, zero_var, redundant = _condition_numbers(X, names)

    per_feature = np.mean(feature_norms, axis=0) if feature_norms else np.full(d, np.nan)
    grad_ratio = dominant = dominant_share = None
    finite = per_feature[np.isfinite(per_feature)]
    nonzero = finite[finite > 0]
    if nonzero.size:
        grad_ratio = _num(nonzero.max() / nonzero.min())
        top = int(np.nanargmax(per_feature))
        dominant = names[top]
        dominant_share = _num(per_feature[top] / finite.sum())
    spread = None
    if batch_norms and np.median(batch_norms) > 0:
        spread = _num(max(batch_norms) / float(np.median(batch_norms)))

    return {
        "task": task,
        "rows_used": int(n),
        "features": int(d),
        "classes": int(n_classes) if classification else None,
        "nan_batch_share": nonfinite / steps if steps else None,
        "first_nonfinite_step": first_nonfinite,
        "feature_grad_norms": {name: _num(v) for name, v in zip(names, per_feature)},
        "grad_ratio": grad_ratio,
        "dominant_feature": dominant,
        "dominant_feature_share": dominant_share,
        "grad_norm_spread": spread,
        "condition_number": cond,
        "raw_condition_number": raw_cond,
        "zero_variance_features": zero_var,
        "redundant_directions": redundant,
        "class_gradient_share": class_share,
        "class_row_share": row_share,
        "trajectory": _trajectory(loss_first, loss_last),
        "loss_first": _num(loss_first),
        "loss_last": _num(loss_last),
        "seconds": round(time.perf_counter() - started, 4),
    }


def _forward(X: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray,
             classification: bool) -> tuple[np.ndarray, float]:
    """Residual ∂L/∂(output) per row (times the batch size) and the mean loss."""
    out = X @ W + b
    if classification:
        shifted = out - out.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        log_probs = shifted - np.log(total)
        loss = float(-np.mean(np.sum(targets * log_probs, axis=1)))
        return exp / total - targets, loss
    diff = out - targets
    return 2.0 * diff, float(np.mean(diff * diff))


def _loss(X: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray, classification: bool) -> float:
    return _forward(X, targets, W, b, classification)[1]


def _class_gradient_share(X: np.ndarray, y: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray,
                          n_classes: int) -> list[float | None]:
    """Share of the summed per-row gradient norms coming from each class, at initialisation.

    Row i's gradient (weights and bias) is the outer product [x_i, 1] ⊗ r_i, whose norm is
    ‖[x_i, 1]‖·‖r_i‖; rows whose norm is not finite are left out.
    """
    residual, _ = _forward(X, targets, W, b, True)
    row_norm = np.sqrt(np.sum(X * X, axis=1) + 1.0) * np.sqrt(np.sum(residual * residual, axis=1))
    row_norm = np.where(np.isfinite(row_norm), row_norm, 0.0)
    per_class = np.bincount(y, weights=row_norm, minlength=n_classes)
    total = per_class.sum()
    return [_num(v / total) if total > 0 else None for v in per_class]


def _condition_numbers(X: np.ndarray, names: list[str]) -> tuple[float | None, float | None, list[str], int]:
    """Effective condition numbers of the standardised and raw Gram matrices, the zero-variance columns,
    and the number of exactly redundant directions (non-finite values median-filled)."""
    if X.shape[1] == 0:
        return None, None, [], 0
    filled = np.where(np.isfinite(X), X, np.nan)
    medians = np.nanmedian(filled, axis=0)
    medians = np.where(np.isfinite(medians), medians, 0.0)
    filled = np.where(np.isnan(filled), medians, filled)
    mean = filled.mean(axis=0)
    std = filled.std(axis=0)
    varying = np.isfinite(std) & (std > 0) & np.isfinite(mean)
    zero_var = [name for name, v in zip(names, varying) if not v]
    standard = (filled[:, varying] - mean[varying]) / std[varying]
    cond, rank = _effective_condition(standard)
    raw_cond, _ = _effective_condition(filled[:, varying])
    return cond, raw_cond, zero_var, int(standard.shape[1] - rank)


def _effective_condition(M: np.ndarray) -> tuple[float | None, int]:
    """cond(MᵀM) over the directions the data spans, and the rank of M.

    Directions with an exactly zero singular value (a duplicated column, a one-hot group summing to
    one) are left out: the gradient XᵀX·w has no component along them, so gradient descent never moves
    there and they do not slow it down. The rank is decided on the column-normalised matrix (rank does
    not depend on column scale), with numpy's ``matrix_rank`` tolerance.
    """
    if M.shape[1] == 0 or M.shape[0] == 0:
        return None, 0
    norms = np.sqrt(np.sum(M * M, axis=0))
    if not np.all(np.isfinite(norms)) or not np.any(norms > 0):
        return None, 0
    unit = np.linalg.svd(M[:, norms > 0] / norms[norms > 0], compute_uv=False)
    rank = int(np.count_nonzero(unit > unit[0] * max(M.shape) * np.finfo(np.float64).eps))
    sv = np.linalg.svd(M / np.max(np.abs(M)), compute_uv=False)
    smallest = max(sv[rank - 1], sv[0] * np.finfo(np.float64).eps)
    return _num((sv[0] / smallest) ** 2), rank


def _trajectory(first: float, last: float) -> str:
    if not (math.isfinite(first) and math.isfinite(last)) or last > 10 * first:
        return "diverges"
    if last > 0.99 * first:
        return "stalls"
    return "decreases"


def _num(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def minority_class(result: dict[str, Any]) -> str | None:
    """The class with the fewest probed rows (ties: the first label), None for a regression."""
    rows = {k: v for k, v in (result.get("class_row_share") or {}).items() if v is not None}
    return min(rows, key=lambda k: (rows[k], k)) if rows else None


def summary(result: dict[str, Any]) -> str:
    """One sentence for the reports: what the probe saw, cause first."""
    model = "softmax regression" if result["task"] == CLASSIFICATION else "linear regression"
    parts = [f"a naive {model} on {result['rows_used']:,} rows × {result['features']} numeric columns"]
    share = result["nan_batch_share"]
    parts.append(f"{share:.0%} of batches gave a NaN/inf loss or gradient")
    if result.get("grad_ratio") is not None and result.get("dominant_feature") is not None:
        parts.append(f"`{result['dominant_feature']}` carries {result['dominant_feature_share']:.0%} of the gradient "
                     f"(largest/smallest feature gradient {result['grad_ratio']:.3g}×)")
    if result.get("raw_condition_number") is not None:
        parts.append(f"condition number {result['raw_condition_number']:.3g} raw, "
                     f"{result['condition_number']:.3g} standardised" if result.get("condition_number") is not None
                     else f"condition number {result['raw_condition_number']:.3g} raw")
    minority = minority_class(result)
    grads = result.get("class_gradient_share") or {}
    if minority is not None and grads.get(minority) is not None:
        parts.append(f"minority class {minority!r} has {result['class_row_share'][minority]:.0%} of the rows and "
                     f"{grads[minority]:.0%} of the gradient")
    parts.append(f"loss {result['trajectory']}")
    return parts[0] + ": " + "; ".join(parts[1:])
