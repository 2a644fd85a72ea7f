"""The export pipeline: plan, then stream. Inputs → readers → merge → resolve (optional) → citation keys → one writer → output file.

Planning comes first and writes nothing: the writer, its options, the output target, every input's
existence and format, and a first pass over every input (:mod:`bibx.reading`). A usage error or an
input that cannot be read is reported before a byte is written, and an ``-o`` file is replaced only
when every input was read to its end (``--force`` overrides). Then the papers stream through the
writer, in this process or, for large inputs and writers that render entry by entry, in several
(:mod:`bibx.parallel`).

Every record read is accounted for (:mod:`bibx.accounting`): it is written, merged into another
paper, skipped by the writer with a report, or rejected by its reader with a report.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO, cast

from bibx.accounting import NO_PAPERS, Accounting, ReportSink, Summary, ignore
from bibx.facts import without_provenance
from bibx.format_names import UnknownFormat, options_for, writer_for
from bibx.library import UPDATABLE_READERS, ExistingLibrary, can_append
from bibx.model import Paper, Report
from bibx.output import OUTPUT_ERRNOS, OutputProblem, OutputTarget, PendingOutput, locked, resolve_target, standard_output
from bibx.plugins import PluginHost
from bibx.reading import Opened, Reading, ReadRequest, UsageProblem, detect_reader, named_reader, open_inputs, read_papers, stream_papers
from bibx.sources import InputError
from bibx.specs import EntryWriter, WriteContext, Writer, WriterOptionError, WriterSpec

# The names other modules have always imported from here.
__all__ = [
    "Accounting",
    "ExportRequest",
    "NotReplaced",
    "Reading",
    "ReadRequest",
    "Summary",
    "UsageProblem",
    "WriterFailed",
    "detect_reader",
    "export",
    "open_inputs",
    "read_papers",
    "resolve_writer",
]
PROGRESS_EVERY = 1000


class WriterFailed(Exception):
    """A writer plugin raised while writing; the message names the plugin. Exit code 3."""


class NotReplaced(Exception):
    """The ``-o`` file was left as it was, and the message says why (``--force`` overrides). Exit code 1."""


@dataclass(frozen=True)
class ExportRequest:
    """One export: what to read, which writer with which options, where to write (None: stdout).

    ``force`` replaces the ``-o`` file even when an input could not be read, or when the file is
    also an input that the writer cannot keep verbatim. ``update_fields`` names the fields that an
    existing BibTeX library's entries take from the papers matching them (none by default).
    """

    read: ReadRequest
    writer: str | None
    output: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False
    force: bool = False
    update_fields: tuple[str, ...] = ()
    provenance: bool = True  # False: the listing facts are left out (bibx.facts.without_provenance)
    dry_run: bool = False  # run everything, write nothing; the summary says what would have been written
    jobs: int | None = None  # processes; None: the usable cores (used only where it pays, see bibx.parallel)


def resolve_writer(name: str | None, output: str | None, host: PluginHost) -> WriterSpec:
    """The writer named, or the one whose extension the output file has, or BibTeX (see :mod:`bibx.format_names`)."""
    try:
        return writer_for(name, output, host)
    except UnknownFormat as error:
        raise UsageProblem(str(error)) from None


def export(request: ExportRequest, host: PluginHost, sink: ReportSink, progress: Callable[[int], None] | None = None) -> Summary:
    """Run one export; returns its accounting. Nothing is written in strict mode if anything was reported.

    Raises :class:`UsageProblem` or :class:`~bibx.specs.WriterOptionError` before anything is read
    or written; :class:`NotReplaced` when the ``-o`` file is kept because the export is incomplete;
    :class:`~bibx.output.OutputProblem` when the output cannot be written; :class:`WriterFailed`
    when the writer plugin raises. In every one of these cases an existing ``-o`` file is untouched.

    ``progress``, if given, is called with the number of papers handed to the writer so far, every
    thousand papers.
    """
    spec = resolve_writer(request.writer, request.output, host)
    request = replace(request, options=options_for(spec, request.output, request.options))
    _check_options(spec, request.options, host)
    reader = named_reader(request.read.reader, host)
    target = _output_target(request.output)
    accounting = Accounting(sink)
    writer = _start_writer(spec, request.options, accounting, host)
    with ExitStack() as stack:
        spool = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bibx-")))
        stack.enter_context(locked(target) if target else nullcontext())
        opened = open_inputs(request.read.inputs, reader, host, accounting, spool)
        library, others = _existing_library(request, target, opened, spec, accounting)
        write = _planned_writing(request, spec, writer, others, library, accounting, progress, host, spool)
        _refuse_incomplete(request, target, accounting)
        pending = PendingOutput(target) if target or request.strict or request.dry_run else None
        if pending:
            stack.callback(pending.discard)
        if library and pending:
            changed = _write_library(library, spec, write, pending, spool, host)
            accounting.summary.written += library.entries
        else:
            _write(spec, write, pending.file if pending else standard_output(), pending, host)
            if pending:
                pending.close()
            changed = True
        accounting.summary.written -= accounting.summary.skipped
        if pending is None:
            standard_output().flush()
        elif request.dry_run:
            accounting.summary.dry_run = dry_run_outcome(target, pending, changed, library, accounting.summary)
        elif changed and _should_publish(request, target, accounting):
            try:
                pending.publish()
            except OSError as error:
                raise pending.failure(error) from None
    return accounting.summary


def _planned_writing(
    request: ExportRequest,
    spec: WriterSpec,
    writer: Writer,
    opened: Sequence[Opened],
    library: ExistingLibrary | None,
    accounting: Accounting,
    progress: Callable[[int], None] | None,
    host: PluginHost,
    spool: Path,
) -> Callable[[TextIO], None]:
    """Runs the first pass (in one process or several) and returns how to write the export."""
    if _renders_while_reading(request, spec, opened, library):
        from bibx.parallel import ParallelReading, jobs_for

        jobs = jobs_for(request.jobs, opened)
        parallel = ParallelReading(request.read, opened, accounting, jobs, spool, (spec, dict(request.options)), request.provenance)
        parallel.first_pass()
        entry_writer = cast(EntryWriter, writer)  # spec.entries: checked above
        return lambda out: entry_writer.write_entries(parallel.entries(entry_writer, progress), out)
    reading = Reading.prepare(request.read, host, opened, accounting, library, spool)
    papers = reading.papers() if request.provenance else map(without_provenance, reading.papers())
    counted = _counted(papers, accounting, progress)
    return lambda out: writer.write(counted, out)


def _renders_while_reading(request: ExportRequest, spec: WriterSpec, opened: Sequence[Opened], library: ExistingLibrary | None) -> bool:
    """Whether the first pass renders the entries as it reads (:mod:`bibx.parallel`, in this process or several):
    a writer of entries, readers of records, and no stage that needs the papers after reading (``--resolve``,
    ``--select``, a library appended to). Else :class:`~bibx.reading.Reading` reads twice and writes papers."""
    if not spec.entries or request.read.resolve is not None or request.read.select or library is not None:
        return False
    return bool(opened) and all(item.reader.records and item.reader.interpret for item in opened)


def _check_options(spec: WriterSpec, options: Mapping[str, str], host: PluginHost) -> None:
    unknown = set(options) - set(spec.options)
    if unknown:
        accepted = ", ".join(spec.options) or "none"
        takers = sorted(name for name, other in host.writers.specs.items() if unknown <= set(other.options))
        hint = f"; {' or '.join(f'--to {name}' for name in takers)} takes it" if takers else ""
        raise UsageProblem(f"the {spec.name} format takes no option {', '.join(sorted(unknown))} (accepted: {accepted}){hint}")


def _output_target(output: str | None) -> OutputTarget | None:
    try:
        if output is None:
            standard_output()  # closed (``>&-``): said before anything is read
            return None
        return resolve_target(output)
    except OutputProblem as error:  # a missing or read-only folder: checked before anything is read
        raise UsageProblem(str(error)) from None


def _start_writer(spec: WriterSpec, options: Mapping[str, str], accounting: Accounting, host: PluginHost) -> Writer:
    try:
        return spec.factory(WriteContext(dict(options), accounting.writer_report))
    except WriterOptionError:
        raise
    except (Exception, SystemExit) as error:  # a plugin's sys.exit() is its failure, not bibx's exit
        owner = host.writers.owners.get(spec.name, spec.name)
        raise WriterFailed(f"the {spec.name} writer (plugin {owner!r}) failed to start: {type(error).__name__}: {error}") from error


def _existing_library(
    request: ExportRequest, target: OutputTarget | None, opened: list[Opened], spec: WriterSpec, accounting: Accounting
) -> tuple[ExistingLibrary | None, list[Opened]]:
    """The input that is also the ``-o`` file, read now as the library to keep, and the other inputs.

    A file the writer cannot append to would be rewritten through bibx's model, losing what the
    model does not hold: that is refused unless ``--force``, and then it is read like any input.
    """
    same = [item for item in opened if target and target.exists and _same_file(item.source.path, target.real)]
    if not same:
        if request.update_fields:
            raise UsageProblem("--update edits the entries of the -o file, which must also be one of the inputs")
        return None, opened
    assert target is not None  # an input is the -o file only if there is one
    item = same[0]
    if request.update_fields and item.reader.name not in UPDATABLE_READERS:
        raise UsageProblem(f"--update edits the entries of a BibTeX library; {target.path} is read as {item.reader.name}")
    if not can_append(item.reader.name, spec.name):
        if request.force:
            return None, opened
        raise NotReplaced(
            f"{target.path} not replaced: it is also an input, and bibx keeps an existing file verbatim only when it appends "
            f"to it (BibTeX or BibLaTeX to a .bib, RIS to RIS), not as {item.reader.name} rewritten by the {spec.name} writer; "
            "write to another file, or --force to rewrite it from what bibx reads (what bibx does not model is lost)"
        )
    # A writer of its own renders the fields to update: its reports are not about what is written.
    renderer = spec.factory(WriteContext(dict(request.options), ignore)) if request.update_fields else None
    library = ExistingLibrary(target.real, tuple(name.lower() for name in request.update_fields), renderer)
    _read_library(library, item, request.read, accounting)
    return library, [other for other in opened if other is not item]


def _read_library(library: ExistingLibrary, item: Opened, request: ReadRequest, accounting: Accounting) -> None:
    """The entries of the file written back to. Its warnings are not repeated (nothing of it is rewritten);
    blocks bibx cannot read are kept too, and named in one warning because no paper can be matched to them."""
    probe = Accounting(ignore)
    library.add(stream_papers([item], request, probe))
    accounting.summary.read += library.entries
    if probe.summary.rejected:
        message = f"{probe.summary.rejected} block(s) bibx cannot read are kept as they are; new papers are not matched against them"
        accounting.reader_report(Report(message, item.source.name))
    for report in probe.incomplete.values():
        if not report.message.startswith(NO_PAPERS):  # a .bib of only @strings and comments is a library too
            accounting.input_incomplete(report)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _refuse_incomplete(request: ExportRequest, target: OutputTarget | None, accounting: Accounting) -> None:
    """Before writing: an ``-o`` file is not replaced by an export whose inputs were not all read."""
    if target is None or request.force or not accounting.incomplete:
        return
    reasons = "; ".join(f"{report.location}: {report.message}" for report in accounting.incomplete.values())
    raise NotReplaced(f"{target.path} not replaced: not every input could be read ({reasons}); --force writes the papers that were read")


def dry_run_outcome(target: OutputTarget | None, pending: PendingOutput, changed: bool, library: ExistingLibrary | None, summary: Summary) -> str:
    """What ``--dry-run`` would have done: the file replaced or created (sizes; a library's entries updated and added), or stdout."""
    size = Path(pending.name).stat().st_size
    if target is None:
        return f"would write {size:,} bytes to stdout"
    if not target.exists:
        return f"would create {target.path} ({size:,} bytes)"
    if not changed:
        return f"would leave {target.path} as it is"
    entries = f"{library.updated} entries updated, {summary.written - library.entries} appended; " if library else ""
    return f"would replace {target.path} ({entries}{target.real.stat().st_size:,} bytes now, {size:,} after)"


def _should_publish(request: ExportRequest, target: OutputTarget | None, accounting: Accounting) -> bool:
    """After writing: whether the new text replaces the target."""
    summary = accounting.summary
    if request.strict and (summary.warnings or not summary.clean):
        return False
    # A reader that stopped half-way shows only in the second pass when there was no first (--no-merge).
    _refuse_incomplete(request, target, accounting)
    return True


def _write_library(
    library: ExistingLibrary, spec: WriterSpec, write: Callable[[TextIO], None], pending: PendingOutput, spool: Path, host: PluginHost
) -> bool:
    """The library's own bytes (updated where asked), then the new papers; False when that is the file as it was.

    The new papers are written aside first: only once they have all been matched against the
    library is it known which of its entries ``--update`` changes.
    """
    new_entries = spool / "new-entries"
    with new_entries.open("w", encoding="utf-8", newline="\n") as out:
        _write(spec, write, out, pending, host)
    with new_entries.open("rb") as written:
        try:
            changed = library.write(written, pending.file.buffer)
            pending.close()
        except OSError as error:
            raise pending.failure(error) from None
    return changed


def _write(spec: WriterSpec, write: Callable[[TextIO], None], out: TextIO, pending: PendingOutput | None, host: PluginHost) -> None:
    """The writer's loop; a full disk under ``pending`` is named as the output's failure, not the plugin's."""
    try:
        write(out)
        out.flush()
    except (InputError, UsageProblem, BrokenPipeError, OutputProblem):
        raise
    except OSError as error:
        if pending and error.errno in OUTPUT_ERRNOS:
            raise pending.failure(error) from None
        raise _writer_failed(spec, error, host) from error
    except (Exception, SystemExit) as error:
        raise _writer_failed(spec, error, host) from error


def _writer_failed(spec: WriterSpec, error: BaseException, host: PluginHost) -> WriterFailed:
    owner = host.writers.owners.get(spec.name, spec.name)
    return WriterFailed(f"the {spec.name} writer (plugin {owner!r}) failed: {type(error).__name__}: {error}")


def _counted(papers: Iterator[Paper], accounting: Accounting, progress: Callable[[int], None] | None) -> Iterator[Paper]:
    summary = accounting.summary
    for paper in papers:
        summary.written += 1
        if progress and summary.written % PROGRESS_EVERY == 0:
            progress(summary.written)
        yield paper
