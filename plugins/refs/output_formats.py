"""How each output format of the ``refs`` writer spells a reference list: text, HTML or Markdown.

An :class:`OutputSpelling` is what the engine needs of an output format: citeproc-py's formatter for
the style's own formatting (italics, bold, small caps...), the escaping of text, and the spelling of
CSL-JSON's inline markup in values. :func:`format_entry` lays out one rendered entry (a number
margin in its own cell in HTML, as citeproc-js does) and keeps control characters out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from bibx.controls import replace_controls
from bibx.richtext import scripts_to_unicode
from bibx_plugins.refs.text import ITALIC_CLOSE, ITALIC_OPEN, rich_text

if TYPE_CHECKING:
    from bibx_plugins.refs.engine import Entry

OUTPUT_FORMATS = ("text", "html", "markdown")


@dataclass(frozen=True)
class OutputSpelling:
    """How an output format spells the style's formatting and the inline markup of CSL-JSON values.

    ``inline`` maps ``i``, ``b``, ``sup``, ``sub`` and ``sc`` to opening and closing strings; an
    italic value is first written with placeholders, so that italics inside an italic title turn
    roman as in citeproc-js, and ``marks`` spells what is left of them at the end.
    """

    formatter: Any
    escape: Callable[[str], str]
    inline: dict[str, tuple[str, str]] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    scripts_as_unicode: bool = False

    def encode(self, text: str) -> str:
        return rich_text(scripts_to_unicode(text) if self.scripts_as_unicode else text, self.escape, self.inline)


def output_spelling(output_format: str) -> OutputSpelling:
    if output_format == "html":
        return OutputSpelling(HTML_FORMATTER, escape_html, HTML_INLINE, {ITALIC_OPEN: "<i>", ITALIC_CLOSE: "</i>"})
    if output_format == "markdown":
        return OutputSpelling(MARKDOWN_FORMATTER, escape_markdown, MARKDOWN_INLINE, {ITALIC_OPEN: "*", ITALIC_CLOSE: "*"})
    from citeproc.formatter import plain

    # Plain text cannot raise a character: AntM²C rather than citeproc-js's AntM2C.
    return OutputSpelling(plain, str, scripts_as_unicode=True)


def escape_html(text: str) -> str:
    """Escaped as citeproc-js escapes (numeric references survive text-case changes: ``&#38;``)."""
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
# Left as they are: TeX math in arXiv titles ($x_i$), which Markdown renderers typeset, and links.
_MARKDOWN_VERBATIM = re.compile(r"(\$[^$]+\$|https?://\S+)")


def escape_markdown(text: str) -> str:
    """Markdown's active characters escaped, except in ``$...$`` math and in links."""
    parts = _MARKDOWN_VERBATIM.split(text)
    return "".join(part if index % 2 else _MARKDOWN_SPECIAL.sub(r"\\\1", part) for index, part in enumerate(parts))


def _wrap(before: str, after: str) -> Callable[[Any], str]:
    return lambda text: f"{before}{text}{after}"


def _italic(before: str, after: str, roman: tuple[str, str]) -> Callable[[Any], str]:
    """Italics whose own italic values (placeholders still) turn roman."""
    return lambda text: before + str(text).replace(ITALIC_OPEN, roman[0]).replace(ITALIC_CLOSE, roman[1]) + after


def _citeproc_formatter(
    escape: Callable[[str], str],
    italic: Callable[[Any], str],
    bold: Callable[[Any], str],
    underline: Callable[[Any], str],
    small_caps: Callable[[Any], str],
) -> SimpleNamespace:
    """What citeproc-py asks of a formatter (``citeproc.formatter.html`` has these names): the
    style's own formatting; oblique is printed as italics, light as normal weight."""
    return SimpleNamespace(
        preformat=escape,
        Italic=italic,
        Oblique=italic,
        Bold=bold,
        Light=str,
        Underline=underline,
        Superscript=_wrap("<sup>", "</sup>"),
        Subscript=_wrap("<sub>", "</sub>"),
        SmallCaps=small_caps,
    )


# The markup citeproc-js's "html" output format uses, so the same CSS works on both.
HTML_INLINE = {
    "i": (ITALIC_OPEN, ITALIC_CLOSE),
    "b": ("<b>", "</b>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
}
HTML_FORMATTER = _citeproc_formatter(
    escape_html,
    _italic("<i>", "</i>", ('<span style="font-style:normal;">', "</span>")),
    _wrap("<b>", "</b>"),
    _wrap('<span style="text-decoration:underline;">', "</span>"),
    _wrap('<span style="font-variant:small-caps;">', "</span>"),
)
# Markdown cannot set roman inside italics; an italic word in an italic title stays italic.
MARKDOWN_INLINE = {"i": (ITALIC_OPEN, ITALIC_CLOSE), "b": ("**", "**"), "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>")}
MARKDOWN_FORMATTER = _citeproc_formatter(escape_markdown, _italic("*", "*", ("", "")), _wrap("**", "**"), str, str)


def format_entry(entry: Entry, output_format: str) -> str:
    """One entry as the output format writes it, number margin included.

    Control characters (ESC starts a terminal command) have no place in a reference list meant for
    pasting, and data from JSON, CSL-JSON or RIS input may still carry them: they go as everywhere
    in bibx (:func:`bibx.controls.replace_controls`), before the layout adds its own line ends.
    """
    return _laid_out(replace_controls(entry.margin), replace_controls(entry.body), output_format)


def _laid_out(margin: str, body: str, output_format: str) -> str:
    if output_format == "html":
        if margin:
            return (
                '  <div class="csl-entry">\n'
                f'    <div class="csl-left-margin">{margin}</div><div class="csl-right-inline">{body}</div>\n'
                "  </div>\n"
            )
        return f'  <div class="csl-entry">{body}</div>\n'
    text = f"{margin} {body}" if margin else body
    return f"{text}\n\n" if output_format == "markdown" else f"{text}\n"


# What the list is wrapped in, before its first entry and after its last.
LIST_OPENING = {"html": '<div class="csl-bib-body">\n', "text": "", "markdown": ""}
LIST_CLOSING = {"html": "</div>\n", "text": "", "markdown": ""}
