"""Rich text: the model's convention for the text of a title or an abstract.

:attr:`bibx.Paper.title` and :attr:`bibx.Paper.abstract` are *rich text*: Unicode text whose only
markup is CSL-JSON's rich-text tags

* ``<i>…</i>`` italics, ``<b>…</b>`` bold,
* ``<sup>…</sup>`` superscript, ``<sub>…</sub>`` subscript,
* ``<span class="nocase">…</span>`` text whose case a style must not change (BibTeX's braces),
* ``<span style="font-variant:small-caps;">…</span>`` small capitals.

Any other ``<``, ``>`` or ``&`` is literal text (``a < b & c`` is just that), as citeproc-js and
Zotero read CSL-JSON titles; so is a tag without its partner. There are no entities and no escapes.

Readers convert what their format carries into this once (:func:`from_latex` for the LaTeX that
arXiv listings and .bib files print), writers encode it natively: :func:`to_plain` for formats
without markup (RIS, plain-text references), :func:`plain_line` for a one-line field,
:func:`to_html` for HTML, the tags as they are for CSL-JSON, and :func:`parse` for anything else
(the BibTeX writer turns the tree into LaTeX).

The tree and the encodings live in :mod:`bibx.rich_markup`, the LaTeX reading in
:mod:`bibx.latex_to_rich`; import them from here.
"""

from __future__ import annotations

from bibx.latex_to_rich import from_latex, repair_mojibake
from bibx.rich_markup import (
    TAGS,
    Node,
    Span,
    escape_html,
    is_plain,
    parse,
    plain_line,
    render,
    scripts_to_unicode,
    split_at_tags,
    tag_kinds,
    text_of,
    to_html,
    to_plain,
)

__all__ = [
    "TAGS",
    "Node",
    "Span",
    "escape_html",
    "from_latex",
    "is_plain",
    "parse",
    "plain_line",
    "render",
    "repair_mojibake",
    "scripts_to_unicode",
    "split_at_tags",
    "tag_kinds",
    "text_of",
    "to_html",
    "to_plain",
]
