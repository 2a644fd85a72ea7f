"""What every bibx style element shares: kept lookups, linear joins, citeproc-js's text-case.

The mixins of :mod:`.elements` and :mod:`.names`: the style tree never changes while rendering, so
XPath answers, locale terms and formatting checks are kept per element (citeproc-py's
``CitationStylesElement`` looks each up again on every call).
"""

from __future__ import annotations

import re
from typing import Any

from citeproc.string import MixedString, NoCase, String

from bibx_plugins.refs.citeproc_overrides.join import SeamJoins
from bibx_plugins.refs.citeproc_overrides.render_state import RenderState
from bibx_plugins.refs.text_case import NO_CASE_CLOSE, NO_CASE_OPEN, js_text_case

_NO_CASE_PART = re.compile(f"{re.escape(NO_CASE_OPEN)}(.*?){re.escape(NO_CASE_CLOSE)}", re.DOTALL)
FORMATTING = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


def state_of(element: Any) -> RenderState:
    return element.bibx_root.bibx_state


class Element(SeamJoins):
    """Mixin for every style element: the tree is fixed while rendering, so lookups are kept.

    Joins are linear (:class:`bibx_plugins.refs.citeproc_overrides.join.SeamJoins`).

    :func:`_prepare` gives each element ``bibx_root`` and ``bibx_xpath`` and keeps every element's
    Python proxy alive, so lxml hands back the same proxy (and its caches) on every visit.
    """

    # Set by _prepare; the lxml element this mixin is combined with supplies attrib.
    bibx_root: Any
    bibx_xpath: dict[str, Any]
    bibx_formatted: bool
    attrib: Any

    def get_root(self) -> Any:
        # citeproc.model.CitationStylesElement.get_root walks to the root on every call.
        return self.bibx_root

    def xpath_search(self, expression: str) -> Any:
        # CitationStylesElement.xpath_search runs the XPath query again on every call.
        found = self.bibx_xpath.get(expression)
        if found is None:
            found = self.bibx_xpath[expression] = super().xpath_search(expression)  # type: ignore[misc]
        return found

    def format(self, string: Any) -> Any:
        # citeproc.model.Formatted.format: most elements carry no formatting; citeproc-py asks the
        # formatter five times regardless.
        if self.bibx_formatted:
            return super().format(string)  # type: ignore[misc]
        return str(string) if isinstance(string, (int, float)) else string


class LocaleLookups:
    """Terms, date formats and locale options, looked up once per style (not for cs:locale itself).

    ``CitationStylesElement.get_term``, ``CitationStylesElement.get_date`` and
    ``CitationStylesElement.get_locale_option`` search the style's locales on every call.
    """

    def get_term(self, name: str, form: str | None = None, fallback_locale: bool = True, zero_padded: bool = False) -> Any:
        return _memo(
            self,
            ("term", name, form, fallback_locale, zero_padded),
            lambda: super(LocaleLookups, self).get_term(name, form, fallback_locale, zero_padded),  # type: ignore[misc]
        )

    def get_date(self, form: str) -> Any:
        return _memo(self, ("date", form), lambda: super(LocaleLookups, self).get_date(form))  # type: ignore[misc]

    def get_locale_option(self, name: str) -> Any:
        return _memo(self, ("option", name), lambda: super(LocaleLookups, self).get_locale_option(name))  # type: ignore[misc]


def _memo(element: Any, key: tuple[Any, ...], compute: Any) -> Any:
    lookups = element.bibx_root.bibx_locale_lookups
    if key not in lookups:
        lookups[key] = compute()
    return lookups[key]


class JsTextCase:
    """Text-case as citeproc-js applies it (see :func:`js_text_case`); nocase parts stay as they are.

    Replaces ``citeproc.model.TextCased.case``, which cases word by word with its own stop words,
    lowers "arXiv" in sentence case, and title-cases only items in English (citeproc-js: also those
    without a language).
    """

    def case(self, text: Any, language: str | None = None) -> Any:
        mode = self.get("text-case")  # type: ignore[attr-defined]
        if mode is None or not text or (mode == "title" and language not in (None, "en")):
            return text
        if not (isinstance(text, MixedString) and any(isinstance(part, NoCase) for part in text)):
            return String(js_text_case(str(text), mode))
        marked = "".join(f"{NO_CASE_OPEN}{part}{NO_CASE_CLOSE}" if isinstance(part, NoCase) else str(part) for part in text)
        pieces = _NO_CASE_PART.split(js_text_case(marked, mode))
        return MixedString([NoCase(piece) if index % 2 else String(piece) for index, piece in enumerate(pieces) if piece])
