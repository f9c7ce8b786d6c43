"""The recipe: the ordered fitted steps of a ``fix`` as JSON, and ``apply`` to re-run them on new data.

Never pickle: every parameter and fitted value is plain JSON, validated when loaded, so a recipe
from an untrusted place can at worst be refused.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from .._version import __version__
from ..core.hashing import duplicate_mask, row_hashes
from ..core.textvalues import missing_token_mask, unknown_label_mask
from ..io.write import write_text_atomic
from ..progress import NO_PROGRESS, Progress
from ..steps import STEPS
from ..steps.base import RecipeError, Step

__all__ = ["RECIPE_VERSION", "MAX_ABSENT_SHARE", "drop_duplicate_rows", "drop_missing_target", "Recipe"]

RECIPE_VERSION = 1
MAX_ABSENT_SHARE = 0.5  # apply refuses data missing more than this share of the recipe's input columns


def _keep_every_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    return frame, 0


def drop_duplicate_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The frame without rows that repeat an earlier row, and how many were removed.

    Exact, but cheap: rows whose 64-bit hash (``hashing.row_hashes``) is unique cannot repeat another, so
    pandas compares only the rows in a group of equal hashes, instead of factorising every column of a
    million rows."""
    candidates = duplicate_mask(row_hashes(frame), first=False) if frame.shape[1] else np.ones(len(frame), bool)
    duplicated = np.zeros(len(frame), dtype=bool)
    duplicated[candidates] = frame[candidates].duplicated().to_numpy()
    return frame[~duplicated], int(duplicated.sum())


def drop_missing_target(frame: pd.DataFrame, target: str | None,
                        levels: list[str] | tuple[str, ...] = ()) -> tuple[pd.DataFrame, int]:
    """The frame without rows whose target is missing (a training row needs a label): null, NaN, or in a text
    target a missing-value token ('?', 'N/A', blank: what DA106 counts) other than the ``levels`` the scan read as
    classes ('None' beside 'Some' and 'Marked') or a label that says it is unknown ('Unknown'), and how many were
    removed; unchanged when there is no target or the
    frame does not hold it (scoring data)."""
    if target is None or target not in frame.columns:
        return frame, 0
    labels = frame[target]
    labelled = labels.notna().to_numpy().copy()
    if not is_numeric_dtype(labels.dtype) and not is_bool_dtype(labels.dtype):
        labelled &= ~(missing_token_mask(labels) & ~labels.astype("str").isin(list(levels)).to_numpy(
            dtype=bool, na_value=False))
        labelled &= ~unknown_label_mask(labels)
    count = int(labelled.size - labelled.sum())
    return (frame[labelled], count) if count else (frame, 0)


@dataclass
class Recipe:
    """Fitted steps in order; ``transform`` reproduces the fix (without resampling)."""

    steps: list[Step]
    target: str | None
    input_columns: list[str]
    output_columns: list[str] = field(default_factory=list)
    drop_duplicate_rows: bool = True
    target_levels: list[str] = field(default_factory=list)  # target labels spelt like missing tokens, kept as classes

    def transform(self, frame: pd.DataFrame, log: list[str], progress: Progress | None = None, *,
                  drop_duplicates: Callable[[pd.DataFrame], tuple[pd.DataFrame, int]] | None = None,
                  keep_rows: bool = False) -> pd.DataFrame:
        """Apply every step except resampling; drop rows with a missing target (once values declared missing are
        marked) and duplicate rows after the drop step, as fix did, unless ``keep_rows`` (``apply`` on scoring
        data: every input row out, in order).

        ``progress`` gets the ``apply`` stage, one unit per step. ``drop_duplicates`` (frame -> (frame, rows
        dropped)) replaces ``drop_duplicate_rows`` when ``frame`` is one batch of a file (``fixing.stream``
        remembers the rows of the batches before)."""
        progress = NO_PROGRESS if progress is None else progress
        drop_duplicates = drop_duplicate_rows if drop_duplicates is None else drop_duplicates
        if keep_rows:
            drop_duplicates = _keep_every_row
        progress.stage("apply", sum(step.name != "resample" for step in self.steps))
        extra = [c for c in frame.columns if c not in self.input_columns and c != self.target]
        if extra:
            log.append(f"ignored {len(extra)} column(s) not seen when fitting: {', '.join(extra[:5])}"
                       + (f" and {len(extra) - 5} more" if len(extra) > 5 else ""))
            frame = frame.drop(columns=extra)
        labelled = keep_rows
        for step in self.steps:
            if step.name == "resample":
                continue
            if not labelled and step.name != "mark-missing":  # as fit_steps: once declared missing values are marked
                labelled = True
                frame, count = drop_missing_target(frame, self.target, self.target_levels)
                if count:
                    log.append(f"dropped {count:,} row(s) with a missing target")
            if step.name == "target-transform" and step.drop_absurd and not keep_rows:
                absurd = step.absurd_mask(frame)
                if absurd.any():
                    frame = frame[~absurd]
                    log.append(f"dropped {int(absurd.sum()):,} row(s) with an absurd target (--drop-absurd-target)")
            frame = step.transform(frame, log)
            if step.name == "drop" and self.drop_duplicate_rows:
                frame, count = drop_duplicates(frame)
                if count:
                    log.append(f"dropped {count:,} duplicate row(s)")
            progress.advance()
        return frame

    def inverse_target(self, values: Any) -> np.ndarray:
        """A model's predictions of the transformed target (``--target-transform``) in the target's own units; a
        recipe that did not transform its target (a class label) returns them as they are."""
        step = next((s for s in self.steps if s.name == "target-transform"), None)
        return np.asarray(values) if step is None else step.inverse(values)

    def schema_problem(self, columns: list[str]) -> str | None:
        """Why data with ``columns`` is not what the recipe was fitted on: more than half of its input columns
        absent (a file of another schema, whose model-ready columns would be filled in from nothing); None when
        it fits (a few absent columns are added as all-missing, with a note)."""
        present = set(columns)
        absent = [c for c in self.input_columns if c not in present]
        if self.input_columns and len(absent) > MAX_ABSENT_SHARE * len(self.input_columns):
            shown = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
            return (f"{len(absent)} of the recipe's {len(self.input_columns)} input columns are missing ({shown}): "
                    "not the data the recipe was fitted on")
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipe_version": RECIPE_VERSION,
            "dataaudit_version": __version__,
            "target": self.target,
            "input_columns": self.input_columns,
            "output_columns": self.output_columns,
            "drop_duplicate_rows": self.drop_duplicate_rows,
            "steps": [step.to_dict() for step in self.steps],
            **({"target_levels": list(self.target_levels)} if self.target_levels else {}),
        }

    @classmethod
    def from_dict(cls, data: Any) -> "Recipe":
        if not isinstance(data, dict) or data.get("recipe_version") != RECIPE_VERSION:
            raise RecipeError(f"not a dataaudit recipe of version {RECIPE_VERSION}")
        expected = {"recipe_version", "dataaudit_version", "target", "input_columns", "output_columns",
                    "drop_duplicate_rows", "steps"}
        if set(data) - {"target_levels"} != expected:
            raise RecipeError(f"unexpected recipe keys: {sorted(set(data) ^ expected)}")
        steps = []
        for entry in data["steps"]:
            if not isinstance(entry, dict) or entry.get("step") not in STEPS:
                raise RecipeError(f"unknown step {entry.get('step') if isinstance(entry, dict) else entry!r}")
            steps.append(STEPS[entry["step"]].from_dict(entry))
        return cls(steps, data["target"], list(data["input_columns"]), list(data["output_columns"]),
                   bool(data["drop_duplicate_rows"]), [str(v) for v in data.get("target_levels", [])])

    def save(self, path: str | os.PathLike[str]) -> None:
        write_text_atomic(path, json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Recipe":
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            raise RecipeError(f"{path}: no such recipe file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecipeError(f"{path}: not a JSON recipe ({exc})") from None
        try:
            return cls.from_dict(data)
        except RecipeError as exc:
            raise RecipeError(f"{path}: {exc}") from None
        except (TypeError, ValueError, KeyError) as exc:
            raise RecipeError(f"{path}: malformed recipe ({exc})") from None
