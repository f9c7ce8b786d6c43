"""A file read as Arrow record batches, in bounded memory (what the stream engine and the stream fix read).

CSV batches come from ``pyarrow.csv.open_csv``, which fixes each column's type from the first block; a
later value that does not fit (an '?' in a number column) restarts the read with that column widened
(whole numbers to float, anything else to text), as the in-memory reader would have typed it.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError
from .csv import convert_options, read_options, sniff_csv
from .formats import check_readable, open_input

__all__ = ["BATCH_BYTES", "CSV_BLOCK_BYTES", "PARQUET_BATCH_ROWS", "CONVERSION_ERROR", "StreamedFile", "open_stream"]

BATCH_BYTES = 16 << 20  # Arrow data per batch the statistics see
CSV_BLOCK_BYTES = 1 << 20  # CSV text per read block: pyarrow's reader holds many at once (4 MB blocks: +230 MB, 32 MB: +1.3 GB)
PARQUET_BATCH_ROWS = 262_144
# pyarrow's message when a later value does not fit a column's type (also read by the Dask engine)
# pyarrow names the row too ("Row #5997: ") when its reader knows row numbers, e.g. read without threads
CONVERSION_ERROR = re.compile(r"CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to (.+?): invalid value '(.*)'",
                              re.S)


@dataclass
class StreamedFile:
    """What was learned opening a file for streaming: its format, CSV dialect and column names."""

    path: Path
    format: str
    compression: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    column_types: dict[str, pa.DataType] = field(default_factory=dict)  # CSV columns widened after a conflict

    def batches(self) -> Iterator[pa.Table]:
        """The file as tables of about ``BATCH_BYTES`` each, in file order, read one batch ahead in a thread
        (parsing releases the GIL, so reading overlaps the statistics of the batch before)."""
        return _read_ahead(self._grouped())

    def _grouped(self) -> Iterator[pa.Table]:
        pending: list[pa.Table] = []
        size = 0
        for table in self._read():
            pending.append(table)
            size += table.nbytes
            if size >= BATCH_BYTES:
                yield pa.concat_tables(pending)
                pending, size = [], 0
        if pending:
            yield pa.concat_tables(pending)

    def _read(self) -> Iterator[pa.Table]:
        if self.format == "csv":
            yield from self._csv_batches()
        elif self.format == "parquet":
            import pyarrow.parquet as pq

            with pq.ParquetFile(self.path) as parquet:
                for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                    yield pa.Table.from_batches([batch])
        elif self.format == "feather":
            with pa.memory_map(str(self.path)) as source:
                reader = pa.ipc.open_file(source)
                for i in range(reader.num_record_batches):
                    yield pa.Table.from_batches([reader.get_batch(i)])
        elif self.format == "jsonl":
            import pyarrow.json as pajson

            with pajson.open_json(self.path, read_options=pajson.ReadOptions(block_size=BATCH_BYTES)) as reader:
                for batch in reader:
                    yield pa.Table.from_batches([batch])
        else:
            raise InputError(self.path, f"the stream engine does not read {self.format} files; use --engine pandas")

    def _csv_batches(self) -> Iterator[pa.Table]:
        read = read_options(self.encoding, min(CSV_BLOCK_BYTES, BATCH_BYTES))
        convert = convert_options(self.column_types)
        with open_input(self.path, self.compression) as stream:
            reader = pacsv.open_csv(stream, read_options=read, parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
                                    convert_options=convert)
            for batch in reader:
                yield pa.Table.from_batches([batch])

    def widen(self, error: Exception, names: list[str], schema: pa.Schema) -> bool:
        """After a conversion error: widen the column it names (whole numbers to float, else to text);
        False when the error is not a conversion error."""
        match = CONVERSION_ERROR.search(str(error))
        if not match or int(match.group(1)) >= len(names):
            return False
        position = int(match.group(1))
        name, current = names[position], schema.field(position).type
        self.column_types[name] = pa.float64() if pa.types.is_integer(current) and _is_float(match.group(3)) \
            else pa.string()
        return True


def _read_ahead(batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """``batches`` produced by a thread one item ahead; its exceptions are raised here, in order."""
    queue: Queue = Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in batches:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put((None, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            queue.put((None, exc))

    worker = threading.Thread(target=produce, name="dataaudit-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is None:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting to put, then let it finish
            try:
                queue.get_nowait()
            except Empty:
                pass
            worker.join(timeout=0.1)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def open_stream(path: str | os.PathLike[str]) -> StreamedFile:
    """Sniff ``path`` as ``io.read.load`` does (format, compression, encoding, delimiter), reading nothing more."""
    p = Path(path)
    fmt, compression = check_readable(p)
    if fmt != "csv":
        return StreamedFile(p, fmt, compression)
    return StreamedFile(p, "csv", compression, *sniff_csv(p, compression))
