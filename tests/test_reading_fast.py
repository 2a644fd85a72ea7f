"""The listing readers' speed-ups read exactly as the code they replaced.

Each test pits a rewritten pattern or shortcut against its former spelling, on generated text
rich in what LaTeX prints otherwise: math, commands, accents, braces, ligatures, escapes.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bibx.latex_to_rich import _BRACED, _LATEX_PIECE, _collapse, _piece_to_rich, _walked, from_latex, repair_mojibake
from bibx_plugins.listings.grammar import NEAR_META_LINE, NEAR_META_MAX_LENGTH, clean, is_meta_line, opens_record

LATEX_PIECES = (
    "$", "$x$", "$10^{9}$", "$O(1/\\sqrt{n})$", "$\\alpha T + \\beta$", "^", "_", "{", "}", "{{a}}", "\\", "\\\\",
    "\\%", "%", "&", "\\&", "#", "~", "\\textbf{x}", "\\emph {a}", "\\'e", "\\\"{o}", "\\c c", "\\sys", "\\ ",
    "-", "--", "---", "`", "``", "'", "''", "?", "!", "?`", "!`", "a", "Z", "9", " ", "  ", "\n", "\t", "é", "中",
)  # fmt: skip
# Also the mojibake from_latex repairs ("x2013" between letters).
LATEX_TEXT = st.lists(st.sampled_from((*LATEX_PIECES, "x2013", "x201C")), max_size=20).map("".join) | st.text()

# The patterns as they were before every branch started with a literal character and strays became pieces.
FORMER_LATEX_ACTIVE = re.compile(r"[\\${}~]|--|``|''|[?!]`")
FORMER_LATEX_PIECE = re.compile(
    rf"""(\$[^$]*\$|\\[A-Za-z]+(?:\s*{_BRACED})*|\\['"`^~=.](?:{_BRACED}|\\[A-Za-z]+|[A-Za-z])?|\\[^A-Za-z]|{_BRACED}|---|--|``|''|[?!]`|~)"""
)
FORMER_STRAY = re.compile(r"[\\${}]")


def _former_from_latex(latex: str) -> str:
    """from_latex as it was: a search for LaTeX first, then strays looked for in the text between the pieces."""
    latex = repair_mojibake(latex)
    if not FORMER_LATEX_ACTIVE.search(latex):
        return _collapse(latex)
    pieces = FORMER_LATEX_PIECE.split(latex)
    if any(FORMER_STRAY.search(text) for text in pieces[::2]):
        return _collapse(_walked(latex))
    return _collapse("".join(piece if index % 2 == 0 else _piece_to_rich(piece) for index, piece in enumerate(pieces)))


@given(LATEX_TEXT)
def test_latex_pieces_split_as_the_former_pattern_split_with_strays_apart(text: str) -> None:
    former = FORMER_LATEX_PIECE.split(text)
    if any(FORMER_STRAY.search(between) for between in former[::2]):
        assert any(piece in ("\\", "$", "{", "}") for piece in _LATEX_PIECE.split(text)[1::2])
    else:
        assert _LATEX_PIECE.split(text) == former


@settings(max_examples=500)
@given(LATEX_TEXT)
def test_latex_reads_as_the_former_reading(text: str) -> None:
    assert from_latex(text) == _former_from_latex(text)


# Opening lines and near misses: scores, classes, dates with and without a year, "Code", stray spaces.
META_PIECES = (
    "99.9", "7", "CV", "LG", "cs.LG", "hep-ph", "bioinformatics", "Apr", "Mar.", " ", "  ", "\t", "21", "4", ", 2022",
    ",2022", "Code", "code", "x", "١٢", "²", ".", "\n", "\u2028", "Title", "et al.",
)  # fmt: skip
META_TEXT = st.lists(st.sampled_from(META_PIECES), max_size=10).map("".join) | st.text()


@settings(max_examples=500)
@given(META_TEXT)
def test_opening_lines_are_those_both_patterns_find(text: str) -> None:
    line = clean(text)
    former = is_meta_line(line) or (len(line) <= NEAR_META_MAX_LENGTH and NEAR_META_LINE.match(line) is not None)
    assert opens_record(line) == former
