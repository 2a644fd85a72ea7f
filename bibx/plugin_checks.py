"""The plugin author's checklist: what every bibx reader and writer must do, as functions a test calls.

``check_writer(spec, reader=...)`` and ``check_reader(spec, sample=...)`` raise one
:class:`AssertionError` listing every point that failed, so a plugin's test-suite needs one line
per format. They use the sample papers of :mod:`bibx.testing` (the seed dumps, packaged with bibx)
and :func:`hostile_papers`, the kinds of text real listings carry that break formats.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from bibx.hookspecs import hookimpl
from bibx.model import FieldSource, Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.richtext import to_plain
from bibx.sample_papers import SEED_AS_OF, collect_papers, host_with, seed_papers
from bibx.sources import clean_line
from bibx.specs import ReadContext, ReaderSpec, WriteContext, WriterSpec
from bibx.validation import result_problem

# Text that breaks formats: each kind goes into every text field of one hostile paper.
HOSTILE_TEXTS: dict[str, str] = {
    "control characters": "Nul \x00 bell \x07 escape \x1b[31mred\x1b[0m \x1b]0;title\x07 del \x7f nel \x85 tab\tvt \x0b ff \x0c cr \r end",
    "line breaks": "first line\nsecond line\r\nthird\u2028fourth\u2029fifth\n\n\nlast",
    "LaTeX specials": r"\ { } $ & % # _ ^ ~ \\ \input{/etc/passwd} \end{document} {unbalanced \immediate\write18{rm -rf}",
    "markup": "<i>unclosed <b>bold</i> </span> <script>alert(1)</script> &amp; a < b & c > d \"q\" 's' `code` *star* [link](x)",
    "right-to-left": "نموذج لغوي كبير \u202eevil\u202c עברית \u200fmixed\u200e and \u2066isolate\u2069",
    "emoji": "👩‍🔬 🏳️‍🌈 🇯🇵 ❤️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u0301 combining \ufeffbom zero\u200bwidth",
    "record breakers": 'ER  - \nTY  - JOUR\n@misc{x, title={y}}\n}\n]}\n{"id": 1}\n---\n# heading\n- [ ] item\n,"",;|\t',
}
# What no text output may hold: C0 control characters other than tab and line ends (JSON, for
# one, must escape them; DEL and the C1 range are valid JSON text as they are).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HUGE_CHARS = 60_000  # far beyond any real title, within what bibx lets a reader yield (100,000)


def hostile_papers() -> list[Paper]:
    """Papers whose every text field carries one kind of :data:`HOSTILE_TEXTS`, one huge, one with every field empty.

    Each is a paper a reader may legitimately yield (``bibx.validation.paper_problems`` finds
    nothing), with a citation key, as papers reach a writer.
    """
    papers = [_hostile_paper(f"hostile{number}", text) for number, text in enumerate(HOSTILE_TEXTS.values(), start=1)]
    huge = " ".join(["supercalifragilistic"] * (HUGE_CHARS // 21)) + "x" * (HUGE_CHARS // 2)
    papers.append(_hostile_paper("hostilehuge", huge))
    papers.append(_empty_paper())
    return papers


def _hostile_paper(key: str, text: str) -> Paper:
    return Paper(
        title=f"Title: {text}",
        creators=(Person(f"Family {text}", f"Given {text}"), Organization(text), Person(text)),
        authors_truncated=True,
        organizations=(text, text[:20]),
        abstract=text,
        category=text,
        category_raw=text,
        date=PartialDate(1, 1, 1),
        listing_date=PartialDate(9999, 12, 31),
        score=-1e308,
        arxiv_id=text[:40],
        doi=f"10.1000/{text[:40]}",
        urls=(f"https://example.org/{text[:40]}", f"javascript:{text[:40]}"),
        key=key,
        sources=(Provenance("<hostile>", 1, "hostile"),),
        journal_ref=text,
        field_sources=(FieldSource("doi", text[:40], text[:10], text),),
    )


def _empty_paper() -> Paper:
    """Every field that may be empty is: empty strings where the model allows them, else nothing."""
    return Paper(
        title="x",
        creators=(Person(""), Person("", ""), Organization("")),
        authors_known=False,
        organizations=("",),
        category="",
        category_raw="",
        date=PartialDate(2024, year_inferred=True),
        arxiv_id="",
        doi="",
        urls=("",),
        key="empty",
        journal_ref="",
        sources=(Provenance("<hostile>", 2, "hostile"),),
    )


def check_writer(
    spec: WriterSpec,
    reader: ReaderSpec | None = None,
    options: Mapping[str, str] | None = None,
    papers: Sequence[Paper] | None = None,
    streams: bool = True,
) -> None:
    """Raise :class:`AssertionError` unless ``spec``'s writer passes bibx's checklist.

    * writes every sample paper (``papers``, by default bibx's samples), rejecting none, and (when
      ``streams``) each before it is handed the next, so an export of a million papers streams;
    * never raises on :func:`hostile_papers` and writes text a UTF-8 file can hold, without
      C0 control characters (tab and line ends aside);
    * when ``reader`` is the format's reader, reads back what it writes: one paper per sample paper,
      with its title, and no hostile paper split, merged or lost (each is a paper or a rejection).

    ``options`` are the writer options to check with (``-O name=value``).
    """
    if papers is None:
        papers = seed_papers()
    problems: list[str] = []
    written, reports = _write(spec, papers, options, problems, streams, "sample")
    rejected = [report for report in reports if report.rejected]
    problems += [f"rejected a sample paper: {report}" for report in rejected]
    if written is not None and not written.strip():
        problems.append("wrote nothing for the sample papers")
    hostile = hostile_papers()
    hostile_written, hostile_reports = _write(spec, hostile, options, problems, False, "hostile")
    if reader is not None and written is not None:
        problems += _read_back_problems(reader, written, papers, len(rejected))
    if reader is not None and hostile_written is not None:
        kept = len(hostile) - sum(report.rejected for report in hostile_reports)
        problems += _hostile_read_back_problems(reader, hostile_written, kept)
    _fail_on(f"writer {spec.name!r}", problems)


def _write(
    spec: WriterSpec, papers: Sequence[Paper], options: Mapping[str, str] | None, problems: list[str], streams: bool, kind: str
) -> tuple[str | None, list[Report]]:
    """The text ``spec`` writes for ``papers`` and its reports; None (a problem noted) if it raised."""
    reports: list[Report] = []
    out = io.StringIO()
    held_back: list[int] = []
    try:
        writer = spec.factory(WriteContext(options=dict(options or {}), report=reports.append))
        writer.write(_watched(papers, out, reports, held_back) if streams else iter(papers), out)
    except Exception as error:  # noqa: BLE001 - the checklist reports what the writer raised
        problems.append(f"raised {type(error).__name__}: {error} while writing the {kind} papers")
        return None, reports
    text = out.getvalue()
    if held_back:
        problems.append(f"held back paper {held_back[0] + 1}: nothing was written for it before the next paper was asked for")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        problems.append(f"wrote text that a UTF-8 file cannot hold: {error}")
    if control := _CONTROL.search(text):
        why = "a terminal obeys it, and bibx reads a text with a NUL as binary"
        problems.append(f"wrote the control character {control.group()!r} (from the {kind} papers): {why}")
    return text, reports


def _watched(papers: Sequence[Paper], out: io.StringIO, reports: list[Report], held_back: list[int]) -> Iterator[Paper]:
    """``papers``, noting in ``held_back`` each index after which the writer asked for more without writing or reporting."""
    for index, paper in enumerate(papers):
        before = (len(out.getvalue()), len(reports))
        yield paper
        if index + 1 < len(papers) and (len(out.getvalue()), len(reports)) == before:
            held_back.append(index)


def _read_back_problems(reader: ReaderSpec, text: str, papers: Sequence[Paper], rejected: int) -> list[str]:
    try:
        read, reports = read_text(reader, text)
    except Exception as error:  # noqa: BLE001 - a crash while reading back is a finding, not the checklist's end
        return [f"reading its output of the sample papers back with {reader.name!r} raised {type(error).__name__}: {error}"]
    problems = [f"its output read back with {reader.name!r}: {report}" for report in reports if report.rejected]
    if len(read) != len(papers) - rejected:
        return [*problems, f"wrote {len(papers) - rejected} papers, {reader.name!r} read back {len(read)}"]
    if rejected:  # which papers were left out is not known here, so titles cannot be paired
        return problems
    problems += [
        f"paper {paper.key!r} read back with title {to_plain(again.title)!r}"
        for paper, again in zip(papers, read, strict=True)
        if _folded(paper.title) != _folded(again.title)
    ]
    return problems


def _hostile_read_back_problems(reader: ReaderSpec, text: str, written: int) -> list[str]:
    try:
        read, reports = read_text(reader, text)
    except Exception as error:  # noqa: BLE001
        return [f"reading its output of the hostile papers back with {reader.name!r} raised {type(error).__name__}: {error}"]
    rejected = [report.message for report in reports if report.rejected]
    if len(read) + len(rejected) != written:
        why = f" ({'; '.join(rejected[:3])})" if rejected else ""
        return [f"wrote {written} hostile papers; {reader.name!r} read back {len(read)} papers and {len(rejected)} rejected records{why}"]
    return []


def _folded(rich: str) -> str:
    return " ".join(to_plain(rich).casefold().split())


def read_text(reader: ReaderSpec, text: str) -> tuple[list[Paper], list[Report]]:
    """What ``bibx export --from NAME`` reads from a file holding ``text`` with ``reader`` alone, unmerged."""
    with tempfile.TemporaryDirectory(prefix="bibx-check-") as folder:
        path = Path(folder) / "written"
        path.write_text(text, encoding="utf-8", newline="")
        return collect_papers([path], merge=False, host=host_with(_OnlyReader(reader), builtins=False), reader=reader.name)


class _OnlyReader:
    """An inline plugin registering one reader, so that a check reads with exactly that one."""

    def __init__(self, spec: ReaderSpec) -> None:
        self.spec = spec
        self.__name__ = "checklist"  # the plugin name in what bibx reports

    @hookimpl
    def bibx_register_readers(self, register: Callable[[ReaderSpec], None]) -> None:
        register(self.spec)


def check_reader(spec: ReaderSpec, sample: str | None = None) -> None:
    """Raise :class:`AssertionError` unless ``spec``'s reader passes bibx's checklist.

    * ``sniff`` and ``read`` never raise on hostile text (the kinds of :data:`HOSTILE_TEXTS`, a
      huge line, an empty text, other formats' records), its lines handed over as bibx hands them
      (split at line ends, control characters and tabs already gone), and ``sniff`` answers a
      number from 0 to 1;
    * ``read`` yields only well-formed :class:`Paper` and :class:`Report` objects, each paper
      with its provenance (an archive format may keep the one it stored), and yields the same again when the text is read a second time;
    * given ``sample``, a text in the reader's format, ``sniff`` claims it and ``read`` yields at
      least one paper and rejects nothing.
    """
    problems: list[str] = []
    for name, text in _hostile_inputs().items():
        problems += [f"on {name}: {problem}" for problem in _reading_problems(spec, text)]
    if sample is not None:
        problems += [f"on the sample: {problem}" for problem in _reading_problems(spec, sample)]
        results = _results(spec, sample)
        if not any(isinstance(result, Paper) for result in results):
            problems.append("read no paper from the sample")
        problems += [f"rejected part of the sample: {result}" for result in results if isinstance(result, Report) and result.rejected]
        if spec.sniff is not None and not spec.sniff(_lines(sample)[:64]) > 0:
            problems.append("does not claim the sample (sniff answered 0)")
    _fail_on(f"reader {spec.name!r}", problems)


def _hostile_inputs() -> dict[str, str]:
    inputs = {f"{name}": f"{text}\n{text}" for name, text in HOSTILE_TEXTS.items()}
    inputs["an empty text"] = ""
    inputs["blank lines"] = "\n \n\n"
    inputs["a huge line"] = "word " * (HUGE_CHARS // 5)
    inputs["BibTeX"] = "@article{key, title={A {B}ibTeX} Title}, author={Doe, Jane and others}, year={2020}}\n"
    inputs["RIS"] = "TY  - JOUR\nTI  - A RIS Title\nAU  - Doe, Jane\nPY  - 2020\nER  - \n"
    inputs["JSON"] = '[{"id": "x", "type": "article", "title": "A JSON Title", "author": [{"family": "Doe"}]}, null, 3]\n'
    inputs["CSV"] = 'title,authors\n"A CSV, Title","Doe, Jane"\n,\n"unclosed\n'
    return inputs


def _reading_problems(spec: ReaderSpec, text: str) -> Iterator[str]:
    lines = _lines(text)
    if spec.sniff is not None:
        try:
            confidence = spec.sniff(lines[:64])
            if not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
                yield f"sniff answered {confidence!r}, not a number from 0 to 1"
        except Exception as error:  # noqa: BLE001
            yield f"sniff raised {type(error).__name__}: {error}"
    try:
        first, again = _results(spec, text), _results(spec, text)
    except Exception as error:  # noqa: BLE001
        yield f"read raised {type(error).__name__}: {error}"
        return
    for result in first:
        if problem := result_problem(result):
            yield f"read yielded {problem}"
        elif isinstance(result, Paper) and not result.sources:
            yield f"paper {to_plain(result.title)[:60]!r} does not say where it was read from (no Provenance in its sources)"
    if first != again:
        yield "read yielded something else the second time: a reader must be a pure function of its lines"


_CONTEXT_PATH = "checked.txt"


def _results(spec: ReaderSpec, text: str) -> list[Paper | Report]:
    context = ReadContext(path=_CONTEXT_PATH, as_of=SEED_AS_OF, reader=spec.name)
    return list(spec.read(iter(_lines(text)), context))


def _lines(text: str) -> list[str]:
    """The lines of ``text`` as bibx hands them to a reader: split at line ends only, then cleaned."""
    return [clean_line(line) for line in io.StringIO(text, newline=None)]


def _fail_on(subject: str, problems: Iterable[str]) -> None:
    listed = list(dict.fromkeys(problems))
    if listed:
        raise AssertionError(f"{subject} fails bibx's checklist:\n" + "\n".join(f"- {problem}" for problem in listed))
