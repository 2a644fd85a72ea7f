"""bibx_sheet: papers as a plain CSV sheet, one row per paper, written and read back.

    key,title,authors,year,arxiv,doi,url
    vaswani2017attention,Attention Is All You Need,"Vaswani, Ashish; Shazeer, Noam",2017,1706.03762,,

Every value is on one line (white space collapsed, control characters dropped) and the title is
plain text, as a spreadsheet shows it. In ``authors``, people are ``Family, Given`` and
organisations ``{Name}``, separated by ``;``; a ``\\``, ``;``, ``,``, ``{`` or ``}`` inside a name is
escaped with ``\\``. ``url`` is the main link when the paper has no arXiv id (bibx derives that one).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO

from bibx import Organization, Paper, PartialDate, Person, Provenance, ReadContext, ReaderSpec, Report, WriteContext, WriterSpec, hookimpl
from bibx.facts import item_id, primary_url
from bibx.model import Creator
from bibx.richtext import plain_line

COLUMNS = ("key", "title", "authors", "year", "arxiv", "doi", "url")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never written: a terminal would obey them
_NAME_SPECIAL = re.compile(r"([\\;,{}])")
_ESCAPED = re.compile(r"\\(.)")


def one_line(value: str) -> str:
    """A value that is not rich text on one line (``plain_line`` does this for titles)."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _name(text: str) -> str:
    return _NAME_SPECIAL.sub(r"\\\1", one_line(text))


def _creator_text(creator: Creator) -> str:
    if isinstance(creator, Organization):
        return "{" + _name(creator.name) + "}"
    return _name(creator.family) + (", " + _name(creator.given) if one_line(creator.given) else "")


def _row(paper: Paper) -> list[str]:
    return [
        one_line(item_id(paper)),
        plain_line(paper.title),
        "; ".join(_creator_text(creator) for creator in paper.creators),
        str(paper.date.year) if paper.date else "",
        one_line(paper.arxiv_id or ""),
        one_line(paper.doi or ""),
        "" if paper.arxiv_id else one_line(primary_url(paper) or ""),
    ]


class SheetWriter:
    def __init__(self, context: WriteContext) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        rows = csv.writer(out, lineterminator="\n")
        rows.writerow(COLUMNS)
        for paper in papers:  # each row as it arrives
            rows.writerow(_row(paper))


def sniff(head: Sequence[str]) -> float:
    return 1.0 if head and head[0].strip() == ",".join(COLUMNS) else 0.0


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and sniff([line])):
            continue
        try:
            cells = next(csv.reader(io.StringIO(line)), [])
        except csv.Error as error:  # a value beyond the csv module's limit: this row only
            yield Report(f"not a CSV row: {error}", context.path, number, rejected=True, raw=line[:200])
            continue
        if len(cells) != len(COLUMNS):
            yield Report(f"{len(cells)} values where the header has {len(COLUMNS)}", context.path, number, rejected=True, raw=line)
        elif not cells[1].strip():
            yield Report("a row without a title", context.path, number, rejected=True, raw=line)
        else:
            yield _paper(dict(zip(COLUMNS, cells, strict=True)), Provenance(context.path, number, context.reader))


def _paper(values: dict[str, str], source: Provenance) -> Paper:
    year = values["year"]
    return Paper(
        title=values["title"],
        creators=tuple(creator for part in _split(values["authors"], ";") if (creator := _creator(part.strip()))),
        date=PartialDate(int(year)) if year.isdigit() and 1 <= int(year) <= 9999 else None,
        arxiv_id=values["arxiv"] or None,
        doi=values["doi"] or None,
        urls=(values["url"],) if values["url"] else (),
        key=values["key"] or None,
        sources=(source,),
    )


def _creator(text: str) -> Creator | None:
    """One name of the authors cell; None for an empty one (nobody)."""
    if len(text) >= 2 and text[0] == "{" and _split(text[1:], "}") == [text[1:-1], ""]:
        name = _unescaped(text[1:-1]).strip()
        return Organization(name) if name else None
    if not text:
        return None
    family, *given = _split(text, ",")
    return Person(_unescaped(family).strip(), _unescaped(",".join(given)).strip())


def _split(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` not escaped with ``\\``; the escapes are kept."""
    parts, start, index = [], 0, 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == separator:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    return [*parts, text[start:]]


def _unescaped(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(name="sheet", description="plain CSV, one row per paper", extensions=("sheet.csv",), media_type="text/csv", factory=SheetWriter)
    )


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(ReaderSpec(name="sheet", description="plain CSV written by the sheet writer", read=read, sniff=sniff, extensions=("sheet.csv",)))
