"""Ordinary files (tests/corpus/make_ordinary.py) go through every command as a new user would run them.

Every case: ``scan`` in every format (exit 0 or 1, valid JSON, the findings the case expects), ``fix`` with a
recipe and a report (exit 0, model-ready output with the columns the case expects, readable by others under
the usual umask), ``apply`` of that recipe to the same file (exit 0, the same columns) and ``diff`` of the file
with itself. The conftest fails any test whose command line says "internal error". The tests after the
driver check what the values must be.
"""

from __future__ import annotations

import json
import os
import stat

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit import fix, scan
from dataaudit.analysis.report import report_schema
from dataaudit.cli import cli
from dataaudit.formatters import FORMATTERS

from .conftest import INTERNAL_ERROR, _fail_on_internal_error
from .corpus import make_ordinary

CASES = {case.name: case for case in make_ordinary.CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_ordinary.write(tmp_path_factory.mktemp("ordinary"))


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _target(case) -> list[str]:
    return ["--target", case.target] if case.target else []


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_command_runs_on_the_ordinary_file(corpus, name, tmp_path, umask_022):
    case, path = CASES[name], corpus[name]
    before = path.read_bytes()
    for fmt in sorted(FORMATTERS):
        result = _run("scan", path, "--format", fmt, *_target(case))
        assert result.exit_code in (0, 1), (fmt, result.output[-500:])
    report = json.loads(_run("scan", path, "--format", "json", *_target(case)).output)
    jsonschema.validate(report, report_schema())
    found = {(f["rule"], f["column"]) for f in report["findings"]}
    for rule, column in case.rules.items():
        assert (rule, column) in found, (rule, column, sorted(found))
    assert not {rule for rule, _ in found} & set(case.absent), sorted(found)

    out, recipe, fix_report = tmp_path / "fixed.parquet", tmp_path / "recipe.json", tmp_path / "fix.md"
    result = _run("fix", path, "-o", out, "--recipe", recipe, "--report", fix_report, *_target(case))
    assert result.exit_code == 0, result.output[-500:]
    fixed = pd.read_parquet(out)
    assert set(case.fix_columns) <= set(fixed.columns), list(fixed.columns)
    assert not set(case.without) & set(fixed.columns), list(fixed.columns)
    features = fixed.drop(columns=[case.target] if case.target else [])
    assert np.isfinite(features.to_numpy(dtype=float)).all()
    for written in (out, recipe, fix_report):
        assert stat.S_IMODE(written.stat().st_mode) == 0o644, written  # as any tool writes under umask 022

    applied = tmp_path / "applied.parquet"
    result = _run("apply", recipe, path, "-o", applied)
    assert result.exit_code == 0, result.output[-500:]
    assert [c for c in pd.read_parquet(applied).columns] == [c for c in fixed.columns]

    result = _run("diff", path, path, *_target(case))
    assert result.exit_code in (0, 1), result.output[-500:]
    assert path.read_bytes() == before


def test_the_guard_catches_an_internal_error():
    with pytest.raises(pytest.fail.Exception, match="reported a bug"):
        _fail_on_internal_error(b"", f"{INTERNAL_ERROR}: TypeError: boom".encode())


def test_apply_reads_decimal_commas_the_way_its_own_file_writes_them(corpus, tmp_path):
    fitted = fix(corpus["prices_dot.csv"], target="label", recipe_path=tmp_path / "r.json")
    result = _run("apply", tmp_path / "r.json", corpus["prices_comma.csv"], "-o", tmp_path / "a.parquet")
    assert result.exit_code == 0, result.output
    applied = pd.read_parquet(tmp_path / "a.parquet")
    assert len(applied) == 1500
    pd.testing.assert_frame_equal(applied, fitted.pre_resample, check_dtype=False)


def test_apply_refuses_numbers_that_no_longer_parse(corpus, tmp_path):
    fix(corpus["prices_dot.csv"], target="label", recipe_path=tmp_path / "r.json")
    frame = pd.read_csv(corpus["prices_dot.csv"])
    frame["weight"] = frame["weight"].astype(str) + " kg?"  # every number now mangled
    frame.to_csv(tmp_path / "mangled.csv", index=False)
    result = _run("apply", tmp_path / "r.json", tmp_path / "mangled.csv", "-o", tmp_path / "a.parquet")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "mangled.csv" in line and "'weight'" in line and "do not read as numbers" in line
    assert not (tmp_path / "a.parquet").exists()


def test_mixed_date_formats_are_read_exactly(corpus):
    result = fix(corpus["mixed_dates.csv"], target="label", options=_plain_fix_options())
    frame = result.pre_resample
    assert (frame["when__days"] == frame["truth__days"]).all()
    assert (frame["when__month"] == frame["truth__month"]).all()
    (finding,) = [f for f in result.before.findings if f.rule == "DA413"]
    assert finding.evidence["day_first"] is True and finding.evidence["decided"] == "by the values"


def test_undecided_day_month_order_is_reported_and_can_be_set(corpus):
    path = corpus["undecided_dates.csv"]
    (default,) = [f for f in scan(path, target="label").findings if f.rule == "DA413"]
    assert default.evidence["day_first"] is False and "no value settles it" in default.evidence["decided"]
    options = {"DA413": {"day_order": "day-first"}}
    (chosen,) = [f for f in scan(path, target="label", rule_options=options).findings if f.rule == "DA413"]
    assert chosen.evidence["day_first"] is True and "option" in chosen.message
    dates = pd.to_datetime(pd.read_csv(path)["when"], format="%d/%m/%Y")  # day first: the second number is the month
    fixed = fix(path, target="label", options=_plain_fix_options(), rule_options=options).pre_resample
    # every date in 2024, so the month only repeats the days and is left out (issue 17, item 7)
    assert "when__month" not in fixed.columns
    assert (fixed["when__days"].to_numpy() == (dates - dates.min()).dt.days.to_numpy()).all()


def test_durations_are_seconds_and_times_of_day_cyclic(corpus):
    report = scan(corpus["durations.parquet"], target="label")
    call = next(c for c in report.columns if c["name"] == "call")
    assert call["inferred_type"] in ("integer", "numeric") and call["min"] >= 5 and call["max"] < 3600
    assert report.dataset["converted"] == {"call": "duration[ns] as seconds"}
    fixed = fix(corpus["durations.parquet"], target="label", options=_plain_fix_options()).pre_resample
    assert fixed["call"].std() > 0
    radius = fixed["opened__hour_sin"] ** 2 + fixed["opened__hour_cos"] ** 2
    assert np.allclose(radius, 1.0)


def test_the_hour_of_a_timestamp_reaches_the_model(corpus, tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from dataaudit import apply_recipe

    frame = pd.read_csv(corpus["hourly.csv"])
    frame.iloc[:2000].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[2000:].to_csv(tmp_path / "test.csv", index=False)
    fitted = fix(tmp_path / "train.csv", target="label", recipe_path=tmp_path / "r.json")
    test, _ = apply_recipe(tmp_path / "r.json", tmp_path / "test.csv")
    features = [c for c in fitted.frame.columns if c != "label"]
    # office hours are a band of the clock: two cyclic features and their product separate it linearly enough
    model = LogisticRegression().fit(_with_products(fitted.frame[features]), fitted.frame["label"])
    auc = roc_auc_score(test["label"], model.predict_proba(_with_products(test[features]))[:, 1])
    assert auc > 0.8, auc


def test_numbers_with_a_unit_become_a_named_numeric_column(corpus):
    report = scan(corpus["units.csv"], target="label")
    (finding,) = [f for f in report.findings if f.rule == "DA401"]
    assert finding.evidence["unit"] == "km/h" and "speed [km/h]" in finding.message
    raw = pd.read_csv(corpus["units.csv"])["speed"].str.replace(" km/h", "").astype(float)
    from dataaudit.fixing.options import FixOptions

    fixed = fix(corpus["units.csv"], target="label", options=FixOptions(scaler="none", outliers="none"))
    assert np.allclose(fixed.pre_resample["speed [km/h]"], raw)


def _with_products(frame: pd.DataFrame) -> pd.DataFrame:
    sin, cos = frame["when__hour_sin"], frame["when__hour_cos"]
    return frame.assign(sin2=sin * sin, cos2=cos * cos, sincos=sin * cos)


def _plain_fix_options():
    from dataaudit.fixing.options import FixOptions

    return FixOptions(scaler="none", outliers="none")


def test_apply_on_dask_refuses_numbers_that_no_longer_parse_with_one_line(corpus, tmp_path, scheduler):
    fix(corpus["prices_dot.csv"], target="label", recipe_path=tmp_path / "r.json")
    frame = pd.read_csv(corpus["prices_dot.csv"])
    frame["weight"] = frame["weight"].astype(str) + " kg?"
    frame.to_csv(tmp_path / "mangled.csv", index=False)
    result = _run("apply", tmp_path / "r.json", tmp_path / "mangled.csv", "-o", tmp_path / "out",
                  "--engine", "dask", "--scheduler", scheduler)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "mangled.csv: does not fit the recipe" in line and "'weight'" in line
    assert not (tmp_path / "out").exists()


def test_timestamps_with_offsets_are_read_as_the_same_instants(corpus):
    result = fix(corpus["zoned_times.csv"], target="label", options=_plain_fix_options())
    assert result.dropped_columns == {"utc": "duplicate of another column"}  # the same instants, in UTC
    utc = pd.to_datetime(pd.read_csv(corpus["zoned_times.csv"])["utc"])
    days = (utc - utc.min().normalize()).dt.total_seconds() / 86400
    assert np.allclose(result.pre_resample["when__days"], days)


def test_apply_scores_every_row_in_order_and_keeps_what_it_is_asked_to(tmp_path, rng):
    """Scoring data: rows out = rows in, in order, duplicates included; --keep carries an ID through unchanged."""
    from .conftest import clean_frame

    clean_frame(rng, 600).to_csv(tmp_path / "train.csv", index=False)
    fix(tmp_path / "train.csv", target="label", recipe_path=tmp_path / "r.json")
    score = clean_frame(rng, 300).drop(columns="label")
    score = pd.concat([score, score.iloc[:20]], ignore_index=True)  # 20 rows scored twice
    score.insert(0, "customer_id", [f"C{i:05d}" for i in range(len(score))])
    score.to_csv(tmp_path / "score.csv", index=False)
    result = _run("apply", tmp_path / "r.json", tmp_path / "score.csv", "-o", tmp_path / "s.parquet",
                  "--keep", "customer_id")
    assert result.exit_code == 0, result.output
    scored = pd.read_parquet(tmp_path / "s.parquet")
    assert len(scored) == 320 and list(scored["customer_id"]) == list(score["customer_id"])
    assert scored.columns[0] == "customer_id"
    assert np.isfinite(scored.drop(columns="customer_id").to_numpy(dtype=float)).all()
    missing = _run("apply", tmp_path / "r.json", tmp_path / "score.csv", "-o", tmp_path / "t.parquet",
                   "--keep", "order_id")
    assert missing.exit_code == 2 and "--keep: no column 'order_id'" in missing.stderr


def test_apply_refuses_a_file_of_another_schema(tmp_path, rng):
    from .conftest import clean_frame

    clean_frame(rng, 600).to_csv(tmp_path / "train.csv", index=False)
    fix(tmp_path / "train.csv", target="label", recipe_path=tmp_path / "r.json")
    pd.DataFrame({"height": rng.normal(170, 10, 50), "weight": rng.normal(70, 10, 50),
                  "a": rng.normal(50, 10, 50)}).to_csv(tmp_path / "other.csv", index=False)
    result = _run("apply", tmp_path / "r.json", tmp_path / "other.csv", "-o", tmp_path / "o.parquet")
    assert result.exit_code == 2 and not (tmp_path / "o.parquet").exists()
    (line,) = result.stderr.strip().splitlines()
    assert "other.csv" in line and "4 of the recipe's 5 input columns are missing" in line and "colour" in line
    few = pd.read_csv(tmp_path / "train.csv").drop(columns=["d", "label"])  # one column short: a note, not a refusal
    few.to_csv(tmp_path / "few.csv", index=False)
    ok = _run("apply", tmp_path / "r.json", tmp_path / "few.csv", "-o", tmp_path / "f.parquet")
    assert ok.exit_code == 0 and "'d'" in ok.stderr
