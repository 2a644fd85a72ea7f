"""Rendering CSL-JSON items with citeproc-py as citeproc-js renders them: bibx's engine.

An :class:`Engine` holds one independent style in one locale, parsed once with bibx's element
classes (:mod:`bibx_plugins.refs.citeproc_overrides`). It feeds citeproc-py the CSL-JSON items of
:mod:`bibx.csl_items`, typeset as citeproc-js reads them (:mod:`bibx_plugins.refs.text`), computes
sort keys and renders entries; it holds no list, so worker processes can each run one on their
share of the items.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from citeproc import formatter as citeproc_formatters
from citeproc.source import VariableError
from citeproc.source.json import CiteProcJSON
from lxml import etree

from bibx_plugins.refs.citeproc_overrides.cite import Cite
from bibx_plugins.refs.citeproc_overrides.disambiguation import AddNamesRule, YearSuffixRule
from bibx_plugins.refs.citeproc_overrides.elements import load_style, reset_render_state
from bibx_plugins.refs.sorting import SortKey, sort_text_key
from bibx_plugins.refs.styles import CSL_NS
from bibx_plugins.refs.text import (
    INNER_CLOSE,
    INNER_OPEN,
    OUTER_CLOSE,
    OUTER_OPEN,
    VERBATIM_VARIABLES,
    WHOLE_GIVEN_NAME,
    joined_non_romanesque,
    one_line,
    one_period_across_markup,
    plain_text,
    punctuation_into_quotes,
    split_particles,
    typeset_quotes,
    whole_when_initials_clash,
)

Encode = Callable[[str], str]
LEADING_SORT_KEYS = 3
NAMES_SHOWN = "bibx-names-shown"  # an item's key for the names disambiguation adds (not a CSL variable)
_plain = citeproc_formatters.plain


@dataclass(frozen=True, slots=True)
class Entry:
    """One rendered reference; ``margin`` is the number a second-field-align style sets apart."""

    margin: str
    body: str
    names: str = ""  # what subsequent-author-substitute compares: the names the first cs:names shows
    substituted: str = ""  # the body with those names replaced by the style's substitute


@dataclass(frozen=True, slots=True)
class Failure:
    """Why one item could not be rendered (a style or locale citeproc-py cannot handle)."""

    message: str


class StyleLoadError(Exception):
    """The style file cannot be used for a bibliography; the message says why."""


class Engine:
    """One independent style in one locale, parsed once, rendering CSL-JSON items like citeproc-js.

    ``encode`` turns each text value into the output's text (escaped, inline markup converted);
    ``formatter`` is citeproc-py's formatter for the style's own formatting; ``marks`` spells the
    placeholders ``encode`` may leave (quote marks are the locale's).
    """

    def __init__(
        self, path: Path, locale: str, formatter: Any, encode: Encode = plain_text, marks: Mapping[str, str] | None = None
    ) -> None:
        self.encode = encode
        self.formatter = formatter
        try:
            self.root = load_style(path, locale, formatter)
        except (OSError, etree.XMLSyntaxError) as error:
            raise StyleLoadError(f"cannot read {path}: {error}") from error
        bibliography = self.root.bibliography
        if bibliography is None or bibliography.layout is None:
            raise StyleLoadError(f"{path.name} defines no bibliography (a citation-only style)")
        self.layout = bibliography.layout
        sort = bibliography.find(f"{{{CSL_NS}}}sort")
        self.keys = [] if sort is None else sort.findall(f"{{{CSL_NS}}}key")
        self.descending = [key.get("sort", "ascending") == "descending" for key in self.keys]
        self.second_field_align = bibliography.get("second-field-align") is not None
        self.variables = _referenced_variables(self.root)
        self.marks = self._quote_marks() | str.maketrans(dict(marks or {})) | {ord(WHOLE_GIVEN_NAME): None}
        self.close_quote = self._close_quote()
        self.disambiguation = YearSuffixRule.of(self.root.citation)
        self.add_names = AddNamesRule.of(self.root)
        self.author_substitute = bibliography.get("subsequent-author-substitute")
        self.previous_names: tuple[int, str] = (0, "")  # the last entry rendered: its number, its names
        citation = self.root.citation
        # Names whose initials clash print whole under the rules that may expand to full given names.
        self.add_givenname = (
            citation is not None
            and citation.get("disambiguate-add-givenname") == "true"
            and citation.get("givenname-disambiguation-rule", "by-cite") in ("by-cite", "all-names")
        )

    def _quote_marks(self) -> dict[int, str]:
        terms = ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")
        marks = (OUTER_OPEN, OUTER_CLOSE, INNER_OPEN, INNER_CLOSE)
        return str.maketrans({mark: str(self.root.get_single_term(term)) for mark, term in zip(marks, terms, strict=True)})

    def _close_quote(self) -> str | None:
        """The closing quote punctuation moves inside of, when the locale says so (en-US does)."""
        if (self.root.get_locale_option("punctuation-in-quote") or "false").lower() != "true":
            return None
        return str(self.root.get_single_term("close-quote")) or None

    def feed(self, item: dict[str, Any], encode: Encode = plain_text) -> dict[str, Any]:
        """What the style can print, typeset as citeproc-js reads it and encoded for the output.

        Other variables only cost parsing and draw citeproc-py's warnings (one per item and key).
        The id is bibx's own: citeproc-py lower-cases ids, which can make two keys one.
        """
        fed = {name: self._value(name, value, encode) for name, value in item.items() if name in self.variables}
        if self.add_givenname:
            fed = {name: whole_when_initials_clash(value) if isinstance(value, list) else value for name, value in fed.items()}
        fed["id"] = "item"
        return fed

    def _value(self, name: str, value: Any, encode: Encode) -> Any:
        if isinstance(value, str):
            text = one_line(value)
            return encode(text if name in VERBATIM_VARIABLES else typeset_quotes(text))
        if isinstance(value, list) and all(isinstance(person, dict) for person in value):
            return [self._name(person, encode) for person in value]
        return value

    def _name(self, person: dict[str, Any], encode: Encode) -> dict[str, Any]:
        parts = split_particles(joined_non_romanesque(person))
        # citeproc-js prints an apostrophe in a name as one, but leaves other quotes in names alone.
        return {part: self._name_part(value, encode) for part, value in parts.items()}

    @staticmethod
    def _name_part(value: Any, encode: Encode) -> Any:
        return encode(one_line(value).replace("'", "\u2019")) if isinstance(value, str) else value

    def ambiguity_key(self, item: dict[str, Any]) -> tuple[Any, ...] | None:
        """Equal for items whose author-date citations stay alike after the style's disambiguation
        by names; citeproc-js tells those apart by year suffixes (2019a, 2019b). None: no suffix."""
        return self.disambiguation.key(item) if self.disambiguation else None

    def disambiguate_names(self, items: Sequence[dict[str, Any]]) -> None:
        """Give items in bibliography order the names citeproc-js adds to tell their citations apart."""
        if self.add_names is None:
            return
        for item, shown in zip(items, self.add_names.names_shown(items), strict=True):
            if shown is not None:
                item[NAMES_SHOWN] = shown

    def substitute_authors(self, entries: Iterable[tuple[Any, Entry | Failure]]) -> Iterator[tuple[Any, Entry | Failure]]:
        """subsequent-author-substitute (rule "complete-all", the default): names printed as the
        previous entry printed them are replaced by the substitute ("———" in MLA)."""
        previous = ""
        for paper, entry in entries:
            if self.author_substitute is not None and isinstance(entry, Entry) and entry.names:
                if entry.names == previous:
                    entry = replace(entry, body=entry.substituted)
                else:
                    previous = entry.names
            yield paper, entry

    def sort_keys(self, items: Sequence[tuple[int, dict[str, Any]]]) -> list[SortKey | Failure]:
        """One sort key per ``(number, item)``; :func:`bibliography_order` puts them in order.

        Keys are computed from plain text: escaping and markup are for the output, not the order.
        """
        return [self._guarded(self._sort_key, number, self.feed(item), _plain) for number, item in items]

    def leading_sort_keys(self, items: Sequence[tuple[int, dict[str, Any]]]) -> list[SortKey | Failure]:
        """The first :data:`LEADING_SORT_KEYS` parts of each sort key: they order nearly every item
        (author, date), so the later parts (title, volume, ...) are worth computing only for ties."""
        leading = partial(self._sort_key, upto=LEADING_SORT_KEYS)
        return [self._guarded(leading, number, self.feed(item), _plain) for number, item in items]

    def render(self, items: Sequence[tuple[int, dict[str, Any]]]) -> list[Entry | Failure]:
        """Each ``(number, item)`` as its bibliography entry; ``number`` is its place in the list."""
        encode = self.encode
        return [
            self._guarded(partial(self._entry, number, item.get(NAMES_SHOWN)), number, self.feed(item, encode), self.formatter)
            for number, item in items
        ]

    def _guarded(self, step: Any, number: int, item: dict[str, Any], formatter: Any) -> Any:
        self.root.formatter = formatter
        try:
            with warnings.catch_warnings():
                # citeproc-py warns once per item and key it does not know, even for CSL variables.
                warnings.simplefilter("ignore")
                source = CiteProcJSON([item])
            return step(Cite(source["item"], number, formatter))
        except Exception as error:  # a style that breaks citeproc-py must cost one item, not the list
            return Failure(f"{type(error).__name__}: {error}")

    def _sort_key(self, cite: Cite, upto: int | None = None) -> SortKey:
        values = []
        for key in self.keys[:upto]:
            reset_render_state(self.root)
            value = key.sort_keys([cite], self.layout)[0]
            values.append(None if value is None else sort_text_key(str(value)))
        return tuple(values)

    def _entry(self, number: int, names_shown: int | None, cite: Cite) -> Entry:
        text = self._layout_text(cite, names_shown)
        state = self.root.bibx_state
        names = repr(state.first_names_key) if state.first_names_key else str(state.first_names or "")
        margin = self._margin(cite, text) if self.second_field_align else ""
        body = self._body(text, margin)
        previous, self.previous_names = self.previous_names, (number, names)
        if self.author_substitute is None or not names or (previous[0] == number - 1 and previous[1] != names):
            return Entry(margin, body, names)
        # The previous entry printed the same names (or was rendered elsewhere, by another worker):
        # render again with the substitute in their place, so that the punctuation after it is
        # what citeproc-js prints ("———." where the names' "et al." had absorbed the period).
        substituted = self._body(self._layout_text(cite, names_shown, self.author_substitute), margin)
        return Entry(margin, body, names, substituted)

    def _layout_text(self, cite: Cite, names_shown: int | None, substitute: str | None = None) -> str:
        reset_render_state(self.root)
        self.root.bibx_state.names_shown = names_shown
        self.root.bibx_state.names_substitute = substitute
        rendered = self.layout.render_bibliography([cite])
        return str(rendered[0]) if rendered else ""

    def _body(self, text: str, margin: str) -> str:
        body = one_period_across_markup(text[len(margin) :].lstrip().translate(self.marks))
        if not body:
            raise ValueError("the style prints nothing for this item")
        if self.close_quote:
            body = punctuation_into_quotes(body, self.close_quote)
        # A layout suffix ending in a space (ACM's ". ") leaves none at the end of citeproc-js's entries.
        return body.rstrip()

    def _margin(self, cite: Cite, text: str) -> str:
        """The first field of the entry, which second-field-align styles print in a margin."""
        first = next(self.layout.iterchildren(), None)
        reset_render_state(self.root)
        try:
            margin = str(first.render(cite, context=self.layout) or "") if first is not None else ""
        except VariableError:
            return ""
        return margin if margin and text.startswith(margin) else ""


def _referenced_variables(root: Any) -> frozenset[str]:
    names = {"id", "type", "language", "year-suffix"}  # the id orders citeproc-js's disambiguation
    for element in root.iter():
        for attribute in ("variable", "is-numeric", "is-uncertain-date"):
            names.update(element.get(attribute, "").split())
    return frozenset(names | {f"{name}-short" for name in names})
