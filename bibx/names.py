"""Turning the author strings of a listing into creators.

Listings print names in natural order ("Given Family"), except East Asian names written in their
own script, which put the family name first ("高瀬 翔"). Corporate authors ("Tencent Hunyuan Team",
"Team Wan", "DeepSeek-AI") are recognised by a marker word and kept whole, never split.

How well a string reads as a name at all (the scores the compact listing reader chooses cuts by)
is :mod:`bibx.name_shapes`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibx.model import Creator, Organization, Person
from bibx.patterns import LazyPattern

CORPORATE_WORDS = frozenset(
    {
        "team", "lab", "labs", "laboratory", "group", "consortium", "collaboration", "project",
        "initiative", "institute", "university", "inc", "inc.", "ltd", "ltd.", "corporation",
        "corp", "corp.", "committee", "association", "society", "center", "centre", "foundation",
        "alliance", "council", "community", "organization", "organisation", "contributors",
        "school", "college", "academy", "hospital", "department", "company",
    }
)  # fmt: skip
# "DeepSeek-AI", "Moonshot AI": upper-case AI only, so that the given name "Ai" stays a person's.
_CORPORATE_AI = re.compile(r"(?:^|[\s-])AI(?:$|\s)")
# Lower-case words that begin the family name: "Ludwig van Beethoven", "Juan de la Cruz", "Ana dos
# Santos" (nameparser's list of prefixes, kept for many languages).
class _FamilyParticles:
    """Loads nameparser's list on the first name that needs it (importing nameparser takes ~60 ms),
    then replaces itself with the frozenset, so later look-ups cost nothing extra."""

    def __contains__(self, word: object) -> bool:
        global FAMILY_PARTICLES
        from nameparser.config import CONSTANTS

        FAMILY_PARTICLES = frozenset(CONSTANTS.prefixes)
        return word in FAMILY_PARTICLES


FAMILY_PARTICLES: frozenset[str] = _FamilyParticles()  # type: ignore[assignment]
# Capitalised ones that begin a family name after the given name: "Giovanni De Felice", "Teven Le
# Scao", "Raed Al Kontar". Not "Van": in "Thanh Van Nguyen" it is a Vietnamese middle name.
CAPITALISED_PARTICLES = frozenset(
    {"De", "Da", "Di", "Del", "Della", "Dos", "Das", "Du", "Le", "La", "Al", "El", "Bin", "Binte", "Ibn", "Abu", "Von", "Ter", "Ten",
     "San", "Santa", "St.", "Mc"}
)  # fmt: skip
SUFFIXES = frozenset({"Jr.", "Jr", "jr", "jr.", "Junior", "Júnior", "Sr.", "Sr", "II", "III", "IV"})
# Korean family names of two syllables; every other one has one.
KOREAN_TWO_SYLLABLE_FAMILIES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"})
# A trailing ", et al." or "and others", matched on the reversed text from its first character:
# the same pattern anchored at the end (``\s*,?\s*(?<![^\s,])(?:et\.?\s*al\.?|and others)\s*$``)
# would be tried at every position of the line. Greedy, it takes the whole suffix the forward
# pattern would. The look-ahead keeps "Rahul Vetal" a name: "et al." must follow a space or comma.
ET_AL_REVERSED = re.compile(r"\s*(?:\.?la\s*\.?te|srehto dna)(?![^\s,])\s*,?\s*", re.IGNORECASE)
INVERTED_INITIALS = re.compile(r"^(?:[A-Z]\.[- ]?)+$")


def is_corporate(name: str) -> bool:
    """True for names such as "Tencent Hunyuan Team" that are organisations, not people."""
    # Case folding neither makes nor removes whitespace: the folded name's words are the folded words.
    return not CORPORATE_WORDS.isdisjoint(name.casefold().split()) or ("AI" in name and _CORPORATE_AI.search(name) is not None)


def is_east_asian(text: str) -> bool:
    """Han, kana or Hangul only (spaces aside): a name written in its own script."""
    if text.isascii():
        return False
    letters = text.replace(" ", "")
    return bool(letters) and all(_is_east_asian_char(char) for char in letters)


EAST_ASIAN_CHAR = LazyPattern("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3々〆ヶ]")


def _is_east_asian_char(char: str) -> bool:
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xAC00 <= code <= 0xD7A3 or char in "々〆ヶ"


def is_hangul(text: str) -> bool:
    return all(0xAC00 <= ord(char) <= 0xD7A3 for char in text)


def inverted_name(name: str) -> tuple[str, str] | None:
    """``"Kamal, R."`` → ``("Kamal", "R.")``: a family name, a comma and initials with full stops, as bioRxiv prints them."""
    family, comma, given = name.partition(", ")
    return (family, given) if comma and family and INVERTED_INITIALS.match(given) else None


@lru_cache(maxsize=4096)  # a pure function of a name, and names recur across a listing's papers
def parse_creator(name: str) -> Creator:
    """One creator from a name as a listing prints it; corporate names stay whole."""
    name = " ".join(name.split())
    if is_corporate(name):
        return Organization(name)
    if inverted := inverted_name(name):
        return Person(family=inverted[0], given=inverted[1])
    if is_east_asian(name):
        return _east_asian_person(name)
    words = name.split(" ")
    last = len(words) - 1
    if last > 1 and words[last] in SUFFIXES:
        last -= 1  # "Jonathan A. Karr Jr.": the suffix stays with the family name
    # The family name starts at the first particle after the given name ("Cláudio Lúcio do Val Lopes",
    # "Jan Van den Bussche"), else it is the last word.
    family_start = next((i for i in range(1, last) if _is_particle(words[i], words[i + 1])), last)
    return Person(family=" ".join(words[family_start:]), given=" ".join(words[:family_start]))


def _is_particle(word: str, following: str) -> bool:
    return word in FAMILY_PARTICLES or word in CAPITALISED_PARTICLES or (word == "Van" and following in FAMILY_PARTICLES)


def _east_asian_person(name: str) -> Person:
    """Family name first: "高瀬 翔"; unspaced, the first syllable ("김민환") or character(s) ("朱中元")."""
    family, _, given = name.partition(" ")
    if given:
        return Person(family=family, given=given)
    if is_hangul(name) and len(name) >= 2:
        split = 2 if len(name) >= 4 and name[:2] in KOREAN_TWO_SYLLABLE_FAMILIES else 1
    elif 2 <= len(name) <= 4:
        split = 2 if len(name) == 4 else 1
    else:
        return Person(family=name)
    return Person(family=name[:split], given=name[split:])


def split_et_al(author_text: str) -> tuple[str, bool]:
    """Remove a trailing "et al." and say whether it was there (the list is then truncated)."""
    match = ET_AL_REVERSED.match(author_text[::-1])
    if match is None:
        return author_text.strip(), False
    return author_text[: len(author_text) - match.end()].strip(), True


def has_kana(text: str) -> bool:
    """Hiragana or katakana anywhere: text in Japanese, not Chinese."""
    return _KANA.search(text) is not None


_KANA = re.compile("[\u3040-\u30ff]")
