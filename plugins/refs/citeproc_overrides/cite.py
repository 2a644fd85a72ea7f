"""The citation item citeproc-py's elements render: one reference, its number fixed by bibx."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from citeproc.source import CitationItem


class Cite(CitationItem):
    """One reference with its bibliography number fixed by bibx.

    Replaces ``citeproc.source.CitationItem``'s properties ``CitationItem.reference``,
    ``CitationItem.number`` and ``CitationItem.bibliography``, which look the item up in a
    ``CitationStylesBibliography`` (``number`` searches its list of keys, O(n) per entry, and the
    keys are lower-cased); bibx renders without one.
    """

    def __init__(self, reference: Any, number: int, formatter: Any) -> None:
        super().__init__(reference.key)
        # Plain attributes: CitationItem's own attribute assignment stores dictionary items, and
        # ``reference`` is read a few hundred times per entry.
        object.__setattr__(self, "_reference", reference)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_bibliography", SimpleNamespace(formatter=formatter))

    @property
    def reference(self) -> Any:
        return self._reference

    @property
    def number(self) -> int:
        return self._number

    @property
    def bibliography(self) -> Any:
        return self._bibliography
