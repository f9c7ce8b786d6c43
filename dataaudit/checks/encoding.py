"""DA4xx encoding: numbers, booleans and dates stored as text, inconsistent spellings, codes, mojibake."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.measures import (
    CODE_NAME,
    GROUP_NAME,
    NOMINAL_NAME,
    group_code_reason,
    integer_code_reason,
)
from ..analysis.profiling import ColumnProfile, DatasetProfile
from ..analysis.rules import check
from ..core import datevalues, textvalues
from ..core.numfmt import num
from ..errors import UsageError
from ._common import jsonable, names, pct, plural

__all__ = ["numbers_as_text", "mixed_types", "spelling_groups", "inconsistent_spellings", "surrounding_whitespace",
           "high_cardinality", "dates_as_text", "date_formats", "DAY_ORDERS", "mixed_date_formats",
           "booleans_as_text", "integer_codes", "mojibake", "ints_as_floats", "non_utf8_encoding", "nested_values",
           "free_text"]


def _text_columns(data: DatasetProfile) -> Iterator[ColumnProfile]:
    for col in data.features:  # the target is kept as it is: its encoding is not a feature's problem
        if col.text is not None and col.stats.kind == "string":
            yield col


def _value_examples(col: ColumnProfile, mask: np.ndarray, limit: int = 5) -> list[dict]:
    frame = col.text.frame[mask].sort_values("first_row").head(limit)
    return [{"row": int(r), "value": str(v)} for v, r in zip(frame["value"], frame["first_row"])]


@check("DA401", "numbers-as-text", Category.ENCODING, Severity.HIGH,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def numbers_as_text(data: DatasetProfile) -> Iterator[Hit]:
    """Numbers written with thousands separators, currency symbols, percent signs or a decimal comma.

    Why it hurts training: the column loads as text, so it is dropped (its signal lost) or one-hot encoded
    with one column per distinct amount, each receiving almost no gradient.

    How fix repairs it: repair parses the text to numbers ('$1,234.50' → 1234.5, '12%' → 0.12, '3,5' → 3.5).
    """
    for col in _text_columns(data):
        if not col.numeric_from_text or not col.text.formatted:
            continue
        mask = ~col.text.frame["token"].to_numpy() & col.text.frame["numeric"].to_numpy()
        formatted = mask & ~col.text.frame["value"].str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", na=False).to_numpy()
        unit = col.text.unit
        kinds = ", ".join(f"the unit {unit!r}" if k == "unit" else k.replace("_", " ") for k in col.text.formats) \
            or "formatting"
        present = col.text.analysed_rows - sum(col.text.tokens.values())
        share = col.text.formatted / max(present, 1)
        where = f"; fix writes them as numbers in `{textvalues.unit_column(col.name, unit)}`" if unit else ""
        yield Hit(col.name, f"numbers stored as text ({kinds}) in {pct(share)} of values{where}",
                  {"count": round(share * (col.rows - col.stats.nulls - sum(col.text.tokens.values()))),
                   "sampled": col.text.sampled, "formats": col.text.formats,
                   "decimal_comma": col.text.decimal_comma, **({"unit": unit} if unit else {}),
                   "examples": _value_examples(col, formatted)})


@check("DA402", "mixed-types", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def mixed_types(data: DatasetProfile, *, min_numeric_share: float = 0.2, min_number_values: int = 5) -> Iterator[Hit]:
    """A column in which a substantial share of values are numbers and others are words (not missing-value tokens).

    The numbers must be measurements, not labels: at least ``min_number_values`` distinct numbers (a drive train
    of 'f', 'r' and '4', a grade of 'A', 'B' and '1' are categories whose labels include a digit, which repair
    would turn into missing values).

    Why it hurts training: no single encoding fits: as text, each number becomes its own category; coerced
    to numbers, the words become NaN (NaN loss) unless imputed.

    How fix repairs it: repair keeps the numbers and turns the other values into missing values (then impute),
    reporting how many were converted.
    """
    for col in _text_columns(data):
        if col.inferred_type in ("identifier", "datetime", "boolean"):
            continue
        present = col.text.analysed_rows - sum(col.text.tokens.values())
        numeric = col.text.plain + col.text.formatted
        if present <= 0 or numeric / present < min_numeric_share or not col.text.other:
            continue
        if not col.numeric_from_text and col.text.other / present < 0.02:
            continue  # a text column with a few numbers in it ('Route 66') is not mixed
        frame = col.text.frame
        if not col.numeric_from_text and int(frame["numeric"].sum()) < min_number_values:
            continue  # a category with a digit among its labels ('f', 'r', '4'), not numbers among words
        words = ~frame["token"].to_numpy() & ~frame["numeric"].to_numpy()
        yield Hit(col.name, f"{pct(numeric / present)} of values are numbers and {pct(col.text.other / present)} "
                  "are other text", {"numeric_share": jsonable(numeric / present),
                                     "text_share": jsonable(col.text.other / present),
                                     "examples": _value_examples(col, words)})


def spelling_groups(col: ColumnProfile, keys: pd.Series | None = None) -> list[dict]:
    """Groups of distinct values that are the same after NFKC, case folding and whitespace normalisation.

    ``keys``: those spellings of the column's values other than tokens, when already normalised (with the
    other columns' at once)."""
    frame = col.text.frame[~col.text.frame["token"]]
    if len(frame) < 2:
        return []
    keys = textvalues.normalise(frame["value"].astype("str")) if keys is None else keys
    if not keys.duplicated().any():  # every spelling its own: no group (the usual case)
        return []
    grouped = frame.assign(key=keys.to_numpy()).groupby("key", sort=False)
    sizes = grouped["value"].transform("size")
    multi = frame.assign(key=keys.to_numpy())[sizes.to_numpy() > 1]
    groups = []
    for key, part in multi.groupby("key", sort=True):
        part = part.sort_values(["count", "value"], ascending=[False, True])
        groups.append({"key": key, "variants": dict(zip(part["value"].astype(str), part["count"].astype(int)))})
    return sorted(groups, key=lambda g: -sum(g["variants"].values()))


@check("DA403", "inconsistent-spellings", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def inconsistent_spellings(data: DatasetProfile) -> Iterator[Hit]:
    """Category values that differ only by case, whitespace or Unicode form ('Male', ' male', 'MALE').

    Why it hurts training: one category is split across several one-hot columns, each getting a fraction
    of the rows and of the gradient; rare variants become near-dead parameters and the signal is diluted.

    How fix repairs it: repair normalises spellings (Unicode NFKC, whitespace, case) to the most frequent form.
    """
    cols = [col for col in _text_columns(data)
            if col.inferred_type in ("categorical", "boolean", "text") and not col.text.sampled]
    values = [col.text.frame.loc[~col.text.frame["token"], "value"].astype("str") for col in cols]
    # one normalisation for every column (a wide table's hundreds of small ones), cut back per column
    keys = textvalues.normalise(pd.concat(values, ignore_index=True)) if values else None
    sizes = np.array([len(v) for v in values], dtype=np.int64)
    ends = np.cumsum(sizes)
    # a column has groups only where one of its keys repeats: found for every column at once
    owner = np.repeat(np.arange(len(cols)), sizes)
    repeats = pd.DataFrame({"column": owner, "key": keys}).duplicated().to_numpy() if values else np.zeros(0, bool)
    grouped = np.bincount(owner[repeats], minlength=len(cols)) > 0
    for col, end, size, any_group in zip(cols, ends, sizes, grouped):
        if not any_group:
            continue
        groups = spelling_groups(col, keys.iloc[end - size:end].reset_index(drop=True))
        if not groups:
            continue
        rows = sum(sum(list(g["variants"].values())[1:]) for g in groups)
        first = groups[0]["variants"]
        shown = ", ".join(repr(v) for v in list(first)[:4])
        yield Hit(col.name, f"{len(groups)} categor{'y is' if len(groups) == 1 else 'ies are'} spelled several ways "
                  f"({shown}); {plural(rows, 'row uses', 'rows use')} a minority spelling",
                  {"groups": len(groups), "rows_affected": rows, "examples": groups[:5]})


@check("DA404", "surrounding-whitespace", Category.ENCODING, Severity.LOW,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def surrounding_whitespace(data: DatasetProfile) -> Iterator[Hit]:
    """Values with leading or trailing whitespace.

    Why it hurts training: ' yes' and 'yes' become different categories (split gradients) and ' 12' may not
    parse as a number at all.

    How fix repairs it: repair strips the whitespace.
    """
    for col in _text_columns(data):
        if not col.text.whitespace or col.inferred_type == "text":
            continue
        frame = col.text.frame
        mask = frame["whitespace"].to_numpy()
        yield Hit(col.name, f"{plural(col.text.whitespace, 'value')} ({pct(col.text.whitespace / col.rows)}) with leading "
                  "or trailing whitespace", {"count": col.text.whitespace,
                                             "examples": _value_examples(col, mask)})


@check("DA405", "high-cardinality", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("encode",))
def high_cardinality(data: DatasetProfile, *, max_categories: int = 50) -> Iterator[Hit]:
    """A categorical column with more than 50 distinct values: one-hot encoding would explode.

    From 20 values, also when more than half of them hold fewer than 6 rows (44 postal codes in 173 rows, 35 of
    them rarer): most one-hot columns would be too rare to learn from.

    Why it hurts training: one-hot encoding adds a column per value; most are rare, so their weights see a
    handful of non-zero inputs (near-dead parameters) and the model overfits the rest.

    How fix repairs it: encode groups rare values into one bucket and frequency-encodes high-cardinality columns.
    """
    for col in data.features:
        if col.inferred_type != "categorical" or col.distinct < RARE_CATEGORIES:
            continue
        frame = col.text.frame[~col.text.frame["token"]] if col.text is not None else None
        singletons = int((frame["count"] == 1).sum()) if frame is not None else 0
        rare = int((frame["count"] < RARE_ROWS).sum()) if frame is not None else 0
        if col.distinct <= max_categories and rare <= 0.5 * col.distinct:
            continue
        shown = (f"{singletons:,} of them for values seen once" if col.distinct > max_categories else
                 f"{rare:,} of them for values of fewer than {RARE_ROWS} rows, too rare to learn a weight from")
        yield Hit(col.name, f"{col.distinct:,} distinct values: one-hot encoding would add {col.distinct:,} columns, "
                  f"{shown}", {"distinct": col.distinct, "singletons": singletons, "rare": rare,
                               "max_categories": max_categories})


RARE_CATEGORIES = 20  # from this many values, a category is high-cardinality when most of them are rare
RARE_ROWS = 6  # a value of fewer rows is rare (too few to stratify five folds, or to learn its weight)


@check("DA406", "dates-as-text", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def dates_as_text(data: DatasetProfile) -> Iterator[Hit]:
    """Dates or timestamps stored as text.

    Why it hurts training: as text each date is a category of its own (one-hot explosion, dead parameters);
    as a raw epoch number it is a huge, offset input that dominates the gradient.

    How fix repairs it: repair turns the date into numeric features (year, month, day of week, days since a
    reference date).
    """
    text_formats = {"csv", "jsonl"}
    for col in data.features:
        from_text = col.stats.kind == "string" or (col.stats.kind == "datetime" and data.source.get("format") in text_formats)
        if col.inferred_type != "datetime" or not from_text:
            continue
        evidence: dict = {}
        if col.text is not None:
            mask = col.text.frame["date"].to_numpy()
            share = col.text.date / max(col.nonmissing, 1)
            examples = _value_examples(col, mask, 3)
            formats, order = date_formats(col)
            evidence = {"formats": formats, "day_first": order.day_first}
        else:
            share, examples = 1.0, []
        yield Hit(col.name, f"dates stored as text ({pct(share)} of values parse as dates)",
                  {"date_share": jsonable(share), **evidence, "examples": examples})


def date_formats(col: ColumnProfile) -> tuple[dict[str, int], datevalues.DateOrder]:
    """Rows per date format family of a text column's dates, and the day/month order of its numeric dates."""
    frame = col.text.frame[col.text.frame["date"].to_numpy()]
    values, counts = frame["value"].astype("str"), frame["count"].to_numpy()
    order = datevalues.date_order(values, counts)
    return datevalues.date_formats(values, counts, order), order


DAY_ORDERS = ("auto", "day-first", "month-first")


@check("DA413", "mixed-date-formats", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("repair",))
def mixed_date_formats(data: DatasetProfile, *, day_order: str = "auto") -> Iterator[Hit]:
    """Dates in several formats ('2024-03-05' and '05/03/2024'), or a day/month order the values do not settle.

    Why it hurts training: a parser that guesses reads '05/03/2024' as 3 May in one row and 5 March in
    another, so the date features of those rows are wrong by up to a year: noise the gradient fits as signal.

    How fix repairs it: repair reads each format exactly, the day first or the month first as the values
    decide (a number above 12 can only be a day); where no value decides, month first unless the option
    ``day_order`` says "day-first" (``[tool.dataaudit.rules.DA413] day_order = "day-first"``), and this
    finding names the order used.
    """
    if day_order not in DAY_ORDERS:
        raise UsageError(f"rule DA413 option day_order must be one of {', '.join(DAY_ORDERS)}, not {day_order!r}")
    for col in data.features:
        if col.inferred_type != "datetime" or col.text is None or col.stats.kind != "string":
            continue
        formats, order = date_formats(col)
        numeric = any(f in formats for f in (datevalues.DAY_FIRST, datevalues.MONTH_FIRST, datevalues.UNDECIDED))
        if len(formats) < 2 and not (numeric and order.day_first is None):
            continue
        day_first, decided = order.day_first, "by the values"
        if day_order != "auto":
            day_first, decided = day_order == "day-first", "by the option day_order"
        elif day_first is None:
            day_first, decided = False, "by default: no value settles it"
        parts = [f"{len(formats)} date formats ({', '.join(f'{k} {pct(v / max(col.text.date, 1))}' for k, v in formats.items())})"
                 if len(formats) > 1 else f"dates written as {next(iter(formats))}"]
        severity = None
        if order.contradictory:
            severity = Severity.HIGH
            parts.append(f"values settle the day/month order both ways ({order.examples['day_first']!r} day "
                         f"first, {order.examples['month_first']!r} month first): each of those is read the only "
                         f"way it can be, the ambiguous rest {'day' if day_first else 'month'} first")
        elif numeric:
            shown = order.examples.get("day_first" if day_first else "month_first")
            parts.append(f"numeric dates read {'day' if day_first else 'month'} first, decided {decided}"
                         + (f" (e.g. {shown!r})" if shown and decided == "by the values" else ""))
        yield Hit(col.name, "; ".join(parts),
                  {"formats": formats, "day_first": bool(day_first), "decided": decided, "order": order.to_dict(),
                   "examples": _value_examples(col, col.text.frame["date"].to_numpy(), 5)}, severity=severity)


@check("DA407", "booleans-as-text", Category.ENCODING, Severity.LOW,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def booleans_as_text(data: DatasetProfile) -> Iterator[Hit]:
    """Yes/no answers stored as words ('yes'/'no', 'Y'/'N', 'on'/'off').

    Why it hurts training: the model cannot take words; a naive pipeline drops the column or one-hot
    encodes each spelling separately.

    How fix repairs it: repair maps the tokens to 1/0.
    """
    for col in _text_columns(data):
        if col.inferred_type != "boolean":
            continue
        frame = col.text.frame[col.text.frame["boolean"]]
        spellings = dict(zip(frame["value"].astype(str), frame["count"].astype(int)))
        yield Hit(col.name, f"booleans stored as text ({', '.join(repr(s) for s in list(spellings)[:4])})",
                  {"spellings": spellings})


@check("DA408", "integer-codes", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.SPURIOUS_SIGNAL, fix_steps=("encode",))
def integer_codes(data: DatasetProfile, *, max_distinct: int = 10_000) -> Iterator[Hit]:
    """Integers that are really category codes (zip codes, region codes, a race stored as 1/2/3, a school numbered 1 to 79 whose pupils' target follows no order of it, four chains numbered 1 to 4 whose prices lie on no curve of it), or dates packed into numbers (mmddyy).

    An integer column with 3 or more distinct values (at most half of its values) is codes when its name says
    so (zip, code, category, type, region …, or ends with an attribute that is nominal whatever it is stored
    as: race, ethnicity, religion, nationality, country, marital, occupation, district, neighbourhood (``nbh``),
    ward, city, commune, village, brand …, or region after any prefix:
    ``fregion``, the favourite's region, or is one of married, inst,
    institution, site, centre, clinic, hospital, state or group: ``race`` 1/2/3 = white/black/other; ``married``
    1-6, a marital status, not a 0/1 flag; ``state`` 11-95, census state codes; ``group`` 1-3, a disease group;
    but ``yrs_married`` is a duration, and one of those short whole names on values that are all multiples of 5
    or more, or spread sparsely over thousands (``married``, counts of married residents 282-11,479), is a
    measurement (``inst`` 1,000 to 34,000 in whole thousands: feet to the interstate); or ends with a word that numbers groups of rows: stratum, cluster, brood,
    litter, household, replicate, batch, block: ``stratum`` 1-83, the matched set of a case and its controls),
    or when its values are fixed-width numbers spread sparsely (a 5-digit code; not squares, ``agesq``, nor under
    an amount's name, ``pcinc``, a city's income per head), or when, whatever its name (but
    one of a time or an age: ``year``, ``age``, ``wave``), it numbers 20 groups or more with consecutive values
    (1 to 79), five rows or more in the median group, that hold 10% of the target's variance beyond chance with
    means in no order of the number: neighbouring codes' means differ about as much as any two (0.75 of it or
    more, against 0 for an age's smooth trend) and five times what their sampling noise gives (``schidkn``, a
    school indicator: 79 schools of 34-136 pupils hold 20% of the maths score's variance); with 4 to 19 consecutive
    values of 10 rows or more each, it is codes when the levels' target means (a regression target's ranks) lie on
    no line or curve of the number: half their spread or more off the best weighted quadratic, at an F-test p below
    1e-6 (``chain``, four fast-food chains 1-4 whose prices differ in no order; a rating with a linear effect or an
    income bracket with a U-shaped one is an order, a Likert item with no effect is nothing). An integer column
    named as a date whose every value reads as a real day in one packed layout (``mmddyy``: 111597 = 15 Nov 1997; ``yyyymmdd``)
    is a date stored as a number: its size is not time (111597 > 20298, 2 Feb 1998).

    Why it hurts training: a linear model or network treats the code as a magnitude, so 90210 is "larger"
    than 10001; the gradient fits an ordering that does not exist and the large values inflate the updates.

    How fix repairs it: codes are categories to every step (``fix --codes categorical``, the default): impute fills a
    gap with the most frequent code, clip and robust-scale leave the column alone, and encode one-hot (or frequency)
    encodes it by each code's integer text (3 and 3.0 are one category); ``--codes numeric`` keeps them numbers. A
    date packed into a number (evidence ``kind`` "date") stays a number.
    """
    for col in data.features:
        reason = integer_code_reason(col, max_distinct) or group_code_reason(data, col)
        if reason is None:
            continue
        lo, hi = float(col.numeric.values[0]), float(col.numeric.values[-1])
        date = reason.startswith("a date")
        what = "a date stored as a number" if date else "integer codes that look categorical"
        yield Hit(col.name, f"{what} ({reason}; {col.distinct:,} distinct values "
                  f"between {num(lo)} and {num(hi)})",
                  {"kind": "date" if date else "codes",  # fix treats codes as categories, keeps a date a number
                   "distinct": col.distinct, "min": jsonable(lo), "max": jsonable(hi),
                   "named_like_code": bool(CODE_NAME.search(col.name) or NOMINAL_NAME.search(col.name)
                                           or GROUP_NAME.search(col.name)),
                   "density": jsonable(col.distinct / (hi - lo + 1)),
                   **({"group_effect": data.group_codes[col.name]} if col.name in data.group_codes else {})},
                  fix="none" if date else None)


@check("DA409", "mojibake", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def mojibake(data: DatasetProfile) -> Iterator[Hit]:
    """Garbled text from a wrong decoding ('SÃ£o Paulo' for 'São Paulo') or the replacement character '�'.

    Why it hurts training: the same category appears under a garbled and a correct spelling, splitting
    its rows and gradient between two one-hot columns.

    How fix repairs it: repair re-decodes the text where the garbling is reversible.
    """
    for col in _text_columns(data):
        if not col.text.mojibake:
            continue
        mask = col.text.frame["mojibake"].to_numpy()
        examples = _value_examples(col, mask)
        for example in examples:
            fixed = textvalues.repair_mojibake(example["value"])
            if fixed is not None:
                example["repaired"] = fixed
        yield Hit(col.name, f"{plural(col.text.mojibake, 'value looks', 'values look')} garbled by a wrong text decoding "
                  f"(e.g. {examples[0]['value']!r})", {"count": col.text.mojibake, "examples": examples})


@check("DA410", "ints-as-floats", Category.ENCODING, Severity.LOW,
       effect=GradientEffect.NONE, fix_steps=("repair",))
def ints_as_floats(data: DatasetProfile) -> Iterator[Hit]:
    """A floating-point column that holds only whole numbers (often integers turned float by missing values).

    Why it hurts training: harmless to the arithmetic, but it hides a count or a code behind a float
    type, so scalers and encoders treat it as continuous; a sign that missing values were filled upstream.

    How fix repairs it: repair records the integer type; impute then fills the gaps explicitly.
    """
    for col in data.features:
        if col.stats.kind != "numeric" or col.inferred_type != "integer" or col.numeric is None:
            continue
        why = " (probably integers made float by missing values)" if col.missing else ""
        yield Hit(col.name, f"float column holding only whole numbers{why}",
                  {"distinct": col.distinct, "missing": col.missing})


@check("DA411", "non-utf8-encoding", Category.ENCODING, Severity.LOW,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("repair",))
def non_utf8_encoding(data: DatasetProfile) -> Iterator[Hit]:
    """The file is not UTF-8 (read as cp1252, latin-1 or UTF-16).

    Why it hurts training: tools that assume UTF-8 garble every accented value or crash; the same category
    read by two tools becomes two categories.

    How fix repairs it: fix writes its output as UTF-8 (or a binary format) with the text decoded correctly.
    """
    encoding = data.source.get("encoding")
    if encoding and encoding not in ("utf-8", "utf-8-sig"):
        yield Hit(None, f"the file is encoded as {encoding}, not UTF-8", {"encoding": encoding})


@check("DA412", "nested-values", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("drop",))
def nested_values(data: DatasetProfile) -> Iterator[Hit]:
    """A column of nested values: lists, maps or binary data (not one value per cell), or structs (objects).

    Why it hurts training: a list or a map is not one number per row, so it cannot be a model input as it
    stands: a pipeline crashes on it or drops it silently, and its signal is lost. A struct is several
    columns in one.

    How fix repairs it: struct columns are read as one column per field (``parent.child``), each checked and
    repaired as any other column; lists, maps and binary values are set aside when reading and left out of
    the output (derive counts or flags from them yourself if they carry signal).
    """
    nested = data.source.get("nested") or {}
    for name, children in (nested.get("flattened") or {}).items():
        yield Hit(name, f"struct values read as {plural(len(children), 'column')}: {names(children)}",
                  {"arrow_type": "struct", "columns": list(children)}, severity=Severity.LOW,
                  columns=(name, *children), fix="repair")
    for name, arrow_type in (nested.get("set_aside") or {}).items():
        kind = arrow_type.split("<", 1)[0].split("[", 1)[0]
        yield Hit(name, f"{kind} values ({arrow_type}) are not one value per cell: not a model input as it "
                  "stands; left out of the analysis, and fix leaves it out of the output",
                  {"arrow_type": arrow_type})


@check("DA414", "free-text", Category.ENCODING, Severity.MEDIUM,
       effect=GradientEffect.DEAD_PARAMETERS, fix_steps=("drop",))
def free_text(data: DatasetProfile) -> Iterator[Hit]:
    """Free text: mostly distinct strings (names, titles, comments, addresses), neither categories nor identifiers.

    Why it hurts training: as categories, almost every value is seen once, so its one-hot weight gets one
    row's gradient (dead parameters) and the model memorises rows; frequency-encoded, it is noise; its text
    carries signal only through a text model (tokens, embeddings), not as a tabular feature.

    How fix repairs it: drop removes the column (derive features from the text yourself if it carries signal);
    its missing cells then no longer count towards the missing-value risk. fix --keep-text keeps it
    instead: imputed with the most frequent value and frequency-encoded.
    """
    for col in _text_columns(data):
        if col.inferred_type != "text":
            continue
        values = col.text.frame[~col.text.frame["token"].to_numpy()]
        words = values["value"].astype("str").str.split().str.len().to_numpy()
        mean_words = float(np.average(words, weights=values["count"])) if len(values) else 0.0
        ratio = col.evidence.get("distinct_ratio", 0.0)
        yield Hit(col.name, f"free text: {col.distinct:,} distinct strings ({pct(ratio)} of the values), "
                  f"{mean_words:.1f} words on average: not a usable feature as it stands; fix drops it "
                  "(--keep-text keeps it, frequency-encoded)",
                  {"distinct": col.distinct, "distinct_ratio": ratio, "mean_words": round(mean_words, 2),
                   "examples": _value_examples(col, ~col.text.frame["token"].to_numpy(), 3)})


