"""Does `fix` help a gradient model on real tables? Judged on held-out rows that `apply` transformed.

    python bench/fix_real.py [--split tune|heldout|all] [--tables NAME ...] [--seeds 1] [--out FILE]

For each real table of ``bench/real`` (packaged data, nothing downloaded; the target and task from its truth file),
the columns its truth calls leaks or identifiers (``leak-*``, ``identifier*``: no honest model has them; a row
number of a sorted file would hand a baseline the label, which fix refuses) and the rows without a target are left
out, and the rest split 70/30 (seeded; stratified when every class has two rows),
each split written as CSV. Three ways to make the features, one model each (an MLP, adam, 32 hidden units, 200
epochs; for a regression target its predictions are scored in the target's own units):

  raw      what a user does to make scikit-learn run at all: numeric columns only, ±inf and NaN → 0;
  sklearn  scikit-learn's usual preprocessing: numbers median-imputed (with indicators) and standardised,
           other columns most-frequent-imputed and one-hot encoded (at most 20 levels, the rest as one);
           a regression target standardised (TransformedTargetRegressor);
  fixed    ``dataaudit fix`` (default options) on the training split and ``apply`` of its recipe on the test
           split; a transformed regression target back through ``Recipe.inverse_target``.

Score: balanced accuracy (classification) or R² (regression, floored at -1 so that one diverged fit does not
decide a mean) on the test split. Reported: each table's three scores, how often ``fixed`` is within 0.02 of the
better baseline or above it, the tables where it is more than 0.05 below, and any error (an exception of ``fix``
or ``apply`` on a real table is a bug).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent / "real"))

import tables  # noqa: E402
import truth as truth_module  # noqa: E402

from dataaudit.api import apply_recipe, fix  # noqa: E402

EPOCHS = 200
FLOOR = -1.0  # R² below this counts as this (a diverged fit)
CLOSE = 0.02  # fixed within this of the better baseline: "as good"
WORSE = 0.05  # fixed this far below the better baseline: listed


def _model(task: str, seed: int):
    if task == "classification":
        return MLPClassifier(hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=seed)
    return MLPRegressor(hidden_layer_sizes=(32,), max_iter=EPOCHS, random_state=seed)


def _labels(values: pd.Series) -> np.ndarray:
    """Class labels as text, a whole number written without '.0' (fix may hand 1 back as 1.0)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.astype("int64").astype(str).to_numpy()
    return values.astype(str).to_numpy()


def _score(task: str, y_true, predicted) -> float:
    if task == "classification":
        return float(balanced_accuracy_score(y_true, predicted))
    predicted = np.asarray(predicted, dtype=float)
    if not np.isfinite(predicted).all():
        return FLOOR
    return max(float(r2_score(np.asarray(y_true, dtype=float), predicted)), FLOOR)


def _raw(train: pd.DataFrame, test: pd.DataFrame, target: str, task: str, seed: int) -> float:
    numeric = [c for c in train.columns if c != target and pd.api.types.is_numeric_dtype(train[c])]

    def features(frame: pd.DataFrame) -> np.ndarray:
        x = np.array(frame[numeric], dtype=float) if numeric else np.zeros((len(frame), 1))
        x[~np.isfinite(x)] = 0.0
        return x

    model = _model(task, seed)
    y = _labels(train[target]) if task == "classification" else train[target].to_numpy(dtype=float)
    model.fit(features(train), y)
    truth = _labels(test[target]) if task == "classification" else test[target]
    return _score(task, truth, model.predict(features(test)))


def _sklearn(train: pd.DataFrame, test: pd.DataFrame, target: str, task: str, seed: int) -> float:
    features = [c for c in train.columns if c != target]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(train[c])]
    other = [c for c in features if c not in numeric]
    prepare = ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numeric),
        ("categories", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                     OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=20)), other),
    ], sparse_threshold=0.0)
    model = _model(task, seed)
    if task == "regression":
        model = TransformedTargetRegressor(regressor=model, transformer=StandardScaler())
    pipeline = make_pipeline(prepare, model)
    x_train = train[features].astype({c: str for c in other}).replace({"nan": np.nan, "None": np.nan})
    x_test = test[features].astype({c: str for c in other}).replace({"nan": np.nan, "None": np.nan})
    y = _labels(train[target]) if task == "classification" else train[target].to_numpy(dtype=float)
    pipeline.fit(x_train, y)
    truth = _labels(test[target]) if task == "classification" else test[target]
    return _score(task, truth, pipeline.predict(x_test))


def _fixed(train_path: Path, test_path: Path, test: pd.DataFrame, target: str, task: str, seed: int,
           tmp: Path) -> tuple[float, str]:
    recipe_path = tmp / "recipe.json"
    result = fix(train_path, target=target, recipe_path=recipe_path, rescan=False)
    applied, _ = apply_recipe(recipe_path, test_path)
    fitted, weight = result.frame, result.weight_column
    columns = [c for c in fitted.columns if c not in (target, weight)]
    model = _model(task, seed)
    y = _labels(fitted[target]) if task == "classification" else fitted[target].to_numpy(dtype=float)
    model.fit(fitted[columns].to_numpy(dtype=float), y)
    predicted = model.predict(applied[columns].to_numpy(dtype=float))
    truth = _labels(test[target]) if task == "classification" else test[target]
    if task == "regression":
        predicted = result.recipe.inverse_target(predicted)
    dropped = len(result.dropped_columns)
    return _score(task, truth, predicted), f"{len(columns)} columns, {dropped} dropped, {result.rows['out']} rows"


def run_table(name: str, seed: int, tmp: Path) -> dict:
    truth = truth_module.load(name)
    frame = tables.read_frame(truth.source)
    target, task = truth.target, truth.task
    frame = frame[frame[target].notna()].reset_index(drop=True)
    leaks = sorted({p.column for p in truth.problems if p.column in frame.columns and p.column != target
                    and (p.kind.startswith(("leak-", "identifier")))})
    frame = frame.drop(columns=leaks)
    row = {"table": name, "split": truth.split, "task": task, "rows": len(frame), "seed": seed, "leaks": len(leaks)}
    stratify = None
    if task == "classification":
        counts = frame[target].astype(str).value_counts()
        stratify = frame[target].astype(str) if counts.min() >= 2 else None
    train, test = train_test_split(frame, test_size=0.3, random_state=seed, stratify=stratify)
    train_path, test_path = tmp / f"{name}_train.csv", tmp / f"{name}_test.csv"
    train.to_csv(train_path, index=False)
    test.drop(columns=target).to_csv(test_path, index=False)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        for label, make in (("raw", lambda: _raw(train, test, target, task, seed)),
                            ("sklearn", lambda: _sklearn(train, test, target, task, seed))):
            try:
                row[label] = make()
            except Exception as exc:  # noqa: BLE001  (a baseline that cannot run is reported, not fatal)
                row[label], row[f"{label}_error"] = np.nan, f"{type(exc).__name__}: {exc}"[:160]
        start = time.perf_counter()
        try:
            row["fixed"], row["fixed_note"] = _fixed(train_path, test_path, test, target, task, seed, tmp)
        except Exception as exc:  # noqa: BLE001  (an error of fix/apply on a real table: reported as a bug)
            row["fixed"], row["fixed_error"] = np.nan, f"{type(exc).__name__}: {exc}"[:200]
        row["fix_seconds"] = time.perf_counter() - start
    return row


def summary(table: pd.DataFrame) -> list[str]:
    lines = []
    best = table[["raw", "sklearn"]].max(axis=1)
    for (split, task), part in table.groupby(["split", "task"]):
        b = best[part.index]
        ok = part["fixed"].notna()
        lines.append(f"| {split} | {task} | {len(part)} | {part['raw'].mean():.3f} | {part['sklearn'].mean():.3f} | "
                     f"{part['fixed'].mean():.3f} | {int((part['fixed'][ok] >= b[ok] - CLOSE).sum())}/{int(ok.sum())} | "
                     f"{int((part['fixed'][ok] < b[ok] - WORSE).sum())} | {int((~ok).sum())} |")
    header = ["| split | task | tables | raw | sklearn | fixed | fixed ≥ best − 0.02 | fixed < best − 0.05 | errors |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    return header + lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    parser.add_argument("--tables", nargs="*", help="only these tables (names of bench/real/truth/*.json)")
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0, 1, …: the scores are their mean")
    parser.add_argument("--out", type=Path, help="also write the tables as Markdown here")
    args = parser.parse_args()
    names = args.tables or [n for n in truth_module.names()
                            if args.split == "all" or truth_module.load(n).split == args.split]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            for seed in range(args.seeds):
                rows.append(run_table(name, seed, Path(tmp)))
                r = rows[-1]
                print(f"{name:<22} seed {seed}  raw {r['raw']:.3f}  sklearn {r['sklearn']:.3f}  fixed "
                      f"{r['fixed']:.3f}  {r.get('fixed_error') or r.get('fixed_note', '')}", flush=True)
    every = pd.DataFrame(rows)
    table = every.groupby(["table", "split", "task"], as_index=False, sort=False).agg(
        rows=("rows", "first"), raw=("raw", "mean"), sklearn=("sklearn", "mean"), fixed=("fixed", "mean"),
        fix_seconds=("fix_seconds", "mean"))
    lines = ["# fix on real tables (bench/fix_real.py)", "",
             f"An MLP on each table's held-out 30% (seeds 0–{args.seeds - 1}); balanced accuracy or R² (floored at "
             f"{FLOOR:g}). `fixed`: `dataaudit fix` on the training split, `apply` on the test split.", "",
             *summary(table), ""]
    best = table[["raw", "sklearn"]].max(axis=1)
    worse = table[table["fixed"] < best - WORSE]
    if len(worse):
        lines += ["Tables where `fixed` is more than 0.05 below the better baseline:", "",
                  "| table | split | task | raw | sklearn | fixed |", "|---|---|---|---:|---:|---:|"]
        lines += [f"| {r.table} | {r.split} | {r.task} | {r.raw:.3f} | {r.sklearn:.3f} | {r.fixed:.3f} |"
                  for r in worse.itertuples()]
        lines.append("")
    errors = every[every.filter(like="_error").notna().any(axis=1)] if every.filter(like="_error").shape[1] else []
    if len(errors):
        lines += ["Errors:", ""]
        for r in errors.to_dict("records"):
            lines += [f"- {r['table']} (seed {r['seed']}): " + "; ".join(f"{k}: {v}" for k, v in r.items()
                                                                         if k.endswith("_error") and isinstance(v, str))]
        lines.append("")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
