"""The compact reader's own shortcuts answer as the paths they skip.

Each is checked on the lines of the listing corpus's tuned parts (rendered as compact and profile
pages) and on generated text built from the pieces that decide it: long and short parts, initials,
commas, "et al." and organisations.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx_plugins.listings import compact
from bibx_plugins.listings.grammar import parse_author_line
from tests.helpers import corpus_page_lines

PARTS = st.sampled_from(
    [
        "Yuze Zhao",
        "Kamal",
        "R.",
        "A. B. C. D. E. F. G. H.",
        "J.-P.",
        "we study how the method scales with the data it sees",
        "On GLUE and YouCook2 our method wins by a wide margin",
        "Deployed in production at tsinghua",
        "Moreover",
        "Team Wan",
        "ALL CAPS WORDS ARE HERE IN EIGHT WORDS",
        "et al.",
        "",
    ]
)
SEPARATORS = st.sampled_from([", ", ",", " , ", " · ", " ", ",  "])
LINES = st.lists(st.tuples(PARTS, SEPARATORS).map("".join), max_size=12).map("".join)


def _prose_is_no_author_line(line: str) -> None:
    if compact._is_prose(line):
        assert parse_author_line(line, typical=True) is None, line
        assert parse_author_line(line) is None, line


def test_prose_lines_of_the_corpus_read_as_no_author_line() -> None:
    lines = corpus_page_lines()
    # The corpus's abstracts have few commas: joined three by three, its lines make comma-separated
    # parts of every kind it holds (names, author lines, titles, sentences).
    joined = [", ".join(lines[i : i + 3]) for i in range(len(lines) - 2)]
    for line in (*lines, *joined):
        _prose_is_no_author_line(line)
    assert sum(map(compact._is_prose, joined)) > len(joined) // 10  # the shortcut is taken


@given(LINES)
def test_generated_prose_reads_as_no_author_line(line: str) -> None:
    _prose_is_no_author_line(line)


@pytest.mark.parametrize(
    "line",
    [
        # Eight initials after a family name make one name with it: two long parts, one unreadable name.
        "Smith, J., Doe, K., Roe, L., Poe, M., Moe, N., lower case family name of many words here, A. B. C. D. E. F. G. H., Zhao, Y.",
        "Yuze Zhao, Xin Huan, Jintao Huang, Wei Li, the first part of a long sentence that runs on, et al.",
    ],
)
def test_author_lines_with_a_long_part_are_left_to_the_full_reading(line: str) -> None:
    assert not compact._is_prose(line)
    assert parse_author_line(line) is not None
