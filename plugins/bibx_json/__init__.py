"""bibx's own lossless JSON, written and read back (codec.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import hookimpl
from bibx.specs import ReaderSpec, WriterSpec
from bibx_plugins.bibx_json import codec


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    codec.register_writers(register)


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    codec.register_readers(register)
