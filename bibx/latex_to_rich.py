"""LaTeX to rich text: what the LaTeX in arXiv listings and .bib fields prints, as :mod:`bibx.richtext` spells it.

:func:`from_latex` is imported from :mod:`bibx.richtext`. Text without anything LaTeX would print
otherwise is its own rich text; the rest is cut into pieces (math, a command with its arguments, an
accent, a braced group), each read once by pylatexenc's walker and turned into a rich-text tree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from bibx.rich_markup import Node, Span, merged, render, text_of

# arXiv pages whose ``&#x2013;`` lost its ``&#`` and ``;``: a dash or quote code glued between letters.
_LOST_ENTITY = re.compile(r"(?<=[A-Za-z])x(201[3489]|201[CDcd])(?=[A-Za-z])")
# Searches for a literal: re's skips along the text faster than ``in`` does where the needle's
# characters are frequent (a space, digits), about a third less on an abstract.
_LOST_ENTITY_START = re.compile("x201")
_DOUBLE_SPACE = re.compile("  ")


def repair_mojibake(text: str) -> str:
    """``componentsx2013such`` → ``components–such``: only the unambiguous, seen form of a lost entity."""
    if _LOST_ENTITY_START.search(text) is None:
        return text
    return _LOST_ENTITY.sub(lambda match: chr(int(match.group(1), 16)), text)


def from_latex(latex: str, *, repair: bool = True) -> str:
    """The rich text a LaTeX snippet prints, as arXiv listings and .bib fields carry it.

    ``AntM$^{2}$C`` → ``AntM<sup>2</sup>C``, ``DiM\\textsuperscript{3}`` → ``DiM<sup>3</sup>``,
    ``8.6\\%`` → ``8.6%``, ``$2\\le p\\le m$`` → ``2 ≤ <i>p</i> ≤ <i>m</i>``, ``\\emph``/``\\textit``
    → ``<i>``, ``\\textbf`` → ``<b>``, ``\\textsc`` → small caps, ``{Braced}`` → a no-case span,
    ``--``, ``---``, ``````/``''``, ``?```, ``!``` → –, —, “/”, ¿, ¡ and accents as letters. A bare
    ``%`` is a percent sign, not a comment (listings are text with some LaTeX in it); a command
    LaTeX alone does not know (``\\sys``, a paper's own macro) is kept as written. ``repair`` also
    applies :func:`repair_mojibake`.
    """
    if repair:
        latex = repair_mojibake(latex)
    return _latex_to_rich(latex)


_SPACES = re.compile(r"[ \t\r\n]+")
# A % not escaped by a backslash (an odd number of them before it escapes it).
_BARE_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")
_STYLE_COMMANDS = {
    "textsuperscript": "sup", "textsubscript": "sub",
    "textbf": "b", "mathbf": "b", "boldsymbol": "b", "bm": "b",
    "emph": "i", "textit": "i", "textsl": "i", "mathit": "i",
    "textsc": "sc",
}  # fmt: skip
# Commands that print their argument as it is (in text or math).
_TRANSPARENT = frozenset("textrm textnormal textsf texttt textup textmd text mathrm mathsf mathtt mbox hbox operatorname".split())
_ESCAPED = frozenset("%&_#${}")
_ABBREVIATIONS = {"eg": "e.g.", "ie": "i.e.", "etal": "et al.", "etc": "etc."}
# Relations LaTeX sets with space on both sides.
_RELATIONS = frozenset("=<>≤≥≠≈∼≃≡→←⇒⇐↔∈∉⊂⊆⊃⊇≪≫∝")
_LIGATURES = {"--": "–", "---": "—", "``": "“", "''": "”", "?`": "¿", "!`": "¡", "~": " "}


_PARAGRAPH_BREAK = re.compile(r"[ \t\r]*\n[ \t\r]*\n\s*")


def _collapse(text: str) -> str:
    """Spaces as LaTeX sets them: one between words, a blank line between paragraphs kept."""
    if "\n" not in text and "\t" not in text and "\r" not in text and _DOUBLE_SPACE.search(text) is None:
        return text.strip()  # single-spaced already (most listings' text): the substitution would change nothing
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n\n".join(_SPACES.sub(" ", paragraph).strip() for paragraph in _PARAGRAPH_BREAK.split(text.strip()))


@lru_cache(maxsize=1)
def _latex_tools() -> tuple[Any, Any]:
    """pylatexenc's walker context and text converter, built once (they take a while)."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_context_db
    from pylatexenc.macrospec import std_macro

    context = get_default_latex_context_db()
    # pylatexenc reads \textperiodcentered as ˙ where LaTeX prints ·, and the ASCII symbols as look-alikes.
    printed = {
        "textperiodcentered": "\u00b7",
        "textasciicircum": "^",
        "textasciitilde": "~",
        "textbraceleft": "{",
        "textbraceright": "}",
        "textbackslash": "\\",
    }
    context.add_context_category("bibx", macros=[MacroTextSpec(name, text) for name, text in printed.items()], prepend=True)
    walker_context = walker_context_db()
    one_argument = [std_macro(name, False, 1) for name in [*_STYLE_COMMANDS, *_TRANSPARENT, "footnote"]]
    walker_context.add_context_category("bibx", macros=one_argument, prepend=True)
    return walker_context, LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=True)


# The pieces of a text that LaTeX may print otherwise than typed, each complete in itself: inline
# math, a command with its braced arguments (one nesting level), an accent with its letter, a
# braced group, a ligature or a tie. Everything between them is printed as typed.
_BRACED = r"\{(?:[^{}]|\{[^{}]*\})*\}"
# A \\, $, { or } that starts no piece (an unbalanced text) is a stray, a piece of its own coming
# last, so that the pieces alone tell whether the text is balanced. A bare % is a percent sign, and
# ^ and _ print as themselves outside math: a text without pieces is its own rich text.
# Every branch starts with one literal character, so re scans for those characters in C before
# trying the branches (a character class such as ``[?!]`` as a branch would double the cost).
_LATEX_PIECE = re.compile(
    rf"""(\$[^$]*\$|\\[A-Za-z]+(?:\s*{_BRACED})*|\\['"`^~=.](?:{_BRACED}|\\[A-Za-z]+|[A-Za-z])?|\\[^A-Za-z]|{_BRACED}|---|--|``|''|\?`|!`|~"""
    r"""|\\|\$|\{|\})"""
)
_STRAYS = frozenset("\\${}")


def _latex_to_rich(latex: str) -> str:
    """Piece by piece, each piece converted once (pylatexenc takes milliseconds per abstract but
    well under one per piece, and pieces repeat); an unbalanced text is walked whole."""
    pieces = _LATEX_PIECE.split(latex)  # text, piece, text, …, text
    if len(pieces) == 1:
        return _collapse(latex)
    if not _STRAYS.isdisjoint(pieces[1::2]):
        return _collapse(_walked(latex))
    pieces[1::2] = map(_piece_to_rich, pieces[1::2])
    return _collapse("".join(pieces))


@lru_cache(maxsize=8192)
def _piece_to_rich(piece: str) -> str:
    if piece in _LIGATURES:
        return _LIGATURES[piece]
    return _walked(piece)


def _walked(latex: str) -> str:
    """pylatexenc's reading of ``latex`` as rich text, spaces as they come."""
    from pylatexenc.latexwalker import LatexWalker

    walker_context, _ = _latex_tools()
    latex = _BARE_PERCENT.sub(lambda match: match.group(1) + "\\%", latex)
    nodes, _, _ = LatexWalker(latex, latex_context=walker_context, tolerant_parsing=True).get_latex_nodes()
    return render(merged(list(_text_nodes(nodes))))


def _text_nodes(nodes: Any) -> Iterator[Node]:
    from pylatexenc import latexwalker as lw

    for node in nodes or ():
        if node is None:
            continue
        if isinstance(node, lw.LatexCharsNode):
            yield node.chars
        elif isinstance(node, lw.LatexSpecialsNode):
            yield _LIGATURES.get(node.specials_chars, node.specials_chars)
        elif isinstance(node, lw.LatexGroupNode):
            yield from _group(node)
        elif isinstance(node, lw.LatexMathNode):
            yield from _math(node.nodelist)
        elif isinstance(node, lw.LatexMacroNode):
            yield from _macro(node, math=False)
        elif isinstance(node, lw.LatexEnvironmentNode):
            yield from _text_nodes(node.nodelist)
        elif isinstance(node, lw.LatexCommentNode):  # only from an unbalanced input: keep it
            yield node.latex_verbatim()


def _group(node: Any) -> Iterator[Node]:
    """``{MoE}`` keeps its case; ``{\\'e}`` (BibTeX's special character) and ``{}`` are just their text."""
    from pylatexenc import latexwalker as lw

    inner = merged(list(_text_nodes(node.nodelist)))
    first = node.nodelist[0] if node.nodelist else None
    if not inner or isinstance(first, (lw.LatexMacroNode, lw.LatexMathNode)) or not any(char.isalpha() for char in text_of(inner)):
        yield from inner
    else:
        yield Span("nocase", inner)


def _argument_nodes(node: Any, math: bool) -> tuple[Node, ...]:
    """What a command's last argument prints."""
    from pylatexenc import latexwalker as lw

    args = [arg for arg in (node.nodeargd.argnlist if node.nodeargd else ()) if arg is not None]
    if not args:
        return ()
    arg = args[-1]
    children = arg.nodelist if isinstance(arg, lw.LatexGroupNode) else [arg]
    return merged(list(_math_nodes(children) if math else _text_nodes(children)))


def _macro(node: Any, math: bool) -> Iterator[Node]:
    name = node.macroname
    if name in _ESCAPED:
        yield name
    elif name in _STYLE_COMMANDS:
        inner = _argument_nodes(node, math)
        if inner:
            yield Span(_STYLE_COMMANDS[name], inner)
    elif name in _TRANSPARENT:
        yield from _argument_nodes(node, math)
    elif name == "footnote":
        yield " ("
        yield from _argument_nodes(node, math)
        yield ")"
    elif name in _ABBREVIATIONS:
        yield _ABBREVIATIONS[name] + (" " if node.macro_post_space else "")
    else:
        yield _macro_text(node, math)


def _macro_text(node: Any, math: bool) -> str:
    """An accent or symbol as its character (``\\'e`` → é, ``\\le`` → ≤); an unknown command as written."""
    _, to_text = _latex_tools()
    if to_text.latex_context.get_macro_spec(node.macroname) is None:
        return str(node.latex_verbatim())
    text = unicodedata.normalize("NFC", to_text.node_to_text(node))
    if not text.strip() and node.macroname not in (",", ";", " ", "quad", "qquad"):
        return str(node.latex_verbatim())
    if any(unicodedata.combining(char) for char in text):  # an accent on what takes none (\" ])
        return str(node.latex_verbatim())
    if math and text.strip() in _RELATIONS:
        return f" {text.strip()} "
    return text


def _math(nodelist: Any) -> Iterator[Node]:
    """A formula as it prints: variables italic, scripts raised, relations spaced."""
    yield from _italic_runs(_math_nodes(nodelist))


def _math_nodes(nodelist: Any) -> list[Node]:
    from pylatexenc import latexwalker as lw

    items: list[Node] = []
    script: str | None = None
    for node in nodelist or ():
        pieces: list[Node]
        if isinstance(node, lw.LatexCharsNode):
            pieces = []
            for char in node.chars:
                if char in "^_":
                    script = "sup" if char == "^" else "sub"
                    continue
                if char.isspace():
                    continue
                piece: Node = f" {char} " if char in _RELATIONS else char
                if script:
                    items.append(Span(script, (piece.strip(),)))  # type: ignore[union-attr]
                    script = None
                else:
                    pieces.append(piece)
            items.extend(pieces)
            continue
        if isinstance(node, lw.LatexGroupNode):
            pieces = _math_nodes(node.nodelist)
        elif isinstance(node, lw.LatexMacroNode):
            pieces = list(_macro(node, math=True))
        elif isinstance(node, lw.LatexSpecialsNode):
            pieces = [node.specials_chars]
        else:
            pieces = [node.latex_verbatim()]
        if script:
            items.append(Span(script, merged(pieces)))
            script = None
        else:
            items.extend(pieces)
    return items


def _italic_runs(items: Sequence[Node]) -> Iterator[Node]:
    """Latin letters of a formula in italics, a run of them in one span (LaTeX's math italic)."""
    run: list[str] = []
    for item in items:
        if isinstance(item, str) and len(item) == 1:
            for char in item:
                if char.isascii() and char.isalpha():
                    run.append(char)
                    continue
                if run:
                    yield Span("i", ("".join(run),))
                    run = []
                yield char
        else:
            if run:
                yield Span("i", ("".join(run),))
                run = []
            yield item
    if run:
        yield Span("i", ("".join(run),))
