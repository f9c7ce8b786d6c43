"""For every rule: a small dataset where it must fire and one where it must stay silent.

Each case is built from a seeded generator and scanned through a real CSV file, so the
checks see the data exactly as a user's file would give it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..conftest import clean_frame


@dataclass
class Case:
    frame: pd.DataFrame
    target: str | None = "label"
    column: str | None = None  # the column the finding must name (None: dataset-level)
    encoding: str = "utf-8"
    format: str = "csv"  # "parquet" for what a CSV cannot hold (nested values)


def _with(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    return frame.assign(**columns)


def _mask(rng, n, share):
    return rng.random(n) < share


def _silent_clean(rng):
    return Case(clean_frame(rng))


FIRE: dict[str, Callable[[np.random.Generator], Case]] = {}
SILENT: dict[str, Callable[[np.random.Generator], Case]] = {}


def fire(code):
    def register(f):
        FIRE[code] = f
        return f
    return register


def silent(code):
    def register(f):
        SILENT[code] = f
        return f
    return register


# ---- DA1xx missing -------------------------------------------------------------------------------
@fire("DA101")
def _(rng):
    f = clean_frame(rng)
    f.loc[_mask(rng, len(f), 0.1), "a"] = np.nan
    return Case(f, column="a")


@fire("DA106")
def _(rng):
    f = clean_frame(rng).astype({"label": "float"})
    f.loc[_mask(rng, len(f), 0.05), "label"] = np.nan
    return Case(f, column="label")


@fire("DA102")
def _(rng):
    f = clean_frame(rng)
    a = f["a"].astype(str)
    a[_mask(rng, len(f), 0.05)] = "?"
    a[_mask(rng, len(f), 0.03)] = "N/A"
    return Case(f.assign(a=a), column="a")


@fire("DA103")
def _(rng):
    f = clean_frame(rng)
    f.loc[_mask(rng, len(f), 0.08), "a"] = -999
    return Case(f, column="a")


@silent("DA103")
def _(rng):
    f = clean_frame(rng)
    # counts with many zeros and a long tail: 0 is part of the bulk, not a placeholder
    return Case(f.assign(visits=rng.poisson(0.7, len(f)), spend=rng.gamma(2.0, 30.0, len(f)).round(2)))


@fire("DA104")
def _(rng):
    f = clean_frame(rng)
    rows = _mask(rng, len(f), 0.05)
    f.loc[rows, ["a", "b", "c", "d"]] = np.nan
    f.loc[rows, "colour"] = None
    return Case(f, column=None)


@silent("DA104")
def _(rng):
    f = clean_frame(rng)
    for i in range(6):
        f[f"x{i}"] = rng.normal(0, 1, len(f)).round(3)
    for name in ["a", "b", "c", "x0", "x1", "x2", "x3"]:
        f.loc[_mask(rng, len(f), 0.02), name] = np.nan
    return Case(f)


@fire("DA105")
def _(rng):
    f = clean_frame(rng)
    gone = (f["label"] == 1) & _mask(rng, len(f), 0.5) | (f["label"] == 0) & _mask(rng, len(f), 0.03)
    f.loc[gone, "c"] = np.nan
    return Case(f, column="c")


@silent("DA105")
def _(rng):
    f = clean_frame(rng)
    f.loc[_mask(rng, len(f), 0.15), "c"] = np.nan
    return Case(f)


# ---- DA2xx outliers ------------------------------------------------------------------------------
@fire("DA201")
def _(rng):
    f = clean_frame(rng)
    f.loc[_mask(rng, len(f), 0.01), "b"] *= 1000
    return Case(f, column="b")


@fire("DA202")
def _(rng):
    f = clean_frame(rng)
    f.loc[[3, 10], "c"] = np.inf
    f.loc[7, "c"] = -np.inf
    return Case(f, column="c")


@fire("DA203")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(income=rng.lognormal(10, 1.5, len(f)).round(2)), column="income")


@silent("DA203")
def _(rng):
    f = clean_frame(rng)
    b = f["b"].copy()
    b.iloc[5] = 500.0  # one huge outlier makes the moment skew large; the quantiles stay symmetric
    return Case(f.assign(b=b))


# ---- DA3xx imbalance ------------------------------------------------------------------------------
@fire("DA301")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(label=(rng.random(len(f)) < 0.05).astype(int)), column="label")


@fire("DA302")
def _(rng):
    f = clean_frame(rng)
    label = np.where(rng.random(len(f)) < 0.5, "a", "b").astype(object)
    label[[4, 40, 400]] = "c"
    return Case(f.assign(label=label), column="label")


@fire("DA303")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(label=rng.lognormal(3, 1.4, len(f)).round(3)), column="label")


@silent("DA303")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(label=(f["a"] * 2 + rng.normal(0, 5, len(f))).round(3)))


@fire("DA304")
def _(rng):
    return Case(clean_frame(rng, 12), column=None)


# ---- DA4xx encoding -------------------------------------------------------------------------------
@fire("DA401")
def _(rng):
    f = clean_frame(rng)
    price = rng.uniform(100, 20000, len(f))
    return Case(f.assign(price=[f"${p:,.2f}" for p in price]), column="price")


@silent("DA401")
def _(rng):
    f = clean_frame(rng)
    # plain numbers, and text that ends in the same words but is not a number with a unit (one street)
    return Case(f.assign(price=rng.uniform(100, 20000, len(f)).round(2),
                         address=[f"{n} Main St" for n in rng.integers(1, 400, len(f))]))


@fire("DA402")
def _(rng):
    f = clean_frame(rng)
    mixed = np.where(rng.random(len(f)) < 0.5, rng.integers(1, 500, len(f)).astype(str),
                     rng.choice(["unknown", "see notes", "pending"], len(f)))
    return Case(f.assign(quantity=mixed), column="quantity")


@silent("DA402")
def _(rng):
    f = clean_frame(rng)  # a drive train: front, rear, 4-wheel; a label that is a digit is not a number among words
    return Case(f.assign(drv=rng.choice(["f", "4", "r"], len(f), p=[0.45, 0.44, 0.11])))


@fire("DA403")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(sex=rng.choice(["Male", " male", "MALE", "female", "Female "], len(f),
                                        p=[0.4, 0.05, 0.05, 0.4, 0.1])), column="sex")


@silent("DA403")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(sex=rng.choice(["male", "female"], len(f))))


@fire("DA404")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(city=rng.choice(["Paris", "Berlin ", " Rome"], len(f))), column="city")


@fire("DA405")
def _(rng):
    f = clean_frame(rng)
    codes = [f"P{i:04d}" for i in range(300)]
    return Case(f.assign(product=rng.choice(codes, len(f))), column="product")


@fire("DA406")
def _(rng):
    f = clean_frame(rng)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, len(f)), unit="D")
    return Case(f.assign(signup=days.strftime("%m/%d/%Y")), column="signup")


@fire("DA412")
def _(rng):
    f = clean_frame(rng)
    tags = [list(rng.choice(["a", "b", "c"], rng.integers(0, 4))) for _ in range(len(f))]
    return Case(f.assign(tags=tags), column="tags", format="parquet")


@silent("DA412")
def _(rng):
    f = clean_frame(rng)  # list-looking text in a CSV is text, not nested values
    return Case(f.assign(notes=[f"[{a}, {b}]" for a, b in rng.integers(0, 9, (len(f), 2))]))


@fire("DA413")
def _(rng):
    f = clean_frame(rng)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, len(f)), unit="D")
    written = np.where(rng.random(len(f)) < 0.3, days.strftime("%d/%m/%Y"), days.strftime("%Y-%m-%d"))
    return Case(f.assign(signup=written), column="signup")


@silent("DA413")
def _(rng):
    f = clean_frame(rng)  # one format, and days above 12 settle the order
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, len(f)), unit="D")
    return Case(f.assign(signup=days.strftime("%d/%m/%Y")))


_FIRST = ["Ann", "Bob", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jia", "Kofi", "Lena"]
_LAST = ["Smith", "Okafor", "Tanaka", "Silva", "Novak", "Haddad", "Larsen", "Moreau", "Kowalski", "Nguyen"]


@fire("DA414")
def _(rng):
    f = clean_frame(rng)  # full names with a middle initial: mostly distinct, several words
    names = [f"{rng.choice(_FIRST)} {chr(65 + rng.integers(26))}. {rng.choice(_LAST)}" for _ in range(len(f))]
    return Case(f.assign(customer_name=names), column="customer_name")


@silent("DA414")
def _(rng):
    f = clean_frame(rng)  # repeated multi-word labels are categories, not free text
    return Case(f.assign(city=rng.choice(["New York", "Los Angeles", "San Diego", "Salt Lake City", "Boston"],
                                         len(f))))


@fire("DA606")
def _(rng):
    f = clean_frame(rng)
    size = rng.choice(["S", "M", "L", "XL"], len(f))
    return Case(f.assign(size=size, size_code=pd.Series(size).map({"S": 1, "M": 2, "L": 3, "XL": 4}).to_numpy()),
                column="size_code")


@silent("DA606")
def _(rng):
    f = clean_frame(rng)  # related but not one to one: a region holds several cities
    city = rng.choice(["Lyon", "Paris", "Lille", "Nice"], len(f))
    region = pd.Series(city).map({"Lyon": "south-east", "Nice": "south-east", "Paris": "north", "Lille": "north"})
    return Case(f.assign(city=city, region=region.to_numpy()))


@fire("DA607")
def _(rng):
    f = clean_frame(rng)  # years of experience = age - schooling - 6, in whole years: an exact dependency of three
    age = rng.integers(24, 60, len(f))
    school = rng.integers(8, 18, len(f))
    return Case(f.assign(age=age, school=school, exper=age - school - 6), column=None)


@silent("DA607")
def _(rng):
    f = clean_frame(rng)  # a total with measurement noise: near-collinear (DA503's), not a linear dependency
    return Case(f.assign(total=f["a"] + f["c"] + rng.normal(0, 1e-3, len(f)), b_copy=f["b"] * 2.54))


@fire("DA407")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(partner=rng.choice(["yes", "no"], len(f))), column="partner")


@silent("DA407")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(partner=rng.integers(0, 2, len(f))))


@fire("DA408")
def _(rng):
    f = clean_frame(rng)
    zips = rng.choice(rng.integers(10000, 99999, 40), len(f))
    return Case(f.assign(zip=zips), column="zip")


@silent("DA408")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(year=rng.integers(2000, 2021, len(f)), rooms=rng.integers(1, 9, len(f))))


@fire("DA409")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(city=rng.choice(["SÃ£o Paulo", "ZÃ¼rich", "Berlin", "Paris"], len(f))), column="city")


@silent("DA409")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(city=rng.choice(["São Paulo", "Zürich", "Berlin", "Paris", "Kraków"], len(f))))


@fire("DA410")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(d=f["d"].astype(float)), column="d")


@fire("DA411")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(name=rng.choice(["José", "Müller", "café", "Ana"], len(f))), column=None, encoding="cp1252")


@silent("DA411")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(name=rng.choice(["José", "Müller", "café", "Ana"], len(f))))


# ---- DA5xx scale ----------------------------------------------------------------------------------
@fire("DA501")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(bytes_used=rng.normal(5e7, 1e7, len(f)).round(0), ratio=rng.uniform(1e-4, 9e-4, len(f))),
                column="bytes_used")


@fire("DA502")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(sensor=1000 + rng.normal(0, 1e-4, len(f))), column="sensor")


@fire("DA503")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(total=f["a"] + f["c"] + rng.normal(0, 1e-3, len(f))), column=None)


# ---- DA6xx redundancy -----------------------------------------------------------------------------
@fire("DA601")
def _(rng):
    return Case(clean_frame(rng).assign(country="US"), column="country")


@fire("DA602")
def _(rng):
    f = clean_frame(rng)
    flag = np.zeros(len(f), dtype=int)
    flag[:5] = [1, 2, 3, 4, 5]
    return Case(f.assign(flag=flag), column="flag")


@fire("DA603")
def _(rng):
    f = clean_frame(rng)
    return Case(pd.concat([f, f.iloc[:60]], ignore_index=True), column=None)


@fire("DA604")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(a_copy=f["a"]), column="a_copy")


@fire("DA605")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(a2=(2 * f["a"] + rng.normal(0, 0.05, len(f))).round(4)), column="a2")


# ---- DA7xx leakage --------------------------------------------------------------------------------
@fire("DA701")
def _(rng):
    f = clean_frame(rng)
    leak = f["label"].to_numpy().copy()
    flip = rng.choice(len(f), 5, replace=False)
    leak[flip] = 1 - leak[flip]
    return Case(f.assign(refund_issued=np.where(leak == 1, "yes", "no")), column="refund_issued")


@silent("DA701")
def _(rng):
    f = clean_frame(rng)
    noisy = f["label"].to_numpy() + rng.normal(0, 0.6, len(f))
    return Case(f.assign(signal=noisy.round(3)))


@fire("DA702")
def _(rng):
    f = clean_frame(rng)
    return Case(f.assign(customer_id=np.arange(100001, 100001 + len(f))), column="customer_id")


@fire("DA703")
def _(rng):
    f = clean_frame(rng)
    copies = f.iloc[:30].copy()
    copies["label"] = 1 - copies["label"]
    return Case(pd.concat([f, copies], ignore_index=True), column=None)
