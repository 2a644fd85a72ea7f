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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from bibx.citekeys import DEFAULT_PATTERN, KeyPatternError, compile_pattern
from bibx.format_names import OUTPUT_FORMAT_BY_EXTENSION, format_names
from bibx.plugins import OWN_DISTRIBUTION, PluginHost, load_host

# The stages are imported by the commands that run them, so `bibx --help` never pays for them.
if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from bibx.model import Report
    from bibx.resolve import ResolveOptions
    from bibx.selection import Selection

EXIT_DATA, EXIT_PLUGIN = 1, 3  # usage errors exit with click's 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE
OUTPUT_MARKUPS = tuple(dict.fromkeys(OUTPUT_FORMAT_BY_EXTENSION.values()))  # text, html, markdown


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
    host: PluginHost = root.meta["host"]
    return host


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
        command = super().get_command(ctx, name)
        if command is None:
            self._with_plugin_commands(ctx)
            command = super().get_command(ctx, name)
        return command


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


def _selection(texts: tuple[str, ...], keys: tuple[str, ...]) -> Selection:
    from bibx.selection import Selection, SelectionError

    try:
        return Selection(texts, keys)
    except SelectionError as error:
        raise click.BadParameter(str(error), param_hint="--select") from None


def _complete(names: Callable[[click.Context], list[str]]) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A shell-completion callback offering the names that start with what was typed (case ignored)."""

    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(name) for name in names(ctx) if name.lower().startswith(incomplete.lower())]

    return complete


def _style_names(_ctx: click.Context) -> list[str]:
    from bibx_plugins.refs.styles import style_names  # the built-in refs writer's styles

    names: list[str] = style_names()
    return names


def _locale_names(_ctx: click.Context) -> list[str]:
    from bibx_plugins.refs.styles import locale_names

    names: list[str] = locale_names()
    return names


_complete_writers = _complete(lambda ctx: format_names(_host(ctx), "output"))
_complete_readers = _complete(lambda ctx: format_names(_host(ctx), "input"))
_complete_styles = _complete(_style_names)
_complete_locales = _complete(_locale_names)


def _writer_options(pairs: tuple[str, ...], **named: str | None) -> dict[str, str]:
    options = {name.replace("_", "-"): value for name, value in named.items() if value is not None}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-O/--option")
        options[name] = value
    return options


@click.group(cls=PluginAwareGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=OWN_DISTRIBUTION, prog_name="bibx")  # the version is looked up only for --version
@click.option("--disable-plugin", multiple=True, metavar="NAME", help="Do not load this plugin (repeatable; also BIBX_DISABLE_PLUGINS=a,b).")
def main(disable_plugin: tuple[str, ...]) -> None:
    """Turn copied paper listings into bibliographies (BibTeX, BibLaTeX, CSL-JSON, RIS, formatted references)."""


@main.command("export")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "-t", "--to", "--format", "format_name", metavar="NAME", shell_complete=_complete_writers,
    help="Output format (see `bibx formats`; case ignored); default: from the -o extension, else bibtex.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of stdout.")
@click.option("-f", "--from", "reader", metavar="NAME", shell_complete=_complete_readers, help="Input format; default: detected per file.")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Reference date for dates printed without a year (default: today).")
@click.option("--no-merge", is_flag=True, help="Keep papers that appear in several inputs apart.")
@click.option(
    "--select", "select_texts", multiple=True, metavar="TEXT",
    help="Only papers whose title, author or key contains TEXT (case ignored); /REGEX/ for a regular expression. Repeatable.",
)
@click.option(
    "--key", "select_keys", multiple=True, metavar="KEY",
    help="Only the paper with this citation key (repeatable; combines with --select: any match is kept).",
)
@click.option(
    "--key-pattern", default=DEFAULT_PATTERN, show_default=True, callback=_key_pattern,
    help="Citation-key pattern; fields: {auth} {Auth} {authors} {year} {title} {shorttitle} {arxiv}.",
)
@click.option("--style", shell_complete=_complete_styles, help="--to refs: CSL style name (see `bibx styles`) or .csl path; default apa.")
@click.option("--locale", shell_complete=_complete_locales, help="--to refs: locale such as en-US or de-DE; default: the style's.")
@click.option(
    "--output-format", type=click.Choice(OUTPUT_MARKUPS, case_sensitive=False),
    help="--to refs: text, html or markdown; default: from the -o extension (.html, .md), else text.",
)
@click.option("-O", "--option", "pairs", multiple=True, metavar="KEY=VALUE", help="A writer option, e.g. a plugin's (see `bibx formats`).")
@click.option("--strict", is_flag=True, help="Treat every warning as an error and then write nothing.")
@click.option("--force", is_flag=True, help="Replace the -o file even if an input could not be read, or if it is an input bibx cannot keep verbatim.")
@click.option("--dry-run", is_flag=True, help="Read and format everything, write nothing: print the summary and what would be written or replaced.")
@click.option(
    "--update",
    "update_fields",
    metavar="FIELD,...",
    callback=lambda _ctx, _param, value: tuple(name.strip() for name in (value or "").split(",") if name.strip()),
    help="Merging into the -o .bib: set these fields (e.g. doi,url) of its entries from the matching papers; nothing else changes.",
)
@click.option(
    "--no-provenance", is_flag=True,
    help="Leave out the listing facts (listing date, affiliations, no-authors and inferred-year marks) that outputs keep in unprinted fields.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
@click.option("--resolve", is_flag=True, help="Complete papers from arXiv (id, all authors, date, DOI, journal-ref); cached. See README.")
@click.option("--offline", is_flag=True, help="With --resolve: answer from the cache only, no network request.")
@click.option(
    "--jobs", type=click.IntRange(min=1), metavar="N",
    help="Processes to write with (default and at most: the usable cores; large inputs only); 1: one process.",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    files: tuple[str, ...],
    format_name: str | None,
    output: str | None,
    reader: str | None,
    as_of: dt.date,
    no_merge: bool,
    select_texts: tuple[str, ...],
    select_keys: tuple[str, ...],
    key_pattern: str,
    style: str | None,
    locale: str | None,
    output_format: str | None,
    pairs: tuple[str, ...],
    strict: bool,
    force: bool,
    dry_run: bool,
    update_fields: tuple[str, ...],
    no_provenance: bool,
    quiet: bool,
    resolve: bool,
    offline: bool,
    jobs: int | None,
) -> None:
    """Read FILES (or stdin, or `-`) and write one bibliography.

    \b
    Examples:
      bibx export seeds/*.txt -o refs.bib
      bibx export dump.txt --from compact            # BibTeX to stdout
      bibx export seeds/*.txt --to refs --style apa -o refs.html
      bibx export seeds/*.txt --select diffusion --key yuan2022roadmap --dry-run
      bibx export listing.txt -o library.csl.json   # CSL-JSON: what Zotero imports intact
      bibx export refs.bib dump.txt -o refs.bib     # refs.bib kept byte for byte, new papers appended

    An -o file is replaced only when every input was read (--force overrides), by a rename, so
    an error or an interrupt leaves the old file as it was.

    BibTeX marks a truncated author list with "and others": LaTeX prints "et al.", but Zotero
    imports a creator named "others". Import CSL-JSON into Zotero instead.
    """
    from bibx.output import OutputProblem
    from bibx.pipeline import ExportRequest, NotReplaced, ReadRequest, UsageProblem, WriterFailed, export
    from bibx.progress import progress_display
    from bibx.sources import InputError
    from bibx.specs import WriterOptionError

    resolving = _resolve_options(resolve, offline, quiet)
    inputs = files or ("-",)
    if "-" in inputs and sys.stdin is not None and sys.stdin.isatty():
        click.echo("bibx: reading from standard input (Ctrl-D to end)", err=True)
    request = ExportRequest(
        read=ReadRequest(inputs, reader, as_of, not no_merge, key_pattern, resolve=resolving, select=_selection(select_texts, select_keys)),
        writer=format_name,
        output=output,
        options=_writer_options(pairs, style=style, locale=locale, output_format=output_format and output_format.lower()),
        strict=strict,
        force=force,
        update_fields=update_fields,
        provenance=not no_provenance,
        dry_run=dry_run,
        jobs=jobs,
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
    if summary.dry_run:
        click.echo(f"bibx: dry run: {summary.dry_run}; nothing was written", err=True)
    if strict and (summary.warnings or not summary.clean):
        raise DataProblem("--strict: problems were reported, nothing was written")
    if not summary.clean:
        sys.exit(EXIT_DATA)


@main.command("formats")
@click.pass_context
def formats_command(ctx: click.Context) -> None:
    """List the input and output formats with the plugin that provides each."""
    from bibx.inspection import describe_formats

    click.echo(describe_formats(_host(ctx)))


@main.command("plugins")
@click.option("--requirements", is_flag=True, help="Print dist==version lines for the installed plugins.")
@click.pass_context
def plugins_command(ctx: click.Context, requirements: bool) -> None:
    """List every plugin: package, version, hooks, and any that failed to load."""
    from bibx.inspection import describe_plugins

    click.echo(describe_plugins(_host(ctx), requirements))


def _resolve_options(resolve: bool, offline: bool, quiet: bool) -> ResolveOptions | None:
    if offline and not resolve:
        raise click.UsageError("--offline only applies with --resolve")
    if not resolve:
        return None
    from bibx.progress import resolve_progress_display
    from bibx.resolve import ResolveOptions as Options  # only --resolve pays for the resolve stage

    return Options(offline=offline, progress=None if quiet else resolve_progress_display())


@main.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-f", "--from", "reader", metavar="NAME", shell_complete=_complete_readers, help="Input format; default: detected per file.")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Reference date for dates without a year.")
@click.option("--papers", is_flag=True, help="List every paper read: title | authors | date | warnings, and fields a resolver completed.")
@click.option(
    "--resolve", is_flag=True,
    help="Complete papers from arXiv first, as export --resolve does (with --papers: where each field came from).",
)
@click.option("--offline", is_flag=True, help="With --resolve: answer from the cache only, no network request.")
@click.pass_context
def inspect_command(
    ctx: click.Context, files: tuple[str, ...], reader: str | None, as_of: dt.date, papers: bool, resolve: bool, offline: bool
) -> None:
    """Say what bibx reads in FILES: detected format, papers, rejected records and warnings per file."""
    from bibx.inspection import inspect_inputs
    from bibx.pipeline import UsageProblem

    resolving = _resolve_options(resolve, offline, quiet=True)
    try:
        text, clean = inspect_inputs(files, reader, as_of, _host(ctx), papers, resolving)
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
