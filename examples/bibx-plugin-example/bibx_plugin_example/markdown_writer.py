"""The ``markdown`` writer: a reading list, one checkbox line per paper, written as papers arrive.

    # Reading list

    - [ ] **Attention Is All You Need** — Ashish Vaswani, Noam Shazeer et al. (2017). [arXiv:1706.03762](<https://arxiv.org/abs/1706.03762>)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from bibx import Paper, WriteContext, WriterOptionError, WriterSpec
from bibx.facts import primary_url
from bibx.richtext import to_plain

DEFAULT_HEADING = "Reading list"
# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that could start
# emphasis, a link, code, HTML or a table cell inside a list item.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|~!])")
# Control characters would reach the reader's terminal (and a NUL makes the file binary).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that cannot stand inside a <…> link destination.
URL_UNSAFE = {" ": "%20", "<": "%3C", ">": "%3E", "\n": "%0A"}


def escape(text: str) -> str:
    """Text that Markdown prints as is, on one line."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(CONTROL.sub(" ", text).split()))


def link(paper: Paper) -> str:
    """The paper's arXiv page, else its DOI, else its first link; empty when it has none."""
    url = primary_url(paper)  # bibx's choice of main link: the arXiv page, else the first link
    if paper.arxiv_id:
        label = f"arXiv:{paper.arxiv_id}"
    elif paper.doi:
        label, url = f"doi:{paper.doi}", f"https://doi.org/{paper.doi}"
    elif url:
        label = url
    if not url:
        return ""
    safe_url = "".join(URL_UNSAFE.get(char, char) for char in CONTROL.sub("", url))
    return f" [{escape(label)}](<{safe_url}>)"


def authors(paper: Paper) -> str:
    if not paper.authors_known:
        return "authors not listed"
    names = ", ".join(escape(creator.display) for creator in paper.creators) or "anonymous"
    return f"{names} et al." if paper.authors_truncated else names


def list_item(paper: Paper) -> str:
    year = f" ({paper.date.year})" if paper.date else ""
    return f"- [ ] **{escape(to_plain(paper.title))}** — {authors(paper)}{year}.{link(paper)}\n"


class MarkdownWriter:
    def __init__(self, context: WriteContext) -> None:
        self.heading = context.options.get("heading", DEFAULT_HEADING)
        if not self.heading.strip():
            raise WriterOptionError("the markdown heading must not be empty")

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        out.write(f"# {escape(self.heading)}\n\n")
        for paper in papers:
            out.write(list_item(paper))


SPEC = WriterSpec(
    name="markdown",
    description="Markdown reading list: a checkbox, title, authors, year and link per paper",
    extensions=("md",),
    media_type="text/markdown",
    factory=MarkdownWriter,
    options={"heading": f"the list's heading (default: {DEFAULT_HEADING})"},
)
