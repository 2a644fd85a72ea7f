"""bibx-plugin-example: a CSV reader and a Markdown reading-list writer.

bibx finds this module through the entry point in pyproject.toml and calls the two hook
implementations below once at start-up; reading and writing papers are then plain calls on the
objects they register.
"""

from __future__ import annotations

from collections.abc import Callable

from bibx import ReaderSpec, WriterSpec, hookimpl
from bibx_plugin_example import csv_reader, markdown_writer


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(csv_reader.SPEC)


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(markdown_writer.SPEC)
