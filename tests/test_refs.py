"""The ``refs`` writer: styles and locales by name, output formats, ordering, numbering, sharp edges.

Parity with citeproc-js entry by entry is tests/test_refs_vs_citeproc_js.py; this file checks what
bibx promises on its own, with no external client.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bibx import Organization, Paper, PartialDate, Person, Report, WriteContext, WriterOptionError
from bibx.testing import host_with, run_cli
from bibx_plugins.refs import styles as csl_styles
from bibx_plugins.refs import writer as refs
from bibx_plugins.refs.output_formats import escape_markdown
from bibx_plugins.refs.sorting import collation_key, year_suffixes
from bibx_plugins.refs.text import punctuation_into_quotes, typeset_quotes
from bibx_plugins.refs.text_case import js_text_case
from bibx_plugins.refs.writer import RefsWriter
from tests.corpus import EDGE_PAPERS


def render(papers: Iterable[Paper], jobs: int = 1, **options: str) -> tuple[str, list[Report]]:
    reports: list[Report] = []
    out = io.StringIO()
    RefsWriter(WriteContext({"jobs": str(jobs), **options}, reports.append)).write(papers, out)
    return out.getvalue(), reports


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


def paper(title: str, *creators: Person | Organization, year: int = 2020, key: str | None = None, **fields: object) -> Paper:
    return Paper(title, creators, date=PartialDate(year), key=key or title.lower().replace(" ", ""), **fields)  # type: ignore[arg-type]


def synthetic(count: int, seed: int = 3) -> list[Paper]:
    """Papers with varied, accented names and dates: enough to need workers and real sorting."""
    rng = random.Random(seed)
    families = ["Zhao", "Özdemir", "Ångström", "van der Berg", "Smith", "Łukasiewicz", "Çelik", "Lee", "García", "Ng"]
    papers = []
    for index in range(count):
        authors = tuple(Person(rng.choice(families), rng.choice(["Wei", "Ana", "Jo", "Émile"])) for _ in range(rng.randint(1, 4)))
        papers.append(
            paper(
                f"Study {index} of {rng.choice(['graphs', 'scaling', 'attention'])}",
                *authors,
                year=rng.randint(2018, 2024),
                key=f"k{index}",
            )
        )
    return papers


# --- styles and locales ---------------------------------------------------------------------------


def test_the_plugin_registers_the_writer_with_its_options_and_the_styles_command() -> None:
    host = host_with(refs)
    spec = host.writers.get("refs")
    assert spec is not None
    assert set(spec.options) == {"style", "locale", "output-format", "jobs"}
    assert "styles" in run_cli(["--help"]).output


def test_an_unknown_style_is_an_error_that_suggests_close_names() -> None:
    with pytest.raises(WriterOptionError, match=r"unknown style 'ieeee'; did you mean: ieee"):
        RefsWriter(WriteContext({"style": "ieeee"}))


def test_vancouver_is_resolved_to_the_style_the_csl_repository_renamed_it_to() -> None:
    style = csl_styles.resolve_style("vancouver")
    assert style.path.name == "nlm-citation-sequence.csl"
    assert "renamed to nlm-citation-sequence" in str(style)


def test_a_dependent_style_is_rendered_by_its_parent_in_its_own_locale() -> None:
    style = csl_styles.resolve_style("nature-digest")
    assert style.path.name == "nature.csl"
    assert style.default_locale == "en-GB"
    assert RefsWriter(WriteContext({"style": "nature-digest"})).locale == "en-GB"


def test_a_csl_file_path_works_and_a_missing_or_foreign_file_is_an_error(tmp_path: Path) -> None:
    own = tmp_path / "my-ieee.csl"
    shutil.copy(csl_styles.resolve_style("ieee").path, own)
    text, _ = render([paper("A Title", Person("Doe", "Jane"))], style=str(own))
    assert text.startswith("[1] J. Doe,")
    with pytest.raises(WriterOptionError, match="style file not found"):
        RefsWriter(WriteContext({"style": str(tmp_path / "missing.csl")}))
    (tmp_path / "page.csl").write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(WriterOptionError, match="is not a CSL style"):
        RefsWriter(WriteContext({"style": str(tmp_path / "page.csl")}))


def test_a_style_without_a_bibliography_is_an_option_error() -> None:
    with pytest.raises(WriterOptionError, match="defines no bibliography"):
        RefsWriter(WriteContext({"style": "agora"}))


def test_an_unknown_locale_is_an_error_not_a_fall_back_to_en_us() -> None:
    with pytest.raises(WriterOptionError, match="unknown locale 'de-XX'; did you mean: de-AT, de-CH, de-DE"):
        RefsWriter(WriteContext({"locale": "de-XX"}))


@pytest.mark.parametrize(("given", "resolved"), [("de-DE", "de-DE"), ("de_de", "de-DE"), ("de", "de-DE"), ("pt", "pt-PT")])
def test_locales_are_matched_without_regard_to_case_and_a_language_means_its_main_dialect(given: str, resolved: str) -> None:
    assert csl_styles.resolve_locale(given) == resolved


def test_the_locale_changes_the_terms() -> None:
    undated = Paper("Ohne Datum", (Person("Doe", "Jane"),), key="x")
    assert render([undated], locale="de-DE")[0] == "Doe, J. (o.\u00a0J.). Ohne Datum.\n"
    assert render([undated])[0] == "Doe, J. (n.d.). Ohne Datum.\n"


def test_an_unknown_output_format_or_a_bad_job_count_is_an_error() -> None:
    with pytest.raises(WriterOptionError, match="unknown output-format 'pdf'"):
        RefsWriter(WriteContext({"output-format": "pdf"}))
    with pytest.raises(WriterOptionError, match="jobs must be a whole number of at least 1, not '0'"):
        RefsWriter(WriteContext({"jobs": "0"}))


def test_styles_command_lists_names_with_titles_and_filters_by_every_word() -> None:
    result = run_cli(["styles", "chicago", "author", "date"])
    assert result.exit_code == 0
    listed = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert "chicago-author-date" in listed
    assert all("chicago" in f"{name} {title}".lower() for name, title in listed.items())
    vancouver = run_cli(["styles", "vancouver"]).stdout
    assert "renamed: bibx uses nlm-citation-sequence" in vancouver
    assert run_cli(["styles", "no-such-style-anywhere"]).exit_code == 1


# --- output ---------------------------------------------------------------------------------------


def test_numeric_styles_number_the_papers_in_the_order_given() -> None:
    papers = [paper("Zeta", Person("Zhu", "Ann")), paper("Alpha", Person("Abel", "Bo"))]
    ieee, _ = render(papers, style="ieee")
    assert [line[:8] for line in lines(ieee)] == ["[1] A. Z", "[2] B. A"]
    nature, _ = render(papers, style="nature")
    assert [line.split(" ")[:2] for line in lines(nature)] == [["1.", "Zhu,"], ["2.", "Abel,"]]


def test_author_date_styles_sort_as_citeproc_js_does_accents_and_corporate_names_included() -> None:
    papers = [
        paper("P", Person("Zhao", "Wei")),
        paper("Q", Person("Özdemir", "Ayşe")),
        paper("R", Organization("OpenAI")),
        paper("S", Person("Ångström", "Anders")),
        paper("T", Person("van der Berg", "Zoë")),
    ]
    text, _ = render(papers, style="apa")
    assert [line.split(",")[0].split(".")[0] for line in lines(text)] == ["Ångström", "OpenAI", "Özdemir", "van der Berg", "Zhao"]


def test_papers_alike_in_author_and_year_get_year_suffixes_in_list_order() -> None:
    authors = (Person("Smith", "John"), Person("Doe", "Jane"))
    papers = [paper("Ranking with 10 features", *authors, year=2019), paper("Ranking with 2 features", *authors, year=2019)]
    text, _ = render(papers, style="apa")
    assert lines(text) == [
        "Smith, J., & Doe, J. (2019a). Ranking with 2 features.",
        "Smith, J., & Doe, J. (2019b). Ranking with 10 features.",
    ]


def test_corporate_authors_render_whole_and_et_al_comes_from_the_style_or_a_truncated_list() -> None:
    many = tuple(Person(f"Author{i}", "Given") for i in range(10))
    papers = [
        paper("Hunyuan-Large", Organization("Tencent Hunyuan Team")),
        paper("Roadmap", Person("Yuan", "Sha"), Person("Zhao", "Hanyu"), authors_truncated=True),
        paper("Many", *many),
    ]
    text, reports = render(papers, style="ieee")
    hunyuan, roadmap, crowded = lines(text)
    assert hunyuan.startswith("[1] Tencent Hunyuan Team, ")
    # The listing cut the list short: the CSL item's "et al." name suffix says so, as citeproc-js prints it.
    assert roadmap.startswith("[2] S. Yuan and H. Zhao et al., ")
    assert crowded.startswith("[3] G. Author0 ") and "et al." in crowded  # IEEE's et-al-min is 7
    assert reports == []


def test_html_escapes_values_itself_and_marks_up_as_citeproc_js() -> None:
    risky = paper("Fast <b>bold</b> & <script>x</script> models", Person("O'Neil", "Ann"), year=2021)
    text, _ = render([risky], style="ieee", **{"output-format": "html"})
    assert text.startswith('<div class="csl-bib-body">\n  <div class="csl-entry">\n    <div class="csl-left-margin">[1]</div>')
    assert "Fast <b>bold</b> &#38; &#60;script&#62;x&#60;/script&#62; models" in text
    assert "O’Neil" in text
    assert text.endswith("</div>\n  </div>\n</div>\n")


def test_markdown_escapes_its_active_characters_but_not_math_or_links() -> None:
    assert escape_markdown("a_b *c* $x_i$ https://x.org/a_b [1]") == "a\\_b \\*c\\* $x_i$ https://x.org/a_b \\[1\\]"
    text, _ = render([paper("Stars *and* $x_i$", Person("Doe", "Jane"))], style="apa", **{"output-format": "markdown"})
    assert text == "Doe, J. (2020). *Stars \\*and\\* $x_i$*.\n\n"


def test_plain_text_has_one_line_per_entry_and_drops_inline_markup() -> None:
    text, _ = render([paper("Line\nbreak\u2028and <i>E. coli</i>", Person("Doe", "Jane"))], style="apa")
    assert text == "Doe, J. (2020). Line break and E. coli.\n"


def test_ids_citeproc_py_would_lower_case_into_one_stay_two_papers() -> None:
    text, _ = render(
        [paper("First", Person("Doe", "Jane"), key="Doe2020"), paper("Second", Person("Roe", "Rick"), key="doe2020")]
    )
    assert len(lines(text)) == 2


def test_citeproc_py_warnings_do_not_reach_the_user(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render(EDGE_PAPERS, style="chicago-author-date")
    assert capsys.readouterr().err == ""


BROKEN_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Broken on purpose</title><id>broken</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>
    <text variable="title"/>
    <choose><if variable="issued"><date variable="issued" form="no-such-form"/></if></choose>
  </layout></bibliography>
</style>
"""


def test_a_style_citeproc_py_cannot_render_costs_each_paper_a_report_naming_the_style(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text(BROKEN_STYLE, encoding="utf-8")
    text, reports = render([paper("Dated", Person("Doe", "Jane")), Paper("Undated", key="u")], style=str(broken))
    assert lines(text) == ["Undated"]
    (report,) = reports
    assert report.rejected and report.message.startswith(f"style {broken} (en-US) cannot format this paper: AttributeError")


def test_the_cli_shows_style_errors_without_a_traceback() -> None:
    seed = Path(__file__).resolve().parent.parent / "seeds"
    result = run_cli(["export", *map(str, sorted(seed.glob("*.txt"))[:1]), "--format", "refs", "--style", "apa7th"])
    assert result.exit_code == 2
    assert "unknown style 'apa7th'" in result.output and "Traceback" not in result.output


# --- streaming and workers ------------------------------------------------------------------------


# MLA: disambiguation and "———" look across entries, which workers render apart.
@pytest.mark.parametrize("style", ["apa", "ieee", "modern-language-association"])
def test_worker_processes_write_exactly_what_one_process_writes(style: str) -> None:
    papers = synthetic(refs.PARALLEL_MIN_PAPERS + 150)
    serial, _ = render(papers, jobs=1, style=style)
    parallel, _ = render(papers, jobs=2, style=style)
    assert parallel == serial
    assert len(lines(serial)) == len(papers)


def test_a_citation_order_style_writes_entries_before_the_last_paper_is_read() -> None:
    consumed = 0

    def counted(papers: list[Paper]) -> Iterator[Paper]:
        nonlocal consumed
        for item in papers:
            consumed += 1
            yield item

    class Recorder(io.StringIO):
        consumed_at_first_entry: int | None = None

        def write(self, text: str) -> int:
            if text and self.consumed_at_first_entry is None:
                self.consumed_at_first_entry = consumed
            return super().write(text)

    papers = synthetic(1000)
    out = Recorder()
    RefsWriter(WriteContext({"style": "ieee", "jobs": "1"})).write(counted(papers), out)
    assert out.consumed_at_first_entry is not None and out.consumed_at_first_entry < len(papers)


def test_formatting_references_is_not_paid_for_by_other_formats() -> None:
    probe = "import sys, bibx_plugins.refs.writer; sys.exit(any(m.split('.')[0] in ('citeproc', 'lxml') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0


# --- citeproc-js's text rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode", "cased"),
    [
        ("pre-training of large-scale models for the web", "title", "Pre-Training of Large-Scale Models for the Web"),
        ("what it is made of", "title", "What It Is Made Of"),
        ("arXiv preprint: a study in iOS", "title", "arXiv Preprint: A Study in iOS"),
        ("arXiv", "capitalize-first", "arXiv"),
        ("preprint at arXiv", "capitalize-first", "Preprint at arXiv"),
        ("GPT models", "lowercase", "gpt models"),
    ],
)
def test_text_case_follows_citeproc_js(text: str, mode: str, cased: str) -> None:
    assert js_text_case(text, mode) == cased


def test_sort_comparison_ignores_accents_case_and_punctuation_and_reads_numbers() -> None:
    assert collation_key("Özdemir") < collation_key("Peng") < collation_key("Zhao")
    assert collation_key("model 2") < collation_key("model 10")
    assert collation_key("O'Neil") == collation_key("oneil")


def test_year_suffixes_go_to_equal_keys_in_order() -> None:
    assert year_suffixes([None, "a", "b", "a", "a"]) == [None, "a", None, "b", "c"]
    assert year_suffixes(["k"] * 28)[-2:] == ["aa", "ab"]


def test_straight_quotes_become_quote_marks_and_apostrophes() -> None:
    assert typeset_quotes("Adam's").endswith("Adam\u2019s")
    assert typeset_quotes('say "hi"') == "say \ue000hi\ue001"
    assert typeset_quotes("""say 'hi' and "bye" """) == "say \ue000hi\ue001 and \ue002bye\ue003 "


def test_punctuation_moves_inside_closing_quotes() -> None:
    assert punctuation_into_quotes("\u201cTitle\u201d, 2020.", "\u201d") == "\u201cTitle,\u201d 2020."
    assert punctuation_into_quotes("\u201cWhy?\u201d.", "\u201d") == "\u201cWhy?\u201d"


# --- MLA: names added to tell citations apart, "———" for the previous entry's names ---------------------


def _mla(papers: list[Paper], jobs: int = 1) -> list[str]:
    text, reports = render(papers, jobs=jobs, style="modern-language-association")
    assert not reports
    return lines(text)


def test_mla_prints_the_names_that_tell_alike_citations_apart_as_citeproc_js_does() -> None:
    # "(Yuan et al.)" twice: the second names differ only by given name, so two names suffice
    # once the given names are expanded (citeproc-js pads them as it adds names).
    yuan, leng = Person("Yuan", "Sha"), Person("Leng", "Jiahong")
    papers = [
        paper("Roadmap", yuan, Person("Zhao", "Hanyu"), Person("Zhao", "Shuai"), year=2022),
        paper("Dataset", yuan, Person("Zhao", "Shuai"), leng, year=2022),
        paper("Alone", Person("Ng", "Andrew"), Person("Lee", "Ann"), leng, year=2022),
    ]
    assert _mla(papers) == [
        "Ng, Andrew, et al. “Alone.” 2022.",
        "Yuan, Sha, Shuai Zhao, et al. “Dataset.” 2022.",
        "Yuan, Sha, Hanyu Zhao, et al. “Roadmap.” 2022.",
    ]


def test_mla_replaces_names_the_previous_entry_printed_by_the_substitute_keeping_the_punctuation() -> None:
    team = Organization("Tencent Hunyuan Team")
    papers = [
        paper("Large", team, year=2024),
        paper("TurboS", team, Person("Liu", "Ao"), Person("Zhou", "Botong"), year=2025),
        paper("Other", Person("Smith", "John"), Person("Doe", "Jane"), year=2019),
        paper("Same", Person("Smith", "John"), Person("Doe", "Jane"), year=2019),
    ]
    assert _mla(papers) == [
        "Smith, John, and Jane Doe. “Other.” 2019.",
        "———. “Same.” 2019.",
        "Tencent Hunyuan Team. “Large.” 2024.",
        # "Team" and "Team, et al." show the same names, so the substitute stands for both.
        "———. “TurboS.” 2025.",
    ]


def test_mla_sorts_a_list_cut_to_et_al_before_longer_lists_of_the_same_first_name() -> None:
    smith = Person("Smith", "John")
    papers = [
        paper("Pair", smith, Person("Doe", "Jane")),
        paper("Three", smith, Organization("Acme Lab"), Organization("Beta Inc")),
    ]
    assert [line.split("“")[1] for line in _mla(papers)] == ["Three.” 2020.", "Pair.” 2020."]
