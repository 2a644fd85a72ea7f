"""RIS: the writer (writer.py, through rispy) and the reader (reader.py), imported on first use.

``sniff`` is here, since detection asks every reader about every input: reading a listing never
imports the RIS reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, ReaderSpec, WriterSpec

RECORD_START = re.compile(r"^TY  -(?: |$)")
COUNTER_LINE = re.compile(r"^\d+\.$")  # a record number ("1.") between records, skipped


def sniff(head: Sequence[str]) -> float:
    lines = [line for line in head if line.strip() and not COUNTER_LINE.match(line.strip())]
    if not lines or not any(RECORD_START.match(line) for line in lines):
        return 0.0
    return 0.95 if RECORD_START.match(lines[0]) else 0.6


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(
            name="ris",
            description=(
                "RIS (Zotero, EndNote, Mendeley). Zotero imports every record as Journal Article "
                "(RIS has no preprint type); use csljson to get Zotero's Preprint type"
            ),
            extensions=("ris",),
            media_type="application/x-research-info-systems",
            factory=Deferred("bibx_plugins.ris.writer:RisWriter"),
            entries=True,
        )
    )


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(
        ReaderSpec(
            name="ris",
            description="RIS (Zotero, EndNote, Mendeley): TY…ER records; names without a comma as organisations",
            read=Deferred("bibx_plugins.ris.reader:read"),
            sniff=sniff,
            extensions=("ris",),
        )
    )
