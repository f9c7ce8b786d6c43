"""Numbers in reports: a value the report can hold may be None, NaN or ±inf, and every format must cope.

``fmt(value, ".3g")`` formats a finite number and gives ``DASH`` for anything else (None, NaN, inf,
text, a missing key), so a renderer never branches on a value's kind; ``pct`` and ``count`` are the two
common specs. ``json_safe`` turns the non-finite floats of evidence into the words the checks already
use for them ("nan", "inf", "-inf"), or of the probe into None, since JSON has no such numbers.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Sequence

import numpy as np

__all__ = ["DASH", "finite", "fmt", "pct", "count", "MEASURED_DIGITS", "significant", "json_safe", "listed", "num",
           "percent"]

DASH = "—"


def finite(value: Any) -> bool:
    """True for a real, finite number (not a bool, not None, not NaN or ±inf)."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def fmt(value: Any, spec: str = ".3g", missing: str = DASH) -> str:
    """``format(value, spec)`` for a finite number, ``missing`` for anything else."""
    if not finite(value):
        return missing
    try:
        return format(value, spec)
    except (ValueError, TypeError):  # an integer spec ("," or "d") given a float: fall back to a general one
        return format(float(value), ".3g")


def pct(value: Any, missing: str = DASH) -> str:
    """A share as a whole percentage ('66%'), ``missing`` when unknown (an absurd one in 3 digits)."""
    if finite(value) and abs(value) >= 1e4:
        return f"{value * 100:.3g}%"
    return fmt(value, ".0%", missing)


def count(value: Any, missing: str = DASH) -> str:
    """A count with thousands separators ('1,000'), ``missing`` when unknown."""
    if finite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return fmt(value, ",.3g", missing)


MEASURED_DIGITS = 4


def significant(value: Any, digits: int = MEASURED_DIGITS) -> Any:
    """``value`` with every finite float (also inside dicts, lists and tuples) rounded to ``digits`` significant
    digits: for measurements whose last digits depend on the machine (BLAS products, SVDs, thread counts), so the
    same data gives the same report everywhere. Integers, booleans and everything else are left as they are."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: significant(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [significant(v, digits) for v in value]
    if isinstance(value, tuple):
        return tuple(significant(v, digits) for v in value)
    return value


def json_safe(value: Any, *, as_text: bool = True) -> Any:
    """``value`` with every non-finite float (also inside dicts, lists and tuples) as text ("nan", "inf",
    "-inf", the evidence convention), or as None with ``as_text=False`` (the probe's): JSON has no NaN.

    Finite values, and the containers' types, are left as they are."""
    if isinstance(value, Real) and not isinstance(value, int) and not math.isfinite(value):
        if not as_text:
            return None
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: json_safe(v, as_text=as_text) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v, as_text=as_text) for v in value]
    if isinstance(value, tuple):
        return tuple(json_safe(v, as_text=as_text) for v in value)
    return value


def listed(items: Sequence[str], limit: int = 5) -> str:
    """'a, b, c, d, e and 3 more': at most ``limit`` of ``items`` (already quoted as the message wants)."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def num(x: float) -> str:
    """A number as a person would write it in a message."""
    if x is None or not np.isfinite(x):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.4g}"


def percent(fraction: float) -> str:
    """'0.4%', '12%', '99.5%', '<0.1%', '>99.9%': never rounds a part up to the whole."""
    p = 100.0 * fraction
    if 0 < p < 0.1:
        return "<0.1%"
    if 99.9 < p < 100:
        return ">99.9%"
    return f"{p:.1f}%" if p < 10 or 99 < p < 100 else f"{p:.0f}%"
