"""Errors that mean "could not run": the CLI turns each into one stderr line and exit code 2."""

from __future__ import annotations

__all__ = ["DataAuditError", "InputError", "DataTypeError", "TargetError", "UsageError", "DataMismatchError",
           "short_error"]


class DataAuditError(Exception):
    """Base class: a problem the user can fix (bad input, bad option), never a bug."""


class InputError(DataAuditError):
    """The input file is missing, unreadable, empty or malformed."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class DataTypeError(DataAuditError, TypeError):
    """The data given to a verb is neither a path nor a frame dataaudit reads (also a TypeError, as Python's own
    functions raise for an argument of the wrong type)."""


class TargetError(DataAuditError):
    """The target column named by the user is absent or unusable."""


class UsageError(DataAuditError):
    """An option value the library cannot use (unknown rule code, bad threshold)."""


class DataMismatchError(DataAuditError):
    """New data cannot go through a recipe as it stands (its numbers do not read as numbers, most of its
    columns are missing); the caller names the file."""


def short_error(exc: BaseException) -> str:
    """An exception's message on one line, at most 300 characters: what an error line quotes of a reader's error."""
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
