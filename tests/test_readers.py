"""The three seed dump readers: exact counts and exact fields on samples from every file."""

from __future__ import annotations

import datetime as dt

import pytest

from bibx.model import Organization, Paper, PartialDate, Person
from bibx.testing import collect_papers, seed_files

AS_OF = dt.date(2026, 11, 25)


def read_seed(prefix: str, as_of: dt.date = AS_OF) -> list[Paper]:
    (path,) = [path for path in seed_files() if path.name.startswith(prefix)]
    papers, reports = collect_papers([path], as_of=as_of, merge=False)
    assert reports == []
    return papers


def by_title(papers: list[Paper], start: str) -> Paper:
    (paper,) = [paper for paper in papers if paper.title.startswith(start)]
    return paper


@pytest.mark.parametrize(
    ("prefix", "count", "reader"),
    [("000", 21, "profile"), ("001", 25, "profile"), ("002", 11, "compact"), ("003", 11, "profile"), ("004", 137, "daily")],
)
def test_each_seed_yields_its_exact_paper_count_through_the_detected_reader(prefix: str, count: int, reader: str) -> None:
    papers = read_seed(prefix)
    assert len(papers) == count
    assert {source.reader for paper in papers for source in paper.sources} == {reader}


def test_profile_record_fields_with_organisations() -> None:
    paper = by_title(read_seed("000"), "A Roadmap for Big Model")
    assert paper.creators == (Person("Yuan", "Sha"), Person("Zhao", "Hanyu"), Person("Zhao", "Shuai"))
    assert paper.authors_truncated and paper.authors_known
    assert paper.organizations == ("bytedance", "pku")
    assert (paper.category, paper.category_raw) == ("cs.LG", "LG")
    assert paper.date == PartialDate(2022, 3, 26)
    assert not paper.has_code
    assert paper.abstract.startswith("With the rapid development of deep learning")
    assert paper.abstract.endswith("in a more general view.")
    assert paper.sources[0].line == 12 and paper.sources[0].path.endswith("000_7b50d5b12a05f1a9.txt")


def test_profile_code_suffix_and_urls_in_abstract() -> None:
    paper = by_title(read_seed("000"), "CCI3.0-HQ")
    assert paper.has_code and paper.date == PartialDate(2024, 10, 24) and paper.category == "cs.CL"
    assert paper.urls[0] == "https://huggingface.co/datasets/BAAI/CCI3-HQ"


def test_profile_corporate_first_author_is_never_split() -> None:
    paper = by_title(read_seed("001"), "Hunyuan-TurboS")
    assert paper.creators[0] == Organization("Tencent Hunyuan Team")
    assert paper.creators[1:] == (Person("Liu", "Ao"), Person("Zhou", "Botong"))
    assert paper.organizations == ("tencent-ai",)
    world = by_title(read_seed("001"), "HunyuanWorld 1.0")
    assert world.creators[0] == Organization("HunyuanWorld Team")


def test_profile_date_without_year_is_inferred_from_as_of() -> None:
    paper = by_title(read_seed("003"), "Focal Reward")
    assert paper.date == PartialDate(2026, 5, 26, year_inferred=True)
    earlier = by_title(read_seed("003", as_of=dt.date(2026, 3, 1)), "Focal Reward")
    assert earlier.date == PartialDate(2025, 5, 26, year_inferred=True)


def test_profile_keeps_names_as_printed() -> None:
    paper = by_title(read_seed("003"), "Data-Free Adversarial")
    assert paper.creators[0] == Person("Huan", "ZhaoXin")
    assert paper.date == PartialDate(2020, 3, 3) and paper.category == "cs.CV"


COMPACT_SPLITS = [
    ("SWIFT:A Scalable lightWeight Infrastructure for Fine-Tuning", Person("Zhao", "Yuze")),
    (
        "Revisiting and Advancing Chinese Natural Language Understanding with Accelerated Heterogeneous Knowledge Pre-training",
        Person("Zhang", "Taolin"),
    ),
    ("TAPAS: Fast and Automatic Derivation of Tensor Parallel Strategies for Large Neural Networks", Person("Shi", "Ziji")),
    ("Wan: Open and Advanced Large-Scale Video Generative Models", Organization("Team Wan")),
    ("Wan-Image: Pushing the Boundaries of Generative Visual Intelligence", Person("Mao", "Chaojie")),
    ("ROAM: memory-efficient large DNN training via optimized operator ordering and memory layout", Person("Shu", "Huiyao")),
    ("EasyTransfer – A Simple and Scalable Deep Transfer Learning Platform for NLP Applications", Person("Qiu", "Minghui")),
    ("Skrull: Towards Efficient Long Context Fine-tuning through Dynamic Data Scheduling", Person("Xu", "Hongtao")),
    ("M6-10T: A Sharing-Delinking Paradigm for Efficient Multi-Trillion Parameter Pretraining", Person("Lin", "Junyang")),
    ("M6-T: Exploring Sparse Expert Models and Beyond", Person("Yang", "An")),
    ("M6: A Chinese Multimodal Pretrainer", Person("Lin", "Junyang")),
]


def test_compact_listing_splits_every_title_from_its_first_author() -> None:
    papers = read_seed("002")
    assert [(paper.title, paper.creators[0]) for paper in papers] == COMPACT_SPLITS
    assert all(len(paper.creators) == 3 and paper.authors_truncated for paper in papers)


def test_compact_score_prefix_code_flag_and_inferred_year() -> None:
    papers = read_seed("002")
    wan_image = by_title(papers, "Wan-Image")
    assert wan_image.score == 99.9 and wan_image.category == "cs.CV"
    assert wan_image.date == PartialDate(2026, 4, 21, year_inferred=True)
    assert wan_image.creators[1] == Person("Xie", "Chen-Wei")
    swift = by_title(papers, "SWIFT")
    assert swift.has_code and swift.score is None and swift.date == PartialDate(2024, 8, 10)


@pytest.mark.parametrize(
    ("line", "title", "authors"),
    [
        ("Scaling LLMYuze Zhao, An Li et al.", "Scaling LLM", "Yuze Zhao, An Li et al."),
        ("Beyond GPT-4Yuze Zhao", "Beyond GPT-4", "Yuze Zhao"),
        ("Look, Listen, LearnYuze Zhao, ZhaoXin Huan et al.", "Look, Listen, Learn", "Yuze Zhao, ZhaoXin Huan et al."),
        ("Towards 3DTencent Hunyuan Team, Ao Liu et al.", "Towards 3D", "Tencent Hunyuan Team, Ao Liu et al."),
        ("A Survey of ThingsJohn A. Smith, Ludwig van Beethoven", "A Survey of Things", "John A. Smith, Ludwig van Beethoven"),
    ],
)
def test_compact_split_generalises_beyond_the_seed(line: str, title: str, authors: str) -> None:
    from bibx_plugins.listings.compact import split_title_and_authors

    assert split_title_and_authors(line) == (title, authors)


def test_daily_feed_keeps_listing_date_apart_and_invents_no_authors() -> None:
    papers = read_seed("004")
    first = papers[0]
    assert first.title == "Scale Efficient Training for Large Datasets"
    assert first.abstract.startswith("The rapid growth of dataset scales")
    assert first.creators == () and not first.authors_known and not first.authors_truncated
    assert first.date is None
    assert first.listing_date == PartialDate(2026, 7, 29, year_inferred=True)
    assert papers[-1].title == "Rephrasing the Web: A Recipe for Compute and Data-Efficient Language Modeling"
    assert by_title(papers, "E<sup>2</sup>GAN").title.startswith("E<sup>2</sup>GAN: Efficient Training")


def test_profile_header_count_mismatch_is_reported_with_its_line(tmp_path) -> None:
    text = (seed_files()[2].parent / "003_956bcb3e337b5d36.txt").read_text().replace("11 Papers", "12 Papers")
    path = tmp_path / "profile.txt"
    path.write_text(text)
    papers, reports = collect_papers([path], as_of=AS_OF)
    assert len(papers) == 11
    assert [(report.line, report.rejected) for report in reports] == [(10, False)]
    assert "announces 12 papers but the page holds 11" in reports[0].message


def test_urls_in_abstracts_stop_at_brackets_and_sentence_punctuation() -> None:
    papers = read_seed("000")
    assert by_title(papers, "Infinity Instruct").urls == (
        "https://huggingface.co/datasets/BAAI/Infinity-Instruct",
        "https://gitee.com/li-touch/infinity-instruct",
    )
    assert by_title(papers, "Llumnix").urls == ("https://github.com/AlibabaPAI/llumnix",)


def test_compact_text_before_the_first_record_is_reported(tmp_path) -> None:
    seed = [path for path in seed_files() if path.name.startswith("002")][0]
    listing = tmp_path / "compact.txt"
    listing.write_text("Trending papers\nsorted by score\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    papers, reports = collect_papers([listing], as_of=AS_OF)
    assert len(papers) == 11
    expected = [(1, False, "2 line(s) before the first record belong to no paper")]
    assert [(report.line, report.rejected, report.message) for report in reports] == expected


def test_daily_title_without_abstract_is_reported_and_later_pairs_stay_aligned(tmp_path) -> None:
    seed = [path for path in seed_files() if path.name.startswith("004")][0]
    lines = seed.read_text(encoding="utf-8").split("\n")
    second_abstract = lines.index("LlamaRL: A Distributed Asynchronous Reinforcement Learning Framework for Efficient Large-scale LLM Training") + 2
    del lines[second_abstract]
    listing = tmp_path / "daily.txt"
    listing.write_text("\n".join(lines), encoding="utf-8")
    papers, reports = collect_papers([listing], as_of=AS_OF)
    assert len(papers) == 136
    assert [(report.line, report.rejected) for report in reports] == [(second_abstract - 1, True)]
    assert "LlamaRL" in reports[0].message
    assert by_title(papers, "Influence Scores at Scale").abstract.startswith("Modern ML systems ingest data")


# --- issue 12: real pages bibx had never seen ------------------------------------------------------


def read_text(tmp_path, text: str, name: str = "listing.txt") -> tuple[list[Paper], list]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return collect_papers([path], as_of=AS_OF, merge=False)


def displayed(paper: Paper) -> list[str]:
    return [creator.display for creator in paper.creators]


def test_profile_records_without_abstract_are_papers_before_the_next_record_and_at_the_end(tmp_path) -> None:
    papers, reports = read_text(
        tmp_path,
        "Ann Example\n\n3 Papers\n\nCLMar 3, 2023\n語りの傾聴において不同意を示す応答の生成\n\n伊藤 滉一朗, 村田 匡輝\n"
        "CLFeb 1, 2024\nA Workshop Paper\n\nAna dos Santos, Ludwig van den Berg\n\nAn abstract at last.\n\n"
        "AIJan 5, 2022\nA Thesis\n\nWon-gi Paeng\n",
    )
    assert reports == []
    assert [paper.title for paper in papers] == ["語りの傾聴において不同意を示す応答の生成", "A Workshop Paper", "A Thesis"]
    assert [paper.abstract for paper in papers] == ["", "An abstract at last.", ""]
    assert papers[0].creators == (Person("伊藤", "滉一朗"), Person("村田", "匡輝"))
    assert papers[1].creators == (Person("dos Santos", "Ana"), Person("van den Berg", "Ludwig"))
    assert papers[2].creators == (Person("Paeng", "Won-gi"),)


def test_compact_records_without_abstract_and_with_an_affiliation_tail(tmp_path) -> None:
    papers, reports = read_text(
        tmp_path,
        "CLMar 3, 2023\nMind DeepResearch Technical ReportMindDR Team, Li Auto Inc\n"
        "AIFeb 1, 2024\nDon't Forget Imagination!Evgenii E. Vityaev, Andrei Mantsivoda · nsu, iis\nAn abstract.\n"
        "IRJan 5, 2022\nIs analogy enough to draw novel adjective-noun inferences?Hayley Ross, Kathryn Davidson, Najoung Kim\n",
    )
    assert [(paper.title, displayed(paper)) for paper in papers] == [
        ("Mind DeepResearch Technical Report", ["MindDR Team", "Li Auto Inc"]),
        ("Don't Forget Imagination!", ["Evgenii E. Vityaev", "Andrei Mantsivoda"]),
        ("Is analogy enough to draw novel adjective-noun inferences?", ["Hayley Ross", "Kathryn Davidson", "Najoung Kim"]),
    ]
    assert papers[0].creators == (Organization("MindDR Team"), Organization("Li Auto Inc"))
    assert papers[1].organizations == ("nsu", "iis") and papers[1].abstract == "An abstract."
    assert [paper.abstract for paper in papers] == ["", "An abstract.", ""]
    assert not [report for report in reports if report.rejected]


def test_copy_noise_indentation_no_break_spaces_blank_lines_and_page_furniture(tmp_path) -> None:
    text = (
        "Home\n  Sign in\n\nAnn Example\n\nh-index3\n2 Papers\n\n\n"
        "\t CLMar 3, 2023\n   A\u00a0Roadmap for Big Model\n\n\n   Sha Yuan,\u00a0Hanyu Zhao et al. · bytedance, pku\n"
        "   With the rapid development of deep learning.\n   Show abstract\n\n\n\n"
        "  LGFeb 1, 2024Code\n  Graph Attention Multi-Layer Perceptron\n  Wentong Zhang, Ziqi Yin\n\n"
        "  Load more\n\nWe use cookies to improve your experience. Accept all to continue.\nAccept all\n© 2026 Example Inc.\n"
    )
    papers, reports = read_text(tmp_path, text)
    assert [paper.title for paper in papers] == ["A Roadmap for Big Model", "Graph Attention Multi-Layer Perceptron"]
    assert papers[0].abstract == "With the rapid development of deep learning." and papers[1].abstract == ""
    assert displayed(papers[0]) == ["Sha Yuan", "Hanyu Zhao"] and papers[0].authors_truncated and papers[1].has_code
    assert [(report.line, report.rejected) for report in reports] == [(16, False), (24, False)]
    assert "'Show abstract'" in reports[0].message and "'Load more'" in reports[1].message


def test_daily_page_furniture_between_and_after_the_papers_is_reported_not_paired(tmp_path) -> None:
    text = (
        "Daily Papers\n\nJul 29\n\n  First Title\n\n  A first abstract.\n\nUpvote\n\n12\n\n"
        "Second Title\n\nA second abstract.\n\nLoad more\n"
    )
    papers, reports = read_text(tmp_path, text)
    assert [(paper.title, paper.abstract) for paper in papers] == [("First Title", "A first abstract."), ("Second Title", "A second abstract.")]
    assert [report.line for report in reports] == [9, 11, 17] and not any(report.rejected for report in reports)


def test_inspect_papers_lists_title_authors_date_and_warnings(tmp_path) -> None:
    from bibx.testing import run_cli

    path = tmp_path / "listing.txt"
    path.write_text("LGMar 3, 2023\nTraining at Scale with WuKongLi Wei, Ann Example et al.\nAn abstract.\n", encoding="utf-8")
    result = run_cli(["inspect", str(path), "--papers", "--as-of", "2026-11-25"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].endswith("compact: 1 papers, 0 rejected, 1 warnings")
    assert "Training at Scale with WuKong | Wei, Li; Example, Ann; et al. | 2023-03-03 | 1 warning(s)" in lines[1]
    assert lines[2].strip().startswith("! the title may end elsewhere")


def test_compact_authors_on_their_own_line_are_read_as_such(tmp_path) -> None:
    text = "CLAug 10, 2024Code\nSWIFT:A Scalable lightWeight Infrastructure\nYuze Zhao, Jintao Huang et al.\nAn abstract.\n"
    papers, reports = read_text(tmp_path, text)
    assert reports == []
    assert [(paper.title, displayed(paper), paper.abstract) for paper in papers] == [
        ("SWIFT:A Scalable lightWeight Infrastructure", ["Yuze Zhao", "Jintao Huang"], "An abstract.")
    ]


def test_an_unreadable_name_further_on_does_not_silently_move_the_title_end(tmp_path) -> None:
    papers, reports = read_text(tmp_path, "CLAug 10, 2024\nA Global Log for Medical AIAyush Noori, Dave deBronkart, Gauden Galea\nAn abstract.\n")
    assert papers[0].title == "A Global Log for Medical AI"
    assert displayed(papers[0]) == ["Ayush Noori", "Dave deBronkart", "Gauden Galea"]
    assert [(report.line, report.rejected) for report in reports] == [(1, False)]
    assert "'Dave deBronkart'" in reports[0].message
