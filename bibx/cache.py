"""The resolver cache: what each resolver found, in one SQLite file under the user cache folder.

Keyed by resolver name and normalised title (the records whose title normalises to it, possibly
none) and by record id, each row with the day it was fetched. A second ``--resolve`` run over the
same papers asks the network nothing; ``--offline`` answers from here alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from bibx.specs import Candidate

CACHE_ENV = "BIBX_CACHE_DIR"
CACHE_FILE = "resolve.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS titles (
    resolver TEXT NOT NULL, title TEXT NOT NULL, records TEXT NOT NULL, fetched TEXT NOT NULL,
    PRIMARY KEY (resolver, title)
);
CREATE TABLE IF NOT EXISTS ids (
    resolver TEXT NOT NULL, id TEXT NOT NULL, record TEXT, fetched TEXT NOT NULL,
    PRIMARY KEY (resolver, id)
);
"""
# SQLite's default limit on host parameters is 999 in older builds.
_QUERY_CHUNK = 500


def cache_folder() -> Path:
    """``BIBX_CACHE_DIR``, else the platform's user cache folder for bibx."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    import platformdirs  # only --resolve pays for it

    return Path(platformdirs.user_cache_dir("bibx", appauthor=False))


@dataclasses.dataclass(frozen=True)
class Cached:
    """Records found for one title or id, and the day they were fetched."""

    records: tuple[Candidate, ...]
    fetched: str


class ResolverCache:
    """Read and write found records; every write is committed at once, so an interrupted run keeps its work."""

    def __init__(self, path: Path | str, warn: Callable[[str], None] = lambda message: None) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._warn = warn
        self._db = sqlite3.connect(self.path)
        # A cache: losing the last writes to a power cut costs a request, not worth an fsync per batch.
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.executescript(_SCHEMA)

    @classmethod
    def open(cls, folder: Path, warn: Callable[[str], None]) -> ResolverCache:
        """The cache file in ``folder``; one that cannot be opened is reported and replaced by memory for this run."""
        path = folder / CACHE_FILE
        try:
            return cls(path, warn)
        except (OSError, sqlite3.Error) as error:
            warn(f"the resolver cache {path} cannot be used ({error}); this run keeps nothing")
            return cls(":memory:", warn)

    def close(self) -> None:
        self._db.close()

    def titles(self, resolver: str, titles: Iterable[str]) -> dict[str, Cached]:
        rows = self._select("SELECT title, records, fetched FROM titles WHERE resolver = ? AND title IN ({})", resolver, titles)
        return {title: Cached(tuple(_candidate(item) for item in json.loads(records)), fetched) for title, records, fetched in rows}

    def ids(self, resolver: str, ids: Iterable[str]) -> dict[str, Cached]:
        rows = self._select("SELECT id, record, fetched FROM ids WHERE resolver = ? AND id IN ({})", resolver, ids)
        return {key: Cached((_candidate(json.loads(record)),) if record else (), fetched) for key, record, fetched in rows}

    def store_titles(self, resolver: str, found: Mapping[str, Sequence[Candidate]], fetched: str) -> None:
        rows = [(resolver, title, json.dumps([_plain(record) for record in records]), fetched) for title, records in found.items()]
        self._write("INSERT OR REPLACE INTO titles VALUES (?, ?, ?, ?)", rows)

    def store_ids(self, resolver: str, found: dict[str, Candidate | None], fetched: str) -> None:
        rows = [(resolver, key, json.dumps(_plain(record)) if record else None, fetched) for key, record in found.items()]
        self._write("INSERT OR REPLACE INTO ids VALUES (?, ?, ?, ?)", rows)

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        """Store rows; a cache that cannot be written (disk full, read-only) costs the next run a request, nothing more."""
        try:
            with self._db:
                self._db.executemany(sql, rows)
        except sqlite3.Error as error:
            self._warn(f"the resolver cache {self.path} cannot be written ({error}); answers are used but not kept")

    def _select(self, sql: str, resolver: str, keys: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _QUERY_CHUNK):
            part = unique[start : start + _QUERY_CHUNK]
            yield from self._db.execute(sql.format(", ".join("?" * len(part))), [resolver, *part])


def today() -> str:
    return dt.date.today().isoformat()


def _plain(record: Candidate) -> dict[str, object]:
    plain = dataclasses.asdict(record)
    plain["published"] = record.published.isoformat() if record.published else None
    return plain


def _candidate(plain: dict[str, object]) -> Candidate:
    published = plain.get("published")
    fields = {name.name for name in dataclasses.fields(Candidate)}
    values = {name: value for name, value in plain.items() if name in fields}
    values["authors"] = tuple(values.get("authors") or ())  # type: ignore[arg-type]
    values["published"] = dt.date.fromisoformat(published) if isinstance(published, str) else None
    return Candidate(**values)  # type: ignore[arg-type]
