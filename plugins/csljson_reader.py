"""CSL-JSON reader (``--from csljson``): a JSON array of CSL items, or one item per line (NDJSON).

The input is streamed: an array written one item per line (bibx's, ``jq -c``) or NDJSON is read
line by line, and a pretty-printed array (Zotero's, pandoc's) item by item, by following the
brackets; memory holds one item at a time. Each item is parsed on its own, so a broken item is
reported with its line and the next one is still read.

What the three standard readers share (bibx's listing facts in ``custom`` read back, the arXiv DOI and page
recognised, unused fields reported once per file) is in :mod:`bibx_plugins.standard_record`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bibx import Paper, PartialDate, Person, ReaderSpec, Report, hookimpl
from bibx.dates import partial_date_from_text
from bibx.facts import ARXIV_PREFIX, FACT_NAMES
from bibx.model import Creator
from bibx.specs import ReadContext
from bibx_plugins.standard_record import RAW_LIMIT, RecordFields, papers_from_records, single_field_creator, split_keywords

# Variables read below, and those that only say what bibx already knows (every item is a preprint).
_CSL_READ = frozenset("id citation-key type title author issued publisher number DOI URL abstract keyword note custom".split())
ET_AL_SUFFIXES = frozenset({"et al.", "et al", "et. al."})
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


def _without_et_al(authors: list[Any]) -> tuple[list[Any], bool]:
    """The names without the ``et al.`` suffix that marks a truncated list (bibx's CSL writer puts it on the last person)."""
    last = authors[-1] if authors else None
    if isinstance(last, dict) and _text(last.get("suffix")).lower() in ET_AL_SUFFIXES:
        return [*authors[:-1], {part: value for part, value in last.items() if part != "suffix"}], True
    return authors, False


def _csl_date(issued: Any) -> PartialDate:
    """``{"date-parts": [[2022, 3]]}`` (the first of a range), or a ``raw``/``literal`` date text."""
    if isinstance(issued, dict) and isinstance(issued.get("date-parts"), list) and issued["date-parts"]:
        parts = [int(part) for part in issued["date-parts"][0]]
        if not parts:
            raise ValueError("empty date-parts")
        return PartialDate(*parts[:3])
    if isinstance(issued, dict) and (text := _text(issued.get("raw")) or _text(issued.get("literal"))):
        return partial_date_from_text(text)
    return partial_date_from_text(_text(issued))


def csl_record(item: dict[str, Any], line: int, raw: str) -> RecordFields:
    """The fields of one CSL item (see the writer's :func:`bibx_plugins.csljson.csl_item`)."""
    record = RecordFields(line=line, raw=raw, note_field="note", keyword_field="keyword")
    record.title = _text(item.get("title"))
    record.key = _text(item.get("citation-key")) or _text(item.get("id")) or None
    listed = item.get("author")
    authors, record.truncated = _without_et_al(listed if isinstance(listed, list) else [])
    record.creators = [creator for creator in map(_csl_creator, authors) if creator]
    if "issued" in item:
        try:
            record.date = _csl_date(item["issued"])
        except (ValueError, TypeError):
            record.warnings.append(f"issued {json.dumps(item['issued'])} is not a date; left out")
    from_arxiv = "arxiv" in _text(item.get("publisher")).lower()
    number = _text(item.get("number"))
    if number and (from_arxiv or ARXIV_PREFIX.match(number)):
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
    record.facts = _custom_facts(item.get("custom"), record)
    record.unused += sorted(name for name in item if name not in _CSL_READ)
    return record


def _custom_facts(custom: Any, record: RecordFields) -> list[tuple[str, str]]:
    """bibx's listing facts from ``custom`` (a value or a list of values per name); other pairs are reported unused."""
    if not isinstance(custom, dict):
        if custom is not None:
            record.unused.append("custom")
        return []
    pairs = []
    for name, value in custom.items():
        values = value if isinstance(value, list) else [value]
        if name in FACT_NAMES and all(_text(element) for element in values):
            pairs += [(name, _text(element)) for element in values]
        else:
            record.unused.append(f"custom.{name}")
    return pairs


def sniff(head: Sequence[str]) -> float:
    text = "\n".join(head).lstrip()
    if not text.startswith(("[", "{")) or any(marker in text for marker in _BIBX_JSON_MARKERS):
        return 0.0
    # Above bibx's own JSON reader, which claims any JSON array with a "title".
    return 0.95 if '"type"' in text and ('"id"' in text or '"citation-key"' in text) else 0.0


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    return papers_from_records(_records(lines, context), context)


def _records(lines: Iterable[str], context: ReadContext) -> Iterator[RecordFields | Report]:
    for line, item, text in json_items(lines):
        raw = text[:RAW_LIMIT]
        if isinstance(item, JsonProblem):
            yield Report(item.message, context.path, item.line, rejected=True, raw=raw)
        elif not isinstance(item, dict):
            yield Report("a CSL item must be a JSON object", context.path, line, rejected=True, raw=raw)
        else:
            yield csl_record(item, line, raw)


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
