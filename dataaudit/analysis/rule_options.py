"""Rule options: a check's keyword-only thresholds, set for every column or for one column.

``option_problem`` validates them (the settings file and the Python API share it). ``run_rule`` runs a
check with the global options and, for columns with options of their own, again with those; each
finding is taken from the run whose options govern it:

- a finding about one column comes from that column's run (the global run when it has no options);
- a finding naming several columns (a duplicate or correlated pair) is reported when the options of
  any one of them report it, as with per-column ignores (it goes only when every column it names lets
  it go); its text and evidence come from the first run that reports it, the global run first;
- a dataset-level finding (no column) follows the global options only.

Columns whose options equal the global ones, or that share the same options, share one run.
"""

from __future__ import annotations

from typing import Any, Mapping

from .findings import Finding
from .registry import all_rules
from .rules import Rule

__all__ = ["option_kind", "option_problem", "run_rule"]

_KINDS = {bool: ("a boolean", (bool,)), int: ("a whole number", (int,)), float: ("a number", (int, float)),
          str: ("a string", (str,))}


def option_kind(default: Any) -> tuple[str, tuple[type, ...]] | None:
    """(words, accepted types) of an option whose default is ``default``; None when any value goes."""
    return _KINDS.get(type(default))


def option_problem(code: str, options: Any) -> str | None:
    """Why ``options`` cannot be rule ``code``'s options (unknown rule, unknown option, wrong type), or None."""
    rules = {r.code: r for r in all_rules()}
    rule = rules.get(code)
    if rule is None:
        named = next((r for r in rules.values() if code.strip().upper() in (r.code, r.name.upper())), None)
        hint = f"; write its code, {named.code}" if named else " (see `dataaudit rules`)"
        return f"unknown rule {code!r}{hint}"
    if not isinstance(options, Mapping):
        return f"rule {code} takes a table of option = value, not {type(options).__name__} {options!r}"
    params = rule.parameters()
    for key, value in options.items():
        if key not in params:
            return f"rule {code} has no option {key!r} (options: {', '.join(params) or 'none'})"
        kind = option_kind(params[key])
        if kind is not None and (isinstance(value, bool) != (bool in kind[1]) or not isinstance(value, kind[1])):
            return f"rule {code} option {key} must be {kind[0]}, not {type(value).__name__} {value!r}"
    return None


def _key(params: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def run_rule(rule: Rule, data: Any, params: Mapping[str, Any],
             column_options: Mapping[str, Mapping[str, Any]] | None = None) -> list[Finding]:
    """The rule's findings with ``params``; each column in ``column_options`` is judged with ``params``
    updated by its own options."""
    merged = {col: {**params, **own} for col, own in (column_options or {}).items()}
    base = _key(params)
    owner = {col: _key(p) for col, p in merged.items() if _key(p) != base}
    runs = {base: list(rule.run(data, **params))}
    for col, key in owner.items():
        if key not in runs:
            runs[key] = list(rule.run(data, **merged[col]))
    if len(runs) == 1:
        return runs[base]
    kept: list[Finding] = []
    reported: set[tuple[str, ...]] = set()  # several-column findings already taken from an earlier run
    for key, found in runs.items():
        taken = []
        for f in found:
            governing = {owner.get(c, base) for c in f.columns} or {base}
            if key in governing and not (len(f.columns) > 1 and f.columns in reported):
                taken.append(f)
        reported.update(f.columns for f in taken if len(f.columns) > 1)
        kept.extend(taken)
    return kept
