"""The checks, one module per SPEC category; importing this package registers every rule."""

from . import drift, encoding, imbalance, leakage, missing, outliers, redundancy, scale  # noqa: F401

__all__: list[str] = []
