"""The JSON API of ``bibx serve``: every endpoint, hostile pastes, oversize bodies, foreign Host and Origin."""

from __future__ import annotations

import http.client
import importlib.util
import io
import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import bibx.server
from bibx import Paper, WriterSpec, hookimpl
from bibx.server import BibxServer, input_label
from bibx.testing import SEED_AS_OF, host_with, run_cli, seed_files
from tests.helpers import require_tool

AS_OF = SEED_AS_OF.isoformat()
BAD_RECORD = """@article{good2021,
  title = {A Good Paper},
  author = {Doe, Jane},
  year = {2021}
}

@article{bad2022,
  author = {Roe, Richard},
  year = {2022}
}
"""


class ThirdPartyWriter:
    """A writer from outside bibx: the page must offer it like a built-in."""

    @hookimpl
    def bibx_register_writers(self, register: Callable[[WriterSpec], None]) -> None:
        register(WriterSpec("titles", "One title a line", ("titles.txt",), "text/x-titles", lambda context: TitleWriter()))
        register(WriterSpec("broken", "Always fails", ("broken",), "text/plain", lambda context: BrokenWriter()))


class TitleWriter:
    def write(self, papers: Iterable[Paper], out: io.TextIOBase) -> None:
        out.writelines(paper.title + "\n" for paper in papers)


class BrokenWriter:
    def write(self, papers: Iterable[Paper], out: io.TextIOBase) -> None:
        raise RuntimeError("out of ink")


def start(max_body: int | None = None) -> BibxServer:
    host = host_with(ThirdPartyWriter())
    server = BibxServer(host, 0) if max_body is None else BibxServer(host, 0, max_body)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def server() -> Iterator[BibxServer]:
    server = start()
    yield server
    server.shutdown()
    server.server_close()


def call(
    server: BibxServer, method: str, path: str, body: object = None, headers: dict[str, str] | None = None, raw: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sent = {"Host": f"127.0.0.1:{server.port}"}
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if payload is not None:
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    connection.request(method, path, body=payload, headers=sent)
    response = connection.getresponse()
    data = response.read()
    answer_headers = {name.lower(): value for name, value in response.getheaders()}
    if answer_headers.get("content-type", "").startswith("application/json"):
        return response.status, answer_headers, json.loads(data)
    return response.status, answer_headers, data


def seed_inputs() -> list[dict[str, str]]:
    return [{"name": path.name, "text": path.read_text(encoding="utf-8")} for path in seed_files()]


def test_the_page_and_its_files_are_served_with_a_content_security_policy(server: BibxServer) -> None:
    status, headers, page = call(server, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    for src in re.findall(rb'(?:src|href)="([^"#]+)"', page):
        assert src.startswith((b"/", b"data:")), f"the page loads {src!r} from elsewhere: it must work offline"
        assert src.startswith(b"data:") or call(server, "GET", src.decode())[0] == 200


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/../../etc/passwd", "/app.js/../../bibx/cli.py", "/index.html"])
def test_no_file_outside_the_fixed_list_is_served(server: BibxServer, path: str) -> None:
    status, _, answer = call(server, "GET", path)
    assert status == 404 and "no such page" in answer["error"]


def test_formats_list_every_writer_third_party_ones_included(server: BibxServer) -> None:
    status, _, answer = call(server, "GET", "/api/formats")
    writers = {writer["name"]: writer for writer in answer["writers"]}
    assert status == 200 and {"bibtex", "biblatex", "csljson", "ris", "refs", "titles"} <= set(writers)
    assert writers["titles"] == {
        "name": "titles",
        "description": "One title a line",
        "plugin": "ThirdPartyWriter",
        "extension": "titles.txt",
        "media_type": "text/x-titles",
        "options": [],
    }
    assert writers["refs"]["options"][:2] == ["style", "locale"]


def test_styles_are_searched_by_every_word_and_locales_listed(server: BibxServer) -> None:
    _, _, answer = call(server, "GET", "/api/styles?q=chicago+author")
    assert answer["styles"] and all("chicago" in f"{s['name']} {s['title']}".lower() for s in answer["styles"])
    assert "chicago-author-date" in [style["name"] for style in answer["styles"]]
    _, _, everything = call(server, "GET", "/api/styles")
    assert everything["total"] > 1000 and len(everything["styles"]) == 60  # the page gets a page of matches, not 10,000
    _, _, locales = call(server, "GET", "/api/locales")
    assert {"en-US", "de-DE", "fr-FR"} <= set(locales)


def test_reading_the_seeds_gives_200_papers_and_the_cli_summary(server: BibxServer) -> None:
    status, _, answer = call(server, "POST", "/api/read", {"inputs": seed_inputs(), "as_of": AS_OF})
    papers = [row for row in answer["rows"] if row["kind"] == "paper"]
    assert status == 200 and len(papers) == 200 and len(answer["rows"]) == 200
    assert answer["summary_line"] == "read 205, merged 5, written 0, skipped 0, rejected 0, warnings 0"
    first = papers[0]
    assert first["key"] == "yuan2022roadmap" and first["et_al"] is True and first["authors"] == ["Sha Yuan", "Hanyu Zhao", "Shuai Zhao"]
    assert (first["input"], first["line"], first["date"], first["category"]) == (seed_files()[0].name, 12, "2022-03-26", "cs.LG")


def test_a_rejected_record_is_a_row_with_its_line(server: BibxServer) -> None:
    _, _, answer = call(server, "POST", "/api/read", {"inputs": [{"name": "refs.bib", "text": BAD_RECORD}]})
    kinds = [(row["kind"], row["line"]) for row in answer["rows"]]
    assert kinds == [("paper", 1), ("rejected", 7)]
    rejected = answer["rows"][1]
    assert rejected["input"] == "refs.bib" and rejected["reports"] == [
        {"message": "record has no title", "input": "refs.bib", "line": 7, "rejected": True}
    ]
    assert "rejected 1" in answer["summary_line"]


def test_a_hostile_paste_comes_back_as_data(server: BibxServer) -> None:
    hostile = '@article{x, title = {<script>alert("t")</script><img src=x onerror=alert(1)>}, author = {Doe, <b>Jane</b>}, year = {2021}}\n'
    binary = "\x00\x1b[31m\u202e\ud800" + "A" * 100_000 + "\n"
    inputs = [{"name": "../../etc/<b>passwd", "text": hostile + "\u202e\ud800\x1b[31m" + "B" * 100_000 + "\n"}, {"name": "b", "text": binary}]
    status, headers, answer = call(server, "POST", "/api/read", {"inputs": inputs})
    assert status == 200 and headers["content-type"] == "application/json" and headers["x-content-type-options"] == "nosniff"
    paper, rejected = answer["rows"]
    assert paper["title"] == '<script>alert("t")</script><img src=x onerror=alert(1)>'  # verbatim: the page sets it as text
    assert paper["input"] == "<b>passwd"  # a label without folders, never a path
    assert rejected["reports"][0]["message"] == "binary data (NUL bytes), not a text listing"


@pytest.mark.parametrize(
    ("name", "label"),
    [("/etc/passwd", "passwd"), ("C:\\Users\\me\\page.txt", "page.txt"), ("", "pasted text"), (None, "pasted text"), ("a\x00b\nc.txt", "abc.txt")],
)
def test_input_names_are_labels_not_paths(name: object, label: str) -> None:
    assert input_label(name) == label


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Host": "attacker.example:80"}, "Host must be"),  # DNS rebinding: the attacker's name now points at 127.0.0.1
        ({"Host": "127.0.0.1"}, "Host must be"),
        ({"Origin": "http://attacker.example"}, "another site"),
        ({"Origin": "null"}, "another site"),
        ({"Sec-Fetch-Site": "cross-site"}, "another site"),
    ],
)
@pytest.mark.parametrize(("method", "path"), [("GET", "/api/formats"), ("POST", "/api/read"), ("GET", "/")])
def test_foreign_host_or_origin_is_refused(server: BibxServer, headers: dict[str, str], why: str, method: str, path: str) -> None:
    body = {"inputs": seed_inputs()} if method == "POST" else None
    status, _, answer = call(server, method, path, body, headers)
    assert status == 403 and why in answer["error"]


def test_the_servers_own_origin_and_localhost_are_accepted(server: BibxServer) -> None:
    own = {"Host": f"localhost:{server.port}", "Origin": f"http://localhost:{server.port}", "Sec-Fetch-Site": "same-origin"}
    assert call(server, "POST", "/api/read", {"inputs": [{"name": "a.bib", "text": BAD_RECORD}]}, own)[0] == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_cross_site_form_cannot_post(server: BibxServer, content_type: str) -> None:
    status, _, answer = call(server, "POST", "/api/read", raw=b'{"inputs": []}', headers={"Content-Type": content_type})
    assert status == 415 and "must be JSON" in answer["error"]


def test_an_oversize_body_is_refused_with_a_clear_message_before_it_is_read() -> None:
    small = start(max_body=100_000)
    try:
        status, _, answer = call(small, "POST", "/api/read", {"inputs": [{"name": "big", "text": "x" * 300_000}]})
        assert status == 413
        assert (
            answer["error"].startswith("the text is too large: 0.3 MB sent, the page takes at most 0.1 MB") and "bibx export FILE" in answer["error"]
        )
        assert call(small, "GET", "/api/formats")[0] == 200  # the server still answers
    finally:
        small.shutdown()
        small.server_close()


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        (b"{not json", 400, "not JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"inputs": "text"}', 400, "inputs must be"),
        (b'{"inputs": [{"text": 1}]}', 400, "inputs must be"),
    ],
)
def test_malformed_requests_are_refused(server: BibxServer, raw: bytes, status: int, message: str) -> None:
    answer_status, _, answer = call(server, "POST", "/api/read", raw=raw)
    assert answer_status == status and message in answer["error"]


def test_exported_bibtex_of_a_selection_is_the_cli_export_less_the_deselected_entry(server: BibxServer) -> None:
    _, _, read = call(server, "POST", "/api/read", {"inputs": seed_inputs(), "as_of": AS_OF})
    dropped = read["rows"][7]["key"]
    status, _, answer = call(server, "POST", "/api/export", {"inputs": seed_inputs(), "as_of": AS_OF, "format": "bibtex", "exclude": [dropped]})
    assert status == 200 and (answer["filename"], answer["media_type"]) == ("references.bib", "application/x-bibtex")
    cli = run_cli(["export", *map(str, seed_files()), "--format", "bibtex", "--as-of", AS_OF]).stdout
    assert answer["text"] == without_entry(cli, dropped)
    assert answer["summary_line"] == "read 205, merged 5, written 199, skipped 0, rejected 0, warnings 0, deselected 1"


def without_entry(bibtex: str, key: str) -> str:
    entries = bibtex.split("\n\n")
    kept = [entry for entry in entries if not entry.lstrip().startswith(("@misc{" + key + ",", "@article{" + key + ","))]
    assert len(kept) == len(entries) - 1
    return "\n\n".join(kept)


def test_export_in_a_csl_style_and_locale(server: BibxServer) -> None:
    body = {"inputs": seed_inputs(), "as_of": AS_OF, "format": "refs", "options": {"style": "apa", "locale": "de-DE"}}
    status, _, answer = call(server, "POST", "/api/export", body)
    assert status == 200 and answer["filename"] == "references.txt" and answer["media_type"] == "text/plain"
    assert "Miao, X., Zhang, H., & Shi, Y., et al. (2021). HET: Scaling out Huge Embedding Model Training" in answer["text"]
    assert "(o.\u00a0J.)" in answer["text"]  # German for "n.d.": the locale reached the writer


def test_a_third_party_writer_exports_with_its_own_file_name_and_type(server: BibxServer) -> None:
    _, _, answer = call(server, "POST", "/api/export", {"inputs": [{"name": "a.bib", "text": BAD_RECORD}], "format": "titles"})
    assert (answer["text"], answer["filename"], answer["media_type"]) == ("A Good Paper\n", "references.titles.txt", "text/x-titles")


@pytest.mark.parametrize(
    ("request_body", "status", "message"),
    [
        ({"format": "refs", "options": {"style": "/etc/passwd"}}, 400, "looks like a file path"),
        ({"format": "refs", "options": {"style": "../../styles/x.csl"}}, 400, "looks like a file path"),
        ({"format": "refs", "options": {"style": "my.csl"}}, 400, "looks like a file path"),
        ({"format": "refs", "options": {"style": "no-such-style-at-all"}}, 400, "unknown style"),
        ({"format": "bibtex", "options": {"style": "apa"}}, 400, "takes no option style"),
        ({"format": "nope"}, 400, "unknown output format"),
        ({"format": "refs", "options": {"style": 3}}, 400, "options a mapping of names to strings"),
        ({"format": "broken"}, 500, "the broken writer (plugin 'ThirdPartyWriter') failed: RuntimeError: out of ink"),
    ],
)
def test_export_errors_are_answered_with_their_message(server: BibxServer, request_body: dict[str, Any], status: int, message: str) -> None:
    answer_status, _, answer = call(server, "POST", "/api/export", {"inputs": [{"name": "a.bib", "text": BAD_RECORD}], **request_body})
    assert answer_status == status and message in answer["error"]


def test_a_bug_answers_its_request_with_its_name_and_the_server_keeps_serving(
    server: BibxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bibx.server, "read_texts", broken)
    status, _, answer = call(server, "POST", "/api/read", {"inputs": []})
    assert status == 500 and answer["error"] == "bibx failed: RuntimeError: a bug"
    assert "RuntimeError: a bug" in capsys.readouterr().err  # the traceback is on the terminal
    assert call(server, "GET", "/api/locales")[0] == 200


def test_resolving_on_arxiv_goes_through_the_resolve_stage(server: BibxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.fake_arxiv import FakeArxiv, load_corpus

    monkeypatch.setenv("BIBX_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BIBX_ARXIV_DELAY", "0")
    corpus = load_corpus()
    record = corpus[0]
    listing = f"@misc{{k, title = {{{record['title']}}}, author = {{{record['authors'][0]} and others}}, year = {{{record['published'][:4]}}}}}\n"
    with FakeArxiv(corpus) as fake:
        monkeypatch.setenv("BIBX_ARXIV_API_URL", fake.url)
        _, _, plain = call(server, "POST", "/api/read", {"inputs": [{"name": "a.bib", "text": listing}]})
        _, _, resolved = call(server, "POST", "/api/read", {"inputs": [{"name": "a.bib", "text": listing}], "resolve": True})
    assert plain["rows"][0]["authors"] == [record["authors"][0]]
    assert resolved["rows"][0]["authors"] == record["authors"] and fake.requests


def test_a_resolving_read_streams_its_progress_then_the_result(server: BibxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.fake_arxiv import FakeArxiv, load_corpus

    monkeypatch.setenv("BIBX_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BIBX_ARXIV_DELAY", "0")
    corpus = load_corpus()[:3]
    listing = "\n".join(
        f"@misc{{k{n}, title = {{{record['title']}}}, author = {{{record['authors'][0]} and others}}}}" for n, record in enumerate(corpus)
    )
    with FakeArxiv(corpus) as fake:
        monkeypatch.setenv("BIBX_ARXIV_API_URL", fake.url)
        body = {"inputs": [{"name": "a.bib", "text": listing}], "resolve": True}
        status, headers, raw = call(server, "POST", "/api/read", body, {"Accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in raw.decode().splitlines()]
    assert status == 200 and headers["content-type"] == "application/x-ndjson"
    progress = [line["resolved"] for line in lines[:-1]]
    assert progress and progress == sorted(progress) and progress[-1] == 3
    assert [row["authors"] for row in lines[-1]["result"]["rows"]] == [record["authors"] for record in corpus]


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", Path(__file__).parent.parent / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_a_thousand_pasted_papers_are_read(server: BibxServer) -> None:
    # How fast is measured by benchmarks/bench_serve.py, not here: a timed test measures the machine's load.
    page = io.StringIO()
    load_generator().write_profile(page, 1000, 0, 2026)
    body = {"inputs": [{"name": "pasted text", "text": page.getvalue()}], "as_of": AS_OF}
    status, _, answer = call(server, "POST", "/api/read", body)
    assert status == 200 and len(answer["rows"]) == 1000
    assert all(row["kind"] == "paper" for row in answer["rows"]) and "warnings 0" in answer["summary_line"]


def test_bibx_serve_prints_its_url_serves_and_stops_on_ctrl_c() -> None:
    beside_python = Path(sys.executable).with_name("bibx")  # the console script of this environment, else the one on PATH
    bibx = str(beside_python) if beside_python.is_file() else require_tool("bibx")
    process = subprocess.Popen([bibx, "serve", "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url, line
        connection = http.client.HTTPConnection("127.0.0.1", int(url.group(1)), timeout=10)
        connection.request("GET", "/api/formats")
        assert connection.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stderr.read()
    finally:
        process.kill()
