"""The scan report: data only. Formatters render it; ``exit_code`` decides the CI verdict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .._version import __version__
from ..core.numfmt import json_safe
from .findings import Finding, Severity
from .risk import GradientRisk

SCHEMA_VERSION = 1
FAIL_ON_CHOICES = ("info", "low", "medium", "high", "critical", "never")


@dataclass
class Report:
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


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, shipped inside the package."""
    import json
    from importlib.resources import files

    return json.loads(files("dataaudit").joinpath("resources/report.schema.json").read_text(encoding="utf-8"))
