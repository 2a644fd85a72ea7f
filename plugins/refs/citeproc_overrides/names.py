"""citeproc-py's name elements (``citeproc.model.Names``, ``Substitute``, ``Name``, ``Name_Part``),
subclassed to print names as citeproc-js does.

* a variable substituted for missing authors is not printed again (the title twice);
* ``initialize="false"`` keeps given names whole (Chicago); a list ending in an organisation is
  joined as citeproc-js joins it; sort keys carry no "and" and no "et al.";
* names added by cite disambiguation (:mod:`.disambiguation`) are printed, and the entry's first
  names are recorded (or replaced) for subsequent-author-substitute, which citeproc-py lacks.
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import String

from bibx_plugins.refs.citeproc_overrides.element_base import Element, JsTextCase, LocaleLookups, state_of
from bibx_plugins.refs.text import WHOLE_GIVEN_NAME

_HYPHEN_IN_A_NAME = re.compile(r"-(?=[a-z])")  # citeproc-js's own pattern


class Names(LocaleLookups, Element, csl.Names):
    """``citeproc.model.Names.process``: substituted variables stay suppressed; the first names are kept."""

    def process(self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        state = state_of(self)
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


class Substitute(LocaleLookups, Element, csl.Substitute):
    """The first child that renders stands in for the names; what it printed is not printed again.

    ``citeproc.model.Substitute.render`` represses only the child's own ``variable`` attribute, and
    only ``<text>`` reads it: a title substituted through a macro printed twice.
    """

    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        state = state_of(self)
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


class Name(LocaleLookups, Element, csl.Name):
    """``citeproc.model.Name``: citeproc-js's delimiters, sort keys, disambiguation and initials."""

    bibx_institution_last = 0
    bibx_sorting = False

    def process(self, item: Any, variable: str, context: Any = None, sort_options: Any = None, **kwargs: Any) -> Any:
        # Name.process, given citeproc-js's options for this list (see get_option and et_al).
        names = item.reference.get(variable, [])
        # citeproc-js joins a list that ends with an organisation without the delimiter before
        # "and" when there are two names, and with it when there are more, whatever the style says.
        self.bibx_institution_last = len(names) if names and "literal" in names[-1] else 0
        if sort_options is not None:
            sort_options = {**sort_options, "and": None}  # citeproc-js's sort keys have no "and"
        self.bibx_sorting = sort_options is not None
        state = state_of(self)
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
        # Name.et_al's term is in citeproc-py's sort keys; citeproc-js's sort keys have no "and"
        # (see process) nor "et al." ("Smith, John, et al." sorts before "Smith, John and Acme Lab").
        return String("") if self.bibx_sorting else super().et_al()

    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        # Name.get_option reads each option as the style writes it; citeproc-js reads three otherwise.
        if name == "delimiter-precedes-last" and self.bibx_institution_last:
            return "always" if self.bibx_institution_last > 2 else "never"
        value = super().get_option(name, context, sort_options)
        shown = state_of(self).names_shown
        if shown and sort_options is None and state_of(self).first_names is None:
            # Names citeproc-js added to tell citations apart (.disambiguation):
            # up to that many are printed, and a list of no more than that is printed whole.
            if name == "et-al-use-first":
                return max(value, shown)
            if name == "et-al-min":
                return max(value, shown + 1)
        if name == "demote-non-dropping-particle" and sort_options is not None and value == "sort-only":
            return "display-and-sort"  # citeproc-py demotes "sort-only" particles nowhere; sort keys need it
        return value

    def initialize(self, given: str, mark: str, context: Any) -> str:
        # Name.initialize ignores initialize="false" (CSL 1.0.1): keep given names whole; initialize-with then only
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


class NamePart(JsTextCase, LocaleLookups, Element, csl.Name_Part):
    pass
