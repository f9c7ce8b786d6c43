"""dataaudit: find the data problems that break gradient training, and score the risk."""

from typing import TYPE_CHECKING

from . import display  # noqa: F401  (registers how a Report and a FixResult show themselves: str, notebook HTML)
from ._version import __version__
from .analysis.findings import Category, Finding, GradientEffect, Severity
from .analysis.report import Report
from .errors import DataAuditError, DataTypeError, InputError, TargetError, UsageError
from .fixing.options import FixOptions

if TYPE_CHECKING:  # loaded on first use (__getattr__ below)
    from .analysis.pipeline import scan_frame
    from .analysis.registry import RULES, all_rules
    from .api import apply_recipe, diff, fix, scan
    from .fixing.recipe import Recipe
    from .fixing.result import FixResult
    from .transformer import FixTransformer

_LAZY = {"FixResult": "fixing.result", "Recipe": "fixing.recipe", "FixTransformer": "transformer",
         "scan": "api", "fix": "api", "apply_recipe": "api", "diff": "api", "scan_frame": "analysis.pipeline",
         "RULES": "analysis.registry", "all_rules": "analysis.registry"}


def __getattr__(name: str):
    """The repair half's classes (FixResult, Recipe, FixTransformer) import scikit-learn, and the verbs (scan, fix,
    apply_recipe, diff, scan_frame) the statistics pipeline, the readers and the engines' choice: load them on
    first use; so do the rule registry (RULES, all_rules), which imports every check: ``dataaudit rules``,
    ``explain`` and ``--version`` read the rule catalogue instead (``analysis.catalogue``) and load no pandas."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


__all__ = ["scan", "scan_frame", "fix", "apply_recipe", "diff", "FixOptions", "FixResult", "Recipe", "FixTransformer",
           "Report", "Finding", "Severity", "Category", "GradientEffect", "RULES", "all_rules",
           "DataAuditError", "DataTypeError", "InputError", "TargetError", "UsageError", "__version__"]
