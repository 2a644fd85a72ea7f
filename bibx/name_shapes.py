"""How well a string reads as one author's name: the scores the compact listing reader chooses cuts by.

:func:`name_penalty` scores a string as one author's name: 0 for a typical name, more for rarer
shapes (a mononym, "ZhaoXin", "LEE"), None for what no name looks like ("AGArshia", "4Yuze"). The
compact listing reader uses it to choose where a title ends and its author list begins; reading a
name into a creator is :mod:`bibx.names`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibx import names
from bibx.names import EAST_ASIAN_CHAR, SUFFIXES, has_kana, inverted_name, is_corporate, is_east_asian, is_hangul

# Lower-case words inside a name that begin nothing: "Flávia Silva e Oliveira", "Ortega y Gasset".
JOINING_WORDS = frozenset({"y", "e", "i"})
ELIDED_PARTICLES = frozenset({"d", "l", "al", "el", "de", "dell"})
# Capitalised prefixes of family names written in camel case: "McAuley", "LeMay", "DeWitt".
CAMEL_PREFIXES = frozenset({"Mc", "Mac", "Le", "La", "De", "Di", "Da", "Van", "Von", "Du"})
# Romanised Chinese (pinyin) and Korean syllables, as given names glue them in camel case: "YingQiao",
# "ZhaoXin", "JaeEun", "KyeongMin". Built from initials, vowels and finals; it admits some syllables no
# language has, which costs nothing here, and none of the English words that end titles ("Mini", "Cup").
# Every syllable is spelled out in a set: a look-up, where a pattern tried every initial and final.
_PINYIN_INITIALS = ("", *"bpmfdtnlgkhjqxrzcswy", "zh", "ch", "sh")
_PINYIN_FINALS = (
    "a o e i u ü v ai ei ao ou an en ang eng ong er ia ie iao iu ian in iang ing iong ua uo uai ui uan un uang ue van"
).split()
_KOREAN_INITIALS = ("", *"g k kk n d t tt r l m b p pp s ss j jj ch h y w".split())
_KOREAN_VOWELS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i ou".split()
_KOREAN_FINALS = (*(vowel + coda for vowel in _KOREAN_VOWELS for coda in ("", "k", "n", "l", "m", "p", "ng")), "oo", "ee")
ROMANISED_SYLLABLES = frozenset(
    [initial + final for initial in _PINYIN_INITIALS for final in _PINYIN_FINALS]
    + [initial + final for initial in _KOREAN_INITIALS for final in _KOREAN_FINALS]
)
INITIAL = re.compile(r"^(?:[A-Z]\.?|(?:[A-Z]\.-?)+[A-Z]\.?|[A-Z][a-z]?\.)$")
GLUED_INITIALS = re.compile(r"^(?:[A-Z]\.)+[A-Z][a-z]+$")
QUOTES = "'\"‘’“”"
MAX_NAME_WORDS = 7
# Names longer than this are few: only for them is the number of words worth counting up front.
LONG_NAME = 40

# Penalties: how much rarer than a plain "Given Family" each shape is.
MONONYM = 1.0
CAMEL_WITH_PREFIX = 0.3
CAMEL_SYLLABLES = 0.3
CAMEL = 1.0
TITLE_GLUED_CAMEL = 1.5
INNER_CAMEL = 1.0
MAX_CAMEL_CHUNK = 8
ALL_CAPS = 1.0
DOUBLE_INITIAL = 0.3
CAPITALS_FAMILY = 0.5
BARE_FIRST_INITIAL = 1.0
GLUED_INITIALS_PENALTY = 0.3
QUOTED_NICKNAME = 0.5
STRAY_FULL_STOP = 0.5
ODD_WORD = 2.0
UNRECOGNISED_NAME = 3.0
MAX_UNRECOGNISED_WORDS = 4
ORGANIZATION_WORDS = 3
ORGANIZATION_WORD = 0.3
ORGANIZATION_HUMP = 0.3
GLUED_CAPITAL = 1.5
GLUED_PERSON = 2.0
LOWER_CASE = 1.5
LEADING_PARTICLE = 0.5
TRAILING_INITIAL = 0.5


@lru_cache(maxsize=16384)  # authors recur on a page (a profile's owner is on every paper), and cut candidates too
def name_penalty(name: str) -> float | None:
    """How unusual ``name`` is as one author's name: 0 for a typical one, None if it cannot be one."""
    # Most names have no ", " and most are ASCII: the tests those need are not called for the others.
    if ", " in name and (inverted := inverted_name(name)):
        return name_penalty(f"{inverted[1]} {inverted[0]}")
    words = name.split()
    count = len(words)
    if not words or count > MAX_NAME_WORDS:
        return None
    if not name.isascii():
        if is_east_asian(name):
            return _east_asian_penalty(words)
        if EAST_ASIAN_CHAR.search(name):
            # Latin letters and Han, kana or Hangul in one name: a title's words ran into it
            # ("Shortcut Reasoningの自動検出原口大地", "系 AI のファクトチェック…欅 惇志").
            return None
    if is_corporate(name):
        return _organization_penalty(words)
    if count == 1 and _is_initial(words[0]):
        return None  # a lone initial is a cut through an acronym ("DP|O"), not a name
    total = MONONYM if count == 1 else 0.0
    for position, word in enumerate(words):
        penalty = _word_penalty(word, position, count)
        if penalty is None:
            return None
        total += penalty
    return total


def listed_name_penalty(name: str) -> float | None:
    """:func:`name_penalty`, but a few words of letters in no known shape count too, at a high penalty.

    Data has such names ("Dave deBronkart", "AndrÉ"); rejecting them would make the whole author
    list unreadable, where one odd name among good ones is worth a warning instead.
    """
    # A part of a sentence (an abstract's first line is tried as an author line) is no name; judged
    # here, it does not push the names that recur out of the caches.
    if len(name) > LONG_NAME and len(name.split(None, MAX_NAME_WORDS)) > MAX_NAME_WORDS:  # split no further than needed
        return None
    return _listed_name_penalty(name)


@lru_cache(maxsize=8192)  # asked for every listed name of every cut tried, and names recur
def _listed_name_penalty(name: str) -> float | None:
    penalty = name_penalty(name)
    if penalty is not None:
        return penalty
    words = name.split()
    if 0 < len(words) <= MAX_UNRECOGNISED_WORDS and all(_is_letters_word(word) for word in words):
        return UNRECOGNISED_NAME
    return None


def _is_letters_word(word: str) -> bool:
    return any(char.isalpha() for char in word) and all(char.isalpha() or char in "-'’." for char in word)


def _is_initial(word: str) -> bool:
    """ "C.", "C", "M.R.C.", "J.-P.", "Th."."""
    return INITIAL.match(word) is not None or (len(word) == 1 and word.isupper())


@lru_cache(maxsize=16384)  # a pure function of its arguments, asked again for every cut point tried
def _word_penalty(word: str, position: int, count: int) -> float | None:
    last = position == count - 1
    if (word in names.FAMILY_PARTICLES or word in JOINING_WORDS) and not last:
        return LEADING_PARTICLE if position == 0 else 0.0
    if word in SUFFIXES and last and position >= 2:
        return 0.0
    if _is_initial(word):
        if last:
            return TRAILING_INITIAL
        # A first initial without its full stop ("L Models…") is rarer than a cut through "SSL".
        return BARE_FIRST_INITIAL if position == 0 and not word.endswith(".") else 0.0
    if GLUED_INITIALS.match(word):
        return GLUED_INITIALS_PENALTY  # "M.Victoria"
    if len(word) > 2 and word[0] in QUOTES and word[-1] in QUOTES:
        return QUOTED_NICKNAME if _word_shape(word[1:-1]) == "plain" else None  # "'Amber'"
    if len(word) > 2 and word.endswith(".") and _word_shape(word[:-1]) == "plain":
        return STRAY_FULL_STOP  # "Wei Lin. Hsueh"
    shape = _word_shape(word)
    if shape == "plain":
        return 0.0
    if shape == "camel":
        # Inside a longer name ("Wait Without Weight UpdatesSharut Gupta") a camel word is where a title ran in.
        return _camel_penalty(_camel_chunks(word)) + (INNER_CAMEL if 0 < position < count - 1 else 0.0)
    if shape == "caps":
        if count == 1:
            return ALL_CAPS
        # "DL Dayo" and "Moon GI Seok" (initials), "Jisu KWON" (a family name in capitals)
        return DOUBLE_INITIAL if len(word) == 2 else CAPITALS_FAMILY if last else ALL_CAPS
    if shape == "lower":
        return LOWER_CASE
    if word[0].isupper() and any(char.isupper() for char in word[1:]) and all(char.isalpha() or char in "-'’." for char in word):
        return ODD_WORD  # letters in an unusual case pattern ("AndrÉ"), as data sometimes has them
    return None


def _camel_penalty(chunks: tuple[str, ...]) -> float:
    if chunks[0] in CAMEL_PREFIXES:
        return CAMEL_WITH_PREFIX
    # "YingQiao", "JaeEun": a given name, where "ModelsYing" would be a title run in. Not with a syllable
    # of two letters: "Wu|KongLi Wei" and "WuKong|Li Wei" stay a close call.
    if all(len(chunk) >= 3 and _is_romanised_syllable(chunk.lower()) for chunk in chunks):
        return CAMEL_SYLLABLES
    # "ZhaoXin", "KyeongMin": syllables. "MsLouis" (LLMs|Louis), "ApplicationsMinghui": a title run into a name.
    if len(chunks[0]) <= 2 or any(len(chunk) > MAX_CAMEL_CHUNK for chunk in chunks):
        return TITLE_GLUED_CAMEL
    return CAMEL


def _is_romanised_syllable(chunk: str) -> bool:
    return chunk in ROMANISED_SYLLABLES


_WORD_PARTS = re.compile(r"[-'’]")


def _word_shape(word: str) -> str | None:
    """plain ("Yuze", "Chen-Wei", "Won-gi", "O'Reilly", "d'Amato"), camel ("ZhaoXin"), caps ("LEE"), lower, or None."""
    if word.isalpha():
        parts = [word]  # most words: nothing to split at
    else:
        parts = _WORD_PARTS.split(word)
        if not all(map(str.isalpha, parts)):
            return None
    first = parts[0]
    if first.islower():
        if all(map(str.islower, parts)):
            return "lower"
        # "d'Amato", "al-Farabi": a lower-case particle joined to a capitalised name
        rest = word[len(first) + 1 :]
        return "plain" if first in ELIDED_PARTICLES and rest and _word_shape(rest) == "plain" else None
    if first.isupper() and len(first) >= 2 and all(map(str.isupper, parts)):
        return "caps"
    if not first[0].isupper():
        return None
    if len(parts) == 1:  # the test below for one part, whose first letter is a capital
        if len(first) == 1 or first[1:].islower():
            return "plain"
        return "camel" if len(chunks := _camel_chunks(first)) > 1 and min(map(len, chunks)) >= 2 else None
    if all(part[0].isupper() or part.islower() for part in parts) and all(part[1:].islower() or len(part) == 1 for part in parts):
        return "plain"
    return None


@lru_cache(maxsize=4096)  # asked twice for a camel word: for its shape, then for its penalty
def _camel_chunks(word: str) -> tuple[str, ...]:
    """``"McAuley"`` → ``("Mc", "Auley")``; a chunk is one capital and the lower-case letters after it."""
    if word.isascii() and word.isalpha() and word[0].isupper():
        return tuple(_ASCII_CAMEL_CHUNK.findall(word))  # what camel_chunks_by_letter would cut, all kept
    return camel_chunks_by_letter(word)


def camel_chunks_by_letter(word: str) -> tuple[str, ...]:
    """:func:`_camel_chunks` for any word, letter by letter; ``()`` unless every chunk is a capital and lower-case letters."""
    chunks: list[str] = []
    for char in word:
        if char.isupper() or not chunks:
            chunks.append(char)
        elif char.islower():
            chunks[-1] += char
        else:
            return ()
    return tuple(chunks) if all(chunk[0].isupper() and chunk[1:].islower() or len(chunk) == 1 for chunk in chunks) else ()


_ASCII_CAMEL_CHUNK = re.compile("[A-Z][a-z]*")


# "DTencent", "MsZing": a capital or two glued in front of a word, the sign of a cut too early.
_GLUED_CAPITALS = re.compile(r"^(?:[A-Z][A-Z][a-z]|[A-Z][a-z][A-Z][a-z])")
# "…RISC-V CPUVerkor Team": inside an organisation, an acronym that ended a title run into a capitalised
# word. Not at its start, where organisations are named so ("AIBrix Team").
_ACRONYM_GLUED_TO_WORD = re.compile(r"^[A-Z]{2,}[A-Z][a-z]{2,}")
_CASE_CHANGE = re.compile(r"[a-z][A-Z]")


def _organization_penalty(words: list[str]) -> float | None:
    """Organisation names take any word shape ("PSBC", "LLM-Core", "MindDR") but grow unlikely with length and humps."""
    text = " ".join(words)
    if text.count("(") != text.count(")"):
        return None  # "RC) Foundation ModelsGLM-4.5 Team": a cut inside a parenthesis
    total = ORGANIZATION_WORD * max(0, len(words) - ORGANIZATION_WORDS)
    for position, word in enumerate(words):
        if not all(char.isalnum() or char in "-.&'’()/+" for char in word):
            return None
        if position == 0 and (_GLUED_CAPITALS.match(word) or (len(word) == 1 and word.isupper())):
            total += GLUED_CAPITAL
        elif position > 0 and _ACRONYM_GLUED_TO_WORD.match(word):
            total += GLUED_CAPITAL
        # "ReportMindDR" has two case changes, "MindDR" one: each is a place a title may have run in.
        total += ORGANIZATION_HUMP * len(_CASE_CHANGE.findall(word))
    return total + (GLUED_PERSON if _ends_in_glued_person(words) else 0.0)


def _ends_in_glued_person(words: list[str]) -> bool:
    """ "Gen|AI AuditsRiccardo Fogliato": after a case change inside a word, a person's name and no organisation.

    The marker ("AI") lies in the title's end, and the title ran into the real first author.
    Organisations with a hump keep their marker after it ("Meituan LongCat Team", "DeepSeek-AI").
    """
    for position, word in enumerate(words[:-1]):
        for change in _CASE_CHANGE.finditer(word):
            tail = " ".join([word[change.start() + 1 :], *words[position + 1 :]])
            if not is_corporate(tail) and name_penalty(tail) == 0.0:
                return True
    return False


# Japanese names printed without a space between family and given name: mostly 2 + 2 characters, often
# 2 + 3 or 1 + 2 (Chinese ones mostly 1 + 2, see _east_asian_penalty). A name almost never starts with
# kana: "て王文質" and "ル梶川康平" are a title's last character run into the name.
UNSPACED_JAPANESE = {4: 0.0, 3: 0.5, 5: 0.5, 2: 1.0, 6: 1.0}
KANA_START = 2.0


@lru_cache(maxsize=4096)
def japanese_name_penalty(name: str) -> float | None:
    """:func:`name_penalty` for a name in Han or kana on a Japanese line, where name lengths differ from Chinese ones."""
    words = name.split()
    if len(words) != 1 or not is_east_asian(name):
        return name_penalty(name)
    penalty = UNSPACED_JAPANESE.get(len(name))
    if penalty is None:
        return None
    return penalty + (KANA_START if has_kana(name[0]) else 0.0)


def _east_asian_penalty(words: list[str]) -> float | None:
    """Family name first; two-character family names are the most common in Japanese, one in Chinese and Korean."""
    if len(words) == 1:
        (word,) = words
        if is_hangul(word):
            return {3: 0.0, 2: 0.6, 4: 0.8}.get(len(word))
        # Five characters: a Japanese name ("井之上直也"), seldom a Chinese one.
        return {2: 0.4, 3: 0.2, 4: 0.5, 5: 1.0}.get(len(word))
    if len(words) != 2:
        return None
    family, given = words
    family_penalty = {1: 0.3, 2: 0.0, 3: 0.5}.get(len(family))
    given_penalty = {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.5}.get(len(given))
    if family_penalty is None or given_penalty is None:
        return None
    return family_penalty + given_penalty
