"""``bibx export --resolve`` when things fail: network faults, hostile answers, failing caches and
third-party resolvers, against a loopback fake arXiv API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bibx import hookimpl
from bibx.specs import Candidate, ResolverError, ResolverSpec
from bibx_plugins.arxiv import resolver as arxiv_resolver
from tests import test_resolve
from tests.fake_arxiv import FakeArxiv, one_line
from tests.test_resolve import CORPUS, export, listing

# The fixtures of tests/test_resolve.py: its own cache folder for every test (autouse), the fake arXiv API.
settings = test_resolve.settings
fake = test_resolve.fake

# --- faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize("faults", [["503", "503"], ["429"], ["timeout"], ["503", "timeout", "429"]])
def test_timeouts_5xx_and_429_are_retried(tmp_path: Path, fake: FakeArxiv, faults: list[str]) -> None:
    fake.faults.extend(faults)
    items, stderr, code = export(str(listing(tmp_path, CORPUS[:3])), "--resolve")
    assert code == 0, stderr
    assert [item["number"] for item in items] == ["arXiv:0704.0001", "arXiv:0704.0002", "arXiv:0704.0003"]
    assert len(fake.requests) == len(faults) + 1


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        (["503"] * (arxiv_resolver.RETRIES + 1), "failed 5 times (HTTP 503)"),
        (["429"] * (arxiv_resolver.RETRIES + 1), "failed 5 times (HTTP 429)"),
        (["malformed"], "malformed or unsafe answer"),
        (["entities"], "malformed or unsafe answer"),
        (["html"], "no Atom feed"),
    ],
)
def test_a_failing_or_hostile_answer_leaves_each_paper_unresolved_with_one_warning(
    tmp_path: Path, fake: FakeArxiv, faults: list[str], message: str
) -> None:
    fake.faults.extend(faults)
    items, stderr, code = export(str(listing(tmp_path, CORPUS[:3])), "--resolve")
    assert code == 0 and len(items) == 3, stderr
    assert all("number" not in item for item in items)
    assert "Traceback" not in stderr
    assert stderr.count("not resolved, written as listed") == 3 and stderr.count(message) == 3
    assert len(fake.requests) <= arxiv_resolver.RETRIES + 1  # bounded, and nothing retried after a hostile answer


def test_an_entity_expansion_payload_is_refused_before_expansion() -> None:
    from tests.fake_arxiv import BILLION_LAUGHS

    with pytest.raises(ResolverError, match="unsafe"):
        arxiv_resolver.parse_feed(BILLION_LAUGHS, lambda message: None)


def test_failed_lookups_are_not_cached(tmp_path: Path, fake: FakeArxiv) -> None:
    fake.faults.extend(["503"] * (arxiv_resolver.RETRIES + 1))
    path = str(listing(tmp_path, CORPUS[:2]))
    export(path, "--resolve")
    items, stderr, _ = export(path, "--resolve")
    assert [item["number"] for item in items] == ["arXiv:0704.0001", "arXiv:0704.0002"], stderr


# --- third-party resolvers -----------------------------------------------------------------------


class BrokenResolverPlugin:
    """A resolver whose service always fails."""

    @hookimpl
    def bibx_register_resolvers(self, register: Any) -> None:
        class Broken:
            def find(self, lookups: Any) -> Any:
                raise RuntimeError("service exploded")

        register(ResolverSpec("broken", "always fails", lambda context: Broken()))


class TitleEchoPlugin:
    """A resolver that knows one paper, registered after arXiv: it sees only what arXiv left."""

    @hookimpl
    def bibx_register_resolvers(self, register: Any) -> None:
        class Echo:
            def find(self, lookups: Any) -> Any:
                return [Candidate("echo-1", lookup.title, tuple(CORPUS[0]["authors"]), None, None, None, "10.9999/echo") for lookup in lookups]

        register(ResolverSpec("echo", "finds every title", lambda context: Echo(), batch_size=1))


def test_a_failing_third_party_resolver_costs_its_papers_a_warning_not_the_export(tmp_path: Path, fake: FakeArxiv) -> None:
    unknown = CORPUS[0] | {"title": "A Paper That No Service Knows"}
    items, stderr, code = export(str(listing(tmp_path, [CORPUS[0], unknown])), "--resolve", plugins=[BrokenResolverPlugin()])
    assert code == 0 and len(items) == 2
    assert items[0]["number"] == "arXiv:0704.0001"
    assert "broken: lookup failed: RuntimeError: service exploded" in stderr


def test_papers_arxiv_cannot_resolve_go_to_the_next_resolver(tmp_path: Path, fake: FakeArxiv) -> None:
    unknown = CORPUS[0] | {"title": "A Paper Only Echo Knows"}
    items, stderr, _ = export(str(listing(tmp_path, [CORPUS[0], unknown])), "--resolve", plugins=[TitleEchoPlugin()])
    assert items[0]["number"] == "arXiv:0704.0001" and "DOI" in items[1] and items[1]["DOI"] == "10.9999/echo", stderr
    assert "not resolved" not in stderr


def test_the_arxiv_resolver_is_registered_through_the_hook_like_any_plugin() -> None:
    from bibx.plugins import load_host

    host = load_host()
    assert "arxiv" in host.resolvers() and host.plugins["arxiv"].hooks == ("bibx_register_resolvers",)


def test_a_resolver_hook_that_raises_is_isolated() -> None:
    from bibx.testing import host_with

    class Raising:
        @hookimpl
        def bibx_register_resolvers(self, register: Any) -> None:
            raise RuntimeError("cannot register")

    host = host_with(Raising())
    assert "arxiv" in host.resolvers() and any("cannot register" in warning for warning in host.warnings)


def test_listing_titles_are_matched_on_one_line() -> None:
    assert one_line(CORPUS[0]["title"]) == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"


def test_a_service_that_keeps_failing_is_not_asked_again_in_the_same_run(tmp_path: Path, fake: FakeArxiv) -> None:
    calls: list[int] = []

    class Flaky:
        @hookimpl
        def bibx_register_resolvers(self, register: Any) -> None:
            class Down:
                def find(self, lookups: Any) -> Any:
                    calls.append(len(lookups))
                    raise ResolverError("unreachable")

            register(ResolverSpec("down", "never answers", lambda context: Down(), batch_size=1))

    titles = [CORPUS[0] | {"title": f"A Paper Nobody Has, Part {n}"} for n in range(5)]
    items, stderr, code = export(str(listing(tmp_path, titles)), "--resolve", plugins=[Flaky()])
    assert code == 0 and len(items) == 5
    assert len(calls) == 2 and stderr.count("not asked: it failed 2 times in a row in this run (unreachable)") == 3


def test_a_corrupt_cache_file_is_reported_and_the_run_goes_on(tmp_path: Path, fake: FakeArxiv, settings: Path) -> None:
    settings.mkdir(parents=True)
    (settings / "resolve.sqlite3").write_bytes(b"this is not a database" * 100)
    items, stderr, code = export(str(listing(tmp_path, CORPUS[:2])), "--resolve")
    assert code == 0 and [item["number"] for item in items] == ["arXiv:0704.0001", "arXiv:0704.0002"]
    assert "cannot be used" in stderr and "Traceback" not in stderr


def test_titles_hidden_by_another_titles_flood_of_hits_are_asked_on_their_own(
    tmp_path: Path, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arxiv_resolver, "PAGE_SIZE", 2)
    monkeypatch.setattr(arxiv_resolver, "MAX_PAGES", 1)
    items, stderr, _ = export(str(listing(tmp_path, CORPUS[:3])), "--resolve")
    assert [item.get("number") for item in items] == ["arXiv:0704.0001", "arXiv:0704.0002", "arXiv:0704.0003"], stderr
    assert sum(" OR " in params["search_query"] for params in fake.requests) == 1
