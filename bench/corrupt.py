"""Seeded corruption injector: plants known problems in a clean table and records the ground truth.

In the spirit of jenga and the REIN/CleanML studies (jenga is unmaintained and knows none of the
encoding problems, so this is a small injector of our own). Every corruption belongs to one of the
seven families of dataaudit's categories and comes at three strengths (weak, moderate, strong); it
either damages one existing column, adds one new column, or changes rows. :func:`plan` packs the
corruptions for one base and strength into a few files, each corruption on its own column, so that
a finding can be matched to what was planted by (family, column); :func:`corrupt` applies one file's
plan. Deterministic for a seed. Masks and arithmetic are vectorised; the text corruptions format or
respell cell by cell, which is fine at the size of the bases (a few thousand rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

STRENGTHS = ("weak", "moderate", "strong")
FAMILIES = ("missing", "outliers", "imbalance", "encoding", "scale", "redundancy", "leakage")
MAX_PER_FILE = 8


@dataclass(frozen=True)
class Planted:
    """One planted problem: its family, the column it is on (None: the whole table), what and how strong."""

    family: str
    column: str | None
    corruption: str
    strength: str

    def to_dict(self) -> dict:
        return {"family": self.family, "column": self.column, "corruption": self.corruption,
                "strength": self.strength}


@dataclass
class Context:
    target: str
    task: str
    strength: str
    rng: np.random.Generator
    clean: pd.DataFrame  # the uncorrupted table (which columns were numeric to begin with)


@dataclass(frozen=True)
class Corruption:
    name: str
    family: str
    needs: str  # "numeric", "positive", "category", "new", "rows"
    apply: Callable[[pd.DataFrame, str | None, Context], tuple[pd.DataFrame, str | None]]
    classification_only: bool = False


def _by(strength: str, weak, moderate, strong):
    return {"weak": weak, "moderate": moderate, "strong": strong}[strength]


def _rows(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """Exactly round(share·n) distinct rows (at least one)."""
    k = min(n, max(1, int(round(share * n))))
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def _as_text(values: pd.Series) -> pd.Series:
    """Numbers as the CSV would print them, as text (so tokens can be mixed in)."""
    return values.astype(object).where(values.isna(), values.map(repr)).astype(object)


# --- missing --------------------------------------------------------------------------------------

def missing_mcar(frame, column, ctx):
    hit = _rows(len(frame), _by(ctx.strength, 0.01, 0.05, 0.25), ctx.rng)
    frame[column] = frame[column].mask(hit)
    return frame, column


def missing_mar(frame, column, ctx):
    """Missing where another column is in its top 30% (missing at random given that column)."""
    others = [c for c in _numeric(ctx.clean, ctx.target) if c != column and c in frame.columns]
    cond = pd.to_numeric(frame[others[0] if others else column], errors="coerce").to_numpy(dtype=float)
    high = cond >= np.nanquantile(cond, 0.7)
    p = _by(ctx.strength, 0.05, 0.2, 0.7)
    hit = high & (ctx.rng.random(len(frame)) < p)
    if not hit.any():
        hit[np.flatnonzero(high)[:1]] = True
    frame[column] = frame[column].mask(hit)
    return frame, column


def missing_mnar(frame, column, ctx):
    """Missing where the value itself is in its top 30% (missing not at random)."""
    values = frame[column].to_numpy(dtype=float)
    high = values >= np.nanquantile(values, 0.7)
    hit = high & (ctx.rng.random(len(frame)) < _by(ctx.strength, 0.05, 0.2, 0.7))
    if not hit.any():
        hit[np.flatnonzero(high)[:1]] = True
    frame[column] = frame[column].mask(hit)
    return frame, column


def disguised_tokens(frame, column, ctx):
    """'?', 'N/A', ... written into a numeric or category column instead of leaving the cell empty."""
    hit = _rows(len(frame), _by(ctx.strength, 0.01, 0.05, 0.2), ctx.rng)
    tokens = np.array(_by(ctx.strength, ["?"], ["?", "N/A"], ["?", "N/A", "-", "null", "unknown"]), dtype=object)
    text = _as_text(frame[column]) if pd.api.types.is_numeric_dtype(frame[column]) else frame[column].astype(object)
    text[hit] = tokens[ctx.rng.integers(0, len(tokens), hit.sum())]
    frame[column] = text
    return frame, column


def sentinel(frame, column, ctx):
    """-999 written for 'unknown' in a numeric column."""
    hit = _rows(len(frame), _by(ctx.strength, 0.01, 0.03, 0.1), ctx.rng)
    frame[column] = frame[column].astype(float).mask(hit, -999.0)
    return frame, column


# --- outliers -------------------------------------------------------------------------------------

def outliers_scaled(frame, column, ctx):
    """1% of a positive column multiplied by 10, 100 or 1,000 (a unit slip)."""
    hit = _rows(len(frame), 0.01, ctx.rng)
    factor = _by(ctx.strength, 10.0, 100.0, 1000.0)
    frame[column] = frame[column].astype(float).mask(hit, frame[column].astype(float) * factor)
    return frame, column


def outliers_noise(frame, column, ctx):
    """Gaussian noise of 5, 20 or 100 standard deviations added to 1% of a column."""
    values = frame[column].to_numpy(dtype=float).copy()
    hit = _rows(len(frame), 0.01, ctx.rng)
    scale = _by(ctx.strength, 5.0, 20.0, 100.0) * np.nanstd(values)
    noise = ctx.rng.normal(0.0, 1.0, hit.sum())
    values[hit] += scale * np.sign(noise) * np.maximum(np.abs(noise), 1.0)  # at least one scale away
    frame[column] = values
    return frame, column


def sign_flip(frame, column, ctx):
    """A positive column with 1%, 3% or 10% of its values negated (a sign error upstream)."""
    hit = _rows(len(frame), _by(ctx.strength, 0.01, 0.03, 0.1), ctx.rng)
    frame[column] = frame[column].astype(float).mask(hit, -frame[column].astype(float))
    return frame, column


# --- encoding -------------------------------------------------------------------------------------

def numbers_as_text(frame, column, ctx):
    """A numeric column with 10%, 50% or all of its cells written as '$1,234.50'."""
    hit = _rows(len(frame), _by(ctx.strength, 0.1, 0.5, 1.0), ctx.rng)
    values = frame[column].astype(float)
    text = _as_text(frame[column])
    present = hit & values.notna().to_numpy()
    text[present] = values[present].map("${:,.2f}".format)
    frame[column] = text
    return frame, column


def _variant(value: str, kind: int, rng: np.random.Generator) -> str:
    if kind == 0:
        return value.upper() if value != value.upper() else value.lower()
    if kind == 1:
        return f" {value} " if rng.random() < 0.5 else f"{value}  "
    if len(value) >= 4:  # a typo: two neighbouring letters swapped
        i = int(rng.integers(1, len(value) - 2))
        return value[:i] + value[i + 1] + value[i] + value[i + 2:]
    return value + value[-1]


def category_variants(frame, column, ctx):
    """Spelling variants of a category's values (case, surrounding spaces, typos) in 2%, 10% or 30% of cells."""
    col = frame[column].astype(object)
    hit = _rows(len(frame), _by(ctx.strength, 0.02, 0.1, 0.3), ctx.rng) & col.notna().to_numpy()
    kinds = _by(ctx.strength, [0], [0, 1], [0, 1, 2])
    values = sorted(col[hit].unique())
    # one variant per (value, kind): a real source repeats the same misspelling
    table = {(v, k): _variant(str(v), k, ctx.rng) for v in values for k in kinds}
    drawn = ctx.rng.choice(kinds, size=hit.sum())
    col[hit] = [table[(v, int(k))] for v, k in zip(col[hit], drawn)]
    frame[column] = col
    return frame, column


def dates_as_text(frame, column, ctx):
    """A new column of dates written as text: ISO, day/month/year, or a mix of formats."""
    days = ctx.rng.integers(0, 8 * 365, len(frame))
    dates = pd.Timestamp("2015-01-01") + pd.to_timedelta(days, unit="D")
    formats = _by(ctx.strength, ["%Y-%m-%d"], ["%d/%m/%Y"], ["%d %b %Y", "%m/%d/%y", "%Y-%m-%d"])
    pick = ctx.rng.integers(0, len(formats), len(frame))
    text = np.empty(len(frame), dtype=object)
    for i, fmt in enumerate(formats):
        text[pick == i] = pd.DatetimeIndex(dates[pick == i]).strftime(fmt)
    frame.insert(len(frame.columns), "event_date", text)
    return frame, "event_date"


def booleans_as_text(frame, column, ctx):
    """A new yes/no column written as words: 'yes'/'no', 'Y'/'N', or a mix of spellings."""
    flag = ctx.rng.random(len(frame)) < 0.4
    pairs = _by(ctx.strength, [("yes", "no")], [("Y", "N")], [("True", "false"), ("yes", "N"), ("TRUE", "no")])
    pick = ctx.rng.integers(0, len(pairs), len(frame))
    yes = np.array([p[0] for p in pairs], dtype=object)[pick]
    no = np.array([p[1] for p in pairs], dtype=object)[pick]
    frame.insert(len(frame.columns), "is_member", np.where(flag, yes, no))
    return frame, "is_member"


def mojibake(frame, column, ctx):
    """A category whose values carry accents, 2%, 10% or 30% of them decoded with the wrong code page."""
    col = frame[column].astype(object)
    accented = {v: _accent(str(v)) for v in col.dropna().unique()}
    col = col.map(accented).astype(object).where(col.notna(), col)
    hit = _rows(len(frame), _by(ctx.strength, 0.02, 0.1, 0.3), ctx.rng) & col.notna().to_numpy()
    garbled = {v: v.encode("utf-8").decode("cp1252", errors="replace") for v in accented.values()}
    col[hit] = col[hit].map(garbled)
    frame[column] = col
    return frame, column


def _accent(value: str) -> str:
    for plain, fancy in (("e", "é"), ("a", "ã"), ("o", "ö"), ("u", "ü"), ("i", "í")):
        if plain in value:
            return value.replace(plain, fancy, 1)
    return value + "é"


# --- redundancy -----------------------------------------------------------------------------------

def duplicate_rows(frame, column, ctx):
    """1%, 5% or 20% of the rows appended again (a join or an export run twice), shuffled in."""
    copies = frame[_rows(len(frame), _by(ctx.strength, 0.01, 0.05, 0.2), ctx.rng)]
    out = pd.concat([frame, copies], ignore_index=True)
    return out.iloc[ctx.rng.permutation(len(out))].reset_index(drop=True), None


def duplicate_column(frame, column, ctx):
    """A copy of a numeric column: in another unit with a little noise, in another unit, or exact."""
    values = frame[column].astype(float)
    if ctx.strength == "strong":
        copy = values
    else:
        copy = values * 2.54
        if ctx.strength == "weak":
            copy = copy + ctx.rng.normal(0, 1e-3 * np.nanstd(copy), len(copy))
    name = f"{column}_2"
    frame.insert(len(frame.columns), name, copy.to_numpy())
    return frame, name


def constant_column(frame, column, ctx):
    """A new column with one value in 98%, 99.5% or all of the rows."""
    values = np.full(len(frame), "v1", dtype=object)
    other = ~_rows(len(frame), _by(ctx.strength, 0.98, 0.995, 1.0), ctx.rng)
    values[other] = "v2"
    frame.insert(len(frame.columns), "source_system", values)
    return frame, "source_system"


# --- leakage --------------------------------------------------------------------------------------

def leak_feature(frame, column, ctx):
    """A new column computed from the target: its class code with 3%, 1% or no rows replaced by noise
    (classification), or the target plus noise of 0.15, 0.05 or 0 standard deviations (regression)."""
    target = frame[ctx.target]
    if ctx.task == "classification":
        codes = pd.factorize(target, sort=True)[0].astype(float)
        noisy = _rows(len(frame), _by(ctx.strength, 0.03, 0.01, 0.0), ctx.rng) if ctx.strength != "strong" \
            else np.zeros(len(frame), dtype=bool)
        codes[noisy] = ctx.rng.integers(0, int(codes.max()) + 1, noisy.sum())
        leak = codes
    else:
        y = target.to_numpy(dtype=float)
        leak = y + ctx.rng.normal(0, _by(ctx.strength, 0.15, 0.05, 0.0) * np.nanstd(y) + 1e-12, len(y))
    frame.insert(len(frame.columns), "outcome_code", leak)
    return frame, "outcome_code"


def id_column(frame, column, ctx):
    """A new identifier column: 'C-000123' strings with a few repeats, shuffled unique numbers, or a sequence."""
    n = len(frame)
    if ctx.strength == "weak":
        ids = ctx.rng.permutation(n) + 1
        repeat = _rows(n, 0.02, ctx.rng)
        ids[repeat] = ids[np.flatnonzero(~repeat)[: repeat.sum()]]
        values = pd.Series(ids).map(lambda v: f"C-{v:06d}").to_numpy(dtype=object)
    elif ctx.strength == "moderate":
        values = ctx.rng.choice(np.arange(100_000, 1_000_000), size=n, replace=False)
    else:
        values = np.arange(1, n + 1)
    frame.insert(0, "record_id", values)
    return frame, "record_id"


# --- imbalance and scale --------------------------------------------------------------------------

def class_imbalance(frame, column, ctx):
    """One class thinned to 1/4, 1/10 or 1/50 of the largest class (at least 3 rows)."""
    counts = frame[ctx.target].value_counts()
    victim = counts.index[-1] if len(counts) == 2 else counts.index[1 + int(ctx.rng.integers(0, len(counts) - 1))]
    want = max(3, int(round(counts.iloc[0] / _by(ctx.strength, 4, 10, 50))))
    rows = np.flatnonzero((frame[ctx.target] == victim).to_numpy())
    keep = np.ones(len(frame), dtype=bool)
    if len(rows) > want:
        keep[ctx.rng.choice(rows, size=len(rows) - want, replace=False)] = False
    return frame[keep].reset_index(drop=True), ctx.target


def scale_blowup(frame, column, ctx):
    """A numeric column recorded in a unit 1,000×, 10,000× or 1,000,000× smaller (m → mm → µm)."""
    frame[column] = frame[column].astype(float) * _blowup_factor(ctx.strength)
    return frame, column


def _blowup_factor(strength: str) -> float:
    return _by(strength, 1e3, 1e4, 1e6)


def replay_systematic(frame: pd.DataFrame, planted: list[Planted]) -> pd.DataFrame:
    """The corruptions that belong to the data source rather than to some rows (a column kept in another
    unit), applied to new data from the same source: a test split, for the downstream comparison."""
    out = frame.copy()
    for p in planted:
        if p.corruption == "scale_blowup" and p.column in out.columns:
            out[p.column] = out[p.column].astype(float) * _blowup_factor(p.strength)
    return out


CORRUPTIONS: dict[str, Corruption] = {c.name: c for c in (
    Corruption("missing_mcar", "missing", "numeric", missing_mcar),
    Corruption("missing_mar", "missing", "numeric", missing_mar),
    Corruption("missing_mnar", "missing", "numeric", missing_mnar),
    Corruption("disguised_tokens", "missing", "numeric", disguised_tokens),
    Corruption("sentinel", "missing", "numeric", sentinel),
    Corruption("outliers_scaled", "outliers", "positive", outliers_scaled),
    Corruption("outliers_noise", "outliers", "numeric", outliers_noise),
    Corruption("sign_flip", "outliers", "positive", sign_flip),
    Corruption("numbers_as_text", "encoding", "numeric", numbers_as_text),
    Corruption("category_variants", "encoding", "category", category_variants),
    Corruption("dates_as_text", "encoding", "new", dates_as_text),
    Corruption("booleans_as_text", "encoding", "new", booleans_as_text),
    Corruption("mojibake", "encoding", "category", mojibake),
    Corruption("duplicate_rows", "redundancy", "rows", duplicate_rows),
    Corruption("duplicate_column", "redundancy", "numeric", duplicate_column),
    Corruption("constant_column", "redundancy", "new", constant_column),
    Corruption("leak_feature", "leakage", "new", leak_feature),
    Corruption("id_column", "leakage", "new", id_column),
    Corruption("class_imbalance", "imbalance", "rows", class_imbalance, classification_only=True),
    Corruption("scale_blowup", "scale", "numeric", scale_blowup),
)}
# row changes first (so column damage is not undone), duplicated rows last (so the copies stay exact)
ORDER = ["class_imbalance", *[n for n in CORRUPTIONS if n not in ("class_imbalance", "duplicate_rows")],
         "duplicate_rows"]


# --- planning -------------------------------------------------------------------------------------

def _numeric(frame: pd.DataFrame, target: str) -> list[str]:
    return [c for c in frame.columns if c != target and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def eligible(frame: pd.DataFrame, target: str, needs: str) -> list[str]:
    """Columns a corruption may damage: varied numeric ones, positive ones with room to flip, short categories."""
    if needs == "numeric":
        return [c for c in _numeric(frame, target) if frame[c].nunique() >= 5]
    if needs == "positive":
        out = []
        for c in _numeric(frame, target):
            v = frame[c].dropna().to_numpy(dtype=float)
            if v.size and frame[c].nunique() >= 5 and v.min() > 0:
                q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
                if med >= 1.5 * (q3 - q1):  # a flipped or scaled value lands far outside the bulk
                    out.append(c)
        return out
    if needs == "category":
        return [c for c in frame.columns if c != target and not pd.api.types.is_numeric_dtype(frame[c])
                and 2 <= frame[c].nunique() <= 50 and frame[c].dropna().astype(str).str.len().min() >= 3]
    return []


@dataclass
class FilePlan:
    """Which corruption goes on which column in one corrupted file."""

    base: str
    strength: str
    index: int
    assignments: list[tuple[str, str | None]] = field(default_factory=list)  # (corruption, column or None)

    @property
    def name(self) -> str:
        return f"{self.base}-{self.strength}-{self.index}"


def plan(base: str, frame: pd.DataFrame, target: str, task: str, strength: str, seed: int = 0,
         corruptions: list[str] | None = None) -> tuple[list[FilePlan], list[str]]:
    """Pack the corruptions into files: each on its own column, one row change per file, at most
    ``MAX_PER_FILE`` per file. Returns the plans and the corruptions that do not apply to this base."""
    rng = np.random.default_rng([seed, STRENGTHS.index(strength), sum(map(ord, base))])
    names = [n for n in (corruptions or list(CORRUPTIONS))]
    skipped = []
    todo = []
    for n in names:
        c = CORRUPTIONS[n]
        if (c.classification_only and task != "classification") or (
                c.needs not in ("new", "rows") and not eligible(frame, target, c.needs)):
            skipped.append(n)
        else:
            todo.append(n)
    todo = [todo[i] for i in rng.permutation(len(todo))]
    plans: list[FilePlan] = []
    while todo:
        current = FilePlan(base, strength, len(plans))
        used: set[str] = set()
        rows_used = False
        left = []
        for n in todo:
            c = CORRUPTIONS[n]
            if len(current.assignments) >= MAX_PER_FILE:
                left.append(n)
                continue
            if c.needs in ("new", "rows"):
                if c.needs == "rows" and rows_used:
                    left.append(n)
                    continue
                rows_used |= c.needs == "rows"
                current.assignments.append((n, None))
                continue
            free = [col for col in eligible(frame, target, c.needs) if col not in used]
            if not free:
                left.append(n)
                continue
            col = free[int(rng.integers(0, len(free)))]
            used.add(col)
            current.assignments.append((n, col))
        plans.append(current)
        if len(left) == len(todo):  # nothing fitted: cannot happen, but never loop forever
            break
        todo = left
    return plans, skipped


def corrupt(frame: pd.DataFrame, target: str, task: str, file_plan: FilePlan,
            seed: int = 0) -> tuple[pd.DataFrame, list[Planted]]:
    """Apply one file's plan to a copy of ``frame``; returns the corrupted table and its ground truth."""
    rng = np.random.default_rng([seed, STRENGTHS.index(file_plan.strength), file_plan.index,
                                 sum(map(ord, file_plan.base))])
    ctx = Context(target, task, file_plan.strength, rng, frame)
    out = frame.copy()
    planted = []
    for name, column in sorted(file_plan.assignments, key=lambda a: ORDER.index(a[0])):
        c = CORRUPTIONS[name]
        out, where = c.apply(out, column, ctx)
        planted.append(Planted(c.family, where, name, file_plan.strength))
    return out, planted
