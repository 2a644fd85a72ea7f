"""citeproc-py's style elements, subclassed to render as citeproc-js does, and made fast.

citeproc-py (pinned to 0.11.1 in pyproject.toml) parses a CSL style into lxml elements whose classes
do the rendering. bibx parses styles with subclasses of those classes (:func:`load_style`) that
change what citeproc-js (the processor behind Zotero and Mendeley) does differently:

* groups print or vanish by citeproc-js's rules, decided by what was rendered, not by whether a
  child could call a variable ("Preprint at." with no link); a ``<text macro>`` is a group too;
* names print as citeproc-js prints them (:mod:`bibx_plugins.refs.names`); sort keys keep sort
  order in nested macros;
* text-case follows citeproc-js (:func:`bibx_plugins.refs.text.js_text_case`): "arXiv" stays, title
  case splits on hyphens, ``nocase`` spans are left alone; quotes inside quotes flip to inner marks;
* a year suffix goes after the first issued year when the style never prints ``year-suffix``.

Speed: the style tree never changes while rendering, so every XPath answer, macro and locale term
is looked up once (:mod:`bibx_plugins.refs.element_base`; citeproc-py spends most of its time
re-running the same XPath queries), joins are linear (:mod:`bibx_plugins.refs.join`), and a
condition on an item's type and variables is decided once per kind of item.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import String
from lxml import etree

from bibx_plugins.refs import names as csl_names
from bibx_plugins.refs.element_base import FORMATTING, Element, JsTextCase, LocaleLookups, state_of
from bibx_plugins.refs.render_state import RenderState, as_group, tracked
from bibx_plugins.refs.styles import CSL_NS
from bibx_plugins.refs.text import INNER_CLOSE, INNER_OPEN, OUTER_CLOSE, OUTER_OPEN


class _Text(JsTextCase, LocaleLookups, Element, csl.Text):
    def _variable(self, item: Any, context: Any) -> Any:
        return tracked(state_of(self), self.get("variable"), lambda: super(_Text, self)._variable(item, context))

    def quote(self, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true":
            # Inside quotation marks, a quoted phrase takes the inner marks (citeproc-js's flip-flop).
            string = string.replace(OUTER_OPEN, INNER_OPEN).replace(OUTER_CLOSE, INNER_CLOSE)
        return super().quote(string)

    def _term(self, item: Any) -> Any:
        text = super()._term(item)
        state_of(self).term(text)
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
            state_of(self).term(text)
        # The item's language only matters to title case; citeproc-py looked it up for every text.
        return text, self._language(item) if self.get("text-case") == "title" else None

    def _language(self, item: Any) -> str:
        # An item without a language is in the output locale's (citeproc-js), not the style's.
        try:
            return item.reference.language[:2]
        except VariableError:
            return self.bibx_root.bibx_language


class _Macro(LocaleLookups, Element, csl.Macro):
    def render(self, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        return as_group(state_of(self), lambda: super(_Macro, self).render(item, context, sort_options))


class _Number(JsTextCase, LocaleLookups, Element, csl.Number):
    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        return tracked(state_of(self), self.get("variable"), lambda: super(_Number, self).process(item, context, **kwargs))


class _Date(LocaleLookups, Element, csl.Date):
    def process(self, item: Any, variable: str | None = None, show_parts: Any = None, context: Any = None, **kwargs: Any) -> Any:
        name = variable or self.get("variable")
        render = lambda: super(_Date, self).process(item, variable, show_parts, context, **kwargs)  # noqa: E731
        text = tracked(state_of(self), name, render)
        state = state_of(self)
        if text and name == "issued" and self.bibx_root.bibx_implicit_year_suffix and not state.year_suffix_placed:
            text = self._with_year_suffix(text, item)
        return text

    def _with_year_suffix(self, text: Any, item: Any) -> Any:
        """A style that never prints ``year-suffix`` gets it after the first issued year (citeproc-js)."""
        suffix = item.reference.get("year_suffix")
        year = getattr(item.reference.get("issued"), "year", None)
        if not suffix or year is None:
            return text
        state_of(self).year_suffix_placed = True
        return String(re.sub(rf"(?<!\d){abs(year)}(?!\d)", lambda match: match.group(0) + str(suffix), str(text), count=1))


class _Group(LocaleLookups, Element, csl.Group):
    """Printed or suppressed as citeproc-js decides (see :class:`bibx_plugins.refs.render_state.RenderState`)."""

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text = as_group(state_of(self), lambda: self._children(item, context, **kwargs))
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


class _DatePart(JsTextCase, LocaleLookups, Element, csl.Date_Part):
    pass


class _Label(JsTextCase, LocaleLookups, Element, csl.Label):
    def process(self, item: Any, *args: Any, **kwargs: Any) -> Any:
        text = super().process(item, *args, **kwargs)
        state_of(self).term(text)
        return text


class _If(LocaleLookups, Element, csl.If):
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
    csl.Names: csl_names.Names,
    csl.Substitute: csl_names.Substitute,
    csl.Group: _Group,
    csl.Macro: _Macro,
    csl.Name: csl_names.Name,
    csl.Name_Part: csl_names.NamePart,
    csl.Date_Part: _DatePart,
    csl.Label: _Label,
}


def _element_classes() -> dict[str | None, type]:
    """Tag -> class, as citeproc-py maps them, each class swapped for bibx's subclass."""
    originals = [cls for cls in csl.CitationStylesElement.__subclasses__() if cls.__module__ == csl.__name__]
    classes: dict[str | None, type] = {None: type("CitationStylesElement", (Element, csl.CitationStylesElement), {})}
    for original in originals:
        tag = original.__name__.replace("_", "-").lower()
        if original in _OVERRIDES:
            classes[tag] = _OVERRIDES[original]
        elif original is csl.Locale:
            classes[tag] = type(original.__name__, (Element, original), {})
        else:
            classes[tag] = type(original.__name__, (LocaleLookups, Element, original), {})
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
    elements = [element for element in root.iter() if isinstance(element, Element)]
    for element in elements:
        element.bibx_root = root
        element.bibx_xpath = {}
        element.bibx_formatted = any(name in element.attrib for name in FORMATTING)
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
