"""The loaded registry: every rule the checks register (importing them here), chosen by code, prefix or name.

Kept apart from ``rules`` (the ``@check`` decorator the checks import), so that no module imports the checks
and is imported by them.
"""

from __future__ import annotations

from typing import Iterable

from .. import checks  # noqa: F401  (importing registers the checks)
from ..errors import UsageError
from .rules import RULES, Rule, matches

__all__ = ["all_rules", "select_rules", "get_rule"]


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    return [RULES[code] for code in sorted(RULES)]


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = (), *, command: str = "scan") -> list[Rule]:
    """The ``command``'s rules chosen by ``--select``/``--ignore``: codes, prefixes (``DA2``) or check names.

    A pattern must name some rule of either command, so one settings file serves scan and diff."""
    rules = all_rules()
    select = [s for s in select if s.strip()]
    ignore = [s for s in ignore if s.strip()]
    for pattern in [*select, *ignore]:
        if not any(matches(rule, pattern) for rule in rules):
            raise UsageError(f"no rule matches {pattern!r} (see `dataaudit rules`)")
    rules = [r for r in rules if r.command == command]
    if select:
        rules = [r for r in rules if any(matches(r, p) for p in select)]
    return [r for r in rules if not any(matches(r, p) for p in ignore)]


def get_rule(code: str) -> Rule:
    rules = {r.code: r for r in all_rules()}
    rule = rules.get(code.strip().upper())
    if rule is None:
        by_name = {r.name: r for r in rules.values()}
        rule = by_name.get(code.strip().lower())
    if rule is None:
        raise UsageError(f"unknown rule {code!r} (see `dataaudit rules`)")
    return rule
