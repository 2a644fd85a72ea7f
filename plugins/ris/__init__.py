"""RIS: the writer (writer.py, through rispy) and the reader (reader.py), imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import Deferred, hookimpl
from bibx.specs import ReaderSpec, WriterSpec


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
            sniff=Deferred("bibx_plugins.ris.reader:sniff"),
            extensions=("ris",),
        )
    )
