"""The export pipeline: plan, then stream. Inputs → readers → merge → resolve (optional) → citation keys → one writer → output file.

Planning comes first and writes nothing: the writer, its options, the output target, every input's
existence and format, and (when merging) a first pass over every input. A usage error or an input
that cannot be read is reported before a byte is written, and an ``-o`` file is replaced only when
every input was read to its end (``--force`` overrides). Then the papers stream through the writer.

Every record read is accounted for: it is written, merged into another paper, skipped by the
writer with a report, or rejected by its reader with a report. Inputs are streamed and read twice:
the first pass counts repeated titles (for merging) and finds which citation keys would collide
(so that keys do not depend on input order), so memory grows with the title index and 16 bytes a
paper, not with the text.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bibx.citekeys import DEFAULT_PATTERN, KeyAssigner, KeyBases, KeyCollisions
from bibx.facts import without_provenance
from bibx.format_names import UnknownFormat, options_for, reader_named, writer_for
from bibx.library import UPDATABLE_READERS, ExistingLibrary, can_append
from bibx.merge import merge_readings, title_key
from bibx.model import Paper, Report
from bibx.output import OUTPUT_ERRNOS, OutputProblem, OutputTarget, PendingOutput, locked, resolve_target, standard_output
from bibx.plugins import PluginHost
from bibx.selection import Selection, selected
from bibx.sources import InputError, TextInput, open_input
from bibx.specs import ReadContext, ReaderSpec, WriteContext, Writer, WriterOptionError, WriterSpec
from bibx.validation import checked_results

if TYPE_CHECKING:
    from bibx.resolve import ResolveOptions

ReportSink = Callable[[Report], None]
PROGRESS_EVERY = 1000
NO_PAPERS = "no papers found"


class UsageProblem(Exception):
    """The request cannot run as asked (unknown format, bad option); exit code 2."""


class WriterFailed(Exception):
    """A writer plugin raised while writing; the message names the plugin. Exit code 3."""


class NotReplaced(Exception):
    """The ``-o`` file was left as it was, and the message says why (``--force`` overrides). Exit code 1."""


@dataclass(frozen=True)
class ReadRequest:
    """What to read and how: paths (``-`` for standard input), an optional reader name, the reference date."""

    inputs: Sequence[str]
    reader: str | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    merge: bool = True
    key_pattern: str = DEFAULT_PATTERN
    resolve: ResolveOptions | None = None  # None: no resolver runs and nothing goes to the network
    select: Selection = field(default_factory=Selection)  # --select/--key; empty keeps every paper


@dataclass
class Summary:
    """The accounting of one run: read = written + merged + skipped + rejected."""

    read: int = 0
    merged: int = 0
    written: int = 0
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0
    unselected: int = 0  # left out by --select/--key
    dry_run: str = ""  # with --dry-run: what the export would have written or replaced

    def __str__(self) -> str:
        return (
            f"read {self.read}, merged {self.merged}, written {self.written}, skipped {self.skipped}, "
            f"rejected {self.rejected}, warnings {self.warnings}" + (f", not selected {self.unselected}" if self.unselected else "")
        )

    @property
    def clean(self) -> bool:
        return not (self.skipped or self.rejected)


@dataclass(frozen=True)
class _Opened:
    source: TextInput
    reader: ReaderSpec
    plugin: str


class Accounting:
    """Counts every report and passes it on to the user's sink."""

    def __init__(self, sink: ReportSink) -> None:
        self.summary = Summary()
        self._sink = sink
        # Inputs not read to their end (missing, unreadable, a reader that stopped): name → the first report why.
        self.incomplete: dict[str, Report] = {}

    def input_incomplete(self, report: Report) -> None:
        self.incomplete.setdefault(report.path, report)
        self.reader_report(report)

    def reader_report(self, report: Report) -> None:
        if report.rejected:
            self.summary.read += 1
            self.summary.rejected += 1
        else:
            self.summary.warnings += 1
        self._sink(report)

    def writer_report(self, report: Report) -> None:
        if report.raw and "\n" not in report.raw and report.raw not in report.message:
            # A writer's report is about one paper (``raw`` is its title): name it, its line alone may not say which.
            report = replace(report, message=f'"{report.raw}": {report.message}')
        if report.rejected:
            self.summary.skipped += 1
        else:
            self.summary.warnings += 1
        self._sink(report)


def read_papers(request: ReadRequest, host: PluginHost, accounting: Accounting, spool_dir: Path) -> Iterator[Paper]:
    """Every paper of the request, merged unless asked not to, each with its citation key."""
    opened = open_inputs(request.inputs, _named_reader(request.reader, host), host, accounting, spool_dir)
    return Reading.prepare(request, host, opened, accounting).papers()


class Reading:
    """The inputs of one export, planned: the first pass is done, :meth:`papers` streams the second.

    ``library`` is an existing file being written back to: its papers are not passed on (its bytes
    are kept as they are), but its keys are reserved and the other inputs' papers it already holds
    are counted as merged.
    """

    def __init__(
        self, request: ReadRequest, host: PluginHost, opened: Sequence[_Opened], accounting: Accounting, library: ExistingLibrary | None
    ) -> None:
        self.request = request
        self.host = host
        self.opened = opened
        self.accounting = accounting
        self.library = library
        self._counts: dict[bytes, int] = {}
        self._keys: set[str] = set(library.keys) if library else set()
        self._collisions = KeyCollisions(KeyBases(request.key_pattern))

    @classmethod
    def prepare(
        cls, request: ReadRequest, host: PluginHost, opened: Sequence[_Opened], accounting: Accounting, library: ExistingLibrary | None = None
    ) -> Reading:
        reading = cls(request, host, opened, accounting, library)
        reading._first_pass()
        return reading

    def _first_pass(self) -> None:
        """Finds which generated keys would collide (so that keys do not depend on input order), the inputs'
        own keys, every input that cannot be read to its end and, when merging, how often each repeated title occurs."""
        probe = Accounting(_ignore)
        counts, keys = _titles_and_keys(_stream(self.opened, self.request, probe), self.request.merge, self._collisions)
        self._counts = counts
        self._keys |= keys
        for name, report in probe.incomplete.items():
            self.accounting.incomplete.setdefault(name, report)

    def papers(self) -> Iterator[Paper]:
        """The second pass: papers merged, those the library holds left out, keys assigned, the selection kept."""
        papers = self._keyed()
        if self.request.select:
            papers = selected(papers, self.request.select, self._left_out)
        return papers

    def _left_out(self, _paper: Paper) -> None:
        self.accounting.summary.unselected += 1

    def _keyed(self) -> Iterator[Paper]:
        papers = _stream(self.opened, self.request, self.accounting)
        if self.request.merge:
            papers = _merged(papers, self._counts, self.accounting)
        if self.library and self.request.merge:
            papers = self._not_in_library(papers, self.library)
        if self.request.resolve is not None:
            from bibx.resolve import resolve_papers  # only --resolve pays for the resolve stage and its cache

            papers = resolve_papers(papers, self.host.resolvers(), self.request.resolve, _resolve_warning(self.accounting))
        assigner = KeyAssigner(self.request.key_pattern, reserved=self._keys, collisions=self._collisions)
        for paper in papers:
            key = assigner.keep(paper.key) if paper.key else assigner.assign(paper)
            if paper.key and key != paper.key:
                self.accounting.reader_report(Report(f"citation key {paper.key!r} is used twice; this one becomes {key!r}", *_location(paper)))
            # A copy only when the key changes: building a frozen Paper costs ~5 µs.
            yield paper if key == paper.key else replace(paper, key=key)

    def _not_in_library(self, papers: Iterator[Paper], library: ExistingLibrary) -> Iterator[Paper]:
        for paper in papers:
            entry = library.entry_for(paper)
            if entry is None:
                yield paper
            else:
                self.accounting.summary.merged += 1
                library.update(entry, paper)


def _resolve_warning(accounting: Accounting) -> Callable[[Paper | None, str], None]:
    """Warnings of the resolve stage: about a paper at its place in the input, else about the stage."""
    return lambda paper, message: accounting.reader_report(Report(message, *(_location(paper) if paper else ("--resolve", None))))


def _titles_and_keys(papers: Iterator[Paper], merge: bool, collisions: KeyCollisions) -> tuple[dict[bytes, int], set[str]]:
    """Read everything once before writing: the keys the inputs carry, which generated keys would
    collide, and, when merging, how often each repeated title occurs.

    Titles seen once (nearly all) are left out of the counts, and the set that found them is freed
    before the second pass builds its key index: peak memory is the larger of the two, not their sum.
    """
    seen: set[bytes] = set()
    counts: dict[bytes, int] = {}
    existing_keys = set()
    for paper in papers:
        key = title_key(paper.title)
        collisions.observe(paper, key)
        if paper.key:
            existing_keys.add(paper.key)
        if not merge:
            continue
        if key in seen:
            counts[key] = counts.get(key, 1) + 1
        else:
            seen.add(key)
    collisions.finish()
    return counts, existing_keys


def _ignore(report: Report) -> None:
    """The report sink of the first pass: the second pass makes every report again and counts it."""


def _location(paper: Paper) -> tuple[str, int | None]:
    origin = paper.origin
    return (origin.path, origin.line) if origin else ("<input>", None)


def open_inputs(paths: Sequence[str], named: ReaderSpec | None, host: PluginHost, accounting: Accounting, spool_dir: Path) -> list[_Opened]:
    """Every input that exists and whose format is known; the others are reported as incomplete."""
    opened = []
    for path in paths:
        try:
            source = open_input(path, spool_dir)
            reader = named or detect_reader(source, host)
        except InputError as error:
            accounting.input_incomplete(error.report)
            continue
        opened.append(_Opened(source, reader, _plugin_of(reader, host)))
    return opened


def _plugin_of(reader: ReaderSpec, host: PluginHost) -> str:
    return next((name.split(":")[0] for name, spec in host.readers.qualified.items() if spec is reader), reader.name)


def _named_reader(name: str | None, host: PluginHost) -> ReaderSpec | None:
    if name is None:
        return None
    try:
        return reader_named(name, host)
    except UnknownFormat as error:
        raise UsageProblem(str(error)) from None


def detect_reader(source: TextInput, host: PluginHost) -> ReaderSpec:
    head = source.head()
    if not any(head):
        raise InputError(source.name, 1, "empty input, no papers")
    scores = sniff_scores(head, host)
    best = max(scores, key=lambda item: item[1], default=None)
    if best is None or best[1] <= 0:
        raise InputError(source.name, 1, "no reader recognises this text; name one with --from")
    return best[0]


def sniff_scores(head: list[str], host: PluginHost) -> list[tuple[ReaderSpec, float]]:
    """Each auto-detectable reader with its confidence that ``head`` is its format."""
    return [(spec, _sniff(spec, head, host)) for spec in host.readers.specs.values() if spec.sniff]


def _sniff(spec: ReaderSpec, head: list[str], host: PluginHost) -> float:
    """One reader's confidence; a sniff that raises is a plugin bug, reported, and must not stop detection."""
    try:
        return spec.sniff(head)  # type: ignore[misc]
    except (Exception, SystemExit) as error:  # noqa: BLE001
        host.warn(f"the {spec.name} reader (plugin {_plugin_of(spec, host)!r}) failed to sniff an input: {type(error).__name__}: {error}")
        return 0.0


def _stream(opened: Sequence[_Opened], request: ReadRequest, accounting: Accounting) -> Iterator[Paper]:
    """Papers of every input in order; reports go to ``accounting``.

    An input that cannot be read to its end, or whose reader raises, is reported at the line reached;
    its papers before that line and every other input are still exported.
    """
    summary = accounting.summary
    for item in opened:
        context = ReadContext(item.source.name, request.as_of, item.reader.name)
        sink = accounting.reader_report
        papers_before = summary.read
        lines = _LineCounter(item.source.lines(sink))
        try:
            for result in checked_results(item.reader.read(lines, context), context, item.plugin, lambda: lines.count):
                if isinstance(result, Report):
                    sink(result)
                else:
                    summary.read += 1
                    yield result
        except InputError as error:
            accounting.input_incomplete(error.report)
        except Exception as error:  # noqa: BLE001 - a reader plugin's bug costs its own input, not the export
            message = f"the {item.reader.name} reader (plugin {item.plugin!r}) failed: {type(error).__name__}: {error}; the rest of this input is skipped"
            accounting.input_incomplete(Report(message, item.source.name, lines.count or None, rejected=True))
        if summary.read == papers_before:
            accounting.input_incomplete(Report(f"{NO_PAPERS} by the {item.reader.name} reader", item.source.name, 1, rejected=True))


class _LineCounter:
    """Passes lines through and remembers how many were taken, to say where a failing reader stopped."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.count = 0
        self._counting = self._count(lines)

    def _count(self, lines: Iterator[str]) -> Iterator[str]:
        for self.count, line in enumerate(lines, start=1):
            yield line

    def __iter__(self) -> Iterator[str]:
        # The generator itself: a reader's loop then resumes it directly, without a __next__ call a line.
        return self._counting

    def __next__(self) -> str:
        return next(self._counting)


def _merged(papers: Iterator[Paper], counts: dict[bytes, int], accounting: Accounting) -> Iterator[Paper]:
    """Papers whose title occurs once pass straight through; a repeated one waits for its last reading.

    ``counts`` holds the repeated titles only (see :func:`_count_repeated_titles`).
    """
    pending: dict[bytes, list[Paper]] = {}
    for paper in papers:
        key = title_key(paper.title)
        count = counts.get(key)
        if count is None:
            yield paper
            continue
        group = pending.setdefault(key, [])
        group.append(paper)
        if len(group) == count:
            del pending[key]
            yield from _merged_group(group, accounting)
    # Only reachable if an input changed between the passes: still write what was read.
    for group in pending.values():
        yield from _merged_group(group, accounting)


def _merged_group(group: list[Paper], accounting: Accounting) -> list[Paper]:
    papers = merge_readings(group)
    accounting.summary.merged += len(group) - len(papers)
    return papers


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
    named_reader = _named_reader(request.read.reader, host)
    target = _output_target(request.output)
    accounting = Accounting(sink)
    writer = _start_writer(spec, request.options, accounting, host)
    with ExitStack() as stack:
        spool = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bibx-")))
        stack.enter_context(locked(target) if target else nullcontext())
        opened = open_inputs(request.read.inputs, named_reader, host, accounting, spool)
        library, others = _existing_library(request, target, opened, spec, accounting)
        reading = Reading.prepare(request.read, host, others, accounting, library)
        _refuse_incomplete(request, target, accounting)
        pending = PendingOutput(target) if target or request.strict or request.dry_run else None
        if pending:
            stack.callback(pending.discard)
        papers = reading.papers() if request.provenance else map(without_provenance, reading.papers())
        papers = _counted(papers, accounting, progress)
        if library and pending:
            changed = _write_library(library, spec, writer, papers, pending, spool, host)
            accounting.summary.written += library.entries
        else:
            _write(spec, writer, papers, pending.file if pending else standard_output(), pending, host)
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
    request: ExportRequest, target: OutputTarget | None, opened: list[_Opened], spec: WriterSpec, accounting: Accounting
) -> tuple[ExistingLibrary | None, list[_Opened]]:
    """The input that is also the ``-o`` file, read now as the library to keep, and the other inputs.

    A file the writer cannot append to would be rewritten through bibx's model, losing what the
    model does not hold: that is refused unless ``--force``, and then it is read like any input.
    """
    same = [item for item in opened if target and target.exists and _same_file(item.source.path, target.real)]
    if not same:
        if request.update_fields:
            raise UsageProblem("--update edits the entries of the -o file, which must also be one of the inputs")
        return None, opened
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
    renderer = spec.factory(WriteContext(dict(request.options), _ignore)) if request.update_fields else None
    library = ExistingLibrary(target.real, tuple(name.lower() for name in request.update_fields), renderer)
    _read_library(library, item, request.read, accounting)
    return library, [other for other in opened if other is not item]


def _read_library(library: ExistingLibrary, item: _Opened, request: ReadRequest, accounting: Accounting) -> None:
    """The entries of the file written back to. Its warnings are not repeated (nothing of it is rewritten);
    blocks bibx cannot read are kept too, and named in one warning because no paper can be matched to them."""
    probe = Accounting(_ignore)
    library.add(_stream([item], request, probe))
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
    library: ExistingLibrary, spec: WriterSpec, writer: Writer, papers: Iterator[Paper], pending: PendingOutput, spool: Path, host: PluginHost
) -> bool:
    """The library's own bytes (updated where asked), then the new papers; False when that is the file as it was.

    The new papers are written aside first: only once they have all been matched against the
    library is it known which of its entries ``--update`` changes.
    """
    new_entries = spool / "new-entries"
    with new_entries.open("w", encoding="utf-8", newline="\n") as out:
        _write(spec, writer, papers, out, pending, host)
    with new_entries.open("rb") as written:
        try:
            changed = library.write(written, pending.file.buffer)  # type: ignore[attr-defined]
            pending.close()
        except OSError as error:
            raise pending.failure(error) from None
    return changed


def _write(spec: WriterSpec, writer: Writer, papers: Iterator[Paper], out: TextIO, pending: PendingOutput | None, host: PluginHost) -> None:
    """The writer's loop; a full disk under ``pending`` is named as the output's failure, not the plugin's."""
    try:
        writer.write(papers, out)
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
