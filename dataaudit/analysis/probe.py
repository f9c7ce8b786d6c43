"""Gradient probe: what a naive model's gradients actually look like on this data.

Numpy only, no deep-learning framework. The probe takes the numeric view a user would naively feed a
model (see :func:`naive_matrix`), initialises a softmax regression (classification; binary is two
classes) or a linear regression (regression, mean squared error) with Glorot-uniform weights and zero
bias, and runs a few mini-batch gradient-descent steps, measuring on the way:

* how many batches produce a non-finite loss or gradient, and why: NaN/inf in the batch's inputs
  (reaching the loss), or finite inputs whose loss or gradient overflowed (the weights diverged:
  exploding gradients),
* how unevenly the gradient is spread over features (a large-scale feature dominating the update),
* how much the gradient norm jumps between batches,
* the condition number of the feature Gram matrix, standardised and raw (ill-conditioning),
* how much of the gradient each class contributes (a majority class dominating the update),
* whether the loss decreases, stalls or diverges.

Design decisions (callers rely on them):

* A batch whose loss or gradient is not finite is counted and its update is **skipped** (as a dynamic
  loss scaler would), so every batch is measured on finite weights and ``nan_batch_share`` estimates
  P(a batch is poisoned). A naive loop without that guard would turn every weight into NaN at the first
  such batch; ``first_nonfinite_step`` says when that would have happened. Such a batch is either
  poisoned by its inputs (a NaN/inf in its rows of X or y: ``nonfinite_input_batch_share``) or has
  finite inputs and overflowed (``overflow_batch_share``, first at ``overflow_step``); the two shares
  add up to ``nan_batch_share``, and only the first is a missing-value problem.
* Norms and means are computed without overflow wherever the numbers are finite (rescaled by their
  largest entry when the plain sums overflow; ordinary results are unchanged to the last bit), so a
  diverging model is measured rather than reported as NaN; only a value beyond the largest float is
  None in the result.
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

from ..core.numfmt import count, finite, fmt, pct, significant
from ..core.parallel import blas_map

__all__ = ["CLASSIFICATION", "REGRESSION", "naive_matrix", "probe_frame", "probe", "minority_class", "batch_shares",
           "overflow_symptom", "condition_inputs", "summary"]

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

    ``steps``, ``nan_batch_share`` (share of the batches with a non-finite loss or gradient),
    ``first_nonfinite_step`` (0-based, or None), ``nonfinite_input_batch_share`` (share of the batches
    whose rows hold NaN/inf in X or y), ``overflow_batch_share`` (share of the batches with finite
    inputs whose loss or gradient overflowed), ``overflow_step`` (0-based step of the first such batch,
    or None), ``feature_grad_norms`` (name →
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
    the initial loss; else "decreases"), ``loss_first``, ``loss_last``, ``target_scale`` (regression
    only: the median |y| of the probed rows, what the first residuals are as large as), ``task``, ``rows_used``,
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
        nonfinite = bad_inputs = overflowed = 0
        first_nonfinite: int | None = None
        overflow_step: int | None = None
        feature_norms: list[np.ndarray] = []
        batch_norms: list[float] = []
        for step in range(steps):
            idx = rng.choice(n, size=size, replace=False)
            X_batch, t_batch = X[idx], targets[idx]
            residual, loss = _forward(X_batch, t_batch, W, b, classification)
            grad_W = X_batch.T @ residual / size
            grad_b = residual.mean(axis=0)
            if not (np.isfinite(loss) and np.isfinite(grad_W).all() and np.isfinite(grad_b).all()):
                nonfinite += 1
                if first_nonfinite is None:
                    first_nonfinite = step
                if np.isfinite(X_batch).all() and np.isfinite(t_batch).all():
                    overflowed += 1  # finite inputs: the weights diverged until the loss or gradient overflowed
                    if overflow_step is None:
                        overflow_step = step
                else:
                    bad_inputs += 1
                continue
            feature_norms.append(_l2(grad_W, axis=1))
            batch_norms.append(_batch_norm(grad_W, grad_b))
            W = W - lr * grad_W
            b = b - lr * grad_b
        loss_last = _loss(X, targets, W, b, classification)
        cond, raw_cond, zero_var, redundant = _condition_numbers(X, names)
        target_scale = None
        if not classification:
            finite_y = np.abs(y[np.isfinite(y)])
            target_scale = _num(np.median(finite_y)) if finite_y.size else None

        per_feature = _mean(np.array(feature_norms)) if feature_norms else np.full(d, np.nan)
        grad_ratio = dominant = dominant_share = None
        finite = per_feature[np.isfinite(per_feature)]
        nonzero = finite[finite > 0]
        if nonzero.size:
            grad_ratio = _num(nonzero.max() / nonzero.min())
            top = int(np.nanargmax(per_feature))
            dominant = names[top]
            total = finite.sum()
            if np.isfinite(total):
                dominant_share = _num(per_feature[top] / total)
            else:  # the sum overflows: share of the sum scaled by its largest term
                dominant_share = _num((per_feature[top] / finite.max()) / np.sum(finite / finite.max()))
        spread = None
        if batch_norms:
            norms = np.array(batch_norms)
            median = float(np.median(norms))
            if not np.isfinite(median) and np.isfinite(norms).all():  # the two middle values' mean overflows
                median = float(np.median(norms / norms.max())) * float(norms.max())
            if median > 0:
                spread = _num(max(batch_norms) / median)

    return significant({  # measured floats to 4 significant digits: the last ones differ between machines
        "task": task,
        "rows_used": int(n),
        "features": int(d),
        "classes": int(n_classes) if classification else None,
        "steps": int(steps),
        "nan_batch_share": nonfinite / steps if steps else None,
        "first_nonfinite_step": first_nonfinite,
        "nonfinite_input_batch_share": bad_inputs / steps if steps else None,
        "overflow_batch_share": overflowed / steps if steps else None,
        "overflow_step": overflow_step,
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
        "target_scale": target_scale,
    }) | {"seconds": round(time.perf_counter() - started, 4)}


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


@np.errstate(over="ignore", invalid="ignore")
def _l2(A: np.ndarray, axis: int) -> np.ndarray:
    """Euclidean norms of the 2-D ``A`` along ``axis``, without overflow where the entries are finite.

    The plain ``sqrt(sum(a²))`` (kept where it is finite, so ordinary results are unchanged to the
    last bit) overflows once an entry passes ~1e154; those norms are recomputed as
    ``s·sqrt(sum((a/s)²))`` with ``s = max|a|``. A norm above the largest float stays inf.
    """
    plain = np.sqrt(np.sum(A * A, axis=axis))
    redo = ~np.isfinite(plain) & np.isfinite(A).all(axis=axis)
    if redo.any():
        part = np.compress(redo, A, axis=1 - axis)  # the rows (axis=1) or columns (axis=0) to redo
        scale = np.max(np.abs(part), axis=axis, keepdims=True)
        scale = np.where(scale > 0, scale, 1.0)
        plain = plain.copy()
        plain[redo] = np.squeeze(scale, axis=axis) * np.sqrt(np.sum((part / scale) ** 2, axis=axis))
    return plain


@np.errstate(over="ignore", invalid="ignore")
def _batch_norm(grad_W: np.ndarray, grad_b: np.ndarray) -> float:
    """The norm of the whole gradient (weights and bias), without overflow for finite entries."""
    plain = float(np.sqrt(np.sum(grad_W * grad_W) + np.sum(grad_b * grad_b)))
    if np.isfinite(plain):
        return plain
    return float(_l2(np.concatenate([grad_W.ravel(), grad_b.ravel()])[None, :], axis=1)[0])


@np.errstate(over="ignore", invalid="ignore")
def _mean(A: np.ndarray) -> np.ndarray:
    """Column means of ``A``; where the sum overflows but the entries are finite, ``m·mean(a/m)``."""
    plain = np.mean(A, axis=0)
    redo = ~np.isfinite(plain) & np.isfinite(A).all(axis=0)
    if redo.any():
        part = A[:, redo]
        scale = np.max(np.abs(part), axis=0)
        plain = plain.copy()
        plain[redo] = scale * np.mean(part / scale, axis=0)
    return plain


def _class_gradient_share(X: np.ndarray, y: np.ndarray, targets: np.ndarray, W: np.ndarray, b: np.ndarray,
                          n_classes: int) -> list[float | None]:
    """Share of the summed per-row gradient norms coming from each class, at initialisation.

    Row i's gradient (weights and bias) is the outer product [x_i, 1] ⊗ r_i, whose norm is
    ‖[x_i, 1]‖·‖r_i‖; rows whose norm is not finite are left out.
    """
    residual, _ = _forward(X, targets, W, b, True)
    input_norm = np.sqrt(np.sum(X * X, axis=1) + 1.0)
    redo = ~np.isfinite(input_norm) & np.isfinite(X).all(axis=1)
    if redo.any():  # finite rows whose squares overflow
        input_norm[redo] = _l2(np.column_stack([X[redo], np.ones(int(redo.sum()))]), axis=1)
    row_norm = input_norm * np.sqrt(np.sum(residual * residual, axis=1))
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
    empty = np.isnan(filled).all(axis=0)  # a column with no finite value is filled with 0 (no all-NaN warning)
    medians = np.zeros(X.shape[1])
    if (~empty).any():
        medians[~empty] = np.nanmedian(filled[:, ~empty], axis=0)
    medians = np.where(np.isfinite(medians), medians, 0.0)
    filled = np.where(np.isnan(filled), medians, filled)
    mean = filled.mean(axis=0)
    std = filled.std(axis=0)
    scale = np.ones(X.shape[1])
    huge = ~(np.isfinite(mean) & np.isfinite(std))  # finite values whose sums overflow: standardise x / max|x|
    if huge.any():
        scale[huge] = np.max(np.abs(filled[:, huge]), axis=0)
        mean[huge] = (filled[:, huge] / scale[huge]).mean(axis=0)
        std[huge] = (filled[:, huge] / scale[huge]).std(axis=0)
    varying = std > 0
    zero_var = [name for name, v in zip(names, varying) if not v]
    standard = (filled[:, varying] / scale[varying] - mean[varying]) / std[varying]
    raw = filled if varying.all() else filled[:, varying]  # both are this function's own: factored in place
    del filled
    (cond, rank), (raw_cond, _) = _effective_conditions([standard, raw])
    return cond, raw_cond, zero_var, int(standard.shape[1] - rank)


_QR_FIRST = 1  # rows per column from which M = QR is factored first (LAPACK's gesdd itself does from 11/6)
_EQUAL_NORMS = 1e-10  # columns whose norms agree to this (relative) share one scale, as a standardised matrix's do


def _effective_conditions(matrices: list[np.ndarray]) -> list[tuple[float | None, int]]:
    """cond(MᵀM) over the directions the data spans, and the rank of M, for each matrix M.

    Directions with an exactly zero singular value (a duplicated column, a one-hot group summing to
    one) are left out: the gradient XᵀX·w has no component along them, so gradient descent never moves
    there and they do not slow it down. The rank is decided on the column-normalised matrix (rank does
    not depend on column scale), with numpy's ``matrix_rank`` tolerance.

    Cost (issue 20: a wide fixed output, 5,000 rows × 3,300 one-hot and scaled columns, spent most of ``fix``
    here). From one row per column, one QR serves both SVDs (M = QR, so M·D has R·D's singular values): from
    11/6 rows per column gesdd takes that path itself, so ``sv`` is unchanged to the last bit; below that the
    blocked QR and the SVD of the square R take about 0.7 of the time of M's own SVD, and the singular values
    agree with it to rounding (1e-14 of the largest; the result keeps 4 digits). When the columns' norms
    agree (a standardised matrix: every column's norm is √rows), M·D is M times one number, up to rounding,
    so the rank is decided on ``sv`` (a multiplicative change of the columns by 1 ± δ moves each singular value
    by at most that share δ, here under 1e-10, far inside the tolerance's margin) and the second SVD is not
    computed. The factorisations of all the matrices are independent: the QRs, then the SVDs, run side by side
    on the shared thread pool when BLAS is on one thread, as in the scan and the fix (``core.parallel.blas_map``:
    each LAPACK call on its own thread, so every value is the one a single call gives, to the last bit). On the
    wide fixed output the standardised and the raw matrix's QRs and three SVDs of 3,300 × 3,300 took 40 s one
    after the other and 25 s side by side on two cores. A matrix factored by QR is divided by its largest entry
    in place: the matrices are the caller's to give up.
    """
    plans = [_condition_plan(M) for M in matrices]
    qr_first = [plan for plan in plans if plan is not None and plan["qr"]]
    for plan, r in zip(qr_first, blas_map(_scaled_r, [(plan["M"], plan["biggest"]) for plan in qr_first])):
        plan["r"] = r
    jobs: list[np.ndarray] = []
    for plan in plans:
        if plan is None:
            continue
        M, biggest, norms, spanned = plan["M"], plan["biggest"], plan["norms"], plan["spanned"]
        if plan["qr"]:
            r = plan.pop("r")
            jobs.append(r)
            if not plan["equal"]:  # R·D, scaled in place in its own copy (the whole R when every column spans)
                unit = r.copy() if spanned.all() else r[:, spanned]
                unit *= biggest / norms[spanned]
                jobs.append(unit)
        else:
            jobs.append(M / biggest)
            if not plan["equal"]:
                jobs.append(M[:, spanned] / norms[spanned])
        plan.pop("M")
    values = iter(blas_map(_singular_values, jobs))
    out: list[tuple[float | None, int]] = []
    for plan in plans:
        if plan is None:
            out.append((None, 0))
            continue
        sv = next(values)
        unit = sv if plan["equal"] else next(values)
        rank = int(np.count_nonzero(unit > unit[0] * max(plan["shape"]) * np.finfo(np.float64).eps))
        smallest = max(sv[rank - 1], sv[0] * np.finfo(np.float64).eps)
        out.append((_num((sv[0] / smallest) ** 2), rank))
    return out


def _condition_plan(M: np.ndarray) -> dict[str, Any] | None:
    """What ``_effective_conditions`` factors of ``M``; None when it has no spanned direction to measure."""
    if M.shape[1] == 0 or M.shape[0] == 0:
        return None
    norms = _l2(M, axis=0)
    if not np.all(np.isfinite(norms)) or not np.any(norms > 0):
        return None
    spanned = norms > 0
    equal = bool(np.all(spanned)) and float(norms.max() - norms.min()) <= _EQUAL_NORMS * float(norms.max())
    return {"M": M, "shape": M.shape, "biggest": np.max(np.abs(M)), "norms": norms, "spanned": spanned,
            "equal": equal, "qr": M.shape[0] >= _QR_FIRST * M.shape[1]}


def _scaled_r(job: tuple[np.ndarray, Any]) -> np.ndarray:
    M, biggest = job
    M /= biggest  # in place: M / biggest to the last bit, without a third copy beside the two QR makes
    return np.linalg.qr(M, mode="r")


def _singular_values(M: np.ndarray) -> np.ndarray:
    return np.linalg.svd(M, compute_uv=False)


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


def batch_shares(result: dict[str, Any]) -> tuple[float | None, float | None]:
    """(share of batches poisoned by NaN/inf inputs, share of finite batches that overflowed).

    A result without the split (an older report) counts every non-finite batch as input-poisoned, as
    those reports did."""
    if "nonfinite_input_batch_share" in result or "overflow_batch_share" in result:
        return result.get("nonfinite_input_batch_share"), result.get("overflow_batch_share")
    return result.get("nan_batch_share"), None


def overflow_symptom(result: dict[str, Any]) -> str | None:
    """'the loss overflows at step 16 (34 of 50 batches): exploding gradients', None without overflow."""
    share = batch_shares(result)[1]
    if not finite(share) or share <= 0:
        return None
    steps, step = result.get("steps"), result.get("overflow_step")
    where = f" at step {count(step)}" if finite(step) else ""
    how_many = (f"{count(round(share * steps))} of {count(steps)} batches" if finite(steps) and steps > 0
                else f"{pct(share)} of batches")
    return f"the loss overflows{where} ({how_many}): exploding gradients"


def condition_inputs(result: dict[str, Any]) -> str:
    """What the probe's condition numbers count: its columns as they stand (``naive_matrix``), not the scan's
    numeric features (``DatasetProfile.conditioning_inputs``): "the probe's 8 columns as they stand (...)"."""
    return f"the probe's {count(result.get('features'))} columns as they stand (not the scan's view)"


def summary(result: dict[str, Any]) -> str:
    """One sentence for the reports: what the probe saw, cause first. Any key may be None or absent."""
    model = "softmax regression" if result.get("task") == CLASSIFICATION else "linear regression"
    parts = [f"a naive {model} on {count(result.get('rows_used'))} rows × {count(result.get('features'))} "
             "numeric columns"]
    inputs, overflow = batch_shares(result)
    overflowed = overflow_symptom(result)
    if finite(inputs) and (inputs > 0 or overflowed is None):
        parts.append(f"{pct(inputs)} of batches gave a NaN/inf loss or gradient"
                     + (" (NaN/inf inputs)" if overflowed else ""))
    if overflowed:
        parts.append(overflowed)
    if result.get("grad_ratio") is not None and result.get("dominant_feature") is not None:
        parts.append(f"`{result['dominant_feature']}` carries {pct(result.get('dominant_feature_share'))} of the "
                     f"gradient (largest/smallest feature gradient {fmt(result['grad_ratio'])}×)")
    if result.get("raw_condition_number") is not None:
        parts.append(f"condition number of {condition_inputs(result)}: {fmt(result['raw_condition_number'])} raw"
                     + (f", {fmt(result['condition_number'])} standardised"
                        if result.get("condition_number") is not None else ""))
    minority = minority_class(result)
    grads = result.get("class_gradient_share") or {}
    if minority is not None and grads.get(minority) is not None:
        parts.append(f"minority class {minority!r} has {pct(result['class_row_share'][minority])} of the rows and "
                     f"{pct(grads[minority])} of the gradient")
    if result.get("trajectory") is not None:
        parts.append(f"loss {result['trajectory']}")
    return parts[0] + (": " + "; ".join(parts[1:]) if parts[1:] else "")
