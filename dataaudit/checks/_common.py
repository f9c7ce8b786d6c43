"""Small helpers shared by the check modules: wording and evidence formatting."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

SMALL_TABLE_ROWS = 30  # below this, row-level statistics (correlations, conditioning, the probe) mean little: DA304


def pct(fraction: float) -> str:
    """'0.4%', '12%', '99.5%', '<0.1%', '>99.9%': never rounds a part up to the whole."""
    p = 100.0 * fraction
    if 0 < p < 0.1:
        return "<0.1%"
    if 99.9 < p < 100:
        return ">99.9%"
    return f"{p:.1f}%" if p < 10 or 99 < p < 100 else f"{p:.0f}%"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 value', '2,000 values'."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


def num(x: float) -> str:
    """A number as a person would write it in a message."""
    if x is None or not np.isfinite(x):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.4g}"


def jsonable(x: Any) -> Any:
    """Evidence values as plain JSON types (NaN/inf become strings)."""
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if np.isnan(x):
            return "nan"
        if np.isinf(x):
            return "inf" if x > 0 else "-inf"
        return float(f"{x:.6g}")
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in x]
    return x


def examples(pairs: Iterable[tuple[Any, int]], limit: int = 5) -> list[dict[str, Any]]:
    """[{'row': 17, 'value': ...}] sorted by row, at most ``limit``."""
    out = sorted({(int(row), jsonable(value)) for value, row in pairs if row is not None}, key=lambda t: t[0])
    return [{"row": r, "value": v} for r, v in out[:limit]]


def names(cols: Iterable[str], limit: int = 5) -> str:
    cols = list(cols)
    shown = ", ".join(f"`{c}`" for c in cols[:limit])
    return shown + (f" and {len(cols) - limit} more" if len(cols) > limit else "")
