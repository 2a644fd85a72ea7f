"""Citation keys: stable, unique, pure ASCII, from a pattern in the spirit of Better BibTeX.

A pattern mixes literal text with fields in braces; the default ``{auth}{year}{title}`` gives
``yuan2022roadmap``. Fields:

==============  ==============================================================================
``{auth}``      first author's family name, lower case (an organisation's name word; ``anon``)
``{Auth}``      the same, capitalised
``{authors}``   up to three family names, lower case, run together
``{year}``      four-digit year of publication; empty when unknown or inferred (never a listing date)
``{title}``     first significant word of the title, lower case
``{shorttitle}`` first three significant words of the title, each capitalised
``{arxiv}``     arXiv identifier with the dot removed (empty when unknown)
==============  ==============================================================================

Accents are folded ("Rodríguez" → ``rodriguez``) and anything outside ``[A-Za-z0-9_:-]`` is
dropped. A key is a function of the paper alone (see :class:`KeyAssigner`): papers whose keys
would collide get more title words, then a short hash of the title, whatever the input order.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from bibx.digests import DigestSet, sorted_in_runs
from bibx.merge import title_key
from bibx.model import Organization, Paper
from bibx.names import is_corporate
from bibx.richtext import to_plain

DEFAULT_PATTERN = "{auth}{year}{title}"
FUNCTION_WORDS = frozenset(
    "a an the of for and or in on at to with by from via into towards toward is are do does your "
    "we our how what when why beyond through under over".split()
)
EXTRA_TITLE_WORDS = 2
_TITLE_MASK = (1 << 24) - 1
UNSAFE = re.compile(r"[^A-Za-z0-9_:-]")
TITLE_WORD = re.compile(r"[^\s:/-]+")
# Latin letters that Unicode does not decompose into a base letter and an accent.
UNDECOMPOSABLE = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss",
        "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i",
    }
)


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
    return next((word for word in words if not is_corporate(word)), words[0] if words else "")


def _significant_words(paper: Paper) -> Iterator[str]:
    """Folded title words other than function words, lazily: a key uses only the first one or three."""
    for match in TITLE_WORD.finditer(to_plain(paper.title)):
        word = ascii_fold(match.group())
        if word and word.lower() not in FUNCTION_WORDS:
            yield word


def _year(paper: Paper) -> str:
    """The publication year; empty when unknown or completed by ``--as-of`` (a key must not change with the run date)."""
    date = paper.date
    return f"{date.year:04d}" if date and not date.year_inferred else ""


FIELDS: dict[str, Callable[[Paper], str]] = {
    "auth": lambda paper: next(_family_names(paper), "anon").lower(),
    "Auth": lambda paper: next(_family_names(paper), "anon").capitalize(),
    "authors": lambda paper: "".join(islice(_family_names(paper), 3)).lower() or "anon",
    "year": _year,
    "title": lambda paper: next(_significant_words(paper), "untitled").lower(),
    "shorttitle": lambda paper: "".join(word.capitalize() for word in islice(_significant_words(paper), 3)) or "Untitled",
    "arxiv": lambda paper: (paper.arxiv_id or "").replace(".", ""),
}


def string_fields(pattern: str) -> list[tuple[str, str | None]]:
    """(literal, field name or None) pieces of a pattern; raises KeyPatternError if malformed or unknown."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise KeyPatternError(f"malformed key pattern {pattern!r}: {error}") from None
    for _literal, name, _spec, _conversion in parsed:
        if name is not None and name not in FIELDS:
            raise KeyPatternError(f"unknown field {{{name}}} in key pattern; known: {', '.join(FIELDS)}")
    return [(literal, name) for literal, name, _spec, _conversion in parsed]


def compile_pattern(pattern: str) -> list[tuple[str, Callable[[Paper], str] | None]]:
    """Split a pattern into (literal, field) pieces; raises KeyPatternError for an unknown field."""
    return [(ascii_fold(literal), FIELDS[name] if name is not None else None) for literal, name in string_fields(pattern)]


class KeyAssigner:
    """Gives each paper of one export its key, a function of the paper alone.

    A key's base comes from the pattern. Where two papers with different titles share a base,
    both get the base extended by further title words; where those still meet, a short hash of
    the title. Which bases meet is known before the first key is handed out, from
    :class:`KeyCollisions`, the first pass over the inputs: so a paper's key does not depend on
    the order of the inputs or on which other paper came first.

    Keys handed out are remembered as 8-byte digests in a :class:`~bibx.digests.DigestSet`; a
    key that an input already carries (``reserved``) or one handed out before still gets a letter
    suffix, the only order-dependent step, reached only by the same title read twice without
    merging or by a generated key equal to a kept one.
    """

    def __init__(self, pattern: str = DEFAULT_PATTERN, reserved: Iterable[str] = (), collisions: KeyCollisions | None = None) -> None:
        """``reserved`` keys (those an input already carries) are never given to another paper."""
        self.bases = KeyBases(pattern)
        self._collisions = collisions or KeyCollisions(self.bases)
        # Sized for every paper of the first pass: the set never grows while keys are handed out.
        self._used = DigestSet(expected=self._collisions.observed)
        self._reserved = DigestSet(_digest(key) for key in reserved)
        self._next_suffix: dict[str, int] = {}  # only for bases that have collided

    def assign(self, paper: Paper) -> str:
        """A new key from the pattern, disambiguated by content, suffixed only if still taken."""
        return self.claim(self.unsuffixed(paper))

    def unsuffixed(self, paper: Paper) -> str:
        """The key :meth:`assign` gives ``paper`` unless it is taken (a function of the paper and the first pass)."""
        base = self.bases.base(paper)
        if not self._collisions.base_collides(base):
            return base  # nearly always: the extension and the title's digest are not worked out
        return self.settled(base, base + self.bases.extension(paper), title_key(paper.title))

    def settled(self, base: str, extended: str, title: bytes) -> str:
        """:meth:`unsuffixed` from what :meth:`KeyBases.both` and :func:`~bibx.merge.title_key` give for a paper.

        Where two titles share the base, the base extended by title words; where those still meet,
        four hex digits of the title's merge key (the same for the same title, however written).
        """
        if not self._collisions.base_collides(base):
            return base
        if not self._collisions.extended_collides(extended):
            return extended
        return f"{extended}-{title[:2].hex()}"

    def claim(self, key: str) -> str:
        """``key`` (from :meth:`unsuffixed`), suffixed if taken: what :meth:`assign` returns for its paper."""
        return self._unique(key, avoid_reserved=True)

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


class KeyBases:
    """The key a pattern gives a paper, and the same key with more title words for when it collides."""

    def __init__(self, pattern: str = DEFAULT_PATTERN) -> None:
        self._pieces = compile_pattern(pattern)
        fields = {name for _literal, name in string_fields(pattern)}
        # More words than the pattern already took: after three for {shorttitle}, after one for {title}.
        self._more_from = 3 if "shorttitle" in fields else 1 if "title" in fields else 0
        self._capitalise = "shorttitle" in fields

    def base(self, paper: Paper) -> str:
        return "".join(literal + (field(paper) if field else "") for literal, field in self._pieces) or "paper"

    def both(self, paper: Paper) -> tuple[str, str]:
        """(base, extended): the base, and the base with more title words for when it collides."""
        base = self.base(paper)
        return base, base + self.extension(paper)

    def extension(self, paper: Paper) -> str:
        """The title words that extend a colliding base."""
        words = islice(_significant_words(paper), self._more_from, self._more_from + EXTRA_TITLE_WORDS)
        return "".join(word.capitalize() if self._capitalise else word.lower() for word in words)


class KeyCollisions:
    """The first pass of key assignment: which bases, and which extended keys, distinct titles share.

    Each paper costs two 8-byte numbers in arrays (16 MB for a million papers), not a string:
    the high 40 bits of a key's digest and the low 24 bits of its title's. Sorting them once
    (:meth:`finish`) leaves the set of keys that more than one title yields, which is small.
    A digest collision can only extend a key needlessly, never make two keys equal.
    """

    def __init__(self, bases: KeyBases) -> None:
        self._bases = bases
        self._base_digests = array("Q")
        self._extended_digests = array("Q")
        self._colliding_bases = DigestSet()
        self._colliding_extended = DigestSet()
        self.observed = 0  # papers counted, known once finished

    def observe(self, paper: Paper, title: bytes) -> None:
        """Count one reading of ``paper``; ``title`` is its merge key (the same title, however written)."""
        self.add(digests(*self._bases.both(paper), title))

    def add(self, counted: tuple[int, int]) -> None:
        """Count one reading, from its :func:`digests` (which a worker process can work out)."""
        self._base_digests.append(counted[0])
        self._extended_digests.append(counted[1])

    def finish(self) -> None:
        """Work out the shared keys; the arrays are freed."""
        self.observed = len(self._base_digests)
        self._colliding_bases = _shared(self._base_digests)
        self._colliding_extended = _shared(self._extended_digests)
        self._base_digests, self._extended_digests = array("Q"), array("Q")

    def base_collides(self, key: str) -> bool:
        return _key_bits(key) in self._colliding_bases

    def extended_collides(self, key: str) -> bool:
        return _key_bits(key) in self._colliding_extended


def digests(base: str, extended: str, title: bytes) -> tuple[int, int]:
    """What :class:`KeyCollisions` counts of a paper, from its :meth:`KeyBases.both` and its title's merge key."""
    title_bits = int.from_bytes(title[:3], "little")
    return _key_bits(base) | title_bits, _key_bits(extended) | title_bits


def _key_bits(key: str) -> int:
    return _digest(key) & ~_TITLE_MASK


def _shared(digests: array[int]) -> DigestSet:
    """Key bits that occur with more than one title's bits."""
    shared = DigestSet()
    previous = None
    for digest in sorted_in_runs(digests):
        if previous is not None and digest != previous and (digest & ~_TITLE_MASK) == (previous & ~_TITLE_MASK):
            shared.add(digest & ~_TITLE_MASK)
        previous = digest
    return shared


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
