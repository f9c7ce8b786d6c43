"""ydata-profiling peer: ``ProfileReport(df, minimal=...)``, its alerts normalised to our seven families.

Run with the ydata venv's python::

    bench/.venvs/ydata/bin/python bench/peers/ydata_alerts.py --manifest M.json --out OUT.json --mode minimal|full [--no-lean]

* ``--mode minimal`` → peer ``ydata-minimal``: ``ProfileReport(df, minimal=True)`` (no type inference beyond
  pandas dtypes — text columns stay "Text", so no categorical alerts —, no correlations, so no HIGH_CORRELATION).
* ``--mode full`` → peer ``ydata-full``: ``ProfileReport(df)`` with the default configuration except three
  extras that produce no alert and are turned off because they made full mode very slow: scatter-plot
  interactions (``interactions.continuous=False``: one plot per pair of numeric columns), the missing-value
  diagrams (``missing_diagrams`` bar/matrix/heatmap) and the head/tail samples (``samples``). Correlations (hence
  HIGH_CORRELATION) and duplicate-row detection (hence DUPLICATES) are kept. Measured: sklearn digits (1,257 × 65)
  271 s → 4.4 s, breast_cancer (398 × 31) 74 s → 0.76 s, the nine sample files 23 s → 2.5 s, with identical
  alerts on all of them. ``--no-lean`` runs the untouched default configuration.

The alerts are read the documented way, ``report.get_description().alerts`` (a list of ``Alert`` objects with
``alert_type`` (an ``AlertType``), ``column_name`` and ``values``); the full HTML report is never rendered.
``seconds`` covers ``ProfileReport(...)`` plus ``get_description()``. ydata-profiling is deterministic here
(``samples.random`` is 0 in both configurations).

Alert type → family (``alert`` = the AlertType name; ``column`` = ``column_name``, null for table alerts)

| AlertType        | family      | note / reason for judgment calls |
|------------------|-------------|----------------------------------|
| MISSING          | missing     | > 1% of the column's cells are NaN |
| INFINITE         | outliers    | ±inf values |
| SKEWED           | outliers    | |skewness| > 20 (heavy tail); on the TARGET column → imbalance (dataaudit counts a skewed regression target as imbalance) |
| IMBALANCE        | imbalance   | on the TARGET column only. On any other column → null (kept visible, not scored): it measures category frequencies (1 − normalised entropy > 0.5), not spelling or cardinality. Judgment: on a feature it effectively means "dominated by one category" (e.g. redundancy.csv's 99.3%-'online' channel), which one could score as near-constant redundancy; the brief said not to |
| HIGH_CARDINALITY | encoding    | high-cardinality categorical |
| TYPE_DATE        | encoding    | dates stored as text |
| UNSUPPORTED      | encoding    | judgment: ydata cannot type the column (mixed types) |
| DIRTY_CATEGORY   | encoding    | fuzzy category spellings (defined in AlertType; not emitted by the pandas backend of 4.18) |
| CONSTANT         | redundancy  | constant column |
| DUPLICATES       | redundancy  | duplicate rows (table-level, column null) |
| NEAR_DUPLICATES  | redundancy  | near-duplicate rows (table-level; not emitted by the pandas backend of 4.18) |
| HIGH_CORRELATION | redundancy  | one alert per column of each correlated pair (ydata already emits one per column); when the pair involves the TARGET → leakage on the feature, none on the target |
| UNIQUE           | leakage     | every value distinct: identifier-like column. Judgment: also fires on continuous floats with no repeats |
| ZEROS            | null        | zeros are not a problem family |
| UNIFORM          | null        | |
| CONSTANT_LENGTH  | null        | judgment: fixed-length strings (codes, zip codes) are not a problem per se |
| REJECTED         | null        | bookkeeping that accompanies UNSUPPORTED |
| NON_STATIONARY   | null        | time-series only |
| SEASONAL         | null        | time-series only |
| EMPTY            | null        | empty DataFrame |
| anything else    | null        | kept for inspection |
"""

from __future__ import annotations

import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _peer_common import main, make_alert

FAMILY = {
    "MISSING": "missing",
    "INFINITE": "outliers",
    "SKEWED": "outliers",
    "IMBALANCE": "imbalance",
    "HIGH_CARDINALITY": "encoding",
    "TYPE_DATE": "encoding",
    "UNSUPPORTED": "encoding",
    "DIRTY_CATEGORY": "encoding",
    "CONSTANT": "redundancy",
    "DUPLICATES": "redundancy",
    "NEAR_DUPLICATES": "redundancy",
    "HIGH_CORRELATION": "redundancy",
    "UNIQUE": "leakage",
    "ZEROS": None,
    "UNIFORM": None,
    "CONSTANT_LENGTH": None,
    "REJECTED": None,
    "NON_STATIONARY": None,
    "SEASONAL": None,
    "EMPTY": None,
}

LEAN = {
    "interactions": {"continuous": False},
    "missing_diagrams": {"bar": False, "matrix": False, "heatmap": False},
    "samples": {"head": 0, "tail": 0, "random": 0},
}


def _describe(alert) -> str:
    try:
        return alert._get_description()
    except Exception:  # the description needs values some alerts do not carry
        return f"[{alert.alert_type.name}] {alert.column_name}"


def normalise(alerts, target: str | None) -> list[dict]:
    out = []
    for a in alerts:
        name = a.alert_type.name
        col = a.column_name
        detail = _describe(a)
        family = FAMILY.get(name)
        if name == "HIGH_CORRELATION":
            fields = [str(f) for f in ((a.values or {}).get("fields") or [])]
            if target is not None and col == target:
                out += [make_alert("leakage", f, name, f"highly correlated with the target {target}") for f in fields]
                continue
            if target is not None and target in fields:
                out.append(make_alert("leakage", col, name, f"highly correlated with the target {target}"))
            others = [f for f in fields if f != target]
            if others:
                out.append(make_alert("redundancy", col, name, f"highly correlated with {', '.join(others)}"))
            continue
        if name == "IMBALANCE" and col != target:
            family = None  # a feature's category frequencies: not target imbalance (see the table)
        if name == "SKEWED" and target is not None and col == target:
            family = "imbalance"
        out.append(make_alert(family, col, name, detail))
    return out


def analyse(df, target, entry, args):
    from ydata_profiling import ProfileReport

    kwargs = dict(LEAN) if (args.mode == "full" and not args.no_lean) else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = ProfileReport(df, minimal=(args.mode == "minimal"), progress_bar=False, **kwargs)
        description = report.get_description()
    return normalise(description.alerts, target), []


def add_args(parser) -> None:
    parser.add_argument("--mode", choices=("minimal", "full"), default="minimal")
    parser.add_argument("--no-lean", action="store_true",
                        help="full mode: keep interactions, missing diagrams and samples (off by default: no alert "
                             "comes from them and they are slow)")


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    import ydata_profiling

    sys.exit(main(lambda a: f"ydata-{a.mode}", ydata_profiling.__version__, analyse, add_args))
