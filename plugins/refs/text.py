"""citeproc-js's reading of values and its punctuation rules, in plain Python, for bibx's engine.

citeproc-js (the processor behind Zotero) and citeproc-py differ where the CSL specification leaves
room or citeproc-py is unfinished. These functions reproduce citeproc-js 2.4 (the version the tests
compare with) on the values bibx feeds citeproc-py: straight quotes and their "flip-flop", inline
``<i>``/``<b>`` markup, names in other scripts and name particles; and on the rendered entry: one
period across closing markup, and punctuation-in-quote. Its text-case engine is in
:mod:`bibx_plugins.refs.text_case`, its sort order and year suffixes in :mod:`bibx_plugins.refs.sorting`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

# Quote marks in values, until the locale's terms replace them: outer and inner pairs. An outer
# pair inside a quoted title becomes an inner one, as citeproc-js's "flip-flop" does.
OUTER_OPEN, OUTER_CLOSE, INNER_OPEN, INNER_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
# Italics in values, until the output's markup replaces them (see bibx_plugins.refs.output_formats).
ITALIC_OPEN, ITALIC_CLOSE = "\ue004", "\ue005"


# Identifiers and links are printed as given: no curly quotes.
VERBATIM_VARIABLES = frozenset({"id", "type", "language", "URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "number"})
_OPENING_QUOTE = re.compile(r"""(?:^|(?<=[\s(\[]))(["'])""")
_QUOTED = {mark: re.compile(rf"(?<!\w){mark}([^{mark}]+){mark}(?!\w)") for mark in "\"'"}
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]+")


def typeset_quotes(text: str) -> str:
    """Straight quotes as citeproc-js reads them: pairs become quote marks, a lone ``'`` an apostrophe.

    The first quote to open a pair sets which kind is outer ("x" or 'x'); the other kind is inner.
    The marks are placeholders (``OUTER_OPEN``...) that the engine turns into the locale's terms.
    """
    if "'" not in text and '"' not in text:
        return text
    if "<span" in text:  # the quotes of a tag's attribute are not quotation marks
        return _ATTRIBUTE_SPANS.sub(lambda match: _SPAN_TAGS[match.group()], typeset_quotes(_spans_set_aside(text)))
    first = _OPENING_QUOTE.search(text)
    outer = first.group(1) if first else '"'
    inner = "'" if outer == '"' else '"'
    text = _QUOTED[outer].sub(rf"{OUTER_OPEN}\1{OUTER_CLOSE}", text)
    text = _QUOTED[inner].sub(rf"{INNER_OPEN}\1{INNER_CLOSE}", text)
    return text.replace("'", "\u2019")


# Rich-text spans with quoted attributes, set aside as private-use characters while quotes are typeset.
_SPAN_MARKERS = {
    '<span class="nocase">': "\ue006",
    '<span style="font-variant:small-caps;">': "\ue007",
    '<span style="font-variant: small-caps;">': "\ue008",
}
_SPAN_TAGS = {marker: tag for tag, marker in _SPAN_MARKERS.items()}
_ATTRIBUTE_SPANS = re.compile("[\ue006-\ue008]")
_TAGS_WITH_ATTRIBUTES = re.compile("|".join(re.escape(tag) for tag in _SPAN_MARKERS))


def _spans_set_aside(text: str) -> str:
    return _TAGS_WITH_ATTRIBUTES.sub(lambda match: _SPAN_MARKERS[match.group()], text)


def one_line(text: str) -> str:
    """Line breaks inside a value as spaces: every entry is one line of text."""
    return _LINE_BREAKS.sub(" ", text)


# The scripts citeproc-js calls "romanesque" (CSL.ROMANESQUE_REGEXP): Latin, Greek, Cyrillic.
_ROMANESQUE = re.compile("[a-zA-Z\u0080-\u017f\u0400-\u052f\u0386-\u03fb\u1f00-\u1ffe]")


def joined_non_romanesque(name: dict[str, str]) -> dict[str, str]:
    """``高瀬 翔`` as one family name ``高瀬翔``: citeproc-js writes a name in another script (CJK,
    Hangul…) family first without a space, separator or initials. (Its short form, the family name
    alone, would differ; bibliographies print the long form.)"""
    family, given = name.get("family", ""), name.get("given", "")
    if not family or not given or _ROMANESQUE.search(family + given):
        return name
    return {part: value for part, value in name.items() if part != "given"} | {"family": family + given}


# Before a given name: print it whole, not as initials (see whole_when_initials_clash).
WHOLE_GIVEN_NAME = "\ue009"


def whole_when_initials_clash(names: list[Any]) -> list[Any]:
    """Names of one list alike in family name and initial (Yuying Ge, Yixiao Ge) keep their given
    names whole, as citeproc-js's disambiguate-add-givenname prints them in the bibliography too."""
    people = [name for name in names if isinstance(name, dict) and name.get("given") and name.get("family")]
    seen = Counter((str(name["family"]), str(name["given"])[:1]) for name in people)
    clashing = {key for key, count in seen.items() if count > 1}
    if not clashing:
        return names
    return [
        {**name, "given": WHOLE_GIVEN_NAME + str(name["given"])}
        if name in people and (str(name["family"]), str(name["given"])[:1]) in clashing
        else name
        for name in names
    ]


_PARTICLE = re.compile(r"([^\W\d][^ ]*) +(?=\S)")


def split_particles(name: dict[str, str]) -> dict[str, str]:
    """``van der Berg`` as particle ``van der`` and family ``Berg``, as citeproc-js parses names.

    Only lower-case words that end at a space count, and only in names with a given name;
    ``d'Alembert`` stays whole (citeproc-py would print a space after the apostrophe).
    """
    family = name.get("family", "")
    if not name.get("given") or "non-dropping-particle" in name:
        return name
    particles = []
    rest = family
    while (match := _PARTICLE.match(rest)) and match.group(1)[0].islower():
        particles.append(match.group(1))
        rest = rest[match.end() :]
    if not particles:
        return name
    return {**name, "family": rest, "non-dropping-particle": " ".join(particles)}


_RICH_TEXT = re.compile(r'(</?(?:i|b|sup|sub|sc)>|<span style="font-variant: ?small-caps;">|<span class="nocase">|</span>)')
RichTextMarkup = dict[str, tuple[str, str]]


def plain_text(text: str) -> str:
    """A value as plain text: inline markup dropped, nothing escaped (sort keys, text output)."""
    return rich_text(text, str, {})


def rich_text(text: str, escape: Callable[[str], str], markup: RichTextMarkup) -> str:
    """CSL-JSON's inline markup in the output's own, everything else escaped.

    ``markup`` maps ``i``, ``b``, ``sup``, ``sub`` and ``sc`` (small caps) to an opening and a
    closing string; a tag it lacks is dropped, as citeproc-js's text output drops them.
    ``<span class="nocase">`` stays for citeproc-py, which reads it. A stray ``</span>`` is text.
    """
    parts = _RICH_TEXT.split(text)
    if len(parts) == 1:
        return escape(text)
    out: list[str] = []
    spans: list[str] = []  # what each open <span> is: "nocase" or "sc"
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(escape(part))
        elif part == '<span class="nocase">':
            spans.append("nocase")
            out.append(part)
        elif part.startswith("<span"):
            spans.append("sc")
            out.append(markup.get("sc", ("", ""))[0])
        elif part == "</span>":
            kind = spans.pop() if spans else None
            out.append(escape(part) if kind is None else part if kind == "nocase" else markup.get("sc", ("", ""))[1])
        else:
            out.append(markup.get(part.strip("</>"), ("", ""))[1 if part.startswith("</") else 0])
    return "".join(out)


# A period after a sentence's own end mark, maybe across closing markup, before a space or the end.
_PERIOD_AFTER_MARKUP = re.compile(r"([.!?])((?:</[a-z]+>|(?<!\\)\*+|[\u201c\u201d\u2019\u00bb\u203a\ue001\ue003])*)\.(?=\s|<|$)")


def one_period_across_markup(text: str) -> str:
    """``<i>et al.</i>.`` as ``<i>et al.</i>``, ``Why?.`` and ``„Why?“.`` as ``Why?`` and ``„Why?“``:
    citeproc-js's period merging, across closing markup and closing quotes."""
    return _PERIOD_AFTER_MARKUP.sub(r"\1\2", text)


def punctuation_into_quotes(text: str, close_quote: str) -> str:
    """``“Title”,`` becomes ``“Title,”`` (punctuation-in-quote); ``“Why?”.`` becomes ``“Why?”``, ``“Why?”,`` ``“Why?,”``."""

    def swap(match: re.Match[str]) -> str:
        before, quotes, mark = match.groups()
        # citeproc-js drops a period after any of .?! but a comma only after a period ("Why?,”").
        if before and (before == "." or (before in "?!" and mark == ".")):
            return before + quotes
        return before + mark + quotes

    return re.sub(f"(.?)((?:{re.escape(close_quote)})+)([.,])", swap, text)
