"""DA1xx missing: nulls, disguised missing values, mostly-empty rows, missingness that depends on the target."""

from __future__ import annotations

import re
from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.measures import missing_indicator
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.rules import check
from ..core import textvalues
from ..core.fill_in import fill_in_value
from ..core.measures import find_sentinels, placeholder_shaped
from ..core.numfmt import num
from ._common import jsonable, pct, plural
from .recode_kinds import mask_digest

__all__ = ["missing_values", "missing_target", "disguised_missing_tokens", "WORD_TOKEN_SHARE", "sentinel_values",
           "PAIRED_SHARE", "PAIRED_COVER", "mostly_empty_rows", "EMPTY_ROWS_SHARE", "informative_missingness"]


@check("DA101", "missing-values", Category.MISSING, Severity.HIGH,
       effect=GradientEffect.NAN_LOSS, fix_steps=("impute",))
def missing_values(data: DatasetProfile) -> Iterator[Hit]:
    """Empty cells or NaN in a column.

    Why it hurts training: a NaN input makes the forward pass, the loss and every gradient NaN, so one
    missing value in a batch poisons the whole update; most libraries either crash or silently train on NaN.

    How fix repairs it: impute (median, most frequent, KNN or iterative) and add a missing-indicator column
    where missingness is substantial or informative. A free-text column (DA414) is dropped instead, so its
    gaps are not imputed (fix --keep-text keeps and imputes it).

    Values the settings declare missing for a column (``missing-values``) are read as missing cells and
    counted here; the message and ``evidence["declared_missing"]`` say how many came from the settings.
    """
    for col in data.features:  # a missing label is DA106's: fix drops the row, it does not impute it
        real = col.stats.nulls if col.numeric is None or col.numeric_from_text else col.numeric.nan
        if real <= 0:
            continue
        fraction = real / col.rows
        if col.numeric is not None:
            severity, what = Severity.HIGH, "value"
        else:
            severity, what = Severity.MEDIUM, "value"
        evidence = {"count": real, "fraction": jsonable(fraction)}
        message = f"{plural(real, what)} ({pct(fraction)}) missing"
        if col.declared_missing:
            declared = sum(col.declared_missing.values())
            shown = ", ".join(f"{value} ×{n:,}" for value, n in col.declared_missing.items())
            share = "all" if declared == real else f"{declared:,} of them"
            message += f" ({share} declared missing in the settings: {shown})"
            evidence["declared_missing"] = dict(col.declared_missing)
        if col.inferred_type == "text":  # DA414: fix drops the column, so nothing is imputed
            yield Hit(col.name, message + " in free text (DA414): fix drops the column, it does not impute them "
                      "(--keep-text keeps and imputes it)", evidence, severity=severity, fix="drop")
            continue
        yield Hit(col.name, message, evidence, severity=severity)


@check("DA106", "missing-target", Category.MISSING, Severity.HIGH,
       effect=GradientEffect.NAN_LOSS, fix_steps=("drop",))
def missing_target(data: DatasetProfile) -> Iterator[Hit]:
    """Rows without a target value: empty, NaN or a missing-value token ('?', 'N/A') in the label.

    A class label that says the label is not known ('Unknown', 'undetermined', 'not stated' beside the real
    classes) counts too: as a target class it would teach the model to predict "unknown".

    Why it hurts training: a row without a label has no loss to follow; fed as it is, its NaN target makes the
    loss and every gradient NaN, and imputing a label would teach the model a guess.

    How fix repairs it: drop removes those rows (counted in the fix report), before anything is fitted; apply
    never needs the target.
    """
    if data.target is None:
        return
    col = data.columns[data.target.name]
    tokens = sum(col.text.tokens.values()) if col.text is not None else 0
    unknown = data.target.unknown  # labels that say the label is not known, not read as classes
    count = int(col.missing) + sum(unknown.values())  # nulls and NaN, and the tokens of a text label
    if count <= 0:
        return
    fraction = count / col.rows
    shown = f", {tokens:,} of them written as tokens ({', '.join(repr(t) for t in list(col.text.tokens)[:3])})" \
        if tokens else ""
    if unknown:
        shown += (f", {sum(unknown.values()):,} of them labelled {' or '.join(repr(v) for v in unknown)} (a class "
                  "that says the label is not known)")
    yield Hit(col.name, f"{plural(count, 'row')} ({pct(fraction)}) without a target value{shown}: fix drops them",
              {"count": count, "fraction": jsonable(fraction), "tokens": dict(col.text.tokens) if tokens else {},
               **({"unknown_labels": unknown} if unknown else {})})


@check("DA102", "disguised-missing-tokens", Category.MISSING, Severity.MEDIUM,
       effect=GradientEffect.NAN_LOSS, fix_steps=("repair", "impute"))
def disguised_missing_tokens(data: DatasetProfile) -> Iterator[Hit]:
    """Text such as '?', 'N/A', 'null', '-', blanks or a survey's non-response ('NA/DF', "don't know") standing for a missing value.

    A survey's non-response codes count only in the spellings that cannot be a real value: 'NA/DF', 'DK/NA',
    "don't know", 'not ascertained', 'no answer'; a bare 'DK' (Denmark) or 'refused' (a loan decision) is a value.

    Why it hurts training: the token is not a number, so a numeric column is read as text and either
    dropped, one-hot encoded as a real category, or coerced to NaN at training time (NaN loss).

    In free text (mostly distinct strings: titles, names), a token that is a word ('Missing', 'None') and holds
    at most 0.1% of the rows may be a real value (a film called "Missing"): reported with severity low. So is a
    word naming an amount ('none', 'nil') that holds three rows or more of a categorical column of word labels
    ('none' beside 'enriched'): it may be a level rather than a gap (a target reads it as a class).

    How fix repairs it: repair turns the tokens into missing values, then impute fills them.
    """
    for col in data.features:
        if col.text is None or not col.text.tokens:
            continue
        count = sum(col.text.tokens.values())
        fraction = count / col.rows
        severity = Severity.HIGH if col.numeric_from_text else Severity.MEDIUM
        shown = ", ".join(repr(t) for t in list(col.text.tokens)[:5])
        extra = "; the column is numbers otherwise" if col.numeric_from_text else ""
        if col.inferred_type == "text" and fraction <= WORD_TOKEN_SHARE and \
                all(re.fullmatch(r"[^\W\d_]{3,}( [^\W\d_]+)*", t.strip()) for t in col.text.tokens):
            severity, extra = Severity.LOW, "; in free text, where the word may be a real value (a title, a name)"
        elif col.inferred_type == "categorical" and _tokens_are_levels(col):
            severity, extra = Severity.LOW, "; beside word labels, where the word may name a level ('none': no amount)"
        yield Hit(col.name, f"{plural(count, 'value')} ({pct(fraction)}) {'is a' if count == 1 else 'are'} missing-value token{'' if count == 1 else 's'} ({shown}){extra}",
                  {"count": count, "fraction": jsonable(fraction), "tokens": col.text.tokens}, severity=severity)


def _tokens_are_levels(col: ColumnProfile) -> bool:
    """Whether every missing token of a text column is a word naming a level among word labels
    (``textvalues.level_tokens``: 'none' beside 'enriched')."""
    frame = col.text.frame
    token = frame["token"].to_numpy()
    level = textvalues.level_tokens(frame["value"].astype("str"), frame["count"].to_numpy(), token)
    return bool(level.any()) and not (token & ~level).any()


WORD_TOKEN_SHARE = 0.001  # a word such as 'Missing' this rare in free text may be a real value (a title)


@check("DA103", "sentinel-values", Category.MISSING, Severity.HIGH,
       effect=GradientEffect.EXPLODING_GRADIENTS, fix_steps=("repair", "impute"), on_sample=True)
def sentinel_values(data: DatasetProfile, *, min_share: float = 0.005, min_z: float = 6.0) -> Iterator[Hit]:
    """A numeric placeholder for "unknown" (-999, 9999, -1, or 0 where 0 is impossible), found as a spike outside the bulk, a 666 or 9 beside the two levels of a flag, the code another column holds on the same rows, or a mean filled in for the gaps.

    Why it hurts training: the model sees the placeholder as a real, extreme magnitude; the rows that carry
    it produce huge errors and gradients and drag the weight of the feature towards a meaningless value.

    In a two-level column (a 0/1 flag, a 1/2 code), a third value shaped like a placeholder (one repeated digit
    from 6 to 9, or a known code: 9, 99, 666) at least five times their distance beyond both levels is one
    however rare it is (severity medium below 0.5% of rows): a flag has no magnitudes to be extreme in.

    A column's extreme value on the rows where another column holds that same value as a placeholder (95% of its
    sampled rows on them, and at least half of them) is the same missing code, written in both fields of one failed measurement (0/0 for
    a genotype's two alleles, where a 0 beside the alleles 1, 2, 3 of one column looks ordinary): severity
    medium, naming both.

    The log of a floor put in for zeros before the logs (log 0.001 = -6.9078 in a fifth of the rows, below the
    rest) is a placeholder at 2.5 robust z-scores: its value says what it is. A 0 and a 1 that each fill a fifth of
    the rows are a flag's levels whatever fractions lie between (a law in force for part of a year).

    A 0 beside the natural logs of whole numbers (a log-duration in months, whose 0 is one month), or no farther
    below the lowest values than they lie apart (a band 0-3 whose rows crowd at 3), is the next step of the column,
    not a placeholder, and so is a spike that is a fraction of four significant digits or more (a rate
    of 0.4522 that a fifth of the rows share, -23.03 = the log of a constant): nobody types such a value for
    "unknown". A 0 in only a few rows (three or more, under 0.5%) counts when it lies far
    below every other value, at least five times the spacing of the lowest ones (a diameter of 0 mm beside
    3.7-10.7 mm): severity medium.

    Codes numbered from 1 (at most 20 values) whose 0s fall on exactly the same rows as another such code's are one
    missing code written in both fields (severity medium: a genotype's two alleles 0/0 where each 0 sits beside 1,
    2, 3), unless one is a function of the other (a count beside its bands).

    A value filled in for the unknowns before the file was written hides its gaps (severity medium): a lone spike
    inside a continuous column (5% of the rows or more, twenty times any other value, inside the middle half of the
    others, which are non-integers: a standardised score set to 0 where the test was not taken), or a 0/1 flag's
    third value equal to the mean of its rows (``clerical`` 0.182331 for those not working); not when a 0/1 column
    marks those rows (90% of them both ways: fix's own ``<col>__missing`` beside its imputed median).

    Spikes of different values, none shaped like a placeholder, that fill exactly the same rows in two columns or
    more are one big group's attributes, not codes for unknown (the largest war's 90 pairs of nations and 3,010
    pair-months on each of its 89 rows).

    How fix repairs it: repair turns the sentinel into a missing value, then impute fills it (with an
    indicator column when it is frequent).
    """
    found: dict[str, set[float]] = {}
    spikes = [(col, s) for col in data.columns.values()
              if col.numeric is not None and col.inferred_type in ("numeric", "integer")
              for s in find_sentinels(col.numeric, min_share=min_share, min_z=min_z)]
    group = _group_attributes(data, spikes)
    for col, s in spikes:
        if (col.name, s["value"]) in group:
            continue
        found.setdefault(col.name, set()).add(s["value"])
        lo, hi = s["bulk_range"]
        if s.get("flag"):
            yield Hit(col.name, f"the value {num(s['value'])} appears {plural(s['count'], 'time')} "
                      f"({pct(s['fraction'])}) in a column whose other values are only {num(lo)} and {num(hi)}, "
                      f"{s['distance']:.0f}× their distance beyond them: likely a placeholder for missing",
                      jsonable(s), severity=Severity.MEDIUM if s["fraction"] < min_share else None)
            continue
        yield Hit(col.name,
                  f"the value {num(s['value'])} appears {s['count']:,} times ({pct(s['fraction'])}), "
                  f"{s['robust_z']:.0f} robust z-scores outside the other values ({num(lo)} to {num(hi)}): "
                  "likely a placeholder for missing", jsonable(s),
                  severity=Severity.MEDIUM if s.get("rare") else None)
    yield from _fill_ins(data, found)
    yield from _shared_codes(data, found)
    yield from _paired_zero_codes(data, found)


GROUP_SPIKE_COLUMNS = 2  # columns whose spikes of different values fill the same rows: one big group's attributes


def _group_attributes(data: DatasetProfile, spikes: list[tuple[ColumnProfile, dict]]) -> set[tuple[str, float]]:
    """The spikes (column, value) that are one group's attributes, not placeholders: ``GROUP_SPIKE_COLUMNS`` columns
    or more whose spikes, of different values none shaped like a placeholder (``placeholder_shaped``: -999, 9999),
    fall on exactly the same sampled rows (one war's 89 pairs of nations, each row with the war's 90 pairs and its
    3,010 pair-months). A placeholder written in several fields is one code (DA103's shared codes)."""
    numeric = data.numeric_sample
    rows: dict[bytes, list[tuple[str, float]]] = {}
    for col, s in spikes:
        if s.get("flag") or placeholder_shaped(s["value"]) or s["value"] == 0 or col.name not in numeric.columns:
            continue
        mask = numeric[col.name].to_numpy(dtype=float) == s["value"]
        if mask.sum() >= 3:
            rows.setdefault(mask_digest(mask), []).append((col.name, s["value"]))
    return {spike for found in rows.values() if len({v for _, v in found}) >= GROUP_SPIKE_COLUMNS
            for spike in found}


def _fill_ins(data: DatasetProfile, found: dict[str, set[float]]) -> Iterator[Hit]:
    """A value filled in for the unknowns before the file was written (``core.fill_in``): a lone spike inside a
    continuous column, or a flag's mean between its two levels. A value whose rows a 0/1 column marks exactly (the
    imputer's ``<col>__missing``, once ``fix`` has run) hides nothing: the gaps are recorded beside it."""
    numeric = data.numeric_sample
    marks: np.ndarray | None = None  # every 0/1 column's 1s (rows × columns), made at the first fill-in
    for col in data.features:
        if col.numeric is None or col.inferred_type not in ("numeric", "integer", "boolean", "categorical"):
            continue
        fill = fill_in_value(col.numeric)
        if fill is None or fill["value"] in found.get(col.name, ()):
            continue
        if marks is None:
            flags = [c.name for c in data.features if c.numeric is not None and c.distinct == 2
                     and c.name in numeric.columns]
            marks = numeric[flags].to_numpy(dtype=float) == 1
        if col.name in numeric.columns and marks.shape[1]:
            rows = numeric[col.name].to_numpy(dtype=float) == fill["value"]
            both = rows.astype(float) @ marks
            # an indicator marks (nearly) the same rows: a few real values equal to the median fill aside
            if np.any((both >= RECORDED_SHARE * rows.sum()) & (both >= RECORDED_SHARE * marks.sum(axis=0))):
                continue
        found.setdefault(col.name, set()).add(fill["value"])
        v = num(fill["value"])
        how = (f"between the flag's levels {num(fill['levels'][0])} and {num(fill['levels'][1])}, and equal to the "
               "mean of their rows" if fill["kind"] == "flag-mean" else
               f"{fill['count'] // max(fill['next_count'], 1):,}× any other value, inside the middle half of the "
               "others, which are measured (non-integer) values")
        yield Hit(col.name, f"the value {v} appears {fill['count']:,} times ({pct(fill['fraction'])}), {how}: a value "
                  "filled in for the unknowns (a mean imputed before the file was written), which hides the gaps",
                  jsonable(fill), severity=Severity.MEDIUM)


RECORDED_SHARE = 0.9  # of a fill-in's rows (and of a flag's 1s) that a 0/1 column must share to record the gaps


ZERO_CODE_VALUES = 20  # a code numbered from 1 has at most this many values besides 0
ZERO_CODE_SHARE = 0.2  # and its zeros fill less than this share of the rows


def _paired_zero_codes(data: DatasetProfile, found: dict[str, set[float]]) -> Iterator[Hit]:
    """Codes numbered from 1 (whole numbers 1 to at most ``ZERO_CODE_VALUES`` values, and 0 in three rows or more,
    under ``ZERO_CODE_SHARE`` of them) whose zeros fall on exactly the same rows as another such code's: one missing
    code written in both fields of a failed measurement (a genotype's two alleles 0/0, a skipped block of survey
    items), though beside each column's 1, 2, 3 the 0 looks ordinary. A code that is a function of the other on the
    rows where both are known (a count beside its bands) is a recoding, not a second field. Each zero mask is
    hashed once: no pair is compared unless it shares one. On the row sample."""
    numeric = data.numeric_sample
    masks: dict[bytes, list[str]] = {}
    for col in data.features:
        if col.numeric is None or col.inferred_type not in ("numeric", "integer", "categorical") \
                or col.name not in numeric.columns or 0.0 in found.get(col.name, ()):
            continue
        uniq, counts = col.numeric.distinct()
        if uniq.size < 3 or uniq.size > ZERO_CODE_VALUES + 1 or uniq[0] != 0 or uniq[1] != 1 \
                or not np.all(uniq == np.round(uniq)) or counts[0] < 3 or counts[0] >= ZERO_CODE_SHARE * counts.sum():
            continue
        zero = numeric[col.name].to_numpy(dtype=float) == 0
        if zero.sum() >= 3:
            masks.setdefault(mask_digest(zero), []).append(col.name)
    for names in masks.values():
        if len(names) < 2:
            continue
        x = numeric[names].to_numpy(dtype=float)
        rest = pd.DataFrame(x[(x != 0).all(axis=1) & np.isfinite(x).all(axis=1)])
        # a code recoded from another (a count beside its bands) is one field: a function of it, not a second one
        function = {(i, j) for i in range(len(names)) for j in range(len(names))
                    if i != j and len(rest) and rest.groupby(i)[j].nunique().max() == 1}
        for i, name in enumerate(names):
            partners = [names[j] for j in range(len(names)) if j != i and (i, j) not in function
                        and (j, i) not in function]
            if not partners:
                continue
            zeros = int((x[:, i] == 0).sum())
            found.setdefault(name, set()).add(0.0)
            shown = ", ".join(f"`{p}`" for p in partners[:3]) + (" …" if len(partners) > 3 else "")
            yield Hit(name, f"0 appears in {zeros:,} sampled rows ({pct(zeros / len(x))}) of a code numbered from 1, "
                      f"on exactly the rows where {shown} {'is' if len(partners) == 1 else 'are'} 0 too: one missing "
                      "code written in each field of a failed measurement", jsonable(
                          {"value": 0.0, "count": zeros, "fraction": zeros / len(x), "paired_with": partners,
                           "kind": "paired-zero-code"}), severity=Severity.MEDIUM, columns=(name, *partners[:3]))


PAIRED_SHARE = 0.95  # of a value's sampled rows that must hold another column's placeholder
PAIRED_COVER = 0.5  # of the placeholder's rows that the value must fill (a few half-failed measurements aside)


def _shared_codes(data: DatasetProfile, found: dict[str, set[float]]) -> Iterator[Hit]:
    """A column's smallest or largest value, in three rows or more, that sits on the rows where another column holds
    a placeholder of the same value (``PAIRED_SHARE`` of its sampled rows, filling ``PAIRED_COVER`` of the
    placeholder's): one missing code written
    into both fields of a failed measurement (a genotype's two alleles 0/0), though beside this column's own
    values it looks ordinary. On the row sample."""
    numeric = data.numeric_sample
    codes = [(name, v) for name, values in found.items() if name in numeric.columns for v in sorted(values)
             if np.isfinite(v)]
    if not codes:
        return
    for col in data.features:
        if col.numeric is None or col.inferred_type not in ("numeric", "integer") or col.name not in numeric.columns:
            continue
        uniq, counts = col.numeric.distinct()
        if uniq.size < 3:
            continue
        ends = {float(uniq[0]): int(counts[0]), float(uniq[-1]): int(counts[-1])}
        own = numeric[col.name].to_numpy(dtype=float)
        for name, v in codes:
            if name == col.name or v not in ends or ends[v] < 3 or v in found.get(col.name, ()):
                continue
            mine, theirs = own == v, numeric[name].to_numpy(dtype=float) == v
            shared = int((mine & theirs).sum())
            if mine.sum() < 3 or shared < PAIRED_SHARE * mine.sum() or shared < PAIRED_COVER * theirs.sum():
                continue
            found.setdefault(col.name, set()).add(v)
            yield Hit(col.name, f"the value {num(v)} appears {ends[v]:,} times ({pct(ends[v] / col.numeric.count)}), "
                      f"on the rows where `{name}` holds its placeholder {num(v)} ({shared:,} of {int(mine.sum()):,} "
                      "sampled): one missing code written in both columns", jsonable(
                          {"value": v, "count": ends[v], "fraction": ends[v] / col.numeric.count, "paired_with": name,
                           "shared_rows": shared}), severity=Severity.MEDIUM, columns=(col.name, name))


@check("DA104", "mostly-empty-rows", Category.MISSING, Severity.MEDIUM,
       effect=GradientEffect.NAN_LOSS, fix_steps=("drop", "impute"))
def mostly_empty_rows(data: DatasetProfile, *, max_missing_share: float = 0.5) -> Iterator[Hit]:
    """Rows in which at least half of the fields are missing.

    Severity medium when they are 10% of the rows or more, low below: a few such rows change little once imputed,
    and DA101 already names each column's gaps.

    Why it hurts training: such rows are mostly imputed values, so they add gradient steps towards the
    imputation defaults rather than towards the data, and NaN wherever imputation is skipped.

    How fix repairs it: impute fills them; rows with almost nothing left can be dropped (counted in the report).
    """
    ncols = len(data.columns)
    if ncols < 3:
        return  # with two columns, one gap is not "mostly empty"
    mostly = data.stats.row_missing >= max(2, max_missing_share * ncols)
    count = int(mostly.sum())
    if not count:
        return
    fraction = count / data.rows
    rows = np.flatnonzero(mostly)[:5]
    yield Hit(None, f"{plural(count, 'row')} ({pct(fraction)}) with at least {pct(max_missing_share)} of their fields missing",
              {"count": count, "fraction": jsonable(fraction),
               "examples": [{"row": int(r), "missing_fields": int(data.stats.row_missing[r])} for r in rows]},
              severity=Severity.MEDIUM if fraction >= EMPTY_ROWS_SHARE else Severity.LOW)


EMPTY_ROWS_SHARE = 0.1  # mostly empty rows are a medium problem from this share of the rows


def _chi_square(observed: np.ndarray) -> tuple[float, float]:
    """Pearson's chi-square test of independence (as scipy's chi2_contingency without continuity correction)."""
    total = observed.sum()
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / total
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    dof = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    from scipy.special import chdtrc  # noqa: I001  (scipy loads when a test runs, not with the package)

    return chi2, float(chdtrc(dof, chi2))


def _rank_biserial(values: np.ndarray, group: np.ndarray) -> tuple[float, float]:
    """|rank-biserial correlation| and two-sided p of the Mann–Whitney U test (normal approximation, tie-corrected)."""
    n1, n2 = int(group.sum()), int((~group).sum())
    n = n1 + n2
    ranks = pd.Series(values).rank(method="average").to_numpy()
    u = ranks[group].sum() - n1 * (n1 + 1) / 2
    ties = pd.Series(values).value_counts().to_numpy(dtype=float)
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    z = (u - n1 * n2 / 2) / sigma if sigma > 0 else 0.0
    from scipy.special import ndtr  # noqa: I001  (scipy loads when a test runs, not with the package)

    return abs(2 * u / (n1 * n2) - 1), float(2 * ndtr(-abs(z)))


@check("DA105", "informative-missingness", Category.MISSING, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("impute",), on_sample=True)
def informative_missingness(data: DatasetProfile, *, min_effect: float = 0.1, max_p: float = 1e-3) -> Iterator[Hit]:
    """Whether a value is missing depends on the target (missing not at random).

    Why it hurts training: imputing such a column hides a real signal or, imputed with a value that differs
    by class, plants a shortcut the model learns instead of the feature; either way gradients follow the gaps.

    How fix repairs it: impute and add a missing-indicator column, so the model sees missingness explicitly.
    """
    y = data.target_sample
    if y is None:
        return
    known = y.notna().to_numpy()
    target = y[known]
    if data.target.task == "classification":  # the class of each row, in sorted label order (as a crosstab's)
        classes, codes = np.unique(target.to_numpy(), return_inverse=True)
    for col in data.features:
        if col.missing < 10 or col.missing > 0.99 * col.rows:
            continue
        miss = missing_indicator(col, data.sample[col.name])[known]
        if miss.all() or not miss.any():
            continue
        if data.target.task == "classification":
            if len(classes) < 2:
                continue
            # the crosstab of missing (False, True) by class, counted in one pass
            observed = np.bincount(miss.astype(np.int64) * len(classes) + codes,
                                   minlength=2 * len(classes)).reshape(2, len(classes))
            chi2, p = _chi_square(observed)
            effect = float(np.sqrt(chi2 / (observed.sum() * (min(observed.shape) - 1))))
            rates = pd.Series(observed[1] / observed.sum(axis=0), index=classes)
            detail = {"cramers_v": effect, "p_value": p,
                      "missing_rate_by_class": {str(k): float(v) for k, v in rates.items()}}
            lo, hi = rates.idxmin(), rates.idxmax()
            text = (f"missing in {pct(rates[hi])} of rows with {data.target.name}={hi} but "
                    f"{pct(rates[lo])} with {data.target.name}={lo} (Cramér's V {effect:.2f})")
        else:
            effect, p = _rank_biserial(target.to_numpy(dtype=float), miss)
            detail = {"rank_biserial": effect, "p_value": p,
                      "target_median_when_missing": float(np.median(target[miss])),
                      "target_median_when_present": float(np.median(target[~miss]))}
            text = (f"the target's median is {num(detail['target_median_when_missing'])} where it is missing and "
                    f"{num(detail['target_median_when_present'])} where present (rank-biserial {effect:.2f})")
        if effect >= min_effect and p <= max_p:
            yield Hit(col.name, f"missingness depends on the target: {text}", jsonable(detail))
