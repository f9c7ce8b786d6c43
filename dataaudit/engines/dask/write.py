"""The Dask engine's output: a partitioned Parquet directory, written beside its place and renamed into it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ...errors import (
    UsageError,
)
from ...io.write import OutputError, create_beside, current_umask

__all__ = ["PARQUET_SUFFIXES", "check_parquet_dir_output", "write_parquet_dir", "empty_frame"]

PARQUET_SUFFIXES = ("", ".parquet", ".pq")


def check_parquet_dir_output(output: str | os.PathLike[str], *, overwrite: bool = False,
                             command: str = "apply") -> None:
    """Fail early: ``command`` (apply or fix) --engine dask writes a Parquet directory (``out/`` or ``out.parquet``)."""
    path = Path(output)
    if path.suffix.lower() not in PARQUET_SUFFIXES:
        raise UsageError(f"{output}: {command} --engine dask writes a partitioned Parquet directory: "
                         "give -o DIR or -o DIR.parquet")
    if path.exists() and not overwrite:
        raise OutputError(f"{output}: already exists (use --overwrite to replace it)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{output}: directory {parent} does not exist")


def write_parquet_dir(client: Any, frames: list[Any], output: str | os.PathLike[str], *,
                       overwrite: bool) -> list[str]:
    """Write the partitions with ``dask.dataframe.to_parquet`` into a temporary directory beside ``output``,
    then rename it into place (an existing output, with ``overwrite``, is moved aside first and removed).
    The directory and its files get the modes of new ones under this process's umask (0777 and 0666 less
    it), whatever the workers' umask and ``mkdtemp``'s 0700."""
    import dask.dataframe as dd

    target = Path(output)
    meta = client.submit(empty_frame, frames[0], pure=False).result()
    frame = dd.from_delayed(frames, meta=meta, verify_meta=False)
    width = max(5, len(str(len(frames))))
    made: list[str] = []  # named before they exist, so that an interrupt at any instant leaves nothing behind
    previous: Path | None = None
    try:
        tmp = Path(create_beside(target, ".tmp", made, directory=True))
        frame.to_parquet(tmp, write_index=False, overwrite=True, write_metadata_file=False,
                         name_function=lambda i: f"part.{i:0{width}d}.parquet", compute_kwargs={"scheduler": client})
        _honour_umask(tmp, current_umask())
        if target.exists() or target.is_symlink():
            previous = Path(create_beside(target, ".old", made, directory=True)) / "previous"
            os.replace(target, previous)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    finally:
        if previous and (previous.exists() or previous.is_symlink()) and not (target.exists() or target.is_symlink()):
            os.replace(previous, target)  # stopped between the two renames: the previous output back in place
        for name in made:
            if os.path.lexists(name):
                shutil.rmtree(name, ignore_errors=True)
    return [str(c) for c in meta.columns]


def _honour_umask(directory: Path, umask: int) -> None:
    """Give ``directory``, the directories under it and their files the modes new ones get under ``umask``."""
    os.chmod(directory, 0o777 & ~umask)
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o777 & ~umask)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666 & ~umask)


def empty_frame(frame: Any) -> Any:
    return frame.iloc[:0]
