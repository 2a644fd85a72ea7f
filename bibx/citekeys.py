"""Citation keys: stable, unique, pure ASCII, from a pattern in the spirit of Better BibTeX.

A pattern mixes literal text with fields in braces; the default ``{auth}{year}{title}`` gives
``yuan2022roadmap``. Fields:

==============  ==============================================================================
``{auth}``      first author's family name, lower case (an organisation's name word; ``anon``)
``{Auth}``      the same, capitalised
``{authors}``   up to three family names, lower case, run together
``{year}``      four-digit year of publication (or of listing; ``nd`` when unknown)
``{title}``     first significant word of the title, lower case
``{shorttitle}`` first three significant words of the title, each capitalised
``{arxiv}``     arXiv identifier with the dot removed (empty when unknown)
==============  ==============================================================================

Accents are folded ("Rodríguez" → ``rodriguez``) and anything outside ``[A-Za-z0-9_:-]`` is
dropped. Keys are assigned in output order; the second paper with a key gets ``a``, the third ``b``
and so on, so the same input always yields the same keys.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from bibx.model import Organization, Paper
from bibx.names import is_corporate
from bibx.richtext import to_plain

DEFAULT_PATTERN = "{auth}{year}{title}"
FUNCTION_WORDS = frozenset(
    "a an the of for and or in on at to with by from via into towards toward is are do does your "
    "we our how what when why beyond through under over".split()
)
UNSAFE = re.compile(r"[^A-Za-z0-9_:-]")
TITLE_WORD = re.compile(r"[^\s:/-]+")
# Latin letters that Unicode does not decompose into a base letter and an accent.
UNDECOMPOSABLE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"})


class KeyPatternError(ValueError):
    """A pattern naming an unknown field or malformed braces."""


def ascii_fold(text: str) -> str:
    """``"Rodríguez"`` → ``"Rodriguez"``: decompose, drop the accents, keep key-safe characters."""
    if text.isascii():
        # Nothing to decompose: the common case skips normalisation and the per-character loop.
        return text if text.isalnum() else UNSAFE.sub("", text)
    return fold_unicode(text)


def fold_unicode(text: str) -> str:
    """:func:`ascii_fold` for any text, without the ASCII shortcut."""
    decomposed = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSABLE))
    return UNSAFE.sub("", "".join(char for char in decomposed if not unicodedata.combining(char)))


def _family_names(paper: Paper) -> Iterator[str]:
    """Folded family names, lazily: a key uses only the first one or three."""
    for creator in paper.creators:
        name = _organization_word(creator.name) if isinstance(creator, Organization) else creator.family
        if folded := ascii_fold(name):
            yield folded


def _organization_word(name: str) -> str:
    """The word that names an organisation: "Tencent" of "Tencent Hunyuan Team", "Wan" of "Team Wan"."""
    words = name.split()
    return next((word for word in words if not is_corporate(word)), words[0])


def _significant_words(paper: Paper) -> Iterator[str]:
    """Folded title words other than function words, lazily: a key uses only the first one or three."""
    for match in TITLE_WORD.finditer(to_plain(paper.title)):
        word = ascii_fold(match.group())
        if word and word.lower() not in FUNCTION_WORDS:
            yield word


def _year(paper: Paper) -> str:
    date = paper.date or paper.listing_date
    return f"{date.year:04d}" if date else "nd"


FIELDS: dict[str, Callable[[Paper], str]] = {
    "auth": lambda paper: next(_family_names(paper), "anon").lower(),
    "Auth": lambda paper: next(_family_names(paper), "anon").capitalize(),
    "authors": lambda paper: "".join(islice(_family_names(paper), 3)).lower() or "anon",
    "year": _year,
    "title": lambda paper: next(_significant_words(paper), "untitled").lower(),
    "shorttitle": lambda paper: "".join(word.capitalize() for word in islice(_significant_words(paper), 3)) or "Untitled",
    "arxiv": lambda paper: (paper.arxiv_id or "").replace(".", ""),
}


def compile_pattern(pattern: str) -> list[tuple[str, Callable[[Paper], str] | None]]:
    """Split a pattern into (literal, field) pieces; raises KeyPatternError for an unknown field."""
    pieces = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise KeyPatternError(f"malformed key pattern {pattern!r}: {error}") from None
    for literal, name, _spec, _conversion in parsed:
        if name is not None and name not in FIELDS:
            raise KeyPatternError(f"unknown field {{{name}}} in key pattern; known: {', '.join(FIELDS)}")
        pieces.append((ascii_fold(literal), FIELDS[name] if name is not None else None))
    return pieces


class KeyAssigner:
    """Gives each paper of one export its key.

    It remembers the keys handed out as 8-byte digests (a tenth of the memory of the strings); a
    digest collision can only add a needless suffix, never repeat a key.
    """

    def __init__(self, pattern: str = DEFAULT_PATTERN, reserved: Iterable[str] = ()) -> None:
        """``reserved`` keys (those an input already carries) are never given to another paper."""
        self._pieces = compile_pattern(pattern)
        self._used: set[int] = set()
        self._reserved = {_digest(key) for key in reserved}
        self._next_suffix: dict[str, int] = {}  # only for bases that have collided

    def assign(self, paper: Paper) -> str:
        """A new key from the pattern, suffixed if taken."""
        base = "".join(literal + (field(paper) if field else "") for literal, field in self._pieces) or "paper"
        return self._unique(base, avoid_reserved=True)

    def keep(self, key: str) -> str:
        """Keep a key the input already had (an existing .bib); suffixed only if another paper has it."""
        return self._unique(key, avoid_reserved=False)

    def _unique(self, base: str, avoid_reserved: bool) -> str:
        key, n = base, self._next_suffix.get(base, 0)
        while (digest := _digest(key)) in self._used or (avoid_reserved and digest in self._reserved):
            key, n = base + letter_suffix(n), n + 1
            self._next_suffix[base] = n
        self._used.add(digest)
        return key


def _digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def letter_suffix(n: int) -> str:
    """0 → a, 25 → z, 26 → aa, …: the suffixes of keys, and of years in author-date styles (2023a)."""
    letters = ""
    n += 1
    while n:
        n, remainder = divmod(n - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
