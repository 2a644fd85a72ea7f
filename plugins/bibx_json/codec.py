"""bibx's own lossless JSON: every field of the model, so ``--format json | --from json`` changes nothing.

The writer streams an array with one paper object per line; the reader takes that layout line by
line (each record keeps its line number) and any other JSON array of paper objects as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from typing import Any, TextIO

from bibx.json_items import JsonProblem, json_items
from bibx.model import Creator, FieldSource, Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.specs import ReadContext, WriteContext, rendered, write_separated
from bibx.validation import paper_problems

PAPER_FIELDS = {f.name for f in fields(Paper)}
TUPLE_FIELDS = ("organizations", "urls")
# How much of a rejected object a report quotes.
RAW_QUOTE = 200
# The field names of every dataclass a paper holds, in declaration order (the order of the JSON keys).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Paper, Person, Organization, PartialDate, Provenance, FieldSource)
}
# Values that need converting; everything else (str, int, float, bool, None) is JSON as it is.
_NESTED = frozenset((tuple, *_FIELD_NAMES))
# ASCII escapes keep every character exact: input cleaning never touches an escaped one. A paper
# holds no cycles, so the encoder need not look for them.
_ENCODER = json.JSONEncoder(ensure_ascii=True, check_circular=False)


def paper_to_json(paper: Paper) -> dict[str, Any]:
    """The paper as JSON data: what ``dataclasses.asdict`` gives, tuples as lists, at a third of its cost.

    (``asdict`` deep-copies every value and inspects every field on each call.)
    """
    return _json_object(paper)


def _json_object(value: Any) -> dict[str, Any]:
    """A model dataclass as a dict of its fields."""
    data = {}
    for name in _FIELD_NAMES[type(value)]:
        item = getattr(value, name)
        data[name] = _json_nested(item) if type(item) in _NESTED else item
    return data


def _json_nested(value: Any) -> Any:
    if type(value) is tuple:
        return [_json_nested(item) if type(item) in _NESTED else item for item in value]
    return _json_object(value)


def paper_from_json(data: dict[str, Any]) -> Paper:
    """Rebuild a paper; raises ValueError naming what is wrong with ``data``."""
    if not isinstance(data, dict):
        raise ValueError("a paper must be a JSON object")
    unknown = set(data) - PAPER_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise ValueError("a paper needs a non-empty title")
    values = dict(data)
    values["creators"] = tuple(_creator(item) for item in _list(data, "creators"))
    values["sources"] = tuple(Provenance(**item) for item in _list(data, "sources"))
    values["field_sources"] = tuple(FieldSource(**item) for item in _list(data, "field_sources"))
    for name in ("date", "listing_date"):
        values[name] = PartialDate(**data[name]) if data.get(name) else None
    for name in TUPLE_FIELDS:
        values[name] = tuple(_list(data, name))
    try:
        paper = Paper(**values)
    except TypeError as error:
        raise ValueError(str(error)) from None
    if problems := list(paper_problems(paper)):
        raise ValueError("; ".join(problems))
    return paper


def _list(data: dict[str, Any], name: str) -> list[Any]:
    """A field that must be a JSON array (``"urls": "http://x"`` is refused, never read letter by letter)."""
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{name} must be a list, not {type(value).__name__}")
    return value


def _creator(item: dict[str, Any]) -> Creator:
    if not isinstance(item, dict):
        raise TypeError(f"a creator must be an object, not {type(item).__name__}")
    return Organization(item["name"]) if "name" in item else Person(item["family"], item.get("given", ""))


class JsonWriter:
    def __init__(self, context: WriteContext) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def entry(self, paper: Paper) -> str:
        return _ENCODER.encode(paper_to_json(paper))

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        write_separated(entries, out, ",\n", "[\n", "\n]\n", "[]\n")


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    """Each paper object of the text, one per line as written or re-indented (``jq .``); a broken one costs itself."""
    for line, item, text in json_items(lines):
        if isinstance(item, JsonProblem):
            yield Report(item.message, context.path, item.line, rejected=True, raw=text[:RAW_QUOTE])
        else:
            yield _paper_or_report(item, line, context, text[:RAW_QUOTE])


def _paper_or_report(data: Any, line: int, context: ReadContext, raw: str) -> Paper | Report:
    try:
        paper = paper_from_json(data)
    except (ValueError, KeyError, TypeError) as error:
        return Report(f"not a bibx paper: {error}", context.path, line, rejected=True, raw=raw)
    # A paper keeps the provenance it was exported with; one without gets this file's.
    return paper if paper.sources else replace(paper, sources=(Provenance(context.path, line, context.reader),))
