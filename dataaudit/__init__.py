"""dataaudit: find the data problems that break gradient training, and score the risk."""

from . import display  # noqa: F401  (registers how a Report and a FixResult show themselves: str, notebook HTML)
from ._version import __version__
from .analysis.findings import Category, Finding, GradientEffect, Severity
from .analysis.registry import all_rules
from .analysis.report import Report
from .analysis.rules import RULES
from .api import scan
from .errors import DataAuditError, DataTypeError, InputError, TargetError, UsageError

_LAZY = {"fix": "fixing.memory", "apply_recipe": "fixing.memory", "FixOptions": "fixing.options",
         "FixResult": "fixing.result", "Recipe": "fixing.recipe", "FixTransformer": "transformer",
         "scan_frame": "analysis.pipeline", "diff": "analysis.diff"}


def __getattr__(name: str):
    """The repair half (fix, apply_recipe, Recipe, FixTransformer) imports scikit-learn: load it on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


__all__ = ["scan", "scan_frame", "fix", "apply_recipe", "diff", "FixOptions", "FixResult", "Recipe", "FixTransformer",
           "Report", "Finding", "Severity", "Category", "GradientEffect", "RULES", "all_rules",
           "DataAuditError", "DataTypeError", "InputError", "TargetError", "UsageError", "__version__"]
