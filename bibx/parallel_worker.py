"""What the worker processes of a parallel export run (:mod:`bibx.parallel` plans and orders it).

A worker is forked with a :class:`Job` and runs :func:`interpret_chunk` on each chunk it is sent: a
chunk of records interpreted by the reader, and each paper rendered by the writer under a
placeholder key (the input's own key where it has one). It returns the chunk's events in order, each
paper as what the parent counts (:class:`Counted`), and, pickled in one piece, what the parent writes
later (:class:`Written`: the key bases, the entry, the paper pickled on its own), which the parent
keeps on disk unopened until the second pass, and then unpickles only the few papers it renders itself.

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


class Rendered(NamedTuple):
    """A paper's entry, rendered with ``provisional`` (the input's key, or the export's placeholder key)."""

    provisional: str
    text: str | None
    reports: tuple[Report, ...]  # the writer's, about this paper


class Counted(NamedTuple):
    """What the parent counts of a paper in the first pass."""

    title: bytes  # title_key
    key: str | None  # the input's own key
    digests: tuple[int, int]  # what KeyCollisions counts of it


class Written(NamedTuple):
    """What the parent needs of a paper in the second pass, to write it."""

    bases: tuple[str, str]  # the pattern's key and its extension (KeyBases.both)
    entry: Rendered | None  # None: the parent renders it (the writer raised here, or the paper holds the placeholder)
    paper: bytes  # pickled, for the few papers the parent renders itself


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


def interpret_chunk(index: int, records: list[object]) -> tuple[list[Report | Counted | Failed], bytes]:
    """In a forked worker, one chunk of input ``index``'s records: see :func:`rendered_chunk`."""
    global _STATE
    if _STATE is None:
        assert JOB is not None
        _STATE = JobState.of(JOB)
    return rendered_chunk(_STATE, index, records)


def rendered_chunk(state: JobState, index: int, records: list[object]) -> tuple[list[Report | Counted | Failed], bytes]:
    """One chunk of input ``index``'s records: the events for the parent, in order, and its papers' :class:`Written`, pickled."""
    job, writer, reports, bases = state
    placeholder = job.placeholder.encode()  # as it stands in a pickled string (ASCII: UTF-8 is itself)
    item = job.opened[index]
    events = interpreted(item, records, ReadContext(item.source.name, job.as_of, item.reader.name))
    counted: list[Report | Counted | Failed] = []
    written: list[Written] = []
    for event in events:
        if isinstance(event, Paper):
            title, both = title_key(event.title), bases.both(event)
            counted.append(Counted(title, event.key, digests(*both, title)))
            paper = pickle.dumps(event, pickle.HIGHEST_PROTOCOL)
            # A paper that holds the placeholder itself is rendered by the parent: its text is not the key's.
            entry = None if placeholder in paper else _rendered(writer, reports, event, job)
            written.append(Written(both, entry, paper))
        else:
            counted.append(event)
    return counted, pickle.dumps(written, pickle.HIGHEST_PROTOCOL)


def _rendered(writer: EntryWriter, reports: list[Report], paper: Paper, job: Job) -> Rendered | None:
    provisional = paper.key or job.placeholder
    try:
        text = writer.entry(as_written(paper, provisional, job.provenance))
    except (Exception, SystemExit):  # noqa: BLE001 - the parent renders it again, where the failure is reported
        reports.clear()
        return None
    written = tuple(reports)
    reports.clear()
    return Rendered(provisional, text, written)


def interpreted(item: Opened, records: list[object], context: ReadContext) -> list[Event]:
    """Every record's papers and reports, up to a record the reader fails on."""
    events: list[Event] = []
    for record in records:
        line = getattr(record, "line", None)
        try:
            events.extend(checked_results(item.reader.interpret(record, context), context, item.plugin, lambda line=line: line or 0))  # type: ignore[misc]
        except InputError as error:
            events.append(Failed(error.report.message, error.report.line))
            break
        except Exception as error:  # noqa: BLE001 - as in one process: the reader's bug costs its own input
            events.append(Failed(reader_failed(item, error), line))
            break
    return events


def as_written(paper: Paper, key: str, provenance: bool) -> Paper:
    """``paper`` with its key, and without its listing facts for ``--no-provenance``: a copy only when needed."""
    keyed = paper if key == paper.key else paper.with_key(key)
    return keyed if provenance else without_provenance(keyed)
