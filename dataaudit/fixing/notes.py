"""The notes of a recipe run in parts (the batches of the stream engine, the partitions of the Dask engine) as one
list, as the run over the whole file would have written them."""

from __future__ import annotations

import re

__all__ = ["merge_notes"]

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def merge_notes(logs: list[list[str]]) -> list[str]:
    """The partitions' notes as one list, in order of first appearance: each distinct note once, and notes
    that differ only in whole counts (``clipped 3 value(s) … 'age' 3`` in one partition, ``clipped 5 … 'age' 5``
    in another) as one note with the counts summed. Notes naming different columns stay apart."""
    groups: dict[str, list[str]] = {}
    for log in logs:
        for note in log:
            groups.setdefault(_NUMBER.sub("#", note), []).append(note)
    out = []
    for template, notes in groups.items():
        distinct = list(dict.fromkeys(notes))
        numbers = [_NUMBER.findall(n) for n in distinct]
        pieces = template.split("#")
        fixed = [k for k, piece in enumerate(pieces[1:]) if piece.startswith(" column")]  # a count of columns
        if len(distinct) == 1 or any("." in x for row in numbers for x in row) \
                or any(len({row[k] for row in numbers}) > 1 for k in fixed):
            out.extend(distinct)
            continue
        every = [_NUMBER.findall(n) for n in notes]
        sums = [numbers[0][k] if k in fixed else f"{sum(int(row[k].replace(',', '')) for row in every):,}"
                for k in range(len(every[0]))]
        out.append(pieces[0] + "".join(total + piece for total, piece in zip(sums, pieces[1:])))
    return out
