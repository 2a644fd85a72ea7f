"""bibx.digests: the flat-array set and repeat counter behave as a set and a Counter of their digests."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bibx import digests
from bibx.digests import DigestSet, Repeats

DIGESTS = st.lists(st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 40), st.sampled_from([0, 1, 2**64 - 1, 2**63])), max_size=300)


@given(DIGESTS, DIGESTS)
def test_a_digest_set_holds_what_was_added_and_nothing_else(added: list[int], probed: list[int]) -> None:
    # 0 stands in for 1 (0 marks an empty slot): the one pair of digests the set cannot tell apart.
    held = {digest or 1 for digest in added}
    digest_set = DigestSet()
    for digest in added:
        digest_set.add(digest)
    assert len(digest_set) == len(held)
    for digest in added + probed:
        assert (digest in digest_set) == ((digest or 1) in held)


def test_digests_with_their_low_bits_cleared_spread_over_the_set() -> None:
    # Key bits: 40 bits of a hash above 24 cleared ones (citekeys._key_bits).
    added = [(n * 0x9E3779B97F4A7C15 % 2**40) << 24 for n in range(1, 5001)]
    digest_set = DigestSet(added)
    mask = len(digest_set._slots) - 1
    probes = 0
    for digest in added:
        index = digests._slot(digest, mask)
        while digest_set._slots[index] != digest:
            index, probes = (index + 1) & mask, probes + 1
    assert probes < len(added)  # linear probing stays short: no pile-up in one slot


def test_a_digest_set_sized_for_its_contents_does_not_grow() -> None:
    digest_set = DigestSet(expected=1000)
    slots = len(digest_set._slots)
    for digest in range(1, 1001):
        digest_set.add(digest * 0x9E3779B97F4A7C15 % 2**64)
    assert len(digest_set) == 1000 and len(digest_set._slots) == slots


@given(DIGESTS)
def test_repeats_count_exactly_the_digests_added_more_than_once(added: list[int]) -> None:
    repeats = Repeats()
    for digest in added:
        repeats.add(digest)
    assert repeats.counts() == {digest: count for digest, count in Counter(added).items() if count > 1}


def test_repeats_are_found_across_sorted_runs(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(digests, "_SORT_RUN", 7)
    repeats = Repeats()
    added = [n % 23 for n in range(100)] + [10**12]
    for digest in added:
        repeats.add(digest)
    assert repeats.counts() == {digest: count for digest, count in Counter(added).items() if count > 1}
