"""The BibTeX/BibLaTeX, CSL-JSON and RIS readers: round trips through bibx's own writers, rejected
records with their lines, detection, and merging new dumps into an existing .bib without touching
its keys. What other tools write (arXiv, Zotero) is in tests/test_standard_readers_formats.py.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

import bibx_plugins.bibtex
import bibx_plugins.csl
import bibx_plugins.ris
from bibx import Organization, Paper, Person, ReadContext, ReaderSpec, Report, WriteContext
from bibx.pipeline import detect_reader
from bibx.plugins import PluginHost
from bibx.richtext import to_plain
from bibx.sources import open_input
from bibx.testing import collect_papers, run_cli, seed_files
from bibx_plugins.bibtex import reader as bibtex_reader
from bibx_plugins.csl import reader as csljson_reader
from bibx_plugins.ris import reader as ris_reader
from tests.corpus import EDGE_PAPERS

READERS = (bibx_plugins.bibtex, bibx_plugins.csl, bibx_plugins.ris)
AS_OF = dt.date(2026, 11, 25)
# Each writer and the reader that reads its output back.
ROUND_TRIPS = {"bibtex": "bibtex", "biblatex": "bibtex", "csljson": "csljson", "ndjson": "csljson", "ris": "ris"}


def export(host: PluginHost, writer: str, papers: list[Paper], folder: Path) -> Path:
    out = io.StringIO()
    host.writers.get(writer).factory(WriteContext()).write(papers, out)
    folder.mkdir(exist_ok=True)
    path = folder / f"export.{writer}"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def read(host: PluginHost, text: str, folder: Path, name: str = "input.txt") -> tuple[list[Paper], list[Report]]:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return collect_papers([path], merge=False, host=host)


def messages(reports: list[Report]) -> list[str]:
    return [f"{report.line}: {'error' if report.rejected else 'warning'}: {report.message}" for report in reports]


def written_fields(paper: Paper) -> Paper:
    """The paper without what none of these formats carries: provenance, the listing's own
    category code, the code flag and score, and whether a listing date's year was inferred."""
    listing = replace(paper.listing_date, year_inferred=False) if paper.listing_date else None
    return replace(paper, sources=(), category_raw=None, has_code=False, score=None, listing_date=listing)


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize(("writer", "reader"), ROUND_TRIPS.items())
def test_export_read_export_is_identical(host: PluginHost, seeds: list[Paper], tmp_path: Path, writer: str, reader: str) -> None:
    corpus = [*EDGE_PAPERS, *seeds]
    first = export(host, writer, corpus, tmp_path)
    papers, reports = collect_papers([first], merge=False, host=host)
    assert reports == []
    assert {source.reader for paper in papers for source in paper.sources} == {reader}
    second = export(host, writer, papers, tmp_path / "again")
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


@pytest.mark.parametrize("writer", ROUND_TRIPS)
def test_every_written_field_of_the_seed_papers_is_read_back(host: PluginHost, seeds: list[Paper], tmp_path: Path, writer: str) -> None:
    papers, _ = collect_papers([export(host, writer, seeds, tmp_path)], merge=False, host=host)
    expected = [written_fields(paper) for paper in seeds]
    if writer == "ris":  # RIS has no markup: the rich text arrives as its plain text
        expected = [replace(paper, title=to_plain(paper.title), abstract=to_plain(paper.abstract)) for paper in expected]
    assert [written_fields(paper) for paper in papers] == expected


@pytest.mark.parametrize("writer", ROUND_TRIPS)
def test_every_written_field_of_the_edge_cases_is_read_back(host: PluginHost, tmp_path: Path, writer: str) -> None:
    # Left out: the paper of hostile control characters, which the writers deliberately clean.
    edge = [paper for paper in EDGE_PAPERS if paper.key != "obrien2023quotes"]
    papers, _ = collect_papers([export(host, writer, edge, tmp_path)], merge=False, host=host)
    expected = [written_fields(paper) for paper in edge]
    if writer in {"bibtex", "biblatex", "ris"}:
        # BibTeX and RIS cannot tell a one-word person from an organisation: both are one field.
        expected = [replace(paper, creators=(Organization("Plato"),)) if paper.key == "plato2019journal" else paper for paper in expected]
    assert [written_fields(paper) for paper in papers] == expected


# --- detection and registration ------------------------------------------------------------------


@pytest.mark.parametrize(("writer", "reader"), [*ROUND_TRIPS.items(), ("json", "json")])
def test_each_export_is_detected_as_its_format(host: PluginHost, seeds: list[Paper], tmp_path: Path, writer: str, reader: str) -> None:
    source = open_input(str(export(host, writer, seeds[:3], tmp_path)), tmp_path)
    assert detect_reader(source, host).name == reader


@pytest.mark.parametrize("seed", seed_files(), ids=lambda path: path.name[:3])
def test_the_seed_dumps_are_not_claimed_by_the_standard_readers(seed: Path) -> None:
    head = open_input(str(seed), seed.parent).head()
    assert [module.sniff(head) for module in READERS] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("module", "name", "extension"),
    [(bibx_plugins.bibtex, "bibtex", "bib"), (bibx_plugins.csl, "csljson", "csl.json"), (bibx_plugins.ris, "ris", "ris")],
)
def test_each_package_registers_its_reader(module: object, name: str, extension: str) -> None:
    registered: list[ReaderSpec] = []
    module.bibx_register_readers(register=registered.append)
    (spec,) = registered
    assert (spec.name, spec.extensions[0], spec.sniff is not None) == (name, extension, True)


# --- merging new dumps into an existing .bib --------------------------------------------------------

EXISTING_BIB = """
@misc{MyRoadmapKey,
  title = {A Roadmap for Big Model},
  author = {Yuan, Sha and Zhao, Hanyu and Zhao, Shuai and others},
  year = {2022}, month = mar, day = {26},
}

@misc{yuan2022roadmap,
  title = {A Different Roadmap},
  author = {Yuan, Sha},
  year = {2022},
}

@inproceedings{Vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and others},
  booktitle = {NeurIPS},
  year = 2017,
}
"""


def export_cli(*args: str) -> tuple[int, str]:
    result = run_cli(["export", *args])
    return result.exit_code, result.stderr


def test_dumps_merge_into_an_existing_bib_without_changing_its_keys(host: PluginHost, tmp_path: Path) -> None:
    existing = tmp_path / "refs.bib"
    existing.write_text(EXISTING_BIB.lstrip(), encoding="utf-8")
    merged = tmp_path / "merged.bib"
    code, stderr = export_cli(str(existing), *map(str, seed_files()), "--format", "bibtex", "-o", str(merged))
    assert code == 0, stderr
    assert "refs.bib:13: warning: fields bibx has no place for were not carried over (records per field): booktitle (1)" in stderr
    assert "read 208, merged 6, written 202" in stderr
    papers, _ = collect_papers([merged], merge=False, host=host)
    keys = [paper.key for paper in papers]
    assert len(set(keys)) == len(keys) == 202
    by_key = {paper.key: paper for paper in papers}
    assert by_key["yuan2022roadmap"].title == "A Different Roadmap"
    assert by_key["Vaswani2017"].title == "Attention Is All You Need"
    roadmap = by_key["MyRoadmapKey"]
    # The seed profile's reading of the same paper added what the .bib lacked.
    assert roadmap.organizations == ("bytedance", "pku") and roadmap.abstract.startswith("With the rapid development")
    assert [paper.key for paper in papers if paper.title == "A Roadmap for Big Model"] == ["MyRoadmapKey"]


@pytest.mark.parametrize("writer", ROUND_TRIPS)
def test_merging_the_same_dumps_again_changes_nothing(tmp_path: Path, writer: str) -> None:
    seeds = [str(path) for path in seed_files()]
    (tmp_path / "refs.bib").write_text(EXISTING_BIB.lstrip(), encoding="utf-8")
    first, second = tmp_path / f"first.{writer}", tmp_path / f"second.{writer}"
    assert export_cli(str(tmp_path / "refs.bib"), *seeds, "--format", writer, "-o", str(first))[0] == 0
    assert export_cli(str(first), *seeds, "--format", writer, "-o", str(second))[0] == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


# --- robustness: a record the reader cannot take costs that record only (issue 16) --------------


def read_all(module: object, text: str) -> list[Paper | Report]:
    return list(module.read(text.splitlines(), ReadContext("in", AS_OF, "test")))  # type: ignore[attr-defined]


def test_a_ris_record_longer_than_the_limit_is_refused_without_being_held() -> None:
    from bibx.standard_record import MAX_RECORD_CHARS

    long_record = "TY  - JOUR\n" + "AB  - x\n" * (MAX_RECORD_CHARS // 8 + 1) + "ER  - \n"
    split = list(ris_reader.split_records((long_record + "TY  - JOUR\nTI  - Next\nER  - \n").splitlines()))
    assert split[0].oversized and sum(len(line) for line in split[0].lines) <= MAX_RECORD_CHARS
    results = read_all(ris_reader, long_record + "TY  - JOUR\nTI  - Next\nER  - \n")
    assert [str(result) for result in results if isinstance(result, Report)] == [
        f"in:1: error: RIS record longer than {MAX_RECORD_CHARS:,} characters"
    ]
    assert [result.title for result in results if isinstance(result, Paper)] == ["Next"]


def test_an_unclosed_item_in_one_item_per_line_csl_json_costs_that_item() -> None:
    text = (
        '[\n{"id": "a", "type": "article", "title": "A"},\n{"id": "b", "type": "article", "title": "B",\n'
        '{"id": "c", "type": "article", "title": "C"}\n]'
    )
    results = read_all(csljson_reader, text)
    assert [result.title for result in results if isinstance(result, Paper)] == ["A", "C"]
    assert [str(result) for result in results if isinstance(result, Report)] == ["in:3: error: the item is not closed before the next item starts"]


def test_a_pretty_printed_item_keeps_its_one_line_names() -> None:
    text = (
        '[\n  {\n    "id": "a",\n    "type": "article",\n    "title": "A",\n    "author": [\n      {"family": "Doe", "given": "Jane"}\n    ]\n  }\n]'
    )
    (paper,) = read_all(csljson_reader, text)
    assert isinstance(paper, Paper) and paper.creators == (Person("Doe", "Jane"),)


def test_text_outside_json_items_is_reported_not_dropped() -> None:
    text = '[\n{"id": "a", "type": "article", "title": "A"},\nLoad more\n{"id": "b", "type": "article", "title": "B"}\n]'
    results = read_all(csljson_reader, text)
    assert [result.title for result in results if isinstance(result, Paper)] == ["A", "B"]
    assert [str(result) for result in results if isinstance(result, Report)] == ["in:3: error: text outside any JSON item: 'Load more'"]


def test_bibtex_macros_are_case_insensitive_and_may_build_on_each_other() -> None:
    macros = bibtex_reader.Macros()
    undefined: list[str] = []
    macros.define("First", '"Deep"', undefined)
    macros.define("both", 'FIRST # { Learning} # " # not a concatenation"', undefined)
    assert macros.resolve("Both # {, } # dec", undefined) == "Deep Learning # not a concatenation, December"
    assert macros.resolve('{C\\# {#}} # "x"', undefined) == "C\\# {#}x" and undefined == []


def test_scalars_in_a_csl_json_array_are_reported_not_dropped() -> None:
    text = '[1, {"id": "a", "type": "article", "title": "A"}, "stray", null,\n{"id": "b", "type": "article", "title": "B"}]'
    results = read_all(csljson_reader, text)
    assert [result.title for result in results if isinstance(result, Paper)] == ["A", "B"]
    assert [str(result) for result in results if isinstance(result, Report)] == [
        "in:1: error: text outside any JSON item: '1,'",
        "in:1: error: text outside any JSON item: ', \"stray\", null,'",
    ]
