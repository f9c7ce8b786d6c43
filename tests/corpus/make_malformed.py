"""A corpus of hostile, broken and odd input files, and what `dataaudit scan` must answer for each.

    python tests/corpus/make_malformed.py OUT_DIR      # writes the files (tests write them to a tmp dir)

Each case is (file name, bytes or a writer function, scan arguments, expected). ``expected`` is either
``("error", words)``: exit 2 and one line ``<path>: <problem>`` whose problem contains one of ``words``;
or ``("scan", rules)``: a normal report (exit 0 or 1) whose findings include every rule in ``rules``.
Nothing is random: the same files every time.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

Case = tuple[str, "bytes | Callable[[Path], None]", list[str], tuple[str, tuple[str, ...]]]


def _parquet(rows: int = 500) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"a": list(range(rows)), "b": [str(i) for i in range(rows)]}), sink)
    return sink.getvalue().to_pybytes()


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _numbers(n: int = 60, extra: str = "") -> list[str]:
    return [f"{i},{(i * 7) % 13}.5,{i % 2}{extra}" for i in range(n)]


def _wide(path: Path) -> None:
    """10,000 numeric columns × 30 rows (seeded)."""
    cols = 10_000
    values = np.random.default_rng(0).integers(0, 1_000_000, size=(30, cols))
    header = ",".join(f"c{i}" for i in range(cols)) + ",label"
    rows = [",".join(map(str, row)) + f",{r % 2}" for r, row in enumerate(values)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")


def _one_huge_line(path: Path) -> None:
    """A 100 MB file that is one line: a header with no data and no newline."""
    with open(path, "wb") as fh:
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)


def _huge_cell(path: Path) -> None:
    """A normal header, then one row whose text cell is 20 MB."""
    with open(path, "wb") as fh:
        fh.write(b"id,note,label\n")
        for i in range(30):
            fh.write(b"%d,short,%d\n" % (i, i % 2))
        fh.write(b"30," + b"y" * (20 << 20) + b",1\n")


def _excel_sheets(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "notes"
    first.append(["just a note"])
    data = book.create_sheet("data")
    data.append(["x", "y", "label"])
    for i in range(40):
        data.append([i, i * 2.5, i % 2])
    book.save(path)


def _gzip_truncated() -> bytes:
    packed = gzip.compress(_csv(["a,b"] + [f"{i},{i}" for i in range(5000)]))
    return packed[: len(packed) // 2]


CASES: list[Case] = [
    ("empty.csv", b"", [], ("error", ("empty",))),
    ("header_only.csv", b"a,b,c\n", [], ("error", ("header", "no data"))),
    ("ragged_more.csv", _csv(["a,b,c", "1,2,3", "4,5,6,7", "8,9,10"]), [], ("error", ("malformed", "columns"))),
    ("ragged_fewer.csv", _csv(["a,b,c", "1,2,3", "4,5", "6,7,8"]), [], ("error", ("malformed", "columns"))),
    ("unterminated_quote.csv", _csv(["a,b,c", '1,"open,3', "4,5,6"]), [], ("error", ("malformed", "quote", "columns"))),
    ("nul_bytes.csv", _csv(["a,b,label"] + [f"{i},x\x00y{i % 3},{i % 2}" for i in range(40)]), ["--target", "label"],
     ("error", ("binary", "nul"))),
    ("binary.csv", b"\x00\x01\x02\xff\xfe" * 2000, [], ("error", ("binary",))),
    ("truncated.parquet", _parquet()[:300], [], ("error", ("parquet",))),
    ("corrupt.csv.gz", b"\x1f\x8b\x08\x00garbage", [], ("error", ("decompress",))),
    ("truncated.csv.gz", _gzip_truncated(), [], ("error", ("decompress", "truncated"))),
    ("utf16.csv", "a,b,label\n" .encode("utf-16") + "".join(f"{i},é{i},{i % 2}\n" for i in range(40)).encode("utf-16-le"),
     ["--target", "label"], ("scan", ("DA411",))),
    ("cp1252.csv", ("name,label\n" + "".join(f"Zoë {i},{i % 2}\n" for i in range(40))).encode("cp1252"),
     ["--target", "label"], ("scan", ("DA411",))),
    ("bom.csv", b"\xef\xbb\xbf" + _csv(["id_num,x,label"] + _numbers()), ["--target", "label"], ("scan", ())),
    ("duplicate_names.csv", _csv(["a,a,,label"] + [f"{i},{i * 2},{i % 5},{i % 2}" for i in range(40)]),
     ["--target", "label"], ("scan", ())),
    ("wide_10000_columns.csv", _wide, ["--target", "label"], ("scan", ())),
    ("one_100mb_line.csv", _one_huge_line, [], ("error", ("header", "no data", "too large", "line"))),
    ("huge_cell.csv", _huge_cell, ["--target", "label"], ("scan", ())),
    ("all_missing.csv", _csv(["a,b,c"] + [",,"] * 30), [], ("scan", ("DA101",))),
    ("constant_target.csv", _csv(["x,label"] + [f"{i},1" for i in range(40)]), ["--target", "label"],
     ("scan", ("DA301",))),
    ("missing_target.csv", _csv(["x,label"] + [f"{i}," for i in range(40)]), ["--target", "label"],
     ("error", ("no values",))),
    ("unknown_target.csv", _csv(["x,label"] + [f"{i},{i % 2}" for i in range(40)]), ["--target", "nope"],
     ("error", ("target", "nope"))),
    ("sheets.xlsx", _excel_sheets, ["--sheet", "data", "--target", "label"], ("scan", ())),
    ("sheets_missing.xlsx", _excel_sheets, ["--sheet", "nope"], ("error", ("sheet",))),
    ("sheets_default.xlsx", _excel_sheets, [], ("error", ("--sheet",))),
    ("sheet_on_csv.csv", _csv(["x,label"] + [f"{i},{i % 2}" for i in range(40)]), ["--sheet", "data"],
     ("error", ("sheet", "excel"))),
    ("not_a_table.csv", b"just one word\n", [], ("error", ("header", "no data"))),
]


def write(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, content, _, _ in CASES:
        path = out / name
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)
        paths[name] = path
    return paths


if __name__ == "__main__":
    write(Path(sys.argv[1]))
