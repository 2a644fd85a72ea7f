"""The BibTeX and BibLaTeX writers' output read back: every spelled Latin letter (and compiled), the
seed, edge and injection papers as the model, and facts in an annote rewrapped by another tool.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bibx import Paper, Person, Report
from bibx_plugins.bibtex.latex import latex_literal
from bibx_plugins.bibtex.reader import entry_record, latex_to_text
from tests.corpus import EDGE_PAPERS
from tests.test_bibtex import INJECTION_PAPERS, WRITERS, assert_round_trip, parse_entries, write_bib

# Every letter of Latin-1 Supplement to Latin Extended-B and of Latin Extended Additional.
LATIN_LETTERS = "".join(
    chr(code) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)) if unicodedata.category(chr(code)).startswith("L")
)
SPELLED_LATIN_LETTERS = "".join(letter for letter in LATIN_LETTERS if latex_literal(letter, ascii_only=True).isascii())


def test_the_bib_reader_reads_every_spelled_latin_letter_back() -> None:
    assert set("űǰệǽ") <= set(SPELLED_LATIN_LETTERS)
    assert [latex_to_text(latex_literal(letter, ascii_only=True)) for letter in SPELLED_LATIN_LETTERS] == list(SPELLED_LATIN_LETTERS)


@pytest.mark.external
def test_every_spelled_latin_letter_compiles_without_warnings(tmp_path: Path) -> None:
    # Imported here: tests.test_latex_compile imports this module.
    from tests.test_latex_compile import BIBTEX_BODY, PREAMBLE, compile_document

    chunks = [SPELLED_LATIN_LETTERS[start : start + 40] for start in range(0, len(SPELLED_LATIN_LETTERS), 40)]
    papers = [Paper(title=chunk, creators=(Person(chunk[:20], chunk[20:]),), key=f"latin{index}") for index, chunk in enumerate(chunks)]
    reports: list[Report] = []
    (tmp_path / "refs.bib").write_text(write_bib("bibtex", papers, reports), encoding="ascii")
    assert reports == []
    assert compile_document(tmp_path, PREAMBLE + BIBTEX_BODY.replace("STYLE", "plain"), "bibtex") == []


@pytest.mark.parametrize("writer", WRITERS)
def test_seed_papers_read_back_as_the_model(writer: str, seeds: list[Paper]) -> None:
    assert_round_trip(writer, seeds)


@pytest.mark.parametrize("writer", WRITERS)
def test_edge_and_injection_papers_read_back_as_the_model(writer: str) -> None:
    safe_ids = [paper for paper in INJECTION_PAPERS if paper.key != "injection2024braces"]
    assert_round_trip(writer, [*EDGE_PAPERS, *safe_ids])


def test_facts_in_an_annote_rewrapped_by_another_tool_are_read_back() -> None:
    text = "@misc{k,\n  title = {T},\n  annote = {bibx-listed:\n 2026-07-29 bibx-affiliation: Tencent AI\n   Lab bibx-link: https://a.org/x\\_y},\n}\n"
    entry = parse_entries(text)["k"]
    assert entry_record(entry, 1).facts == [("bibx-listed", "2026-07-29"), ("bibx-affiliation", "Tencent AI Lab"), ("bibx-link", "https://a.org/x_y")]
