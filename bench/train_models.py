"""Does `fix` make gradient training work? Train a small gradient model on raw and on repaired data.

    python bench/train_models.py [--seed 0] [--seeds 1] [--resample auto|over|smote|weights|none]
                                 [--codes categorical|numeric]

For each sample dataset with a target: split it (stratified, seeded) into train and test CSVs, then
  raw    the minimum a user does to make scikit-learn run: numeric columns only (text dropped),
         ±inf → NaN → 0, no scaling;
  fixed  `dataaudit.fix` on train, `dataaudit.apply` of its recipe on test.
Each is fed to an MLPClassifier (adam, 50 epochs) and an SGDClassifier (log loss, 50 epochs of
partial_fit); we report whether the loss curve stayed finite, the final loss, and the balanced
accuracy on the held-out test split.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from dataaudit.api import apply_recipe, fix
from dataaudit.fixing.options import FixOptions

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
DATASETS = {"mixed.csv": "churned", "missing.csv": "label", "outliers.csv": "label", "scale.csv": "label",
            "imbalance.csv": "label", "encoding.csv": "label", "leakage.csv": "label"}
EPOCHS = 50


def raw_features(frame: pd.DataFrame, target: str, columns: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    numeric = frame.drop(columns=target).select_dtypes("number")
    columns = columns or list(numeric.columns)
    x = numeric.reindex(columns=columns).to_numpy(dtype=float)
    x[~np.isfinite(x)] = np.nan
    return np.nan_to_num(x, nan=0.0), columns


def train(x_train, y_train, x_test, y_test, seed: int, weights: np.ndarray | None = None) -> dict[str, dict]:
    results = {}
    classes = np.unique(y_train)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=seed, n_iter_no_change=EPOCHS)
        try:
            mlp.fit(x_train, y_train, sample_weight=weights)
            curve = np.asarray(mlp.loss_curve_)
            pred = mlp.predict(x_test)
            results["mlp"] = {"finite": bool(np.isfinite(curve).all()), "final_loss": float(curve[-1]),
                              "balanced_accuracy": balanced_accuracy_score(y_test, pred)}
        except ValueError as exc:  # e.g. the loss overflowed to inf/NaN
            results["mlp"] = {"finite": False, "final_loss": float("nan"), "balanced_accuracy": float("nan"),
                              "error": str(exc)[:80]}
        sgd = SGDClassifier(loss="log_loss", random_state=seed, learning_rate="optimal")
        losses = []
        for _ in range(EPOCHS):
            sgd.partial_fit(x_train, y_train, classes=classes, sample_weight=weights)
            proba = sgd.predict_proba(x_train)
            losses.append(log_loss(y_train, proba, labels=classes, sample_weight=weights)
                          if np.isfinite(proba).all() else np.nan)
        pred = sgd.predict(x_test)
        results["sgd"] = {"finite": bool(np.isfinite(losses).all() and np.isfinite(sgd.coef_).all()),
                          "final_loss": float(losses[-1]), "balanced_accuracy": balanced_accuracy_score(y_test, pred)}
    return results


def run(name: str, target: str, seed: int, tmp: Path, resample: str = "auto", codes: str = "categorical") -> list[dict]:
    frame = pd.read_csv(SAMPLE / name)
    frame = frame[frame[target].notna()]
    train_frame, test_frame = train_test_split(frame, test_size=0.3, random_state=seed,
                                               stratify=frame[target] if frame[target].value_counts().min() >= 2 else None)
    train_path, test_path = tmp / f"train_{name}", tmp / f"test_{name}"
    train_frame.to_csv(train_path, index=False)
    test_frame.to_csv(test_path, index=False)
    rows = []
    x_train, cols = raw_features(train_frame, target)
    x_test, _ = raw_features(test_frame, target, cols)
    for model, r in train(x_train, train_frame[target].astype(str).to_numpy(), x_test,
                          test_frame[target].astype(str).to_numpy(), seed).items():
        rows.append({"dataset": name, "data": "raw", "model": model, **r})
    result = fix(train_path, target=target, recipe_path=tmp / f"recipe_{name}.json", rescan=False,
                 options=FixOptions(resample=resample, codes=codes))  # resampling, if any, on the training split only
    applied, _ = apply_recipe(tmp / f"recipe_{name}.json", test_path)
    fixed_train, weight = result.frame, result.weight_column  # --resample weights: a column of class weights
    features = [c for c in fixed_train.columns if c not in (target, weight)]
    for model, r in train(fixed_train[features].to_numpy(dtype=float), fixed_train[target].astype(str).to_numpy(),
                          applied[features].to_numpy(dtype=float), applied[target].astype(str).to_numpy(),
                          seed, None if weight is None else fixed_train[weight].to_numpy()).items():
        rows.append({"dataset": name, "data": "fixed", "model": model, **r})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="the first seed (split, model, fix)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="seeds seed, seed+1, …: with more than one, the mean and standard deviation per cell "
                             "(imbalance.csv's smallest class has 3 rows: one test row moves its balanced accuracy "
                             "by a third, so one seed is noise there)")
    parser.add_argument("--resample", default="auto", help="fix's --resample on the training split")
    parser.add_argument("--codes", default="categorical", help="fix's --codes (integer category codes, DA408)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seed, args.seed + args.seeds):
            for name, target in DATASETS.items():
                rows += [{**r, "seed": seed} for r in run(name, target, seed, Path(tmp), args.resample, args.codes)]
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 140)
    if args.seeds == 1:
        print(table.drop(columns=[c for c in table.columns if c in ("error", "seed")])
              .to_string(index=False, float_format="%.3f"))
        return
    cells = table.groupby(["dataset", "data", "model"], sort=False).agg(
        finite=("finite", "all"), final_loss=("final_loss", "mean"),
        balanced_accuracy=("balanced_accuracy", "mean"), sd=("balanced_accuracy", "std"))
    print(f"mean over seeds {args.seed}–{args.seed + args.seeds - 1} (sd: of the balanced accuracy)")
    print(cells.reset_index().to_string(index=False, float_format="%.3f"))


if __name__ == "__main__":
    main()
