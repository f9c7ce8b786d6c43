"""``Comparison``: the two profiles a drift rule compares (``diff``), and what a recipe fitted for each column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .profiling import ColumnProfile, DatasetProfile, type_group

__all__ = ["Comparison", "RecipeScaling"]


@dataclass
class Comparison:
    """The two profiles a drift rule compares, plus the recipe's fitted parameters when one is given."""

    reference: DatasetProfile
    current: DatasetProfile
    recipe: Any = None  # a fixing.recipe.Recipe (analysis reads it, never imports the fix side)

    #: Chance of one false alarm per comparison; each column's test gets an equal part (Bonferroni),
    #: so a table with many columns is not more likely to alarm than one with few.
    FAMILY_ALPHA = 1e-3

    @property
    def alpha(self) -> float:
        """Significance level of each column's test."""
        shared = sum(1 for name in self.current.columns if name in self.reference.columns)
        return self.FAMILY_ALPHA / max(shared, 1)

    def common(self, *, numeric: bool = False, with_target: bool = False) -> Iterator[tuple[ColumnProfile, ColumnProfile]]:
        """(reference, current) profiles of the columns in both, in the current file's order; the target
        only with ``with_target``; ``numeric``: only where both sides are numbers a model would take."""
        for name, cur in self.current.columns.items():
            ref = self.reference.columns.get(name)
            if ref is None or (ref.is_target or cur.is_target) and not with_target:
                continue
            if numeric and not (type_group(ref) == type_group(cur) == "number" and ref.numeric is not None
                                and cur.numeric is not None and "identifier" not in (ref.inferred_type, cur.inferred_type)):
                continue
            yield ref, cur

    def _entry(self, step: str) -> dict[str, Any]:
        if self.recipe is None:
            return {}
        return next((entry for entry in self.recipe.to_dict()["steps"] if entry["step"] == step), {})

    def _fitted(self, step: str) -> dict[str, Any]:
        return self._entry(step).get("fitted", {})

    def recipe_categories(self, column: str) -> set[str]:
        """Every category the recipe knows for ``column``: its spelling map and its encoder's categories."""
        known: set[str] = set()
        spellings = self._fitted("repair").get("spellings", {}).get(column, {})
        known |= set(spellings) | set(spellings.values())
        encoding = self._fitted("encode").get("encodings", {}).get(column, {})
        for key in ("categories", "rare"):
            known |= {str(v) for v in encoding.get(key) or []}
        known |= {str(k) for k in (encoding.get("frequencies") or {})}
        return known

    def recipe_scaling(self) -> dict[str, RecipeScaling]:
        """Input column -> what the recipe's impute, clip and robust-scale steps fitted for it."""
        scaling, clip = self._fitted("robust-scale"), self._fitted("clip")
        strategies = self._fitted("impute").get("strategy", {})
        scaler = self._entry("robust-scale").get("params", {}).get("scaler", "mad")
        k = self._entry("clip").get("params", {}).get("k")
        out = {}
        for name, center in scaling.get("center", {}).items():
            scale = scaling.get("scale", {}).get(name)
            if center is None or not scale:
                continue
            bounds = clip.get("bounds", {}).get(name)
            share = (clip.get("clipped") or {}).get(name)
            out[name] = RecipeScaling(
                float(center), float(scale), scaler, strategies.get(name),
                (float(bounds[0]), float(bounds[1])) if bounds else None, float(k) if bounds and k else None,
                None if share is None else float(share))
        return out


@dataclass(frozen=True)
class RecipeScaling:
    """One column as a recipe prepares it for the model: imputed, clipped, then centred and scaled."""

    center: float
    scale: float
    scaler: str  # robust-scale's scaler: the statistics ``center`` and ``scale`` are
    imputed: str | None  # impute's strategy for the column (None: left missing)
    bounds: tuple[float, float] | None  # clip bounds (None: not clipped)
    k: float | None  # clip's k, in modified z-scores (None: not clipped)
    clipped: float | None  # share of the fit's rows outside ``bounds`` (None: a recipe that did not record it)
