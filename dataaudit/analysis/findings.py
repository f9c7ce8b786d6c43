"""The vocabulary of a finding: severity, category, gradient effect, and the Finding record."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Severity", "Category", "GradientEffect", "Hit", "Finding"]


class Severity(enum.IntEnum):
    """Ordered so that ``--fail-on`` is a comparison."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


class Category(str, enum.Enum):
    """The seven SPEC categories; the DA code's first digit names the category."""

    MISSING = "missing"
    OUTLIERS = "outliers"
    IMBALANCE = "imbalance"
    ENCODING = "encoding"
    SCALE = "scale"
    REDUNDANCY = "redundancy"
    LEAKAGE = "leakage"

    def __str__(self) -> str:
        return self.value

    @property
    def digit(self) -> str:
        return str(list(Category).index(self) + 1)


class GradientEffect(str, enum.Enum):
    """What a problem does to gradient-based training (SPEC vocabulary)."""

    NAN_LOSS = "nan-loss"
    EXPLODING_GRADIENTS = "exploding-gradients"
    VANISHING_GRADIENTS = "vanishing-gradients"
    DOMINATED_GRADIENTS = "dominated-gradients"
    ILL_CONDITIONING = "ill-conditioning"
    DEAD_PARAMETERS = "dead-parameters"
    SPURIOUS_SIGNAL = "spurious-signal"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Hit:
    """What a check yields: the registry adds the rule's metadata to make a Finding."""

    column: str | None
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    columns: tuple[str, ...] | None = None
    fix: str | None = None  # this finding's fix, when it is not the rule's


@dataclass(frozen=True)
class Finding:
    """One problem found in one dataset, as reported (SPEC "findings")."""

    rule: str
    check: str
    category: Category
    severity: Severity
    column: str | None
    columns: tuple[str, ...]
    message: str
    evidence: Mapping[str, Any]
    gradient_effect: GradientEffect
    fix: str

    def sort_key(self) -> tuple:
        """Deterministic order: most severe first, then rule code, then column."""
        return (-int(self.severity), self.rule, self.column or "", self.columns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "check": self.check,
            "category": str(self.category),
            "severity": str(self.severity),
            "column": self.column,
            "columns": list(self.columns),
            "message": self.message,
            "evidence": dict(self.evidence),
            "gradient_effect": str(self.gradient_effect),
            "fix": self.fix,
        }
