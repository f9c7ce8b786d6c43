"""The scan report: data only. Formatters render it; ``exit_code`` decides the CI verdict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Callable

from .._version import __version__
from ..core.numfmt import json_safe
from .findings import Finding, Severity

__all__ = ["SCHEMA_VERSION", "FAIL_ON_CHOICES", "FINDING_COLUMNS", "VIEWS", "Viewed", "Report", "flat_scalars",
           "report_schema", "Component", "GradientRisk"]

SCHEMA_VERSION = 1
FAIL_ON_CHOICES = ("info", "low", "medium", "high", "critical", "never")
FINDING_COLUMNS = ("rule", "check", "category", "severity", "column", "columns", "message", "gradient_effect", "fix")

#: How a report (and a fix result) shows itself in Python: ``"text"`` for ``str()``, ``"html"`` for a notebook's
#: ``_repr_html_``, ``"fix-html"`` for a FixResult's. The formatters import this module, so it cannot import them:
#: ``dataaudit.display`` registers the views when the package is imported.
VIEWS: dict[str, Callable[[Any], str]] = {}


class Viewed:
    """``str()`` and the notebook's HTML through the views ``display`` registers in ``VIEWS`` (by the names in
    ``TEXT_VIEW`` and ``HTML_VIEW``); without them, ``repr`` and no HTML."""

    TEXT_VIEW = "text"  # the text report (``formatters.text``), as ``dataaudit scan`` prints it
    HTML_VIEW = "html"  # the notebook fragment: no script, its CSS scoped to its own root element

    def __str__(self) -> str:
        view = VIEWS.get(self.TEXT_VIEW)
        return view(self) if view is not None else repr(self)

    def _repr_html_(self) -> str | None:
        view = VIEWS.get(self.HTML_VIEW)
        return view(self) if view is not None else None


@dataclass
class Report(Viewed):
    """What one scan found in one dataset."""

    dataset: dict[str, Any]
    target: str | None
    columns: list[dict[str, Any]]
    findings: list[Finding]
    gradient_risk: GradientRisk
    fail_on: str = "high"
    rules_run: list[str] = field(default_factory=list)
    timing: dict[str, float] = field(default_factory=dict)
    profile: Any = field(default=None, repr=False, compare=False)  # the DatasetProfile, for fix; not reported
    probe: dict[str, Any] | None = None  # the gradient probe's measurements (with a target)
    baseline_accepted: int | None = None  # findings dropped by --baseline (None: no baseline)

    def __repr__(self) -> str:
        """One line: ``Report(mixed.csv: 19 findings, 7 high; gradient risk 100 critical)``."""
        return f"Report({self.name}: {self.summary_line()})"

    @property
    def name(self) -> str:
        """The dataset's file name (``mixed.csv``), or how a frame in memory was named (``<pandas DataFrame>``)."""
        path = str(self.dataset.get("path", ""))
        return path if path.startswith("<") else PurePath(path).name or path

    def summary_line(self) -> str:
        """``19 findings, 7 high; gradient risk 100 critical``: the counts at high and critical (else the worst
        severity found) and the gradient risk."""
        counts = self.by_severity()
        n = len(self.findings)
        parts = [f"{n:,} finding{'' if n == 1 else 's'}"]
        parts += [f"{counts[s]:,} {s}" for s in ("critical", "high") if counts.get(s)]
        if n and len(parts) == 1:
            parts.append(f"worst {max(f.severity for f in self.findings)}")
        return f"{', '.join(parts)}; gradient risk {self.gradient_risk.score} {self.gradient_risk.level}"

    def to_pandas(self) -> Any:
        """The findings as a pandas DataFrame, one row per finding in the report's order: rule, check, category,
        severity (an ordered categorical: ``df[df.severity >= "high"]``), column, columns, message, gradient_effect,
        fix, then the evidence's scalar values as ``evidence.<key>`` columns (its lists and mappings, such as the
        examples, are left to ``to_dict()``)."""
        import pandas as pd

        rows = []
        for f in self.findings:
            row = {**{k: v for k, v in f.to_dict().items() if k != "evidence"}, "columns": list(f.columns)}
            row.update(flat_scalars(f.evidence, "evidence."))
            rows.append(row)
        frame = pd.DataFrame(rows, columns=_ordered_keys(rows, FINDING_COLUMNS))
        frame["severity"] = pd.Categorical(frame["severity"], categories=[str(s) for s in sorted(Severity)],
                                           ordered=True)
        return frame

    def columns_frame(self) -> Any:
        """The per-column profile as a pandas DataFrame indexed by column name: inferred type, physical type,
        missing count and share, distinct count, min, median, max, MAD, skewness, and the type's evidence
        flattened as ``evidence.<key>`` (the report's ``columns``)."""
        import pandas as pd

        rows = []
        for col in self.columns:
            row = {k: v for k, v in col.items() if not isinstance(v, (dict, list))}
            row.update(flat_scalars(col.get("evidence") or {}, "evidence."))
            rows.append(row)
        frame = pd.DataFrame(rows, columns=_ordered_keys(rows, ("name",)))
        return frame.set_index("name")

    def exit_code(self, fail_on: str | None = None) -> int:
        """1 if any finding is at or above ``fail_on`` (default: the report's), else 0."""
        level = fail_on or self.fail_on
        if level == "never":
            return 0
        threshold = Severity.parse(level)
        return int(any(f.severity >= threshold for f in self.findings))

    def sample_note(self) -> str | None:
        """Which results rest on the row sample (``--max-rows``), in words; None when every row was used."""
        sample = self.dataset.get("sample")
        if not sample:
            return None
        return f"{', '.join(sample['checks'])} used {sample['rows']:,} of {sample['of']:,} rows"

    def reference_note(self) -> str | None:
        """For a ``diff`` report: what the data was compared with, in words; None for a scan."""
        ref = self.dataset.get("reference")
        if not ref:
            return None
        risk = ref["gradient_risk"]
        recipe = f" and recipe {self.dataset['recipe']}" if self.dataset.get("recipe") else ""
        label = self.dataset.get("label_drift") or {}
        unmeasured = f"; label drift not measured: {label['reason']}" if label.get("measured") is False else ""
        return (f"compared with reference {ref['path']}{recipe} ({ref['rows']:,} rows × {ref['columns']:,} columns); "
                f"gradient risk {risk['score']} ({risk['level']}) → {self.gradient_risk.score} ({self.gradient_risk.level})"
                f"{unmeasured}")

    def by_severity(self) -> dict[str, int]:
        counts = Counter(str(f.severity) for f in self.findings)
        return {str(s): counts.get(str(s), 0) for s in sorted(Severity, reverse=True)}

    def to_dict(self, *, include_timing: bool = False) -> dict[str, Any]:
        """The JSON report, schema_version 1 (see resources/report.schema.json)."""
        out = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "dataaudit", "version": __version__},
            "dataset": self.dataset,
            "target": self.target,
            "columns": self.columns,
            "findings": [json_safe(f.to_dict()) for f in self.findings],  # NaN/inf evidence as "nan"/"inf"
            "gradient_risk": {**self.gradient_risk.to_dict(),
                              **({"probe": json_safe(self.probe, as_text=False)} if self.probe else {})},
            "summary": {
                "findings": len(self.findings),
                "by_severity": self.by_severity(),
                "by_category": dict(sorted(Counter(str(f.category) for f in self.findings).items())),
                "rules_run": len(self.rules_run),
                "fail_on": self.fail_on,
                "exit_code": self.exit_code(),
                **({"baseline_accepted": self.baseline_accepted} if self.baseline_accepted is not None else {}),
            },
        }
        if include_timing:
            out["timing"] = self.timing
        return out


def flat_scalars(mapping: Any, prefix: str) -> dict[str, Any]:
    """A mapping's scalar values (numbers, text, booleans, None) under ``prefix + key``; nested mappings and lists
    (their keys are often the data's own values) are left out."""
    return {f"{prefix}{key}": value for key, value in mapping.items()
            if value is None or isinstance(value, (str, int, float, bool))}


def _ordered_keys(rows: list[dict[str, Any]], first: tuple[str, ...]) -> list[str]:
    """``first``, then every other key of ``rows`` in the order they first appear (deterministic)."""
    keys = dict.fromkeys(first)
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, shipped inside the package."""
    import json
    from importlib.resources import files

    return json.loads(files("dataaudit").joinpath("resources/report.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Component:
    mechanism: str
    source: str
    score: int
    detail: str
    columns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"mechanism": self.mechanism, "source": self.source, "score": self.score,
                "detail": self.detail, "columns": list(self.columns)}


@dataclass(frozen=True)
class GradientRisk:
    score: int
    level: str
    components: tuple[Component, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "level": self.level, "components": [c.to_dict() for c in self.components]}
