"""Every bibx extension point. These docstrings are the plugin author's reference.

A plugin is a module or object with functions named like the specifications below, decorated with
``@bibx.hookimpl``, and listed in its distribution's entry points under the group ``bibx``::

    [project.entry-points.bibx]
    myformat = "my_package.my_module"

bibx's own formats are registered exactly this way. Hooks run once at start-up; reading and writing
papers are plain calls on the objects registered here. Parameters are never removed or renamed; new
ones are added at the end. An implementation names only the parameters it uses (pluggy passes
those); a registration hook that leaves out ``register`` is still called but can register nothing.

Whatever a plugin raises while it is imported or registers (``sys.exit()`` and ``KeyboardInterrupt``
included), it is named on stderr and skipped, and the other plugins are unaffected. Its ``print()``
output goes to stderr, never into an exported file. ``register`` accepts only a spec of the hook's
type (a :class:`TypeError` otherwise, which fails the plugin); a plugin whose second registration
hook fails keeps nothing from its first. A third-party plugin's import and registration must
take less than ``BIBX_PLUGIN_TIMEOUT`` seconds (default 10), or the plugin is skipped.
``BIBX_TRACE_PLUGINS=1`` traces every hook call on stderr.

Every ``bibx`` command registers every plugin, ``bibx --help`` included, so a plugin's import and
registration are paid at each start. A spec's functions may therefore be :class:`bibx.specs.Deferred`: named
``"module:attribute"`` and imported on their first call, so that a command that never reads or
writes the format never imports the module that does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

from bibx.specs import ReaderSpec, ResolverSpec, WriterSpec

if TYPE_CHECKING:
    import click

hookspec = pluggy.HookspecMarker("bibx")
hookimpl = pluggy.HookimplMarker("bibx")


@hookspec
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    """Register the input formats this plugin reads.

    Called once when the plugin host starts, before any file is read.

    :param register: call it once per input format with a :class:`bibx.specs.ReaderSpec`. The
        spec's ``sniff`` claims a text for automatic format detection; its ``read`` streams the
        text's papers (and a :class:`bibx.model.Report` for each record it rejects). A reader whose
        records can be interpreted one by one also gives ``records`` and ``interpret``: then
        ``bibx export --jobs N`` reads its inputs on several cores (see the spec's docstring).
    :return: nothing; the return value is ignored.

    If this hook raises, bibx names the plugin and the error on stderr and goes on without that
    plugin's readers; the other plugins are unaffected. A name already taken by another plugin is
    reported with both plugins named and stays reachable as ``plugin:name``.
    """


@hookspec
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    """Register the output formats this plugin writes.

    Called once when the plugin host starts, before any paper is read.

    :param register: call it once per output format with a :class:`bibx.specs.WriterSpec` naming
        the format, its file extensions, its media type, its options and a factory for the writer.
        ``entries=True`` declares a writer whose output is one entry per paper rendered from that
        paper alone (:class:`bibx.specs.EntryWriter`): ``bibx export --jobs N`` then renders the
        entries on several cores, with the same bytes as one process.
    :return: nothing; the return value is ignored.

    If this hook raises, bibx names the plugin and the error on stderr and goes on without that
    plugin's writers. Name clashes are handled as for :func:`bibx_register_readers`.
    """


@hookspec
def bibx_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``bibx`` command line.

    Called once when the command line is built, before arguments are parsed.

    :param cli: the top-level ``click.Group``; call ``cli.add_command(...)``. A command should parse
        its options and delegate to a library function, writing data to stdout and messages to
        stderr.
    :return: nothing; the return value is ignored.

    If this hook raises, bibx names the plugin and the error on stderr; ``bibx --help``,
    ``--version`` and every other command keep working.
    """


@hookspec
def bibx_register_resolvers(register: Callable[[ResolverSpec], None]) -> None:
    """Register the bibliographic services this plugin looks papers up in (``bibx export --resolve``).

    Called once when the plugin host starts, before any paper is read; the resolver itself is only
    built (``spec.factory``) when an export asks for ``--resolve`` and the cache cannot answer.
    bibx's own arXiv resolver is registered through this hook; with several, each paper goes to
    them in registration order until one resolves it.

    :param register: call it once per service with a :class:`bibx.specs.ResolverSpec` naming the
        service, its batch size and a factory for a :class:`bibx.specs.Resolver`, whose
        ``find(lookups)`` returns every :class:`bibx.specs.Candidate` the service offers for a batch
        of titles and ids. bibx does the matching (normalised titles equal, family names agreeing,
        the date that fits), the caching and the progress display; a resolver only fetches.
    :return: nothing; the return value is ignored.

    If this hook raises, bibx names the plugin and the error on stderr and goes on without that
    plugin's resolvers. If ``find`` raises :class:`bibx.specs.ResolverError` (or anything else),
    the papers of that batch are written unresolved with one warning each, and the export goes on.
    Name clashes are handled as for :func:`bibx_register_readers`.
    """
