"""The entries the BibTeX and BibLaTeX writers make of a paper: arXiv's own fields, BibLaTeX's
``@online`` with eprint fields and an ISO date, dates with only their known parts, and ``@misc``
without a writable link or identifier.
"""

from __future__ import annotations

import pytest

from bibx import Paper, PartialDate, Person
from tests.test_bibtex import fields_of, parse_entries, write_bib


def test_bibtex_entry_has_arxivs_own_fields() -> None:
    paper = Paper(
        title="T", creators=(Person("Yuan", "Sha"),), category="cs.LG", date=PartialDate(2022, 3, 26), arxiv_id="2203.14101", key="yuan2022"
    )
    text = write_bib("bibtex", [paper])
    assert text.startswith("@misc{yuan2022,\n") and "  month = mar,\n" in text
    fields = parse_entries(text)["yuan2022"].fields_dict
    assert {name: field.value for name, field in fields.items() if name != "title" and name != "author"} == {
        "year": "2022",
        "month": "mar",
        "day": "26",
        "eprint": "2203.14101",
        "archivePrefix": "arXiv",
        "eprinttype": "arxiv",
        "primaryClass": "cs.LG",
        "doi": "10.48550/arXiv.2203.14101",
        "url": "https://arxiv.org/abs/2203.14101",
        "keywords": "cs.LG",
        "howpublished": "arXiv preprint arXiv:2203.14101",
    }


def test_biblatex_entry_is_online_with_eprint_fields_and_iso_date() -> None:
    paper = Paper(title="T", category="cs.LG", date=PartialDate(2022, 3), arxiv_id="2203.14101", key="k")
    (entry,) = parse_entries(write_bib("biblatex", [paper])).values()
    assert entry.entry_type == "online"
    assert {name: entry.fields_dict[name].value for name in ("date", "eprint", "eprinttype", "eprintclass")} == {
        "date": "2022-03",
        "eprint": "2203.14101",
        "eprinttype": "arxiv",
        "eprintclass": "cs.LG",
    }


@pytest.mark.parametrize(
    ("date", "iso", "bibtex_date"),
    [
        (PartialDate(2022), "2022", {"year": "2022"}),
        (PartialDate(2022, 3), "2022-03", {"year": "2022", "month": "mar"}),
        (PartialDate(2022, 3, 6), "2022-03-06", {"year": "2022", "month": "mar", "day": "6"}),
        # plainnat.bst warns about an empty year; "n.d." says "no date" without inventing one.
        (None, None, {"year": "n.d."}),
    ],
)
def test_dates_have_only_the_known_parts(date: PartialDate | None, iso: str | None, bibtex_date: dict[str, str]) -> None:
    # biber's data model requires a date: EDTF's unspecified year says it is unknown.
    assert fields_of("biblatex", Paper(title="T", date=date, key="k")).get("date") == (iso or "XXXX")
    bibtex = fields_of("bibtex", Paper(title="T", date=date, key="k"))
    assert {name: value for name, value in bibtex.items() if name in ("year", "month", "day")} == bibtex_date


@pytest.mark.parametrize("urls", [(), ("https://example.org/{x}",)])
def test_without_a_writable_link_or_identifier_biblatex_writes_misc(urls: tuple[str, ...]) -> None:
    (entry,) = parse_entries(write_bib("biblatex", [Paper(title="T", urls=urls, key="k")])).values()
    assert entry.entry_type == "misc"
