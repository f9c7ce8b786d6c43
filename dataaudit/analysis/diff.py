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
from typing import Any, Iterable, Mapping

from ..core.numfmt import listed
from ..errors import TargetError
from ..fixing.recipe import Recipe
from ..io.frames import load_data
from ..progress import Progress, finishes_progress
from .comparison import Comparison, RecipeScaling  # noqa: F401  (RecipeScaling re-exported)
from .pipeline import check_options, run_checks, scan_loaded
from .report import Report


@finishes_progress
def diff(
    reference: Any,
    current: Any,
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
    """Compare ``current`` with ``reference`` (paths of any format ``scan`` reads, or frames in memory of the
    kinds ``scan`` takes, a Dask DataFrame aside; a path and a frame can be compared).

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
    ref_loaded = load_data(reference, sheet=sheet, missing_values=missing_values, what="reference")[0]
    cur_loaded = load_data(current, sheet=sheet, missing_values=missing_values, what="current")[0]
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
