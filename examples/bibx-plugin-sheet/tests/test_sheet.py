"""The sheet plugin's tests, with bibx's kit: the checklist, then what a user sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bibx_sheet

from bibx import Organization, Paper, PartialDate, Person, ReaderSpec, WriterSpec
from bibx.testing import check_reader, check_writer, read_text, run_cli, seed_files, write_papers


def registered() -> tuple[WriterSpec, ReaderSpec]:
    specs: list[object] = []
    register: Callable[[object], None] = specs.append
    bibx_sheet.bibx_register_writers(register)
    bibx_sheet.bibx_register_readers(register)
    writer, reader = specs
    assert isinstance(writer, WriterSpec) and isinstance(reader, ReaderSpec)
    return writer, reader


WRITER, READER = registered()
PAPERS = [
    Paper(
        "Semi; colons, {braces} and \\ <i>rich</i>",
        creators=(Person("Smith, Jr.", "Jo;e"), Organization("AT&T {Labs}")),
        date=PartialDate(2021),
        doi="10.1000/x",
        key="smith2021semi",
    ),
    Paper("An arXiv paper", creators=(Person("Plato"),), arxiv_id="1706.03762", urls=("https://example.org",), key="plato"),
]


def test_the_writer_and_reader_pass_bibx_checklist() -> None:
    check_writer(WRITER, reader=READER)
    check_reader(READER, sample=write_papers(WRITER, PAPERS).text)


def test_names_and_links_survive_the_round_trip() -> None:
    papers, reports = read_text(READER, write_papers(WRITER, PAPERS).text)
    assert reports == []
    first, second = papers
    assert first.title == "Semi; colons, {braces} and \\ rich" and first.creators == PAPERS[0].creators
    assert (first.date, first.doi, first.key) == (PartialDate(2021), "10.1000/x", "smith2021semi")
    assert (second.creators, second.arxiv_id, second.urls) == ((Person("Plato"),), "1706.03762", ())


def test_the_seed_dumps_export_as_a_sheet(tmp_path: Path) -> None:
    target = tmp_path / "papers.sheet.csv"
    result = run_cli(["export", *map(str, seed_files()), "-o", str(target), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.stderr
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "key,title,authors,year,arxiv,doi,url" and len(rows) == 201
    again = run_cli(["export", str(target), "--format", "sheet"])
    assert again.exit_code == 0 and again.stdout.splitlines() == rows
