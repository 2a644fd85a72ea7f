"""Export on several cores (``bibx export --jobs N``): records read and entries rendered in worker processes.

The main process cuts each input into records (the reader's cheap ``records``), sends chunks of
them to forked workers, and takes the results back in input order. A worker interprets its
records (the reader's ``interpret``: the listing grammar, most of the cost) and renders each
paper's entry with a provisional citation key: the input's own key, or the pattern's key without
a suffix. The main process keeps everything global: it counts and reports, merges repeated
titles, and hands out the keys. When the key it hands out is the provisional one (nearly always)
the worker's text is written as it is; otherwise, and for every paper it merges, it interprets
that one record again itself and renders the entry. Interpreting and rendering depend on the
record alone, so the output is the same bytes as with one process. At most a few chunks per
worker are in flight, so memory stays flat.

Merging reads the inputs twice, as in one process; the first pass runs on the workers too, and
the chunks it cut are spilled (pickled, in the export's spool folder: about the input's size on
disk) so that the second pass does not cut them again.

Only where it pays: a writer that declares ``WriterSpec(entries=True)``, readers that declare
``records`` and ``interpret``, no ``--resolve``, no library being appended to, and at least
:data:`PARALLEL_MIN_BYTES` of input. Everything else runs in one process, as with ``--jobs 1``.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from bibx.accounting import NO_PAPERS, Accounting, ignore
from bibx.citekeys import KeyAssigner, KeyBases, KeyCollisions
from bibx.facts import without_provenance
from bibx.merge import merge_readings, title_key
from bibx.model import Paper, Report
from bibx.reading import LineCounter, Opened, ReadRequest, reader_failed
from bibx.sources import InputError
from bibx.specs import EntryWriter, ReadContext, WriteContext, WriterSpec
from bibx.validation import checked_results

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

CHUNK_RECORDS = 250
CHUNKS_IN_FLIGHT_PER_WORKER = 4
# Below this much input (~1,400 listing papers, ~0.3 s of work) forking costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
PROGRESS_EVERY = 1000


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def jobs_for(requested: int | None, spec: WriterSpec, opened: Sequence[Opened]) -> int:
    """How many worker processes an export uses: 1 (none, all in-process) unless parallel work pays."""
    jobs = usable_cores() if requested is None else requested
    if jobs <= 1 or not spec.entries or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if not opened or not all(item.reader.records and item.reader.interpret for item in opened):
        return 1
    return jobs if sum(_size(item) for item in opened) >= PARALLEL_MIN_BYTES else 1


def _size(item: Opened) -> int:
    try:
        return item.source.path.stat().st_size
    except OSError:
        return 0


class _Paper(NamedTuple):
    """A paper as a worker returns it: where it is, what the main process needs, and its entry."""

    record: int  # index in the chunk
    ordinal: int  # which paper of the record
    title: bytes  # title_key
    key: str | None  # the input's own key
    digests: tuple[int, int] | None  # the first pass's: what KeyCollisions counts of it
    provisional: str | None  # the key the text was rendered with; None when not rendered
    text: str | None
    reports: tuple[Report, ...]  # the writer's, about this paper


class _Failed(NamedTuple):
    """The reader raised on a record: the rest of the input is skipped, as in one process."""

    message: str
    line: int | None


@dataclass(frozen=True)
class _Job:
    """What the forked workers inherit: the inputs' readers and, for the second pass, the writer."""

    opened: Sequence[Opened]
    as_of: Any
    writer: WriterSpec | None = None  # None: the first pass, which only counts titles and keys
    options: dict[str, str] | None = None
    key_pattern: str = ""
    collisions: KeyCollisions | None = None  # the first pass's, finished
    repeated: frozenset[bytes] = frozenset()  # titles to merge: not rendered by the worker
    provenance: bool = True


_JOB: _Job | None = None  # set just before forking; each worker builds its writer from it once
_WORKER: tuple[EntryWriter, list[Report], KeyAssigner] | None = None
_BASES: KeyCollisions | None = None  # the first pass's, for its digests only


def _context(job: _Job, index: int) -> ReadContext:
    item = job.opened[index]
    return ReadContext(item.source.name, job.as_of, item.reader.name)


def _read_chunk(index: int, payload: bytes) -> list[Report | _Paper | _Failed]:
    """In a worker: the results of one chunk of records (pickled) of input ``index``."""
    global _WORKER, _BASES
    records = pickle.loads(payload)
    job = _JOB
    assert job is not None
    item, context = job.opened[index], _context(job, index)
    if job.writer and _WORKER is None:
        reports: list[Report] = []
        writer = job.writer.factory(WriteContext(dict(job.options or {}), reports.append))
        _WORKER = (writer, reports, KeyAssigner(job.key_pattern, collisions=job.collisions))  # type: ignore[assignment]
    elif job.writer is None and _BASES is None:
        _BASES = KeyCollisions(KeyBases(job.key_pattern))
    results: list[Report | _Paper | _Failed] = []
    for number, record in enumerate(records):
        line = getattr(record, "line", None)
        try:
            ordinal = 0
            for result in checked_results(item.reader.interpret(record, context), context, item.plugin, lambda line=line: line or 0):  # type: ignore[misc]
                if isinstance(result, Report):
                    results.append(result)
                else:
                    results.append(_rendered(result, number, ordinal, job))
                    ordinal += 1
        except InputError as error:
            results.append(_Failed(error.report.message, error.report.line))
            break
        except Exception as error:  # noqa: BLE001 - as in one process: the reader's bug costs its own input
            results.append(_Failed(reader_failed(item, error), line))
            break
    return results


def _rendered(paper: Paper, number: int, ordinal: int, job: _Job) -> _Paper:
    title = title_key(paper.title)
    if _WORKER is None:
        assert _BASES is not None
        return _Paper(number, ordinal, title, paper.key, _BASES.digests(paper, title), None, None, ())
    if title in job.repeated:
        return _Paper(number, ordinal, title, paper.key, None, None, None, ())
    writer, reports, assigner = _WORKER
    provisional = paper.key or assigner.unsuffixed(paper)
    text = writer.entry(_as_written(paper, provisional, job.provenance))
    made = tuple(reports)
    reports.clear()
    return _Paper(number, ordinal, title, paper.key, None, provisional, text, made)


def _as_written(paper: Paper, key: str, provenance: bool) -> Paper:
    """``paper`` with its key, and without its listing facts for ``--no-provenance``: a copy only when needed."""
    keyed = paper if key == paper.key else replace(paper, key=key)
    return keyed if provenance else without_provenance(keyed)


class _Records(NamedTuple):
    """A chunk of one input's records, pickled once: for the workers and for the spill of the first pass."""

    index: int
    payload: bytes


class _Chunk(NamedTuple):
    index: int
    payload: bytes
    result: AsyncResult[list[Report | _Paper | _Failed]]


class _Start(NamedTuple):
    index: int


class _End(NamedTuple):
    index: int


class _Incomplete(NamedTuple):
    report: Report


_Split = _Records | _Start | _End | _Incomplete | Report
_Unit = _Chunk | _Start | _End | _Incomplete | Report


class ParallelReading:
    """The inputs of one export read by a pool of workers; the counterpart of :class:`bibx.reading.Reading`."""

    def __init__(
        self, request: ReadRequest, opened: Sequence[Opened], accounting: Accounting, jobs: int, spool: Path, provenance: bool = True
    ) -> None:
        self.request = request
        self.provenance = provenance
        self._collisions = KeyCollisions(KeyBases(request.key_pattern))
        self._spill: Path | None = None
        self._unpickled: tuple[bytes | None, list[object]] = (None, [])
        self._spool = spool
        self.opened = opened
        self.accounting = accounting
        self.jobs = jobs
        self._counts: dict[bytes, int] = {}
        self._keys: set[str] = set()

    def first_pass(self) -> None:
        """Counts repeated titles and colliding keys, collects the inputs' own keys, finds every input not readable to its end."""
        probe = Accounting(ignore)
        merge = self.request.merge
        seen: set[bytes] = set()
        spill = self._spool / "first-pass-records"
        first = _Job(self.opened, self.request.as_of, key_pattern=self.request.key_pattern)
        with _pool(first, self.jobs) as pool, spill.open("wb") as out:
            for event in self._results(_spilled_to(self._split(), out), pool, probe):
                self._collisions.add(event.digests)
                if event.key:
                    self._keys.add(event.key)
                if not merge:
                    continue
                if event.title in seen:
                    self._counts[event.title] = self._counts.get(event.title, 1) + 1
                else:
                    seen.add(event.title)
        self._collisions.finish()
        for name, report in probe.incomplete.items():
            self.accounting.incomplete.setdefault(name, report)
        self._spill = spill

    def entries(self, spec: WriterSpec, writer: EntryWriter, options: dict[str, str], progress: Callable[[int], None] | None) -> Iterator[str]:
        """The second pass: every entry to write, in order, with merging, keys and accounting as in one process."""
        request, accounting = self.request, self.accounting
        assigner = KeyAssigner(request.key_pattern, reserved=self._keys, collisions=self._collisions)
        pending: dict[bytes, list[Paper]] = {}

        def handed(paper: Paper) -> str | None:
            """A paper the main process renders itself (merged, or its key is not the provisional one)."""
            key = assigner.keep(paper.key) if paper.key else assigner.assign(paper)
            self._report_key_change(paper, key)
            return self._handed_over(writer.entry(_as_written(paper, key, self.provenance)), progress)

        job = _Job(self.opened, request.as_of, spec, options, request.key_pattern, self._collisions, frozenset(self._counts), self.provenance)
        # The second pass takes the records the first one cut and spilled: the main process does not cut them again.
        units = _spilled_from(self._spill) if self._spill else self._split()
        with _pool(job, self.jobs) as pool:
            for event, chunk in self._results(units, pool, accounting, with_chunk=True):
                count = self._counts.get(event.title) if request.merge else None
                if count is not None:
                    group = pending.setdefault(event.title, [])
                    group.append(self._reread(chunk, event))
                    if len(group) == count:
                        del pending[event.title]
                        for paper in self._merged(group):
                            if (text := handed(paper)) is not None:
                                yield text
                    continue
                key = assigner.keep(event.key) if event.key else assigner.claim(event.provisional)  # type: ignore[arg-type]
                if key == event.provisional:
                    for report in event.reports:
                        accounting.writer_report(report)
                    text = self._handed_over(event.text, progress)
                else:  # a suffixed key: this paper is rendered again, here
                    paper = self._reread(chunk, event)
                    self._report_key_change(paper, key)
                    text = self._handed_over(writer.entry(_as_written(paper, key, self.provenance)), progress)
                if text is not None:
                    yield text
        for group in pending.values():  # only if an input changed between the passes
            for paper in self._merged(group):
                if (text := handed(paper)) is not None:
                    yield text

    def _handed_over(self, text: str | None, progress: Callable[[int], None] | None) -> str | None:
        summary = self.accounting.summary
        summary.written += 1
        if progress and summary.written % PROGRESS_EVERY == 0:
            progress(summary.written)
        return text

    def _report_key_change(self, paper: Paper, key: str) -> None:
        if paper.key and key != paper.key:
            origin = paper.origin
            location = (origin.path, origin.line) if origin else ("<input>", None)
            self.accounting.reader_report(Report(f"citation key {paper.key!r} is used twice; this one becomes {key!r}", *location))

    def _merged(self, group: list[Paper]) -> list[Paper]:
        papers = merge_readings(group)
        self.accounting.summary.merged += len(group) - len(papers)
        return papers

    def _reread(self, chunk: _Chunk, event: _Paper) -> Paper:
        """The paper of ``event`` interpreted again in this process (the worker returned only its text)."""
        item = self.opened[chunk.index]
        context = ReadContext(item.source.name, self.request.as_of, item.reader.name)
        if self._unpickled[0] is not chunk.payload:  # papers to read again come in chunk order: keep the last chunk
            self._unpickled = (chunk.payload, pickle.loads(chunk.payload))
        record = self._unpickled[1][event.record]
        papers = (result for result in item.reader.interpret(record, context) if isinstance(result, Paper))  # type: ignore[misc]
        for ordinal, paper in enumerate(papers):
            if ordinal == event.ordinal:
                return paper
        raise AssertionError("a record read differently twice")  # interpret depends on the record alone

    def _results(self, units: Iterator[_Split], pool: Pool, accounting: Accounting, with_chunk: bool = False) -> Iterator[Any]:
        """Every paper event in input order, each reader report and incomplete input passed to ``accounting``."""
        summary = accounting.summary
        papers_before, failed = 0, False
        for unit in _ahead(_submitted(units, pool), self.jobs * CHUNKS_IN_FLIGHT_PER_WORKER):
            if isinstance(unit, _Start):
                papers_before, failed = summary.read, False
            elif isinstance(unit, _End):
                if summary.read == papers_before:
                    item = self.opened[unit.index]
                    accounting.input_incomplete(Report(f"{NO_PAPERS} by the {item.reader.name} reader", item.source.name, 1, rejected=True))
            elif failed:
                continue  # the reader failed earlier in this input: the rest of it is skipped, as in one process
            elif isinstance(unit, Report):
                accounting.reader_report(unit)
            elif isinstance(unit, _Incomplete):
                accounting.input_incomplete(unit.report)
                failed = True
            else:
                for event in unit.result.get():
                    if isinstance(event, Report):
                        accounting.reader_report(event)
                    elif isinstance(event, _Failed):
                        accounting.input_incomplete(Report(event.message, self.opened[unit.index].source.name, event.line, rejected=True))
                        failed = True
                        break
                    else:
                        summary.read += 1
                        yield (event, unit) if with_chunk else event

    def _split(self) -> Iterator[_Split]:
        """Each input's records in pickled chunks, with the reports about whole inputs (and its lines) in their place."""
        for index, item in enumerate(self.opened):
            yield _Start(index)
            context = ReadContext(item.source.name, self.request.as_of, item.reader.name)
            line_reports: list[Report] = []  # a line that is not UTF-8, reported before the chunk that holds it
            lines = LineCounter(item.source.lines(line_reports.append))
            chunk: list[object] = []
            try:
                for record in item.reader.records(lines, context):  # type: ignore[misc]
                    if isinstance(record, Report) or len(chunk) == CHUNK_RECORDS:
                        yield from _flushed(index, chunk, line_reports)
                        chunk = []
                    if isinstance(record, Report):
                        yield record
                    else:
                        chunk.append(record)
                yield from _flushed(index, chunk, line_reports)
            except InputError as error:
                yield from _flushed(index, chunk, line_reports)
                yield _Incomplete(error.report)
            except Exception as error:  # noqa: BLE001
                yield from _flushed(index, chunk, line_reports)
                yield _Incomplete(Report(reader_failed(item, error), item.source.name, lines.count or None, rejected=True))
            yield _End(index)


def _flushed(index: int, chunk: list[object], line_reports: list[Report]) -> Iterator[_Split]:
    yield from line_reports
    line_reports.clear()
    if chunk:
        yield _Records(index, pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))


def _submitted(units: Iterator[_Split], pool: Pool) -> Iterator[_Unit]:
    for unit in units:
        yield _Chunk(unit.index, unit.payload, pool.apply_async(_read_chunk, unit)) if isinstance(unit, _Records) else unit


def _spilled_to(units: Iterator[_Split], out: BinaryIO) -> Iterator[_Split]:
    """``units``, each also written to ``out`` (a file in the export's spool folder: memory stays flat)."""
    for unit in units:
        pickle.dump(unit, out, pickle.HIGHEST_PROTOCOL)
        yield unit


def _spilled_from(path: Path) -> Iterator[_Split]:
    with path.open("rb") as spilled:
        while True:
            try:
                yield pickle.load(spilled)
            except EOFError:
                return


def _ahead(units: Iterator[_Unit], chunks: int) -> Iterator[_Unit]:
    """``units`` in order, with up to ``chunks`` chunks submitted before the oldest is waited for."""
    waiting: deque[_Unit] = deque()
    in_flight = 0
    for unit in units:
        waiting.append(unit)
        if isinstance(unit, _Chunk):
            in_flight += 1
        while in_flight >= chunks:
            oldest = waiting.popleft()
            in_flight -= isinstance(oldest, _Chunk)
            yield oldest
    yield from waiting


class _pool:
    """A pool of forked workers that inherit ``job``; closed and joined on leaving, terminated on an error."""

    def __init__(self, job: _Job, jobs: int) -> None:
        self.job, self.jobs = job, jobs

    def __enter__(self) -> Pool:
        global _JOB
        _JOB = self.job
        try:
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        finally:
            _JOB = None
        return self.pool

    def __exit__(self, error_type: object, *_: object) -> None:
        if error_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()

