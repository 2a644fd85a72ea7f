"""What the listing pages bibx reads have in common (profile pages and compact listings).

Not a plugin itself: the shared grammar of the line that opens each paper, ``LGMar 26, 2022Code``
or ``99.9CVApr 21`` (optional score, arXiv class, date with optional year, optional "Code"), and
the assembly of a :class:`Paper` from a record's parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bibx.arxiv import find_urls, normalise_category
from bibx.dates import MONTH_PATTERN, listing_date
from bibx.model import Creator, Paper, PartialDate, Provenance, Report
from bibx.names import parse_creator, split_et_al
from bibx.richtext import from_latex
from bibx.specs import ReadContext

META_LINE = re.compile(
    rf"^(?P<score>\d{{1,3}}(?:\.\d+)?)?(?P<category>[A-Z]{{2,}}|[a-z-]+\.[A-Za-z-]+)"
    rf"(?P<month>{MONTH_PATTERN}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?(?P<code>Code)?$"
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


@dataclass(frozen=True, slots=True)
class RecordMeta:
    """The parsed opening line of a record."""

    category_raw: str
    date: PartialDate
    has_code: bool
    score: float | None


@dataclass
class Record:
    """The lines of one paper: its opening line (at ``line``) and the non-blank lines after it."""

    line: int
    meta: str
    body: list[str] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return "\n".join([self.meta, *self.body])


def split_records(lines: Iterable[str], preamble: Callable[[int, str], None] = lambda number, line: None) -> Iterator[Record]:
    """Group lines into records, each starting at an opening line; lines before the first go to ``preamble``."""
    record: Record | None = None
    for number, line in enumerate(lines, start=1):
        if opens_record(line):
            if record:
                yield record
            record = Record(number, line)
        elif record:
            if line:
                record.body.append(line)
        else:
            preamble(number, line)
    if record:
        yield record


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
    """An opening line, or one so close to it that it must be a mistyped one."""
    return is_meta_line(line) or (len(line) <= NEAR_META_MAX_LENGTH and NEAR_META_LINE.match(line) is not None)


def parse_meta(line: str, context: ReadContext) -> RecordMeta:
    """Parse an opening line; raises ValueError for one that does not match or names an impossible date."""
    match = META_LINE.match(line)
    if match is None:
        raise ValueError(f"not a category/date line: {line[:80]!r}")
    year = match["year"]
    return RecordMeta(
        category_raw=match["category"],
        date=listing_date(match["month"], int(match["day"]), int(year) if year else None, context.as_of),
        has_code=match["code"] is not None,
        score=float(match["score"]) if match["score"] else None,
    )


def split_organizations(author_line: str) -> tuple[str, tuple[str, ...]]:
    """``"A, B et al. · org1, org2"`` → ``("A, B et al.", ("org1", "org2"))``."""
    names, _, orgs = author_line.partition(ORGANIZATIONS_SEPARATOR)
    return names, tuple(org.strip() for org in orgs.split(",") if org.strip())


def looks_like_name(text: str) -> bool:
    """A plausible single author: one to six words, each capitalised (or a particle such as "van")."""
    words = text.split()
    return 0 < len(words) <= 6 and all(word[0].isupper() or word in {"van", "von", "de", "der", "da", "di", "del", "la", "le"} for word in words)


class AuthorLine(NamedTuple):
    """The parts of an author line: comma-separated names ("et al." removed), whether it was there, organisations."""

    names: str
    truncated: bool
    organizations: tuple[str, ...]


def parse_author_line(line: str) -> AuthorLine | None:
    """``"Sha Yuan, Hanyu Zhao et al. · bytedance"`` in parts; None for a line that is not one (an abstract sentence)."""
    names, organizations = split_organizations(line)
    names, truncated = split_et_al(names)
    if not all(looks_like_name(name) for name in names.split(",")):
        return None
    return AuthorLine(names, truncated, organizations)


def parse_creators(names: Sequence[str]) -> tuple[Creator, ...]:
    return tuple(parse_creator(name) for name in names if name.strip())


def assemble_paper(
    meta: RecordMeta,
    title: str,
    creators: tuple[Creator, ...],
    truncated: bool,
    organizations: tuple[str, ...],
    abstract: str,
    context: ReadContext,
    line: int,
) -> Paper:
    return Paper(
        title=from_latex(title),
        creators=creators,
        authors_truncated=truncated,
        organizations=organizations,
        abstract=from_latex(abstract),
        category=normalise_category(meta.category_raw),
        category_raw=meta.category_raw,
        date=meta.date,
        has_code=meta.has_code,
        score=meta.score,
        urls=find_urls(abstract),
        sources=(Provenance(context.path, line, context.reader),),
    )
