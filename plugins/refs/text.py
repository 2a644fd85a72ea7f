"""citeproc-js's typographic and ordering rules, in plain Python, for bibx's citeproc-py engine.

citeproc-js (the processor behind Zotero) and citeproc-py differ where the CSL specification leaves
room or citeproc-py is unfinished. These functions reproduce citeproc-js 2.4 (the version the tests
compare with): its text-case engine (``CSL.Output.Formatters``), its sort comparison
(``CSL.getSortCompare``) and year suffixes, its reading of values (straight quotes and their
"flip-flop", inline ``<i>``/``<b>`` markup, name particles) and its punctuation-in-quote rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cmp_to_key
from typing import Any

from bibx.citekeys import letter_suffix

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
# Quote marks in values, until the locale's terms replace them: outer and inner pairs. An outer
# pair inside a quoted title becomes an inner one, as citeproc-js's "flip-flop" does.
OUTER_OPEN, OUTER_CLOSE, INNER_OPEN, INNER_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
# Italics in values, until the output's markup replaces them (see bibx_plugins.refs.writer).
ITALIC_OPEN, ITALIC_CLOSE = "\ue004", "\ue005"
# The "tags" citeproc-js splits a string on before casing it: quotes, hyphens and dashes, slashes,
# punctuation, brackets and inline markup.
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


# Sort-key folding beyond Unicode decomposition, as ICU's root collation treats these letters.
_FOLDS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def collation_key(text: str) -> tuple[tuple[int, Any], ...]:
    """Compares as citeproc-js's ``localeCompare(..., {sensitivity: "base", ignorePunctuation: true,
    numeric: true})`` in ICU's root order: accents, case, punctuation and spaces ignored; symbols
    before currency signs before numbers (compared by value) before letters."""
    key: list[tuple[int, Any]] = []
    digits = ""
    for char in unicodedata.normalize("NFKD", text.lower().translate(_FOLDS)):
        category = unicodedata.category(char)
        if category == "Nd":
            digits += char
            continue
        if digits:
            key.append((2, int(digits)))
            digits = ""
        if category[0] in "PZC" or category == "Mn":
            continue
        if category[0] == "S":
            key.append((1 if category == "Sc" else 0, char))
        else:
            key.append((3, char.casefold()))
    if digits:
        key.append((2, int(digits)))
    return tuple(key)


def sort_text_key(text: str) -> tuple[tuple[int, Any], ...]:
    """citeproc-js's key for a rendered sort value: spaces become "|" (a symbol, so word ends count)."""
    return collation_key("|".join(text.split(" ")) + "|") if text else ()


SortKey = tuple[Any, ...]


def bibliography_order(keys: Sequence[SortKey], descending: Sequence[bool]) -> list[int]:
    """Indices of ``keys`` in bibliography order: empty keys last, ties in input order (citeproc-js)."""

    def compare(left: int, right: int) -> int:
        # Not strict: keys past the leading parts are computed only for items those leave tied.
        for mine, theirs, reverse in zip(keys[left], keys[right], descending, strict=False):
            if mine == theirs:
                continue
            if mine is None or theirs is None:
                return 1 if mine is None else -1
            order = -1 if mine < theirs else 1
            return -order if reverse else order
        return left - right

    return sorted(range(len(keys)), key=cmp_to_key(compare))


def year_suffixes(keys: Sequence[Any]) -> list[str | None]:
    """Year suffixes for items in bibliography order: a, b, ... z, aa, ab among equal keys.

    ``None`` keys (and keys no other item shares) get none; citeproc-js assigns them this way.
    """
    counts = Counter(key for key in keys if key is not None)
    given: Counter[Any] = Counter()
    suffixes: list[str | None] = []
    for key in keys:
        if key is None or counts[key] < 2:
            suffixes.append(None)
            continue
        suffixes.append(letter_suffix(given[key]))  # citeproc-js's Suffixator counts alike
        given[key] += 1
    return suffixes


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
_SPAN_MARKERS = {'<span class="nocase">': "\ue006", '<span style="font-variant:small-caps;">': "\ue007", '<span style="font-variant: small-caps;">': "\ue008"}
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
