"""Rules: each check is a plain function registered with its metadata by ``@check`` (``RULES``). The checks
import this module; ``registry`` imports the checks and answers which rules there are."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .findings import Category, Finding, GradientEffect, Hit, Severity

__all__ = ["FIX_STEPS", "Rule", "RULES", "check", "matches"]

#: Names of the fix steps, in the order ``dataaudit fix`` applies them (SPEC "fix semantics").
FIX_STEPS = ("target-transform", "repair", "drop", "impute", "clip", "robust-scale", "encode", "resample")


@dataclass(frozen=True)
class Rule:
    """A rule's metadata plus the check function that yields its hits."""

    code: str
    name: str
    category: Category
    severity: Severity
    gradient_effect: GradientEffect
    fix_steps: tuple[str, ...]
    func: Callable[..., Iterable[Hit]]
    on_sample: bool = False  # reads the row sample (rows together), not the full-data statistics
    command: str = "scan"  # "scan": checks one dataset's profile; "diff": compares two (a Comparison)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    @property
    def details(self) -> list[str]:
        """The paragraphs between the summary and ``Why it hurts training:``: how the rule decides (its measures,
        thresholds and what it leaves quiet), each on one line."""
        paragraphs = self.doc.split("\n\n")[1:]
        out: list[str] = []
        for paragraph in paragraphs:
            if paragraph.lstrip().startswith(("Why it hurts training:", "How fix repairs it:")):
                break
            out.append(" ".join(paragraph.split()))
        return [p for p in out if p]

    def section(self, title: str) -> str:
        """Text of the ``Why it hurts training:`` or ``How fix repairs it:`` paragraph."""
        text = self.doc
        marker = f"{title}:"
        if marker not in text:
            return ""
        tail = text.split(marker, 1)[1]
        return " ".join(tail.split("\n\n", 1)[0].split())

    @property
    def fix(self) -> str:
        return "-then-".join(self.fix_steps) if self.fix_steps else "none"

    def parameters(self) -> dict[str, Any]:
        """Tunable thresholds: the check's keyword arguments and their defaults."""
        sig = inspect.signature(self.func)
        return {
            p.name: p.default
            for p in sig.parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.default is not p.empty
        }

    def target_fix(self, data: Any) -> str | None:
        """What ``fix`` really does about this rule's finding on the target column, where the rule's own steps
        are for features (which never touch the target): a regression target is transformed (``target-transform``),
        a class label is left as it is. None where the rule's fix already acts on the target (dropping rows
        without one, resampling the classes)."""
        if {"drop", "resample", "target-transform"} & set(self.fix_steps):
            return None
        target = getattr(data, "target", None)
        return "target-transform" if getattr(target, "task", None) == "regression" else "none"

    def run(self, data: Any, **params: Any) -> Iterator[Finding]:
        target = getattr(getattr(data, "target", None), "name", None)
        for hit in self.func(data, **params):
            columns = hit.columns if hit.columns is not None else ((hit.column,) if hit.column else ())
            fix = hit.fix if hit.fix is not None else self.fix
            if target is not None and columns == (target,) and hit.fix is None:
                fix = self.target_fix(data) or fix
            yield Finding(
                rule=self.code,
                check=self.name,
                category=self.category,
                severity=hit.severity if hit.severity is not None else self.severity,
                column=hit.column,
                columns=columns,
                message=hit.message,
                evidence=hit.evidence,
                gradient_effect=self.gradient_effect,
                fix=fix,
            )


RULES: dict[str, Rule] = {}


def check(
    code: str,
    name: str,
    category: Category,
    severity: Severity,
    *,
    effect: GradientEffect,
    fix_steps: tuple[str, ...] = (),
    on_sample: bool = False,
    command: str = "scan",
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a check function as rule ``code`` (``on_sample``: it reads rows together, from the row sample;
    ``command="diff"``: it compares a reference with a current dataset)."""

    def register(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, name, category, severity, effect, tuple(fix_steps), func, on_sample, command)
        return func

    return register


def matches(rule: Rule, pattern: str) -> bool:
    """A rule code, a code prefix (``DA2``) or a check name names this rule."""
    pattern = pattern.strip().upper()
    return rule.code.startswith(pattern) or rule.name.upper() == pattern
