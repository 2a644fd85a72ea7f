"""citeproc-py's style elements, subclassed to render as citeproc-js does, and made fast.

citeproc-py (pinned to 0.11.1 in pyproject.toml) parses a CSL style into lxml elements whose classes
do the rendering. bibx parses styles with subclasses of those classes (:func:`load_style`) that
change what citeproc-js (the processor behind Zotero and Mendeley) does differently:

* groups print or vanish by citeproc-js's rules, decided by what was rendered, not by whether a
  child could call a variable ("Preprint at." with no link); a ``<text macro>`` is a group too;
* a variable substituted for missing authors is not printed again (the title twice);
* ``initialize="false"`` keeps given names whole (Chicago); a list ending in an organisation is
  joined as citeproc-js joins it; sort keys carry no "and" and keep sort order in nested macros;
* text-case follows citeproc-js (:func:`bibx_plugins.csl_text.js_text_case`): "arXiv" stays, title
  case splits on hyphens, ``nocase`` spans are left alone; quotes inside quotes flip to inner marks;
* a year suffix goes after the first issued year when the style never prints ``year-suffix``.

Speed: the style tree never changes while rendering, so every XPath answer, macro and locale term
is looked up once (citeproc-py spends most of its time re-running the same XPath queries), and a
condition on an item's type and variables is decided once per kind of item.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import MixedString, NoCase, String
from lxml import etree

from bibx_plugins.csl_join import SeamJoins
from bibx_plugins.csl_render_state import RenderState, as_group, tracked
from bibx_plugins.csl_styles import CSL_NS
from bibx_plugins.csl_text import (
    INNER_CLOSE,
    INNER_OPEN,
    NO_CASE_CLOSE,
    NO_CASE_OPEN,
    OUTER_CLOSE,
    OUTER_OPEN,
    WHOLE_GIVEN_NAME,
    js_text_case,
)

_HYPHEN_IN_A_NAME = re.compile(r"-(?=[a-z])")  # citeproc-js's own pattern
_NO_CASE_PART = re.compile(f"{re.escape(NO_CASE_OPEN)}(.*?){re.escape(NO_CASE_CLOSE)}", re.DOTALL)


def _state(element: Any) -> RenderState:
    return element.bibx_root.bibx_state


_FORMATTING = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


class _Element(SeamJoins):
    """Mixin for every style element: the tree is fixed while rendering, so lookups are kept.

    Joins are linear (:class:`bibx_plugins.csl_join.SeamJoins`).

    :func:`_prepare` gives each element ``bibx_root`` and ``bibx_xpath`` and keeps every element's
    Python proxy alive, so lxml hands back the same proxy (and its caches) on every visit.
    """

    def get_root(self) -> Any:
        return self.bibx_root

    def xpath_search(self, expression: str) -> Any:
        found = self.bibx_xpath.get(expression)
        if found is None:
            found = self.bibx_xpath[expression] = super().xpath_search(expression)
        return found

    def format(self, string: Any) -> Any:
        # Most elements carry no formatting; citeproc-py asks the formatter five times regardless.
        if self.bibx_formatted:
            return super().format(string)
        return str(string) if isinstance(string, (int, float)) else string


class _LocaleLookups:
    """Terms, date formats and locale options, looked up once per style (not for cs:locale itself)."""

    def get_term(self, name: str, form: str | None = None, fallback_locale: bool = True, zero_padded: bool = False) -> Any:
        return _memo(
            self,
            ("term", name, form, fallback_locale, zero_padded),
            lambda: super(_LocaleLookups, self).get_term(name, form, fallback_locale, zero_padded),
        )

    def get_date(self, form: str) -> Any:
        return _memo(self, ("date", form), lambda: super(_LocaleLookups, self).get_date(form))

    def get_locale_option(self, name: str) -> Any:
        return _memo(self, ("option", name), lambda: super(_LocaleLookups, self).get_locale_option(name))


def _memo(element: Any, key: tuple[Any, ...], compute: Any) -> Any:
    lookups = element.bibx_root.bibx_locale_lookups
    if key not in lookups:
        lookups[key] = compute()
    return lookups[key]


class _JsTextCase:
    """Text-case as citeproc-js applies it (see :func:`js_text_case`); nocase parts stay as they are."""

    def case(self, text: Any, language: str | None = None) -> Any:
        mode = self.get("text-case")
        if mode is None or not text or (mode == "title" and language not in (None, "en")):
            return text
        if not (isinstance(text, MixedString) and any(isinstance(part, NoCase) for part in text)):
            return String(js_text_case(str(text), mode))
        marked = "".join(f"{NO_CASE_OPEN}{part}{NO_CASE_CLOSE}" if isinstance(part, NoCase) else str(part) for part in text)
        pieces = _NO_CASE_PART.split(js_text_case(marked, mode))
        return MixedString([NoCase(piece) if index % 2 else String(piece) for index, piece in enumerate(pieces) if piece])


class _Text(_JsTextCase, _LocaleLookups, _Element, csl.Text):
    def _variable(self, item: Any, context: Any) -> Any:
        return tracked(_state(self), self.get("variable"), lambda: super(_Text, self)._variable(item, context))

    def quote(self, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true":
            # Inside quotation marks, a quoted phrase takes the inner marks (citeproc-js's flip-flop).
            string = string.replace(OUTER_OPEN, INNER_OPEN).replace(OUTER_CLOSE, INNER_CLOSE)
        return super().quote(string)

    def _term(self, item: Any) -> Any:
        text = super()._term(item)
        _state(self).term(text)
        return text

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        context = self if context is None else context
        text = None
        if "variable" in self.attrib:
            text = self._variable(item, context)
        elif "macro" in self.attrib:
            # citeproc-py drops the sort options here, so a macro reached through another macro
            # printed names in display order inside sort keys.
            text = self.get_macro(self.get("macro")).render(item, context, kwargs.get("sort_options"))
        elif "term" in self.attrib:
            text = self._term(item)
        elif "value" in self.attrib:
            text = String(self.preformat(self.get("value")))
            _state(self).term(text)
        # The item's language only matters to title case; citeproc-py looked it up for every text.
        return text, self._language(item) if self.get("text-case") == "title" else None

    def _language(self, item: Any) -> str:
        # An item without a language is in the output locale's (citeproc-js), not the style's.
        try:
            return item.reference.language[:2]
        except VariableError:
            return self.bibx_root.bibx_language


class _Macro(_LocaleLookups, _Element, csl.Macro):
    def render(self, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        return as_group(_state(self), lambda: super(_Macro, self).render(item, context, sort_options))


class _Number(_JsTextCase, _LocaleLookups, _Element, csl.Number):
    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        return tracked(_state(self), self.get("variable"), lambda: super(_Number, self).process(item, context, **kwargs))


class _Date(_LocaleLookups, _Element, csl.Date):
    def process(self, item: Any, variable: str | None = None, show_parts: Any = None, context: Any = None, **kwargs: Any) -> Any:
        name = variable or self.get("variable")
        render = lambda: super(_Date, self).process(item, variable, show_parts, context, **kwargs)  # noqa: E731
        text = tracked(_state(self), name, render)
        state = _state(self)
        if text and name == "issued" and self.bibx_root.bibx_implicit_year_suffix and not state.year_suffix_placed:
            text = self._with_year_suffix(text, item)
        return text

    def _with_year_suffix(self, text: Any, item: Any) -> Any:
        """A style that never prints ``year-suffix`` gets it after the first issued year (citeproc-js)."""
        suffix = item.reference.get("year_suffix")
        year = getattr(item.reference.get("issued"), "year", None)
        if not suffix or year is None:
            return text
        _state(self).year_suffix_placed = True
        return String(re.sub(rf"(?<!\d){abs(year)}(?!\d)", lambda match: match.group(0) + str(suffix), str(text), count=1))


class _Names(_LocaleLookups, _Element, csl.Names):
    def process(self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        state = _state(self)
        present = [name for name in self.get("variable").split() if name in item.reference]
        if present and set(present) <= state.suppressed:
            state.variable(present[0], None)
            return None
        for name in present:
            state.variable(name, True)
        if not present:
            state.variable("names", None)  # substitution, if any, reports what it printed
        state.names_depth += 1
        try:
            text = super().process(item, names_context, context, **kwargs)
        finally:
            state.names_depth -= 1
        if text and state.first_names is None and not state.names_depth:
            state.first_names = text
            if state.names_substitute is not None:
                return String(state.names_substitute)
        return text


class _Substitute(_LocaleLookups, _Element, csl.Substitute):
    """The first child that renders stands in for the names; what it printed is not printed again."""

    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        state = _state(self)
        for child in self.getchildren():
            start = len(state.rendered)
            try:
                if isinstance(child, csl.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            if text:
                state.suppressed.update(state.rendered[start:])
                return text
        return None


class _Group(_LocaleLookups, _Element, csl.Group):
    """Printed or suppressed as citeproc-js decides (see :class:`bibx_plugins.csl_render_state.RenderState`)."""

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text = as_group(_state(self), lambda: self._children(item, context, **kwargs))
        if not text:
            raise VariableError
        return text

    def _children(self, item: Any, context: Any, **kwargs: Any) -> Any:
        delimiter = self.get("delimiter", "")
        output = []
        for child in self.iterchildren():
            try:
                if isinstance(child, csl.Choose):
                    text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        return self.join(output) if output else None


class _Name(_LocaleLookups, _Element, csl.Name):
    bibx_institution_last = 0
    bibx_sorting = False

    def process(self, item: Any, variable: str, context: Any = None, sort_options: Any = None, **kwargs: Any) -> Any:
        names = item.reference.get(variable, [])
        # citeproc-js joins a list that ends with an organisation without the delimiter before
        # "and" when there are two names, and with it when there are more, whatever the style says.
        self.bibx_institution_last = len(names) if names and "literal" in names[-1] else 0
        if sort_options is not None:
            sort_options = {**sort_options, "and": None}  # citeproc-js's sort keys have no "and"
        self.bibx_sorting = sort_options is not None
        state = _state(self)
        if not self.bibx_sorting and state.first_names is None and state.first_names_key is None:
            state.first_names_key = self._shown(names, context)
        return super().process(item, variable, context, sort_options, **kwargs)

    def _shown(self, names: list[Any], context: Any) -> tuple[Any, ...]:
        """The names this list prints, which citeproc-js compares for subsequent-author-substitute
        ("Team" and "Team, et al." are the same names)."""
        et_al_min = self.get_option("et-al-min", context)
        if et_al_min and len(names) >= et_al_min:
            names = names[: self.get_option("et-al-use-first", context)]
        return tuple(name.parts() for name in names)

    def et_al(self) -> Any:
        # ... nor "et al." ("Smith, John, et al." sorts before "Smith, John and Acme Lab").
        return String("") if self.bibx_sorting else super().et_al()

    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if name == "delimiter-precedes-last" and self.bibx_institution_last:
            return "always" if self.bibx_institution_last > 2 else "never"
        value = super().get_option(name, context, sort_options)
        shown = _state(self).names_shown
        if shown and sort_options is None and _state(self).first_names is None:
            # Names citeproc-js added to tell citations apart (bibx_plugins.csl_disambiguation):
            # up to that many are printed, and a list of no more than that is printed whole.
            if name == "et-al-use-first":
                return max(value, shown)
            if name == "et-al-min":
                return max(value, shown + 1)
        if name == "demote-non-dropping-particle" and sort_options is not None and value == "sort-only":
            return "display-and-sort"  # citeproc-py demotes "sort-only" particles nowhere; sort keys need it
        return value

    def initialize(self, given: str, mark: str, context: Any) -> str:
        # initialize="false" (CSL 1.0.1): keep given names whole; initialize-with then only
        # punctuates names that are initials already, which listings do not give.
        if self._inherited("initialize", context) == "false":
            return given
        if given.startswith(WHOLE_GIVEN_NAME):
            return given[1:]
        if self.get_option("initialize-with-hyphen", context):
            # citeproc-js: a hyphen before a lower-case letter joins one name ("Won-gi" → "W.").
            given = _HYPHEN_IN_A_NAME.sub("\u2013", given)
        return super().initialize(given, mark, context)

    def _inherited(self, attribute: str, context: Any) -> str | None:
        if attribute in self.attrib:
            return self.get(attribute)
        start = context if context is not None else self
        parent = start.xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
        for element in (*parent, self.get_root()):
            if attribute in element.attrib:
                return element.get(attribute)
        return None


class _NamePart(_JsTextCase, _LocaleLookups, _Element, csl.Name_Part):
    pass


class _DatePart(_JsTextCase, _LocaleLookups, _Element, csl.Date_Part):
    pass


class _Label(_JsTextCase, _LocaleLookups, _Element, csl.Label):
    def process(self, item: Any, *args: Any, **kwargs: Any) -> Any:
        text = super().process(item, *args, **kwargs)
        _state(self).term(text)
        return text


class _If(_LocaleLookups, _Element, csl.If):
    """A condition on the item's type and the variables it has is decided once per such shape."""

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        if not self.bibx_shape_condition:
            return super().render(item, context=context, delimiter=delimiter, **kwargs)
        shape = (item.reference.type, frozenset(item.reference))
        holds = self.bibx_decided.get(shape)
        if holds is None:
            holds = self.bibx_decided[shape] = self._holds(item)
        if not holds:
            raise csl.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def _holds(self, item: Any) -> bool:
        results = [
            *(self._type(item) if "type" in self.attrib else ()),
            *(self._variable(item) if "variable" in self.attrib else ()),
        ]
        match = self.get("match")
        return any(results) if match == "any" else not any(results) if match == "none" else all(results)


class _ElseIf(_If, csl.Else_If):
    pass


_OVERRIDES: dict[type, type] = {
    csl.If: _If,
    csl.Else_If: _ElseIf,
    csl.Text: _Text,
    csl.Number: _Number,
    csl.Date: _Date,
    csl.Names: _Names,
    csl.Substitute: _Substitute,
    csl.Group: _Group,
    csl.Macro: _Macro,
    csl.Name: _Name,
    csl.Name_Part: _NamePart,
    csl.Date_Part: _DatePart,
    csl.Label: _Label,
}


def _element_classes() -> dict[str | None, type]:
    """Tag -> class, as citeproc-py maps them, each class swapped for bibx's subclass."""
    originals = [cls for cls in csl.CitationStylesElement.__subclasses__() if cls.__module__ == csl.__name__]
    classes: dict[str | None, type] = {None: type("CitationStylesElement", (_Element, csl.CitationStylesElement), {})}
    for original in originals:
        tag = original.__name__.replace("_", "-").lower()
        if original in _OVERRIDES:
            classes[tag] = _OVERRIDES[original]
        elif original is csl.Locale:
            classes[tag] = type(original.__name__, (_Element, original), {})
        else:
            classes[tag] = type(original.__name__, (_LocaleLookups, _Element, original), {})
    return classes


_CLASSES = _element_classes()


def _parser() -> etree.XMLParser:
    lookup = etree.ElementNamespaceClassLookup()
    lookup.get_namespace(CSL_NS).update(_CLASSES)
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
    parser.set_element_class_lookup(lookup)
    return parser


def _prepare(root: Any) -> None:
    """Give every element its caches, and pin the proxies so the caches survive between visits."""
    for names in root.iterfind(f".//{{{CSL_NS}}}names"):
        # citeproc-py inserts a stray cs:name into such cs:names on every render (a slow leak);
        # shorthand cs:names inside cs:substitute inherit their parent's cs:name instead.
        if names.find(f"{{{CSL_NS}}}name") is None and names.getparent().tag != f"{{{CSL_NS}}}substitute":
            names.insert(0, names.makeelement(f"{{{CSL_NS}}}name"))
    elements = [element for element in root.iter() if isinstance(element, _Element)]
    for element in elements:
        element.bibx_root = root
        element.bibx_xpath = {}
        element.bibx_formatted = any(name in element.attrib for name in _FORMATTING)
        if isinstance(element, _If):
            element.bibx_shape_condition = set(element.attrib) <= {"type", "variable", "match"}
            element.bibx_decided = {}
    root.bibx_elements = elements
    root.bibx_locale_lookups = {}
    root.bibx_state = RenderState()


def load_style(path: Path, locale: str, formatter: Any) -> Any:
    """The style's root element, with bibx's element classes and caches, set up for ``locale``.

    Raises OSError or lxml's XMLSyntaxError for a file that is not XML.
    """
    root = etree.parse(str(path), _parser()).getroot()
    _prepare(root)
    root.set_locale_list(locale, validate=False)
    root.formatter = formatter
    root.bibx_language = locale.split("-")[0].lower()
    root.bibx_implicit_year_suffix = not any(
        "year-suffix" in element.get("variable", "").split() for element in root.iter(f"{{{CSL_NS}}}text")
    )
    return root


def reset_render_state(root: Any) -> None:
    """Start a new entry (or sort key): nothing rendered, nothing suppressed."""
    root.bibx_state.reset()
