"""The BibTeX/BibLaTeX, CSL-JSON and RIS readers: round trips through bibx's own writers, what
other tools write (arXiv, Zotero), rejected records with their lines, detection, and merging new
dumps into an existing .bib without touching its keys.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import bibx_plugins.bibtex
import bibx_plugins.csl
import bibx_plugins.ris
from bibx import Organization, Paper, PartialDate, Person, ReadContext, ReaderSpec, Report, WriteContext
from bibx.pipeline import detect_reader
from bibx.plugins import PluginHost
from bibx.richtext import to_plain
from bibx.sources import open_input
from bibx.testing import collect_papers, host_with, run_cli, seed_files
from bibx_plugins.bibtex import reader as bibtex_reader
from bibx_plugins.csl import reader as csljson_reader
from bibx_plugins.ris import reader as ris_reader
from tests.corpus import EDGE_PAPERS

READERS = (bibtex_reader, csljson_reader, ris_reader)
AS_OF = dt.date(2026, 11, 25)
# Each writer and the reader that reads its output back.
ROUND_TRIPS = {"bibtex": "bibtex", "biblatex": "bibtex", "csljson": "csljson", "ndjson": "csljson", "ris": "ris"}


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return host_with()


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


# --- BibTeX and BibLaTeX ------------------------------------------------------------------------

ARXIV_BIBTEX = """
@misc{vaswani2017attention,
      title={Attention Is All You Need},
      author={Ashish Vaswani and Noam Shazeer and Niki Parmar},
      year={2017},
      eprint={1706.03762},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/1706.03762},
}
"""

LIBRARY_BIB = r"""
% A hand-kept library: macros, a journal article, BibLaTeX dates, LaTeX, and some damage.
@string{ttl = "A Title from a Macro"}
@preamble{"\newcommand{\noop}[1]{}"}

@article{Mueller2020,
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Zo{\"e} and {Tencent Hunyuan Team} and others},
  title = {{BERT} and {$K$}-means: 50\% of \emph{everything} -- {\'E}tude},
  journal = {Journal of Examples},
  pages = {1--10},
  year = 2020,
  month = mar,
  keywords = {deep learning, cs.LG},
  doi = {https://doi.org/10.1000/xyz\_1},
  abstract = {Two
    lines.},
}

@online{corp2024,
  author = {{{Ling Team}}},
  title = ttl,
  date = {2024-11-04/2024-11-05},
  eprint = {2411.00001},
  eprinttype = {arxiv},
  eprintclass = {cs.AI},
}

@misc{broken,
  title = {Never closed,
  year = 2021,

@misc{notitle, author = {Doe, Jane}, year = {2019}}

@misc{pubmed2022, title = {Not an arXiv Eprint}, eprint = {12345}, eprinttype = {pubmed}, year = {2022}, month = {13}}
"""


def test_arxivs_own_bibtex_export(host: PluginHost, tmp_path: Path) -> None:
    (paper,), reports = read(host, ARXIV_BIBTEX, tmp_path, "arxiv.bib")
    assert reports == []
    assert paper.key == "vaswani2017attention" and paper.title == "Attention Is All You Need"
    assert paper.creators == (Person("Vaswani", "Ashish"), Person("Shazeer", "Noam"), Person("Parmar", "Niki"))
    assert (paper.arxiv_id, paper.category, paper.date) == ("1706.03762", "cs.CL", PartialDate(2017))
    # The abstract page is the one derived from the id: not kept as a separate link.
    assert paper.urls == () and paper.doi is None
    assert paper.sources[0].line == 1 and paper.sources[0].reader == "bibtex"


def test_a_hand_kept_library(host: PluginHost, tmp_path: Path) -> None:
    papers, reports = read(host, LIBRARY_BIB, tmp_path, "library.bib")
    mueller, corp, pubmed = papers
    assert mueller.key == "Mueller2020"
    assert mueller.creators == (Person("Müller", "Jörg"), Person("van der Berg", "Zoë"), Organization("Tencent Hunyuan Team"))
    assert mueller.authors_truncated and mueller.authors_known
    assert mueller.title == "BERT and <i>K</i>-means: 50% of <i>everything</i> – Étude"
    assert (mueller.date, mueller.category, mueller.doi) == (PartialDate(2020, 3), "cs.LG", "10.1000/xyz_1")
    assert mueller.abstract == "Two lines."
    assert (corp.creators, corp.title, corp.date) == ((Organization("Ling Team"),), "A Title from a Macro", PartialDate(2024, 11, 4))
    assert (corp.arxiv_id, corp.category) == ("2411.00001", "cs.AI")
    assert (pubmed.arxiv_id, pubmed.date) == (None, PartialDate(2022))
    assert messages(reports) == [
        "27: error: unparseable BibTeX block: the entry ends (at the next @entry or the end of the file) with a brace or quote still open",
        "31: error: record has no title",
        "33: warning: month out of range: 13; only the year 2022 is kept",
        "3: warning: fields bibx has no place for were not carried over (records per field): "
        "@preamble (1), eprint (1), eprinttype (1), journal (1), keywords (1), pages (1)",
    ]


def test_bibtex_reader_streams_entry_by_entry(host: PluginHost) -> None:
    def lines() -> Iterator[str]:
        yield from ARXIV_BIBTEX.strip().splitlines()
        yield "@misc{second, title = {Second}}"
        raise AssertionError("read past the start of the second entry before yielding the first")

    assert next(bibtex_reader.read(lines(), ReadContext("stream.bib", AS_OF, "bibtex"))).key == "vaswani2017attention"


# --- CSL-JSON -----------------------------------------------------------------------------------

ZOTERO_CSL = """
[
  {
    "id": "http://zotero.org/users/1/items/ABCD1234",
    "type": "article",
    "title": "Attention Is All You Need",
    "publisher": "arXiv",
    "number": "arXiv:1706.03762",
    "DOI": "10.48550/arXiv.1706.03762",
    "URL": "http://arxiv.org/abs/1706.03762",
    "author": [
      {"family": "Vaswani", "given": "Ashish"},
      {"literal": "Google Brain Team"}
    ],
    "issued": {"date-parts": [["2017", 6, 12]]},
    "keyword": "Computer Science - Computation and Language",
    "citation-key": "vaswani2017attention"
  },
  {
    "id": "beethoven1824",
    "type": "article-journal",
    "title": "Ninth, with {braces} and \\"quotes\\"",
    "container-title": "Journal of Symphonies",
    "author": [{"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
    "issued": {"raw": "1824-05"}
  },
  {"id": "bad-date", "type": "article", "title": "Bad Date", "issued": {"date-parts": [[2020, 13]]}},
  {"id": "untitled", "type": "article"},
  [1, 2],
  {"id": "broken", "title": "x" "y"}
]
"""


def test_a_pretty_printed_zotero_export(host: PluginHost, tmp_path: Path) -> None:
    papers, reports = read(host, ZOTERO_CSL, tmp_path, "zotero.json")
    attention, ninth, bad_date = papers
    assert attention.key == "vaswani2017attention"
    assert attention.creators == (Person("Vaswani", "Ashish"), Organization("Google Brain Team"))
    assert (attention.arxiv_id, attention.doi, attention.urls) == ("1706.03762", None, ())
    assert attention.date == PartialDate(2017, 6, 12) and attention.sources[0].line == 2
    assert (ninth.key, ninth.title, ninth.date) == ("beethoven1824", 'Ninth, with {braces} and "quotes"', PartialDate(1824, 5))
    assert ninth.creators == (Person("van Beethoven", "Ludwig"),)
    assert (bad_date.key, bad_date.date) == ("bad-date", None)
    assert messages(reports) == [
        '26: warning: issued {"date-parts": [[2020, 13]]} is not a date; left out',
        "27: error: record has no title",
        "28: error: a CSL item must be a JSON object",
        "29: error: invalid JSON: Expecting ',' delimiter",
        "2: warning: fields bibx has no place for were not carried over (records per field): container-title (1), keyword (1)",
    ]


def test_ndjson_one_item_per_line(host: PluginHost, tmp_path: Path) -> None:
    text = (
        '{"id": "a", "type": "article", "title": "First"}\n\n'
        '{"id": "b", "type": "article", "title": "Second", "author": [{"given": "Plato"}]}\n{"id": "c", "title": \n'
    )
    papers, reports = read(host, text, tmp_path, "items.ndjson")
    assert [(paper.key, paper.sources[0].line) for paper in papers] == [("a", 1), ("b", 3)]
    assert papers[1].creators == (Person("Plato"),)
    assert messages(reports) == ["4: error: the input ends inside this item"]


def test_csljson_reader_streams_item_by_item(host: PluginHost) -> None:
    def lines() -> Iterator[str]:
        yield "["
        yield '  {"id": "first", "type": "article",'
        yield '   "title": "First"},'
        raise AssertionError("read past the end of the first item before yielding it")

    assert next(csljson_reader.read(lines(), ReadContext("stream.json", AS_OF, "csljson"))).key == "first"


# --- RIS ----------------------------------------------------------------------------------------

ZOTERO_RIS = """
1.
TY  - GEN
TI  - Attention Is All You Need
AU  - Vaswani, Ashish
AU  - Google Brain Team
AB  - The dominant sequence transduction models
  are replaced.
DA  - 2017/06/12/
PY  - 2017
DO  - 10.48550/arXiv.1706.03762
UR  - http://arxiv.org/abs/1706.03762
AN  - arXiv:1706.03762
DB  - arXiv.org
KW  - Computer Science - Computation and Language
KW  - cs.CL
JO  - Some Journal
ID  - vaswani2017
ER  -

TY  - JOUR
AU  - Nobody, Here
ER  -

stray text between records

TY  - JOUR
TI  - Cut Short
"""


def test_a_zotero_ris_export(host: PluginHost, tmp_path: Path) -> None:
    (paper,), reports = read(host, ZOTERO_RIS, tmp_path, "zotero.ris")
    assert (paper.key, paper.title, paper.sources[0].line) == ("vaswani2017", "Attention Is All You Need", 2)
    assert paper.creators == (Person("Vaswani", "Ashish"), Organization("Google Brain Team"))
    assert paper.abstract == "The dominant sequence transduction models are replaced."
    assert (paper.date, paper.arxiv_id, paper.doi, paper.urls, paper.category) == (PartialDate(2017, 6, 12), "1706.03762", None, (), "cs.CL")
    assert messages(reports) == [
        "20: error: record has no title",
        "24: error: text outside any RIS record (a record runs from 'TY  - ' to 'ER  - ')",
        "26: error: RIS record without its closing 'ER  - ' line",
        "2: warning: fields bibx has no place for were not carried over (records per field): JO (1), KW (1)",
    ]


def test_ris_reader_streams_record_by_record(host: PluginHost) -> None:
    def lines() -> Iterator[str]:
        yield from ["TY  - JOUR", "TI  - First", "ER  -"]
        raise AssertionError("read past the record's ER line before yielding it")

    assert next(ris_reader.read(lines(), ReadContext("stream.ris", AS_OF, "ris"))).title == "First"


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
