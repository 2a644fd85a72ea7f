"""The hand-made corpus the writer, reader and client tests share: every shape of author list and
date, and strings meant to break JSON, LaTeX and line-based formats."""

from __future__ import annotations

from bibx import Organization, Paper, PartialDate, Person

HOSTILE = 'Quotes " and \\ backslash \\" \u2028line\u2029para \x85nel \u202eevil\u202c \u2066iso\u2069 \x00\x1b ctrl\nER  - \nTY  - JOUR'

EDGE_PAPERS = (
    Paper(
        title="Attention Is All You Need, Again",
        creators=(Person("Vaswani", "Ashish"), Person("van der Berg", "Zoë"), Person("Ñúñez", "José")),
        abstract="We revisit $O(n^2)$ attention & 100% of its costs_.",
        category="cs.CL",
        category_raw="CL",
        date=PartialDate(2024, 11, 4),
        arxiv_id="2411.02265",
        urls=("https://github.com/example/again",),
        key="vaswani2024attention",
    ),
    Paper(title="Hunyuan-Large", creators=(Organization("Tencent Hunyuan Team"),), date=PartialDate(2024), key="team2024hunyuan"),
    Paper(
        title="A Roadmap for Big Model",
        creators=(Person("Yuan", "Sha"), Person("Zhao", "Hanyu")),
        authors_truncated=True,
        organizations=("bytedance", "pku"),
        date=PartialDate(2022, 3),
        key="yuan2022edge",
    ),
    Paper(
        title="Listed Without Authors",
        authors_known=False,
        listing_date=PartialDate(2026, 11, 20),
        date=PartialDate(2026, 5, 26, year_inferred=True),
        key="listed2026",
    ),
    Paper(
        title=HOSTILE,
        creators=(Person('O"Brien\\', "Ann\u2028Marie"), Organization("Acme, Research \u202eLab")),
        abstract=f"Paragraph one.\n\nParagraph two {HOSTILE}",
        category="cs.CR",
        key="obrien2023quotes",
        date=PartialDate(2023, 2, 28),
    ),
    Paper(title="Only a Title", key="only2020title"),
    Paper(title="Journal DOI Kept", creators=(Person("Plato"),), doi="10.1145/3292500.3330701", key="plato2019journal", date=PartialDate(2019, 7)),
)
