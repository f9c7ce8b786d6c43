"""Round-trip a fitted step through JSON, checking that only JSON's own types are in it."""

from __future__ import annotations

import json


def native(value) -> bool:
    """Only the types JSON has: no numpy scalar may slip into a recipe."""
    if isinstance(value, dict):
        return all(type(k) is str and native(v) for k, v in value.items())
    if isinstance(value, list):
        return all(native(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def round_trip(step):
    data = step.to_dict()
    assert native(data)
    return type(step).from_dict(json.loads(json.dumps(data, allow_nan=False)))
