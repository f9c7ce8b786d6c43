"""The registry's invariants: unique codes, code digit matches category, documented, fix names a step."""

from __future__ import annotations

import re

import pytest

from dataaudit.analysis.findings import Category
from dataaudit.analysis.registry import all_rules, get_rule, select_rules
from dataaudit.analysis.rules import FIX_STEPS
from dataaudit.errors import UsageError

RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_metadata_is_complete(rule):
    assert re.fullmatch(r"DA[1-7]\d\d", rule.code)
    assert rule.code[2] == rule.category.digit
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.func.__name__ == rule.name.replace("-", "_")
    assert rule.summary
    assert rule.section("Why it hurts training")
    assert rule.section("How fix repairs it")
    assert set(rule.fix_steps) <= set(FIX_STEPS)


def test_rule_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_every_category_has_rules():
    assert {r.category for r in RULES} == set(Category)


def test_select_by_prefix_and_ignore_by_code():
    chosen = select_rules(["DA2"], ["DA202"])
    assert chosen and all(r.code.startswith("DA2") and r.code != "DA202" for r in chosen)


def test_select_by_check_name():
    assert [r.code for r in select_rules(["robust-outliers"])] == ["DA201"]


def test_unknown_selector_is_a_usage_error():
    with pytest.raises(UsageError, match="DA999"):
        select_rules(["DA999"])


def test_get_rule_accepts_code_or_name():
    assert get_rule("da201").name == "robust-outliers"
    assert get_rule("robust-outliers").code == "DA201"
