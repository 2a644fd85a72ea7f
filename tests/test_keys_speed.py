"""The shortcuts of citation keys and their bookkeeping give exactly what the code they replace gave.

Each reference below is the straightforward spelling the fast code stands for (the title's words found
one by one and folded, every field working out its own words, the hash set up for every digest); the
generated titles lean on what could part them: markup, separators, every ASCII space, function words
in any case, characters folding drops and text outside ASCII.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterator
from itertools import islice
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from bibx import digests as digests_module
from bibx.citekeys import (
    EXTRA_TITLE_WORDS,
    FUNCTION_WORDS,
    TITLE_WORD,
    KeyAssigner,
    KeyBases,
    KeyCollisions,
    _organization_word,
    _shared,
    ascii_fold,
    letter_suffix,
    string_fields,
    title_words,
)
from bibx.digests import DigestSet, blake2b_of_size
from bibx.merge import title_key, unicode_title_letters
from bibx.model import Organization, Paper, PartialDate, Person
from bibx.richtext import to_plain

PIECES = (
    "a", "A", "the", "The", "THE", "of", "oF", "Towards", "TOWARDS", "via", "is", "Roadmap", "x", "GPT-4", "3D", "_", "__",
    " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u00a0", "\u2028", "\x00", "\x7f",
    ":", "/", "-", "--", ".", ",", "'", "!", "?", "(", ")", "$", "{", "}", "\\", "&", "<", ">", "+", "=", "^", "~", "#",
    "<i>", "</i>", "<b>x</b>", "<sup>2</sup>", "<sub>n</sub>", '<span class="nocase">', "</span>", "<sup>", "</sup>",
    "é", "e\u0301", "Ł", "ß", "Æ", "ﬁ", "中", "ı", "K", "²",
)  # fmt: skip
# Long runs of words, function words among them, so that the words split first run out.
WORDY = st.lists(st.sampled_from(("a", "The", "OF", "via", "x", "Roadmap", "é", "-", "<i>of</i>")), max_size=20).map(" ".join)
TITLES = st.lists(st.sampled_from(PIECES), max_size=24).map("".join) | WORDY | st.text(st.characters(max_codepoint=0x7F)) | st.text()
NAMES = st.lists(st.sampled_from(("Yuan", "Rodríguez", "van", "Team", "Tencent", "Ø", "", " ", "-", "O'Neil", "中")), max_size=3).map(" ".join)
PATTERNS = st.sampled_from(
    ("{auth}{year}{title}", "{Auth}{year}{shorttitle}", "{authors}-{title}", "{shorttitle}", "{arxiv}", "ké{year}", "", "{title}:{auth}")
)


def reference_words(paper: Paper) -> Iterator[str]:
    """Folded title words other than function words, found and folded one by one."""
    for match in TITLE_WORD.finditer(to_plain(paper.title)):
        word = ascii_fold(match.group())
        if word and word.lower() not in FUNCTION_WORDS:
            yield word


def reference_names(paper: Paper) -> Iterator[str]:
    for creator in paper.creators:
        name = _organization_word(creator.name) if isinstance(creator, Organization) else creator.family
        if folded := ascii_fold(name):
            yield folded


REFERENCE_FIELDS: dict[str, Callable[[Paper], str]] = {
    "auth": lambda paper: next(reference_names(paper), "anon").lower(),
    "Auth": lambda paper: next(reference_names(paper), "anon").capitalize(),
    "authors": lambda paper: "".join(islice(reference_names(paper), 3)).lower() or "anon",
    "year": lambda paper: f"{paper.date.year:04d}" if paper.date and not paper.date.year_inferred else "",
    "title": lambda paper: next(reference_words(paper), "untitled").lower(),
    "shorttitle": lambda paper: "".join(word.capitalize() for word in islice(reference_words(paper), 3)) or "Untitled",
    "arxiv": lambda paper: (paper.arxiv_id or "").replace(".", ""),
}


def reference_both(pattern: str, paper: Paper) -> tuple[str, str]:
    """The base and the extended key, each field working out what it needs by itself."""
    pieces = string_fields(pattern)
    base = "".join(ascii_fold(literal) + (REFERENCE_FIELDS[name](paper) if name else "") for literal, name in pieces) or "paper"
    names = {name for _literal, name in pieces}
    more_from = 3 if "shorttitle" in names else 1 if "title" in names else 0
    words = islice(reference_words(paper), more_from, more_from + EXTRA_TITLE_WORDS)
    return base, base + "".join(word.capitalize() if "shorttitle" in names else word.lower() for word in words)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    creators = draw(st.lists(st.builds(Person, NAMES, NAMES) | st.builds(Organization, NAMES), max_size=4))
    date = draw(st.none() | st.builds(PartialDate, st.integers(1, 2999), year_inferred=st.booleans()))
    return Paper(draw(TITLES), tuple(creators), date=date, arxiv_id=draw(st.none() | st.sampled_from(("2203.14101", "hep-th/9901001"))))


@given(TITLES, st.integers(1, 6))
def test_title_words_are_those_found_and_folded_one_by_one(title: str, count: int) -> None:
    assert title_words(title, count) == list(islice(reference_words(Paper(title)), count))


@given(PATTERNS, papers())
def test_key_bases_are_those_each_field_works_out_alone(pattern: str, paper: Paper) -> None:
    bases = KeyBases(pattern)
    base, extended = reference_both(pattern, paper)
    assert bases.both(paper) == (base, extended)


@given(st.binary(max_size=200), st.sampled_from((8, 12, 16, 64)))
def test_blake2b_from_a_copied_empty_hash_is_blake2b(data: bytes, size: int) -> None:
    assert blake2b_of_size(size)(data) == hashlib.blake2b(data, digest_size=size).digest()


@given(TITLES)
def test_title_key_is_the_blake2b_of_the_unicode_letters(title: str) -> None:
    assert title_key(title) == hashlib.blake2b(unicode_title_letters(to_plain(title)).encode(), digest_size=12).digest()


@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40) | st.sampled_from((1 << 32, 3 << 32, 5 << 40)), max_size=200))
def test_a_digest_set_says_whether_an_added_digest_was_new(digests: list[int]) -> None:
    held = DigestSet()
    seen: set[int] = set()
    for digest in digests:
        assert held.add(digest) == ((digest or 1) not in seen)
        seen.add(digest or 1)
        assert digest in held
    assert len(held) == len(seen)


# Few titles and names, so that bases and extended keys collide and keys are taken twice.
COLLIDING = st.builds(
    lambda title, name, year: Paper(title, (Person(name, ""),), date=PartialDate(year)),
    st.sampled_from(("Roadmap", "Roadmap to Models", "A Roadmap to Models", "Roadmap to Models Again", "Roadmap to Models Again!", "Other")),
    st.sampled_from(("Yuan", "Sha")),
    st.sampled_from((2022, 2023)),
)


class ReferenceAssigner:
    """Keys handed out as the plain algorithm says: strings in sets, every check spelled out."""

    def __init__(self, collisions: KeyCollisions, reserved: list[str]) -> None:
        self.collisions, self.reserved, self.used, self.next_suffix = collisions, set(reserved), set[str](), dict[str, int]()

    def assign(self, paper: Paper) -> str:
        base, extended = reference_both("{auth}{year}{title}", paper)
        if self.collisions.base_collides(base):
            base = extended if not self.collisions.extended_collides(extended) else f"{extended}-{title_key(paper.title)[:2].hex()}"
        key, n = base, self.next_suffix.get(base, 0)
        while key in self.used or key in self.reserved:
            key, n = base + letter_suffix(n), n + 1
            self.next_suffix[base] = n
        self.used.add(key)
        return key


@given(st.lists(COLLIDING, max_size=12), st.lists(st.sampled_from(("yuan2022roadmap", "yuan2022roadmapToModels", "sha2023other")), max_size=3))
def test_every_way_of_handing_out_keys_gives_the_plain_algorithm_s_keys(papers: list[Paper], reserved: list[str]) -> None:
    collisions = KeyCollisions(KeyBases())
    for paper in papers:
        collisions.observe(paper, title_key(paper.title))
    collisions.finish()
    reference = ReferenceAssigner(collisions, reserved)
    assigners = [KeyAssigner(reserved=reserved, collisions=collisions) for _ in range(2)]
    for paper in papers:
        expected = reference.assign(paper)
        assert assigners[0].assign(paper) == expected
        assert assigners[1].assign_from(*assigners[1].bases.both(paper), title_key(paper.title)) == expected


KEPT = st.sampled_from(("yuan2022roadmap", "yuan2022roadmapa", "sha", ""))


@given(st.lists(KEPT, max_size=10), st.lists(KEPT, max_size=3))
def test_kept_keys_are_suffixed_only_when_handed_out_before(keys: list[str], reserved: list[str]) -> None:
    assigner = KeyAssigner(reserved=reserved)
    used: set[str] = set()
    for key in keys:
        kept = assigner.keep(key)
        assert kept == key if key not in used else kept.startswith(key) and kept != key
        used.add(kept)


# Key bits and title bits from few values, so that keys meet with the same and with other titles.
COUNTED = st.builds(lambda key, title: key << 24 | title, st.sampled_from((0, 1, 2, 1 << 39, (1 << 40) - 1)), st.sampled_from((0, 1, (1 << 24) - 1)))


@given(st.lists(COUNTED, max_size=40), st.sampled_from((3, 7, 1 << 16)))
def test_the_shared_keys_are_those_counted_with_more_than_one_title(counted: list[int], run: int) -> None:
    titles: dict[int, set[int]] = {}
    for digest in counted:
        titles.setdefault(digest >> 24 << 24, set()).add(digest & (1 << 24) - 1)
    with mock.patch.object(digests_module, "_SORT_RUN", run):  # one run, and several merged
        shared = _shared(array("Q", counted))
    assert {key for key in titles if key in shared} == {key for key, seen in titles.items() if len(seen) > 1}
    assert len(shared) == sum(len(seen) > 1 for seen in titles.values())
