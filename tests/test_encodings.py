"""The seeds re-encoded every way a copied listing arrives produce the same papers.

Byte-order marks, UTF-16/32, CRLF and lone CR line ends, no-break and zero-width characters, tabs
and trailing blanks change nothing but the provenance path. Text that is not UTF-8 is read as
cp1252 line by line, with one warning at the first such line.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bibx import Paper, Report
from bibx.testing import SEED_AS_OF, collect_papers, run_cli, seed_files

Variant = Callable[[str], bytes]


def without_paths(papers: list[Paper]) -> list[Paper]:
    """The papers with every provenance path blanked: the one thing a re-encoded copy may change."""
    return [replace(paper, sources=tuple(replace(source, path="") for source in paper.sources)) for paper in papers]


def names_with_invisible_characters(text: str) -> str:
    """No-break spaces inside and between names, zero-width characters and soft hyphens within them."""
    text = re.sub(r"(?m)^([A-Z][a-z]+) ([A-Z][a-z]+),", "\\1\u00a0\\2,\u200b", text)
    return text.replace("Zhao", "Zh\u200dao\u2060").replace("Hanyu", "Han\u00adyu").replace(", ", ",\u202f")


def mixed_line_ends(text: str) -> str:
    """CRLF, CR and LF in turn, as in a file pasted together on different systems."""
    ends = itertools.cycle(["\r\n", "\n", "\r"])  # never CR then LF, which is one CRLF
    return re.sub("\n", lambda _: next(ends), text)


VARIANTS: dict[str, Variant] = {
    "utf-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 little-endian with BOM": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 big-endian with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32 with BOM": lambda text: text.encode("utf-32"),
    "CRLF": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "lone CR": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "mixed line ends": lambda text: mixed_line_ends(text).encode("utf-8"),
    "utf-16 with CRLF": lambda text: text.replace("\n", "\r\n").encode("utf-16"),
    "invisible characters in names": lambda text: names_with_invisible_characters(text).encode("utf-8"),
    "tabs and trailing blanks": lambda text: re.sub(r"(?m)$", " \t\u00a0", text.replace(", ", ",\t").replace(" · ", "\t·\t")).encode("utf-8"),
}


def write_variant(text_of: Callable[[Path], str], encode: Variant, folder: Path) -> list[Path]:
    folder.mkdir()
    written = []
    for seed in seed_files():
        path = folder / seed.name
        path.write_bytes(encode(text_of(seed)))
        written.append(path)
    return written


def seed_text(seed: Path) -> str:
    return seed.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_papers_read() -> list[Paper]:
    papers, reports = collect_papers(seed_files())
    assert reports == []
    return without_paths(papers)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_seeds_reencoded_give_the_same_papers(variant: str, seed_papers_read: list[Paper], tmp_path: Path) -> None:
    files = write_variant(seed_text, VARIANTS[variant], tmp_path / "variant")
    papers, reports = collect_papers(files)
    assert reports == []
    assert without_paths(papers) == seed_papers_read


def test_the_variants_really_differ_from_the_seeds_in_bytes(tmp_path: Path) -> None:
    original = seed_files()[0].read_bytes()
    assert all(encode(seed_text(seed_files()[0])) != original for encode in VARIANTS.values())


def legacy_safe(seed: Path) -> str:
    """A seed with the characters cp1252 and Latin-1 cannot spell replaced, so both can encode it."""
    return "".join(char if char.encode("cp1252", "ignore") and char.encode("latin-1", "ignore") else "?" for char in seed_text(seed))


@pytest.mark.parametrize("legacy", ["cp1252", "latin-1"])
def test_legacy_encodings_give_the_same_papers_with_one_warning_per_file(legacy: str, tmp_path: Path) -> None:
    as_utf8, _ = collect_papers(write_variant(legacy_safe, lambda text: text.encode("utf-8"), tmp_path / "utf8"))
    files = write_variant(legacy_safe, lambda text: text.encode(legacy), tmp_path / legacy)
    papers, reports = collect_papers(files)
    assert without_paths(papers) == without_paths(as_utf8)
    non_ascii = [file for file in files if not file.read_bytes().isascii()]
    assert [report.path for report in reports] == [str(file) for file in non_ascii]
    assert all(not report.rejected and "not valid UTF-8; read as cp1252" in report.message for report in reports)
    for report in reports:  # the warning names the first line that is not UTF-8
        first = next(number for number, line in enumerate(Path(report.path).read_bytes().splitlines(), 1) if not line.isascii())
        assert report.line == first


def test_a_stray_legacy_byte_costs_only_its_own_line(tmp_path: Path) -> None:
    listing = tmp_path / "mixed.txt"
    text = seed_text(seed_files()[0]).replace("Sha Yuan", "Šárka Yuañ")
    cut = text.index("ZOOMER: Boosting")
    listing.write_bytes(text[:cut].encode("utf-8") + "Caf\u00e9 ".encode("cp1252") + text[cut:].encode("utf-8"))
    papers, reports = collect_papers([listing])
    assert reports == [
        Report("not valid UTF-8; read as cp1252 (Windows Latin-1) here and on every such line", str(listing), text[:cut].count("\n") + 1)
    ]
    assert papers[0].creators[0].display == "Šárka Yuañ"
    assert papers[1].title.startswith("Café ZOOMER: Boosting")


def test_strict_mode_refuses_a_legacy_encoding(tmp_path: Path) -> None:
    (listing,) = [file for file in write_variant(legacy_safe, lambda text: text.encode("cp1252"), tmp_path / "cp1252") if "001_" in file.name]
    target = tmp_path / "refs.json"
    result = run_cli(["export", str(listing), "-o", str(target), "--strict", "-q", "--as-of", SEED_AS_OF.isoformat()])
    assert result.exit_code == 1
    assert re.search(rf"^bibx: {re.escape(str(listing))}:\d+: warning: not valid UTF-8", result.stderr, re.M)
    assert not target.exists()


def test_corrupt_utf16_is_an_error_at_its_line_and_the_papers_before_it_are_kept(tmp_path: Path) -> None:
    text = seed_text(seed_files()[0])
    cut = text.index("CRDec 7, 2022")
    listing = tmp_path / "corrupt-utf16.txt"
    # A lone high surrogate followed by a letter is not UTF-16.
    listing.write_bytes(codecs.BOM_UTF16_LE + text[:cut].encode("utf-16-le") + b"\x00\xd8A\x00" + text[cut:].encode("utf-16-le"))
    result = run_cli(["export", str(listing), str(seed_files()[2]), "--format", "json", "-q", "--as-of", SEED_AS_OF.isoformat()])
    assert result.exit_code == 1
    error = re.search(rf"^bibx: {re.escape(str(listing))}:(\d+): error: not valid UTF-16 from here on", result.stderr, re.M)
    assert error, result.stderr
    assert int(error[1]) <= text[:cut].count("\n") + 1
    assert '"title": "A Roadmap for Big Model"' in result.stdout
    assert result.stdout.count('"title"') >= 11 + 1


def test_utf16_without_its_byte_order_mark_is_refused_as_binary(tmp_path: Path) -> None:
    listing = tmp_path / "no-bom.txt"
    listing.write_bytes(seed_text(seed_files()[2]).encode("utf-16-le"))
    papers, reports = collect_papers([listing])
    assert papers == []
    assert reports == [Report("binary data (NUL bytes), not a text listing", str(listing), 1, rejected=True)]


def test_control_characters_in_a_listing_vanish_or_become_spaces(tmp_path: Path) -> None:
    # Copied from a terminal or a broken page: an ANSI colour, a bell, a form feed, DEL and a C1 control.
    text = seed_text(seed_files()[2]).replace("SWIFT:A Scalable", "SWIFT:\x1b[31mA\x07\x0cScalable\x7f\x9b", 1)
    listing = tmp_path / "controls.txt"
    listing.write_text(text, encoding="utf-8")
    papers, reports = collect_papers([listing])
    assert reports == []
    assert papers[0].title == "SWIFT:[31mA Scalable lightWeight Infrastructure for Fine-Tuning"
