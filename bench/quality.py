"""Detection quality: plant known problems in clean real data, score dataaudit (and the peers) on them.

    python bench/quality.py [--quick] [--peers] [--downstream] [--out docs/quality.md] [--audit]

1. Every base of bench/bases.py (those whose package is installed) is split 70/30 (seeded, stratified);
   the training part is written clean and, for each strength (weak, moderate, strong), corrupted by
   bench/corrupt.py into a few files, each corruption on its own column, with the ground truth beside it.
2. ``dataaudit scan`` runs on every file (in-process); bench/scoring.py scores its findings: recall per
   family and strength (planted problem found on the right column), false alarms (severity ≥ medium on
   columns with nothing planted, not a real problem of the base), exit codes, and time per file.
3. ``--peers``: the same files go to ydata-profiling (minimal and full), deepchecks' data-integrity suite
   and cleanlab's Datalab, each in its own environment (bench/peers/, set up by bench/peers/setup.sh),
   scored by the same rules. A peer with no check for a problem scores 0 on it.
4. ``--downstream``: for each corrupted file, an MLP is trained on (a) the corrupted data with the
   minimum a user does to make scikit-learn run (numeric columns as pandas reads them, ±inf and NaN set
   to the column median) and (b) the ``dataaudit fix --drop-leaky`` output, and scored on the clean test
   split (transformed by ``apply`` for b); the table gives each score relative to (c) the same MLP on the
   clean training split after ``fix``. A column kept in another unit (scale_blowup) belongs to the source,
   so the test split of that file is in the same unit; every other corruption is in the training part only.
``--quick`` uses the scikit-learn bases only and no peers (a CI-sized run); ``--audit`` prints the
findings on each clean base, for auditing ``bases.TRUTH`` by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _checkout  # noqa: F401  (this checkout's dataaudit, before any other import of it)
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bases as bases_module  # noqa: E402
import corrupt  # noqa: E402
import scoring  # noqa: E402

from dataaudit import FixOptions, apply_recipe, fix, scan  # noqa: E402

GOALS = {"moderate": 0.95, "strong": 0.95, "weak": 0.8}
# Why a peer's alarm on a clean base is not a real problem of that base (audited by hand, per alert type).
VERDICTS = {
    "HIGH_CORRELATION": "correlated measurements (|r| ≈ 0.9 on its 'auto' measure) are not redundant copies; the "
                        "real near-copies (|r| ≥ 0.98, breast cancer's radius/perimeter/area) are in the truth",
    "FeatureFeatureCorrelation": "as HIGH_CORRELATION: correlated, not redundant",
    "FeatureLabelCorrelation": "a strong feature (iris petal size, PPS ≥ 0.8) is what a model should learn, not a leak",
    "SKEWED": "skewed measurements (pixel counts, standard errors) that are not outliers; the real heavy tails are "
              "in the truth",
    "outlier": "cleanlab flags its most atypical rows in every dataset; no column, so no planted problem can match",
    "near_duplicate": "near-duplicate rows by feature distance, flagged in every dataset",
    "CONSTANT": "a column constant in a clean base is in the truth; this one is not constant in the file",
    "UNIQUE": "unique values of a continuous measurement, not an identifier",
    "IsSingleValue": "as CONSTANT",
    "MixedDataTypes": "a numeric column read as text by the tool",
    "StringMismatch": "category spellings that are not variants of each other",
    "ConflictingLabels": "fair's answers are coarse codes (85% of rows distinct): the same answers with different "
                         "outcomes is class overlap, not an error — dataaudit's DA703 stays silent below 90% distinct "
                         "rows for that reason (a judgment call; count it as real if you disagree)",
}


@dataclass
class CorpusFile:
    base: str
    strength: str  # "clean" for the uncorrupted training split
    path: Path
    target: str
    task: str
    planted: list[corrupt.Planted] = field(default_factory=list)


@dataclass
class Corpus:
    files: list[CorpusFile]
    tests: dict[str, Path]  # base -> clean test split
    cleans: dict[str, Path]  # base -> clean training split
    skipped: dict[str, list[str]]  # base -> corruptions that do not apply
    sources: dict[str, tuple[str, str]]  # base -> (source, package version)


def available_bases(names: list[str] | None = None) -> dict[str, bases_module.Base]:
    out = {}
    for name, load in bases_module.BASES.items():
        if names is not None and name not in names:
            continue
        try:
            out[name] = load()
        except ImportError as exc:
            print(f"skipping base {name}: {exc} (pip install -e '.[bench]')", file=sys.stderr)
    return out


def build_corpus(bases: dict[str, bases_module.Base], workdir: Path, seed: int = 0,
                 strengths: tuple[str, ...] = corrupt.STRENGTHS) -> Corpus:
    from sklearn.model_selection import train_test_split

    files, tests, cleans, skipped, sources = [], {}, {}, {}, {}
    for name, base in bases.items():
        stratify = base.frame[base.target] if base.task == "classification" else None
        train, test = train_test_split(base.frame, test_size=0.3, random_state=seed, stratify=stratify)
        train, test = train.reset_index(drop=True), test.reset_index(drop=True)
        clean_path, test_path = workdir / f"{name}-clean.csv", workdir / f"{name}-test.csv"
        train.to_csv(clean_path, index=False)
        test.to_csv(test_path, index=False)
        tests[name], cleans[name] = test_path, clean_path
        sources[name] = (base.source, base.version())
        files.append(CorpusFile(name, "clean", clean_path, base.target, base.task))
        for strength in strengths:
            plans, skipped[name] = corrupt.plan(name, train, base.target, base.task, strength, seed)
            for file_plan in plans:
                frame, planted = corrupt.corrupt(train, base.target, base.task, file_plan, seed)
                path = workdir / f"{file_plan.name}.csv"
                frame.to_csv(path, index=False)
                path.with_suffix(".truth.json").write_text(json.dumps([p.to_dict() for p in planted], indent=1))
                files.append(CorpusFile(name, strength, path, base.target, base.task, planted))
    return Corpus(files, tests, cleans, skipped, sources)


def run_dataaudit(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """file name -> {"alerts", "exit_code", "seconds", "score"(risk)}."""
    out = {}
    for f in corpus.files:
        started = time.perf_counter()
        report = scan(f.path, target=f.target)
        out[f.path.name] = {"alerts": scoring.dataaudit_alerts(report), "exit_code": report.exit_code(),
                            "seconds": time.perf_counter() - started, "findings": report.findings}
    return out


def run_peers(corpus: Corpus, workdir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """peer -> file name -> {"alerts", "seconds", "error"}."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))
    import run as peers_run  # noqa: PLC0415  (bench/peers/run.py)

    manifest = [{"id": f.path.name, "path": str(f.path), "target": f.target, "task": f.task} for f in corpus.files]
    manifest_path = workdir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    out = {}
    for peer in peers_run.PEERS:
        if not peers_run.available(peer):
            print(f"peer {peer}: not set up (bash bench/peers/setup.sh)", file=sys.stderr)
            continue
        print(f"running {peer} on {len(manifest)} files ...", file=sys.stderr)
        result = peers_run.run_peer(peer, manifest_path, workdir / f"peer-{peer}.json", timeout_s=3600)
        out[peer] = {fid: {"alerts": scoring.peer_alerts(entry), "seconds": entry.get("seconds"),
                           "error": entry.get("error")} for fid, entry in result["results"].items()}
        out[peer]["__version__"] = result.get("version")
    return out


def score_tool(corpus: Corpus, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Recall per family × strength, per corruption × strength, false alarms (clean and corrupted)."""
    scored, clean_alarms, errors = [], {}, []
    for f in corpus.files:
        entry = results.get(f.path.name)
        if entry is None or entry.get("error"):
            errors.append(f.path.name)
            alerts: list[scoring.Alert] = []
        else:
            alerts = entry["alerts"]
        truth = bases_module.TRUTH.get(f.base, {})
        score = scoring.score_file(alerts, f.planted, truth)
        if f.strength == "clean":
            clean_alarms[f.base] = score.false_alarms
        else:
            scored.append((score, f.strength))
    return {
        "recall": scoring.recall_table(scored),
        "by_corruption": scoring.recall_by_corruption(scored),
        "alarms": scoring.alarms_by_family(s for s, _ in scored),
        "precision": scoring.precision_by_family([s for s, _ in scored]),
        "clean_alarms": clean_alarms,
        "alarm_list": [(a, st) for s, st in scored for a in s.false_alarms],
        "errors": errors,
    }


# --- downstream -----------------------------------------------------------------------------------

def _model(task: str):
    """A small MLP; for regression the target is standardised inside the model (for every variant alike)."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler

    kwargs = dict(hidden_layer_sizes=(32,), max_iter=300, random_state=0)
    if task == "classification":
        return MLPClassifier(**kwargs)
    return TransformedTargetRegressor(MLPRegressor(**kwargs), transformer=StandardScaler())


def _metric(task: str, y_true, y_pred) -> float:
    from sklearn.metrics import balanced_accuracy_score, r2_score

    return float(balanced_accuracy_score(y_true, y_pred) if task == "classification" else r2_score(y_true, y_pred))


def _fit_score(task: str, X_train, y_train, X_test, y_test) -> float:
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            model = _model(task).fit(X_train, y_train)
            return _metric(task, y_test, model.predict(X_test))
        except ValueError:  # e.g. inputs that overflow float64 in the network
            return float("nan")


def minimal_score(f: CorpusFile, test_path: Path) -> float:
    train, test = pd.read_csv(f.path), pd.read_csv(test_path)
    X = train.drop(columns=f.target).select_dtypes("number").replace([np.inf, -np.inf], np.nan)
    medians = X.median()
    X = X.fillna(medians).fillna(0.0)
    X_test = test.reindex(columns=X.columns).apply(pd.to_numeric, errors="coerce").fillna(medians).fillna(0.0)
    return _fit_score(f.task, X.to_numpy(float), train[f.target], X_test.to_numpy(float), test[f.target])


def fixed_score(path: Path, target: str, task: str, test_path: Path, workdir: Path) -> float:
    recipe_path = workdir / f"{path.stem}.recipe.json"
    result = fix(path, target=target, recipe_path=recipe_path, options=FixOptions(drop_leaky=True), overwrite=True,
                 rescan=False)
    train = result.frame
    test, _ = apply_recipe(recipe_path, test_path)
    features = [c for c in train.columns if c != target]
    train = train[train[target].notna()]
    return _fit_score(task, train[features].to_numpy(float), train[target], test[features].to_numpy(float),
                      test[target])


def run_downstream(corpus: Corpus, workdir: Path) -> list[dict[str, Any]]:
    reference = {b: fixed_score(p, next(f.target for f in corpus.files if f.base == b),
                                next(f.task for f in corpus.files if f.base == b), corpus.tests[b], workdir)
                 for b, p in corpus.cleans.items()}
    rows = []
    for f in corpus.files:
        if f.strength == "clean":
            continue
        test = corpus.tests[f.base]
        if any(p.corruption == "scale_blowup" for p in f.planted):  # the unit is the source's: the test has it too
            test = workdir / f"{f.path.stem}.test.csv"
            corrupt.replay_systematic(pd.read_csv(corpus.tests[f.base]), f.planted).to_csv(test, index=False)
        rows.append({"file": f.path.stem, "base": f.base, "strength": f.strength,
                     "minimal": minimal_score(f, test),
                     "fixed": fixed_score(f.path, f.target, f.task, test, workdir),
                     "reference": reference[f.base]})
    return rows


# --- reporting ------------------------------------------------------------------------------------

def _ratio(cell: tuple[int, int] | None) -> str:
    return "–" if not cell or not cell[1] else f"{cell[0] / cell[1]:.2f} ({cell[0]}/{cell[1]})"


def tables(corpus: Corpus, tools: dict[str, dict[str, Any]], timings: dict[str, list[float]],
           downstream: list[dict[str, Any]] | None, command: str) -> str:
    strengths = [s for s in corrupt.STRENGTHS if any(f.strength == s for f in corpus.files)]
    families = [f for f in corrupt.FAMILIES if any(p.family == f for c in corpus.files for p in c.planted)]
    names = list(tools)
    lines = ["# Detection quality", "",
             f"Produced by `{command}` on {len(corpus.files)} files ({len(corpus.cleans)} clean bases, "
             f"{sum(len(f.planted) for f in corpus.files)} planted problems). Seeded: rerun to reproduce.", "",
             "## Bases", "", "| base | source | version | rows (train) | corruptions that do not apply |",
             "|---|---|---|---|---|"]
    for b, (src, ver) in corpus.sources.items():
        rows = sum(1 for _ in open(corpus.cleans[b], encoding="utf-8")) - 1
        lines.append(f"| {b} | `{src}` | {ver} | {rows} | {', '.join(corpus.skipped.get(b, [])) or '–'} |")
    lines += ["", "## Recall per family and strength", "",
              "Found on the right column, any severity; the goal is ≥ 0.95 at moderate and strong, ≥ 0.80 at weak.", "",
              "| family | strength | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for fam in families:
        for st in strengths:
            cells = [_ratio(tools[n]["recall"].get((fam, st))) for n in names]
            lines.append(f"| {fam} | {st} | " + " | ".join(cells) + " |")
    lines += ["", "## False alarms", "",
              "Alerts of severity ≥ medium (every peer alert) on columns with nothing planted and not a real "
              "problem of the base. *clean* counts them on the clean bases (goal: ≤ 1 per base).", "",
              "| tool | on clean bases (per base) | on corrupted files | by family |", "|---|---|---|---|"]
    for n in names:
        t = tools[n]
        per_base = ", ".join(f"{b} {len(a)}" for b, a in t["clean_alarms"].items())
        total = sum(t["alarms"].values())
        fams = ", ".join(f"{k} {v}" for k, v in sorted(t["alarms"].items())) or "–"
        lines.append(f"| {n} | {per_base} | {total} | {fams} |")
    peers = [n for n in names if n != "dataaudit"]
    if peers:
        lines += ["", "### What the peers raise on the clean bases", "",
                  "Every alarm a peer raised on a clean base, by alert type, with our verdict (the audit the "
                  "ground truth asks for: a real problem of the base would have gone into `bases.TRUTH`).", "",
                  "| tool | alert | family | alarms (base: count) | verdict |", "|---|---|---|---|---|"]
        for n in peers:
            kinds: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for b, alarms in tools[n]["clean_alarms"].items():
                for a in alarms:
                    kinds[(a.name, a.family)][b] += 1
            for (alert, fam), per in sorted(kinds.items()):
                where = ", ".join(f"{b}: {c}" for b, c in per.items())
                lines.append(f"| {n} | {alert} | {fam} | {where} | {VERDICTS.get(alert, 'not a problem of the base')} |")
    lines += ["", "## Precision per family", "", "| family | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for fam in families:
        lines.append(f"| {fam} | " + " | ".join(_ratio(tools[n]["precision"].get(fam)) for n in names) + " |")
    lines += ["", "## Recall per corruption (dataaudit)", "", "| corruption | family | " + " | ".join(strengths) + " |",
              "|---|---|" + "---|" * len(strengths)]
    da = tools["dataaudit"]
    for name, c in corrupt.CORRUPTIONS.items():
        cells = [_ratio(da["by_corruption"].get((name, st))) for st in strengths]
        if any(c != "–" for c in cells):
            lines.append(f"| {name} | {c.family} | " + " | ".join(cells) + " |")
    if len(names) > 1:
        lines += ["", "## Recall per corruption, all tools (moderate strength)", "",
                  "| corruption | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for name in corrupt.CORRUPTIONS:
            cells = [_ratio(tools[n]["by_corruption"].get((name, "moderate"))) for n in names]
            if any(c != "–" for c in cells):
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Time per file", "", "| tool | median s | max s | total s |", "|---|---|---|---|"]
    for n, secs in timings.items():
        secs = [s for s in secs if s is not None]
        if secs:
            lines.append(f"| {n} | {np.median(secs):.2f} | {max(secs):.2f} | {sum(secs):.1f} |")
    exit_codes = defaultdict(int)
    for entry in tools["dataaudit"].get("exit_codes", []):
        exit_codes[entry] += 1
    if exit_codes:
        lines += ["", "dataaudit exit codes: " + ", ".join(f"{k}: {v} files" for k, v in sorted(exit_codes.items()))]
    if downstream:
        lines += ["", "## Downstream: an MLP trained on the corrupted file, scored on the clean test split", "",
                  "Balanced accuracy (classification) or R² (regression) on the clean 30% test split, mean over the "
                  "files of each base and strength (median). *clean* is the same MLP trained on the clean training split "
                  "after `fix`; *minimal* is the corrupted file with the least a user does to make scikit-learn "
                  "run (numeric columns, NaN/inf → median); *fix* is `dataaudit fix --drop-leaky` of the corrupted "
                  "file, with the test split transformed by `apply`.", "",
                  "| base | metric | clean | strength | files | minimal | fix |", "|---|---|---|---|---|---|---|"]
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in downstream:
            groups[(row["base"], row["strength"])].append(row)
        for (b, st), rows in groups.items():
            metric = "R²" if next(f.task for f in corpus.files if f.base == b) == "regression" else "bal. acc."
            med = {k: float(np.nanmedian([r[k] for r in rows])) for k in ("reference", "minimal", "fixed")}
            lines.append(f"| {b} | {metric} | {med['reference']:.2f} | {st} | {len(rows)} | {med['minimal']:.2f} | "
                         f"{med['fixed']:.2f} |")  # medians: one blown-up run scores R² = -1e10
        by_task: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        for row in downstream:
            task = next(f.task for f in corpus.files if f.base == row["base"])
            by_task[task].append((row["reference"], row["minimal"], row["fixed"]))
        for task, vals in by_task.items():
            arr = np.array(vals, dtype=float)
            lines.append("")
            lines.append(f"Over all {task} files (median): clean {np.nanmedian(arr[:, 0]):.3f}, minimal {np.nanmedian(arr[:, 1]):.3f}, "
                         f"fix {np.nanmedian(arr[:, 2]):.3f}.")
    return "\n".join(lines) + "\n"


def audit(corpus: Corpus, results: dict[str, dict[str, Any]]) -> None:
    """Print every finding of severity ≥ medium on the clean bases, for auditing bases.TRUTH."""
    for f in corpus.files:
        if f.strength != "clean":
            continue
        print(f"\n== {f.base} ({f.path.name})")
        for finding in results[f.path.name]["findings"]:
            if finding.severity >= scoring.MEDIUM:
                print(f"  {finding.rule} {finding.category} {finding.column or ','.join(finding.columns) or '-'}: "
                      f"{finding.message[:140]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scikit-learn bases only, no peers")
    parser.add_argument("--bases", nargs="*", help="only these bases")
    parser.add_argument("--peers", action="store_true", help="also run the peers set up in bench/peers")
    parser.add_argument("--downstream", action="store_true", help="also train models on corrupted and fixed data")
    parser.add_argument("--audit", action="store_true", help="print the findings on the clean bases")
    parser.add_argument("--out", type=Path, help="write the Markdown summary here (docs/quality.md)")
    parser.add_argument("--workdir", type=Path, help="keep the corpus here (default: a temporary directory)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = list(bases_module.SKLEARN_BASES) if args.quick else args.bases
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        corpus = build_corpus(available_bases(names), workdir, args.seed)
        results = run_dataaudit(corpus)
        if args.audit:
            audit(corpus, results)
            return 0
        tools = {"dataaudit": score_tool(corpus, results)}
        tools["dataaudit"]["exit_codes"] = [r["exit_code"] for r in results.values()]
        timings = {"dataaudit": [r["seconds"] for r in results.values()]}
        if args.peers and not args.quick:
            for peer, peer_results in run_peers(corpus, workdir).items():
                tools[peer] = score_tool(corpus, peer_results)
                timings[peer] = [r["seconds"] for k, r in peer_results.items() if k != "__version__"]
        downstream = run_downstream(corpus, workdir) if args.downstream else None
        command = "python bench/quality.py" + (" --quick" if args.quick else "") + (" --peers" if args.peers else "") \
            + (" --downstream" if args.downstream else "") + (f" --out {args.out}" if args.out else "")
        text = tables(corpus, tools, timings, downstream, command)
    print(text)
    da = tools["dataaudit"]
    print("false alarms on corrupted files (dataaudit):")
    for alert, strength in da["alarm_list"]:
        print(f"  {strength:<8} {alert.name} {alert.family} {','.join(alert.columns) or '-'}")
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def misses(corpus: Corpus, results: dict[str, dict[str, Any]], corruption: str | None = None) -> list[str]:
    """Planted problems not found, with what was found on that column (for tuning)."""
    out = []
    for f in corpus.files:
        if f.strength == "clean":
            continue
        alerts = results[f.path.name]["alerts"]
        score = scoring.score_file(alerts, f.planted, bases_module.TRUTH.get(f.base, {}))
        for p, hit in score.found:
            if hit or (corruption and p.corruption != corruption):
                continue
            near = [f"{a.name}:{a.family}" for a in alerts if p.column in a.columns]
            out.append(f"{f.path.stem} {p.corruption} {p.column}: found there {near or 'nothing'}")
    return out
