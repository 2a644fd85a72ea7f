"""What the standard-format readers (BibTeX, CSL-JSON, RIS) share: a record in bibx's terms, turned into a paper.

Each reader fills a :class:`RecordFields` from its format, with the listing facts bibx wrote
(:func:`bibx.facts.fact_fields`) as name-value pairs; :func:`finish_record` turns them back into
the model (:func:`bibx.facts.facts_from_fields`), builds the paper, and reports what the model has
no place for once per file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from bibx.arxiv import normalise_category
from bibx.facts import arxiv_identity, facts_from_fields
from bibx.model import Creator, Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.specs import ReadContext

_KEYWORD_SEPARATOR = re.compile(r"\s*[,;]\s*")
# How much of a record's text a report quotes.
RAW_LIMIT = 500
# The years a date can have (four digits, as every output format writes them).
MIN_YEAR, MAX_YEAR = 1, 9999
# No real record comes near this; a longer one is refused without being held whole.
MAX_RECORD_CHARS = 1_000_000


@dataclass
class RecordFields:
    """One bibliography record in bibx's terms, as a reader found it, before its facts are read back.

    ``unused`` names the record's fields that bibx's model has no place for; ``warnings`` are
    problems with a value that was left out. ``note_field`` and ``keyword_field`` are what the
    format calls those fields, for the report of what was not carried over.
    """

    line: int
    raw: str
    title: str = ""
    key: str | None = None
    creators: list[Creator] = field(default_factory=list)
    truncated: bool = False
    date: PartialDate | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    urls: list[str] = field(default_factory=list)
    abstract: str = ""
    category: str | None = None
    keywords: list[str] = field(default_factory=list)
    note: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note_field: str = "note"
    keyword_field: str = "keywords"


class UnusedFields:
    """Counts, over one file, the fields bibx has no place for, to say so in one warning."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.first_line: int | None = None

    def add(self, names: Iterable[str], line: int) -> None:
        names = set(names)
        if names and self.first_line is None:
            self.first_line = line
        self.counts.update(names)

    def report(self, path: str) -> Report | None:
        if not self.counts:
            return None
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(self.counts.items()))
        return Report(f"fields bibx has no place for were not carried over (records per field): {listed}", path, self.first_line)


def single_field_creator(name: str) -> Creator:
    """A name a format gives as one field (a braced BibTeX name, a CSL literal, a RIS name without a comma)."""
    return Organization(" ".join(name.split()))


def creator_from_text(name: str) -> Creator:
    """A name written as text: ``Family, Given`` a person, anything without a comma an organisation."""
    family, comma, given = name.partition(",")
    if not comma:
        return single_field_creator(name)
    return Person(family.strip(), given.strip())


def finish_record(record: RecordFields, context: ReadContext, unused: UnusedFields) -> Iterator[Paper | Report]:
    """The record's warnings and its paper, or its rejection when it has no title."""
    if not record.title.strip():
        yield Report("record has no title", context.path, record.line, rejected=True, raw=record.raw)
        return
    if record.date and not MIN_YEAR <= record.date.year <= MAX_YEAR:
        record.warnings.append(f"year {record.date.year} is out of range; the date is left out")
        record.date = None
    paper = _paper(record, context)
    unused.add(record.unused, record.line)
    for warning in record.warnings:
        yield Report(warning, context.path, record.line, raw=record.raw)
    yield paper


def _paper(record: RecordFields, context: ReadContext) -> Paper:
    """The paper; a note or keywords it could not place are added to ``record.unused``."""
    facts, unknown = facts_from_fields(record.facts)
    if record.note or unknown:
        record.unused.append(record.note_field)
    arxiv_id, doi, urls = arxiv_identity(record.arxiv_id, record.doi, [*record.urls, *facts.links])
    category = record.category
    categories = [normalise_category(keyword) for keyword in record.keywords]
    category = category or next((found for found in categories if found), None)
    if any(found is None or found != category for found in categories):
        record.unused.append(record.keyword_field)
    date = record.date
    if date and facts.year_inferred:
        date = replace(date, year_inferred=True)
    return Paper(
        title=record.title,
        creators=tuple(record.creators),
        authors_truncated=bool(record.creators) and (record.truncated or facts.truncated),
        authors_known=bool(record.creators) or not facts.no_authors,
        organizations=facts.affiliations,
        abstract=record.abstract,
        category=category,
        date=date,
        listing_date=facts.listed,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        key=record.key or None,
        sources=(Provenance(context.path, record.line, context.reader),),
    )


def guarded_record(context: ReadContext, line: int, raw: str, build: Callable[..., RecordFields], *args: Any) -> RecordFields | Report:
    """The record ``build(*args)`` makes, or its rejection at ``line`` if anything in it breaks the reader.

    A value no format test foresaw (a 5,000-digit year, ``Infinity``, nesting 100,000 deep) then
    costs its own record; the records after it are still read.
    """
    try:
        return build(*args)
    except (Exception, RecursionError) as error:  # noqa: BLE001 - one bad record must not end the file
        return Report(f"record could not be read: {type(error).__name__}: {_short(error)}", context.path, line, rejected=True, raw=raw[:RAW_LIMIT])


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else f"{text[:200]}…"


def split_keywords(text: str) -> list[str]:
    return [keyword for keyword in _KEYWORD_SEPARATOR.split(text.strip()) if keyword]


def papers_from_records(
    records: Iterable[RecordFields | Report], context: ReadContext, unused: UnusedFields | None = None
) -> Iterator[Paper | Report]:
    """Each record's paper (or its rejection, passed through), then one report of the fields bibx had no place for.

    A reader that notes unused fields of its own (BibTeX's ``@preamble``) passes its ``unused``.
    """
    unused = unused or UnusedFields()
    for record in records:
        if isinstance(record, Report):
            yield record
        else:
            yield from finish_record(record, context, unused)
    if report := unused.report(context.path):
        yield report
