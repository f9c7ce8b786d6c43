"""dataaudit: find the data problems that break gradient training, and score the risk."""

from ._version import __version__
from .errors import DataAuditError, InputError, TargetError, UsageError
from .findings import Category, Finding, GradientEffect, Severity
from .registry import all_rules
from .report import Report
from .rules import RULES
from .scan import scan

_LAZY = {"fix": "fixing", "apply_recipe": "fixing", "FixOptions": "fixing", "FixResult": "fixing", "Recipe": "recipe",
         "FixTransformer": "transformer", "scan_frame": "scan"}


def __getattr__(name: str):
    """The repair half (fix, apply_recipe, Recipe, FixTransformer) imports scikit-learn: load it on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


__all__ = ["scan", "scan_frame", "fix", "apply_recipe", "FixOptions", "FixResult", "Recipe", "FixTransformer",
           "Report", "Finding", "Severity", "Category", "GradientEffect", "RULES", "all_rules",
           "DataAuditError", "InputError", "TargetError", "UsageError", "__version__"]
