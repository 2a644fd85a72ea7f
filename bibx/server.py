"""``bibx serve``: a local web page over a small JSON API; the page is a thin client of :mod:`bibx.service`.

The standard library's threading HTTP server is enough for one user on the loopback interface, and
it adds no dependency. Every request is checked before it is routed:

- the server binds to 127.0.0.1 only, and a ``Host`` other than ``127.0.0.1:PORT`` or
  ``localhost:PORT`` is refused, so a web site that rebinds its DNS name to 127.0.0.1 gets nothing;
- an ``Origin`` or ``Sec-Fetch-Site`` from another site is refused, and a POST must be JSON (which a
  cross-site form cannot send), so no other page can make bibx work for it;
- a body larger than the limit is refused with a message saying so, before it is read;
- the client sends texts and names, never paths: the static files are a fixed list, and writer
  options that look like paths are refused;
- the page escapes everything (it only ever sets ``textContent``), and a Content-Security-Policy
  forbids any script, style or connection not served by bibx itself, so nothing loads from outside.

API (all JSON): ``GET /api/formats``, ``GET /api/styles?q=WORDS``, ``GET /api/locales``,
``POST /api/read`` ``{inputs: [{name, text}], resolve}`` → rows and summary, ``POST /api/export``
``{inputs, resolve, exclude: [keys], format, options}`` → text, file name, media type, reports, summary.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
import webbrowser
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from bibx.model import Organization, Paper, Report
from bibx.pipeline import UsageProblem, WriterFailed
from bibx.plugins import PluginHost
from bibx.service import NamedText, ReadResult, export_text, locale_names, read_texts, selected, style_names
from bibx.specs import WriterOptionError

if TYPE_CHECKING:
    from bibx.resolve import ResolveOptions

LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 32 * 1024 * 1024
STYLE_MATCHES = 60
PASTED = "pasted text"
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    """A request that is answered with ``status`` and a message the page shows as is."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class BibxServer(ThreadingHTTPServer):
    """One plugin host shared by the request threads (it is read-only once loaded)."""

    daemon_threads = True

    def __init__(self, host: PluginHost, port: int = 0, max_body: int = MAX_BODY_BYTES) -> None:
        super().__init__((LOOPBACK, port), Handler)
        self.plugin_host = host
        self.max_body = max_body
        self.port = self.server_address[1]
        self.allowed_hosts = {f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"


def serve(host: PluginHost, port: int, open_browser: bool, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C; ``say`` gets the URL."""
    server = BibxServer(host, port)
    say(f"bibx: serving on {server.url} (loopback only; Ctrl-C stops)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("bibx: stopped")
    finally:
        server.server_close()


class Handler(BaseHTTPRequestHandler):
    server: BibxServer

    def version_string(self) -> str:
        return "bibx"

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _answer(self, route: Callable[[str], tuple[bytes, str] | None]) -> None:
        try:
            self._check_origin()
            answer = route(urlsplit(self.path).path)
            if answer is not None:  # None: the route streamed its answer itself
                self._send(HTTPStatus.OK, *answer)
        except Refused as refusal:
            self._send_error(refusal.status, str(refusal))
        except (UsageProblem, WriterOptionError) as error:
            self._send_error(HTTPStatus.BAD_REQUEST, str(error))
        except WriterFailed as error:
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        except Exception as error:  # noqa: BLE001 - a bug answers this request with its name; the server keeps serving
            self.log_error("%s", traceback.format_exc().rstrip())
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, f"bibx failed: {type(error).__name__}: {error}")

    def _check_origin(self) -> None:
        """DNS rebinding shows as a foreign Host; a cross-site request as a foreign Origin or Sec-Fetch-Site."""
        allowed = self.server.allowed_hosts
        if self.headers.get("Host", "") not in allowed:
            raise Refused(HTTPStatus.FORBIDDEN, f"refused: Host must be one of {', '.join(sorted(allowed))}")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{name}" for name in allowed}:
            raise Refused(HTTPStatus.FORBIDDEN, "refused: a request from another site")
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in {"same-origin", "none"}:
            raise Refused(HTTPStatus.FORBIDDEN, "refused: a request from another site")

    def _get(self, path: str) -> tuple[bytes, str]:
        host = self.server.plugin_host
        if path in STATIC_FILES:
            name, media_type = STATIC_FILES[path]
            return (resources.files("bibx") / "static" / name).read_bytes(), media_type
        if path == "/api/formats":
            return _json(formats(host))
        if path == "/api/styles":
            words = parse_qs(urlsplit(self.path).query).get("q", [""])[0].lower().split()
            return _json(matching_styles(host, words))
        if path == "/api/locales":
            return _json(locale_names(host))
        raise Refused(HTTPStatus.NOT_FOUND, f"no such page: {path}")

    def _post(self, path: str) -> tuple[bytes, str] | None:
        if path not in {"/api/read", "/api/export"}:
            raise Refused(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
        request = self._json_body()
        host = self.server.plugin_host
        texts, as_of = _texts(request), _as_of(request)
        if path == "/api/read" and request.get("resolve") and "application/x-ndjson" in self.headers.get("Accept", ""):
            self._stream_resolving_read(texts, as_of)
            return None
        read = read_texts(texts, host, as_of, _resolve_options(request))
        if path == "/api/read":
            return _json(read_answer(read))
        return _json(export_answer(read, request, host))

    def _stream_resolving_read(self, texts: list[NamedText], as_of: dt.date) -> None:
        """Asking arXiv takes seconds a batch: the answer is lines, ``{"resolved": N}`` as papers are
        looked up, then ``{"result": …}`` (or ``{"error": …}``); the connection closes after it."""
        from bibx.resolve import ResolveOptions

        self.close_connection = True
        self._start(HTTPStatus.OK, "application/x-ndjson")

        def line(value: object) -> None:
            self.wfile.write(json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n")
            self.wfile.flush()

        try:
            read = read_texts(texts, self.server.plugin_host, as_of, ResolveOptions(progress=lambda done: line({"resolved": done})))
            line({"result": read_answer(read)})
        except (BrokenPipeError, ConnectionResetError):  # the page went away meanwhile
            pass
        except UsageProblem as error:
            line({"error": str(error)})

    def _json_body(self) -> dict[str, Any]:
        if self.headers.get_content_type() != "application/json":
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "refused: the body must be JSON (Content-Type: application/json)")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "refused: a Content-Length is required")
        limit = self.server.max_body
        if int(length) > limit:
            self.close_connection = True  # the body is not read: this connection cannot carry another request
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the text is too large: {_megabytes(int(length))} sent, the page takes at most {_megabytes(limit)}; "
                "export a larger file with `bibx export FILE`",
            )
        try:
            request = json.loads(self.rfile.read(int(length)))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise Refused(HTTPStatus.BAD_REQUEST, f"the request is not JSON: {error}") from None
        if not isinstance(request, dict):
            raise Refused(HTTPStatus.BAD_REQUEST, "the request must be a JSON object")
        return request

    def _start(self, status: HTTPStatus, media_type: str, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Type", media_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, media_type: str) -> None:
        self._start(status, media_type, len(body))
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the page went away (reloaded, closed) before the answer
            self.close_connection = True

    def _send_error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, json.dumps({"error": message}).encode(), "application/json")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Only failures reach the terminal: a line per request would drown the server's own messages."""
        if str(getattr(code, "value", code)).startswith(("4", "5")):
            super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"bibx: {self.address_string()} {format % args}\n")


def _json(value: object) -> tuple[bytes, str]:
    return json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _texts(request: dict[str, Any]) -> list[NamedText]:
    inputs = request.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(item, dict) and isinstance(item.get("text"), str) for item in inputs):
        raise Refused(HTTPStatus.BAD_REQUEST, "inputs must be a list of {name, text}")
    return [NamedText(input_label(item.get("name")), item["text"]) for item in inputs]


def input_label(name: object) -> str:
    """A dropped file's own name without any folder, printable: it only labels the text."""
    if not isinstance(name, str):
        return PASTED
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    label = "".join(char for char in base if char.isprintable())[:120].strip()
    return label or PASTED


def _as_of(request: dict[str, Any]) -> dt.date:
    value = request.get("as_of")
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, f"as_of: {value!r} is not a date in the form YYYY-MM-DD") from None


def _resolve_options(request: dict[str, Any]) -> ResolveOptions | None:
    if not request.get("resolve"):
        return None
    from bibx.resolve import ResolveOptions  # only a resolving request pays for the resolve stage

    return ResolveOptions(offline=bool(request.get("offline")))


def formats(host: PluginHost) -> dict[str, Any]:
    """Every registered writer (third-party ones included) with what the page needs to offer and save it."""
    writers = [
        {
            "name": name,
            "description": spec.description,
            "plugin": host.writers.owners.get(name, name),
            "extension": spec.extensions[0] if spec.extensions else "txt",
            "media_type": spec.media_type,
            "options": list(spec.options),
        }
        for name, spec in sorted(host.writers.specs.items())
    ]
    return {"writers": writers, "resolvers": list(host.resolvers())}


def matching_styles(host: PluginHost, words: list[str]) -> dict[str, Any]:
    """The styles whose name or title has every word; at most STYLE_MATCHES, with the total count."""
    found = [style for style in style_names(host) if all(word in f"{style['name']} {style['title']}".lower() for word in words)]
    return {"styles": found[:STYLE_MATCHES], "total": len(found)}


def read_answer(read: ReadResult) -> dict[str, Any]:
    """The table: a row per paper with its warnings, a row per rejected record, in input order."""
    by_place: dict[tuple[str, int | None], list[Report]] = {}
    for report in read.reports:
        by_place.setdefault((report.path, report.line), []).append(report)
    rows = []
    for paper in read.papers:
        origin = paper.origin
        own = by_place.pop((origin.path, origin.line), []) if origin else []
        rows.append(paper_row(paper, own))
    rows.extend(rejected_row(report) for reports in by_place.values() for report in reports)
    order = {label: number for number, label in enumerate(dict.fromkeys(row["input"] for row in rows))}
    rows.sort(key=lambda row: (order[row["input"]], row["line"] or 0))
    return {"rows": rows, "summary": vars(read.summary), "summary_line": str(read.summary)}


def paper_row(paper: Paper, reports: list[Report]) -> dict[str, Any]:
    origin = paper.origin
    return {
        "kind": "paper",
        "key": paper.key,
        "title": paper.title,
        "authors": [creator.name if isinstance(creator, Organization) else creator.display for creator in paper.creators],
        "et_al": paper.authors_truncated,
        "authors_known": paper.authors_known,
        "date": paper.date.isoformat() if paper.date else "",
        "year_inferred": bool(paper.date and paper.date.year_inferred),
        "category": paper.category or "",
        "input": origin.path if origin else PASTED,
        "line": origin.line if origin else None,
        "reports": [report_item(report) for report in reports],
    }


def rejected_row(report: Report) -> dict[str, Any]:
    return {"kind": "rejected" if report.rejected else "warning", "input": report.path, "line": report.line, "reports": [report_item(report)]}


def report_item(report: Report) -> dict[str, Any]:
    return {"message": report.message, "input": report.path, "line": report.line, "rejected": report.rejected}


def export_answer(read: ReadResult, request: dict[str, Any], host: PluginHost) -> dict[str, Any]:
    """The selected papers written by the chosen writer, with the file name and media type its spec gives."""
    writer, options = request.get("format"), request.get("options") or {}
    if not isinstance(writer, str) or not isinstance(options, dict) or not all(isinstance(value, str) for value in options.values()):
        raise Refused(HTTPStatus.BAD_REQUEST, "format must be a writer name and options a mapping of names to strings")
    excluded = set(request.get("exclude") or ())
    papers = selected(read.papers, excluded)
    result = export_text(papers, writer, {name: value for name, value in options.items() if value}, host)
    summary = read.summary
    summary.written, summary.skipped = result.summary.written, result.summary.skipped
    summary.warnings += result.summary.warnings
    deselected = len(read.papers) - len(papers)
    return {
        "text": result.text,
        "filename": f"references.{result.spec.extensions[0] if result.spec.extensions else 'txt'}",
        "media_type": result.spec.media_type,
        "reports": [report_item(report) for report in result.reports],
        "summary_line": f"{summary}" + (f", deselected {deselected}" if deselected else ""),
    }
