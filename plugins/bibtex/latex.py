"""Paper text as LaTeX that prints it and does nothing else: the one escaping path of the .bib writers.

Titles and abstracts are rich text (:mod:`bibx.richtext`): their italics, bold, superscripts,
subscripts, small capitals and no-case spans become ``\\textit``, ``\\textbf``,
``\\textsuperscript``, ``\\textsubscript``, ``\\textsc`` and braces; every other character is
data, never markup: every TeX special character is escaped, so ``\\input{/etc/passwd}`` prints as
those characters, and LaTeX's ligatures (``--``, ``---``, ``````, ``''``, ``?```, ``!```, and
T1's ``<<``, ``>>``, ``,,``) are broken with ``{}`` so that they print as the characters typed.
:func:`rich_from_latex` is the way back, for the .bib reader.

Braces are written as ``\\textbraceleft{}``/``\\textbraceright{}``, not ``\\{``: BibTeX and biber
count ``\\{`` as a brace when they look for the end of a field, so a lone ``{`` escaped that way
would still unbalance the entry. Whitespace, newlines included, collapses to single spaces, so no
line of a field can start a new ``@entry`` for a line-oriented parser.

Case protection follows Better BibTeX: a word keeps its case (is braced) when one of its
hyphen-separated parts has a capital after its first character (``LLMs``, ``MoE``, ``GPT-3``,
``iPhone``, ``LaTeX``, ``AntM²C``); ``Large-Scale`` and ``Multi-Scenario`` are left to the style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache

from bibx.controls import printable_only
from bibx.richtext import Node, Span, from_latex, is_plain, parse, render, split_at_tags, tag_kinds, text_of

# Backslash and braces become commands without a brace character of their own.
_BACKSLASH_OR_BRACE = re.compile(r"[\\{}]")
_BRACE_FREE_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# Applied after backslashes and braces, whose escapes these would otherwise mangle.
_SIMPLE_ESCAPES = (
    ("&", r"\&"),
    ("%", r"\%"),
    ("$", r"\$"),
    ("#", r"\#"),
    ("_", r"\_"),
    ("~", r"\textasciitilde{}"),
    ("^", r"\textasciicircum{}"),
)
# Printable ASCII without TeX specials, in single-spaced words: such text is its own LaTeX.
# (Classes are spelled without ranges up to U+10FFFF: re takes milliseconds to compile one, at every start.)
_VERBATIM_WORD = "[" + "".join(re.escape(chr(code)) for code in range(0x21, 0x7F) if chr(code) not in "\\{}&%$#_~^") + "]+"
_VERBATIM_TEXT = re.compile(rf"{_VERBATIM_WORD}(?: {_VERBATIM_WORD})*")

# LaTeX's ligatures of typed characters (T1 adds << >> ,,): a {} between the two keeps both.
# One character class first, then lookarounds: re skips ahead by the class, five times faster on an
# abstract than the alternation ([-`',<>])(?=\1)|[?!](?=`) and twice as fast as eight substring tests.
_LIGATURE_STARTS = "-`',<>?!"
_LIGATURE_FIRST = re.escape(_LIGATURE_STARTS)  # as it stands in a character class
_LIGATURE_SECOND = r"(?=[\-`',<>])(?:(?<=([\-`',<>]))(?=\1)|(?<=[?!])(?=`))"
_LIGATURE = re.compile(rf"[{_LIGATURE_FIRST}]{_LIGATURE_SECOND}")
# A word as case protection sees it (GPT-3.5, O'Brien, AntM²C), and a cheap test for text where
# some word may have a capital (or a non-ASCII letter) after its first character.
_WORD = re.compile(r"([^\W_]+(?:[-.'’][^\W_]+)*)")
_MAYBE_CAPITAL_INSIDE_A_WORD = re.compile(r"[^\W_][-.'’]?(?![a-z])[^\W\d_]")
# _WORD for ASCII text: a character class first, which re skips ahead by (a title's split in half the time).
_ASCII_WORD = re.compile(r"([A-Za-z0-9]+(?:[-.'][A-Za-z0-9]+)*)")
# In ASCII, a capital after the first character of a hyphen-separated part (see _needs_protection).
_ASCII_CAPITAL_INSIDE_A_PART = re.compile(r"[^-][A-Z]")
# The same in ASCII text, found in one scan: an _ASCII_WORD joins a letter or digit to the capital
# after it directly or through one dot or apostrophe (a hyphen starts another part).
_ASCII_CAPITAL_INSIDE_A_WORD = re.compile(r"[A-Za-z0-9][.']?[A-Z]")
# A span's opening command; its end is "}". Their braces end any ligature pair and any Unicode
# composition, as the end of a text node does, and they hold no ligature character, so a span's text
# is escaped in one pass with the text around it, its specials escaped first (see _latex_nodes).
_SPAN_COMMANDS = {"i": r"\textit{", "b": r"\textbf{", "sup": r"\textsuperscript{", "sub": r"\textsubscript{", "sc": r"\textsc{", "nocase": "{"}

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Math symbols and Greek letters (≤, →, α: what formulas in listings decode to) have no text glyph
# in pdfLaTeX's UTF-8 support: spelled as math even in UTF-8 output (\ensuremath{\leq}).
_ONE_MATH_SYMBOL = re.compile(r"\{\\ensuremath\{\\[A-Za-z]+\}\}")
_MATH_CHARACTERS = "\u0370-\u03ff\u2190-\u21ff\u2200-\u22ff\u2a00-\u2aff"
# Combining marks with a LaTeX accent command that pdfLaTeX typesets in T1 without any package.
_ACCENT_COMMANDS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip
# Accents under the letter: i and j keep their dot (\k{i}); any other accent goes over a dotless \i.
_MARKS_BELOW = frozenset("\u0323\u0327\u0328\u0331")
# The letters with a command in T1 (ƒ: the TS1 florin), which an accent can also sit on (ǽ is \'\ae).
_T1_LETTERS = {
    "Æ": r"\AE", "æ": r"\ae", "Ð": r"\DH", "ð": r"\dh", "Đ": r"\DJ", "đ": r"\dj", "Ł": r"\L", "ł": r"\l",
    "Ŋ": r"\NG", "ŋ": r"\ng", "Ø": r"\O", "ø": r"\o", "Œ": r"\OE", "œ": r"\oe", "Þ": r"\TH", "þ": r"\th",
    "Ĳ": r"\IJ", "ĳ": r"\ij", "ß": r"\ss", "ı": r"\i", "ȷ": r"\j", "ƒ": r"\textflorin",
}  # fmt: skip
# A letter of the Latin script (not a ligature or a modifier letter): one that is neither in
# _T1_LETTERS nor an accented letter has no T1 glyph (ŉ, Ħ, Ŀ, ĸ, ơ, ə), and pylatexenc would spell
# it as another letter (\={H}, \.{L}, \textsc{k}) or as a tipa command pdfLaTeX does not know.
_LATIN_LETTER = re.compile(r"LATIN (?:CAPITAL |SMALL )?LETTER ")
# An accent argument LaTeX reads without braces after \' or \": one letter or one command.
_BARE_ACCENT_ARGUMENT = re.compile(r"[A-Za-z]|\\[A-Za-z]+")


def _ligature_or(first: str) -> re.Pattern[str]:
    """A ligature's first character (:data:`_LIGATURE`) or another character of the class ``first``, found in one scan."""
    return re.compile(rf"{first}(?:(?<![{_LIGATURE_FIRST}])|{_LIGATURE_SECOND})")


# What is left to change in text whose specials are escaped, for BibTeX and for BibLaTeX. The first
# class is every character but the ASCII ones that start no ligature (non-ASCII or a ligature's first).
_LIGATURE_OR_NON_ASCII = _ligature_or("[^" + "".join(re.escape(chr(code)) for code in range(0x80) if chr(code) not in _LIGATURE_STARTS) + "]")
_LIGATURE_OR_MATH = _ligature_or(f"[{_LIGATURE_FIRST}{_MATH_CHARACTERS}]")


def latex_literal(text: str, *, ascii_only: bool) -> str:
    """``text`` escaped character for character (names, notes, keywords: no math in there)."""
    if _VERBATIM_TEXT.fullmatch(text) and not _LIGATURE.search(text):
        return text
    return _text_segment(_collapse_whitespace(text), ascii_only, protect_case=False)


def latex_prose(text: str, *, ascii_only: bool, protect_case: bool = False) -> str:
    """A title or abstract (rich text, see :mod:`bibx.richtext`) as LaTeX that prints it.

    ``protect_case`` braces the words that must keep their case (see the module's docstring), so
    that styles which lowercase titles (plain.bst's ``change.case$``) leave ``MoE`` as written.
    ``ascii_only`` spells non-ASCII characters as LaTeX commands (``í`` → ``{\\'\\i}``) for
    BibTeX; characters without such a spelling are kept, see :func:`unencodable_characters`.
    """
    text = _collapse_whitespace(text)
    if is_plain(text):
        return _text_segment(text, ascii_only, protect_case)
    if not protect_case:
        return _after_specials(_with_commands(_escape_specials(text)), ascii_only)
    return "".join(_protected_words(parse(text), ascii_only))


def _protected_words(nodes: Sequence[Node], ascii_only: bool) -> Iterator[str]:
    """Runs of words without markup escaped in one call (a call per word cost more than the escaping)."""
    run: list[str] = []
    for word in _top_level_words(nodes):
        if all(isinstance(node, str) for node in word):
            run.extend(word)  # type: ignore[arg-type]
            continue
        if run:
            yield _text_segment("".join(run), ascii_only, True)
            run = []
        yield _latex_word(word, ascii_only)
    if run:
        yield _text_segment("".join(run), ascii_only, True)


def rich_from_latex(latex: str) -> str:
    """The rich text a .bib field prints: :func:`bibx.richtext.from_latex`, minus the no-case spans
    that case protection would write again (``{MoE}`` reads as ``MoE``, ``{Large}`` keeps its span)."""
    rich = from_latex(latex, repair=False)
    if is_plain(rich):
        return rich
    return render(tuple(_without_redundant_nocase(parse(rich))))


def _without_redundant_nocase(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        if isinstance(node, Span) and node.kind == "nocase" and _needs_protection(text_of(node.children)):
            yield from node.children
        else:
            yield node


def _latex_nodes(nodes: Sequence[Node], ascii_only: bool) -> str:
    return _after_specials(_specials_escaped(nodes), ascii_only)


def _specials_escaped(nodes: Sequence[Node]) -> str:
    """``nodes`` as LaTeX but for ligatures and non-ASCII: each text's specials escaped, each span a command."""
    return "".join(
        _escape_specials(node) if isinstance(node, str) else _SPAN_COMMANDS[node.kind] + _specials_escaped(node.children) + "}"
        for node in nodes
    )


def _with_commands(rich: str) -> str:
    """Rich text with the tags of its spans as commands (the tags hold no TeX special: escaping first leaves them)."""
    pieces = split_at_tags(rich)
    pieces[1::2] = _tag_commands(tuple(pieces[1::2]))
    return "".join(pieces)


@lru_cache(maxsize=4096)
def _tag_commands(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Each tag as its command, or as it is when it has no partner (abstracts repeat a few tag sequences)."""
    kinds = tag_kinds(tags)
    return tuple(tag if kind is None else "}" if tag.startswith("</") else _SPAN_COMMANDS[kind] for tag, kind in zip(tags, kinds, strict=True))


def _top_level_words(nodes: Sequence[Node]) -> Iterator[list[Node]]:
    """The nodes cut at spaces; a span glued to letters (``AntM<sup>2</sup>C``) is part of their word."""
    word: list[Node] = []
    for node in nodes:
        if isinstance(node, Span):
            word.append(node)
            continue
        first, *rest = node.split(" ")
        word.append(first)
        for piece in rest:
            yield [*word, " "]
            word = [piece]
    yield word


def _latex_word(word: list[Node], ascii_only: bool) -> str:
    # A word opening with a command is left as it is: braced, it would be BibTeX's "special
    # character", whose letters change.case$ does change; the command's argument is protected anyway.
    if isinstance(word[0], str) and _needs_protection(text_of(word).strip()):
        return "{" + _latex_nodes(word, ascii_only).rstrip(" ") + "}" + (" " if word[-1] == " " else "")
    return "".join(_text_segment(node, ascii_only, True) if isinstance(node, str) else _latex_nodes([node], ascii_only) for node in word)


def _needs_protection(word: str) -> bool:
    """A capital after the first character of a hyphen-separated part: ``MoE``, ``GPT-3``, not ``Large-Scale``."""
    if word.isascii():
        return _ASCII_CAPITAL_INSIDE_A_PART.search(word) is not None
    return any(char.isupper() for part in word.split("-") for char in part[1:])


def unencodable_characters(latex: str) -> str:
    """The characters of ``latex`` that an ``ascii_only`` conversion had to keep as they are."""
    return "" if latex.isascii() else "".join(dict.fromkeys(_NON_ASCII.findall(latex)))


def _collapse_whitespace(text: str) -> str:
    """One line, single-spaced, without the control and format characters TeX rejects or ignores."""
    if _is_single_spaced_line(text):
        return text
    return _collapse_any_whitespace(text)


def _collapse_any_whitespace(text: str) -> str:
    """:func:`_collapse_whitespace` without the shortcut for text that is already one spaced line."""
    text = " ".join(text.split())
    if not text.isprintable():
        text = " ".join(printable_only(text).split())
    return text


def _is_single_spaced_line(text: str) -> bool:
    """Nothing to collapse: the only whitespace a printable string can hold is the ASCII space."""
    return text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" ")


def _text_segment(text: str, ascii_only: bool, protect_case: bool) -> str:
    if protect_case and text.isascii():
        if not _ASCII_CAPITAL_INSIDE_A_WORD.search(text):
            return _escaped(text, ascii_only)
        return _protected_runs(_ASCII_WORD.split(text), ascii_only)
    if protect_case and _MAYBE_CAPITAL_INSIDE_A_WORD.search(text):
        pieces = _WORD.split(text)  # text, word, text, word, ..., text
        return "".join(
            "{" + _escaped(piece, ascii_only) + "}" if index % 2 and _needs_protection(piece) else _escaped(piece, ascii_only)
            for index, piece in enumerate(pieces)
        )
    return _escaped(text, ascii_only)


def _protected_runs(pieces: list[str], ascii_only: bool) -> str:
    """:func:`_text_segment`'s pieces, the words to protect braced, the text between them escaped in one call.

    For ASCII text that is the same as escaping piece by piece: escaping is character by character
    but for ligatures, and no ligature spans a word's edge (a word starts and ends with a letter or digit).
    An ASCII word is its own LaTeX: letters and digits, joined by single hyphens, dots or apostrophes.
    """
    inner_capital = _ASCII_CAPITAL_INSIDE_A_PART.search  # _needs_protection for ASCII, without a call a word
    out, start = [], 0
    for index in range(1, len(pieces), 2):
        if inner_capital(pieces[index]):
            out += (_escaped("".join(pieces[start:index]), ascii_only), "{", pieces[index], "}")
            start = index + 1
    out.append(_escaped("".join(pieces[start:]), ascii_only))
    return "".join(out)


def _escaped(text: str, ascii_only: bool) -> str:
    return _after_specials(_escape_specials(text), ascii_only)


def _after_specials(escaped: str, ascii_only: bool) -> str:
    """Text whose TeX specials are escaped with its ligatures broken and its non-ASCII characters spelled."""
    if not ascii_only:
        return _LIGATURE_OR_MATH.sub(_broken_or_math, escaped)
    if unicodedata.is_normalized("NFC", escaped):
        # Breaking a ligature puts {} between two ASCII characters, which keeps NFC text NFC: no
        # normalisation to do between breaking and spelling, so both are done in one scan.
        return _LIGATURE_OR_NON_ASCII.sub(_broken_or_spelled, escaped)
    return _encode_non_ascii(_LIGATURE.sub(_with_empty_group, escaped))


def _broken_or_spelled(match: re.Match[str]) -> str:
    char = match.group()
    return char + "{}" if char.isascii() else _spell_character(char)


def _broken_or_math(match: re.Match[str]) -> str:
    char = match.group()
    if char.isascii():
        return char + "{}"
    spelled = _spell_character(char)
    # One symbol command (≤ as \leq): not a letter (Ά) nor a construction (⩮ as \stackrel{*}{=}).
    return spelled if _ONE_MATH_SYMBOL.fullmatch(spelled) else char


def _with_empty_group(match: re.Match[str]) -> str:
    # A function rather than the template r"\g<0>{}", which re expands in Python for every match.
    return match.group() + "{}"


def _escape_specials(text: str) -> str:
    # Substring tests and str.replace are several times faster than str.translate with a dict.
    if "\\" in text or "{" in text or "}" in text:
        text = _BACKSLASH_OR_BRACE.sub(lambda match: _BRACE_FREE_ESCAPES[match.group()], text)
    for char, escaped in _SIMPLE_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def _encode_non_ascii(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: _spell_character(match.group()), unicodedata.normalize("NFC", text))


@lru_cache(maxsize=4096)
def _spell_character(char: str) -> str:
    """One non-ASCII character as LaTeX that prints that very character, or the character itself.

    A letter is spelled from its Unicode decomposition (``ű`` → ``{\\H{u}}``), since pylatexenc
    writes some accents wrongly (``ű`` as ``\\'{u}``); a Latin letter LaTeX has no spelling for is
    kept, for the writer to report. pylatexenc spells the rest (``°`` → ``{\\textdegree}``).
    """
    if char in _T1_LETTERS:
        return f"{{{_T1_LETTERS[char]}}}"
    accented = _accented_letter(char)
    if accented is not None:
        return accented
    if _LATIN_LETTER.match(unicodedata.name(char, "")):
        return char
    return _unicode_encoder().unicode_to_latex(char)


@lru_cache(maxsize=1)
def _unicode_encoder():  # type: ignore[no-untyped-def]
    """pylatexenc's encoder, imported and built on the first character that needs it (start-up stays short)."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep", unknown_char_warning=False
    )


def _accented_letter(char: str) -> str | None:
    """``ǎ`` → ``{\\v{a}}``, ``í`` → ``{\\'\\i}``, ``ǘ`` → ``{\\'{\\"u}}``; None unless every mark has a command."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not marks or any(mark not in _ACCENT_COMMANDS for mark in marks):
        return None
    if base in "ij" and not _MARKS_BELOW.issuperset(marks):
        spelled = f"\\{base}"
    elif base.isascii() and base.isalpha():
        spelled = base
    elif base in _T1_LETTERS:
        spelled = _T1_LETTERS[base]
    else:
        return None
    for mark in marks:
        spelled = _with_accent(_ACCENT_COMMANDS[mark], spelled)
    return f"{{{spelled}}}"


def _with_accent(command: str, argument: str) -> str:
    """``\\'e`` and ``\\'\\i`` as LaTeX's own tables write them; ``\\v{a}`` and nested accents braced."""
    if not command.isalpha() and _BARE_ACCENT_ARGUMENT.fullmatch(argument):
        return f"\\{command}{argument}"
    return f"\\{command}{{{argument}}}"
