"""Score a tool's alerts against the planted ground truth: recall per family and strength, false alarms.

The same rules for dataaudit and for the peers:

* a planted problem is **found** when some alert of its family names its column (a table-level problem,
  such as duplicated rows, is found by a table-level alert of its family); any severity counts;
* an alert of severity medium or above (every peer alert: they have no severity) is a **false alarm**
  when nothing explains it: none of its columns carries a planted problem (of any family: a sentinel
  legitimately shows up as an outlier too), it is not a table-level alert of a family planted in that
  file, and it is not one of the base's audited real problems (``bases.TRUTH``) of the same family.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

MEDIUM = 2  # dataaudit's Severity.MEDIUM


@dataclass(frozen=True)
class Alert:
    family: str | None
    columns: tuple[str, ...]
    name: str  # rule code or the peer's alert type
    severity: int | None = None  # dataaudit only; None for peers (always counted)

    @property
    def counts_as_alarm(self) -> bool:
        return self.family is not None and (self.severity is None or self.severity >= MEDIUM)


def dataaudit_alerts(report) -> list[Alert]:
    return [Alert(str(f.category), tuple(f.columns), f.rule, int(f.severity))
            for f in report.findings]


def peer_alerts(entry: dict[str, Any]) -> list[Alert]:
    return [Alert(a.get("family"), (a["column"],) if a.get("column") else (), str(a.get("alert")))
            for a in entry.get("alerts", [])]


@dataclass
class FileScore:
    found: list[tuple[Any, bool]]  # (planted, found?)
    false_alarms: list[Alert]


def score_file(alerts: Sequence[Alert], planted: Sequence[Any], truth: dict[tuple[str, str | None], str]) -> FileScore:
    """Match ``alerts`` with ``planted`` (objects with family/column) and the base's ``truth``."""
    found = []
    for p in planted:
        hit = any(a.family == p.family and ((p.column is None and not a.columns) or
                                            (p.column is not None and p.column in a.columns)) for a in alerts)
        found.append((p, hit))
    planted_columns = {p.column for p in planted if p.column is not None}
    planted_families = {p.family for p in planted}
    alarms = []
    for a in alerts:
        if not a.counts_as_alarm:
            continue
        if planted_columns & set(a.columns):
            continue
        if not a.columns and a.family in planted_families:
            continue
        if any((a.family, c) in truth for c in a.columns) or (not a.columns and (a.family, None) in truth):
            continue
        alarms.append(a)
    return FileScore(found, alarms)


def recall_table(scores: Iterable[tuple[FileScore, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(family, strength) -> (found, planted), over all files."""
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for score, strength in scores:
        for p, hit in score.found:
            cell = table[(p.family, strength)]
            cell[0] += hit
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}


def recall_by_corruption(scores: Iterable[tuple[FileScore, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(corruption, strength) -> (found, planted)."""
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for score, strength in scores:
        for p, hit in score.found:
            cell = table[(p.corruption, strength)]
            cell[0] += hit
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}


def alarms_by_family(scores: Iterable[FileScore]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for score in scores:
        for a in score.false_alarms:
            out[a.family] += 1
    return dict(out)


def precision_by_family(scores: Sequence[FileScore]) -> dict[str, tuple[int, int]]:
    """family -> (hits, hits + false alarms): the share of a family's scored alerts that were right."""
    hits: dict[str, int] = defaultdict(int)
    for score in scores:
        for p, hit in score.found:
            hits[p.family] += hit
    alarms = alarms_by_family(scores)
    return {f: (hits.get(f, 0), hits.get(f, 0) + alarms.get(f, 0)) for f in set(hits) | set(alarms)}
