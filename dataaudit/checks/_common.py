"""Small helpers shared by the check modules: wording and evidence formatting."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..core.numfmt import percent as pct  # noqa: F401  (the checks' name for it)


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 value', '2,000 values'."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


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


#: a condition number of the standardised numeric features from which one of them is a linear combination of
#: others up to the rounding of stored values (its residual a hundred-thousandth of its spread)
EXACT_CONDITION = 1e10
