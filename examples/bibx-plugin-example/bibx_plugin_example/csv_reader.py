"""The ``csv`` reader: one paper per row of a spreadsheet with a header row.

Columns (in any order, names case-insensitive): ``title`` (required), ``authors`` (``Family, Given``
separated by ``;``; a name without a comma is an organisation), ``year``, ``arxiv``, ``doi``,
``url``, ``key`` and ``abstract``. Rows are read one at a time, so a file of any size streams.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from bibx import Organization, Paper, PartialDate, Person, Provenance, ReadContext, ReaderSpec, Report
from bibx.model import Creator

COLUMNS = frozenset({"title", "authors", "year", "arxiv", "doi", "url", "key", "abstract"})


def sniff(head: Sequence[str]) -> float:
    """Sure when the header names only known columns, title among them; possible with others too."""
    if not head or "," not in head[0]:
        return 0.0
    columns = _header(head[0])
    if "title" not in columns:
        return 0.0
    return 0.9 if set(columns) <= COLUMNS else 0.5


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    rows = csv.reader(lines)
    header = [name.strip().lower() for name in next(rows, [])]
    if "title" not in header:
        yield Report("the first row must be a header naming a 'title' column", context.path, 1, rejected=True)
        return
    if unknown := sorted(set(header) - COLUMNS):
        yield Report(f"columns not read: {', '.join(unknown)}", context.path, 1)
    for row in rows:
        if any(cell.strip() for cell in row):
            yield from _row(header, row, rows.line_num, context)


def _header(line: str) -> list[str]:
    return [name.strip().lower() for name in next(csv.reader([line]))]


def _row(header: list[str], row: list[str], line: int, context: ReadContext) -> Iterator[Paper | Report]:
    raw = ",".join(row)
    if len(row) != len(header):
        yield Report(f"{len(row)} cells where the header has {len(header)}", context.path, line, rejected=True, raw=raw)
        return
    cells = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
    if not cells["title"]:
        yield Report("a row without a title", context.path, line, rejected=True, raw=raw)
        return
    year = cells.get("year", "")
    if year and not year.isdigit():
        yield Report(f"year {year!r} is not a number; left out", context.path, line)
    yield Paper(
        title=cells["title"],
        creators=tuple(_creator(name) for name in cells.get("authors", "").split(";") if name.strip()),
        date=PartialDate(int(year)) if year.isdigit() else None,
        arxiv_id=cells.get("arxiv") or None,
        doi=cells.get("doi") or None,
        urls=(cells["url"],) if cells.get("url") else (),
        key=cells.get("key") or None,
        abstract=cells.get("abstract", ""),
        sources=(Provenance(context.path, line, context.reader),),
    )


def _creator(name: str) -> Creator:
    family, comma, given = name.partition(",")
    return Person(family.strip(), given.strip()) if comma else Organization(name.strip())


SPEC = ReaderSpec(
    name="csv",
    description="CSV with a header row: title, authors (Family, Given; …), year, arxiv, doi, url, key, abstract",
    read=read,
    sniff=sniff,
    extensions=("csv",),
)
