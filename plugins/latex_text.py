"""Paper text as LaTeX that prints it and does nothing else: the one escaping path of the .bib writers.

Text from a listing is data, never markup: every TeX special character is escaped, so
``\\input{/etc/passwd}`` prints as those characters. The one exception is inline math such as
``$160\\times$`` or ``AntM$^{2}$C``, kept as math only when :func:`is_harmless_math` accepts it:
ASCII letters, digits, a few punctuation marks, braces, well-formed ``^``/``_`` scripts and
commands from :data:`MATH_COMMANDS`. Anything else between dollars is escaped like text.

Braces are written as ``\\textbraceleft{}``/``\\textbraceright{}``, not ``\\{``: BibTeX and biber
count ``\\{`` as a brace when they look for the end of a field, so a lone ``{`` escaped that way
would still unbalance the entry. Whitespace, newlines included, collapses to single spaces, so no
line of a field can start a new ``@entry`` for a line-oriented parser.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_SYMBOLS = (
    "times sim approx simeq leq le geq ge neq ne ll gg pm mp cdot circ ast star div propto infty "
    "to rightarrow leftarrow Rightarrow leftrightarrow mid in notin subset subseteq cup cap "
    "forall exists partial nabla prime ldots cdots dots sum prod log ln exp min max"
)
# Symbols that take no argument and exist in plain LaTeX (no amsmath): they cannot read, write,
# define or redefine anything, so a formula made only of them is inert.
MATH_COMMANDS = frozenset(f"\\{name}" for name in f"{_GREEK} {_SYMBOLS} ,".split())

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
_VERBATIM_WORD = r"[^\\{}&%$#_~^\s\x00-\x1f\x7f-\U0010ffff]+"
_VERBATIM_TEXT = re.compile(rf"{_VERBATIM_WORD}(?: {_VERBATIM_WORD})*")

_INLINE_MATH = re.compile(r"\$([^$]+)\$")
_PIECE_BREAK = "\x00"
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\,|.", re.DOTALL)
_MATH_ATOMS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-=<>()[].,;:/|!*")
_MATH_SPACES = frozenset(" \t")
# Formulas of plain symbols only (``$k$``, ``$3.0$``, ``$50+$``): no braces, scripts or commands.
_PLAIN_FORMULA = re.compile(r"[A-Za-z0-9 +\-=<>()\[\].,;:/|!*]*")

# A word with a capital after its first character (LLMs, MoE, GPT-3, HunyuanVideo), not preceded
# by a backslash so that the names of the commands written by the escaping are left alone.
_MIXED_CASE_WORD = re.compile(
    r"(?<![\\A-Za-z0-9])(?=[A-Za-z0-9](?:[-.]?[A-Za-z0-9])*?[-.]?[A-Z])[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*"
)
# What every such word contains: a letter or digit, then (maybe after - or .) a capital. A text
# without one has no word to brace, which this finds faster than the lookahead above.
_CAPITAL_INSIDE_A_WORD = re.compile(r"[A-Za-z0-9][-.]?[A-Z]")

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
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
_UNICODE_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)


def latex_literal(text: str, *, ascii_only: bool) -> str:
    """``text`` escaped character for character (names, notes, keywords: no math in there)."""
    if _VERBATIM_TEXT.fullmatch(text):
        return text
    return _text_segment(_collapse_whitespace(text), ascii_only, protect_case=False)


def latex_prose(text: str, *, ascii_only: bool, protect_case: bool = False) -> str:
    """A title or abstract: escaped like :func:`latex_literal`, harmless inline math kept.

    ``protect_case`` braces mixed-case words and every formula, so that styles which lowercase
    titles (plain.bst's ``change.case$``) leave ``MoE`` and ``$K$`` as written. ``ascii_only``
    spells non-ASCII characters as LaTeX commands (``í`` → ``{\\'\\i}``) for BibTeX; characters
    without such a spelling are kept, see :func:`unencodable_characters`.
    """
    text = _collapse_whitespace(text)
    if "$" not in text:
        return _text_segment(text, ascii_only, protect_case)
    texts, formulas = _split_harmless_math(text)
    # The text around the formulas is escaped in one call (a call per piece cost more than the
    # escaping), the pieces joined by a NUL: the collapsed text has none, and no escaping step
    # changes a NUL or reads across one (for NFC it is a starter that composes with nothing).
    escaped = _text_segment(_PIECE_BREAK.join(texts), ascii_only, protect_case).split(_PIECE_BREAK)
    parts = [escaped[0]]
    for formula, after in zip(formulas, escaped[1:]):
        parts.append(f"{{${formula}$}}" if protect_case else f"${formula}$")
        parts.append(after)
    return "".join(parts)


def _split_harmless_math(text: str) -> tuple[list[str], list[str]]:
    """The harmless formulas of ``text`` (without dollars) and the text around them, one piece more.

    A formula :func:`is_harmless_math` rejects stays in the text around it, dollars and all.
    """
    pieces = _INLINE_MATH.split(text)  # text, formula, text, formula, ..., text
    texts, formulas = [pieces[0]], []
    for formula, after in zip(pieces[1::2], pieces[2::2]):
        if is_harmless_math(formula):
            formulas.append(formula)
            texts.append(after)
        else:
            texts[-1] += f"${formula}${after}"
    return texts, formulas


@lru_cache(maxsize=4096)
def is_harmless_math(formula: str) -> bool:
    """Whether ``$formula$`` typesets without error and runs nothing but allow-listed symbols.

    Besides the alphabet, this checks what would stop TeX: unbalanced braces, a script without
    its argument (``x^``) and a double script (``x^2^3``; ``^^`` is also TeX's notation for
    arbitrary characters).
    """
    if _PLAIN_FORMULA.fullmatch(formula):
        return True
    # One frame per open brace: the scripts the current atom already has, and whether a ^ or _
    # still waits for its argument.
    frames: list[tuple[set[str], bool]] = [(set(), False)]
    for token in _MATH_TOKEN.findall(formula):
        scripts, awaiting = frames[-1]
        if token in _MATH_SPACES:
            continue
        if token in ("^", "_"):
            if awaiting or token in scripts:
                return False
            scripts.add(token)
            frames[-1] = (scripts, True)
        elif token == "{":
            frames.append((set(), False))
        elif token == "}":
            if len(frames) == 1 or awaiting:
                return False
            frames.pop()
            frames[-1] = _after_atom(*frames[-1])
        elif token in _MATH_ATOMS or token in MATH_COMMANDS:
            frames[-1] = _after_atom(scripts, awaiting)
        else:
            return False
    return len(frames) == 1 and not frames[0][1]


def unencodable_characters(latex: str) -> str:
    """The characters of ``latex`` that an ``ascii_only`` conversion had to keep as they are."""
    return "" if latex.isascii() else "".join(dict.fromkeys(_NON_ASCII.findall(latex)))


def _after_atom(scripts: set[str], awaiting: bool) -> tuple[set[str], bool]:
    """An atom either is the argument a script waited for, or starts a new base without scripts."""
    return (scripts, False) if awaiting else (set(), False)


def _collapse_whitespace(text: str) -> str:
    """One line, single-spaced, without the control and format characters TeX rejects or ignores."""
    if _is_single_spaced_line(text):
        return text
    return _collapse_any_whitespace(text)


def _collapse_any_whitespace(text: str) -> str:
    """:func:`_collapse_whitespace` without the shortcut for text that is already one spaced line."""
    text = " ".join(text.split())
    if not text.isprintable():
        text = " ".join("".join(char for char in text if char.isprintable()).split())
    return text


def _is_single_spaced_line(text: str) -> bool:
    """Nothing to collapse: the only whitespace a printable string can hold is the ASCII space."""
    return text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" ")


def _text_segment(text: str, ascii_only: bool, protect_case: bool) -> str:
    escaped = _escape_specials(text)
    if protect_case and _CAPITAL_INSIDE_A_WORD.search(escaped):
        escaped = _MIXED_CASE_WORD.sub(_braced, escaped)
    return _encode_non_ascii(escaped) if ascii_only else escaped


def _braced(match: re.Match[str]) -> str:
    # A function rather than the template r"{\g<0>}", which re expands in Python for every match.
    return "{" + match.group() + "}"


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
    return _UNICODE_ENCODER.unicode_to_latex(char)


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
