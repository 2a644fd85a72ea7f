"""What a reader yields is checked where it is read, so a reader's mistake is blamed on its input.

A reader plugin should yield well-formed :class:`~bibx.model.Paper` and :class:`~bibx.model.Report`
objects. Anything else (a dict, a paper whose year is the string ``"2020"``, a title of half a
gigabyte) would otherwise surface much later as a writer failing: here it becomes a rejected record
at the input's file and line, naming the reader, and the reader's next record is still taken. A
reader that calls ``sys.exit()`` is turned into an ordinary failure naming its plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from bibx.model import Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.specs import ReadContext

# No bibliographic field is anywhere near this long; a longer one is hostile or a reader's bug,
# and every later step (keys, merging, writers) would copy it.
MAX_FIELD_CHARS = 100_000
MAX_YEAR = 9999
_TEXT_FIELDS = ("title", "abstract")
_OPTIONAL_TEXT_FIELDS = ("category", "category_raw", "arxiv_id", "doi", "key")
_FLAGS = ("authors_truncated", "authors_known", "has_code")


class ReaderExit(RuntimeError):
    """A reader called ``sys.exit()``: a failure of that reader's plugin, not a request to end bibx."""


def checked_results(results: Iterable[Any], context: ReadContext, plugin: str, position: Callable[[], int]) -> Iterator[Paper | Report]:
    """``results`` with each malformed one replaced by a rejection at its line (``position()``: the line the reader reached)."""
    try:
        for result in results:
            # A well-formed Paper, nearly every result, without result_problem's call and isinstance tests.
            problem = None if type(result) is Paper and _well_formed(result) else result_problem(result)
            if problem is None:
                yield result
            else:
                line = _line_of(result, context) or position() or None
                message = f"the {context.reader} reader (plugin {plugin!r}) yielded {problem}; the record is rejected"
                yield Report(message, context.path, line, rejected=True)
    except SystemExit as error:
        raise ReaderExit(f"the reader called sys.exit({error.code!r})") from None


def result_problem(result: object) -> str | None:
    """What is wrong with one thing a reader yielded, or None for a well-formed paper or report."""
    if isinstance(result, Report):
        return None if isinstance(result.message, str) and isinstance(result.path, str) else "a Report without a text message and path"
    if not isinstance(result, Paper):
        return f"a {type(result).__name__}, not a Paper or Report"
    if _well_formed(result):
        return None
    problems = list(paper_problems(result))
    return f"a malformed Paper ({'; '.join(problems)})" if problems else None


def _well_formed(paper: Paper) -> bool:
    """The common case answered fast (a few µs a paper); :func:`paper_problems` says what is wrong otherwise."""
    str_, none = str, type(None)
    if not (type(paper.title) is str_ and type(paper.abstract) is str_ and paper.title.strip()):
        return False
    if len(paper.title) > MAX_FIELD_CHARS or len(paper.abstract) > MAX_FIELD_CHARS:
        return False
    for value in (paper.category, paper.category_raw, paper.arxiv_id, paper.doi, paper.key):
        if type(value) is not none and not (type(value) is str_ and len(value) <= MAX_FIELD_CHARS):
            return False
    if not (type(paper.authors_truncated) is bool and type(paper.authors_known) is bool and type(paper.has_code) is bool):
        return False
    if paper.score is not None and type(paper.score) not in (int, float):
        return False
    creators = paper.creators
    if type(creators) is not tuple:
        return False
    for creator in creators:
        if type(creator) is Person:
            if not (type(creator.family) is str_ and type(creator.given) is str_):
                return False
        elif not (type(creator) is Organization and type(creator.name) is str_):
            return False
    for date in (paper.date, paper.listing_date):
        if date is not None and not (
            type(date) is PartialDate
            and type(date.year) is int
            and 1 <= date.year <= MAX_YEAR
            and type(date.month) in (int, none)
            and type(date.day) in (int, none)
        ):
            return False
    return _is_tuple_of(paper.organizations, str_) and _is_tuple_of(paper.urls, str_) and _is_tuple_of(paper.sources, Provenance)


def paper_problems(paper: Paper) -> Iterator[str]:
    """Each field of ``paper`` whose value is not of the model's type or is beyond the size limit."""
    if not isinstance(paper.title, str) or not paper.title.strip():
        yield "title must be a non-empty string"
    for name in _TEXT_FIELDS:
        value = getattr(paper, name)
        if not isinstance(value, str):
            yield f"{name} must be a string, not {type(value).__name__}"
        elif len(value) > MAX_FIELD_CHARS:
            yield f"{name} is {len(value):,} characters long (at most {MAX_FIELD_CHARS:,})"
    for name in _OPTIONAL_TEXT_FIELDS:
        value = getattr(paper, name)
        if value is not None and not (isinstance(value, str) and len(value) <= MAX_FIELD_CHARS):
            yield f"{name} must be a string or None, not {type(value).__name__}"
    for name in _FLAGS:
        if not isinstance(getattr(paper, name), bool):
            yield f"{name} must be true or false"
    if paper.score is not None and (isinstance(paper.score, bool) or not isinstance(paper.score, (int, float))):
        yield "score must be a number or None"
    yield from _creator_problems(paper.creators)
    for name in ("organizations", "urls"):
        if not _is_tuple_of(getattr(paper, name), str):
            yield f"{name} must be a tuple of strings"
    for name in ("date", "listing_date"):
        yield from _date_problems(name, getattr(paper, name))
    if not _is_tuple_of(paper.sources, Provenance):
        yield "sources must be a tuple of Provenance"


def _creator_problems(creators: object) -> Iterator[str]:
    if not isinstance(creators, tuple):
        yield "creators must be a tuple"
        return
    for number, creator in enumerate(creators, start=1):
        if isinstance(creator, Person):
            if not (isinstance(creator.family, str) and isinstance(creator.given, str)):
                yield f"author {number}'s family and given names must be strings"
        elif isinstance(creator, Organization):
            if not isinstance(creator.name, str):
                yield f"author {number}'s name must be a string"
        else:
            yield f"author {number} is a {type(creator).__name__}, not a Person or Organization"


def _date_problems(name: str, date: object) -> Iterator[str]:
    if date is None:
        return
    if not isinstance(date, PartialDate):
        yield f"{name} must be a PartialDate or None, not {type(date).__name__}"
        return
    parts = (date.year, date.month, date.day)
    if any(part is not None and (isinstance(part, bool) or not isinstance(part, int)) for part in parts):
        yield f"{name} must hold whole numbers"
    elif not 1 <= date.year <= MAX_YEAR:
        yield f"{name}'s year {date.year} is out of range"


def _is_tuple_of(value: object, kind: type) -> bool:
    if type(value) is not tuple:
        return False
    # A loop: these tuples hold none or a few items, for which a set of their types costs several times more.
    for item in value:
        if type(item) is not kind:
            return False
    return True


def _line_of(result: object, context: ReadContext) -> int | None:
    """The line a paper says it was read from, if it says so for this input."""
    sources = getattr(result, "sources", None)
    if isinstance(sources, tuple) and sources and isinstance(sources[0], Provenance) and sources[0].path == context.path:
        line = sources[0].line
        return line if isinstance(line, int) and not isinstance(line, bool) else None
    return None
