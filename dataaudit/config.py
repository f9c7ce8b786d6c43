"""Settings from `dataaudit.toml` or `[tool.dataaudit]` in `pyproject.toml`, found upward from a directory.

Command-line options win over the file; unknown keys and wrong types are errors (exit 2), so a typo
never silently changes what a CI gate checks. Every key is documented in the README's table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError

SCAN_KEYS: dict[str, type | tuple[type, ...]] = {
    "target": str, "fail-on": str, "select": list, "ignore": list, "max-rows": int, "sheet": (str, int),
    "per-column-ignores": dict, "rules": dict, "fix": dict,
}
FIX_KEYS: dict[str, type | tuple[type, ...]] = {
    "scaler": str, "impute": str, "outliers": str, "encode": str, "resample": str, "seed": int,
    "drop-leaky": bool, "clip-k": (int, float), "spreadsheet-safe": bool,
}


@dataclass
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)  # top-level keys (scan and shared)
    fix: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


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
    values = _checked(chosen, data, SCAN_KEYS, "")
    fix = _checked(chosen, values.pop("fix", {}), FIX_KEYS, "fix.")
    for column, codes in values.get("per-column-ignores", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise UsageError(f"{chosen}: per-column-ignores.{column} must be a list of rule codes")
    for code, options in values.get("rules", {}).items():
        if not isinstance(options, dict):
            raise UsageError(f"{chosen}: rules.{code} must be a table of option = value")
    return Config(chosen, values, fix)


def _checked(path: Path, data: dict[str, Any], allowed: dict[str, Any], prefix: str) -> dict[str, Any]:
    for key, value in data.items():
        if key not in allowed:
            raise UsageError(f"{path}: unknown key '{prefix}{key}' (known: {', '.join(allowed)})")
        kinds = allowed[key] if isinstance(allowed[key], tuple) else (allowed[key],)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise UsageError(f"{path}: {prefix}{key} must be {names}, not {type(value).__name__} {value!r}")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise UsageError(f"{path}: {prefix}{key} must be a list of strings")
    return dict(data)
