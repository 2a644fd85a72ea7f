"""The .bib writers' shortcuts for speed give what the general path they skip gives.

Each test pits a shortcut against the code it bypasses, on generated text that leans on the
characters where the two could part: capitals after dots, apostrophes and hyphens, specials,
ligature pairs, and tags, paired or not.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bibx.rich_markup import parse
from bibx_plugins.bibtex.latex import (
    _ASCII_CAPITAL_INSIDE_A_WORD,
    _ASCII_WORD,
    _needs_protection,
    _protected_runs,
    _specials_escaped,
    _text_segment,
    _with_commands,
)

# ASCII pieces of titles: words whose capitals sit after letters, digits, dots, apostrophes or hyphens.
TITLE_PIECES = (
    "a", "Z", "9", "MoE", "GPT-3.5", "O'Brien", "x.Y", "a.'B", "a-B", "a--B", "Large-Scale", "iPhone", "-", ".", "'",
    "''", "--", "``", " ", "&", "%", "_", "{", "}", "\\", "~", "^", "<<", ">>", "?`", ":", "LLMs", "e.g.", "A.B-c",
)  # fmt: skip
ASCII_TITLE = st.lists(st.sampled_from(TITLE_PIECES), max_size=20).map("".join) | st.text(st.characters(max_codepoint=0x7F))
TAG_PIECES = ("<i>", "</i>", "<b>", "</b>", "<sup>", "</sup>", "<sub>", "</sub>", '<span class="nocase">', "</span>", "x", " ", "<", ">")


@given(ASCII_TITLE)
@example("a.'B")
@example("x.Y")
def test_one_scan_finds_a_word_to_protect_when_some_word_needs_it(text: str) -> None:
    words = _ASCII_WORD.split(text)[1::2]
    assert (_ASCII_CAPITAL_INSIDE_A_WORD.search(text) is not None) == any(_needs_protection(word) for word in words)


@given(ASCII_TITLE, st.booleans())
def test_ascii_titles_without_a_word_to_protect_escape_as_in_runs(text: str, ascii_only: bool) -> None:
    assert _text_segment(text, ascii_only, protect_case=True) == _protected_runs(_ASCII_WORD.split(text), ascii_only)


@given(st.lists(st.sampled_from(TAG_PIECES), max_size=16).map("".join))
@example("<i><b>x</i></b>")
def test_tags_become_commands_as_their_pairing_says(rich: str) -> None:
    """Against the tree: each span a command around its children, a tag without its partner text."""
    assert _with_commands(rich) == _specials_escaped(parse(rich))
