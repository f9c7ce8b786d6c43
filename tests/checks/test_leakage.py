"""DA7xx: leakage is judged on distinct rows, so copies of a row cannot vouch for each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit import scan

from ..conftest import write_csv


def _scan(tmp_path, frame, code, target="label"):
    return scan(write_csv(tmp_path / "t.csv", frame), target=target, select=[code]).findings


def test_copied_rows_do_not_make_a_feature_look_leaked(tmp_path, rng):
    """Random over-sampling copies rows; a per-row key then 'predicts' each copy from its twin."""
    base = pd.DataFrame({"batch": [f"b{i}" for i in range(60)], "x": rng.normal(size=60),
                         "label": rng.integers(0, 2, 60)})
    copied = base.iloc[np.repeat(np.arange(60), 8)].sample(frac=1.0, random_state=0)
    assert _scan(tmp_path, copied, "DA701") == []


def test_a_real_leak_survives_deduplication(tmp_path, rng):
    n = 400
    label = rng.integers(0, 2, n)
    frame = pd.DataFrame({"x": rng.normal(size=n), "refund": np.where(label == 1, "yes", "no"), "label": label})
    frame = pd.concat([frame, frame.iloc[:100]], ignore_index=True)  # some duplicates as well
    (finding,) = _scan(tmp_path, frame, "DA701")
    assert finding.column == "refund" and finding.evidence["rows_used"] == n


def _imbalanced(rng, n: int = 3000, share: float = 0.05) -> pd.DataFrame:
    """A credit-like table with ``share`` defaults and honest features (one strong: rank AUC ≈ 0.87)."""
    y = (rng.random(n) < share).astype(int)
    return pd.DataFrame({"income": rng.lognormal(10, 0.5, n).round(0), "age": rng.integers(20, 70, n),
                         "score": (rng.normal(0, 1, n) + 1.59 * y).round(3),  # strong but honest
                         "default": y})


@pytest.mark.parametrize("share", [0.02, 0.05, 0.5])
def test_every_leak_kind_is_found_at_any_class_balance(tmp_path, share):
    rng = np.random.default_rng(1)
    f = _imbalanced(rng, share=share)
    y = f["default"].to_numpy()
    separated = rng.normal(0, 1, len(f))
    separated[y == 1] = separated[y == 0].max() + rng.exponential(1.0, int(y.sum()))
    f["bureau_score"] = separated.round(4)  # rank AUC 1.0: the minority class is the tail
    f["collections_flag"] = np.where(rng.random(len(f)) < 0.015, 1 - y, y)  # the label in 98.5% of rows
    f["recovered_amount"] = np.where(y == 1, rng.lognormal(6, 1, len(f)).round(2), 0.0)  # 0 unless default
    f["closing_day"] = np.where(y == 1, rng.integers(1, 365, len(f)).astype(float), np.nan)  # present if default
    found = {x.column: x for x in _scan(tmp_path, f, "DA701", target="default")}
    assert set(found) == {"bureau_score", "collections_flag", "recovered_amount", "closing_day"}
    assert found["bureau_score"].evidence["metric"] == "rank AUC" and found["bureau_score"].evidence["baseline"] == 0.5
    assert "missingness" in found["closing_day"].evidence["metric"]


def test_strong_honest_features_are_not_leaks_under_imbalance(tmp_path):
    rng = np.random.default_rng(2)
    f = _imbalanced(rng, share=0.05)
    y = f["default"].to_numpy()
    f["late_payments_flag"] = np.where(rng.random(len(f)) < 0.15, 1 - y, y)  # agrees in 85%: strong, honest
    assert _scan(tmp_path, f, "DA701", target="default") == []


def test_a_tiny_minority_does_not_make_a_strong_feature_a_leak(tmp_path):
    rng = np.random.default_rng(3)
    f = _imbalanced(rng, n=400, share=0.0)
    f.loc[rng.choice(400, 6, replace=False), "default"] = 1  # six positives: too few to call anything perfect
    f["score"] = f["score"] + 3.0 * f["default"]
    assert _scan(tmp_path, f, "DA701", target="default") == []


def test_an_identifier_that_repeats_is_an_identifier_and_nothing_else(tmp_path, rng):
    from ..conftest import clean_frame

    f = clean_frame(rng, 1000)
    customers = rng.integers(10_000_000, 99_999_999, 800)  # 800 customers, some in several rows
    f["customer_id"] = rng.choice(customers, 1000)
    f["order_no"] = [f"ORD-{v}" for v in rng.choice(np.arange(900), 1000)]  # text, a few repeats
    findings = scan(write_csv(tmp_path / "t.csv", f), target="label").findings
    on = {col: {x.rule for x in findings if col in x.columns} for col in ("customer_id", "order_no")}
    assert on == {"customer_id": {"DA702"}, "order_no": {"DA702"}}  # not DA501/DA201/DA203: symptoms of the type


def test_names_like_identifiers_with_few_distinct_values_or_fractions_are_not_identifiers(tmp_path, rng):
    from ..conftest import clean_frame

    f = clean_frame(rng, 1000)
    f["room_number"] = rng.integers(1, 40, 1000)  # 39 values: a count-like code, not an identifier
    f["bmi_index"] = rng.normal(25, 4, 1000).round(2)  # a measurement with an index-like name
    findings = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702"]).findings
    assert findings == []


def test_rows_repeated_apart_from_their_identifier_are_duplicates(tmp_path, rng):
    from ..conftest import clean_frame

    f = clean_frame(rng, 600)
    f = pd.concat([f, f.iloc[:12]], ignore_index=True)  # twelve rows entered twice...
    f.insert(0, "record_id", np.arange(len(f)) + 1)  # ...each with a record number of its own
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA603"]).findings
    assert found.evidence["count"] == 12 and found.evidence["apart_from"] == ["record_id"]
    assert found.evidence["examples"][0] == {"row": 600, "duplicate_of": 0}


def test_a_coarse_table_with_row_numbers_is_not_duplicated(tmp_path, rng):
    n = 1000  # a contingency table expanded to one row per person: its few combinations repeat legitimately
    f = pd.DataFrame({"klass": rng.choice(["1st", "2nd", "3rd"], n), "sex": rng.choice(["m", "f"], n),
                      "age": rng.choice(["child", "adult"], n), "label": rng.integers(0, 2, n)})
    f.insert(0, "passenger_no", np.arange(n) + 1)
    assert scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA603"]).findings == []


def test_a_coarse_table_without_row_numbers_repeats_by_chance_not_by_copying(tmp_path, rng):
    """The same passengers without their numbers: nearly every row repeats an earlier one exactly (24
    combinations), as chance gives; they are not copies, and fix keeps them all."""
    n = 1000
    f = pd.DataFrame({"klass": rng.choice(["1st", "2nd", "3rd"], n), "sex": rng.choice(["m", "f"], n),
                      "age": rng.choice(["child", "adult"], n), "label": rng.integers(0, 2, n)})
    path = write_csv(tmp_path / "t.csv", f)
    assert scan(path, target="label", select=["DA603"]).findings == []
    from dataaudit.api import fix

    assert fix(path, target="label", output=tmp_path / "o.parquet").rows["duplicates_dropped"] == 0


def test_copies_in_a_coarse_table_with_one_fine_column_are_duplicates(tmp_path, rng):
    n = 1000  # a fare to the cent tells passengers apart: thirty rows exported twice repeat far beyond chance
    f = pd.DataFrame({"klass": rng.choice(["1st", "2nd", "3rd"], n), "sex": rng.choice(["m", "f"], n),
                      "fare": rng.lognormal(3, 1, n).round(2), "label": rng.integers(0, 2, n)})
    f = pd.concat([f, f.iloc[100:130]], ignore_index=True)
    (found,) = scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA603"]).findings
    assert 30 <= found.evidence["count"] <= 40  # and a few fares equal to the cent by chance


def _follow_up(rng, n: int = 2000) -> pd.DataFrame:
    """A trial's table: ``status`` 1 when the event was seen; the days to the event or to censoring end at the
    outcome (rank AUC ≈ 0.91); ``age`` and ``income`` are honest features as strong or stronger (≈ 0.93, 0.95)."""
    y = (rng.random(n) < 0.4).astype(int)
    return pd.DataFrame({
        "days": np.where(y == 1, rng.lognormal(6.2, 0.9, n), rng.lognormal(7.6, 0.45, n)).round(),
        "age": np.where(y == 1, rng.normal(70, 6, n), rng.normal(55, 8, n)).round(),
        "income": np.where(y == 1, rng.lognormal(9.5, 0.6, n), rng.lognormal(11, 0.6, n)).round(),
        "dose": rng.normal(0, 1, n).round(3),
        "status": y})


@pytest.mark.parametrize("name, target", [("time", "status"), ("futime", "status"), ("followUpDays", "status"),
                                          ("edrel", "rel"), ("days_to_churn", "churn")])
def test_a_duration_to_the_outcome_is_a_post_outcome_leak(tmp_path, name, target):
    f = _follow_up(np.random.default_rng(7)).rename(columns={"days": name, "status": target})
    (found,) = _scan(tmp_path, f, "DA701", target=target)
    assert found.column == name and found.severity == 2  # medium: strong, not perfect
    assert found.evidence["kind"] == "post-outcome" and 0.9 <= found.evidence["score"] < 0.99
    assert "post-outcome" in found.message


def test_the_later_of_a_pre_post_pair_is_a_post_outcome_leak(tmp_path):
    """A rating after the tournament (``postrpi``) beside the one before it (``prerpi``): measured after the
    selection being predicted, it separates it strongly (rank AUC ≈ 0.91); the pre-season rating is honest."""
    rng = np.random.default_rng(9)
    f = _follow_up(rng).rename(columns={"days": "postrpi", "status": "tourney"})
    f["prerpi"] = f["postrpi"] * rng.lognormal(0, 0.6, len(f))
    (found,) = _scan(tmp_path, f, "DA701", target="tourney")
    assert found.column == "postrpi" and found.severity == 2 and found.evidence["kind"] == "post-outcome"
    assert "`prerpi` (a pre/post pair)" in found.message


def test_a_weak_post_member_and_a_strong_post_name_without_a_pair_are_quiet(tmp_path):
    """The later of a pair that separates the classes only moderately (rank AUC ≈ 0.82) is a strong feature, not a
    leak; a strong number named ``post...`` with no ``pre...`` beside it (a postcode's district score) says nothing."""
    rng = np.random.default_rng(10)
    f = _follow_up(rng).rename(columns={"days": "postal_score", "status": "tourney"})
    y = f["tourney"].to_numpy()
    f["post_test"] = (np.where(y == 1, 300, 600) * rng.lognormal(0, 0.55, len(f))).round()
    f["pre_test"] = f["post_test"] * rng.lognormal(0, 0.5, len(f))
    assert _scan(tmp_path, f, "DA701", target="tourney") == []


def test_strong_honest_features_and_weak_durations_are_not_post_outcome(tmp_path):
    rng = np.random.default_rng(8)
    f = _follow_up(rng).rename(columns={"status": "default"})  # age (AUC 0.93), income (0.95): plain names, honest
    y = f["default"].to_numpy()
    # a duration (AUC ≈ 0.82) beside a target that is no follow-up's status: data cannot tell it from a strong feature
    f["days"] = (np.where(y == 1, 300, 600) * rng.lognormal(0, 0.55, len(f))).round()
    # a signed difference (AUC ≈ 0.92) is no duration: negative values, so its name alone says nothing
    f["time_delta"] = np.where(y == 1, rng.normal(-300, 150, len(f)), rng.normal(0, 150, len(f))).round()
    f["visits"] = np.where(rng.random(len(f)) < 0.5, 0, rng.poisson(3, len(f)))  # legitimate zeros
    assert _scan(tmp_path, f, "DA701", target="default") == []


def _trial(rng, n: int, classes: int = 2, shift: float = 0.45) -> pd.DataFrame:
    """A survival trial: ``status`` (0 = censored, then the events), a follow-up time longer for the censored
    (rank AUC about 0.6–0.65 at ``shift`` 0.45), and honest baseline features: a lab value measured in seconds
    whose name ends in 'time' (prothrombin time, AUC ≈ 0.75), the months since diagnosis at entry, a fixed
    planned follow-up (AUC 0.5) and age."""
    status = rng.integers(0, classes, n)
    censored = status == 0
    return pd.DataFrame({
        "time": (rng.lognormal(5.5, 1.0, n) * np.where(censored, np.exp(shift), 1.0)).round() + 1,
        "protime": (rng.normal(10.5, 1.0, n) + 0.9 * (~censored)).round(1),
        "diagtime": rng.integers(1, 60, n),
        "planned_days": rng.choice([730, 1095], n),
        "age": rng.normal(60, 10, n).round(),
        "status": status})


@pytest.mark.parametrize("name, target, classes", [("time", "status", 2), ("time", "status", 3),
                                                    ("pgtime", "pgstat", 2), ("los", "died", 2),
                                                    ("tstop", "status", 2), ("futime", "death", 2),
                                                    ("spell", "censor1", 2)])
def test_a_follow_up_time_beside_its_status_is_a_post_outcome_leak_at_moderate_auc(tmp_path, name, target, classes):
    """The time and the status of one outcome (R's Surv(time, status)): the time is known only with the outcome,
    so beside a target named as a follow-up's status it is a leak as soon as it separates the classes at all."""
    f = _trial(np.random.default_rng(11), 600, classes).rename(columns={"time": name, "status": target})
    (found,) = _scan(tmp_path, f, "DA701", target=target)
    assert found.column == name and found.severity == 2 and found.evidence["status_pair"] is True
    assert 0.6 <= found.evidence["score"] < 0.9 and "post-outcome" in found.message


def test_honest_times_beside_a_status_are_not_post_outcome(tmp_path):
    """Beside a status: a lab value whose name ends in 'time', the months from diagnosis to entry, a planned
    follow-up unrelated to the outcome (AUC ≈ 0.5), and a follow-up time that does not separate the classes."""
    f = _trial(np.random.default_rng(12), 600, shift=0.0)
    assert _scan(tmp_path, f, "DA701", target="status") == []


def _reinfection(rng, n: int = 800, censored_like_events: bool = False) -> pd.DataFrame:
    """A reinfection study: ``reinfected`` (a name that says no status), ``time`` the days to reinfection or to
    the end of follow-up. The events' times spread widely; the censored follow-ups bunch where the study ended,
    so the two distributions differ in shape though their ranks barely separate them (rank AUC ≈ 0.55).
    With ``censored_like_events`` both classes' times come from one distribution (an honest time)."""
    y = (rng.random(n) < 0.4).astype(int)
    events = rng.exponential(330, n)
    ends = rng.normal(300, 40, n)
    time = np.where((y == 1) | censored_like_events, events, ends).clip(1).round()
    return pd.DataFrame({"time": time, "age": rng.normal(25, 5, n).round(), "partners": rng.poisson(2, n),
                         "reinfected": y})


def test_a_follow_up_time_is_a_leak_when_its_shape_differs_by_class(tmp_path):
    """``time`` alone as a name is a follow-up's time whatever the two-class target is called; beside it, a time
    whose distribution differs between the classes (censoring at the study's end) leaks the outcome even at
    a rank AUC near chance."""
    f = _reinfection(np.random.default_rng(21))
    (found,) = _scan(tmp_path, f, "DA701", target="reinfected")
    assert found.column == "time" and found.severity == 2 and found.evidence["status_pair"] is True
    assert found.evidence["score"] < 0.6 and found.evidence["ks_distance"] > 0.2
    assert "Kolmogorov" in found.message and "post-outcome" in found.message


def test_an_honest_time_or_a_plain_duration_beside_an_unnamed_target_is_quiet(tmp_path):
    """The same distribution in both classes says nothing, and ``days`` (a count as often as a follow-up) or
    ``stop`` (a stop number) beside a target not named as a status is not read as a follow-up time."""
    rng = np.random.default_rng(22)
    f = _reinfection(rng, censored_like_events=True)
    f["days"] = _reinfection(rng)["time"].to_numpy()  # differs in shape by class, but only named as days
    f["stop"] = f["days"].to_numpy()[::-1].copy()
    assert _scan(tmp_path, f, "DA701", target="reinfected") == []


def _intervals(rng, n: int = 200) -> pd.DataFrame:
    """The counting-process form (survival's ``heart``): one row per interval of a patient, ``start`` and ``stop``
    in days, ``event`` 1 when the patient died at ``stop``; here the stops do not separate the classes at all."""
    event = (rng.random(n) < 0.45).astype(int)
    start = np.where(rng.random(n) < 0.4, rng.integers(1, 300, n), 0)
    stop = start + rng.integers(1, 1500, n)
    return pd.DataFrame({"start": start, "stop": stop, "age": rng.normal(0, 9, n).round(1),
                         "transplant": (start > 0).astype(int), "event": event})


def test_the_end_of_a_counting_process_interval_beside_its_status_is_post_outcome(tmp_path):
    """``stop`` closes the interval ``start`` opens in every row, beside ``event``: Surv(start, stop, event), the
    status recorded at the stop, however little the stop separates the classes alone."""
    f = _intervals(np.random.default_rng(25))
    (found,) = _scan(tmp_path, f, "DA701", target="event")
    assert found.column == "stop" and found.evidence["interval_start"] == "start"
    assert found.evidence["score"] < 0.6 and "counting-process" in found.message


def test_a_stop_without_an_interval_or_without_a_status_is_quiet(tmp_path):
    """A ``stop`` whose ``start`` lies after it in some rows opens no interval; beside a target that is no status
    (``outcome``), a ``stop`` is not read as a follow-up's end (a stop number)."""
    rng = np.random.default_rng(26)
    f = _intervals(rng)
    f["start"] = rng.integers(0, 2000, len(f))
    assert _scan(tmp_path, f, "DA701", target="event") == []
    g = _intervals(rng).rename(columns={"event": "outcome"})
    assert _scan(tmp_path, g, "DA701", target="outcome") == []


def _pairs(rng, n: int = 300) -> pd.DataFrame:
    """A KMsurv-style table: times T1..T3 and their indicators D1, D2, the target D3. ``T3`` ends at the
    target's event (shorter for the infected: AUC ≈ 0.75); ``T1`` is the time of another event that ends at
    the end of follow-up when it is not seen (AUC ≈ 0.95 here); ``T2`` another event's, unrelated (≈ 0.5)."""
    y = (rng.random(n) < 0.3).astype(int)
    t3 = np.where(y == 1, rng.gamma(2.0, 6.0, n), rng.gamma(2.0, 14.0, n)).round() + 1
    t1 = np.where(y == 1, rng.gamma(4.0, 3.0, n), rng.gamma(4.0, 12.0, n)).round() + 1
    return pd.DataFrame({"T1": t1, "D1": rng.integers(0, 2, n), "T2": rng.gamma(2.0, 10.0, n).round() + 1,
                         "D2": rng.integers(0, 2, n), "Z4": rng.integers(2, 95, n), "T3": t3, "D3": y})


def test_times_coded_as_the_targets_indicator_are_post_outcome(tmp_path):
    """``T3`` beside ``D3`` is the time of the target's own event: a leak as soon as it separates the classes;
    ``T1`` beside ``D3`` another event's time of the same follow-up: a leak only when it separates strongly."""
    f = _pairs(np.random.default_rng(23))
    found = {x.column: x for x in _scan(tmp_path, f, "DA701", target="D3")}
    assert set(found) == {"T1", "T3"}
    assert found["T3"].evidence["status_pair"] is True and 0.6 <= found["T3"].evidence["score"] < 0.9
    assert found["T1"].evidence["status_pair"] is False and found["T1"].evidence["score"] >= 0.9


def test_times_coded_beside_an_indicator_are_quiet_when_they_do_not_separate(tmp_path):
    """Another event's time at a moderate AUC, the target's own time when it separates nothing, and a ``T3``
    beside a target that is no indicator (``y``) stay quiet."""
    rng = np.random.default_rng(24)
    f = _pairs(rng)
    y = f["D3"].to_numpy()
    f["T1"] = np.where(y == 1, rng.gamma(4.0, 8.0, len(f)), rng.gamma(4.0, 12.0, len(f))).round() + 1  # AUC ~0.7
    f["T3"] = rng.gamma(2.0, 12.0, len(f)).round() + 1
    assert _scan(tmp_path, f, "DA701", target="D3") == []
    g = _pairs(rng).rename(columns={"D3": "y"})
    assert [x.column for x in _scan(tmp_path, g, "DA701", target="y")] == []


def test_a_duration_named_field_is_no_leak_of_a_regression_target(tmp_path):
    f = _follow_up(np.random.default_rng(9))
    f["cost"] = f["days"] * 2.0 + np.random.default_rng(0).normal(0, 2000, len(f))
    assert _scan(tmp_path, f.drop(columns="status"), "DA701", target="cost") == []


def test_an_upper_case_abbreviation_ending_in_id_is_an_identifier(tmp_path, rng):
    from ..conftest import clean_frame

    f = clean_frame(rng, 500)
    f["PID"] = np.sort(rng.choice(np.arange(500, 4000), 500, replace=False))  # sparse county numbers, unique
    f["HHID"] = rng.choice(np.arange(10_000, 99_999), 500, replace=False)
    f["PAID"] = rng.choice(np.arange(50, 400), 500)  # amounts paid: many repeat, an English word, not an id
    f["GRID"] = rng.integers(1, 6, 500)
    f["distcod"] = rng.choice(np.arange(61_000, 76_000), 500, replace=False)  # 5-digit district codes, one per row
    f["zipcode"] = rng.choice(np.arange(10_000, 10_400), 500)  # a zip code shared by neighbours: a category
    f["episode"] = rng.choice(np.arange(1, 5000), 500, replace=False)  # not a code: unique minutes watched
    f["studyid"] = np.sort(rng.choice(np.arange(21, 20_720), 500, replace=False))  # a student's number, sparse
    f["medicaid"] = rng.choice(np.arange(100, 90_000), 500, replace=False)  # unique dollars paid: no id
    f["prtyid"] = rng.integers(1, 8, 500)  # party identification, a 7-point scale: repeats, no id
    found = {x.column for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702"]).findings}
    assert found == {"PID", "HHID", "distcod", "studyid"}


def test_whole_numbers_named_with_a_fused_num_are_an_identifier_even_when_they_repeat(tmp_path, rng):
    """``intnum`` (an interview number: a family in 1-11 rows, the file sorted by it) and ``casenum`` (unique)
    are identifiers; a count with such a name whose values mostly repeat (``enum``, ``childNum``) is not, nor is
    a mostly distinct amount with a plain name (``amount``)."""
    from ..conftest import clean_frame

    f = clean_frame(rng, 600)
    f["intnum"] = np.sort(np.repeat(rng.choice(np.arange(4, 9400), 400, replace=False), 2)[:600])
    f["casenum"] = rng.choice(np.arange(1000, 99_999), 600, replace=False)
    f["enum"] = rng.integers(1, 8, 600)
    f["childNum"] = rng.integers(1, 12, 600)
    f["amount"] = rng.integers(200, 50_000, 600)
    found = {x.column for x in scan(write_csv(tmp_path / "t.csv", f), target="label", select=["DA702"]).findings}
    assert found == {"intnum", "casenum"}


def _families(rng, families: int = 400) -> pd.DataFrame:
    """A household survey: ``intnum`` numbers a family (1-3 persons each, the file sorted by it), ``persnum`` a
    person within it (1-29, or 170+ for those who joined later), and coarse features with many zeros."""
    size = rng.choice([1, 1, 2, 2, 3], families)
    intnum = np.repeat(np.sort(rng.choice(np.arange(4, 9400), families, replace=False)), size)
    persnum = np.concatenate([np.sort(rng.choice(np.r_[1:30, 170:180], k, replace=False)) for k in size])
    n = len(intnum)
    hours = np.where(rng.random(n) < 0.12, 0, rng.integers(1, 60, n) * 40)
    return pd.DataFrame({"intnum": intnum, "persnum": persnum, "age": rng.integers(18, 80, n),
                         "kids": rng.integers(0, 7, n), "hours": hours,
                         "earnings": np.where(hours == 0, 0, hours * rng.integers(4, 20, n))})


def test_a_number_within_a_repeating_identifier_is_the_rest_of_a_compound_key(tmp_path):
    """``persnum`` repeats across families (a few distinct values) but with ``intnum`` tells every row apart:
    a person's number in the family, an identifier; rows equal but for both are not called copies of a record."""
    f = _families(np.random.default_rng(27))
    path = write_csv(tmp_path / "t.csv", f)
    found = {x.column: x for x in scan(path, target="earnings", select=["DA702"]).findings}
    assert set(found) == {"intnum", "persnum"} and found["persnum"].evidence["compound_with"] == "intnum"
    assert "part of a compound key" in found["persnum"].message
    assert f.drop(columns=["intnum", "persnum"]).duplicated().any()  # coarse rows: persons alike but for the key
    assert scan(path, target="earnings", select=["DA603"]).findings == []


def test_a_number_that_does_not_complete_a_key_or_is_not_named_so_is_not_an_identifier(tmp_path):
    """A ``visit_no`` that repeats within a family (two rows share it) completes no key, and ``age`` (named as no
    number) is a quantity whatever it tells apart."""
    rng = np.random.default_rng(28)
    f = _families(rng)
    f["visit_no"] = rng.integers(1, 3, len(f))
    f = f.drop(columns="persnum")
    found = {x.column for x in scan(write_csv(tmp_path / "t.csv", f), target="earnings", select=["DA702"]).findings}
    assert found == {"intnum"}


def _prices(rng, n: int = 300) -> pd.DataFrame:
    """Cars: a low and a high price quote (r ≈ 0.9 with each other), honest specifications, and a price."""
    base = rng.lognormal(3.0, 0.4, n)
    low = (base * rng.uniform(0.6, 0.95, n)).round(1)
    high = (base * rng.uniform(1.05, 1.6, n)).round(1)
    return pd.DataFrame({"min_price": low, "max_price": high,
                         "horsepower": (40 * base + rng.normal(0, 60, n)).round(),
                         "weight": (1500 + 60 * base + rng.normal(0, 300, n)).round(),
                         "doors": rng.choice([2, 4], n), "rebate": np.where(rng.random(n) < 0.7, 0, 3)})


def test_a_regression_target_computed_from_two_features_is_a_leak(tmp_path):
    f = _prices(np.random.default_rng(11))
    f["price"] = ((f["min_price"] + f["max_price"]) / 2).round(2)  # the mean of the two quotes: ρ² 0.92 and 0.97
    (found,) = _scan(tmp_path, f, "DA701", target="price")
    assert set(found.columns) == {"min_price", "max_price"} and found.evidence["kind"] == "linear-combination"
    assert found.severity == 3 and found.evidence["score"] >= 0.999
    assert "0.5·`" in found.message and "linear combination" in found.message
    # a total of three parts, one of them weak on its own
    f["total"] = f["min_price"] + f["max_price"] + f["rebate"]
    (found,) = _scan(tmp_path, f.drop(columns="price"), "DA701", target="total")
    assert set(found.columns) == {"min_price", "max_price", "rebate"}


def test_a_target_computed_from_features_weak_on_their_own_is_a_leak_beside_stronger_ones(tmp_path):
    """Minutes asleep a week = 10080 − leisure − work: each part weakly tied to sleep, six honest features more so."""
    rng = np.random.default_rng(13)
    n = 500
    sleep = rng.normal(3300, 400, n).round()
    work = rng.normal(2100, 900, n).clip(0).round()
    f = pd.DataFrame({f"habit{i}": (sleep + rng.normal(0, 300 + 40 * i, n)).round() for i in range(6)})
    f["work"] = work
    f["leisure"] = 10080 - sleep - work
    f["sleep"] = sleep
    assert f[["work", "leisure"]].corrwith(f["sleep"]).abs().max() < f.filter(like="habit").corrwith(f["sleep"]).min()
    (found,) = _scan(tmp_path, f, "DA701", target="sleep")
    assert set(found.columns) == {"work", "leisure"} and found.evidence["kind"] == "linear-combination"
    assert found.evidence["intercept"] == pytest.approx(10080)
    f["sleep"] = sleep + rng.normal(0, 30, n).round()  # the same diary with its own noise: an honest regression
    assert [x for x in _scan(tmp_path, f, "DA701", target="sleep") if x.evidence.get("kind") == "linear-combination"] == []


def test_an_honest_strong_regression_is_no_linear_combination(tmp_path):
    rng = np.random.default_rng(12)
    f = _prices(rng)
    x = f[["min_price", "max_price", "horsepower"]].to_numpy(dtype=float)
    signal = x @ np.array([0.6, 0.4, 0.01])
    noise = rng.normal(0, 1, len(f))
    # R² ≈ 0.9 and ≈ 0.99 from three features: good models, not a target computed from them
    for share in (0.1, 0.01):
        f["price"] = signal + noise * np.sqrt(share / (1 - share)) * signal.std()
        assert _scan(tmp_path, f, "DA701", target="price") == []
    # a one-column transform of the target is the single-feature leak, reported once, not again as a combination
    f["price"] = f["max_price"] * 1.2
    (found,) = _scan(tmp_path, f, "DA701", target="price")
    assert found.column == "max_price" and found.evidence.get("kind") != "linear-combination"


def test_drop_leaky_drops_every_column_a_target_is_computed_from(tmp_path):
    from dataaudit import FixOptions
    from dataaudit.api import apply_recipe, fix

    f = _prices(np.random.default_rng(13))
    f["price"] = (f["min_price"] + f["max_price"]) / 2
    path = write_csv(tmp_path / "t.csv", f)
    out, _ = apply_recipe(fix(path, target="price", options=FixOptions(drop_leaky=True, resample="none")).recipe, path)
    assert not {"min_price", "max_price"} & set(out.columns) and "horsepower" in out.columns


def _answers(rng, n: int = 1500) -> pd.DataFrame:
    """A survey of three answers (yy, ny, nn: willing to pay both bids, the lower only, neither) with honest
    features: a bid, an income that differs by answer, a 1-5 attitude score, and a region mostly of one answer."""
    answer = rng.choice(["yy", "ny", "nn"], n, p=[0.5, 0.15, 0.35])
    yes = answer == "yy"
    return pd.DataFrame({
        "bid": rng.choice([2, 5, 20, 50, 100, 250], n),
        "income": np.where(yes, rng.lognormal(3.6, 0.5, n), rng.lognormal(3.0, 0.5, n)).round(1),
        "attitude": np.clip(np.where(yes, 4, 2) + rng.integers(-1, 2, n), 1, 5),
        "region": np.where(answer == "nn", rng.choice(["north", "south"], n, p=[0.9, 0.1]), "south"),
        "answer": answer})


def test_a_value_written_only_with_one_class_is_a_leak(tmp_path):
    rng = np.random.default_rng(14)
    f = _answers(rng)
    # the interval of the willingness to pay: no upper bound (999) for yy, no lower bound (0) for nn
    f["upper"] = np.where(f["answer"] == "yy", 999, f["bid"] * 2)
    f["lower"] = np.where(f["answer"] == "nn", 0, f["bid"])
    found = {x.column: x for x in _scan(tmp_path, f, "DA701", target="answer")}
    assert set(found) == {"upper", "lower"}
    assert found["upper"].evidence["kind"] == "class-code" and found["upper"].evidence["class"] == "yy"
    assert "999 marks class 'yy'" in found["upper"].message and found["lower"].evidence["value"] == 0


def test_honest_features_of_a_three_class_target_are_no_class_codes(tmp_path):
    rng = np.random.default_rng(15)
    f = _answers(rng)  # region is 'north' for 90% of nn and never otherwise: strong, but no code of the label
    f["visits"] = np.where(rng.random(len(f)) < 0.6, 0, rng.poisson(3, len(f)))  # legitimate zeros in every class
    f["member"] = (f["answer"] == "yy").astype(int) * (rng.random(len(f)) < 0.9)  # an honest 0/1 flag, 90% of yy
    f["petal"] = np.where(f["answer"] == "nn", rng.normal(1.5, 0.2, len(f)), rng.normal(5, 0.6, len(f))).round(1)
    assert _scan(tmp_path, f, "DA701", target="answer") == []


def _eligibility(rng, n: int = 4000) -> pd.DataFrame:
    """A pension survey: eligibility for a plan (target ``e401k``, 40%), income and age that raise it honestly
    (rank AUC ≈ 0.7), and an honest one-sided flag with a plain name (a union job: 30% of the eligible, never the
    others, since only union employers in this survey offer the plan)."""
    y = (rng.random(n) < 0.4).astype(int)
    return pd.DataFrame({"inc": np.where(y == 1, rng.lognormal(3.7, 0.5, n), rng.lognormal(3.3, 0.5, n)).round(2),
                         "age": np.where(y == 1, rng.normal(43, 9, n), rng.normal(40, 10, n)).round(),
                         "union": np.where(y == 1, rng.random(n) < 0.3, 0).astype(int),
                         "marr": rng.integers(0, 2, n), "e401k": y})


def test_a_sibling_of_the_target_that_only_one_class_can_hold_is_a_leak(tmp_path):
    """Participation (``p401k``) requires the eligibility being predicted (``e401k``): 70% of the eligible take
    part, nobody else can; the name is the target's with another first letter."""
    rng = np.random.default_rng(21)
    f = _eligibility(rng)
    f["p401k"] = np.where(f["e401k"] == 1, rng.random(len(f)) < 0.7, 0).astype(int)
    (found,) = _scan(tmp_path, f, "DA701", target="e401k")
    assert found.column == "p401k" and found.severity == 2 and found.evidence["kind"] == "implied-by-target"
    assert found.evidence["class"] == "1" and 0.65 <= found.evidence["score"] <= 0.75
    assert "another first letter" in found.message
    f["default_recovered"] = f.pop("p401k")  # the target's name inside its own
    f = f.rename(columns={"e401k": "default"})
    (found,) = _scan(tmp_path, f, "DA701", target="default")
    assert found.column == "default_recovered" and found.evidence["kind"] == "implied-by-target"


def test_one_sided_honest_flags_and_weak_siblings_are_not_implied_by_the_target(tmp_path):
    """An honest one-sided flag with a plain name (``union``) stays quiet, and so does a sibling-named column
    whose one-sided value covers too little of its class (5%) or that the other class holds too (a few rows)."""
    rng = np.random.default_rng(22)
    f = _eligibility(rng)
    y = f["e401k"].to_numpy()
    f["p401k"] = np.where(y == 1, rng.random(len(f)) < 0.05, 0).astype(int)  # 5% of the eligible only
    f["a401k"] = np.where(y == 1, rng.random(len(f)) < 0.7, rng.random(len(f)) < 0.02).astype(int)  # 2% others
    assert _scan(tmp_path, f, "DA701", target="e401k") == []


def test_a_sibling_a_fifth_of_one_class_holds_and_numbered_outcomes_are_implied_by_the_target(tmp_path):
    """A fifth of the eligible take part and nobody else can (``p401k``); beside the target ``censor1``
    (re-employed full-time), the spell's other ends ``censor2`` and ``censor3`` (part-time, left the job) are 1
    only where ``censor1`` is 0: a numbered family of outcomes, each a consequence of the label."""
    rng = np.random.default_rng(23)
    f = _eligibility(rng)
    y = f["e401k"].to_numpy()
    f["p401k"] = np.where(y == 1, rng.random(len(f)) < 0.2, 0).astype(int)
    (found,) = _scan(tmp_path, f, "DA701", target="e401k")
    assert found.column == "p401k" and found.evidence["kind"] == "implied-by-target"
    end = np.where(y == 1, 0, rng.choice(3, len(f), p=[0.5, 0.2, 0.3]))  # the other ends of the non-targets' spells
    f = f.drop(columns="p401k").rename(columns={"e401k": "censor1"})
    f["censor2"], f["censor3"] = (end == 1).astype(int), (end == 2).astype(int)
    found = _scan(tmp_path, f, "DA701", target="censor1")
    assert sorted(h.column for h in found) == ["censor2", "censor3"]
    assert all(h.evidence["kind"] == "implied-by-target" and h.evidence["class"] == "0" for h in found)
    assert "another number" in found[0].message


def _cereals(rng, n: int = 80) -> pd.DataFrame:
    """Cereals per serving: protein, fat, carbohydrates and sugars in grams (each weakly tied to the others),
    fibre, sodium and potassium in milligrams, and the shelf."""
    return pd.DataFrame({"protein": rng.gamma(3, 1, n).round(1), "fat": rng.gamma(1.2, 1, n).round(1),
                         "carbo": rng.normal(15, 4, n).clip(5).round(1), "sugars": rng.gamma(2, 3, n).round(1),
                         "fibre": rng.gamma(1, 2, n).round(1), "sodium": rng.normal(180, 80, n).clip(0).round(),
                         "potassium": rng.normal(100, 60, n).clip(15).round(), "shelf": rng.integers(1, 4, n)})


def test_a_target_that_is_a_weighted_sum_of_parts_is_a_leak(tmp_path):
    """Calories on the label: 4 kcal per gram of protein and carbohydrate, 9 per gram of fat, rounded to the
    nearest 10 kcal, then everything per cup (R² ≈ 0.99, not exact): a total computed from its parts."""
    rng = np.random.default_rng(23)
    f = _cereals(rng)
    energy = 4 * f["protein"] + 9 * f["fat"] + 4 * (f["carbo"] + f["sugars"])
    cups = rng.choice([0.33, 0.5, 0.67, 0.75, 1.0, 1.25, 1.33], len(f))  # a serving's size: all given per cup
    f["calories"] = ((energy / 10).round() * 10 / cups).round(2)  # no nutrient explains more than half alone
    f[["protein", "fat", "carbo", "sugars"]] = f[["protein", "fat", "carbo", "sugars"]].div(cups, axis=0).round(2)
    (found,) = _scan(tmp_path, f, "DA701", target="calories")
    assert set(found.columns) <= {"protein", "fat", "carbo", "sugars"} and len(found.columns) >= 3
    assert found.severity == 2 and 0.98 <= found.evidence["score"] < 0.999
    assert found.evidence["best_part_r2"] <= 0.9 and "weighted sum" in found.message


def test_strong_honest_regressions_are_no_weighted_sum(tmp_path):
    """A target that three features explain with R² ≈ 0.95 (a good model), one that one feature carries (r² ≈ 0.95
    alone) at R² ≈ 0.99, and one at R² ≈ 0.99 whose weights trade off (mixed signs)."""
    rng = np.random.default_rng(24)
    f = _cereals(rng, 400)
    parts = f[["protein", "fat", "carbo"]].to_numpy(dtype=float)
    signal = parts @ np.array([4.0, 9.0, 4.0])
    noise = rng.normal(0, 1, len(f))
    f["price"] = signal + noise * np.sqrt(0.05 / 0.95) * signal.std()  # R² ≈ 0.95: a good model
    assert _scan(tmp_path, f, "DA701", target="price") == []
    carried = 10 * f["carbo"] + 5 * f["fat"] + 3 * f["protein"]  # carbo alone: r² ≈ 0.95
    f["price"] = carried + noise * np.sqrt(0.01 / 0.99) * carried.std()
    assert _scan(tmp_path, f, "DA701", target="price") == []
    traded = 4 * f["protein"] - 9 * f["fat"] + 4 * f["carbo"]
    f["price"] = traded + noise * np.sqrt(0.01 / 0.99) * traded.std()
    assert _scan(tmp_path, f, "DA701", target="price") == []


def _anglers(rng, n: int = 1200) -> pd.DataFrame:
    """A choice among four fishing modes, with each mode's price for the angler and the mode chosen (cheaper modes
    chosen more often, but not always)."""
    modes = np.array(["beach", "pier", "boat", "charter"])
    prices = np.column_stack([rng.gamma(2, 50, n), rng.gamma(2, 50, n), rng.gamma(2, 40, n) + 2,
                              rng.gamma(2, 40, n) + 30]).round(2)
    utility = -0.01 * prices + rng.gumbel(size=(n, 4)) + np.array([0, 0, 0.5, 1.0])
    chosen = np.argmax(utility, axis=1)
    f = pd.DataFrame(prices, columns=["pbeach", "ppier", "pboat", "pcharter"])
    f["income"] = rng.gamma(3, 1200, n).round(0)
    f["mode"] = modes[chosen]
    return f.assign(chosen_price=prices[np.arange(n), chosen])


def test_the_price_of_the_alternative_chosen_is_a_leak(tmp_path):
    f = _anglers(np.random.default_rng(53)).rename(columns={"chosen_price": "price"})
    (found,) = _scan(tmp_path, f, "DA701", target="mode")
    assert found.column == "price" and found.evidence["kind"] == "chosen-alternative"
    assert str(found.severity) == "medium" and found.evidence["taken"]["boat"] == "pboat"


def test_the_cheapest_alternative_or_one_unrelated_to_the_choice_is_no_leak(tmp_path):
    rng = np.random.default_rng(54)
    f = _anglers(rng).drop(columns=["chosen_price"])
    prices = f[["pbeach", "ppier", "pboat", "pcharter"]].to_numpy()
    f["cheapest"] = prices.min(axis=1)  # computed from the features: known before the choice
    f["quoted"] = prices[np.arange(len(f)), rng.integers(0, 4, len(f))]  # one mode's price, picked at random
    assert _scan(tmp_path, f, "DA701", target="mode") == []


def test_a_panel_unit_stored_one_unit_after_another_is_an_identifier(tmp_path, rng):
    """545 men, eight rows each (1980-87), one block per man: `nr` numbers the man, not a quantity, although its
    name is not an identifier's and most of its values repeat. A file sorted by an honest integer gives runs too,
    but with no wave rising inside them: quiet."""
    men, years = 300, np.arange(1980, 1988)
    nr = np.repeat(np.sort(rng.choice(np.arange(13, 12_549), men, replace=False)), years.size)
    school = np.repeat(rng.integers(8, 17, men), years.size)
    f = pd.DataFrame({"nr": nr, "year": np.tile(years, men), "school": school,
                      "exper": np.tile(np.arange(years.size), men) + np.repeat(rng.integers(0, 6, men), years.size)})
    f["wage"] = (0.08 * f["school"] + 0.05 * f["exper"] + np.repeat(rng.normal(0, 0.4, men), years.size)
                 + rng.normal(0, 0.3, len(f))).round(3)
    found = scan(write_csv(tmp_path / "t.csv", f), target="wage").findings
    on = {x.rule for x in found if "nr" in x.columns}
    assert on == {"DA702"}
    (ident,) = [x for x in found if x.rule == "DA702"]
    assert ident.evidence["panel"] == {"cycle": "year", "blocks": men, "rows_per_block": [8, 8]}
    # sorted by an honest integer (an income in hundreds, runs of every length), with an age beside it
    g = pd.DataFrame({"income": rng.integers(50, 400, 2400), "age": rng.integers(18, 66, 2400),
                      "wave": rng.integers(1, 9, 2400)}).sort_values(["income", "wave"]).reset_index(drop=True)
    g["y"] = (0.01 * g["income"] + rng.normal(0, 1, len(g))).round(3)
    assert scan(write_csv(tmp_path / "t.csv", g), target="y", select=["DA702"]).findings == []


def _election(rng, n: int = 186, losers: int = 8) -> pd.DataFrame:
    """Incumbents running again: ``losers`` of ``n`` lose; honest features (a spending share, AUC ≈ 0.85)."""
    y = np.ones(n, dtype=int)
    y[rng.choice(n, losers, replace=False)] = 0
    return pd.DataFrame({"prtystr": rng.normal(50, 9, n).round(1), "incshr": (rng.normal(0, 1, n) + 1.5 * y).round(3),
                         "win": y})


def test_an_exact_recoding_or_perfect_score_is_a_leak_with_a_small_minority(tmp_path):
    """8 losers of 186: a perfect separation of so many rows is far beyond chance (2 / C(186, 8))."""
    rng = np.random.default_rng(5)
    f = _election(rng)
    y = f["win"].to_numpy()
    f["vote"] = np.where(y == 1, rng.uniform(50.5, 80, len(f)), rng.uniform(40, 49.5, len(f))).round(1)
    f["cwin"] = y - 1  # the label shifted
    found = {x.column: x for x in _scan(tmp_path, f, "DA701", target="win")}
    assert set(found) == {"vote", "cwin"}
    assert found["vote"].evidence["metric"] == "rank AUC" and found["vote"].evidence["score"] == 1.0


def test_a_presence_mostly_of_one_small_class_is_a_leak(tmp_path):
    """tenure recorded for 1 of 8 losers and 176 of 178 winners: the missing rows hold 7 losers of 9."""
    rng = np.random.default_rng(6)
    f = _election(rng)
    y = f["win"].to_numpy()
    tenure = rng.integers(1, 30, len(f)).astype(float)
    losers, winners = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    tenure[losers[:7]] = np.nan
    tenure[winners[:2]] = np.nan
    f["tenure"] = tenure
    (finding,) = _scan(tmp_path, f, "DA701", target="win")
    assert finding.column == "tenure" and "missingness" in finding.evidence["metric"]
    assert finding.severity.name == "MEDIUM"


def test_small_classes_with_near_perfect_or_chance_separations_are_quiet(tmp_path):
    """Five losers of 20 all below the rest could be chance (2 / C(20, 5) ≈ 1e-4); AUC 0.99 on 8 rows is within a
    strong honest feature's noise; a missingness of 3 rows spread over both classes says nothing."""
    rng = np.random.default_rng(7)
    small = _election(rng, n=20, losers=5)
    y = small["win"].to_numpy()
    small["vote"] = np.where(y == 1, rng.uniform(50.5, 80, 20), rng.uniform(40, 49.5, 20)).round(1)
    assert _scan(tmp_path, small, "DA701", target="win") == []
    f = _election(rng)
    y = f["win"].to_numpy()
    strong = np.where(y == 1, rng.uniform(50.5, 80, len(f)), rng.uniform(40, 49.5, len(f)))
    strong[np.flatnonzero(y == 0)[0]] = 60.0  # one loser among the winners: AUC just under 1
    f["vote"] = strong.round(1)
    f["lawyer"] = np.where(rng.random(len(f)) < 0.02, np.nan, rng.integers(0, 2, len(f)).astype(float))
    assert _scan(tmp_path, f, "DA701", target="win") == []


def _trainees(rng, n: int = 2000, share: float = 0.07) -> pd.DataFrame:
    """A job-training table: earnings before the programme (zero for a fifth of the men, both classes), honest."""
    y = (rng.random(n) < share).astype(int)
    re74 = np.where(rng.random(n) < 0.2 + 0.4 * y, 0.0, rng.lognormal(2.8, 0.6, n).round(3))
    return pd.DataFrame({"age": rng.integers(17, 55, n), "re74": re74, "unem74": (re74 == 0).astype(int),
                         "visits": rng.poisson(0.4 + 0.3 * y, n), "train": y})


def test_a_product_of_the_target_with_another_column_is_a_leak(tmp_path):
    """trre74 = train × re74 (zero for every non-trainee, re74 for trainees), trun74 = train × unem74."""
    rng = np.random.default_rng(8)
    f = _trainees(rng)
    f["trre74"] = f["train"] * f["re74"]
    f["trun74"] = f["train"] * f["unem74"]
    found = {x.column: x for x in _scan(tmp_path, f, "DA701", target="train")}
    assert set(found) == {"trre74", "trun74"}
    assert found["trre74"].evidence["kind"] == "target-product" and found["trre74"].evidence["factor"] == "re74"
    assert found["trun74"].evidence["factor"] == "unem74"


def test_zero_inflated_counts_one_sided_flags_and_copies_are_no_products(tmp_path):
    """A count zero for many rows of both classes, a coarse flag set only for some trainees that no other column
    completes outside the class, and a copy of a column zero outside the class: none is built from the label."""
    rng = np.random.default_rng(9)
    f = _trainees(rng)
    y = f["train"].to_numpy()
    f["referred"] = np.where((y == 1) & (rng.random(len(f)) < 0.3), 1, 0)  # one-sided, honest: a referral route
    f["referral_score"] = np.where(f["referred"] == 1, rng.integers(1, 9, len(f)), 0)
    f["referral_score_copy"] = f["referral_score"]
    assert _scan(tmp_path, f, "DA701", target="train") == []


def _births(rng, n: int = 1500) -> pd.DataFrame:
    """Birth weights with honest predictors: gestation weeks (strong), a smoking flag, the mother's age."""
    weeks = rng.normal(39, 2, n).round(0)
    smokes = (rng.random(n) < 0.15).astype(int)
    bwght = (3400 + 160 * (weeks - 39) - 200 * smokes + rng.normal(0, 380, n)).round(0)
    return pd.DataFrame({"weeks": weeks, "smokes": smokes, "mage": rng.integers(16, 45, n),
                         "preterm": (weeks + rng.normal(0, 1.0, n) < 37).astype(int), "bwght": bwght})


def test_a_threshold_of_a_regression_target_is_a_leak(tmp_path):
    rng = np.random.default_rng(10)
    f = _births(rng)
    f["lbw"] = (f["bwght"] <= 2500).astype(int)
    (finding,) = _scan(tmp_path, f, "DA701", target="bwght")
    assert finding.column == "lbw" and finding.evidence["kind"] == "target-threshold"


def test_a_bound_and_a_presence_that_fix_an_ordered_target_are_leaks(tmp_path):
    """children alive <= children ever born (equal in most rows); age at first birth missing for the childless."""
    rng = np.random.default_rng(11)
    n = 3000
    age = rng.integers(15, 50, n)
    ceb = rng.poisson(0.12 * (age - 14))
    children = ceb - rng.binomial(ceb, 0.05)
    f = pd.DataFrame({"age": age, "educ": rng.integers(0, 16, n), "ceb": ceb,
                      "agefbrth": np.where(ceb > 0, rng.integers(15, 30, n), np.nan), "children": children})
    found = {x.column: x.evidence["kind"] for x in _scan(tmp_path, f, "DA701", target="children")}
    assert found == {"ceb": "target-bound", "agefbrth": "presence-fixes-target"}


def test_a_part_of_the_target_and_the_target_with_a_part_added_are_leaks(tmp_path):
    """Felony arrests among all arrests (equal where every arrest was a felony), sleep with naps added."""
    rng = np.random.default_rng(14)
    n = 2000
    arrests = rng.poisson(0.6, n)
    f = pd.DataFrame({"priors": rng.poisson(1.5, n), "age": rng.integers(18, 40, n),
                      "felonies": rng.binomial(arrests, 0.6), "arrests": arrests})
    found = {x.column: x.evidence["kind"] for x in _scan(tmp_path, f, "DA701", target="arrests")}
    assert found == {"felonies": "target-part"}
    sleep = rng.normal(3300, 400, n).round()
    g = pd.DataFrame({"age": rng.integers(20, 65, n), "work": rng.normal(2100, 900, n).clip(0).round(),
                      "with_naps": sleep + np.where(rng.random(n) < 0.5, 0, rng.integers(30, 600, n)), "sleep": sleep})
    (found,) = _scan(tmp_path, g, "DA701", target="sleep")
    assert found.column == "with_naps" and found.evidence["side"] == "above" and "a part added" in found.message


def test_an_honest_bound_of_the_target_is_no_part_of_it(tmp_path):
    """Years of schooling never above age, a count of children never above the household's size: bounds, never equal
    (or seldom) and loosely tied, not parts."""
    rng = np.random.default_rng(15)
    n = 2000
    age = rng.integers(18, 70, n)
    kids = rng.poisson(1.2, n)
    f = pd.DataFrame({"educ": np.minimum(rng.integers(6, 20, n), age - 6), "kids": kids,
                      "age": age, "hhsize": kids + 1 + rng.poisson(1.0, n)})
    assert _scan(tmp_path, f, "DA701", target="age") == []
    assert _scan(tmp_path, f.drop(columns="age"), "DA701", target="hhsize") == []


def test_honest_coarse_features_and_scattered_missingness_do_not_fix_an_ordered_target(tmp_path):
    """A preterm flag (strong, ranges overlap), honest counts and a field missing mostly, not only, at one value."""
    rng = np.random.default_rng(12)
    f = _births(rng)
    f["visits"] = np.where(rng.random(len(f)) < 0.3, 0, rng.poisson(8, len(f)))
    light = f["bwght"] < 2800
    f["nicu_days"] = np.where(light & (rng.random(len(f)) < 0.95), np.nan, rng.integers(0, 5, len(f)))
    assert _scan(tmp_path, f, "DA701", target="bwght") == []


def test_a_change_whose_end_is_a_leaked_column_carries_the_leak(tmp_path):
    """cvote = vote90 - vote88 with vote90 the leaked result: cvote carries it, vote88 (the earlier period) does not,
    and a change of honest columns (cspend = spend90 - spend88) is no leak."""
    rng = np.random.default_rng(13)
    n = 600
    y = (rng.random(n) < 0.2).astype(int)
    vote88 = rng.uniform(50, 80, n).round(1)
    vote90 = np.where(y == 1, rng.uniform(50.5, 80, n), rng.uniform(35, 49.5, n)).round(1)
    spend88, spend90 = rng.lognormal(12, 0.5, n).round(0), rng.lognormal(12, 0.5, n).round(0)
    f = pd.DataFrame({"vote88": vote88, "vote90": vote90, "cvote": (vote90 - vote88).round(1), "spend88": spend88,
                      "spend90": spend90, "cspend": spend90 - spend88, "win": y})
    found = {x.column: x.evidence.get("kind") for x in _scan(tmp_path, f, "DA701", target="win")}
    assert found == {"vote90": None, "cvote": "derived-from-leak"}


def _games(rng: np.random.Generator, n: int = 550) -> pd.DataFrame:
    """Games: the favourite's and the underdog's strength, the spread, and the final scores."""
    fav, und = rng.normal(75, 8, n).round(1), rng.normal(70, 8, n).round(1)
    f = pd.DataFrame({"fav_rating": fav, "und_rating": und, "spread": (fav - und + rng.normal(0, 3, n)).round(1),
                      "home": rng.integers(0, 2, n)})
    f["fav_score"] = (fav / 3 + rng.normal(0, 9, n)).round().clip(0)
    f["und_score"] = (und / 3 + rng.normal(0, 9, n)).round().clip(0)
    f["und_score"] = np.where(f["fav_score"] == f["und_score"], f["und_score"] + 1, f["und_score"])  # no draws
    return f


def test_a_class_that_says_which_of_two_features_is_larger_is_a_leak_of_both(tmp_path):
    f = _games(np.random.default_rng(16))
    f["fav_win"] = (f["fav_score"] > f["und_score"]).astype(int)
    (found,) = _scan(tmp_path, f, "DA701", target="fav_win")
    assert set(found.columns) == {"fav_score", "und_score"} and found.evidence["kind"] == "target-comparison"
    assert found.evidence["score"] >= 0.995 and "which of the two is larger" in found.message


def test_two_strong_honest_features_whose_difference_predicts_the_class_well_are_no_comparison(tmp_path):
    f = _games(np.random.default_rng(17)).drop(columns=["fav_score", "und_score"])
    # the win follows the ratings' difference closely, with the noise of a game: AUC about 0.9, not 1
    f["fav_win"] = (f["fav_rating"] - f["und_rating"] + np.random.default_rng(18).normal(0, 4, len(f)) > 0).astype(int)
    assert [x for x in _scan(tmp_path, f, "DA701", target="fav_win")
            if x.evidence.get("kind") == "target-comparison"] == []


def _cohort(rng: np.random.Generator, n: int = 800, cases: float = 0.5) -> pd.DataFrame:
    y = (rng.random(n) < cases).astype(int)
    return pd.DataFrame({"age": rng.integers(40, 90, n), "score": rng.normal(50, 10, n).round(1),
                         "sex": rng.choice(["F", "M"], n), "pd": y})


def test_a_field_present_only_for_some_cases_is_a_presence_leak(tmp_path):
    rng = np.random.default_rng(19)
    f = _cohort(rng)
    diagnosed = rng.choice(np.flatnonzero(f["pd"] == 1), 40, replace=False)  # a diagnosis for 40 cases, no control
    f["diag"] = np.nan
    f.loc[diagnosed, "diag"] = rng.choice([1.0, 2.0], 40)
    (found,) = _scan(tmp_path, f, "DA701", target="pd")
    assert found.column == "diag" and found.evidence["metric"] == "balanced accuracy of its missingness"
    assert str(found.severity) == "medium" and "0% of the rest" in found.message


def test_a_field_present_in_both_classes_or_by_chance_in_the_majority_is_no_presence_leak(tmp_path):
    rng = np.random.default_rng(20)
    f = _cohort(rng)
    cases, controls = np.flatnonzero(f["pd"] == 1), np.flatnonzero(f["pd"] == 0)
    noted = np.r_[rng.choice(cases, 36, replace=False), rng.choice(controls, 4, replace=False)]
    f["note"] = np.nan
    f.loc[noted, "note"] = 1.0  # mostly cases, but controls too
    assert _scan(tmp_path, f, "DA701", target="pd") == []
    g = _cohort(rng, 1000, cases=0.05)  # 5% cases: 25 rows present, all controls, as chance often gives
    g["note"] = np.nan
    g.loc[rng.choice(np.flatnonzero(g["pd"] == 0), 25, replace=False), "note"] = 1.0
    assert _scan(tmp_path, g, "DA701", target="pd") == []


def test_conflicting_counts_are_reported_low_and_conflicting_classes_medium(tmp_path):
    from ..conftest import clean_frame

    rng = np.random.default_rng(21)
    f = clean_frame(rng, 1000)
    copies = f.iloc[:40].copy()
    copies["label"] = 1 - copies["label"]  # the same inputs, the other class: label noise
    (found,) = _scan(tmp_path, pd.concat([f, copies], ignore_index=True), "DA703")
    assert str(found.severity) == "medium" and "count target" not in found.message
    f["visits"] = np.minimum(rng.poisson(1.5, len(f)), 5)  # 0-5: six values, read as classes
    copies = f.iloc[:40].copy()
    copies["visits"] = (copies["visits"] + 1) % 6  # the same inputs, another count: the count's own noise as much
    (found,) = _scan(tmp_path, pd.concat([f, copies], ignore_index=True).drop(columns="label"), "DA703",
                     target="visits")
    assert str(found.severity) == "low" and "count target" in found.message


def _shops(rng, n: int = 400) -> pd.DataFrame:
    """Shops: floor size, staff and hours (honest features of a regression target, annual sales ``tsales``, which
    grows with size and staff, lognormal noise), a year dummy."""
    size = rng.integers(40, 400, n).astype(float)
    staff = rng.integers(1, 12, n).astype(float)
    return pd.DataFrame({"ssize": size, "staff": staff, "hours": rng.normal(60, 8, n).round(1),
                         "y81": rng.integers(0, 2, n),
                         "tsales": (900 * size ** 0.6 * staff ** 0.3 * rng.lognormal(0, 0.35, n)).round()})


def test_the_target_over_a_feature_or_its_log_deflated_is_a_leak(tmp_path):
    """``sales`` per square metre is the target over the shop's size, and ``lrsales`` the log of the target
    deflated in the 1981 rows, and ``rent_share`` the rent over the target: each is named once, with its partner, the
    quotient (more values) as the leak."""
    rng = np.random.default_rng(31)
    f = _shops(rng)
    f["sales"] = f["tsales"] / f["ssize"]
    f["lrsales"] = np.log(f["tsales"]) - 0.264 * f["y81"]
    f["rent"] = (f["ssize"] * rng.uniform(8, 30, len(f))).round()  # honest: the rent the shop pays
    f["rent_share"] = f["rent"] / f["tsales"]  # the rent over the target: a ratio with the target below the line
    found = {h.column: h for h in _scan(tmp_path, f, "DA701", target="tsales")}
    assert set(found) == {"sales", "lrsales", "rent_share"}
    assert found["rent_share"].evidence["kind"] == "over-target" and "is `rent` over `tsales`" in \
        found["rent_share"].message
    assert found["sales"].evidence["partner"] == "ssize" and found["sales"].evidence["kind"] == "target-ratio"
    assert "is `tsales` over `ssize`" in found["sales"].message
    assert found["lrsales"].evidence["partner"] == "y81" and found["lrsales"].evidence["kind"] == "target-log-rescaled"


def test_honest_rates_and_noisy_ratios_of_the_target_are_no_rescaled_target(tmp_path):
    """Sales per staff member measured with 10% noise (an estimate, not the target rescaled), costs that grow
    with sales (r ≈ 0.9), and a rate unrelated to the target stay quiet."""
    rng = np.random.default_rng(32)
    f = _shops(rng)
    f["per_staff"] = (f["tsales"] / f["staff"] * rng.lognormal(0, 0.1, len(f))).round(1)
    f["costs"] = (0.6 * f["tsales"] * rng.lognormal(0, 0.2, len(f))).round()
    f["rate"] = rng.lognormal(0, 0.5, len(f)).round(3)
    assert _scan(tmp_path, f, "DA701", target="tsales") == []


def test_a_target_that_is_the_log_of_one_feature_over_another_names_both(tmp_path):
    """``y1``, the log-odds of two parties' vote shares stored to four decimals (log(``v1`` / ``v3``), negative in
    some rows), is computed from the pair: one finding names both. The same target beside honest shares of a
    previous election (the log-odds then, r ≈ 0.8 with the target) stays quiet."""
    rng = np.random.default_rng(44)
    n = 500
    lag = rng.normal(0.8, 0.6, n)
    now = lag + rng.normal(0, 0.35, n)  # this election's log-odds, tied to the last one's
    third = rng.uniform(0.05, 0.35, n)
    v1 = third * np.exp(now)  # v1 / v3 = exp(now)
    scale = np.maximum(1.0, v1 + third) * 1.05  # shares: the two of them below 1
    f = pd.DataFrame({"v1": (v1 / scale).round(4), "v3": (third / scale).round(4), "lag": lag.round(4),
                      "inc": rng.integers(0, 2, n)})
    f["y1"] = np.log(f["v1"] / f["v3"]).round(4)
    (found,) = _scan(tmp_path, f, "DA701", target="y1")
    assert set(found.columns) == {"v1", "v3"} and found.evidence["kind"] == "log-ratio-target"
    assert "`y1` = log(`v1` / `v3`)" in found.message
    honest = pd.DataFrame({"lag": lag.round(4), "lag_v1": (np.exp(lag) / (1 + np.exp(lag))).round(4),
                           "inc": f["inc"], "y1": f["y1"]})
    assert _scan(tmp_path, honest, "DA701", target="y1") == []


def test_a_target_that_is_the_or_or_the_and_of_two_flags_names_both(tmp_path):
    """``event`` = death OR relapse (each alone a weak key), and ``approved`` = income_ok AND score_ok: every
    flag holds part of the label by construction."""
    rng = np.random.default_rng(41)
    n = 800
    f = pd.DataFrame({"age": rng.normal(50, 10, n).round(), "dose": rng.choice([10, 20, 40], n),
                      "died": (rng.random(n) < 0.2).astype(int), "relapsed": (rng.random(n) < 0.25).astype(int)})
    f["event"] = f["died"] | f["relapsed"]
    found = {h.column: h for h in _scan(tmp_path, f, "DA701", target="event")}
    assert set(found) == {"died", "relapsed"} and found["died"].evidence["kind"] == "target-or"
    assert found["died"].evidence["partner"] == "relapsed" and found["died"].severity == 3
    g = f.drop(columns=["event", "died", "relapsed"])
    g["income_ok"], g["score_ok"] = (rng.random(n) < 0.7).astype(int), (rng.random(n) < 0.6).astype(int)
    g["approved"] = g["income_ok"] & g["score_ok"]
    found = {h.column: h for h in _scan(tmp_path, g, "DA701", target="approved")}
    assert set(found) == {"income_ok", "score_ok"} and "AND" in found["score_ok"].message


def test_one_sided_flags_that_do_not_make_the_label_are_no_or_of_flags(tmp_path):
    """Two honest one-sided flags (a symptom seen only in the sick, a test ordered only for them) that together
    miss an eighth of the positive rows stay quiet: neither is a part of the label."""
    rng = np.random.default_rng(42)
    n = 800
    sick = rng.random(n) < 0.3
    f = pd.DataFrame({"age": rng.normal(50, 10, n).round(), "sick": sick.astype(int)})
    f["rash"] = (sick & (rng.random(n) < 0.5)).astype(int)
    f["tested"] = (sick & (rng.random(n) < 0.75)).astype(int)
    found = [h for h in _scan(tmp_path, f, "DA701", target="sick") if h.evidence.get("kind", "").startswith("target-")]
    assert found == []


def test_the_rescaled_target_screen_warns_nothing_on_columns_without_a_log(tmp_path):
    """A column never above 0 has no log: the screen's means and spreads of it are 0, with no numpy warning on
    the user's terminal."""
    import warnings

    rng = np.random.default_rng(33)
    f = _shops(rng)
    f["losses"] = -rng.integers(1, 50, len(f)).astype(float)  # never positive
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _scan(tmp_path, f, "DA701", target="tsales") == []


def test_an_identifier_whose_form_tells_the_class_is_a_leak(tmp_path):
    """Cases sent by the clinic numbered 'H-1234', controls from the registry numbered '1234.00': unique ids, but
    their form is the label."""
    rng = np.random.default_rng(43)
    n = 600
    case = rng.random(n) < 0.3
    number = rng.choice(np.arange(1000, 99_999), n, replace=False)
    ids = np.where(case, np.char.add("H-", number.astype(str)), np.char.add(number.astype(str), ".00"))
    f = pd.DataFrame({"sample_id": ids, "age": rng.normal(60, 10, n).round(), "case": case.astype(int)})
    (found,) = _scan(tmp_path, f, "DA701", target="case")
    assert found.column == "sample_id" and found.evidence["kind"] == "identifier-form"
    assert found.evidence["forms"] == {"0": "9.9", "1": "a-9"}


def test_identifiers_and_names_of_one_form_or_of_forms_unrelated_to_the_class_are_quiet(tmp_path):
    """Customer numbers all written 'C00123', names 'First Last', and codes written two ways at random."""
    rng = np.random.default_rng(44)
    n = 600
    number = rng.choice(np.arange(1000, 99_999), n, replace=False)
    first = rng.choice(["Ann", "Bob", "Carla", "Dev", "Emil", "Fay", "Gus", "Hana"], n)
    last = rng.choice(["Smith", "Jones", "Okafor", "Ng", "Weber", "Rossi", "Silva", "Kim", "Haddad"], n)
    f = pd.DataFrame({"customer": np.char.add("C", number.astype(str)),
                      "name": np.char.add(np.char.add(first, " "), np.char.add(last, number.astype(str))),
                      "code": np.where(rng.random(n) < 0.5, np.char.add("X-", number.astype(str)), number.astype(str)),
                      "age": rng.normal(60, 10, n).round(), "churned": (rng.random(n) < 0.3).astype(int)})
    assert [h for h in _scan(tmp_path, f, "DA701", target="churned")
            if h.evidence.get("kind") == "identifier-form"] == []


def _county_panel(rng, counties: int = 80, years: int = 6) -> pd.DataFrame:
    """Counties observed yearly: a crime rate with a county level and yearly noise, honest features beside it."""
    county = np.repeat(np.arange(1, counties + 1), years)
    year = np.tile(np.arange(81, 81 + years), counties)
    level = rng.normal(0, 0.5, counties)[county - 1]
    police = rng.lognormal(0, 0.3, county.size)
    rate = np.exp(-3.5 + level - 0.3 * np.log(police) + rng.normal(0, 0.15, county.size))
    return pd.DataFrame({"county": county, "year": year, "polpc": police.round(4), "crmrte": rate.round(6),
                         "density": rng.lognormal(0, 0.8, county.size).round(3)})


def test_the_targets_change_since_the_units_last_period_is_a_leak(tmp_path):
    """``ccrmrte`` = this year's rate minus last year's within the county, and ``clcrmrte`` = the same in logs (the
    first year empty): each gives the target back with the unit's other rows, named with the unit."""
    rng = np.random.default_rng(45)
    f = _county_panel(rng)
    lag = f.groupby("county")["crmrte"].shift()
    f["ccrmrte"] = (f["crmrte"] - lag).round(6)
    found = {h.column: h for h in _scan(tmp_path, f, "DA701", target="crmrte")}
    assert set(found) == {"ccrmrte"} and found["ccrmrte"].evidence["kind"] == "target-change"
    assert found["ccrmrte"].evidence["unit"] == "county" and "minus its value in another row" in \
        found["ccrmrte"].message
    g = f.drop(columns="ccrmrte")
    g["clcrmrte"] = np.log(g["crmrte"]) - np.log(lag)
    (hit,) = _scan(tmp_path, g, "DA701", target="crmrte")
    assert hit.column == "clcrmrte" and hit.evidence["log"] is True


def test_an_honest_change_and_last_periods_target_are_no_change_of_the_target(tmp_path):
    """Last year's rate (a lag: an honest, strong feature) and the change of the police numbers stay quiet."""
    rng = np.random.default_rng(46)
    f = _county_panel(rng)
    f["lag_crmrte"] = f.groupby("county")["crmrte"].shift()
    f["cpolpc"] = (f["polpc"] - f.groupby("county")["polpc"].shift()).round(4)
    assert [h for h in _scan(tmp_path, f, "DA701", target="crmrte")
            if h.evidence.get("kind") == "target-change"] == []


def test_a_time_cut_off_at_a_leaked_follow_up_carries_the_leak_and_an_honest_time_does_not(tmp_path):
    """A transplant table: the follow-up ``t1`` ends with the outcome (its name pairs it with ``d1``, a leak), and
    ``ta``, the time to a complication, equals ``t1`` when the complication did not happen (70% of rows) and is below
    it otherwise: built from the leak. ``tw``, the wait before the transplant, is below the follow-up as every
    earlier time is, but equals it in no row: quiet."""
    rng = np.random.default_rng(47)
    n = 400
    t1 = rng.exponential(600, n).round() + 10
    d1 = (rng.random(n) < 1 / (1 + np.exp((t1 - 500) / 150))).astype(int)  # short follow-ups end in the event
    happened = rng.random(n) < 0.3
    f = pd.DataFrame({"age": rng.normal(40, 10, n).round(), "t1": t1, "d1": d1,
                      "ta": np.where(happened, (t1 * rng.uniform(0.05, 0.9, n)).round(), t1),
                      "tw": (t1 * rng.uniform(0.0, 0.9, n)).round(), "dose": rng.choice([1.0, 2.0, 4.0], n)})
    found = {h.column: h for h in _scan(tmp_path, f, "DA701", target="d1")}
    assert "t1" in found and found["ta"].evidence["kind"] == "bounded-by-leak"
    assert found["ta"].evidence["source"] == "t1" and "tw" not in found
