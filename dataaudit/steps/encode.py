"""Encode categorical columns as numbers a gradient model can use.

One-hot with a rare-category bucket and a cap on new columns (so a long tail of categories neither
explodes the width nor adds columns that are almost always zero), frequency encoding for
high-cardinality columns, or ordinal codes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .base import FitContext, Step, code_spelling, code_text, is_numeric

__all__ = ["METHODS", "MISSING", "RARE", "MAX_FREQUENCIES", "Encode"]

METHODS = ("onehot", "ordinal", "none")
MISSING = "__missing__"  # a missing value is a category of its own
RARE = "__rare__"  # bucket for categories seen fewer than min_frequency times, past the cap, or unseen
MAX_FREQUENCIES = 10_000  # frequency maps keep the most frequent values only, to keep the recipe small


def _is_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, (pd.StringDtype, pd.CategoricalDtype)) or series.dtype == object


def _categories(series: pd.Series) -> pd.Series:
    """Every value as text, missing as ``__missing__``, so each row has exactly one category."""
    return series.astype("str").fillna(MISSING)


class Encode(Step):
    """Categorical columns to float columns; ``encodings_`` holds each column's category map.

    Output per categorical column, in the column's place:

    - ``onehot``: ``<col>=<value>`` float 0/1 for the kept categories (most frequent first), plus
      ``<col>=__rare__`` when some training categories were rare or past the cap; at most
      ``max_categories`` columns. Unseen categories go to the rare bucket, or are all zeros when the
      column had no rare category. ``drop_reference`` drops the most frequent category's column: a
      full group sums to 1 on every row, collinear with the bias, which matters for unregularised
      linear models solved in closed form but not for gradient descent (no gradient along that
      direction), so it is off by default; with it on, unseen values without a rare bucket look
      like the most frequent category. A group of two columns (two categories, or one and the rare
      bucket) always drops it: the two would be one 0/1 column and its complement (scikit-learn's
      ``drop="if_binary"``).
    - ``ordinal``: ``<col>`` = frequency rank of the category (0 = most frequent); rare and unseen
      categories get -1.
    - columns with more than ``max_onehot_cardinality`` distinct values (or none seen
      ``min_frequency`` times) become ``<col>__freq`` = the value's share of training rows, 0 if unseen
      (only the 10,000 most frequent values are stored; the rest, all rarer, also get 0). Never into a
      constant: when every value is equally frequent, few values get a column each (one-hot or
      codes) and many are dropped (``kind`` "dropped", with the reason), as the shares would tell
      nothing.
    - ``none``: text columns are left as they are.

    Integer category codes (numeric columns the scan called codes, DA408: ``context.code_columns()``) are encoded
    like text, each code by its integer's text (``code_text``: 3 and 3.0 are category "3", whichever file type they
    were read from); ``codes_`` lists them, so ``apply`` encodes them the same way.
    """

    name = "encode"
    params = ("method", "min_frequency", "max_categories", "max_onehot_cardinality", "drop_reference")
    fitted = ("input_columns_", "columns_", "encodings_", "codes_")
    defaults = {"codes_": []}  # recipes written before integer codes were encoded: none

    def __init__(self, *, method: str = "onehot", min_frequency: int = 5, max_categories: int = 20,
                 max_onehot_cardinality: int = 50, drop_reference: bool = False) -> None:
        self.method = method
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.max_onehot_cardinality = max_onehot_cardinality
        self.drop_reference = drop_reference

    def fit(self, frame: pd.DataFrame, context: FitContext) -> Encode:
        self._check_params()
        self.input_columns_ = [str(c) for c in frame.columns]
        codes = context.code_columns()
        self.codes_ = [] if self.method == "none" else [
            c for c in self.input_columns_ if c != context.target and c in codes and is_numeric(frame[c])]
        self.columns_ = [] if self.method == "none" else [
            c for c in self.input_columns_ if c != context.target and (_is_categorical(frame[c]) or c in self.codes_)]
        self.encodings_ = {c: self._plan(self._categories(c, frame[c])) for c in self.columns_}
        return self

    def _categories(self, name: str, series: pd.Series) -> pd.Series:
        """A column's category of each row: integer codes by their integer's text, other values as text."""
        return code_text(series, MISSING) if name in self.codes_ else _categories(series)

    def _plan(self, values: pd.Series) -> dict[str, Any]:
        """Which categories get their own column (or code); the rest share the rare bucket."""
        counts = values.value_counts(sort=False)
        ranked = sorted(((str(v), int(n)) for v, n in counts.items()), key=lambda vn: (-vn[1], vn[0]))
        kept = [v for v, n in ranked if n >= self.min_frequency]
        if len(ranked) > self.max_onehot_cardinality or not kept:
            if len(ranked) < 2 or ranked[0][1] > ranked[-1][1]:  # the shares tell the values apart
                return {"kind": "frequency", "frequencies": {v: n / len(values) for v, n in ranked[:MAX_FREQUENCIES]},
                        "truncated": len(ranked) > MAX_FREQUENCIES}
            # every value equally frequent: the shares would be one constant column, which tells nothing
            if len(ranked) > self.max_onehot_cardinality:
                return {"kind": "dropped", "reason": f"its {len(ranked):,} values are equally frequent, so frequency "
                        "encoding would make it constant, and they are too many for one column each"}
            kept = [v for v, _ in ranked]  # few values, all equally rare: each keeps its own column
        onehot = self.method == "onehot"
        slots = self.max_categories + int(onehot and self.drop_reference)  # the reference needs no column
        if len(kept) < len(ranked) or len(kept) > slots:
            kept = kept[:slots - 1]  # one slot goes to the rare bucket
        rare = [v for v, _ in ranked[len(kept):]]  # kept is a prefix of ranked
        if not onehot:
            return {"kind": "ordinal", "categories": kept, "rare": rare}
        # two columns that always sum to 1 are one 0/1 column twice: a binary group keeps only the second
        binary = len(kept) + bool(rare) == 2
        return {"kind": "onehot", "categories": kept, "rare": rare,
                "reference": kept[0] if self.drop_reference or binary else None}

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        out: dict[str, Any] = {}
        for name in self._restore_order(frame.columns):
            if name not in self.encodings_:
                out[name] = frame[name]
            elif name in frame.columns:
                out.update(self._encode(name, *self._factorized(name, frame[name]), log))
            else:
                log.append(f"encode: column {name!r} is absent from the data; encoded as if every value were missing.")
                out.update(self._encode(name, np.zeros(len(frame), dtype=np.intp), [MISSING], []))
        return pd.DataFrame(out, index=frame.index, copy=False)  # the columns as made: no consolidating copy

    def _factorized(self, name: str, series: pd.Series) -> tuple[np.ndarray, list[str]]:
        """Each row's position among the column's distinct categories, and those categories (``_categories``);
        integer codes are factorised as numbers and only their distinct values spelt (fast on millions of rows)."""
        if name not in self.codes_:
            rows, distinct = pd.factorize(_categories(series))
            return rows, [str(v) for v in distinct]
        rows, distinct = pd.factorize(series)  # missing: -1
        spelt = [code_spelling(v) for v in distinct]
        if (rows < 0).any():
            rows = np.where(rows < 0, len(spelt), rows)
            spelt.append(MISSING)
        return rows, spelt

    def _encode(self, name: str, rows: np.ndarray, distinct: list[str], log: list[str]) -> dict[str, np.ndarray]:
        spec = self.encodings_[name]
        if spec["kind"] == "dropped":
            return {}
        # each distinct value is looked up once, then spread to the rows (fast on millions of rows)
        if spec["kind"] == "frequency":
            shares = np.array([spec["frequencies"].get(v, np.nan) for v in distinct] + [np.nan])[rows]
            unseen_distinct = [v not in spec["frequencies"] for v in distinct]
            out = {f"{name}__freq": np.nan_to_num(shares, nan=0.0)}
            where = "given frequency 0"
            seen = ("not seen when fitting or rarer than the "  # the long tail was not stored
                    f"{MAX_FREQUENCIES:,} most frequent" if spec["truncated"] else "not seen when fitting")
        else:
            index = {v: i for i, v in enumerate(spec["categories"])}
            codes = np.array([index.get(v, -1) for v in distinct] + [-1])[rows]
            rare = set(spec["rare"])
            unseen_distinct = [v not in index and v not in rare for v in distinct]
            seen = "not seen when fitting"
            if spec["kind"] == "ordinal":
                out = {name: codes.astype(float)}  # rare and unseen categories share code -1
                where = "given code -1"
            else:
                out = {f"{name}={v}": (codes == i).astype(float)
                       for i, v in enumerate(spec["categories"]) if v != spec["reference"]}
                if spec["rare"]:
                    out[f"{name}={RARE}"] = (codes < 0).astype(float)
                where = (f"put in {name}={RARE}" if spec["rare"] else
                         f"encoded as the most frequent category {spec['reference']!r}" if spec["reference"] is not None
                         else "encoded as all zeros")
        if any(unseen_distinct):
            unseen_rows = int(np.isin(rows, np.flatnonzero(unseen_distinct)).sum())
            kinds = sum(unseen_distinct)
            log.append(f"encode: column {name!r} has {unseen_rows:,} row(s) with {kinds:,} "
                       f"categor{'y' if kinds == 1 else 'ies'} {seen}; they were {where}.")
        return out

    def get_feature_names_out(self, input_columns: list[str] | None = None) -> list[str]:
        """Output column names for a frame with ``input_columns`` (default: the columns seen at fit)."""
        self.check_fitted()
        names: list[str] = []
        for name in self._restore_order(self.input_columns_ if input_columns is None else input_columns):
            names.extend(_output_names(name, self.encodings_[name]) if name in self.encodings_ else [name])
        return names

    def _restore_order(self, columns: Any) -> list[str]:
        """``columns`` plus any fitted categorical column missing from them, put back where it was at fit."""
        cols = list(columns)
        for name in self.columns_:
            if name not in cols:
                before = self.input_columns_[:self.input_columns_.index(name)]
                anchor = next((c for c in reversed(before) if c in cols), None)
                cols.insert(cols.index(anchor) + 1 if anchor is not None else 0, name)
        return cols

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"encode method must be one of {', '.join(METHODS)}, not {self.method!r}")
        for param, low in (("min_frequency", 1), ("max_categories", 2), ("max_onehot_cardinality", 1)):
            value = getattr(self, param)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"encode {param} must be an integer ≥ {low}, not {value!r}")
        if not isinstance(self.drop_reference, bool):
            raise TypeError(f"encode drop_reference must be true or false, not {self.drop_reference!r}")

    def validate(self) -> None:
        """Refuse values this version would not have written."""
        self._check_params()
        _check_state(self)


def _output_names(name: str, spec: dict[str, Any]) -> list[str]:
    if spec["kind"] == "dropped":
        return []
    if spec["kind"] == "frequency":
        return [f"{name}__freq"]
    if spec["kind"] == "ordinal":
        return [name]
    return [f"{name}={v}" for v in spec["categories"] if v != spec["reference"]] + (
        [f"{name}={RARE}"] if spec["rare"] else [])


def _check_state(step: Encode) -> None:
    """Types and shapes of the fitted state, so a tampered recipe fails here and not mid-transform."""
    def require(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(what)

    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value) and len(set(value)) == len(value)

    require(strings(step.input_columns_) and strings(step.columns_), "column lists must be lists of distinct names")
    require(set(step.columns_) <= set(step.input_columns_), "encoded columns must be input columns")
    require(strings(step.codes_) and set(step.codes_) <= set(step.columns_),
            "integer-code columns must be a list of distinct encoded columns")
    require(isinstance(step.encodings_, dict) and set(step.encodings_) == set(step.columns_),
            "encodings must cover exactly the encoded columns")
    for name, spec in step.encodings_.items():
        kind = spec.get("kind") if isinstance(spec, dict) else None
        if kind == "frequency":
            shares = spec.get("frequencies")
            require(set(spec) == {"kind", "frequencies", "truncated"} and isinstance(spec["truncated"], bool)
                    and isinstance(shares, dict) and all(
                isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                for k, v in shares.items()), f"bad frequency map for {name!r}")
        elif kind == "dropped":
            require(set(spec) == {"kind", "reason"} and isinstance(spec["reason"], str), f"bad drop entry for {name!r}")
        elif kind in ("onehot", "ordinal"):
            keys = {"kind", "categories", "rare"} | ({"reference"} if kind == "onehot" else set())
            require(set(spec) == keys and strings(spec["categories"]) and strings(spec["rare"])
                    and not set(spec["categories"]) & set(spec["rare"]), f"bad category map for {name!r}")
            require(kind == "ordinal" or spec["reference"] is None or spec["reference"] in spec["categories"],
                    f"bad reference category for {name!r}")
        else:
            raise ValueError(f"unknown encoding {kind!r} for {name!r}")
