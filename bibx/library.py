"""An existing bibliography that an export writes back to (``bibx export refs.bib dump.txt -o refs.bib``).

The file is the user's, not bibx's: every byte of it is kept (entry types, fields bibx does not
model, ``@string``, ``@preamble``, ``@comment``, ``%`` comments, entries bibx could not parse,
order, spacing), and the papers it does not hold yet are appended after it. A paper of the other
inputs that matches an entry of the file (same title, nothing contradicting, see
:func:`bibx.merge.contradiction`) counts as merged and leaves that entry as it is. Running the
same merge again therefore appends nothing and leaves the file byte-identical.

Updating matched entries is opt-in (``--update doi,url``): only the fields named change, each
set to the text the writer writes for the matching paper; every other byte stays.

This works for formats whose records simply follow one another (BibTeX and BibLaTeX, RIS; field
updates for BibTeX only). A file in another format (CSL-JSON is one array) cannot be extended
without rewriting it through bibx's model, which would lose what bibx does not model: such a file
is not replaced unless the user asks for it with ``--force``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from bibx.merge import contradiction, title_key
from bibx.model import Paper
from bibx.specs import Writer

# The reader that reads the existing file → the writers whose output can follow its text unchanged.
APPENDABLE_WRITERS = {"bibtex": frozenset({"bibtex", "biblatex"}), "ris": frozenset({"ris"})}
# Libraries whose entries ``--update`` can edit field by field.
UPDATABLE_READERS = frozenset({"bibtex"})
_FIELD_NAME = re.compile(r"[^\s=,{}()\"#]+")


def can_append(reader: str, writer: str) -> bool:
    """Whether ``writer``'s records may be appended to a file that the ``reader`` reader reads."""
    return writer in APPENDABLE_WRITERS.get(reader, frozenset())


@dataclass
class ExistingLibrary:
    """The papers of the file being written back to, indexed by title; its bytes are read again at write time.

    ``update_fields`` are the (lower-case) field names that ``--update`` sets in matched entries,
    to what ``writer`` writes for the matching paper.
    """

    path: Path
    update_fields: tuple[str, ...] = ()
    writer: Writer | None = None
    keys: set[str] = field(default_factory=set)
    entries: int = 0
    updated: int = 0
    _by_title: dict[bytes, list[Paper]] = field(default_factory=dict)
    # Line an entry starts on → {field name: new value text}.
    _updates: dict[int, dict[str, str]] = field(default_factory=dict)

    def add(self, papers: Iterable[Paper]) -> None:
        for paper in papers:
            self.entries += 1
            self._by_title.setdefault(title_key(paper.title), []).append(paper)
            if paper.key:
                self.keys.add(paper.key)

    def entry_for(self, paper: Paper) -> Paper | None:
        """The entry of the file that is this paper (same title, nothing contradicting), if any."""
        return next((entry for entry in self._by_title.get(title_key(paper.title), ()) if contradiction(entry, paper) is None), None)

    def update(self, entry: Paper, paper: Paper) -> None:
        """Remembers the named fields of ``paper``, as the writer writes them, for ``entry``."""
        if not self.update_fields or not self.writer or not entry.origin:
            return
        rendered = io.StringIO()
        # Only field values are taken: the key is a placeholder every writer accepts.
        self.writer.write([replace(paper, key="bibxupdate")], rendered)
        fields = top_level_fields(rendered.getvalue())
        values = {name: fields[name][1] for name in self.update_fields if name in fields}
        if values:
            self._updates.setdefault(entry.origin.line, {}).update(values)

    def write(self, new_entries: BinaryIO, out: BinaryIO) -> bool:
        """The file (with any updates) and then the new entries, into ``out``; False if that is the file unchanged."""
        text = self.path.read_bytes()
        patched = self._patched(text)
        appended = new_entries.seek(0, io.SEEK_END) > 0
        if patched == text and not appended:
            return False
        out.write(patched)
        if appended:
            out.write(_separator(patched))
            new_entries.seek(0)
            while chunk := new_entries.read(1 << 20):
                out.write(chunk)
        return True

    def _patched(self, text: bytes) -> bytes:
        if not self._updates:
            return text
        lines = text.splitlines(keepends=True)
        starts = [0]
        for piece in lines:
            starts.append(starts[-1] + len(piece))
        pieces, done = [], 0
        for line, values in sorted(self._updates.items()):
            begin = text.find(b"@", starts[line - 1])
            end = entry_end(text, begin)
            if begin < done or end is None:
                continue  # not an entry bibx can edit safely: left as it is
            entry = text[begin:end].decode("utf-8", "surrogateescape")
            changed = set_fields(entry, values)
            if changed != entry:
                self.updated += 1
                pieces += [text[done:begin], changed.encode("utf-8", "surrogateescape")]
                done = end
        return b"".join([*pieces, text[done:]])


def _separator(text: bytes) -> bytes:
    """A blank line between the file's end and the first new entry."""
    if not text or text.endswith(b"\n\n"):
        return b""
    return b"\n" if text.endswith(b"\n") else b"\n\n"


# --- BibTeX entries, field by field ----------------------------------------------------------------
# Just enough of BibTeX's shape to find one field's value in an entry that bibtexparser has already
# read: ``@type{key, name = value # value, ...}`` with values in braces, quotes or bare.


def entry_end(text: bytes, at: int) -> int | None:
    """The position after the brace (or parenthesis) that closes the entry starting at ``at``."""
    opening = re.compile(rb"@\w+\s*([{(])").match(text, at)
    if not opening:
        return None
    in_parentheses = opening[1] == b"("
    braces = 0 if in_parentheses else 1
    for position in range(opening.end(), len(text)):
        char = text[position]
        if char == 0x7B:  # {
            braces += 1
        elif char == 0x7D:  # }
            braces -= 1
            if braces == 0 and not in_parentheses:
                return position + 1
        elif char == 0x29 and braces == 0 and in_parentheses:  # )
            return position + 1
    return None


def top_level_fields(entry: str) -> dict[str, tuple[tuple[int, int], str]]:
    """Each field of one entry: lower-case name → ((start, end) of its value, the value's text)."""
    fields: dict[str, tuple[tuple[int, int], str]] = {}
    position = entry.find(",", entry.find("{") if "{" in entry else entry.find("(")) + 1
    while position > 0:
        name = _FIELD_NAME.search(entry, position)
        equals = entry.find("=", name.end()) if name else -1
        if not name or equals < 0 or entry[name.end() : equals].strip():
            break
        start = equals + 1
        while entry[start : start + 1].isspace():
            start += 1
        end = _value_end(entry, start)
        fields[name[0].lower()] = ((start, end), entry[start:end])
        position = entry.find(",", end) + 1
    return fields


def _value_end(entry: str, start: int) -> int:
    """The end of a value: pieces in braces, quotes or bare, joined by ``#``."""
    position = start
    while True:
        position = _piece_end(entry, position)
        rest = len(entry) - len(entry[position:].lstrip())
        if entry[rest : rest + 1] != "#":
            return position
        position = len(entry) - len(entry[rest + 1 :].lstrip())


def _piece_end(entry: str, start: int) -> int:
    opener = entry[start : start + 1]
    if opener in ("{", '"'):
        depth = 0
        for position in range(start + 1, len(entry)):
            char = entry[position]
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0 and opener == "{":
                    return position + 1
                depth -= 1
            elif char == '"' and opener == '"' and depth == 0:
                return position + 1
        return len(entry)
    bare = re.compile(r"[^\s,#})]*").match(entry, start)
    return bare.end() if bare else start


def set_fields(entry: str, values: dict[str, str]) -> str:
    """``entry`` with each named field's value replaced, or the field added before the closing brace."""
    for name, value in values.items():
        fields = top_level_fields(entry)
        if name in fields:
            (start, end), _ = fields[name]
            entry = entry[:start] + value + entry[end:]
            continue
        body = entry[:-1].rstrip()
        closing = entry[len(body) :]
        indent = "  "
        if body.endswith(","):
            entry = f"{body}\n{indent}{name} = {value},{closing}"
        else:
            entry = f"{body},\n{indent}{name} = {value}{closing}"
    return entry
