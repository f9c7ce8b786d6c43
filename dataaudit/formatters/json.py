"""The JSON report (SPEC schema_version 1): one object per file, an array for several."""

from __future__ import annotations

import json
from typing import Sequence

from ..analysis.report import Report

__all__ = ["render", "render_many"]


def render(report: Report, **_: object) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_many(reports: Sequence[Report], **_: object) -> str:
    if len(reports) == 1:
        return render(reports[0])
    return json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False, allow_nan=False) + "\n"
