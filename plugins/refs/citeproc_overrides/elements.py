"""citeproc-py's style elements, subclassed to render as citeproc-js does, and made fast.

:func:`load_style` parses a style with these classes in place of ``citeproc.model``'s (the list of
overrides and their reasons is the package's docstring, :mod:`bibx_plugins.refs.citeproc_overrides`):
groups and ``<text macro>`` print or vanish by what was rendered (:mod:`.render_state`), names print
as citeproc-js prints them (:mod:`.names`), a condition on an item's type and variables is decided
once per kind of item, and every element keeps its lookups (:mod:`.element_base`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import String
from lxml import etree

from bibx_plugins.refs.citeproc_overrides import names as csl_names
from bibx_plugins.refs.citeproc_overrides.element_base import FORMATTING, Element, JsTextCase, LocaleLookups, state_of
from bibx_plugins.refs.citeproc_overrides.render_state import RenderState, as_group, tracked
from bibx_plugins.refs.styles import CSL_NS
from bibx_plugins.refs.text import INNER_CLOSE, INNER_OPEN, OUTER_CLOSE, OUTER_OPEN


class _Text(JsTextCase, LocaleLookups, Element, csl.Text):
    """``citeproc.model.Text``: reports what it prints to the render state, flips nested quotes."""

    def _variable(self, item: Any, context: Any) -> Any:
        # Text._variable, whose result now also tells the enclosing group whether it printed.
        return tracked(state_of(self), self.get("variable"), lambda: super(_Text, self)._variable(item, context))

    def quote(self, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true":
            # citeproc.model.Quoted.quote wraps the text as it is; inside quotation marks a quoted
            # phrase takes the inner marks (citeproc-js's flip-flop).
            string = string.replace(OUTER_OPEN, INNER_OPEN).replace(OUTER_CLOSE, INNER_CLOSE)
        return super().quote(string)

    def _term(self, item: Any) -> Any:
        # Text._term, whose printed term counts for the enclosing group.
        text = super()._term(item)
        state_of(self).term(text)
        return text

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        # citeproc.model.Text.process, keeping the sort options and looking the language up lazily.
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
        # An item without a language is in the output locale's (citeproc-js), not in the style's
        # default-locale (Text.process).
        try:
            return item.reference.language[:2]
        except VariableError:
            return self.bibx_root.bibx_language


class _Macro(LocaleLookups, Element, csl.Macro):
    """``citeproc.model.Macro.render`` joins its children; citeproc-js suppresses a macro as a group."""

    def render(self, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        return as_group(state_of(self), lambda: super(_Macro, self).render(item, context, sort_options))


class _Number(JsTextCase, LocaleLookups, Element, csl.Number):
    """``citeproc.model.Number.process``, telling the enclosing group whether the number printed."""

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        return tracked(state_of(self), self.get("variable"), lambda: super(_Number, self).process(item, context, **kwargs))


class _Date(LocaleLookups, Element, csl.Date):
    """``citeproc.model.Date.process``: reports to the group; adds the implicit year suffix."""

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
    """``citeproc.model.Group.process``, printed or suppressed as citeproc-js decides (:class:`.render_state.RenderState`)."""

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
    """``citeproc.model.Label.process``, whose printed term counts for the enclosing group."""

    def process(self, item: Any, *args: Any, **kwargs: Any) -> Any:
        text = super().process(item, *args, **kwargs)
        state_of(self).term(text)
        return text


class _If(LocaleLookups, Element, csl.If):
    """A condition on the item's type and the variables it has is decided once per such shape.

    ``citeproc.model.If.render`` evaluates every condition on every render.
    """

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
    """Tag -> class, as citeproc-py maps them (``citeproc.frontend.CitationStylesXML``), each class
    swapped for bibx's subclass; the others get the kept lookups."""
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
        # citeproc.model.Names.process inserts a stray cs:name into such cs:names on every render (a slow leak);
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
