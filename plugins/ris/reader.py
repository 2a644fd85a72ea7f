"""RIS reader (``--from ris``): records from Zotero, EndNote, Mendeley, or bibx's own RIS writer.

Streamed record by record: lines are grouped from ``TY`` to ``ER`` and each record is parsed by
rispy on its own. A record that never reaches its ``ER``, text outside any record, and a record
without a title are reported with their line. Counter lines such as ``1.``, which some writers put
before each record, are skipped.

Mapping, the inverse of :mod:`bibx_plugins.ris.writer`'s: ``ID`` is the key; ``TI`` (or ``T1``) the title;
``AU``/``A1`` the authors, ``Family, Given`` a person and a name without a comma an organisation
(RIS cannot mark either); ``DA``, else ``PY``/``Y1``, the date (``2022/03/26/``, ``2022/03//``,
``2022``); ``AN`` the arXiv id when ``DB`` or ``T2`` names arXiv; ``DO``, ``UR``, ``AB`` (else
``N2``); the first arXiv class among ``KW`` the category; the listing facts among the ``N1``
notes (``bibx-listed: …``, :func:`bibx.facts.fact_lines`) are read back. Other tags (``JO``, ``VL``, ``SP``…) are named in one warning per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import rispy

from bibx import Paper, Report
from bibx.dates import partial_date_from_text
from bibx.facts import facts_in_text
from bibx.specs import ReadContext
from bibx.standard_record import MAX_RECORD_CHARS, RAW_LIMIT, RecordFields, creator_from_text, guarded_record, papers_from_records
from bibx_plugins.ris import COUNTER_LINE, RECORD_START

RECORD_END = re.compile(r"^ER  -(?: |$)")
STRAY_LINES_KEPT = 10
# rispy's field names, for naming the tags bibx does not read.
TAG_OF_FIELD = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
FIELDS_READ = frozenset(
    "type_of_reference id title primary_title authors first_authors date year publication_year "
    "secondary_title name_of_database accession_number doi urls abstract notes_abstract keywords notes".split()
)
ARXIV_MARK = re.compile(r"arxiv", re.IGNORECASE)


class _Record:
    """The lines of one record, or of one stretch of text outside any record, and where they start."""

    def __init__(self, line: int, opened: bool) -> None:
        self.line = line
        self.lines: list[str] = []
        self.opened = opened  # began with a TY line
        self.closed = False  # reached its ER line
        self.size = 0
        self.oversized = False


def split_records(lines: Iterable[str]) -> Iterator[_Record]:
    """Each ``TY`` … ``ER`` record as soon as it closes, and each stretch of stray text between records."""
    current: _Record | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if RECORD_START.match(line):
            if current:  # stray text, or a record that never reached its ER
                yield current
            current = _Record(number, opened=True)
        elif current is None or not current.opened:
            if COUNTER_LINE.match(stripped):
                continue
            current = current or _Record(number, opened=False)
            if len(current.lines) >= STRAY_LINES_KEPT:
                continue  # enough to quote in the report; a non-RIS file is not held in memory
        current.size += len(line) + 1
        if current.size > MAX_RECORD_CHARS:
            current.oversized = True  # refused when it ends: its text need not be held
        else:
            current.lines.append(line)
        if current.opened and RECORD_END.match(line):
            current.closed = True
            yield current
            current = None
    if current:
        yield current


def _rejection(record: _Record) -> str | None:
    if not record.opened:
        return "text outside any RIS record (a record runs from 'TY  - ' to 'ER  - ')"
    if not record.closed:
        return "RIS record without its closing 'ER  - ' line"
    if record.oversized:
        return f"RIS record longer than {MAX_RECORD_CHARS:,} characters"
    return None


def _first(data: dict[str, Any], *names: str) -> str:
    return next((str(data[name]).strip() for name in names if data.get(name)), "")


def ris_record(data: dict[str, Any], line: int, raw: str) -> RecordFields:
    """The fields of one parsed record in bibx's terms."""
    record = RecordFields(line=line, raw=raw, key=_first(data, "id") or None, note_field="N1", keyword_field="KW")
    record.title = _first(data, "title", "primary_title")
    names = [*data.get("authors", []), *data.get("first_authors", [])]
    record.creators = [creator_from_text(name) for name in names if name.strip()]
    if date_text := _first(data, "date", "year", "publication_year"):
        try:
            record.date = partial_date_from_text(date_text)
        except ValueError as error:
            record.warnings.append(f"{error}; the date is left out")
    in_arxiv = any(ARXIV_MARK.search(str(data.get(name, ""))) for name in ("name_of_database", "secondary_title"))
    if in_arxiv:
        record.arxiv_id = _first(data, "accession_number") or None
    record.doi = _first(data, "doi") or None
    record.urls = [url.strip() for url in data.get("urls", []) if url.strip()]
    record.abstract = _first(data, "abstract", "notes_abstract")
    record.keywords = [keyword.strip() for keyword in data.get("keywords", []) if keyword.strip()]
    record.facts, record.note = facts_in_text("\n".join(data.get("notes", [])))
    unread = [name for name in data if name not in FIELDS_READ]
    if not in_arxiv:
        unread += [name for name in ("secondary_title", "name_of_database", "accession_number") if name in data]
    record.unused += sorted(TAG_OF_FIELD.get(name, name) for name in unread if name != "unknown_tag")
    record.unused += sorted(data.get("unknown_tag", {}))
    return record


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    return papers_from_records(_records(lines, context), context)


def _records(lines: Iterable[str], context: ReadContext) -> Iterator[RecordFields | Report]:
    for record in split_records(lines):
        raw = "\n".join(record.lines)[:RAW_LIMIT]
        if reason := _rejection(record):
            yield Report(reason, context.path, record.line, rejected=True, raw=raw)
            continue
        yield guarded_record(context, record.line, raw, _parsed, record, raw)


def _parsed(record: _Record, raw: str) -> RecordFields:
    (data,) = rispy.RisParser().parse_lines(iter(record.lines))
    return ris_record(data, record.line, raw)
