"""Picking papers: ``bibx export --select TEXT`` and ``--key KEY``.

``--select TEXT`` matches a paper whose title, an author's name or citation key contains TEXT,
case ignored; ``--select /PATTERN/`` is a Python regular expression searched in the same places
(case ignored too). ``--key KEY`` matches the citation key exactly. A paper is kept when it
matches any of them. Selection comes after merging and key assignment, so a selected paper has the
key it has in the full export.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from bibx.model import Organization, Paper


class SelectionError(ValueError):
    """A ``--select /PATTERN/`` that is not a regular expression; the message says why."""


@dataclass(frozen=True)
class Selection:
    """What ``--select`` and ``--key`` asked for; empty selects every paper."""

    texts: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for text in self.texts:
            _pattern(text)  # a broken regular expression is a usage error before anything is read

    def __bool__(self) -> bool:
        return bool(self.texts or self.keys)

    def matches(self, paper: Paper) -> bool:
        if paper.key in self.keys:
            return True
        haystack = _searchable(paper)
        return any(_pattern(text).search(haystack) for text in self.texts)


def selected(papers: Iterator[Paper], selection: Selection, left_out: Callable[[Paper], None]) -> Iterator[Paper]:
    """The papers the selection keeps; each other one goes to ``left_out`` (to be counted: nothing is lost silently)."""
    for paper in papers:
        if selection.matches(paper):
            yield paper
        else:
            left_out(paper)


def _searchable(paper: Paper) -> str:
    """Title, every author in both name orders, and key, one per line (a pattern cannot span two)."""
    names = []
    for creator in paper.creators:
        if isinstance(creator, Organization):
            names.append(creator.name)
        else:
            names.extend([f"{creator.given} {creator.family}".strip(), f"{creator.family}, {creator.given}".strip(", ")])
    return "\n".join([paper.title, *names, paper.key or ""])


def _pattern(text: str) -> re.Pattern[str]:
    if len(text) > 2 and text.startswith("/") and text.endswith("/"):
        try:
            return _compiled(text[1:-1])
        except re.error as error:
            raise SelectionError(f"--select {text}: not a regular expression: {error}") from None
    return _compiled(re.escape(text))


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)
