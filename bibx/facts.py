"""What every writer derives about a paper beyond its bibliographic fields: the public API for writers.

Built-in and third-party writers call these so that every format says the same things:

* :func:`item_id`, :func:`paper_doi`, :func:`primary_url`, :func:`other_urls`: the citation key,
  the DOI (a paper's own, else the DataCite DOI arXiv registers), the main link and the others;
* :func:`listing_facts` and :func:`fact_fields`: what the listing said or left unsaid (no authors,
  "et al.", a year completed by ``--as-of``, the listing date, affiliations, further links), as
  named facts for a field that citation styles do not print. They are bookkeeping, not text for
  a reader of the paper, so no writer puts them in a ``note``.

Formats with a free-text field write :func:`fact_lines` (``bibx-listed: 2026-07-29``); readers
find them again with :func:`facts_in_text`, turn name-value pairs back into facts with
:func:`facts_from_fields`, and recognise derived links with :func:`bibx.arxiv.arxiv_identity`, so an export
read back and written again is identical. :func:`without_provenance` is ``--no-provenance``.

What bibx knows of arXiv itself (identifiers, versions, DOIs, abstract pages, categories) is
:mod:`bibx.arxiv`.

The fact names below (``FACT_*``) are a wire format: never rename one, only add new ones.
A value is a string; ``bibx-affiliation`` and ``bibx-link`` occur once per value.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bibx.arxiv import ARXIV_ABS_URL, ARXIV_DOI_PREFIX
from bibx.dates import partial_date_from_text
from bibx.model import Paper, PartialDate

FACT_AUTHORS = "bibx-authors"  # "none": the listing gave no authors; "truncated": only the first ones ("et al.")
FACT_YEAR = "bibx-year"  # "inferred": the listing gave no year, bibx completed it from --as-of
FACT_LISTED = "bibx-listed"  # ISO date a feed listed the paper on (not its publication date)
FACT_AFFILIATION = "bibx-affiliation"  # one per affiliation the listing named
FACT_LINK = "bibx-link"  # one per link beyond primary_url()
FACT_NAMES = (FACT_AUTHORS, FACT_YEAR, FACT_LISTED, FACT_AFFILIATION, FACT_LINK)
_NO_AUTHORS, _TRUNCATED, _INFERRED = "none", "truncated", "inferred"
_FACT_NAME = re.compile(r"(?:^|(?<=\s))(" + "|".join(FACT_NAMES) + r"):(?:\s+|$)")


def item_id(paper: Paper) -> str:
    """The citation key; a paper that reaches a writer without one gets a stable stand-in."""
    if paper.key:
        return paper.key
    if paper.arxiv_id:
        return f"arXiv:{paper.arxiv_id}"
    return "paper-" + hashlib.sha1(paper.title.encode("utf-8")).hexdigest()[:12]


def paper_doi(paper: Paper) -> str | None:
    """The paper's DOI, else the DataCite DOI arXiv registers for a known arXiv id."""
    if paper.doi:
        return paper.doi
    return f"{ARXIV_DOI_PREFIX}{paper.arxiv_id}" if paper.arxiv_id else None


def primary_url(paper: Paper) -> str | None:
    """The arXiv abstract page when the id is known, else the first link the listing gave."""
    if paper.arxiv_id:
        return f"{ARXIV_ABS_URL}{paper.arxiv_id}"
    return paper.urls[0] if paper.urls else None


def other_urls(paper: Paper) -> list[str]:
    """Links beyond :func:`primary_url`, for formats with one URL field."""
    primary = primary_url(paper)
    return [url for url in paper.urls if url != primary]


@dataclass(frozen=True)
class ListingFacts:
    """What a listing said or left unsaid about a paper besides its bibliographic fields."""

    no_authors: bool = False
    truncated: bool = False
    year_inferred: bool = False
    listed: PartialDate | None = None
    affiliations: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


def listing_facts(paper: Paper) -> ListingFacts:
    """The facts of ``paper`` that a writer keeps out of print."""
    return ListingFacts(
        no_authors=not paper.authors_known,
        truncated=paper.authors_known and paper.authors_truncated,
        year_inferred=bool(paper.date and paper.date.year_inferred),
        listed=paper.listing_date,
        affiliations=paper.organizations,
        links=tuple(other_urls(paper)),
    )


def fact_fields(paper: Paper, truncation_marked: bool = False) -> list[tuple[str, str]]:
    """(fact name, value) pairs of what a listing said or left unsaid about ``paper`` besides its
    bibliographic fields, which a writer keeps out of print: in a fixed order, empty when there are none.

    ``truncation_marked``: the format says "et al." itself (BibTeX's ``and others``), so the
    fact is not repeated.
    """
    pairs = []
    if not paper.authors_known:
        pairs.append((FACT_AUTHORS, _NO_AUTHORS))
    elif paper.authors_truncated and not truncation_marked:
        pairs.append((FACT_AUTHORS, _TRUNCATED))
    if paper.date and paper.date.year_inferred:
        pairs.append((FACT_YEAR, _INFERRED))
    if paper.listing_date:
        pairs.append((FACT_LISTED, paper.listing_date.isoformat()))
    pairs += [(FACT_AFFILIATION, name) for name in paper.organizations]
    if paper.urls:
        pairs += [(FACT_LINK, url) for url in other_urls(paper)]
    return pairs


def facts_from_fields(pairs: Iterable[tuple[str, str]]) -> tuple[ListingFacts, list[str]]:
    """The facts that :func:`fact_fields` wrote, and the names of pairs that are not facts or not understood."""
    values: dict[str, list[str]] = {}
    unknown = []
    for name, value in pairs:
        if name in FACT_NAMES:
            values.setdefault(name, []).append(value.strip())
        else:
            unknown.append(name)
    authors = values.get(FACT_AUTHORS, [""])[0]
    listed = None
    if FACT_LISTED in values:
        try:
            listed = partial_date_from_text(values[FACT_LISTED][0])
        except ValueError:
            unknown.append(FACT_LISTED)
    facts = ListingFacts(
        no_authors=authors == _NO_AUTHORS,
        truncated=authors == _TRUNCATED,
        year_inferred=values.get(FACT_YEAR, [""])[0] == _INFERRED,
        listed=listed,
        affiliations=tuple(values.get(FACT_AFFILIATION, ())),
        links=tuple(values.get(FACT_LINK, ())),
    )
    return facts, unknown


def fact_lines(paper: Paper, truncation_marked: bool = False) -> list[str]:
    """The facts as ``name: value`` lines (Zotero's convention for Extra), for formats with a free-text field."""
    return [f"{name}: {value}" for name, value in fact_fields(paper, truncation_marked)]


def facts_in_text(text: str) -> tuple[list[tuple[str, str]], str]:
    """(name, value) pairs of :func:`fact_lines` found in a free-text field, and the text around them.

    Lines may have been joined or re-wrapped by another tool: a fact runs from its name to the
    next fact name, whatever the white space between.
    """
    pieces = _FACT_NAME.split(text)
    rest = [pieces[0]]
    pairs = []
    for name, value in zip(pieces[1::2], pieces[2::2], strict=True):
        pairs.append((name, " ".join(value.split())))
    return pairs, " ".join(" ".join(rest).split())


def without_provenance(paper: Paper) -> Paper:
    """``paper`` without what only says where and when it was listed (``--no-provenance``).

    That the author list is truncated is kept: it is part of the author list ("et al.").
    """
    date = replace(paper.date, year_inferred=False) if paper.date and paper.date.year_inferred else paper.date
    return replace(paper, authors_known=True, listing_date=None, organizations=(), date=date)
