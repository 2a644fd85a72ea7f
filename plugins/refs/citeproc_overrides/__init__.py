"""Every place bibx replaces citeproc-py's own behaviour, and why: citeproc-py 0.11.1 rendering as citeproc-js.

citeproc-py parses a CSL style into lxml elements whose classes (``citeproc.model``) render it.
bibx parses styles with subclasses of those classes (:func:`.elements.load_style`) and renders each
entry through the bibliography layout itself (``citeproc.model.Layout.render_bibliography``), without
citeproc-py's ``CitationStylesBibliography``: the order and year suffixes are citeproc-js's
(:mod:`bibx_plugins.refs.sorting`). citeproc-js (citeproc-js 2.4, the processor behind Zotero and
Mendeley; tests/test_refs_vs_citeproc_js.py compares entry by entry) is the reference.

The overrides call private methods and rely on signatures of citeproc-py 0.11.1, hence the pin
``citeproc-py==0.11.1`` in pyproject.toml. Each entry: citeproc-py's class or method (module path in
0.11.1), what it does, what citeproc-js does, and bibx's override.

Output (what prints)
--------------------
* ``citeproc.model.Group.process`` prints a group unless a child that *could* call a variable
  (``Parent.calls_variable``) printed nothing, so "Preprint at." prints with no link; citeproc-js
  (``group_context``) decides from what the children did print (a variable printed, or a term and no
  empty variable). :class:`.elements._Group`, with :class:`.render_state.RenderState` fed by
  ``_Text._variable``/``_term``, ``_Number.process``, ``_Date.process`` and ``_Label.process``.
* ``citeproc.model.Macro.render`` joins its children; citeproc-js treats ``<text macro>`` as a group
  (suppressed like one). :class:`.elements._Macro`.
* ``citeproc.model.Substitute.render`` records the substituting child's own ``variable`` attribute in
  ``Layout.repressed``, which only ``Text._variable`` reads: a title substituted through a macro or a
  ``cs:names`` prints again. citeproc-js never prints a variable the substitute printed (no title
  twice). :class:`.names.Substitute` and :class:`.names.Names` (``RenderState.suppressed``).
* ``citeproc.model.Names.process`` inserts a new ``cs:name`` into a ``cs:names`` without one on every
  render (a slow leak); bibx inserts it once at load (:func:`.elements._prepare`). ``Names.process``
  also records the entry's first names for subsequent-author-substitute, which citeproc-py lacks.
* ``citeproc.model.Name.get_option``: citeproc-py applies ``delimiter-precedes-last`` as written;
  citeproc-js joins a list ending in an organisation with the delimiter before "and" only for more
  than two names; ``demote-non-dropping-particle="sort-only"`` demotes nowhere in citeproc-py, in sort
  keys in citeproc-js; citeproc-js shows the names cite disambiguation added. :class:`.names.Name`.
* ``citeproc.model.Name.process`` / ``Name.et_al`` put "and" and "et al." into sort keys;
  citeproc-js's sort keys have neither. :class:`.names.Name`.
* ``citeproc.model.Name.initialize`` initializes every given name (CSL 1.0.1's ``initialize="false"``
  is not read) and splits "Won-gi" at the hyphen; citeproc-js keeps given names whole under
  ``initialize="false"``, joins a hyphen before a lower-case letter ("W."), and prints whole given
  names whose initials clash. :class:`.names.Name`.
* ``citeproc.model.TextCased.case`` cases word by word with a 26-word stop list, lowers "arXiv" in
  sentence case, and skips title case unless the language is "en"; citeproc-js
  (``CSL.Output.Formatters``) splits on quotes, punctuation and markup, never changes a word that holds
  a capital, and leaves ``nocase`` spans alone. :class:`.element_base.JsTextCase`, applying
  :func:`bibx_plugins.refs.text_case.js_text_case`.
* ``citeproc.model.Quoted.quote`` wraps in the outer quote marks whatever is inside; citeproc-js flips
  quotes inside quotes to the inner marks. ``_Text.quote`` in :mod:`.elements`.
* ``citeproc.model.Text.process`` drops ``sort_options`` when it renders a macro (names in a nested
  macro sort in display order) and takes an item without a language to be in the style's
  ``default-locale``; citeproc-js keeps sort options and uses the output locale. ``_Text.process``.
* ``citeproc.model.Date.process``: a style that never prints ``year-suffix`` gets none; citeproc-js puts
  it after the first issued year. :class:`.elements._Date`.
* Cite disambiguation: citeproc-py has none (``citeproc.model.If.render``: "TODO
  self.get('disambiguate')"); citeproc-js (``CSL.Disambiguation``) adds names until citations differ,
  and those names print in the bibliography too, then tells the rest apart by year suffixes.
  :mod:`.disambiguation` replays both; ``Name.get_option`` prints the names it found, the engine
  gives the year suffixes.

Speed (same output)
-------------------
* ``citeproc.string.join`` (used by ``citeproc.model.Delimited.join`` and ``Parent.render_children``)
  costs O(n²) for n siblings (``normalize_seam`` builds the whole string per item); bibx's
  :func:`.join.seam_join` is linear with byte-identical output (:class:`.join.SeamJoins`).
* ``citeproc.model.CitationStylesElement.get_root``, ``xpath_search``, ``get_term``, ``get_date`` and
  ``get_locale_option`` walk the tree or the locales on every call; the style tree never changes while
  rendering, so :class:`.element_base.Element` and :class:`.element_base.LocaleLookups` keep the answers.
  ``citeproc.model.Formatted.format`` asks the formatter five times for elements without formatting.
* ``citeproc.model.If.render`` evaluates a condition on every render; a condition on type and
  variables only is decided once per kind of item (:class:`.elements._If`).
* ``citeproc.source.CitationItem.number`` searches the bibliography's key list per entry, and
  ``reference`` looks the item up by a lower-cased key; :class:`.cite.Cite` fixes both.
"""
