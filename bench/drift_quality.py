"""How well `dataaudit diff` tells real change from sampling noise, on the clean real bases of bench/bases.py.

Null: each base split into random halves many times; any finding is a false alarm.
Power: one change planted in the second half of a random split, at three strengths; a detection is the
expected rule on the changed column. Writes a Markdown table (``--out docs/drift.md``).

    python bench/drift_quality.py [--splits 20] [--out docs/drift.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bases import BASES, Base  # noqa: E402

from dataaudit.api import diff  # noqa: E402

STRENGTHS = ("weak", "moderate", "strong")


def synthetic(n: int = 20_000, seed: int = 0) -> Base:
    """A larger clean base than the real ones, to show how power grows with rows (effect sizes stay gated)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    frame = pd.DataFrame({"x1": x[:, 0] * 10 + 50, "x2": np.exp(x[:, 1] * 0.5), "x3": x[:, 2], "x4": x[:, 3] * 3,
                          "group": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
                          "label": (x[:, 0] + x[:, 2] + rng.normal(size=n) > 1).astype(int)})
    return Base("synthetic_20k", frame, "label", "classification", "bench/drift_quality.py synthetic()", "numpy")


ALL_BASES = {**BASES, "synthetic_20k": synthetic}


def _numeric(base: Base, frame: pd.DataFrame, rng) -> str | None:
    cols = [c for c in frame.columns if c != base.target and pd.api.types.is_float_dtype(frame[c])
            and frame[c].nunique() > 20]
    return str(rng.choice(cols)) if cols else None


def _text(base: Base, frame: pd.DataFrame, rng) -> str | None:
    cols = [c for c in frame.columns if c != base.target and not pd.api.types.is_numeric_dtype(frame[c])
            and 2 <= frame[c].nunique() <= 50]
    return str(rng.choice(cols)) if cols else None


def _spread(x: pd.Series) -> float:
    return float(x.std()) or 1.0


# change name -> (expected rule, column picker, strengths, apply(frame, column, strength, rng) -> frame)
def _mean_shift(f, c, s, rng):
    return f.assign(**{c: f[c] + s * _spread(f[c])})


def _scale(f, c, s, rng):
    return f.assign(**{c: f[c].median() + (f[c] - f[c].median()) * s})


def _outliers(f, c, s, rng):
    f = f.copy()
    rows = rng.random(len(f)) < s
    f.loc[rows, c] = f[c].median() + 50 * _spread(f[c]) * rng.choice([-1, 1], rows.sum())
    return f


def _missing(f, c, s, rng):
    f = f.copy()
    f.loc[rng.random(len(f)) < s, c] = np.nan
    return f


def _as_text(f, c, s, rng):
    f = f.copy()
    values = f[c].astype(object)
    rows = rng.random(len(f)) < s
    values[rows] = "n/a (sensor off)"
    return f.assign(**{c: values.astype(str)})


def _new_category(f, c, s, rng):
    f = f.copy()
    f.loc[rng.random(len(f)) < s, c] = "brand-new-category"
    return f


def _category_mix(f, c, s, rng):
    f = f.copy()
    top = f[c].value_counts().index
    if len(top) < 2:
        return f
    rows = (f[c] == top[0]) & (rng.random(len(f)) < s)
    f.loc[rows, c] = top[1]
    return f


def _class_balance(f, c, s, rng):
    labels = f[c].value_counts().index
    first = f.index[f[c] == labels[0]]
    return f.drop(rng.choice(first, int(len(first) * s), replace=False))


def _removed(f, c, s, rng):
    return f.drop(columns=[c])


def _added(f, c, s, rng):
    return f.assign(new_column=rng.normal(size=len(f)))


CHANGES: dict[str, tuple[str, Callable, tuple, Callable]] = {
    "mean shift (σ)": ("DA590", _numeric, (0.2, 0.5, 1.0), _mean_shift),
    "spread ×": ("DA590", _numeric, (1.2, 1.5, 2.0), _scale),
    "new outliers (share)": ("DA290", _numeric, (0.005, 0.02, 0.05), _outliers),
    "more missing (share)": ("DA190", _numeric, (0.05, 0.15, 0.3), _missing),
    "numbers as text (share)": ("DA492", _numeric, (0.02, 0.1, 1.0), _as_text),
    "new category (share)": ("DA493", _text, (0.01, 0.05, 0.2), _new_category),
    "category mix (share moved)": ("DA391", _text, (0.1, 0.25, 0.5), _category_mix),
    "class balance (share dropped)": ("DA390", lambda b, f, r: b.target, (0.25, 0.5, 0.75), _class_balance),
    "column removed": ("DA490", _numeric, (None,), _removed),
    "column added": ("DA491", _numeric, (None,), _added),
}


def _halves(frame: pd.DataFrame, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = rng.permutation(len(frame))
    half = len(frame) // 2
    return frame.iloc[order[:half]].reset_index(drop=True), frame.iloc[order[half:]].reset_index(drop=True)


def _findings(ref: pd.DataFrame, cur: pd.DataFrame, target: str | None, work: Path):
    ref.to_parquet(work / "ref.parquet")
    cur.to_parquet(work / "cur.parquet")
    return diff(work / "ref.parquet", work / "cur.parquet", target=target).findings


def run(splits: int, seed: int = 0) -> dict:
    null = {}
    power: dict[tuple[str, str, object], list[int]] = defaultdict(lambda: [0, 0])
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, make in ALL_BASES.items():
            base = make()
            frame = base.frame
            rng = np.random.default_rng([seed, len(name)])
            alarms = {"any": 0, "medium+": 0, "rules": defaultdict(int)}
            for _ in range(splits):
                ref, cur = _halves(frame, rng)
                start = time.perf_counter()
                found = _findings(ref, cur, base.target, work)
                seconds.append(time.perf_counter() - start)
                alarms["any"] += bool(found)
                alarms["medium+"] += any(int(f.severity) >= 2 for f in found)
                for f in found:
                    alarms["rules"][f.rule] += 1
            null[name] = (splits, alarms)
            for change, (rule, pick, strengths, apply) in CHANGES.items():
                if change.startswith("class balance") and base.task != "classification":
                    continue
                for strength in strengths:
                    for _ in range(max(1, splits // 4)):
                        ref, cur = _halves(frame, rng)
                        column = pick(base, cur, rng)
                        if column is None:
                            continue
                        changed = apply(cur, column, strength, rng)
                        found = _findings(ref, changed, base.target, work)
                        expected = "new_column" if rule == "DA491" else column
                        key = ("real" if name in BASES else name, change, strength)
                        power[key][0] += any(f.rule == rule and f.column == expected for f in found)
                        power[key][1] += 1
    return {"null": null, "power": dict(power), "seconds": seconds}


def markdown(result: dict, splits: int) -> str:
    lines = ["# `dataaudit diff`: false alarms and detection power", "",
             f"Generated by `python bench/drift_quality.py --splits {splits}` on the clean real bases of "
             "`bench/bases.py`. Each split is a random half/half division of one base.", "",
             "## False alarms: two random halves of the same data", "",
             "| base | rows | splits | splits with any finding | with a finding ≥ medium | rules that fired |",
             "|---|---|---|---|---|---|"]
    total = [0, 0, 0]
    for name, (n, alarms) in result["null"].items():
        rows = len(ALL_BASES[name]().frame)
        fired = ", ".join(f"{k} ×{v}" for k, v in sorted(alarms["rules"].items())) or "—"
        lines.append(f"| {name} | {rows:,} | {n} | {alarms['any']} | {alarms['medium+']} | {fired} |")
        total[0] += n
        total[1] += alarms["any"]
        total[2] += alarms["medium+"]
    lines += [f"| **all** | | {total[0]} | {total[1]} | {total[2]} | |", "",
              "## Detection: one change planted in the second half", "",
              "A detection is the expected rule on the changed column. Columns are picked at random among the "
              "base's continuous numeric columns (or its text categories, or its target). Each cell: the real "
              "bases (halves of 60–3,200 rows) / the synthetic base (halves of 10,000 rows). Power grows with "
              "rows until the effect-size thresholds (PSI, D ≥ 0.1) decide: a 0.2-σ mean shift stays below them "
              "at any size, by design.", "",
              "| change | rule | " + " | ".join(STRENGTHS) + " |", "|---|---|---|---|---|"]
    def rate(group, change, strength):
        hit, n = result["power"].get((group, change, strength), (0, 0))
        return f"{hit / n:.0%}" if n else "—"
    for change, (rule, _, strengths, _) in CHANGES.items():
        cells = [("" if strength is None else f"{strength}: ") + f"{rate('real', change, strength)} / "
                 f"{rate('synthetic_20k', change, strength)}" for strength in strengths]
        cells += [""] * (3 - len(cells))
        lines.append(f"| {change} | {rule} | " + " | ".join(cells) + " |")
    s = np.array(result["seconds"])
    lines += ["", f"Time per diff (two files of half a base each): median {np.median(s):.2f} s, max {s.max():.2f} s.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = markdown(run(args.splits), args.splits)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
