"""bibx's own lossless JSON, written and read back (codec.py, imported on first use).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import Deferred, hookimpl
from bibx.specs import ReaderSpec, WriterSpec


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(
            name="json",
            description="bibx's lossless JSON: every field, for archiving and for --from json",
            extensions=("json",),
            media_type="application/json",
            factory=Deferred("bibx_plugins.bibx_json.codec:JsonWriter"),
            entries=True,
        )
    )


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(
        ReaderSpec(
            name="json",
            description="bibx's lossless JSON (as written by --format json)",
            read=Deferred("bibx_plugins.bibx_json.codec:read"),
            sniff=Deferred("bibx_plugins.bibx_json.codec:sniff"),
            extensions=("json",),
        )
    )
