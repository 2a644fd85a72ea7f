"""The BibTeX and BibLaTeX writers: names, escaping, math, case, injection, keys.

``INJECTION_PAPERS`` is the hostile corpus that tests/test_latex_compile.py also compiles: every
payload must come out as printed characters, never as a command. The entries' fields are in
tests/test_bibtex_entry_fields.py, the round trips in tests/test_bibtex_round_trip.py.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from bibtexparser.model import Entry
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexwalker import LatexWalker

from bibx import Organization, Paper, PartialDate, Person, Report, WriteContext
from bibx.facts import fact_lines, paper_doi, primary_url
from bibx.plugins import spec_by_extension
from bibx.richtext import parse, text_of
from bibx.testing import collect_papers, host_with
from bibx_plugins.bibtex.latex import latex_literal, latex_prose
from bibx_plugins.bibtex.writer import MONTH_MACROS, BiblatexWriter, BibtexWriter, BibWriter
from bibx_plugins.bibx_json.codec import paper_to_json
from tests.corpus import EDGE_PAPERS
from tests.helpers import output_before_each

WRITERS: dict[str, type[BibWriter]] = {"bibtex": BibtexWriter, "biblatex": BiblatexWriter}

INJECTION_PAPERS = (
    Paper(
        title=r"\input{/etc/passwd} \include{x} \write18{touch /tmp/pwned} \immediate\write18{id}",
        creators=(Person(r"Evil\def\x{y}", "\\catcode`\\@=11"), Organization("AT&T {Labs} % not a comment")),
        abstract="unbalanced } here { and\n@misc{pwned, title={owned}}\n@comment{ hidden \\end{document}",
        date=PartialDate(2024, 3),
        key="injection2024input",
    ),
    Paper(
        title=r"Math $\input{x}$, $x^2^3$, $^^5cinput$, $x^$, $}{$ but $160\times$ and AntM$^{2}$C",
        creators=(Person("Liu", "Ao"),),
        abstract=r"50% & $ # _ ~ ^ \csname input\endcsname $\def\a{b}$ $a%b$ $\alpha_{i}^{2}$ \\ \verb|x|",
        category="cs.CR",
        arxiv_id="2403.01234",
        date=PartialDate(2024, 3, 26),
        key="injection2024math",
    ),
    Paper(
        title="} closing first, then @string{x = {y}} and a trailing backslash \\",
        authors_known=False,
        urls=("https://example.org/}\\input{y}",),
        arxiv_id="2403.01234}\\input{z}",
        key="injection2024braces",
    ),
)

# The only commands the injection corpus may come out with: the escapes, and the math symbols of
# its harmless formulas (spelled out here, not taken from the writer's allow-list under test).
ALLOWED_MACROS = frozenset(
    {"textbackslash", "textbraceleft", "textbraceright", "textasciitilde", "textasciicircum", "&", "%", "$", "#", "_", "times", "alpha"}
)


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    # pylatexenc decodes \textperiodcentered as ˙ (U+02D9); LaTeX's ts1enc.dfu spells U+00B7 with it.
    symbols = [("textbraceleft", "{"), ("textbraceright", "}"), ("textasciicircum", "^"), ("textperiodcentered", "\u00b7")]
    context.add_context_category("bibx-escapes", macros=[MacroTextSpec(name, text) for name, text in symbols], prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


DECODER = _decoder()


def decode(latex: str) -> str:
    """What LaTeX prints for ``latex`` (math left as source), whitespace collapsed."""
    return " ".join(DECODER.latex_to_text(latex).split())


def printed(text: str) -> str:
    """What a model string (rich text) should print as: its characters, single-spaced, no control characters."""
    text = text_of(parse(text))
    return " ".join("".join(char for char in text if char.isprintable() or char.isspace()).split())


def write_bib(writer: str, papers: Sequence[Paper] | Iterator[Paper], reports: list[Report] | None = None) -> str:
    out = io.StringIO()
    WRITERS[writer](WriteContext(report=(reports if reports is not None else []).append)).write(papers, out)
    return out.getvalue()


def parse_entries(text: str) -> dict[str, Entry]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {entry.key: entry for entry in library.entries}


def fields_of(writer: str, paper: Paper) -> dict[str, str]:
    (entry,) = parse_entries(write_bib(writer, [paper])).values()
    return {field.key: field.value for field in entry.fields}


def macro_names(latex: str) -> set[str]:
    """Every command ``latex`` runs, found by parsing it as LaTeX, inside groups and math too."""
    nodes, _, _ = LatexWalker(latex, tolerant_parsing=False).get_latex_nodes()
    names: set[str] = set()
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if node is None:
            continue
        names.add(getattr(node, "macroname", None) or getattr(node, "environmentname", None) or "")
        pending.extend(getattr(node, "nodelist", None) or [])
        if getattr(node, "nodeargd", None) is not None:
            pending.extend(node.nodeargd.argnlist)
    return names - {""}


@pytest.mark.parametrize("writer", WRITERS)
def test_names_are_family_comma_given_with_corporate_braces_and_others(writer: str) -> None:
    team = Paper(title="T", creators=(Organization("Tencent Hunyuan Team"),), key="team")
    assert "  author = {{Tencent Hunyuan Team}}" in write_bib(writer, [team])
    mixed = Paper(title="T", creators=(Organization("Tencent Hunyuan Team"), Person("Liu", "Ao")), authors_truncated=True, key="k")
    assert fields_of(writer, mixed)["author"] == "{Tencent Hunyuan Team} and Liu, Ao and others"


def test_name_parts_that_styles_would_split_are_braced() -> None:
    paper = Paper(
        title="T",
        creators=(Person("Smith and Sons", "Bob, Jr"), Person("van der Berg", "Jan"), Person("Plato"), Person("others"), Person("Rodríguez", "José")),
        key="k",
    )
    assert fields_of("bibtex", paper)["author"] == (
        "{Smith and Sons}, {Bob, Jr} and van der Berg, Jan and {Plato} and {others} and Rodr{\\'\\i}guez, Jos{\\'e}"
    )
    assert fields_of("biblatex", paper)["author"].endswith("{others} and Rodríguez, José")


@pytest.mark.parametrize("writer", WRITERS)
def test_a_listing_without_authors_gets_an_unprinted_fact_and_no_author(writer: str) -> None:
    fields = fields_of(writer, Paper(title="Scale Efficient Training", authors_known=False, key="k"))
    assert "author" not in fields and "note" not in fields
    assert fields["annote"] == "bibx-authors: none"
    # plainnat and apalike label an authorless entry by its key field, plain sorts by it.
    assert fields.get("key") == ("Scale Efficient Training" if writer == "bibtex" else None)


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("E<sup>2</sup>GAN: Efficient Training of Efficient GANs", "E2GAN"),
        ("Every FLOP Counts Twice", "Every FLOP Counts"),
        ("One: Two Three Four Five", "One"),
        ("DiM<sup>3</sup>: Fast", "DiM3"),
    ],
)
def test_an_authorless_entry_gets_a_short_plain_label(title: str, label: str) -> None:
    assert fields_of("bibtex", Paper(title=title, authors_known=False, key="k"))["key"] == label


def test_listing_facts_go_to_annote_one_line_each_never_to_note() -> None:
    paper = Paper(
        title="T", creators=(Person("Yuan", "Sha"),), authors_truncated=True, organizations=("tencent-ai", "pku"),
        listing_date=PartialDate(2026, 7, 29), date=PartialDate(2026, 5, year_inferred=True), urls=("https://a.org/x_y",), arxiv_id="2607.00001",
        key="k",
    )
    for writer in WRITERS:
        text = write_bib(writer, [paper])
        assert "note =" not in text.replace("annote =", "")
        # "and others" says that the list is truncated: not repeated in annote.
        assert "  annote = {bibx-year: inferred\n    bibx-listed: 2026-07-29\n" in text
        assert "bibx-link: https://a.org/x\\_y}" in text


def test_every_tex_special_character_is_escaped() -> None:
    text = "a & b % c $ d # e _ f { g } h ~ i ^ j \\ k"
    expected = (
        r"a \& b \% c \$ d \# e \_ f \textbraceleft{} g \textbraceright{} h \textasciitilde{} i "
        r"\textasciicircum{} j \textbackslash{} k"
    )
    assert latex_prose(text, ascii_only=True) == latex_literal(text, ascii_only=False) == expected
    assert decode(expected) == text


@pytest.mark.parametrize("word", ["LLMs", "MoE", "GPT-3", "TAPAS", "HunyuanVideo", "Hunyuan-TurboS", "GPT-3.5"])
def test_acronyms_and_mixed_case_words_are_case_protected_in_titles(word: str) -> None:
    assert latex_prose(f"Scaling {word} Further", ascii_only=True, protect_case=True) == f"Scaling {{{word}}} Further"
    assert latex_prose(f"Scaling {word} Further", ascii_only=True) == f"Scaling {word} Further"


def test_ordinary_title_case_words_and_escaped_commands_are_not_braced() -> None:
    assert latex_prose("A Roadmap for Big Model", ascii_only=True, protect_case=True) == "A Roadmap for Big Model"
    assert latex_prose("\\LaTeX", ascii_only=True, protect_case=True) == r"\textbackslash{}{LaTeX}"


def test_bibtex_spells_non_ascii_as_latex_and_biblatex_keeps_utf8() -> None:
    title = "Bǎilíng at 360° — naïve"
    assert latex_prose(title, ascii_only=True) == r"B{\v{a}}il{\'\i}ng at 360{\textdegree} {\textemdash} na{\"\i}ve"
    assert latex_prose(title, ascii_only=False) == title
    assert decode(latex_prose(title, ascii_only=True)) == title


def test_characters_without_latex_spelling_are_kept_and_reported() -> None:
    reports: list[Report] = []
    fields = parse_entries(write_bib("bibtex", [Paper(title="中文 Title", key="k")], reports))["k"].fields_dict
    assert fields["title"].value == "中文 Title"
    assert [(report.rejected, "'中文'" in report.message) for report in reports] == [(False, True)]
    biblatex_reports: list[Report] = []
    assert "title = {中文 Title}" in write_bib("biblatex", [Paper(title="中文 Title", key="k")], biblatex_reports)
    assert biblatex_reports == []


@pytest.mark.parametrize(
    ("character", "latex"),
    [
        ("ű", r"{\H{u}}"),  # Hungarian double acute: \'{u} would print ú
        ("Ő", r"{\H{O}}"),
        ("ĩ", r"{\~\i}"),  # an accent above sits on a dotless i or j
        ("ǐ", r"{\v{\i}}"),
        ("ǰ", r"{\v{\j}}"),
        ("ĵ", r"{\^\j}"),
        ("į", r"{\k{i}}"),  # an accent below keeps the dot
        ("ị", r"{\d{i}}"),
        ("ǘ", r"{\'{\"u}}"),
        ("ệ", r"{\^{\d{e}}}"),
        ("ǽ", r"{\'\ae}"),
        ("ß", r"{\ss}"),
        ("·", r"{\textperiodcentered}"),
    ],
)
def test_letters_are_spelled_with_latexs_own_accents(character: str, latex: str) -> None:
    assert latex_literal(character, ascii_only=True) == latex
    assert decode(latex) == character


def test_latin_letters_without_a_t1_glyph_are_kept_and_reported() -> None:
    # pylatexenc would write Ħ with a macron, Ŀ with a dot above, ĸ as small-caps k and ŉ as \nument{149}.
    letters = "ŉĦħŦŧĿŀĸəơ"
    reports: list[Report] = []
    fields = parse_entries(write_bib("bibtex", [Paper(title=f"T {letters}", key="k")], reports))["k"].fields_dict
    assert fields["title"].value == f"T {{{letters}}}"  # Ħ: a capital inside a word keeps its case
    assert [repr(letters) in report.message for report in reports] == [True]


@pytest.mark.parametrize("writer", WRITERS)
def test_injection_payloads_come_out_inert(writer: str) -> None:
    reports: list[Report] = []
    entries = parse_entries(write_bib(writer, INJECTION_PAPERS, reports))
    assert list(entries) == [paper.key for paper in INJECTION_PAPERS]
    for entry in entries.values():
        for field in entry.fields:
            assert macro_names(field.value) <= ALLOWED_MACROS, (entry.key, field.key, field.value)
    # The malformed arXiv id and the URL and DOI derived from it are left out, each with a warning.
    assert sorted(report.message.split(" ")[0] for report in reports) == ["DOI", "URL", "arXiv"]


def test_malformed_keys_are_reported_not_written() -> None:
    reports: list[Report] = []
    papers = [Paper(title="A", key="good"), Paper(title="C", key="has space")]
    assert list(parse_entries(write_bib("bibtex", papers, reports))) == ["good"]
    assert [(report.rejected, report.raw) for report in reports] == [(True, "C")]


@pytest.mark.parametrize("merge", [True, False])
def test_the_pipeline_never_hands_the_writer_a_repeated_key(tmp_path: Path, merge: bool) -> None:
    # The writers keep no set of the keys written: unique keys are the pipeline's guarantee, also
    # for keys an input repeats and for a carried key that a generated one would equal.
    generated = Paper(title="A Roadmap", creators=(Person("Yuan", "Sha"),), date=PartialDate(2022))
    carried = [Paper(title="A", key="same"), Paper(title="B", key="same"), Paper(title="C", key="yuan2022roadmap")]
    archive = tmp_path / "papers.json"
    archive.write_text("[\n" + ",\n".join(json.dumps(paper_to_json(paper)) for paper in [generated, *carried]) + "\n]\n", encoding="utf-8")
    papers, reports = collect_papers([archive], merge=merge)
    keys = list(parse_entries(write_bib("bibtex", papers)))
    assert len(keys) == len(set(keys)) == 4
    assert {"same", "yuan2022roadmap"} <= set(keys)
    assert any("'same' is used twice" in report.message for report in reports)


@pytest.mark.parametrize("writer", WRITERS)
def test_entries_are_written_while_papers_arrive(writer: str) -> None:
    seen_before_each, _ = output_before_each(WRITERS[writer](WriteContext()), EDGE_PAPERS[:3])
    assert [text.count("\n@") + text.startswith("@") for text in seen_before_each] == [0, 1, 2]


def test_both_writers_are_registered_with_the_zotero_caveat() -> None:
    specs = host_with().writers.specs
    assert isinstance(specs["bibtex"].factory(WriteContext()), BibtexWriter)
    assert isinstance(specs["biblatex"].factory(WriteContext()), BiblatexWriter)
    assert spec_by_extension(specs, "refs.bib") is specs["bibtex"]
    assert spec_by_extension(specs, "refs.biblatex.bib") is specs["biblatex"]
    for name in WRITERS:
        assert '"others"' in specs[name].description and "Zotero" in specs[name].description


def expected_names(paper: Paper) -> list[tuple[str, str]]:
    names = [(c.name, "") if isinstance(c, Organization) else (c.family or c.given, c.given if c.family else "") for c in paper.creators]
    return [(printed(family), printed(given)) for family, given in names] + ([("others", "")] if paper.authors_truncated else [])


def pybtex_names(bib: pybtex.database.BibliographyData, key: str) -> list[tuple[str, str]]:
    persons = bib.entries[key].persons.get("author", [])
    return [(decode(" ".join(p.prelast_names + p.last_names)), decode(" ".join(p.first_names + p.middle_names))) for p in persons]


def written_date_parts(writer: str, fields: dict[str, str]) -> tuple[int, ...]:
    """The date an entry states: biblatex's ISO ``date``, or BibTeX's year, month macro and day."""
    if writer == "biblatex":
        return tuple(int(part) for part in fields["date"].split("-")) if fields["date"] != "XXXX" else ()
    if fields["year"] == "n.d." or fields.get("date") == "XXXX":
        return ()
    month = (MONTH_MACROS.index(fields["month"]) + 1,) if "month" in fields else ()
    return (int(fields["year"]), *month, *((int(fields["day"]),) if "day" in fields else ()))


def assert_round_trip(writer: str, papers: Sequence[Paper]) -> None:
    """bibtexparser and pybtex both read every paper back, field by field, as the model says."""
    text = write_bib(writer, papers)
    entries = parse_entries(text)
    bib = pybtex.database.parse_string(text, "bibtex")
    assert list(entries) == list(bib.entries) == [paper.key for paper in papers]
    for paper in papers:
        fields = {field.key: field.value for field in entries[paper.key].fields}
        url, doi = primary_url(paper), paper_doi(paper)
        expected = {
            "title": printed(paper.title),
            "abstract": printed(paper.abstract) or None,
            "annote": printed(" ".join(fact_lines(paper, truncation_marked=True))) or None,
            "keywords": paper.category or paper.category_raw,
            "url": url if url and not re.search(r"[\s{}\\]", url) else None,
            "doi": doi,
            "eprint": paper.arxiv_id,
        }
        decoded = {name: decode(fields[name]) if name in fields else None for name in expected}
        assert decoded == expected, paper.key
        assert written_date_parts(writer, fields) == (paper.date.parts if paper.date else ()), paper.key
        assert pybtex_names(bib, paper.key) == expected_names(paper), paper.key
