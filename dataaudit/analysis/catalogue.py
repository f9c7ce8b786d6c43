"""The rule catalogue: every rule's metadata as ``dataaudit rules`` and ``explain`` show it, kept in
``resources/rules.json`` so that those commands (and ``--version``) start without importing the checks, which
need pandas, pyarrow and numpy (``bench/startup.py``).

The file is written from the registry (``python -m dataaudit.analysis.catalogue``, or the golden tests with
``DATAAUDIT_UPDATE_GOLDEN=1``) and ``tests/test_catalogue.py`` fails when it no longer matches the checks' own
docstrings and options, so it cannot drift from them. This module imports neither the checks nor pandas.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["RESOURCE", "RuleInfo", "catalogue", "lookup", "describe", "build", "write"]

RESOURCE = "resources/rules.json"


@dataclass(frozen=True)
class RuleInfo:
    """What the light commands print about one rule (a ``rules.Rule``'s metadata as text)."""

    code: str
    name: str
    command: str
    category: str
    severity: str
    gradient_effect: str
    fix: str
    summary: str
    details: tuple[str, ...]  # how it decides: the docstring's paragraphs between the summary and "Why"
    why: str  # "Why it hurts training"
    how: str  # "How fix repairs it"
    options: tuple[tuple[str, str], ...]  # option name, default as ``explain`` writes it


def describe(rule: Any) -> RuleInfo:
    """A registered ``rules.Rule`` as the catalogue holds it."""
    return RuleInfo(rule.code, rule.name, rule.command, str(rule.category), str(rule.severity),
                    str(rule.gradient_effect), rule.fix, rule.summary, tuple(rule.details),
                    rule.section("Why it hurts training"), rule.section("How fix repairs it"),
                    tuple((k, str(v)) for k, v in rule.parameters().items()))


def build() -> list[RuleInfo]:
    """The catalogue from the registry itself (imports every check)."""
    from .registry import all_rules

    return [describe(rule) for rule in all_rules()]


def _as_json(rules: list[RuleInfo]) -> str:
    rows = [{**asdict(r), "details": list(r.details), "options": [list(o) for o in r.options]} for r in rules]
    return json.dumps({"rules": rows}, indent=1, ensure_ascii=False) + "\n"


def write(path: str | Path | None = None) -> Path:
    """Write ``build()`` to ``path`` (the package's ``resources/rules.json`` by default)."""
    target = Path(path) if path is not None else Path(__file__).resolve().parent.parent / RESOURCE
    target.write_text(_as_json(build()), encoding="utf-8")
    return target


@lru_cache(maxsize=1)
def catalogue() -> tuple[RuleInfo, ...]:
    """Every rule, sorted by code, as the shipped catalogue holds it."""
    data = json.loads(resources.files("dataaudit").joinpath(RESOURCE).read_text(encoding="utf-8"))
    return tuple(RuleInfo(**{**row, "details": tuple(row["details"]),
                             "options": tuple(tuple(o) for o in row["options"])}) for row in data["rules"])


def lookup(code: str) -> RuleInfo:
    """A rule by code (any case) or check name, as ``registry.get_rule`` finds it."""
    rules = {r.code: r for r in catalogue()}
    rule = rules.get(code.strip().upper()) or {r.name: r for r in rules.values()}.get(code.strip().lower())
    if rule is None:
        raise UsageError(f"unknown rule {code!r} (see `dataaudit rules`)")
    return rule


if __name__ == "__main__":
    print(f"wrote {write()}")
