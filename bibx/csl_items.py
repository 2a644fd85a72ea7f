"""The Paper → CSL-JSON item mapping: one mapping for every format that speaks CSL.

The CSL-JSON writers (``csljson``, ``ndjson``) write these items, and the formatted-references writer
(``refs``) feeds citeproc-py exactly these dicts, so a reference list says what the CSL-JSON file
says. ``type: "article"`` imports into Zotero as a Preprint, with ``publisher`` as Repository,
``number`` as Archive ID, ``citation-key`` as Citation Key. What every format says besides (links,
DOI, listing facts) comes from :mod:`bibx.facts`.
"""

from __future__ import annotations

from typing import Any

from bibx.arxiv import ARXIV
from bibx.facts import FACT_AFFILIATION, FACT_LINK, fact_fields, item_id, paper_doi, primary_url
from bibx.model import Creator, Organization, Paper, PartialDate

ET_AL_SUFFIX = "et al."
_LIST_FACTS = frozenset({FACT_AFFILIATION, FACT_LINK})


def csl_item(paper: Paper) -> dict[str, Any]:
    """The CSL-JSON item for ``paper``: every known value, never a None or an empty value.

    Everything is ``type: "article"`` (a preprint): the model knows no journal or proceedings.
    The listing facts (no authors, "et al.", an inferred year, the listing date, affiliations,
    further links) go to ``custom``, the CSL-JSON object for data without a CSL variable, which
    no style prints. Not to ``note``, which styles may print and Zotero shows as Extra, nor to
    a date variable: CSL's ``available-date`` means when the work was first made available,
    which a feed's listing date is not.
    """
    item_key = item_id(paper)
    item: dict[str, Any] = {
        "id": item_key,
        "type": "article",
        "citation-key": item_key,
        "title": paper.title,
        "author": csl_authors(paper),
        "issued": csl_date(paper.date) if paper.date else None,
        "publisher": ARXIV if paper.arxiv_id else None,
        # Zotero's own arXiv translator stores the Archive ID in this prefixed form.
        "number": f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else None,
        "DOI": paper_doi(paper),
        # The published version as arXiv records it (--resolve).
        "container-title": paper.journal_ref,
        "URL": primary_url(paper),
        "abstract": paper.abstract,
        "keyword": paper.category,
        "custom": csl_custom(paper),
    }
    return {name: value for name, value in item.items() if value}


def csl_custom(paper: Paper) -> dict[str, str | list[str]]:
    """The listing facts as CSL-JSON ``custom`` pairs; affiliations and links as lists."""
    custom: dict[str, str | list[str]] = {}
    for name, value in fact_fields(paper):
        if name in _LIST_FACTS:
            custom.setdefault(name, [])
            custom[name].append(value)  # type: ignore[union-attr]
        else:
            custom[name] = value
    return custom


def csl_authors(paper: Paper) -> list[dict[str, str]]:
    """The names; a list the listing truncated ends with the name suffix ``et al.`` on its last person.

    CSL has no variable for "the list goes on", and a name ``{"literal": "others"}`` is an invented
    author to citeproc-js and Zotero (only pandoc reads it as "et al."). A name suffix is real CSL:
    citeproc-js and pandoc print it after the last name ("Yuan, S., & Zhao, H., et al." in APA,
    "S. Yuan and H. Zhao et al." in IEEE), and no author is added. An organisation last keeps its
    literal name; there the fact stays in ``custom`` alone.
    """
    names = [csl_name(creator) for creator in paper.creators]
    if paper.authors_truncated and names and "family" in names[-1]:
        names[-1] = {**names[-1], "suffix": ET_AL_SUFFIX}
    return names


def csl_name(creator: Creator) -> dict[str, str]:
    """A person as family/given; an organisation as one literal name that no processor splits."""
    if isinstance(creator, Organization):
        return {"literal": creator.name}
    name = {"family": creator.family, "given": creator.given}
    return {part: value for part, value in name.items() if value}


def csl_date(date: PartialDate) -> dict[str, list[list[int]]]:
    """Only the known parts: a month-only date stays ``[[2022, 3]]``, never gains an invented day."""
    return {"date-parts": [list(date.parts)]}
