"""A loopback stand-in for the arXiv API (``/api/query``), for tests and the resolve benchmark.

It answers ``id_list`` and ``search_query`` made of ``ti:"…"`` phrases joined by `` OR `` (anything
else gets arXiv's HTTP 400 error feed), pages with ``start``/``max_results``, and writes Atom feeds
shaped like arXiv's: opensearch totals, entries with ``id``, ``updated``, ``published``, ``title``
(long ones wrapped as arXiv wraps them), ``summary``, ``author/name``, ``arxiv:doi``,
``arxiv:journal_ref``, links and ``arxiv:primary_category``. Near misses rank first, as they do
when a longer title contains the phrase. ``faults`` makes the next requests fail on purpose.
Records are real papers' facts (tests/data/arxiv_corpus.json); abstracts are placeholders.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse
from xml.sax.saxutils import escape, quoteattr

from bibx.richtext import from_latex

CORPUS = Path(__file__).parent / "data" / "arxiv_corpus.json"
_WORD = re.compile(r"[^\W_]+")
_QUERY = re.compile(r'^ti:"([^"]+)"(?: OR ti:"([^"]+)")*$')
_PHRASE = re.compile(r'ti:"([^"]+)"')
_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>"""


def load_corpus() -> list[dict[str, Any]]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    return _WORD.findall("".join(char for char in decomposed if not unicodedata.combining(char)).casefold())


def contains(title_words: list[str], phrase: list[str]) -> bool:
    width = len(phrase)
    return bool(phrase) and any(title_words[i : i + width] == phrase for i in range(len(title_words) - width + 1))


def near_misses(record: dict[str, Any], serial: int) -> list[dict[str, Any]]:
    """Records that a careless matcher would take for ``record``: a longer title, one word changed,
    and the very same title by other authors, years later."""
    published = dt.datetime.fromisoformat(record["published"].replace("Z", "+00:00"))
    later = (published + dt.timedelta(days=3 * 365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    title_words = record["title"].split()
    changed = " ".join([*title_words[:-1], "Revisited" if title_words[-1] != "Revisited" else "Again"])
    base = {"categories": record["categories"], "doi": None, "journal_ref": None, "versions": 1, "published": later, "updated": later}
    return [
        base | {"id": f"2501.{serial:05d}", "title": f"{record['title']} for Low-Resource Settings", "authors": record["authors"]},
        base | {"id": f"2502.{serial:05d}", "title": changed, "authors": record["authors"]},
        base | {"id": f"2503.{serial:05d}", "title": record["title"], "authors": ["Quentin Zyxwvut", "Ottilie Qarnain"]},
    ]


@dataclass
class FakeArxiv:
    """The server: ``records`` to serve, ``faults`` to inject (``503``, ``429``, ``timeout``,
    ``malformed``, ``entities``, ``html``), and every request's parameters in ``requests``."""

    records: list[dict[str, Any]]
    faults: list[str] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    hang_seconds: float = 2.0

    def __post_init__(self) -> None:
        self._by_id = {record["id"]: record for record in self.records}
        self._indexed = [(words(record["title"]), record) for record in self.records]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/query"

    def __enter__(self) -> FakeArxiv:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- answering -----------------------------------------------------------------------------

    def answer(self, params: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        with self._lock:
            self.requests.append(params)
            fault = self.faults.pop(0) if self.faults else None
        if fault == "503":
            return 503, b"Service Unavailable", {}
        if fault == "429":
            return 429, b"Rate exceeded.", {"Retry-After": "0"}
        if fault == "timeout":
            time.sleep(self.hang_seconds)
        if fault == "malformed":
            return 200, self.feed(params, self.records[:1], 1)[:-40], {}
        if fault == "entities":
            return 200, BILLION_LAUGHS, {}
        if fault == "html":
            return 200, b"<html><body>Down for maintenance</body></html>", {}
        try:
            found = self.search(params)
        except ValueError as error:
            return 400, self.error_feed(params, str(error)), {}
        start, size = int(params.get("start", 0)), int(params.get("max_results", 10))
        return 200, self.feed(params, found[start : start + size], len(found)), {}

    def search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        if params.get("id_list"):
            ids = params["id_list"].split(",")
            bad = [identifier for identifier in ids if not _ID.match(identifier)]
            if bad:
                raise ValueError(f"incorrect id format for {bad[0]}")
            return [self._by_id[re.sub(r"v\d+$", "", identifier)] for identifier in ids if re.sub(r"v\d+$", "", identifier) in self._by_id]
        query = params.get("search_query", "")
        if not _QUERY.match(query):
            raise ValueError(f"malformed query {query!r}")
        phrases = [words(phrase) for phrase in _PHRASE.findall(query)]
        found = [(title_words, record) for title_words, record in self._indexed if any(contains(title_words, phrase) for phrase in phrases)]
        # "Relevance": the longest titles containing a phrase first, so near misses come before the paper.
        return [record for _, record in sorted(found, key=lambda item: -len(item[0]))]

    def feed(self, params: dict[str, str], entries: Iterable[dict[str, Any]], total: int) -> bytes:
        query = urlencode(
            {
                "search_query": params.get("search_query", ""),
                "id_list": params.get("id_list", ""),
                "start": params.get("start", "0"),
                "max_results": params.get("max_results", "10"),
            }
        )
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n',
            f'  <link href={quoteattr("http://arxiv.org/api/query?" + query)} rel="self" type="application/atom+xml"/>\n',
            f'  <title type="html">ArXiv Query: {escape(query)}</title>\n',
            "  <id>http://arxiv.org/api/Fqp0fh3QSBo6SaomG6OlvHqgLDw</id>\n",
            "  <updated>2026-12-03T00:00:00-05:00</updated>\n",
            f'  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>\n',
            f'  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{params.get("start", "0")}</opensearch:startIndex>\n',
            '  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f'{params.get("max_results", "10")}</opensearch:itemsPerPage>\n',
            *(entry_xml(record) for record in entries),
            "</feed>\n",
        ]
        return "".join(parts).encode("utf-8")

    def error_feed(self, params: dict[str, str], message: str) -> bytes:
        anchor = "http://arxiv.org/api/errors#" + re.sub(r"\W+", "_", message)
        entry = (
            f"  <entry>\n    <id>{escape(anchor)}</id>\n    <title>Error</title>\n    <summary>{escape(message)}</summary>\n"
            f'    <updated>2026-12-03T00:00:00-05:00</updated>\n    <link href={quoteattr(anchor)} rel="alternate" type="text/html"/>\n'
            "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n"
        )
        return self.feed(params, [], 1).replace(b"</feed>", entry.encode() + b"</feed>")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                params = {name: values[-1] for name, values in parse_qs(urlparse(self.path).query, keep_blank_values=True).items()}
                status, body, headers = fake.answer(params)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/atom+xml; charset=UTF-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:  # silence per-request logging
                pass

        return Handler


def entry_xml(record: dict[str, Any]) -> str:
    version = f"{record['id']}v{record.get('versions', 1)}"
    arxiv = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{version}</id>",
        f"    <updated>{record['updated']}</updated>",
        f"    <published>{record['published']}</published>",
        f"    <title>{escape(record['title'])}</title>",
        f"    <summary>  Placeholder abstract for arXiv:{record['id']}; bibx does not read it.\n</summary>",
        *(f"    <author>\n      <name>{escape(name)}</name>\n    </author>" for name in record["authors"]),
    ]
    if record.get("doi"):
        lines.append(f"    <arxiv:doi {arxiv}>{escape(record['doi'])}</arxiv:doi>")
        lines.append(f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + record["doi"])} rel="related"/>')
    if record.get("journal_ref"):
        lines.append(f"    <arxiv:journal_ref {arxiv}>{escape(record['journal_ref'])}</arxiv:journal_ref>")
    lines += [
        f'    <link href="http://arxiv.org/abs/{version}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href="http://arxiv.org/pdf/{version}" rel="related" type="application/pdf"/>',
        f'    <arxiv:primary_category {arxiv} term="{record["categories"][0]}" scheme="http://arxiv.org/schemas/atom"/>',
        *(f'    <category term="{term}" scheme="http://arxiv.org/schemas/atom"/>' for term in record["categories"]),
        "  </entry>\n",
    ]
    return "\n".join(lines)


# --- listings rendered from the same records, as bibx's readers meet them ------------------------

LISTED_AUTHORS = 3  # a profile page shows three names, then "et al."


def listing_category(record: dict[str, Any]) -> str:
    """A class the listing readers accept: ``math.CO`` as is; an archive without subject classes gets ``.GN``."""
    primary = record["categories"][0]
    return primary if "." in primary else f"{primary}.GN"


def listing_date_text(timestamp: str, days_later: int = 0) -> str:
    day = dt.date.fromisoformat(timestamp[:10]) + dt.timedelta(days=days_later)
    return f"{day:%b} {day.day}, {day.year}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def profile_listing(records: Iterable[dict[str, Any]], owner: str = "Ada Example") -> str:
    """An author-profile page: each paper with its class and date, and at most three authors, then "et al."."""
    records = list(records)
    lines = [owner, "", "LG", "h-index12", f"{len(records)}papers", "345citations", "", f"{len(records)} Papers", ""]
    for record in records:
        names = record["authors"]
        shown = ", ".join(names[:LISTED_AUTHORS]) + (" et al." if len(names) > LISTED_AUTHORS else "")
        lines += [
            f"{listing_category(record)}{listing_date_text(record['published'])}",
            one_line(record["title"]),
            "",
            shown,
            "",
            "A placeholder abstract.",
            "",
        ]
    return "\n".join(lines)


def daily_listing(records: Iterable[dict[str, Any]]) -> str:
    """A Daily Papers page: titles without authors, listed the day after each paper's first version."""
    records = list(records)
    lines = [
        "Daily Papers",
        "",
        "byAK and the research community",
        "",
        listing_date_text(records[0]["published"], 1).rsplit(",", 1)[0] + f", {records[0]['published'][:4]}",
        "",
    ]
    for record in records:
        lines += [one_line(record["title"]), "", "A placeholder abstract that runs long enough to read as an abstract and ends with a full stop.", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Scenario:
    """Listings written to ``files`` from the corpus, what the fake API serves, and the right answer
    per listed title: the arXiv id, or None for a paper arXiv does not have (whose title is a
    shortened real one, so that the search still returns the real paper, ranked first)."""

    files: list[Path]
    served: list[dict[str, Any]]
    expected: dict[str, str | None]

    @property
    def papers(self) -> int:
        return len(self.expected)


def write_scenario(folder: Path, records: list[dict[str, Any]] | None = None, absent: int = 10) -> Scenario:
    """Profile pages (three authors, then "et al.") for three fifths of the records, a Daily Papers
    page (no authors) for the rest, ``absent`` papers arXiv lacks, and three near misses per record."""
    records = records if records is not None else load_corpus()
    # The profile reader does not take an apostrophe in a name (d'Ambrumenil): such papers go to the Daily page.
    readable = [record for record in records if not any("'" in name for name in record["authors"])]
    with_authors = readable[: len(records) * 3 // 5]
    without_authors = [record for record in records if record not in with_authors]
    missing = [
        record | {"title": " ".join(record["title"].split()[: max(2, len(record["title"].split()) * 3 // 5)])} for record in with_authors[:absent]
    ]
    files = [folder / "profile.txt", folder / "daily.txt", folder / "missing.txt"]
    files[0].write_text(profile_listing(with_authors), encoding="utf-8")
    files[1].write_text(daily_listing(without_authors), encoding="utf-8")
    files[2].write_text(profile_listing(missing, owner="Bea Example"), encoding="utf-8")
    # Keyed by the title as the model holds it: arXiv's LaTeX read as rich text.
    expected: dict[str, str | None] = {from_latex(one_line(record["title"])): record["id"] for record in records}
    expected |= {from_latex(one_line(record["title"])): None for record in missing}
    served = records + [miss for serial, record in enumerate(records) for miss in near_misses(record, serial)]
    return Scenario(files, served, expected)
