"""CSL-JSON reader (``--from csljson``): a JSON array of CSL items, or one item per line (NDJSON).

The input is streamed: an array written one item per line (bibx's, ``jq -c``) or NDJSON is read
line by line, and a pretty-printed array (Zotero's, pandoc's) item by item, by following the
brackets; memory holds one item at a time. Each item is parsed on its own, so a broken item is
reported with its line and the next one is still read.

This module also holds what the three standard readers share, the inverse of the mapping the
writers share in :mod:`bibx_plugins.csljson`: the sentences bibx writes to ``note`` (no authors,
"et al.", an inferred year, the listing date, affiliations, further links) are read back into the
fields they came from, the DataCite DOI and abstract page derived from an arXiv id are recognised
as such, and whatever a record holds that bibx's model has no place for is reported once per file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bibx import Organization, PartialDate, Paper, Person, Provenance, ReaderSpec, Report, hookimpl
from bibx.arxiv import normalise_category
from bibx.model import Creator
from bibx.specs import ReadContext

# The sentences of bibx_plugins.csljson.paper_notes (and the CSL writer's category line), in the
# order they are written; BibTeX joins them with spaces, CSL-JSON with newlines, RIS one per N1.
_NOTE_SENTENCE = re.compile(
    r"(?P<no_authors>The listing gave no authors\.)"
    r"|(?P<truncated>Author list truncated by the listing \(et al\.\): only the first \d+ are given\.)"
    r"|Publication year (?P<inferred>\d{4}) inferred by bibx: the listing gave no year\."
    r"|Listed on (?P<listed>\d{4}(?:-\d\d){0,2}) \(the day a feed listed it, not its publication date\)\."
    r"|Affiliations: (?P<affiliations>.*?)(?=\s+(?:Other links|arXiv category): |\n|$)"
    r"|Other links: (?P<links>.*?)(?=\s+arXiv category: |\n|$)"
    r"|arXiv category: (?P<category>\S+)"
)
_ISO_LIKE_DATE = re.compile(r"^\s*(\d{4})(?:[-/](\d{1,2})?(?:[-/](\d{1,2})?)?)?")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>\S+)$", re.IGNORECASE)
_ARXIV_ABS_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/abs/(?P<id>[^\s?#]+?)/?$", re.IGNORECASE)
_DOI_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_KEYWORD_SEPARATOR = re.compile(r"\s*[,;]\s*")
# How much of a record's text a report quotes.
RAW_LIMIT = 500


@dataclass
class RecordFields:
    """One bibliography record in bibx's terms, as a reader found it, before its notes are read back.

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
    unused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note_field: str = "note"
    keyword_field: str = "keywords"


@dataclass(frozen=True)
class NoteFacts:
    """What bibx's own sentences in a note say, and the text that is not one of them."""

    no_authors: bool = False
    truncated: bool = False
    inferred_year: int | None = None
    listed: PartialDate | None = None
    affiliations: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    category: str | None = None
    rest: str = ""


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


def read_notes(text: str) -> NoteFacts:
    """Split a note into bibx's own sentences and the rest (which the model has no place for)."""
    facts: dict[str, Any] = {}
    rest: list[str] = []
    position = 0
    while position < len(text):
        match = _NOTE_SENTENCE.search(text, position)
        if match is None:
            rest.append(text[position:])
            break
        rest.append(text[position : match.start()])
        facts.update({name: value for name, value in match.groupdict().items() if value is not None})
        position = match.end()
    listed = facts.get("listed")
    return NoteFacts(
        no_authors="no_authors" in facts,
        truncated="truncated" in facts,
        inferred_year=int(facts["inferred"]) if "inferred" in facts else None,
        listed=date_from_text(listed) if listed else None,
        affiliations=tuple(part for part in facts.get("affiliations", "").split("; ") if part),
        links=tuple(facts.get("links", "").split()),
        category=facts.get("category"),
        rest=" ".join("".join(rest).split()),
    )


def date_from_text(text: str) -> PartialDate:
    """``2022``, ``2022-03``, ``2022-03-26``, RIS's ``2022/03//``; raises ValueError for anything else."""
    match = _ISO_LIKE_DATE.match(text)
    if match is None:
        raise ValueError(f"date {text!r} not understood")
    year, month, day = (int(part) if part else None for part in match.groups())
    return PartialDate(year, month, day if month else None)  # type: ignore[arg-type]


def arxiv_identity(arxiv_id: str | None, doi: str | None, urls: Sequence[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The arXiv id (given, or from arXiv's DataCite DOI or abstract page), the DOI and the links.

    The DOI and the abstract page that the writers derive from an arXiv id are not kept beside
    it, so that a paper read back equals the paper written.
    """
    doi = _DOI_RESOLVER.sub("", doi.strip()) if doi else None
    arxiv_id = _ARXIV_PREFIX.sub("", arxiv_id.strip()) if arxiv_id else None
    if arxiv_id is None:
        derived = [_ARXIV_DOI.match(doi or ""), *(_ARXIV_ABS_URL.match(url) for url in urls)]
        arxiv_id = next((match["id"] for match in derived if match), None)
    if doi and arxiv_id and (match := _ARXIV_DOI.match(doi)) and match["id"].lower() == arxiv_id.lower():
        doi = None
    kept = (url for url in urls if not ((match := _ARXIV_ABS_URL.match(url)) and match["id"] == arxiv_id))
    return arxiv_id or None, doi or None, tuple(dict.fromkeys(kept))


def single_field_creator(name: str) -> Creator:
    """A name a format gives as one field (a braced BibTeX name, a CSL literal, a RIS name without a comma)."""
    return Organization(" ".join(name.split()))


def finish_record(record: RecordFields, context: ReadContext, unused: UnusedFields) -> Iterator[Paper | Report]:
    """The record's warnings and its paper, or its rejection when it has no title."""
    if not record.title.strip():
        yield Report("record has no title", context.path, record.line, rejected=True, raw=record.raw)
        return
    paper = _paper(record, context)
    unused.add(record.unused, record.line)
    for warning in record.warnings:
        yield Report(warning, context.path, record.line, raw=record.raw)
    yield paper


def _paper(record: RecordFields, context: ReadContext) -> Paper:
    """The paper; a note or keywords it could not place are added to ``record.unused``."""
    notes = read_notes(record.note)
    if notes.rest:
        record.unused.append(record.note_field)
    arxiv_id, doi, urls = arxiv_identity(record.arxiv_id, record.doi, [*record.urls, *notes.links])
    category = record.category or notes.category
    categories = [normalise_category(keyword) for keyword in record.keywords]
    category = category or next((found for found in categories if found), None)
    if any(found is None or found != category for found in categories):
        record.unused.append(record.keyword_field)
    date = record.date
    if date and notes.inferred_year == date.year:
        date = replace(date, year_inferred=True)
    return Paper(
        title=record.title,
        creators=tuple(record.creators),
        authors_truncated=bool(record.creators) and (record.truncated or notes.truncated),
        authors_known=bool(record.creators) or not notes.no_authors,
        organizations=notes.affiliations,
        abstract=record.abstract,
        category=category,
        date=date,
        listing_date=notes.listed,
        arxiv_id=arxiv_id,
        doi=doi,
        urls=urls,
        key=record.key or None,
        sources=(Provenance(context.path, record.line, context.reader),),
    )


def split_keywords(text: str) -> list[str]:
    return [keyword for keyword in _KEYWORD_SEPARATOR.split(text.strip()) if keyword]


# --- CSL-JSON -------------------------------------------------------------------------------------

# Variables read below, and those that only say what bibx already knows (every item is a preprint).
_CSL_READ = frozenset("id citation-key type title author issued publisher number DOI URL abstract keyword note".split())
_BIBX_JSON_MARKERS = ('"authors_truncated"', '"creators"')
_JSON_TOKEN = re.compile(r'\\.|["{}\[\]]')


@dataclass(frozen=True)
class JsonProblem:
    """An item that is not valid JSON, with the line the problem is on."""

    message: str
    line: int


class _ItemScanner:
    """Finds the top-level items of a JSON array or of concatenated objects, line by line.

    Only brackets and string quotes are followed, which is enough to know where an item ends; the
    item's text is then parsed by :func:`json.loads`. JSON strings cannot span lines, so an
    unterminated string is given up at the end of its line and cannot swallow the items after it.
    """

    def __init__(self) -> None:
        self.item_depth: int | None = None  # 1 inside an outer array, 0 for NDJSON; None before the first bracket
        self.depth = 0
        self.in_string = False
        self.start: int | None = None  # line where the current item starts
        self.column = 0
        self.parts: list[str] = []

    def feed(self, number: int, line: str) -> Iterator[tuple[int, Any, str]]:
        stripped = line.strip().rstrip(",")
        if self.start is None and self.depth == (self.item_depth or 0) and stripped.startswith("{"):
            try:
                # The fast path: one whole item on this line, as bibx, jq -c and NDJSON write them.
                item = json.loads(stripped)
            except json.JSONDecodeError:
                pass
            else:
                self.item_depth = self.depth
                yield number, item, stripped
                return
        yield from self._scan(number, line)
        if self.start is not None:
            self.parts.append(line[self.column :])
            self.column = 0
        self.in_string = False

    def finish(self) -> Iterator[tuple[int, Any, str]]:
        if self.start is not None:
            text = "\n".join(self.parts)
            yield self.start, JsonProblem("the input ends inside this item", self.start), text

    def _scan(self, number: int, line: str) -> Iterator[tuple[int, Any, str]]:
        for match in _JSON_TOKEN.finditer(line):
            token = match.group()
            if self.in_string:
                self.in_string = token != '"'  # an escape such as \" is one token and keeps the string open
            elif token == '"':
                self.in_string = True
            elif token in "{[":
                if self.item_depth is None:
                    self.item_depth = 1 if token == "[" else 0
                    if token == "[":
                        self.depth = 1
                        continue
                if self.depth == self.item_depth:
                    self.start, self.column, self.parts = number, match.start(), []
                self.depth += 1
            elif token in "}]":
                self.depth -= 1
                if self.start is not None and self.depth == self.item_depth:
                    yield self._complete(line[self.column : match.end()])
                elif self.depth <= 0:
                    self.depth, self.item_depth = 0, None  # an array closed; another may follow

    def _complete(self, last_part: str) -> tuple[int, Any, str]:
        start, text = self.start, "\n".join([*self.parts, last_part])
        self.start, self.parts = None, []
        try:
            return start, json.loads(text), text
        except json.JSONDecodeError as error:
            return start, JsonProblem(f"invalid JSON: {error.msg}", start + error.lineno - 1), text


def json_items(lines: Iterable[str]) -> Iterator[tuple[int, Any, str]]:
    """(first line, parsed item or :class:`JsonProblem`, item text) for each top-level item of the text."""
    scanner = _ItemScanner()
    for number, line in enumerate(lines, start=1):
        yield from scanner.feed(number, line)
    yield from scanner.finish()


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _csl_creator(name: Any) -> Creator | None:
    if not isinstance(name, dict):
        return None
    if literal := _text(name.get("literal")):
        return single_field_creator(literal)
    family = " ".join(filter(None, (_text(name.get(part)) for part in ("dropping-particle", "non-dropping-particle", "family", "suffix"))))
    given = _text(name.get("given"))
    return Person(family, given) if family else Person(given) if given else None


def _csl_date(issued: Any) -> PartialDate:
    """``{"date-parts": [[2022, 3]]}`` (the first of a range), or a ``raw``/``literal`` date text."""
    if isinstance(issued, dict) and isinstance(issued.get("date-parts"), list) and issued["date-parts"]:
        parts = [int(part) for part in issued["date-parts"][0]]
        if not parts:
            raise ValueError("empty date-parts")
        return PartialDate(*parts[:3])
    if isinstance(issued, dict) and (text := _text(issued.get("raw")) or _text(issued.get("literal"))):
        return date_from_text(text)
    return date_from_text(_text(issued))


def csl_record(item: dict[str, Any], line: int, raw: str) -> RecordFields:
    """The fields of one CSL item (see the writer's :func:`bibx_plugins.csljson.csl_item`)."""
    record = RecordFields(line=line, raw=raw, note_field="note", keyword_field="keyword")
    record.title = _text(item.get("title"))
    record.key = _text(item.get("citation-key")) or _text(item.get("id")) or None
    authors = item.get("author") if isinstance(item.get("author"), list) else []
    record.creators = [creator for creator in map(_csl_creator, authors) if creator]
    if "issued" in item:
        try:
            record.date = _csl_date(item["issued"])
        except (ValueError, TypeError):
            record.warnings.append(f"issued {json.dumps(item['issued'])} is not a date; left out")
    from_arxiv = "arxiv" in _text(item.get("publisher")).lower()
    number = _text(item.get("number"))
    if number and (from_arxiv or _ARXIV_PREFIX.match(number)):
        record.arxiv_id = number
    elif number:
        record.unused.append("number")
    if item.get("publisher") and not from_arxiv:
        record.unused.append("publisher")
    record.doi = _text(item.get("DOI")) or None
    record.urls = [url] if (url := _text(item.get("URL"))) else []
    record.abstract = _text(item.get("abstract"))
    record.keywords = split_keywords(_text(item.get("keyword")))
    record.note = _text(item.get("note"))
    record.unused += sorted(name for name in item if name not in _CSL_READ)
    return record


def sniff(head: Sequence[str]) -> float:
    text = "\n".join(head).lstrip()
    if not text.startswith(("[", "{")) or any(marker in text for marker in _BIBX_JSON_MARKERS):
        return 0.0
    # Above bibx's own JSON reader, which claims any JSON array with a "title".
    return 0.95 if '"type"' in text and ('"id"' in text or '"citation-key"' in text) else 0.0


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    unused = UnusedFields()
    for line, item, text in json_items(lines):
        raw = text[:RAW_LIMIT]
        if isinstance(item, JsonProblem):
            yield Report(item.message, context.path, item.line, rejected=True, raw=raw)
        elif not isinstance(item, dict):
            yield Report("a CSL item must be a JSON object", context.path, line, rejected=True, raw=raw)
        else:
            yield from finish_record(csl_record(item, line, raw), context, unused)
    if report := unused.report(context.path):
        yield report


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(
        ReaderSpec(
            name="csljson",
            description="CSL-JSON: an array of items (Zotero, pandoc, citeproc) or one item per line (NDJSON)",
            read=read,
            sniff=sniff,
            extensions=("csl.json", "csljson", "ndjson", "jsonl"),
        )
    )
