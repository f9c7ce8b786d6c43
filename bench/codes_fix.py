"""Does `fix --codes categorical` help a model? Integer category codes, judged by held-out scores, not a rescan.

    python bench/codes_fix.py [--seeds 5] [--rows 6000] [--task classification|regression|both] [--real]

Each seed builds a table of pupils: ``school`` (30 schools numbered 1-30, each with its own effect on the outcome,
in no order of its number), ``race`` (coded 1-6, 5% missing, effects in no order of the code) and honest numeric
features (``age`` with a linear effect, ``income`` with a log effect, ``hours`` with a small one, ``absences`` a
count with none). The outcome is their sum plus noise: a pass/fail label (classification, held-out ROC AUC) or a
score (regression, held-out R²). The table is split 70/30 (seeded); `fix` runs on the training split with
``--codes numeric`` (the codes as magnitudes, as before) and ``--codes categorical`` (the default: imputed as
categories, neither clipped nor scaled, one-hot encoded), `apply` of each recipe transforms the held-out split, and
three scikit-learn models train on each: a logistic/linear regression by gradient descent (SGD, 30 epochs), an MLP
(one hidden layer of 32, adam) and a regularised closed-form one (LogisticRegression, lbfgs / Ridge). ``oracle``
is the score of the true signal itself on the held-out rows: no model does better on average. Whether the scan
flagged each code column (DA408) is reported per seed: `fix` encodes only what the scan calls codes.
Regression runs with ``--target-transform none`` (R² of the outcome as generated) and neither task resamples.

``--real`` runs the same comparison on the real tables of ``bench/real`` (packaged data, nothing downloaded) of
1,000 rows or more, with a binary or numeric target, where the scan reports integer codes: ``REAL`` below says
which codes. There the target is transformed as `fix` does by default (R² in that scale, the same for both arms),
and ``--drop-leaky`` drops what the scan calls a leak (card's wage beside its log, a target computed from features),
which would otherwise carry the score whatever the codes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier, SGDRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

from dataaudit.api import apply_recipe, fix
from dataaudit.fixing.options import FixOptions

TARGET = "outcome"
CODES = ("school", "race")
EPOCHS = 30
REAL_DIR = Path(__file__).resolve().parent / "real"
#: real tables whose scan reports integer codes (DA408): table -> the codes (as the scan reported them when chosen)
REAL = {"benefits": "state (51 states)", "card": "married (6 statuses)", "injury": "injdes (389 injury codes)",
        "medpar": "provnum (54 providers), type (3)", "nlschools": "class (133 classes)",
        "pneumon": "race (3), region (4)", "star": "schidkn (79 schools)"}


def table(seed: int, rows: int, task: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The pupils' table and the true signal of each row (the outcome without its noise)."""
    rng = np.random.default_rng(seed)
    school = rng.integers(1, 31, rows)
    race = rng.choice(np.arange(1, 7), rows, p=[0.45, 0.2, 0.15, 0.1, 0.06, 0.04]).astype(float)
    age = rng.uniform(18, 70, rows).round()
    income = rng.lognormal(10, 0.6, rows).round(-1)
    hours = rng.normal(38, 8, rows).round(1)
    absences = rng.poisson(3, rows).astype(float)
    school_effect, race_effect = rng.normal(0, 0.9, 31), rng.normal(0, 0.9, 7)
    signal = (school_effect[school] + race_effect[race.astype(int)] + 0.03 * (age - 44)
              + 0.8 * (np.log(income) - 10) + 0.04 * (hours - 38))
    race[rng.random(rows) < 0.05] = np.nan  # missing codes: their effect is lost, the signal keeps it
    noisy = signal + (rng.logistic(size=rows) if task == "classification" else rng.normal(0, 1, rows))
    outcome = (noisy > 0).astype(int) if task == "classification" else noisy.round(3)
    frame = pd.DataFrame({"school": school, "race": race, "age": age, "income": income, "hours": hours,
                          "absences": absences, TARGET: outcome})
    return frame, signal


def models(task: str, seed: int) -> dict:
    if task == "classification":
        return {"sgd": SGDClassifier(loss="log_loss", random_state=seed, max_iter=EPOCHS, tol=None),
                "mlp": MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, random_state=seed),
                "lbfgs": LogisticRegression(max_iter=1000)}
    return {"sgd": SGDRegressor(random_state=seed, max_iter=EPOCHS, tol=None),
            "mlp": MLPRegressor(hidden_layer_sizes=(32,), max_iter=200, random_state=seed),
            "lbfgs": Ridge(alpha=1.0)}


def score(task: str, model, x_train, y_train, x_test, y_test) -> float:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        model.fit(x_train, y_train)
        if task == "classification":
            return float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]))
        return float(r2_score(y_test, model.predict(x_test)))


def real_table(name: str) -> tuple[pd.DataFrame, str, str]:
    """A real table of ``bench/real`` with its target renamed ``outcome``, and its task."""
    sys.path.insert(0, str(REAL_DIR))
    import tables  # bench/real/tables.py: packaged tables, nothing downloaded

    truth = json.loads((REAL_DIR / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    frame = tables.read_frame(tables.Source(truth["source"]["package"], truth["source"]["member"]))
    return frame.rename(columns={truth["target"]: TARGET}), truth["task"], truth["target"]


def run_real(name: str, seed: int, tmp: Path) -> list[dict]:
    frame, task, _ = real_table(name)
    if task == "classification":
        frame[TARGET] = (frame[TARGET] == sorted(frame[TARGET].unique())[-1]).astype(int)  # binary: the last label
    return run(seed, len(frame), task, tmp, frame=frame, signal=None, label=name)


def run(seed: int, rows: int, task: str, tmp: Path, *, frame: pd.DataFrame | None = None,
        signal: np.ndarray | None = None, label: str = "synthetic") -> list[dict]:
    if frame is None:
        frame, signal = table(seed, rows, task)
    index = np.arange(rows)
    train_rows, test_rows = train_test_split(index, test_size=0.3, random_state=seed,
                                             stratify=frame[TARGET] if task == "classification" else None)
    train_path, test_path = tmp / f"train_{label}_{task}_{seed}.csv", tmp / f"test_{label}_{task}_{seed}.csv"
    frame.iloc[train_rows].to_csv(train_path, index=False)
    frame.iloc[test_rows].to_csv(test_path, index=False)
    out = []
    if signal is not None:
        y_test = frame[TARGET].to_numpy()[test_rows]
        oracle = (roc_auc_score(y_test, signal[test_rows]) if task == "classification"
                  else r2_score(y_test, signal[test_rows]))
        out.append({"table": label, "task": task, "seed": seed, "codes": "oracle", "model": "-",
                    "score": float(oracle)})
    for codes in ("numeric", "categorical"):
        transform = "none" if signal is not None else "auto"
        options = FixOptions(codes=codes, resample="none", target_transform=transform,
                             drop_leaky=signal is None)  # real tables: their leaks would hide what codes do
        result = fix(train_path, target=TARGET, rescan=False, options=options)
        flagged = sorted(f.column for f in result.before.findings if f.rule == "DA408")
        applied, _ = apply_recipe(result, test_path)  # the target too, as the recipe transforms it
        features = [c for c in result.frame.columns if c != TARGET]
        x_train, y_train = result.frame[features].to_numpy(dtype=float), result.frame[TARGET].to_numpy()
        x_test, y_test = applied.reindex(columns=features).to_numpy(dtype=float), applied[TARGET].to_numpy()
        for name, model in models(task, seed).items():
            out.append({"table": label, "task": task, "seed": seed, "codes": codes, "model": name,
                        "flagged": ",".join(flagged), "features": len(features),
                        "score": score(task, model, x_train, y_train, x_test, y_test)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 … seeds-1 (table, split, models)")
    parser.add_argument("--rows", type=int, default=6000, help="rows of each table (70%% train, 30%% held out)")
    parser.add_argument("--task", choices=("classification", "regression", "both"), default="both")
    parser.add_argument("--real", action="store_true", help="the real tables of bench/real with integer codes")
    args = parser.parse_args()
    if args.real:
        return main_real(args.seeds)
    tasks = ("classification", "regression") if args.task == "both" else (args.task,)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for task in tasks:
            for seed in range(args.seeds):
                rows += run(seed, args.rows, task, Path(tmp))
    results = pd.DataFrame(rows)
    pd.set_option("display.width", 160)
    print("DA408 flagged (per seed, codes=categorical run):")
    flagged = results[results["codes"] == "categorical"].drop_duplicates(["task", "seed"])
    print(flagged[["task", "seed", "flagged", "features"]].to_string(index=False))
    metric = {"classification": "held-out ROC AUC", "regression": "held-out R²"}
    print(f"\nmean (sd) over seeds 0–{args.seeds - 1}; {', '.join(f'{t}: {metric[t]}' for t in tasks)}")
    lines = ["| task | model | codes numeric | codes categorical | categorical − numeric (mean, min, max over seeds) |",
             "|---|---|---|---|---|"]
    for task in tasks:
        part = results[results["task"] == task]
        oracle = part[part["codes"] == "oracle"]["score"]
        for model in ("sgd", "mlp", "lbfgs"):
            got = {c: part[(part["codes"] == c) & (part["model"] == model)].set_index("seed")["score"]
                   for c in ("numeric", "categorical")}
            gain = got["categorical"] - got["numeric"]
            lines.append(f"| {task} | {model} | {got['numeric'].mean():.3f} ({got['numeric'].std():.3f}) | "
                         f"{got['categorical'].mean():.3f} ({got['categorical'].std():.3f}) | "
                         f"{gain.mean():+.3f} ({gain.min():+.3f} to {gain.max():+.3f}) |")
        lines.append(f"| {task} | oracle (true signal) | {oracle.mean():.3f} ({oracle.std():.3f}) | | |")
    print("\n".join(lines))


def main_real(seeds: int) -> None:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in REAL:
            for seed in range(seeds):
                rows += run_real(name, seed, Path(tmp))
    results = pd.DataFrame(rows)
    print(f"real tables, mean over seeds 0–{seeds - 1} of a 70/30 split: held-out ROC AUC (binary) or R² (numeric)")
    lines = ["| table | codes | task | model | codes numeric | codes categorical | categorical − numeric "
             "(min to max) | flagged |", "|---|---|---|---|---|---|---|---|"]
    for name, codes in REAL.items():
        part = results[results["table"] == name]
        for model in ("sgd", "mlp", "lbfgs"):
            got = {c: part[(part["codes"] == c) & (part["model"] == model)].set_index("seed")["score"]
                   for c in ("numeric", "categorical")}
            gain = got["categorical"] - got["numeric"]
            flagged = ";".join(sorted(set(part["flagged"].dropna())))
            lines.append(f"| {name} | {codes} | {part['task'].iloc[0]} | {model} | {got['numeric'].mean():.3f} | "
                         f"{got['categorical'].mean():.3f} | {gain.mean():+.3f} ({gain.min():+.3f} to "
                         f"{gain.max():+.3f}) | {flagged} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
