"""An identifier or a free text whose form tells the class: sample ids written 'Grid A3' for every case and
'2341.00' for every control, case numbers prefixed by the clinic that sent them. The values are unique, so no key
of them predicts anything, but their shape (digits as 9, letters as a: 'aaaa a9', '9.9') is one key of a few values
that a model given the raw text, or features made from it, reads the label from. DA701 reports it
(``checks/leakage.py``)."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..analysis.findings import Hit, Severity
from ._common import jsonable
from .leak_batch import balanced_accuracy

__all__ = ["MAX_FORMS", "FORM_PRESENT", "value_forms", "identifier_form"]

MAX_FORMS = 20  # distinct forms a column may take (more: its forms are as varied as its values)
FORM_PRESENT = 0.9  # of the rows where the column is present, at least


def value_forms(values: pd.Series) -> pd.Series:
    """Each text's form: runs of digits as 9, runs of letters as a, the rest as written ('Grid A3' -> 'a a9')."""
    text = values.astype("str").str.strip()
    return text.str.replace(r"\d+", "9", regex=True).str.replace(r"[^\W\d_]+", "a", regex=True)


def identifier_form(names: list[str], sample: pd.DataFrame, labels: np.ndarray, classes: np.ndarray, target: str,
                    min_ba: float, leaked: set[str]) -> Iterator[Hit]:
    """Identifier and free-text columns (``names``) present in ``FORM_PRESENT`` of the rows whose forms, two to
    ``MAX_FORMS`` of them, predict the class as a key with balanced accuracy ``min_ba`` or more (each row held
    out)."""
    k = len(classes)
    if k < 2:
        return
    for name in names:
        if name not in sample.columns or name in leaked:
            continue
        raw = sample[name]
        present = raw.notna().to_numpy()
        if present.mean() < FORM_PRESENT:
            continue
        uniques, inverse = np.unique(raw[present].astype("str").to_numpy(), return_inverse=True)
        forms = value_forms(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)  # each distinct value once
        form_codes, form_values = pd.factorize(forms)
        if not 2 <= len(form_values) <= MAX_FORMS:
            continue
        keys = form_codes[inverse]
        score = balanced_accuracy(keys, labels[present], k)
        if score < min_ba:
            continue
        by_class = pd.DataFrame({"form": form_values[keys], "label": labels[present]})
        shown = {str(classes[c]): group["form"].value_counts().index[0] for c, group in by_class.groupby("label")}
        listed = ", ".join(f"{form!r} for {label!r}" for label, form in list(shown.items())[:4])
        leaked.add(name)
        yield Hit(name, f"the form of its values (digits as 9, letters as a) tells `{target}`: {listed}; balanced "
                  f"accuracy {score:.3f} as a key (chance {1 / k:.3f}), whatever the values themselves are: the rows of "
                  "each class came from a different source or were labelled when the id was written (a leak)",
                  {"kind": "identifier-form", "metric": "balanced accuracy of its forms as a key",
                   "score": jsonable(score), "baseline": jsonable(1 / k), "forms": shown,
                   "rows_used": int(present.sum())}, severity=Severity.HIGH)
