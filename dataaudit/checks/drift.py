"""DAx9x drift rules of ``dataaudit diff``: what changed between a reference dataset and a current one.

Each rule sits in the SPEC category whose problem the change creates (a removed column is an encoding
of the data the model no longer gets, a shifted class balance is imbalance, …). A distribution rule
fires only when the effect size is large *and* its test is significant (see ``distance``), so two
random halves of one file stay quiet and a million-row file does not alarm on a 0.1% wobble.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Category, GradientEffect, Hit, Severity
from ..analysis.profiling import ColumnProfile, type_group
from ..analysis.rules import check
from ..core.distance import (
    binomial_excess,
    chi_square,
    exceedance,
    ks,
    proportions,
    psi,
    quantile_bins,
)
from ..core.measures import center_scale, robust_bounds
from ..core.numfmt import num
from ..core.stats import NumericStats
from ._common import jsonable, pct, plural

if TYPE_CHECKING:
    from ..analysis.comparison import Comparison, RecipeScaling

__all__ = ["DISCRETE_MAX", "category_counts", "missing_rate_drift", "new_outliers", "class_balance_drift",
           "category_drift", "column_removed", "column_added", "type_changed", "new_categories",
           "distribution_shift", "recipe_assumptions"]

MEDIUM_PSI, HIGH_PSI = 0.1, 0.25
DISCRETE_MAX = 20
LIGHT_TAIL, FAR_FACTOR, FAR_Z = 10.0, 3.0, 20.0  # DA290: "far beyond" a light-tailed reference  # numeric columns with at most this many distinct values are compared value by value


def category_counts(col: ColumnProfile) -> pd.Series:
    """Non-missing values and their row counts, labelled as text ('3' for the number 3.0)."""
    if col.stats.text is not None:
        text = col.stats.text
        counts = pd.Series(text.counts, index=pd.Index(text.values, dtype=object), dtype="int64")
        tokens = set(col.text.tokens) if col.text is not None else set()
        keep = ~counts.index.isin(list(tokens)) & (counts.index.astype(str).str.strip() != "")
        return counts[keep]
    if col.numeric is not None:
        values, counts = col.numeric.distinct()
        labels = [num(float(v)) for v in values]
        return pd.Series(counts, index=pd.Index(labels, dtype=object), dtype="int64").groupby(level=0).sum()
    return pd.Series(dtype="int64")


def _aligned(ref: pd.Series, cur: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    index = ref.index.union(cur.index, sort=False)
    return (ref.reindex(index, fill_value=0).to_numpy(float), cur.reindex(index, fill_value=0).to_numpy(float), index)


def _severity(effect: float, medium: float, high: float) -> Severity | None:
    return Severity.HIGH if effect >= high else Severity.MEDIUM if effect >= medium else None


@check("DA190", "missing-rate-drift", Category.MISSING, Severity.MEDIUM, effect=GradientEffect.NAN_LOSS,
       fix_steps=("impute",), command="diff")
def missing_rate_drift(cmp: "Comparison", *, medium_h: float = 0.2, high_h: float = 0.5,
                       min_change: float = 0.01) -> Iterator[Hit]:
    """A column's share of missing values changed (Cohen's h ≥ 0.2 and a significant two-proportion test).

    Why it hurts training: imputation values and missing-indicator columns were chosen for the old rate;
    a column that starts missing feeds NaN to a pipeline that never imputed it, and a changed rate means
    the collection changed, so what missingness tells the model changed too.

    How fix repairs it: re-fit the fix on the new data (imputation, indicators); find why collection changed.
    """
    for ref, cur in cmp.common():
        shift = proportions(ref.missing, ref.rows, cur.missing, cur.rows)
        p1, p2 = ref.missing / max(ref.rows, 1), cur.missing / max(cur.rows, 1)
        if shift.p_value >= cmp.alpha or abs(p2 - p1) < min_change:
            continue
        severity = _severity(shift.effect, medium_h, high_h)
        if severity is None:
            continue
        if p2 < p1:  # fewer missing values: a change to look into, rarely a danger
            severity = Severity.LOW
        yield Hit(cur.name, f"missing values {pct(p1)} → {pct(p2)} of rows (Cohen's h {shift.effect:.2f})",
                  {"reference_fraction": jsonable(p1), "current_fraction": jsonable(p2),
                   "cohens_h": jsonable(shift.effect), "p_value": jsonable(shift.p_value)}, severity=severity)


@check("DA290", "new-outliers", Category.OUTLIERS, Severity.MEDIUM, effect=GradientEffect.EXPLODING_GRADIENTS,
       fix_steps=("clip", "robust-scale"), command="diff")
def new_outliers(cmp: "Comparison", *, min_excess: float = 0.005, high_share: float = 0.05) -> Iterator[Hit]:
    """More values than chance allows lie outside the reference's outlier bounds or range, or infinite values appeared.

    Why it hurts training: clipping bounds and scales fitted on the reference leave the new extreme values
    far out, where they produce the large activations and gradients that the fit was meant to prevent.

    How fix repairs it: clip (median ± k·MAD) and robust scaling re-fitted on the new data; find the cause
    (a unit change, a broken sensor, a new sentinel value).

    Two yardsticks, because a heavy-tailed reference already has many values outside its bounds: the
    share outside the bounds (at least doubled, significantly), and the count beyond the reference's
    minimum or maximum, judged by the exact chance that many values of a sample of the same data land there.
    And one for small files, where no count is significant: when the reference is light-tailed (values
    within 10 robust z-scores, |skewness| < 1, excess kurtosis < 3), a value 3 times further out than
    its farthest (and at least 20 robust z) is new.
    """
    for ref, cur in cmp.common(numeric=True):
        r, c = ref.numeric, cur.numeric
        bounds = robust_bounds(r)
        if bounds is None or r.count == 0 or c.count == 0:
            continue
        inf_ref, inf_cur = r.posinf + r.neginf, c.posinf + c.neginf
        n_ref, n_cur = r.count + inf_ref, c.count + inf_cur
        out_ref = r.count_between(bounds.low, bounds.high) + inf_ref  # count_between counts values *outside*
        out_cur = c.count_between(bounds.low, bounds.high) + inf_cur
        share_ref, share_cur = out_ref / n_ref, out_cur / n_cur
        shift = proportions(out_ref, n_ref, out_cur, n_cur)
        lo, hi = float(r.values[0]), float(r.values[-1])
        above = int(np.sum(c.values > hi)) * c.weight + c.posinf
        below = int(np.sum(c.values < lo)) * c.weight + c.neginf
        beyond = (above + below) / n_cur
        p_range = 2 * min(exceedance(above, n_ref, n_cur), exceedance(below, n_ref, n_cur))
        # Far beyond: a reference without heavy tails (all within LIGHT_TAIL robust z) cannot explain values
        # many times further out than its farthest, at FAR_Z robust z or more, however few there are.
        reach = max(abs(lo - bounds.center), abs(hi - bounds.center))
        far_from = max(FAR_FACTOR * reach, FAR_Z * bounds.scale)
        far = (c.count_between(bounds.center - far_from, bounds.center + far_from) if bounds.scale > 0 else 0)
        light_tailed = (bounds.scale > 0 and reach <= LIGHT_TAIL * bounds.scale
                        and abs(r.skewness) < 1 and r.kurtosis < 3)
        new_inf = inf_cur > 0 and inf_ref == 0
        far_out = light_tailed and far > 0
        more_outside = shift.p_value < cmp.alpha and share_cur - share_ref >= min_excess and share_cur >= 2 * share_ref
        past_range = p_range < cmp.alpha and beyond >= min_excess
        if not (new_inf or more_outside or past_range or far_out):
            continue
        severity = Severity.HIGH if new_inf or max(share_cur - share_ref, beyond) >= high_share else Severity.MEDIUM
        extreme = max(abs(float(c.values[0])), abs(float(c.values[-1]))) if c.values.size else float("nan")
        parts = [f"{pct(share_cur)} of values outside the reference's bounds [{num(bounds.low)}, {num(bounds.high)}] "
                 f"(reference {pct(share_ref)})",
                 f"{pct(beyond)} beyond its range [{num(lo)}, {num(hi)}] (largest |value| {num(extreme)})"]
        if inf_cur:
            parts.append(plural(inf_cur, "infinite value"))
        yield Hit(cur.name, "; ".join(parts),
                  {"bounds": jsonable([bounds.low, bounds.high]), "reference_fraction": jsonable(share_ref),
                   "current_fraction": jsonable(share_cur), "beyond_reference_range": jsonable(beyond),
                   "reference_range": jsonable([lo, hi]), "infinite": int(inf_cur),
                   "largest_magnitude": jsonable(extreme), "far_beyond": int(far) if light_tailed else 0,
                   "p_value": jsonable(shift.p_value)},
                  severity=severity)


@check("DA390", "class-balance-drift", Category.IMBALANCE, Severity.MEDIUM,
       effect=GradientEffect.DOMINATED_GRADIENTS, fix_steps=("resample",), command="diff")
def class_balance_drift(cmp: "Comparison", *, medium_psi: float = MEDIUM_PSI, high_psi: float = HIGH_PSI,
                        medium_factor: float = 1.5, high_factor: float = 3.0, min_change: float = 0.05,
                        high_fold: float = 2.0, fold_min_change: float = 0.01) -> Iterator[Hit]:
    """The target's class shares changed (PSI ≥ 0.1, the imbalance ratio ×1.5 or a class's share ×2 either way), or classes appeared.

    Why it hurts training: the class weights and resampling chosen for the old balance no longer match;
    a model trained on the old prior is miscalibrated on the new one, and a new class cannot be predicted.

    How fix repairs it: re-fit the fix (resampling) on the new data; check the labelling process.

    The shares must move by 5 points (``min_change``) and the chi-square test be significant. High: PSI ≥ 0.25,
    the imbalance ratio ×3 either way, a new class, or a class whose share of rows changed by a factor of 2
    either way (a positive rate 10% → 25%, or 1% → 3%), by at least a point and significantly on its own
    (two-proportion test, p < 0.001 shared among the classes): a handful of rows cannot do it.
    """
    ref_t, cur_t = cmp.reference.target, cmp.current.target
    if ref_t is None or cur_t is None or ref_t.task != "classification":
        return
    ref, cur = pd.Series(ref_t.classes, dtype="int64"), pd.Series(cur_t.classes, dtype="int64")
    r, c, labels = _aligned(ref, cur)
    new = [str(x) for x, a in zip(labels, r) if a == 0]
    gone = [str(x) for x, b in zip(labels, c) if b == 0]
    share_r, share_c = r / r.sum(), c / c.sum()
    moved = np.abs(share_c - share_r)
    change = float(np.max(moved))
    shift, index = chi_square(r, c), psi(r, c)
    evidence = {"reference_classes": jsonable(dict(zip(map(str, labels), share_r))),
                "current_classes": jsonable(dict(zip(map(str, labels), share_c))),
                "psi": jsonable(index), "cramers_v": jsonable(shift.effect), "p_value": jsonable(shift.p_value),
                "new_classes": new[:20], "vanished_classes": gone[:20]}
    if new:
        yield Hit(cur_t.name, f"new class(es) not in the reference: {', '.join(map(repr, new[:5]))}",
                  evidence, severity=Severity.HIGH)
        return
    both = (r > 0) & (c > 0)  # the imbalance ratio (largest / smallest class) is what shapes the gradient
    ratio_r, ratio_c = (float(x[both].max() / x[both].min()) if both.sum() >= 2 else 1.0 for x in (r, c))
    factor = max(ratio_c / ratio_r, ratio_r / ratio_c)
    # Each class's share as a fold change (current / reference): ×2 either way is high when that class's own
    # change is significant and a point or more, so neither a small class's few rows nor a big file's wobble
    # decide; a rare positive class (1% → 3%) counts, though its change is under ``min_change``.
    with np.errstate(divide="ignore"):
        ratios = share_c / share_r
        folds = np.maximum(ratios, 1 / ratios)
    alpha = cmp.FAMILY_ALPHA / len(labels)
    doubled = [k for k in np.argsort(-moved, kind="stable")
               if folds[k] >= high_fold and moved[k] >= fold_min_change
               and proportions(int(r[k]), int(r.sum()), int(c[k]), int(c.sum())).p_value < alpha]
    shown = doubled[0] if doubled else int(np.argmax(moved))
    evidence.update({"reference_imbalance_ratio": jsonable(ratio_r), "current_imbalance_ratio": jsonable(ratio_c),
                     "share_ratios": jsonable(dict(zip(map(str, labels), ratios))),
                     "fold_change": jsonable(folds[shown]), "fold_class": str(labels[shown]),
                     "doubled_classes": [str(labels[k]) for k in doubled[:20]]})
    grades = (_severity(index, medium_psi, high_psi), _severity(factor, medium_factor, high_factor),
              Severity.HIGH if doubled else None)
    severity = max((g for g in grades if g is not None), default=None)
    if not doubled and (shift.p_value >= cmp.FAMILY_ALPHA or change < min_change or severity is None):
        return  # one test for the whole table: no share-out of FAMILY_ALPHA among columns
    yield Hit(cur_t.name, f"class {str(labels[shown])!r} {pct(share_r[shown])} → {pct(share_c[shown])} of rows "
                          f"(share ×{ratios[shown]:.2f}); imbalance ratio {ratio_r:.1f} → {ratio_c:.1f} (PSI {index:.2f})"
                          f"{'; vanished: ' + ', '.join(map(repr, gone[:5])) if gone else ''}",
              evidence, severity=severity)


@check("DA391", "category-drift", Category.IMBALANCE, Severity.MEDIUM, effect=GradientEffect.DOMINATED_GRADIENTS,
       fix_steps=("encode",), command="diff")
def category_drift(cmp: "Comparison", *, medium_psi: float = MEDIUM_PSI, high_psi: float = HIGH_PSI) -> Iterator[Hit]:
    """A categorical feature's shares of its known categories changed (PSI ≥ 0.1, significant chi-square).

    Categories the reference never saw are DA493's; here the shares are among the reference's categories.

    Why it hurts training: the weights learned for each category were fitted on the old mix; rare-category
    buckets and one-hot columns chosen for it may now hide frequent categories or keep dead ones.

    How fix repairs it: re-fit the encoding on the new data.
    """
    for ref, cur in cmp.common():
        if type_group(ref) not in ("text", "boolean") or ref.inferred_type in ("identifier", "text"):
            continue
        ref_counts, cur_counts = category_counts(ref), category_counts(cur)
        cur_counts = cur_counts[cur_counts.index.isin(list(ref_counts.index))]  # new categories: DA493's
        r, c, labels = _aligned(ref_counts, cur_counts)
        if r.sum() == 0 or c.sum() == 0:
            continue
        shift, index = chi_square(r, c), psi(r, c)
        severity = _severity(index, medium_psi, high_psi)
        if shift.p_value >= cmp.alpha or severity is None:
            continue
        share_r, share_c = r / r.sum(), c / c.sum()
        order = np.argsort(-np.abs(share_c - share_r), kind="stable")[:5]
        moved = ", ".join(f"{str(labels[i])!r} {pct(share_r[i])} → {pct(share_c[i])}" for i in order)
        yield Hit(cur.name, f"category shares changed (PSI {index:.2f}, Cramér's V {shift.effect:.2f}): {moved}",
                  {"psi": jsonable(index), "cramers_v": jsonable(shift.effect), "p_value": jsonable(shift.p_value),
                   "changes": [{"category": str(labels[i]), "reference": jsonable(share_r[i]),
                                "current": jsonable(share_c[i])} for i in order]},
                  severity=severity)


@check("DA490", "column-removed", Category.ENCODING, Severity.HIGH, effect=GradientEffect.DEAD_PARAMETERS,
       command="diff")
def column_removed(cmp: "Comparison") -> Iterator[Hit]:
    """A column of the reference (or one the recipe reads) is not in the current data.

    Why it hurts training: a model or recipe that expects the column gets a constant in its place
    (``apply`` fills it with the imputation value), so the weights learned for it receive nothing useful.

    How fix repairs it: it cannot; restore the column upstream, or re-fit without it.

    The target is not a removed column: a current file without it is data to score (the report says that
    label drift was not measured).
    """
    needed = list(cmp.reference.columns)
    if cmp.recipe is not None:
        needed += [c for c in cmp.recipe.input_columns if c not in cmp.reference.columns]
    target = cmp.reference.target.name if cmp.reference.target is not None else None
    for name in needed:
        if name not in cmp.current.columns and name != target:
            by = "the reference" if name in cmp.reference.columns else "the recipe"
            yield Hit(name, f"column in {by} is missing from the current data", {"source": by}, columns=(name,))


@check("DA491", "column-added", Category.ENCODING, Severity.LOW, effect=GradientEffect.NONE, command="diff")
def column_added(cmp: "Comparison") -> Iterator[Hit]:
    """The current data has a column the reference does not.

    Why it hurts training: a pipeline that selects columns by position reads the wrong ones; one that
    selects by name ignores the new column, which is safe but may not be what was meant.

    How fix repairs it: nothing to repair; decide whether the column belongs in the model.
    """
    for name in cmp.current.columns:
        if name not in cmp.reference.columns:
            yield Hit(name, "column not in the reference", {"inferred_type": cmp.current.columns[name].inferred_type})


@check("DA492", "type-changed", Category.ENCODING, Severity.HIGH, effect=GradientEffect.NAN_LOSS,
       fix_steps=("repair",), command="diff")
def type_changed(cmp: "Comparison") -> Iterator[Hit]:
    """A column holds a different kind of value than in the reference (numbers became text, dates numbers …).

    Why it hurts training: a recipe fitted on numbers cannot scale text (the cells become missing, then NaN
    or the imputation value), and text that turned into numbers is read as an ordered scale.

    How fix repairs it: repair parses numbers stored as text; anything else must be fixed upstream.
    """
    for ref, cur in cmp.common():
        before, after = type_group(ref), type_group(cur)
        now_text = before == after == "number" and ref.kind != "string" and cur.kind == "string"
        if before is None or after is None or (before == after and not now_text):
            continue
        evidence = {"reference_type": ref.inferred_type, "current_type": cur.inferred_type,
                    "reference_physical_type": ref.kind, "current_physical_type": cur.kind}
        if before == "number" and cur.text is not None:  # the values that stopped it parsing as numbers
            bad = cur.text.parsed[cur.text.parsed.isna()].index
            evidence["examples"] = [str(v) for v in bad if str(v) not in cur.text.tokens][:5]
        if now_text:
            examples = ", ".join(repr(v) for v in evidence.get("examples", [])[:3])
            yield Hit(cur.name, f"numbers now stored as text ({ref.kind} before){': unparsed ' + examples if examples else ''}",
                      evidence, severity=Severity.MEDIUM)
        else:
            yield Hit(cur.name, f"was {ref.inferred_type} ({ref.kind}), now {cur.inferred_type} ({cur.kind})", evidence)


@check("DA493", "new-categories", Category.ENCODING, Severity.MEDIUM, effect=GradientEffect.DEAD_PARAMETERS,
       fix_steps=("encode",), command="diff")
def new_categories(cmp: "Comparison", *, min_share: float = 0.002, medium_share: float = 0.01,
                   high_share: float = 0.1) -> Iterator[Hit]:
    """Rows carry categories the reference (or the recipe's encoder) never saw, beyond what chance explains.

    Why it hurts training: an encoder fitted on the reference maps unseen categories to the rare bucket or
    to all zeros, so those rows lose the feature and the weights learned for their category never apply.

    How fix repairs it: re-fit the encoding on data that has the new categories.

    Chance is judged by Good–Turing: the reference's share of categories seen once estimates how often
    an unseen category turns up in a new sample of the same data.
    """
    for ref, cur in cmp.common():
        if type_group(ref) not in ("text", "boolean") or type_group(cur) != type_group(ref) \
                or ref.inferred_type in ("identifier", "text"):
            continue
        ref_counts, cur_counts = category_counts(ref), category_counts(cur)
        known = set(ref_counts.index)
        if cmp.recipe is not None:
            known |= cmp.recipe_categories(cur.name)
        unseen = cur_counts[~cur_counts.index.isin(list(known))]
        total = int(cur_counts.sum())
        if unseen.empty or total == 0:
            continue
        share = float(unseen.sum()) / total
        chance = float((ref_counts == 1).sum()) / max(int(ref_counts.sum()), 1)
        noise = 4 * np.sqrt(max(chance, 1 / max(total, 1)) * (1 - chance) / total)
        if share < max(min_share, chance + noise):
            continue
        severity = Severity.HIGH if share >= high_share else Severity.MEDIUM if share >= medium_share else Severity.LOW
        top = unseen.sort_values(ascending=False, kind="stable").head(10)
        listed = ", ".join(repr(str(v)) for v in top.index[:5]) + (", …" if len(unseen) > 5 else "")
        yield Hit(cur.name, f"{pct(share)} of rows in {plural(len(unseen), 'new category', 'new categories')}: {listed}",
                  {"fraction": jsonable(share), "expected_by_chance": jsonable(chance), "new_categories": len(unseen),
                   "examples": [{"category": str(k), "rows": int(v)} for k, v in top.items()]},
                  severity=severity)


@check("DA590", "distribution-shift", Category.SCALE, Severity.MEDIUM, effect=GradientEffect.ILL_CONDITIONING,
       fix_steps=("robust-scale",), command="diff")
def distribution_shift(cmp: "Comparison", *, medium_psi: float = MEDIUM_PSI, high_psi: float = HIGH_PSI,
                       medium_ks: float = 0.1) -> Iterator[Hit]:
    """A numeric column's distribution moved: PSI ≥ 0.1 or Kolmogorov–Smirnov D ≥ 0.1, with p < 0.001.

    Why it hurts training: centres and scales fitted on the reference no longer put the inputs near 0 with
    unit spread, so the first layer works off its trained range: slow, unstable steps and stale weights.

    How fix repairs it: re-fit robust scaling on the new data; a model trained on the old data needs retraining.
    """
    regression = cmp.reference.target is not None and cmp.reference.target.task == "regression"
    for ref, cur in cmp.common(numeric=True, with_target=regression):  # a class label is DA390's
        r, c = ref.numeric, cur.numeric
        if r.count < 2 or c.count < 2:
            continue
        d = ks(r.values, c.values, r.count, c.count)
        ref_values, ref_counts = r.distinct()
        discrete = ref_values.size <= DISCRETE_MAX
        if discrete:
            cur_values, cur_counts = c.distinct()
            a, b, labels = _aligned(pd.Series(ref_counts, index=ref_values), pd.Series(cur_counts, index=cur_values))
        else:
            a, b = quantile_bins(r.values, c.values)
        index = psi(a, b)
        severity = _severity(index, medium_psi, high_psi)
        if d.effect >= medium_ks and severity is None:
            severity = Severity.MEDIUM
        if d.p_value >= cmp.alpha or severity is None:
            continue
        spread = r.mad * 1.4826 or r.std
        moved = (c.median - r.median) / spread if spread > 0 else float("nan")
        ratio = (c.mad / r.mad) if r.mad > 0 else float("nan")
        evidence = {"psi": jsonable(index), "ks_d": jsonable(d.effect), "p_value": jsonable(d.p_value),
                    "reference_median": jsonable(r.median), "current_median": jsonable(c.median),
                    "median_shift_in_spreads": jsonable(moved), "spread_ratio": jsonable(ratio),
                    "reference_mean": jsonable(r.mean), "current_mean": jsonable(c.mean)}
        what = "target" if cur.is_target else "values"
        if discrete:  # a few distinct values: say which values' shares moved
            share_a, share_b = a / a.sum(), b / b.sum()
            order = np.argsort(-np.abs(share_b - share_a), kind="stable")[:3]
            change = ", ".join(f"{num(float(labels[i]))}: {pct(share_a[i])} → {pct(share_b[i])}" for i in order)
            message = f"{what} shifted: {change}; mean {num(r.mean)} → {num(c.mean)}; PSI {index:.2f}, KS D {d.effect:.2f}"
        else:
            message = (f"{what} shifted: median {num(r.median)} → {num(c.median)} ({moved:+.2f} reference spreads), "
                       f"spread ×{ratio:.2f}; PSI {index:.2f}, KS D {d.effect:.2f}")
        yield Hit(cur.name, message, evidence, severity=severity)


def _refitted(col: ColumnProfile, fit: "RecipeScaling") -> tuple[float, float, str]:
    """(centre, scale, method) that re-fitting the recipe on ``col`` would give: missing cells imputed at its
    median (mean), clipped to bounds fitted on it, then scaled as the recipe's scaler scales. On the data the
    recipe was fitted on this is the recipe's own centre and scale, where raw statistics are not (imputation
    shrinks the MAD, clipping the std, and the scaler may not use the MAD at all)."""
    c = col.numeric
    weight = max(c.weight, 1)  # a thinned column keeps every weight-th value
    x = c.values
    if fit.imputed is not None:
        fill = c.mean if fit.imputed == "mean" else float(np.median(x))
        x = np.concatenate([x, np.full(round((col.rows - c.count - c.posinf - c.neginf) / weight), fill)])
    bounds = robust_bounds(NumericStats.from_values(x, np.arange(x.size)), fit.k) if fit.k is not None else None
    if bounds is not None:  # clip puts ±inf on the bounds; without clip robust-scale ignores them
        infinite = [np.full(round(c.neginf / weight), -np.inf), np.full(round(c.posinf / weight), np.inf)]
        x = np.clip(np.concatenate([x, *infinite]), bounds.low, bounds.high)
    return center_scale(x, fit.scaler)


def _outside(col: ColumnProfile, bounds: tuple[float, float]) -> int:
    """Rows whose value clip would move: finite values outside ``bounds`` and ±inf."""
    return col.numeric.count_between(*bounds) + col.numeric.posinf + col.numeric.neginf


@check("DA591", "recipe-assumptions", Category.SCALE, Severity.MEDIUM, effect=GradientEffect.EXPLODING_GRADIENTS,
       fix_steps=("clip", "robust-scale"), command="diff")
def recipe_assumptions(cmp: "Comparison", *, medium_shift: float = 0.5, high_shift: float = 2.0,
                       medium_ratio: float = 2.0, high_ratio: float = 4.0, medium_clipped: float = 0.05,
                       high_clipped: float = 0.2) -> Iterator[Hit]:
    """With ``--recipe``: the recipe's fitted centre, scale and clip bounds no longer fit the current data.

    The current data is prepared as the recipe prepared its own (imputed, clipped) before its centre and
    scale are measured, so data like the fit's stays quiet. The clipped share counts against the share of
    rows clip moved at fit (recorded in the recipe; an older recipe: the reference's share under the same
    bounds): it must rise by ``medium_clipped`` (``high_clipped``), beyond binomial chance.

    Why it hurts training: ``apply`` scales with the old centre and spread, so the inputs come out shifted
    or stretched (large activations, steps of the wrong size), and clipping flattens a large share of rows.

    How fix repairs it: re-fit the recipe (``dataaudit fix``) on data like the current one.
    """
    if cmp.recipe is None:
        return
    for name, fit in cmp.recipe_scaling().items():
        cur = cmp.current.columns.get(name)
        if cur is None or cur.numeric is None or cur.numeric.count < 2:
            continue
        center, scale, method = _refitted(cur, fit)
        moved, ratio = (center - fit.center) / fit.scale, scale / fit.scale
        grades = [_severity(abs(moved), medium_shift, high_shift)]
        if method != "unit":  # "unit": nothing gave the current values a spread to compare
            grades.append(_severity(max(ratio, 1 / ratio), medium_ratio, high_ratio))
        clipped, baseline, source, p_value = 0.0, 0.0, "none", 1.0
        if fit.bounds is not None and cur.rows:
            outside = _outside(cur, fit.bounds)
            clipped = outside / cur.rows
            ref = cmp.reference.columns.get(name)
            if fit.clipped is not None:  # what clip saw at fit
                baseline, source = fit.clipped, "fit"
                p_value = binomial_excess(outside, cur.rows, baseline)
            elif ref is not None and ref.numeric is not None and ref.rows:  # an older recipe: the reference stands in
                ref_outside = _outside(ref, fit.bounds)
                baseline, source = ref_outside / ref.rows, "reference"
                p_value = proportions(ref_outside, ref.rows, outside, cur.rows).p_value
            else:
                p_value = binomial_excess(outside, cur.rows, 0.0)
            if p_value < cmp.alpha:
                grades.append(_severity(clipped - baseline, medium_clipped, high_clipped))
        worst = max((g for g in grades if g is not None), default=None)
        if worst is None:
            continue
        was = {"fit": f" ({pct(baseline)} at fit)", "reference": f" ({pct(baseline)} in the reference)"}.get(source, "")
        yield Hit(name, f"after the recipe's scaling the median sits at {moved:+.2f} (was 0), spread ×{ratio:.2f} "
                        f"(was 1), {pct(clipped)} of rows clipped{was}",
                  {"recipe_center": jsonable(fit.center), "recipe_scale": jsonable(fit.scale),
                   "current_median": jsonable(cur.numeric.median), "current_center": jsonable(center),
                   "current_scale": jsonable(scale), "scaled_median": jsonable(moved), "spread_ratio": jsonable(ratio),
                   "clipped_fraction": jsonable(clipped), "fit_clipped_fraction": jsonable(fit.clipped),
                   "baseline_clipped_fraction": jsonable(baseline), "clipped_baseline": source,
                   "clipped_rise_p_value": jsonable(p_value),
                   "clip_bounds": jsonable(list(fit.bounds) if fit.bounds else None)},
                  severity=worst)
