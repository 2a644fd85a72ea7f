"""Hostile content is inert in every output format, end to end through ``bibx export``.

Two corpora: a listing whose titles and abstracts carry LaTeX, BibTeX, RIS, HTML, JSON and bidi
payloads (the way hostile text really arrives), and a bibx JSON archive whose names, titles and
abstracts carry what a listing cannot (braces in names, control characters, JSON breakers). Every
output is read back by the format's real parser and must hold exactly one record per paper with
the paper's own text, and LaTeX, with shell escape on, must run none of the payloads.

Broken records and misbehaving reader plugins are in tests/test_hostile_inputs.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import jsonschema
import pybtex.database
import pytest
import rispy

from bibx import Organization, Paper, PartialDate, Person
from bibx.richtext import from_latex
from bibx.testing import SEED_AS_OF, collect_papers, run_cli
from bibx_plugins.bibx_json.codec import paper_from_json, paper_to_json
from tests.helpers import require_tool
from tests.test_bibtex import decode, expected_names, printed, pybtex_names
from tests.test_csljson import schema_path
from tests.test_ris import RIS_LINE, expected_record

LISTING_TITLES = (
    r"Attack \input{secret} and \immediate\write18{touch pwned} now",
    r"Catcodes \catcode`\{=12 \def\x{y} \csname end\endcsname \immediate\openout9=owned.tex",
    "Braces } unbalanced { and @comment{ } @misc{evil, title={x}} @preamble{\\input{secret}}",
    '<script>alert("x")</script> & <img src=x onerror=alert(1)> &amp; entity',
    'JSON "quotes" \\ backslash \\" ]} and {"key": [1]}',
    "Bidi \u202eevil\u202c text \u2066iso\u2069 and \u200fmark",
)
LISTING_ABSTRACT_LINES = (
    "TY  - JOUR",
    "ER  - ",
    "AU  - Injected, Author",
    "@article{injected, title={y}}",
    "%comment } {",
    "</div></textarea><script>alert(1)</script>",
)
ARCHIVE_PAPERS = (
    Paper(
        title="Names that fight back",
        creators=(
            Person("O'Brien}\\input{secret}", "Ann {"),
            Person("Smith and Jones", "Bob"),
            Organization("AT&T {Labs} % not a comment"),
            Person("Doe", "Jane\\catcode`\\@=11"),
        ),
        abstract="A}\n\n@misc{pwned,\ntitle={x}}",
        date=PartialDate(2023, 2),
        key="obrien2023names",
    ),
    Paper(
        title="Terminal \x1b]0;owned\x07 title \x1b[2J cleared \x00 nul \x7f del \u0085 nel",
        creators=(Person("Mallory", "Eve\x1b[31m"),),
        abstract="ER  - \nTY  - JOUR\nAU  - Fake, Author",
        date=PartialDate(2024),
        key="mallory2024terminal",
    ),
    Paper(
        title='{"json": "breaker"}, "]}\\u0000 \u2028 line \u2029 paragraph',
        creators=(Person('Quote"d', "Back\\slash"),),
        abstract="</script><script>alert(1)</script>\u202e",
        authors_truncated=True,
        key="quote2024json",
    ),
)
# What a formatted reference may contain in HTML: citeproc's containers and its rich-text tags.
CSL_HTML_TAGS = {"div", "i", "b", "sup", "sub", "span"}


def hostile_listing(folder: Path) -> Path:
    """An author-profile page with one hostile title and one hostile abstract line per paper."""
    lines = ["Eve Mallory", "", f"{len(LISTING_TITLES)} Papers", ""]
    for day, (title, abstract) in enumerate(zip(LISTING_TITLES, LISTING_ABSTRACT_LINES, strict=True), start=1):
        lines += [
            f"CRMar {day}, 2024",
            title,
            "",
            "Eve Mallory, Bob Smith",
            "",
            f"Abstract {day} with $\\input{{x}}$ and 100% {{braces}}.",
            "",
            abstract,
            "",
        ]
    path = folder / "hostile-listing.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def hostile_archive(folder: Path) -> Path:
    """The archive papers as bibx JSON (escaped ASCII, so every character reaches the writers)."""
    path = folder / "hostile-archive.json"
    path.write_text("[\n" + ",\n".join(json.dumps(paper_to_json(paper)) for paper in ARCHIVE_PAPERS) + "\n]\n", encoding="ascii")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[Paper]]:
    """The input files and the papers bibx reads from them, keys assigned as ``bibx export`` does."""
    folder = tmp_path_factory.mktemp("hostile")
    files = [str(hostile_listing(folder)), str(hostile_archive(folder))]
    papers, reports = collect_papers(files)
    assert reports == []
    assert len(papers) == len(LISTING_TITLES) + len(ARCHIVE_PAPERS)
    return files, papers


def exported(files: list[str], *args: str) -> str:
    result = run_cli(["export", *files, *args, "--as-of", SEED_AS_OF.isoformat(), "-q"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_listing_payloads_reach_the_papers_unchanged(corpus: tuple[list[str], list[Paper]]) -> None:
    _, papers = corpus
    # Listing text is read as the LaTeX it is (bibx.richtext.from_latex): each title as it prints.
    assert {paper.title for paper in papers} >= {from_latex(title) for title in LISTING_TITLES}
    assert {paper.abstract.split("\n\n")[-1] for paper in papers} >= {from_latex(line) for line in LISTING_ABSTRACT_LINES}


@pytest.mark.parametrize("writer", ["bibtex", "biblatex"])
def test_bib_output_parses_to_one_entry_per_paper_with_the_papers_text(writer: str, corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    text = exported(files, "--format", writer)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.blocks) == len(library.entries)  # no @comment, @string or @preamble got out
    bib = pybtex.database.parse_string(text, "bibtex")
    assert [entry.key for entry in library.entries] == list(bib.entries) == [paper.key for paper in papers]
    for paper in papers:
        fields = library.entries_dict[paper.key].fields_dict
        assert decode(fields["title"].value) == printed(paper.title)
        assert decode(fields["abstract"].value) == printed(paper.abstract)
        assert pybtex_names(bib, paper.key) == expected_names(paper)


def test_ris_output_parses_to_one_record_per_paper_with_the_papers_text(corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    text = exported(files, "--format", "ris")
    assert all(RIS_LINE.match(line) or line == "" for line in text.split("\n"))
    assert rispy.loads(text) == [expected_record(paper) for paper in papers]


def csl_names(paper: Paper) -> list[dict[str, str]]:
    names = []
    for creator in paper.creators:
        if isinstance(creator, Organization):
            names.append({"literal": creator.name})
        else:
            names.append({"family": creator.family, **({"given": creator.given} if creator.given else {})})
    if paper.authors_truncated and names and "family" in names[-1]:
        names[-1]["suffix"] = "et al."
    return names


def assert_csl_items_are_the_papers(items: list[dict], papers: list[Paper]) -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.validate(items, schema)
    assert [item["id"] for item in items] == [paper.key for paper in papers]
    for item, paper in zip(items, papers, strict=True):
        assert item["title"] == paper.title
        assert item.get("abstract", "") == paper.abstract
        assert item.get("author", []) == csl_names(paper)
        assert item.get("issued") == ({"date-parts": [list(paper.date.parts)]} if paper.date else None)


def test_csljson_output_is_valid_and_holds_the_exact_strings(corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    assert_csl_items_are_the_papers(json.loads(exported(files, "--format", "csljson")), papers)


def test_ndjson_output_is_one_valid_item_per_line_with_the_exact_strings(corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    lines = exported(files, "--format", "ndjson").split("\n")
    assert lines[-1] == ""
    assert_csl_items_are_the_papers([json.loads(line) for line in lines[:-1]], papers)


def test_bibx_json_output_reads_back_as_the_same_papers(corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    assert [paper_from_json(item) for item in json.loads(exported(files, "--format", "json"))] == papers


class ElementCollector(HTMLParser):
    """Every element and attribute of an HTML fragment, and its text as a browser shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_formatted_html_references_have_no_element_or_attribute_from_the_papers(corpus: tuple[list[str], list[Paper]]) -> None:
    files, papers = corpus
    parser = ElementCollector()
    parser.feed(exported(files, "--format", "refs", "-O", "output-format=html"))
    parser.close()
    assert {tag for tag, _ in parser.tags} <= CSL_HTML_TAGS
    assert {name for _, attrs in parser.tags for name, _ in attrs} <= {"class", "style"}
    assert sum(("class", "csl-entry") in attrs for _, attrs in parser.tags) == len(papers)
    shown = "".join(parser.text)
    for payload in ("<script>alert(", "<img src=x onerror=alert(1)>", r"\input{secret}", "@comment", "AT&T {Labs} % not a comment"):
        assert payload in shown


@pytest.mark.parametrize(
    "writer",
    [
        ["bibtex"],
        ["biblatex"],
        ["ris"],
        *(["refs", "-O", f"output-format={kind}"] for kind in ("text", "html", "markdown")),
    ],
)
def test_no_control_character_reaches_a_text_output(writer: list[str], corpus: tuple[list[str], list[Paper]]) -> None:
    files, _ = corpus
    text = exported(files, "--format", *writer)
    assert re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text) == []


SECRET_MARK = "SECRET-FILE-WAS-READ"
LATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""


def test_latex_with_shell_escape_runs_none_of_the_payloads(corpus: tuple[list[str], list[Paper]], tmp_path: Path) -> None:
    files, papers = corpus
    (tmp_path / "refs.bib").write_text(exported(files, "--format", "bibtex"), encoding="utf-8")
    (tmp_path / "secret.tex").write_text(f"\\typeout{{{SECRET_MARK}}}\n", encoding="utf-8")
    (tmp_path / "doc.tex").write_text(LATEX_DOCUMENT, encoding="utf-8")
    # Shell escape is on: were \write18 live, it would run.
    latex = [require_tool("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "-shell-escape", "doc"]
    for command in (latex, [require_tool("bibtex"), "doc"], latex, latex):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert SECRET_MARK not in log and "secret.tex" not in log
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "owned.tex").exists()
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count(r"\bibitem") == len(papers)
