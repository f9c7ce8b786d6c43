"""The hand-audited truth of the real tables: ``truth/<name>.json``, one file per table.

Each file was written from the table's data and documentation (pandas, scikit-learn), **never from a dataaudit
scan**, and committed before any check was changed for it. Its keys:

* ``name``, ``source`` (``{"package", "member"}``, see ``tables.py``), ``target``, ``task`` (classification or
  regression), ``split``: ``"tune"`` (checks may be changed while looking at it) or ``"heldout"`` (never:
  its figures are reported apart), ``split_note`` (optional, read by nobody: why a table changed split),
  ``description`` (one paragraph: what a row is), ``audit`` (what was looked at);
* ``problems``: what a serious audit must report, each ``{"family", "column", "kind", "why"}``: ``family`` one of
  the seven categories (``families``: a list when more than one is right, e.g. a 999 code is missing *or*
  outliers), ``column`` the column (``null`` for the table: duplicate rows), ``kind`` from ``KINDS``, ``why`` the
  evidence (a number measured, a line of the documentation);
* ``tolerated``: findings that are defensible but not required (a real heavy tail, derived columns with
  |r| 0.9–0.98, a strong feature that is not a leak), each ``{"family" or "families", "column", "why"}``.

Scoring (``bench/real_quality.py``): a problem is found when a finding of one of its families names its column
(any severity; a table problem by a table-level finding); a finding of severity medium or above is a false
alarm when no problem or tolerated entry of its family names one of its columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tables import Source

TRUTH_DIR = Path(__file__).resolve().parent / "truth"
FAMILIES = ("missing", "outliers", "imbalance", "encoding", "scale", "redundancy", "leakage")
KINDS = {
    "leak-score": "a numeric feature that separates the classes (almost) perfectly",
    "leak-flag": "a flag or key equal to the label in (almost) every row",
    "leak-zero-inflated": "an amount that is 0 unless the label is positive (or the reverse)",
    "leak-presence": "a field present (not missing) only for one class",
    "leak-post-outcome": "a field recorded after the outcome that predicts it strongly but not perfectly",
    "leak-regression": "a feature that determines a regression target (a transform of it)",
    "identifier": "a column that identifies rows (R's row names, a sequence, a key)",
    "identifier-repeating": "an identifier whose values repeat (a patient in several rows)",
    "free-text": "multi-word, mostly distinct text: names, titles, comments",
    "recoding": "two columns that map one to one (a category and its code)",
    "zero-missing": "zeros that mean 'not measured' (a spike of 0 far from the other values)",
    "sentinel": "a placeholder value for unknown (999, 666, a cap)",
    "missing": "missing values (NA)",
    "target-missing": "rows without a target value",
    "constant": "a column with one value",
    "duplicate-rows": "rows repeated exactly",
    "duplicate-column": "a column equal to another",
    "correlated": "two numeric features with |r| ≥ 0.98 (one derived from the other)",
    "class-imbalance": "the target's majority class at least 3× its minority",
    "rare-classes": "target classes with fewer than 6 rows",
    "skewed-target": "a regression target with a heavy tail",
    "outliers": "values detached from the bulk (data errors, caps)",
    "heavy-tail": "a continuous heavy-tailed shape",
    "numbers-as-text": "numbers stored as text",
    "dates-as-text": "dates stored as text",
    "booleans-as-text": "yes/no stored as words",
    "integer-codes": "integers that are category codes",
    "scale-disparity": "features whose magnitudes differ by orders",
    "high-cardinality": "a categorical with very many values",
    "near-constant": "one value in ≥ 95% of rows",
    "strong-feature": "a legitimately strong feature (a control: it must not be called a leak)",
}


@dataclass(frozen=True)
class Entry:
    families: tuple[str, ...]
    column: str | None
    kind: str
    why: str


@dataclass
class Truth:
    name: str
    source: Source
    target: str
    task: str
    split: str
    description: str
    audit: str
    problems: list[Entry] = field(default_factory=list)
    tolerated: list[Entry] = field(default_factory=list)


def _entry(raw: dict, where: str, *, tolerated: bool) -> Entry:
    families = tuple(raw["families"]) if "families" in raw else (raw["family"],)
    if not families or any(f not in FAMILIES for f in families):
        raise ValueError(f"{where}: families {families} not among {FAMILIES}")
    kind = raw.get("kind", "tolerated" if tolerated else "")
    if not tolerated and kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} not among KINDS")
    if not raw.get("why"):
        raise ValueError(f"{where}: every entry says why")
    return Entry(families, raw.get("column"), kind, raw["why"])


def load(name: str) -> Truth:
    raw = json.loads((TRUTH_DIR / f"{name}.json").read_text(encoding="utf-8"))
    if raw["name"] != name or raw["split"] not in ("tune", "heldout") or raw["task"] not in ("classification",
                                                                                                "regression"):
        raise ValueError(f"{name}: bad name, split or task")
    return Truth(raw["name"], Source(**raw["source"]), raw["target"], raw["task"], raw["split"], raw["description"],
                 raw["audit"],
                 [_entry(p, f"{name} problem {i}", tolerated=False) for i, p in enumerate(raw["problems"])],
                 [_entry(p, f"{name} tolerated {i}", tolerated=True) for i, p in enumerate(raw.get("tolerated", []))])


def names() -> list[str]:
    return sorted(p.stem for p in TRUTH_DIR.glob("*.json"))
