"""Write outputs atomically: a temporary file in the target directory, then os.replace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import DataAuditError


class OutputError(DataAuditError):
    """The output cannot be written (bad directory, permission, or it is an input file)."""


def check_not_input(output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse to write over an input, whatever the spelling or symlink that names it."""
    out = Path(output)
    for src in inputs:
        src_path = Path(src)
        if out.exists() and src_path.exists() and os.path.samefile(out, src_path):
            raise OutputError(f"{output}: refusing to overwrite the input file {src}")
        if out.resolve() == src_path.resolve():
            raise OutputError(f"{output}: refusing to overwrite the input file {src}")


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 so that readers see the old file or the whole new one, never a part."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
