"""Rendering in worker processes: each builds its own engine once and renders chunks of items.

The ``refs`` writer hands an engine method (``leading_sort_keys``, ``sort_keys`` or ``render``) and
chunks of numbered CSL items to a :class:`Runner`: :class:`Serial` calls bibx's own engine,
:class:`Parallel` sends the chunks to a process pool whose workers were started with
:func:`start_worker`. Results come back in chunk order either way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol

from bibx_plugins.refs.output_formats import output_spelling

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from bibx_plugins.refs.engine import Engine

CHUNK_SIZE = 100


@dataclass(frozen=True, slots=True)
class RenderSetup:
    """Everything a process needs to build its own engine: passed to workers, so plain strings."""

    style_path: str
    locale: str
    output_format: str

    def engine(self) -> Engine:
        from pathlib import Path

        from bibx_plugins.refs.engine import Engine

        spelling = output_spelling(self.output_format)
        return Engine(Path(self.style_path), self.locale, spelling.formatter, spelling.encode, spelling.marks)


def in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """``values`` in lists of :data:`CHUNK_SIZE`, the unit of work a worker is sent."""
    values = iter(values)
    while chunk := list(islice(values, CHUNK_SIZE)):
        yield chunk


class Runner(Protocol):
    """Runs an engine method (``sort_keys`` or ``render``) over chunks, results in chunk order."""

    def map(self, method: str, chunks: Iterable[list[Any]]) -> Iterator[list[Any]]: ...


class Serial:
    """Every chunk rendered by one engine, in this process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def map(self, method: str, chunks: Iterable[list[Any]]) -> Iterator[list[Any]]:
        return (getattr(self.engine, method)(chunk) for chunk in chunks)


class Parallel:
    """Chunks go to worker processes; a few per worker are in flight, so input is not all held."""

    def __init__(self, pool: Executor, workers: int) -> None:
        self.pool = pool
        self.ahead = 4 * workers

    def map(self, method: str, chunks: Iterable[list[Any]]) -> Iterator[list[Any]]:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(self.pool.submit(_in_worker, method, chunk))
            if len(pending) >= self.ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_worker_engine: Engine | None = None


def start_worker(setup: RenderSetup) -> None:
    global _worker_engine
    _worker_engine = setup.engine()


def _in_worker(method: str, chunk: list[Any]) -> list[Any]:
    assert _worker_engine is not None, "worker started without its engine"
    return getattr(_worker_engine, method)(chunk)
