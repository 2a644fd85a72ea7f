"""JSON read item by item: the top-level objects of an array or of NDJSON, each with its first line.

Shared by the JSON-based readers (CSL-JSON, bibx's own JSON). One object per line (bibx's writers,
``jq -c``, NDJSON) and pretty-printed arrays (``jq .``, Zotero, pandoc) are both read lazily, one
item in memory at a time, and each item is parsed on its own: a broken item is a
:class:`JsonProblem` at its line and the items after it are still read. ``NaN`` and ``Infinity``,
which Python's parser accepts but JSON does not, make an item invalid; so do numbers of thousands
of digits, nesting deeper than the interpreter's recursion limit, and items larger than
:data:`MAX_ITEM_CHARS`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_JSON_TOKEN = re.compile(r'\\.|["{}\[\]]')
# No bibliographic record comes near this; a larger item is refused without being held whole.
MAX_ITEM_CHARS = 1_000_000


@dataclass(frozen=True)
class JsonProblem:
    """An item that is not valid JSON, with the line the problem is on."""

    message: str
    line: int


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def loads(text: str) -> Any:
    """Strict :func:`json.loads`: ``NaN``/``Infinity`` rejected; every failure a ValueError or RecursionError."""
    return json.loads(text, parse_constant=_no_constant)


def _problem(error: Exception, start: int) -> JsonProblem:
    if isinstance(error, json.JSONDecodeError):
        return JsonProblem(f"invalid JSON: {error.msg}", start + error.lineno - 1)
    if isinstance(error, RecursionError):
        return JsonProblem("invalid JSON: nested too deeply", start)
    text = " ".join(str(error).split())
    if "integer string conversion" in text:
        text = "a number has thousands of digits"
    return JsonProblem(f"invalid JSON: {text[:200]}", start)


class _ItemScanner:
    """Finds the top-level items of a JSON array or of concatenated objects, line by line.

    Only brackets and string quotes are followed, which is enough to know where an item ends; the
    item's text is then parsed by :func:`loads`. JSON strings cannot span lines, so an
    unterminated string is given up at the end of its line and cannot swallow the items after it;
    and a line that is a whole item by itself ends an item left open before it (a corrupt line in
    a one-item-per-line file costs that line only).
    """

    def __init__(self) -> None:
        self.item_depth: int | None = None  # 1 inside an outer array, 0 for NDJSON; None before the first bracket
        self.depth = 0
        self.in_string = False
        self.start: int | None = None  # line where the current item starts
        self.column = 0
        self.parts: list[str] = []
        self.size = 0
        self.one_per_line = False  # an item has been found whole on its own line

    def feed(self, number: int, line: str) -> Iterator[tuple[int, Any, str]]:
        stripped = line.strip().rstrip(",")
        at_top = self.start is None and self.depth == (self.item_depth or 0)
        # In a file of one item per line, a line that is a whole item ends an item left open before it.
        if stripped.startswith("{") and (at_top or self.one_per_line) and (item := self._whole_item(stripped)) is not None:
            if self.start is not None:
                yield self._abandon("the item is not closed before the next item starts")
            self.item_depth = self.item_depth or 0
            self.depth, self.one_per_line = self.item_depth, True
            yield number, item, stripped
            return
        yield from self._scan(number, line)
        if self.start is not None:
            self._keep(line[self.column :])
            self.column = 0
        self.in_string = False

    def _whole_item(self, stripped: str) -> Any:
        """The line's object if the line is one complete object (the fast path), else None."""
        if not stripped.endswith("}"):
            return None
        try:
            item = loads(stripped)
        except (ValueError, RecursionError):
            return None
        return item if isinstance(item, dict) else None

    def _keep(self, part: str) -> None:
        if self.size <= MAX_ITEM_CHARS:
            self.parts.append(part)
        self.size += len(part) + 1

    def _abandon(self, message: str) -> tuple[int, Any, str]:
        start, text = self.start or 0, "\n".join(self.parts)
        self.start, self.parts, self.size = None, [], 0
        return start, JsonProblem(message, start), text

    def finish(self) -> Iterator[tuple[int, Any, str]]:
        if self.start is not None:
            yield self._abandon("the input ends inside this item")

    def _scan(self, number: int, line: str) -> Iterator[tuple[int, Any, str]]:
        outside_from = 0  # where the text outside any item began on this line (checked when it ends)
        for match in _JSON_TOKEN.finditer(line):
            token = match.group()
            if self.in_string:
                self.in_string = token != '"'  # an escape such as \" is one token and keeps the string open
            elif token == '"':
                self.in_string = True  # outside an item, a string is a scalar: the gap check reports it
            elif token in "{[":
                if self._outside():
                    yield from self._stray(number, line[outside_from : match.start()])
                if self.item_depth is None:
                    self.item_depth = 1 if token == "[" else 0
                    if token == "[":
                        self.depth, outside_from = 1, match.end()
                        continue
                if self.depth == self.item_depth:
                    self.start, self.column, self.parts, self.size = number, match.start(), [], 0
                self.depth += 1
            elif token in "}]":
                if self._outside():
                    yield from self._stray(number, line[outside_from : match.start()])
                self.depth -= 1
                if self.start is not None and self.depth == self.item_depth:
                    yield self._complete(line[self.column : match.end()])
                elif self.depth <= 0:
                    self.depth, self.item_depth = 0, None  # an array closed; another may follow
                outside_from = match.end()
        if self._outside():
            yield from self._stray(number, line[outside_from:])

    def _outside(self) -> bool:
        """Between items (or before the first): where only commas and white space belong."""
        return self.start is None and not self.in_string and self.depth == (self.item_depth or 0)

    def _stray(self, number: int, text: str) -> Iterator[tuple[int, Any, str]]:
        """A report for text between items that is not a separator: page chrome, or a scalar in the array."""
        if text.strip(" \t,"):
            yield number, JsonProblem(f"text outside any JSON item: {' '.join(text.split())[:60]!r}", number), text

    def _complete(self, last_part: str) -> tuple[int, Any, str]:
        start = self.start or 0
        self._keep(last_part)
        if self.size > MAX_ITEM_CHARS:
            return self._abandon(f"the item is longer than {MAX_ITEM_CHARS:,} characters")
        text = "\n".join(self.parts)
        self.start, self.parts, self.size = None, [], 0
        try:
            return start, loads(text), text
        except (ValueError, RecursionError) as error:
            return start, _problem(error, start), text


def json_items(lines: Iterable[str]) -> Iterator[tuple[int, Any, str]]:
    """(first line, parsed item or :class:`JsonProblem`, item text) for each top-level item of the text."""
    scanner = _ItemScanner()
    for number, line in enumerate(lines, start=1):
        yield from scanner.feed(number, line)
    yield from scanner.finish()
