"""The compact reader's own shortcuts answer as the paths they skip.

Each is checked on the lines of the listing corpus's tuned parts (rendered as compact and profile
pages) and on generated text built from the pieces that decide it: long and short parts, initials,
commas, "et al." and organisations.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx import name_shapes
from bibx.names import is_east_asian
from bibx_plugins.listings import compact, title_split
from bibx_plugins.listings.grammar import parse_author_line
from tests.helpers import corpus_page_lines

PARTS = st.sampled_from(
    [
        "Yuze Zhao",
        "Kamal",
        "R.",
        "A. B. C. D. E. F. G. H.",
        "J.-P.",
        "we study how the method scales with the data it sees",
        "On GLUE and YouCook2 our method wins by a wide margin",
        "Deployed in production at tsinghua",
        "Moreover",
        "Team Wan",
        "ALL CAPS WORDS ARE HERE IN EIGHT WORDS",
        "et al.",
        "",
    ]
)
SEPARATORS = st.sampled_from([", ", ",", " , ", " · ", " ", ",  "])
LINES = st.lists(st.tuples(PARTS, SEPARATORS).map("".join), max_size=12).map("".join)


def _prose_is_no_author_line(line: str) -> None:
    if compact._is_prose(line):
        assert parse_author_line(line, typical=True) is None, line
        assert parse_author_line(line) is None, line


def test_prose_lines_of_the_corpus_read_as_no_author_line() -> None:
    lines = corpus_page_lines()
    # The corpus's abstracts have few commas: joined three by three, its lines make comma-separated
    # parts of every kind it holds (names, author lines, titles, sentences).
    joined = [", ".join(lines[i : i + 3]) for i in range(len(lines) - 2)]
    for line in (*lines, *joined):
        _prose_is_no_author_line(line)
    assert sum(map(compact._is_prose, joined)) > len(joined) // 10  # the shortcut is taken


@given(LINES)
def test_generated_prose_reads_as_no_author_line(line: str) -> None:
    _prose_is_no_author_line(line)


@pytest.mark.parametrize(
    "line",
    [
        # Eight initials after a family name make one name with it: two long parts, one unreadable name.
        "Smith, J., Doe, K., Roe, L., Poe, M., Moe, N., lower case family name of many words here, A. B. C. D. E. F. G. H., Zhao, Y.",
        "Yuze Zhao, Xin Huan, Jintao Huang, Wei Li, the first part of a long sentence that runs on, et al.",
    ],
)
def test_author_lines_with_a_long_part_are_left_to_the_full_reading(line: str) -> None:
    assert not compact._is_prose(line)
    assert parse_author_line(line) is not None


# The syllable patterns ROMANISED_SYLLABLES replaced.
_PINYIN_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcswy]|zh|ch|sh)?"
    r"(?:a|o|e|i|u|ü|v|ai|ei|ao|ou|an|en|ang|eng|ong|er|ia|ie|iao|iu|ian|in|iang|ing|iong|ua|uo|uai|ui|uan|un|uang|ue|van)"
)
_KOREAN_SYLLABLE = re.compile(
    r"(?:g|k|kk|n|d|t|tt|r|l|m|b|p|pp|s|ss|j|jj|ch|h|y|w)?"
    r"(?:(?:a|ae|ya|yae|eo|e|yeo|ye|o|wa|wae|oe|yo|u|wo|we|wi|yu|eu|ui|i|ou)(?:k|n|l|m|p|ng)?|oo|ee)"
)


def _syllables_agree(chunk: str) -> None:
    expected = _PINYIN_SYLLABLE.fullmatch(chunk) is not None or _KOREAN_SYLLABLE.fullmatch(chunk) is not None
    assert name_shapes._is_romanised_syllable(chunk) == expected, chunk


def test_syllable_set_is_what_the_patterns_match() -> None:
    for chunk in name_shapes.ROMANISED_SYLLABLES:
        _syllables_agree(chunk)
    letters = "abcdefghijklmnopqrstuvwxyzü"
    for length in range(4):
        for chunk in itertools.product(letters, repeat=length):
            _syllables_agree("".join(chunk))


def test_syllables_of_the_corpus_words_are_what_the_patterns_match() -> None:
    for word in {word for line in corpus_page_lines() for word in line.replace(",", " ").split()}:
        for chunk in name_shapes.camel_chunks_by_letter(word) or (word,):
            _syllables_agree(chunk.lower())


@given(st.text(st.sampled_from("aeiouüvngkhszcrwyjlmpdtbqxfİ"), max_size=9))
def test_generated_syllables_are_what_the_patterns_match(chunk: str) -> None:
    _syllables_agree(chunk)
    _syllables_agree(chunk.lower())


def test_no_lower_case_letter_is_east_asian() -> None:
    """choose_split passes over a lower-case letter before asking whether it is Han, kana or Hangul."""
    lower = [chr(code) for code in range(0x110000) if chr(code).islower()]
    assert lower and not any(is_east_asian(char) for char in lower)


def _title_end_penalty_as_it_was(title: str, author: str) -> float:
    """title_split._title_end_penalty before its quick tests: endswith on the endings, every pattern searched."""
    ts = title_split
    if len(title.strip()) < 2 or (title.endswith(tuple(ts.BAD_TITLE_ENDINGS)) and not ts._closes_a_subtitle(title)):
        return ts.BAD_TITLE_END_PENALTY
    if title[-1].isupper() and len(author) > 1 and author[0].isupper() and (author[1].isupper() or author[1] in "-0123456789"):
        return ts.SPLIT_CAPITALS_PENALTY
    if author[:2].isupper() and ts.SHORT_WORD_BEFORE_CAPITALS.search(title):
        return ts.SPLIT_CAPITALS_PENALTY
    if ts.STRAY_CAPITALS.search(title):
        return ts.STRAY_CAPITALS_PENALTY
    if ts.SHORT_HUMP_END.search(title):
        return ts.SHORT_HUMP_END_PENALTY
    if ts.BROKEN_JAPANESE_END.search(title):
        return ts.BROKEN_JAPANESE_END_PENALTY
    return 0.0


def _title_ends_agree(title: str, author: str) -> None:
    assert title_split._title_end_penalty(title, author) == _title_end_penalty_as_it_was(title, author), (title, author)


def test_title_end_penalties_at_the_corpus_cut_points_are_those_of_every_search() -> None:
    for line in corpus_page_lines():
        for cut in title_split.CUT_START.finditer(line):
            _title_ends_agree(line[: cut.start()], line[cut.start() : cut.start() + 2])


TITLE_END_PIECES = [
    "Lo", "LoRA", "TransitionP", "SBC", "Use CaseJa", "CoT", " ", "\n", "-", " -", "x", "ab", "磯", "の", "を考える", "Q.", "A", "É", "ß", "“",
]  # fmt: skip


@given(st.lists(st.sampled_from(TITLE_END_PIECES), min_size=1, max_size=10).map("".join), st.sampled_from(["Ma", "MA", "M-", "M1", "ma", "大", "M"]))
def test_generated_title_end_penalties_are_those_of_every_search(title: str, author: str) -> None:
    _title_ends_agree(title, author)
