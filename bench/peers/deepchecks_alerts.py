"""deepchecks peer: the tabular ``data_integrity()`` suite, each non-passing condition normalised to our families.

Run with the deepchecks venv's python::

    bench/.venvs/deepchecks/bin/python bench/peers/deepchecks_alerts.py --manifest M.json --out OUT.json \
        [--suite-only] [--outlier-condition]

For each CSV: ``Dataset(df, label=target)`` with ``cat_features`` left to deepchecks' own heuristic inference
(it logs the columns it infers; we pass none, so the comparison does not depend on our typing); the label type is
left to deepchecks unless the manifest entry carries ``"task"``. Then ``data_integrity().run(ds, with_display=False)``
(the suite's ``random_state`` is 42 by default, so the sampling checks are deterministic).

Alert criterion: a check's condition that did not pass (category WARN or FAIL) is an alert; conditions are the
ones the suite ships with, at their default thresholds. The condition text does not always name every column, so
the column(s) are recomputed from ``CheckResult.value`` with the very rule and threshold of that condition (see
``EXTRACT``); an alert is only emitted when the condition itself did not pass. A check that cannot run on the data
(``CheckFailure``, e.g. IdentifierLabelCorrelation without an index/datetime column, or label checks when the
manifest has no target) goes to ``notes``, not ``error``.

Unless ``--suite-only`` is given, two documented deepchecks checks that the suite does not include are added
(their alerts are tagged by check name like all others, so they can be filtered out):
* ``PercentOfNulls`` with its own default condition ``add_condition_percent_of_nulls_not_greater_than(0.05)``
  (the suite has no plain-missing check; MixedNulls only fires on > 1 kind of null);
* ``ClassImbalance`` (classification labels only; deepchecks' own task inference decides). Its shipped condition
  ``add_condition_class_ratio_less_than(0.1)`` is inverted in 0.19.1 (it warns when least/most ≥ 0.1, i.e. on
  balanced data, contrary to the documented intent "if the ratio is lower or equal this value, the dataset is
  considered imbalanced", deepchecks PR #2015), so the adapter applies the documented intent to the check's
  value: alert when the least/most frequent class share ratio ≤ 0.1.

``OutlierSampleDetection`` ships in the suite without a condition, so by the criterion above it never alerts; the
adapter writes the share of rows whose outlier probability exceeds 0.7 to ``notes``. ``--outlier-condition``
attaches the check's own ``add_condition_outlier_ratio_less_or_equal()`` (defaults: score 0.7, ratio 0.5%), which
then gives a table-level ``outliers`` alert; it is off by default because it fired on all nine sample files,
clean.csv included, and a table-level alert cannot find a column-level outlier anyway.

Check → family (``alert`` = the check class name; ``column`` as below)

| check (suite condition, default)                              | family     | column / note |
|---------------------------------------------------------------|------------|---------------|
| IsSingleValue (not single value)                              | redundancy | each column with one distinct value |
| SpecialCharacters (ratio of samples made only of special characters ≤ 0.1%) | missing | each column over the ratio. Judgment: a cell made *solely* of special characters is '?', '-', '--', '*'…, i.e. a disguised missing token (mojibake has letters, so it never fires on it) |
| MixedNulls (≤ 1 kind of null per column)                      | missing    | each column with several null spellings ('N/A', 'null', NaN…) |
| MixedDataTypes (rarer of strings/numbers not in 1%–10%)       | encoding   | each column: numbers mixed with text |
| StringMismatch (no string variants)                           | encoding   | each column with case/whitespace/punctuation variants of one base form |
| StringLengthOutOfBounds (0% string-length outliers)           | null       | judgment: unusually long/short strings fit none of our families |
| DataDuplicates (duplicate ratio ≤ 5%)                         | redundancy | table-level (column null) |
| ConflictingLabels (0% conflicting samples)                    | leakage    | table-level; the brief files conflicting labels under leakage |
| FeatureLabelCorrelation (PPS < 0.8)                           | leakage    | each feature with PPS ≥ 0.8 |
| FeatureFeatureCorrelation (no pair above 0.9)                 | redundancy | one alert per column of each pair (the label is not a feature, so no pair involves the target; feature–target strength is FeatureLabelCorrelation) |
| IdentifierLabelCorrelation (PPS ≤ 0)                          | leakage    | the index/datetime column (never runs here: we declare neither) |
| OutlierSampleDetection (no condition; --outlier-condition)    | outliers   | table-level (it scores rows, not columns); no alert by default |
| PercentOfNulls (adapter-added, ≤ 5% nulls)                    | missing    | each column over 5% |
| ClassImbalance (adapter-applied, least/most ≤ 0.1)            | imbalance  | the target column |
| anything else                                                 | null       | table-level, kept for inspection |
"""

from __future__ import annotations

import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _peer_common import main, make_alert

CLASS_RATIO = 0.1  # ClassImbalance's documented default threshold


def _single_value(v, target):
    return [(c, "a single value") for c, n in v.items() if n == 1]


def _special_chars(v, target):
    return [(c, f"{r:.2%} of the samples are only special characters") for c, r in v.items() if r > 0.001]


def _mixed_nulls(v, target):
    return [(c, f"null kinds: {', '.join(map(str, kinds))}") for c, kinds in v["columns"].items() if len(kinds) > 1]


def _mixed_types(v, target):
    out = []
    for c, ratios in v.items():
        if ratios and 0.01 < min(ratios["strings"], ratios["numbers"]) < 0.1:
            out.append((c, (f"strings {ratios['strings']:.1%}, numbers {ratios['numbers']:.1%}; "
                           f"e.g. {sorted(map(str, ratios.get('strings_examples', [])))[:3]}")))
    return out


def _string_mismatch(v, target):
    out = []
    for c, forms in v["columns"].items():
        bad = {b: [x["variant"] for x in variants] for b, variants in forms.items() if len(variants) > 0}
        if bad:
            out.append((c, "variants: " + "; ".join(f"{b}: {vs[:4]}" for b, vs in list(bad.items())[:3])))
    return out


def _string_length(v, target):
    out = []
    for c, col in v.items():
        n = sum(o["n_samples"] for o in col["outliers"])
        if n > 0:
            out.append((c, f"{n} string-length outliers"))
    return out


def _feature_label(v, target):
    return [(c, f"PPS {p:.2f} with the target") for c, p in v.items() if p >= 0.8]


def _identifier_label(v, target):
    return [(c, f"PPS {p:.2f} with the target") for c, p in v.items() if p > 0]


def _feature_feature(v, target):
    out = []
    cols = list(v.columns)
    for i in v.index:
        for j in cols:
            if i == j:
                continue
            x = v.loc[i, j]
            try:
                high = float(x) > 0.9
            except (TypeError, ValueError):
                high = False
            if high:
                out.append((i, f"correlation {float(x):.2f} with {j}"))
    return out


def _percent_nulls(v, target):
    col = v["Percent of nulls in sample"]
    return [(c, f"{p:.1%} null") for c, p in col.items() if p > 0.05]


# check class -> (family, extractor(value, target) -> [(column, detail)], or None for a table-level alert)
EXTRACT = {
    "IsSingleValue": ("redundancy", _single_value),
    "SpecialCharacters": ("missing", _special_chars),
    "MixedNulls": ("missing", _mixed_nulls),
    "MixedDataTypes": ("encoding", _mixed_types),
    "StringMismatch": ("encoding", _string_mismatch),
    "StringLengthOutOfBounds": (None, _string_length),
    "DataDuplicates": ("redundancy", None),
    "ConflictingLabels": ("leakage", None),
    "FeatureLabelCorrelation": ("leakage", _feature_label),
    "FeatureFeatureCorrelation": ("redundancy", _feature_feature),
    "IdentifierLabelCorrelation": ("leakage", _identifier_label),
    "OutlierSampleDetection": ("outliers", None),
    "PercentOfNulls": ("missing", _percent_nulls),
}


def build_suite(suite_only: bool, outlier_condition: bool):
    from deepchecks.tabular.checks import PercentOfNulls
    from deepchecks.tabular.suites import data_integrity

    suite = data_integrity()
    if outlier_condition:
        for check in suite.checks.values():
            if type(check).__name__ == "OutlierSampleDetection" and not check._conditions:
                check.add_condition_outlier_ratio_less_or_equal()
    if not suite_only:
        suite.add(PercentOfNulls().add_condition_percent_of_nulls_not_greater_than())
    return suite


def class_imbalance(ds, target):
    from deepchecks.tabular.checks import ClassImbalance

    res = ClassImbalance().run(ds, with_display=False)
    shares = res.value  # {class: share rounded to 2 decimals}, most frequent first
    if not shares:
        return []
    values = list(shares.values())
    ratio = min(values) / max(values) if max(values) > 0 else 0.0
    if ratio <= CLASS_RATIO:
        top = ", ".join(f"{k}: {s:.2f}" for k, s in list(shares.items())[:4])
        return [make_alert("imbalance", target, "ClassImbalance", f"least/most frequent class ratio {ratio:.3f} ({top})")]
    return []


def normalise(suite_result, target) -> tuple[list[dict], list[str]]:
    from deepchecks.core import ConditionCategory
    from deepchecks.core.check_result import CheckFailure

    alerts, notes = [], []
    for res in suite_result.results:
        name = type(res.check).__name__
        if name == "OutlierSampleDetection" and not isinstance(res, CheckFailure) and res.value is not None:
            q = res.value  # 1000 quantiles of the rows' outlier probabilities
            notes.append(f"OutlierSampleDetection: {float((q > 0.7).mean()):.1%} of rows have outlier probability > 0.7")
        if isinstance(res, CheckFailure):
            notes.append(f"{name}: not run ({type(res.exception).__name__}: {res.exception})"[:300])
            continue
        failed = [c for c in res.conditions_results if c.category != ConditionCategory.PASS]
        if not failed:
            continue
        errored = [c for c in failed if c.category == ConditionCategory.ERROR]
        if errored:
            notes.append(f"{name}: condition error: {errored[0].details}"[:300])
        failed = [c for c in failed if c.category != ConditionCategory.ERROR]
        if not failed:
            continue
        family, extract = EXTRACT.get(name, (None, None))
        condition_text = "; ".join(f"{c.category.name}: {c.details}" for c in failed)
        if extract is None:
            alerts.append(make_alert(family, None, name, condition_text))
            continue
        hits = extract(res.value, target)
        if not hits:  # should not happen: fall back to a table-level alert with the condition's own text
            alerts.append(make_alert(family, None, name, condition_text))
            notes.append(f"{name}: condition failed but no column recomputed from its value")
        for col, detail in hits:
            alerts.append(make_alert(family, col, name, detail))
    return alerts, notes


def analyse(df, target, entry, args):
    from deepchecks.tabular import Dataset

    kwargs = {}
    if entry.get("task") == "regression":
        kwargs["label_type"] = "regression"
    elif entry.get("task") == "classification":
        kwargs["label_type"] = "binary" if df[target].nunique(dropna=True) <= 2 else "multiclass"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = Dataset(df, label=target, **kwargs) if target is not None else Dataset(df, cat_features=None)
        suite = build_suite(args.suite_only, args.outlier_condition)
        result = suite.run(ds, with_display=False)
        alerts, notes = normalise(result, target)
        notes.insert(0, f"cat_features inferred by deepchecks: {list(ds.cat_features)}")
        if not args.suite_only and target is not None:
            from deepchecks.core.errors import DeepchecksBaseError

            try:
                alerts += class_imbalance(ds, target)
            except DeepchecksBaseError as exc:  # e.g. a regression label
                notes.append(f"ClassImbalance: not run ({type(exc).__name__}: {exc})"[:300])
    return alerts, notes


def add_args(parser) -> None:
    parser.add_argument("--suite-only", action="store_true",
                        help="only the data_integrity() suite as shipped (no PercentOfNulls, "
                             "ClassImbalance)")
    parser.add_argument("--outlier-condition", action="store_true",
                        help="attach OutlierSampleDetection's own default condition (table-level outliers alert)")


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    import logging

    logging.getLogger("deepchecks").setLevel(logging.ERROR)
    import deepchecks

    sys.exit(main("deepchecks", deepchecks.__version__, analyse, add_args))
