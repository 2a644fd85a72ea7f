"""RIS: the writer (writer.py, through rispy) and the reader (reader.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import hookimpl
from bibx.specs import ReaderSpec, WriterSpec
from bibx_plugins.ris import reader, writer


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    writer.register_writers(register)


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    reader.register_readers(register)
