"""An existing bibliography that an export writes back to (``bibx export refs.bib dump.txt -o refs.bib``).

The file is the user's, not bibx's: every byte of it is kept (entry types, fields bibx does not
model, ``@string``, ``@preamble``, ``@comment``, ``%`` comments, entries bibx could not parse,
order, spacing), and the papers it does not hold yet are appended after it. A paper of the other
inputs that matches an entry of the file (same title, nothing contradicting, see
:func:`bibx.merge.contradiction`) counts as merged and leaves that entry as it is. Running the
same merge again therefore appends nothing and leaves the file byte-identical.

This works for formats whose records simply follow one another (BibTeX and BibLaTeX, RIS). A
file in another format (CSL-JSON is one array) cannot be extended without rewriting it through
bibx's model, which would lose what bibx does not model: such a file is not replaced unless the
user asks for it with ``--force``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bibx.merge import contradiction, title_key
from bibx.model import Paper

# The reader that reads the existing file → the writers whose output can follow its text unchanged.
APPENDABLE_WRITERS = {"bibtex": frozenset({"bibtex", "biblatex"}), "ris": frozenset({"ris"})}


def can_append(reader: str, writer: str) -> bool:
    """Whether ``writer``'s records may be appended to a file that the ``reader`` reader reads."""
    return writer in APPENDABLE_WRITERS.get(reader, frozenset())


@dataclass
class ExistingLibrary:
    """The papers of the file being written back to, indexed by title; its bytes are copied at write time."""

    path: Path
    keys: set[str] = field(default_factory=set)
    entries: int = 0
    appended: int = 0
    _by_title: dict[bytes, list[Paper]] = field(default_factory=dict)

    def add(self, papers: Iterable[Paper]) -> None:
        for paper in papers:
            self.entries += 1
            self._by_title.setdefault(title_key(paper.title), []).append(paper)
            if paper.key:
                self.keys.add(paper.key)

    def holds(self, paper: Paper) -> bool:
        """Whether an entry of the file is this paper (same title, nothing contradicting)."""
        return any(contradiction(entry, paper) is None for entry in self._by_title.get(title_key(paper.title), ()))

    def copy_into(self, out: TextIO) -> None:
        """The file's bytes, unchanged, at the start of ``out``."""
        out.flush()
        with self.path.open("rb") as existing:
            while chunk := existing.read(1 << 20):
                out.buffer.write(chunk)  # type: ignore[attr-defined]
        out.buffer.flush()  # type: ignore[attr-defined]

    def appending(self, papers: Iterator[Paper], out: TextIO) -> Iterator[Paper]:
        """Passes the new papers to the writer, after a blank line that separates them from the file's end."""
        for paper in papers:
            if not self.appended:
                out.write(self._separator())
            self.appended += 1
            yield paper

    def _separator(self) -> str:
        with self.path.open("rb") as existing:
            size = existing.seek(0, 2)
            existing.seek(max(0, size - 2))
            end = existing.read()
        if not end or end.endswith(b"\n\n"):
            return ""
        return "\n" if end.endswith(b"\n") else "\n\n"
