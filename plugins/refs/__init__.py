"""Formatted reference lists in any CSL style (writer.py) and the ``bibx styles`` command.

The writer renders through citeproc-py with bibx's engine (engine.py), whose style elements
(element_base.py, elements.py, names.py, join.py, render_state.py, disambiguation.py) render as
citeproc-js does; text.py holds citeproc-js's typographic rules, styles.py finds styles and locales.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from bibx.hookspecs import hookimpl
from bibx.specs import WriterSpec
from bibx_plugins.refs import writer


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    writer.register_writers(register)


@hookimpl
def bibx_register_commands(cli: click.Group) -> None:
    writer.register_commands(cli)
