"""What Zotero's own import translators make of bibx's exports (../shared/tools/zotero-import).

The harness needs Zotero's translators restored into its ``vendor/`` folder (its README says how),
so these tests run where ``BIBX_ZOTERO_IMPORT`` names a set-up copy (e.g. ``/work/zotero-import``)
and are skipped elsewhere, with that reason.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from bibx import Organization, Paper, PartialDate, Person, WriteContext
from bibx_plugins.bibtex.writer import BiblatexWriter, BibtexWriter
from bibx_plugins.csl.writer import CslJsonWriter
from bibx_plugins.ris.writer import RisWriter
from tests.helpers import require_tool

PAPERS = (
    Paper(
        title="Listed With Every Fact",
        creators=(Person("Yuan", "Sha"), Person("Zhao", "Hanyu")),
        authors_truncated=True,
        organizations=("tencent-ai",),
        listing_date=PartialDate(2026, 7, 29),
        date=PartialDate(2026, 5, year_inferred=True),
        arxiv_id="2308.16437",
        category="cs.CL",
        abstract="An abstract.",
        key="yuan2026listed",
    ),
    Paper(title="Hunyuan-Large", creators=(Organization("Tencent Hunyuan Team"),), date=PartialDate(2024, 11, 4), key="team2024hunyuan"),
)
WRITERS = {"bibtex": BibtexWriter, "biblatex": BiblatexWriter, "csljson": lambda context: CslJsonWriter(), "ris": RisWriter}
TRANSLATOR = {"bibtex": "bibtex", "biblatex": "bibtex", "csljson": "csljson", "ris": "ris"}


@pytest.fixture(scope="module")
def harness() -> Path:
    folder = os.environ.get("BIBX_ZOTERO_IMPORT")
    if not folder or not (Path(folder) / "vendor").is_dir():
        pytest.skip("set BIBX_ZOTERO_IMPORT to a zotero-import folder set up per its README (vendor/ restored, ./setup.sh run)")
    require_tool("node")
    return Path(folder)


def zotero_items(harness: Path, writer: str, tmp_path: Path) -> list[dict]:
    out = io.StringIO()
    WRITERS[writer](WriteContext()).write(PAPERS, out)
    path = tmp_path / f"papers.{writer}"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = subprocess.run(
        [str(harness / "zotero-import"), "--translator", TRANSLATOR[writer], "--dropped", str(path)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("writer", WRITERS)
def test_zotero_keeps_title_authors_date_and_link_and_invents_no_author_but_bibtexs_others(harness: Path, writer: str, tmp_path: Path) -> None:
    listed, team = zotero_items(harness, writer, tmp_path)
    assert listed["title"] == "Listed With Every Fact"
    names = [creator.get("lastName") for creator in listed["creators"]]
    # BibTeX's "and others" is the one documented exception (ZOTERO_CAVEAT in the writers).
    assert names == (["Yuan", "Zhao", "others"] if writer in {"bibtex", "biblatex"} else ["Yuan", "Zhao"])
    assert listed["url"] == "https://arxiv.org/abs/2308.16437"
    assert team["creators"] == [{"creatorType": "author", "lastName": "Tencent Hunyuan Team", "fieldMode": 1}]
    assert all(not item["_dropped"] or set(item["_dropped"]) <= {"_eprint"} for item in (listed, team))


@pytest.mark.parametrize("writer", WRITERS)
def test_zotero_keeps_the_arxiv_id(harness: Path, writer: str, tmp_path: Path) -> None:
    listed, _ = zotero_items(harness, writer, tmp_path)
    kept = {
        "bibtex": listed.get("extra", ""),
        "biblatex": listed.get("extra", ""),
        "csljson": listed.get("archiveID", ""),
        "ris": listed.get("archiveLocation", ""),
    }
    assert "2308.16437" in kept[writer]


@pytest.mark.parametrize("writer", ["bibtex", "biblatex", "ris"])
def test_listing_facts_arrive_as_child_notes_never_as_extra(harness: Path, writer: str, tmp_path: Path) -> None:
    listed, _ = zotero_items(harness, writer, tmp_path)
    notes = " ".join(listed["notes"])
    assert "bibx-listed: 2026-07-29" in notes and "bibx-affiliation: tencent-ai" in notes
    # Extra feeds Zotero's citations (CSL "note"); the facts stay out of it.
    assert "bibx-" not in listed.get("extra", "")


def test_csljson_custom_facts_stay_out_of_zotero_fields(harness: Path, tmp_path: Path) -> None:
    listed, _ = zotero_items(harness, "csljson", tmp_path)
    assert listed["itemType"] == "preprint" and listed["citationKey"] == "yuan2026listed"
    assert "bibx-" not in json.dumps(listed)
