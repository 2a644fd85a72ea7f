"""What the listing pages bibx reads have in common (profile pages and compact listings).

Not a plugin itself: the shared grammar of the line that opens each paper, ``LGMar 26, 2022Code``
or ``99.9CVApr 21`` (optional score, arXiv class, date with optional year, optional "Code"), the
page furniture a browser copies along with the papers, and the assembly of a :class:`Paper` from a
record's parts.

Copied pages are noisy: lines start with spaces or tabs, blank lines double or vanish, and buttons,
banners and footers come along. Lines are stripped, blank lines never count, and furniture
(:func:`is_furniture`) is taken out of every record and reported with its line, never read as a title
or appended to an abstract.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from bibx.arxiv import find_urls, normalise_category
from bibx.dates import MONTH_PATTERN, listing_date
from bibx.model import Creator, Paper, PartialDate, Provenance, Report
from bibx.name_shapes import listed_name_penalty, name_penalty
from bibx.names import inverted_name, parse_creator, split_et_al
from bibx.richtext import from_latex
from bibx.specs import ReadContext

# The category: a cs class ("CV"), a qualified one ("stat.ML"), an archive without subject classes
# ("hep-ph", "quant-ph", "gr-qc") or a preprint server's subject ("bioinformatics").
META_LINE = re.compile(
    rf"^(?P<score>\d{{1,3}}(?:\.\d+)?)?\s*(?P<category>[A-Z]{{2,}}|[a-z-]+\.[A-Za-z-]+|[a-z]+-[a-z]+|[a-z]{{4,}})\s*"
    rf"(?P<month>{MONTH_PATTERN}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?\s*(?P<code>Code)?$"
)
# A short line ending in a month and day that META_LINE rejects: a mistyped opening line. It still
# opens a record, which is then reported, so the paper is neither dropped nor glued to the previous one.
NEAR_META_LINE = re.compile(rf"^.{{0,16}}?(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:\s*,\s*\d{{4}})?\s*(?:Code)?\s*$")
NEAR_META_MAX_LENGTH = 40
ORGANIZATIONS_SEPARATOR = " · "
# The longest titles on arXiv run to about 300 characters; a far longer line is not a title.
MAX_TITLE_LENGTH = 1000
# How much of a rejected record a report quotes.
RAW_QUOTE = 500
# The most unusual name an author line may hold ("kunquan li" is 3.0; an abstract's words score more).
MAX_NAME_PENALTY = 3.0
TYPICAL_NAME_PENALTY = 1.0
# A name that reads as no name at all: one among three or more is data ("FAIR CodeGen team. Jade Copet"),
# read and reported as unusual; more, or one in a short line, is no author line.
UNREADABLE_NAME_PENALTY = 5.0
MAX_UNREADABLE_NAMES = 1
MIN_NAMES_BESIDE_UNREADABLE = 3
# How many names may tell that a line with more (an abstract's first, tried as an author line) is none.
EARLY_NAMES = 3
# Buttons, banners, navigation and footers that listing sites put between and around the papers.
FURNITURE = re.compile(
    r"^(?:load more|show (?:more|less|abstract|all)|hide abstract|see (?:more|all)|read more|view (?:more|all|pdf)|more"
    r"|subscribe|sign (?:in|up|out)|log ?in|log ?out|follow|share|copy link|bookmark|save|saved|cite|pdf|code|html|abstract"
    r"|upvotes?|upvoted|new|trending|home|search|menu|back to top|next|previous|prev|next page|previous page"
    r"|page \d+(?: of \d+)?|\d+|[·•|›»«‹…-]+|\d+ (?:comments?|upvotes?|likes?|views?|citations?)"
    r"|accept(?: all)?(?: cookies)?|reject(?: all)?|decline|got it|ok|close|dismiss"
    r"|manage (?:cookies|preferences)|cookie (?:settings|preferences|policy)"
    r"|privacy(?: policy)?|terms(?: of (?:service|use))?|about(?: us)?|contact(?: us)?|blog|docs|documentation|api|status|careers|pricing|help|faq"
    r"|get trending papers in your email inbox!?|submitted by \S+|all rights reserved\.?"
    r"|(?:©|\(c\)|copyright)\s.*)$",
    re.IGNORECASE,
)
# FURNITURE without IGNORECASE, for an ASCII line in lower case: its letters are all lower case, and
# ASCII letters fold only among themselves, so the answer is the same at half the cost.
FURNITURE_FOLDED = re.compile(FURNITURE.pattern)
# A cookie banner's sentence; short, unlike an abstract that studies cookies.
COOKIE_BANNER = re.compile(
    r"\bcookies?\b.*\b(?:accept|consent|agree|privacy|experience|this (?:site|website))\b|\b(?:we use|this (?:site|website) uses)\b.*\bcookies?\b",
    re.IGNORECASE,
)
COOKIE_BANNER_MAX_LENGTH = 240


# A copied line without the indentation and padding a browser adds: str.strip itself, as no
# function around it would add anything but a call a line.
clean = str.strip


def is_furniture(line: str) -> bool:
    """A button label, banner, navigation or footer line: part of the page, not of a paper."""
    if len(line) <= COOKIE_BANNER_MAX_LENGTH and may_mention_cookies(line) and COOKIE_BANNER.search(line):
        return True
    return len(line) <= 100 and _matches_furniture(line)


def _matches_furniture(line: str) -> bool:
    if line.isascii():
        return FURNITURE_FOLDED.match(line.lower()) is not None
    return FURNITURE.match(line) is not None


def may_mention_cookies(line: str) -> bool:
    """False only where COOKIE_BANNER cannot match: both its branches need "cookie" in any case.

    A quick test for every title and author line. ``str.lower`` maps every letter the pattern's
    IGNORECASE matches to c, o, k, i or e, save the Turkish dotted and dotless i, which keep the pattern.
    """
    return "cookie" in line.lower() or "ı" in line or "İ" in line


class RecordMeta(NamedTuple):
    """The parsed opening line of a record (a tuple: one per paper, and a tuple is the cheapest to build)."""

    category_raw: str
    date: PartialDate
    has_code: bool
    score: float | None


class Line(NamedTuple):
    number: int
    text: str


@dataclass
class Record:
    """One paper's lines: its opening line (at ``line``), the non-blank lines after it, and the furniture among them."""

    line: int
    meta: str
    body: list[Line] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.body]

    @property
    def raw(self) -> str:
        return "\n".join([self.meta, *self.texts])


def split_records(lines: Iterable[str], preamble: Callable[[int, str], None] = lambda number, line: None) -> Iterator[Record]:
    """Group cleaned lines into records, each starting at an opening line; lines before the first go to ``preamble``."""
    record: Record | None = None
    for number, raw in enumerate(lines, start=1):
        line = clean(raw)
        if not line:  # a blank line opens nothing and joins no record, and a copied page has one between every two
            if record is None:
                preamble(number, line)
        elif opens_record(line):
            if record:
                yield record
            record = Record(number, line)
        elif record:
            (record.furniture if is_furniture(line) else record.body).append(Line(number, line))
        else:
            preamble(number, line)
    if record:
        yield record


def furniture_report(record: Record, context: ReadContext) -> Report | None:
    """One warning for the page furniture found among a record's lines, naming the first line."""
    if not record.furniture:
        return None
    quoted = ", ".join(repr(line.text[:40]) for line in record.furniture[:3])
    more = f" and {len(record.furniture) - 3} more" if len(record.furniture) > 3 else ""
    return Report(f"skipped {len(record.furniture)} line(s) of page furniture: {quoted}{more}", context.path, record.furniture[0].number)


RecordReader = Callable[[Record, RecordMeta, ReadContext], Iterator[Paper | Report]]


def layout_interpreter(read_record: RecordReader) -> Callable[[Record, ReadContext], Iterator[Paper | Report]]:
    """A layout's ``interpret``: the record's page furniture and its opening line first, then ``read_record``."""

    def interpret(record: Record, context: ReadContext) -> Iterator[Paper | Report]:
        if report := furniture_report(record, context):
            yield report
        meta = record_meta(record, context)
        if isinstance(meta, Report):
            yield meta
            return
        yield from read_record(record, meta, context)

    return interpret


def record_meta(record: Record, context: ReadContext) -> RecordMeta | Report:
    """The record's parsed opening line, or the rejection of a record that has no usable start."""
    try:
        meta = parse_meta(record.meta, context)
    except ValueError as error:
        return reject(record, str(error), context)
    if not record.body:
        return reject(record, "a category/date line with no title after it", context)
    return meta


def reject(record: Record, reason: str, context: ReadContext, line: int | None = None) -> Report:
    return Report(reason, context.path, line or record.line, rejected=True, raw=record.raw[:RAW_QUOTE])


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot be a paper's title, or None when it can."""
    if len(title) > MAX_TITLE_LENGTH:
        return f"a {len(title):,}-character line where a title should be: not a title"
    return None


def is_meta_line(line: str) -> bool:
    return META_LINE.match(line) is not None


def opens_record(line: str) -> bool:
    """A cleaned line that opens a record, or one so close to it that it must be a mistyped one."""
    # Both patterns end in a day, a year or "Code", and a cleaned line ends where they do: the
    # titles and abstracts, which end otherwise, are never tried against them.
    if not (line[-1:].isdigit() or line.endswith("Code")):
        return False
    return is_meta_line(line) or (len(line) <= NEAR_META_MAX_LENGTH and NEAR_META_LINE.match(line) is not None)


def parse_meta(line: str, context: ReadContext) -> RecordMeta:
    """Parse an opening line; raises ValueError for one that does not match or names an impossible date."""
    match = META_LINE.match(line)
    if match is None:
        raise ValueError(f"not a category/date line: {line[:80]!r}")
    month, day, year, code, score = match.group("month", "day", "year", "code", "score")
    return RecordMeta(
        category_raw=match["category"],
        date=_listed_date(month, day, year, context.as_of),
        has_code=code is not None,
        score=float(score) if score else None,
    )


@lru_cache(maxsize=4096)  # a pure function of the date as printed, and a page lists many papers a day
def _listed_date(month: str, day: str, year: str | None, as_of: dt.date) -> PartialDate:
    return listing_date(month, int(day), int(year) if year else None, as_of)


def split_organizations(author_line: str) -> tuple[str, tuple[str, ...]]:
    """``"A, B et al. · org1, org2"`` → ``("A, B et al.", ("org1", "org2"))``."""
    # The middle dot alone first: a search for one character is several times cheaper than one for
    # " · " in a long line without it (an abstract's, tried as an author line).
    names, separator, orgs = author_line.rpartition(ORGANIZATIONS_SEPARATOR) if "·" in author_line else ("", "", "")
    if not separator:
        return author_line, ()
    return names, _organizations(orgs)


@lru_cache(maxsize=1024)  # a pure function of the text, and the same few organisations recur on a page
def _organizations(text: str) -> tuple[str, ...]:
    return tuple(org.strip() for org in text.split(",") if org.strip())


class AuthorLine(NamedTuple):
    """The parts of an author line: the names ("et al." removed), whether it was there, organisations."""

    names: tuple[str, ...]
    truncated: bool
    organizations: tuple[str, ...]


def split_names(text: str) -> tuple[str, ...]:
    names = tuple(filter(None, map(str.strip, text.split(","))))
    # "Kamal, R., Narayanan, M.": family names and initials alternate, each name is a pair of parts.
    if len(names) % 2 == 0 and all(inverted_name(f"{family}, {given}") for family, given in zip(names[::2], names[1::2], strict=True)):
        return tuple(f"{family}, {given}" for family, given in zip(names[::2], names[1::2], strict=True))
    return names


def parse_author_line(line: str, typical: bool = False) -> AuthorLine | None:
    """``"Sha Yuan, Hanyu Zhao et al. · bytedance"`` in parts; None for a line that is not one (an abstract sentence).

    ``typical`` asks for names that are typical on average, as format detection needs: a short
    sentence can pass for one unusual name ("An abstract"), not for a list of typical ones.
    """
    if _rejected_by_first_names(line, typical):
        return None
    names_text, organizations = split_organizations(line)
    names_text, truncated = split_et_al(names_text)
    names = split_names(names_text)
    scores = _name_scores(names, typical)
    if scores is None:
        return None
    if typical and sum(scores) / len(scores) > TYPICAL_NAME_PENALTY:
        return None
    return AuthorLine(names, truncated, organizations)


def _rejected_by_first_names(line: str, typical: bool) -> bool:
    """True when the first EARLY_NAMES names of ``line`` make it no author line, whatever follows.

    An abstract's first line is tried as an author line (compact listings): its first parts decide,
    without splitting, stripping and pairing its dozens. Sound because the rejections of
    :func:`_name_scores` that hold with a count of names hold with any smaller one, and the line's
    commas bound the count: an "et al." takes at most the last comma, empty parts none. Lines whose
    first parts might not be the first names take the full reading: organisations (cut off first),
    at most EARLY_NAMES commas (the last may go with an "et al."), inverted "Family, I." pairs.
    """
    if "·" in line:
        return False
    parts = line.split(",", EARLY_NAMES + 1)
    if len(parts) <= EARLY_NAMES + 1:
        return False
    first = [name for name in map(str.strip, parts[:EARLY_NAMES]) if name]
    if len(first) < 2 or inverted_name(f"{first[0]}, {first[1]}"):
        return False
    return _name_scores(first, typical, count=line.count(",") + 1) is None


def _name_scores(names: Sequence[str], typical: bool, count: int | None = None) -> list[float] | None:
    """Each name's penalty (an unreadable one counts UNREADABLE_NAME_PENALTY), or None once the line is known to be no author line.

    Scores are never negative, so the sums and counts only grow: as soon as one of the rejections
    holds for the names scored so far, it holds for all of them, and the rest (dozens of parts when
    the line is an abstract's first sentence) are not scored. Only the average of ``typical`` is
    checked again on the final scores, by :func:`parse_author_line`. ``count`` is how many names
    the line holds when ``names`` are only its first ones.
    """
    count = len(names) if count is None else count
    if not count:
        return None
    scores: list[float] = []
    unreadable = poor = 0
    total = 0.0
    for name in names:
        penalty = listed_name_penalty(name)
        if penalty is None:
            unreadable += 1
            if unreadable > MAX_UNREADABLE_NAMES or count < MIN_NAMES_BESIDE_UNREADABLE:
                return None
            penalty = UNREADABLE_NAME_PENALTY
        if penalty > MAX_NAME_PENALTY:
            poor += 1
            # Most names must read as names: a short sentence reads as one odd name, not as a list of good ones.
            if 2 * (count - poor) <= count:
                return None
        total += penalty
        # The margin keeps the early answer that of the final check however sum() rounds (3.12 compensates).
        if typical and total / count > TYPICAL_NAME_PENALTY + 1e-9:
            return None
        scores.append(penalty)
    return scores


def unusual_names_report(authors: AuthorLine, record: Record, context: ReadContext) -> Report | None:
    """A warning naming the authors whose names fit no usual shape, so that a person checks the list."""
    if None not in map(name_penalty, authors.names):  # the common case, without a list built
        return None
    odd = [name for name in authors.names if name_penalty(name) is None]
    quoted = ", ".join(repr(name) for name in odd[:3])
    return Report(f"unusual author name(s) {quoted}: check the author list", context.path, record.line)


def parse_creators(names: Sequence[str]) -> tuple[Creator, ...]:
    return tuple(map(parse_creator, filter(str.strip, names)))  # names that are more than spaces


def assemble_paper(
    meta: RecordMeta,
    title: str,
    authors: AuthorLine,
    abstract: str,
    context: ReadContext,
    line: int,
) -> Paper:
    return Paper(
        title=from_latex(" ".join(title.split())),
        creators=parse_creators(authors.names),
        authors_truncated=authors.truncated,
        organizations=authors.organizations,
        abstract=from_latex(abstract),
        category=normalise_category(meta.category_raw),
        category_raw=meta.category_raw,
        date=meta.date,
        has_code=meta.has_code,
        score=meta.score,
        urls=find_urls(abstract),
        sources=(Provenance(context.path, line, context.reader),),
    )
