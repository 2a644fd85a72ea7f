"""The bibliographic model: what bibx knows about a paper, independent of any file format.

Everything here is immutable plain data. Readers build these objects, writers consume them; neither
the model nor the pipeline knows what a BibTeX brace or a RIS tag is.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

_Plain = TypeVar("_Plain")


def _pickled_by_fields(cls: type[_Plain]) -> type[_Plain]:
    """Pickle instances as (class, field values), rebuilt by the constructor: an export pickles every paper
    it reads once (the first pass's spill, the workers' results), and dataclasses' own state functions
    for frozen slotted classes cost twice as much, in Python, a field at a time."""
    names = [item.name for item in fields(cls)]  # type: ignore[arg-type]
    values: Callable[[Any], Any] = operator.attrgetter(*names)
    if len(names) == 1:
        cls.__reduce__ = lambda self: (type(self), (values(self),))  # type: ignore[method-assign]
    else:
        cls.__reduce__ = lambda self: (type(self), values(self))  # type: ignore[method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Person:
    """A human author. ``given`` may be empty for a mononym; names are never re-split later."""

    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Organization:
    """A corporate author such as "Tencent Hunyuan Team": one name that must never be split.

    An author, in :attr:`Paper.creators`; the institutions authors belong to are affiliations,
    :attr:`Paper.affiliations` (stored as ``Paper.organizations``), plain strings.
    """

    name: str

    @property
    def display(self) -> str:
        return self.name


Creator = Person | Organization


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which only the leading parts may be known (year, year-month or year-month-day).

    ``year_inferred`` is true when the source omitted the year and bibx supplied it from the
    reference date (``--as-of``); writers may use it to warn or to omit the year.
    """

    year: int
    month: int | None = None
    day: int | None = None
    year_inferred: bool = False

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            dt.date(self.year, self.month or 1, self.day)  # raises ValueError for 31 Feb etc.

    @property
    def parts(self) -> tuple[int, ...]:
        """The known parts, most significant first: (2022,), (2022, 3) or (2022, 3, 26)."""
        if self.month is None:
            return (self.year,)
        if self.day is None:
            return (self.year, self.month)
        return (self.year, self.month, self.day)

    def isoformat(self) -> str:
        """ISO 8601 with only the known parts: ``2022``, ``2022-03`` or ``2022-03-26``."""
        year, *rest = self.parts
        return "-".join([f"{year:04d}", *(f"{part:02d}" for part in rest)])


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a paper was read: a file (or ``<stdin>``), the 1-based line its record starts on, the reader."""

    path: str
    line: int
    reader: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FieldSource:
    """Where one field of a paper came from when it is not the listing: a resolver's record.

    ``field`` is the :class:`Paper` attribute (``creators``, ``date``, ``arxiv_id``, …); ``source``
    names the record (``arxiv:2203.14101``); ``fetched`` is the day that record was fetched;
    ``listing_value`` keeps what the listing itself said (as text; empty if it said nothing), so
    the listing's own facts are never lost.
    """

    field: str
    source: str
    fetched: str = ""
    listing_value: str = ""

    def __str__(self) -> str:
        was = f" (listing: {self.listing_value})" if self.listing_value else ""
        return f"{self.field} from {self.source}{was}"


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as read from one or more listings. Every field but ``title`` is optional.

    What each field holds (the plugin guide, docs/plugins.md, has the same as a table):

    * ``title``, ``abstract``: rich text (:mod:`bibx.richtext`); ``abstract`` is ``""`` when unknown.
    * ``creators``: the authors in order, each a :class:`Person` or an :class:`Organization` (a
      corporate *author*, "Tencent Hunyuan Team"). ``authors_truncated`` is the "et al." flag: the
      source listed only the first authors; it is never turned into a fake author.
      ``authors_known`` is false where the source lists no authors at all (a Daily Papers feed), so
      writers can say so instead of printing an empty list as if complete.
    * ``organizations``: the *affiliations* a listing names beside the authors ("bytedance, pku"),
      as written; not authors (also readable as :attr:`affiliations`).
    * ``category``: the arXiv category in arXiv's own spelling (``cs.LG``, ``stat.ML``), or None when
      unknown; ``category_raw``: the subject code exactly as the source printed it (``LG``, or a code
      bibx does not know, which leaves ``category`` None). Write ``category`` where a format means
      arXiv's class; ``category_raw`` only as a free keyword when ``category`` is None.
    * ``date``: the publication date shown by the source, as precise as given (:class:`PartialDate`);
      ``listing_date``: the day a feed listed the paper, which is not when it was issued.
    * ``has_code``: the listing marked the paper as having code ("Code"); ``score``: the number a
      compact listing prints before the category (``99.9CV…``), the site's own rating, uninterpreted.
    * ``arxiv_id``: arXiv's identifier without prefix or version (``2203.14101``, ``hep-th/9901001``);
      ``doi``: the bare DOI (``10.1000/xyz123``), no ``https://doi.org/`` and no ``doi:``. A writer
      wanting "the DOI" calls :func:`bibx.facts.paper_doi`, which falls back to arXiv's DataCite DOI.
    * ``urls``: links the source gave, in order (the arXiv page is derived from ``arxiv_id``, see
      :func:`bibx.facts.primary_url`).
    * ``key``: the citation key, assigned once per export so that every output format names the
      paper alike; every paper reaching a writer has one.
    * ``sources``: where the paper was read (:class:`Provenance`), one per input it was merged from.
    * ``journal_ref``: the published version's reference as arXiv gives it (``NeurIPS 2017``);
      ``field_sources``: the fields that a resolver (``--resolve``) completed, each with its record
      and the listing's own value (:class:`FieldSource`).
    """

    title: str
    creators: tuple[Creator, ...] = ()
    authors_truncated: bool = False
    authors_known: bool = True
    organizations: tuple[str, ...] = ()
    abstract: str = ""
    category: str | None = None
    category_raw: str | None = None
    date: PartialDate | None = None
    listing_date: PartialDate | None = None
    has_code: bool = False
    score: float | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    urls: tuple[str, ...] = ()
    key: str | None = None
    sources: tuple[Provenance, ...] = field(default=())
    journal_ref: str | None = None
    field_sources: tuple[FieldSource, ...] = ()

    @property
    def origin(self) -> Provenance | None:
        """The first place this paper was read, for messages."""
        return self.sources[0] if self.sources else None

    @property
    def affiliations(self) -> tuple[str, ...]:
        """The affiliations the listing named: :attr:`organizations`, under the name that says what they are."""
        return self.organizations

    def source_of(self, name: str) -> FieldSource | None:
        """The resolver record a field came from, or None when the listing gave it."""
        return next((source for source in self.field_sources if source.field == name), None)

    def with_key(self, key: str) -> Paper:
        """This paper under the citation key ``key``. Every paper an export writes is given one, so this is
        the constructor called with the other fields as they are: half the cost of :func:`dataclasses.replace`."""
        values = list(_paper_fields(self))
        values[_KEY_AT] = key
        return Paper(*values)

    def __reduce__(self) -> tuple[Callable[[tuple[Any, ...]], Paper], tuple[tuple[Any, ...]]]:
        """Pickled as its field values with the small objects in them as tuples: an export pickles every paper
        it reads once (the spill of the first pass, the workers' results), and one Python call a paper costs
        less than one for each author, date and source (6 µs against 10 for a listing paper)."""
        values = list(_paper_fields(self))
        values[_CREATORS_AT] = tuple([(item.family, item.given) if isinstance(item, Person) else item.name for item in self.creators])
        values[_SOURCES_AT] = tuple([_provenance_fields(source) for source in self.sources])
        for at in _DATES_AT:
            if values[at] is not None:
                values[at] = _date_fields(values[at])
        return _unpickled_paper, (tuple(values),)


def _unpickled_paper(plain: tuple[Any, ...]) -> Paper:
    values = list(plain)
    values[_CREATORS_AT] = tuple([Organization(item) if isinstance(item, str) else Person(*item) for item in plain[_CREATORS_AT]])
    values[_SOURCES_AT] = tuple([Provenance(*source) for source in plain[_SOURCES_AT]])
    for at in _DATES_AT:
        if values[at] is not None:
            values[at] = PartialDate(*values[at])
    return Paper(*values)


_PAPER_FIELD_NAMES = [item.name for item in fields(Paper)]
_paper_fields: Callable[[Paper], tuple[Any, ...]] = operator.attrgetter(*_PAPER_FIELD_NAMES)
_provenance_fields = operator.attrgetter(*(item.name for item in fields(Provenance)))
_date_fields = operator.attrgetter(*(item.name for item in fields(PartialDate)))
_KEY_AT, _CREATORS_AT, _SOURCES_AT = (_PAPER_FIELD_NAMES.index(name) for name in ("key", "creators", "sources"))
_DATES_AT = (_PAPER_FIELD_NAMES.index("date"), _PAPER_FIELD_NAMES.index("listing_date"))


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Report:
    """Something a user must hear about: a record that was rejected, or a warning about one.

    ``rejected`` reports account for input that produced no paper; warnings accompany a paper that
    was still produced. Readers yield these beside papers; writers pass them to their ``report``
    callback. Nothing is raised past the user and nothing disappears unreported.
    """

    message: str
    path: str
    line: int | None = None
    rejected: bool = False
    raw: str = ""

    @classmethod
    def about(cls, paper: Paper, message: str, rejected: bool = False) -> Report:
        """A report on a paper, placed where the paper was read (else named by its key)."""
        origin = paper.origin
        if origin:
            return cls(message, origin.path, origin.line, rejected=rejected, raw=paper.title)
        return cls(message, paper.key or "<paper>", rejected=rejected, raw=paper.title)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        kind = "error" if self.rejected else "warning"
        return f"{self.location}: {kind}: {self.message}"
