"""Every format renders every value a report can hold (issue 15, item 2).

A property test builds reports whose probe has each key independently absent, None, 0, huge (1e300)
or an ordinary value, with findings whose evidence holds None, NaN and ±inf, and renders them in every
scan format and every fix-report format: no exception, JSON without NaN that validates against the
schema, and no "None"/"nan" where a number belongs. Then the dollar-valued regression table of the
issue goes through the command line in every format, `fix --report` and `diff`.
"""

from __future__ import annotations

import dataclasses
import json
import math

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.analysis.attribution import attribute
from dataaudit.analysis.findings import Finding, Severity
from dataaudit.analysis.probe import summary
from dataaudit.analysis.registry import get_rule
from dataaudit.analysis.report import report_schema
from dataaudit.api import fix
from dataaudit.cli import cli
from dataaudit.fixing.report import probe_rows
from dataaudit.fixing.report import render as render_fix
from dataaudit.formatters import FORMATTERS, render

from .conftest import write_csv
from .corpus.make_ordinary import houses_frame

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
VALIDATOR = jsonschema.Draft202012Validator(report_schema())
FIX_FORMATS = ("text", "markdown", "json", "html")
ABSENT = object()
HUGE = 1e300

# every numeric key of the probe, with an ordinary value for it
NUMBERS = {"rows_used": 1000, "features": 3, "classes": 2, "steps": 50, "nan_batch_share": 0.66,
           "first_nonfinite_step": 17, "nonfinite_input_batch_share": 0.3, "overflow_batch_share": 0.36,
           "overflow_step": 17, "grad_ratio": 8.8e4, "dominant_feature_share": 0.99, "grad_norm_spread": 3.3e73,
           "condition_number": 54.4, "raw_condition_number": 1.4e10, "redundant_directions": 1,
           "loss_first": 4.0e11, "loss_last": 0.5, "target_scale": 3.1e5, "seconds": 0.01}


def _number(normal: float) -> st.SearchStrategy:
    return st.sampled_from([ABSENT, None, 0, HUGE, normal])


def _present(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not ABSENT}


def _shares() -> st.SearchStrategy:
    return st.one_of(st.sampled_from([ABSENT, None, {}]),
                     st.fixed_dictionaries({"0": _number(0.8), "1": _number(0.2)}).map(_present))


PROBE = st.fixed_dictionaries({
    **{key: _number(normal) for key, normal in NUMBERS.items()},
    "task": st.sampled_from([ABSENT, None, "classification", "regression"]),
    "dominant_feature": st.sampled_from([ABSENT, None, "x", "<b>a|b</b> `c`"]),
    "trajectory": st.sampled_from([ABSENT, None, "diverges", "stalls", "decreases"]),
    "zero_variance_features": st.sampled_from([ABSENT, None, [], ["x"]]),
    "feature_grad_norms": st.one_of(st.sampled_from([ABSENT, None]),
                                    st.fixed_dictionaries({"x": _number(2.0), "y": _number(1e5)}).map(_present)),
    "class_gradient_share": _shares(),
    "class_row_share": _shares(),
}).map(_present)

ODD = [None, math.nan, math.inf, -math.inf, HUGE, 0, 1.5, "text", True]
EVIDENCE = st.dictionaries(
    st.sampled_from(["count", "fraction", "max_robust_z", "ratio", "value", "examples"]),
    st.one_of(st.sampled_from(ODD), st.lists(st.sampled_from(ODD), max_size=3),
              st.lists(st.fixed_dictionaries({"row": st.sampled_from([None, 0, 3, -1, math.nan]),
                                               "value": st.sampled_from(ODD)}), max_size=3)),
    max_size=4)


@st.composite
def findings(draw) -> list[Finding]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        rule = get_rule(draw(st.sampled_from(["DA101", "DA201", "DA501", "DA303", "DA605"])))
        columns = draw(st.sampled_from([(), ("x",), ("x", "<b>a|b</b> `c`")]))
        out.append(Finding(rule.code, rule.name, rule.category, draw(st.sampled_from(list(Severity))),
                           columns[0] if columns else None, columns, draw(st.sampled_from(["m", "<i>|`m`</i>"])),
                           draw(EVIDENCE), rule.gradient_effect, rule.fix))
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A real fix result (so HTML has plots to draw), whose reports the examples then change."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=80), "y": rng.normal(size=80) * 1e5,
                          "label": rng.integers(0, 2, 80)})
    frame.loc[:5, "x"] = np.nan
    return fix(write_csv(tmp_path_factory.mktemp("base") / "t.csv", frame), target="label")


def _with(report, probe, found, attribution):
    if probe is not None and attribution != "absent":
        probe = {**probe, "attribution": attribute(probe, found, target="label") if attribution == "computed"
                 else attribution}
    return dataclasses.replace(report, probe=probe, findings=found)


@SETTINGS
@given(before=st.one_of(st.none(), PROBE), after=st.one_of(st.none(), PROBE), found=findings(),
       found_after=findings(), attribution=st.sampled_from(["computed", "absent", None, []]))
def test_every_format_renders_every_value(base, before, after, found, found_after, attribution):
    report = _with(base.before, before, found, attribution)
    for fmt in FORMATTERS:
        out = render([report], fmt)
        assert isinstance(out, str) and out
        if fmt == "json":
            VALIDATOR.validate(json.loads(out))  # json.dumps(allow_nan=False) gave no NaN/inf
    result = dataclasses.replace(base, before=report, after=_with(base.after, after, found_after, attribution))
    for fmt in FIX_FORMATS:
        out = render_fix(result, fmt)
        assert out
        if fmt == "json":
            json.loads(out)
    if before is not None:  # a number that is not there shows as '—', never as None or nan
        words = summary(before) + " ".join(" ".join(row) for row in probe_rows(before, after))
        assert "None" not in words and "nan" not in words and "inf%" not in words


def _houses(n: int = 300) -> pd.DataFrame:
    return houses_frame(n)


def _run(args: list[str]):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), (args, result.output)
    assert "internal error" not in result.output, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    return result


def test_houses_table_through_the_cli_in_every_format(tmp_path):
    path = str(write_csv(tmp_path / "houses.csv", _houses()))
    outputs = {fmt: _run(["scan", path, "--target", "price", "--format", fmt]).stdout for fmt in FORMATTERS}
    probe = json.loads(outputs["json"])["gradient_risk"]["probe"]
    assert probe["overflow_step"] is not None and probe["overflow_batch_share"] > 0
    assert probe["nonfinite_input_batch_share"] == 0
    assert all(v is not None for v in probe["feature_grad_norms"].values())
    assert "NaN/inf" not in outputs["text"] and "NaN/inf" not in outputs["markdown"]
    assert "the loss overflows at step" in outputs["text"]
    for suffix in ("txt", "md", "json", "html"):
        report = tmp_path / f"fix.{suffix}"
        _run(["fix", path, "--target", "price", "-o", str(tmp_path / "out.parquet"), "--overwrite",
              "--report", str(report)])
        assert report.read_text(encoding="utf-8")
    fixed = json.loads((tmp_path / "fix.json").read_text(encoding="utf-8"))
    assert fixed["before"]["gradient_risk"]["probe"]["overflow_step"] is not None
    assert fixed["after"]["gradient_risk"]["probe"]["overflow_batch_share"] == 0
    assert "batches whose loss overflowed" in (tmp_path / "fix.txt").read_text(encoding="utf-8")
    for fmt in ("text", "json", "markdown", "html"):
        _run(["diff", path, path, "--target", "price", "--format", fmt])


def test_missing_values_still_count_as_non_finite_input_batches(tmp_path):
    frame = _houses()
    frame["rooms"] = frame["rooms"].astype(float)
    frame.loc[frame.index % 7 == 0, "rooms"] = np.nan  # one row in 7: most batches of 32 hold one
    path = str(write_csv(tmp_path / "gaps.csv", frame))
    result = _run(["scan", path, "--target", "price", "--format", "json"])
    probe = json.loads(result.stdout)["gradient_risk"]["probe"]
    assert probe["nonfinite_input_batch_share"] > 0.9 and probe["overflow_batch_share"] == 0
    nan_link = next(link for link in probe["attribution"] if "NaN/inf" in link["symptom"])
    assert "DA101" in nan_link["rules"]
    text = _run(["scan", path, "--target", "price"]).stdout
    assert "of batches gave a NaN/inf loss or gradient" in text
