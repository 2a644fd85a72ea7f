"""The export pipeline: inputs → readers → merge → citation keys → one writer → output file.

Every record read is accounted for: it is written, merged into another paper, skipped by the
writer with a report, or rejected by its reader with a report. Inputs are streamed and read twice:
the first pass counts repeated titles (for merging) and finds which citation keys would collide
(so that keys do not depend on input order), so memory grows with the title index and 16 bytes a
paper, not with the text.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from bibx.citekeys import DEFAULT_PATTERN, KeyAssigner, KeyBases, KeyCollisions
from bibx.facts import without_provenance
from bibx.merge import merge_papers, title_key
from bibx.model import Paper, Report
from bibx.plugins import PluginHost, spec_by_extension
from bibx.sources import InputError, TextInput, open_input
from bibx.specs import ReadContext, ReaderSpec, WriteContext, WriterOptionError, WriterSpec

ReportSink = Callable[[Report], None]
PROGRESS_EVERY = 1000


class UsageProblem(Exception):
    """The request cannot run as asked (unknown format, bad option); exit code 2."""


class WriterFailed(Exception):
    """A writer plugin raised while writing; the message names the plugin. Exit code 3."""


@dataclass(frozen=True)
class ReadRequest:
    """What to read and how: paths (``-`` for standard input), an optional reader name, the reference date."""

    inputs: Sequence[str]
    reader: str | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    merge: bool = True
    key_pattern: str = DEFAULT_PATTERN


@dataclass
class Summary:
    """The accounting of one run: read = written + merged + skipped + rejected."""

    read: int = 0
    merged: int = 0
    written: int = 0
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0

    def __str__(self) -> str:
        return (
            f"read {self.read}, merged {self.merged}, written {self.written}, skipped {self.skipped}, "
            f"rejected {self.rejected}, warnings {self.warnings}"
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

    def reader_report(self, report: Report) -> None:
        if report.rejected:
            self.summary.read += 1
            self.summary.rejected += 1
        else:
            self.summary.warnings += 1
        self._sink(report)

    def writer_report(self, report: Report) -> None:
        if report.rejected:
            self.summary.skipped += 1
        else:
            self.summary.warnings += 1
        self._sink(report)


def read_papers(request: ReadRequest, host: PluginHost, accounting: Accounting, spool_dir: Path) -> Iterator[Paper]:
    """Every paper of the request, merged unless asked not to, each with its citation key."""
    opened = list(_open_inputs(request, host, accounting, spool_dir))
    collisions = KeyCollisions(KeyBases(request.key_pattern))
    counts, existing_keys = _first_pass(opened, request, collisions)
    assigner = KeyAssigner(request.key_pattern, reserved=existing_keys, collisions=collisions)
    papers = _merged(_stream(opened, request, accounting), counts, accounting) if request.merge else _stream(opened, request, accounting)
    for paper in papers:
        key = assigner.keep(paper.key) if paper.key else assigner.assign(paper)
        if paper.key and key != paper.key:
            accounting.reader_report(Report(f"citation key {paper.key!r} is used twice; this one becomes {key!r}", *_location(paper)))
        # A copy only when the key changes: building a frozen Paper costs ~5 µs.
        yield paper if key == paper.key else replace(paper, key=key)


def _first_pass(opened: Sequence[_Opened], request: ReadRequest, collisions: KeyCollisions) -> tuple[dict[bytes, int], set[str]]:
    """Read everything once before writing: the keys the inputs carry, which generated keys would
    collide (so that keys do not depend on input order), and, when merging, how often each
    repeated title occurs.

    Titles seen once (nearly all) are left out of the counts, and the set that found them is freed
    before the second pass builds its key index: peak memory is the larger of the two, not their sum.
    """
    seen: set[bytes] = set()
    counts: dict[bytes, int] = {}
    existing_keys = set()
    for paper in _stream(opened, request, None):
        key = title_key(paper.title)
        collisions.observe(paper, key)
        if paper.key:
            existing_keys.add(paper.key)
        if not request.merge:
            continue
        if key in seen:
            counts[key] = counts.get(key, 1) + 1
        else:
            seen.add(key)
    collisions.finish()
    return counts, existing_keys


def _location(paper: Paper) -> tuple[str, int | None]:
    origin = paper.origin
    return (origin.path, origin.line) if origin else ("<input>", None)


def _open_inputs(request: ReadRequest, host: PluginHost, accounting: Accounting, spool_dir: Path) -> Iterator[_Opened]:
    named = _named_reader(request.reader, host)
    for path in request.inputs:
        try:
            source = open_input(path, spool_dir)
            reader = named or detect_reader(source, host)
        except InputError as error:
            accounting.reader_report(error.report)
            continue
        yield _Opened(source, reader, _plugin_of(reader, host))


def _plugin_of(reader: ReaderSpec, host: PluginHost) -> str:
    return next((name.split(":")[0] for name, spec in host.readers.qualified.items() if spec is reader), reader.name)


def _named_reader(name: str | None, host: PluginHost) -> ReaderSpec | None:
    if name is None:
        return None
    reader = host.readers.get(name)
    if reader is None:
        raise UsageProblem(f"unknown input format {name!r}; known: {', '.join(sorted(host.readers.specs))}")
    return reader


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
    except Exception as error:  # noqa: BLE001
        host.warn(f"the {spec.name} reader (plugin {_plugin_of(spec, host)!r}) failed to sniff an input: {type(error).__name__}: {error}")
        return 0.0


def _stream(opened: Sequence[_Opened], request: ReadRequest, accounting: Accounting | None) -> Iterator[Paper]:
    """Papers of every input in order; reports go to ``accounting`` (None: a silent counting pass).

    An input that cannot be read to its end, or whose reader raises, is reported at the line reached;
    its papers before that line and every other input are still exported.
    """
    for item in opened:
        context = ReadContext(item.source.name, request.as_of, item.reader.name)
        sink = accounting.reader_report if accounting else (lambda report: None)
        papers_before = accounting.summary.read if accounting else 0
        lines = _LineCounter(item.source.lines(sink))
        try:
            for result in item.reader.read(lines, context):
                if isinstance(result, Report):
                    sink(result)
                else:
                    if accounting:
                        accounting.summary.read += 1
                    yield result
        except InputError as error:
            sink(error.report)
        except Exception as error:  # noqa: BLE001 - a reader plugin's bug costs its own input, not the export
            message = f"the {item.reader.name} reader (plugin {item.plugin!r}) failed: {type(error).__name__}: {error}; the rest of this input is skipped"
            sink(Report(message, item.source.name, lines.count or None, rejected=True))
        if accounting and accounting.summary.read == papers_before:
            sink(Report(f"no papers found by the {item.reader.name} reader", item.source.name, 1, rejected=True))


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
            accounting.summary.merged += len(group) - 1
            yield merge_papers(group)
    # Only reachable if an input changed between the passes: still write what was read.
    for group in pending.values():
        accounting.summary.merged += len(group) - 1
        yield merge_papers(group)


@dataclass(frozen=True)
class ExportRequest:
    """One export: what to read, which writer with which options, where to write (None: stdout)."""

    read: ReadRequest
    writer: str | None
    output: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False
    provenance: bool = True  # False: the listing facts are left out (bibx.facts.without_provenance)


def resolve_writer(name: str | None, output: str | None, host: PluginHost) -> WriterSpec:
    """The writer named, or the one whose extension the output file has."""
    if name:
        spec = host.writers.get(name)
        if spec is None:
            raise UsageProblem(f"unknown output format {name!r}; known: {', '.join(sorted(host.writers.specs))}")
        return spec
    spec = spec_by_extension(host.writers.specs, output or "")
    if spec is None:
        raise UsageProblem("no output format given: use --format NAME or an -o file with a known extension")
    return spec


def export(request: ExportRequest, host: PluginHost, sink: ReportSink, progress: Callable[[int], None] | None = None) -> Summary:
    """Run one export; returns its accounting. Nothing is written in strict mode if anything was reported.

    ``progress``, if given, is called with the number of papers handed to the writer so far, every
    thousand papers.
    """
    spec = resolve_writer(request.writer, request.output, host)
    unknown = set(request.options) - set(spec.options)
    if unknown:
        accepted = ", ".join(spec.options) or "none"
        raise UsageProblem(f"the {spec.name} format takes no option {', '.join(sorted(unknown))} (accepted: {accepted})")
    accounting = Accounting(sink)
    owner = host.writers.owners.get(spec.name, spec.name)
    try:
        writer = spec.factory(WriteContext(dict(request.options), accounting.writer_report))
    except WriterOptionError:
        raise
    except Exception as error:
        raise WriterFailed(f"the {spec.name} writer (plugin {owner!r}) failed to start: {type(error).__name__}: {error}") from error
    with tempfile.TemporaryDirectory(prefix="bibx-") as spool:
        with _output(request, accounting) as out:
            papers = read_papers(request.read, host, accounting, Path(spool))
            if not request.provenance:
                papers = map(without_provenance, papers)
            papers = _counted(papers, accounting, progress)
            try:
                writer.write(papers, out)
            except (InputError, UsageProblem, BrokenPipeError):
                raise
            except Exception as error:
                raise WriterFailed(f"the {spec.name} writer (plugin {owner!r}) failed: {type(error).__name__}: {error}") from error
    accounting.summary.written -= accounting.summary.skipped
    return accounting.summary


def _counted(papers: Iterator[Paper], accounting: Accounting, progress: Callable[[int], None] | None) -> Iterator[Paper]:
    summary = accounting.summary
    for paper in papers:
        summary.written += 1
        if progress and summary.written % PROGRESS_EVERY == 0:
            progress(summary.written)
        yield paper


@contextmanager
def _output(request: ExportRequest, accounting: Accounting) -> Iterator[TextIO]:
    """A temporary file, published over the target only when the export completes.

    A regular file is replaced atomically by a rename; a device or pipe (``-o /dev/stdout``) is
    written into, never renamed over. Standard output is written directly, unless strict mode must
    be able to withhold everything.
    """
    if request.output is None and not request.strict:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(request.output) if request.output else None
    renamable = target is not None and (target.is_file() or not target.exists())
    try:
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="\n", dir=target.parent if renamable else None, prefix=".bibx-", suffix=".tmp", delete=False
        )
    except OSError as error:  # checked before anything is read: a missing or read-only folder
        raise UsageProblem(f"cannot write {request.output}: {error.strerror or error}") from None
    try:
        with handle:
            # The file object itself: the wrapper would add a Python-level call to every write.
            yield handle.file
        if request.strict and (accounting.summary.warnings or not accounting.summary.clean):
            return
        if renamable:
            os.chmod(handle.name, _file_mode(target))
            os.replace(handle.name, target)
        else:
            with open(handle.name, encoding="utf-8") as written, _open_special(target) as out:
                shutil.copyfileobj(written, out)
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)


def _file_mode(target: Path) -> int:
    """The mode the replaced file had, or what a new file gets under the current umask."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def _open_special(target: Path | None) -> Iterator[TextIO]:
    if target is None:
        yield sys.stdout
        return
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        yield out
