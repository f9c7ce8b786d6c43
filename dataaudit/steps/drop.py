"""Drop columns that cannot help a model: empty, constant, duplicate, identifier, near-zero variance,
one of each near-perfectly correlated pair, free text unless asked to keep it (``keep_text``), and leaked
columns only when asked (``drop_leaky``)."""

from __future__ import annotations

import pandas as pd

from .base import FitContext, Step

__all__ = ["DROP_RULES", "TEXT_RULE", "Drop"]

#: rule code -> why a column it flags is dropped
DROP_RULES = {
    "DA601": "constant",
    "DA604": "duplicate of another column",
    "DA702": "identifier",
    "DA502": "near-zero variance",
    "DA605": "near-perfectly correlated with another column",
    "DA606": "a one-to-one recoding of another column",
    "DA412": "nested values (lists, maps or binary): not a model input as it stands",
    "DA414": "free text: not a usable feature as it stands",
}
TEXT_RULE = "DA414"  # the free-text rule: its columns stay with ``keep_text`` (then frequency-encoded)


class Drop(Step):
    """Remove the columns the scan condemned; ``dropped_`` says why for each.

    ``keep_text`` keeps the free-text columns (DA414), which the encoder then frequency-encodes; ``text_``
    lists the free-text columns the scan flagged, dropped or kept, so the report can say which."""

    name = "drop"
    params = ("drop_leaky", "keep_text")
    fitted = ("dropped_", "text_")
    param_defaults = {"keep_text": False}  # recipes written before --keep-text dropped free text
    defaults = {"text_": None}  # and did not list it: unknown

    def __init__(self, *, drop_leaky: bool = False, keep_text: bool = False) -> None:
        self.drop_leaky = drop_leaky
        self.keep_text = keep_text

    def fit(self, frame: pd.DataFrame, context: FitContext) -> "Drop":
        dropped: dict[str, str] = {}
        if context.profile is not None:
            for col in context.profile.features:
                if col.inferred_type in ("empty", "constant"):
                    dropped[col.name] = "every value missing" if col.inferred_type == "empty" else "constant"
        rules = dict(DROP_RULES, **({"DA701": "predicts the target almost perfectly (--drop-leaky)"}
                                   if self.drop_leaky else {}))
        if self.keep_text:
            del rules[TEXT_RULE]
        text: set[str] = set()
        for f in context.findings:
            if f.column is None or f.column == context.target or "drop" not in f.fix.split("-then-"):
                continue
            if f.rule == TEXT_RULE:
                text.add(f.column)
            if f.rule in rules:  # a target computed from several features (DA701) names each of them
                for column in (f.columns if f.rule == "DA701" and f.columns else (f.column,)):
                    if column != context.target:
                        dropped.setdefault(column, rules[f.rule])
        self.dropped_ = dict(sorted(dropped.items()))
        self.text_ = sorted(text)
        return self

    def transform(self, frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
        self.check_fitted()
        derived = [c for c in frame.columns if any(c.startswith(f"{d}__") for d in self.dropped_)]
        return frame.drop(columns=[c for c in [*self.dropped_, *derived] if c in frame.columns])
