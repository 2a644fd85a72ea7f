"""Rich text to LaTeX and back (bibx_plugins.bibtex.latex): ligatures, case protection, round trips."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx import Paper, PartialDate, Person, WriteContext
from bibx.richtext import from_latex
from bibx.testing import collect_papers
from bibx_plugins.bibtex.latex import latex_prose, rich_from_latex
from tests.test_bibtex import WRITERS

LIGATURES = ["?`", "!`", "--", "---", "``", "''", "<<", ">>", ",,"]


@pytest.mark.parametrize("typed", LIGATURES)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_typed_ligature_characters_are_written_apart_and_read_back(typed: str, ascii_only: bool) -> None:
    latex = latex_prose(f"a{typed}b", ascii_only=ascii_only)
    assert typed not in latex
    assert rich_from_latex(latex) == f"a{typed}b"


@pytest.mark.parametrize(("latex", "meant"), [("?`", "¿"), ("!`", "¡"), ("--", "–"), ("---", "—"), ("``", "“"), ("''", "”")])
def test_ligatures_in_a_bib_file_read_as_what_latex_prints(latex: str, meant: str) -> None:
    assert rich_from_latex(f"a {latex} b") == f"a {meant} b"
    assert rich_from_latex(latex_prose(f"a {meant} b", ascii_only=True)) == f"a {meant} b"


@pytest.mark.parametrize(
    ("title", "latex"),
    [
        ("A Large-Scale Multi-Scenario Study", "A Large-Scale Multi-Scenario Study"),
        ("LLMs and MoE on iPhone with LaTeX", "{LLMs} and {MoE} on {iPhone} with {LaTeX}"),
        ("GPT-3.5 beats Hunyuan-TurboS", "{GPT-3.5} beats {Hunyuan-TurboS}"),
        ("AntM<sup>2</sup>C: a Dataset", r"{AntM\textsuperscript{2}C:} a Dataset"),
        ('<span class="nocase">Large</span> models', "{Large} models"),
        ("<i>K</i>-means", r"\textit{K}-means"),
    ],
)
def test_case_protection_braces_what_must_keep_its_case_and_nothing_else(title: str, latex: str) -> None:
    assert latex_prose(title, ascii_only=True, protect_case=True) == latex
    assert rich_from_latex(latex) == title


def test_percent_and_scripts_are_latex_that_prints_them() -> None:
    rich = from_latex(r"DiM\textsuperscript{3} gains 8.6\% when $2\le p\le m$")
    assert (
        latex_prose(rich, ascii_only=False)
        == r"DiM\textsuperscript{3} gains 8.6\% when 2 {\ensuremath{\leq}} \textit{p} {\ensuremath{\leq}} \textit{m}"
    )


# Pieces that provoke LaTeX: ligature halves, specials, markup, non-ASCII, case changes.
PIECES = st.sampled_from(
    ["?", "!", "`", "'", "-", "<", ">", ",", "~", "\\", "{", "}", "%", "$", "^", "_", "&", "#", "é", "–", "¿", "≤",
     " ", "a", "Z", "x", "MoE", "GPT-3", "Large-Scale", "9"]
)  # fmt: skip
PLAIN = st.lists(PIECES, min_size=1, max_size=10).map("".join)
SPANNED = st.tuples(st.sampled_from(["i", "b", "sup", "sub"]), PLAIN.filter(str.strip)).map(lambda pair: f"<{pair[0]}>{pair[1]}</{pair[0]}>")
RICH = st.lists(PLAIN | SPANNED, min_size=1, max_size=5).map("".join).map(lambda text: " ".join(text.split())).filter(bool)


@given(RICH, st.booleans(), st.booleans())
def test_rich_text_survives_latex_and_back(rich: str, ascii_only: bool, protect_case: bool) -> None:
    assert rich_from_latex(latex_prose(rich, ascii_only=ascii_only, protect_case=protect_case)) == " ".join(rich.split())


@given(st.lists(RICH, min_size=1, max_size=3))
@pytest.mark.parametrize("writer", WRITERS)
def test_titles_survive_the_bib_writers_and_the_bib_reader(writer: str, titles: list[str]) -> None:
    papers = [Paper(title, (Person("Doe", "Jane"),), date=PartialDate(2024), key=f"doe2024{index}") for index, title in enumerate(titles)]
    out = io.StringIO()
    WRITERS[writer](WriteContext()).write(papers, out)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "refs.bib")
        path.write_text(out.getvalue(), encoding="utf-8")
        read, _ = collect_papers([path], merge=False)
    assert [paper.title for paper in read] == titles, out.getvalue()
