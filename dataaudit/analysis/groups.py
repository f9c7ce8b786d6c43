"""Columns of whole numbers that number groups of rows, told from the data (``core.groups``) rather than from a
name: a panel's unit (each value one block of rows in which a year rises) is an identifier, the same entity in
several rows (DA702); a code of groups whose target means follow no order of the number is integer codes (DA408)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.groups import (
    MIN_BLOCKS,
    MIN_GROUP_ROWS,
    MIN_GROUPS,
    MIN_LEVELS,
    panel_cycle,
    unordered_groups,
    unordered_levels,
)
from .measures import name_words
from .profiling import FUSED_NUMBER, ID_NAME, ColumnProfile, DatasetProfile

__all__ = ["TIME_WORDS", "COMPOUND_REPEAT_SHARE", "mark_groups"]

#: a number named as a time or an age is a quantity whatever its target means do: a year of jagged year effects
TIME_WORDS = frozenset({"year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "days", "date",
                        "time", "age", "wave", "period", "quarter"})


def mark_groups(profile: DatasetProfile) -> None:
    """Type each panel unit as an identifier (its evidence says which column rises inside its blocks), and record
    in ``profile.group_codes`` the columns that code groups whose target means follow no order (on the sample)."""
    integers = [c for c in profile.features if c.inferred_type == "integer" and c.numeric is not None
                and c.numeric.count > 0]
    if not integers:
        return
    sample = profile.numeric_sample
    if not sample.index.is_monotonic_increasing:
        sample = sample.sort_index()
    # whole numbers typed identifiers by their name alone (a purchase's number within its household) may still be
    # what rises inside another column's blocks
    counters = [c for c in profile.features if c.evidence.get("repeated") and c.numeric is not None
                and c.name in sample.columns and c.stats.kind != "string"]
    values = {c.name: sample[c.name].to_numpy(dtype=float) for c in [*integers, *counters] if c.name in sample.columns}
    for col in integers:
        if col.name not in values or not MIN_BLOCKS <= col.distinct <= col.nonmissing / 2:
            continue
        others = {c.name: values[c.name] for c in [*integers, *counters]
                  if c is not col and c.name in values and c.distinct >= 2}
        found = panel_cycle(values[col.name], others)
        if found is not None:
            _as_panel_unit(col, *found)
    _mark_compound_keys(profile, integers)
    target = _target_matrix(profile)
    if target is None:
        return
    matrix, labelled = target
    classes = profile.target.task != "regression"
    for col in integers:
        if col.inferred_type != "integer" or col.name not in values or col.distinct < MIN_LEVELS \
                or col.distinct > col.nonmissing / MIN_GROUP_ROWS or TIME_WORDS.intersection(name_words(col.name)):
            continue
        x = values[col.name][labelled] if labelled is not None else values[col.name]
        keep = np.isfinite(x)
        if col.distinct >= MIN_GROUPS:
            effect = unordered_groups(x[keep], matrix[keep])
        else:  # a few levels, judged against a regression target's ranks (a heavy tail does not decide it)
            y = matrix[keep] if classes else pd.Series(matrix[keep, 0]).rank().to_numpy()[:, None]
            effect = unordered_levels(x[keep], y, classes=classes)
        if effect is not None:
            profile.group_codes[col.name] = effect


#: the share of sampled rows whose unit repeats an earlier row's before a number within it can be the key's rest
COMPOUND_REPEAT_SHARE = 0.2


def _mark_compound_keys(profile: DatasetProfile, integers: list[ColumnProfile]) -> None:
    """Type as an identifier whole numbers named like one (``persnum``, ``person_no``) that are too repetitive
    to be one alone but, with an identifier that repeats (``intnum``: a family in several rows), tell every
    sampled row apart: a person's number within its family, the rest of a compound key."""
    units = [c.name for c in profile.features if c.inferred_type == "identifier" and c.name in profile.sample.columns
             and c.evidence.get("distinct_ratio", 1.0) < 0.98]
    named = [c for c in integers if c.inferred_type == "integer" and c.name in profile.sample.columns
             and (ID_NAME.search(c.name) or FUSED_NUMBER.search(c.name))]
    for unit in units:
        repeats = profile.sample[unit].duplicated()
        if repeats.mean() < COMPOUND_REPEAT_SHARE:
            continue
        for col in named:
            if col.inferred_type == "integer" and not profile.sample[[unit, col.name]].duplicated().any():
                col.inferred_type = "identifier"
                col.evidence["rule"] = (f"whole numbers named like an identifier that, with `{unit}` (an identifier "
                                        "that repeats), tell every row apart: a number within its unit, the rest "
                                        "of a compound key")
                col.evidence["compound_with"] = unit


def _as_panel_unit(col: ColumnProfile, cycle: str, blocks: np.ndarray) -> None:
    col.inferred_type = "identifier"
    col.evidence["rule"] = (f"whole numbers in blocks of rows, one block per value, in which `{cycle}` rises: the "
                            "unit of a panel (the same entity in several rows)")
    col.evidence["panel"] = {"cycle": cycle, "blocks": int(blocks.size),
                             "rows_per_block": [int(blocks.min()), int(blocks.max())]}


def _target_matrix(profile: DatasetProfile) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The sampled target as rows × 1 values (regression) or one 0/1 column per class, on the sampled rows where it
    is known, and which rows those are (None: every row), in row order; None without a target."""
    labels = profile.target_sample
    if labels is None or profile.target is None:
        return None
    if not labels.index.is_monotonic_increasing:
        labels = labels.sort_index()
    if profile.target.task == "regression":
        y = pd.to_numeric(labels, errors="coerce").to_numpy(dtype=float)
        known = np.isfinite(y)
        return y[known][:, None], (None if known.all() else known)
    codes, classes = pd.factorize(labels)
    known = codes >= 0
    if len(classes) < 2:
        return None
    return np.eye(len(classes))[codes[known]], (None if known.all() else known)
