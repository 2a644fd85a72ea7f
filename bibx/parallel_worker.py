"""What the worker processes of a parallel export run (:mod:`bibx.parallel` plans and orders it).

A worker is forked with a :class:`Job` and runs one of two functions on each chunk it is sent:

* :func:`interpret_chunk`, the first pass: a chunk of records (pickled) interpreted by the
  reader, returned twice, as :class:`Meta` events for the parent's counts (title, input key, the
  digests :class:`~bibx.citekeys.KeyCollisions` counts) and as one pickled blob of the papers,
  which the parent keeps on disk unread;
* :func:`render_chunk`, the second pass: such a blob unpickled, each paper given the key it gets
  unless that key is taken, and rendered by the writer.

So each record is interpreted once, and the parent never builds a paper it does not merge.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from bibx.citekeys import KeyAssigner, KeyBases, KeyCollisions
from bibx.facts import without_provenance
from bibx.merge import title_key
from bibx.model import Paper, Report
from bibx.reading import Opened, reader_failed
from bibx.sources import InputError
from bibx.specs import EntryWriter, ReadContext, WriteContext, WriterSpec
from bibx.validation import checked_results


class Meta(NamedTuple):
    """A paper as the parent sees it after the first pass; ``position`` is its place in the chunk's events."""

    position: int
    title: bytes  # title_key
    key: str | None  # the input's own key
    digests: tuple[int, int]  # what KeyCollisions counts of it


class Failed(NamedTuple):
    """The reader raised on a record: the rest of the input is skipped, as in one process."""

    message: str
    line: int | None


class Rendered(NamedTuple):
    """A paper's entry, rendered with ``provisional`` (the input's key, or the pattern's key unsuffixed)."""

    provisional: str
    text: str | None
    reports: tuple[Report, ...]  # the writer's, about this paper


Event = Report | Paper | Failed


@dataclass(frozen=True)
class Job:
    """What the forked workers inherit: the inputs' readers and, for the second pass, the writer."""

    opened: Sequence[Opened]
    as_of: Any
    key_pattern: str
    writer: WriterSpec | None = None  # None: the first pass
    options: dict[str, str] | None = None
    collisions: KeyCollisions | None = None  # the first pass's, finished
    repeated: frozenset[bytes] = frozenset()  # titles to merge: the parent renders them
    provenance: bool = True


JOB: Job | None = None  # set just before forking
_RENDERING: tuple[EntryWriter, list[Report], KeyAssigner] | None = None  # built once per worker
_BASES: KeyCollisions | None = None


def interpret_chunk(index: int, payload: bytes) -> tuple[list[Report | Meta | Failed], bytes]:
    """The first pass over one chunk of input ``index``'s records: the events for the parent, and the blob to keep."""
    global _BASES
    job = JOB
    assert job is not None
    if _BASES is None:
        _BASES = KeyCollisions(KeyBases(job.key_pattern))
    item = job.opened[index]
    events = interpreted(item, pickle.loads(payload), ReadContext(item.source.name, job.as_of, item.reader.name))
    meta: list[Report | Meta | Failed] = []
    for position, event in enumerate(events):
        if isinstance(event, Paper):
            title = title_key(event.title)
            meta.append(Meta(position, title, event.key, _BASES.digests(event, title)))
        else:
            meta.append(event)
    return meta, pickle.dumps(events, pickle.HIGHEST_PROTOCOL)


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


def render_chunk(blob: bytes) -> list[Rendered | None]:
    """The second pass over one chunk: each paper's entry in order, None for one whose title is merged."""
    global _RENDERING
    job = JOB
    assert job is not None and job.writer is not None
    if _RENDERING is None:
        reports: list[Report] = []
        writer = job.writer.factory(WriteContext(dict(job.options or {}), reports.append))
        _RENDERING = (writer, reports, KeyAssigner(job.key_pattern, collisions=job.collisions))  # type: ignore[assignment]
    writer, reports, assigner = _RENDERING  # type: ignore[misc]
    rendered: list[Rendered | None] = []
    for event in pickle.loads(blob):
        if not isinstance(event, Paper):
            continue
        if title_key(event.title) in job.repeated:
            rendered.append(None)
            continue
        provisional = event.key or assigner.unsuffixed(event)
        text = writer.entry(as_written(event, provisional, job.provenance))
        rendered.append(Rendered(provisional, text, tuple(reports)))
        reports.clear()
    return rendered


def as_written(paper: Paper, key: str, provenance: bool) -> Paper:
    """``paper`` with its key, and without its listing facts for ``--no-provenance``: a copy only when needed."""
    keyed = paper if key == paper.key else replace(paper, key=key)
    return keyed if provenance else without_provenance(keyed)
