"""Rich text: the model's convention for the text of a title or an abstract.

:attr:`bibx.Paper.title` and :attr:`bibx.Paper.abstract` are *rich text*: Unicode text whose only
markup is CSL-JSON's rich-text tags

* ``<i>…</i>`` italics, ``<b>…</b>`` bold,
* ``<sup>…</sup>`` superscript, ``<sub>…</sub>`` subscript,
* ``<span class="nocase">…</span>`` text whose case a style must not change (BibTeX's braces),
* ``<span style="font-variant:small-caps;">…</span>`` small capitals.

Any other ``<``, ``>`` or ``&`` is literal text (``a < b & c`` is just that), as citeproc-js and
Zotero read CSL-JSON titles; so is a tag without its partner. There are no entities and no escapes.

Readers convert what their format carries into this once (:func:`from_latex` for the LaTeX that
arXiv listings and .bib files print), writers encode it natively: :func:`to_plain` for formats
without markup (RIS, plain-text references), :func:`to_html` for HTML, the tags as they are for
CSL-JSON, and :func:`parse` for anything else (the BibTeX writer turns the tree into LaTeX).
"""

from __future__ import annotations

import re
import unicodedata
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


@lru_cache(maxsize=4096)
def parse(rich: str) -> tuple[Node, ...]:
    """Rich text as a tree: strings and :class:`Span` s. A tag without its partner stays text."""
    if is_plain(rich):
        return (rich,) if rich else ()
    # Each frame: the kind being built (None at the top), its opening tag, its children.
    stack: list[tuple[str | None, str, list[Node]]] = [(None, "", [])]
    for index, token in enumerate(_TAG.split(rich)):
        if index % 2 == 0 or not token:
            if token:
                stack[-1][2].append(token)
        elif token in _OPENING:
            stack.append((_OPENING[token], token, []))
        elif len(stack) > 1 and TAGS[stack[-1][0]][1] == token:  # type: ignore[index]
            kind, _, children = stack.pop()
            stack[-1][2].append(Span(kind, _merged(children)))  # type: ignore[arg-type]
        else:
            stack[-1][2].append(token)
    while len(stack) > 1:  # unclosed: the opening tag was text after all
        _, opening, children = stack.pop()
        stack[-1][2].extend([opening, *children])
    return _merged(stack[0][2])


def _merged(nodes: Sequence[Node]) -> tuple[Node, ...]:
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
    return _merged(out)


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


# arXiv pages whose ``&#x2013;`` lost its ``&#`` and ``;``: a dash or quote code glued between letters.
_LOST_ENTITY = re.compile(r"(?<=[A-Za-z])x(201[3489]|201[CDcd])(?=[A-Za-z])")


def repair_mojibake(text: str) -> str:
    """``componentsx2013such`` → ``components–such``: only the unambiguous, seen form of a lost entity."""
    if "x201" not in text:
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
    if not _LATEX_ACTIVE.search(latex):
        return _collapse(latex)
    return _latex_to_rich(latex)


# What makes LaTeX print something else than the characters typed (outside math; a bare % is
# read as a percent sign, ^ and _ as themselves): without any, the text is its own rich text.
_LATEX_ACTIVE = re.compile(r"[\\${}~]|--|``|''|[?!]`")
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
    if "  " not in text and "\n" not in text and "\t" not in text and "\r" not in text:
        return text.strip()  # single-spaced already (most listings' text): the substitution would change nothing
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n\n".join(_SPACES.sub(" ", paragraph).strip() for paragraph in _PARAGRAPH_BREAK.split(text.strip()))


@lru_cache(maxsize=1)
def _latex_tools():  # type: ignore[no-untyped-def]
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
_LATEX_PIECE = re.compile(
    rf"""(\$[^$]*\$|\\[A-Za-z]+(?:\s*{_BRACED})*|\\['"`^~=.](?:{_BRACED}|\\[A-Za-z]+|[A-Za-z])?|\\[^A-Za-z]|{_BRACED}|---|--|``|''|[?!]`|~)"""
)
_STRAY = re.compile(r"[\\${}]")
# The characters a piece can start with: trying _LATEX_PIECE only there is twice as fast as its split.
_PIECE_START = re.compile(r"[-\\${~`'?!]")


def _latex_pieces(latex: str) -> list[str]:
    """``_LATEX_PIECE.split(latex)``: text, piece, text, …, text."""
    pieces, end, match = [], 0, _LATEX_PIECE.match
    for candidate in _PIECE_START.finditer(latex):
        start = candidate.start()
        if start >= end and (piece := match(latex, start)):
            pieces += (latex[end:start], piece.group())
            end = piece.end()
    pieces.append(latex[end:])
    return pieces


def _latex_to_rich(latex: str) -> str:
    """Piece by piece, each piece converted once (pylatexenc takes milliseconds per abstract but
    well under one per piece, and pieces repeat); an unbalanced text is walked whole."""
    pieces = _latex_pieces(latex)
    if any(_STRAY.search(text) for text in pieces[::2]):
        return _collapse(_walked(latex))
    return _collapse("".join(piece if index % 2 == 0 else _piece_to_rich(piece) for index, piece in enumerate(pieces)))


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
    return render(_merged(list(_text_nodes(nodes))))


def _text_nodes(nodes) -> Iterator[Node]:  # type: ignore[no-untyped-def]
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


def _group(node) -> Iterator[Node]:  # type: ignore[no-untyped-def]
    """``{MoE}`` keeps its case; ``{\\'e}`` (BibTeX's special character) and ``{}`` are just their text."""
    from pylatexenc import latexwalker as lw

    inner = _merged(list(_text_nodes(node.nodelist)))
    first = node.nodelist[0] if node.nodelist else None
    if not inner or isinstance(first, (lw.LatexMacroNode, lw.LatexMathNode)) or not any(char.isalpha() for char in text_of(inner)):
        yield from inner
    else:
        yield Span("nocase", inner)


def _argument_nodes(node, math: bool) -> tuple[Node, ...]:  # type: ignore[no-untyped-def]
    """What a command's last argument prints."""
    from pylatexenc import latexwalker as lw

    args = [arg for arg in (node.nodeargd.argnlist if node.nodeargd else ()) if arg is not None]
    if not args:
        return ()
    arg = args[-1]
    children = arg.nodelist if isinstance(arg, lw.LatexGroupNode) else [arg]
    return _merged(list(_math_nodes(children) if math else _text_nodes(children)))


def _macro(node, math: bool) -> Iterator[Node]:  # type: ignore[no-untyped-def]
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


def _macro_text(node, math: bool) -> str:  # type: ignore[no-untyped-def]
    """An accent or symbol as its character (``\\'e`` → é, ``\\le`` → ≤); an unknown command as written."""
    _, to_text = _latex_tools()
    if to_text.latex_context.get_macro_spec(node.macroname) is None:
        return node.latex_verbatim()
    text = unicodedata.normalize("NFC", to_text.node_to_text(node))
    if not text.strip() and node.macroname not in (",", ";", " ", "quad", "qquad"):
        return node.latex_verbatim()
    if any(unicodedata.combining(char) for char in text):  # an accent on what takes none (\" ])
        return node.latex_verbatim()
    if math and text.strip() in _RELATIONS:
        return f" {text.strip()} "
    return text


def _math(nodelist) -> Iterator[Node]:  # type: ignore[no-untyped-def]
    """A formula as it prints: variables italic, scripts raised, relations spaced."""
    yield from _italic_runs(_math_nodes(nodelist))


def _math_nodes(nodelist) -> list[Node]:  # type: ignore[no-untyped-def]
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
            items.append(Span(script, _merged(pieces)))
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
