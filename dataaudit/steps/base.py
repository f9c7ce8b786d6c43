"""The fix-step contract: scikit-learn style fit/transform on pandas frames, JSON state for the recipe.

A step's ``__init__`` only stores keyword parameters. ``fit(frame, context)`` learns state into
attributes ending in ``_`` and returns the step. ``transform(frame, log)`` checks it was fitted,
never changes the number or order of rows, never touches the target column, and appends one
plain sentence to ``log`` for everything a user should know (unseen categories, missing columns).
``to_dict``/``from_dict`` round-trip every parameter and fitted value through JSON-safe types:
never pickle.

Frames between steps: after ``repair``, every feature column is either float64 (NaN = missing)
or pandas ``str`` dtype (NaN = missing) for categories; the target column keeps its labels.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import DataAuditError

__all__ = ["RecipeError", "FitContext", "Step", "feature_columns", "is_numeric", "at_most_two_values",
           "restore_order", "add_absent_columns", "code_text", "code_spelling"]


class RecipeError(DataAuditError):
    """A recipe that cannot be used: tampered, from a newer version, or not fitted."""


@dataclass
class FitContext:
    """What a step may know when fitting: the scan's verdicts and the run's options."""

    target: str | None = None
    flagged: dict[str, set[str]] = field(default_factory=dict)  # rule code -> columns it flagged
    seed: int = 0
    findings: list[Any] = field(default_factory=list)  # the scan's Finding records (evidence included)
    profile: Any = None  # the scan's DatasetProfile (inferred types), when fitting from a scan
    dropping: set[str] = field(default_factory=set)  # the columns the drop step will remove (set by fit_steps)
    sources: dict[str, str] = field(default_factory=dict)  # derived column -> the input column it comes from
    codes: str = "categorical"  # fix --codes: integer category codes (DA408) are categories, or numbers ("numeric")

    def source_of(self, column: str) -> str:
        """The input column that ``column`` was derived from (the repair step's date parts, unit columns)."""
        return self.sources.get(column, column)

    def columns_flagged(self, *codes: str) -> set[str]:
        return set().union(*(self.flagged.get(code, set()) for code in codes)) if codes else set()

    def code_columns(self) -> set[str]:
        """The columns the scan called integer category codes (DA408; not its dates packed into numbers, evidence
        ``kind`` "date"), which the steps treat as categories; none with ``codes="numeric"``."""
        if self.codes != "categorical":
            return set()
        return {f.column for f in self.findings
                if f.rule == "DA408" and f.column is not None and f.evidence.get("kind", "codes") == "codes"}


class Step:
    """Base class of every fix step."""

    name: ClassVar[str]
    params: ClassVar[tuple[str, ...]] = ()  # names of __init__ keyword parameters
    fitted: ClassVar[tuple[str, ...]] = ()  # names of fitted attributes (with trailing "_")
    # fitted attributes added after recipes were first written -> the value a recipe without one loads (None: unknown)
    defaults: ClassVar[dict[str, Any]] = {}
    # parameters added after recipes were first written -> the value a recipe without one loads
    param_defaults: ClassVar[dict[str, Any]] = {}

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "Step":
        raise NotImplementedError

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        raise NotImplementedError

    def fit_transform(self, frame: pd.DataFrame, context: FitContext, log: list[str]) -> pd.DataFrame:
        return self.fit(frame, context).transform(frame, log)

    def check_fitted(self) -> None:
        missing = [a for a in self.fitted if not hasattr(self, a)]
        if missing:
            raise RecipeError(f"step {self.name!r} is not fitted (missing {', '.join(missing)})")

    def get_params(self) -> dict[str, Any]:
        return {p: getattr(self, p) for p in self.params}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe parameters and fitted state."""
        self.check_fitted()
        return {"step": self.name, "params": self.get_params(),
                "fitted": {a.rstrip("_"): getattr(self, a) for a in self.fitted}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Step":
        """Rebuild a fitted step; a recipe with unknown or missing keys is refused (a key with a default in
        ``defaults`` or ``param_defaults`` may be missing, from a recipe written before it existed: it loads as
        that default)."""
        if data.get("step") != cls.name:
            raise RecipeError(f"expected step {cls.name!r}, got {data.get('step')!r}")
        params, fitted = data.get("params", {}), data.get("fitted", {})
        expected = {a.rstrip("_") for a in cls.fitted}
        optional = {a.rstrip("_") for a in cls.defaults}
        if not set(cls.params) - set(cls.param_defaults) <= set(params) <= set(cls.params) \
                or not expected - optional <= set(fitted) <= expected:
            raise RecipeError(f"step {cls.name!r}: recipe keys do not match this version of dataaudit")
        step = cls(**{**cls.param_defaults, **params})
        for attr in cls.fitted:
            key = attr.rstrip("_")
            setattr(step, attr, copy.deepcopy(cls.defaults[attr]) if key not in fitted else fitted[key])
        try:
            step.validate()
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise RecipeError(f"step {cls.name!r}: invalid recipe entry ({exc})") from None
        return step

    def validate(self) -> None:
        """Check parameters and fitted state a recipe brought in (types, shapes); raise ValueError if wrong."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def feature_columns(frame: pd.DataFrame, target: str | None) -> list[str]:
    return [c for c in frame.columns if c != target]


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def at_most_two_values(x: np.ndarray) -> bool:
    """Whether the finite values ``x`` take two distinct values or fewer (flags, constants): every value is
    the minimum or the maximum. One pass, where ``np.unique`` would sort a million values."""
    return x.size == 0 or bool(np.all((x == x.min()) | (x == x.max())))


def restore_order(columns: list[str], fitted: list[str]) -> list[str]:
    """``columns`` plus each absent ``fitted`` column, put back after the fitted column that preceded it."""
    order = list(columns)
    for i, name in enumerate(fitted):
        if name not in order:
            anchor = next((c for c in reversed(fitted[:i]) if c in order), None)
            order.insert(order.index(anchor) + 1 if anchor is not None else 0, name)
    return order


def add_absent_columns(frame: pd.DataFrame, fitted: list[str], step: str, log: list[str]) -> pd.DataFrame:
    """New data may lack a fitted column: add it as all-missing, in its place, and say so."""
    absent = [c for c in fitted if c not in frame.columns]
    for name in absent:
        log.append(f"{step}: column {name!r} is absent from the data; it was added as all-missing.")
    return frame.reindex(columns=restore_order(list(frame.columns), fitted)) if absent else frame


def code_text(series: pd.Series, missing: Any = np.nan) -> pd.Series:
    """Integer category codes as text, each code by its integer's canonical spelling (3, 3.0 and "3.0" are all
    "3", -0.0 is "0"; a value that is no whole number keeps its shortest float spelling, "2.5"; a text that is no
    number stays as it is), missing as ``missing``. Each distinct value is spelt once, then spread to the rows."""
    rows, distinct = pd.factorize(series, use_na_sentinel=True)
    spelt = [code_spelling(v) for v in distinct]
    out = pd.Series(np.array([*spelt, ""], dtype=object)[rows], index=series.index, dtype="str")
    return out.where(rows >= 0, missing)


def code_spelling(value: Any) -> str:
    """One integer category code's canonical text (see ``code_text``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not np.isfinite(number):
        return str(value)
    if number == np.floor(number) and abs(number) < 2.0 ** 63:
        return str(int(number))
    return repr(number)
