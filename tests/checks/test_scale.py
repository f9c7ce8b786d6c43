"""DA501 compares each feature with the others, so a wrong unit stands out even among mixed scales."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit import scan

from ..conftest import write_csv


def _scan(tmp_path, frame):
    return scan(write_csv(tmp_path / "t.csv", frame), select=["DA501"]).findings


def _spread_frame(rng, n=300):
    """Six features from ~1 to ~40: one and a half orders of magnitude, which is ordinary."""
    return pd.DataFrame({f"f{i}": rng.normal(size, size / 5, n) for i, size in enumerate((1, 2, 5, 10, 20, 40))})


def test_features_within_two_orders_are_silent(tmp_path, rng):
    assert _scan(tmp_path, _spread_frame(rng)) == []


def test_a_feature_in_a_smaller_unit_is_found(tmp_path, rng):
    frame = _spread_frame(rng)
    frame["f2"] = frame["f2"] * 1e3  # 5 -> 5,000: 500x the median size of the others (10)
    (finding,) = _scan(tmp_path, frame)
    assert finding.column == "f2" and finding.evidence["direction"] == "above"
    assert str(finding.severity) == "low"


def test_a_tiny_feature_is_found_below_the_others(tmp_path, rng):
    frame = _spread_frame(rng)
    frame["ratio"] = rng.uniform(1e-5, 3e-5, len(frame))
    (finding,) = _scan(tmp_path, frame)
    assert finding.column == "ratio" and finding.evidence["direction"] == "below"
    assert np.isclose(finding.evidence["median_other_size"], 7.1, rtol=0.3)  # between 5 and 10


def test_a_four_row_table_says_it_is_too_small_and_scores_no_statistic(tmp_path):
    """The four-row example of the problem this tool exists for: findings and risk must agree."""
    f = pd.DataFrame([[1, 2, 1000], [2, 3, 2], [3, 4, 3], [4, 5, 4]], columns=["a", "b", "c"])
    f["label"] = [0, 1, 0, 1]
    report = scan(write_csv(tmp_path / "t.csv", f), target="label")
    assert {x.rule for x in report.findings} == {"DA304", "DA302"}  # too few rows; two rows per class
    assert report.probe is None
    assert not {c.mechanism for c in report.gradient_risk.components} & {"exploding-gradients", "ill-conditioning",
                                                                          "vanishing-gradients"}


def test_an_exact_linear_dependency_is_a_redundancy_and_a_noisy_one_ill_conditioning(tmp_path):
    from ..conftest import clean_frame

    rng = np.random.default_rng(31)
    f = clean_frame(rng, 800)
    shares = rng.dirichlet([5, 2, 1, 1], len(f)) * 100  # shares of a county's population: they sum to 100
    for i, name in enumerate(["white", "black", "asian", "other"]):
        f[f"perc_{name}"] = shares[:, i]
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA503", "DA607"]).findings
    assert [x.rule for x in found] == ["DA607"] and set(found[0].columns) <= {f"perc_{n}" for n in
                                                                           ["white", "black", "asian", "other"]}
    f = f.drop(columns=[c for c in f.columns if c.startswith("perc_")])
    f["months"] = rng.integers(1, 60, len(f))
    f["years"] = f["months"] / 12 + f["d"]  # derived, exact: named with its relation
    (dep,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA503", "DA607"]).findings
    assert dep.rule == "DA607" and "(`years` = `d` + 0.0833·`months` in every row" in dep.message
    f["years"] = f["years"] + rng.normal(0, 0.02, len(f))  # the same with noise: ill-conditioned, not dependent
    (ill,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA503", "DA607"]).findings
    assert ill.rule == "DA503"


def test_features_far_from_the_rest_at_one_magnitude_are_one_disparity(tmp_path):
    rng = np.random.default_rng(32)
    n = 600
    pop = rng.lognormal(10.4, 0.8, n)
    f = pd.DataFrame({"share_a": rng.uniform(0, 100, n), "share_b": rng.uniform(0, 50, n), "rate": rng.uniform(1, 30, n),
                      "score": rng.normal(60, 10, n), "age": rng.normal(40, 12, n), "label": rng.integers(0, 2, n)})
    f["pop_total"], f["pop_adults"], f["pop_white"] = pop.round(), (pop * 0.7).round(), (pop * 0.9).round()
    f["bytes"] = rng.normal(5e7, 1e7, n).round()  # a unit slip far beyond the counts too: a disparity of its own
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA501"]).findings
    by_column = {x.column: x for x in found}
    assert {c: set(x.columns) for c, x in by_column.items()} == {"pop_total": {"pop_total", "pop_adults", "pop_white"},
                                                                 "bytes": {"bytes"}}
    assert "are typically" in by_column["pop_total"].message and "`pop_adults`" in by_column["pop_total"].message
    # honest features from 1 to a few hundred: no disparity
    clean = f.drop(columns=["pop_total", "pop_adults", "pop_white", "bytes"]).assign(weight=rng.normal(300, 40, n))
    assert scan(write_csv(tmp_path / "t.csv", clean), target="label", select=["DA501"]).findings == []


def test_features_far_above_and_far_below_are_one_disparity_on_the_large_ones(tmp_path, rng):
    """A survey: community size around 175,000 beside an age around 40 and an attitude score near 1: one
    disparity, seen from both ends, reported on the large feature (its gradient dominates), naming the small."""
    n = 400
    frame = pd.DataFrame({"population": rng.choice([3750, 25000, 175000, 250000], n), "age": rng.integers(18, 80, n),
                          "income": rng.choice([2500, 7500, 15000, 35000, 75000], n),
                          "statusquo": rng.normal(1.0, 0.5, n).round(4)})
    found = _scan(tmp_path, frame)
    assert [x.evidence["direction"] for x in found] == ["above"] * len(found)
    assert any("statusquo" in x.columns and "population" in x.columns for x in found)
    assert "statusquo" in next(x for x in found if x.column == "population").evidence["far_below"]


def test_ill_conditioning_made_by_one_correlated_pair_is_that_pair_only(tmp_path):
    """Prior treatments as 10/(n+1) beside that times a log (r −0.99): DA605 names the pair; the conditioning left
    once one of them goes is ordinary, so DA503 says nothing more. A noisy three-way dependency stays DA503's."""
    from ..conftest import clean_frame

    rng = np.random.default_rng(33)
    f = clean_frame(rng, 800)
    ndt = rng.poisson(2.5, len(f))
    f["nd1"] = (10 / (ndt + 1)).round(4)
    f["nd2"] = (f["nd1"] * np.log((ndt + 1) / 10) + rng.normal(0, 0.3, len(f))).round(4)
    found = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA503", "DA605"]).findings
    assert [x.rule for x in found] == ["DA605"]


def test_small_features_nearer_unit_scale_than_the_rest_put_the_disparity_on_the_rest(tmp_path, rng):
    """Years of schooling and age beside three years' earnings in dollars: the median size is a dollar amount, so
    the two small features stand out below it, yet the dollars are what no learning rate tuned near 1 suits."""
    n = 500
    frame = pd.DataFrame({"educ": rng.integers(8, 18, n), "age": rng.integers(18, 55, n),
                          **{f"re7{y}": rng.gamma(2.0, 9000.0, n).round(1) for y in (4, 5, 8)}})
    (finding,) = _scan(tmp_path, frame)
    assert finding.column in {"re74", "re75", "re78"} and finding.evidence["direction"] == "above"
    assert set(finding.columns) == {"re74", "re75", "re78", "educ", "age"}
    assert set(finding.evidence["far_below"]) == {"educ", "age"} and "nearer unit scale" in finding.message
    # a small feature further from unit scale than the rest is the disparity itself, reported on it
    frame = _spread_frame(rng) * 50  # the bulk from 50 to 2,000
    frame["ratio"] = rng.uniform(1e-5, 3e-5, len(frame))  # 1e-5: seven orders below, five from unit scale
    (finding,) = _scan(tmp_path, frame)
    assert finding.column == "ratio" and finding.evidence["direction"] == "below"
