"""A corpus of ordinary files: the kinds of real data a new user brings, and what each must show.

    python tests/corpus/make_ordinary.py OUT_DIR      # writes the files (tests write them to a tmp dir)

The hostile corpus (``make_malformed.py``) is about files that are broken; these are not. Each case is a
seeded writer and what must hold: every case goes through ``scan`` (every format), ``fix``, ``apply`` and
``diff`` on the command line with exit 0 or 1 and never an internal error (``tests/test_ordinary_corpus.py``);
``rules`` lists findings that must be there (rule -> column), ``absent`` rules that must not, and ``fix_columns``
columns the fix output must have (``without``: must not). Checks that need more (values of the fixed output,
another file to apply the recipe to) are test functions beside the driver.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass
class Case:
    name: str  # the file name
    write: Callable[[Path], None]
    target: str | None = "label"
    rules: dict[str, str] = field(default_factory=dict)  # rule -> column it must name
    absent: tuple[str, ...] = ()  # rules that must not fire
    fix_columns: tuple[str, ...] = ()  # columns the fix output must have
    without: tuple[str, ...] = ()  # columns it must not have
    why: str = ""


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _labelled(n: int, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({**columns, "x": rng.normal(0, 1, n).round(4), "label": rng.integers(0, 2, n)})


def event_log(path: Path) -> None:
    """Sub-second timestamps, as most event logs write them."""
    rng, n = _rng(), 400
    ts = pd.Timestamp("2024-03-01 10:00") + pd.to_timedelta(np.sort(rng.integers(0, 10**10, n)), unit="ms")
    _labelled(n, ts=ts.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3]).to_csv(path, index=False)


def nanosecond_events(path: Path) -> None:
    """Parquet timestamp[ns] columns, naive and time-zone-aware."""
    rng, n = _rng(), 400
    ticks = 1_700_000_000_000_000_000 + rng.integers(0, 10**15, n)
    frame = _labelled(n)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.append_column("at", pa.array(ticks, pa.int64()).cast(pa.timestamp("ns")))
    other = 1_700_000_000_000_000_000 + rng.integers(0, 10**15, n)
    table = table.append_column("at_paris", pa.array(other, pa.int64()).cast(pa.timestamp("ns", "Europe/Paris")))
    pq.write_table(table, path)


def houses_frame(n: int = 1000) -> pd.DataFrame:
    """A dollar-valued regression table (area, rooms, an assessed value and a price target): the naive probe's
    gradients overflow."""
    rng = _rng()
    area = rng.normal(1800, 500, n).clip(400).round(0)
    rooms = rng.integers(1, 8, n)
    assessed = (area * 150 + rng.normal(0, 20000, n)).round(0)
    price = (assessed * 1.1 + rooms * 5000 + rng.normal(0, 15000, n)).round(0)
    return pd.DataFrame({"area": area, "rooms": rooms, "assessed_value": assessed, "price": price})


def houses(path: Path) -> None:
    houses_frame().to_csv(path, index=False)


def _nested_rows(n: int) -> tuple[list, list]:
    rng = _rng()
    addresses = [{"city": str(rng.choice(["Paris", "Lyon", "Lille"])), "floor": int(rng.integers(0, 9))}
                 for _ in range(n)]
    tags = [[str(t) for t in rng.choice(["a", "b", "c"], rng.integers(0, 4))] for _ in range(n)]
    return addresses, tags


def nested_parquet(path: Path) -> None:
    """A struct column and a list column."""
    n = 300
    addresses, tags = _nested_rows(n)
    table = pa.Table.from_pandas(_labelled(n), preserve_index=False)
    pq.write_table(table.append_column("address", pa.array(addresses)).append_column("tags", pa.array(tags)), path)


def nested_jsonl(path: Path) -> None:
    """JSON Lines with nested objects and arrays."""
    n = 300
    addresses, tags = _nested_rows(n)
    rows = _labelled(n).to_dict("records")
    with open(path, "w", encoding="utf-8") as handle:
        for row, address, tag in zip(rows, addresses, tags):
            handle.write(json.dumps({**row, "address": address, "tags": tag}) + "\n")


def _prices(n: int = 1500) -> pd.DataFrame:
    rng = _rng()
    return pd.DataFrame({"weight": rng.normal(10, 2, n).round(3), "price": rng.lognormal(3, 1, n).round(2),
                         "colour": rng.choice(["red", "green", "blue"], n), "label": rng.integers(0, 2, n)})


def prices_dot(path: Path) -> None:
    """Decimal points, comma-separated: the file a recipe is fitted on."""
    _prices().to_csv(path, index=False)


def prices_comma(path: Path) -> None:
    """The same data exported with ';' and decimal commas."""
    _prices().to_csv(path, index=False, sep=";", decimal=",")


def mixed_dates(path: Path) -> None:
    """ISO dates mixed with dd/mm/yyyy; ``truth`` holds the same dates, ISO only."""
    rng, n = _rng(), 1000
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    written = np.where(rng.random(n) < 0.3, days.strftime("%d/%m/%Y"), days.strftime("%Y-%m-%d"))
    _labelled(n, when=written, truth=days.strftime("%Y-%m-%d")).to_csv(path, index=False)


def undecided_dates(path: Path) -> None:
    """Numeric dates whose day and month are both 12 or less in every row: the order cannot be told."""
    rng, n = _rng(), 300
    day, month = rng.integers(1, 13, n), rng.integers(1, 13, n)
    _labelled(n, when=[f"{d:02d}/{m:02d}/2024" for d, m in zip(day, month)]).to_csv(path, index=False)


def durations(path: Path) -> None:
    """A Parquet duration column (call lengths) and a time of day."""
    rng, n = _rng(), 500
    table = pa.Table.from_pandas(_labelled(n), preserve_index=False)
    table = table.append_column("call", pa.array(rng.integers(5, 3600, n) * 10**9, pa.int64()).cast(pa.duration("ns")))
    table = table.append_column("opened", pa.array(rng.integers(0, 86400, n).astype(np.int32)).cast(pa.time32("s")))
    pq.write_table(table, path)


def hourly(path: Path) -> None:
    """Timestamps whose hour drives the label (office hours), over 60 days."""
    rng, n = _rng(), 3000
    hour = rng.integers(0, 24, n)
    when = (pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
            + pd.to_timedelta(hour, unit="h") + pd.to_timedelta(rng.integers(0, 3600, n), unit="s"))
    label = (((hour >= 8) & (hour < 18)) ^ (rng.random(n) < 0.1)).astype(int)
    pd.DataFrame({"when": when.strftime("%Y-%m-%d %H:%M:%S"), "x": rng.normal(0, 1, n).round(3),
                  "label": label}).to_csv(path, index=False)


def units(path: Path) -> None:
    """Numbers written with one unit: '13.6 km/h'."""
    rng, n = _rng(), 1000
    _labelled(n, speed=[f"{v:.1f} km/h" for v in rng.gamma(3, 5, n)]).to_csv(path, index=False)


def big_ids(path: Path) -> None:
    """19-digit integer identifiers (beyond float64's exact integers)."""
    rng, n = _rng(), 300
    ids = 1_709_287_200_123_000_000 + np.sort(rng.choice(10**15, n, replace=False))
    _labelled(n, tweet_id=ids).to_csv(path, index=False)


def mixed_units(path: Path) -> None:
    """Weights in two units ('5 kg', '500 g'): not numbers of one unit, so never parsed as kilograms."""
    rng, n = _rng(), 400
    grams = rng.integers(100, 5000, n)
    _labelled(n, weight=np.where(rng.random(n) < 0.5, [f"{g / 1000:g} kg" for g in grams],
                                 [f"{g} g" for g in grams])).to_csv(path, index=False)


def zoned_times(path: Path) -> None:
    """ISO timestamps with different UTC offsets in one column."""
    rng, n = _rng(), 400
    when = pd.Timestamp("2024-03-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s")
    zones = rng.choice(["Europe/Paris", "America/New_York", "Asia/Kolkata"], n)
    text = [w.tz_convert(z).isoformat() for w, z in zip(when, zones)]
    _labelled(n, when=text, utc=when.strftime("%Y-%m-%d %H:%M:%S")).to_csv(path, index=False)


def shifts_xlsx(path: Path) -> None:
    """An Excel sheet with date-time cells and time-of-day cells."""
    import datetime as dt

    rng, n = _rng(), 200
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s")
    times = [dt.time(int(h), int(m)) for h, m in zip(rng.integers(0, 24, n), rng.integers(0, 60, n))]
    _labelled(n, start=start, clock_in=times).to_excel(path, index=False)


CASES: list[Case] = [
    Case("event_log.csv", event_log, why="sub-second timestamps",
         fix_columns=("ts__days", "ts__hour_sin", "ts__hour_cos")),
    Case("nanosecond_events.parquet", nanosecond_events, why="timestamp[ns], naive and with a time zone",
         fix_columns=("at__days", "at_paris__days")),
    Case("houses.csv", houses, target="price", why="a dollar-valued regression table"),
    Case("nested.parquet", nested_parquet, rules={"DA412": "tags"}, why="a struct and a list column",
         fix_columns=("address.floor",), without=("tags", "address")),
    Case("nested.jsonl", nested_jsonl, rules={"DA412": "tags"}, why="JSON Lines with nested objects and arrays",
         fix_columns=("address.floor",), without=("tags", "address")),
    Case("prices_dot.csv", prices_dot, absent=("DA401",), why="decimal points"),
    Case("prices_comma.csv", prices_comma, rules={"DA401": "price"}, why="';' and decimal commas"),
    Case("mixed_dates.csv", mixed_dates, rules={"DA413": "when"}, absent=("DA405",),
         fix_columns=("when__days",), why="ISO mixed with dd/mm/yyyy"),
    Case("undecided_dates.csv", undecided_dates, rules={"DA413": "when"}, why="day and month never above 12"),
    Case("durations.parquet", durations, absent=("DA412",), fix_columns=("call", "opened__hour_sin"),
         without=("call__days", "call__month"), why="a duration and a time of day"),
    Case("hourly.csv", hourly, fix_columns=("when__hour_sin", "when__hour_cos"), why="the hour drives the label"),
    Case("units.csv", units, rules={"DA401": "speed"}, fix_columns=("speed [km/h]",), without=("speed",),
         why="numbers with a unit"),
    Case("big_ids.csv", big_ids, why="19-digit integer identifiers"),
    Case("mixed_units.csv", mixed_units, absent=("DA401",), without=("weight [kg]",), why="two units in a column"),
    Case("zoned_times.csv", zoned_times, rules={"DA406": "when"}, fix_columns=("when__days", "when__hour_sin"),
         why="ISO timestamps with several UTC offsets"),
    Case("shifts.xlsx", shifts_xlsx, fix_columns=("start__hour_sin", "clock_in__hour_sin"), without=("clock_in__freq",),
         why="Excel date-time and time-of-day cells"),
]


def write(out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in CASES:
        path = out_dir / case.name
        case.write(path)
        paths[case.name] = path
    return paths


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "ordinary_corpus")).values():
        print(path)
