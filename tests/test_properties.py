"""Property tests: for generated papers, every writer's output re-parses to the same fields.

Titles, names and abstracts are drawn from all of Unicode (control and format characters
included), dates from every partial shape. Each writer's output is read back by the format's
standard parser and compared with what the model says the format holds, using the same oracles as
the writers' own tests. bibx's JSON must give back the very papers it was given.
"""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibx import Organization, Paper, PartialDate, Person, Provenance, Report, WriteContext
from bibx.facts import FACT_AFFILIATION, FACT_AUTHORS, FACT_LINK, FACT_LISTED, FACT_YEAR, fact_fields, listing_facts
from bibx.model import FieldSource
from bibx.sources import CLEAN_LINE
from bibx.testing import collect_papers, host_with
from bibx_plugins.bibx_json.codec import paper_from_json
from tests.test_bibtex import assert_round_trip
from tests.test_hostile import assert_csl_items_are_the_papers
from tests.test_ris import expected_record

HOST = host_with()
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any character but a lone surrogate, which no UTF-8 file can hold.
ANY_CHARACTER = st.characters(blacklist_categories=("Cs",))
# What a copied listing line may hold after bibx cleaned it: no invisible or odd-space characters.
CLEAN_CHARACTER = st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, CLEAN_LINE)))
# Latin-script characters pylatexenc spells so that LaTeX prints another one: ű as \'{u} (ú), ŉ as
# \nument{149} (no such command), Ħ ħ Ŧ ŧ with a macron, Ŀ ŀ with a dot above, ĸ as small-caps k; and
# it decodes its own \textperiodcentered (·) as ˙.
PYLATEXENC_LATIN_LOSSES = "ŰűŉĦħŦŧĿŀĸ·"
# The scripts of the listings bibx reads: Latin (with every accent), CJK and Hangul. Greek, Cyrillic
# and symbols print through lookalike Latin glyphs in the ASCII BibTeX output, by design.
LISTING_SCRIPT_CHARACTER = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x24F),
    st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
)


def words(characters: st.SearchStrategy[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Text with at least one visible character, as every title and name has."""
    return st.text(characters, min_size=1, max_size=max_size).filter(lambda text: any(char.isprintable() and not char.isspace() for char in text))


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1000, 2999))
    month = draw(st.none() | st.integers(1, 12))
    if month is None:
        return PartialDate(year, year_inferred=draw(st.booleans()))
    day = draw(st.none() | st.integers(1, 28))
    return PartialDate(year, month, day, year_inferred=draw(st.booleans()))


def creators(characters: st.SearchStrategy[str]) -> st.SearchStrategy[Person | Organization]:
    person = st.builds(Person, words(characters), st.just("") | words(characters))
    return person | st.builds(Organization, words(characters))


@st.composite
def papers(draw: st.DrawFn, characters: st.SearchStrategy[str] = ANY_CHARACTER) -> list[Paper]:
    """One to four papers with distinct keys and everything a listing can give them."""
    count = draw(st.integers(1, 4))
    drawn = []
    for index in range(count):
        authors = tuple(draw(st.lists(creators(characters), max_size=4)))
        known = bool(authors) or draw(st.booleans())
        drawn.append(
            Paper(
                title=draw(words(characters, 80)),
                creators=authors,
                authors_truncated=bool(authors) and draw(st.booleans()),
                authors_known=known,
                abstract=draw(st.just("") | st.text(characters, max_size=200)),
                date=draw(st.none() | partial_dates()),
                listing_date=draw(st.none() | partial_dates()),
                key=f"paper{index}",
                sources=(Provenance("generated.txt", index + 1, "generated"),),
            )
        )
    return drawn


def write(writer: str, papers: Sequence[Paper]) -> tuple[str, list[Report]]:
    reports: list[Report] = []
    out = io.StringIO()
    HOST.writers.get(writer).factory(WriteContext(report=reports.append)).write(papers, out)
    return out.getvalue(), reports


@PROPERTY_SETTINGS
@given(generated=papers())
def test_biblatex_reparses_with_bibtexparser_and_pybtex(generated: list[Paper]) -> None:
    assert_round_trip("biblatex", generated)


@PROPERTY_SETTINGS
@given(generated=papers(LISTING_SCRIPT_CHARACTER))
def test_bibtex_reparses_with_bibtexparser_and_pybtex(generated: list[Paper]) -> None:
    assert_round_trip("bibtex", generated)


@pytest.mark.parametrize("character", PYLATEXENC_LATIN_LOSSES)
def test_bibtex_spells_every_latin_letter_as_itself(character: str) -> None:
    assert_round_trip("bibtex", [Paper(title=f"Sz{character}cs", creators=(Person(f"Sz{character}cs", "Anna"),), key="szucs2024")])


@PROPERTY_SETTINGS
@given(generated=papers())
def test_ris_reparses_with_rispy(generated: list[Paper]) -> None:
    text, _ = write("ris", generated)
    assert rispy.loads(text) == [expected_record(paper) for paper in generated]


@PROPERTY_SETTINGS
@given(generated=papers())
def test_csljson_is_schema_valid_and_keeps_every_string(generated: list[Paper]) -> None:
    text, _ = write("csljson", generated)
    assert_csl_items_are_the_papers(json.loads(text), generated)


@PROPERTY_SETTINGS
@given(generated=papers())
def test_ndjson_is_one_schema_valid_item_per_line(generated: list[Paper]) -> None:
    text, _ = write("ndjson", generated)
    assert text.endswith("\n")
    assert_csl_items_are_the_papers([json.loads(line) for line in text[:-1].split("\n")], generated)


@PROPERTY_SETTINGS
@given(generated=papers())
def test_json_writer_output_is_the_papers(generated: list[Paper]) -> None:
    text, reports = write("json", generated)
    assert reports == []
    assert [paper_from_json(item) for item in json.loads(text)] == generated


@PROPERTY_SETTINGS
@given(generated=papers(CLEAN_CHARACTER))
def test_json_round_trip_through_the_reader_is_identity(generated: list[Paper], tmp_path: Path) -> None:
    archive = tmp_path / "archive.json"
    archive.write_text(write("json", generated)[0], encoding="utf-8")
    read_back, reports = collect_papers([archive], merge=False, host=HOST)
    assert reports == []
    assert read_back == generated


def test_json_round_trip_keeps_invisible_characters(tmp_path: Path) -> None:
    # A Persian title needs its zero-width non-joiner; a no-break space and a soft hyphen are data too.
    paper = Paper(
        title="\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Mr.\u00a0Smith co\u00adoperate",
        key="persian2024",
        sources=(Provenance("x", 1, "json"),),
    )
    archive = tmp_path / "archive.json"
    archive.write_text(write("json", [paper])[0], encoding="utf-8")
    assert collect_papers([archive], merge=False, host=HOST)[0] == [paper]


@PROPERTY_SETTINGS
@given(generated=papers())
def test_a_paper_pickles_and_takes_a_key_as_the_dataclass_would(generated: list[Paper]) -> None:
    """Paper.__reduce__ (authors, dates and sources as tuples) and Paper.with_key against the dataclass' own ways."""
    for paper in generated:
        every_field = dataclasses.replace(
            paper, organizations=("Org",), category="cs.LG", category_raw="LG", has_code=True, score=9.5, arxiv_id="2203.14101",
            doi="10.1000/x", urls=("https://example.org",), journal_ref="J 1", field_sources=(FieldSource("doi", "arxiv:2203.14101"),),
        )  # fmt: skip
        for each in (paper, every_field, dataclasses.replace(paper, key=None, sources=())):
            copy = pickle.loads(pickle.dumps(each, pickle.HIGHEST_PROTOCOL))
            assert copy == each
            assert [type(creator) for creator in copy.creators] == [type(creator) for creator in each.creators]
            assert each.with_key("other2024") == dataclasses.replace(each, key="other2024")


@PROPERTY_SETTINGS
@given(
    generated=papers(),
    truncation_marked=st.booleans(),
    urls=st.lists(st.sampled_from(["https://arxiv.org/abs/2203.14101", "https://a.org", "https://b.org"]), max_size=3),
)
def test_fact_fields_are_the_listing_facts_pairs(generated: list[Paper], truncation_marked: bool, urls: list[str]) -> None:
    """fact_fields reads the paper directly; it says what listing_facts (the writers' public view of the same facts) says."""
    for paper in generated:
        for each in (paper, dataclasses.replace(paper, arxiv_id="2203.14101", urls=tuple(urls), organizations=("Org", "Lab"))):
            facts = listing_facts(each)
            expected = []
            if facts.no_authors or (facts.truncated and not truncation_marked):
                expected.append((FACT_AUTHORS, "none" if facts.no_authors else "truncated"))
            if facts.year_inferred:
                expected.append((FACT_YEAR, "inferred"))
            if facts.listed:
                expected.append((FACT_LISTED, facts.listed.isoformat()))
            expected += [(FACT_AFFILIATION, name) for name in facts.affiliations] + [(FACT_LINK, url) for url in facts.links]
            assert fact_fields(each, truncation_marked) == expected
