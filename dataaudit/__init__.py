"""dataaudit: find the data problems that break gradient training, and score the risk."""

from . import display  # noqa: F401  (registers how a Report and a FixResult show themselves: str, notebook HTML)
from ._version import __version__
from .analysis.findings import Category, Finding, GradientEffect, Severity
from .analysis.pipeline import scan_frame
from .analysis.registry import all_rules
from .analysis.report import Report
from .analysis.rules import RULES
from .api import apply_recipe, diff, fix, scan
from .errors import DataAuditError, DataTypeError, InputError, TargetError, UsageError
from .fixing.options import FixOptions

_LAZY = {"FixResult": "fixing.result", "Recipe": "fixing.recipe", "FixTransformer": "transformer"}


def __getattr__(name: str):
    """The repair half's classes (FixResult, Recipe, FixTransformer) import scikit-learn: load them on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


__all__ = ["scan", "scan_frame", "fix", "apply_recipe", "diff", "FixOptions", "FixResult", "Recipe", "FixTransformer",
           "Report", "Finding", "Severity", "Category", "GradientEffect", "RULES", "all_rules",
           "DataAuditError", "DataTypeError", "InputError", "TargetError", "UsageError", "__version__"]
