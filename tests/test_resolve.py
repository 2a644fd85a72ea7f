"""``bibx export --resolve``: matching, cache, batching, offline, against a loopback fake arXiv API."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bibx.model import Person
from bibx.resolve import choose, family_names_agree, normalise_title, search_words
from bibx.richtext import from_latex
from bibx.specs import Candidate
from bibx.testing import run_cli
from bibx_plugins.arxiv import resolver as arxiv_resolver
from tests.fake_arxiv import FakeArxiv, load_corpus, near_misses, profile_listing, write_scenario

CORPUS = load_corpus()


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own cache folder, no delay between requests and a short timeout."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BIBX_CACHE_DIR", str(cache))
    monkeypatch.setenv("BIBX_ARXIV_DELAY", "0")
    monkeypatch.setenv("BIBX_ARXIV_TIMEOUT", "0.5")
    return cache


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArxiv]:
    """The corpus and three near misses per paper, served on a loopback port."""
    served = CORPUS + [miss for serial, record in enumerate(CORPUS) for miss in near_misses(record, serial)]
    with FakeArxiv(served, hang_seconds=1.5) as server:
        monkeypatch.setenv("BIBX_ARXIV_API_URL", server.url)
        yield server


def listing(tmp_path: Path, records: list[dict[str, Any]], name: str = "listing.txt") -> Path:
    path = tmp_path / name
    path.write_text(profile_listing(records), encoding="utf-8")
    return path


def export(*args: str, plugins: list[object] | None = None) -> tuple[list[dict[str, Any]], str, int]:
    """CSL-JSON items, stderr and exit code of ``bibx export ARGS --format csljson``."""
    result = run_cli(["export", *args, "--format", "csljson", "--quiet"], plugins=plugins or [])
    items = json.loads(result.stdout) if result.stdout.strip() else []
    return items, result.stderr, result.exit_code


def arxiv_ids(items: list[dict[str, Any]]) -> dict[str, str | None]:
    return {item["title"]: item.get("number", "").removeprefix("arXiv:") or None for item in items}


# --- titles, names, choosing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "recorded"),
    [
        ("Attention is all you need", "Attention Is All You Need"),
        ("Sparsity-certifying graph decompositions", "Sparsity certifying Graph Decompositions"),
        ("Schrödinger bridges at scale", 'Schr\\"odinger Bridges at  Scale'),
        ("E$^{2}$GAN: fast training", "E2GAN: Fast Training"),
        ("Calculation of prompt diphoton production cross sections at Tevatron and LHC energies", CORPUS[0]["title"]),
        ("Crème brûlée networks", "Creme Brulee Networks"),
    ],
)
def test_titles_that_differ_only_in_case_accents_punctuation_latex_or_spacing_are_equal(listed: str, recorded: str) -> None:
    assert normalise_title(from_latex(listed)) == normalise_title(from_latex(recorded))


@pytest.mark.parametrize(
    "other",
    ["Attention Is All You Need for Low-Resource Settings", "Attention Is All You Want", "Attention Is Not All You Need", "Attention All You Need"],
)
def test_a_near_miss_title_is_another_title(other: str) -> None:
    assert normalise_title("Attention Is All You Need") != normalise_title(other)


def test_search_words_leave_out_markup_and_every_character_that_could_break_a_query() -> None:
    assert search_words('Why "Attention" AND (Not) OR: Recurrence?') == ["why", "attention", "and", "not", "or", "recurrence"]
    assert search_words("From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$") == ["from", "dyadic"]
    assert search_words(from_latex("From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$")) == ["from", "dyadic"]


def test_family_names_agree_in_either_name_order_and_with_accents_folded() -> None:
    record = Candidate("1", "T", authors=("C. Balázs", "Zhao Hanyu"))
    assert family_names_agree((Person("Balazs", "C."), Person("Zhao", "Hanyu")), record)
    assert not family_names_agree((Person("Balazs", "C."), Person("Smith", "J.")), record)


def candidate(identifier: str, title: str, authors: tuple[str, ...], published: str) -> Candidate:
    import datetime as dt

    return Candidate(identifier, title, authors, dt.date.fromisoformat(published), identifier)


def paper(title: str, authors: tuple[Person, ...] = (), date: str | None = None) -> Any:
    from bibx.dates import partial_date_from_text
    from bibx.model import Paper

    return Paper(title=title, creators=authors, authors_known=bool(authors), date=partial_date_from_text(date) if date else None)


def test_the_near_miss_ranked_first_is_rejected_and_the_exact_title_taken() -> None:
    found = [
        candidate("2501.00001", "Attention Is All You Need for Low-Resource Settings", ("Ashish Vaswani",), "2025-01-02"),
        candidate("2502.00001", "Attention Is All You Want", ("Ashish Vaswani",), "2025-01-02"),
        candidate("1706.03762", "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), "2017-06-12"),
    ]
    chosen, _ = choose(paper("Attention is all you need", (Person("Vaswani", "Ashish"),)), found)
    assert chosen is not None and chosen.id == "1706.03762"


def test_only_near_misses_leave_the_paper_unresolved() -> None:
    found = [candidate("2501.00001", "Attention Is All You Need for Low-Resource Settings", ("Ashish Vaswani",), "2025-01-02")]
    assert choose(paper("Attention is all you need"), found) == (None, "no record has this title")


def test_the_same_title_by_other_authors_is_rejected() -> None:
    found = [candidate("2503.00001", "Attention Is All You Need", ("Quentin Zyxwvut",), "2020-01-01")]
    chosen, reason = choose(paper("Attention Is All You Need", (Person("Vaswani", "Ashish"),)), found)
    assert chosen is None and "other authors" in reason


def test_of_two_papers_with_one_title_the_one_whose_date_fits_is_taken() -> None:
    found = [candidate("2003.00001", "Scaling Laws", ("A B",), "2020-03-01"), candidate("2201.00001", "Scaling Laws", ("C D",), "2022-01-05")]
    chosen, _ = choose(paper("Scaling laws", date="2022-01"), found)
    assert chosen is not None and chosen.id == "2201.00001"


def test_two_papers_with_one_title_and_no_date_to_tell_them_apart_are_ambiguous() -> None:
    found = [candidate("2003.00001", "Scaling Laws", ("A B",), "2020-03-01"), candidate("2201.00001", "Scaling Laws", ("C D",), "2022-01-05")]
    chosen, reason = choose(paper("Scaling laws"), found)
    assert chosen is None and reason.startswith("ambiguous")


# --- the whole corpus ---------------------------------------------------------------------------


def test_the_corpus_resolves_completely_with_no_wrong_id_in_few_requests_then_from_the_cache(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    with FakeArxiv(scenario.served) as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIBX_ARXIV_API_URL", server.url)
        files = [str(path) for path in scenario.files]
        items, stderr, code = export(*files, "--resolve")
        assert code == 0, stderr
        found = arxiv_ids(items)
        assert set(found) == set(scenario.expected)
        wrong = {title: found[title] for title, expected in scenario.expected.items() if found[title] not in (expected, None)}
        assert wrong == {}
        missing = [title for title, expected in scenario.expected.items() if expected and found[title] != expected]
        assert missing == []
        absent = [title for title, expected in scenario.expected.items() if expected is None]
        assert all(f"not resolved, written as listed: {title!r}" in stderr for title in absent)
        cold_requests = len(server.requests)
        assert cold_requests * 100 <= 10 * scenario.papers
        # A second run asks nothing and writes the same; so does --offline.
        again, _, _ = export(*files, "--resolve")
        offline, _, _ = export(*files, "--resolve", "--offline")
        assert len(server.requests) == cold_requests
        assert again == items == offline


def test_a_resolved_paper_gets_the_full_author_list_first_version_date_doi_and_journal(tmp_path: Path, fake: FakeArxiv) -> None:
    record = CORPUS[8]  # 0704.0009: seven authors, a journal reference and a DOI
    items, stderr, code = export(str(listing(tmp_path, [record])), "--resolve")
    assert code == 0, stderr
    (item,) = items
    assert [f"{name['given']} {name['family']}" for name in item["author"]][:2] == ["Paul Harvey", "Bruno Merin"]
    assert len(item["author"]) == len(record["authors"]) == 7
    assert "et al." not in item.get("note", "")
    assert item["issued"] == {"date-parts": [[2007, 4, 2]]}
    assert item["number"] == "arXiv:0704.0009" and item["DOI"] == record["doi"]
    assert item["container-title"] == record["journal_ref"]


def test_the_model_records_which_fields_came_from_arxiv_and_keeps_the_listings_own(tmp_path: Path, fake: FakeArxiv) -> None:
    result = run_cli(["export", str(listing(tmp_path, [CORPUS[8]])), "--resolve", "--format", "json", "--quiet"])
    (data,) = json.loads(result.stdout)
    sources = {source["field"]: source for source in data["field_sources"]}
    assert set(sources) >= {"arxiv_id", "creators", "doi", "journal_ref"}
    assert sources["creators"]["source"] == "arxiv:0704.0009"
    assert sources["creators"]["listing_value"] == "Paul Harvey, Bruno Merin, Tracy L. Huard et al."
    assert sources["creators"]["fetched"]
    assert data["sources"][0]["reader"] == "profile"


def test_inspect_papers_shows_where_each_resolved_field_came_from(tmp_path: Path, fake: FakeArxiv) -> None:
    result = run_cli(["inspect", str(listing(tmp_path, [CORPUS[8]])), "--papers", "--resolve"])
    assert result.exit_code == 0, result.stderr
    assert "← creators from arxiv:0704.0009 (listing: Paul Harvey, Bruno Merin, Tracy L. Huard et al.)" in result.stdout
    assert "← arxiv_id from arxiv:0704.0009" in result.stdout


def test_bibtex_and_ris_name_the_published_version(tmp_path: Path, fake: FakeArxiv) -> None:
    path = str(listing(tmp_path, [CORPUS[0]]))
    bib = run_cli(["export", path, "--resolve", "--format", "bibtex", "--quiet"]).stdout
    assert "eprint = {0704.0001}" in bib and "journal = {Phys.Rev.D76:013009,2007}" in bib and "doi = {10.1103/PhysRevD.76.013009}" in bib
    ris = run_cli(["export", path, "--resolve", "--format", "ris", "--quiet"]).stdout
    assert "JO  - Phys.Rev.D76:013009,2007" in ris and "DO  - 10.1103/PhysRevD.76.013009" in ris


def test_a_paper_with_an_arxiv_id_is_looked_up_by_id_and_written_without_its_version(tmp_path: Path, fake: FakeArxiv) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text(
        "@misc{x, title = {Sparsity-certifying Graph Decompositions}, author = {Streinu, Ileana and others}, "
        "eprint = {0704.0002v2}, archivePrefix = {arXiv}}\n"
    )
    items, stderr, code = export(str(bib), "--resolve")
    assert code == 0, stderr
    assert fake.requests[0]["id_list"] == "0704.0002"
    assert items[0]["number"] == "arXiv:0704.0002" and len(items[0]["author"]) == 2


def test_titles_with_quotes_and_operators_make_a_well_formed_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = CORPUS[1] | {"id": "2601.00001", "title": 'Why "Attention" AND (Not) OR: Recurrence?'}
    with FakeArxiv([record]) as server:  # the fake answers a malformed query with arXiv's HTTP 400
        monkeypatch.setenv("BIBX_ARXIV_API_URL", server.url)
        items, stderr, _ = export(str(listing(tmp_path, [record])), "--resolve")
    assert items[0]["number"] == "arXiv:2601.00001", stderr


def test_results_beyond_one_page_are_fetched_with_start(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arxiv_resolver, "PAGE_SIZE", 3)
    items, stderr, _ = export(str(listing(tmp_path, CORPUS[:2])), "--resolve")
    # Each phrase finds its paper, a longer title and the same title by others: 6 results, 2 pages of 3.
    assert [params["start"] for params in fake.requests] == ["0", "3"]
    assert {item["number"] for item in items} == {"arXiv:0704.0001", "arXiv:0704.0002"}, stderr


# --- no network unless asked; offline ------------------------------------------------------------


def test_without_resolve_bibx_makes_no_network_request(tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    items, stderr, code = export(str(listing(tmp_path, CORPUS[:3])))
    assert code == 0, stderr
    assert fake.requests == [] and all("number" not in item for item in items)


def test_offline_with_an_empty_cache_asks_nothing_and_says_so_per_paper(tmp_path: Path, fake: FakeArxiv) -> None:
    items, stderr, code = export(str(listing(tmp_path, CORPUS[:3])), "--resolve", "--offline")
    assert code == 0 and len(items) == 3 and fake.requests == []
    assert stderr.count("not in the cache, and --offline") == 3


def test_offline_needs_resolve(tmp_path: Path) -> None:
    result = run_cli(["export", str(listing(tmp_path, CORPUS[:1])), "--offline", "--format", "csljson"])
    assert result.exit_code == 2 and "--offline only applies with --resolve" in result.stderr
