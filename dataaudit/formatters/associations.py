"""The association view of the HTML report: how strongly columns go together, and the pairs the checks found.

Three measures, each in [0, 1] as a strength: Pearson's r between numbers (shown signed), Cramér's V
between categories (booleans included) and the correlation ratio η between a number and a category.
They are measured on the report's row sample (at most ``MAX_ROWS`` rows of it, evenly spaced), on the
rows where both columns have a value. The pairs come first from the findings: a redundancy or leakage
finding that names two columns or more (DA604 duplicate columns, DA605 correlated features, DA606
recoded columns, DA607 linear dependency), and a target leak (DA701) as the feature with the target.
Then the strongest pairs no check reported, among the heatmap's columns.

The heatmap holds at most ``MAX_HEATMAP`` columns: those of the reported pairs and the target first,
then those with the strongest association, screened among the first ``MAX_POOL`` measurable columns
(in the overview's worst-first order), so a 1,000-column table costs one 300 × 300 correlation
matrix, not half a million pair measurements. A report rebuilt from JSON has no sample: the view
then lists the reported pairs with what their evidence says.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..analysis.findings import Finding
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.report import Report
from . import svg
from .svg import esc

__all__ = ["MAX_HEATMAP", "MAX_POOL", "MAX_CATEGORIES", "MAX_LEVELS", "MAX_ROWS", "SCREEN_ROWS", "MAX_REPORTED",
           "MAX_OTHER_PAIRS", "MIN_OTHER", "NUMERIC_TYPES", "HEATMAP_TYPES", "CATEGORY_TYPES", "Pair",
           "reported_pairs", "pearson", "cramers_v", "correlation_ratio", "HEAD", "section"]

MAX_HEATMAP = 30  # columns in the heatmap: 435 cells
MAX_POOL = 300  # columns screened for the strongest associations
MAX_CATEGORIES = 60  # categorical columns screened among themselves
MAX_LEVELS = 100  # a column with more categories is not measured as categorical (V would be inflated)
MAX_ROWS = 5_000  # rows of the sample the measures use
SCREEN_ROWS = 2_000  # rows the screening uses
MAX_REPORTED = 30  # reported pairs in the table; the rest in a closed <details>
MAX_OTHER_PAIRS = 15  # strongest pairs no check reported, in the table
MIN_OTHER = 0.5  # ... and only when at least this strong
NUMERIC_TYPES = ("numeric", "integer", "identifier")
HEATMAP_TYPES = ("numeric", "integer", "categorical", "boolean", "text")  # identifiers only in a reported pair
CATEGORY_TYPES = ("categorical", "boolean", "text")


@dataclass(frozen=True)
class Pair:
    """Columns a redundancy or leakage finding ties together, with every such finding."""

    columns: tuple[str, ...]
    findings: tuple[Finding, ...]


def reported_pairs(report: Report) -> list[Pair]:
    """The column groups of redundancy and leakage findings that involve two columns or more, worst first.

    A target leak names one feature; it is paired with the target. Findings on the same columns
    share a row."""
    groups: dict[frozenset[str], tuple[tuple[str, ...], list[Finding]]] = {}
    for f in report.findings:
        if str(f.category) not in ("redundancy", "leakage"):
            continue
        cols = tuple(dict.fromkeys(f.columns))
        if f.check == "target-leakage" and report.target and report.target not in cols:
            cols += (report.target,)
        if len(cols) < 2:
            continue
        groups.setdefault(frozenset(cols), (cols, []))[1].append(f)
    return [Pair(cols, tuple(found)) for cols, found in groups.values()]


# --- the measures -----------------------------------------------------------------------------------


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r on the rows where both are finite; NaN when either is constant there or < 3 rows."""
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 3:
        return float("nan")
    a, b = x[keep] - x[keep].mean(), y[keep] - y[keep].mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    if not denom > 0 or not np.isfinite(denom):
        return float("nan")
    return float(np.clip((a * b).sum() / denom, -1.0, 1.0))


def _recode(codes: np.ndarray) -> tuple[np.ndarray, int]:
    levels, inverse = np.unique(codes, return_inverse=True)
    return inverse.astype(np.int64), len(levels)


def cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    """Cramér's V of two category codes (-1 = missing) on the rows where both have a value."""
    keep = (a >= 0) & (b >= 0)
    if keep.sum() < 3:
        return float("nan")
    x, nx = _recode(a[keep])
    y, ny = _recode(b[keep])
    if min(nx, ny) < 2:
        return float("nan")
    table = np.bincount(x * ny + y, minlength=nx * ny).reshape(nx, ny).astype(float)
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    chi2 = ((table - expected) ** 2 / expected).sum()
    return float(np.clip(np.sqrt(chi2 / n / (min(nx, ny) - 1)), 0.0, 1.0))


def correlation_ratio(codes: np.ndarray, y: np.ndarray) -> float:
    """η: how much of a number's variance the category explains (its square is the R² of group means)."""
    keep = (codes >= 0) & np.isfinite(y)
    if keep.sum() < 3:
        return float("nan")
    g, k = _recode(codes[keep])
    v = y[keep]
    if k < 2:
        return float("nan")
    total = ((v - v.mean()) ** 2).sum()
    if not total > 0 or not np.isfinite(total):
        return float("nan")
    counts = np.bincount(g, minlength=k)
    means = np.bincount(g, weights=v, minlength=k) / counts
    between = (counts * (means - v.mean()) ** 2).sum()
    return float(np.clip(np.sqrt(between / total), 0.0, 1.0))


@dataclass
class _Columns:
    """The sampled rows of the measurable columns: floats for numbers, codes (-1 missing) for categories."""

    numbers: dict[str, np.ndarray]
    codes: dict[str, np.ndarray]
    rows: int

    def measure(self, a: str, b: str) -> tuple[str, float]:
        """The measure's symbol and value for a pair ('r' signed), ('', NaN) when it cannot be measured."""
        if a in self.numbers and b in self.numbers:
            return "r", pearson(self.numbers[a], self.numbers[b])
        if a in self.codes and b in self.codes:
            return "V", cramers_v(self.codes[a], self.codes[b])
        if a in self.codes and b in self.numbers:
            return "η", correlation_ratio(self.codes[a], self.numbers[b])
        if a in self.numbers and b in self.codes:
            return "η", correlation_ratio(self.codes[b], self.numbers[a])
        return "", float("nan")


def _kind(col: ColumnProfile, profile: DatasetProfile) -> str | None:
    target = profile.target
    if col.is_target and target is not None:
        return "number" if target.task == "regression" else "category"
    if col.inferred_type in CATEGORY_TYPES and 2 <= col.distinct <= MAX_LEVELS:
        return "category"
    if col.inferred_type in NUMERIC_TYPES and col.name in profile.numeric_sample.columns and col.distinct > 1:
        return "number"
    return None


def _rows(index: pd.Index, limit: int) -> pd.Index:
    ordered = index.sort_values()
    if len(ordered) <= limit:
        return ordered
    return ordered[np.unique(np.linspace(0, len(ordered) - 1, limit).round().astype(np.int64))]


def _sampled(profile: DatasetProfile, names: Sequence[str]) -> _Columns:
    rows = _rows(profile.sample.index, MAX_ROWS)
    numbers, codes = {}, {}
    for name in names:
        col = profile.columns[name]
        kind = _kind(col, profile)
        if kind == "number":
            if col.is_target:
                values = profile.target_sample.loc[rows].to_numpy(dtype=float)
            else:
                values = profile.numeric_sample.loc[rows, name].to_numpy(dtype=float)
            numbers[name] = np.where(np.isfinite(values), values, np.nan)
        elif kind == "category":
            raw = profile.sample.loc[rows, name]
            codes[name] = pd.factorize(raw.astype("str").where(raw.notna()), sort=True)[0].astype(np.int64)
    return _Columns(numbers, codes, len(rows))


# --- choosing the heatmap's columns ------------------------------------------------------------------


def _screen(profile: DatasetProfile, pool: list[str]) -> dict[str, float]:
    """Each pool column's strongest association with another: |r| among numbers, V among categories."""
    data = _sampled(profile, pool)
    score: dict[str, float] = {}
    nums = [n for n in pool if n in data.numbers]
    if len(nums) >= 2:
        take = _rows(pd.RangeIndex(data.rows), SCREEN_ROWS).to_numpy()
        matrix = np.column_stack([data.numbers[n][take] for n in nums])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column has no median: filled with 0
            fill = np.nanmedian(matrix, axis=0)
            matrix = np.where(np.isnan(matrix), np.nan_to_num(fill), matrix)
            z = (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)
            z = np.where(np.isfinite(z), z, 0.0)
            corr = np.abs(z.T @ z) / len(z)
        np.fill_diagonal(corr, 0.0)
        score.update(zip(nums, np.round(corr.max(axis=0), 6).tolist()))
    cats = [n for n in pool if n in data.codes][:MAX_CATEGORIES]
    for i, a in enumerate(cats):
        for b in cats[:i]:
            v = cramers_v(data.codes[a], data.codes[b])
            if np.isfinite(v):
                score[a] = max(score.get(a, 0.0), round(v, 6))
                score[b] = max(score.get(b, 0.0), round(v, 6))
    return score


def _heatmap_columns(profile: DatasetProfile, order: Sequence[str], pairs: list[Pair]) -> list[str]:
    measurable = [n for n in order if _kind(profile.columns[n], profile) is not None
                  and (profile.columns[n].inferred_type in HEATMAP_TYPES or profile.columns[n].is_target)]
    chosen = [n for p in pairs for n in p.columns if n in profile.columns]
    if profile.target is not None:
        chosen.append(profile.target.name)
    chosen = [n for n in dict.fromkeys(chosen) if n in measurable][:MAX_HEATMAP]
    rest = [n for n in measurable if n not in set(chosen)][:MAX_POOL]
    if len(chosen) < MAX_HEATMAP and rest:
        score = _screen(profile, rest)
        ranked = sorted(rest, key=lambda n: -score.get(n, 0.0))  # stable: the overview's order among equals
        chosen += ranked[: MAX_HEATMAP - len(chosen)]
    return [n for n in order if n in set(chosen)]  # shown in the overview's order


# --- the section -------------------------------------------------------------------------------------


def _value(symbol: str, value: float) -> str:
    if not symbol or not np.isfinite(value):
        return "—"
    return f"{symbol} = {value:+.2f}" if symbol == "r" else f"{symbol} = {value:.2f}"


def _evidence_value(pair: Pair) -> str:
    for f in pair.findings:
        r = f.evidence.get("r")
        if isinstance(r, (int, float)):
            return f"r = {r:+.2f} (the check's)"
    return "—"


def _names(columns: Sequence[str]) -> str:
    return " · ".join(f"<code>{esc(c)}</code>" for c in columns)


def _finding_cell(findings: Sequence[Finding]) -> str:
    return "<br>".join(f"<span class=\"sev {esc(f.severity)}\">{esc(f.rule)} {esc(f.severity)}</span> {esc(f.message)}"
                       for f in findings)


HEAD = "<tr><th>columns</th><th>association</th><th>finding</th></tr>"


def _found_row(pair: Pair, value: str) -> str:
    return (f"<tr class=\"found\"><td>{_names(pair.columns)}</td><td class=\"n\">{value}</td>"
            f"<td>{_finding_cell(pair.findings)}</td></tr>")


def _reported_rows(pairs: Sequence[Pair], data: _Columns | None) -> list[str]:
    """A row per reported pair, the worst finding first, then the strongest; beyond ``MAX_REPORTED`` folded."""
    measured = [(p, *data.measure(*p.columns)) if data is not None and len(p.columns) == 2 else (p, "", float("nan"))
                for p in pairs]
    measured.sort(key=lambda m: (-max(int(f.severity) for f in m[0].findings),  # stable: the findings' order
                                 -(round(abs(m[2]), 6) if np.isfinite(m[2]) else -1.0)))
    rows = [_found_row(p, value if (value := _value(symbol, v)) != "—" else _evidence_value(p))
            for p, symbol, v in measured]
    if len(rows) > MAX_REPORTED:
        rows[MAX_REPORTED:] = [f"<tr><td colspan=\"3\"><details class=\"more\"><summary>{len(rows) - MAX_REPORTED:,} "
                               f"more reported pairs</summary><table>{HEAD}" + "".join(rows[MAX_REPORTED:])
                               + "</table></details></td></tr>"]
    return rows


def _matrix(data: _Columns, names: Sequence[str]) -> tuple[np.ndarray, list[list[str]]]:
    """The measures of every pair of ``names`` (lower triangle) and their symbols."""
    n = len(names)
    matrix = np.full((n, n), np.nan)
    symbols = [[""] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            symbols[i][j], matrix[i, j] = data.measure(names[i], names[j])
    return matrix, symbols


def section(report: Report, order: Sequence[str]) -> list[str]:
    """The association view: the ranked pairs table and, with a sample, the heatmap. ``order`` is the
    overview's column order (worst first). Empty when there is nothing to show."""
    pairs = reported_pairs(report)
    profile: DatasetProfile | None = report.profile
    if profile is None or not profile.columns or not len(profile.sample):  # no profile, or its summary
        if not pairs:
            return []
        return ["<p>The column pairs the redundancy and leakage checks reported (the report carries no row sample "
                f"to measure them on).</p><table class=\"pairs\">{HEAD}", *_reported_rows(pairs, None), "</table>"]
    names = _heatmap_columns(profile, order, pairs)
    if not pairs and len(names) < 2:
        return []
    involved = [n for p in pairs for n in p.columns if n in profile.columns]
    data = _sampled(profile, list(dict.fromkeys([*names, *involved])))
    matrix, symbols = _matrix(data, names)
    n = len(names)
    grouped = [set(p.columns) for p in pairs]

    def reported(i: int, j: int) -> bool:
        return any({names[i], names[j]} <= g for g in grouped)

    others = sorted(((abs(matrix[i, j]), i, j) for i in range(n) for j in range(i)
                     if np.isfinite(matrix[i, j]) and abs(matrix[i, j]) >= MIN_OTHER and not reported(i, j)),
                    key=lambda t: (-round(t[0], 6), t[1], t[2]))[:MAX_OTHER_PAIRS]
    rows = [*_reported_rows(pairs, data),
            *(f"<tr><td>{_names((names[j], names[i]))}</td><td class=\"n\">{_value(symbols[i][j], matrix[i, j])}"
              "</td><td class=\"none\">no finding</td></tr>" for _, i, j in others)]
    out = [f"<p>How strongly columns go together, on {data.rows:,} sampled rows: Pearson's <em>r</em> between "
           "numbers, Cramér's <em>V</em> between categories, the correlation ratio <em>η</em> between a number and "
           "a category (each 0 to 1 in strength). First the pairs the checks reported, then the strongest "
           f"others (at least {MIN_OTHER}) among the columns of the heatmap.</p>"]
    if rows:
        out += [f"<table class=\"pairs\">{HEAD}", *rows, "</table>"]
    if n >= 2:
        marked = {(i, j) for i in range(n) for j in range(i) if reported(i, j)}
        notes = [[f"{names[i]} × {names[j]}: {_value(symbols[i][j], matrix[i, j])}" for j in range(i)]
                 for i in range(n)]
        chart = svg.heatmap(names, np.abs(matrix), notes, marked, title="associations between columns",
                            cell=22.0 if n <= 16 else 16.0)
        left = (f" Not shown: {len(order) - n:,} of the {len(order):,} columns (identifiers, dates, constants and "
                f"columns with too many categories are not measured; the heatmap holds at most {MAX_HEATMAP}, those "
                "of the reported pairs and the target first, then the most strongly associated).") if len(order) > n else ""
        out.append(f"<figure>{chart}<figcaption>Strength of association (|r|, V or η; darker is stronger) between "
                   f"{n} columns; red outlines: pairs a check reported. Blank: not measurable (too few rows or a "
                   f"constant).{left}</figcaption></figure>")
    return out
