"""What `fix --drop-leaky` hands a model: planted leaks must not reach the output, honest strong features must.

    python bench/leak_fix.py [--bases breast_cancer digits fair] [--seeds 2] [--out docs/leak_quality.md]

(``--out`` replaces this benchmark's section of the page, or adds it, and leaves the rest as it is.)

The tables of ``bench/leak_quality.py`` (every leak kind planted at 2% to 50% positives, with the honest controls
strong_score and strong_flag), plus two leaks a fix can carry through in parts:

  leak_date       a date recorded only for positive rows (a closing date), blank otherwise: repair makes month, day of
                  week and days, impute a missing indicator
  leak_date_na    the same date written 'N/A' where absent (a missing-value token repair turns into missing)
  leak_date_1900  the same date, 1900-01-01 where absent (a sentinel date: nothing is missing, the days part leaks)
  leak_ratio      a ratio that is 0 unless the label is positive: most of its values lie outside clip's bounds

Each table is split 70/30 by a seeded shuffle. ``dataaudit.fix(..., drop_leaky=True)`` fits on the training rows,
``dataaudit.apply_recipe`` transforms the held-out rows (apply never resamples, so they are the rows a model is
scored on), and every output feature's rank AUC against the label (one-vs-rest, as max(AUC, 1 − AUC)) is measured
there. A leak's figure is the highest AUC of any output column derived from it (read off its name as the fix report
does: ``name``, ``name__…``, ``name=…``; none when nothing is left). An output column of the base's own columns may be
as predictive as its input (breast_cancer's worst_radius has AUC 0.99 before any fix): the fix "created" a leak only
where an output column reaches AUC 0.97 and more than 0.01 above its input column on the same rows (numbers as
numbers, anything else by its best one-vs-rest value indicator). A control survives when an output column derived
from it exists with an AUC within 0.03 of the input column's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from leak_quality import (  # noqa: E402
    CONTROLS,
    FIX_SECTION,
    LEAKS,
    arguments,
    planted_tables,
    write_section,
)

from dataaudit import apply_recipe, fix  # noqa: E402
from dataaudit.fixing.guard import source_column  # noqa: E402
from dataaudit.fixing.options import FixOptions  # noqa: E402

EXTRA = ("leak_date", "leak_date_na", "leak_date_1900", "leak_ratio")
KINDS = (*LEAKS, *EXTRA)
LIMIT = 0.97  # the goal: no output feature this predictive
SURVIVE = 0.03  # a control survives within this much of its input AUC
TRAIN = 0.7


def plant_more(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A table ``plant`` planted, plus a presence-only date and a zero-unless-positive ratio."""
    pos = frame["label"].to_numpy() == 1
    n = len(frame)
    dates = (pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")).strftime("%Y-%m-%d")
    return frame.assign(leak_date=np.where(pos, dates, None), leak_date_na=np.where(pos, dates, "N/A"),
                        leak_date_1900=np.where(pos, dates, "1900-01-01"),
                        leak_ratio=np.where(pos, rng.uniform(0.05, 2.0, n).round(3), 0.0))


def auc(x: np.ndarray, y: np.ndarray) -> float:
    """Highest one-vs-rest rank AUC of ``x`` (ties averaged; missing values ranked lowest), as max(AUC, 1 − AUC)."""
    x = np.where(np.isfinite(x), x, -np.inf)
    ranks = pd.Series(x).rank(method="average").to_numpy()
    best = 0.5
    for c in np.unique(y):
        pos = y == c
        m, k = int(pos.sum()), int((~pos).sum())
        if m and k:
            a = (ranks[pos].sum() - m * (m + 1) / 2) / (m * k)
            best = max(best, a, 1 - a)
    return float(best)


def input_auc(values: pd.Series, y: np.ndarray) -> float:
    """A column's AUC before the fix: as numbers when it reads as numbers, else its best value (missing included)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() >= 0.9 * values.notna().sum() and values.notna().any():
        return max(auc(numbers.to_numpy(dtype=float), y), auc(values.isna().to_numpy(dtype=float), y))
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return max((auc((codes == i).astype(float), y) for i in range(len(uniques))), default=0.5)


def one_table(frame: pd.DataFrame, workdir: Path, stem: str, seed: int) -> dict:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(TRAIN * len(frame))
    train, test = frame.iloc[np.sort(order[:cut])], frame.iloc[np.sort(order[cut:])]
    train_path, test_path = workdir / f"{stem}_train.csv", workdir / f"{stem}_test.csv"
    train.to_csv(train_path, index=False)
    test.to_csv(test_path, index=False)
    result = fix(train_path, target="label", options=FixOptions(drop_leaky=True, seed=seed), rescan=False)
    out, _ = apply_recipe(result.recipe, test_path)
    y = test["label"].to_numpy()
    inputs = [c for c in frame.columns if c != "label"]
    features = [c for c in out.columns if c != "label"]
    aucs = {c: auc(out[c].to_numpy(dtype=float), y) for c in features}
    source = {c: source_column(c, inputs) for c in features}
    before = {s: input_auc(test[s], y) for s in set(source.values()) if s in test.columns}
    created = {c: a for c, a in aucs.items() if a >= LIMIT and a > before.get(source[c], 0.5) + 0.01}
    honest = {c: a for c, a in aucs.items() if source[c] not in KINDS}
    row = {"rows": len(frame), "honest_max": max(honest.values(), default=0.5),
           "honest_worst": max(honest, key=honest.get) if honest else None, "created": created}
    for kind in KINDS:
        row[kind] = max((a for c, a in aucs.items() if source[c] == kind), default=0.0)
    row["leak_max"] = max(row[k] for k in KINDS)
    for control in CONTROLS:
        after = max((a for c, a in aucs.items() if source[c] == control), default=0.0)
        before_auc = before.get(control, input_auc(test[control], y))
        row[control] = after >= before_auc - SURVIVE
        row[f"{control}_auc"] = (before_auc, after)
    return row


def run(names: list[str], seeds: int, workdir: Path) -> list[dict]:
    rows = []
    for key, frame, rng in planted_tables(names, seeds):
        row = one_table(plant_more(frame, rng), workdir, f"{key['base']}_{key['share']}_{key['seed']}", key["seed"])
        rows.append({**key, **row})
    return rows


def report(rows: list[dict]) -> list[str]:
    frame = pd.DataFrame(rows)
    lines = ["| positives | files | " + " | ".join(KINDS) + " | other outputs | controls kept |",
             "|---|---:|" + "---:|" * len(KINDS) + "---:|---:|"]
    for share, part in frame.groupby("share"):
        worst = " | ".join(f"{part[k].max():.3f}" if part[k].max() else "—" for k in KINDS)
        kept = int(part[list(CONTROLS)].to_numpy().sum())
        lines.append(f"| {share:.0%} | {len(part)} | {worst} | {part['honest_max'].max():.3f} | "
                     f"{kept}/{len(part) * len(CONTROLS)} |")
    leaky = frame[frame["leak_max"] >= LIMIT]
    created = [(r.base, r.share, r.seed, c, a) for r in frame.itertuples() for c, a in r.created.items()
               if source_column(c, list(KINDS)) not in KINDS]
    lines += ["", f"Files where an output column derived from a planted leak has AUC ≥ {LIMIT}: {len(leaky)} of "
              f"{len(frame)}" + ("" if leaky.empty else " (" + ", ".join(
                  f"{r.base} {r.share:.0%} seed {r.seed}: {r.leak_max:.3f}" for r in leaky.head(5).itertuples())
                  + (", …" if len(leaky) > 5 else "") + ")") + ".",
              f"Output columns of the base's own columns at AUC ≥ {LIMIT} and above their input's: {len(created)}"
              + ("" if not created else " (" + ", ".join(f"{b} {s:.0%} seed {d}: {c} {a:.3f}"
                                                         for b, s, d, c, a in created) + ")") + "."]
    for control in CONTROLS:
        pairs = np.array(frame[f"{control}_auc"].tolist())
        lines.append(f"{control}: input AUC {pairs[:, 0].mean():.3f} on average, output {pairs[:, 1].mean():.3f} "
                     f"(lowest output {pairs[:, 1].min():.3f}); kept in {int(frame[control].sum())}/{len(frame)}.")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(args.bases, args.seeds, Path(tmp))
    lines = [f"{FIX_SECTION} (bench/leak_fix.py)", "",
             f"Bases {', '.join(args.bases)}, {args.seeds} seeds per positive share; fix fitted on 70% of the rows, "
             "the recipe applied to the other 30%; each cell is the highest held-out rank AUC of an output column "
             "derived from the planted column (— when none is left): the four leaks above, a date recorded only for "
             "positives (blank, 'N/A' or 1900-01-01 elsewhere) and a ratio that is 0 unless the label is positive. "
             "Other outputs: the highest AUC of an output column of the base's own columns (breast_cancer's "
             "worst_radius has AUC 0.99 before any fix), legitimate unless above its input column's.", "",
             *report(rows)]
    text = "\n".join(lines) + "\n"
    if args.out:
        write_section(args.out, text, fix=True)
    print(text)
    ok = all(r["leak_max"] < LIMIT and not r["created"] for r in rows) and all(r[c] for r in rows for c in CONTROLS)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
