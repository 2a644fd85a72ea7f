"""What a plugin registers: the reader, writer and resolver specifications and the objects they work with.

A plugin returns nothing from its hooks; it calls ``register(ReaderSpec(...))`` or
``register(WriterSpec(...))`` once per format at start-up. Reading and writing papers are then
plain function and method calls on these objects, never a hook call per paper.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from bibx.model import Paper, Report


class Deferred:
    """The callable ``"module:attribute"`` names, imported on the first call, for a spec's ``read``, ``factory`` and the like.

    ``ReaderSpec("myformat", "...", read=Deferred("my_package.reader:read"), sniff=Deferred("my_package.reader:sniff"))``
    registers a reader without importing ``my_package.reader``: bibx imports it when it first sniffs or
    reads. An import error surfaces at that call, as the function's own error would.
    """

    __slots__ = ("target", "_function")

    def __init__(self, target: str) -> None:
        self.target = target
        self._function: Callable[..., Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (self._function or self.resolve())(*args, **kwargs)

    def resolve(self) -> Callable[..., Any]:
        """The function itself, its module imported now if it was not already."""
        module, _, attribute = self.target.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module), attribute)
        self._function = function
        return function

    def __reduce__(self) -> tuple[type[Deferred], tuple[str]]:
        return Deferred, (self.target,)  # a worker process imports the target itself, if it has not already

    def __repr__(self) -> str:
        return f"Deferred({self.target!r})"


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader is told about the text it reads.

    ``path`` is the name to put in provenance and messages (``<stdin>`` for standard input);
    ``as_of`` is the reference date against which a date without a year is completed;
    ``reader`` is the registered reader name to record in provenance.
    """

    path: str
    as_of: dt.date
    reader: str


SniffFunc = Callable[[Sequence[str]], float]
ReadFunc = Callable[[Iterable[str], ReadContext], Iterator["Paper | Report"]]
RecordsFunc = Callable[[Iterable[str], ReadContext], Iterator[object]]
InterpretFunc = Callable[[object, ReadContext], Iterator["Paper | Report"]]


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """An input format.

    ``sniff(head)`` receives the first lines of a text (at most 64, already decoded, without line
    ends) and returns a confidence from 0.0 (not mine) to 1.0 (certainly mine); the reader with the
    highest confidence above 0 reads the file unless the user names one with ``--from``. ``None``
    means the format is only used when named.

    ``read(lines, context)`` receives every line of the text (decoded, line ends removed, line 1
    first) and yields :class:`~bibx.model.Paper` objects and :class:`~bibx.model.Report` objects
    in input order, lazily: it must not hold the whole text. A record it cannot turn into a paper
    is yielded as a ``Report(rejected=True, ...)`` naming the line, never dropped and never raised.

    ``records`` and ``interpret`` (both or neither) let bibx read one input on several cores
    (``bibx export --jobs N``). ``records(lines, context)`` cuts the text into records cheaply and
    yields them in order, with any :class:`Report` about the text as a whole (lines before the
    first record, a header that disagrees with the page) where it belongs; every other object it
    yields is a record, which must pickle. ``interpret(record, context)`` turns one record into
    papers and reports, depending on nothing but the record and the context: bibx calls it in
    worker processes, and again in the main process when it needs a paper itself. ``read`` must
    yield exactly what :func:`read_by_records` yields for the two.
    """

    name: str
    description: str
    read: ReadFunc
    sniff: SniffFunc | None = None
    extensions: tuple[str, ...] = ()
    records: RecordsFunc | None = None
    interpret: InterpretFunc | None = None


def read_by_records(records: RecordsFunc, interpret: InterpretFunc, lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    """A reader's ``read`` made of its ``records`` and ``interpret`` (see :class:`ReaderSpec`)."""
    for record in records(lines, context):
        if isinstance(record, Report):
            yield record
        else:
            yield from interpret(record, context)


class Writer(Protocol):
    """Writes papers to an open text stream; the core owns files, encodings and atomic replacement."""

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        """Consume ``papers`` once, in order, writing each as it arrives."""


class EntryWriter(Writer, Protocol):
    """A writer whose output is one entry per paper, each rendered from that paper alone, between fixed text.

    Declaring it (``WriterSpec(..., entries=True)``) lets bibx render entries in worker processes
    (``bibx export --jobs N``): each worker builds its own writer with the same factory and options
    and calls :meth:`entry`; the parent calls :meth:`write_entries` with every entry in paper order.
    ``write(papers, out)`` must write exactly what ``write_entries`` writes for the entries of
    ``papers``, so that the output is the same bytes whatever the number of jobs (tested for
    bibx's writers by ``tests/test_parallel.py``). Reports made in :meth:`entry` reach the user
    in the order of the papers.

    Workers render an entry before the paper's key is settled, under a placeholder key made of
    letters and digits, and the key then takes the placeholder's place wherever it stands in the
    text: so the key must be in the entry as it is, never transformed (an entry without the
    placeholder, or a report that names it, is rendered again with the real key, which costs time only).
    """

    def entry(self, paper: Paper) -> str | None:
        """The text of one paper, or None for a paper not written (reported as ``rejected``)."""

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        """Write the entries, in order, with whatever goes before, between and after them."""


def rendered(writer: EntryWriter, papers: Iterable[Paper]) -> Iterator[str]:
    """The entries of ``papers``, for an :class:`EntryWriter`'s ``write``: ``write_entries(rendered(self, papers), out)``."""
    entry = writer.entry
    for paper in papers:
        text = entry(paper)
        if text is not None:
            yield text


def write_separated(entries: Iterable[str], out: TextIO, between: str, first: str = "", last: str = "", empty: str = "") -> None:
    """``first``, the entries with ``between`` between them, then ``last``; only ``empty`` when there is none.

    The shape of most formats' ``write_entries``: ``write_separated(entries, out, ",\\n", "[\\n", "\\n]\\n", "[]\\n")``
    is a JSON array with one entry a line.
    """
    written = False
    for entry in entries:
        out.write(between if written else first)
        out.write(entry)
        written = True
    out.write(last if written else empty)


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What a writer factory receives.

    ``options`` holds the user's writer options (``--style apa`` arrives as ``{"style": "apa"}``;
    only names the spec declared reach the writer). ``report`` takes a :class:`Report` for a paper
    the writer could not write (``rejected=True``) or wrote with a loss worth a warning.
    """

    options: Mapping[str, str] = field(default_factory=dict)
    report: Callable[[Report], None] = lambda report: None


class WriterOptionError(ValueError):
    """Raised by a writer factory for an option value it cannot use; the message is shown as is."""


@dataclass(frozen=True, slots=True)
class WriterSpec:
    """An output format.

    ``extensions`` (without dots) let ``-o refs.bib`` choose the format; ``media_type`` is the IANA
    type of the output; ``options`` maps each option the writer accepts to its help text;
    ``factory(context)`` builds a fresh :class:`Writer` for one export and may raise
    :class:`WriterOptionError`. ``entries=True`` declares that the writers it builds are
    :class:`EntryWriter` objects, whose entries bibx may render on several cores; a writer that numbers
    or sorts its entries, or otherwise needs to see every paper, leaves it False.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    media_type: str
    factory: Callable[[WriteContext], Writer]
    options: Mapping[str, str] = field(default_factory=dict)
    entries: bool = False


@dataclass(frozen=True, slots=True)
class Lookup:
    """One paper a resolver is asked about: the title as the listing gives it, and its arXiv id if known."""

    title: str
    arxiv_id: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record a resolver found; bibx, not the resolver, decides whether it is the paper asked about.

    ``id`` names the record within its source, without a version (``2203.14101``); ``authors`` are
    full names in the source's order, all of them; ``published`` is the first version's date.
    ``title`` is rich text like :attr:`Paper.title` (a resolver turns its source's markup into it,
    e.g. :func:`bibx.richtext.from_latex` for arXiv's LaTeX).
    """

    id: str
    title: str
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    arxiv_id: str | None = None
    category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None


class ResolverError(Exception):
    """Raised by a resolver whose service failed for a batch (unreachable, malformed answer); shown as is."""


class Resolver(Protocol):
    """Finds records for papers; one call per batch of at most the spec's ``batch_size`` lookups."""

    def find(self, lookups: Sequence[Lookup]) -> Iterable[Candidate]:
        """Every record the service offers for these lookups, near misses included; raise ResolverError on failure."""


@dataclass(frozen=True, slots=True)
class ResolveContext:
    """What a resolver factory receives: ``warn`` takes a message about a record the resolver skipped."""

    warn: Callable[[str], None] = lambda message: None


@dataclass(frozen=True, slots=True)
class ResolverSpec:
    """A bibliographic service that completes papers (``bibx export --resolve``).

    ``factory(context)`` builds a :class:`Resolver` for one export; it is only called when the user
    asks for ``--resolve`` and the cache cannot answer, so importing a network client belongs there.
    ``batch_size`` is how many lookups one ``find`` call takes. bibx caches what ``find`` returns
    under ``name``, matches titles and authors itself, and never calls ``find`` with ``--offline``.
    """

    name: str
    description: str
    factory: Callable[[ResolveContext], Resolver]
    batch_size: int = 25
