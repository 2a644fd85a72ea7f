"""arXiv conventions, in one place: subject classes, identifiers and versions, its DOIs and abstract pages."""

from __future__ import annotations

import re
from collections.abc import Sequence

ARXIV = "arXiv"  # the repository's name, as the formats write it
# arXiv registers a DataCite DOI for every paper under this prefix.
ARXIV_DOI_PREFIX = "10.48550/arXiv."
ARXIV_ABS_URL = "https://arxiv.org/abs/"
ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>\S+)$", re.IGNORECASE)
_ARXIV_ABS_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/abs/(?P<id>[^\s?#]+?)/?$", re.IGNORECASE)
_DOI_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_VERSION = re.compile(r"v\d+$")
# New-style ids (2203.14101) and old-style ones (hep-th/9901001, math.AG/0309136), with or without a version.
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")

# Two-letter Computer Science classes; listings print them without the "cs." archive prefix.
CS_CLASSES = frozenset(
    "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS "
    "PF PL RO SC SD SE SI SY".split()
)
# Archives with subject classes ("stat.ML"), and archives that are a category on their own ("hep-ph").
FULL_CATEGORY = re.compile(
    r"^(?:(?:cs|math|stat|eess|econ|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[A-Za-z-]+"
    r"|hep-ph|hep-th|hep-ex|hep-lat|quant-ph|nucl-th|nucl-ex|gr-qc|math-ph|astro-ph|cond-mat)$"
)
# Brackets, braces and quotes end a URL; so does trailing sentence punctuation.
URL = re.compile(r"https?://[^\s()<>\"'{}\[\]]+[^\s()<>\"'{}\[\].,;:!?]")


def normalise_category(code: str) -> str | None:
    """``LG`` → ``cs.LG``; an already qualified ``stat.ML`` is kept; an unknown code gives None."""
    if code in CS_CLASSES:
        return f"cs.{code}"
    if FULL_CATEGORY.match(code):
        return code
    return None


def find_urls(text: str) -> tuple[str, ...]:
    """Every distinct http(s) URL in ``text``, in order of appearance."""
    return tuple(dict.fromkeys(URL.findall(text)))


def bare_arxiv_id(identifier: str) -> str:
    """``2203.14101v4`` → ``2203.14101``; outputs name the paper, not one of its versions."""
    return _VERSION.sub("", identifier.strip())


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
