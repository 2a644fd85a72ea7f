"""Reader for author-profile pages: a header (name, h-index, "21 Papers") and then, per paper,

    LGMar 26, 2022            category + date (year optional, "Code" suffix optional)
    A Roadmap for Big Model   title
    Sha Yuan, ... et al. · bytedance, pku    authors, optional organisations
    With the rapid ...        abstract (one or more paragraphs; none for many papers not on arXiv)

usually separated by blank lines, which a copy may double or drop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from bibx.model import Paper, Report
from bibx.specs import ReadContext, read_by_records
from bibx_plugins.listings.grammar import (
    Record,
    RecordMeta,
    assemble_paper,
    clean,
    is_meta_line,
    layout_interpreter,
    parse_author_line,
    reject,
    split_records,
    title_problem,
    unusual_names_report,
)

PAPER_COUNT = re.compile(r"^(\d[\d,]*) Papers?$")
HEADER_MARKS = (re.compile(r"^h-index\d+$"), PAPER_COUNT, re.compile(r"^[\d,]+citations$"))


def sniff(head: Sequence[str]) -> float:
    lines = [clean(line) for line in head]
    header_marks = sum(any(mark.match(line) for line in lines) for mark in HEADER_MARKS)
    if profile_records(lines) > 0:
        return 0.9 if header_marks else 0.7
    return 0.3 if header_marks >= 2 else 0.0


def profile_records(lines: Sequence[str]) -> int:
    """How many opening lines in ``lines`` are followed by a title and then an author line."""
    found = 0
    texts = [line for line in lines if line]
    for i, line in enumerate(texts[:-2]):
        if is_meta_line(line) and not is_meta_line(texts[i + 1]) and parse_author_line(texts[i + 2], typical=True) is not None:
            found += 1
    return found


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    return read_by_records(records, interpret, lines, context)


def records(lines: Iterable[str], context: ReadContext) -> Iterator[Record | Report]:
    announced: list[tuple[int, int]] = []  # (count, line) of the header's "N Papers"

    def note_paper_count(number: int, line: str) -> None:
        if match := PAPER_COUNT.match(line):
            announced.append((int(match[1].replace(",", "")), number))

    found = 0
    for record in split_records(lines, preamble=note_paper_count):
        found += 1
        yield record
    if announced and announced[0][0] != found:
        count, line = announced[0]
        yield Report(f"the header announces {count} papers but the page holds {found}", context.path, line)


def _read_record(record: Record, meta: RecordMeta, context: ReadContext) -> Iterator[Paper | Report]:
    title, *rest = record.texts
    if problem := title_problem(title):
        yield reject(record, problem, context)
        return
    authors = parse_author_line(rest[0]) if rest else None
    if authors is None:
        yield reject(record, f"no author line after the title {title[:60]!r}", context)
        return
    if report := unusual_names_report(authors, record, context):
        yield report
    # No abstract is normal: papers that are not on arXiv often have none.
    yield assemble_paper(meta, title, authors, "\n\n".join(rest[1:]), context, record.line)


interpret = layout_interpreter(_read_record)
