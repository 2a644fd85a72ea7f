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

import re
import string
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import filterfalse, islice, pairwise, product

from bibx.digests import DigestSet, blake2b_of_size, sorted_in_runs
from bibx.merge import title_key
from bibx.model import Organization, Paper
from bibx.names import is_corporate
from bibx.richtext import to_plain

DEFAULT_PATTERN = "{auth}{year}{title}"
FUNCTION_WORDS = frozenset(
    "a an the of for and or in on at to with by from via into towards toward is are do does your "
    "we our how what when why beyond through under over".split()
)
# Folded words are ASCII: every casing of a function word is a function word, told apart with no lower().
_FUNCTION_WORDS_ANY_CASE = frozenset(
    "".join(letters) for word in FUNCTION_WORDS for letters in product(*((letter, letter.upper()) for letter in word))
)
EXTRA_TITLE_WORDS = 2
_SPARE_WORDS = 3  # words split beyond those a key takes, for the function words among them
_TITLE_MASK = (1 << 24) - 1
_blake2b_8 = blake2b_of_size(8)
UNSAFE = re.compile(r"[^A-Za-z0-9_:-]")
TITLE_WORD = re.compile(r"[^\s:/-]+")
# On ASCII bytes, what TITLE_WORD and ascii_fold do: its separators become spaces (whitespace too, as
# bytes.split knows fewer spaces than str.split), the characters ascii_fold drops are deleted.
_SEPARATORS = bytes(byte for byte in range(128) if chr(byte) in ":/-" or chr(byte).isspace())
_TO_SPACES = bytes.maketrans(_SEPARATORS, b" " * len(_SEPARATORS))
_DROPPED = bytes(byte for byte in range(128) if byte not in _SEPARATORS and UNSAFE.match(chr(byte)))
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


def _family_names(paper: Paper, count: int) -> list[str]:
    """The first ``count`` folded family names (those folding leaves empty skipped)."""
    names = []
    for creator in paper.creators:
        name = _organization_word(creator.name) if isinstance(creator, Organization) else creator.family
        if folded := ascii_fold(name):
            names.append(folded)
            if len(names) >= count:
                break
    return names


def _organization_word(name: str) -> str:
    """The word that names an organisation: "Tencent" of "Tencent Hunyuan Team", "Wan" of "Team Wan"."""
    words = name.split()
    return next((word for word in words if not is_corporate(word)), words[0] if words else "")


def title_words(title: str, count: int) -> list[str]:
    """The first ``count`` folded words of ``title`` other than function words (what a key takes of a title)."""
    plain = to_plain(title)
    if not plain.isascii():
        return _significant(folded_words(plain), count)
    # An ASCII title is folded whole in one translate (a byte table), not word by word; and as splitting costs
    # a string a word, only its first few words are split unless they hold too few significant ones.
    head = plain.encode().translate(_TO_SPACES, _DROPPED).decode().split(None, count + _SPARE_WORDS)
    rest = head.pop() if len(head) > count + _SPARE_WORDS else ""  # the title after those words, not split
    words = _significant(head, count)
    if len(words) < count and rest:
        words += _significant(rest.split(), count - len(words))
    return words


def _significant(words: Iterable[str], count: int) -> list[str]:
    """The first ``count`` of ``words`` that are not function words."""
    return list(islice(filterfalse(_FUNCTION_WORDS_ANY_CASE.__contains__, words), count))


def folded_words(plain: str) -> Iterator[str]:
    """The words of a plain title, each folded by :func:`ascii_fold` (those it leaves empty skipped), lazily."""
    for match in TITLE_WORD.finditer(plain):
        if word := ascii_fold(match.group()):
            yield word


def _year(paper: Paper, _words: list[str]) -> str:
    """The publication year; empty when unknown or completed by ``--as-of`` (a key must not change with the run date)."""
    date = paper.date
    return f"{date.year:04d}" if date and not date.year_inferred else ""


# Each field of a paper and its first title words (:func:`title_words`, worked out once for all the fields).
FIELDS: dict[str, Callable[[Paper, list[str]], str]] = {
    "auth": lambda paper, _words: "".join(_family_names(paper, 1)).lower() or "anon",
    "Auth": lambda paper, _words: "".join(_family_names(paper, 1)).capitalize() or "Anon",
    "authors": lambda paper, _words: "".join(_family_names(paper, 3)).lower() or "anon",
    "year": _year,
    "title": lambda _paper, words: words[0].lower() if words else "untitled",
    "shorttitle": lambda _paper, words: "".join(word.capitalize() for word in words[:3]) or "Untitled",
    "arxiv": lambda paper, _words: (paper.arxiv_id or "").replace(".", ""),
}


def _constant(text: str) -> Callable[[Paper, list[str]], str]:
    """A field that gives ``text``: a pattern's literal."""
    return lambda _paper, _words: text


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


def compile_pattern(pattern: str) -> list[tuple[str, Callable[[Paper, list[str]], str] | None]]:
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
        self._any_reserved = len(self._reserved) > 0  # else no key needs looking up there
        self._next_suffix: dict[str, int] = {}  # only for bases that have collided

    def assign(self, paper: Paper) -> str:
        """A new key from the pattern, disambiguated by content, suffixed only if still taken."""
        base, extended = self.bases.both(paper)
        return self._unique(*self._settled(base, extended, lambda: title_key(paper.title)), avoid_reserved=True)

    def assign_from(self, base: str, extended: str, title: bytes) -> str:
        """What :meth:`assign` gives a paper, from what a worker worked out of it: its :meth:`KeyBases.both` and its
        :func:`~bibx.merge.title_key`."""
        return self._unique(*self._settled(base, extended, lambda: title), avoid_reserved=True)

    def _settled(self, base: str, extended: str, title: Callable[[], bytes]) -> tuple[str, int]:
        """The unsuffixed key, and its digest (worked out anyway to look it up).

        Where two titles share the base, the base extended by title words; where those still meet,
        four hex digits of the title's merge key (the same for the same title, however written),
        which is worked out only then.
        """
        digest = _digest(base)
        if not self._collisions.collides(digest):
            return base, digest  # nearly always
        digest = _digest(extended)
        if not self._collisions.collides(digest, extended=True):
            return extended, digest
        key = f"{extended}-{title()[:2].hex()}"
        return key, _digest(key)

    def keep(self, key: str) -> str:
        """Keep a key the input already had (an existing .bib); suffixed only if another paper has it."""
        return self._unique(key, _digest(key), avoid_reserved=False)

    def _unique(self, base: str, digest: int, avoid_reserved: bool) -> str:
        """``base`` (whose digest is ``digest``) or, if taken, its first suffixed form that is not; taken from now on."""
        key = base
        avoid_reserved = avoid_reserved and self._any_reserved
        while (avoid_reserved and digest in self._reserved) or not self._used.add(digest):
            n = self._next_suffix.get(base, 0)
            key, self._next_suffix[base] = base + letter_suffix(n), n + 1
            digest = _digest(key)
        return key


class KeyBases:
    """The key a pattern gives a paper, and the same key with more title words for when it collides."""

    def __init__(self, pattern: str = DEFAULT_PATTERN) -> None:
        # The pattern's fields and (as fields that give them) its literals, in order.
        self._parts = [part for literal, field in compile_pattern(pattern) for part in (_constant(literal) if literal else None, field) if part]
        fields = {name for _literal, name in string_fields(pattern)}
        # More words than the pattern already took: after three for {shorttitle}, after one for {title}.
        self._more_from = 3 if "shorttitle" in fields else 1 if "title" in fields else 0
        self._capitalise = "shorttitle" in fields

    def both(self, paper: Paper) -> tuple[str, str]:
        """(base, extended): the base, and the base with more title words for when it collides."""
        words = title_words(paper.title, self._more_from + EXTRA_TITLE_WORDS)  # once for both
        base = ""
        for part in self._parts:  # a loop, not a comprehension: no function call of its own
            base += part(paper, words)
        base = base or "paper"
        more = words[self._more_from :]
        # Folded words are ASCII: lower-casing them joined is lower-casing each.
        return base, base + ("".join(word.capitalize() for word in more) if self._capitalise else "".join(more).lower())



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
        return self.collides(_digest(key))

    def extended_collides(self, key: str) -> bool:
        return self.collides(_digest(key), extended=True)

    def collides(self, digest: int, extended: bool = False) -> bool:
        """Whether the base (or ``extended`` key) whose :func:`_digest` is ``digest`` is shared by distinct titles."""
        return (digest & ~_TITLE_MASK) in (self._colliding_extended if extended else self._colliding_bases)


def digests(base: str, extended: str, title: bytes) -> tuple[int, int]:
    """What :class:`KeyCollisions` counts of a paper, from its :meth:`KeyBases.both` and its title's merge key."""
    title_bits = int.from_bytes(title[:3], "little")
    return _key_bits(base) | title_bits, _key_bits(extended) | title_bits


def _key_bits(key: str) -> int:
    return _digest(key) & ~_TITLE_MASK


def _shared(digests: array[int]) -> DigestSet:
    """Key bits that occur with more than one title's bits."""
    shared = DigestSet()
    for previous, digest in pairwise(sorted_in_runs(digests)):
        # Neighbours once sorted: different digests with the same key bits differ only below them.
        if 0 < digest ^ previous <= _TITLE_MASK:
            shared.add(digest & ~_TITLE_MASK)
    return shared


def _digest(key: str) -> int:
    return int.from_bytes(_blake2b_8(key.encode()), "little")


def letter_suffix(n: int) -> str:
    """0 → a, 25 → z, 26 → aa, …: the suffixes of keys, and of years in author-date styles (2023a)."""
    letters = ""
    n += 1
    while n:
        n, remainder = divmod(n - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
