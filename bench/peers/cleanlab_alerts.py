"""cleanlab peer: ``Datalab.find_issues`` on a standardised numeric matrix, its issue types as table-level alerts.

Run with the cleanlab venv's python::

    bench/.venvs/cleanlab/bin/python bench/peers/cleanlab_alerts.py --manifest M.json --out OUT.json

For each CSV:

1. features: the columns pandas reads as numeric (and booleans), the target excluded; ±inf → NaN, NaN → the
   column's median (0 where the column is all NaN), then standardised ((x - mean) / std; a column with std 0 is
   only centred). Text columns (even numbers stored as text) are not features.
2. task: classification, unless the manifest entry says ``"task": "regression"`` or the target is numeric with more
   than 20 distinct values (then ``Datalab(..., task="regression")``). Rows whose target is missing are dropped
   (Datalab cannot take a missing label); the count goes to ``notes``.
3. ``Datalab(data=df, label_name=target).find_issues(features=X)`` with the default issue types of the task
   (classification: null, label, outlier, near_duplicate, non_iid, class_imbalance, underperforming_group; an
   issue manager that lacks its inputs is skipped by Datalab itself). ``np.random.seed(0)`` before each file.
4. Because step 1 imputes every NaN, Datalab's ``null`` check could never fire on X; so a second, cheap pass
   ``Datalab(data=df).find_issues(features=<the same numeric columns, NaN (and ±inf as NaN) kept>, issue_types={"null": {}})``
   supplies the ``null`` issue. Datalab's null issue is a row whose features are ALL missing; its per-column
   ``column_impact`` counts any missing cell, so it does not say which columns cause the issue: the alert stays
   table-level and the detail lists the columns with the highest null share.

An issue type becomes one alert when ``get_issue_summary()`` gives it ``num_issues > 0``. All alerts are
table-level (column null: Datalab's issues are rows), except ``class_imbalance``, which is about the target by
definition and is emitted on the target column so it matches the other peers' target-imbalance alerts.

Issue type → family (``alert`` = the issue type)

| issue type            | family     | column | reason for judgment calls |
|-----------------------|------------|--------|---------------------------|
| null                  | missing    | null   | rows with every (numeric) feature missing: "mostly-empty rows" |
| outlier               | outliers   | null   | |
| near_duplicate        | redundancy | null   | (near-)duplicate rows |
| class_imbalance       | imbalance  | target | rarest class share < 0.1 / K |
| label                 | null       | null   | judgment: an estimate of mislabeled rows (given label disagrees with the kNN-predicted one), i.e. label noise, which is none of our seven; leakage's "conflicting labels" are identical feature rows with different labels, which Datalab does not test as such. Every sample file gets it (0.4%–35% of rows) |
| non_iid               | null       | null   | ordering/drift, none of our families |
| underperforming_group | null       | null   | a model-performance slice, none of our families |
| data_valuation        | null       | null   | not run by default |
| identifier_column     | leakage    | null   | not run by default (and X is standardised) |
| anything else         | null       | null   | kept for inspection |
"""

from __future__ import annotations

import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _peer_common import main, make_alert, target_task

FAMILY = {
    "null": "missing",
    "outlier": "outliers",
    "near_duplicate": "redundancy",
    "class_imbalance": "imbalance",
    "label": None,  # label noise: see the table
    "non_iid": None,
    "underperforming_group": None,
    "data_valuation": None,
    "identifier_column": "leakage",
}


def numeric_frame(df, target):
    import numpy as np

    feats = df.drop(columns=[target]) if target is not None else df
    num = feats.select_dtypes(include=["number", "bool"]).astype(float)
    return num.replace([np.inf, -np.inf], np.nan)


def feature_matrix(num):

    med = num.median().fillna(0.0)
    X = num.fillna(med).to_numpy(dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std[std == 0] = 1.0
    return (X - mean) / std


def analyse(df, target, entry, args):
    import numpy as np
    from cleanlab import Datalab

    notes = []
    task = target_task(df, target, entry.get("task")) or "classification"
    if target is not None and df[target].isna().any():
        notes.append(f"dropped {int(df[target].isna().sum())} rows with a missing target")
        df = df[df[target].notna()].reset_index(drop=True)
    num = numeric_frame(df, target)
    if num.shape[1] == 0:
        raise ValueError("no numeric feature columns to build the feature matrix")
    X = feature_matrix(num)
    notes.append(f"task {task if target is not None else 'none (no target)'}; {num.shape[1]} numeric feature columns: {list(num.columns)}")

    alerts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.random.seed(0)
        lab = Datalab(data=df, label_name=target, task=task, verbosity=0) if target is not None \
            else Datalab(data=df, task=task, verbosity=0)
        lab.find_issues(features=X)
        summary = lab.get_issue_summary()
        # null pass on the un-imputed matrix (see the module docstring)
        np.random.seed(0)
        null_lab = Datalab(data=df, task=task, verbosity=0)
        null_lab.find_issues(features=num.to_numpy(dtype=float), issue_types={"null": {}})
        null_summary = null_lab.get_issue_summary()
    ran = [str(t) for t in summary["issue_type"]]
    notes.append(f"issue types run: {ran}")
    for _, row in summary.iterrows():
        issue = str(row["issue_type"])
        if issue == "null":
            continue  # always 0 on the imputed matrix; the null pass below decides
        n = int(row["num_issues"])
        if n <= 0:
            continue
        family = FAMILY.get(issue)
        column = target if issue == "class_imbalance" else None
        detail = f"{n} rows flagged ({n / len(df):.1%}); score {float(row['score']):.3f}"
        if issue == "class_imbalance":
            detail += f"; rarest class {lab.info.get('class_imbalance', {}).get('Rarest Class')}"
        alerts.append(make_alert(family, column, issue, detail))
    for _, row in null_summary.iterrows():
        if str(row["issue_type"]) != "null" or int(row["num_issues"]) <= 0:
            continue
        n = int(row["num_issues"])
        impact = null_lab.info.get("null", {}).get("column_impact", [])
        top = sorted(zip(num.columns, impact), key=lambda t: -t[1])[:5]
        detail = (f"{n} rows ({n / len(df):.1%}) have every numeric feature missing; column null shares: "
                  + ", ".join(f"{c} {v:.1%}" for c, v in top if v > 0))
        alerts.append(make_alert("missing", None, "null", detail))
    return alerts, notes


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    import cleanlab

    sys.exit(main("cleanlab", cleanlab.__version__, analyse))
