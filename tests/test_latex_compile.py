"""Real LaTeX runs: the seed papers and the hostile corpora compile without a single warning.

pdflatex + bibtex with plain, unsrt and natbib's plainnat read the ``bibtex`` writer's output;
pdflatex + biber with biblatex (numeric and authoryear) read the ``biblatex`` writer's. Any line of
the .blg or .log that reports a warning fails the test and is shown in the message.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from bibx import Paper, PartialDate, Person, WriteContext
from bibx.richtext import from_latex, to_plain
from tests.corpus import EDGE_PAPERS
from tests.helpers import require_tool
from tests.test_bibtex import INJECTION_PAPERS, WRITERS

pytestmark = pytest.mark.external

# T1 has a glyph for every character the escaping writes (\textbackslash, \textbraceleft, ...);
# OT1 substitutes some from other fonts, with a font warning.
PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{url}
"""
BIBTEX_BODY = r"""\begin{document}
\nocite{*}
\bibliographystyle{STYLE}
\bibliography{refs}
\end{document}
"""
BIBLATEX_DOCUMENT = r"""\usepackage[backend=biber,style=STYLE]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
# BibTeX: "Warning--..." and errors; biber: "WARN - " and "ERROR - "; LaTeX: "... Warning: ...".
BLG_PROBLEM = re.compile(r"Warning--|WARN - |ERROR - |error message", re.IGNORECASE)
LOG_PROBLEM = re.compile(r"Warning|^! |runsystem")


def run(tool: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [require_tool(tool), *args], cwd=cwd, capture_output=True, text=True, errors="replace", timeout=120
    )
    assert result.returncode == 0, f"{tool} {' '.join(args)} failed:\n{result.stdout[-3000:]}"
    return result.stdout


def compile_document(directory: Path, document: str, bibliography_tool: str) -> list[str]:
    """Run LaTeX, the bibliography tool, then LaTeX twice; return every warning line found."""
    (directory / "doc.tex").write_text(document, encoding="utf-8")
    latex = ("-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc")
    run("pdflatex", *latex, cwd=directory)
    run(bibliography_tool, "doc", cwd=directory)
    run("pdflatex", *latex, cwd=directory)
    run("pdflatex", *latex, cwd=directory)
    blg = (directory / "doc.blg").read_text(encoding="utf-8", errors="replace").splitlines()
    log = (directory / "doc.log").read_text(encoding="utf-8", errors="replace").splitlines()
    return [f"doc.blg: {line}" for line in blg if BLG_PROBLEM.search(line)] + [
        f"doc.log: {line}" for line in log if LOG_PROBLEM.search(line)
    ]


# An authorless, undated paper with math in its title, and a listed one with every listing fact.
LABEL_PAPERS = (
    Paper(title="E$^{2}$GAN: Efficient Training of Efficient GANs for Image-to-Image Translation", authors_known=False, key="e2gan"),
    Paper(
        title="Listed With Every Fact", creators=(Person("Yuan", "Sha"),), authors_truncated=True, organizations=("tencent-ai",),
        listing_date=PartialDate(2026, 7, 29), date=PartialDate(2026, 5, year_inferred=True), arxiv_id="2308.16437",
        urls=("https://github.com/example/listed",), key="yuan2026listed",
    ),
)
# What bibx knows about a listing, which a reader of the paper must never see printed.
BOOKKEEPING = re.compile(r"bibx-|listing gave|Listed on|truncated by|Affiliations|tencent-ai|inferred|example/listed")
STYLES = [
    ("bibtex", "plain"),
    ("bibtex", "unsrt"),
    ("bibtex", "plainnat"),
    ("bibtex", "apalike"),
    ("biblatex", "numeric"),
    ("biblatex", "authoryear"),
]


@pytest.fixture(scope="module")
def papers(seeds: list[Paper]) -> list[Paper]:
    return [*seeds, *EDGE_PAPERS, *INJECTION_PAPERS, *LABEL_PAPERS]


def printed_text(bbl: str, writer: str) -> str:
    """What a style prints: a BibTeX .bbl is the text itself; of biber's, the fields biblatex's standard styles print."""
    if writer == "bibtex":
        return bbl
    unprinted = re.compile(r"\\field\{(?:annotation|abstract|keywords)\}\{.*")
    return unprinted.sub("", bbl)


@pytest.mark.parametrize(("writer", "style"), STYLES)
def test_export_compiles_without_warnings(writer: str, style: str, papers: list[Paper], tmp_path: Path) -> None:
    out = io.StringIO()
    WRITERS[writer](WriteContext()).write(papers, out)
    (tmp_path / "refs.bib").write_text(out.getvalue(), encoding="utf-8")
    if writer == "bibtex":
        natbib = "\\usepackage{natbib}\n" if style == "plainnat" else ""
        problems = compile_document(tmp_path, PREAMBLE + natbib + BIBTEX_BODY.replace("STYLE", style), "bibtex")
    else:
        problems = compile_document(tmp_path, PREAMBLE + BIBLATEX_DOCUMENT.replace("STYLE", style), "biber")
    assert problems == [], "\n".join(problems)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem" if writer == "bibtex" else "\\entry{") == len(papers)
    assert "\\input{" not in bbl and "\\write18" not in bbl
    assert BOOKKEEPING.findall(printed_text(bbl, writer)) == []
    assert "\\field{note}" not in bbl and "\\newblock Note" not in bbl
    if writer == "bibtex":
        # plain, unsrt and apalike ignore eprint: the id is printed through howpublished.
        assert "arXiv preprint arXiv:2308.16437" in bbl
    if style in {"plainnat", "apalike"}:
        # The short key field is the label of an authorless entry, not the whole title in LaTeX.
        # (plainnat gives a label taken from key no year; apalike purify$'s the year, so "n.d." loses its
        # periods in the label, and the reference list prints it whole.)
        assert re.search(r"\\bibitem\[E2GAN(?:\((?:\{\\natexlab\{[a-z]\}\})?\)|, nd)", bbl)
    if style == "apalike":
        assert "E2GAN (n.d." in bbl


def test_biber_validates_the_seed_export_against_its_data_model_silently(seeds: list[Paper], tmp_path: Path) -> None:
    out = io.StringIO()
    WRITERS["biblatex"](WriteContext()).write([*seeds, *LABEL_PAPERS], out)
    (tmp_path / "refs.bib").write_text(out.getvalue(), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(PREAMBLE + BIBLATEX_DOCUMENT.replace("STYLE", "authoryear"), encoding="utf-8")
    run("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc", cwd=tmp_path)
    output = run("biber", "--validate-datamodel", "doc", cwd=tmp_path)
    assert [line for line in output.splitlines() if BLG_PROBLEM.search(line)] == []


# arXiv LaTeX as listings print it, read once into rich text (bibx.richtext.from_latex).
MEANING_PAPERS = (
    Paper(
        title=from_latex(r"AntM$^{2}$C: A Large-Scale Dataset For Multi-Scenario CTR Prediction"),
        creators=(Person("Huan", "Zhaoxin"),),
        date=PartialDate(2023, 8),
        key="huan2023antm",
    ),
    Paper(
        # The characters of LaTeX's ligatures, typed in a title, must print as typed.
        title=from_latex(r"DiM\textsuperscript{3}: 8.6\% When $2\le p\le m$.") + " Why?`` Not 1--2 ``Quoted'' Models!``",
        creators=(Person("Paeng", "Won-gi"),),
        date=PartialDate(2024),
        key="paeng2024dim",
    ),
)
# What the bibliography must print for them (as Unicode: the .bbl decoded the way bibx reads
# LaTeX); plain.bst lowercases a title, so case matters only for what case protection keeps.
PRINTED = {
    "huan2023antm": ("AntM²C:", "large-scale dataset for multi-scenario CTR prediction"),
    "paeng2024dim": ("DiM³: 8.6% when 2 ≤ p ≤ m.", "Why?`` Not 1--2 ``Quoted'' Models!``"),
}


def bbl_entries(bbl: str, writer: str) -> dict[str, str]:
    """Each entry's text in the .bbl, by key, as one line."""
    start = r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}" if writer == "bibtex" else r"\\entry\{([^}]*)\}"
    pieces = re.split(start, bbl)
    return {key: " ".join(body.split()) for key, body in zip(pieces[1::2], pieces[2::2], strict=True)}


@pytest.mark.parametrize(("writer", "style"), [("bibtex", "plain"), ("biblatex", "authoryear")])
def test_latex_meaning_prints_as_the_listing_meant(writer: str, style: str, tmp_path: Path) -> None:
    out = io.StringIO()
    WRITERS[writer](WriteContext()).write(MEANING_PAPERS, out)
    bib = out.getvalue()
    assert "\\textbackslash{}\\%" not in bib and "8.6\\%" in bib
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    if writer == "bibtex":
        problems = compile_document(tmp_path, PREAMBLE + BIBTEX_BODY.replace("STYLE", style), "bibtex")
    else:
        problems = compile_document(tmp_path, PREAMBLE + BIBLATEX_DOCUMENT.replace("STYLE", style), "biber")
    assert problems == [], "\n".join(problems)
    entries = bbl_entries((tmp_path / "doc.bbl").read_text(encoding="utf-8"), writer)
    for key, phrases in PRINTED.items():
        shown = to_plain(from_latex(entries[key]))
        assert phrases[0].split()[0] in shown, (key, shown)  # protected: case kept
        for phrase in phrases:
            assert phrase.casefold() in shown.casefold(), (key, shown)
    if writer == "bibtex":  # sentence case: Large-Scale is not protected, so plain.bst lowered it
        assert "a large-scale dataset" in entries["huan2023antm"]
