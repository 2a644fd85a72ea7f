"""CSL-JSON writers: ``csljson`` (one JSON array) and ``ndjson`` (one CSL item per line).

CSL-JSON is the format that reaches Zotero intact: ``type: "article"`` imports as a Preprint, with
``publisher`` as Repository, ``number`` as Archive ID, ``citation-key`` as Citation Key and
``note`` as Extra. Pandoc and citeproc-js read the same items.

The items come from :func:`bibx.csl_items.csl_item`, the one mapping from a :class:`Paper` to a
CSL item, which the formatted-references writer feeds citeproc-py too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from bibx import Paper
from bibx.csl_items import csl_item
from bibx.specs import WriteContext, rendered, write_separated

# JSON allows these raw inside strings, but line-oriented readers (Python's str.splitlines, many
# editors, JavaScript before ES2019) take them for line ends: an NDJSON line would split in two.
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def encode_item(item: dict[str, Any]) -> str:
    """One item as JSON on a single line, UTF-8 text kept readable."""
    text = _ENCODER.encode(item)
    for raw, escaped in _LINE_BREAKS_JSON_KEEPS.items():
        if raw in text:
            text = text.replace(raw, escaped)
    return text


class CslJsonWriter:
    """A JSON array written one item at a time: valid JSON at the end, ``[]`` for no papers."""

    def __init__(self, _context: WriteContext | None = None) -> None:
        """A writer factory (``WriterSpec.factory``) with nothing to take from the context: CSL-JSON has no options."""

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def entry(self, paper: Paper) -> str:
        return encode_item(csl_item(paper))

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        write_separated(entries, out, ",\n", "[\n", "\n]\n", "[]\n")


class NdjsonWriter(CslJsonWriter):
    """One CSL item per line (newline-delimited JSON), for streaming consumers and ``jq``: the same items, laid out otherwise."""

    def entry(self, paper: Paper) -> str:
        return encode_item(csl_item(paper)) + "\n"

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        for entry in entries:
            out.write(entry)
