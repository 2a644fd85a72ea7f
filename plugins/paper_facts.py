"""What every bibx writer says about a paper beyond its bibliographic fields, and how readers recognise it.

Writers share these so that BibTeX, BibLaTeX, CSL-JSON and RIS say the same things about a paper:
its id, the DOI and abstract page derived from an arXiv id, and the sentences for what a listing
left unsaid (no authors, "et al.", an inferred year, the listing date, affiliations, other links).
The standard-format readers read the same sentences and derived links back with the functions
below, so the two directions live side by side and cannot drift apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bibx.dates import partial_date_from_text
from bibx.model import Paper, PartialDate

ARXIV = "arXiv"
# arXiv registers a DataCite DOI for every paper under this prefix.
ARXIV_DOI_PREFIX = "10.48550/arXiv."
ARXIV_ABS_URL = "https://arxiv.org/abs/"

# The sentences of paper_notes (and the CSL writer's category line), in the
# order they are written; BibTeX joins them with spaces, CSL-JSON with newlines, RIS one per N1.
_NOTE_SENTENCE = re.compile(
    r"(?P<no_authors>The listing gave no authors\.)"
    r"|(?P<truncated>Author list truncated by the listing \(et al\.\): only the first \d+ are given\.)"
    r"|Publication year (?P<inferred>\d{4}) inferred by bibx: the listing gave no year\."
    r"|Listed on (?P<listed>\d{4}(?:-\d\d){0,2}) \(the day a feed listed it, not its publication date\)\."
    r"|Affiliations: (?P<affiliations>.*?)(?=\s+(?:Other links|arXiv category): |\n|$)"
    r"|Other links: (?P<links>.*?)(?=\s+arXiv category: |\n|$)"
    r"|arXiv category: (?P<category>\S+)"
)
ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>\S+)$", re.IGNORECASE)
_ARXIV_ABS_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/abs/(?P<id>[^\s?#]+?)/?$", re.IGNORECASE)
_DOI_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)


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
    """Links beyond :func:`primary_url`; formats with one URL field keep them in a note."""
    primary = primary_url(paper)
    return [url for url in paper.urls if url != primary]


def paper_notes(paper: Paper) -> list[str]:
    """Sentences saying what the listing left unsaid or said besides the bibliographic fields.

    None starts with a Zotero or CSL field name followed by a colon: Zotero reads such lines of
    Extra as field values.
    """
    notes = []
    if not paper.authors_known:
        notes.append("The listing gave no authors.")
    elif paper.authors_truncated:
        notes.append(f"Author list truncated by the listing (et al.): only the first {len(paper.creators)} are given.")
    if paper.date and paper.date.year_inferred:
        notes.append(f"Publication year {paper.date.year} inferred by bibx: the listing gave no year.")
    if paper.listing_date:
        notes.append(f"Listed on {paper.listing_date.isoformat()} (the day a feed listed it, not its publication date).")
    if paper.organizations:
        notes.append("Affiliations: " + "; ".join(paper.organizations))
    if links := other_urls(paper):
        notes.append("Other links: " + " ".join(links))
    return notes


@dataclass(frozen=True)
class NoteFacts:
    """What bibx's own sentences in a note say, and the text that is not one of them."""

    no_authors: bool = False
    truncated: bool = False
    inferred_year: int | None = None
    listed: PartialDate | None = None
    affiliations: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    category: str | None = None
    rest: str = ""


def read_notes(text: str) -> NoteFacts:
    """Split a note into bibx's own sentences and the rest (which the model has no place for)."""
    facts: dict[str, Any] = {}
    rest: list[str] = []
    position = 0
    while position < len(text):
        match = _NOTE_SENTENCE.search(text, position)
        if match is None:
            rest.append(text[position:])
            break
        rest.append(text[position : match.start()])
        facts.update({name: value for name, value in match.groupdict().items() if value is not None})
        position = match.end()
    listed = facts.get("listed")
    return NoteFacts(
        no_authors="no_authors" in facts,
        truncated="truncated" in facts,
        inferred_year=int(facts["inferred"]) if "inferred" in facts else None,
        listed=partial_date_from_text(listed) if listed else None,
        affiliations=tuple(part for part in facts.get("affiliations", "").split("; ") if part),
        links=tuple(facts.get("links", "").split()),
        category=facts.get("category"),
        rest=" ".join("".join(rest).split()),
    )


def arxiv_identity(arxiv_id: str | None, doi: str | None, urls: Sequence[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The arXiv id (given, or from arXiv's DataCite DOI or abstract page), the DOI and the links.

    The DOI and the abstract page that the writers derive from an arXiv id are not kept beside
    it, so that a paper read back equals the paper written.
    """
    doi = _DOI_RESOLVER.sub("", doi.strip()) if doi else None
    arxiv_id = ARXIV_PREFIX.sub("", arxiv_id.strip()) if arxiv_id else None
    if arxiv_id is None:
        derived = [_ARXIV_DOI.match(doi or ""), *(_ARXIV_ABS_URL.match(url) for url in urls)]
        arxiv_id = next((match["id"] for match in derived if match), None)
    if doi and arxiv_id and (match := _ARXIV_DOI.match(doi)) and match["id"].lower() == arxiv_id.lower():
        doi = None
    kept = (url for url in urls if not ((match := _ARXIV_ABS_URL.match(url)) and match["id"] == arxiv_id))
    return arxiv_id or None, doi or None, tuple(dict.fromkeys(kept))
