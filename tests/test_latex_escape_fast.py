"""The .bib writers' fast escaping gives exactly what escaping step by step, node by node, gives.

The references here are the plain definitions (each TeX special replaced, then each ligature pair
broken, then NFC and a spelling per non-ASCII character; each text node of the tree on its own);
the code under test escapes specials first, writes spans as commands, scans the rest once and skips the tree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from hypothesis import example, given
from hypothesis import strategies as st

from bibx.rich_markup import _OPENING, TAGS, Node, Span, merged, parse
from bibx_plugins.bibtex.latex import (
    _ASCII_WORD,
    _LIGATURE,
    _ONE_MATH_SYMBOL,
    _WORD,
    _collapse_whitespace,
    _escaped,
    _needs_protection,
    _spell_character,
    latex_prose,
)

_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_LIGATURE_PAIR = re.compile(r"([-`',<>])(?=\1)|[?!](?=`)")
_MATH = re.compile("[\u0370-\u03ff\u2190-\u21ff\u2200-\u22ff\u2a00-\u2aff]")
_COMMANDS = {"i": r"\textit", "b": r"\textbf", "sup": r"\textsuperscript", "sub": r"\textsubscript", "sc": r"\textsc", "nocase": ""}
_TAGS = re.compile("(" + "|".join(re.escape(tag) for tag in [*_OPENING, "</i>", "</b>", "</sup>", "</sub>", "</span>"]) + ")")

# Specials, every ligature pair and near misses, accents composed and combining (< + U+0338 composes
# to ≮), math characters, capitals inside words, and tags, balanced or not.
PIECES = (
    "\\", "{", "}", "&", "%", "$", "#", "_", "~", "^", "-", "--", "---", "`", "``", "'", "''", ",", ",,", "<", "<<",
    ">", ">>", "?", "?`", "!", "!`", "\u0338", "=", "e", "\u0301", "é", "ű", "ı", "ŉ", "ſ", "K", "α", "≤", "→", "×",
    "中", " ", "a", "Z", "MoE", "GPT-3.5", "O'Brien", "x.Y", "a-B", "iPhone", "Large-Scale", "’", "9",
    "<i>", "</i>", "<b>", "</b>", "<sup>", "</sup>", "<sub>", "</sub>", '<span class="nocase">', "</span>",
    '<span style="font-variant:small-caps;">', '<span style="font-variant: small-caps;">',
)  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=24).map("".join) | st.text(max_size=40)


def escaped_step_by_step(text: str, ascii_only: bool) -> str:
    escaped = _LIGATURE_PAIR.sub(lambda match: match.group() + "{}", "".join(_SPECIALS.get(char, char) for char in text))
    if ascii_only:
        return "".join(char if char.isascii() else _spell_character(char) for char in unicodedata.normalize("NFC", escaped))
    return _MATH.sub(lambda match: math if _ONE_MATH_SYMBOL.fullmatch(math := _spell_character(match.group())) else match.group(), escaped)


def latex_node_by_node(nodes: Sequence[Node], ascii_only: bool) -> str:
    return "".join(
        escaped_step_by_step(node, ascii_only)
        if isinstance(node, str)
        else f"{_COMMANDS[node.kind]}{{{latex_node_by_node(node.children, ascii_only)}}}"
        for node in nodes
    )


def parsed_with_a_stack_of_spans(rich: str) -> tuple[Node, ...]:
    """The tree as one stack of open spans builds it, each unclosed span's tag and children turned back into text."""
    stack: list[tuple[str | None, str, list[Node]]] = [(None, "", [])]
    for index, token in enumerate(_TAGS.split(rich)):
        if index % 2 == 0:
            stack[-1][2].append(token)
        elif token in _OPENING:
            stack.append((_OPENING[token], token, []))
        elif len(stack) > 1 and TAGS[stack[-1][0]][1] == token:  # type: ignore[index]
            kind, _, children = stack.pop()
            stack[-1][2].append(Span(kind, merged(children)))  # type: ignore[arg-type]
        else:
            stack[-1][2].append(token)
    while len(stack) > 1:
        _, opening, children = stack.pop()
        stack[-1][2].extend([opening, *children])
    return merged(stack[0][2])


@given(TEXT, st.booleans())
@example("<<\u0338", True)
@example("~\u0301e\u0301--", True)
def test_escaping_in_one_scan_is_escaping_step_by_step(text: str, ascii_only: bool) -> None:
    text = _collapse_whitespace(text)
    assert _escaped(text, ascii_only) == escaped_step_by_step(text, ascii_only)


@given(TEXT, st.booleans())
@example("a<i>-</i>-<b>é\u0301</b>", True)
@example("<i><b>x</i></b>", False)
def test_abstracts_are_escaped_as_node_by_node(text: str, ascii_only: bool) -> None:
    text = _collapse_whitespace(text)
    assert latex_prose(text, ascii_only=ascii_only) == latex_node_by_node(parse(text), ascii_only)


@given(TEXT)
@example("<b>a<i>b</b>c</i>")
def test_paired_tags_parse_as_a_stack_of_spans(text: str) -> None:
    assert parse(text) == parsed_with_a_stack_of_spans(text)


@given(TEXT)
def test_the_ascii_case_test_is_the_definition(text: str) -> None:
    assert _needs_protection(text) == any(char.isupper() for part in text.split("-") for char in part[1:])


@given(TEXT)
def test_the_ligature_pattern_finds_the_pairs(text: str) -> None:
    assert [match.start() for match in _LIGATURE.finditer(text)] == [match.start() for match in _LIGATURE_PAIR.finditer(text)]


@given(TEXT | st.text(st.characters(max_codepoint=0x7F)))
def test_ascii_words_are_the_words(text: str) -> None:
    if text.isascii():
        assert _ASCII_WORD.split(text) == _WORD.split(text)
