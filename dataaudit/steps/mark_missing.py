"""Mark declared missing values as missing: the settings' ``columns.<name>.missing-values``, kept in the recipe.

``fix`` reads the file with these values already replaced (as ``scan`` does, see ``declared_missing``);
this step, first in the recipe, makes ``apply`` do the same to new data without the settings file.
Its only state is what the user declared, so it is a parameter (``values``), not something fitted.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..core.declared_missing import describe, mark_frame, values_problem
from .base import FitContext, Step

__all__ = ["MarkMissing"]


class MarkMissing(Step):
    """Replace each column's declared missing-value codes (``values``: column -> list) by missing values."""

    name = "mark-missing"
    params = ("values",)
    fitted = ()

    def __init__(self, *, values: dict[str, list[Any]] | None = None) -> None:
        self.values = values

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "MarkMissing":
        self.validate()
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        out, counts = mark_frame(frame, self.values or {})
        if counts:
            log.append(f"mark-missing: values declared missing in the settings set to missing: {describe(counts)}.")
        return out

    def validate(self) -> None:
        if not isinstance(self.values, dict):
            raise ValueError("values must be a table of column -> list of values")
        for column, values in self.values.items():
            problem = values_problem(values)
            if problem:
                raise ValueError(f"values of {column!r} {problem}")
