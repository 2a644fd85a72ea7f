"""Entries rendered as they are read, in this process (``--jobs 1``) or on workers (``--jobs N``): the same bytes,
reports and accounting as the export that reads twice and hands the writer papers, for every writer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bibx import ReaderSpec, WriterSpec, hookimpl, parallel, pipeline, read_by_records
from bibx.model import Paper, Report
from bibx.pipeline import ExportRequest, ReadRequest, Summary, export
from bibx.plugins import PluginHost, load_host
from bibx.testing import SEED_AS_OF, host_with, seed_files
from bibx_plugins.listings.grammar import is_meta_line

ROOT = Path(__file__).resolve().parents[1]
ENTRY_WRITERS = ("bibtex", "biblatex", "csljson", "ndjson", "json", "ris")
READ_TWICE = 0  # exported's jobs for bibx.reading.Reading: papers read twice and handed to the writer


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return load_host()


@pytest.fixture(scope="module")
def dump_5k(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The benchmark's synthetic dump at 5,000 papers (profile, compact and Daily Papers pages)."""
    spec = importlib.util.spec_from_file_location("bibx_bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    return generate.generate_dump(5000, tmp_path_factory.mktemp("dump-5k"))


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small inputs run on workers too, as many as asked for; the list records each parallel export's job count."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    used: list[int] = []
    original = parallel.ParallelReading.__init__

    def spy(self, request, opened, accounting, jobs, *rest) -> None:  # noqa: ANN001, ANN002
        used.append(jobs)
        original(self, request, opened, accounting, jobs, *rest)

    monkeypatch.setattr(parallel.ParallelReading, "__init__", spy)
    return used


def exported(
    host: PluginHost, inputs: list[Path], writer: str, jobs: int, out: Path, merge: bool = True, reader: str | None = None
) -> tuple[bytes, list[Report], Summary]:
    """The output, reports and summary of an export with ``jobs``; :data:`READ_TWICE` for the reference, the
    path of every export that cannot render as it reads (``--resolve``, ``--select``, a writer of whole files)."""
    reports: list[Report] = []
    request = ExportRequest(
        read=ReadRequest([str(path) for path in inputs], reader, as_of=SEED_AS_OF, merge=merge),
        writer=writer,
        output=str(out),
        jobs=max(jobs, 1),
        force=True,
    )
    with pytest.MonkeyPatch.context() as patch:
        if jobs == READ_TWICE:
            patch.setattr(pipeline, "_renders_while_reading", lambda *_: False)
        summary = export(request, host, reports.append)
    return out.read_bytes(), reports, summary


@pytest.mark.parametrize("merge", [True, False], ids=["merge", "no-merge"])
def test_every_writer_writes_the_seeds_byte_for_byte_alike_with_one_and_two_jobs(
    host: PluginHost, always_parallel: list[int], tmp_path: Path, merge: bool
) -> None:
    for writer in host.writers.specs:
        twice = exported(host, seed_files(), writer, READ_TWICE, tmp_path / f"{writer}-0", merge)
        for jobs in (1, 2):
            rendered = exported(host, seed_files(), writer, jobs, tmp_path / f"{writer}-{jobs}", merge)
            assert twice[0] == rendered[0], (writer, jobs)
            assert twice[1] == rendered[1], (writer, jobs)
            assert twice[2] == rendered[2], (writer, jobs)
    # Every writer that declares entries rendered them as read, in one process and on workers; the others (refs) read twice.
    assert always_parallel == [1, 2] * sum(spec.entries for spec in host.writers.specs.values())
    assert set(ENTRY_WRITERS) <= {name for name, spec in host.writers.specs.items() if spec.entries}


@pytest.mark.parametrize("writer", ENTRY_WRITERS)
def test_a_5k_dump_is_written_byte_for_byte_alike_with_one_and_two_jobs(
    host: PluginHost, dump_5k: list[Path], always_parallel: list[int], tmp_path: Path, writer: str
) -> None:
    twice = exported(host, dump_5k, writer, READ_TWICE, tmp_path / "twice")
    one = exported(host, dump_5k, writer, 1, tmp_path / "one")
    two = exported(host, dump_5k, writer, 2, tmp_path / "two")
    three = exported(host, dump_5k, writer, 3, tmp_path / "three")
    assert always_parallel == [1, 2, 3]
    assert one[2].read == 5000 and one[2].merged > 0
    assert twice == one == two == three


def test_a_paper_whose_key_collides_is_rendered_again_with_its_suffix(host: PluginHost, always_parallel: list[int], tmp_path: Path) -> None:
    page = ROOT / "seeds" / "001_262eeff6da9f5192.txt"
    copies = []
    for n in range(3):  # the same page three times without merging: every key but the first is suffixed
        copy = tmp_path / f"copy{n}.txt"
        copy.write_bytes(page.read_bytes())
        copies.append(copy)
    twice = exported(host, copies, "bibtex", READ_TWICE, tmp_path / "twice.bib", merge=False)
    one = exported(host, copies, "bibtex", 1, tmp_path / "one.bib", merge=False)
    two = exported(host, copies, "bibtex", 2, tmp_path / "two.bib", merge=False)
    assert always_parallel == [1, 2]
    assert twice == one == two
    assert b"a,\n" in two[0] and b"b,\n" in two[0]


def test_small_inputs_and_jobs_1_stay_in_one_process(host: PluginHost, tmp_path: Path) -> None:
    files = seed_files()
    assert sum(path.stat().st_size for path in files) < parallel.PARALLEL_MIN_BYTES
    from bibx.pipeline import Accounting, open_inputs

    opened = open_inputs([str(path) for path in files], None, host, Accounting(lambda report: None), tmp_path)
    assert parallel.jobs_for(None, opened) == 1
    assert parallel.jobs_for(1, opened) == 1


def test_usable_cores_follow_the_affinity() -> None:
    assert 1 <= parallel.usable_cores() <= (__import__("os").cpu_count() or 1)


def test_jobs_never_exceed_the_usable_cores(host: PluginHost, dump_5k: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibx.pipeline import Accounting, open_inputs

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 3)
    opened = open_inputs([str(path) for path in dump_5k], None, host, Accounting(lambda report: None), tmp_path)
    assert parallel.jobs_for(1000, opened) == 3
    assert parallel.jobs_for(None, opened) == 3
    assert parallel.jobs_for(2, opened) == 2


def compact_variant(name: str, description: str, interpret):  # noqa: ANN001, ANN201
    """A plugin registering, as ``name``, a reader of the compact reader's records with another ``interpret``."""
    from bibx_plugins.listings import compact

    class CompactVariant:
        @hookimpl
        def bibx_register_readers(self, register) -> None:  # noqa: ANN001
            read = lambda lines, context: read_by_records(compact.records, interpret, lines, context)  # noqa: E731
            register(ReaderSpec(name, description, read, records=compact.records, interpret=interpret))

    return CompactVariant()


class _FailingCompact:
    """The compact reader, failing on the record at line ``FAIL_AT``."""

    FAIL_AT = 0

    @staticmethod
    def interpret(record, context):  # noqa: ANN001, ANN205
        from bibx_plugins.listings import compact

        if record.line >= _FailingCompact.FAIL_AT:
            raise ValueError("a bug in the reader")
        yield from compact.interpret(record, context)


def test_a_reader_failing_in_a_worker_costs_the_rest_of_its_input_as_in_one_process(
    dump_5k: list[Path], always_parallel: list[int], tmp_path: Path
) -> None:
    compact = next(path for path in dump_5k if path.name == "compact.txt")
    _FailingCompact.FAIL_AT = len(compact.read_text(encoding="utf-8").splitlines()) // 2
    host = host_with(compact_variant("failing", "compact, failing half-way", _FailingCompact.interpret))

    twice, one, two = (exported(host, [compact], "bibtex", jobs, tmp_path / f"out-{jobs}.bib", reader="failing") for jobs in (READ_TWICE, 1, 2))
    assert always_parallel == [1, 2]
    assert one == two
    # Reading twice names the line its reader had reached, rendering as read the failing record's own line.
    assert (twice[0], twice[2]) == (one[0], one[2])
    assert [report.message for report in twice[1]] == [report.message for report in one[1]]
    assert 0 < one[2].read < 2000
    assert any("failing reader (plugin" in report.message and "the rest of this input is skipped" in report.message for report in one[1])


class _KeyTwiceWriter:
    """An entry writer that writes each key twice, as it is or, for titles of even length, upper-cased (so that
    those entries do not hold the placeholder and are rendered again with their keys), and fails on one title."""

    FAIL_ON = "\x00"  # a title holding this fails

    def __init__(self, context) -> None:  # noqa: ANN001
        self.report = context.report

    def entry(self, paper):  # noqa: ANN001, ANN201
        if self.FAIL_ON in paper.title:
            raise RuntimeError("a bug in the writer")
        self.report(Report.about(paper, f"wrote {paper.key}"))
        key = paper.key.upper() if len(paper.title) % 2 == 0 else paper.key
        return f"{key}: {paper.title} [{key}]\n"

    def write_entries(self, entries, out) -> None:  # noqa: ANN001
        out.writelines(entries)

    def write(self, papers, out) -> None:  # noqa: ANN001
        self.write_entries((text for paper in papers if (text := self.entry(paper))), out)


class _KeyTwice:
    @hookimpl
    def bibx_register_writers(self, register) -> None:  # noqa: ANN001
        register(WriterSpec("keytwice", "keys written twice", ("kt",), "text/plain", _KeyTwiceWriter, entries=True))


def test_entries_take_their_keys_in_place_or_are_rendered_again_and_writer_failures_stay_the_writers(
    dump_5k: list[Path], always_parallel: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = host_with(_KeyTwice())
    twice = exported(host, dump_5k, "keytwice", READ_TWICE, tmp_path / "twice")
    one = exported(host, dump_5k, "keytwice", 1, tmp_path / "one")
    two = exported(host, dump_5k, "keytwice", 2, tmp_path / "two")
    assert twice == one == two and one[2].written == one[2].read - one[2].merged
    from bibx.pipeline import WriterFailed

    monkeypatch.setattr(_KeyTwiceWriter, "FAIL_ON", "Diffusion")
    for jobs in (READ_TWICE, 1, 2):
        with pytest.raises(WriterFailed, match="the keytwice writer .* failed: RuntimeError: a bug in the writer"):
            exported(host, seed_files(), "keytwice", jobs, tmp_path / f"seeds-{jobs}")
    assert always_parallel == [1, 2, 1, 2]


def _twins(record, context):  # noqa: ANN001, ANN202
    """The compact reader reading each record as two papers of one title (merged into one), the second with a DOI of its own."""
    from dataclasses import replace

    from bibx_plugins.listings import compact

    for result in compact.interpret(record, context):
        yield result
        if isinstance(result, Paper):
            yield replace(result, abstract="", doi=f"10.5555/twin.{record.line}")


def test_the_papers_rendered_again_are_found_among_the_papers_of_their_records(
    dump_5k: list[Path], always_parallel: list[int], tmp_path: Path
) -> None:
    """Each paper of a record that yields two is merged: the main process interprets the record again and takes its own."""
    compact = next(path for path in dump_5k if path.name == "compact.txt")
    host = host_with(compact_variant("twins", "compact, two papers a record", _twins))
    twice, one, two = (exported(host, [compact], "bibtex", jobs, tmp_path / f"out-{jobs}.bib", reader="twins") for jobs in (READ_TWICE, 1, 2))
    assert always_parallel == [1, 2]
    assert twice == one == two
    assert one[2].merged >= one[2].read // 2 > 0
    assert one[0].count(b"doi = {10.5555/twin.") == one[2].written


_READINGS: dict[int, int] = {}  # how often _fickle_twins read the record at each line


def _fickle_twins(record, context):  # noqa: ANN001, ANN202
    """:func:`_twins` reading a record's titles otherwise each time it reads the record: a reader breaking its contract."""
    from dataclasses import replace

    count = _READINGS[record.line] = _READINGS.get(record.line, 0) + 1
    for result in _twins(record, context):
        yield replace(result, title=f"{result.title} {count}") if isinstance(result, Paper) else result


def test_a_reader_reading_a_record_otherwise_the_second_time_is_named_at_the_record(tmp_path: Path) -> None:
    from bibx.sources import InputError

    page = ROOT / "seeds" / "002_de8fc58348981559.txt"
    host = host_with(compact_variant("fickle", "compact, read otherwise each time", _fickle_twins))
    with pytest.raises(InputError, match=r"002_de8fc58348981559.txt:\d+: error: the fickle reader \(plugin .*\) read this record otherwise"):
        exported(host, [page], "bibtex", 1, tmp_path / "out.bib", reader="fickle")


def test_a_title_holding_the_placeholder_key_is_written_as_read(
    host: PluginHost, dump_5k: list[Path], always_parallel: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel.secrets, "token_hex", lambda _n: "0123456789abcdef")
    lines = next(path for path in dump_5k if path.name == "profile.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    profile = tmp_path / "profile.txt"
    opening = next(i for i, line in enumerate(lines) if is_meta_line(line.strip()))
    title_at = next(i for i in range(opening + 1, len(lines)) if lines[i].strip())
    lines[title_at] = "bibxkey0123456789abcdef " + lines[title_at]
    profile.write_text("".join(lines), encoding="utf-8")
    for writer in ("bibtex", "csljson"):
        twice = exported(host, [profile], writer, READ_TWICE, tmp_path / f"{writer}-0")
        one = exported(host, [profile], writer, 1, tmp_path / f"{writer}-1")
        two = exported(host, [profile], writer, 2, tmp_path / f"{writer}-2")
        assert twice == one == two and b"bibxkey0123456789abcdef" in two[0]


def test_bibx_writers_entries_take_their_keys_in_place(
    host: PluginHost, dump_5k: list[Path], always_parallel: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main process renders no paper of bibx's own writers again (but the merged ones): the workers did it."""
    outcomes: list[bool] = []
    keyed = parallel._keyed

    def counting(entry, key, placeholder):  # noqa: ANN001, ANN202
        outcomes.append(keyed(entry, key, placeholder) is not None)
        return keyed(entry, key, placeholder)

    monkeypatch.setattr(parallel, "_keyed", counting)
    for writer in ENTRY_WRITERS:
        for jobs in (1, 2):
            outcomes.clear()
            exported(host, dump_5k, writer, jobs, tmp_path / writer)
            assert outcomes and all(outcomes), (writer, jobs)


def test_exports_rendering_in_several_threads_keep_apart(host: PluginHost, dump_5k: list[Path], tmp_path: Path) -> None:
    """One job renders with state of its own, not the workers' module state: a library may export from threads."""
    import threading

    writers = ("bibtex", "ris", "csljson")
    alone = {writer: exported(host, dump_5k, writer, 1, tmp_path / f"alone-{writer}") for writer in writers}
    together: dict[str, tuple[bytes, list[Report], Summary]] = {}

    def run(writer: str) -> None:
        together[writer] = exported(host, dump_5k, writer, 1, tmp_path / f"together-{writer}")

    threads = [threading.Thread(target=run, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone
