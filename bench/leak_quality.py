"""Leaks under class imbalance: every leak kind planted at 2% to 50% positives, with strong honest controls.

    python bench/leak_quality.py [--bases breast_cancer digits fair] [--seeds 3] [--out docs/leak_quality.md]

Each base of ``bench/bases.py`` becomes a binary table (its largest class against the rest), thinned so that the
positive class is 2%, 5%, 10%, 25% or 50% of the rows, and gets six new columns:

  leak_score      a number whose every positive row lies above every negative one (rank AUC 1.0)
  leak_flag       0/1 equal to the label in 98.5% of rows (the rest flipped at random)
  leak_amount     0 unless the label is positive, then a positive amount (an amount recovered after a default)
  leak_present    a value present only for positive rows (a closing date recorded only for cancelled contracts)
  strong_score    an honest strong feature: a normal shift between the classes, rank AUC about 0.87
  strong_flag     an honest strong flag: equal to the label in about 85% of rows of each class

A leak is found when a leakage finding names its column; a control is a false alarm when DA701 names it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bases as bases_module  # noqa: E402

from dataaudit import scan  # noqa: E402

SHARES = (0.02, 0.05, 0.10, 0.25, 0.50)
LEAKS = ("leak_score", "leak_flag", "leak_amount", "leak_present")
CONTROLS = ("strong_score", "strong_flag")
FIX_SECTION = "## After `fix --drop-leaky`"  # the heading of bench/leak_fix.py's part of the page


def binary(base: bases_module.Base, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """The base's features with ``label`` = its largest class, thinned to ``share`` positives (at least 20, so that a
    perfect separation means something: a small base's 2% is then a few percent more)."""
    frame = base.frame.drop(columns=[base.target]).copy()
    y = base.frame[base.target]
    top = y.value_counts().index[0]
    positive = np.flatnonzero((y == top).to_numpy())
    negative = np.flatnonzero((y != top).to_numpy())
    if share >= len(positive) / len(y):  # thin the negatives instead
        keep_neg = rng.choice(negative, size=min(len(negative), int(len(positive) * (1 - share) / share)), replace=False)
        keep = np.sort(np.concatenate([positive, keep_neg]))
    else:
        k = max(20, int(round(share * len(negative) / (1 - share))))
        keep = np.sort(np.concatenate([rng.choice(positive, size=min(k, len(positive)), replace=False), negative]))
    out = frame.iloc[keep].reset_index(drop=True)
    out["label"] = (y.iloc[keep].to_numpy() == top).astype(int)
    return out


def plant(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    y = frame["label"].to_numpy()
    n, pos = len(y), y == 1
    score = rng.normal(0, 1, n)
    score[pos] = score[~pos].max() + rng.exponential(1.0, pos.sum())
    flag = np.where(rng.random(n) < 0.015, 1 - y, y)
    amount = np.where(pos, rng.lognormal(6, 1, n).round(2), 0.0)
    present = np.where(pos, rng.integers(1, 365, n).astype(float), np.nan)
    shift = np.sqrt(2) * 1.126  # Φ(shift / √2) ≈ 0.87
    strong = rng.normal(0, 1, n) + shift * y
    strong_flag = np.where(rng.random(n) < 0.15, 1 - y, y)
    return frame.assign(leak_score=score.round(4), leak_flag=flag, leak_amount=amount, leak_present=present,
                        strong_score=strong.round(4), strong_flag=strong_flag)


def planted_tables(names: list[str], seeds: int) -> Iterator[tuple[dict[str, Any], pd.DataFrame, np.random.Generator]]:
    """Every base at every positive share and seed, the leaks and controls planted: ({base, share, seed}, the table,
    its generator, for more planting)."""
    for name in names:
        base = bases_module.BASES[name]()
        for share in SHARES:
            for seed in range(seeds):
                rng = np.random.default_rng(seed)
                yield {"base": name, "share": share, "seed": seed}, plant(binary(base, share, rng), rng), rng


def run(names: list[str], seeds: int, workdir: Path) -> list[dict]:
    rows = []
    for key, frame, _ in planted_tables(names, seeds):
        path = workdir / f"{key['base']}_{key['share']}_{key['seed']}.csv"
        frame.to_csv(path, index=False)
        findings = scan(path, target="label").findings
        leaks = {f.column for f in findings if str(f.category) == "leakage"}
        da701 = {f.column for f in findings if f.rule == "DA701"}
        rows.append({**key, "rows": len(frame), "actual": float(frame["label"].mean()),
                     **{k: k in leaks for k in LEAKS}, **{k: k in da701 for k in CONTROLS}})
    return rows


def report(rows: list[dict]) -> list[str]:
    frame = pd.DataFrame(rows)
    lines = ["| positives | files | actual share | " + " | ".join(LEAKS) + " | controls called leaks |",
             "|---|---:|---|" + "---:|" * len(LEAKS) + "---:|"]
    for share, part in frame.groupby("share"):
        found = " | ".join(f"{int(part[k].sum())}/{len(part)}" for k in LEAKS)
        alarms = int(part[list(CONTROLS)].to_numpy().sum())
        actual = f"{part['actual'].min():.1%}–{part['actual'].max():.1%}"
        lines.append(f"| {share:.0%} | {len(part)} | {actual} | {found} | {alarms} |")
    return lines


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options of both leak benchmarks (this one and bench/leak_fix.py)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--bases", nargs="*", default=["breast_cancer", "digits", "fair"])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path)
    return parser


def write_section(out: Path, text: str, *, fix: bool) -> None:
    """The page holds this benchmark's part, then bench/leak_fix.py's (from ``FIX_SECTION``): write one of them
    (``fix``: leak_fix's) and keep the other as it is."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    at = old.find(FIX_SECTION)
    if fix:
        out.write_text((old[:at] if at >= 0 else old + "\n" if old else "") + text, encoding="utf-8")
    else:
        out.write_text(text + ("\n" + old[at:] if at >= 0 else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(args.bases, args.seeds, Path(tmp))
    lines = ["# Leaks under class imbalance (bench/leak_quality.py)", "",
             f"Bases {', '.join(args.bases)} (largest class against the rest), {args.seeds} seeds per positive share; "
             "found = a leakage finding on the planted column; controls (strong_score AUC ≈ 0.87, strong_flag 85% "
             "agreement) called leaks = DA701 on them.", "", *report(rows)]
    text = "\n".join(lines) + "\n"
    if args.out:
        write_section(args.out, text, fix=False)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
