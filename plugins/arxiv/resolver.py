"""The arXiv resolver: bibx's own ``bibx_register_resolvers`` plugin, for ``bibx export --resolve``.

It asks the arXiv API (Atom over HTTP) about many papers per request: titles as one
``ti:"…" OR ti:"…"`` query, ids as one ``id_list``, paging with ``start``/``max_results``. It
keeps arXiv's terms (one request every ``BIBX_ARXIV_DELAY`` seconds, default 3), retries timeouts,
5xx and 429 with growing pauses a bounded number of times, and parses with defusedxml, which refuses
entity expansion. It returns every entry it is given, near misses included: bibx matches.
Everything beyond the standard library, bibx.resolve included, is imported where it is used:
this module is loaded by every bibx command, and only ``--resolve`` may pay for it.

Settings: ``BIBX_ARXIV_API_URL`` (default ``https://export.arxiv.org/api/query``, a mirror or a
test server), ``BIBX_ARXIV_DELAY`` (seconds between requests, default 3), ``BIBX_ARXIV_TIMEOUT``
(seconds to wait for an answer, default 30).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from bibx.specs import Candidate, Lookup, ResolveContext, ResolverError, ResolverSpec

API_URL_ENV, DELAY_ENV, TIMEOUT_ENV = "BIBX_ARXIV_API_URL", "BIBX_ARXIV_DELAY", "BIBX_ARXIV_TIMEOUT"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_DELAY = 3.0
ATOM, ARXIV_NS, OPENSEARCH = "{http://www.w3.org/2005/Atom}", "{http://arxiv.org/schemas/atom}", "{http://a9.com/-/spec/opensearch/1.1/}"
# Titles per request: with 25, 100 papers cost 4 requests; the query stays a few kB long.
BATCH_SIZE = 25
PAGE_SIZE = 100
MAX_PAGES = 4  # per batch: a phrase found in many titles must not page through arXiv
RETRIES = 4
DEFAULT_TIMEOUT = 30.0
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
RETRY_AFTER_CAP = 60.0


class ArxivResolver:
    """One export's client: a connection, the time of the last request, and the settings."""

    def __init__(self, context: ResolveContext, api_url: str, delay: float, timeout: float = DEFAULT_TIMEOUT) -> None:
        import httpx  # only a run that goes to the network pays for it

        self._httpx = httpx
        self.context = context
        self.api_url = api_url
        self.delay = delay
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": "bibx (bibliography exporter; --resolve)"})
        self._last_request = -float("inf")

    def find(self, lookups: Sequence[Lookup]) -> list[Candidate]:
        ids = [lookup.arxiv_id for lookup in lookups if lookup.arxiv_id]
        titles = [lookup.title for lookup in lookups if not lookup.arxiv_id]
        found = self._paged({"id_list": ",".join(ids)})[0] if ids else []
        return found + self._search_titles(titles) if titles else found

    def _search_titles(self, titles: list[str]) -> list[Candidate]:
        """Every entry for these titles in one query; if its hits run past the pages read, the titles
        not yet seen are asked one by one, so that a flood of hits for one cannot hide another."""
        phrases = {title: phrase for title in titles if (phrase := title_phrase(title))}
        found, complete = self._paged(_title_query(set(phrases.values())))
        if complete or len(phrases) < 2:
            return found
        from bibx.resolve import normalise_title

        seen = {normalise_title(candidate.title) for candidate in found}
        for title, phrase in phrases.items():
            if normalise_title(title) not in seen:
                found += self._paged(_title_query({phrase}))[0]
        return found

    def _paged(self, query: dict[str, str]) -> tuple[list[Candidate], bool]:
        """The entries of up to MAX_PAGES pages, and whether they are all the query matched."""
        found: list[Candidate] = []
        for page in range(MAX_PAGES):
            total, entries = parse_feed(self._get({**query, "start": str(page * PAGE_SIZE), "max_results": str(PAGE_SIZE)}), self.context.warn)
            found += entries
            if not entries or (page + 1) * PAGE_SIZE >= total:
                return found, True
        return found, False

    def _get(self, params: dict[str, str]) -> bytes:
        """One answer, at most one request per ``delay`` seconds; faults retried with growing pauses."""
        problem = ""
        for attempt in range(RETRIES + 1):
            pause = self._last_request + self.delay - time.monotonic()
            if problem:
                pause = max(pause, self.delay * 2**attempt)
            time.sleep(max(pause, 0.0))
            self._last_request = time.monotonic()
            try:
                response = self._request(params)
            except self._httpx.TimeoutException:
                problem = "timed out"
                continue
            except self._httpx.TransportError as error:
                problem = f"connection failed ({error})"
                continue
            status, body, retry_after = response
            if status == 429 or status >= 500:
                problem = f"HTTP {status}"
                self._last_request += min(retry_after, RETRY_AFTER_CAP)
                continue
            if status != 200:
                raise ResolverError(f"the arXiv API answered HTTP {status}")
            return body
        raise ResolverError(f"the arXiv API failed {RETRIES + 1} times ({problem})")

    def _request(self, params: dict[str, str]) -> tuple[int, bytes, float]:
        with self.client.stream("GET", self.api_url, params=params) as response:
            body = bytearray()
            for part in response.iter_bytes():
                body += part
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ResolverError(f"the arXiv API sent more than {MAX_RESPONSE_BYTES} bytes")
            return response.status_code, bytes(body), _seconds(response.headers.get("Retry-After"))


def _title_query(phrases: set[str]) -> dict[str, str]:
    return {"search_query": " OR ".join(f'ti:"{phrase}"' for phrase in sorted(phrases)), "sortBy": "relevance"}


def title_phrase(title: str) -> str:
    """A title as an arXiv phrase: its words only, lower case, so no quote or operator can break the query."""
    from bibx.resolve import search_words

    return " ".join(search_words(title))


def parse_feed(body: bytes, warn: Callable[[str], None]) -> tuple[int, list[Candidate]]:
    """The total the query matched and the entries of this page; a malformed or hostile feed raises ResolverError."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        feed = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise ResolverError(f"the arXiv API sent a malformed or unsafe answer ({type(error).__name__}: {error})") from None
    if feed.tag != f"{ATOM}feed":
        raise ResolverError(f"the arXiv API sent no Atom feed (root element {feed.tag!r})")
    entries = feed.findall(f"{ATOM}entry")
    errors = [entry for entry in entries if "/api/errors" in _text(entry, f"{ATOM}id")]
    if errors:
        raise ResolverError(f"the arXiv API refused the query: {_text(errors[0], f'{ATOM}summary')}")
    candidates = []
    for entry in entries:
        try:
            candidates.append(entry_candidate(entry))
        except (ValueError, KeyError) as error:
            warn(f"an entry of the arXiv API's answer is skipped: {error}")
    try:
        total = int(_text(feed, f"{OPENSEARCH}totalResults") or len(entries))
    except ValueError:
        total = len(entries)
    return total, candidates


def entry_candidate(entry: Any) -> Candidate:
    """One Atom ``<entry>`` as a candidate; raises ValueError when it lacks an id or title."""
    from bibx.arxiv import bare_arxiv_id
    from bibx.richtext import from_latex

    url = _text(entry, f"{ATOM}id")
    if "/abs/" not in url:
        raise ValueError(f"no arXiv id in {url!r}")
    arxiv_id = bare_arxiv_id(url.split("/abs/", 1)[1])
    title = from_latex(" ".join(_text(entry, f"{ATOM}title").split()))  # arXiv's titles are LaTeX
    if not title:
        raise ValueError(f"no title for {arxiv_id}")
    primary = entry.find(f"{ARXIV_NS}primary_category")
    return Candidate(
        id=arxiv_id,
        title=title,
        authors=tuple(name for author in entry.findall(f"{ATOM}author") if (name := " ".join(_text(author, f"{ATOM}name").split()))),
        published=_date(_text(entry, f"{ATOM}published")),
        arxiv_id=arxiv_id,
        category=primary.get("term") if primary is not None else None,
        doi=_text(entry, f"{ARXIV_NS}doi") or None,
        journal_ref=" ".join(_text(entry, f"{ARXIV_NS}journal_ref").split()) or None,
    )


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _seconds(value: str | None) -> float:
    try:
        return max(float(value), 0.0) if value else 0.0
    except ValueError:
        return 0.0


def make_resolver(context: ResolveContext) -> ArxivResolver:
    api_url = os.environ.get(API_URL_ENV) or DEFAULT_API_URL
    return ArxivResolver(context, api_url, _seconds_setting(DELAY_ENV, DEFAULT_DELAY), _seconds_setting(TIMEOUT_ENV, DEFAULT_TIMEOUT))


def _seconds_setting(name: str, default: float) -> float:
    try:
        return max(float(os.environ.get(name) or default), 0.0)
    except ValueError:
        raise ResolverError(f"{name} must be a number of seconds, not {os.environ[name]!r}") from None


def register_resolvers(register: Callable[[ResolverSpec], None]) -> None:
    register(
        ResolverSpec(
            name="arxiv",
            description="arXiv API: ids, full authors, first-version dates, DOI, journal-ref",
            factory=make_resolver,
            batch_size=BATCH_SIZE,
        )
    )
