"""Reading input text: byte-order marks, UTF-8 with a legacy fall-back, any line ending, invisible characters.

Everything about bytes and encodings happens here, once, so readers only ever see clean lines.
Inputs are read lazily, line by line; standard input is spooled to a temporary file so it can be
read twice (once to find duplicates, once to write).
"""

from __future__ import annotations

import codecs
import itertools
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from bibx.model import Report

STDIN_NAME = "<stdin>"
HEAD_LINES = 64
FALLBACK_ENCODING = "cp1252"
# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Zero-width characters vanish; no-break and other odd spaces become plain spaces.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
SPACES = dict.fromkeys(map(ord, "\t\u00a0\u2007\u202f\u2009\u200a\u3000"), " ")
CLEAN_LINE = str.maketrans({**INVISIBLE, **SPACES})


class InputError(Exception):
    """An input that cannot be read at all (missing, a directory, binary); ``report`` names file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.report = Report(message, path, line, rejected=True)
        super().__init__(str(self.report))


@dataclass(frozen=True)
class TextInput:
    """One input file; ``name`` is what messages and provenance call it."""

    path: Path
    name: str

    def head(self) -> list[str]:
        """The first lines, for format detection."""
        return list(itertools.islice(self.lines(lambda report: None), HEAD_LINES))

    def lines(self, report: Callable[[Report], None]) -> Iterator[str]:
        """Every line, decoded and cleaned, without its line end.

        UTF-8 is expected; a file that is not valid UTF-8 is read as cp1252 with one warning.
        """
        encoding = self._declared_encoding()
        produced = 0
        try:
            for line in self._decoded_lines(encoding or "utf-8"):
                produced += 1
                yield line
            return
        except UnicodeDecodeError as error:
            if encoding:
                raise InputError(self.name, produced + 1, f"not valid {encoding}: {error.reason}") from None
        report(Report(f"not valid UTF-8; read as {FALLBACK_ENCODING} (Windows Latin-1)", self.name, produced + 1))
        yield from itertools.islice(self._decoded_lines(FALLBACK_ENCODING), produced, None)

    def _declared_encoding(self) -> str | None:
        with self.path.open("rb") as raw:
            start = raw.read(4096)
        for mark, encoding in BYTE_ORDER_MARKS:
            if start.startswith(mark):
                return encoding
        if b"\x00" in start:
            raise InputError(self.name, 1, "binary data (NUL bytes), not a text listing")
        return None

    def _decoded_lines(self, encoding: str) -> Iterator[str]:
        errors = "replace" if encoding == FALLBACK_ENCODING else "strict"
        with self.path.open("r", encoding=encoding, errors=errors, newline=None) as text:
            for line in text:
                yield clean_line(line)


def clean_line(line: str) -> str:
    """A line without its end, invisible characters or odd spaces (the ASCII case is the fast path)."""
    if line.isascii():
        return line.replace("\t", " ").rstrip()
    return line.translate(CLEAN_LINE).rstrip()


def open_input(path: str, spool_dir: Path) -> TextInput:
    """A readable input for a path argument, ``-`` meaning standard input."""
    if path == "-":
        return TextInput(_spool_stdin(spool_dir), STDIN_NAME)
    file = Path(path)
    if file.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    if not file.is_file():
        raise InputError(path, None, "no such file")
    return TextInput(file, path)


def _spool_stdin(spool_dir: Path) -> Path:
    with tempfile.NamedTemporaryFile(dir=spool_dir, prefix="stdin-", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    return Path(spool.name)
