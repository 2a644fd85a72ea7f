"""Export that renders entries as it reads them: on several cores (``bibx export --jobs N``), or in this process.

The main process cuts each input into records (the reader's cheap ``records``) and sends chunks of
them, pickled, to forked workers (:mod:`bibx.parallel_worker`); with one job, it runs each chunk
itself. A worker interprets its records (the reader's ``interpret``: the listing grammar) and renders
each paper's entry under a placeholder key, and returns what the main process counts (titles to merge,
the inputs' keys, the key bases and their digests) with the entries, which the main process keeps in
the export's spool folder beside the chunk's pickled records, without reading them. Once every input
is read, the main process knows which titles repeat and which keys collide: it then walks what it
kept, in input order, and hands out the keys. Where the key a paper gets is the one its entry was
rendered for (the input's own), or the placeholder stands in the entry (and nowhere in the records),
the entry is written with the key in its place; for a paper whose title is merged, or whose entry
cannot take its key that way, it interprets the paper's record again and renders the paper itself.
Rendering depends on the paper alone, so the output is the same bytes as :class:`bibx.reading.Reading`
writes, which reads twice and hands the writer papers. At most a few chunks per worker are in flight,
so memory stays flat; the spool holds about twice the input's size on disk.

Only for a writer that declares ``WriterSpec(entries=True)``, readers that declare ``records`` and
``interpret``, and no ``--resolve``, ``--select`` or library being appended to (see
``bibx.pipeline``); workers are forked only for at least :data:`PARALLEL_MIN_BYTES` of input.
"""

from __future__ import annotations

import os
import pickle
import secrets
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from bibx import parallel_worker
from bibx.accounting import NO_PAPERS, Accounting, ignore
from bibx.citekeys import KeyAssigner, KeyBases, KeyCollisions
from bibx.digests import Repeats
from bibx.merge import title_digest
from bibx.model import Paper, Report
from bibx.parallel_worker import Counted, Failed, Job, JobState, Rendered, Written, as_written, interpret_chunk, paper_again, rendered_chunk
from bibx.reading import LineCounter, MergeGroups, Opened, ReadRequest, reader_failed
from bibx.sources import InputError
from bibx.specs import EntryWriter, ReadContext, WriterSpec

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

CHUNK_RECORDS = 250
# Records are pickled this many together: the main process unpickles one such group to render one of its papers
# again (a merged title's: with one paper in a hundred merged, about one group in seven), and pickling eight
# costs no more a record than pickling the chunk in one piece.
RECORDS_PICKLED_TOGETHER = 8
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


def jobs_for(requested: int | None, opened: Sequence[Opened]) -> int:
    """How many worker processes an export uses: 1 (none, all in this process) unless parallel work pays;
    never more than the usable cores (``--jobs 1000`` must not fork a thousand processes)."""
    jobs = usable_cores() if requested is None else min(requested, usable_cores())
    if jobs <= 1 or sum(_size(item) for item in opened) < PARALLEL_MIN_BYTES:
        return 1
    import multiprocessing  # only by exports that fork

    return jobs if "fork" in multiprocessing.get_all_start_methods() else 1


def _size(item: Opened) -> int:
    try:
        return item.source.path.stat().st_size
    except OSError:
        return 0


class _Records(NamedTuple):
    """A chunk of one input's records, for a worker."""

    source: int  # the input's position among the opened ones
    records: list[object]


class _Interpreted(NamedTuple):
    """A chunk as its worker returned it (kept on disk for :meth:`ParallelReading.entries`)."""

    source: int  # the input's position among the opened ones
    events: list[Report | Counted | Failed]
    written: bytes  # the pickled list of each paper's Written, in order
    records: list[bytes]  # the chunk's records, pickled in groups: the papers the main process renders are interpreted again


class _Chunk(NamedTuple):
    """A chunk submitted to the pool: its result is its events and its papers' Written."""

    source: int  # the input's position among the opened ones
    result: AsyncResult[Any] | _Done
    records: list[bytes]  # pickled, RECORDS_PICKLED_TOGETHER a piece


class _Start(NamedTuple):
    source: int  # the input's position among the opened ones


class _End(NamedTuple):
    source: int  # the input's position among the opened ones


class _Incomplete(NamedTuple):
    report: Report


_Cut = _Records | _Start | _End | _Incomplete | Report  # an input as the main process cuts it
_Unit = _Chunk | _Start | _End | _Incomplete | Report  # its chunks submitted
_Kept = _Interpreted | _Start | _End | _Incomplete | Report  # its chunks rendered, kept in the spool


class ParallelReading:
    """The inputs of one export read and rendered by a pool of workers, or in this process with one job;
    the counterpart of :class:`bibx.reading.Reading`."""

    def __init__(
        self,
        request: ReadRequest,
        opened: Sequence[Opened],
        accounting: Accounting,
        jobs: int,
        spool: Path,
        writing: tuple[WriterSpec, dict[str, str]],
        provenance: bool = True,
    ) -> None:
        self.request = request
        self.opened = opened
        self.accounting = accounting
        self.jobs = jobs
        # Entries are rendered under the placeholder key and given theirs later: a key no input can guess.
        placeholder = f"bibxkey{secrets.token_hex(8)}"
        self.job = Job(opened, request.as_of, request.key_pattern, *writing, placeholder, provenance)
        self._spill = spool / "first-pass-entries"
        self._collisions = KeyCollisions(KeyBases(request.key_pattern))
        self._counts: dict[int, int] = {}
        self._keys: set[str] = set()
        self._papers_before, self._failed = 0, False  # of the input being read

    def first_pass(self) -> None:
        """Interprets every record and renders its entries once; counts repeated titles and colliding keys, collects
        the inputs' own keys, finds every input not readable to its end. What the workers return is kept for :meth:`entries`."""
        probe = Accounting(ignore)
        merge = self.request.merge
        repeats = Repeats()
        with _pool(self.job, self.jobs) as pool, self._spill.open("wb") as out:
            units = _ahead((_submitted_records(unit, pool) for unit in self._split()), self.jobs * CHUNKS_IN_FLIGHT_PER_WORKER)
            for unit in _spilled_to(_interpreted(units), out):
                for title, key, digests in self._events(unit, probe):
                    self._collisions.add(digests)
                    if key:
                        self._keys.add(key)
                    if merge:
                        repeats.add(title_digest(title))
        self._collisions.finish()
        self._counts = repeats.counts()
        for name, report in probe.incomplete.items():
            self.accounting.incomplete.setdefault(name, report)

    def entries(self, writer: EntryWriter, progress: Callable[[int], None] | None) -> Iterator[str]:
        """Every entry to write, in order, with merging, keys and accounting as in one process."""
        accounting = self.accounting
        assigner = KeyAssigner(self.request.key_pattern, reserved=self._keys, collisions=self._collisions)
        groups = MergeGroups(self._counts, accounting)

        def rendered_here(paper: Paper, key: str | None = None) -> str | None:
            """A paper the main process renders itself: merged, or its entry cannot take its key."""
            key = key or (assigner.keep(paper.key) if paper.key else assigner.assign(paper))
            self._report_key_change(paper, key)
            return self._handed_over(writer.entry(as_written(paper, key, self.job.provenance)), progress)

        for unit in _spilled_from(self._spill):
            written: Iterator[Written] = iter(pickle.loads(unit.written) if isinstance(unit, _Interpreted) else ())
            papers = _PapersAgain(self.job, unit) if isinstance(unit, _Interpreted) else None
            for title, own_key, _ in self._events(unit, accounting):
                bases, rendered, origin = next(written)
                assert papers is not None  # a paper comes in a chunk
                if groups.repeats(title):
                    for paper in groups.add(title, papers.at(origin, title)):
                        if (text := rendered_here(paper)) is not None:
                            yield text
                    continue
                key = assigner.keep(own_key) if own_key else assigner.assign_from(*bases, title)
                entry = _keyed(rendered, key, self.job.placeholder)
                if entry is None:
                    text = rendered_here(papers.at(origin, title), key)
                else:
                    _, entry_text, reports = entry
                    for report in reports:
                        accounting.writer_report(report)
                    text = self._handed_over(entry_text, progress)
                if text is not None:
                    yield text
        for paper in groups.rest():
            if (text := rendered_here(paper)) is not None:
                yield text

    def _handed_over(self, text: str | None, progress: Callable[[int], None] | None) -> str | None:
        summary = self.accounting.summary
        summary.written += 1
        if progress and summary.written % PROGRESS_EVERY == 0:
            progress(summary.written)
        return text

    def _report_key_change(self, paper: Paper, key: str) -> None:
        if paper.key and key != paper.key:
            self.accounting.reader_report(Report.about(paper, f"citation key {paper.key!r} is used twice; this one becomes {key!r}"))

    def _events(self, unit: _Kept, accounting: Accounting) -> Iterator[Counted]:
        """The papers of ``unit`` in order; its reports and incomplete inputs passed to ``accounting``."""
        summary = accounting.summary
        if isinstance(unit, _Start):
            self._papers_before, self._failed = summary.read, False
        elif isinstance(unit, _End):
            if summary.read == self._papers_before:
                item = self.opened[unit.source]
                accounting.input_incomplete(Report(f"{NO_PAPERS} by the {item.reader.name} reader", item.source.name, 1, rejected=True))
        elif self._failed:
            return  # the reader failed earlier in this input: the rest of it is skipped, as in one process
        elif isinstance(unit, Report):
            accounting.reader_report(unit)
        elif isinstance(unit, _Incomplete):
            accounting.input_incomplete(unit.report)
            self._failed = True
        else:
            assert isinstance(unit, _Interpreted)  # a chunk is turned into one before it gets here
            for event in unit.events:
                if isinstance(event, Report):
                    accounting.reader_report(event)
                elif isinstance(event, Failed):
                    accounting.input_incomplete(Report(event.message, self.opened[unit.source].source.name, event.line, rejected=True))
                    self._failed = True
                    return
                else:
                    summary.read += 1
                    yield event

    def _split(self) -> Iterator[_Cut]:
        """Each input's records in chunks, with the reports about whole inputs (and its lines) in their place."""
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


def _flushed(index: int, chunk: list[object], line_reports: list[Report]) -> Iterator[_Cut]:
    yield from line_reports
    line_reports.clear()
    if chunk:
        yield _Records(index, chunk)


def _keyed(entry: Rendered | None, key: str, placeholder: str) -> Rendered | None:
    """``entry`` as rendered under ``key``, or None where the main process must render the paper itself: its
    worker failed or found the placeholder in its records, it was rendered under another key (an input's key
    taken twice), the placeholder is not in its text (a writer that changes the key) or it is in a report (a
    report on a paper with no place in the input names it by its key)."""
    if entry is None:
        return None
    provisional, text, reports = entry
    if provisional == key:
        return entry
    if provisional != placeholder or any(placeholder in report.message or placeholder in report.path for report in reports):
        return None
    if text is None:
        return entry
    return (key, text.replace(placeholder, key), reports) if placeholder in text else None


class _PapersAgain:
    """The papers of one chunk that the main process renders itself, interpreted again from their records
    (each group of records unpickled once, for its first such paper)."""

    def __init__(self, job: Job, unit: _Interpreted) -> None:
        self.job, self.unit = job, unit
        self.groups: dict[int, list[object]] = {}

    def at(self, origin: tuple[int, int], title: bytes) -> Paper:
        at, nth = origin
        group, within = divmod(at, RECORDS_PICKLED_TOGETHER)
        if group not in self.groups:
            self.groups[group] = pickle.loads(self.unit.records[group])
        return paper_again(self.job, self.unit.source, self.groups[group][within], nth, title)


def _submitted_records(unit: _Cut, pool: _Forked | _InProcess) -> _Unit:
    if not isinstance(unit, _Records):
        return unit
    records, size = unit.records, RECORDS_PICKLED_TOGETHER
    pickled = [pickle.dumps(records[at : at + size], pickle.HIGHEST_PROTOCOL) for at in range(0, len(records), size)]
    return _Chunk(unit.source, pool.submit(unit.source, records, pickled), pickled)


def _interpreted(units: Iterator[_Unit]) -> Iterator[_Kept]:
    """The first pass's units in order, each chunk waited for and turned into an :class:`_Interpreted`."""
    for unit in units:
        if isinstance(unit, _Chunk):
            events, written = unit.result.get()
            yield _Interpreted(unit.source, events, written, unit.records)
        else:
            yield unit


def _spilled_to(units: Iterator[_Kept], out: BinaryIO) -> Iterator[_Kept]:
    """``units``, each also written to ``out`` (a file in the export's spool folder: memory stays flat)."""
    for unit in units:
        pickle.dump(unit, out, pickle.HIGHEST_PROTOCOL)
        yield unit


def _spilled_from(path: Path) -> Iterator[_Kept]:
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
    """A pool of forked workers that inherit ``job``; closed and joined on leaving, terminated on an error.
    With one job, none is forked: each chunk is run in this process as it is submitted."""

    def __init__(self, job: Job, jobs: int) -> None:
        self.job, self.jobs = job, jobs

    def __enter__(self) -> _Forked | _InProcess:
        if self.jobs == 1:
            return _InProcess(JobState.of(self.job))
        import multiprocessing

        parallel_worker.JOB = self.job
        try:
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        finally:
            parallel_worker.JOB = None
        return _Forked(self.pool)

    def __exit__(self, error_type: object, *_: object) -> None:
        if self.jobs == 1:
            return
        if error_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


class _Forked(NamedTuple):
    """The forked workers: a chunk submitted is sent pickled, and rendered by :func:`interpret_chunk`."""

    pool: Pool

    def submit(self, index: int, _records: list[object], pickled: list[bytes]) -> AsyncResult[Any]:
        return self.pool.apply_async(interpret_chunk, (index, pickled))


class _InProcess:
    """The pool of one job: a chunk submitted is rendered at once, in this process, with its own writer
    (no module state: exports in several threads of one process keep apart)."""

    def __init__(self, state: JobState) -> None:
        self.state = state

    def submit(self, index: int, records: list[object], pickled: list[bytes]) -> _Done:
        """What a forked worker's :func:`interpret_chunk` gives, by :func:`rendered_chunk` with this export's state."""
        return _Done(rendered_chunk(self.state, index, records, pickled))


class _Done(NamedTuple):
    """A chunk's result, rendered in this process, waited for as a pool's is."""

    value: Any

    def get(self) -> Any:
        return self.value
