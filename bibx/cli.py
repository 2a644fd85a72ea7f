"""The ``bibx`` command line: each command parses its options and calls one library function.

Data goes to stdout or ``-o FILE``; reports, warnings and the summary go to stderr. Exit codes:
0 success, 1 a data problem was reported (rejected records, unreadable input, an ``-o`` file not
replaced, a full disk, or anything at all with ``--strict``), 2 usage error, 3 a plugin failed while
writing, 128 + N ended by signal N (130 for Ctrl-C, 143 SIGTERM, 129 SIGHUP), 141 stdout was closed early.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata

import click

from bibx.citekeys import DEFAULT_PATTERN, KeyPatternError, compile_pattern
from bibx.inspection import describe_formats, describe_plugins, inspect_inputs
from bibx.model import Report
from bibx.output import OutputProblem
from bibx.pipeline import ExportRequest, NotReplaced, ReadRequest, UsageProblem, WriterFailed, export
from bibx.plugins import OWN_DISTRIBUTION, PluginHost, load_host
from bibx.sources import InputError
from bibx.specs import WriterOptionError

EXIT_DATA, EXIT_PLUGIN = 1, 3  # usage errors exit with click's 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE
PROGRESS_AFTER_SECONDS = 2.0


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like Ctrl-C's KeyboardInterrupt so that every clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def termination_raises() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind the export (temporary files removed, the old file kept) instead of killing it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (an in-process test runner)
        return

    def terminate(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    signals = [number for number in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if number is not None]
    previous = {number: signal.signal(number, terminate) for number in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class DataProblem(click.ClickException):
    exit_code = EXIT_DATA


class PluginProblem(click.ClickException):
    exit_code = EXIT_PLUGIN


def warn(message: str) -> None:
    click.echo(f"bibx: warning: {message}", err=True)


def emit_report(report: Report) -> None:
    click.echo(f"bibx: {report}", err=True)


def _host(ctx: click.Context) -> PluginHost:
    """The run's plugin host, loaded once per invocation (and only by commands that need it)."""
    root = ctx.find_root()
    if "host" not in root.meta:
        inline = (root.obj or {}).get("plugins", ())  # plugins registered in-process (bibx.testing.run_cli)
        root.meta["host"] = load_host(root.params.get("disable_plugin") or (), warn=warn, extra_plugins=inline)
    return root.meta["host"]


class PluginAwareGroup(click.Group):
    """Adds plugin commands on demand, so --help and --version work even with a broken plugin."""

    def _with_plugin_commands(self, ctx: click.Context) -> None:
        if not ctx.meta.get("plugin_commands"):
            ctx.meta["plugin_commands"] = True
            _host(ctx).add_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._with_plugin_commands(ctx)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or (self._with_plugin_commands(ctx) or super().get_command(ctx, name))


def progress_display() -> Callable[[int], None] | None:
    """A running count on a terminal's stderr once an export takes more than a moment; None elsewhere."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def show(written: int) -> None:
        if time.monotonic() - started > PROGRESS_AFTER_SECONDS:
            click.echo(f"\rbibx: {written:,} papers…", err=True, nl=False)

    return show


def resolve_progress_display() -> Callable[[int], None] | None:
    """A count of the papers looked up so far, on a terminal's stderr; None elsewhere."""
    if not sys.stderr.isatty():
        return None
    return lambda done: click.echo(f"\rbibx: resolving: {done:,} papers looked up…", err=True, nl=False)


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _key_pattern(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        compile_pattern(value)
    except KeyPatternError as error:
        raise click.BadParameter(str(error)) from None
    return value


def _writer_options(pairs: tuple[str, ...], **named: str | None) -> dict[str, str]:
    options = {name.replace("_", "-"): value for name, value in named.items() if value is not None}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-O/--option")
        options[name] = value
    return options


@click.group(cls=PluginAwareGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(metadata.version(OWN_DISTRIBUTION), prog_name="bibx")
@click.option("--disable-plugin", multiple=True, metavar="NAME", help="Do not load this plugin (repeatable; also BIBX_DISABLE_PLUGINS=a,b).")
def main(disable_plugin: tuple[str, ...]) -> None:
    """Turn copied paper listings into bibliographies (BibTeX, BibLaTeX, CSL-JSON, RIS, formatted references)."""


@main.command("export")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-f", "--format", "format_name", metavar="NAME", help="Output format (see `bibx formats`); default: from the -o extension.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of stdout.")
@click.option("--from", "reader", metavar="NAME", help="Input format; default: detected per file.")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Reference date for dates printed without a year (default: today).")
@click.option("--no-merge", is_flag=True, help="Keep papers that appear in several inputs apart.")
@click.option("--key-pattern", default=DEFAULT_PATTERN, show_default=True, callback=_key_pattern, help="Citation-key pattern; fields: {auth} {Auth} {authors} {year} {title} {shorttitle} {arxiv}.")
@click.option("--style", help="CSL style name or .csl path (formats that format references).")
@click.option("--locale", help="Locale such as en-US or de-DE (formats that format references).")
@click.option("-O", "--option", "pairs", multiple=True, metavar="KEY=VALUE", help="A writer option (see `bibx formats`).")
@click.option("--strict", is_flag=True, help="Treat every warning as an error and then write nothing.")
@click.option("--force", is_flag=True, help="Replace the -o file even if an input could not be read, or if it is an input bibx cannot keep verbatim.")
@click.option(
    "--update",
    "update_fields",
    metavar="FIELD,...",
    callback=lambda _ctx, _param, value: tuple(name.strip() for name in (value or "").split(",") if name.strip()),
    help="Merging into the -o .bib: set these fields (e.g. doi,url) of its entries from the matching papers; nothing else changes.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
@click.option("--resolve", is_flag=True, help="Complete papers from arXiv (id, all authors, date, DOI, journal-ref); cached. See README.")
@click.option("--offline", is_flag=True, help="With --resolve: answer from the cache only, no network request.")
@click.pass_context
def export_command(
    ctx: click.Context,
    files: tuple[str, ...],
    format_name: str | None,
    output: str | None,
    reader: str | None,
    as_of: dt.date,
    no_merge: bool,
    key_pattern: str,
    style: str | None,
    locale: str | None,
    pairs: tuple[str, ...],
    strict: bool,
    force: bool,
    update_fields: tuple[str, ...],
    quiet: bool,
    resolve: bool,
    offline: bool,
) -> None:
    """Read FILES (or stdin, or `-`) and write one bibliography.

    \b
    Examples:
      bibx export seeds/*.txt --format bibtex -o refs.bib
      bibx export seeds/*.txt --format refs --style apa
      bibx export listing.txt -o library.csl.json   # CSL-JSON: what Zotero imports intact
      bibx export refs.bib dump.txt -o refs.bib     # refs.bib kept byte for byte, new papers appended

    An -o file is replaced only when every input was read (--force overrides), by a rename, so
    an error or an interrupt leaves the old file as it was.

    BibTeX marks a truncated author list with "and others": LaTeX prints "et al.", but Zotero
    imports a creator named "others". Import CSL-JSON into Zotero instead.
    """
    if offline and not resolve:
        raise click.UsageError("--offline only applies with --resolve")
    resolving = None
    if resolve:
        from bibx.resolve import ResolveOptions  # only --resolve pays for the resolve stage

        resolving = ResolveOptions(offline=offline, progress=None if quiet else resolve_progress_display())
    request = ExportRequest(
        read=ReadRequest(files or ("-",), reader, as_of, not no_merge, key_pattern, resolve=resolving),
        writer=format_name,
        output=output,
        options=_writer_options(pairs, style=style, locale=locale),
        strict=strict,
        force=force,
        update_fields=update_fields,
    )
    try:
        with termination_raises():
            summary = export(request, _host(ctx), emit_report, None if quiet else progress_display())
    except (UsageProblem, WriterOptionError) as error:
        raise click.UsageError(str(error)) from None
    except (InputError, NotReplaced, OutputProblem) as error:
        raise DataProblem(str(error)) from None
    except WriterFailed as error:
        raise PluginProblem(str(error)) from None
    except (KeyboardInterrupt, Terminated) as interrupt:
        signum = interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT
        kept = f"; {output} left as it was" if output else ""
        click.echo(f"\nbibx: interrupted by {signal.Signals(signum).name}{kept}", err=True)
        sys.exit(128 + signum)
    except BrokenPipeError:
        # The reader of stdout has gone (`| head`): stop quietly, as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    if sys.stderr.isatty() and not quiet:
        click.echo("\r", err=True, nl=False)
    click.echo(f"bibx: {summary}", err=True)
    if strict and (summary.warnings or not summary.clean):
        raise DataProblem("--strict: problems were reported, nothing was written")
    if not summary.clean:
        sys.exit(EXIT_DATA)


@main.command("formats")
@click.pass_context
def formats_command(ctx: click.Context) -> None:
    """List the input and output formats with the plugin that provides each."""
    click.echo(describe_formats(_host(ctx)))


@main.command("plugins")
@click.option("--requirements", is_flag=True, help="Print dist==version lines for the installed plugins.")
@click.pass_context
def plugins_command(ctx: click.Context, requirements: bool) -> None:
    """List every plugin: package, version, hooks, and any that failed to load."""
    click.echo(describe_plugins(_host(ctx), requirements))


@main.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--from", "reader", metavar="NAME", help="Input format; default: detected per file.")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Reference date for dates without a year.")
@click.option("--papers", is_flag=True, help="List every paper read: title | authors | date | warnings.")
@click.pass_context
def inspect_command(ctx: click.Context, files: tuple[str, ...], reader: str | None, as_of: dt.date, papers: bool) -> None:
    """Say what bibx reads in FILES: detected format, papers, rejected records and warnings per file."""
    try:
        text, clean = inspect_inputs(files, reader, as_of, _host(ctx), papers)
    except UsageProblem as error:
        raise click.UsageError(str(error)) from None
    click.echo(text)
    if not clean:
        sys.exit(EXIT_DATA)


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.pass_context
def serve_command(ctx: click.Context, port: int, open_browser: bool) -> None:
    """A local web page: paste or drop a copied page, see every paper, download the bibliography.

    Listens on 127.0.0.1 only; Ctrl-C stops it. See README, "The web page".
    """
    from bibx.server import serve  # only `bibx serve` pays for the HTTP server

    try:
        serve(_host(ctx), port, open_browser, lambda message: click.echo(message, err=True))
    except OSError as error:
        raise click.UsageError(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}") from None
