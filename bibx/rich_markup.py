"""The rich-text tree: parsing CSL-JSON's rich-text tags and writing the text out again.

:mod:`bibx.richtext` describes the convention and is where callers import these from; this module
holds the tree (:func:`parse`, :class:`Span`, :func:`render`) and the encodings writers use
(:func:`to_plain`, :func:`plain_line`, :func:`to_html`, :func:`scripts_to_unicode`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

# The span kinds and how rich text spells each; ``sc`` also accepts the spaced form CSL processors read.
TAGS: dict[str, tuple[str, str]] = {
    "i": ("<i>", "</i>"),
    "b": ("<b>", "</b>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "nocase": ('<span class="nocase">', "</span>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
}
_OPENING = {opening: kind for kind, (opening, _) in TAGS.items()}
_OPENING['<span style="font-variant: small-caps;">'] = "sc"
_TAG = re.compile("(" + "|".join(re.escape(tag) for tag in [*_OPENING, "</i>", "</b>", "</sup>", "</sub>", "</span>"]) + ")")
_MARKUP_CHARS = "<"


@dataclass(frozen=True, slots=True)
class Span:
    """Formatted text: ``kind`` is a key of :data:`TAGS`; ``children`` are text and nested spans."""

    kind: str
    children: tuple[Node, ...]

    @property
    def opening(self) -> str:
        return TAGS[self.kind][0]

    @property
    def closing(self) -> str:
        return TAGS[self.kind][1]


Node = str | Span


def is_plain(rich: str) -> bool:
    """Whether ``rich`` has no markup at all (then it is its own plain text)."""
    return _MARKUP_CHARS not in rich or not _TAG.search(rich)


def parse(rich: str) -> tuple[Node, ...]:
    """Rich text as a tree: strings and :class:`Span` s. A tag without its partner stays text."""
    if is_plain(rich):
        return (rich,) if rich else ()
    pieces = split_at_tags(rich)
    kinds = tag_kinds(tuple(pieces[1::2]))
    stack: list[list[Node]] = [[]]  # the children of the spans being built, the top level first
    for index, piece in enumerate(pieces):
        kind = kinds[index // 2] if index % 2 else None
        if kind is None:
            stack[-1].append(piece)
        elif piece in _OPENING:
            stack.append([])
        else:
            children = stack.pop()
            stack[-1].append(Span(kind, merged(children)))
    return merged(stack[0])


def split_at_tags(rich: str) -> list[str]:
    """``rich`` cut at whatever looks like a tag, paired or not: text at even indices, tags at odd ones."""
    return _TAG.split(rich)


# The tags of a text follow a few patterns (<i>, </i>, <sup>, </sup>): each is paired once.
@lru_cache(maxsize=4096)
def tag_kinds(tags: tuple[str, ...]) -> tuple[str | None, ...]:
    """The span kind of each of ``tags`` (in text order) that has its partner, None for the others."""
    kinds: list[str | None] = [None] * len(tags)
    unclosed: list[tuple[str, int]] = []  # kind and position of each opening tag not closed yet
    for position, tag in enumerate(tags):
        if tag in _OPENING:
            unclosed.append((_OPENING[tag], position))
        elif unclosed and TAGS[unclosed[-1][0]][1] == tag:
            kind, opening = unclosed.pop()
            kinds[opening] = kinds[position] = kind
    return tuple(kinds)


def merged(nodes: Sequence[Node]) -> tuple[Node, ...]:
    """Adjacent strings joined, empty ones dropped, so that equal text has one tree."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            if not node:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += node
                continue
        out.append(node)
    return tuple(out)


def render(nodes: Sequence[Node]) -> str:
    """A tree (as :func:`parse` returns it) back as rich text."""
    return "".join(node if isinstance(node, str) else node.opening + render(node.children) + node.closing for node in nodes)


def text_of(nodes: Sequence[Node]) -> str:
    """The characters of a tree, without any formatting."""
    return "".join(node if isinstance(node, str) else text_of(node.children) for node in nodes)


_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()aehklmnopstx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕₖₗₘₙₒₚₛₜₓ")
_SCRIPT_CHARS = {"sup": frozenset("0123456789+-=()ni"), "sub": frozenset("0123456789+-=()aehklmnopstx")}


def to_plain(rich: str) -> str:
    """Unicode text: markup dropped, ``AntM<sup>2</sup>C`` as ``AntM²C`` (a script Unicode lacks stays plain)."""
    if is_plain(rich):
        return rich
    return _plain(parse(rich))


def _plain(nodes: Sequence[Node]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
            continue
        inner = _plain(node.children)
        if node.kind in _SCRIPT_CHARS and inner and _SCRIPT_CHARS[node.kind].issuperset(inner):
            inner = inner.translate(_SUPERSCRIPTS if node.kind == "sup" else _SUBSCRIPTS)
        parts.append(inner)
    return "".join(parts)


def scripts_to_unicode(rich: str) -> str:
    """Rich text whose superscripts and subscripts Unicode can spell are those characters
    (``AntM<sup>2</sup>C`` → ``AntM²C``), other markup kept: for outputs that would drop the tags."""
    if "<su" not in rich:
        return rich
    return render(_unicode_scripts(parse(rich)))


def _unicode_scripts(nodes: Sequence[Node]) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Span):
            inner = text_of(node.children)
            if node.kind in _SCRIPT_CHARS and inner and _SCRIPT_CHARS[node.kind].issuperset(inner):
                node = inner.translate(_SUPERSCRIPTS if node.kind == "sup" else _SUBSCRIPTS)
            else:
                node = Span(node.kind, _unicode_scripts(node.children))
        out.append(node)
    return merged(out)


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_HTML_TAGS = {**TAGS, "nocase": ("", "")}  # case protection means nothing once printed


def to_html(rich: str) -> str:
    """HTML: the formatting as real tags, every other ``<``, ``>`` and ``&`` escaped."""
    return "".join(_html(parse(rich)))


def _html(nodes: Sequence[Node]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, str):
            yield escape_html(node)
        else:
            opening, closing = _HTML_TAGS[node.kind]
            yield opening
            yield from _html(node.children)
            yield closing


# C0 and C1 control characters: a terminal obeys them, and a text holding a NUL is binary to bibx.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain_line(rich: str) -> str:
    """:func:`to_plain` for a one-line field: control characters and line breaks dropped, white space collapsed.

    ``"A <i>New</i>\\nModel\\x00"`` → ``"A New Model"``: what a writer of a format without markup
    puts in a field that holds one line (a title in a table, a tab-separated column).
    """
    return " ".join(_CONTROLS.sub(" ", to_plain(rich)).split())
