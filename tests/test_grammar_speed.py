"""The listing grammar's and the reading check's speed-ups answer as the code they replaced.

Each test pits a shortcut against its former spelling: on the lines of the listing corpus, and on
generated text that leans on what could part them (page furniture in every case, characters whose
case folds outside ASCII, the middle dot of an organisation list without its spaces).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx.latex_to_rich import _DOUBLE_SPACE, _LOST_ENTITY_START
from bibx.model import Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.name_shapes import name_penalty
from bibx.names import parse_creator
from bibx.specs import ReadContext
from bibx.validation import _is_tuple_of, result_problem
from bibx_plugins.listings import grammar
from bibx_plugins.listings.grammar import (
    FURNITURE,
    ORGANIZATIONS_SEPARATOR,
    AuthorLine,
    Record,
    _matches_furniture,
    _organizations,
    parse_author_line,
    parse_creators,
    split_organizations,
    unusual_names_report,
)
from tests.helpers import corpus_page_lines

# Page furniture and its near misses, in pieces whose case hypothesis varies letter by letter.
FURNITURE_PIECES = (
    "load more", "show abstract", "sign in", "log in", "login", "page 2 of 9", "12", "12 comments", "·", "•", "›", "…", "-",
    "accept all cookies", "privacy policy", "terms of use", "submitted by", " ", "  ", "ak", "©", "(c)", "copyright", "2026",
    "get trending papers in your email inbox!", "all rights reserved.", "ſ", "K", "ı", "İ", "é", "x", "\t", "api", "faq",
)  # fmt: skip


def _any_case(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from(sorted({char, char.upper(), char.lower()})) for char in text)).map("".join)


FURNITURE_TEXT = st.lists(st.sampled_from(FURNITURE_PIECES).flatmap(_any_case), max_size=5).map("".join) | st.text()


@given(FURNITURE_TEXT)
def test_furniture_matches_as_the_case_blind_pattern(line: str) -> None:
    assert _matches_furniture(line) == (FURNITURE.match(line) is not None)


def test_furniture_matches_as_the_case_blind_pattern_on_the_corpus() -> None:
    for line in corpus_page_lines():
        assert _matches_furniture(line) == (FURNITURE.match(line) is not None), line


def _former_split_organizations(author_line: str) -> tuple[str, tuple[str, ...]]:
    names, _, orgs = author_line.rpartition(ORGANIZATIONS_SEPARATOR) if ORGANIZATIONS_SEPARATOR in author_line else (author_line, "", "")
    return names, _organizations(orgs)


AUTHOR_PIECES = st.sampled_from(("Yuze Zhao", ", ", ",", " · ", "·", " ·", "· ", " ", "mit", "et al.", "", "\u00a0·\u00a0"))


@given(st.lists(AUTHOR_PIECES, max_size=8).map("".join) | st.text())
def test_organizations_split_as_before(line: str) -> None:
    assert split_organizations(line) == _former_split_organizations(line)


def test_organizations_split_as_before_on_the_corpus() -> None:
    for line in corpus_page_lines():
        assert split_organizations(line) == _former_split_organizations(line), line


NAMES = st.lists(st.sampled_from(("Yuze Zhao", "Team Wan", "高瀬 翔", " ", "", "\t", "LEE", "AGArshia", "4Yuze", "Kamal, R.")), max_size=6).map(tuple)


def _former_unusual_names_report(authors: AuthorLine, record: Record, context: ReadContext) -> Report | None:
    odd = [name for name in authors.names if name_penalty(name) is None]
    if not odd:
        return None
    quoted = ", ".join(repr(name) for name in odd[:3])
    return Report(f"unusual author name(s) {quoted}: check the author list", context.path, record.line)


@given(NAMES)
def test_creators_and_unusual_names_as_before(names: tuple[str, ...]) -> None:
    assert parse_creators(names) == tuple(parse_creator(name) for name in names if name.strip())
    authors, record, context = AuthorLine(names, False, ()), Record(3, "LGMar 26, 2022"), ReadContext("page.txt", dt.date(2026, 11, 25), "profile")
    assert unusual_names_report(authors, record, context) == _former_unusual_names_report(authors, record, context)


ITEMS = st.sampled_from(("a", "", 1, True, None, 1.5, Person("Zhao", "Yuze"), Organization("Team Wan"), Provenance("p", 1, "profile")))


@given(st.lists(ITEMS, max_size=4).map(tuple) | st.lists(ITEMS, max_size=4) | ITEMS, st.sampled_from((str, Provenance, Person)))
def test_typed_tuples_are_checked_as_before(value: object, kind: type) -> None:
    assert _is_tuple_of(value, kind) == (type(value) is tuple and {*map(type, value)} <= {kind})


def test_a_paper_with_a_tuple_of_the_wrong_items_is_still_malformed() -> None:
    paper = Paper(title="T", urls=("https://a.example", 3), sources=(Provenance("p", 1, "profile"),), date=PartialDate(2024, 1, 2))  # type: ignore[arg-type]
    assert "urls must be a tuple of strings" in (result_problem(paper) or "")


# Author lines and abstracts' first lines with many commas: inverted pairs, "et al." after a comma,
# empty parts, sentences, organisations; the shortcut must answer as the full reading of the line.
LINE_PARTS = st.sampled_from(
    ("Yuze Zhao", "Kamal", "R.", "M.", "et al.", "and others", "", " ", "We propose a method", "LEE", "Team Wan", "高瀬 翔",
     "a b c d e f g h i", "kunquan li", "Chen-Wei Xie et al.", "mit · pku", "AGArshia", "To address this")
)  # fmt: skip


def _full_reading(line: str, typical: bool, monkeypatch: pytest.MonkeyPatch) -> AuthorLine | None:
    with monkeypatch.context() as patch:
        patch.setattr(grammar, "_rejected_by_first_names", lambda line, typical: False)
        return parse_author_line(line, typical)


@given(st.lists(LINE_PARTS, max_size=12).map(", ".join) | st.lists(LINE_PARTS, max_size=12).map(",".join), st.booleans())
def test_author_lines_read_as_without_the_shortcut(line: str, typical: bool) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert parse_author_line(line, typical) == _full_reading(line, typical, monkeypatch), line


def test_author_lines_read_as_without_the_shortcut_on_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = corpus_page_lines()
    for typical in (False, True):
        fast = [parse_author_line(line, typical) for line in lines]
        assert fast == [_full_reading(line, typical, monkeypatch) for line in lines]


SPACED_TEXT = (
    st.lists(st.sampled_from(("a", " ", "  ", "\n", "\t", "\r", "x201", "x2013", "x", "2", "01", "é", "\u00a0")), max_size=12).map("".join)
    | st.text()
)


@given(SPACED_TEXT)
def test_literal_searches_answer_as_in(text: str) -> None:
    assert (_DOUBLE_SPACE.search(text) is None) == ("  " not in text)
    assert (_LOST_ENTITY_START.search(text) is None) == ("x201" not in text)
