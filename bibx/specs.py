"""What a plugin registers: the reader, writer and resolver specifications and the objects they work with.

A plugin returns nothing from its hooks; it calls ``register(ReaderSpec(...))`` or
``register(WriterSpec(...))`` once per format at start-up. Reading and writing papers are then
plain function and method calls on these objects, never a hook call per paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from bibx.model import Paper, Report


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
    """

    name: str
    description: str
    read: ReadFunc
    sniff: SniffFunc | None = None
    extensions: tuple[str, ...] = ()


class Writer(Protocol):
    """Writes papers to an open text stream; the core owns files, encodings and atomic replacement."""

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        """Consume ``papers`` once, in order, writing each as it arrives."""


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
    :class:`WriterOptionError`.
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    media_type: str
    factory: Callable[[WriteContext], Writer]
    options: Mapping[str, str] = field(default_factory=dict)


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
