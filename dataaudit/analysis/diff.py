"""diff: what changed between two datasets, as findings of the drift rules (``api.diff`` checks the options).

Both files are profiled exactly as ``scan`` profiles one (same statistics, same type inference), then
the ``command="diff"`` rules in ``checks/drift.py`` compare the two profiles, and, given a recipe, the
recipe's fitted parameters against the current data. The report has the scan report's shape: the
current file is the dataset, the reference is described under ``dataset.reference``, the gradient
risk is the current file's own, and the exit code follows ``--fail-on`` as for scan.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Mapping

from ..io.frames import load_data
from ..io.read import check_target
from ..progress import Progress
from .comparison import Comparison
from .pipeline import run_checks, scan_loaded
from .report import Report

__all__ = ["compare"]


def compare(reference: Any, current: Any, rules: list, *,
            target: str | None, recipe: Any | None, recipe_label: str | None, fail_on: str,
            rule_options: Mapping[str, Mapping[str, Any]] | None, column_rule_options: Mapping[str, Any] | None,
            column_ignores: Mapping[str, Iterable[str]] | None, missing_values: Mapping[str, Iterable[Any]] | None,
            sheet: str | int | None, progress: Progress) -> Report:
    """``api.diff`` (see there) once its options were checked: ``rules`` selected, ``recipe`` loaded (a
    ``fixing.recipe.Recipe``, or None; ``recipe_label`` names it in the report)."""
    fitted = recipe
    if target is None and fitted is not None:
        target = fitted.target
    start = time.perf_counter()
    progress.stage("read")
    ref_loaded = load_data(reference, sheet=sheet, missing_values=missing_values, what="reference")[0]
    cur_loaded = load_data(current, sheet=sheet, missing_values=missing_values, what="current")[0]
    check_target(ref_loaded.table, ref_loaded.path, target, where=" in the reference")
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
        dataset["recipe"] = recipe_label
    if scoring:
        dataset["label_drift"] = {"measured": False, "reason": f"the current file has no target column {target!r}"}
    timing = {"total": round(time.perf_counter() - start, 4)}
    return Report(dataset, target, cur_scan.columns, findings, cur_scan.gradient_risk, fail_on,
                  [r.code for r in rules], timing, profile=cmp.current, probe=cur_scan.probe)
