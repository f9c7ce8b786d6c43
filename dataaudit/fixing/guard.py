"""Findings the fix created: in the rescan of the output, but not in the scan of the input.

``fix`` must leave the data no worse than it found it, so the fix report lists every finding of the "after"
scan whose rule did not fire on the same source column before (dataset-level findings by rule alone). An
output column is judged by the input column it came from, read off its name: the encoder's ``<col>=<value>``
and ``<col>__freq``, the imputer's ``<col>__missing``, the repair step's ``<col>__days`` (and the other date
parts) and ``<col> [unit]``. Findings about the target only are left out: the fix does not change it, apart
from resampling; so is a near-constant one-hot column (DA602 on the encoder's ``<col>=<value>``): the 0/1 column of
a category under 5% of the rows is near-constant by construction, whatever encodes it one-hot. So is a recoding
(DA606) of the imputer's ``<col>__missing``: it marks exactly the rows where ``<col>`` (and the columns missing
with it, which share the indicator) hold the value put in, often their commonest.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..analysis.findings import Finding

__all__ = ["ONE_HOT_RULES", "SELF_RECODING_RULES", "source_column", "input_set", "new_after_fix"]

_DERIVED = ("=", "__", " [")  # what follows a source column's name in the name of a column derived from it
ONE_HOT_RULES = ("DA602",)  # what a one-hot column of a rare-ish category raises by construction
SELF_RECODING_RULES = ("DA606",)  # what a missing indicator and the value imputed raise by construction


def source_column(name: str, inputs: Iterable[str]) -> str:
    """The input column ``name`` was derived from (the longest input name it extends), or ``name`` itself.

    Linear in the length of ``name``, not in the number of inputs, when ``inputs`` is a set (pass one when calling
    it for many names: ``input_set``): the candidates are ``name`` and its prefixes that a separator follows."""
    names = inputs if isinstance(inputs, (set, frozenset)) else set(inputs)
    if name in names:
        return name
    best = -1
    for sep in _DERIVED:
        at = name.find(sep)
        while at >= 0:  # each prefix that ``sep`` follows; the longest input wins
            if at > best and name[:at] in names:
                best = at
            at = name.find(sep, at + 1)
    return name if best < 0 else name[:best]


def input_set(inputs: Iterable[str]) -> frozenset[str]:
    """The input names as ``source_column`` reads them fastest."""
    return frozenset(inputs)


def _keys(finding: Finding, inputs: Sequence[str], target: str | None) -> set[tuple[str, str | None]]:
    if not finding.columns:
        return {(finding.rule, None)}
    sources = {source_column(c, inputs) for c in finding.columns}
    return {(finding.rule, s) for s in sources if s != target}


def new_after_fix(before: Sequence[Finding], after: Sequence[Finding], inputs: Sequence[str],
                  target: str | None = None) -> list[Finding]:
    """The findings of ``after`` with a (rule, source column) that no finding of ``before`` has.

    ``inputs`` are the input's column names (the recipe's ``input_columns``)."""
    inputs = input_set(inputs)
    seen = set().union(*(_keys(f, inputs, target) for f in before))
    return [f for f in after if _keys(f, inputs, target) - seen
            and not (f.rule in ONE_HOT_RULES and f.columns and all(_one_hot(c, inputs) for c in f.columns))
            and not (f.rule in SELF_RECODING_RULES and any(_indicator(c, inputs) for c in f.columns))]


def _one_hot(name: str, inputs: Sequence[str]) -> bool:
    """Whether ``name`` is an encoder's one-hot column ``<col>=<value>`` of an input column."""
    source = source_column(name, inputs)
    return source != name and name.startswith(f"{source}=")


def _indicator(name: str, inputs: Sequence[str]) -> bool:
    """Whether ``name`` is the imputer's missing indicator ``<col>__missing`` of an input column."""
    source = source_column(name, inputs)
    return source != name and name == f"{source}__missing"
