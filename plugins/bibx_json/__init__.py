"""bibx's own lossless JSON, written and read back (codec.py, imported on first use).

``sniff`` is here, since detection asks every reader about every input: reading a listing never
imports the codec.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, ReaderSpec, WriterSpec


def sniff(head: Sequence[str]) -> float:
    text = "".join(head).lstrip()
    return 0.9 if text.startswith(("[", "{")) and '"title"' in text else 0.0


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
            sniff=sniff,
            extensions=("json",),
        )
    )
