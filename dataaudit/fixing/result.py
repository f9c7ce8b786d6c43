"""``FixResult``: what a fix returns — the repaired frame, the recipe that reproduces it, and the before/after
evidence (row accounting, decisions, dropped columns, leaks kept, gradient risk left). Shared by every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..analysis.report import Component, GradientRisk, Report, Viewed
from ..analysis.risk import split_leaks
from .guard import input_set, new_after_fix, source_column
from .recipe import Recipe

__all__ = ["FixResult"]


@dataclass
class FixResult(Viewed):
    """The repaired frame, the recipe that reproduces it, and the before/after evidence.

    With the stream and dask engines the output is only on disk: ``frame`` and ``pre_resample`` then hold the
    rows the steps were fitted on (a uniform sample of the file, every row when it is small enough), fixed, and
    ``engine`` says so; ``rows`` always counts the whole file and output.

    ``before`` is the scan before the fix with its findings, column summaries, gradient risk and probe; its
    profile is cut to its summary once the steps no longer read it (``DatasetProfile.summary``: the row
    sample and the target), so its HTML has no plots (``dataaudit.scan`` draws them)."""

    TEXT_VIEW = "fix-text"  # the fix report as text (``dataaudit fix --report fix.txt``)
    HTML_VIEW = "fix-html"  # the before/after table (``display.fix_html``): escaped, no script, scoped CSS

    frame: pd.DataFrame  # the output (after resampling)
    pre_resample: pd.DataFrame  # what `apply` reproduces
    recipe: Recipe
    before: Report
    after: Report | None
    rows: dict[str, int]
    log: list[str] = field(default_factory=list)
    engine: dict[str, Any] | None = None  # the stream engine: {"name": "stream", "fit_rows": ..., "rows": ...}
    # (the dask engine: name "dask", with "partitions" too)
    after_sample: dict[str, int] | None = None  # the after-report from a sample of the output: {rows, of}

    def __repr__(self) -> str:
        """One line: ``FixResult(train.csv: 1,500 -> 2,502 rows, 15 -> 20 features; gradient risk 100 critical -> 12
        low)``."""
        after = self.after.gradient_risk if self.after is not None else None
        risk = f"{self.before.gradient_risk.score} {self.before.gradient_risk.level}" + (
            f" -> {after.score} {after.level}" if after is not None else "")
        features = self.feature_counts()
        return (f"FixResult({self.before.name}: {self.rows['in']:,} -> {self.rows['out']:,} rows, "
                f"{features['in']:,} -> {features['out']:,} features; gradient risk {risk})")

    @property
    def frame_is_output(self) -> bool:
        """Whether ``frame`` holds the fixed output (in memory, or streamed with every row in the fitting sample)."""
        return self.engine is None or self.engine["fit_rows"] >= self.rows["in"]

    def to_dict(self) -> dict[str, Any]:
        return {
            **({"engine": self.engine} if self.engine is not None else {}),
            "rows": self.rows,
            "columns": self.feature_counts(),
            "steps": [s.to_dict()["step"] for s in self.recipe.steps],
            "decisions": self.decisions(),
            "dropped_columns": self.dropped_columns,
            "notes": self.log,
            "before": {"gradient_risk": self.before.to_dict()["gradient_risk"],
                       "findings": [f.to_dict() for f in self.before.findings]},
            "after": None if self.after is None else {"gradient_risk": self.after.to_dict()["gradient_risk"],
                                                      "findings": [f.to_dict() for f in self.after.findings],
                                                      **({"sample": self.after_sample} if self.after_sample else {})},
            "new_after_fix": None if self.after is None else [f.to_dict() for f in self.new_findings],
            "kept_leaks": None if self.after is None else self.kept_leaks,
            "gradient_risk_left": None if self.after is None else self.risk_left_dict(),
        }

    def kept_leak_findings(self) -> list[Any]:
        """The rescan's DA701 findings (medium or above) on leaks the fix kept: columns whose source the input's
        scan called a leak too (or any, when no row was resampled: a leak only resampled rows show is not one)."""
        if self.after is None:
            return []
        inputs = input_set(self.recipe.input_columns)
        leaked = {f.column for f in self.before.findings if f.rule == "DA701"}
        resampled = bool(self.rows.get("added_by_resampling"))
        return [f for f in self.after.findings if f.rule == "DA701" and f.severity >= 2 and f.column is not None
                and (source_column(f.column, inputs) in leaked or not resampled)]

    @property
    def kept_leaks(self) -> list[str]:
        """The input columns the fix kept that still leak the target in the output (without --drop-leaky)."""
        inputs = input_set(self.recipe.input_columns)
        return sorted({source_column(f.column, inputs) for f in self.kept_leak_findings()})

    def risk_left(self) -> tuple[Component, GradientRisk] | None:
        """The gradient risk after the fix, split: the part because of kept leaks (the spurious-signal component
        of their findings alone) and what the fix could not repair (the risk with those findings aside)."""
        if self.after is None:
            return None
        return split_leaks(self.after.gradient_risk, self.after.findings, self.kept_leak_findings())

    def risk_left_dict(self) -> dict[str, Any] | None:
        split = self.risk_left()
        if split is None:
            return None
        leaks, rest = split
        return {"because_of_kept_leaks": {**leaks.to_dict(), "leaks": self.kept_leaks},
                "not_repaired": rest.to_dict()}

    @property
    def new_findings(self) -> list[Any]:
        """Findings of the rescan that the input's scan did not have for the same source column (``fixing.guard``)."""
        if self.after is None:
            return []
        return new_after_fix(self.before.findings, self.after.findings, self.recipe.input_columns, self.recipe.target)


    def feature_counts(self) -> dict[str, Any]:
        """Feature columns in (the input's, the target aside) and out (model-ready, the target aside), and the
        target: what every format of the fix report counts as columns."""
        target = self.recipe.target
        return {"in": len([c for c in self.recipe.input_columns if c != target]),
                "out": len([c for c in self.recipe.output_columns if c != target]), "target": target}

    @property
    def weight_column(self) -> str | None:
        """The column of class weights ``--resample weights`` added (not a feature: pass it as sample_weight)."""
        resampler = next((s for s in self.recipe.steps if s.name == "resample"), None)
        return (getattr(resampler, "weights_", None) or {}).get("column")

    @property
    def features_frame(self) -> pd.DataFrame:
        """``frame`` without the weight column: what a model is trained on (the target included)."""
        weight = self.weight_column
        return self.frame if weight is None else self.frame.drop(columns=weight)

    @property
    def dropped_columns(self) -> dict[str, str]:
        """Column -> why the drop step (or the encoder, for a column it could not encode usefully) removed it."""
        dropped = dict(next((s.dropped_ for s in self.recipe.steps if s.name == "drop"), {}))
        for step in self.recipe.steps:
            if step.name == "encode":
                dropped.update({c: spec["reason"] for c, spec in step.encodings_.items() if spec["kind"] == "dropped"})
        return dropped

    def decisions(self) -> dict[str, Any]:
        """Per step, what was chosen for each column and why (the reasons the steps recorded)."""
        steps = {s.name: s for s in self.recipe.steps}
        out: dict[str, Any] = {}
        if "drop" in steps and steps["drop"].text_:  # the free-text columns (DA414), dropped unless --keep-text
            out["free-text"] = {"columns": steps["drop"].text_, "kept": steps["drop"].keep_text,
                                "option": "--keep-text"}
        if "impute" in steps:
            out["impute"] = steps["impute"].reasons_
        if "clip" in steps:
            out["clip"] = steps["clip"].reasons_
        if "robust-scale" in steps:
            out["robust-scale"] = steps["robust-scale"].method_
        if "encode" in steps:
            out["encode"] = {c: spec["kind"] for c, spec in steps["encode"].encodings_.items()}
        if "target-transform" in steps:
            t = steps["target-transform"]
            out["target-transform"] = {"column": t.column_, "kind": t.kind_, "centre": float(f"{t.centre_:.6g}"),
                                       "scale": float(f"{t.scale_:.6g}"), "reason": t.reason_,
                                       "absurd": t.absurd_["count"]}  # the recipe keeps every digit
        if "resample" in steps and hasattr(steps["resample"], "reason_"):
            out["resample"] = steps["resample"].reason_
            if steps["resample"].weights_:
                out["class_weight"] = steps["resample"].weights_
        return out
