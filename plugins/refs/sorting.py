"""citeproc-js's bibliography order, in plain Python: its sort comparison and its year suffixes.

citeproc-py compares rendered sort keys as Python strings; citeproc-js (``CSL.getSortCompare``)
compares them with ICU's ``localeCompare`` (accents, case and punctuation ignored, numbers by value),
puts items with an empty key last, and gives year suffixes (2019a, 2019b) in that order.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cmp_to_key
from typing import Any

from bibx.citekeys import letter_suffix

# Sort-key folding beyond Unicode decomposition, as ICU's root collation treats these letters.
_FOLDS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def collation_key(text: str) -> tuple[tuple[int, Any], ...]:
    """Compares as citeproc-js's ``localeCompare(..., {sensitivity: "base", ignorePunctuation: true,
    numeric: true})`` in ICU's root order: accents, case, punctuation and spaces ignored; symbols
    before currency signs before numbers (compared by value) before letters."""
    key: list[tuple[int, Any]] = []
    digits = ""
    for char in unicodedata.normalize("NFKD", text.lower().translate(_FOLDS)):
        category = unicodedata.category(char)
        if category == "Nd":
            digits += char
            continue
        if digits:
            key.append((2, int(digits)))
            digits = ""
        if category[0] in "PZC" or category == "Mn":
            continue
        if category[0] == "S":
            key.append((1 if category == "Sc" else 0, char))
        else:
            key.append((3, char.casefold()))
    if digits:
        key.append((2, int(digits)))
    return tuple(key)


def sort_text_key(text: str) -> tuple[tuple[int, Any], ...]:
    """citeproc-js's key for a rendered sort value: spaces become "|" (a symbol, so word ends count)."""
    return collation_key("|".join(text.split(" ")) + "|") if text else ()


SortKey = tuple[Any, ...]


def bibliography_order(keys: Sequence[SortKey], descending: Sequence[bool]) -> list[int]:
    """Indices of ``keys`` in bibliography order: empty keys last, ties in input order (citeproc-js)."""

    def compare(left: int, right: int) -> int:
        # Not strict: keys past the leading parts are computed only for items those leave tied.
        for mine, theirs, reverse in zip(keys[left], keys[right], descending, strict=False):
            if mine == theirs:
                continue
            if mine is None or theirs is None:
                return 1 if mine is None else -1
            order = -1 if mine < theirs else 1
            return -order if reverse else order
        return left - right

    return sorted(range(len(keys)), key=cmp_to_key(compare))


def year_suffixes(keys: Sequence[Any]) -> list[str | None]:
    """Year suffixes for items in bibliography order: a, b, ... z, aa, ab among equal keys.

    ``None`` keys (and keys no other item shares) get none; citeproc-js assigns them this way.
    """
    counts = Counter(key for key in keys if key is not None)
    given: Counter[Any] = Counter()
    suffixes: list[str | None] = []
    for key in keys:
        if key is None or counts[key] < 2:
            suffixes.append(None)
            continue
        suffixes.append(letter_suffix(given[key]))  # citeproc-js's Suffixator counts alike
        given[key] += 1
    return suffixes

