"""dataaudit.loading.load: formats, compression, encodings, delimiters, header repair, and InputError.

Every file is written inside the test from a small inline frame, so each case shows exactly the bytes it loads.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyarrow import feather

from dataaudit import scan
from dataaudit.errors import InputError
from dataaudit.io.read import LoadedTable, load

from .corpus import make_malformed


def _frame() -> pd.DataFrame:
    """A small frame with a float, an integer and a text column (text with spaces and a comma-free value)."""
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame({
        "x": rng.normal(0, 1, n).round(4),
        "k": rng.integers(0, 5, n),
        "name": rng.choice(["red car", "blue", "green"], n),
    })


def _csv_bytes(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep, lineterminator="\n").encode("utf-8")


def _assert_same_frame(loaded: LoadedTable, frame: pd.DataFrame) -> None:
    assert loaded.table.column_names == list(frame.columns)
    pd.testing.assert_frame_equal(loaded.table.to_pandas(), frame, check_dtype=False)


# --- delimiters --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_load_sniffs_delimiter(tmp_path, sep):
    frame = _frame()
    path = tmp_path / "data.csv"
    path.write_bytes(_csv_bytes(frame, sep))

    loaded = load(path)

    assert loaded.format == "csv"
    assert loaded.delimiter == sep
    assert loaded.compression is None
    _assert_same_frame(loaded, frame)


def test_load_sniffs_semicolon_with_decimal_commas(tmp_path):
    # A European export: ';' between fields, ',' inside numbers. Commas outnumber semicolons on data lines.
    path = tmp_path / "eu.csv"
    path.write_text("x;y;name\n1,5;2,25;a\n3,1;4,0;b\n5,2;1,1;c\n", encoding="utf-8")

    loaded = load(path)

    assert loaded.delimiter == ";"
    assert loaded.table.column_names == ["x", "y", "name"]
    assert loaded.table.column("x").to_pylist() == ["1,5", "3,1", "5,2"]


def test_load_tsv_uses_tab(tmp_path):
    # Unquoted commas inside a field would win a frequency vote; the .tsv suffix decides instead.
    path = tmp_path / "data.tsv"
    path.write_text("comment\tscore\na, b, c\t1\nd, e, f\t2\ng, h, i\t3\n", encoding="utf-8")

    loaded = load(path)

    assert loaded.delimiter == "\t"
    assert loaded.table.column_names == ["comment", "score"]
    assert loaded.table.column("comment").to_pylist() == ["a, b, c", "d, e, f", "g, h, i"]


# --- compression -------------------------------------------------------------------------------------------------

def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(
    ("suffix", "compress", "name"),
    [(".gz", gzip.compress, "gzip"), (".bz2", bz2.compress, "bz2"), (".zst", _zstd, "zstd"),
     (".xz", lzma.compress, "xz")],
    ids=["gzip", "bz2", "zstd", "xz"],
)
def test_load_compressed_csv_matches_plain(tmp_path, suffix, compress, name):
    frame = _frame()
    raw = _csv_bytes(frame)
    plain = tmp_path / "data.csv"
    plain.write_bytes(raw)
    packed = tmp_path / f"data.csv{suffix}"
    packed.write_bytes(compress(raw))

    expected = load(plain)
    loaded = load(packed)

    assert loaded.compression == name
    assert loaded.format == "csv"
    assert loaded.delimiter == ","
    assert loaded.encoding == expected.encoding
    assert loaded.table.equals(expected.table)


def test_load_compressed_tsv_uses_tab(tmp_path):
    frame = _frame()
    path = tmp_path / "data.tsv.gz"
    path.write_bytes(gzip.compress(_csv_bytes(frame, "\t")))

    loaded = load(path)

    assert (loaded.compression, loaded.delimiter) == ("gzip", "\t")
    _assert_same_frame(loaded, frame)


# --- encodings ---------------------------------------------------------------------------------------------------

def test_load_cp1252_decodes_text(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes("name,score\nJosé,1\nMüller,2\nAnn,3\n".encode("cp1252"))

    loaded = load(path)

    assert loaded.encoding == "cp1252"
    assert loaded.table.column("name").to_pylist() == ["José", "Müller", "Ann"]


def test_load_utf8_bom_is_not_part_of_first_column_name(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("id,city\n1,Zürich\n2,Köln\n".encode("utf-8-sig"))

    loaded = load(path)

    assert loaded.encoding == "utf-8-sig"
    assert loaded.table.column_names == ["id", "city"]
    assert loaded.table.column("city").to_pylist() == ["Zürich", "Köln"]


def test_load_utf16_with_bom(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes("id;city\n1;Zürich\n2;Köln\n".encode("utf-16"))

    loaded = load(path)

    assert loaded.encoding == "utf-16"
    assert loaded.delimiter == ";"
    assert loaded.table.column_names == ["id", "city"]
    assert loaded.table.column("city").to_pylist() == ["Zürich", "Köln"]


def _ascii_then_cp1252(path: Path) -> int:
    """An ASCII first megabyte and more, then one line with a cp1252 'é'; returns the number of data rows."""
    rows = 120_000  # ~1.9 MB: the encoding sniffer only reads the first megabyte
    body = "id,word\n" + "".join(f"{i},word{i}\n" for i in range(rows))
    assert len(body) > (1 << 20)
    path.write_bytes(body.encode("ascii") + "999999,Café\n".encode("cp1252"))
    return rows + 1


def test_load_utf8_with_late_cp1252_byte_loads(tmp_path):
    path = tmp_path / "late.csv"
    rows = _ascii_then_cp1252(path)

    loaded = load(path)

    assert loaded.table.num_rows == rows
    assert loaded.table.column("id").to_pylist()[-2:] == [rows - 2, 999999]


def test_load_utf8_with_late_cp1252_byte_decodes_text(tmp_path):
    path = tmp_path / "late.csv"
    _ascii_then_cp1252(path)

    loaded = load(path)

    assert loaded.encoding == "cp1252"
    assert loaded.table.schema.field("word").type == pa.string()
    assert loaded.table.column("word").to_pylist()[-1] == "Café"


# --- other formats -----------------------------------------------------------------------------------------------

def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _write_feather(frame: pd.DataFrame, path: Path) -> None:
    feather.write_feather(pa.Table.from_pandas(frame, preserve_index=False), path)


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    frame.to_json(path, orient="records", lines=True)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    frame.to_excel(path, index=False, engine="openpyxl")


@pytest.mark.parametrize(
    ("name", "write", "fmt"),
    [("data.parquet", _write_parquet, "parquet"), ("data.feather", _write_feather, "feather"),
     ("data.arrow", _write_feather, "feather"), ("data.jsonl", _write_jsonl, "jsonl"),
     ("data.xlsx", _write_xlsx, "excel")],
    ids=["parquet", "feather", "arrow", "jsonl", "xlsx"],
)
def test_load_binary_and_json_formats(tmp_path, name, write, fmt):
    frame = _frame()
    path = tmp_path / name
    write(frame, path)

    loaded = load(path)

    assert loaded.format == fmt
    assert (loaded.encoding, loaded.delimiter, loaded.compression) == (None, None, None)
    assert loaded.table.schema.field("name").type == pa.string()  # large_string/string_view normalised
    _assert_same_frame(loaded, frame)


# --- text cells stay text ----------------------------------------------------------------------------------------

def test_load_keeps_missing_tokens_as_text(tmp_path):
    path = tmp_path / "tokens.csv"
    path.write_text("a,b,c,d\nNA,?,null,x\n,N/A,NULL,\nNaN,-,none,y\n", encoding="utf-8")

    loaded = load(path)

    rows = loaded.table.to_pylist()
    assert rows[0] == {"a": "NA", "b": "?", "c": "null", "d": "x"}
    assert rows[1] == {"a": None, "b": "N/A", "c": "NULL", "d": None}  # only the empty cell is null
    assert rows[2] == {"a": "NaN", "b": "-", "c": "none", "d": "y"}


def test_load_keeps_currency_text_as_string(tmp_path):
    path = tmp_path / "money.csv"
    path.write_text('price,qty\n"$1,234",1\n$56,2\n"$7,890.50",3\n', encoding="utf-8")

    loaded = load(path)

    assert loaded.table.schema.field("price").type == pa.string()
    assert loaded.table.column("price").to_pylist() == ["$1,234", "$56", "$7,890.50"]
    assert pa.types.is_integer(loaded.table.schema.field("qty").type)


def test_load_excel_keeps_missing_tokens_as_text(tmp_path):
    path = tmp_path / "tokens.xlsx"
    pd.DataFrame({"a": ["NA", "x", None], "b": ["null", "?", "y"]}).to_excel(path, index=False)

    loaded = load(path)

    assert loaded.table.column("a").to_pylist() == ["NA", "x", None]
    assert loaded.table.column("b").to_pylist() == ["null", "?", "y"]


# --- header repair -----------------------------------------------------------------------------------------------

def _recorded_names(loaded: LoadedTable) -> set[str]:
    # Either direction of the mapping (original → new or new → original) names the new columns.
    return set(loaded.renamed_columns) | set(loaded.renamed_columns.values())


def test_load_makes_duplicate_and_empty_headers_unique(tmp_path):
    path = tmp_path / "headers.csv"
    path.write_text("a,a,,b\n1,2,3,4\n5,6,7,8\n", encoding="utf-8")

    loaded = load(path)

    names = loaded.table.column_names
    assert len(set(names)) == 4 and all(names)
    assert names[0] == "a" and names[3] == "b"
    assert {names[1], names[2]} <= _recorded_names(loaded)
    assert loaded.table.column(names[1]).to_pylist() == [2, 6]


def test_load_records_every_renamed_duplicate_header(tmp_path):
    path = tmp_path / "headers.csv"
    path.write_text("a,a,a\n1,2,3\n", encoding="utf-8")

    loaded = load(path)

    assert loaded.table.column_names == ["a", "a.1", "a.2"]
    assert {"a.1", "a.2"} <= _recorded_names(loaded)


# --- InputError --------------------------------------------------------------------------------------------------

def _junk_bytes() -> bytes:
    rng = np.random.default_rng(0)
    return b"\x00" + rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()


_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(64)


INPUT_ERROR_CASES = {
    "missing": (None, "missing.csv", ("no such",)),
    "directory": ("dir", "folder.csv", ("directory",)),
    "empty": (b"", "empty.csv", ("empty",)),
    "whitespace-only": (b"  \n\n \t\n", "blank.csv", ("empty",)),
    "header-only": (b"a,b,c\n", "header.csv", ("header", "no data")),
    "header-only-no-newline": (b"a,b,c", "header.csv", ("header", "no data")),
    "binary-junk": (_junk_bytes(), "junk.csv", ("binary",)),
    "png-header": (_PNG, "image.csv", ("binary",)),
    "ragged-rows": (b"a,b,c\n1,2,3\n4,5\n6,7,8\n", "ragged.csv", ("malformed", "columns")),
    "truncated-parquet": (make_malformed._parquet()[:300], "data.parquet", ("parquet",)),
    "text-as-parquet": (b"a,b\n1,2\n", "data.parquet", ("parquet",)),
    "corrupt-gzip": (b"\x1f\x8b\x08\x00garbage-not-deflate", "data.csv.gz", ("decompress",)),
    "plain-text-as-gzip": (b"a,b\n1,2\n", "data.csv.gz", ("decompress",)),
    "truncated-gzip": (make_malformed._gzip_truncated(), "data.csv.gz", ("decompress", "truncated")),
    "corrupt-xz": (b"a,b\n1,2\n", "data.csv.xz", ("decompress",)),
    "corrupt-feather": (b"a,b\n1,2\n", "data.feather", ("feather",)),
    "corrupt-jsonl": (b'{"a": 1}\n{not json\n', "data.jsonl", ("json",)),
    "corrupt-xlsx": (b"a,b\n1,2\n", "data.xlsx", ("excel",)),
    "gzip-of-nothing": (gzip.compress(b""), "data.csv.gz", ("empty",)),
}


def _write_case(tmp_path: Path, content: bytes | str | None, name: str) -> Path:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "case",
    [c
     for c in INPUT_ERROR_CASES],
)
def test_load_bad_input_raises_input_error_naming_file_and_problem(tmp_path, case):
    content, name, words = INPUT_ERROR_CASES[case]
    path = _write_case(tmp_path, content, name)

    with pytest.raises(InputError) as info:
        load(path)

    message = str(info.value)
    assert message.startswith(f"{path}: ")
    # The words are looked for in the problem only: the tmp_path directory is named after the test case.
    problem = message[len(f"{path}: "):].lower()
    assert any(word in problem for word in words), message
    assert "\n" not in message
    assert info.value.path == str(path)


def test_input_error_message_is_path_then_problem():
    error = InputError(Path("data/x.csv"), "file is empty")

    assert str(error) == "data/x.csv: file is empty"
    assert (error.path, error.problem) == ("data/x.csv", "file is empty")


# --- the input is never modified ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["data.csv", "data.csv.gz", "data.parquet"])
def test_scan_does_not_modify_input(tmp_path, name):
    frame = _frame()
    path = tmp_path / name
    if name.endswith(".parquet"):
        _write_parquet(frame, path)
    elif name.endswith(".gz"):
        path.write_bytes(gzip.compress(_csv_bytes(frame)))
    else:
        path.write_bytes(_csv_bytes(frame))
    before = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_size)

    load(path)
    scan(path)

    assert (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_size) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no side files either
