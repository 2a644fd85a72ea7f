"""Per-paper bookkeeping of an export in flat arrays of 64-bit digests, so that memory stays flat.

An export remembers something of every paper it reads: which titles repeat (to merge them), which
citation keys it has handed out. As Python sets of bytes or ints these cost 70 to 80 bytes a paper,
80 MB at a million papers. Here a paper costs 8 bytes while it is counted (:class:`Repeats`,
sorted once at the end) and at most 32 in a :class:`DigestSet`, a hash set in one array.

Digests stand for what they digest: two different things with one 64-bit digest (one chance in
about 10^19 per pair) count as one, which the callers make harmless (a needless key suffix, two
papers left unmerged in a changed order).
"""

from __future__ import annotations

import hashlib
import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator

_EMPTY = 0
_SORT_RUN = 1 << 16  # digests sorted at a time: a list of 64k numbers, ~2.5 MB


class DigestSet:
    """A set of 64-bit digests: open addressing in an ``array("Q")``, kept at most half full."""

    def __init__(self, digests: Iterable[int] = (), expected: int = 0) -> None:
        self._size = 0
        self._slots = array("Q", bytes(8 * _capacity_for(expected)))
        for digest in digests:
            self.add(digest)

    def __len__(self) -> int:
        return self._size

    def __contains__(self, digest: int) -> bool:
        return self._slots[self._slot_of(digest or 1)] != _EMPTY

    def add(self, digest: int) -> bool:
        """Adds ``digest``; whether it was new (so that a caller needs no test of ``in`` first)."""
        if 2 * (self._size + 1) > len(self._slots):
            self._grow()
        digest = digest or 1  # 0 marks an empty slot
        index = self._slot_of(digest)
        if self._slots[index] != _EMPTY:
            return False
        self._slots[index] = digest
        self._size += 1
        return True

    def _slot_of(self, digest: int) -> int:
        """The slot that holds ``digest`` (never 0), else the empty one where it would go."""
        slots, mask = self._slots, len(self._slots) - 1
        index = _slot(digest, mask)
        while (held := slots[index]) != _EMPTY and held != digest:
            index = (index + 1) & mask
        return index

    def _grow(self) -> None:
        held = [digest for digest in self._slots if digest != _EMPTY]
        self._slots, self._size = array("Q", bytes(16 * len(self._slots))), 0
        for digest in held:
            self.add(digest)


def _slot(digest: int, mask: int) -> int:
    # High bits folded onto the low ones: callers' digests may have their low bits cleared (key bits).
    return (digest ^ digest >> 32) & mask


def blake2b_of_size(size: int) -> Callable[[bytes], bytes]:
    """``hashlib.blake2b(data, digest_size=size).digest()`` as a function of ``data``, at about half the cost
    for short data: each hash starts from a copy of an empty one, so blake2b's set-up is done once."""
    empty = hashlib.blake2b(digest_size=size)

    def digest(data: bytes) -> bytes:
        hasher = empty.copy()
        hasher.update(data)
        return hasher.digest()

    return digest


def _capacity_for(expected: int) -> int:
    """The least power of two at least twice ``expected`` (and 16)."""
    capacity = 16
    while capacity < 2 * expected:
        capacity *= 2
    return capacity


class Repeats:
    """Counts of the digests seen more than once, from 8 bytes a reading: ``add`` each, then :meth:`counts` once."""

    def __init__(self) -> None:
        self._digests = array("Q")

    def add(self, digest: int) -> None:
        self._digests.append(digest)

    def counts(self) -> dict[int, int]:
        """Each digest added more than once, with how often; the readings are freed."""
        counts: dict[int, int] = {}
        previous, run = None, 0
        for digest in sorted_in_runs(self._digests):
            if digest == previous:
                run += 1
                continue
            if run > 1:
                counts[previous] = run  # type: ignore[index]
            previous, run = digest, 1
        if run > 1:
            counts[previous] = run  # type: ignore[index]
        self._digests = array("Q")
        return counts


def sorted_in_runs(digests: array[int]) -> Iterator[int]:
    """The digests in order, sorted in place run by run and merged lazily: never a list of more than one run."""
    if len(digests) <= _SORT_RUN:
        return iter(sorted(digests))  # one run: nothing to merge, and no Python generator between its items
    view = memoryview(digests)
    for start in range(0, len(digests), _SORT_RUN):
        view[start : start + _SORT_RUN] = array("Q", sorted(view[start : start + _SORT_RUN]))
    return heapq.merge(*(view[start : start + _SORT_RUN] for start in range(0, len(digests), _SORT_RUN)))
