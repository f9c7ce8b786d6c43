"""Attribution: link what the gradient probe measured back to the findings that cause it.

Each symptom of the probe (poisoned batches, one feature dominating the gradient, ill-conditioning)
is matched with the findings on the columns involved, so the report reads cause → effect → fix.
A class that supplies three quarters or more of the gradient is traced to the imbalance findings when
it is the majority of rows; when it is not (a naive model saturated by large inputs pushes most of the
gradient onto the rows it gets wrong), to the scale and outlier findings that saturate it.
"""

from __future__ import annotations

from typing import Any, Sequence

from .findings import Finding

NAN_RULES = ("DA101", "DA102", "DA202")
SCALE_RULES = ("DA201", "DA103", "DA203", "DA501", "DA408")
CONDITIONING_RULES = ("DA503", "DA604", "DA605", "DA501")
IMBALANCE_RULES = ("DA301", "DA302")
DOMINANT_CLASS_SHARE = 0.75


def _matching(findings: Sequence[Finding], rules: tuple[str, ...], column: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule in rules and (column is None or column in f.columns)]


def _cause(found: list[Finding]) -> tuple[list[str], str]:
    rules = sorted({f.rule for f in found})
    first = found[0]
    where = f"`{first.column}`" if first.column else "the dataset"
    return rules, f"{where}: {first.message} ({first.rule}; fix: {first.fix})"


def attribute(probe: dict[str, Any], findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Symptom → cause pairs; a symptom without a matching finding is still listed (cause unknown)."""
    out: list[dict[str, Any]] = []

    def add(symptom: str, found: list[Finding]) -> None:
        rules, cause = _cause(found) if found else ([], "no finding explains it")
        out.append({"symptom": symptom, "rules": rules, "cause": cause})

    if probe.get("nan_batch_share"):
        add(f"{probe['nan_batch_share']:.0%} of mini-batches give a NaN/inf loss or gradient",
            _matching(findings, NAN_RULES))
    dominant, share = probe.get("dominant_feature"), probe.get("dominant_feature_share")
    if dominant is not None and share is not None and share >= 0.5 and probe.get("features", 0) > 1:
        add(f"`{dominant}` carries {share:.0%} of the gradient", _matching(findings, SCALE_RULES, dominant))
    raw = probe.get("raw_condition_number")
    if raw is not None and raw >= 1e6:
        add(f"the raw feature matrix has condition number {raw:.3g}",
            _matching(findings, CONDITIONING_RULES, dominant) or _matching(findings, CONDITIONING_RULES))
    grads, rows = probe.get("class_gradient_share") or {}, probe.get("class_row_share") or {}
    known = {k: v for k, v in grads.items() if v is not None}
    if known and rows:
        top = max(known, key=lambda k: (known[k], k))
        if known[top] >= DOMINANT_CLASS_SHARE:
            majority = rows.get(top) is not None and rows[top] == max(v for v in rows.values() if v is not None)
            found = (_matching(findings, IMBALANCE_RULES) if majority else
                     _matching(findings, SCALE_RULES, dominant) or _matching(findings, SCALE_RULES))
            if found:  # unexplained, it is only a naive model saturated by inputs of ordinary size
                add(f"class {top!r} supplies {known[top]:.0%} of the gradient with {rows.get(top) or 0:.0%} "
                    "of the rows", found)
    return out
