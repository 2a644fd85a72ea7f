"""One set of control characters (bibx.controls), and every place that cleans text agrees on it."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from bibx.controls import CONTROL_CHARACTERS, SEPARATING_CONTROLS, printable_only, replace_controls
from bibx.sources import clean_line
from bibx_plugins.bibtex.latex import latex_literal
from bibx_plugins.refs.engine import Entry
from bibx_plugins.refs.writer import format_entry
from bibx_plugins.ris.writer import single_line


def test_the_controls_are_unicode_category_cc() -> None:
    assert CONTROL_CHARACTERS == {chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cc"}


def test_the_separating_controls_are_tab_line_ends_and_separators() -> None:
    assert SEPARATING_CONTROLS == set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")


def test_separating_controls_become_spaces_and_the_others_vanish() -> None:
    assert replace_controls("a\tb\nc\x85d\x1fe") == "a b c d e"
    assert replace_controls("nul\x00esc\x1b[2Jdel\x7fc1\x9a") == "nulesc[2Jdelc1"
    assert replace_controls("a\r\n\x00b") == "a  b"  # one space per separating control, none for the others


def test_text_without_controls_is_returned_as_it_is() -> None:
    text = "Ünïcödé — \u200b zero width and \u00a0 no-break stay: they are not controls"
    assert replace_controls(text) == text
    assert replace_controls("") == ""


def test_printable_only_also_drops_format_characters_and_odd_spaces() -> None:
    text = "soft\u00adhyphen zero\u200bwidth\u202eleft\x1bnul\x00 no\u00a0break e\u0301 \ue000"
    assert printable_only(text) == "softhyphen zerowidthleftnul nobreak e\u0301 "


SEPARATING = sorted(SEPARATING_CONTROLS - {"\n", "\r"})  # line ends end a line before sources clean it
SILENT = sorted(CONTROL_CHARACTERS - SEPARATING_CONTROLS)


def _everywhere(text: str) -> dict[str, str]:
    """``text`` as each place that cleans text leaves it: a listing line, RIS, a reference, BibTeX."""
    return {
        "sources": clean_line(text),
        "ris": single_line(text),
        "refs": format_entry(Entry("", text), "text").rstrip("\n"),
        "bibtex": latex_literal(text, ascii_only=False),
    }


@pytest.mark.parametrize("control", SEPARATING, ids=[f"U+{ord(char):04X}" for char in SEPARATING])
def test_a_separating_control_is_a_space_everywhere(control: str) -> None:
    assert set(_everywhere(f"one{control}two").values()) == {"one two"}


@pytest.mark.parametrize("control", SILENT, ids=[f"U+{ord(char):04X}" for char in SILENT])
def test_any_other_control_vanishes_everywhere(control: str) -> None:
    assert set(_everywhere(f"one{control}two").values()) == {"onetwo"}
