"""CSL-JSON reader (``--from csljson``): a JSON array of CSL items, or one item per line (NDJSON).

The input is streamed: an array written one item per line (bibx's, ``jq -c``) or NDJSON is read
line by line, and a pretty-printed array (Zotero's, pandoc's) item by item, by following the
brackets; memory holds one item at a time. Each item is parsed on its own, so a broken item is
reported with its line and the next one is still read.

What the three standard readers share (bibx's listing facts in ``custom`` read back, the arXiv DOI and page
recognised, unused fields reported once per file) is in :mod:`bibx.standard_record`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bibx import Paper, PartialDate, Person, Report
from bibx.arxiv import ARXIV_PREFIX
from bibx.dates import partial_date_from_text
from bibx.facts import FACT_NAMES
from bibx.json_items import JsonProblem, json_items
from bibx.model import Creator
from bibx.specs import ReadContext
from bibx.standard_record import (
    RAW_LIMIT,
    RecordFields,
    creator_from_text,
    guarded_record,
    papers_from_records,
    single_field_creator,
    split_keywords,
)

# Variables read below, and those that only say what bibx already knows (every item is a preprint).
_CSL_READ = frozenset("id citation-key type title author issued publisher number DOI URL abstract keyword note custom".split())
ET_AL_SUFFIXES = frozenset({"et al.", "et al", "et. al."})


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


def _csl_creators(authors: Any, record: RecordFields) -> list[Creator]:
    """The names of an ``author`` list; what is not a CSL name is left out and counted in a warning.

    A plain string (``"Doe, John"``), which CSL does not allow but some tools write, is read as one
    name, with a warning.
    """
    if authors is None:
        return []
    if isinstance(authors, str):
        record.warnings.append(f"author {_quoted(authors)} is a string, not a list of CSL names; read as one name")
        return [creator_from_text(authors)] if authors.strip() else []
    if not isinstance(authors, list):
        record.warnings.append(f"author {_quoted(json.dumps(authors))} is not a list of CSL names; left out")
        return []
    creators, left_out = [], []
    for name in authors:
        creator = _csl_creator(name)
        if creator:
            creators.append(creator)
        else:
            left_out.append(name)
    if left_out:
        record.warnings.append(
            f"{len(left_out)} of {len(authors)} author entries are not CSL names and are left out: {_quoted(json.dumps(left_out))}"
        )
    return creators


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 80 else f"{text[:80]}…")


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
        month = parts[1] if len(parts) > 1 else None
        day = parts[2] if len(parts) > 2 else None
        return PartialDate(parts[0], month, day)
    if isinstance(issued, dict) and (text := _text(issued.get("raw")) or _text(issued.get("literal"))):
        return partial_date_from_text(text)
    return partial_date_from_text(_text(issued))


def csl_record(item: dict[str, Any], line: int, raw: str) -> RecordFields:
    """The fields of one CSL item (the inverse of :func:`bibx.csl_items.csl_item`)."""
    record = RecordFields(line=line, raw=raw, note_field="note", keyword_field="keyword")
    record.title = _text(item.get("title"))
    record.key = _text(item.get("citation-key")) or _text(item.get("id")) or None
    listed = item.get("author")
    authors, record.truncated = _without_et_al(listed) if isinstance(listed, list) else (listed, False)
    record.creators = _csl_creators(authors, record)
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
            yield guarded_record(context, line, raw, csl_record, item, line, raw)
