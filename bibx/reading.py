"""Reading the inputs of one export: opened and detected, read twice (a first pass plans, the second streams).

The first pass counts repeated titles (for merging), collects the keys the inputs carry and finds which
generated citation keys would collide (so that keys do not depend on input order); memory grows with
the title index and 16 bytes a paper, not with the text. The second pass streams the papers merged,
keyed and selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bibx.accounting import NO_PAPERS, Accounting, ignore
from bibx.citekeys import DEFAULT_PATTERN, KeyAssigner, KeyBases, KeyCollisions
from bibx.digests import Repeats
from bibx.format_names import UnknownFormat, reader_named
from bibx.merge import merge_readings, title_digest, title_key
from bibx.model import Paper, Report
from bibx.plugins import PluginHost
from bibx.selection import Selection, selected
from bibx.sources import InputError, TextInput, open_input
from bibx.specs import ReadContext, ReaderSpec
from bibx.spill import Spill
from bibx.validation import checked_results

if TYPE_CHECKING:
    from bibx.library import ExistingLibrary
    from bibx.resolve import ResolveOptions


class UsageProblem(Exception):
    """The request cannot run as asked (unknown format, bad option); exit code 2."""


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


@dataclass(frozen=True)
class Opened:
    """An input whose format is known, with its reader and the plugin that registered it."""

    source: TextInput
    reader: ReaderSpec
    plugin: str


def read_papers(request: ReadRequest, host: PluginHost, accounting: Accounting, spool_dir: Path) -> Iterator[Paper]:
    """Every paper of the request, merged unless asked not to, each with its citation key."""
    opened = open_inputs(request.inputs, named_reader(request.reader, host), host, accounting, spool_dir)
    return Reading.prepare(request, host, opened, accounting, spool=spool_dir).papers()


class Reading:
    """The inputs of one export, planned: the first pass is done, :meth:`papers` streams the second.

    ``library`` is an existing file being written back to: its papers are not passed on (its bytes
    are kept as they are), but its keys are reserved and the other inputs' papers it already holds
    are counted as merged.
    """

    def __init__(
        self,
        request: ReadRequest,
        host: PluginHost,
        opened: Sequence[Opened],
        accounting: Accounting,
        library: ExistingLibrary | None,
        spool: Path | None = None,
    ) -> None:
        self.request = request
        self._spill = Spill(spool / "first-pass") if spool else None
        self.host = host
        self.opened = opened
        self.accounting = accounting
        self.library = library
        self._counts: dict[int, int] = {}
        self._keys: set[str] = set(library.keys) if library else set()
        self._collisions = KeyCollisions(KeyBases(request.key_pattern))

    @classmethod
    def prepare(
        cls,
        request: ReadRequest,
        host: PluginHost,
        opened: Sequence[Opened],
        accounting: Accounting,
        library: ExistingLibrary | None = None,
        spool: Path | None = None,
    ) -> Reading:
        """The first pass, done now; with a ``spool`` folder what it read is kept there for the second pass
        (pickled papers and reports, about the input's size on disk), which then does not read the inputs again."""
        reading = cls(request, host, opened, accounting, library, spool)
        reading._first_pass()
        return reading

    def _first_pass(self) -> None:
        """Finds which generated keys would collide (so that keys do not depend on input order), the inputs'
        own keys, every input that cannot be read to its end and, when merging, how often each repeated title occurs."""
        probe = Accounting(ignore) if self._spill is None else self._spill.recorder()
        papers = stream_papers(self.opened, self.request, probe)
        if self._spill is not None:
            papers = self._spill.recorded(papers)
        counts, keys = _titles_and_keys(papers, self.request.merge, self._collisions)
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
        if self._spill is None:
            papers = stream_papers(self.opened, self.request, self.accounting)
        else:
            papers = self._spill.replayed(self.accounting)
        if self.request.merge:
            papers = _merged(papers, MergeGroups(self._counts, self.accounting))
        if self.library and self.request.merge:
            papers = self._not_in_library(papers, self.library)
        if self.request.resolve is not None:
            from bibx.resolve import resolve_papers  # only --resolve pays for the resolve stage and its cache

            papers = resolve_papers(papers, self.host.resolvers(), self.request.resolve, _resolve_warning(self.accounting))
        assigner = KeyAssigner(self.request.key_pattern, reserved=self._keys, collisions=self._collisions)
        for paper in papers:
            key = assigner.keep(paper.key) if paper.key else assigner.assign(paper)
            if paper.key and key != paper.key:
                self.accounting.reader_report(Report.about(paper, f"citation key {paper.key!r} is used twice; this one becomes {key!r}"))
            # A copy only when the key changes: building a frozen Paper costs ~2 µs.
            yield paper if key == paper.key else paper.with_key(key)

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
    return lambda paper, message: accounting.reader_report(Report.about(paper, message) if paper else Report(message, "--resolve"))


def _titles_and_keys(papers: Iterator[Paper], merge: bool, collisions: KeyCollisions) -> tuple[dict[int, int], set[str]]:
    """Read everything once before writing: the keys the inputs carry, which generated keys would
    collide, and, when merging, how often each repeated title occurs (by :func:`~bibx.merge.title_digest`).

    Titles are counted in 8 bytes a paper and sorted once at the end; titles seen once (nearly all) are
    left out of the counts, so the second pass's key index has the memory to itself.
    """
    repeats = Repeats()
    existing_keys = set()
    for paper in papers:
        key = title_key(paper.title)
        collisions.observe(paper, key)
        if paper.key:
            existing_keys.add(paper.key)
        if merge:
            repeats.add(title_digest(key))
    collisions.finish()
    return repeats.counts(), existing_keys


def open_inputs(paths: Sequence[str], named: ReaderSpec | None, host: PluginHost, accounting: Accounting, spool_dir: Path) -> list[Opened]:
    """Every input that exists and whose format is known; the others are reported as incomplete."""
    opened = []
    for path in paths:
        try:
            source = open_input(path, spool_dir)
            reader = named or detect_reader(source, host)
        except InputError as error:
            accounting.input_incomplete(error.report)
            continue
        opened.append(Opened(source, reader, _plugin_of(reader, host)))
    return opened


def _plugin_of(reader: ReaderSpec, host: PluginHost) -> str:
    return next((name.split(":")[0] for name, spec in host.readers.qualified.items() if spec is reader), reader.name)


def named_reader(name: str | None, host: PluginHost) -> ReaderSpec | None:
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


def stream_papers(opened: Sequence[Opened], request: ReadRequest, accounting: Accounting) -> Iterator[Paper]:
    """Papers of every input in order; reports go to ``accounting``.

    An input that cannot be read to its end, or whose reader raises, is reported at the line reached;
    its papers before that line and every other input are still exported.
    """
    summary = accounting.summary
    for item in opened:
        context = ReadContext(item.source.name, request.as_of, item.reader.name)
        sink = accounting.reader_report
        papers_before = summary.read
        lines = LineCounter(item.source.lines(sink))
        try:
            for result in checked_results(item.reader.read(lines, context), context, item.plugin, lines.taken):
                if isinstance(result, Report):
                    sink(result)
                else:
                    summary.read += 1
                    yield result
        except InputError as error:
            accounting.input_incomplete(error.report)
        except Exception as error:  # noqa: BLE001 - a reader plugin's bug costs its own input, not the export
            accounting.input_incomplete(Report(reader_failed(item, error), item.source.name, lines.count or None, rejected=True))
        if summary.read == papers_before:
            accounting.input_incomplete(Report(f"{NO_PAPERS} by the {item.reader.name} reader", item.source.name, 1, rejected=True))


def reader_failed(item: Opened, error: BaseException) -> str:
    """The report of a reader plugin that raised: its bug costs its own input, not the export."""
    return f"the {item.reader.name} reader (plugin {item.plugin!r}) failed: {type(error).__name__}: {error}; the rest of this input is skipped"


class LineCounter:
    """Passes lines through and remembers how many were taken, to say where a failing reader stopped."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.count = 0
        self._counting = self._count(lines)

    def _count(self, lines: Iterator[str]) -> Iterator[str]:
        for self.count, line in enumerate(lines, start=1):
            yield line

    def taken(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        # The generator itself: a reader's loop then resumes it directly, without a __next__ call a line.
        return self._counting

    def __next__(self) -> str:
        return next(self._counting)


def _merged(papers: Iterator[Paper], groups: MergeGroups) -> Iterator[Paper]:
    """Papers whose title occurs once pass straight through; a repeated one waits for its last reading."""
    for paper in papers:
        title = title_key(paper.title)
        if groups.repeats(title):
            yield from groups.add(title, paper)
        else:
            yield paper
    yield from groups.rest()


class MergeGroups:
    """The readings of each repeated title, held until its last one is read, then merged.

    ``counts`` holds the repeated titles only, by :func:`~bibx.merge.title_digest` (see :func:`_titles_and_keys`).
    """

    def __init__(self, counts: dict[int, int], accounting: Accounting) -> None:
        self._counts = counts
        self._accounting = accounting
        self._pending: dict[bytes, list[Paper]] = {}

    def repeats(self, title: bytes) -> bool:
        """Whether the title (a :func:`~bibx.merge.title_key`) has more than one reading."""
        return title_digest(title) in self._counts

    def add(self, title: bytes, paper: Paper) -> list[Paper]:
        """The merged papers once ``paper`` is its title's last reading; none before."""
        group = self._pending.setdefault(title, [])
        group.append(paper)
        if len(group) < self._counts[title_digest(title)]:
            return []
        del self._pending[title]
        return self._merged(group)

    def rest(self) -> Iterator[Paper]:
        """The groups whose readings were not all read: only if an input changed between the passes (or two
        titles share a digest). What was read is still written."""
        for group in self._pending.values():
            yield from self._merged(group)

    def _merged(self, group: list[Paper]) -> list[Paper]:
        papers = merge_readings(group)
        self._accounting.summary.merged += len(group) - len(papers)
        return papers
