"""Write the sample datasets in this folder: one clean file, one file per problem category, one mixed file.

Run ``python sample_data/generate.py``. Generation is seeded (one ``numpy.random.default_rng`` per file),
uses no global random state and no clock, and writes floats with explicit formats, so rerunning the
script rewrites every file byte-for-byte.

``PLANTED`` records what each file contains on purpose: file -> column -> list of SPEC categories
(``missing``, ``outliers``, ``imbalance``, ``encoding``, ``scale``, ``redundancy``, ``leakage``).
The key ``None`` stands for dataset-level problems (duplicate rows, mostly-empty rows, conflicting
labels, a non-UTF-8 file). ``clean.csv`` maps to an empty dict: nothing is planted there.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

PLANTED: dict[str, dict[str | None, list[str]]] = {
    "clean.csv": {},
    "missing.csv": {
        None: ["missing"],                 # ~3% of rows have >= 70% of their fields empty
        "age": ["missing"],                # ~20% empty cells
        "city": ["missing"],               # ~20% empty cells
        "blood_pressure": ["missing"],     # '?' and 'N/A' tokens (~5%)
        "hours_per_week": ["missing"],     # -999 sentinel (~8%)
        "cholesterol": ["missing"],        # missing mostly when label == 1 (informative)
    },
    "outliers.csv": {
        "sensor_reading": ["outliers"],    # ~1% of values multiplied by 1000
        "temperature": ["outliers"],       # inf / -inf
        "income_k": ["outliers"],          # lognormal, sigma 2.5
    },
    "imbalance.csv": {
        "label": ["imbalance"],            # a 95% / b 4.5% / c 3 rows
    },
    "encoding.csv": {
        "price": ["encoding"],             # "$1,234.50"
        "discount": ["encoding"],          # "12.5%"
        "gender": ["encoding"],            # 'Male', ' male', 'MALE', 'female', 'Female '
        "subscribed": ["encoding"],        # 'yes' / 'no'
        "signup_date": ["encoding"],       # '2023-04-01'
        "last_order_date": ["encoding"],   # '04/01/2023'
        "quantity": ["encoding"],          # numbers mixed with words (~30%)
        "city": ["encoding"],              # mojibake: 'SÃ£o Paulo', 'ZÃ¼rich'
        "zip_code": ["encoding"],          # 5-digit integer codes, 40 distinct
        "num_rooms": ["encoding"],         # integers written as '3.0'
        "product_code": ["encoding"],      # 600 distinct codes over 1500 rows
    },
    "encoding_cp1252.csv": {
        None: ["encoding"],                # the file is cp1252, not UTF-8
    },
    "scale.csv": {
        "tiny": ["scale"],                 # values ~1e-4
        "huge": ["scale"],                 # values ~1e6
        "near_zero_var": ["scale"],        # 99.5% one value, the rest differ by < 0.1%
    },
    "redundancy.csv": {
        None: ["redundancy"],              # ~5% exact duplicate rows
        "currency": ["redundancy"],        # constant
        "channel": ["redundancy"],         # near-constant (99.3% 'online')
        "weight_kg": ["redundancy"],       # duplicated as weight_copy
        "weight_copy": ["redundancy"],
        "half_width": ["redundancy"],      # width = 2 * half_width + tiny noise
        "width": ["redundancy"],
    },
    "leakage.csv": {
        None: ["leakage"],                 # ~2% of rows: identical features, conflicting labels
        "refund_issued": ["leakage"],      # agrees with the label on ~99% of rows
        "customer_id": ["leakage"],        # sequential ints 100001...
        "order_uuid": ["leakage"],         # unique hex strings
    },
    "mixed.csv": {
        None: ["redundancy"],              # ~1% exact duplicate rows
        "customer_id": ["leakage"],
        "cancellation_fee_charged": ["leakage"],
        "age": ["missing"],                # empty cells and '?' tokens
        "tenure_months": ["missing"],      # -999 sentinel
        "annual_income": ["missing", "encoding"],  # empty cells; "$52,300"
        "monthly_charges": ["outliers"],   # ~1% x1000
        "total_spend": ["outliers"],       # lognormal
        "churned": ["imbalance"],          # 85 / 15
        "plan": ["encoding"],              # 'Basic', ' basic', 'BASIC', 'Premium', ...
        "signup_date": ["encoding"],       # text dates
        "has_partner": ["encoding"],       # 'Yes' / 'No'
        "data_usage_bytes": ["scale"],     # ~1e6 next to features of ~1-100
        "region": ["redundancy"],          # duplicated as region_copy
        "region_copy": ["redundancy"],
        "country": ["redundancy"],         # constant 'US'
    },
}

SEED = 20240601
HERE = Path(__file__).resolve().parent
OUT_DIR = HERE  # main(["--out", DIR]) writes elsewhere (the tests check determinism that way)
DEFAULT_DECIMALS = 3


# --------------------------------------------------------------------------- helpers


def rng_for(name: str, seed: int = SEED) -> np.random.Generator:
    """An independent generator per file, so changing one builder never changes another file."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def gauss(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    """Gaussian values clipped at +-3 sd: normal tails, never an outlier by a robust z-score."""
    return mean + sd * np.clip(rng.standard_normal(n), -3.0, 3.0)


def binary_label(rng: np.random.Generator, signal: np.ndarray, positive_share: float, noise: float = 1.0) -> np.ndarray:
    """0/1 label: 1 for the top ``positive_share`` of ``signal`` + gaussian noise (related, not determined)."""
    score = signal + noise * rng.standard_normal(signal.size)
    return (score > np.quantile(score, 1.0 - positive_share)).astype(np.int64)


def standardise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (x - np.nanmean(x)) / np.nanstd(x)


def pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Boolean mask with exactly round(share * n) True values at random positions."""
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=round(share * n), replace=False)] = True
    return mask


def format_floats(values: np.ndarray, decimals: int) -> np.ndarray:
    """Fixed-point text ('%.{decimals}f'); NaN -> '' (empty cell); inf -> 'inf', -inf -> '-inf'; no '-0.000'."""
    values = np.asarray(values, dtype=float)
    rounded = np.round(values, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = np.char.mod(f"%.{decimals}f", rounded).astype(object)
    text[np.isnan(values)] = ""
    return text


def write(frame: pd.DataFrame, name: str, decimals: dict[str, int] | None = None,
          encoding: str = "utf-8") -> Path:
    """Write ``frame`` as ``name`` next to this script: fixed column order, explicit float formats, '\\n' lines."""
    decimals = decimals or {}
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = format_floats(out[col].to_numpy(), decimals.get(col, DEFAULT_DECIMALS))
    path = OUT_DIR / name
    out.to_csv(path, index=False, lineterminator="\n", encoding=encoding)
    return path


def with_tokens(text: np.ndarray, mask: np.ndarray, tokens: list[str], rng: np.random.Generator) -> np.ndarray:
    """Replace ``text`` where ``mask`` is True by tokens drawn from ``tokens``."""
    out = np.asarray(text, dtype=object).copy()
    out[mask] = rng.choice(np.array(tokens, dtype=object), size=int(mask.sum()))
    return out


def mojibake(word: str) -> str:
    """What UTF-8 text looks like when decoded as cp1252: 'São Paulo' -> 'SÃ£o Paulo'."""
    return word.encode("utf-8").decode("cp1252")


def dollars(values: np.ndarray, decimals: int) -> pd.Series:
    """'$1,234.50' style text (thousands separators; NaN -> empty cell)."""
    text = pd.Series(np.asarray(values, dtype=float)).map(f"${{:,.{decimals}f}}".format)
    return text.where(~np.isnan(values), None)


def dates(rng: np.random.Generator, n: int, start: str, days: int) -> pd.DatetimeIndex:
    return pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")


# --------------------------------------------------------------------------- files


def make_clean() -> Path:
    """clean.csv: nothing planted. Clipped gaussians and uniforms on similar scales, two small integer
    counts, a consistently spelled 3-level categorical and a 60/40 label related to (not determined by)
    several features."""
    name = "clean.csv"
    rng = rng_for(name)
    n = 1000
    age = gauss(rng, 45, 12, n)
    income_k = gauss(rng, 60, 15, n)
    score = rng.uniform(0, 100, n)
    tenure_years = rng.uniform(0.5, 20, n)
    bmi = gauss(rng, 25, 4, n)
    visits = rng.integers(0, 15, n)
    items = rng.integers(1, 10, n)
    segment = rng.choice(np.array(["retail", "business", "student"], dtype=object), n, p=[0.5, 0.3, 0.2])
    signal = (0.6 * standardise(income_k) + 0.5 * standardise(score) - 0.4 * standardise(age)
              + 0.3 * standardise(visits) + 0.4 * (segment == "business"))
    label = binary_label(rng, signal, 0.4, noise=1.2)
    frame = pd.DataFrame({
        "age": age, "income_k": income_k, "score": score, "tenure_years": tenure_years, "bmi": bmi,
        "visits": visits, "items": items, "segment": segment, "label": label,
    })
    return write(frame, name, {"age": 1, "income_k": 2, "score": 2, "tenure_years": 2, "bmi": 1})


def make_missing() -> Path:
    """missing.csv: empty cells in age and city (~20%); '?' and 'N/A' tokens in blood_pressure (~5%);
    a -999 sentinel in hours_per_week (~8%, bulk 20-80); cholesterol missing mostly when label == 1;
    ~3% of rows with 5 of 7 fields empty (all but income_k and label)."""
    name = "missing.csv"
    rng = rng_for(name)
    n = 1000
    age = gauss(rng, 42, 11, n)
    city = rng.choice(np.array(["Leeds", "York", "Bath", "Hull", "Derby"], dtype=object), n)
    blood_pressure = gauss(rng, 122, 14, n)
    hours = np.clip(gauss(rng, 45, 9, n), 20, 80)
    cholesterol = gauss(rng, 200, 35, n)
    income_k = gauss(rng, 55, 14, n)
    signal = 0.7 * standardise(cholesterol) + 0.4 * standardise(age) - 0.4 * standardise(income_k)
    label = binary_label(rng, signal, 0.4)

    age[pick(rng, n, 0.20)] = np.nan
    city[pick(rng, n, 0.20)] = None
    bp_text = with_tokens(format_floats(blood_pressure, 0), pick(rng, n, 0.05), ["?", "N/A"], rng)
    hours[pick(rng, n, 0.08)] = -999.0
    informative = rng.random(n) < np.where(label == 1, 0.35, 0.03)
    cholesterol[informative] = np.nan

    empty = pick(rng, n, 0.03)  # mostly-empty rows: keep only income_k and the label
    age[empty] = np.nan
    city[empty] = None
    bp_text[empty] = ""
    hours[empty] = np.nan
    cholesterol[empty] = np.nan
    frame = pd.DataFrame({
        "age": age, "city": city, "blood_pressure": bp_text, "hours_per_week": hours,
        "cholesterol": cholesterol, "income_k": income_k, "label": label,
    })
    return write(frame, name, {"age": 1, "hours_per_week": 1, "cholesterol": 1, "income_k": 2})


def make_outliers() -> Path:
    """outliers.csv: sensor_reading gaussian with 1% of values x1000; temperature with 3 'inf' and
    2 '-inf'; income_k lognormal (sigma 2.5, heavy right tail); humidity clean."""
    name = "outliers.csv"
    rng = rng_for(name)
    n = 1000
    sensor = gauss(rng, 10, 2, n)
    temperature = gauss(rng, 20, 5, n)
    income_k = rng.lognormal(mean=3.5, sigma=2.5, size=n)
    humidity = gauss(rng, 50, 10, n)
    signal = 0.6 * standardise(humidity) + 0.5 * standardise(temperature) + 0.4 * standardise(sensor)
    label = binary_label(rng, signal, 0.4)

    sensor[pick(rng, n, 0.01)] *= 1000.0
    where = rng.choice(n, size=5, replace=False)
    temperature[where] = [np.inf, np.inf, np.inf, -np.inf, -np.inf]
    frame = pd.DataFrame({
        "sensor_reading": sensor, "temperature": temperature, "income_k": income_k,
        "humidity": humidity, "label": label,
    })
    return write(frame, name, {"sensor_reading": 3, "temperature": 2, "income_k": 2, "humidity": 2})


def make_imbalance() -> Path:
    """imbalance.csv: 3-class target label with 'a' 952 rows, 'b' 45 rows, 'c' 3 rows (too rare for
    SMOTE); four ordinary features shifted a little by class."""
    name = "imbalance.csv"
    rng = rng_for(name)
    counts = {"a": 952, "b": 45, "c": 3}
    n = sum(counts.values())
    label = rng.permutation(np.repeat(np.array(list(counts), dtype=object), list(counts.values())))
    shift = np.select([label == "b", label == "c"], [1.0, 2.0], 0.0)
    frame = pd.DataFrame({
        "amount": gauss(rng, 50, 10, n) + 8 * shift,
        "duration": rng.uniform(1, 60, n),
        "n_items": rng.integers(1, 11, n),
        "score": gauss(rng, 0, 1, n) + 0.5 * shift,
        "label": label,
    })
    return write(frame, name, {"amount": 2, "duration": 2, "score": 3})


def make_encoding() -> Path:
    """encoding.csv: price as '$1,234.50'; discount as '12.5%'; gender with case/whitespace variants;
    subscribed 'yes'/'no'; ISO and US text dates; quantity mixing numbers and words (~30%);
    mojibake in city; zip_code integer codes (40 distinct); num_rooms ints written as '3.0';
    product_code with 600 distinct codes over 1500 rows."""
    name = "encoding.csv"
    rng = rng_for(name)
    n = 1500
    price = np.round(rng.uniform(100, 3000, n), 2)
    discount = np.round(rng.uniform(0, 40, n) * 2) / 2  # multiples of 0.5
    gender = rng.choice(np.array(["Male", "male", " male", "MALE", "Female", "female", "Female "], dtype=object),
                        n, p=[0.30, 0.10, 0.05, 0.05, 0.30, 0.12, 0.08])
    subscribed = rng.random(n) < 0.45
    signup = dates(rng, n, "2021-01-01", 900)
    last_order = signup + pd.to_timedelta(rng.integers(1, 400, n), unit="D")

    quantity = rng.integers(1, 50, n).astype(str).astype(object)
    words = pick(rng, n, 0.30)
    quantity[words] = rng.choice(np.array(["unknown", "see notes", "pending", "several", "many"], dtype=object),
                                 int(words.sum()))

    cities = ["Berlin", "Paris", "London", "Madrid", "São Paulo", "Zürich", "München"]
    city = rng.choice(np.array(cities, dtype=object), n, p=[0.22, 0.22, 0.2, 0.16, 0.08, 0.07, 0.05])
    garbled = rng.random(n) < 0.6  # most accented names arrive garbled, some correct
    for word in ["São Paulo", "Zürich", "München"]:
        city[(city == word) & garbled] = mojibake(word)

    zip_pool = rng.choice(np.arange(10000, 100000), size=40, replace=False)
    zip_code = rng.choice(zip_pool, n)
    num_rooms = rng.integers(1, 13, n).astype(float)

    codes = np.char.mod("PC-%05d", rng.choice(np.arange(100000), size=600, replace=False)).astype(object)
    product_code = codes[rng.permutation(np.concatenate([np.arange(600), rng.integers(0, 600, n - 600)]))]

    signal = 0.8 * subscribed + 0.04 * discount - 0.0003 * price
    label = binary_label(rng, signal, 0.4, noise=0.8)
    frame = pd.DataFrame({
        "price": dollars(price, 2),
        "discount": np.char.mod("%.1f%%", discount).astype(object),
        "gender": gender,
        "subscribed": np.where(subscribed, "yes", "no").astype(object),
        "signup_date": signup.strftime("%Y-%m-%d").astype(object),
        "last_order_date": last_order.strftime("%m/%d/%Y").astype(object),
        "quantity": quantity,
        "city": city,
        "zip_code": zip_code,
        "num_rooms": num_rooms,
        "product_code": product_code,
        "label": label,
    })
    return write(frame, name, {"num_rooms": 1})


def make_encoding_cp1252() -> Path:
    """encoding_cp1252.csv: 200 rows written in cp1252 (not UTF-8): accented names and notes
    ('José', 'Müller', 'café', an en dash and a euro sign), a numeric amount and a label."""
    name = "encoding_cp1252.csv"
    rng = rng_for(name)
    n = 200
    names = ["José García", "Jürgen Müller", "François Dubois", "Zoë Brontë", "Ana Peña", "Björn Ångström",
             "Renée Côté", "John Smith"]
    notes = ["café", "naïve request", "crème brûlée", "résumé attached", "café – to go", "paid 5 €", "plain"]
    amount = gauss(rng, 50, 12, n)
    label = binary_label(rng, standardise(amount), 0.4)
    frame = pd.DataFrame({
        "name": rng.choice(np.array(names, dtype=object), n),
        "note": rng.choice(np.array(notes, dtype=object), n),
        "amount": amount,
        "label": label,
    })
    return write(frame, name, {"amount": 2}, encoding="cp1252")


def make_scale() -> Path:
    """scale.csv: tiny (~1e-4), huge (~1e6) and unit (~1) features; near_zero_var is 5.0 on 99.5% of
    rows and differs by 0.001-0.005 on the rest."""
    name = "scale.csv"
    rng = rng_for(name)
    n = 1000
    tiny = gauss(rng, 2e-4, 5e-5, n)
    huge = gauss(rng, 2.5e6, 5e5, n)
    unit = gauss(rng, 1.0, 0.3, n)
    near_zero_var = np.full(n, 5.0)
    odd = pick(rng, n, 0.005)
    near_zero_var[odd] += rng.choice([-1.0, 1.0], int(odd.sum())) * rng.uniform(0.001, 0.005, int(odd.sum()))
    signal = 0.6 * standardise(tiny) + 0.6 * standardise(huge) + 0.5 * standardise(unit)
    label = binary_label(rng, signal, 0.4)
    frame = pd.DataFrame({"tiny": tiny, "huge": huge, "unit": unit, "near_zero_var": near_zero_var, "label": label})
    return write(frame, name, {"tiny": 8, "huge": 1, "unit": 3, "near_zero_var": 4})


def make_redundancy() -> Path:
    """redundancy.csv: constant currency; near-constant channel (99.3% 'online'); weight_copy is an exact
    copy of weight_kg; width = 2 * half_width + tiny noise (r > 0.99); 50 exact duplicate rows (~5%)."""
    name = "redundancy.csv"
    rng = rng_for(name)
    n = 1000
    age = gauss(rng, 40, 10, n)
    weight_kg = np.round(gauss(rng, 70, 12, n), 1)
    half_width = np.round(gauss(rng, 5, 1, n), 3)
    width = 2 * half_width + rng.normal(0, 0.01, n)
    channel = np.where(pick(rng, n, 0.007), "phone", "online").astype(object)
    signal = 0.6 * standardise(age) + 0.6 * standardise(weight_kg) + 0.4 * standardise(half_width)
    label = binary_label(rng, signal, 0.4)
    frame = pd.DataFrame({
        "age": age, "weight_kg": weight_kg, "half_width": half_width, "width": width,
        "currency": "EUR", "channel": channel, "weight_copy": weight_kg, "label": label,
    })
    frame = pd.concat([frame, frame.iloc[rng.choice(n, 50, replace=False)]], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return write(frame, name, {"age": 1, "weight_kg": 1, "weight_copy": 1, "half_width": 3, "width": 3})


def make_leakage() -> Path:
    """leakage.csv: refund_issued agrees with the label except on 3 rows (and on one row of each
    conflicting pair); customer_id sequential ints from 100001; order_uuid unique hex strings;
    10 rows copied with the label flipped, so 20 rows (~2%) share features but disagree on the label."""
    name = "leakage.csv"
    rng = rng_for(name)
    n = 1000
    age = gauss(rng, 38, 10, n)
    tenure = rng.integers(1, 60, n)
    monthly_spend = gauss(rng, 70, 18, n)
    support_calls = rng.integers(0, 8, n)
    plan = rng.choice(np.array(["basic", "plus", "pro"], dtype=object), n, p=[0.5, 0.3, 0.2])
    signal = 0.5 * standardise(support_calls) - 0.5 * standardise(tenure) + 0.3 * standardise(monthly_spend)
    label = binary_label(rng, signal, 0.4)
    refund_issued = label.copy()
    refund_issued[pick(rng, n, 0.003)] ^= 1

    words = rng.integers(0, 2**64, size=(n, 2), dtype=np.uint64)
    hex32 = pd.Series(np.char.add(np.char.mod("%016x", words[:, 0]), np.char.mod("%016x", words[:, 1])))
    order_uuid = (hex32.str[0:8] + "-" + hex32.str[8:12] + "-" + hex32.str[12:16] + "-" + hex32.str[16:20]
                  + "-" + hex32.str[20:32])
    frame = pd.DataFrame({
        "customer_id": np.arange(100001, 100001 + n), "order_uuid": order_uuid.to_numpy(dtype=object),
        "age": age, "tenure": tenure, "monthly_spend": monthly_spend, "support_calls": support_calls,
        "plan": plan, "refund_issued": refund_issued, "label": label,
    })
    conflicts = frame.iloc[rng.choice(n, 10, replace=False)].copy()
    conflicts["label"] = 1 - conflicts["label"]
    frame = pd.concat([frame, conflicts], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return write(frame, name, {"age": 1, "monthly_spend": 2})


def make_mixed() -> Path:
    """mixed.csv: a customer-churn table (2000 customers + 20 duplicated rows) with every category:
    missing (age: empty + '?'; annual_income: empty; tenure_months: -999 sentinel), outliers
    (monthly_charges: 1% x1000; total_spend: lognormal), imbalance (churned 85/15), encoding
    (annual_income '$52,300'; plan case/whitespace variants; signup_date text; has_partner 'Yes'/'No'),
    scale (data_usage_bytes ~3e6), redundancy (region_copy, constant country, duplicate rows),
    leakage (customer_id, cancellation_fee_charged ~ churned)."""
    name = "mixed.csv"
    rng = rng_for(name)
    n = 2000
    age = np.round(gauss(rng, 44, 13, n))
    tenure = rng.integers(1, 73, n).astype(float)
    monthly = gauss(rng, 65, 20, n)
    total_spend = rng.lognormal(mean=7.0, sigma=1.8, size=n)
    income = np.round(gauss(rng, 60000, 18000, n), -2)
    plan = rng.choice(np.array(["Basic", " basic", "BASIC", "basic", "Premium", "premium", "Standard"], dtype=object),
                      n, p=[0.30, 0.05, 0.05, 0.05, 0.25, 0.05, 0.25])
    signup = dates(rng, n, "2019-01-01", 1800)
    has_partner = rng.random(n) < 0.5
    usage = np.round(gauss(rng, 3.2e6, 9e5, n)).astype(np.int64)
    region = rng.choice(np.array(["north", "south", "east", "west"], dtype=object), n)
    support_calls = rng.integers(0, 10, n)
    signal = (0.8 * standardise(support_calls) - 0.7 * standardise(tenure) + 0.5 * standardise(monthly)
              - 0.3 * has_partner)
    churned = binary_label(rng, signal, 0.15)
    fee = churned.copy()
    fee[pick(rng, n, 0.005)] ^= 1

    monthly[pick(rng, n, 0.01)] *= 1000.0
    tenure[pick(rng, n, 0.04)] = -999.0
    age_text = format_floats(age, 0)
    age_text[pick(rng, n, 0.10)] = ""
    age_text = with_tokens(age_text, pick(rng, n, 0.03) & (age_text != ""), ["?"], rng)
    income[pick(rng, n, 0.05)] = np.nan

    frame = pd.DataFrame({
        "customer_id": 500001 + np.arange(n),
        "age": age_text,
        "tenure_months": tenure.astype(np.int64),
        "monthly_charges": monthly,
        "total_spend": total_spend,
        "annual_income": dollars(income, 0).to_numpy(dtype=object),
        "plan": plan,
        "signup_date": signup.strftime("%Y-%m-%d").astype(object),
        "has_partner": np.where(has_partner, "Yes", "No").astype(object),
        "data_usage_bytes": usage,
        "num_support_calls": support_calls,
        "region": region,
        "country": "US",
        "region_copy": region,
        "cancellation_fee_charged": fee,
        "churned": churned,
    })
    frame = pd.concat([frame, frame.iloc[rng.choice(n, 20, replace=False)]], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return write(frame, name, {"monthly_charges": 2, "total_spend": 2})


BUILDERS = [make_clean, make_missing, make_outliers, make_imbalance, make_encoding, make_encoding_cp1252,
            make_scale, make_redundancy, make_leakage, make_mixed]


def main(argv: list[str] | None = None) -> int:
    global OUT_DIR
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--out"] and len(argv) == 2:
        OUT_DIR = Path(argv[1])
    elif argv:
        print("usage: python sample_data/generate.py [--out DIR]", file=sys.stderr)
        return 2
    for build in BUILDERS:
        path = build()
        print(f"wrote {path.name:<22} {path.stat().st_size:>8,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
