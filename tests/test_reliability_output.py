"""Writes atomic: a failing writer or an input that cannot be read never costs the -o FILE.

A writer failing half way leaves the previous file untouched and creates none; papers a writer skips
are reported and counted; a successful export replaces the file and leaves no temporary file; and an
incomplete export keeps an existing file byte for byte unless --force.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from bibx import Paper, Report, WriterSpec, hookimpl
from bibx.testing import seed_files
from tests.test_reliability import COMPACT_SEED, EXPLOSIVE_MARK, GOOD_PAPERS, ExplosiveReaderPlugin, counts, export, titles_written

# --- writer reports and atomic output -------------------------------------------------------------


class HalfWriter:
    """Writes the first half of the papers, then fails: a writer plugin with a bug."""

    def __init__(self, context) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out) -> None:
        for number, paper in enumerate(papers, start=1):
            out.write(f"{paper.key}: {paper.title}\n")
            out.flush()
            if number == GOOD_PAPERS // 2:
                raise OSError("the plugin lost its connection")


class SkippingWriter:
    """Skips every paper without a date, reporting each, as the writer contract asks."""

    def __init__(self, context) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out) -> None:
        for paper in papers:
            if paper.date is None:
                origin = paper.origin
                self.context.report(Report("no date, not written", origin.path, origin.line, rejected=True))
                continue
            out.write(f"{paper.key}\n")


class ThrowawayWriters:
    @hookimpl
    def bibx_register_writers(self, register) -> None:
        register(WriterSpec("half", "fails half-way", ("half",), "text/plain", HalfWriter))
        register(WriterSpec("skipping", "skips undated papers", ("skip",), "text/plain", SkippingWriter))


def test_a_writer_failing_half_way_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "refs.half"
    target.write_text("the good bibliography of yesterday\n", encoding="utf-8")
    result = export(str(COMPACT_SEED), "-o", str(target), plugins=[ThrowawayWriters()])
    assert result.exit_code == 3
    assert "the half writer (plugin 'ThrowawayWriters') failed: OSError: the plugin lost its connection" in result.stderr
    assert target.read_text(encoding="utf-8") == "the good bibliography of yesterday\n"
    assert sorted(os.listdir(tmp_path)) == ["refs.half"]


def test_a_writer_failing_half_way_creates_no_file(tmp_path: Path) -> None:
    result = export(str(COMPACT_SEED), "-o", str(tmp_path / "new.half"), plugins=[ThrowawayWriters()])
    assert result.exit_code == 3
    assert os.listdir(tmp_path) == []


def test_papers_a_writer_skips_are_reported_and_counted(tmp_path: Path) -> None:
    daily = seed_files()[4]  # a feed: no paper has a publication date
    result = export(str(COMPACT_SEED), str(daily), "--format", "skipping", "--no-merge", plugins=[ThrowawayWriters()])
    assert result.exit_code == 1
    summary = counts(result.stderr)
    assert (summary["read"], summary["written"], summary["skipped"]) == (GOOD_PAPERS + 137, GOOD_PAPERS, 137)
    assert len(re.findall(rf"^bibx: {re.escape(str(daily))}:\d+: error: no date, not written$", result.stderr, re.M)) == 137
    assert len(result.stdout.splitlines()) == GOOD_PAPERS


def test_strict_mode_keeps_the_previous_file_when_a_writer_skips(tmp_path: Path) -> None:
    target = tmp_path / "refs.skip"
    target.write_text("previous\n", encoding="utf-8")
    result = export(str(seed_files()[4]), "-o", str(target), "--strict", plugins=[ThrowawayWriters()])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["refs.skip"]


def test_a_successful_export_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old", encoding="utf-8")
    assert export(str(COMPACT_SEED), "-o", str(target)).exit_code == 0
    assert titles_written(target.read_text(encoding="utf-8")) == GOOD_PAPERS
    assert os.listdir(tmp_path) == ["refs.json"]


# --- a replace is a decision: an incomplete export keeps the -o file byte for byte ----------------

LIBRARY = b"% kept by hand\n@article{kept2020,\n  title = {The Old Library},\n  author = {Ann Keeper},\n  journal = {J},\n  year = {2020},\n}\n"


def garbage_input(folder: Path) -> Path:
    path = folder / "garbage.bin"
    path.write_bytes(b"\x00\x01\x02 not a listing \xff")
    return path


def unrecognised_text(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("shopping list\n- milk\n- bread\n", encoding="utf-8")
    return path


def missing_input(folder: Path) -> Path:
    return folder / "nope.txt"


def explosive_input(folder: Path) -> Path:
    path = folder / "explosive.txt"
    path.write_text(f"{EXPLOSIVE_MARK}\nThe One Paper Read Before The Crash\nboom\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", [missing_input, garbage_input, unrecognised_text, explosive_input], ids=lambda make: make.__name__)
@pytest.mark.parametrize("merge", [[], ["--no-merge"]], ids=["merge", "no-merge"])
def test_an_input_that_cannot_be_read_leaves_the_output_file_byte_identical(bad, merge: list[str], tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(LIBRARY)
    bad_input = bad(tmp_path)
    result = export(str(COMPACT_SEED), str(bad_input), "-o", str(target), "--format", "bibtex", *merge, plugins=[ExplosiveReaderPlugin()])
    assert result.exit_code == 1
    assert f"Error: {target} not replaced: not every input could be read ({bad_input}" in result.stderr
    assert "--force writes the papers that were read" in result.stderr
    assert target.read_bytes() == LIBRARY
    assert not list(tmp_path.glob(".bibx-*"))


def test_force_writes_the_papers_that_were_read(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old", encoding="utf-8")
    result = export(str(COMPACT_SEED), str(tmp_path / "nope.txt"), "-o", str(target), "--force")
    assert result.exit_code == 1
    assert titles_written(target.read_text(encoding="utf-8")) == GOOD_PAPERS


def test_a_typo_in_the_name_of_the_library_merged_into_keeps_it(tmp_path: Path) -> None:
    library = tmp_path / "mylib.bib"
    library.write_bytes(LIBRARY)
    result = export(str(tmp_path / "mylb.bib"), str(COMPACT_SEED), "--format", "bibtex", "-o", str(library))
    assert result.exit_code == 1
    assert f"{tmp_path / 'mylb.bib'}: error: no such file" in result.stderr
    assert library.read_bytes() == LIBRARY


def test_an_input_the_writer_cannot_keep_verbatim_is_not_rewritten_without_force(tmp_path: Path) -> None:
    library = tmp_path / "refs.csl.json"
    library.write_text('[{"id": "kept2020", "type": "book", "title": "The Old Library", "publisher": "P", "custom": {"x": 1}}]\n', encoding="utf-8")
    before = library.read_bytes()
    result = export(str(library), str(COMPACT_SEED), "-o", str(library))
    assert result.exit_code == 1
    assert f"{library} not replaced: it is also an input" in result.stderr
    assert library.read_bytes() == before
    forced = export(str(library), str(COMPACT_SEED), "-o", str(library), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert library.read_text(encoding="utf-8").count('"title"') == GOOD_PAPERS + 1
