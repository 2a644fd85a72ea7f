"""Formatted reference lists in any CSL style (writer.py) and the ``bibx styles`` command.

* writer.py: the ``refs`` writer: options, bibliography order, reports.
* output_formats.py: text, HTML and Markdown: escaping, formatting markup, the entry's layout.
* workers.py: rendering chunks of items in worker processes (``-O jobs=N``).
* engine.py: one style in one locale rendering CSL-JSON items (:mod:`bibx.csl_items`) with citeproc-py.
* citeproc_overrides/: every place bibx replaces citeproc-py's behaviour (pinned ``==0.11.1``) so
  that it renders as citeproc-js does, each with the citeproc-py method it replaces and why (the
  package docstring lists them).
* text.py, text_case.py, sorting.py: citeproc-js's rules in plain Python, no citeproc-py: how it reads
  values (quotes, markup, names) and punctuates, its text-case engine, its sort order and year suffixes.
* styles.py: finding styles and locales by name.

The writer is declared here, with the ``styles`` command, and writer.py imported only when a refs
writer is built (:class:`bibx.specs.Deferred`).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, WriterSpec


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(
            name="refs",
            description="Formatted reference list in any CSL style (citeproc-py, matching citeproc-js): text, HTML or Markdown",
            extensions=("txt", "html"),
            media_type="text/plain",
            factory=Deferred("bibx_plugins.refs.writer:RefsWriter"),
            options={
                # The defaults named here are writer.py's DEFAULT_STYLE and PARALLEL_MIN_PAPERS (tests/test_startup.py).
                "style": "CSL style: a name from `bibx styles` (apa, ieee, chicago-author-date, nature, vancouver, ...) or a .csl file; default apa",
                "locale": "CSL locale such as en-US or de-DE; default: the style's own, else en-US",
                "output-format": "text, html or markdown; default text",
                "jobs": "processes that render lists of 300+ papers; default: one per core (1: render in bibx's own process)",
            },
        )
    )


@click.command("styles")
@click.argument("search", nargs=-1)
def styles_command(search: tuple[str, ...]) -> None:
    """List the CSL styles that --style accepts, with their titles.

    SEARCH filters names and titles; every word must match (bibx styles chicago author).
    A path to any .csl file works too.
    """
    from bibx_plugins.refs.styles import list_styles

    entries = list_styles(" ".join(search))
    if not entries:
        raise click.ClickException(f"no style matches {' '.join(search)!r}")
    width = max(len(entry.name) for entry in entries)
    for entry in entries:
        alias = f"  (renamed: bibx uses {entry.parent})" if entry.parent else ""
        click.echo(f"{entry.name.ljust(width)}  {entry.title}{alias}")
    click.echo(f"bibx: {len(entries)} styles", err=True)


@hookimpl
def bibx_register_commands(cli: click.Group) -> None:
    cli.add_command(styles_command)
