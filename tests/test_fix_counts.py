"""Counts that disagreed (issue 17, item 8): the scan's and the probe's condition numbers count different columns,
so every report names which one it gives, the same way in text, Markdown, HTML and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dataaudit.api import fix, scan
from dataaudit.core.numfmt import fmt
from dataaudit.fixing.options import FixOptions
from dataaudit.fixing.report import render as render_fix
from dataaudit.formatters import FORMATTERS

MIXED = Path(__file__).resolve().parents[1] / "sample_data" / "mixed.csv"
SCAN_VIEW = "numeric features as the scan reads them"
PROBE_VIEW = "columns as they stand"


@pytest.fixture(scope="module")
def mixed():
    return scan(MIXED, target="churned")


def _qualified(text: str) -> list[str]:
    """Every 'condition number' of ``text`` with the 100 characters after it (where it says what it counts)."""
    return [m.group(0) for m in re.finditer(r"condition number.{0,100}", text)]


def test_the_two_condition_numbers_of_mixed_say_what_they_count(mixed):
    """mixed.csv gave 1.19 in the risk table and 1.99 in the probe line, both 'standardised': the scan counts its 7
    numeric features (`annual_income` parsed from '$57,700', no ID, no 0/1 flag), the probe the 8 columns that
    read as numbers as they stand (`customer_id` and the 0/1 leak in, `annual_income` out)."""
    cond, weights = mixed.profile.conditioning
    risk = next(c for c in mixed.gradient_risk.components if c.mechanism == "ill-conditioning")
    assert f"condition number of the {len(weights)} {SCAN_VIEW}" in risk.detail
    assert f"is {cond:.3g}:" in risk.detail and "annual_income" in weights and "customer_id" not in weights
    probe = mixed.probe
    assert probe["features"] == 8 and "customer_id" in probe["feature_grad_norms"]
    line = FORMATTERS["text"]([mixed])
    assert (f"condition number of the probe's {probe['features']} {PROBE_VIEW} (not the scan's view): "
            f"{fmt(probe['raw_condition_number'])} raw, {fmt(probe['condition_number'])} standardised") in line


@pytest.mark.parametrize("name", ["text", "markdown", "html", "json"])
def test_every_condition_number_in_every_format_names_its_columns(mixed, name):
    out = FORMATTERS[name]([mixed]).replace("&#x27;", "'")
    found = _qualified(out)
    assert found, name
    for phrase in found:
        assert SCAN_VIEW in phrase or PROBE_VIEW in phrase or "probe" in phrase, (name, phrase)
    assert any(SCAN_VIEW in p for p in found) or name == "text"  # text shows risk components above 0 only
    assert any(PROBE_VIEW in p for p in found)


def test_ill_conditioning_finding_counts_the_scan_view():
    """A noisy three-way dependency (``years`` ≈ ``months``/12 + ``d``): ill-conditioned, with no correlated pair
    (the near-copy in sample_data/redundancy.csv is DA605's alone)."""
    import numpy as np

    from .conftest import clean_frame

    rng = np.random.default_rng(31)
    f = clean_frame(rng, 800)
    f["months"] = rng.integers(1, 60, len(f))
    f["years"] = f["months"] / 12 + f["d"] + rng.normal(0, 0.02, len(f))
    report = scan(f, target="label")
    finding = next(f for f in report.findings if f.rule == "DA503")
    assert SCAN_VIEW in finding.message
    risk = next(c for c in report.gradient_risk.components if c.mechanism == "ill-conditioning")
    assert f"{finding.evidence['condition_number']:.3g}" in risk.detail  # one number, one name


def test_fix_report_names_the_probe_condition_numbers_in_every_format(tmp_path):
    result = fix(MIXED, target="churned", options=FixOptions(resample="none"))
    for name in ("text", "markdown", "html"):
        out = render_fix(result, name).replace("&#x27;", "'")
        assert "condition number of the probe's columns, raw" in out, name
        assert "condition number of the probe's columns, standardised" in out, name
        assert "condition number, raw features" not in out
    report = json.loads(render_fix(result, "json"))
    detail = next(c["detail"] for c in report["before"]["gradient_risk"]["components"]
                  if c["mechanism"] == "ill-conditioning")
    assert SCAN_VIEW in detail


def test_the_html_fix_report_counts_features_on_both_sides_and_names_the_target(tmp_path):
    result = fix(MIXED, target="churned", options=FixOptions(resample="none"))
    page = render_fix(result, "html")
    counts = result.feature_counts()
    assert f"<td>feature columns in (the target aside)</td><td class=\"n\">{counts['in']:,}</td>" in page
    assert f"<td>feature columns out (the target aside)</td><td class=\"n\">{counts['out']:,}</td>" in page
    assert "<td>target column (in and out)</td><td>churned</td>" in page


def test_classes_left_short_by_over_sampling_are_listed_with_how_many_more(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    labels = ["a"] * 3000 + [c for c in "bcdefgh" for _ in range(4)]
    frame = pd.DataFrame({"x": rng.normal(size=len(labels)), "label": labels})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = fix(tmp_path / "t.csv", target="label", options=FixOptions(resample="over"), rescan=False)
    note = next(n for n in result.log if "stay below the majority" in n)
    assert "'b', 'c', 'd', 'e', 'f' and 2 more stay" in note


def test_diff_names_at_most_ten_reference_columns_and_says_how_many_more(tmp_path):
    import pandas as pd

    from dataaudit.api import diff
    from dataaudit.errors import TargetError

    frame = pd.DataFrame({f"c{i}": [1.0, 2.0, 3.0] for i in range(13)})
    frame.to_csv(tmp_path / "ref.csv", index=False)
    frame.to_csv(tmp_path / "cur.csv", index=False)
    with pytest.raises(TargetError, match=r"c9 and 3 more\)"):
        diff(tmp_path / "ref.csv", tmp_path / "cur.csv", target="label")
