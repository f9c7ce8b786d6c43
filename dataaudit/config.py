"""Settings from `dataaudit.toml` or `[tool.dataaudit]` in `pyproject.toml`, found upward from a directory.

Command-line options win over the file; unknown keys and wrong types are errors (exit 2), so a typo
never silently changes what a CI gate checks. Every key is documented in the README's table and in the
JSON Schema ``resources/config.schema.json`` (for editors; the tests keep it and ``parse`` in agreement).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis.report import FAIL_ON_CHOICES
from .core.declared_missing import values_problem
from .engines import ENGINES
from .errors import UsageError
from .fixing.options import CHOICES

__all__ = ["SCAN_KEYS", "FIX_KEYS", "APPLY_KEYS", "COLUMN_KEYS", "CHOICE_KEYS", "MIN_MAX_ROWS", "Config", "find",
           "load", "parse", "config_schema"]

SCAN_KEYS: dict[str, type | tuple[type, ...]] = {
    "target": str, "fail-on": str, "select": list, "ignore": list, "max-rows": int, "sheet": (str, int),
    "engine": str, "scheduler": str, "per-column-ignores": dict, "rules": dict, "columns": dict, "fix": dict,
    "apply": dict,
}
FIX_KEYS: dict[str, type | tuple[type, ...]] = {
    "scaler": str, "impute": str, "outliers": str, "encode": str, "resample": str, "seed": int,
    "drop-leaky": bool, "keep-text": bool, "clip-k": (int, float), "spreadsheet-safe": bool,
    "target-transform": str, "drop-absurd-target": bool, "codes": str,
}
APPLY_KEYS: dict[str, type | tuple[type, ...]] = {"keep": list}
#: keys of one column's table, ``[columns.<name>]``
COLUMN_KEYS: dict[str, type | tuple[type, ...]] = {"ignore": list, "missing-values": list, "rules": dict}
#: keys whose value must be one of a few words ("fix." keys by their name in the [fix] table)
CHOICE_KEYS: dict[str, tuple[str, ...]] = {"fail-on": FAIL_ON_CHOICES, "engine": ENGINES,
                                           **{k.replace("_", "-"): v for k, v in CHOICES.items()}}
MIN_MAX_ROWS = 100


@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)  # top-level keys (scan and shared)
    fix: dict[str, Any] = field(default_factory=dict)
    apply: dict[str, Any] = field(default_factory=dict)  # [apply]: keep

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def columns(self) -> dict[str, dict[str, Any]]:
        """``[columns.<name>]`` tables: column -> its keys."""
        return self.values.get("columns", {})

    @property
    def column_ignores(self) -> dict[str, list[str]]:
        """Column -> rules not reported on it: ``per-column-ignores`` and ``columns.<name>.ignore`` together."""
        merged = {column: list(codes) for column, codes in self.values.get("per-column-ignores", {}).items()}
        for column, table in self.columns.items():
            for code in table.get("ignore", []):
                if code not in merged.setdefault(column, []):
                    merged[column].append(code)
        return merged

    @property
    def column_rule_options(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Column -> rule code -> options for that column only (``columns.<name>.rules``)."""
        return {column: table["rules"] for column, table in self.columns.items() if table.get("rules")}

    @property
    def missing_values(self) -> dict[str, list[Any]]:
        """Column -> values declared missing in it (``columns.<name>.missing-values``)."""
        return {column: table["missing-values"] for column, table in self.columns.items()
                if table.get("missing-values")}

    def scan_options(self) -> dict[str, Any]:
        """The keyword arguments of ``scan()`` that only the settings file sets (no command-line flag)."""
        return {"rule_options": self.get("rules"), "column_ignores": self.column_ignores or None,
                "column_rule_options": self.column_rule_options or None,
                "missing_values": self.missing_values or None}


def find(start: Path | None = None) -> Path | None:
    """The nearest dataaudit.toml, or pyproject.toml with a [tool.dataaudit] table, from ``start`` upward."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        own = directory / "dataaudit.toml"
        if own.is_file():
            return own
        project = directory / "pyproject.toml"
        if project.is_file() and "dataaudit" in _read(project).get("tool", {}):
            return project
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None


def load(path: Path | str | None = None, *, isolated: bool = False) -> Config:
    """The validated settings of ``path`` (or of the file found upward from the working directory)."""
    if isolated:
        return Config()
    chosen = Path(path) if path is not None else find()
    if chosen is None:
        return Config()
    if not chosen.is_file():
        raise UsageError(f"{chosen}: config file not found")
    data = _read(chosen)
    if chosen.name == "pyproject.toml":
        data = data.get("tool", {}).get("dataaudit", {})
    return parse(data, chosen)


def parse(data: dict[str, Any], path: Path | str = "<settings>") -> Config:
    """Validate the settings table ``data`` (read from ``path``) by hand, as the JSON Schema describes it.

    ``resources/config.schema.json`` is for editors and tests; this is the runtime check (jsonschema is
    not a dependency), so each problem is one line naming the file and the key.
    """
    path = Path(path)
    values = _checked(path, data, SCAN_KEYS, "")
    fix = _checked(path, values.pop("fix", {}), FIX_KEYS, "fix.")
    apply = _checked(path, values.pop("apply", {}), APPLY_KEYS, "apply.")
    if "max-rows" in values and values["max-rows"] < MIN_MAX_ROWS:
        raise UsageError(f"{path}: max-rows must be at least {MIN_MAX_ROWS}, not {values['max-rows']}")
    for column, codes in values.get("per-column-ignores", {}).items():
        _check_rule_patterns(path, f"per-column-ignores.{column}", codes)
    _check_rules(path, "rules", values.get("rules", {}))
    for column, table in values.get("columns", {}).items():
        key = f"columns.{column}"
        if not isinstance(table, dict):
            raise UsageError(f"{path}: {key} must be a table (ignore, missing-values, rules), "
                             f"not {type(table).__name__} {table!r}")
        table = _checked(path, table, COLUMN_KEYS, f"{key}.", text_lists=("ignore",))
        _check_rule_patterns(path, f"{key}.ignore", table.get("ignore", []))
        problem = values_problem(table.get("missing-values", []))
        if problem:
            raise UsageError(f"{path}: {key}.missing-values {problem}")
        _check_rules(path, f"{key}.rules", table.get("rules", {}))
    return Config(path, values, fix, apply)


def _check_rules(path: Path, key: str, rules: dict[str, Any]) -> None:
    """``rules`` tables: known rule codes, known options, values of the option's type."""
    # the rule registry loads the checks (numpy, pandas, scipy): only when a file sets thresholds
    from .analysis.rule_options import option_problem

    for code, options in rules.items():
        if not isinstance(options, dict):
            raise UsageError(f"{path}: {key}.{code} must be a table of option = value")
        problem = option_problem(code, options)
        if problem:
            raise UsageError(f"{path}: {key}.{code}: {problem}")


def _check_rule_patterns(path: Path, key: str, patterns: Any) -> None:
    """A list of rule codes, prefixes or names, each naming some rule (a typo would ignore nothing)."""
    if not isinstance(patterns, list) or not all(isinstance(c, str) for c in patterns):
        raise UsageError(f"{path}: {key} must be a list of rule codes")
    if not patterns:
        return
    from .analysis.registry import all_rules
    from .analysis.rules import matches

    rules = all_rules()
    for pattern in patterns:
        if not any(matches(rule, pattern) for rule in rules):
            raise UsageError(f"{path}: {key}: no rule matches {pattern!r} (see `dataaudit rules`)")


def _checked(path: Path, data: dict[str, Any], allowed: dict[str, Any], prefix: str,
             text_lists: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Known keys with values of the right type; lists hold strings (only ``text_lists`` when given)."""
    for key, value in data.items():
        if key not in allowed:
            raise UsageError(f"{path}: unknown key '{prefix}{key}' (known: {', '.join(allowed)})")
        kinds = allowed[key] if isinstance(allowed[key], tuple) else (allowed[key],)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise UsageError(f"{path}: {prefix}{key} must be {names}, not {type(value).__name__} {value!r}")
        if (isinstance(value, list) and (text_lists is None or key in text_lists)
                and not all(isinstance(v, str) for v in value)):
            raise UsageError(f"{path}: {prefix}{key} must be a list of strings")
        if key in CHOICE_KEYS and value not in CHOICE_KEYS[key]:
            raise UsageError(f"{path}: {prefix}{key} must be one of {', '.join(CHOICE_KEYS[key])}, not {value!r}")
    return dict(data)


def config_schema() -> dict[str, Any]:
    """The JSON Schema of the settings file (``resources/config.schema.json``), for editors and tests."""
    import json
    from importlib.resources import files

    return json.loads(files("dataaudit").joinpath("resources/config.schema.json").read_text(encoding="utf-8"))
