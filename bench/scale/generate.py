"""Seeded generator of N-row × 20-column mixed CSVs with planted problems, for the scale benchmark.

    python bench/scale/generate.py --rows 1000000 [--seed 0] [--workdir /tmp/dataaudit_scale] [--parquet] [--force]

Writes ``<workdir>/scale_<rows>_seed<seed>.csv`` (and ``.parquet`` with ``--parquet``) plus the ground truth
``<same stem>.manifest.json`` beside it. The table is built chunk by chunk (``CHUNK_ROWS`` rows, each chunk
from its own ``numpy.random.default_rng([seed, chunk])``), vectorised with numpy and pyarrow.compute, and
appended with ``pyarrow.csv.CSVWriter``, so 10M rows never need the whole table in memory (peak ≈ one chunk).
Files are written atomically and reused while the manifest's generator version, rows, seed and byte size
match (the cache key is (rows, seed); the chunk size is part of the generator version).

    python bench/scale/generate.py --wide 5000x1000 [--seed 0] [--workdir ...] [--force]

writes the wide table of issue 20 instead: ``bench/html_wide.wide_frame(columns, rows, seed)`` (``columns``
features, a leak and the binary ``label``) as ``<workdir>/wide_<rows>x<columns>_seed<seed>.csv`` with
``to_csv(index=False)``, and a manifest with no planted ground truth (its speed is measured, not its detection),
cached the same way.

The columns (a realistic mix, one planted problem per column so a finding can be matched by family and column,
like bench/corrupt.py's ground truth; ``corruption`` uses corrupt.py's names):

| column | values | planted problem (family: corruption) |
|---|---|---|
| customer_id | 'cust_' + 16 hex digits (a bijective hash of the row number), unique | leakage: id_column |
| signup_date | ISO date as text, 2015–2022 | encoding: dates_as_text |
| age | int 18–90 | missing: missing_mcar (5% empty cells) |
| gender | 'Male'/'Female' | encoding: category_variants (5%: 'male ', 'MALE', 'female') |
| region, plan | low-cardinality categoricals | — |
| is_member | 'yes'/'no' | encoding: booleans_as_text |
| income | lognormal, heavy right tail | — (tolerated: outliers) |
| balance | normal | outliers: outliers_scaled (1% of rows × 1,000) |
| credit_score | normal, one decimal | — (tolerated: redundancy, it is the copy's source) |
| tenure_months | int 0–120 | missing: sentinel (3% are -999) |
| num_purchases, visits | Poisson counts | — |
| amount_text | lognormal amounts as '1,234.50' text | encoding: numbers_as_text |
| score | model score in [0, 1], full double precision | missing: disguised_tokens (2% are '?') |
| revenue_micros | amounts in micro-units (×1e6), int | scale: scale_blowup |
| currency | 'USD' in 99.5% of rows, else 'EUR' | redundancy: constant_column (near-constant) |
| credit_score_copy | exact copy of credit_score | redundancy: duplicate_column |
| chargeback_flag | the label with 1% of rows replaced by a coin flip | leakage: leak_feature |
| label | binary target, ~10% positives (1:9) from a latent score | imbalance: class_imbalance |

The label is ``latent > q90`` for ``latent = -0.8·z(credit_score) + 0.6·z(visits) + 0.5·z(log income)
+ 0.4·z(tenure) + N(0, 1)``, computed before the problems are planted, so it is learnable from clean features.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 2  # bump when the data a (rows, seed) produces changes
CHUNK_ROWS = 250_000
TARGET = "label"
DEFAULT_WORKDIR = Path("/tmp/dataaudit_scale")

# name -> what it holds (the column order of the file)
COLUMNS: dict[str, str] = {
    "customer_id": "identifier 'cust_' + 16 hex digits, unique",
    "signup_date": "ISO date (YYYY-MM-DD) as text",
    "age": "int 18-90, 5% empty",
    "gender": "Male/Female, 5% misspelt variants",
    "region": "north/south/east/west",
    "plan": "basic/plus/pro",
    "is_member": "yes/no",
    "income": "lognormal(10.8, 0.6), 2 decimals",
    "balance": "normal(2500, 800), 2 decimals, 1% x 1000",
    "credit_score": "normal(680, 60), 1 decimal",
    "tenure_months": "int 0-120, 3% -999",
    "num_purchases": "Poisson(3)",
    "visits": "Poisson(12)",
    "amount_text": "lognormal(5.5, 1.0) amount as '1,234.50' text",
    "score": "beta(2, 2) model score, full precision, 2% '?'",
    "revenue_micros": "gamma(2, 25) amount in micro-units (x1e6), int",
    "currency": "'USD' 99.5%, 'EUR' 0.5%",
    "credit_score_copy": "exact copy of credit_score",
    "chargeback_flag": "label with 1% of rows replaced by a coin flip (0/1)",
    "label": "binary target, ~10% positives",
}

# The ground truth: one planted problem per column, scored for recall by (family, column).
PLANTED: list[dict[str, Any]] = [
    {"family": "missing", "column": "age", "corruption": "missing_mcar", "detail": "5% of cells empty"},
    {"family": "missing", "column": "score", "corruption": "disguised_tokens", "detail": "2% of cells are '?'"},
    {"family": "missing", "column": "tenure_months", "corruption": "sentinel", "detail": "3% of cells are -999"},
    {"family": "outliers", "column": "balance", "corruption": "outliers_scaled", "detail": "1% of rows x 1,000"},
    {"family": "imbalance", "column": "label", "corruption": "class_imbalance", "detail": "~10% positives (1:9)"},
    {"family": "encoding", "column": "amount_text", "corruption": "numbers_as_text", "detail": "'1,234.50'"},
    {"family": "encoding", "column": "signup_date", "corruption": "dates_as_text", "detail": "'2019-04-17'"},
    {"family": "encoding", "column": "is_member", "corruption": "booleans_as_text", "detail": "'yes'/'no'"},
    {"family": "encoding", "column": "gender", "corruption": "category_variants",
     "detail": "5% 'male ', 'MALE', 'female' for Male/Female"},
    {"family": "scale", "column": "revenue_micros", "corruption": "scale_blowup",
     "detail": "amounts x 1e6 (~5e7 vs ~1e3 elsewhere)"},
    {"family": "redundancy", "column": "credit_score_copy", "corruption": "duplicate_column",
     "detail": "exact copy of credit_score"},
    {"family": "redundancy", "column": "currency", "corruption": "constant_column",
     "detail": "near-constant: 'USD' in 99.5% of rows"},
    {"family": "leakage", "column": "chargeback_flag", "corruption": "leak_feature",
     "detail": "equals the label on ~99.5% of rows"},
    {"family": "leakage", "column": "customer_id", "corruption": "id_column", "detail": "unique identifier"},
]

# Real properties of the clean mix that are not planted: an alert on them is not a false alarm, nor required.
TOLERATED: list[dict[str, Any]] = [
    {"family": "outliers", "column": "income", "why": "lognormal income has a genuine heavy right tail"},
    {"family": "redundancy", "column": "credit_score", "why": "source of the exact copy credit_score_copy"},
]


def paths(workdir: Path, rows: int, seed: int) -> dict[str, Path]:
    stem = f"scale_{rows}_seed{seed}"
    return {"csv": workdir / f"{stem}.csv", "parquet": workdir / f"{stem}.parquet",
            "manifest": workdir / f"{stem}.manifest.json"}


# --------------------------------------------------------------------------- one chunk


def _exact_rows(rng, n: int, share: float):
    """A boolean mask with exactly round(share·n) rows set (at least one when n > 0)."""
    import numpy as np

    k = min(n, max(1, int(round(share * n)))) if n else 0
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def _categorical(rng, n: int, levels: list[str], p: list[float]):
    import numpy as np
    import pyarrow as pa

    codes = rng.choice(len(levels), size=n, p=p).astype(np.int32)
    return pa.DictionaryArray.from_arrays(codes, levels).cast(pa.string()), codes


def _amount_text(values):
    """'1,234.50'-style strings (non-negative, 2 decimals, comma thousands separators), column-wise."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cents = np.round(values * 100).astype(np.int64)
    whole, frac = cents // 100, cents % 100
    millions, thousands, units = whole // 1_000_000, (whole // 1000) % 1000, whole % 1000

    def text(a):
        return pc.cast(pa.array(a), pa.string())

    def pad3(a):
        return pc.utf8_lpad(text(a), width=3, padding="0")

    big = pc.binary_join_element_wise(text(millions), pad3(thousands), pad3(units), ",")
    mid = pc.binary_join_element_wise(text(thousands), pad3(units), ",")
    head = pc.if_else(pa.array(millions > 0), big, pc.if_else(pa.array(thousands > 0), mid, text(units)))
    return pc.binary_join_element_wise(head, pc.utf8_lpad(text(frac), width=2, padding="0"), ".")


_HEX = None


def _hex_ids(start: int, n: int):
    """'cust_' + 16 hex digits of a bijective 64-bit mix of the row number (unique, random-looking)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    global _HEX
    if _HEX is None:
        _HEX = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2")
    x = np.arange(start + 1, start + n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # odd: bijective
    x ^= x >> np.uint64(31)  # xorshift: bijective
    digits = np.ascontiguousarray(_HEX[x.astype(">u8").view(np.uint8).reshape(n, 8)]).view("S16").ravel()
    return pc.binary_join_element_wise("cust_", pa.array(digits, type=pa.binary()).cast(pa.string()), "")


def _z(values):
    import numpy as np

    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / (values.std() or 1.0)


def make_chunk(start: int, n: int, seed: int, chunk: int):
    """Rows ``start … start+n-1`` as a pyarrow Table, and the planted counts of this chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng([seed, chunk])
    counts: dict[str, int] = {}

    ids = _hex_ids(start, n)
    epoch_2015 = 16436  # days from 1970-01-01 to 2015-01-01
    days = (epoch_2015 + rng.integers(0, 8 * 365, n)).astype(np.int32)
    signup = pc.cast(pa.array(days, type=pa.int32()).cast(pa.date32()), pa.string())

    age = rng.integers(18, 91, n)
    age_missing = _exact_rows(rng, n, 0.05)
    counts["age_missing"] = int(age_missing.sum())

    gender_levels = ["Male", "Female", "male ", "MALE", "female"]
    gender, gender_codes = _categorical(rng, n, gender_levels, [0.475, 0.475, 0.02, 0.01, 0.02])
    counts["gender_variants"] = int((gender_codes >= 2).sum())
    region, _ = _categorical(rng, n, ["north", "south", "east", "west"], [0.3, 0.25, 0.25, 0.2])
    plan, _ = _categorical(rng, n, ["basic", "plus", "pro"], [0.6, 0.3, 0.1])
    member, _ = _categorical(rng, n, ["yes", "no"], [0.4, 0.6])

    income = np.round(rng.lognormal(10.8, 0.6, n), 2)
    balance = np.round(rng.normal(2500.0, 800.0, n), 2)
    credit = np.round(rng.normal(680.0, 60.0, n), 1)
    tenure = rng.integers(0, 121, n)
    purchases = rng.poisson(3.0, n)
    visits = rng.poisson(12.0, n)
    amount = rng.lognormal(5.5, 1.0, n)
    score = rng.beta(2.0, 2.0, n)  # a model's output, written with every digit
    revenue = np.round(rng.gamma(2.0, 25.0, n), 2)

    # label from the clean features: ~10% positives (the 0.9 quantile of a standard normal latent)
    weights = np.array([-0.8, 0.6, 0.5, 0.4])
    latent = (weights[0] * _z(credit) + weights[1] * _z(visits) + weights[2] * _z(np.log(income))
              + weights[3] * _z(tenure) + rng.normal(0.0, 1.0, n))
    label = (latent > 1.2815516 * np.sqrt(1.0 + (weights ** 2).sum())).astype(np.int8)
    counts["label_positive"] = int(label.sum())

    # planted problems
    outliers = _exact_rows(rng, n, 0.01)
    balance = np.where(outliers, np.round(balance * 1000.0, 2), balance)
    counts["balance_outliers"] = int(outliers.sum())
    sentinel = _exact_rows(rng, n, 0.03)
    tenure = np.where(sentinel, -999, tenure)
    counts["tenure_sentinel"] = int(sentinel.sum())
    tokens = _exact_rows(rng, n, 0.02)
    score_text = pc.if_else(pa.array(tokens), "?", pc.cast(pa.array(score), pa.string()))
    counts["score_tokens"] = int(tokens.sum())
    currency_other = _exact_rows(rng, n, 0.005)
    currency = pc.if_else(pa.array(currency_other), "EUR", "USD")
    counts["currency_eur"] = int(currency_other.sum())
    noisy = _exact_rows(rng, n, 0.01)
    chargeback = np.where(noisy, rng.integers(0, 2, n), label).astype(np.int8)
    counts["chargeback_noisy_rows"] = int(noisy.sum())
    counts["chargeback_equals_label"] = int((chargeback == label).sum())

    columns = {
        "customer_id": ids,
        "signup_date": signup,
        "age": pa.array(age, type=pa.int64(), mask=age_missing),
        "gender": gender,
        "region": region,
        "plan": plan,
        "is_member": member,
        "income": pa.array(income),
        "balance": pa.array(balance),
        "credit_score": pa.array(credit),
        "tenure_months": pa.array(tenure, type=pa.int64()),
        "num_purchases": pa.array(purchases, type=pa.int64()),
        "visits": pa.array(visits, type=pa.int64()),
        "amount_text": _amount_text(amount),
        "score": score_text,
        "revenue_micros": pa.array(np.round(revenue * 1e6).astype(np.int64)),
        "currency": currency,
        "credit_score_copy": pa.array(credit),
        "chargeback_flag": pa.array(chargeback, type=pa.int64()),
        "label": pa.array(label, type=pa.int64()),
    }
    assert list(columns) == list(COLUMNS)
    return pa.table(columns), counts


# --------------------------------------------------------------------------- the file


def write(rows: int, seed: int, workdir: Path, parquet: bool = False) -> dict[str, Any]:
    """Write the CSV (and Parquet) chunk by chunk, atomically, then the manifest; returns the manifest."""
    import pyarrow.csv as pacsv

    if rows < 1:
        raise ValueError("rows must be positive")
    workdir.mkdir(parents=True, exist_ok=True)
    where = paths(workdir, rows, seed)
    started = time.perf_counter()
    tmp_csv = where["csv"].with_name(where["csv"].name + ".part")
    tmp_pq = where["parquet"].with_name(where["parquet"].name + ".part")
    totals: dict[str, int] = {}
    csv_writer = pq_writer = None
    try:
        for chunk, start in enumerate(range(0, rows, CHUNK_ROWS)):
            table, counts = make_chunk(start, min(CHUNK_ROWS, rows - start), seed, chunk)
            if csv_writer is None:
                csv_writer = pacsv.CSVWriter(str(tmp_csv), table.schema,
                                             write_options=pacsv.WriteOptions(quoting_style="needed"))
                if parquet:
                    import pyarrow.parquet as pq

                    pq_writer = pq.ParquetWriter(str(tmp_pq), table.schema)
            csv_writer.write_table(table)
            if pq_writer is not None:
                pq_writer.write_table(table)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            schema = {f.name: str(f.type) for f in table.schema}
            del table
    finally:
        if csv_writer is not None:
            csv_writer.close()
        if pq_writer is not None:
            pq_writer.close()
    os.replace(tmp_csv, where["csv"])
    if parquet:
        os.replace(tmp_pq, where["parquet"])
    manifest = {
        "generator": "bench/scale/generate.py", "generator_version": GENERATOR_VERSION, "chunk_rows": CHUNK_ROWS,
        "rows": rows, "columns": len(COLUMNS), "seed": seed, "target": TARGET, "task": "classification",
        "csv": str(where["csv"]), "bytes": where["csv"].stat().st_size,
        "parquet": str(where["parquet"]) if parquet else None,
        "parquet_bytes": where["parquet"].stat().st_size if parquet else None,
        "generate_seconds": round(time.perf_counter() - started, 3),
        "schema_written": schema, "column_descriptions": COLUMNS,
        "planted": PLANTED, "tolerated": TOLERATED, "counts": totals,
    }
    tmp = where["manifest"].with_name(where["manifest"].name + ".part")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(tmp, where["manifest"])
    return manifest


def cached(rows: int, seed: int, workdir: Path, parquet: bool = False) -> dict[str, Any] | None:
    """The manifest of a complete cached file for (rows, seed), or None."""
    where = paths(workdir, rows, seed)
    try:
        manifest = json.loads(where["manifest"].read_text())
    except (OSError, ValueError):
        return None
    ok = (manifest.get("generator_version") == GENERATOR_VERSION and manifest.get("rows") == rows
          and manifest.get("seed") == seed and where["csv"].exists()
          and manifest.get("bytes") == where["csv"].stat().st_size)
    if ok and parquet:
        ok = where["parquet"].exists() and manifest.get("parquet_bytes") == where["parquet"].stat().st_size
    return manifest if ok else None


def ensure(rows: int, seed: int = 0, workdir: Path = DEFAULT_WORKDIR, parquet: bool = False,
           force: bool = False) -> tuple[dict[str, Any], bool]:
    """(manifest, generated_now). Generates in a child process when the cache misses.

    The child keeps the caller small: on Linux a process started with fork/vfork + exec inherits its parent's
    peak RSS as the floor of its own ``ru_maxrss``, so the benchmark runner must never hold a table itself.
    """
    workdir = Path(workdir)
    if not force:
        manifest = cached(rows, seed, workdir, parquet)
        if manifest is not None:
            return manifest, False
    cmd = [sys.executable, str(Path(__file__).resolve()), "--rows", str(rows), "--seed", str(seed),
           "--workdir", str(workdir), "--force", "--quiet"] + (["--parquet"] if parquet else [])
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"generating {rows} rows failed: {proc.stderr.strip()[-2000:]}")
    manifest = cached(rows, seed, workdir, parquet)
    if manifest is None:
        raise RuntimeError(f"generating {rows} rows left no complete file in {workdir}")
    return manifest, True


# --------------------------------------------------------------------------- the wide table


WIDE_VERSION = 1  # bump when bench/html_wide.wide_frame changes what a (rows, columns, seed) produces


def wide_shape(text: str) -> tuple[int, int]:
    """'5000x1000' -> (rows, columns)."""
    rows, sep, columns = text.lower().partition("x")
    if not sep or not rows.isdigit() or not columns.isdigit() or int(rows) < 1 or int(columns) < 1:
        raise ValueError(f"a wide table is ROWSxCOLUMNS (5000x1000), not {text!r}")
    return int(rows), int(columns)


def wide_paths(workdir: Path, rows: int, columns: int, seed: int) -> dict[str, Path]:
    stem = f"wide_{rows}x{columns}_seed{seed}"
    return {"csv": workdir / f"{stem}.csv", "manifest": workdir / f"{stem}.manifest.json"}


def write_wide(rows: int, columns: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Write the wide CSV atomically (bench/html_wide.wide_frame, then ``to_csv(index=False)``) and its manifest."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/html_wide.py: pandas and this dataaudit
    from html_wide import wide_frame

    workdir.mkdir(parents=True, exist_ok=True)
    where = wide_paths(workdir, rows, columns, seed)
    started = time.perf_counter()
    frame = wide_frame(columns, rows, seed)
    tmp = where["csv"].with_name(where["csv"].name + ".part")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, where["csv"])
    manifest = {
        "generator": "bench/scale/generate.py --wide (bench/html_wide.wide_frame)", "generator_version": WIDE_VERSION,
        "wide": True, "rows": rows, "columns": int(frame.shape[1]), "features": columns, "seed": seed,
        "target": TARGET, "task": "classification", "csv": str(where["csv"]), "bytes": where["csv"].stat().st_size,
        "generate_seconds": round(time.perf_counter() - started, 3),
        "column_descriptions": {}, "planted": [], "tolerated": [], "counts": {},
    }
    part = where["manifest"].with_name(where["manifest"].name + ".part")
    part.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(part, where["manifest"])
    return manifest


def cached_wide(rows: int, columns: int, seed: int, workdir: Path) -> dict[str, Any] | None:
    """The manifest of a complete cached wide file for (rows, columns, seed), or None."""
    where = wide_paths(workdir, rows, columns, seed)
    try:
        manifest = json.loads(where["manifest"].read_text())
    except (OSError, ValueError):
        return None
    ok = (manifest.get("generator_version") == WIDE_VERSION and manifest.get("rows") == rows
          and manifest.get("features") == columns and manifest.get("seed") == seed and where["csv"].exists()
          and manifest.get("bytes") == where["csv"].stat().st_size)
    return manifest if ok else None


def ensure_wide(rows: int, columns: int, seed: int = 0, workdir: Path = DEFAULT_WORKDIR,
                force: bool = False) -> tuple[dict[str, Any], bool]:
    """(manifest, generated_now) of the wide table; generated in a child process, as ``ensure``."""
    workdir = Path(workdir)
    if not force:
        manifest = cached_wide(rows, columns, seed, workdir)
        if manifest is not None:
            return manifest, False
    cmd = [sys.executable, str(Path(__file__).resolve()), "--wide", f"{rows}x{columns}", "--seed", str(seed),
           "--workdir", str(workdir), "--force", "--quiet"]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"generating the wide table {rows}x{columns} failed: {proc.stderr.strip()[-2000:]}")
    manifest = cached_wide(rows, columns, seed, workdir)
    if manifest is None:
        raise RuntimeError(f"generating the wide table {rows}x{columns} left no complete file in {workdir}")
    return manifest, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--wide", help="ROWSxCOLUMNS: the wide table (bench/html_wide.wide_frame) instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--parquet", action="store_true", help="also write a Parquet copy")
    parser.add_argument("--force", action="store_true", help="regenerate even if a cached file matches")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.wide is not None:
        try:
            rows, columns = wide_shape(args.wide)
        except ValueError as exc:
            parser.error(str(exc))
        manifest = cached_wide(rows, columns, args.seed, args.workdir) if not args.force else None
        state = "reusing"
        if manifest is None:
            manifest = write_wide(rows, columns, args.seed, args.workdir)
            state = f"generated in {manifest['generate_seconds']:.1f} s:"
        if not args.quiet:
            print(f"{state} {manifest['csv']} ({manifest['bytes'] / 2**20:.1f} MiB, {rows:,} rows x "
                  f"{manifest['columns']} columns)")
        return 0
    if args.rows is None or args.rows < 1:
        parser.error("--rows must be given and positive (or --wide ROWSxCOLUMNS)")
    manifest = cached(args.rows, args.seed, args.workdir, args.parquet) if not args.force else None
    state = "reusing"
    if manifest is None:
        manifest = write(args.rows, args.seed, args.workdir, args.parquet)
        state = f"generated in {manifest['generate_seconds']:.1f} s:"
    if not args.quiet:
        print(f"{state} {manifest['csv']} ({manifest['bytes'] / 2**20:.1f} MiB, {args.rows:,} rows x "
              f"{manifest['columns']} columns); ground truth in {paths(args.workdir, args.rows, args.seed)['manifest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
