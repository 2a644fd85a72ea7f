"""Completing papers from bibliographic services (``bibx export --resolve``): matching, cache, batches.

A resolver plugin only fetches candidates; this module decides. A candidate is accepted only when
its normalised title equals the paper's, the family names the listing gives all appear among its
authors, and, of several such, its first-version date fits the listing's date best. Anything less
leaves the paper as the listing gave it, with a warning naming it: a missing id costs a look by
hand, a wrong one silently corrupts a bibliography.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from bibx.cache import Cached, ResolverCache, cache_folder, today
from bibx.model import Creator, FieldSource, Paper, PartialDate, Person
from bibx.names import parse_creator
from bibx.richtext import to_plain
from bibx.specs import Candidate, Lookup, ResolveContext, Resolver, ResolverError, ResolverSpec

# Papers held back at a time: enough for full batches, few enough that a huge export still streams.
CHUNK = 1000
# A service that failed this many batches in a row (each after its own retries) is not asked again
# in this run: with the network down, a large export would otherwise wait out every batch's retries.
GIVE_UP_AFTER = 2
_WORD = re.compile(r"[^\W_]+")
# Any word that carries markup or a letter beyond ASCII: a service may hold it as LaTeX, and how it
# indexes ``Gröbner`` (``Gr\"obner``) or ``Λ<sub>α</sub>`` (``$\Lambda_{\alpha}$``) is anyone's guess.
_MARKED = re.compile(r"\$[^$]*\$|\S*[\\${}^_<>\u0080-\U0010ffff]\S*")
_ARXIV_VERSION = re.compile(r"v\d+$")


@dataclass(frozen=True)
class ResolveOptions:
    """How to resolve: ``offline`` answers from the cache only; ``cache_dir`` None means
    ``BIBX_CACHE_DIR`` or the user cache folder; ``progress`` is told how many papers are done."""

    offline: bool = False
    cache_dir: Path | None = None
    progress: Callable[[int], None] | None = None


Warn = Callable[[Paper | None, str], None]


# --- titles and names --------------------------------------------------------------------------


def fold(text: str) -> str:
    """Accents split off and dropped, case folded: ``Schölkopf`` → ``scholkopf``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@functools.lru_cache(maxsize=1 << 16)  # a candidate's title is compared once per paper that found it
def normalise_title(title: str) -> str:
    """The key under which two spellings of one title meet: letters and digits only, folded.

    ``title`` is rich text, as the model holds it (:mod:`bibx.richtext`). Case, accents,
    punctuation, markup and whitespace make no difference; any other change of
    a word does (``… for Low-Resource Settings`` is another title).
    """
    return "".join(_WORD.findall(fold(to_plain(title))))


def search_words(title: str) -> list[str]:
    """Words to search a title by: the longest stretch without LaTeX markup, folded, without punctuation.

    The plain words around markup are indexed predictably; bibx compares whole titles itself afterwards.
    """
    stretches = [_WORD.findall(fold(stretch)) for stretch in _MARKED.split(title)]
    return max(stretches, key=len, default=[])


def bare_arxiv_id(identifier: str) -> str:
    """``2203.14101v4`` → ``2203.14101``; outputs name the paper, not one of its versions."""
    return _ARXIV_VERSION.sub("", identifier.strip())


def family_names_agree(creators: Sequence[Creator], candidate: Candidate) -> bool:
    """Every family name the listing gives occurs among the record's author names (in any name order)."""
    listed = [_WORD.findall(fold(creator.family)) for creator in creators if isinstance(creator, Person)]
    if not listed:
        return True
    words = {word for name in candidate.authors for word in _WORD.findall(fold(name))}
    return all(parts and all(part in words for part in parts) for parts in listed)


# --- choosing a candidate ----------------------------------------------------------------------


def choose(paper: Paper, candidates: Sequence[Candidate]) -> tuple[Candidate | None, str]:
    """The one candidate that is certainly this paper, or None and the reason none is."""
    key = normalise_title(paper.title)
    same_title = list({candidate.id: candidate for candidate in candidates if normalise_title(candidate.title) == key}.values())
    if not same_title:
        return None, "no record has this title"
    agreeing = [candidate for candidate in same_title if family_names_agree(paper.creators, candidate)]
    if not agreeing:
        return None, f"{_records(same_title)} {_have(same_title)} this title but other authors"
    if len(agreeing) == 1:
        return agreeing[0], ""
    fitting = _best_dated(paper, agreeing)
    if len(fitting) == 1:
        return fitting[0], ""
    return None, f"ambiguous: {_records(agreeing)} have this title and these authors"


def _best_dated(paper: Paper, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates whose first-version date is nearest the listing's date (all of them if it gives none)."""
    reference = paper.date or paper.listing_date
    if reference is None:
        return list(candidates)
    distances = [(_days_outside(reference, candidate.published), candidate) for candidate in candidates]
    best = min(distance for distance, _ in distances)
    return [candidate for distance, candidate in distances if distance == best]


def _days_outside(reference: PartialDate, published: dt.date | None) -> int:
    """Days from ``published`` to the span a partial date covers (0 inside it); unknown is farthest."""
    if published is None:
        return 1 << 30
    start = dt.date(reference.year, reference.month or 1, reference.day or 1)
    if reference.day is not None:
        end = start
    elif reference.month is not None:
        end = dt.date(reference.year + reference.month // 12, reference.month % 12 + 1, 1) - dt.timedelta(days=1)
    else:
        end = dt.date(reference.year, 12, 31)
    return max((start - published).days, (published - end).days, 0)


def _records(candidates: Sequence[Candidate]) -> str:
    return f"{len(candidates)} record{'s' if len(candidates) > 1 else ''} ({', '.join(c.id for c in candidates[:5])})"


def _have(candidates: Sequence[Candidate]) -> str:
    return "have" if len(candidates) > 1 else "has"


# --- completing a paper ------------------------------------------------------------------------


def complete(paper: Paper, record: Candidate, source: str, fetched: str) -> Paper:
    """The paper with what the record adds; each field taken is listed with the listing's own value."""
    origin = f"{source}:{record.id}"
    changes: dict[str, object] = {}
    taken: list[FieldSource] = []

    def take(name: str, value: object, listing_value: str) -> None:
        if value is not None and value != getattr(paper, name):
            changes[name] = value
            taken.append(FieldSource(name, origin, fetched, listing_value))

    take("arxiv_id", record.arxiv_id, paper.arxiv_id or "")
    if record.authors and (paper.authors_truncated or not paper.authors_known or not paper.creators):
        take("creators", tuple(parse_creator(name) for name in record.authors), _listing_authors(paper))
        changes.update(authors_truncated=False, authors_known=True)
    if record.published:
        published = record.published
        take("date", PartialDate(published.year, published.month, published.day), paper.date.isoformat() if paper.date else "")
    take("category", record.category, paper.category or "")
    take("doi", record.doi, paper.doi or "")
    take("journal_ref", record.journal_ref, paper.journal_ref or "")
    return replace(paper, **changes, field_sources=paper.field_sources + tuple(taken))  # type: ignore[arg-type]


def _listing_authors(paper: Paper) -> str:
    names = ", ".join(creator.display for creator in paper.creators)
    return f"{names} et al." if paper.authors_truncated else names


# --- the stage ---------------------------------------------------------------------------------


def resolve_papers(papers: Iterator[Paper], resolvers: Mapping[str, ResolverSpec], options: ResolveOptions, warn: Warn) -> Iterator[Paper]:
    """Each paper, completed where a resolver's record certainly matches; in input order, streamed in chunks.

    ``warn(paper, message)`` hears of every paper left unresolved (once each) and, with ``None``,
    of a resolver or cache that failed as a whole.
    """
    cache = ResolverCache.open(options.cache_dir or cache_folder(), lambda message: warn(None, message))
    session = _Session(resolvers, cache, options, warn)
    try:
        while chunk := list(islice(papers, CHUNK)):
            yield from session.resolve(chunk)
    finally:
        cache.close()


class _Session:
    """One export's resolvers (each built on first need), its cache and its progress count."""

    def __init__(self, specs: Mapping[str, ResolverSpec], cache: ResolverCache, options: ResolveOptions, warn: Warn) -> None:
        self.specs, self.cache, self.options, self.warn = specs, cache, options, warn
        self.built: dict[str, Resolver | None] = {}
        self.failed_in_a_row: dict[str, int] = {}
        self.last_failure: dict[str, str] = {}
        self.done = 0  # papers of finished chunks
        self.fetched = 0  # lookups of the current chunk answered by the network

    def resolve(self, chunk: list[Paper]) -> list[Paper]:
        reasons: dict[int, list[str]] = {index: [] for index in range(len(chunk))}
        for name, spec in self.specs.items():
            if not reasons:
                break
            for index, outcome in self._with_resolver(name, spec, [chunk[i] for i in reasons], list(reasons)).items():
                if isinstance(outcome, Paper):
                    chunk[index] = outcome
                    del reasons[index]
                else:
                    reasons[index].append(f"{name}: {outcome}")
        for index, why in reasons.items():
            self.warn(chunk[index], f"not resolved, written as listed: {chunk[index].title!r}: {'; '.join(why) or 'no resolver is installed'}")
        self.done += len(chunk)
        self.fetched = 0
        self._progress()
        return chunk

    def _with_resolver(self, name: str, spec: ResolverSpec, papers: list[Paper], indexes: list[int]) -> dict[int, Paper | str]:
        """Each paper completed by this resolver, or the reason it was not."""
        lookups = [_lookup(paper) for paper in papers]
        found = self._cached(name, lookups)
        missing = list({_cache_key(lookup): lookup for lookup in lookups if _cache_key(lookup) not in found}.values())
        failures: dict[tuple[str, str], str] = {}
        if missing and self.options.offline:
            failures = {_cache_key(lookup): "not in the cache, and --offline" for lookup in missing}
        size = max(spec.batch_size, 1)
        for start in range(0, 0 if self.options.offline else len(missing), size):
            failures.update(self._fetch(name, spec, missing[start : start + size], found))
        outcomes: dict[int, Paper | str] = {}
        for index, paper, lookup in zip(indexes, papers, lookups, strict=True):
            key = _cache_key(lookup)
            if key in failures:
                outcomes[index] = failures[key]
                continue
            cached = found[key]
            if lookup.arxiv_id:
                record, reason = (cached.records[0], "") if cached.records else (None, f"no record has the id {lookup.arxiv_id}")
            else:
                record, reason = choose(paper, cached.records)
            outcomes[index] = complete(paper, record, name, cached.fetched) if record else reason
        return outcomes

    def _cached(self, name: str, lookups: list[Lookup]) -> dict[tuple[str, str], Cached]:
        keys = [_cache_key(lookup) for lookup in lookups]
        by_title = self.cache.titles(name, (value for kind, value in keys if kind == "title"))
        by_id = self.cache.ids(name, (value for kind, value in keys if kind == "id"))
        return {("title", key): value for key, value in by_title.items()} | {("id", key): value for key, value in by_id.items()}

    def _fetch(self, name: str, spec: ResolverSpec, batch: list[Lookup], found: dict[tuple[str, str], Cached]) -> dict[tuple[str, str], str]:
        """Ask the resolver about one batch; store what it says. A failure costs this batch only."""
        resolver = self._resolver(name, spec)
        if resolver is None:
            return {_cache_key(lookup): "the resolver could not start" for lookup in batch}
        if self.failed_in_a_row.get(name, 0) >= GIVE_UP_AFTER:
            return {
                _cache_key(lookup): f"not asked: it failed {GIVE_UP_AFTER} times in a row in this run ({self.last_failure[name]})" for lookup in batch
            }
        try:
            records = list(resolver.find(batch))
        except Exception as error:  # noqa: BLE001 - a failing resolver costs its batch, never the export
            self.failed_in_a_row[name] = self.failed_in_a_row.get(name, 0) + 1
            self.last_failure[name] = str(error) if isinstance(error, ResolverError) else f"{type(error).__name__}: {error}"
            return {_cache_key(lookup): f"lookup failed: {self.last_failure[name]}" for lookup in batch}
        self.failed_in_a_row[name] = 0
        fetched = today()
        by_title: dict[str, list[Candidate]] = {normalise_title(lookup.title): [] for lookup in batch if not lookup.arxiv_id}
        by_id: dict[str, Candidate | None] = {lookup.arxiv_id: None for lookup in batch if lookup.arxiv_id}
        for record in records:
            if not isinstance(record, Candidate):
                continue
            by_title.get(normalise_title(record.title), []).append(record)
            if record.arxiv_id in by_id:
                by_id[record.arxiv_id] = record
        self.cache.store_titles(name, by_title, fetched)
        self.cache.store_ids(name, by_id, fetched)
        found.update({("title", key): Cached(tuple(value), fetched) for key, value in by_title.items()})
        found.update({("id", key): Cached((value,) if value else (), fetched) for key, value in by_id.items()})
        self.fetched += len(batch)
        self._progress()
        return {}

    def _resolver(self, name: str, spec: ResolverSpec) -> Resolver | None:
        if name not in self.built:
            try:
                self.built[name] = spec.factory(ResolveContext(warn=lambda message: self.warn(None, f"{name}: {message}")))
            except Exception as error:  # noqa: BLE001 - a plugin's failure to start is reported, not raised
                self.warn(None, f"the {name} resolver failed to start and is skipped: {type(error).__name__}: {error}")
                self.built[name] = None
        return self.built[name]

    def _progress(self) -> None:
        if self.options.progress:
            self.options.progress(self.done + self.fetched)


def _lookup(paper: Paper) -> Lookup:
    return Lookup(paper.title, bare_arxiv_id(paper.arxiv_id) if paper.arxiv_id else None)


def _cache_key(lookup: Lookup) -> tuple[str, str]:
    """A paper with an arXiv id is looked up by it; any other by its normalised title."""
    return ("id", lookup.arxiv_id) if lookup.arxiv_id else ("title", normalise_title(lookup.title))
