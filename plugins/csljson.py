"""CSL-JSON writers: ``csljson`` (one JSON array) and ``ndjson`` (one CSL item per line).

CSL-JSON is the format that reaches Zotero intact: ``type: "article"`` imports as a Preprint, with
``publisher`` as Repository, ``number`` as Archive ID, ``citation-key`` as Citation Key and
``note`` as Extra. Pandoc and citeproc-js read the same items.

:func:`csl_item` is the only mapping from a :class:`Paper` to a CSL item: the formatted-references
writer feeds citeproc-py exactly these dicts. What every format says besides (links, DOI, notes)
comes from :mod:`bibx_plugins.paper_facts`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from bibx import Organization, Paper, PartialDate, WriterSpec, hookimpl
from bibx.model import Creator
from bibx.specs import rendered
from bibx_plugins.paper_facts import ARXIV, item_id, paper_doi, paper_notes, primary_url

# JSON allows these raw inside strings, but line-oriented readers (Python's str.splitlines, many
# editors, JavaScript before ES2019) take them for line ends: an NDJSON line would split in two.
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def csl_item(paper: Paper) -> dict[str, Any]:
    """The CSL-JSON item for ``paper``: every known value, never a None or an empty value.

    Everything is ``type: "article"`` (a preprint): the model knows no journal or proceedings.
    The listing date and what the listing left unsaid (no authors, "et al.", an inferred year) go
    to ``note``, not to a date variable: CSL's ``available-date`` means when the work was first
    made available, which a feed's listing date is not, and Zotero drops ``available-date`` but
    keeps ``note`` as Extra.
    """
    item_key = item_id(paper)
    notes = paper_notes(paper)
    if paper.category:
        # Zotero's CSL import maps no variable to tags, so ``keyword`` alone would not arrive there.
        notes.append(f"arXiv category: {paper.category}")
    item: dict[str, Any] = {
        "id": item_key,
        "type": "article",
        "citation-key": item_key,
        "title": paper.title,
        "author": [csl_name(creator) for creator in paper.creators],
        "issued": csl_date(paper.date) if paper.date else None,
        "publisher": ARXIV if paper.arxiv_id else None,
        # Zotero's own arXiv translator stores the Archive ID in this prefixed form.
        "number": f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else None,
        "DOI": paper_doi(paper),
        # The published version as arXiv records it (--resolve).
        "container-title": paper.journal_ref,
        "URL": primary_url(paper),
        "abstract": paper.abstract,
        "keyword": paper.category,
        "note": "\n".join(notes),
    }
    return {name: value for name, value in item.items() if value}


def csl_name(creator: Creator) -> dict[str, str]:
    """A person as family/given; an organisation as one literal name that no processor splits."""
    if isinstance(creator, Organization):
        return {"literal": creator.name}
    name = {"family": creator.family, "given": creator.given}
    return {part: value for part, value in name.items() if value}


def csl_date(date: PartialDate) -> dict[str, list[list[int]]]:
    """Only the known parts: a month-only date stays ``[[2022, 3]]``, never gains an invented day."""
    return {"date-parts": [list(date.parts)]}


def encode_item(item: dict[str, Any]) -> str:
    """One item as JSON on a single line, UTF-8 text kept readable."""
    text = _ENCODER.encode(item)
    for raw, escaped in _LINE_BREAKS_JSON_KEEPS.items():
        if raw in text:
            text = text.replace(raw, escaped)
    return text


class CslJsonWriter:
    """A JSON array written one item at a time: valid JSON at the end, ``[]`` for no papers."""

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def entry(self, paper: Paper) -> str:
        return encode_item(csl_item(paper))

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        separator = "[\n"
        for entry in entries:
            out.write(separator)
            out.write(entry)
            separator = ",\n"
        out.write("[]\n" if separator == "[\n" else "\n]\n")


class NdjsonWriter:
    """One CSL item per line (newline-delimited JSON), for streaming consumers and ``jq``."""

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def entry(self, paper: Paper) -> str:
        return encode_item(csl_item(paper)) + "\n"

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        for entry in entries:
            out.write(entry)


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(
            name="csljson",
            description=(
                "CSL-JSON array (pandoc, citeproc, Zotero). The format that reaches Zotero intact: "
                "imports as Preprint with repository, arXiv id, DOI, URL, abstract and citation key"
            ),
            extensions=("csl.json", "csljson"),
            media_type="application/vnd.citationstyles.csl+json",
            factory=lambda _context: CslJsonWriter(),
            entries=True,
        )
    )
    register(
        WriterSpec(
            name="ndjson",
            description="CSL-JSON items, one per line (newline-delimited JSON)",
            extensions=("ndjson", "jsonl"),
            media_type="application/x-ndjson",
            factory=lambda _context: NdjsonWriter(),
            entries=True,
        )
    )
