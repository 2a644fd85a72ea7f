"""Turning the author strings of a listing into creators: persons or corporate authors.

Listings print names in natural order ("Given Family"). Corporate authors ("Tencent Hunyuan Team",
"Team Wan", "Ling Team") are recognised by a marker word and kept whole, never split.
"""

from __future__ import annotations

import re

from bibx.model import Creator, Organization, Person

CORPORATE_WORDS = frozenset(
    {
        "team", "lab", "labs", "laboratory", "group", "consortium", "collaboration", "project",
        "initiative", "institute", "university", "inc", "inc.", "ltd", "ltd.", "corporation",
        "corp", "corp.", "committee", "association", "society", "center", "centre", "foundation",
        "alliance", "council", "community", "organization", "organisation", "contributors",
    }
)
# Lower-case words that belong to the family name: "Ludwig van Beethoven", "Juan de la Cruz".
FAMILY_PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "la", "le", "dos", "das", "ter", "ten", "bin", "al"})
# A trailing ", et al." or "and others", matched on the reversed text from its first character:
# the same pattern anchored at the end (``\s*,?\s*(?:et\.?\s*al\.?|and others)\s*$``) would be
# tried at every position of the line. Greedy, it takes the whole suffix the forward pattern would.
ET_AL_REVERSED = re.compile(r"\s*(?:\.?la\s*\.?te|srehto dna)\s*,?\s*", re.IGNORECASE)


def is_corporate(name: str) -> bool:
    """True for names such as "Tencent Hunyuan Team" that are organisations, not people."""
    # Case folding neither makes nor removes whitespace: the folded name's words are the folded words.
    return not CORPORATE_WORDS.isdisjoint(name.casefold().split())


def parse_creator(name: str) -> Creator:
    """One creator from a name in natural order; corporate names stay whole."""
    name = " ".join(name.split())
    if is_corporate(name):
        return Organization(name)
    words = name.split(" ")
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1] in FAMILY_PARTICLES:
        family_start -= 1
    return Person(family=" ".join(words[family_start:]), given=" ".join(words[:family_start]))


def split_et_al(author_text: str) -> tuple[str, bool]:
    """Remove a trailing "et al." and say whether it was there (the list is then truncated)."""
    match = ET_AL_REVERSED.match(author_text[::-1])
    if match is None:
        return author_text.strip(), False
    return author_text[: len(author_text) - match.end()].strip(), True


def is_name_word(word: str) -> bool:
    """A capitalised name word such as "Yuze", "An" or "Chen-Wei" (letters only, one capital each part)."""
    first, *rest = word.split("-")
    if len(first) < 2 or not first.isalpha() or not first[0].isupper() or not first[1:].islower():
        return False
    return all(part.isalpha() and (len(part) == 1 or part[1:].islower()) for part in rest)
