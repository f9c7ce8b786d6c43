"""The command line through click's CliRunner: exit codes 0/1/2, one-line errors, -o, --select/--ignore, rules, explain.

click 8.2+ keeps ``result.stdout`` and ``result.stderr`` apart (``result.output`` interleaves both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import dataaudit
from dataaudit.analysis.registry import all_rules, get_rule
from dataaudit.analysis.report import report_schema
from dataaudit.cli import cli


def _run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _clean_frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "x": rng.normal(0, 1, n).round(4),
        "y": rng.normal(5, 2, n).round(4),
        "z": rng.normal(-3, 0.5, n).round(4),
    })


def _write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


@pytest.fixture
def clean_csv(tmp_path) -> Path:
    return _write(tmp_path / "clean.csv", _clean_frame())


@pytest.fixture
def messy_csv(tmp_path) -> Path:
    """Infinite values (DA202, critical), one far outlier (DA201) and three duplicate rows (DA603)."""
    frame = _clean_frame()
    x = frame["x"].astype(object)
    x[5], x[9] = "inf", "-inf"
    frame["x"] = x
    frame.loc[3, "y"] = 500.0
    frame = pd.concat([frame, frame.iloc[10:13]], ignore_index=True)
    return _write(tmp_path / "messy.csv", frame)


@pytest.fixture
def low_csv(tmp_path) -> Path:
    """Clean columns plus three duplicate rows: a low finding (DA603) and nothing above it."""
    frame = _clean_frame()
    return _write(tmp_path / "dups.csv", pd.concat([frame, frame.iloc[:3]], ignore_index=True))


def _json(result: Result) -> dict | list:
    return json.loads(result.stdout)


def _rules_found(result: Result) -> set[str]:
    return {f["rule"] for f in _json(result)["findings"]}


def _assert_one_line_error(result: Result, *words: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    for text in (result.stdout, result.stderr, result.output):
        assert "Traceback" not in text
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dataaudit: error: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


# --- exit codes 0 and 1 ------------------------------------------------------------------------------------------

def test_cli_scan_clean_file_exits_0(clean_csv):
    result = _run("scan", clean_csv, "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = _json(result)
    assert report["findings"] == []
    assert report["summary"]["exit_code"] == 0


def test_cli_scan_clean_file_text_output_exits_0(clean_csv):
    result = _run("scan", clean_csv)

    assert result.exit_code == 0
    assert str(clean_csv) in result.stdout
    assert result.stderr == ""


def test_cli_scan_low_finding_fails_only_at_fail_on_low(low_csv):
    assert _run("scan", low_csv).exit_code == 0  # default fail-on high
    assert _run("scan", low_csv, "--fail-on", "medium").exit_code == 0
    assert _run("scan", low_csv, "--fail-on", "low").exit_code == 1
    assert _run("scan", low_csv, "--fail-on", "info").exit_code == 1

    severities = {f["severity"] for f in _json(_run("scan", low_csv, "--format", "json"))["findings"]}
    assert severities == {"low"}


def test_cli_scan_infinite_values_exit_1_by_default(messy_csv):
    result = _run("scan", messy_csv, "--format", "json")

    assert result.exit_code == 1
    report = _json(result)
    assert {"rule": "DA202", "severity": "critical", "column": "x"}.items() <= report["findings"][0].items()
    assert report["summary"]["exit_code"] == 1
    assert report["summary"]["fail_on"] == "high"


def test_cli_scan_fail_on_critical_still_fails_on_infinite_values(messy_csv):
    assert _run("scan", messy_csv, "--fail-on", "critical").exit_code == 1


def test_cli_scan_fail_on_never_exits_0(messy_csv):
    result = _run("scan", messy_csv, "--fail-on", "never")

    assert result.exit_code == 0
    assert "DA202" in result.stdout


# --- exit code 2: one line on stderr, no traceback ---------------------------------------------------------------

def _junk(tmp_path: Path) -> list[str]:
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\x00" + np.random.default_rng(0).integers(0, 256, 2048, dtype=np.uint8).tobytes())
    return ["scan", str(path)]


def _png(tmp_path: Path) -> list[str]:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return ["scan", str(path)]


def _empty(tmp_path: Path) -> list[str]:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    return ["scan", str(path)]


def _header_only(tmp_path: Path) -> list[str]:
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n", encoding="utf-8")
    return ["scan", str(path)]


def _with_clean(tmp_path: Path, *options: str) -> list[str]:
    return ["scan", str(_write(tmp_path / "clean.csv", _clean_frame())), *options]


ERROR_CASES = {
    # case: (argv builder, words the one stderr line must contain)
    "missing-file": (lambda t: ["scan", str(t / "missing.csv")], ["missing.csv", "no such file"]),
    "empty-file": (_empty, ["empty.csv", "empty"]),
    "header-only": (_header_only, ["header.csv", "header"]),
    "binary-junk": (_junk, ["junk.csv", "binary"]),
    "png-as-csv": (_png, ["image.csv", "binary"]),
    "unknown-target": (lambda t: _with_clean(t, "--target", "label"), ["clean.csv", "'label'", "not found"]),
    "unknown-select": (lambda t: _with_clean(t, "--select", "DA999"), ["DA999"]),
    "unknown-ignore": (lambda t: _with_clean(t, "--ignore", "XX1"), ["XX1"]),
    "unknown-select-in-list": (lambda t: _with_clean(t, "--select", "DA2,DA998"), ["DA998"]),
    "output-dir-missing": (lambda t: _with_clean(t, "-o", str(t / "no" / "such" / "r.json")), ["does not exist"]),
    "bad-fail-on": (lambda t: _with_clean(t, "--fail-on", "severe"), ["--fail-on", "severe"]),
    "bad-format": (lambda t: _with_clean(t, "--format", "yaml"), ["--format", "yaml"]),
    "scan-without-path": (lambda t: ["scan"], ["PATHS"]),
    "explain-unknown-code": (lambda t: ["explain", "DA999"], ["DA999"]),
}
_CLICK_USAGE_ERRORS = {"bad-fail-on", "bad-format", "scan-without-path"}


@pytest.mark.parametrize(
    "case", list(ERROR_CASES)
)
def test_cli_error_exits_2_with_one_line_on_stderr(tmp_path, case):
    build, words = ERROR_CASES[case]

    result = CliRunner().invoke(cli, build(tmp_path))

    _assert_one_line_error(result, *words)


@pytest.mark.parametrize("case", sorted(_CLICK_USAGE_ERRORS))
def test_cli_usage_error_exits_2_without_traceback(tmp_path, case):
    build, words = ERROR_CASES[case]

    result = CliRunner().invoke(cli, build(tmp_path))

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert all(word in result.stderr for word in words)


def test_cli_error_in_second_path_writes_no_output(tmp_path, clean_csv):
    out = tmp_path / "report.json"

    result = _run("scan", clean_csv, tmp_path / "missing.csv", "-o", out)

    _assert_one_line_error(result, "missing.csv")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["clean.csv"]  # no temporary file left behind


# --- output files and formats ------------------------------------------------------------------------------------

def test_cli_scan_output_json_validates_against_schema(tmp_path, messy_csv):
    out = tmp_path / "report.json"

    result = _run("scan", messy_csv, "--target", "z", "-o", out)

    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["dataset"]["path"] == str(messy_csv)
    assert report["target"] == "z"
    assert report["summary"]["exit_code"] == 1


def test_cli_scan_output_md_writes_markdown(tmp_path, messy_csv):
    out = tmp_path / "report.md"

    result = _run("scan", messy_csv, "-o", out)

    assert result.exit_code == 1
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#")
    assert "|---" in text and "DA202" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_cli_scan_format_option_wins_over_output_suffix(tmp_path, clean_csv):
    out = tmp_path / "report.md"

    result = _run("scan", clean_csv, "--format", "json", "-o", out)

    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 1


def test_cli_scan_format_json_on_stdout(messy_csv):
    result = _run("scan", messy_csv, "--format", "json")

    report = _json(result)
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["tool"] == {"name": "dataaudit", "version": dataaudit.__version__}
    assert result.stderr == ""


def test_cli_scan_two_paths_print_json_array_and_worst_exit_code(clean_csv, messy_csv):
    result = _run("scan", clean_csv, messy_csv, "--format", "json")

    assert result.exit_code == 1
    reports = _json(result)
    assert isinstance(reports, list) and len(reports) == 2
    validator = jsonschema.Draft202012Validator(report_schema())
    for report in reports:
        validator.validate(report)
    assert [r["dataset"]["path"] for r in reports] == [str(clean_csv), str(messy_csv)]
    assert [r["summary"]["exit_code"] for r in reports] == [0, 1]


def test_cli_scan_json_output_is_deterministic(messy_csv):
    first = _run("scan", messy_csv, "--format", "json", "--target", "z")
    second = _run("scan", messy_csv, "--format", "json", "--target", "z")

    assert first.stdout_bytes == second.stdout_bytes
    assert "timing" not in _json(first)


# --- -o never overwrites an input --------------------------------------------------------------------------------

def _same_file(tmp_path: Path, data: Path) -> Path:
    return data


def _other_spelling(tmp_path: Path, data: Path) -> Path:
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub" / ".." / data.name


def _symlink(tmp_path: Path, data: Path) -> Path:
    link = tmp_path / "link.json"
    link.symlink_to(data)
    return link


def _hardlink(tmp_path: Path, data: Path) -> Path:
    link = tmp_path / "hard.json"
    os.link(data, link)
    return link


@pytest.mark.parametrize("spell", [_same_file, _other_spelling, _symlink, _hardlink],
                         ids=["same-path", "other-spelling", "symlink", "hardlink"])
def test_cli_scan_refuses_output_over_input(tmp_path, messy_csv, spell):
    before = (messy_csv.read_bytes(), messy_csv.stat().st_mtime_ns)
    out = spell(tmp_path, messy_csv)

    result = _run("scan", messy_csv, "-o", out)

    _assert_one_line_error(result, "refusing to overwrite")
    assert (messy_csv.read_bytes(), messy_csv.stat().st_mtime_ns) == before
    if out.is_symlink():
        assert out.resolve() == messy_csv.resolve()


def test_cli_scan_refuses_output_over_any_of_several_inputs(tmp_path, clean_csv, messy_csv):
    before = messy_csv.read_bytes()

    result = _run("scan", clean_csv, messy_csv, "--format", "json", "-o", messy_csv)

    _assert_one_line_error(result, "refusing to overwrite")
    assert messy_csv.read_bytes() == before


def test_cli_scan_with_output_leaves_input_unchanged(tmp_path, messy_csv):
    before = (messy_csv.read_bytes(), messy_csv.stat().st_mtime_ns)

    result = _run("scan", messy_csv, "-o", tmp_path / "report.json")

    assert result.exit_code == 1
    assert (messy_csv.read_bytes(), messy_csv.stat().st_mtime_ns) == before


# --- --select / --ignore -----------------------------------------------------------------------------------------

def test_cli_scan_select_prefix_yields_only_that_family(messy_csv):
    result = _run("scan", messy_csv, "--select", "DA2", "--format", "json")

    found = _rules_found(result)
    assert found and all(code.startswith("DA2") for code in found)
    assert "DA603" in _rules_found(_run("scan", messy_csv, "--format", "json"))  # would be there without --select


def test_cli_scan_ignore_removes_rule(messy_csv):
    assert "DA202" in _rules_found(_run("scan", messy_csv, "--format", "json"))

    result = _run("scan", messy_csv, "--ignore", "DA202", "--format", "json")

    assert "DA202" not in _rules_found(result)
    assert "DA201" in _rules_found(result)


def test_cli_scan_ignore_critical_rule_changes_exit_code(messy_csv):
    # DA202 (critical) and DA201 (high) both fail at the default threshold; ignoring both leaves DA603 (low).
    assert _run("scan", messy_csv, "--ignore", "DA202").exit_code == 1
    assert _run("scan", messy_csv, "--ignore", "DA202,DA201").exit_code == 0


def test_cli_scan_comma_separated_and_repeated_codes(messy_csv):
    comma = _run("scan", messy_csv, "--select", "DA202,DA603", "--format", "json")
    repeated = _run("scan", messy_csv, "--select", "DA202", "--select", " DA603 ", "--format", "json")
    select_ignore = _run("scan", messy_csv, "--select", "DA2,DA6", "--ignore", "DA201", "--format", "json")

    assert _rules_found(comma) == {"DA202", "DA603"}
    assert comma.stdout == repeated.stdout
    assert _rules_found(select_ignore) == {"DA202", "DA603"}


# --- rules, explain, --version -----------------------------------------------------------------------------------

def test_cli_rules_lists_every_rule(tmp_path):
    result = _run("rules")

    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == [rule.code for rule in all_rules()]


def test_cli_explain_prints_why_it_hurts_training():
    result = _run("explain", "DA201")

    assert result.exit_code == 0
    assert result.stdout.startswith("DA201 robust-outliers")
    why = [line for line in result.stdout.splitlines() if line.startswith("Why it hurts training:")]
    assert len(why) == 1 and len(why[0]) > len("Why it hurts training: ") + 20
    assert "How fix repairs it:" in result.stdout


def test_cli_explain_says_how_the_rule_decides():
    """The docstring's paragraphs between the summary and "Why it hurts training" (DA701's measures and bars)."""
    result = _run("explain", "DA701")
    assert result.exit_code == 0
    decides = result.stdout.split("How it decides:\n", 1)[1].split("Why it hurts training:", 1)[0]
    assert "rank AUC" in decides and "balanced accuracy" in decides
    assert all(len(line) <= 100 for line in decides.splitlines())
    rule = get_rule("DA701")
    assert " ".join(decides.split()) == " ".join(" ".join(rule.details).split())


def test_cli_explain_leaves_out_how_it_decides_when_the_docstring_has_nothing_between():
    bare = next(r for r in all_rules() if not r.details)
    result = _run("explain", bare.code)
    assert result.exit_code == 0 and "How it decides:" not in result.stdout


@pytest.mark.parametrize("spelling", ["da201", "robust-outliers"])
def test_cli_explain_accepts_lowercase_code_and_check_name(spelling):
    result = _run("explain", spelling)

    assert result.exit_code == 0
    assert result.stdout.startswith("DA201 robust-outliers")


def test_cli_python_m_version():
    completed = subprocess.run([sys.executable, "-m", "dataaudit", "--version"], capture_output=True, text=True,
                               timeout=60, check=False)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"dataaudit, version {dataaudit.__version__}"


@pytest.mark.parametrize("args,code", [(["scan", "no-such-file.csv"], 2), (["--bogus"], 2), (["scan"], 2),
                                       (["scan", "sample_data/clean.csv"], 0), (["scan", "sample_data/mixed.csv"], 1)])
def test_entry_point_exit_codes_and_one_line_errors(args, code):
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-m", "dataaudit", *args], capture_output=True, text=True, cwd=root)
    assert result.returncode == code
    if code == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("dataaudit: error:")


def test_cli_fix_then_apply_round_trip(tmp_path):
    root = Path(__file__).resolve().parent.parent
    runner = CliRunner()
    src = str(root / "sample_data" / "mixed.csv")
    result = runner.invoke(cli, ["fix", src, "--target", "churned", "-o", str(tmp_path / "fixed.parquet"),
                                 "--recipe", str(tmp_path / "recipe.json"), "--report", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.stderr
    assert "Gradient risk" in (tmp_path / "r.md").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["apply", str(tmp_path / "recipe.json"), src, "-o", str(tmp_path / "applied.csv")])
    assert result.exit_code == 0, result.stderr
    assert pd.read_csv(tmp_path / "applied.csv").shape[0] == 2020  # every row scored, duplicates included
    again = runner.invoke(cli, ["apply", str(tmp_path / "recipe.json"), src, "-o", str(tmp_path / "applied.csv")])
    assert again.exit_code == 2 and "--overwrite" in again.stderr


def test_cli_fix_dry_run_writes_nothing(tmp_path):
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(cli, ["fix", str(root / "sample_data" / "clean.csv"), "-o", str(tmp_path / "o.csv"),
                                      "--recipe", str(tmp_path / "r.json"), "--dry-run"])
    assert result.exit_code == 0 and list(tmp_path.iterdir()) == []
    assert "dry run: nothing written" in result.output
    messy = CliRunner().invoke(cli, ["fix", str(root / "sample_data" / "mixed.csv"), "--target", "churned",
                                     "-o", str(tmp_path / "o.csv"), "--dry-run"])
    assert messy.exit_code == 1 and list(tmp_path.iterdir()) == []  # the same exit-code rule as scan


def test_max_rows_samples_the_row_level_checks_and_says_so(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=3000), "y": rng.normal(size=3000), "label": rng.integers(0, 2, 3000)})
    path = _write(tmp_path / "d.csv", frame)
    result = _run("scan", path, "--target", "label", "--max-rows", 500)
    assert result.exit_code == 0, result.output
    assert "sampled: DA103, DA105, DA503, DA605, DA606, DA607, DA701, probe used 500 of 3,000 rows" in result.output
    data = json.loads(_run("scan", path, "--target", "label", "--max-rows", 500, "--format", "json").output)
    sampled = ["DA103", "DA105", "DA503", "DA605", "DA606", "DA607", "DA701", "probe"]
    assert data["dataset"]["sample"] == {"rows": 500, "of": 3000, "checks": sampled}
    assert data["gradient_risk"]["probe"]["rows_used"] == 500
    assert "sample" not in json.loads(_run("scan", path, "--format", "json").output)["dataset"]
    bad = _run("scan", path, "--max-rows", 5)
    assert bad.exit_code == 2 and "--max-rows" in bad.output


def test_scan_appends_markdown_to_the_github_step_summary(tmp_path, clean_csv):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(clean_csv)], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n") and "## dataaudit:" in text and "Gradient risk" in text


def test_fix_dry_run_needs_no_destination(tmp_path):
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(cli, ["fix", str(root / "sample_data" / "clean.csv"), "--dry-run", "--isolated"])
    assert result.exit_code == 0 and "dry run: nothing written (would write" in result.output
    missing = CliRunner().invoke(cli, ["fix", str(root / "sample_data" / "clean.csv"), "--isolated"])
    assert missing.exit_code == 2 and "--output" in missing.stderr


def test_the_max_rows_help_names_every_check_that_reads_the_row_sample():
    """--max-rows' help, the settings schema and scan's docstring list the sampled checks by hand: keep them true."""
    from importlib import resources

    from dataaudit.analysis.registry import all_rules
    from dataaudit.api import scan

    sampled = [r.code for r in all_rules() if r.on_sample]
    listed = "(" + ", ".join(sampled) + ")"
    help_text = " ".join(CliRunner().invoke(cli, ["scan", "--help"]).output.split())
    schema = json.loads(resources.files("dataaudit").joinpath("resources/config.schema.json").read_text())
    assert listed in help_text
    assert listed in schema["properties"]["max-rows"]["description"]
    assert listed in " ".join(scan.__doc__.split())


def test_importing_the_package_loads_no_heavy_library():
    """`import dataaudit` (and so `dataaudit rules`, `explain`) must not pay for scipy, scikit-learn or dask: they
    load when a check, a step or an engine needs them."""
    code = ("import sys, dataaudit; print(sorted(m for m in ('scipy', 'sklearn', 'dask', 'distributed', 'imblearn') "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_light_commands_load_no_check_and_no_pandas():
    """`dataaudit rules`, `explain` and `--version` read the rule catalogue: neither the checks nor pandas or
    pyarrow load, so they start in a fraction of pandas' own import (bench/startup.py)."""
    code = ("import sys, dataaudit.cli; print(sorted(m for m in sys.modules if m in ('pandas', 'pyarrow') "
            "or m.startswith(('dataaudit.checks', 'dataaudit.analysis.registry'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_package_still_offers_the_registry_on_first_use():
    code = "import dataaudit; print(len(dataaudit.RULES) == len(dataaudit.all_rules()) > 40)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "True"


def test_the_light_commands_load_neither_the_verbs_nor_the_formats():
    """`dataaudit rules`, `explain` and `--version` import the rule registry and the command line only: the
    pipeline, the readers, the formats and the settings file load when scan, fix, apply or diff runs."""
    code = ("import sys, dataaudit.cli; print(sorted(m for m in sys.modules if m.startswith(('dataaudit.api', "
            "'dataaudit.analysis.pipeline', 'dataaudit.formatters', 'dataaudit.io', 'dataaudit.config', "
            "'dataaudit.baseline', 'dataaudit.steps', 'dataaudit.analysis.probe'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_command_line_offers_every_format():
    from dataaudit.cli import FORMAT_NAMES
    from dataaudit.formatters import FORMATTERS

    assert FORMAT_NAMES == tuple(sorted(FORMATTERS))


def test_importing_the_package_loads_no_engine_module():
    """Nor the engines (the Dask engine's modules above all) or the repair half but its options: they load when a
    command picks them."""
    code = ("import sys, dataaudit; print(sorted(m for m in sys.modules if m.startswith(('dataaudit.engines', "
            "'dataaudit.fixing.')) and m != 'dataaudit.fixing.options'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
