"""What a plugin registers: the reader and writer specifications and the objects they work with.

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
