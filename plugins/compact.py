"""Reader for compact listings: no blank lines, and the title runs straight into the first author.

    99.9CVApr 21                                     optional score, category, date, "Code"
    Wan-Image: ... IntelligenceChaojie Mao, Chen-Wei Xie et al.     title glued to the authors
    We present Wan-Image, ...                        abstract

The glued line is split where the first author's given name begins: the last comma-separated part
that is not itself a name holds the title's end and the first author, and inside it the given name
is the longest capitalised name word that follows the title's last character ("TuningYuze",
"LLMYuze", "GPT-4Yuze", "BeyondAn", "ModelsTeam").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from bibx import hookimpl
from bibx.model import Paper, Report
from bibx.names import FAMILY_PARTICLES, is_name_word, split_et_al
from bibx.specs import ReadContext, ReaderSpec
from bibx_plugins.listing import (
    Record,
    assemble_paper,
    is_meta_line,
    looks_like_name,
    parse_creators,
    record_meta,
    reject,
    split_records,
    title_problem,
)

MAX_NAME_WORDS = 4
MAX_GIVEN_NAME = 40
WORD = re.compile(r"\S+")


def sniff(head: Sequence[str]) -> float:
    meta_lines = [i for i, line in enumerate(head) if is_meta_line(line)]
    glued = sum(1 for i in meta_lines if i + 1 < len(head) and split_title_and_authors(head[i + 1]) is not None)
    if not meta_lines or not glued:
        return 0.0
    # Compact records have no blank line between the opening line and the title line.
    return 0.85 if glued == len(meta_lines) or glued >= 2 else 0.5


def split_title_and_authors(line: str) -> tuple[str, str] | None:
    """``"...Fine-TuningYuze Zhao, Jintao Huang et al."`` → ``("...Fine-Tuning", "Yuze Zhao, Jintao Huang et al.")``.

    Returns None when the line has no recognisable author list.
    """
    names, _ = split_et_al(line)
    parts = names.split(",")
    # Only a part after which every part is a name can hold the title's end and the first author.
    first_candidate = len(parts) - 1
    while first_candidate > 0 and looks_like_name(parts[first_candidate]):
        first_candidate -= 1
    offset = sum(len(part) + 1 for part in parts[:first_candidate])
    for part in parts[first_candidate:]:
        cut = _first_author_start(part)
        if cut is not None:
            return line[: offset + cut].strip(), line[offset + cut :].strip()
        offset += len(part) + 1
    return None


def _first_author_start(part: str) -> int | None:
    """Where the first author begins in ``"...for Fine-TuningYuze Zhao"``, if the part ends with a name."""
    words = [(match.start(), match.group()) for match in WORD.finditer(part)]
    if not words:
        return None
    start = len(words) - 1  # the family name is the last word, whatever its shape
    while start > 0 and len(words) - start < MAX_NAME_WORDS and _is_inner_name_word(words[start - 1][1]):
        start -= 1
    if start == 0:
        return None
    glued_at, glued = words[start - 1]
    given = _given_name_start(glued)
    cut = glued_at + given if given is not None else words[start][0]
    title_end, name = part[:cut].strip(), part[cut:]
    return cut if title_end and looks_like_name(name) else None


def _is_inner_name_word(word: str) -> bool:
    return is_name_word(word) or word in FAMILY_PARTICLES or (len(word) == 2 and word[0].isupper() and word[1] == ".")


def _given_name_start(glued: str) -> int | None:
    """Index where a given name glued to the title's last word begins (the longest valid one)."""
    # No given name is longer than this; looking further back only costs time on garbage lines.
    for cut in range(max(1, len(glued) - MAX_GIVEN_NAME), len(glued)):
        if glued[cut].isupper() and is_name_word(glued[cut:]):
            return cut
    return None


def read(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    first_stray, strays = 0, 0  # non-blank lines before the first record

    def note_stray_line(number: int, line: str) -> None:
        nonlocal first_stray, strays
        if line:
            first_stray, strays = first_stray or number, strays + 1

    for record in split_records(lines, preamble=note_stray_line):
        if strays:
            yield Report(f"{strays} line(s) before the first record belong to no paper", context.path, first_stray)
            strays = 0
        yield _interpret(record, context)


def _interpret(record: Record, context: ReadContext) -> Paper | Report:
    meta = record_meta(record, context)
    if isinstance(meta, Report):
        return meta
    if problem := title_problem(record.body[0]):
        return reject(record, problem, context)
    split = split_title_and_authors(record.body[0])
    if split is None:
        return reject(record, f"cannot find the authors after the title in {record.body[0][:80]!r}", context, record.line + 1)
    title, author_text = split
    if len(record.body) < 2:
        return reject(record, f"the record of {title[:60]!r} ends before its abstract", context)
    names, truncated = split_et_al(author_text)
    creators = parse_creators(names.split(","))
    return assemble_paper(meta, title, creators, truncated, (), "\n\n".join(record.body[1:]), context, record.line)


@hookimpl
def bibx_register_readers(register) -> None:
    register(
        ReaderSpec(
            name="compact",
            description="compact listing: optional score + category/date line, title glued to the authors, abstract",
            read=read,
            sniff=sniff,
            extensions=("txt",),
        )
    )
