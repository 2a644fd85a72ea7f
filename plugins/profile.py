"""Reader for author-profile pages: a header (name, h-index, "21 Papers") and then, per paper,

    LGMar 26, 2022            category + date (year optional, "Code" suffix optional)
    A Roadmap for Big Model   title
    Sha Yuan, ... et al. · bytedance, pku    authors, optional organisations
    With the rapid ...        abstract (one or more paragraphs)

separated by blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from bibx import hookimpl
from bibx.model import Paper, Report
from bibx.specs import ReadContext, ReaderSpec
from bibx_plugins.listing import (
    Record,
    assemble_paper,
    is_meta_line,
    parse_author_line,
    parse_creators,
    record_meta,
    reject,
    split_records,
    title_problem,
)

PAPER_COUNT = re.compile(r"^(\d[\d,]*) Papers?$")
HEADER_MARKS = (re.compile(r"^h-index\d+$"), PAPER_COUNT, re.compile(r"^[\d,]+citations$"))


def sniff(head: Sequence[str]) -> float:
    header_marks = sum(any(mark.match(line) for line in head) for mark in HEADER_MARKS)
    meta_lines = [i for i, line in enumerate(head) if is_meta_line(line)]
    # A profile separates a record's parts by blank lines; a compact listing does not.
    spaced = any(i + 2 < len(head) and head[i + 1] and not head[i + 2] for i in meta_lines)
    if meta_lines and spaced:
        return 0.9 if header_marks else 0.6
    return 0.3 if header_marks >= 2 else 0.0


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    announced: list[tuple[int, int]] = []  # (count, line) of the header's "N Papers"

    def note_paper_count(number: int, line: str) -> None:
        if match := PAPER_COUNT.match(line):
            announced.append((int(match[1].replace(",", "")), number))

    records = 0
    for record in split_records(lines, preamble=note_paper_count):
        records += 1
        yield _interpret(record, context)
    if announced and announced[0][0] != records:
        count, line = announced[0]
        yield Report(f"the header announces {count} papers but the page holds {records}", context.path, line)


def _interpret(record: Record, context: ReadContext) -> Paper | Report:
    meta = record_meta(record, context)
    if isinstance(meta, Report):
        return meta
    title, *rest = record.body
    if problem := title_problem(title):
        return reject(record, problem, context)
    authors = parse_author_line(rest[0]) if rest else None
    if authors is None:
        return reject(record, f"no author line after the title {title[:60]!r}", context)
    if len(rest) < 2:
        return reject(record, f"the record of {title[:60]!r} ends before its abstract", context)
    creators = parse_creators(authors.names.split(","))
    return assemble_paper(meta, title, creators, authors.truncated, authors.organizations, "\n\n".join(rest[1:]), context, record.line)


@hookimpl
def bibx_register_readers(register) -> None:
    register(
        ReaderSpec(
            name="profile",
            description="author-profile page: header with h-index, then category/date, title, authors · orgs, abstract",
            read=read,
            sniff=sniff,
            extensions=("txt",),
        )
    )
