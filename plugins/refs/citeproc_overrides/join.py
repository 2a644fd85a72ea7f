"""citeproc-py's ``join``, in linear time and with byte-identical output.

``citeproc.string.join`` (citeproc-py 0.11.1) calls ``normalize_seam(output, item)`` for every item,
which builds ``str(output)`` of the whole string joined so far, and each ``output + item`` copies the
``MixedString`` list: a layout or group of n siblings costs O(n²) (8,000 ``<text>`` siblings took 36 s
for one paper, issue 16). The seam check only reads the last character of the output, so
:class:`_Joined` keeps that character and appends to one list, while reproducing the type rules of
``str``/``String``/``MixedString`` addition (which ``normalize_seam`` runs a second time inside
``MixedString.__add__``) so that the result is the same object type and text as citeproc-py's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import MixedString, String, normalize_seam


def _rich(value: Any) -> bool:
    return isinstance(value, (String, MixedString))


class _Joined:
    """The output of ``join`` so far: the first item itself, a plain string's parts, or segments."""

    def __init__(self, first: Any) -> None:
        self.first = first
        self.parts: list[Any] | None = None  # set once an addition changes the output
        self.mixed = False  # parts are MixedString segments (else pieces of a plain str)
        self.last = str(first)[-1:]  # what normalize_seam reads of the output: its last character

    def seam(self, piece: Any) -> Any:
        return normalize_seam(self.last, piece)

    def add(self, piece: Any) -> None:
        """``output = output + piece``, as citeproc-py's string types compute it."""
        if self.parts is None and isinstance(self.first, MixedString):
            self._mixed_add(piece, segments=lambda: list(self.first))
        elif self.parts is None and isinstance(self.first, String):
            if piece != "":  # String.__add__ returns itself for ''
                self._mixed_add(piece, segments=lambda: [self.first], always=True)
        elif self.mixed:
            self._mixed_add(piece, segments=lambda: self.parts)
        else:
            self._plain_add(piece)

    def _plain_add(self, piece: Any) -> None:
        if not _rich(piece):  # str + str
            if self.parts is None:
                self.parts = [self.first]
            self.parts.append(piece)
            self._advance(piece)
        elif self.last == "":  # String/MixedString.__radd__ return the piece itself for an empty output
            self.first, self.parts = piece, None
            self.last = str(piece)[-1:]
        else:  # str + String is MixedString([str]) + String
            output = self.first if self.parts is None else "".join(self.parts)
            self._mixed_add(piece, segments=lambda: [output], always=True)

    def _mixed_add(self, piece: Any, segments: Any, always: bool = False) -> None:
        """``MixedString.__add__``: '' is dropped, then the seam is normalised again, then appended."""
        if always:
            self.parts, self.mixed = segments(), True
        if piece == "":
            return
        piece = self.seam(piece)
        if piece == "" or piece == []:
            return
        if not self.mixed:
            self.parts, self.mixed = segments(), True
        assert self.parts is not None
        if isinstance(piece, list):
            self.parts.extend(piece)
        else:
            self.parts.append(piece)
        self._advance(piece)

    def _advance(self, piece: Any) -> None:
        text = str(piece)
        if text:
            self.last = text[-1]

    def result(self) -> Any:
        if self.parts is None:
            return self.first
        return MixedString(self.parts) if self.mixed else "".join(self.parts)


def seam_join(items: Iterable[Any], delimiter: Any = "") -> Any:
    """``citeproc.string.join(items, delimiter)``, linear in the number of items."""
    iterator = iter(items)
    try:
        joined = _Joined(next(iterator))
    except StopIteration:
        return String("")
    for item in iterator:
        joined.add(joined.seam(delimiter))
        joined.add(joined.seam(item))
    return joined.result()


class SeamJoins:
    """Mixin for style elements: citeproc-py's two callers of ``join``, calling :func:`seam_join`."""

    def join(self, strings: Iterable[Any], default_delimiter: str = "") -> Any:
        # citeproc.model.Delimited.join (quadratic citeproc.string.join), with its catch-all kept:
        # any failure joins to ''.
        delimiter = self.get("delimiter", default_delimiter)  # type: ignore[attr-defined]
        try:
            return seam_join((string for string in strings if string is not None), delimiter)
        except Exception:
            return String("")

    def render_children(self, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        # citeproc.model.Parent.render_children: a transparent cs:choose takes the enclosing
        # group's delimiter for its own children.
        output = []
        for child in self.iterchildren():  # type: ignore[attr-defined]
            try:
                if isinstance(child, csl.Choose):
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        return seam_join(output, delimiter) if output else None
