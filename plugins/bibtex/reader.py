"""BibTeX and BibLaTeX reader (``--from bibtex``), so an existing .bib can be merged with new dumps.

The text is streamed entry by entry: lines are cut where bibtexparser itself starts a new block
(an ``@type{`` or ``@type(`` at the start of a line) and each piece is parsed by bibtexparser 2
on its own, with the ``@string`` macros defined so far. A block bibtexparser cannot parse is
reported with the line it starts on and the next entry is still read.

Mapping, the inverse of :mod:`bibx_plugins.bibtex.writer`'s:

* the entry key becomes the paper's key, which the export keeps (and reserves against new keys);
* ``author``: ``Family, Given`` or ``Given Family`` as BibTeX splits them; a name that is one brace
  group (``{Tencent Hunyuan Team}``) is an organisation; a final ``others`` means "et al.";
* ``date`` (BibLaTeX, ISO, the start of a range), else ``year``, ``month`` (``mar``, ``3`` or
  ``March``) and ``day``;
* ``eprint`` is the arXiv id unless ``archivePrefix``/``eprinttype`` name another archive;
  ``primaryClass``/``eprintclass``, else an arXiv class among ``keywords``, is the category;
* ``title`` and ``abstract`` are decoded from LaTeX to rich text (:func:`~bibx_plugins.bibtex.latex.rich_from_latex`);
  ``note`` and name parts to text (accents, escapes, ``\\textbackslash{}``…);
  ``doi`` and ``url`` are taken verbatim; the listing facts bibx writes to ``annote`` (biblatex:
  ``annotation``) are read back (:func:`bibx.facts.facts_in_text`), and the ``howpublished`` it
  derives from the arXiv id is recognised.

Every other field (``journal``, ``pages``, …) has no place in bibx's model; they are named in one
warning per file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from bibx import Paper, PartialDate, Person, Report
from bibx.dates import MONTHS, partial_date_from_text
from bibx.facts import facts_in_text
from bibx.model import Creator
from bibx.specs import ReadContext
from bibx.standard_record import (
    MAX_RECORD_CHARS,
    RAW_LIMIT,
    RecordFields,
    UnusedFields,
    guarded_record,
    papers_from_records,
    single_field_creator,
    split_keywords,
)
from bibx_plugins.bibtex import BLOCK_START
from bibx_plugins.bibtex.latex import rich_from_latex

# bibtexparser and pylatexenc are imported where a .bib is read: every other command starts faster.
if TYPE_CHECKING:
    from bibtexparser.model import Block, Entry, ParsingFailedBlock
    from pylatexenc.latex2text import LatexNodes2Text

# Where bibtexparser's splitter starts a block (and aborts an unfinished one).
_VALUE_TOKEN = re.compile(r'[{}"#]')
# BibTeX's predefined month macros (``month = mar``).
MONTH_MACROS = {month[:3].lower(): month for month in "January February March April May June July August September October November December".split()}
# No real entry comes near this; a longer block is refused before bibtexparser copies it around.
MAX_BLOCK_CHARS = MAX_RECORD_CHARS
FIELDS_READ = frozenset(
    "title author date year month day eprint archiveprefix eprinttype primaryclass eprintclass "
    "doi url keywords note abstract key annote annotation howpublished".split()
)
ARXIV_ARCHIVES = frozenset({"arxiv"})
# What a year says when there is none (bibx's BibTeX writer puts "n.d." there for plainnat's sake).
NO_YEAR = frozenset({"n.d.", "n. d.", "nd", "no date", "undated"})
# EDTF's unspecified year, which bibx's BibLaTeX writer gives an undated paper.
NO_DATE = frozenset({"xxxx"})

# LaTeX in field values: the escapes bibx writes are undone here directly; accents and other
# commands go through pylatexenc, once per distinct command (it takes milliseconds per abstract).
_LATEX_PIECE = re.compile(
    r"(?P<math>\$[^$]*\$)"
    r"|\\(?P<escaped>[%&_#$])"
    r"|\\(?P<named>textbackslash|textbraceleft|textbraceright|textasciitilde|textasciicircum)(?:\{\}|(?![A-Za-z])\s?)"
    r"|\{(?P<group>(?:[^{}]|\{[^{}]*\})*)\}"
    r"|(?P<command>\\[^A-Za-z](?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z])?"  # \'e \"{u} \'\i
    r"|\\[A-Za-z]+(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*)"  # \ss \v{a} \emph{x}
    r"|(?P<brace>[{}])"
    r"|(?P<tie>~)"
)
_VERBATIM_ESCAPE = re.compile(r"\\([%&_#~$])")
_NAMED = {"textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~", "textasciicircum": "^"}


@lru_cache(maxsize=1)
def _latex_decoder() -> LatexNodes2Text:
    """pylatexenc's decoder, except \\textperiodcentered, which it reads as ˙ where LaTeX prints ·;
    built on the first command to decode (importing pylatexenc costs every other run ~10 ms of start-up)."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()
    context.add_context_category("bibx-corrections", macros=[MacroTextSpec("textperiodcentered", "\u00b7")], prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


def latex_to_text(latex: str) -> str:
    """Field text as a reader sees it: escapes undone, accents applied, grouping braces gone, one line."""
    return " ".join(_decode(latex).split())


def _decode(latex: str) -> str:
    if not any(char in latex for char in "\\{}~"):
        return latex
    return _LATEX_PIECE.sub(_decode_piece, latex)


def _decode_piece(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "math":
        return match.group()
    if kind == "escaped":
        return match["escaped"]
    if kind == "named":
        return _NAMED[match["named"]]
    if kind == "group":
        return _decode(match["group"])
    if kind == "command":
        return _command_text(match.group())
    return " " if kind == "tie" else ""


@lru_cache(maxsize=4096)
def _command_text(command: str) -> str:
    """``\\'\\i`` → ``í``, ``\\v{a}`` → ``ǎ``, ``\\emph{x}`` → ``x``: pylatexenc for what bibx did not escape itself."""
    return _latex_decoder().latex_to_text(command)


def split_blocks(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(first line, text) of each piece that starts a new block, as bibtexparser's splitter would cut."""
    piece: list[str] = []
    start, size = 1, 0
    for number, line in enumerate(lines, start=1):
        if BLOCK_START.match(line) and piece:
            yield start, "\n".join(piece)
            start, piece, size = number, [], 0
        if size <= MAX_BLOCK_CHARS:  # beyond, the block is refused: its text need not be held
            piece.append(line)
            size += len(line) + 1
    if piece:
        yield start, "\n".join(piece)


def parse_blocks(lines: Iterable[str]) -> Iterator[tuple[int, Block]]:
    """(line in the file, block) for every block, each parsed as soon as its text is complete.

    Field values stay as written (``pre # " " # {Learning}``): :class:`Macros` resolves them. Each
    block is parsed on its own and without the ``@string``s before it, so the cost of a block does
    not grow with the number of strings defined (bibtexparser's string middleware copies them all).
    """
    import bibtexparser
    from bibtexparser.model import ParsingFailedBlock

    _quiet_parser_log()
    for first_line, text in split_blocks(lines):
        if len(text) > MAX_BLOCK_CHARS:
            yield first_line, ParsingFailedBlock(ValueError(f"the entry is longer than {MAX_BLOCK_CHARS:,} characters"), 0, text[:RAW_LIMIT])
            continue
        try:
            library = bibtexparser.parse_string(text, parse_stack=[])
        except Exception as error:  # noqa: BLE001 - bibtexparser raises on its own internal errors; one block is lost, not the file
            yield first_line, ParsingFailedBlock(error, 0, text)
            continue
        for block in library.blocks:
            yield first_line + (block.start_line or 0), block


@lru_cache(maxsize=1)
def _quiet_parser_log() -> None:
    """bibtexparser logs every block it cannot parse; here each becomes a Report, so its log stays quiet
    instead of reaching stderr through logging's last-resort handler."""
    import logging

    logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


class Macros:
    """``@string`` macros defined so far (BibTeX's month macros built in), and values resolved with them.

    A value is pieces joined by ``#``: ``{braced}``, ``"quoted"``, a number, or a macro name
    (case-insensitive). An undefined macro is kept as its name, and said so in ``undefined``.
    """

    def __init__(self) -> None:
        self.values = dict(MONTH_MACROS)

    def define(self, name: str, raw_value: str, undefined: list[str]) -> None:
        self.values[name.strip().lower()] = self.resolve(raw_value, undefined)

    def resolve(self, raw_value: str, undefined: list[str]) -> str:
        return "".join(self._piece(piece.strip(), undefined) for piece in _concatenated(raw_value))

    def _piece(self, piece: str, undefined: list[str]) -> str:
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            return piece[1:-1]
        if piece.isdigit() or not piece:
            return piece
        value = self.values.get(piece.lower())
        if value is None:
            undefined.append(piece)
            return piece
        return value


def _concatenated(raw_value: str) -> list[str]:
    """The pieces of a value split at each ``#`` outside braces and quotes."""
    if "#" not in raw_value:
        return [raw_value]
    pieces, start, depth, quoted = [], 0, 0, False
    for match in _VALUE_TOKEN.finditer(raw_value):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == '"' and depth == 0:
            quoted = not quoted
        elif token == "#" and depth == 0 and not quoted:
            pieces.append(raw_value[start : match.start()])
            start = match.end()
    pieces.append(raw_value[start:])
    return pieces


def _failure_reason(block: ParsingFailedBlock) -> str:
    error = block.error
    reason = " ".join((getattr(error, "abort_reason", None) or str(error) or type(error).__name__).split())
    if reason.startswith("Unexpectedly reached end of file"):
        # Each block is parsed on its own: its "end of file" is where the next block starts.
        reason = "the entry ends (at the next @entry or the end of the file) with a brace or quote still open"
    return f"unparseable BibTeX block: {reason}"


def creators(author_field: str) -> tuple[list[Creator], bool]:
    """The creators of an ``author`` field, and whether it ends in ``others`` (et al.)."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    names = split_multiple_persons_names(author_field)
    truncated = bool(names) and names[-1].strip() == "others"
    return [_creator(name) for name in (names[:-1] if truncated else names)], truncated


def _creator(name: str) -> Creator:
    name = name.strip()
    if _is_one_brace_group(name):
        return single_field_creator(latex_to_text(name))
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    parts = parse_single_name_into_parts(name, strict=False)
    family = latex_to_text(" ".join([*parts.von, *parts.last, *parts.jr]))
    given = latex_to_text(" ".join(parts.first))
    return Person(family, given) if family else Person(given)


def _is_one_brace_group(name: str) -> bool:
    """``{Tencent Hunyuan Team}``: the brace that opens the name closes it at its very end."""
    if not name.startswith("{"):
        return False
    depth = 0
    for position, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return position == len(name) - 1
    return False


def month_number(text: str) -> int:
    """``mar``, ``March``, ``3`` or ``03``; raises ValueError for anything else."""
    text = latex_to_text(text).strip().rstrip(".")
    if text.isascii() and text.isdigit() and len(text) <= 2:
        return int(text)
    abbreviations = [month.lower() for month in MONTHS]
    if len(text) >= 3 and text[:3].lower() in abbreviations:
        return abbreviations.index(text[:3].lower()) + 1
    raise ValueError(f"month {text!r} not understood")


def _date(values: dict[str, str], record: RecordFields) -> PartialDate | None:
    """``date`` if given, else ``year`` with ``month`` and ``day``; what cannot be read is left out with a warning."""
    if values.get("date", "").strip().lower() in NO_DATE:
        return None
    if "date" in values:
        return _warn_unless_valid(lambda: partial_date_from_text(values["date"]), record, "the date is left out")
    year = latex_to_text(values.get("year", ""))
    if not year or year.lower() in NO_YEAR:
        return None
    if not (year.isascii() and year.isdigit() and len(year) <= 4):
        record.warnings.append(f"year {year!r} not understood; the date is left out")
        return None
    with_month = _warn_unless_valid(lambda: _year_month_day(int(year), values), record, f"only the year {year} is kept")
    return with_month or PartialDate(int(year))


def _year_month_day(year: int, values: dict[str, str]) -> PartialDate:
    month = month_number(values["month"]) if "month" in values else None
    day = values.get("day", "").strip()
    if day and not (day.isascii() and day.isdigit() and len(day) <= 2):
        raise ValueError(f"day {day!r} not understood")
    return PartialDate(year, month, int(day) if day and month else None)


def _warn_unless_valid(build: Callable[[], PartialDate], record: RecordFields, consequence: str) -> PartialDate | None:
    try:
        return build()
    except ValueError as error:
        record.warnings.append(f"{error}; {consequence}")
        return None


def entry_record(entry: Entry, line: int, macros: Macros | None = None) -> RecordFields:
    """The fields of one entry in bibx's terms, ``#`` and ``@string`` macros resolved."""
    macros = macros or Macros()
    record = RecordFields(line=line, raw=(entry.raw or "")[:RAW_LIMIT], key=entry.key)
    undefined: list[str] = []
    values = {field.key.lower(): macros.resolve(field.value, undefined) for field in entry.fields if isinstance(field.value, str)}
    if undefined:
        record.warnings.append(f"undefined @string macro {', '.join(sorted(set(undefined)))} kept as written")
    record.title = rich_from_latex(values.get("title", ""))
    record.creators, record.truncated = creators(values.get("author", ""))
    record.date = _date(values, record)
    archives = {latex_to_text(values[name]).lower() for name in ("archiveprefix", "eprinttype") if name in values}
    if "eprint" in values and archives <= ARXIV_ARCHIVES:
        record.arxiv_id = values["eprint"].strip()
        record.category = latex_to_text(values.get("primaryclass") or values.get("eprintclass") or "") or None
    else:
        record.unused += [name for name in ("eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass") if name in values]
    record.doi = _verbatim(values.get("doi"))
    record.urls = [url] if (url := _verbatim(values.get("url"))) else []
    record.abstract = rich_from_latex(values.get("abstract", ""))
    record.keywords = split_keywords(latex_to_text(values.get("keywords", "")))
    record.note = latex_to_text(values.get("note", ""))
    record.facts, rest = facts_in_text(latex_to_text(values.get("annote") or values.get("annotation") or ""))
    if rest:
        record.unused.append("annote")
    howpublished = latex_to_text(values.get("howpublished", ""))
    if howpublished and howpublished != f"arXiv preprint arXiv:{record.arxiv_id}":
        record.unused.append("howpublished")
    record.unused += sorted(name for name in values if name not in FIELDS_READ)
    return record


def _verbatim(value: str | None) -> str | None:
    """A URL or DOI: taken as written, except the escapes a LaTeX author may have put in it."""
    if value is None:
        return None
    return _VERBATIM_ESCAPE.sub(r"\1", value).strip() or None


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    unused = UnusedFields()
    return papers_from_records(_records(lines, context, unused), context, unused)


def _records(lines: Iterable[str], context: ReadContext, unused: UnusedFields) -> Iterator[RecordFields | Report]:
    from bibtexparser.model import Entry, ParsingFailedBlock, Preamble, String

    macros = Macros()
    for line, block in parse_blocks(lines):
        if isinstance(block, ParsingFailedBlock):
            yield Report(_failure_reason(block), context.path, line, rejected=True, raw=(block.raw or "")[:RAW_LIMIT])
        elif isinstance(block, Entry):
            yield guarded_record(context, line, block.raw or "", entry_record, block, line, macros)
        elif isinstance(block, String):
            undefined: list[str] = []
            macros.define(block.key, block.value, undefined)
            if undefined:
                yield Report(f"undefined @string macro {', '.join(sorted(set(undefined)))} kept as written", context.path, line)
        elif isinstance(block, Preamble):
            unused.add(["@preamble"], line)
