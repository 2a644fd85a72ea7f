"""The listing readers' speed-ups read exactly as the code they replaced.

Each test pits a rewritten pattern or shortcut against its former spelling, on generated text
rich in what LaTeX prints otherwise: math, commands, accents, braces, ligatures, escapes.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bibx.latex_to_rich import _BRACED, _LATEX_ACTIVE, _LATEX_PIECE

LATEX_PIECES = (
    "$", "$x$", "$10^{9}$", "$O(1/\\sqrt{n})$", "$\\alpha T + \\beta$", "^", "_", "{", "}", "{{a}}", "\\", "\\\\",
    "\\%", "%", "&", "\\&", "#", "~", "\\textbf{x}", "\\emph {a}", "\\'e", "\\\"{o}", "\\c c", "\\sys", "\\ ",
    "-", "--", "---", "`", "``", "'", "''", "?", "!", "?`", "!`", "a", "Z", "9", " ", "  ", "\n", "\t", "é", "中",
)  # fmt: skip
LATEX_TEXT = st.lists(st.sampled_from(LATEX_PIECES), max_size=20).map("".join) | st.text()

# The patterns as they were spelled before their branches all started with a literal character.
FORMER_LATEX_ACTIVE = re.compile(r"[\\${}~]|--|``|''|[?!]`")
FORMER_LATEX_PIECE = re.compile(
    rf"""(\$[^$]*\$|\\[A-Za-z]+(?:\s*{_BRACED})*|\\['"`^~=.](?:{_BRACED}|\\[A-Za-z]+|[A-Za-z])?|\\[^A-Za-z]|{_BRACED}|---|--|``|''|[?!]`|~)"""
)


@given(LATEX_TEXT)
def test_active_latex_is_found_where_the_former_pattern_found_it(text: str) -> None:
    found, former = _LATEX_ACTIVE.search(text), FORMER_LATEX_ACTIVE.search(text)
    assert (found and found.span()) == (former and former.span())


@given(LATEX_TEXT)
def test_latex_pieces_split_as_the_former_pattern_split(text: str) -> None:
    assert _LATEX_PIECE.split(text) == FORMER_LATEX_PIECE.split(text)
