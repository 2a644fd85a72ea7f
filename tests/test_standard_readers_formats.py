"""What other tools write, read by the standard readers, per format family: BibTeX/BibLaTeX (arXiv's
own export, a hand-kept library), CSL-JSON (Zotero, one item per line) and RIS (Zotero), each read
entry by entry as the input streams in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bibx import Organization, PartialDate, Person, ReadContext
from bibx.plugins import PluginHost
from bibx_plugins.bibtex import reader as bibtex_reader
from bibx_plugins.csl import reader as csljson_reader
from bibx_plugins.ris import reader as ris_reader
from tests.test_standard_readers import AS_OF, messages, read

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
