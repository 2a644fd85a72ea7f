"""Recognising the same paper read from several listings, and combining what each listing knew.

Papers are matched on a normalised title (case, accents, punctuation and spacing ignored), through a
hash index: linear time, no pairwise comparison except inside a group of equal titles. Two readings
with one title are one paper only when nothing contradicts it (:func:`contradiction`): two
different papers called "Introduction" stay two.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from bibx.digests import blake2b_of_size
from bibx.model import Paper, PartialDate
from bibx.richtext import to_plain

T = TypeVar("T")
# Every ASCII byte but letters and digits: what title_letters drops from an ASCII title.
NON_ALNUM_BYTES = bytes(byte for byte in range(128) if not chr(byte).isalnum())
_LOWERED = bytes.maketrans(string.ascii_uppercase.encode(), string.ascii_lowercase.encode())
_blake2b_12 = blake2b_of_size(12)
# A preprint and its journal version are often a year or two apart; further apart, two papers.
MAX_YEAR_GAP = 2


def title_key(title: str) -> bytes:
    """A compact digest under which the same title, however cased, punctuated or marked up, meets itself."""
    return _blake2b_12(title_letters(to_plain(title)))


def title_digest(key: bytes) -> int:
    """64 bits of a :func:`title_key`: what counting repeated titles keeps of each (:class:`~bibx.digests.Repeats`)."""
    return int.from_bytes(key[:8], "little")


def title_letters(title: str) -> bytes:
    """The letters and digits of ``title``, accents split off and case folded, in UTF-8."""
    if title.isascii():
        # On ASCII, NFKD changes nothing, casefold is lower() and the letters and digits are
        # [A-Za-z0-9]: the Unicode path's bytes, at a fifth of its cost (one pass of a byte table).
        return title.encode().translate(_LOWERED, NON_ALNUM_BYTES)
    return unicode_title_letters(title).encode()


def unicode_title_letters(title: str) -> str:
    """:func:`title_letters` for any text, without the ASCII shortcut (as a string)."""
    folded = unicodedata.normalize("NFKD", title).casefold()
    return "".join(char for char in folded if char.isalnum())


def contradiction(first: Paper, second: Paper) -> str | None:
    """Why two readings with one title cannot be one paper, or None when nothing says so."""
    if first.doi and second.doi and first.doi.lower() != second.doi.lower():
        return "different DOIs"
    if first.arxiv_id and second.arxiv_id and _unversioned(first.arxiv_id) != _unversioned(second.arxiv_id):
        return "different arXiv ids"
    if first.key and second.key and first.key != second.key:
        return "each has a citation key of its own"
    first_year, second_year = _printed_year(first), _printed_year(second)
    if first_year and second_year and abs(first_year - second_year) > MAX_YEAR_GAP:
        return "years far apart"
    first_names, second_names = _author_names(first), _author_names(second)
    if first_names and second_names and not first_names & second_names:
        return "no author in common"
    return None


def merge_readings(papers: Sequence[Paper]) -> list[Paper]:
    """The papers among readings of one title: each reading joins the first group it contradicts no member of."""
    groups: list[list[Paper]] = []
    for paper in papers:
        home = next((group for group in groups if not any(contradiction(paper, other) for other in group)), None)
        if home is None:
            groups.append([paper])
        else:
            home.append(paper)
    return [merge_papers(group) for group in groups]


def _unversioned(arxiv_id: str) -> str:
    base, _, version = arxiv_id.lower().rpartition("v")
    return base if base and version.isdigit() else arxiv_id.lower()


def _printed_year(paper: Paper) -> int | None:
    return paper.date.year if paper.date and not paper.date.year_inferred else None


def _author_names(paper: Paper) -> frozenset[str]:
    """Family names (or organisation names), folded; empty where the source lists no authors."""
    if not paper.authors_known:
        return frozenset()
    return frozenset(unicode_title_letters(getattr(creator, "family", None) or creator.display) for creator in paper.creators) - {""}


def merge_papers(papers: Sequence[Paper]) -> Paper:
    """One paper from several readings of it, keeping every provenance.

    Authors come from the reading that lists the most; the publication date from the most precise
    reading whose year was printed rather than inferred; the longest abstract wins; flags, score,
    listing date and identifiers are taken wherever they are known.
    """
    first, *rest = papers
    if not rest:
        return first
    with_authors = max(papers, key=lambda paper: (paper.authors_known, len(paper.creators)))
    return replace(
        with_authors,
        abstract=max((paper.abstract for paper in papers), key=len),
        organizations=_union(paper.organizations for paper in papers),
        category=_first(paper.category for paper in papers),
        category_raw=_first(paper.category_raw for paper in papers),
        date=_best_date([paper.date for paper in papers if paper.date]),
        listing_date=_first(paper.listing_date for paper in papers),
        has_code=any(paper.has_code for paper in papers),
        score=_first(paper.score for paper in papers),
        arxiv_id=_first(paper.arxiv_id for paper in papers),
        doi=_first(paper.doi for paper in papers),
        urls=_union(paper.urls for paper in papers),
        key=_first(paper.key for paper in papers),
        sources=tuple(source for paper in papers for source in paper.sources),
    )


def _best_date(dates: list[PartialDate]) -> PartialDate | None:
    return max(dates, key=lambda date: (not date.year_inferred, len(date.parts)), default=None)


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))
