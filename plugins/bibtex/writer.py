"""BibTeX and BibLaTeX writers: .bib files that LaTeX, BibTeX and biber read without a warning.

Each paper becomes one entry, written as it arrives, in the layout of bibtexparser 2's writer
(two-space indent, one field a line, no trailing comma; :func:`entry_text`). Text goes through
:mod:`bibx_plugins.bibtex.latex`: escaped, harmless math kept, case protected in titles, and for
BibTeX non-ASCII spelled as LaTeX (``í`` → ``{\\'\\i}``) while BibLaTeX keeps UTF-8 for biber.

Mapping choices (the facts behind them are in INTEROP.md):

* BibTeX: ``@misc`` as arXiv exports it (``eprint``, ``archivePrefix``, ``primaryClass``, ``url``),
  plus ``eprinttype = {arxiv}``, which Zotero needs to keep the arXiv id and styles ignore.
  ``month`` is the unbraced macro (``mar``) that styles and Zotero translate.
* BibLaTeX: ``@online`` when a link or an identifier is known (its data model wants url, doi or
  eprint), else ``@misc``; ``date`` in ISO form with only the known parts.
* What the listing said besides (no authors listed, "et al.", an inferred year, the listing date,
  affiliations, further links; :func:`bibx.facts.fact_lines`) goes to ``annote``, never to
  ``note``: plain, unsrt, plainnat, apalike and biblatex's standard styles print ``note`` but not
  ``annote`` (biber maps it to biblatex's ``annotation``, valid for every entry type), and
  Zotero keeps it as a child note. Affiliations are not written as ``institution``: biblatex's
  ``@online`` and ``@misc`` have no such field, BibTeX's ``@misc`` styles ignore it, and Zotero
  would import it as the publisher. ``--no-provenance`` leaves these facts out.
* BibTeX's ``@misc`` with an arXiv id also gets ``howpublished = {arXiv preprint arXiv:<id>}``, as
  Google Scholar and many templates write it: plain, unsrt and apalike ignore ``eprint``.
* Without authors there is no ``author`` field; BibTeX gets a short ``key`` (the title's first
  words, or its part before a colon), which plainnat and apalike print as the citation label and
  plain.bst sorts by. Without a date, BibTeX gets ``year = {n.d.}`` ("no date"), as plainnat.bst
  warns about an empty year; BibLaTeX gets ``date = {XXXX}``, the EDTF form of an unknown year,
  which biber accepts as the date its data model requires and prints nothing for.
* A malformed key, and a URL, DOI or arXiv id that could not be written unescaped, are reported,
  never written or dropped silently. Keys arrive unique (the pipeline assigns them).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

from bibx import Organization, Paper, Person, Report, WriteContext
from bibx.arxiv import ARXIV_ID
from bibx.facts import fact_lines, item_id, paper_doi, primary_url
from bibx.model import Creator
from bibx.richtext import parse, text_of
from bibx.specs import rendered, write_separated
from bibx_plugins.bibtex.latex import latex_literal, latex_prose, unencodable_characters

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Keys that BibTeX, biber and \cite all take as one token.
CITATION_KEY = re.compile(r"[A-Za-z0-9_:.+/-]+")
# URLs and DOIs are verbatim in BibLaTeX and go to \url in natbib: they are written unescaped, so
# anything that could end the field or the verbatim argument keeps them out.
VERBATIM_SAFE = re.compile(r"[^\s{}\\]+")
# Bibliography styles treat "and" between spaces as a name separator and a lone "others" as
# "et al.": a name part containing either (or a comma) is braced into one token.
_NAME_SPLITTERS = re.compile(r",|\band\b|^others$", re.IGNORECASE)

# biblatex's data model requires one of these of an @online entry.
_ONLINE_FIELDS = frozenset(("url", "doi", "eprint"))
_AND_OTHERS = "others"
_UNDATED = "n.d."
# EDTF's unspecified year: biber takes it as a date (its data model requires one) and prints none.
_EDTF_UNKNOWN_YEAR = "XXXX"
# A label for an authorless entry: the title's part before a colon if short, else its first words.
_LABEL_WORDS = 3
# Math and grouping characters, and tags of rich text (``<sup>2</sup>``), which a label leaves out.


class BibWriter(ABC):
    """Streams entries; subclasses say which entry type and fields a paper becomes."""

    ascii_only = False

    def __init__(self, context: WriteContext) -> None:
        self._report = context.report

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        self.write_entries(rendered(self, papers), out)

    def write_entries(self, entries: Iterable[str], out: TextIO) -> None:
        write_separated(entries, out, "\n")

    @abstractmethod
    def entry_type(self, fields: list[tuple[str, str]]) -> str:
        """The entry type (without ``@``) for an entry with these (name, value) fields."""

    @abstractmethod
    def fields(self, paper: Paper) -> list[tuple[str, str | None]]:
        """(name, LaTeX value) pairs in output order; a None or empty value is left out."""

    def entry(self, paper: Paper) -> str | None:
        key = item_id(paper)
        # BibTeX and biber stop at a malformed key. (Keys are unique already: the pipeline's
        # KeyAssigner hands each out once, so the writer keeps no set of its own, ~100 MB at 1M papers.)
        if not CITATION_KEY.fullmatch(key):
            self._warn(paper, f"citation key {key!r} is not a valid BibTeX key; paper not written", rejected=True)
            return None
        fields = [(name, value if name == "month" else f"{{{value}}}") for name, value in self.fields(paper) if value]
        if self.ascii_only:
            self._warn_about_unencodable(paper, fields)
        return entry_text(self.entry_type(fields), key, fields)

    def prose(self, text: str, protect_case: bool = False) -> str:
        return latex_prose(text, ascii_only=self.ascii_only, protect_case=protect_case)

    def literal(self, text: str | None) -> str | None:
        return _literal_latex(text, self.ascii_only) if text else None

    def authors(self, paper: Paper) -> str | None:
        """``Family, Given and {Organisation} and others``; None when the listing gave no names."""
        names = [name_latex(creator, self.ascii_only) for creator in paper.creators]
        if paper.authors_truncated and names:
            names.append(_AND_OTHERS)
        return " and ".join([name for name in names if name]) or None

    def verbatim(self, paper: Paper, name: str, value: str | None) -> str | None:
        """A URL or DOI as is, or None (with a warning) when it holds characters unsafe unescaped."""
        if value and not VERBATIM_SAFE.fullmatch(value):
            self._warn(paper, f"{name} {value!r} has spaces, braces or backslashes; left out")
            return None
        return value

    def arxiv_id(self, paper: Paper) -> str | None:
        if paper.arxiv_id and not ARXIV_ID.fullmatch(paper.arxiv_id):
            self._warn(paper, f"arXiv id {paper.arxiv_id!r} is malformed; left out")
            return None
        return paper.arxiv_id

    def annote(self, paper: Paper) -> str | None:
        """The listing facts, one ``name: value`` line each, where no style prints them."""
        # "and others" in ``author`` already says that the list is truncated.
        return "\n    ".join(self.literal(line) or "" for line in fact_lines(paper, truncation_marked=True)) or None

    def label(self, paper: Paper) -> str | None:
        """A short label for an authorless entry: ``E2GAN`` of "E<sup>2</sup>GAN: Efficient Training"."""
        words = text_of(parse(paper.title)).split()
        head, colon, _ = " ".join(words).partition(":")
        short = head if colon and len(head.split()) <= _LABEL_WORDS else " ".join(words[:_LABEL_WORDS])
        return self.literal(short.rstrip(",;:.-"))

    def _warn_about_unencodable(self, paper: Paper, fields: list[tuple[str, str]]) -> None:
        kept = unencodable_characters("".join([value for _, value in fields]))
        if kept:
            advice = "pdfLaTeX needs a font package for it, or use biblatex with a Unicode engine"
            self._warn(paper, f"no LaTeX spelling for {kept!r}; kept as UTF-8 ({advice})")

    def _warn(self, paper: Paper, message: str, rejected: bool = False) -> None:
        self._report(Report.about(paper, message, rejected=rejected))


# Categories and listing facts recur too (13 distinct fact lines in a 10k-paper dump): each is escaped once.
@lru_cache(maxsize=4096)
def _literal_latex(text: str, ascii_only: bool) -> str:
    return latex_literal(text, ascii_only=ascii_only)


# Names recur (a 10k-paper listing has ~3k distinct creators): each is escaped once.
@lru_cache(maxsize=16384)
def name_latex(creator: Creator, ascii_only: bool) -> str:
    """``Family, Given`` for BibTeX's name parser; "" for a blank name."""
    if isinstance(creator, Person) and creator.family and creator.given:
        return f"{_name_part(creator.family, ascii_only)}, {_name_part(creator.given, ascii_only)}"
    # An organisation or a mononym is one token that no style may split into given and family.
    whole = creator.name if isinstance(creator, Organization) else creator.family or creator.given
    return f"{{{latex_literal(whole, ascii_only=ascii_only)}}}" if whole.strip() else ""


def _name_part(text: str, ascii_only: bool) -> str:
    latex = latex_literal(text, ascii_only=ascii_only) if text else ""
    return f"{{{latex}}}" if _NAME_SPLITTERS.search(latex) else latex


def entry_text(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    """``@type{key,`` then one ``  name = value`` line a field, as bibtexparser 2 lays an entry out.

    Formatted here rather than by bibtexparser's writer: a one-entry ``Library`` per paper (its
    key index, the writer's block dispatch) cost a quarter of the writer's time.
    """
    body = ",\n".join([f"  {name} = {value}" for name, value in fields])
    return f"@{entry_type}{{{key},\n{body}\n}}\n" if body else f"@{entry_type}{{{key},\n}}\n"


class BibtexWriter(BibWriter):
    """``@misc`` entries in arXiv's own shape, ASCII-only for classic BibTeX."""

    ascii_only = True

    def entry_type(self, fields: list[tuple[str, str]]) -> str:
        return "misc"

    def fields(self, paper: Paper) -> list[tuple[str, str | None]]:
        date, arxiv_id, authors = paper.date, self.arxiv_id(paper), self.authors(paper)
        category = self.literal(paper.category)
        return [
            ("title", self.prose(paper.title, protect_case=True)),
            ("author", authors),
            # plainnat and apalike label an authorless entry by ``key`` (else the whole title); plain sorts by it.
            ("key", None if authors else self.label(paper) or item_id(paper)),
            ("howpublished", f"arXiv preprint arXiv:{arxiv_id}" if arxiv_id else None),
            # plainnat.bst warns "empty year"; "n.d." says the date is unknown without inventing one.
            ("year", str(date.year) if date else _UNDATED),
            ("month", MONTH_MACROS[date.month - 1] if date and date.month else None),
            ("day", str(date.day) if date and date.day else None),
            ("eprint", arxiv_id),
            ("archivePrefix", "arXiv" if arxiv_id else None),
            ("eprinttype", "arxiv" if arxiv_id else None),
            ("primaryClass", category if arxiv_id else None),
            # The published version as arXiv records it (--resolve), e.g. "NeurIPS 2017".
            ("journal", self.literal(paper.journal_ref)),
            ("doi", self.verbatim(paper, "DOI", paper_doi(paper))),
            ("url", self.verbatim(paper, "URL", primary_url(paper))),
            ("keywords", category if paper.category else self.literal(paper.category_raw)),
            ("annote", self.annote(paper)),
            ("abstract", self.prose(paper.abstract)),
        ]


class BiblatexWriter(BibWriter):
    """``@online`` (or ``@misc`` without any link) for biblatex with biber, UTF-8 kept."""

    def entry_type(self, fields: list[tuple[str, str]]) -> str:
        return "misc" if _ONLINE_FIELDS.isdisjoint([name for name, _ in fields]) else "online"

    def fields(self, paper: Paper) -> list[tuple[str, str | None]]:
        arxiv_id = self.arxiv_id(paper)
        category = self.literal(paper.category)
        return [
            ("title", self.prose(paper.title, protect_case=True)),
            ("author", self.authors(paper)),
            ("date", paper.date.isoformat() if paper.date else _EDTF_UNKNOWN_YEAR),
            ("eprint", arxiv_id),
            ("eprinttype", "arxiv" if arxiv_id else None),
            ("eprintclass", category if arxiv_id else None),
            ("journaltitle", self.literal(paper.journal_ref)),
            ("doi", self.verbatim(paper, "DOI", paper_doi(paper))),
            ("url", self.verbatim(paper, "URL", primary_url(paper))),
            ("keywords", category if paper.category else self.literal(paper.category_raw)),
            ("annote", self.annote(paper)),
            ("abstract", self.prose(paper.abstract)),
        ]
