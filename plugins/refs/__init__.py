"""Formatted reference lists in any CSL style (writer.py) and the ``bibx styles`` command.

* writer.py: the ``refs`` writer: options, bibliography order, reports; the ``styles`` command.
* output_formats.py: text, HTML and Markdown: escaping, formatting markup, the entry's layout.
* workers.py: rendering chunks of items in worker processes (``-O jobs=N``).
* engine.py: one style in one locale rendering CSL-JSON items (:mod:`bibx.csl_items`) with citeproc-py.
* citeproc_overrides/: every place bibx replaces citeproc-py's behaviour (pinned ``==0.11.1``) so
  that it renders as citeproc-js does, each with the citeproc-py method it replaces and why (the
  package docstring lists them).
* text.py, text_case.py, sorting.py: citeproc-js's rules in plain Python, no citeproc-py: how it reads
  values (quotes, markup, names) and punctuates, its text-case engine, its sort order and year suffixes.
* styles.py: finding styles and locales by name.
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
