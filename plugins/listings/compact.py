"""Reader for compact listings: no blank lines, and the title runs straight into the first author.

    99.9CVApr 21                                     optional score, category, date, "Code"
    Wan-Image: ... IntelligenceChaojie Mao, Chen-Wei Xie et al.     title glued to the authors
    We present Wan-Image, ...                        abstract (papers not on arXiv often have none)

Where the title ends is a scored choice among cut points (:mod:`bibx_plugins.listings.title_split`).
When the runner-up is close, the paper is still read and a warning names the line and the alternative.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bibx.model import Paper, Report
from bibx.name_shapes import MAX_NAME_WORDS
from bibx.names import split_et_al
from bibx.specs import ReadContext, read_by_records
from bibx_plugins.listings.grammar import (
    MAX_UNREADABLE_NAMES,
    AuthorLine,
    Record,
    RecordMeta,
    assemble_paper,
    clean,
    is_meta_line,
    layout_interpreter,
    parse_author_line,
    reject,
    split_names,
    split_organizations,
    split_records,
    title_problem,
    unusual_names_report,
)
from bibx_plugins.listings.title_split import choose_split
from bibx_plugins.listings.title_split import split_title_and_authors as split_title_and_authors

# A title with a few hundred authors runs to some 20,000 characters; a far longer line is not one.
MAX_LINE = 100_000


def sniff(head: Sequence[str]) -> float:
    texts = [line for line in (clean(line) for line in head) if line]
    metas = [i for i, line in enumerate(texts) if is_meta_line(line)]
    glued = sum(1 for i in metas if i + 1 < len(texts) and _reads_as_compact(texts, i + 1))
    if not metas or not glued:
        return 0.0
    # Compact records have no blank line between the opening line and the title line.
    return 0.85 if glued == len(metas) or glued >= 2 else 0.5


def _reads_as_compact(texts: Sequence[str], at: int) -> bool:
    """A glued title line, not a profile's title followed by its author line."""
    following = texts[at + 1] if at + 1 < len(texts) else ""
    if following and not is_meta_line(following) and parse_author_line(following, typical=True) is not None:
        return False
    return choose_split(texts[at]) is not None


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    return read_by_records(records, interpret, lines, context)


def records(lines: Iterable[str], context: ReadContext) -> Iterator[Record | Report]:
    first_stray, strays = 0, 0  # non-blank lines before the first record

    def note_stray_line(number: int, line: str) -> None:
        nonlocal first_stray, strays
        if line:
            first_stray, strays = first_stray or number, strays + 1

    for record in split_records(lines, preamble=note_stray_line):
        if strays:
            yield Report(f"{strays} line(s) before the first record belong to no paper", context.path, first_stray)
            strays = 0
        yield record


def _read_record(record: Record, meta: RecordMeta, context: ReadContext) -> Iterator[Paper | Report]:
    glued, *rest = record.body
    if len(glued.text) > MAX_LINE:
        yield reject(record, f"a {len(glued.text):,}-character line where a title and its authors should be", context, glued.number)
        return
    own_line = parse_author_line(rest[0].text, typical=True) if rest and not _is_prose(rest[0].text) else None
    choice = None if own_line else choose_split(glued.text)
    if own_line:
        # Some copies put the authors on a line of their own, as profile pages do.
        title, authors, rest = glued.text, own_line, rest[1:]
    elif choice is None:
        yield reject(record, f"cannot find the authors after the title in {glued.text[:80]!r}", context, glued.number)
        return
    else:
        if alternative := choice.runner_up:
            yield Report(
                f"the title may end elsewhere: read {choice.best.title[-40:]!r} | {choice.best.authors[:40]!r}, "
                f"but {alternative.title[-40:]!r} | {alternative.authors[:40]!r} reads almost as well (line {glued.number})",
                context.path,
                record.line,
            )
        title = choice.best.title
        authors = _author_line(choice.best.authors)
    if problem := title_problem(title):
        yield reject(record, problem, context, glued.number)
        return
    if report := unusual_names_report(authors, record, context):
        yield report
    yield assemble_paper(meta, title, authors, "\n\n".join(line.text for line in rest), context, record.line)


def _is_prose(line: str) -> bool:
    """A line that :func:`parse_author_line` cannot read as names, told from its first long parts (an abstract).

    A part between commas of more than MAX_NAME_WORDS words is a name that reads as no name, and an
    author line holds at most MAX_UNREADABLE_NAMES of them. Only the parts before the names' last
    comma count ("et al." and the organisations may shorten the last), and only those that are no
    run of initials ("Kamal, R. S."), which would join the part before them into one name. Found
    part by part: the first two or three of an abstract's sentences decide, not its whole text.
    """
    names_text, _ = split_organizations(line)
    long_parts, start = 0, 0
    while (comma := names_text.find(",", start)) >= 0:
        part = names_text[start:comma]
        # Initials are capitals, full stops, hyphens and spaces: a part that is not all upper case is none.
        if not part.isupper() and len(part.split(None, MAX_NAME_WORDS)) > MAX_NAME_WORDS:
            long_parts += 1
            if long_parts > MAX_UNREADABLE_NAMES:
                return True
        start = comma + 1
    return False


def _author_line(text: str) -> AuthorLine:
    names_text, organizations = split_organizations(text)  # the organisations' parts cached: few recur on a page
    names_text, truncated = split_et_al(names_text)
    return AuthorLine(split_names(names_text), truncated, organizations)


interpret = layout_interpreter(_read_record)
