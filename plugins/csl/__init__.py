"""CSL-JSON: the csljson and ndjson writers (writer.py) and the CSL-JSON reader (reader.py), imported on first use.

``sniff`` is here, since detection asks every reader about every input: reading a listing never
imports the CSL-JSON reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, ReaderSpec, WriterSpec

_BIBX_JSON_MARKERS = ('"authors_truncated"', '"creators"')


def sniff(head: Sequence[str]) -> float:
    text = "\n".join(head).lstrip()
    if not text.startswith(("[", "{")) or any(marker in text for marker in _BIBX_JSON_MARKERS):
        return 0.0
    # Above bibx's own JSON reader, which claims any JSON array with a "title".
    return 0.95 if '"type"' in text and ('"id"' in text or '"citation-key"' in text) else 0.0


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
            factory=Deferred("bibx_plugins.csl.writer:CslJsonWriter"),
            entries=True,
        )
    )
    register(
        WriterSpec(
            name="ndjson",
            description="CSL-JSON items, one per line (newline-delimited JSON)",
            extensions=("ndjson", "jsonl"),
            media_type="application/x-ndjson",
            factory=Deferred("bibx_plugins.csl.writer:NdjsonWriter"),
            entries=True,
        )
    )


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(
        ReaderSpec(
            name="csljson",
            description="CSL-JSON: an array of items (Zotero, pandoc, citeproc) or one item per line (NDJSON)",
            read=Deferred("bibx_plugins.csl.reader:read"),
            sniff=sniff,
            extensions=("csl.json", "csljson", "ndjson", "jsonl"),
        )
    )
