"""Column profiles: inferred type with its evidence, and numeric views, derived once from the statistics.

Checks read these profiles; they never touch the raw file. Text columns are analysed on their
distinct values (capped at ``MAX_DISTINCT_ANALYSED``, most frequent first), so the cost does
not grow with the number of rows.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..core import textvalues
from ..core.arrow_types import times_as_durations
from ..core.numfmt import significant
from ..core.stats import ColumnStats, DatasetStats, NumericStats
from .textanalysis import (
    MAX_DISTINCT_ANALYSED,
    NUMERIC_TEXT_SHARE,
    TextAnalysis,
    analyse_text,
    analyse_texts,
)

__all__ = ["MAX_DISTINCT_ANALYSED", "NUMERIC_TEXT_SHARE", "ID_NAME", "ROW_NAMES", "NAMED_ID_SHARE", "ACRONYM_ID",
           "FUSED_CODE", "FUSED_ID", "UNIQUE_CODE_NAME", "FUSED_NO", "FIRST_UNNAMED", "FUSED_NUMBER",
           "COUNT_TARGET_VALUES", "COUNT_FROM_ZERO_VALUES", "COUNT_TAIL_SHARE", "COUNT_BULK", "MIN_TEXT_SHARE",
           "REPEATED_ID_NAME", "REPEATED_ID_VALUES", "UNIT_NAME", "UNIT_NUMBER_SHARE", "SPACED_ID_LENGTH",
           "MAX_CONDITIONING_COLUMNS", "TYPES", "TextAnalysis", "ColumnProfile", "TargetProfile", "DatasetProfile",
           "analyse_text", "analyse_texts", "profile_column", "build_profile", "type_group"]

ID_NAME = re.compile(r"(?:^|[_\s.-])(?:id|uuid|guid|key|idx|index|identifier|no|nr|number|ref|code)$"
                     r"|^(?:id|uuid|guid|ref|code)(?:[_\s.-]|$)|(?-i:[a-z](?:Id|ID|No|Nr|Number|Ref|Code))$|^Unnamed: \d+$",
                     re.IGNORECASE)
#: the name the reader gives a column with an empty header: unique strings there are row names ('Acura Integra 4')
ROW_NAMES = re.compile(r"^Unnamed: \d+$")
FIRST_UNNAMED = "Unnamed: 0"  # the first column's: unique numbers there are row names too, whole or not ('1.1')
NAMED_ID_SHARE = 0.5  # a column named like an identifier is one when at least this share of its values differ
#: an upper-case abbreviation ending in ID (PID, HHID, SUBJID): an identifier when its values are unique, since
#: a few English words are spelled so too (PAID, VOID) and may hold mostly distinct amounts
ACRONYM_ID = re.compile(r"^[A-Z]{1,6}ID$")
#: a name ending in code or cod run together with the word before (zipcode, distcod): an identifier when unique
FUSED_CODE = re.compile(r"[a-z](?:code|cod)$", re.IGNORECASE)
#: a name that says the column codes a place or a unit (``dept``, a French department numbered 1-89 and Corsica
#: 200; ``fips``, ``zip``): an identifier when its whole numbers are unique, one row per department or zip code
UNIQUE_CODE_NAME = re.compile(r"^(?:dept|department|fips|zip|zipcode|postcode|county|commune|municipality|"
                              r"district|prefecture)$", re.IGNORECASE)
#: a lower-case name ending in id run together with the word before (studyid, a student's number; custid): an
#: identifier when unique. Not after a, o or u (medicaid, paid, thyroid, fluid) nor an English word (valid, rapid)
FUSED_ID = re.compile(r"^(?!(?:in)?valid$|solid$|rapid$|rigid$|vivid$|hybrid$|humid$|timid$|candid$|stupid$|lucid$"
                      r"|arid$|avid$|placid$|acid$|torrid$|florid$|morbid$|frigid$|horrid$|splendid$|intrepid$"
                      r"|putrid$|insipid$|tepid$|pyramid$|orchid$|lipid$|fetid$|sordid$)[a-z]{2,}(?<![aou])id$")
#: a name ending in num or nbr run together with the word before (intnum, an interview number; casenum, provnbr):
#: whole numbers so named are an identifier when mostly distinct, as under ID_NAME (the same family in several rows)
FUSED_NUMBER = re.compile(r"[a-z](?:num|nbr)$", re.IGNORECASE)
#: a lower-case name ending in no run together with a short word before (``docno``, ``recno``, ``caseno``): an
#: identifier when its whole numbers are unique (``casino`` or ``piano`` hold no such column)
FUSED_NO = re.compile(r"^[a-z]{2,5}no$")
#: a name that says identifier and nothing else: ``id``, ``ID``, ``index``, ``key`` alone, or ending in id or key
#: after a separator or in camel case (``household_id``, ``Ketchup.id``, ``subjectId``, ``patientID``). Such whole
#: numbers or token-like strings are an identifier even when each value fills many rows (households, interviewers,
#: children observed several weeks), once they hold ``REPEATED_ID_VALUES`` values or more. A number or a code
#: (``room_number``, ``visit_no``, ``region_code``, ``bmi_index``) is left to the half-distinct bar: a room, a
#: visit's rank or a region is as often a category or an ordinal as a key.
REPEATED_ID_NAME = re.compile(r"^(?:id|idx|index|key)$|[_\s.-](?:id|key)$|(?-i:[a-z](?:Id|ID))$", re.IGNORECASE)
REPEATED_ID_VALUES = 20
#: a noun naming the unit rows belong to (a girl recalled at several ages, a station recording several quakes):
#: whole numbers or numbers written as text (subject '207a') so named are an identifier as under ID_NAME, and one
#: that repeats as under REPEATED_ID_NAME. Not plural: ``events`` and ``patients`` are counts
UNIT_NAME = re.compile(r"^(?:subject|subj|patient|participant|respondent|station|event)$", re.IGNORECASE)
UNIT_NUMBER_SHARE = 0.9  # a text column so named is codes when at least this share of its values are numbers
SPACED_ID_LENGTH = 16  # mean characters of spaced values that a column named ``id`` still holds as keys
REPEATED_RULE = "values that repeat, in a column named as an identifier"
MAX_CONDITIONING_COLUMNS = 2_000
TYPES = ("numeric", "integer", "boolean", "categorical", "datetime", "text", "identifier", "constant", "empty")


@dataclass
class ColumnProfile:
    """Everything the checks need to know about one column."""

    name: str
    stats: ColumnStats
    inferred_type: str
    evidence: dict[str, Any]
    missing: int  # nulls + NaN + missing-like tokens
    distinct: int  # distinct non-missing values
    top_share: float  # share of the most frequent non-missing value
    numeric: NumericStats | None  # the column's numbers (parsed from text for numeric text)
    text: TextAnalysis | None = None
    is_target: bool = False
    declared_missing: dict[str, int] = field(default_factory=dict)  # settings' missing-values -> cells (in missing)

    @property
    def rows(self) -> int:
        return self.stats.rows

    @property
    def nonmissing(self) -> int:
        return self.rows - self.missing

    @property
    def kind(self) -> str:
        return self.stats.kind

    @property
    def numeric_from_text(self) -> bool:
        return self.numeric is not None and self.stats.kind == "string"

    @property
    def is_numeric_feature(self) -> bool:
        """A numeric column a model would take as a continuous input."""
        return self.numeric is not None and self.inferred_type in ("numeric", "integer")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "inferred_type": self.inferred_type,
            "physical_type": self.stats.kind,
            "missing_count": int(self.missing),
            "missing_fraction": _round(self.missing / self.rows if self.rows else 0.0),
            **({"declared_missing": dict(self.declared_missing)} if self.declared_missing else {}),
            "distinct_count": int(self.distinct),
        }
        if self.numeric is not None and self.numeric.count:
            num = self.numeric
            out.update({
                "min": _round(float(num.values[0])),
                "median": _round(num.median),
                "max": _round(float(num.values[-1])),
                "mad": _round(num.mad),
                "skewness": _round(num.skewness),
            })
        out["evidence"] = self.evidence
        return out


def _verdicts(col: ColumnProfile) -> ColumnProfile:
    """``col`` without its whole-column arrays (``DatasetProfile.verdicts``)."""
    empty = np.zeros(0)
    numeric = col.numeric
    if numeric is not None:
        numeric = replace(numeric, values=empty, low=[], high=[], inf_rows=[], hll=None, histogram=None)
    text = col.text
    if text is not None:
        text = replace(text, parsed=pd.Series(empty), frame=pd.DataFrame(), numbers=None, number_stats=None,
                       lengths=None, spaced=None)
    return replace(col, stats=replace(col.stats, numeric=None, text=None), numeric=numeric, text=text)


def _round(x: float, digits: int = 6) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


@dataclass
class TargetProfile:
    """The target column: its task and the label of every sampled row."""

    name: str
    task: str  # classification | regression
    classes: dict[str, int] = field(default_factory=dict)  # label -> rows (classification)
    levels: list[str] = field(default_factory=list)  # labels spelt like a missing token but read as classes ('None')
    unknown: dict[str, int] = field(default_factory=dict)  # labels that say the label is unknown -> rows (not classes)


@dataclass
class DatasetProfile:
    """Profiles of every column plus the row-level statistics they came from."""

    stats: DatasetStats
    columns: dict[str, ColumnProfile]
    source: dict[str, Any]
    target: TargetProfile | None = None
    group_codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # analysis.groups: codes of unordered groups
    #: values several readers derive from this profile, computed once (``analysis.measures.shared``); None: none kept
    memo: dict[Any, Any] | None = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def rows(self) -> int:
        return self.stats.rows

    @property
    def features(self) -> list[ColumnProfile]:
        return [c for c in self.columns.values() if not c.is_target]

    def summary(self) -> "DatasetProfile":
        """What a fix keeps of this profile once its steps no longer read it: the row count, the row sample (the
        rows the probe after the fix reads again), the source and the target's task, classes and levels. No
        column profiles and none of their whole-column arrays (at 1M rows × 20 about 400 MB: sorted values,
        distinct strings, parsed numbers, hashes), so a report holding it draws no plots, as one rebuilt from
        JSON does; its findings, column summaries and gradient risk are the report's own, untouched."""
        stats = DatasetStats(rows=self.stats.rows, columns={}, row_missing=np.zeros(0, dtype=np.int32),
                             row_hash=np.zeros(0, dtype=np.uint64), target_hash=None, column_digest={},
                             sample=self.stats.sample, sample_size=self.stats.sample_size)
        return DatasetProfile(stats, {}, self.source, self.target)

    def verdicts(self) -> "DatasetProfile":
        """The summary with each column's verdicts (``summary``): its inferred type, evidence, counts and how its
        text reads (decimal comma, unit), with none of the whole-column arrays behind them, which are left
        empty. For the fix steps, which read only those (the drop and repair steps): not a profile to check or
        draw from."""
        return replace(self.summary(), columns={name: _verdicts(col) for name, col in self.columns.items()})

    @cached_property
    def sample(self) -> pd.DataFrame:
        """The row sample as pandas (raw values), indexed by 0-based data row."""
        frame = times_as_durations(self.stats.sample).to_pandas()
        return frame.set_index("__row__", drop=True).rename_axis(None)

    @cached_property
    def numeric_sample(self) -> pd.DataFrame:
        """Float view of the sample for every numeric-like feature (numeric text parsed)."""
        data = {}
        for col in self.features:
            if col.numeric is None or col.inferred_type in ("empty", "constant"):
                continue
            raw = self.sample[col.name]
            if col.text is not None:
                data[col.name] = col.text.numbers_of(raw)
            elif isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "biuf":
                data[col.name] = raw.to_numpy(dtype=np.float64)  # what _as_float gives, without a Series
            else:
                data[col.name] = _as_float(raw)
        return _float_frame(data, self.sample.index)

    @cached_property
    def conditioning(self) -> tuple[float, dict[str, float]] | None:
        """Condition number of the correlation matrix of the varying numeric inputs (median-imputed sample),
        and each column's weight in the flattest direction. None with fewer than two such inputs.
        On the first 2,000 such columns of a wider table; with more columns than rows it is singular.
        Not the probe's (``probe.condition_inputs``), which takes the columns as they stand:
        ``conditioning_inputs`` names what this one counts, wherever it is reported."""
        seen: set[int] = set()
        cols = []
        for col in self.features:
            digest = self.stats.column_digest[col.name]
            if col.is_numeric_feature and col.distinct > 1 and digest not in seen:  # exact copies: DA604
                seen.add(digest)
                cols.append(col.name)
        if len(cols) < 2:
            return None
        cols = cols[:MAX_CONDITIONING_COLUMNS]  # a columns² matrix: bounded for very wide tables
        frame = self.numeric_sample[cols].replace([np.inf, -np.inf], np.nan)
        matrix = frame.fillna(frame.median()).to_numpy(dtype=float)
        with np.errstate(all="ignore"):  # values near the float64 limit overflow the spread: leave them out
            std = matrix.std(axis=0)
            keep = np.isfinite(std) & (std > 0)
            if keep.sum() < 2 or len(matrix) < 3:
                return None
            z = (matrix[:, keep] - matrix[:, keep].mean(axis=0)) / std[keep]
        if not np.isfinite(z).all():
            return None
        kept = [c for c, k in zip(cols, keep) if k]
        # 4 significant digits: the last digits of an eigendecomposition depend on the machine's BLAS
        if z.shape[0] < z.shape[1]:  # more columns than rows: singular; the SVD costs rows², not columns³
            _, sv, vt = np.linalg.svd(z / np.sqrt(len(z)), full_matrices=False)
            return 1e15, significant(dict(zip(kept, (float(w) for w in vt[-1]))))
        eigvals, eigvecs = np.linalg.eigh((z.T @ z) / len(z))
        smallest = max(float(eigvals[0]), 1e-15 * float(eigvals[-1]))
        weights = dict(zip(kept, (float(w) for w in eigvecs[:, 0])))
        return significant(float(eigvals[-1] / smallest)), significant(weights)

    def conditioning_inputs(self) -> str:
        """What ``conditioning`` counts, as the risk table and DA503 say it: '7 numeric features as the scan
        reads them (...)'."""
        measured = self.conditioning
        columns = len(measured[1]) if measured is not None else 0
        return (f"{columns:,} numeric features as the scan reads them (standardised, gaps median-filled, "
                "numbers in text parsed; identifiers, 0/1 flags and exact copies left out)")

    @cached_property
    def target_sample(self) -> pd.Series | None:
        """Target labels of the sampled rows: strings for classification, floats for regression."""
        if self.target is None:
            return None
        raw = self.sample[self.target.name]
        if self.target.task == "regression":
            col = self.columns[self.target.name]
            return col.text.numbers_of(raw) if col.text is not None else _as_float(raw)
        return _label_strings(raw)


def _float_frame(data: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(data, index=index)`` of float64 columns (arrays, or Series on ``index``), written once into the
    one block that frame consolidates them into (a wide table's 3,300 columns: 0.66 s -> 0.1 s)."""
    if not data or not all(isinstance(v.dtype, np.dtype) and v.dtype == np.float64 for v in data.values()):
        return pd.DataFrame(data, index=index)
    block = np.empty((len(data), len(index)))
    for i, values in enumerate(data.values()):
        block[i] = values
    return pd.DataFrame(block.T, index=index, columns=list(data), copy=False)


def _as_float(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.astype("int64").where(raw.notna()) / 1e9
    return pd.to_numeric(raw, errors="coerce").astype(float)


def _label_strings(raw: pd.Series) -> pd.Series:
    """Labels as strings, with integral floats written as ints ('1', not '1.0'); missing stays NA."""
    if pd.api.types.is_float_dtype(raw) and np.all(np.isnan(raw) | (raw == np.round(raw))):
        out = raw.astype("Int64").astype("str")
    else:
        out = raw.astype("str")
    return out.where(raw.notna())


def _levels_as_labels(text: TextAnalysis) -> TextAnalysis:
    """A target's text with the tokens that name a level ('None' beside 'Some' and 'Marked',
    ``textvalues.level_tokens``) read as labels: a class of the target, not a missing label."""
    frame = text.frame
    level = textvalues.level_tokens(frame["value"].astype("str"), frame["count"].to_numpy(), frame["token"].to_numpy())
    if not level.any():
        return text
    frame = frame.assign(token=frame["token"].to_numpy() & ~level)
    labels = set(frame["value"].astype("str")[level])
    rows = int(frame["count"].to_numpy()[level].sum())
    return replace(text, frame=frame, tokens={k: v for k, v in text.tokens.items() if k not in labels},
                               other=text.other + rows)


def _numeric_from_text(analysis: TextAnalysis, max_values: int | None = None) -> NumericStats:
    """The column's numbers, from its distinct values and their counts (thinned past ``max_values``)."""
    if analysis.number_stats is not None:
        return analysis.number_stats
    frame = analysis.numbers if analysis.numbers is not None else analysis.frame
    parsed = frame["parsed"].to_numpy()
    ok = np.isfinite(parsed)
    return NumericStats.from_counts(parsed[ok], frame["count"].to_numpy()[ok], frame["first_row"].to_numpy()[ok],
                                    max_values)


def profile_column(stats: ColumnStats, *, is_target: bool = False, duplicate_rows: int = 0,
                   max_values: int | None = None, text: TextAnalysis | None = None) -> ColumnProfile:
    """Infer the column's type from its statistics and say which evidence decided it. ``text``: the text
    column's ``analyse_text``, when it was computed already (``build_profile`` analyses all text columns at once)."""
    evidence: dict[str, Any] = {}
    numeric = stats.numeric
    if stats.text is not None:
        text = analyse_text(stats) if text is None else text
        if is_target:
            text = _levels_as_labels(text)
        token_rows = sum(text.tokens.values())
        missing = stats.nulls + token_rows
        present = max(text.analysed_rows - token_rows, 0)
        share = (text.plain + text.formatted) / present if present else 0.0
        if present and share >= NUMERIC_TEXT_SHARE and stats.kind == "string":
            numeric = _numeric_from_text(text, max_values)
            # values that are neither numbers nor tokens become missing when parsed (estimated when sampled)
            missing += round((1 - share) * (stats.rows - stats.nulls - token_rows))
            evidence["numeric_text_share"] = round(share, 4)
        distinct_mask = ~text.frame["token"].to_numpy()
        distinct = int(len(stats.text.values) - text.frame["token"].sum()) if not text.sampled \
            else stats.text.distinct_count()
        top = int(text.frame["count"].to_numpy()[distinct_mask].max()) if distinct_mask.any() else 0
    else:
        text = None
        assert numeric is not None
        missing = numeric.nan  # nulls are NaN in the numeric view
        uniq, counts = numeric.distinct()
        distinct = numeric.distinct_count + (1 if numeric.posinf else 0) + (1 if numeric.neginf else 0)
        top = int(counts.max()) if counts.size else 0
    nonmissing = stats.rows - missing
    top_share = top / nonmissing if nonmissing else 0.0
    evidence.update({"distinct_ratio": round(distinct / nonmissing, 4) if nonmissing else 0.0})
    inferred = _infer(stats, numeric, text, distinct, nonmissing, evidence, duplicate_rows)
    return ColumnProfile(stats.name, stats, inferred, evidence, int(missing), distinct, top_share,
                         numeric, text, is_target)


def _infer(stats: ColumnStats, numeric: NumericStats | None, text: TextAnalysis | None,
           distinct: int, nonmissing: int, evidence: dict[str, Any], duplicate_rows: int = 0) -> str:
    name_hint = bool(ID_NAME.search(stats.name))
    # rows repeated whole (an export run twice) repeat their ID too: judge uniqueness on distinct rows
    # (an export run twice repeats at most half the rows: more is a table of few columns whose values repeat)
    repeats = duplicate_rows if duplicate_rows <= 0.5 * nonmissing else 0
    ratio = distinct / max(nonmissing - repeats, 1) if nonmissing else 0.0
    if nonmissing <= 0:
        evidence["rule"] = "every value is missing"
        return "empty"
    if distinct == 1:
        evidence["rule"] = "a single distinct value"
        return "constant"
    if stats.kind == "boolean":
        evidence["rule"] = "stored as booleans"
        return "boolean"
    if stats.kind == "datetime":
        evidence["rule"] = "stored as dates/timestamps"
        return "datetime"
    if numeric is not None and stats.kind != "other":
        uniq, _ = numeric.distinct()
        if distinct == 2 and set(uniq.tolist()) <= {0.0, 1.0}:
            evidence["rule"] = "only the values 0 and 1"
            return "boolean"
        integral = numeric.integral == numeric.count
        if integral and numeric.count >= 20 and not numeric.posinf and not numeric.neginf:
            span = float(numeric.values[-1] - numeric.values[0] + 1)
            sequential = ratio >= 0.98 and span <= 1.5 * distinct
            name_hint = name_hint or bool(FUSED_NUMBER.search(stats.name) or UNIT_NAME.match(stats.name)) or (
                ratio >= 0.98 and bool(ACRONYM_ID.match(stats.name) or FUSED_CODE.search(stats.name)
                                      or FUSED_ID.match(stats.name) or UNIQUE_CODE_NAME.match(stats.name)
                                      or FUSED_NO.match(stats.name)))
            repeated = not sequential and ratio < NAMED_ID_SHARE and (
                _repeated_id(stats.name, distinct) or (bool(UNIT_NAME.match(stats.name))
                                                       and distinct >= REPEATED_ID_VALUES))
            if sequential or (name_hint and ratio >= NAMED_ID_SHARE) or repeated:
                evidence["rule"] = ("unique integers forming a near-contiguous sequence" if sequential
                                    else REPEATED_RULE if repeated
                                    else "whole numbers, mostly distinct, in a column named like an identifier"
                                    + (" (some repeat: the same entity in several rows)" if ratio < 0.98 else ""))
                evidence["span_per_value"] = round(span / distinct, 3)
                if repeated:
                    evidence["repeated"] = True
                return "identifier"
        if not integral and nonmissing >= 20 and ratio >= 0.98 and stats.name == FIRST_UNNAMED:
            evidence["rule"] = ("unique numbers in the first column, which has no name: the file's row names "
                                "(R writes a patient's visits so: '1.1', '1.2')")
            return "identifier"
        evidence["rule"] = "whole numbers" if integral else "numbers"
        if stats.kind == "string":
            evidence["rule"] += " stored as text"
        return "integer" if integral else "numeric"
    assert text is not None
    present = max(text.analysed_rows - sum(text.tokens.values()), 1)
    if text.boolean / present >= 0.95:
        keys = textvalues.normalise(text.frame.loc[text.frame["boolean"], "value"].astype("str")).unique()
        if len(keys) <= 2:
            evidence["rule"] = "yes/no style tokens"
            evidence["boolean_share"] = round(text.boolean / present, 4)
            return "boolean"
    if text.date / present >= 0.9:
        evidence["rule"] = "values parse as dates"
        evidence["date_share"] = round(text.date / present, 4)
        return "datetime"
    lengths = text.frame["value"].str.len() if text.lengths is None else text.lengths
    mean_len = float(np.average(lengths, weights=text.frame["count"])) if len(lengths) else 0.0
    spaces = text.frame["value"].str.strip().str.contains(" ", regex=False).to_numpy(dtype=bool) \
        if text.spaced is None else text.spaced
    space_share = float(text.frame["count"].to_numpy()[spaces].sum()) / present
    evidence["mean_length"] = round(mean_len, 2)
    # numbers under a unit's name, a few with a letter ('207a', 'c118'): the unit's codes written as text
    unit_codes = bool(UNIT_NAME.match(stats.name)) and (text.plain + text.formatted) / present >= UNIT_NUMBER_SHARE
    name_hint = name_hint or unit_codes
    repeated = space_share < 0.05 and ratio < NAMED_ID_SHARE and (
        _repeated_id(stats.name, distinct) or (unit_codes and distinct >= REPEATED_ID_VALUES))
    # a name that says identifier and nothing else (``id``) keeps short spaced values too: plate positions 'Grid A3'
    only_id = bool(REPEATED_ID_NAME.search(stats.name)) and mean_len <= SPACED_ID_LENGTH
    if nonmissing >= 20 and ((ratio >= 0.95 and space_share < 0.05 and mean_len <= 64)
                             or (name_hint and ratio >= NAMED_ID_SHARE and (space_share < 0.5 or only_id))
                             or repeated):
        evidence["rule"] = (REPEATED_RULE if repeated and not (ratio >= 0.95 and mean_len <= 64)
                            else "mostly distinct strings in a column named like an identifier" if name_hint
                            else "unique token-like strings")
        if evidence["rule"] == REPEATED_RULE:
            evidence["repeated"] = True
        return "identifier"
    if nonmissing >= 20 and ratio >= 0.98 and ROW_NAMES.match(stats.name):
        evidence["rule"] = "unique strings in a column with no name: the file's row names (R writes them so)"
        return "identifier"
    if distinct <= 50 or (ratio <= 0.5 and space_share < 0.5) or ratio < MIN_TEXT_SHARE:
        evidence["rule"] = "repeated labels"
        return "categorical"
    evidence["rule"] = "many distinct strings"
    return "text"


def _repeated_id(name: str, distinct: int) -> bool:
    """Whether a column too repetitive for a row key is still an identifier by its name: one that says
    identifier and nothing else (``REPEATED_ID_NAME``, not a code, or a word and id run together, ``FUSED_ID``:
    ``distid``, a district in many rows) with ``REPEATED_ID_VALUES`` values or more. (``_infer`` takes a unit's
    noun, ``UNIT_NAME``, so too, on whole numbers or on numbers written as text.)"""
    return distinct >= REPEATED_ID_VALUES and bool(REPEATED_ID_NAME.search(name) or FUSED_ID.match(name))


#: text is free text only when at least this share of its values is distinct: 53 country names of two words in
#: 1,396 rows (3.8%) are a category of many values (DA405), whatever their spaces
MIN_TEXT_SHARE = 0.2

#: whole-number targets with more distinct values than this are a count or a score (regression) when they are
#: non-negative and nearly consecutive: arrests 0-12, a vocabulary score 0-10, articles published 0-19
COUNT_TARGET_VALUES = 10
#: from 0, fewer suffice: children ever born 0-7 (8 values) is a count; class labels start at 1 or take five values
COUNT_FROM_ZERO_VALUES = 6
COUNT_TAIL_SHARE = 0.25  # when its largest value holds at most this share of the commonest one's rows (a tail)
COUNT_BULK = 0.95  # share of the rows whose values must be consecutive when the range has gaps in the tail


def _target_task(col: ColumnProfile) -> str:
    """Regression for numbers, for whole numbers of more than 20 values, and for a count: more than
    ``COUNT_TARGET_VALUES`` non-negative whole numbers (``COUNT_FROM_ZERO_VALUES`` from 0 when the largest value is a
    thin tail, ``COUNT_TAIL_SHARE`` of the commonest value's rows at most), nearly consecutive (their range at most 1.5
    times their count, or with a thin tail the values of ``COUNT_BULK`` of the rows consecutive: articles 0-12, then
    16 and 19). Classes otherwise: labels are few (two to five codes in every real table of bench/real); a
    class target coded 0 to 6 or more (with a thin top class), or 1 to 11 or more, reads as a count."""
    if col.inferred_type in ("numeric",) or (col.inferred_type == "integer" and col.distinct > 20):
        return "regression"
    values = col.numeric.values if col.inferred_type == "integer" and col.numeric is not None else None
    if values is None or not values.size or values[0] < 0:
        return "classification"
    uniq, counts = col.numeric.distinct()
    thin = counts[-1] <= COUNT_TAIL_SHARE * counts.max()  # a count's tail thins out; ten digits' classes do not
    # the values that hold 95% of the rows, from the smallest, consecutive: gaps only in a thin upper tail
    # (articles published 0-12, then 16 and 19)
    bulk = uniq[: int(np.searchsorted(np.cumsum(counts) / counts.sum(), COUNT_BULK)) + 1]
    consecutive = values[-1] - values[0] + 1 <= 1.5 * col.distinct or (thin and bulk[-1] - bulk[0] + 1 == bulk.size)
    if consecutive and col.distinct > COUNT_TARGET_VALUES:
        return "regression"
    if consecutive and thin and values[0] == 0 and col.distinct > COUNT_FROM_ZERO_VALUES:
        return "regression"
    return "classification"


def build_profile(stats: DatasetStats, source: dict[str, Any], target: str | None = None,
                  max_values: int | None = None) -> DatasetProfile:
    """Profile every column; with a target, record its task and class counts. ``max_values``: numbers
    parsed from text keep at most that many sorted values (the stream engine's bound; None: all)."""
    duplicates = stats.repeated_rows
    with ThreadPoolExecutor(max_workers=min(8, 2 * (os.cpu_count() or 1))) as pool:
        texts = [cs for cs in stats.columns.values() if cs.text is not None]
        analysed = dict(zip((cs.name for cs in texts), analyse_texts(texts, pool.map)))
        profiles = pool.map(lambda cs: profile_column(cs, is_target=(cs.name == target), duplicate_rows=duplicates,
                                                      max_values=max_values, text=analysed.get(cs.name)),
                            stats.columns.values())
        columns = {p.name: p for p in profiles}
    target_profile = None
    if target is not None:
        col = columns[target]
        task = _target_task(col)
        target_profile = TargetProfile(target, task)
        profile = DatasetProfile(stats, columns, source, target_profile)
        if task == "classification":
            labels = _full_target_labels(col)
            if col.text is not None and labels:
                names = pd.Series(list(labels), dtype="str")
                target_profile.levels = names[textvalues.missing_token_mask(names)].tolist()
                unknown = set(names[textvalues.unknown_label_mask(names)])
                if unknown and len(labels) > len(unknown):  # 'Unknown' beside known classes: rows without a label
                    target_profile.unknown = {k: v for k, v in labels.items() if k in unknown}
                    labels = {k: v for k, v in labels.items() if k not in unknown}
            target_profile.classes = labels
        return profile
    return DatasetProfile(stats, columns, source, None)


def _full_target_labels(col: ColumnProfile) -> dict[str, int]:
    """Class counts over every row (not only the sample), most frequent first."""
    if col.text is not None:
        frame = col.text.frame[~col.text.frame["token"]]
        labels = dict(zip(frame["value"].astype(str), frame["count"].astype(int)))
    else:
        assert col.numeric is not None
        uniq, counts = col.numeric.distinct()
        labels = {(str(int(u)) if float(u).is_integer() else repr(float(u))): int(c) for u, c in zip(uniq, counts)}
        if col.kind == "boolean":
            labels = {{"1": "True", "0": "False"}.get(k, k): v for k, v in labels.items()}
    return dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0])))


def type_group(col: ColumnProfile) -> str | None:
    """What a model receives from the column: number, boolean, text or datetime (None: nothing to compare).

    Stored numbers are numbers whatever their inferred type: a 0/1 column that shows a stray 2 in one
    half of a file is the same column, not a changed type. A constant column has its stored kind's group."""
    t = col.inferred_type
    if t == "empty":
        return None
    if col.kind in ("numeric", "integer", "boolean") or t in ("numeric", "integer"):
        return "number"
    if t in ("boolean", "datetime") or col.kind == "datetime":
        return "datetime" if col.kind == "datetime" else t
    return "text"
