"""dataaudit: find the data problems that break gradient training, and score the risk."""

__version__ = "0.1.0"

from .errors import DataAuditError, InputError, TargetError, UsageError
from .findings import Category, Finding, GradientEffect, Severity
from .report import Report
from .rules import RULES, all_rules
from .scan import scan

__all__ = ["scan", "Report", "Finding", "Severity", "Category", "GradientEffect", "RULES", "all_rules",
           "DataAuditError", "InputError", "TargetError", "UsageError", "__version__"]
