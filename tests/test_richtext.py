"""The model's rich-text convention (bibx.richtext): parsing, plain text, HTML, and LaTeX read once."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibx.richtext import Span, from_latex, parse, render, repair_mojibake, to_html, to_plain
from bibx.testing import SEED_AS_OF, run_cli, seed_files


@pytest.mark.parametrize(
    ("latex", "rich"),
    [
        (r"AntM$^{2}$C", "AntM<sup>2</sup>C"),
        (r"E$^{2}$GAN: Efficient", "E<sup>2</sup>GAN: Efficient"),
        (r"DiM\textsuperscript{3}", "DiM<sup>3</sup>"),
        (r"H\textsubscript{2}O", "H<sub>2</sub>O"),
        (r"gains of 8.6\%", "gains of 8.6%"),
        (r"$2\le p\le m$", "2 ≤ <i>p</i> ≤ <i>m</i>"),
        (r"up to $160\times$ faster", "up to 160× faster"),
        (r"$x_{i}^2$", "<i>x</i><sub>i</sub><sup>2</sup>"),
        (r"a \textbf{reference} point", "a <b>reference</b> point"),
        (r"\emph{new} and \textit{old}", "<i>new</i> and <i>old</i>"),
        (r"One For All (\textsc{Ofa})", 'One For All (<span style="font-variant:small-caps;">Ofa</span>)'),
        (r"{Braced} title", '<span class="nocase">Braced</span> title'),
        (r"Caf\'e {\"u}ber", "Café über"),
        (r"pages 1--2 --- and ``quoted''", "pages 1–2 — and “quoted”"),
        (r"?`Qu\'e? !`Ay!", "¿Qué? ¡Ay!"),
        ("50% of data", "50% of data"),  # a bare % in a listing is a percent sign, not a comment
        (r"adapters (\eg LoRA)", "adapters (e.g. LoRA)"),
        (r"\sys outperforms", r"\sys outperforms"),  # a paper's own macro: kept as written
        ("componentsx2013such", "components–such"),
        ("a < b & c", "a < b & c"),
        ("first\n\nsecond  line", "first\n\nsecond line"),
    ],
)
def test_latex_reads_as_the_rich_text_it_prints(latex: str, rich: str) -> None:
    assert from_latex(latex) == rich


def test_plain_text_uses_unicode_scripts_where_they_exist() -> None:
    assert to_plain("AntM<sup>2</sup>C and DiM<sup>3</sup>") == "AntM²C and DiM³"
    assert to_plain("H<sub>2</sub>O, x<sup>n+1</sup>, y<sup>T</sup>") == "H₂O, xⁿ⁺¹, yT"
    assert to_plain('<i>K</i>-means <span class="nocase">BERT</span> <b>b</b>') == "K-means BERT b"


def test_html_has_real_tags_and_escaped_text() -> None:
    assert to_html('a < b & <i>c</i> <span class="nocase">D</span>') == "a &lt; b &amp; <i>c</i> D"
    assert to_html("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.parametrize("text", ["<i>unclosed", "closed</i> only", "<b>wrong</i> nest</b>", "</span>", "<sup></sup>"])
def test_a_tag_without_its_partner_is_text(text: str) -> None:
    assert text_round_trips(text)


def text_round_trips(text: str) -> bool:
    return render(parse(text)) == text


def test_parse_builds_nested_spans() -> None:
    assert parse("a <b>x<sup>2</sup></b>") == ("a ", Span("b", ("x", Span("sup", ("2",)))))


def test_mojibake_repair_only_touches_a_lost_dash_or_quote_between_letters() -> None:
    assert repair_mojibake("componentsx2013such and Matrix2013") == "components–such and Matrix2013"
    assert repair_mojibake("0x2013 and x20134") == "0x2013 and x20134"


RICH_PIECES = st.sampled_from(["a", "B", " ", "<i>", "</i>", "<sup>", "</sup>", '<span class="nocase">', "</span>", "<", "&", "2"])


@given(st.lists(RICH_PIECES, max_size=12).map("".join))
def test_any_rich_text_parses_and_renders_back(text: str) -> None:
    assert render(parse(text)) == text


# Commands a paper defines in its own preamble (\sys for its system's name): arXiv prints them as
# typed and nothing can say what they stand for, so they are kept as written.
PAPER_OWN_MACROS = {r"\sys", r"\method"}
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


@pytest.mark.parametrize(("writer", "options"), [("csljson", ()), ("ris", ()), ("refs", ()), ("refs", ("-O", "output-format=html"))])
def test_no_raw_latex_reaches_the_non_latex_formats_of_the_seeds(writer: str, options: tuple[str, ...]) -> None:
    files = [str(path) for path in seed_files()]
    result = run_cli(["export", *files, "--format", writer, *options, "--as-of", SEED_AS_OF.isoformat(), "-q"])
    assert result.exit_code == 0, result.stderr
    writer = f"{writer}-html" if options else writer
    shown = "\n".join(strings_in(json.loads(result.stdout))) if writer == "csljson" else result.stdout
    assert set(LATEX_COMMAND.findall(shown)) <= PAPER_OWN_MACROS
    assert not re.search(r"\$[^$\s]|\^\{|_\{", shown)
    assert ("AntM<sup>2</sup>C" if writer in ("csljson", "refs-html") else "AntM²C") in shown
    assert "8.6%" in shown or writer.startswith("refs")  # references carry no abstract


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for element in value for text in strings_in(element)] if isinstance(value, list) else []
