"""The options of ``dataaudit fix`` (kept apart from the steps, so the CLI loads without scikit-learn)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

__all__ = ["CHOICES", "FIT_ROWS", "FixOptions"]

CHOICES = {
    "scaler": ("mad", "robust", "standard", "none"),
    "impute": ("auto", "median", "mean", "most-frequent", "knn", "iterative", "none"),
    "outliers": ("clip", "none"),
    "encode": ("onehot", "ordinal", "none"),
    "resample": ("auto", "none", "over", "under", "smote", "weights"),
    "target_transform": ("auto", "log", "standard", "none"),  # a regression target's (steps/target.py)
    "codes": ("categorical", "numeric"),  # integer category codes (DA408): encoded as categories, or kept numbers
}

FIT_ROWS = 250_000  # fix --engine stream: rows of the uniform sample the steps are fitted on (--fit-rows)


@dataclass
class FixOptions:
    """How to repair; the defaults give a model-ready dataset (SPEC)."""

    scaler: str = "mad"
    impute: str = "auto"
    outliers: str = "clip"
    encode: str = "onehot"
    resample: str = "auto"
    seed: int = 0
    drop_leaky: bool = False
    keep_text: bool = False  # keep the free-text columns (DA414), frequency-encoded, instead of dropping them
    clip_k: float = 3.5
    target_transform: str = "auto"
    drop_absurd_target: bool = False
    codes: str = "categorical"  # integer category codes (DA408): categories to every step, or "numeric" as before

    def validate(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise UsageError(f"--{name.replace('_', '-')} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
