"""RIS writer (``ris``), for reference managers that import RIS (Zotero, EndNote, Mendeley).

Records are written by rispy, one paper at a time. Links, DOI and listing facts come from
:mod:`bibx.facts`, as for every format, so all formats say the same things.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TextIO

import rispy

from bibx import Organization, Paper, PartialDate, Report, WriteContext
from bibx.arxiv import ARXIV
from bibx.controls import replace_controls
from bibx.facts import fact_lines, item_id, paper_doi, primary_url
from bibx.model import Creator
from bibx.richtext import to_plain
from bibx.specs import rendered, write_separated

# Every type a preprint could take imports into Zotero as a Journal Article: RIS.js has no preprint
# type, and UNPB and GEN fall back to journalArticle. JOUR says so outright, and other readers
# (citation-js, EndNote) also read it as an article. Zotero keeps each tag written below for a
# Journal Article: TI, AU, PY/DA, AB, UR, DO, KW (tags), N1 (notes), T2 (Publication), DB
# (Archive) and AN (Loc. in Archive), where RIS's "accession number in a database" is the arXiv id.
# citation-js ignores AN; there the id survives in DO (10.48550/arXiv.<id>) and UR.
RECORD_TYPE = "JOUR"

# Line ends to some reader (\r, \n, VT, FF, the file/group/record separators, NEL, U+2028 and
# U+2029 all split lines for Python's str.splitlines): text after one could read as a new tag, and
# "ER  - " would end the record early. The control characters among them are spaces by then
# (bibx.controls.replace_controls, which drops the other controls); U+2028 and U+2029 become one
# here. Runs of spaces go too: citation-js cuts a value at the first "  - " inside it, taking it
# for the tag separator.
# (A lone space is left alone: matching it too would rewrite every word gap, at a third of the speed.)
_BREAKS_AND_SPACES = re.compile(r"[ \u2028\u2029]{2,}|[\u2028\u2029]")


class _RecordWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter line before each record, which is not RIS."""

    def set_header(self, count: int) -> str:
        return ""


def single_line(text: str) -> str:
    """``text`` as one line that cannot open a tag: breaks and space runs become one space, controls go."""
    if text.isprintable() and "  " not in text:
        # Every break and control character is unprintable: nothing for the patterns to replace.
        return text.strip()
    return _single_line_any(text)


def _single_line_any(text: str) -> str:
    """:func:`single_line` without the shortcut for printable text without double spaces."""
    return _BREAKS_AND_SPACES.sub(" ", replace_controls(text)).strip()


def ris_name(creator: Creator) -> str:
    """``Family, Given`` for a person; an organisation's name without a comma reads as one field."""
    if isinstance(creator, Organization):
        return creator.name
    return f"{creator.family}, {creator.given}" if creator.given else creator.family


def ris_date(date: PartialDate) -> str:
    """``YYYY/MM/DD/`` with the unknown parts left empty: ``2022/03//``."""
    year, month, day = date.year, date.month, date.day
    return f"{year:04d}/{'' if month is None else f'{month:02d}'}/{'' if day is None else f'{day:02d}'}/"


def ris_record(paper: Paper) -> dict[str, str | list[str]]:
    """The rispy record (field name → value) for ``paper``, every value on one line, none empty."""
    url = primary_url(paper)
    record: dict[str, str | list[str] | None] = {
        "type_of_reference": RECORD_TYPE,
        "id": item_id(paper),
        "title": to_plain(paper.title),
        "authors": [ris_name(creator) for creator in paper.creators],
        "year": str(paper.date.year) if paper.date else None,
        "date": ris_date(paper.date) if paper.date else None,
        "secondary_title": ARXIV if paper.arxiv_id else None,
        "name_of_database": ARXIV if paper.arxiv_id else None,
        "accession_number": paper.arxiv_id,
        "doi": paper_doi(paper),
        "journal_name": paper.journal_ref,  # JO: the published version as arXiv records it (--resolve)
        "urls": [url] if url else [],
        "abstract": to_plain(paper.abstract),
        "keywords": [paper.category] if paper.category else [],
        # One N1 note a fact (``bibx-listed: 2026-07-29``): Zotero keeps notes as child notes, which no style prints.
        "notes": fact_lines(paper),
    }
    return {field: _one_line(value) for field, value in record.items() if value}


def _one_line(value: str | list[str]) -> str | list[str]:
    """The one place where field text is made safe for RIS's line-based syntax."""
    if isinstance(value, list):
        return [single_line(element) for element in value]
    return single_line(value)


class RisWriter:
    """Writes each paper as one RIS record as it arrives, records separated by a blank line."""

    def __init__(self, context: WriteContext) -> None:
        self._report = context.report
        self._rispy = _RecordWriter()

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def entry(self, paper: Paper) -> str:
        self._warn_about_split_names(paper)
        text = io.StringIO()
        self._rispy.format_lines(text, [ris_record(paper)])
        return text.getvalue()

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        write_separated(entries, out, "\n")

    def _warn_about_split_names(self, paper: Paper) -> None:
        # RIS has no way to mark a corporate name: readers split "AU  - Acme, Research" at the
        # comma into a family and a given name.
        for creator in paper.creators:
            if isinstance(creator, Organization) and "," in creator.name:
                message = f"RIS: corporate author {creator.name!r} contains a comma; RIS readers split it into family and given name"
                self._report(Report.about(paper, message))
