"""Every shortcut taken for speed gives exactly what the general path it skips would give.

Each test pits a fast path against the slower code it replaces, on generated text that leans on
the characters where the two could part: dollars, braces, spaces and line breaks, controls,
combining accents, case pairs outside ASCII (ſ, K), and "et al." in every spelling.
"""

from __future__ import annotations

import dataclasses
import json
import re

import bibtexparser
import pytest
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from hypothesis import given
from hypothesis import strategies as st

from bibx import name_shapes
from bibx.citekeys import ascii_fold, fold_unicode
from bibx.latex_to_rich import _SPACES, _collapse
from bibx.merge import title_letters, unicode_title_letters
from bibx.model import Paper
from bibx.name_shapes import listed_name_penalty
from bibx.names import split_et_al
from bibx_plugins.bibtex.latex import (
    _MAYBE_CAPITAL_INSIDE_A_WORD,
    _WORD,
    _collapse_any_whitespace,
    _collapse_whitespace,
    _escaped,
    _needs_protection,
    _protected_runs,
)
from bibx_plugins.bibtex.writer import entry_text
from bibx_plugins.bibx_json.codec import paper_to_json
from bibx_plugins.listings import title_split
from bibx_plugins.listings.grammar import (
    COOKIE_BANNER,
    COOKIE_BANNER_MAX_LENGTH,
    FURNITURE,
    MAX_NAME_PENALTY,
    MAX_UNREADABLE_NAMES,
    MIN_NAMES_BESIDE_UNREADABLE,
    TYPICAL_NAME_PENALTY,
    UNREADABLE_NAME_PENALTY,
    AuthorLine,
    is_furniture,
    is_meta_line,
    may_mention_cookies,
    opens_record,
    parse_author_line,
    split_names,
    split_organizations,
)
from bibx_plugins.listings.title_split import choose_split
from bibx_plugins.ris.writer import _single_line_any, single_line
from tests.corpus import EDGE_PAPERS
from tests.helpers import corpus_page_lines
from tests.test_properties import papers

ASCII_TEXT = st.text(st.characters(max_codepoint=0x7F))
# Pieces rather than characters, so that formulas, commands and "et al." occur often.
PIECES = (
    "$", "$x$", "$K$", "$10^{9}$", "$x^2^3$", "^", "_", "{", "}", "\\", "\\times", "MoE", "GPT-4", "a-B", "x.Y",
    " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x00", "\x1b", "\u200b", "é", "e\u0301", "\u0301", "ű", "ŉ", "ǘ",
    "ı", "ſ", "K", "ﬁ", "中", "ᄀ", "ᅡ", "%", "&", "#", "~", "a", "Z", "9", ",", ".", "-",
    "|", "et", "al", "al.", "et al.", "ET AL", "and others", "And Others",
    "--", "`", "'", "''", "?", "!", ",,", "<", ">", "\\textbf{x}", "\\'e", "{{a}}", "\r",
)  # fmt: skip
MIXED_TEXT = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)
ANY_TEXT = MIXED_TEXT | st.text()
# The pattern split_et_al matches on the reversed text, in its forward spelling.
ET_AL_FORWARD = re.compile(r"\s*,?\s*(?<![^\s,])(?:et\.?\s*al\.?|and others)\s*$", re.IGNORECASE)
# Author lists ending in every spelling of "et al." and near misses of it.
AUTHOR_TAILS = st.tuples(
    MIXED_TEXT,
    st.sampled_from(["", ",", " ,", ", ", "  ", "\t"]),
    st.sampled_from(["et al.", "et al", "et.al.", "Et Al.", "et  al .", "and others", "AND OTHERS", "al.", "others", "etal"]),
    st.sampled_from(["", " ", ".", "\n", " x"]),
).map("".join)


@given(ASCII_TEXT)
def test_citation_key_folding_of_ascii_is_the_unicode_folding(text: str) -> None:
    assert ascii_fold(text) == fold_unicode(text)


@given(ASCII_TEXT)
def test_title_letters_of_ascii_are_those_of_the_unicode_path(title: str) -> None:
    assert title_letters(title) == unicode_title_letters(title).encode()


@given(ANY_TEXT)
def test_whitespace_collapses_alike_with_and_without_the_single_line_shortcut(text: str) -> None:
    assert _collapse_whitespace(text) == _collapse_any_whitespace(text)


@given(MIXED_TEXT)
def test_every_mixed_case_word_passes_the_quick_capital_check(text: str) -> None:
    if any(_needs_protection(word) for word in _WORD.findall(text)):
        assert _MAYBE_CAPITAL_INSIDE_A_WORD.search(text)


@given(ANY_TEXT | AUTHOR_TAILS)
def test_et_al_on_the_reversed_text_is_the_forward_pattern(text: str) -> None:
    stripped = ET_AL_FORWARD.sub("", text)
    assert split_et_al(text) == (stripped.strip(), stripped != text)


@given(ANY_TEXT)
def test_ris_lines_alike_with_and_without_the_printable_shortcut(text: str) -> None:
    assert single_line(text) == _single_line_any(text)


@given(papers())
def test_json_data_of_a_paper_is_what_asdict_gives(generated: list[Paper]) -> None:
    for paper in [*generated, *EDGE_PAPERS]:
        assert json.dumps(paper_to_json(paper)) == json.dumps(dataclasses.asdict(paper))


@given(st.lists(st.tuples(st.sampled_from(["title", "author", "year", "month", "note"]), MIXED_TEXT), max_size=5))
def test_entries_are_laid_out_as_bibtexparser_writes_them(fields: list[tuple[str, str]]) -> None:
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    entry = Entry("misc", "key", [Field(name, value) for name, value in fields])
    expected = bibtexparser.write_string(Library([entry]), unparse_stack=(), bibtex_format=layout)
    assert entry_text("misc", "key", fields) == expected


@given(ANY_TEXT)
def test_spaces_collapse_alike_with_and_without_the_single_spaced_shortcut(text: str) -> None:
    if "\n" not in text:
        assert _collapse(text) == _SPACES.sub(" ", text).strip()


@given(MIXED_TEXT | ASCII_TEXT, st.booleans())
def test_ascii_titles_escape_alike_in_runs_and_piece_by_piece(text: str, ascii_only: bool) -> None:
    if text.isascii():
        pieces = _WORD.split(text)
        one_by_one = "".join(
            "{" + _escaped(piece, ascii_only) + "}" if index % 2 and _needs_protection(piece) else _escaped(piece, ascii_only)
            for index, piece in enumerate(pieces)
        )
        assert _protected_runs(pieces, ascii_only) == one_by_one


# --- the listing readers' shortcuts, on the lines of the listing corpus's tuned parts -------------


@pytest.fixture(scope="module")
def listing_lines() -> list[str]:
    return list(corpus_page_lines())


def _all_cuts_scanned(text: str, start: int, end: int) -> int:
    return start


def test_the_cut_scan_from_the_last_words_chooses_as_the_full_scan(listing_lines: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    glued = [line for line in listing_lines if not is_meta_line(line)]
    fast = [repr(choose_split(line)) for line in glued]
    monkeypatch.setattr(title_split, "_first_possible_cut", _all_cuts_scanned)
    assert fast == [repr(choose_split(line)) for line in glued]


def _slow_parse_author_line(line: str, typical: bool) -> AuthorLine | None:
    """parse_author_line as it was: every name scored, then the rejections in order."""
    names_text, organizations = split_organizations(line)
    names_text, truncated = split_et_al(names_text)
    names = split_names(names_text)
    penalties = [listed_name_penalty(name) for name in names]
    unreadable = penalties.count(None)
    if not names or unreadable > MAX_UNREADABLE_NAMES or (unreadable and len(names) < MIN_NAMES_BESIDE_UNREADABLE):
        return None
    scores = [UNREADABLE_NAME_PENALTY if penalty is None else penalty for penalty in penalties]
    if 2 * sum(score <= MAX_NAME_PENALTY for score in scores) <= len(names) and len(names) > 1:
        return None
    if len(names) == 1 and scores[0] > MAX_NAME_PENALTY:
        return None
    if typical and sum(scores) / len(scores) > TYPICAL_NAME_PENALTY:
        return None
    return AuthorLine(names, truncated, organizations)


def test_author_lines_read_alike_when_scoring_stops_early(listing_lines: list[str]) -> None:
    for line in listing_lines:
        for typical in (False, True):
            assert parse_author_line(line, typical) == _slow_parse_author_line(line, typical), line


NAME_PIECES = st.sampled_from(
    ["Yuze Zhao", "LEE", "ZhaoXin", "C.", "kunquan li", "We propose", "a b c d e f g h", "高瀬 翔", "Team Wan", "", " · org"]
)


@given(st.lists(NAME_PIECES, max_size=8).map(", ".join), st.booleans())
def test_generated_author_lines_read_alike_when_scoring_stops_early(line: str, typical: bool) -> None:
    assert parse_author_line(line, typical) == _slow_parse_author_line(line, typical)


# The case pairs IGNORECASE knows beyond str.lower: the Kelvin sign, the Turkish dotted and dotless i, the long s.
COOKIE_PIECES = st.sampled_from(
    ["cookie", "Cookies", "COOKIE", "coo\u212aie", "cookıe", "cookİe", "cooſie", "we use", "accept", "this site", " ", "x", "k", "ı"]
)


@given(st.lists(COOKIE_PIECES, max_size=8).map("".join) | ANY_TEXT)
def test_the_quick_cookie_test_never_hides_a_banner(line: str) -> None:
    if not may_mention_cookies(line):
        assert COOKIE_BANNER.search(line) is None


def test_the_quick_cookie_test_never_hides_a_banner_on_the_corpus(listing_lines: list[str]) -> None:
    assert [is_furniture(line) for line in listing_lines] == [_slow_is_furniture(line) for line in listing_lines]


def _slow_is_furniture(line: str) -> bool:
    if len(line) <= COOKIE_BANNER_MAX_LENGTH and COOKIE_BANNER.search(line):
        return True
    return len(line) <= 100 and FURNITURE.match(line) is not None


TITLE_END_PIECES = ["Lo", "LoRA", "TransitionP", "SBC", "Use CaseJa", "CoT", " ", "  ", "\n", "-", "x", "ab", "磯", "の", "を考える", "Q.", "A"]
TITLE_ENDS = st.lists(st.sampled_from(TITLE_END_PIECES), max_size=10).map("".join)


def _title_end_windows_agree(title: str) -> None:
    window = max(0, len(title) - title_split.END_PATTERNS_SPAN)
    for pattern in (title_split.SHORT_WORD_BEFORE_CAPITALS, title_split.SHORT_HUMP_END, title_split.BROKEN_JAPANESE_END):
        assert bool(pattern.search(title, window)) == bool(pattern.search(title)), (pattern, title)
    assert bool(title_split.STRAY_CAPITALS.search(title, title_split._last_two_words_start(title))) == bool(title_split.STRAY_CAPITALS.search(title))


@given(TITLE_ENDS | ANY_TEXT)
def test_title_end_patterns_searched_from_their_window_find_what_a_full_search_finds(title: str) -> None:
    _title_end_windows_agree(title)


def test_title_end_patterns_searched_from_their_window_on_the_corpus(listing_lines: list[str]) -> None:
    for line in listing_lines:
        for cut in title_split.CUT_START.finditer(line):
            _title_end_windows_agree(line[: cut.start()])


@given(st.lists(st.sampled_from([",", " ", "a", ", ", ",,", "Yuze Zhao"]), max_size=12).map("".join))
def test_comma_parts_by_splitting_are_those_of_the_pattern(text: str) -> None:
    bounds, start = [], 0
    for match in re.finditer(",", text):
        bounds.append((start, match.start()))
        start = match.end()
    assert title_split._segments(text) == [*bounds, (start, len(text))]


def test_a_blank_line_opens_no_record() -> None:
    assert not opens_record("")


def test_long_parts_are_judged_as_the_cached_path_judges_them(listing_lines: list[str]) -> None:
    parts = {part.strip() for line in listing_lines for part in line.split(",")}
    assert [listed_name_penalty(part) for part in parts] == [name_shapes._listed_name_penalty(part) for part in parts]


@given(st.lists(NAME_PIECES | st.sampled_from(["Family, I. J.", "Kamal, R.", "\u00a0", "x\u2028y"]), max_size=10).map(" ".join))
def test_generated_long_parts_are_judged_as_the_cached_path_judges_them(name: str) -> None:
    assert listed_name_penalty(name) == name_shapes._listed_name_penalty(name)
