"""The pipeline for texts held in memory (``bibx serve``): read pasted texts into papers and reports, export papers to a string.

The same readers, merge, resolve stage, citation keys and writers as ``bibx export``; what differs is
that the inputs arrive as text with a label (a pasted page, a dropped file's name), never as a path,
and that the output is returned instead of written to a file.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bibx.model import Paper, Report
from bibx.pipeline import Accounting, Reading, ReadRequest, Summary, UsageProblem, WriterFailed, open_inputs, resolve_writer
from bibx.plugins import PluginHost
from bibx.specs import WriteContext, WriterOptionError, WriterSpec

if TYPE_CHECKING:
    from bibx.resolve import ResolveOptions

PATH_MARKS = ("/", "\\", "~", "..")


@dataclass(frozen=True)
class NamedText:
    """One input held in memory; ``name`` only labels it in reports and provenance (``pasted text``, ``listing.txt``)."""

    name: str
    text: str


@dataclass
class ReadResult:
    """Every paper read (merged, with keys) and every report, with the run's accounting."""

    papers: list[Paper] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)


@dataclass
class ExportResult:
    """The written text, the writer spec that wrote it, its reports and the accounting of the run."""

    text: str
    spec: WriterSpec
    reports: list[Report]
    summary: Summary


def read_texts(texts: Sequence[NamedText], host: PluginHost, as_of: dt.date, resolve: ResolveOptions | None = None) -> ReadResult:
    """Read the texts as ``bibx export`` reads files: format detected per text, papers merged across them, keys assigned."""
    result = ReadResult()
    with tempfile.TemporaryDirectory(prefix="bibx-serve-") as spool:
        paths = _spooled(texts, Path(spool))
        # The readers see spool files; provenance and reports name each text as the user knows it.
        labels = {path: text.name for path, text in zip(paths, texts, strict=True)}
        accounting = Accounting(lambda report: result.reports.append(replace(report, path=labels.get(report.path, report.path))))
        opened = open_inputs(paths, None, host, accounting, Path(spool))
        labelled = [replace(item, source=replace(item.source, name=labels[item.source.name])) for item in opened]
        request = ReadRequest(paths, as_of=as_of, resolve=resolve)
        result.papers = list(Reading.prepare(request, host, labelled, accounting).papers())
    result.summary = accounting.summary
    return result


def _spooled(texts: Sequence[NamedText], spool: Path) -> list[str]:
    """Each text in a file of its own, because readers stream lines and merging reads every input twice."""
    paths = []
    for number, text in enumerate(texts):
        path = spool / f"input-{number}.txt"
        # A lone surrogate (JSON allows "\ud800") has no UTF-8 form: it is written as "?" rather than failing the request.
        path.write_text(text.text, encoding="utf-8", errors="replace", newline="")
        paths.append(str(path))
    return paths


def export_text(papers: Iterable[Paper], writer: str, options: Mapping[str, str], host: PluginHost) -> ExportResult:
    """``papers`` written by the named writer into a string, with the writer's reports.

    Raises :class:`UsageProblem` for an unknown writer or option, or an option value that names a
    file (a page must not make bibx read files); :class:`WriterOptionError` for a value the writer
    refuses; :class:`WriterFailed` when the writer plugin raises.
    """
    spec = resolve_writer(writer, None, host)
    _check_client_options(spec, options)
    reports: list[Report] = []
    accounting = Accounting(reports.append)
    out = io.StringIO()
    owner = host.writers.owners.get(spec.name, spec.name)
    try:
        spec.factory(WriteContext(dict(options), accounting.writer_report)).write(_counted(papers, accounting.summary), out)
    except (WriterOptionError, UsageProblem):
        raise
    except (Exception, SystemExit) as error:  # a plugin's failure is reported with its name, never a server crash
        raise WriterFailed(f"the {spec.name} writer (plugin {owner!r}) failed: {type(error).__name__}: {error}") from error
    accounting.summary.written -= accounting.summary.skipped
    return ExportResult(out.getvalue(), spec, reports, accounting.summary)


def _counted(papers: Iterable[Paper], summary: Summary) -> Iterable[Paper]:
    for paper in papers:
        summary.written += 1
        yield paper


def _check_client_options(spec: WriterSpec, options: Mapping[str, str]) -> None:
    unknown = set(options) - set(spec.options)
    if unknown:
        raise UsageProblem(f"the {spec.name} format takes no option {', '.join(sorted(unknown))} (accepted: {', '.join(spec.options) or 'none'})")
    for name, value in options.items():
        if any(mark in value for mark in PATH_MARKS) or value.lower().endswith((".csl", ".xml")):
            raise UsageProblem(f"option {name}: {value!r} looks like a file path; the web page takes names only (use `bibx export` for files)")


def selected(papers: Iterable[Paper], excluded_keys: Collection[str]) -> list[Paper]:
    """The papers whose citation key the user did not deselect."""
    return [paper for paper in papers if paper.key not in excluded_keys]


def style_names(host: PluginHost) -> list[dict[str, str]]:
    """The CSL styles the ``refs`` writer accepts by name (with titles); empty when that writer is not loaded."""
    if "refs" not in host.writers.specs:
        return []
    from bibx_plugins.refs.styles import list_styles  # the refs plugin's own list, as `bibx styles` prints it

    return [{"name": entry.name, "title": entry.title} for entry in list_styles()]


def locale_names(host: PluginHost) -> list[str]:
    """The CSL locales the ``refs`` writer accepts; empty when that writer is not loaded."""
    if "refs" not in host.writers.specs:
        return []
    from bibx_plugins.refs.styles import DEFAULT_LOCALE, locale_path

    folder = locale_path(DEFAULT_LOCALE).parent
    return sorted(path.name[len("locales-") : -len(".xml")] for path in folder.glob("locales-*.xml"))
