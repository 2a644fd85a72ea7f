"""Reader for Hugging Face "Daily Papers" pages: page boilerplate, the listing date, then title/abstract pairs.

The page names no authors and no publication dates: papers come out with ``authors_known=False``
and the page's date as ``listing_date`` (when the feed listed them, not when they were issued).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from bibx.arxiv import find_urls
from bibx.dates import MONTH_PATTERN, listing_date
from bibx.model import Paper, PartialDate, Provenance, Report
from bibx.richtext import from_latex
from bibx.specs import ReadContext, read_by_records
from bibx_plugins.listings.grammar import clean, is_furniture, title_problem

PAGE_MARK = "Daily Papers"
# Abstracts on the page run to hundreds of characters and end in a full stop; titles are shorter.
TITLE_LIKE_LENGTH = 250
DATE_LINE = re.compile(rf"^(?P<month>{MONTH_PATTERN}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?$")


def sniff(head: Sequence[str]) -> float:
    lines = [clean(line) for line in head]
    if PAGE_MARK not in lines:
        return 0.0
    return 0.95 if any(DATE_LINE.match(line) for line in lines) else 0.5


class DailyRecord(NamedTuple):
    """A title (its line and text), its abstract, and the page's listing date."""

    title: tuple[int, str]
    abstract: str
    listed: PartialDate


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    return read_by_records(records, interpret, lines, context)


def interpret(record: DailyRecord, context: ReadContext) -> Iterator[Paper]:
    yield _paper(record.title, record.abstract, record.listed, context)


def records(lines: Iterable[str], context: ReadContext) -> Iterator[DailyRecord | Report]:
    numbered = _numbered_texts(lines)
    listed = _listing_date(numbered, context)
    if isinstance(listed, Report):
        yield listed
        return
    title: tuple[int, str] | None = None
    for number, line in numbered:
        if is_furniture(line):
            # Buttons, counters and footers between the papers: reported, never a title or an abstract.
            yield Report(f"skipped a line of page furniture: {line[:60]!r}", context.path, number)
        elif title is None:
            if problem := title_problem(line):
                yield Report(problem, context.path, number, rejected=True, raw=line[:200])
            else:
                title = (number, line)
        elif _looks_like_title(line):
            # The previous title lost its abstract; pairing on would shift every later paper.
            yield _missing_abstract(title, context)
            title = (number, line)
        else:
            yield DailyRecord(title, line, listed)
            title = None
    if title:
        yield _missing_abstract(title, context)


def _numbered_texts(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(number, text) of each cleaned line that is not blank."""
    for number, line in enumerate(lines, start=1):
        if text := clean(line):
            yield number, text


def _looks_like_title(line: str) -> bool:
    """A short line without closing punctuation: a title, where an abstract was expected."""
    return len(line) <= TITLE_LIKE_LENGTH and not line.endswith((".", "!", "?", ")", '"'))


def _missing_abstract(title: tuple[int, str], context: ReadContext) -> Report:
    number, text = title
    return Report(f"the title {text[:60]!r} has no abstract after it", context.path, number, rejected=True, raw=text)


def _listing_date(numbered: Iterator[tuple[int, str]], context: ReadContext) -> PartialDate | Report:
    """Skip the page boilerplate up to and including the listing date line, and return that date."""
    for number, line in numbered:
        match = DATE_LINE.match(line)
        if match:
            try:
                year = int(match["year"]) if match["year"] else None
                return listing_date(match["month"], int(match["day"]), year, context.as_of)
            except ValueError as error:
                return Report(f"impossible listing date {line!r}: {error}", context.path, number, rejected=True, raw=line)
    return Report("no listing date (such as 'Jul 29') found on the page", context.path, None, rejected=True)


def _paper(title: tuple[int, str], abstract: str, listed: PartialDate, context: ReadContext) -> Paper:
    number, text = title
    return Paper(
        title=from_latex(text),
        authors_known=False,
        abstract=from_latex(abstract),
        listing_date=listed,
        urls=find_urls(abstract),
        sources=(Provenance(context.path, number, context.reader),),
    )
