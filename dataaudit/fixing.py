"""fix(path) -> FixResult: scan, fit the fix steps the findings call for, transform, resample, write.

Order (SPEC "fix semantics"): repair → drop (+ duplicate rows) → impute → clip → robust-scale →
encode → resample. Everything but resampling is recorded in the recipe, so ``apply`` reproduces
the pre-resampling rows exactly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from .declared_missing import describe, values_problem
from .errors import DataMismatchError, InputError, UsageError
from .fix_guard import new_after_fix, source_column
from .fix_options import CHOICES, FIT_ROWS, FixOptions  # noqa: F401  (re-exported)
from .fix_probe import probe_after_fix
from .loading import load, to_frame
from .numfmt import listed
from .progress import NO_PROGRESS, Progress, finishes_progress
from .recipe import Recipe, drop_duplicate_rows, drop_missing_target
from .report import Report
from .risk import Component, GradientRisk, split_leaks
from .scan import choose_engine, scan_frame, scan_loaded
from .steps import (
    Clip,
    Drop,
    Encode,
    Impute,
    MarkMissing,
    Repair,
    Resample,
    RobustScale,
    TargetTransform,
)
from .steps.base import FitContext, Step
from .steps.target import ABSURD_Z
from .writing import (
    check_frame_output,
    check_not_input,
    frame_format,
    spreadsheet_safe,
    write_frame_atomic,
)


@dataclass
class FixResult:
    """The repaired frame, the recipe that reproduces it, and the before/after evidence.

    With the stream and dask engines the output is only on disk: ``frame`` and ``pre_resample`` then hold the
    rows the steps were fitted on (a uniform sample of the file, every row when it is small enough), fixed, and
    ``engine`` says so; ``rows`` always counts the whole file and output."""

    frame: pd.DataFrame  # the output (after resampling)
    pre_resample: pd.DataFrame  # what `apply` reproduces
    recipe: Recipe
    before: Report
    after: Report | None
    rows: dict[str, int]
    log: list[str] = field(default_factory=list)
    engine: dict[str, Any] | None = None  # the stream engine: {"name": "stream", "fit_rows": ..., "rows": ...}
    # (the dask engine: name "dask", with "partitions" too)

    @property
    def frame_is_output(self) -> bool:
        """Whether ``frame`` holds the fixed output (in memory, or streamed with every row in the fitting sample)."""
        return self.engine is None or self.engine["fit_rows"] >= self.rows["in"]

    def to_dict(self) -> dict[str, Any]:
        return {
            **({"engine": self.engine} if self.engine is not None else {}),
            "rows": self.rows,
            "columns": self.feature_counts(),
            "steps": [s.to_dict()["step"] for s in self.recipe.steps],
            "decisions": self.decisions(),
            "dropped_columns": self.dropped_columns,
            "notes": self.log,
            "before": {"gradient_risk": self.before.to_dict()["gradient_risk"],
                       "findings": [f.to_dict() for f in self.before.findings]},
            "after": None if self.after is None else {"gradient_risk": self.after.to_dict()["gradient_risk"],
                                                      "findings": [f.to_dict() for f in self.after.findings]},
            "new_after_fix": None if self.after is None else [f.to_dict() for f in self.new_findings],
            "kept_leaks": None if self.after is None else self.kept_leaks,
            "gradient_risk_left": None if self.after is None else self.risk_left_dict(),
        }

    def kept_leak_findings(self) -> list[Any]:
        """The rescan's DA701 findings (medium or above) on leaks the fix kept: columns whose source the input's
        scan called a leak too (or any, when no row was resampled: a leak only resampled rows show is not one)."""
        if self.after is None:
            return []
        inputs = self.recipe.input_columns
        leaked = {f.column for f in self.before.findings if f.rule == "DA701"}
        resampled = bool(self.rows.get("added_by_resampling"))
        return [f for f in self.after.findings if f.rule == "DA701" and f.severity >= 2 and f.column is not None
                and (source_column(f.column, inputs) in leaked or not resampled)]

    @property
    def kept_leaks(self) -> list[str]:
        """The input columns the fix kept that still leak the target in the output (without --drop-leaky)."""
        return sorted({source_column(f.column, self.recipe.input_columns) for f in self.kept_leak_findings()})

    def risk_left(self) -> tuple[Component, GradientRisk] | None:
        """The gradient risk after the fix, split: the part because of kept leaks (the spurious-signal component
        of their findings alone) and what the fix could not repair (the risk with those findings aside)."""
        if self.after is None:
            return None
        return split_leaks(self.after.gradient_risk, self.after.findings, self.kept_leak_findings())

    def risk_left_dict(self) -> dict[str, Any] | None:
        split = self.risk_left()
        if split is None:
            return None
        leaks, rest = split
        return {"because_of_kept_leaks": {**leaks.to_dict(), "leaks": self.kept_leaks},
                "not_repaired": rest.to_dict()}

    @property
    def new_findings(self) -> list[Any]:
        """Findings of the rescan that the input's scan did not have for the same source column (``fix_guard``)."""
        if self.after is None:
            return []
        return new_after_fix(self.before.findings, self.after.findings, self.recipe.input_columns, self.recipe.target)


    def feature_counts(self) -> dict[str, Any]:
        """Feature columns in (the input's, the target aside) and out (model-ready, the target aside), and the
        target: what every format of the fix report counts as columns."""
        target = self.recipe.target
        return {"in": len([c for c in self.recipe.input_columns if c != target]),
                "out": len([c for c in self.recipe.output_columns if c != target]), "target": target}

    @property
    def weight_column(self) -> str | None:
        """The column of class weights ``--resample weights`` added (not a feature: pass it as sample_weight)."""
        resampler = next((s for s in self.recipe.steps if s.name == "resample"), None)
        return (getattr(resampler, "weights_", None) or {}).get("column")

    @property
    def features_frame(self) -> pd.DataFrame:
        """``frame`` without the weight column: what a model is trained on (the target included)."""
        weight = self.weight_column
        return self.frame if weight is None else self.frame.drop(columns=weight)

    @property
    def dropped_columns(self) -> dict[str, str]:
        """Column -> why the drop step (or the encoder, for a column it could not encode usefully) removed it."""
        dropped = dict(next((s.dropped_ for s in self.recipe.steps if s.name == "drop"), {}))
        for step in self.recipe.steps:
            if step.name == "encode":
                dropped.update({c: spec["reason"] for c, spec in step.encodings_.items() if spec["kind"] == "dropped"})
        return dropped

    def decisions(self) -> dict[str, Any]:
        """Per step, what was chosen for each column and why (the reasons the steps recorded)."""
        steps = {s.name: s for s in self.recipe.steps}
        out: dict[str, Any] = {}
        if "drop" in steps and steps["drop"].text_:  # the free-text columns (DA414), dropped unless --keep-text
            out["free-text"] = {"columns": steps["drop"].text_, "kept": steps["drop"].keep_text,
                                "option": "--keep-text"}
        if "impute" in steps:
            out["impute"] = steps["impute"].reasons_
        if "clip" in steps:
            out["clip"] = steps["clip"].reasons_
        if "robust-scale" in steps:
            out["robust-scale"] = steps["robust-scale"].method_
        if "encode" in steps:
            out["encode"] = {c: spec["kind"] for c, spec in steps["encode"].encodings_.items()}
        if "target-transform" in steps:
            t = steps["target-transform"]
            out["target-transform"] = {"column": t.column_, "kind": t.kind_, "centre": float(f"{t.centre_:.6g}"),
                                       "scale": float(f"{t.scale_:.6g}"), "reason": t.reason_,
                                       "absurd": t.absurd_["count"]}  # the recipe keeps every digit
        if "resample" in steps and hasattr(steps["resample"], "reason_"):
            out["resample"] = steps["resample"].reason_
            if steps["resample"].weights_:
                out["class_weight"] = steps["resample"].weights_
        return out


@dataclass
class FittedSteps:
    """The fix steps before resampling, fitted on a frame, and what fitting them did to it."""

    steps: list[Step]
    context: FitContext
    frame: pd.DataFrame  # the input after every step, duplicate rows dropped: what resampling starts from
    rows: dict[str, int]  # "in", "missing_target_dropped" and "duplicates_dropped"
    log: list[str]


def fit_steps(frame: pd.DataFrame, before: Report, options: FixOptions, *,
              missing_values: dict[str, list[Any]] | None = None, progress: Progress | None = None) -> FittedSteps:
    """Fit every step but resampling on ``frame`` (the loaded data scanned as ``before``), in the SPEC's order,
    each on the output of the one before; rows with a missing target are dropped once values declared missing
    are marked (a training row needs a label), and duplicate rows after the drop step.

    ``missing_values`` (column -> values declared missing) becomes the first step, ``mark-missing``, for the
    columns ``frame`` has, so ``apply`` marks them in new data too. ``progress`` gets the ``fix`` stage, one
    unit per step plus one left for the caller's resampling. Shared by ``fit_fix`` (in memory),
    ``fix_stream`` and ``dask_fix`` (which fit on a row sample of the file).
    """
    options.validate()
    flagged: dict[str, set[str]] = {}
    for f in before.findings:
        flagged.setdefault(f.rule, set()).update(f.columns)
    context = FitContext(target=before.target, flagged=flagged, seed=options.seed, findings=list(before.findings),
                         profile=before.profile)
    declared = {c: list(v) for c, v in (missing_values or {}).items() if c in frame.columns and len(v)}
    task = getattr(getattr(before.profile, "target", None), "task", None)
    drop = Drop(drop_leaky=options.drop_leaky, keep_text=options.keep_text).fit(frame, context)  # by the findings
    context.dropping = set(drop.dropped_)  # so the repair step leaves those columns alone
    steps: list[Step] = [*([MarkMissing(values=declared)] if declared else []),
                         *([TargetTransform(method=options.target_transform, drop_absurd=options.drop_absurd_target)]
                           if options.target_transform != "none" and task == "regression" else []),
                         Repair(), drop, Impute(strategy=options.impute),
                         Clip(k=options.clip_k, method="mad" if options.outliers == "clip" else "none"),
                         RobustScale(scaler=options.scaler), Encode(method=options.encode)]
    log: list[str] = []
    rows: dict[str, int] = {"in": len(frame)}
    current = frame
    progress = NO_PROGRESS if progress is None else progress
    progress.stage("fix", len(steps) + 1)
    for step in steps:
        if step.name != "mark-missing" and "missing_target_dropped" not in rows:  # once declared values are marked
            current, rows["missing_target_dropped"] = drop_missing_target(current, before.target)
            if rows["missing_target_dropped"]:
                log.append(f"dropped {rows['missing_target_dropped']:,} row(s) with a missing target: a training "
                           "row needs a label (apply, which never needs the target, keeps every row)")
        if step.name == "target-transform":
            if step.fit(current, context).kind_ != "none":
                log.append(f"target-transform: {step.describe()}")
            current = step.transform(_drop_absurd_target(step, current, rows, log), log)
            progress.advance()
            continue
        current = step.fit(current, context).transform(current, log)
        if step.name == "drop":
            current, rows["duplicates_dropped"] = drop_duplicate_rows(current)
        progress.advance()
    # a target-transform that found nothing to transform (fewer than two finite values) stays out of the recipe
    steps = [s for s in steps if not (s.name == "target-transform" and s.kind_ == "none")]
    note = free_text_note(drop, steps[-1])
    if note:
        log.append(note)
    return FittedSteps(steps, context, current, rows, log)


def _drop_absurd_target(step: TargetTransform, frame: pd.DataFrame, rows: dict[str, int],
                        log: list[str]) -> pd.DataFrame:
    """Report the absurd target values the fitted step counted; drop their rows when it was asked to."""
    absurd = step.absurd_
    if not absurd["count"]:
        return frame
    what = (f"{absurd['count']:,} target value(s) of `{step.column_}` are absurd (more than {ABSURD_Z:g} robust "
            f"z-scores out once transformed; {absurd['low']:.6g} to {absurd['high']:.6g})")
    if not step.drop_absurd:
        log.append(f"{what}: kept (--drop-absurd-target drops their rows)")
        return frame
    mask = step.absurd_mask(frame)
    rows["absurd_target_dropped"] = int(mask.sum())
    log.append(f"{what}: their {rows['absurd_target_dropped']:,} row(s) dropped (--drop-absurd-target)")
    return frame[~mask]


def quoted(columns: Sequence[str]) -> list[str]:
    return [f"`{c}`" for c in columns]


def free_text_note(drop: Drop, encode: Encode) -> str | None:
    """What fix did with the free-text columns (DA414), and the option that does the other thing."""
    if not drop.text_:
        return None
    if not drop.keep_text:
        return (f"drop: dropped {len(drop.text_):,} free-text column(s) (DA414): {listed(quoted(drop.text_))}; "
                "--keep-text keeps free text, frequency-encoded.")
    kinds = {"frequency": "frequency-encoded", "onehot": "one-hot encoded", "ordinal": "ordinal-encoded",
             "dropped": "dropped by the encoder"}
    grouped: dict[str, list[str]] = {}
    for column in drop.text_:
        kind = encode.encodings_.get(column, {}).get("kind")
        grouped.setdefault(kinds.get(kind, "left as it is"), []).append(column)
    return (f"--keep-text: kept {len(drop.text_):,} free-text column(s) (DA414): "
            + "; ".join(f"{listed(quoted(cols))} {how}" for how, cols in grouped.items()) + ".")



def fit_fix(frame: pd.DataFrame, before: Report, options: FixOptions, *,
            missing_values: dict[str, list[Any]] | None = None, progress: Progress | None = None) -> FixResult:
    """Fit every step on ``frame`` (the loaded data scanned as ``before``) and transform it, then resample.

    See ``fit_steps`` for ``missing_values`` and ``progress`` (the ``fix`` stage, one unit per step,
    resampling included).
    """
    fitted = fit_steps(frame, before, options, missing_values=missing_values, progress=progress)
    target, current, rows = before.target, fitted.frame, fitted.rows
    resampler = Resample(method=options.resample if target is not None else "none", seed=options.seed)
    out = resampler.fit_resample(current, fitted.context, fitted.log)
    (NO_PROGRESS if progress is None else progress).advance()
    rows["added_by_resampling"] = max(len(out) - len(current), 0)
    rows["removed_by_resampling"] = max(len(current) - len(out), 0)
    rows["out"] = len(out)
    recipe = Recipe([*fitted.steps, resampler], target, [c for c in frame.columns if c != target],
                    list(current.columns), drop_duplicate_rows=True)  # what apply writes: no weight column
    return FixResult(out.reset_index(drop=True), current.reset_index(drop=True), recipe, before, None, rows,
                     fitted.log)


@finishes_progress
def fix(
    path: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    target: str | None = None,
    recipe_path: str | os.PathLike[str] | None = None,
    options: FixOptions | None = None,
    overwrite: bool = False,
    rescan: bool = True,
    sheet: str | int | None = None,
    safe_csv: bool = False,
    missing_values: dict[str, list[Any]] | None = None,
    engine: str = "auto",
    fit_rows: int = FIT_ROWS,
    scheduler: str | None = None,
    progress: Progress | None = None,
    rule_options: dict[str, dict[str, Any]] | None = None,
    column_rule_options: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> FixResult:
    """Repair a dataset file.

    Parameters
    ----------
    path : input file (any format ``scan`` reads); never modified.
    output : where to write the repaired data (.csv, .parquet, .feather, .jsonl; with the dask engine a
        partitioned Parquet directory, ``DIR`` or ``DIR.parquet``); None writes nothing.
    target : label column: kept as is, drives resampling and target-aware checks.
    recipe_path : where to write the JSON recipe for ``apply``.
    options : FixOptions (scaler, impute, outliers, encode, resample, seed, drop_leaky, keep_text, clip_k).
    overwrite : replace an existing output file.
    rescan : scan the output too, for the before/after report.
    sheet : Excel only: the sheet to read (name or 0-based position).
    safe_csv : a CSV output gets a ' before text cells a spreadsheet would run as formulas (=, +, -, @).
    missing_values : column -> values that mean "missing" in it (the settings' ``missing-values``): they
        become missing before anything else, so they are imputed, and the recipe keeps them for ``apply``.
    engine : ``"pandas"`` fixes in memory; ``"stream"`` reads the file in record batches, fits the steps on a
        uniform sample of ``fit_rows`` rows and writes the output batch by batch, in bounded memory (see
        ``fix_stream``); ``"auto"`` streams as ``scan`` does (files larger than a tenth of the memory);
        ``"dask"`` does what the stream engine does partition by partition on a Dask cluster and writes a
        partitioned Parquet directory (``dask_fix``; ``path`` may be a glob or a directory).
    fit_rows : the stream and dask engines' fitting sample (every row of a smaller file).
    scheduler : the Dask scheduler's address for ``engine="dask"``; None starts a local cluster for the fix.
    progress : receives the stages (read, statistics, checks, probe, fix, rescan, write) and ``done()``
        at the end; see ``dataaudit.progress``. The default reports nothing.
    rule_options, column_rule_options : the checks' options, as for ``scan`` (the settings' ``rules`` and
        per-column rules): the fix acts on the findings of the scan they configure, before and after.

    Returns
    -------
    FixResult
    """
    options = options or FixOptions()
    options.validate()
    chosen = choose_engine(engine, path, sheet)
    if scheduler is not None and chosen != "dask":
        raise UsageError("--scheduler is for --engine dask")
    for out in (output, recipe_path):
        if out is not None:
            check_not_input(out, [path])
    if output is not None and chosen == "dask":
        from .dask_engine import check_parquet_dir_output

        check_parquet_dir_output(output, overwrite=overwrite, command="fix")
    elif output is not None:
        check_frame_output(output, overwrite=overwrite)
    if missing_values:
        for column, values in missing_values.items():
            problem = values_problem(values)
            if problem:
                raise UsageError(f"missing values of column {column!r} {problem}")
    if isinstance(fit_rows, bool) or not isinstance(fit_rows, int) or fit_rows < 100:
        raise UsageError(f"--fit-rows must be a whole number of at least 100, not {fit_rows!r}")
    if options.resample == "weights" and chosen != "pandas":
        raise UsageError(f"--resample weights needs --engine pandas (the {chosen} engine does not write a weight "
                         "column yet)")
    if options.drop_absurd_target and chosen != "pandas":
        raise UsageError(f"--drop-absurd-target needs --engine pandas (the {chosen} engine does not drop those rows "
                         "yet)")
    checks = {k: v for k, v in {"rule_options": rule_options, "column_rule_options": column_rule_options}.items()
              if v}
    try:
        if chosen == "dask":
            from .dask_fix import fix_dask

            return fix_dask(path, output=output, target=target, recipe_path=recipe_path, options=options,
                            overwrite=overwrite, rescan=rescan, missing_values=missing_values, fit_rows=fit_rows,
                            scheduler=scheduler, progress=progress, checks=checks)
        if chosen == "stream":
            from .fix_stream import fix_stream

            return fix_stream(path, output=output, target=target, recipe_path=recipe_path, options=options,
                              overwrite=overwrite, rescan=rescan, safe_csv=safe_csv, missing_values=missing_values,
                              fit_rows=fit_rows, progress=progress, checks=checks)
    except DataMismatchError as exc:  # a batch far from the rows the steps were fitted on
        raise InputError(path, f"a part of the file does not fit the steps fitted on the sample: {exc}") from None
    progress.stage("read")
    loaded = load(path, sheet=sheet, missing_values=missing_values)
    before = scan_loaded(loaded, target=target, progress=progress, **checks)
    frame = to_frame(loaded.table)
    declared = loaded.declared_missing
    del loaded  # the Arrow copy is no longer needed: free it before the steps make theirs
    result = fit_fix(frame, before, options, missing_values=missing_values, progress=progress)
    del frame
    if declared:  # already replaced when loading, so the mark-missing step found nothing left to log
        result.log.insert(0, f"mark-missing: values declared missing in the settings set to missing: "
                             f"{describe(declared)}.")
    if rescan:
        progress.stage("rescan")
        result.after = scan_frame(result.features_frame, name=str(output or "<fixed>"), target=target, **checks)
        result.after.probe = probe_after_fix(result)  # on the rows probed before, not a new sample
    if output is not None or recipe_path is not None:
        progress.stage("write")
    if output is not None:
        write_frame_atomic(_safe_for_spreadsheets(result.frame, output, safe_csv, result.log), output,
                           overwrite=overwrite)
    if recipe_path is not None:
        result.recipe.save(recipe_path)
    return result


@finishes_progress
def apply_recipe(recipe: Recipe | str | os.PathLike[str], path: str | os.PathLike[str],
                 output: str | os.PathLike[str] | None = None, *, overwrite: bool = False,
                 sheet: str | int | None = None, safe_csv: bool = False, keep: Sequence[str] = (),
                 drop_duplicates: bool = False, progress: Progress | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Re-run a fitted recipe on scoring data (never resamples); returns the frame and the notes.

    Every input row comes out, in order (dropping duplicate rows is a training-time decision of ``fix``;
    ``drop_duplicates`` makes that decision here too, to reproduce the rows ``fix`` wrote before resampling).
    ``keep``: columns carried through unchanged, first, beside the model-ready ones (an ID to join predictions
    back on). Data missing more than half of the recipe's input columns is refused (InputError), and so is a
    numeric column that no longer reads as numbers. ``progress`` receives the stages read, apply (one unit per
    step) and write, then ``done()``."""
    if not isinstance(recipe, Recipe):
        recipe = Recipe.load(recipe)
    if output is not None:
        check_not_input(output, [path])
    progress.stage("read")
    frame = to_frame(load(path, sheet=sheet).table)
    kept = kept_columns(frame, keep, path)
    problem = recipe.schema_problem(list(frame.columns))
    if problem:
        raise InputError(path, problem)
    log: list[str] = []
    try:
        frame = recipe.transform(frame, log, progress=progress, keep_rows=not drop_duplicates).reset_index(drop=True)
    except DataMismatchError as exc:
        raise InputError(path, f"does not fit the recipe: {exc}") from None
    if kept is not None:
        clash = [c for c in kept.columns if c in frame.columns]
        if clash:
            raise UsageError(f"--keep {', '.join(clash)}: also a model-ready column of the recipe's output; keep "
                             "columns the recipe drops or does not read (an ID, a timestamp)")
        frame = pd.concat([kept.reset_index(drop=True), frame], axis=1)
    if output is not None:
        progress.stage("write")
        write_frame_atomic(_safe_for_spreadsheets(frame, output, safe_csv, log), output, overwrite=overwrite)
    return frame, log


def kept_columns(frame: pd.DataFrame, keep: Sequence[str], path: str | os.PathLike[str]) -> pd.DataFrame | None:
    """The ``--keep`` columns of ``frame``, unchanged, or None; InputError naming a column the data lacks."""
    keep = list(dict.fromkeys(keep))
    if not keep:
        return None
    absent = [c for c in keep if c not in frame.columns]
    if absent:
        raise InputError(path, f"--keep: no column {', '.join(repr(c) for c in absent)} "
                               f"(columns: {', '.join(map(str, frame.columns[:10]))}{', …' if frame.shape[1] > 10 else ''})")
    return frame[keep].copy()


def _safe_for_spreadsheets(frame: pd.DataFrame, output: str | os.PathLike[str], safe: bool,
                           log: list[str]) -> pd.DataFrame:
    """With ``safe`` and a CSV output: formula-like text cells defused, and the log says which."""
    if not safe or frame_format(output) != "csv":
        return frame
    safe_frame, changed = spreadsheet_safe(frame)
    if changed:
        log.append("spreadsheet-safe CSV: a ' was put before " + ", ".join(
            f"{n:,} cell(s) of `{c}`" for c, n in changed.items()) + " that a spreadsheet would run as formulas.")
    else:
        log.append("spreadsheet-safe CSV: no text cell looked like a formula.")
    return safe_frame
