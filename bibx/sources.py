"""Reading input text: byte-order marks, UTF-8 with a legacy fall-back, any line ending, invisible characters.

Everything about bytes and encodings happens here, once, so readers only ever see clean lines.
Inputs are read lazily, line by line; standard input and pipes are spooled to a temporary file so
they can be read twice (once to find duplicates, once to write).
"""

from __future__ import annotations

import codecs
import functools
import itertools
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from bibx.controls import CONTROLS_AS_SPACES
from bibx.model import Report

STDIN_NAME = "<stdin>"
SPOOL_CHUNK = 1 << 16
HEAD_LINES = 64
# A line is refused beyond this; it bounds the memory reading any input takes.
MAX_LINE_CHARS = 10_000_000
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
# Control characters never belong to a listing (bibx.controls): separating ones become spaces, the rest
# vanish. CR and LF end the line before it is cleaned.
CONTROLS = {code: value for code, value in CONTROLS_AS_SPACES.items() if chr(code) not in "\n\r"}
CLEAN_LINE = str.maketrans({**CONTROLS, **INVISIBLE, **SPACES})


class InputError(Exception):
    """An input that cannot be read (missing, a directory, binary) or not past a line; ``report`` names file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.report = Report(message, path, line, rejected=True)
        super().__init__(str(self.report))


@dataclass(frozen=True)
class TextInput:
    """One input file; ``name`` is what messages and provenance call it."""

    path: Path
    name: str

    def head(self) -> list[str]:
        """The first lines, for format detection: those before any line that cannot be read.

        A bad line further down is left for :meth:`lines` to report with the papers before it.
        """
        head: list[str] = []
        try:
            for line in itertools.islice(self.lines(_ignore), HEAD_LINES):
                head.append(line)
        except InputError:
            if not head:
                raise
        return head

    def lines(self, report: Callable[[Report], None]) -> Iterator[str]:
        """Every line, decoded and cleaned, without its line end.

        UTF-8 is expected, with or without a byte-order mark; a line that is not valid UTF-8 is read
        as cp1252 and the first such line is reported. UTF-16 and UTF-32 need their byte-order mark.
        Raises :class:`InputError` where reading has to stop: an unreadable file, or UTF-16/32 that
        does not decode.
        """
        encoding = self._declared_encoding()
        try:
            if encoding in (None, "utf-8-sig"):
                yield from self._utf8_lines(encoding is not None, report)
            else:
                yield from self._wide_lines(encoding, report)
        except OSError as error:
            raise InputError(self.name, None, f"cannot be read: {error.strerror or error}") from None

    def _declared_encoding(self) -> str | None:
        try:
            with self.path.open("rb") as raw:
                start = raw.read(4096)
        except OSError as error:
            raise InputError(self.name, None, f"cannot be read: {error.strerror or error}") from None
        for mark, encoding in BYTE_ORDER_MARKS:
            if start.startswith(mark):
                return encoding
        if b"\x00" in start:
            raise InputError(self.name, 1, "binary data (NUL bytes), not a text listing")
        return None

    def _utf8_lines(self, has_mark: bool, report: Callable[[Report], None]) -> Iterator[str]:
        """UTF-8 decoded line by line, so a stray legacy byte costs only its own line a fall-back.

        Latin-1 maps every byte to one character: the universal-newline reader splits the raw bytes
        into lines (CR, LF and CRLF never occur inside a UTF-8 or cp1252 character) and each line is
        decoded on its own.
        """
        fallback_reported = False
        with self.path.open("r", encoding="latin-1", newline=None) as text:
            if has_mark:
                text.read(len(codecs.BOM_UTF8))
            for number, raw in _bounded_lines(text, self.name, report):
                if raw.isascii():
                    yield clean_line(raw)
                    continue
                data = raw.encode("latin-1")
                try:
                    line = data.decode("utf-8")
                except UnicodeDecodeError:
                    line = data.decode(FALLBACK_ENCODING, errors="replace")
                    if not fallback_reported:
                        fallback_reported = True
                        message = f"not valid UTF-8; read as {FALLBACK_ENCODING} (Windows Latin-1) here and on every such line"
                        report(Report(message, self.name, number))
                yield clean_line(line)

    def _wide_lines(self, encoding: str, report: Callable[[Report], None]) -> Iterator[str]:
        """UTF-16 or UTF-32 lines; the byte-order mark says which byte order."""
        number = 0
        with self.path.open("r", encoding=encoding, newline=None) as text:
            try:
                for number, raw in _bounded_lines(text, self.name, report):  # noqa: B007 - the handler below names the line reached
                    yield clean_line(raw)
            except UnicodeDecodeError as error:
                # Decoding runs a block ahead of the lines handed out, so the bad byte is at or after this line.
                raise InputError(self.name, number + 1, f"not valid {encoding.upper()} from here on: {error.reason}") from None


def _bounded_lines(text: TextIO, name: str, report: Callable[[Report], None]) -> Iterator[tuple[int, str]]:
    """(number, line) of each line; one longer than :data:`MAX_LINE_CHARS` is refused as an empty line.

    The long line is skipped in pieces of that size, so refusing it costs no more memory than the limit.
    """
    for number, raw in enumerate(iter(functools.partial(text.readline, MAX_LINE_CHARS + 1), ""), start=1):
        if len(raw) > MAX_LINE_CHARS and not raw.endswith(("\n", "\r")):
            while (rest := text.readline(MAX_LINE_CHARS)) and not rest.endswith(("\n", "\r")):
                pass
            message = f"line longer than {MAX_LINE_CHARS:,} characters; skipped (no bibliography line is that long)"
            report(Report(message, name, number, rejected=True))
            raw = ""
        yield number, raw


def _ignore(report: Report) -> None:
    """The report sink of a pass whose reports are made again by the pass that counts them."""


def clean_line(line: str) -> str:
    """A line without its end, control or invisible characters, or odd spaces.

    Every character the cleaning changes is unprintable, so a printable line is already clean.
    """
    text = line.rstrip()
    if text.isprintable():
        return text
    return text.translate(CLEAN_LINE).rstrip()


def open_input(path: str, spool_dir: Path) -> TextInput:
    """A readable input for a path argument, ``-`` meaning standard input.

    Standard input and pipes (bash's ``<(command)``) are copied to ``spool_dir`` first, because
    merging reads every input twice.
    """
    if path == "-":
        if sys.stdin is None:
            raise InputError(STDIN_NAME, None, "standard input is closed")
        return TextInput(_spool(sys.stdin.buffer, spool_dir), STDIN_NAME)
    file = Path(path)
    if file.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    if file.is_fifo():
        with file.open("rb") as pipe:
            return TextInput(_spool(pipe, spool_dir), path)
    if not file.exists():
        raise InputError(path, None, "no such file")
    if not file.is_file():
        raise InputError(path, None, "not a regular file")
    return TextInput(file, path)


def _spool(stream: BinaryIO, spool_dir: Path) -> Path:
    with tempfile.NamedTemporaryFile(dir=spool_dir, prefix="input-", delete=False) as spool:
        # read1, not read: at a terminal, one Ctrl-D is one empty read, and read() would wait for a second.
        while chunk := stream.read1(SPOOL_CHUNK):  # type: ignore[attr-defined]
            spool.write(chunk)
    return Path(spool.name)
