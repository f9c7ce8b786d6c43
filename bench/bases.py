"""Clean base datasets for the detection benchmark: bundled inside installable packages, never downloaded.

Each base is a small real table with a target. ``BASES[name]()`` returns a :class:`Base`; ``source``
says where the data comes from and ``version()`` the version of the package that ships it. The
scikit-learn bases need nothing beyond dataaudit's own dependencies (the test suite uses them); the
others need the benchmark extra: ``pip install -e ".[bench]"`` (palmerpenguins, vega_datasets,
statsmodels).

``TRUTH`` lists the problems each clean base really has, audited by hand from a scan of the clean file
(``python bench/quality.py --audit``): findings that match them are neither hits nor false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Callable

import pandas as pd


@dataclass
class Base:
    name: str
    frame: pd.DataFrame
    target: str
    task: str  # "classification" | "regression"
    source: str
    package: str

    def version(self) -> str:
        return metadata.version(self.package)


def _sklearn(name: str, loader: str, task: str, **kwargs) -> Callable[[], Base]:
    def load() -> Base:
        import sklearn.datasets as datasets

        bunch = getattr(datasets, loader)(as_frame=True, **kwargs)
        frame = bunch.frame.copy()
        frame.columns = [str(c).replace(" ", "_").replace("(", "").replace(")", "") for c in frame.columns]
        return Base(name, frame, "target", task, f"sklearn.datasets.{loader}({', '.join(f'{k}={v}' for k, v in kwargs.items())})",
                    "scikit-learn")
    return load


def penguins() -> Base:
    from palmerpenguins import load_penguins

    return Base("penguins", load_penguins(), "species", "classification", "palmerpenguins.load_penguins()",
                "palmerpenguins")


def cars() -> Base:
    from vega_datasets import local_data

    frame = local_data.cars()
    frame["Year"] = frame["Year"].dt.year  # the model year, as a number: the file stores it as a date
    return Base("cars", frame, "Origin", "classification", "vega_datasets.local_data.cars()", "vega_datasets")


_OCCUPATION = {1: "student", 2: "farming or unskilled", 3: "white collar", 4: "teacher or skilled",
               5: "managerial or business", 6: "professional"}
_RELIGIOUS = {1: "not", 2: "mildly", 3: "fairly", 4: "strongly"}


def fair() -> Base:
    """Fair's affairs survey; the coded answers of the code book written out as the words they stand for."""
    import statsmodels.api as sm

    frame = sm.datasets.fair.load_pandas().data.copy()
    frame["had_affair"] = (frame.pop("affairs") > 0).astype(int)  # the usual binary target of this set
    for col, book in (("occupation", _OCCUPATION), ("occupation_husb", _OCCUPATION), ("religious", _RELIGIOUS)):
        frame[col] = frame[col].astype(int).map(book)
    return Base("fair", frame, "had_affair", "classification",
                "statsmodels.datasets.fair (affairs > 0; occupation and religious codes as words)", "statsmodels")


def barley() -> Base:
    from vega_datasets import local_data

    return Base("barley", local_data.barley(), "yield", "regression", "vega_datasets.local_data.barley()",
                "vega_datasets")


BASES: dict[str, Callable[[], Base]] = {
    "breast_cancer": _sklearn("breast_cancer", "load_breast_cancer", "classification"),
    "wine": _sklearn("wine", "load_wine", "classification"),
    "iris": _sklearn("iris", "load_iris", "classification"),
    "diabetes": _sklearn("diabetes", "load_diabetes", "regression", scaled=False),
    "digits": _sklearn("digits", "load_digits", "classification"),
    "penguins": penguins,
    "cars": cars,
    "fair": fair,
    "barley": barley,
}
SKLEARN_BASES = ("breast_cancer", "wine", "iris", "diabetes", "digits")

# Real problems of the clean bases, audited by hand: (family, column or None) -> why it is real.
_SHAPE = "radius, perimeter and area measure the same size (perimeter = 2πr, area = πr²): r ≥ 0.98"
TRUTH: dict[str, dict[tuple[str, str | None], str]] = {
    "breast_cancer": {
        ("outliers", "area_error"): "log-normal standard errors up to 540 around a median of 24 (skewness 5.9)",
        **{("outliers", c): "a long right tail (skewness 3–5): values 10–20 robust z-scores out, real measurements"
           for c in ("radius_error", "perimeter_error", "concavity_error", "worst_area")},
        ("scale", "mean_area"): "areas in the hundreds, 3.5 orders above the median feature (0.18)",
        ("scale", "worst_area"): "areas in the hundreds to thousands next to fractal dimensions of 0.003",
        ("scale", "fractal_dimension_error"): "the other end of that 5.3-orders span",
        ("scale", "mean_radius"): _SHAPE + "; the standardised matrix has condition number 1e5",
        ("scale", "mean_perimeter"): _SHAPE,
        ("scale", "worst_radius"): _SHAPE,
        **{("redundancy", c): _SHAPE for c in ("mean_radius", "mean_perimeter", "mean_area", "worst_radius",
                                               "worst_perimeter", "worst_area")},
    },
    "wine": {
        ("scale", "proline"): "proline in the hundreds to 1,680 next to phenol ratios of 0.1–0.7 (3.3 orders)",
        ("scale", "nonflavanoid_phenols"): "the small end of that span",
    },
    "digits": {
        **{("redundancy", f"pixel_{r}_{c}"): "a border pixel that is 0 in every training image"
           for r, c in ((0, 0), (3, 0), (4, 0), (4, 7))},
        ("redundancy", "pixel_7_0"): "a border pixel that is 0 in all but one training image: constant once rows "
                                     "are removed",
    },
    "penguins": {
        **{("missing", c): "the published data has these cells empty (2 birds not measured, sex not recorded)"
           for c in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex")},
        ("scale", "year"): "the study year 2007–2009 as a raw number: spread 0.8 on a size of 2008",
    },
    "cars": {
        ("encoding", "Name"): "the source spells one model two ways ('audi 100 ls', 'audi 100ls'): found by "
                              "deepchecks, missed by dataaudit (DA403 looks at categories, not at 300 free-text names)",
        ("missing", "Horsepower"): "6 cars have no horsepower in the source data",
        ("missing", "Miles_per_Gallon"): "8 cars have no fuel consumption in the source data",
    },
    "barley": {
        ("scale", "year"): "the harvest year 1931–1932 as a raw number: spread 0.5 on a size of 1932",
    },
    "fair": {
        ("redundancy", None): "15% of the survey rows repeat another row exactly: 9 coarse coded answers, so "
                              "identical respondents are real, but they still weigh twice in training",
    },
}
