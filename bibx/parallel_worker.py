"""What the worker processes of a parallel export run (:mod:`bibx.parallel` plans and orders it).

A worker is forked with a :class:`Job` and runs :func:`interpret_chunk` on each chunk it is sent: a
chunk of records (pickled by the parent, which keeps them) interpreted by the reader, and each paper
rendered by the writer under a placeholder key (the input's own key where it has one). It returns the
chunk's events in order, each paper as what the parent counts (:data:`Counted`), and, pickled in one
piece, what the parent writes later (:data:`Written`: the key bases, the entry, where the paper's
record is), which the parent keeps on disk unopened until the second pass. The few papers the parent
renders itself it interprets again from their records (:func:`paper_again`).

So each record is interpreted and rendered once, in a worker; the parent settles the keys, which
need every paper's bases, and puts each key in its entry's place. With one job the main process
renders each chunk itself, by :func:`rendered_chunk` with a :class:`JobState` of its own.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from bibx.citekeys import KeyBases, digests
from bibx.facts import without_provenance
from bibx.merge import title_key
from bibx.model import Paper, Report
from bibx.reading import Opened, reader_failed
from bibx.sources import InputError
from bibx.specs import EntryWriter, ReadContext, WriteContext, WriterSpec
from bibx.validation import checked_results

# What is sent and kept for each paper is a plain tuple, unpacked where it is read: each is pickled two to four
# times a paper, and a named tuple costs ten times as much to pickle and unpickle (0.96 against 0.12 µs).

# What the parent counts of a paper in the first pass: its title_key, the input's own key, and the digests
# KeyCollisions counts of it.
Counted = tuple[bytes, str | None, tuple[int, int]]
# A paper's entry: the key it was rendered under (the input's, or the export's placeholder), its text (None: the
# writer skipped it) and the writer's reports about it.
Rendered = tuple[str, str | None, tuple[Report, ...]]
# What the parent needs of a paper in the second pass: the pattern's key and its extension (KeyBases.both), the
# entry (None: the parent renders it; the writer raised here, or the records hold the placeholder), and where the
# paper's record is: its place in the chunk and the paper's own among that record's papers (see paper_again).
Written = tuple[tuple[str, str], Rendered | None, tuple[int, int]]


class Failed(NamedTuple):
    """The reader raised on a record: the rest of the input is skipped, as in one process."""

    message: str
    line: int | None


Event = Report | Paper | Failed


@dataclass(frozen=True)
class Job:
    """What the forked workers inherit: the inputs' readers, the writer and how it renders."""

    opened: Sequence[Opened]
    as_of: Any
    key_pattern: str
    writer: WriterSpec
    options: dict[str, str]
    placeholder: str  # the key entries are rendered under when the input gives none
    provenance: bool = True


class JobState(NamedTuple):
    """What rendering a job's papers needs, built once per process that renders: the job's writer (its
    reports collected per paper) and key bases."""

    job: Job
    writer: EntryWriter
    reports: list[Report]
    bases: KeyBases

    @classmethod
    def of(cls, job: Job) -> JobState:
        reports: list[Report] = []
        writer: EntryWriter = job.writer.factory(WriteContext(dict(job.options), reports.append))  # type: ignore[assignment]
        return cls(job, writer, reports, KeyBases(job.key_pattern))


JOB: Job | None = None  # set just before forking: a worker has one job
_STATE: JobState | None = None  # the worker's, built on its first chunk


def interpret_chunk(index: int, pickled: list[bytes]) -> tuple[list[Report | Counted | Failed], bytes]:
    """In a forked worker, one chunk of input ``index``'s records, as the parent pickled them: see :func:`rendered_chunk`."""
    global _STATE
    if _STATE is None:
        assert JOB is not None
        _STATE = JobState.of(JOB)
    return rendered_chunk(_STATE, index, [record for group in pickled for record in pickle.loads(group)], pickled)


def rendered_chunk(state: JobState, index: int, records: list[object], pickled: list[bytes]) -> tuple[list[Report | Counted | Failed], bytes]:
    """One chunk of input ``index``'s records (``pickled``: as the parent keeps them, a few records a piece): the
    events for the parent, in order, and its papers' :class:`Written`, pickled."""
    job, writer, reports, bases = state
    # The placeholder is drawn at random for each export, once its inputs exist: an input holds it only by a chance
    # of one in 2**64 a place, or where a test fixes it and spells it out, as a pickled record then holds it (ASCII:
    # its UTF-8 is itself). Those records' papers are rendered by the parent, with their keys: their text is not the key's.
    placeholder = job.placeholder.encode()
    holds_placeholder = any(placeholder in group for group in pickled)
    item = job.opened[index]
    counted: list[Report | Counted | Failed] = []
    written: list[Written] = []
    origins = _Origins()
    for at, event in interpreted(item, records, _context(job, index)):
        if isinstance(event, Paper):
            title, both = title_key(event.title), bases.both(event)
            counted.append((title, event.key, digests(*both, title)))
            entry = None if holds_placeholder else _rendered(writer, reports, event, job)
            written.append((both, entry, origins.of(at)))
        else:
            counted.append(event)
    return counted, pickle.dumps(written, pickle.HIGHEST_PROTOCOL)


def paper_again(job: Job, index: int, record: object, nth: int, title: bytes) -> Paper:
    """The ``nth`` paper of a ``record`` of input ``index``, interpreted again: a reader interprets a record the same
    way every time (:class:`~bibx.specs.ReaderSpec`), so it is the paper whose entry was rendered from it (see
    :data:`Written`), whose title was counted as ``title`` (:func:`~bibx.merge.title_key`).

    Raises :class:`~bibx.sources.InputError` at the record's line, naming the reader, where it is not.
    """
    item, context = job.opened[index], _context(job, index)
    papers = [event for _, event in interpreted(item, [record], context) if isinstance(event, Paper)]
    if nth < len(papers) and title_key(papers[nth].title) == title:
        return papers[nth]
    reader = f"the {item.reader.name} reader (plugin {item.plugin!r})"
    message = f"{reader} read this record otherwise the second time; its interpret must depend on the record alone"
    raise InputError(context.path, getattr(record, "line", None), message)


class _Origins:
    """Each paper's origin (:data:`Written`), from the records' places in the chunk as the papers come."""

    def __init__(self) -> None:
        self.record, self.papers = -1, 0

    def of(self, at: int) -> tuple[int, int]:
        if at != self.record:
            self.record, self.papers = at, 0
        self.papers += 1
        return at, self.papers - 1


def _context(job: Job, index: int) -> ReadContext:
    item = job.opened[index]
    return ReadContext(item.source.name, job.as_of, item.reader.name)


def _rendered(writer: EntryWriter, reports: list[Report], paper: Paper, job: Job) -> Rendered | None:
    provisional = paper.key or job.placeholder
    try:
        text = writer.entry(as_written(paper, provisional, job.provenance))
    except (Exception, SystemExit):  # noqa: BLE001 - the parent renders it again, where the failure is reported
        reports.clear()
        return None
    written = tuple(reports)
    reports.clear()
    return provisional, text, written


def interpreted(item: Opened, records: list[object], context: ReadContext) -> list[tuple[int, Event]]:
    """Every record's papers and reports, each with its record's place in ``records``, up to a record the reader fails on."""
    events: list[tuple[int, Event]] = []
    for at, record in enumerate(records):
        line = getattr(record, "line", None)
        try:
            results = checked_results(item.reader.interpret(record, context), context, item.plugin, lambda line=line: line or 0)  # type: ignore[misc]
            events.extend((at, result) for result in results)  # a generator: what came before a failure is kept
        except InputError as error:
            events.append((at, Failed(error.report.message, error.report.line)))
            break
        except Exception as error:  # noqa: BLE001 - as in one process: the reader's bug costs its own input
            events.append((at, Failed(reader_failed(item, error), line)))
            break
    return events


def as_written(paper: Paper, key: str, provenance: bool) -> Paper:
    """``paper`` with its key, and without its listing facts for ``--no-provenance``: a copy only when needed."""
    keyed = paper if key == paper.key else paper.with_key(key)
    return keyed if provenance else without_provenance(keyed)
