"""diff(reference, current) -> Report: what changed between two datasets, as findings of the drift rules.

Both files are profiled exactly as ``scan`` profiles one (same statistics, same type inference), then
the ``command="diff"`` rules in ``checks/drift.py`` compare the two profiles, and, given a recipe, the
recipe's fitted parameters against the current data. The report has the scan report's shape: the
current file is the dataset, the reference is described under ``dataset.reference``, the gradient
risk is the current file's own, and the exit code follows ``--fail-on`` as for scan.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from .errors import TargetError
from .loading import load
from .numfmt import listed
from .profiling import ColumnProfile, DatasetProfile
from .progress import Progress, finishes_progress
from .recipe import Recipe
from .report import Report
from .scan import check_options, run_checks, scan_loaded


@dataclass
class Comparison:
    """The two profiles a drift rule compares, plus the recipe's fitted parameters when one is given."""

    reference: DatasetProfile
    current: DatasetProfile
    recipe: Recipe | None = None

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
        from .checks.drift import type_group

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


@finishes_progress
def diff(
    reference: str | os.PathLike[str],
    current: str | os.PathLike[str],
    *,
    target: str | None = None,
    recipe: str | os.PathLike[str] | Recipe | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: str = "high",
    rule_options: Mapping[str, Mapping[str, Any]] | None = None,
    column_rule_options: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    column_ignores: Mapping[str, Iterable[str]] | None = None,
    missing_values: Mapping[str, Iterable[Any]] | None = None,
    sheet: str | int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Compare ``current`` with ``reference`` (paths of any format ``scan`` reads).

    ``target``: the label column (class balance, regression target shift); it must be in the reference;
    a current file without it (data to score) is compared on its features only: the target is not reported
    as a removed column, and ``dataset["label_drift"]`` says that label drift was not measured.
    ``recipe``: a ``dataaudit fix`` recipe whose fitted centres, scales, clip bounds, categories and
    input columns are checked against the current data (its target is the default ``target``).
    The other options mean what they mean for ``scan`` (values declared missing are missing in both files).
    """
    rules = check_options(select, ignore, fail_on, rule_options, column_rule_options, missing_values, command="diff")
    fitted = recipe if isinstance(recipe, Recipe) or recipe is None else Recipe.load(recipe)
    if target is None and fitted is not None:
        target = fitted.target
    start = time.perf_counter()
    progress.stage("read")
    ref_loaded = load(reference, sheet=sheet, missing_values=missing_values)
    cur_loaded = load(current, sheet=sheet, missing_values=missing_values)
    if target is not None and target not in ref_loaded.table.column_names:
        raise TargetError(f"{ref_loaded.path}: target column {target!r} not found in the reference "
                          f"(columns: {listed(ref_loaded.table.column_names, 10)})")
    # A current file without the target is data to score: compared on its features, the target's rules skipped.
    scoring = target is not None and target not in cur_loaded.table.column_names
    # Profiled by scan itself, so types, statistics and the gradient risk are exactly what scan reports.
    ref_scan = scan_loaded(ref_loaded, target=target, fail_on="never", progress=progress)
    cur_scan = scan_loaded(cur_loaded, target=None if scoring else target, fail_on="never", progress=progress)
    cmp = Comparison(ref_scan.profile, cur_scan.profile, fitted)
    progress.stage("compare", len(rules))
    findings = run_checks(rules, cmp, columns=[*cmp.current.columns, *cmp.reference.columns],
                          rule_options=rule_options, column_rule_options=column_rule_options,
                          column_ignores=column_ignores, progress=progress)
    ref_risk = ref_scan.gradient_risk
    dataset = cur_scan.dataset
    dataset["reference"] = {**ref_scan.dataset, "gradient_risk": {"score": ref_risk.score, "level": ref_risk.level}}
    if fitted is not None:
        dataset["recipe"] = str(recipe) if not isinstance(recipe, Recipe) else "<recipe>"
    if scoring:
        dataset["label_drift"] = {"measured": False, "reason": f"the current file has no target column {target!r}"}
    timing = {"total": round(time.perf_counter() - start, 4)}
    return Report(dataset, target, cur_scan.columns, findings, cur_scan.gradient_risk, fail_on,
                  [r.code for r in rules], timing, profile=cmp.current, probe=cur_scan.probe)
