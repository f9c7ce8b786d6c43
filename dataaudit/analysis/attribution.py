"""Attribution: link what the gradient probe measured back to the findings that cause it.

Each symptom of the probe (poisoned batches, one feature dominating the gradient, ill-conditioning)
is matched with the findings on the columns involved, so the report reads cause → effect → fix.
Batches poisoned by NaN/inf inputs are traced to the missing-value and infinite-value findings; a loss
that overflows on finite inputs (the weights diverged) to the scale and outlier findings, and for a
regression that no finding explains, to the raw size of the features and target (in words: features
large alike are no disparity for a rule to flag, and no rule judges a target's scale).
A class that supplies three quarters or more of the gradient is traced to the imbalance findings; when it
is not the majority of rows (a naive model saturated by large inputs pushes most of the gradient onto the
rows it gets wrong), also to the scale and outlier findings that saturate it. A feature that carries the
gradient is traced to its scale, outlier, identifier or leak finding.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..core.numfmt import fmt, pct
from .findings import Finding
from .probe import REGRESSION, batch_shares, condition_inputs, overflow_symptom

__all__ = ["NAN_RULES", "SCALE_RULES", "OVERFLOW_RULES", "CONDITIONING_RULES", "IMBALANCE_RULES", "DOMINANT_RULES",
           "DOMINANT_CLASS_SHARE", "attribute"]

NAN_RULES = ("DA101", "DA102", "DA202", "DA106")
SCALE_RULES = ("DA201", "DA103", "DA203", "DA501", "DA408")
OVERFLOW_RULES = ("DA501", "DA201", "DA203", "DA103", "DA408")
CONDITIONING_RULES = ("DA503", "DA607", "DA604", "DA605", "DA501")
IMBALANCE_RULES = ("DA301", "DA302")
# what makes one feature carry the gradient: its scale, and what it is (an identifier's large numbers, a leak)
DOMINANT_RULES = (*SCALE_RULES, "DA702", "DA701")
DOMINANT_CLASS_SHARE = 0.75


def _matching(findings: Sequence[Finding], rules: tuple[str, ...], column: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule in rules and (column is None or column in f.columns)]


def _cause(found: list[Finding]) -> tuple[list[str], str]:
    """The rules involved, and the first finding in words, with the first of another family when there is one
    (a minority class taking the gradient: the imbalance, and the scale that saturates the model)."""
    rules = sorted({f.rule for f in found})
    shown = [found[0]] + [f for f in found[1:] if f.category != found[0].category][:1]
    return rules, "; also ".join(f"{f'`{f.column}`' if f.column else 'the dataset'}: {f.message} ({f.rule}; "
                                 f"fix: {f.fix})" for f in shown)


def _unexplained_regression_overflow(probe: dict[str, Any], target: str | None) -> str:
    """A regression's overflow that no finding explains, in words: the inputs' and the target's own scale.

    A squared loss's curvature grows with the square of the inputs, so inputs that are all large alike
    (no disparity for DA501 to flag) make a fixed learning rate overshoot, and every step then
    multiplies the residuals, which start as large as the target."""
    name = f" `{target}`" if target else ""
    size = f" (typically {fmt(probe['target_scale'])})" if probe.get("target_scale") is not None else ""
    top = probe.get("dominant_feature")
    lead = f" (`{top}` takes the most gradient)" if top is not None else ""
    return (f"no finding explains it: the raw features are all large{lead}, so the squared loss's curvature "
            "outgrows the learning rate and each step multiplies the residuals, which start as large as the "
            f"regression target{name}{size}; scaling the features (fix's robust-scale step) removes it")


def attribute(probe: dict[str, Any], findings: Sequence[Finding], *, target: str | None = None) -> list[dict[str, Any]]:
    """Symptom → cause pairs; a symptom without a matching finding is still listed (cause unknown).
    ``target`` names the target column in the words of a regression's overflow."""
    out: list[dict[str, Any]] = []

    def add(symptom: str, found: list[Finding], unexplained: str = "no finding explains it") -> None:
        rules, cause = _cause(found) if found else ([], unexplained)
        out.append({"symptom": symptom, "rules": rules, "cause": cause})

    dominant, share = probe.get("dominant_feature"), probe.get("dominant_feature_share")
    inputs, _ = batch_shares(probe)
    if inputs:  # only NaN/inf in the inputs is a missing-value problem
        add(f"{pct(inputs)} of mini-batches give a NaN/inf loss or gradient", _matching(findings, NAN_RULES))
    overflow = overflow_symptom(probe)
    if overflow:
        found = _matching(findings, OVERFLOW_RULES, dominant) or _matching(findings, OVERFLOW_RULES)
        add(overflow, found, _unexplained_regression_overflow(probe, target) if probe.get("task") == REGRESSION
            else "no finding explains it")
    if dominant is not None and share is not None and share >= 0.5 and (probe.get("features") or 0) > 1:
        add(f"`{dominant}` carries {pct(share)} of the gradient", _matching(findings, DOMINANT_RULES, dominant))
    raw = probe.get("raw_condition_number")
    if raw is not None and raw >= 1e6:
        add(f"the raw condition number of {condition_inputs(probe)} is {fmt(raw)}",
            _matching(findings, CONDITIONING_RULES, dominant) or _matching(findings, CONDITIONING_RULES))
    grads, rows = probe.get("class_gradient_share") or {}, probe.get("class_row_share") or {}
    known = {k: v for k, v in grads.items() if v is not None}
    row_values = [v for v in rows.values() if v is not None]
    if known and row_values:
        top = max(known, key=lambda k: (known[k], k))
        if known[top] >= DOMINANT_CLASS_SHARE:
            majority = rows.get(top) is not None and rows[top] == max(row_values)
            # the classes' shares are the imbalance findings' to explain, the majority's dominance alone; a minority
            # that takes the gradient does so because large inputs saturate the naive model: its scale findings too
            found = _matching(findings, IMBALANCE_RULES)
            if not majority:
                found = found + (_matching(findings, SCALE_RULES, dominant) or _matching(findings, SCALE_RULES))
            if found:  # unexplained, it is only a naive model saturated by inputs of ordinary size
                add(f"class {top!r} supplies {pct(known[top])} of the gradient with {pct(rows.get(top) or 0)} "
                    "of the rows", found)
    return out
