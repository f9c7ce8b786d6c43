"""Settings from dataaudit.toml / [tool.dataaudit]: found upward, command line wins, typos are errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dataaudit import config
from dataaudit.cli import cli
from dataaudit.errors import UsageError


@pytest.fixture
def project(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"customer_id": np.arange(1, 301), "x": rng.normal(size=300),
                          "y": rng.normal(size=300), "label": rng.integers(0, 2, 300)})
    frame.loc[:30, "x"] = np.nan
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "d.csv", index=False)
    sub = tmp_path / "data" / "deeper"
    sub.mkdir()
    monkeypatch.chdir(sub)
    return tmp_path


def _scan(*args: str):
    result = CliRunner().invoke(cli, ["scan", "../d.csv", "--format", "json", *args])
    return result, (json.loads(result.output) if result.exit_code in (0, 1) else None)


def test_pyproject_table_is_found_upward_and_applied(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dataaudit]\ntarget = "label"\nfail-on = "medium"\n'
        'per-column-ignores = {customer_id = ["DA702"]}\n\n[tool.dataaudit.rules.DA101]\n', encoding="utf-8")
    result, report = _scan()
    assert report["target"] == "label"
    assert report["summary"]["fail_on"] == "medium"
    rules = {(f["rule"], f["column"]) for f in report["findings"]}
    assert ("DA702", "customer_id") not in rules and ("DA101", "x") in rules
    assert result.exit_code == 1  # DA101 is high, at or above medium


def test_command_line_wins_and_isolated_ignores_the_file(project):
    (project / "dataaudit.toml").write_text('target = "label"\nfail-on = "never"\nignore = ["DA1"]\n', encoding="utf-8")
    _, report = _scan()
    assert report["summary"]["fail_on"] == "never" and not any(f["rule"].startswith("DA1") for f in report["findings"])
    _, report = _scan("--fail-on", "high", "--ignore", "DA7")
    assert report["summary"]["fail_on"] == "high" and any(f["rule"] == "DA101" for f in report["findings"])
    _, report = _scan("--isolated")
    assert report["target"] is None


def test_rule_thresholds_from_the_file(project):
    (project / "dataaudit.toml").write_text('[rules.DA101]\nbogus = 1\n', encoding="utf-8")
    result, _ = _scan()
    assert result.exit_code == 2 and "DA101 has no option 'bogus'" in result.stderr


@pytest.mark.parametrize("text, words", [
    ('targte = "label"\n', "unknown key 'targte'"),
    ('max-rows = "many"\n', "max-rows must be int"),
    ('[fix]\nscaler = 3\n', "fix.scaler must be str"),
    ('[fix]\nscalar = "mad"\n', "unknown key 'fix.scalar'"),
    ('select = ["DA1", 2]\n', "list of strings"),
    ('target = \n', "not valid TOML"),
])
def test_bad_settings_are_one_clear_error(project, text, words):
    (project / "dataaudit.toml").write_text(text, encoding="utf-8")
    result, _ = _scan()
    assert result.exit_code == 2 and words in result.stderr and "dataaudit.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_fix_reads_its_options_from_the_file(project):
    (project / "dataaudit.toml").write_text('target = "label"\n[fix]\nscaler = "standard"\nseed = 3\n',
                                            encoding="utf-8")
    out = Path(os.getcwd()) / "fixed.parquet"
    result = CliRunner().invoke(cli, ["fix", "../d.csv", "-o", str(out), "--recipe", "r.json"])
    assert result.exit_code == 0, result.output
    recipe = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert recipe["target"] == "label"
    steps = {s["step"]: s for s in recipe["steps"]}
    assert steps["robust-scale"]["params"]["scaler"] == "standard" and steps["resample"]["params"]["seed"] == 3


def test_explicit_config_path_and_missing_file():
    with pytest.raises(UsageError, match="config file not found"):
        config.load("/no/such/dataaudit.toml")
    assert config.load(isolated=True).values == {}


# --- per-column settings: [columns.<name>] ---------------------------------------------------------------


@pytest.fixture
def columns_project(tmp_path, monkeypatch):
    """A project with pyproject.toml: `income` uses -1 for unknown, `skewed`/`also_skewed` are heavy-tailed,
    `other` holds -1 too but nobody declared it."""
    rng = np.random.default_rng(0)
    n = 1000
    income = rng.normal(50, 2, n).round(2)
    income[:60] = -1
    other = rng.normal(50, 2, n).round(2)
    other[:60] = -1
    city = rng.choice(["north", "south", "east"], n).astype(object)
    city[:30] = "-1"
    city[30:40] = " unknown "
    frame = pd.DataFrame({"income": income, "other": other, "skewed": rng.lognormal(0, 1.5, n).round(3),
                          "also_skewed": rng.lognormal(0, 1.5, n).round(3), "city": city,
                          "label": rng.integers(0, 2, n)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dataaudit]\ntarget = "label"\n\n'
        '[tool.dataaudit.columns.income]\nmissing-values = [-1]\n\n'
        '[tool.dataaudit.columns.city]\nmissing-values = [-1, "unknown"]\n\n'
        '[tool.dataaudit.columns.skewed]\nrules.DA203 = { min_skew = 100.0 }\n\n'
        '[tool.dataaudit.columns.not_in_this_file]\nignore = ["DA702"]\nmissing-values = [0]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _by_rule_and_column(report: dict) -> dict[tuple[str, str | None], dict]:
    return {(f["rule"], f["column"]): f for f in report["findings"]}


def test_columns_settings_end_to_end_scan(columns_project):
    result = CliRunner().invoke(cli, ["scan", "d.csv", "--format", "json"])
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""  # a settings column absent from the file is neither an error nor noise
    report = json.loads(result.stdout)
    found = _by_rule_and_column(report)
    # the declared sentinel is missing, said to come from the settings, and fools no other check
    assert found[("DA101", "income")]["evidence"]["declared_missing"] == {"-1": 60}
    assert "declared missing in the settings" in found[("DA101", "income")]["message"]
    assert not {r for r, c in found if c == "income"} - {"DA101", "DA105"}
    # the same -1 in an undeclared column keeps today's verdict: a likely placeholder
    assert ("DA103", "other") in found and ("DA101", "other") not in found
    # '-1' in a text column matches numerically, ' unknown ' after stripping
    assert found[("DA101", "city")]["evidence"]["declared_missing"] == {"-1": 30, "unknown": 10}
    columns = {c["name"]: c for c in report["columns"]}
    assert columns["city"]["missing_count"] == 40 and columns["city"]["declared_missing"] == {"-1": 30, "unknown": 10}
    assert "declared_missing" not in columns["other"]
    # the per-column threshold silences DA203 on its column only
    assert ("DA203", "skewed") not in found and ("DA203", "also_skewed") in found


def test_columns_settings_end_to_end_fix_and_apply(columns_project):
    result = CliRunner().invoke(cli, ["fix", "d.csv", "-o", "fixed.csv", "--recipe", "r.json"])
    assert result.exit_code == 0, result.output
    assert "mark-missing: values declared missing in the settings set to missing: `income` 60 (-1 ×60)" in result.stdout
    recipe = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert recipe["steps"][0] == {"step": "mark-missing", "params": {"values": {"income": [-1], "city": [-1, "unknown"]}},
                                  "fitted": {}}
    fixed = pd.read_csv("fixed.csv")
    assert fixed["income__missing"].iloc[:60].eq(1).all() and fixed["income__missing"].iloc[60:].eq(0).all()
    # apply needs no settings file: -1 in new data becomes missing and is imputed like an empty cell
    Path("pyproject.toml").unlink()
    new = pd.read_csv("d.csv").iloc[100:103].reset_index(drop=True)
    new["income"] = [-1.0, np.nan, 50.0]
    new.to_csv("new.csv", index=False)
    result = CliRunner().invoke(cli, ["apply", "r.json", "new.csv", "-o", "new_fixed.csv"])
    assert result.exit_code == 0, result.output
    assert "mark-missing: values declared missing in the settings set to missing: `income` 1 (-1 ×1)" in result.stderr
    out = pd.read_csv("new_fixed.csv")
    assert out["income__missing"].tolist() == [1.0, 1.0, 0.0]
    assert out["income"][0] == out["income"][1] != out["income"][2]  # -1 imputed exactly as the empty cell


def test_column_ignore_works_like_per_column_ignores(project):
    (project / "dataaudit.toml").write_text('[columns.customer_id]\nignore = ["DA702"]\n', encoding="utf-8")
    _, report = _scan()
    assert ("DA702", "customer_id") not in {(f["rule"], f["column"]) for f in report["findings"]}
    _, report = _scan("--isolated")
    assert ("DA702", "customer_id") in {(f["rule"], f["column"]) for f in report["findings"]}


def test_settings_merge_both_ignore_spellings(tmp_path):
    settings = config.parse({"per-column-ignores": {"a": ["DA702"]},
                             "columns": {"a": {"ignore": ["DA702", "DA201"]}, "b": {"ignore": ["DA4"]}}},
                            tmp_path / "dataaudit.toml")
    assert settings.column_ignores == {"a": ["DA702", "DA201"], "b": ["DA4"]}
    assert settings.scan_options()["missing_values"] is None and settings.missing_values == {}


@pytest.mark.parametrize("text, words", [
    ('[rules.DA999]\nthreshold = 1\n', "rules.DA999: unknown rule 'DA999'"),
    ('[rules.robust-outliers]\nthreshold = 1\n', "write its code, DA201"),
    ('[rules.DA201]\nthreshhold = 5\n', "rules.DA201: rule DA201 has no option 'threshhold'"),
    ('[rules.DA201]\nthreshold = "high"\n', "rules.DA201: rule DA201 option threshold must be a number, not str"),
    ('[rules.DA405]\nmax_categories = 2.5\n', "option max_categories must be a whole number"),
    ('[columns.income.rules.DA203]\nskew = 8.0\n', "columns.income.rules.DA203: rule DA203 has no option 'skew'"),
    ('[columns.income.rules.DA999]\nx = 1\n', "columns.income.rules.DA999: unknown rule"),
    ('[columns.income]\nmissing-values = -1\n', "columns.income.missing-values must be list, not int -1"),
    ('[columns.income]\nmissing-values = [-1, true]\n', "columns.income.missing-values must be a list of numbers or strings"),
    ('[columns.income]\nmissing-values = [nan]\n', "must hold finite numbers or strings"),
    ('[columns.income]\nmissing-values = [[-1]]\n', "must be a list of numbers or strings"),
    ('[columns.income]\nmising-values = [-1]\n', "unknown key 'columns.income.mising-values'"),
    ('[columns.income]\nignore = [1]\n', "columns.income.ignore must be a list of strings"),
    ('[columns.income]\nignore = ["DA9"]\n', "columns.income.ignore: no rule matches 'DA9'"),
    ('columns = {income = 3}\n', "columns.income must be a table"),
    ('per-column-ignores = {customer_id = ["DA7O2"]}\n', "per-column-ignores.customer_id: no rule matches 'DA7O2'"),
    ('fail-on = "hgh"\n', "fail-on must be one of info, low, medium, high, critical, never, not 'hgh'"),
    ('max-rows = 5\n', "max-rows must be at least 100"),
    ('[fix]\nscaler = "madd"\n', "fix.scaler must be one of mad, robust, standard, none"),
])
def test_bad_column_and_rule_settings_are_one_clear_error(project, text, words):
    (project / "dataaudit.toml").write_text(text, encoding="utf-8")
    result, _ = _scan()
    assert result.exit_code == 2 and words in result.stderr and "dataaudit.toml" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_fix_refuses_bad_settings_before_reading_data(project):
    (project / "dataaudit.toml").write_text('[columns.x]\nmissing-values = "n/a"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["fix", "../d.csv", "-o", "out.csv"])
    assert result.exit_code == 2 and "columns.x.missing-values must be list" in result.stderr
    assert not Path("out.csv").exists()


# --- the JSON Schema of the settings file ------------------------------------------------------------------

import jsonschema  # noqa: E402  (a test dependency only: the runtime check is config.parse)

SCHEMA_PATH = Path(config.__file__).parent / "resources" / "config.schema.json"
README = Path(__file__).resolve().parent.parent / "README.md"


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(config.config_schema())


def _rule_options_schema() -> dict:
    """What the schema's rules table must say: every registered rule and its options, from the registry."""
    from dataaudit.analysis.registry import all_rules
    from dataaudit.analysis.rule_options import option_kind

    words = {"a boolean": "boolean", "a whole number": "integer", "a number": "number", "a string": "string"}
    out = {}
    for rule in all_rules():
        options = {}
        for name, default in rule.parameters().items():
            kind = option_kind(default)
            options[name] = {**({"type": words[kind[0]]} if kind else {}), "default": default,
                             "description": f"{rule.code} option `{name}` (default {default}); "
                                            f"`dataaudit explain {rule.code}` says what the rule measures."}
        out[rule.code] = {"type": "object", "additionalProperties": False,
                          "description": f"{rule.code} {rule.name} ({rule.category}): {rule.summary}",
                          "properties": options}
    return out


def test_schema_is_valid_draft_2020_12_and_describes_every_key():
    schema = config.config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def described(node, where):
        for key, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}.{key} has no description"
            described(sub, f"{where}.{key}")

    described(schema, "settings")
    described(schema["$defs"]["column"], "columns.<name>")


def test_schema_rules_match_the_registry():
    """The rules part is generated: DATAAUDIT_UPDATE_GOLDEN=1 pytest tests/test_config.py rewrites it."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    expected = _rule_options_schema()
    if os.environ.get("DATAAUDIT_UPDATE_GOLDEN") == "1":
        schema["$defs"]["rules"]["properties"] = expected
        SCHEMA_PATH.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert schema["$defs"]["rules"]["properties"] == expected, (
        "a rule, its summary or its options changed: regenerate the schema's rules with "
        "DATAAUDIT_UPDATE_GOLDEN=1 python -m pytest -q tests/test_config.py -k schema_rules and review the diff")


def test_schema_rules_catalogue_matches_the_registry():
    """``dataaudit rules`` and ``explain`` read the shipped catalogue (no check imported): it must say what the
    checks' own docstrings and options say. DATAAUDIT_UPDATE_GOLDEN=1 rewrites it."""
    from dataaudit.analysis import catalogue

    if os.environ.get("DATAAUDIT_UPDATE_GOLDEN") == "1":
        catalogue.write()
        catalogue.catalogue.cache_clear()
    assert list(catalogue.catalogue()) == catalogue.build(), (
        "a rule's text or options changed: regenerate dataaudit/resources/rules.json with "
        "DATAAUDIT_UPDATE_GOLDEN=1 python -m pytest -q tests/test_config.py -k schema_rules and review the diff")


def test_schema_and_hand_validation_know_the_same_keys():
    from dataaudit.analysis.report import FAIL_ON_CHOICES
    from dataaudit.fixing.options import CHOICES

    schema = config.config_schema()
    assert set(schema["properties"]) == set(config.SCAN_KEYS)
    assert set(schema["properties"]["fix"]["properties"]) == set(config.FIX_KEYS)
    assert set(schema["$defs"]["column"]["properties"]) == set(config.COLUMN_KEYS)
    assert schema["properties"]["fail-on"]["enum"] == list(FAIL_ON_CHOICES)
    for key, choices in CHOICES.items():
        assert schema["properties"]["fix"]["properties"][key.replace("_", "-")]["enum"] == list(choices)
    assert schema["properties"]["max-rows"]["minimum"] == config.MIN_MAX_ROWS


FULL_EXAMPLE = """
target = "label"
fail-on = "medium"
select = ["DA1", "DA2", "DA7"]
ignore = ["DA603"]
max-rows = 50000
sheet = 0
per-column-ignores = {customer_id = ["DA702"]}

[rules.DA201]
threshold = 5.0
max_share = 0.3

[rules.DA405]
max_categories = 80

[columns.income]
missing-values = [-1, -999.0, "unknown", ""]
ignore = ["heavy-tail"]
rules.DA201 = { threshold = 8 }

[columns.zip]
rules.DA408 = { max_distinct = 20000 }

[fix]
scaler = "robust"
impute = "median"
outliers = "none"
encode = "ordinal"
resample = "none"
seed = 7
drop-leaky = true
clip-k = 4
spreadsheet-safe = true
codes = "numeric"
"""


def _readme_settings_examples() -> list[str]:
    """The ```toml blocks of the README's settings section, as dataaudit.toml text (pyproject headers unwrapped)."""
    import re

    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README shows a settings example"
    unwrapped = [re.sub(r"^\s*\[tool\.dataaudit\]\s*$", "", b, flags=re.M) for b in blocks]
    return [re.sub(r"^(\s*)\[tool\.dataaudit\.", r"\1[", b, flags=re.M) for b in unwrapped]


def _both(text: str, tmp_path: Path) -> tuple[bool, bool, str]:
    """(valid by the schema, valid by config.parse, parse's error) for dataaudit.toml text."""
    import tomllib

    data = tomllib.loads(text)
    by_schema = _validator().is_valid(data)
    try:
        config.parse(data, tmp_path / "dataaudit.toml")
        return by_schema, True, ""
    except UsageError as exc:
        return by_schema, False, str(exc)


def test_full_and_readme_examples_are_valid_for_both(tmp_path):
    for text in [FULL_EXAMPLE, *_readme_settings_examples()]:
        assert _both(text, tmp_path)[:2] == (True, True), text


_AGREE_BAD = [
    'targte = "label"\n', 'target = 3\n', 'fail-on = "hgh"\n', 'select = "DA1"\n', 'select = ["DA1", 2]\n',
    'max-rows = 5\n', 'max-rows = 1.5\n', 'max-rows = true\n', 'sheet = 1.5\n', 'per-column-ignores = ["x"]\n',
    'per-column-ignores = {x = "DA702"}\n', 'per-column-ignores = {x = [1]}\n', 'rules = {DA201 = 5}\n',
    '[rules.DA999]\n', '[rules.DA201]\nthreshhold = 5\n', '[rules.DA201]\nthreshold = "5"\n',
    '[rules.DA201]\nthreshold = true\n', '[rules.DA302]\nmin_rows = 6.5\n', 'columns = {x = 3}\n',
    '[columns.x]\nmising = [1]\n', '[columns.x]\nmissing-values = -1\n', '[columns.x]\nmissing-values = [true]\n',
    '[columns.x]\nmissing-values = [{a = 1}]\n', '[columns.x]\nignore = "DA702"\n', '[columns.x]\nrules = 3\n',
    '[columns.x.rules.DA203]\nskew = 8.0\n', '[fix]\nscalar = "mad"\n', '[fix]\nscaler = 3\n',
    '[fix]\nscaler = "madd"\n', '[fix]\nseed = 1.5\n', '[fix]\ndrop-leaky = "yes"\n', '[fix]\nclip-k = "4"\n',
    '[fix]\ncodes = "nominal"\n', '[fix]\ncodes = true\n', 'fix = 3\n',
]


@pytest.mark.parametrize("text", _AGREE_BAD)
def test_schema_and_hand_validation_reject_the_same_settings(tmp_path, text):
    by_schema, by_hand, error = _both(text, tmp_path)
    assert (by_schema, by_hand) == (False, False), (text, error)
    assert "dataaudit.toml" in error and "\n" not in error


def test_what_only_the_runtime_check_can_see(tmp_path):
    """What a JSON Schema cannot express: patterns checked against the rule registry, TOML's NaN and inf,
    and TOML's float/integer distinction (JSON Schema counts 150000.0 as an integer)."""
    assert _both('[columns.x]\nignore = ["DA9"]\n', tmp_path)[:2] == (True, False)
    assert _both('max-rows = 1.5e5\n', tmp_path)[:2] == (True, False)
    data = {"columns": {"x": {"missing-values": [float("inf")]}}}
    with pytest.raises(UsageError, match="finite"):
        config.parse(data)


def test_declared_missing_counts_add_up_across_chunks():
    """The stream and Dask engines mark each batch on its own and add the counts up."""
    from dataaudit.core.declared_missing import add_counts

    total: dict = {}
    add_counts(total, {"age": {"-1": 3}, "city": {"unknown": 1}})
    add_counts(total, {"age": {"-1": 2, "999": 4}})
    add_counts(total, {})
    assert total == {"age": {"-1": 5, "999": 4}, "city": {"unknown": 1}}
