"""The compact reader's shortcuts choose and judge as the plain ways do: cut scans, patterns, word shapes.

Each shortcut is checked against the general way it stands in for, on the lines of the listing
corpus's tuned parts (rendered as compact and profile pages) and on generated text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx import name_shapes
from bibx_plugins.listings import title_split
from bibx_plugins.listings.grammar import is_meta_line
from bibx_plugins.listings.title_split import choose_split
from tests.helpers import corpus_page_lines

NAME_PIECES = st.sampled_from(
    ["Yuze Zhao", "ZhaoXin", "LEE", "C.", "McAuley", "Fine-Tuning", "LLM", "高瀬 翔", "梶川康平", "の", "Team", "AI", "É", "x"]
)
NAME_TEXT = st.lists(st.tuples(NAME_PIECES, st.sampled_from(["", " ", ", ", ","])).map("".join), max_size=10).map("".join)
WORDS = st.text(st.sampled_from("aZbYzÉéß-'’.ǅ大x"), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def corpus_lines() -> list[str]:
    """The corpus pages' lines but the opening ones: glued lines, titles, author lines, abstracts."""
    return [line for line in corpus_page_lines() if not is_meta_line(line)]


def _every_part_scanned(cut_start: re.Pattern[str], text: str, start: int) -> int:
    return start


def test_parts_passed_over_for_want_of_a_cut_point_change_no_choice(corpus_lines: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [repr(choose_split(line)) for line in corpus_lines]
    monkeypatch.setattr(title_split, "_next_cut_point", _every_part_scanned)
    assert fast == [repr(choose_split(line)) for line in corpus_lines]


@given(NAME_TEXT)
def test_generated_lines_choose_alike_with_every_part_scanned(line: str) -> None:
    fast = repr(choose_split(line))
    original = title_split._next_cut_point
    title_split._next_cut_point = _every_part_scanned  # type: ignore[assignment]
    try:
        assert fast == repr(choose_split(line))
    finally:
        title_split._next_cut_point = original


@given(st.text(st.characters(max_codepoint=127)), st.integers(0, 5))
def test_generated_ascii_cut_points_are_those_of_the_general_pattern(text: str, start: int) -> None:
    _cut_points_agree(text, start)


# CUT_START as it was: the look-behind first.
_CUT_START_LOOKING_BEHIND_FIRST = re.compile(r"(?<=\S)[^\W\d_a-z]")


def _cut_points_agree(text: str, start: int = 0) -> None:
    expected = [m.start() for m in _CUT_START_LOOKING_BEHIND_FIRST.finditer(text, start)]
    assert [m.start() for m in title_split.CUT_START.finditer(text, start)] == expected, text
    if text.isascii():
        assert [m.start() for m in title_split.ASCII_CUT_START.finditer(text, start)] == expected, text


def test_cut_points_are_those_of_the_look_behind_first(corpus_lines: list[str]) -> None:
    for line in corpus_lines:
        _cut_points_agree(line)


@given(st.text(st.sampled_from("aZ 1_-,.\n\t\u00a0ÉéⅧⒶ大の٣")), st.integers(0, 5))
def test_generated_cut_points_are_those_of_the_look_behind_first(text: str, start: int) -> None:
    _cut_points_agree(text, start)


# STRAY_CAPITALS as it was: the whole run of lower-case letters before the capitals.
_RUN_BEFORE_STRAY_CAPITALS = re.compile(r"[a-z]{2,}[A-Z]{1,2}\.?(?:\s+\S+)?$")


@given(st.text(st.sampled_from("abcXYZ. \n-大")))
def test_stray_capitals_after_two_letters_are_those_after_a_run(title: str) -> None:
    assert bool(title_split.STRAY_CAPITALS.search(title)) == bool(_RUN_BEFORE_STRAY_CAPITALS.search(title))


def test_stray_capitals_after_two_letters_on_the_corpus(corpus_lines: list[str]) -> None:
    for line in corpus_lines:
        for cut in title_split.CUT_START.finditer(line):
            title = line[: cut.start()]
            assert bool(title_split.STRAY_CAPITALS.search(title)) == bool(_RUN_BEFORE_STRAY_CAPITALS.search(title)), title


def _slow_word_shape(word: str) -> str | None:
    """_word_shape as it was: every word split at its hyphens and apostrophes, every part tested alike."""
    parts = re.split(r"[-'’]", word)
    if any(not part.isalpha() for part in parts):
        return None
    first = parts[0]
    if first.islower():
        if all(part.islower() for part in parts):
            return "lower"
        rest = word[len(first) + 1 :]
        return "plain" if first in name_shapes.ELIDED_PARTICLES and rest and _slow_word_shape(rest) == "plain" else None
    if first.isupper() and len(first) >= 2 and all(part.isupper() for part in parts):
        return "caps"
    if not first[0].isupper():
        return None
    if all(part[0].isupper() or part.islower() for part in parts) and all(part[1:].islower() or len(part) == 1 for part in parts):
        return "plain"
    if len(parts) == 1 and len(chunks := name_shapes.camel_chunks_by_letter(first)) > 1 and all(len(chunk) >= 2 for chunk in chunks):
        return "camel"
    return None


def _shapes_agree(word: str) -> None:
    assert name_shapes._word_shape(word) == _slow_word_shape(word), word
    assert name_shapes._camel_chunks(word) == name_shapes.camel_chunks_by_letter(word), word


@given(WORDS)
def test_generated_word_shapes_are_those_of_the_general_test(word: str) -> None:
    _shapes_agree(word)


def test_word_shapes_on_the_corpus_are_those_of_the_general_test(corpus_lines: list[str]) -> None:
    for word in {word for line in corpus_lines for word in line.replace(",", " ").split()}:
        _shapes_agree(word)
