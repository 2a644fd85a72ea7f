"""citeproc-js's text-case engine (``CSL.Output.Formatters``, citeproc-js 2.4), in plain Python.

citeproc-py's ``TextCased.case`` (``citeproc.model``) cases word by word with its own stop-word list;
citeproc-js splits a string on quotes, punctuation and inline markup first, never changes a word that
already holds a capital ("arXiv"), title-cases after hyphens, and leaves ``nocase`` spans alone.
:func:`js_text_case` reproduces it; :class:`bibx_plugins.refs.citeproc_overrides.element_base.JsTextCase`
puts it in citeproc-py's place.
"""

from __future__ import annotations

import re

# citeproc-js's CSL.SKIP_WORDS: words title case leaves in lower case. Only its entries that can
# match one word are kept (a word never holds a space, hyphen, period or apostrophe there).
SKIP_WORDS = frozenset(
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos "
    "apud around as aside astride at athwart atop barring before behind below beneath beside besides between "
    "beyond but by circa despite down during et except for forenenst from given in inside into lest like "
    "modulo near next notwithstanding of off on onto out over per plus pro qua sans since than through "
    "throughout thruout till to toward towards under underneath until unto up upon versus vs v via "
    "with within without or yet so and nor a an the de von van c ca".split()
)
NO_CASE_OPEN, NO_CASE_CLOSE = '<span class="nocase">', "</span>"
# The "tags" citeproc-js splits a string on before casing it: quotes, hyphens and dashes, slashes,
# punctuation, brackets and inline markup (U+E000–U+E005: the quote and italic placeholders of
# bibx_plugins.refs.text).
_CASE_TAGS = re.compile(
    r"""(\u2018|\u2019|\u201C|\u201D| "| '|"|'|[-\u2013\u2014/.,;?!:\ue000-\ue005]|\[|\]|\(|\)"""
    r"""|<span style="font-variant: ?small-caps;">|<span class="no(?:case|decor)">|</span>|</?(?:i|sc|b|sub|sup)>)"""
)
_SPACES = re.compile("([\u00a0\u0020\u2000-\u200b\u205f\u3000]+)")
_NO_CASE_OPEN = {
    '<span style="font-variant: small-caps;">',
    '<span style="font-variant:small-caps;">',
    '<span class="nocase">',
    '<span class="nodecor">',
    "<sc>",
    "<sub>",
    "<sup>",
}
_QUOTE_PAIRS = {' "': (" '", '"'), " '": (' "', "'"), "\u2018": ("\u2018", "\u2019"), "\u201c": ("\u201c", "\u201d")}
_QUOTE_TAG = re.compile(r"""(^(?:\u2018|\u2019|\u201C|\u201D|"|')|(?: "| ')$)""")


def _capitalise(word: str) -> str:
    """Upper-case the first character; a lone Greek letter (a symbol in a title) stays as it is."""
    stripped = word.lstrip()
    if not stripped or (len(stripped) == 1 and "\u0370" <= stripped <= "\u03ff"):
        return word
    lead = word[: len(word) - len(stripped)]
    return lead + stripped[0].upper() + stripped[1:]


class _CaseRun:
    """citeproc-js's text-case engine over one string (``CSL.Output.Formatters``), for one mode."""

    def __init__(self, mode: str, text: str) -> None:
        self.mode = mode
        parts = _CASE_TAGS.split(text)
        self.strings, self.tags = parts[0::2], parts[1::2]
        self.original = list(self.strings)
        self.first = mode in ("title", "sentence", "capitalize-first")
        self.after_punct = False
        self.last_word: tuple[int, int] | None = None
        self.quotes: list[tuple[str, str, int | None]] = []

    def run(self) -> str:
        casing_quotes = self.mode not in ("lowercase", "uppercase")
        if self.strings[0].strip():
            following = self.tags[0] if self.tags else None
            self.strings[0] = self.words(self.strings[0], 0, following)
        no_case: list[str] = []
        for index, tag in enumerate(self.tags):
            text = self.strings[index + 1]
            if tag in _NO_CASE_OPEN:
                no_case.append("</sc>" if tag == "<sc>" else f"</{tag[1:4]}>" if tag in ("<sub>", "<sup>") else "</span>")
            elif no_case and tag == no_case[-1]:
                no_case.pop()
            if self.mode == "title" and tag[-1:] in "!?:":
                self.after_punct = True
            if not no_case:
                # citeproc-js passes the wrong argument for the following tag here, so the
                # hyphen rule only ever applies to the first string; kept for identical output.
                self.strings[index + 1] = self.words(text, index + 1, None)
            elif text.strip():
                self.last_word = None
            if casing_quotes and self.restore_after_quote(tag, index):
                self.last_word = None
            if text.strip():
                self.first = False
                self.after_punct = False
        if casing_quotes:
            for _opener, _closer, position in self.quotes:
                if position is not None:
                    self.restore_first_char(position)
        if self.mode == "title":
            self.capitalise_last_stop_word()
        return "".join(part for pair in zip(self.strings, [*self.tags, ""], strict=True) for part in pair)

    def words(self, text: str, index: int, following: str | None) -> str:
        if self.mode in ("lowercase", "uppercase"):
            return text.lower() if self.mode == "lowercase" else text.upper()
        if self.mode == "sentence":
            return " ".join(self.sentence_word(word) for word in text.split(" "))
        if self.mode == "title" and not text.strip():
            return text
        pieces = _SPACES.split(text)
        for position in range(0, len(pieces), 2):
            word = pieces[position]
            if word:
                pieces[position] = self.case_word(word, index, position, position == len(pieces) - 1, following)
                if self.mode == "capitalize-first" and not self.first:
                    break
        return "".join(pieces)

    def sentence_word(self, word: str) -> str:
        if not word:
            return word
        if self.first:
            self.first = False
            return _capitalise(word)
        return word.lower()

    def case_word(self, word: str, index: int, position: int, last: bool, following: str | None) -> str:
        lower = word.lower()
        if self.mode == "capitalize-first":
            capitalise = self.first
            self.first = False
        elif self.mode == "capitalize-all":
            capitalise = True
        else:
            capitalise = (len(word) > 1 and lower not in SKIP_WORDS) or (last and following == "-")
            capitalise = capitalise or self.first or self.after_punct
            self.after_punct = self.first = False
            self.last_word = (index, position)
        # citeproc-js never changes a word that already holds a capital ("arXiv", "GPT").
        return _capitalise(word) if capitalise and word == lower else word

    def restore_after_quote(self, tag: str, index: int) -> bool:
        """An unmatched quote puts back the first character of a string after it (citeproc-js)."""
        match = _QUOTE_TAG.search(tag)
        if not match:
            return False
        quote = match.group(1)
        position: int | None
        if quote in _QUOTE_PAIRS:
            opener, closer = _QUOTE_PAIRS[quote]
            if not self.quotes or quote == self.quotes[-1][0]:
                self.quotes.append((opener, closer, index))
                return False
            position = self.quotes.pop()[2]
            self.quotes.append((opener, closer, None))
        elif self.quotes and quote == self.quotes[-1][1]:
            self.quotes.pop()
            return False
        else:
            position = index
        if position is None:
            return False
        self.restore_first_char(position)
        return True

    def restore_first_char(self, position: int) -> None:
        original = self.original[position + 1][:1]
        self.strings[position + 1] = original + self.strings[position + 1][1:]

    def capitalise_last_stop_word(self) -> None:
        if self.last_word is None:
            return
        index, position = self.last_word
        pieces = _SPACES.split(self.strings[index])
        word = pieces[position]
        if len(word) > 1 and word.lower() in SKIP_WORDS:
            pieces[position] = _capitalise(word)
            self.strings[index] = "".join(pieces)


def js_text_case(text: str, mode: str) -> str:
    """``text`` in CSL text-case ``mode`` exactly as citeproc-js would case it."""
    return _CaseRun(mode, text).run()

