"""Property-based tests (hypothesis): random, degenerate and hostile tables never break scan or fix.

Invariants: scan returns a report that validates against the JSON schema, or raises DataAuditError
(one clear line at the CLI) — never anything else; fix leaves no NaN or inf in a feature column, its
recipe reproduces the pre-resampling rows, and its row accounting adds up. Bounded and derandomised,
so CI runs the same examples every time in well under a minute.
"""

from __future__ import annotations

import jsonschema
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit import DataAuditError, apply_recipe, fix, scan
from dataaudit.analysis.report import report_schema

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TOKENS = ["?", "N/A", "null", "-", "", " ", "∞", "<script>", "=1+1", "é", "日本", "1,234", "$5", "1e308", "-0"]


@st.composite
def columns(draw, n: int):
    kind = draw(st.sampled_from(["float", "int", "bool", "text", "category", "date", "constant", "mixed"]))
    if kind == "float":
        base = draw(st.sampled_from([1.0, 1e-6, 1e9]))
        values = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=n, max_size=n))
        return [v * base if np.isfinite(v) else v for v in values]
    if kind == "int":
        return draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n))
    if kind == "bool":
        return draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if kind == "text":
        return draw(st.lists(st.text(max_size=12), min_size=n, max_size=n))
    if kind == "category":
        return draw(st.lists(st.sampled_from(["a", "A", " a", "b", "B", "c"]), min_size=n, max_size=n))
    if kind == "date":
        return draw(st.lists(st.sampled_from(["2021-01-03", "03/01/2021", "2021-13-45", ""]), min_size=n, max_size=n))
    if kind == "constant":
        return [draw(st.sampled_from(["x", "7", ""]))] * n
    return draw(st.lists(st.one_of(st.sampled_from(TOKENS), st.floats(allow_nan=False, width=32).map(str)),
                         min_size=n, max_size=n))


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=0, max_value=40))
    width = draw(st.integers(min_value=1, max_value=5))
    names = draw(st.lists(st.sampled_from(["a", "b", "", "a", "<b>x</b>", "日付", "label", "id", " c "]),
                          min_size=width, max_size=width))
    data = {f"{name}__{i}": draw(columns(n)) for i, name in enumerate(names)}
    frame = pd.DataFrame(data)
    frame.columns = names  # duplicate and empty names on purpose
    target = None
    if width > 1 and draw(st.booleans()):
        target = "label__t"
        frame[target] = draw(st.lists(st.sampled_from([0, 1, 1, 2]), min_size=n, max_size=n))
    return frame, target


def _write(frame: pd.DataFrame, path) -> None:
    frame.to_csv(path, index=False)


@SETTINGS
@given(tables())
def test_scan_returns_a_valid_report_or_a_clear_error(tmp_path, table):
    frame, target = table
    path = tmp_path / "t.csv"
    _write(frame, path)
    try:
        report = scan(path, target=target)
    except DataAuditError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    jsonschema.validate(report.to_dict(), report_schema())
    assert report.exit_code() in (0, 1)


@SETTINGS
@given(tables())
def test_fix_output_is_finite_reproducible_and_accounted(tmp_path, table):
    frame, target = table
    path = tmp_path / "t.csv"
    _write(frame, path)
    try:
        result = fix(path, target=target, recipe_path=tmp_path / "r.json", overwrite=True)
    except DataAuditError:
        return
    features = result.frame.drop(columns=[target] if target in result.frame.columns else [])
    values = features.to_numpy(dtype=float)  # every feature is numeric after the fix
    assert np.isfinite(values).all()
    rows = result.rows
    assert rows["in"] - rows["duplicates_dropped"] + rows["added_by_resampling"] - rows["removed_by_resampling"] \
        == rows["out"] == len(result.frame)
    again, _ = apply_recipe(tmp_path / "r.json", path, drop_duplicates=True)  # as fix decided for training
    pd.testing.assert_frame_equal(again.reset_index(drop=True), result.pre_resample.reset_index(drop=True),
                                  check_dtype=False)
