"""Export benchmark: ``bibx export`` per output format against pandoc and bibtexparser, on the same papers.

Not a test, and CI does not run it. For each size it generates (or reuses) a synthetic dump
(``generate.py``), runs every export as its own ``bibx export`` process and records wall time,
CPU time and peak RSS of exactly that process; then it runs the anchors of PERF_ANCHORS.md on the
same papers: pandoc converting bibx's CSL-JSON to BibLaTeX, and bibtexparser 2 building a Library
of the same entries and writing it, and the floor: ``json.load`` + ``json.dumps`` of that CSL-JSON.
Each bibx export runs once per ``--jobs`` setting (default 1 and 2). Results print as a Markdown
table (with the load average before each measurement: the machine is shared), ratios and targets.

    python benchmarks/bench_export.py --sizes 1k,10k,100k --repeat 3
    python benchmarks/bench_export.py --sizes 10k,100k,1M --formats bibtex --jobs 1,2
    python benchmarks/bench_export.py --sizes 10k,100k,1M --formats bibtex,ndjson --no-merge --no-anchors
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import compile_bytecode  # noqa: E402
from export_report import Row, Run, ratios, table, target_checks  # noqa: E402
from generate import DEFAULT_SEED, dump_directory, generate_dump, parse_size, size_label  # noqa: E402

AS_OF = "2026-11-25"  # fixed, so that dates without a year complete the same way on every run
ALL_FORMATS = ("bibtex", "biblatex", "csljson", "ndjson", "ris", "json")
# pandoc holds the whole bibliography: 10.9 GB at 100k papers per PERF_ANCHORS.md, so 1M (~110 GB)
# cannot run on the 24 GB benchmark machine.
PANDOC_MAX_PAPERS = 100_000
SUMMARY = re.compile(r"bibx: read (\d+), merged (\d+), written (\d+), skipped (\d+), rejected (\d+), warnings (\d+)")


def measure(command: Sequence[str], timeout: float) -> Run:
    """Run ``command`` as its own process; its rusage comes from wait4, so it covers that process alone.

    This is what ``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process would report, without
    the wrapper: wait4 returns the peak RSS of exactly the child it reaps.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        status, usage = _wait(process, timeout)
        wall = time.perf_counter() - start
        stderr.seek(0)
        # Keep the end only: at a million papers a run with warnings would fill the memory here.
        text = stderr.read()[-20_000:]
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, status, text)


def _wait(process: subprocess.Popen, timeout: float) -> tuple[int, resource.struct_rusage]:
    """Block until the process ends (killed at ``timeout``: exit -9); its exit code and rusage."""
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        killer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage


def bibx_command() -> list[str]:
    """The installed console script beside this interpreter (a pyenv shim would add its own start-up)."""
    script = shutil.which("bibx", path=str(Path(sys.executable).parent)) or shutil.which("bibx")
    if script is None:
        sys.exit("bench_export: the bibx console script is not installed (pip install -e .)")
    return [script]


def registered_formats() -> set[str]:
    """Output formats ``bibx formats`` lists."""
    listing = subprocess.run([*bibx_command(), "formats"], capture_output=True, text=True, check=True).stdout
    _, _, outputs = listing.partition("Output formats")
    return {match[1] for match in re.finditer(r"^\s{2}(\S+)\s", outputs, re.MULTILINE)}


def export_command(inputs: Sequence[Path], format_name: str, output: Path, merge: bool, jobs: int | None = None) -> list[str]:
    command = [*bibx_command(), "export", *map(str, inputs), "--format", format_name, "-o", str(output), "--as-of", AS_OF]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command if merge else [*command, "--no-merge"]


class ExportFailed(Exception):
    """bibx exited with an error or did not read every paper of the dump."""


def checked_summary(run: Run, size: int) -> str:
    """What bibx's accounting adds to the table; raises ExportFailed unless all ``size`` papers were read cleanly."""
    match = SUMMARY.search(run.stderr)
    if run.returncode != 0 or match is None or int(match[1]) != size:
        raise ExportFailed(f"exit {run.returncode}, expected {size} papers read: {run.stderr[-500:]!r}")
    merged, skipped, warnings = match[2], match[4], match[6]
    return f"merged {merged}, skipped {skipped}, warnings {warnings}"


def repetitions(row: Row, args: argparse.Namespace) -> Iterator[None]:
    """Up to ``--repeat`` runs, fewer once the runs so far took ``--budget`` seconds (a pandoc run at 100k takes minutes)."""
    for _ in range(args.repeat):
        if row.runs and sum(run.wall for run in row.runs) > args.budget:
            return
        row.loads.append(os.getloadavg()[0])
        yield


def run_bibx(size: int, inputs: Sequence[Path], format_name: str, jobs: int, out_dir: Path, args: argparse.Namespace) -> Row:
    row = Row(size, f"bibx {format_name} --jobs {jobs}")
    output = out_dir / f"bibx-{jobs}.{format_name}"
    for _ in repetitions(row, args):
        run = measure(export_command(inputs, format_name, output, not args.no_merge, jobs), args.timeout)
        row.runs.append(run)
        if run.returncode == -9:
            row.note = f"killed after {args.timeout:g} s"
            break
        try:
            row.note = checked_summary(run, size)
        except ExportFailed as error:
            row.note = f"failed: {error}"
            break
    progress(row)
    return row


def run_anchor(size: int, tool: str, command: Sequence[str], args: argparse.Namespace) -> Row:
    row = Row(size, tool)
    for _ in repetitions(row, args):
        run = measure(command, args.timeout)
        row.runs.append(run)
        if run.returncode != 0:
            row.note = "killed (timeout)" if run.returncode == -9 else f"failed: exit {run.returncode}: {run.stderr[-300:]}"
            break
    progress(row)
    return row


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def bibtexparser_worker(csl_json: Path, output: Path) -> None:
    """The bibtexparser anchor: a Library of one entry per CSL item, written with the default middlewares."""
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    library = Library()
    with csl_json.open(encoding="utf-8") as source:
        for item in json.load(source):
            fields = [Field(name, value) for name, value in _bibtex_fields(item) if value]
            library.add(Entry("online", item["id"], fields))
    output.write_text(bibtexparser.write_string(library), encoding="utf-8")


def json_floor_worker(csl_json: Path, output: Path) -> None:
    """The floor of PERF_ANCHORS.md: ``json.load`` and ``json.dumps`` of the same CSL-JSON."""
    with csl_json.open(encoding="utf-8") as source:
        items = json.load(source)
    output.write_text(json.dumps(items), encoding="utf-8")


def _bibtex_fields(item: dict) -> Iterator[tuple[str, str]]:
    names = (name.get("literal") or f"{name.get('family', '')}, {name.get('given', '')}" for name in item.get("author", ()))
    yield "title", item["title"]
    yield "author", " and ".join(names)
    yield "date", "-".join(f"{part:02d}" for part in item["issued"]["date-parts"][0]) if "issued" in item else ""
    yield "doi", item.get("DOI", "")
    yield "url", item.get("URL", "")
    yield "keywords", item.get("keyword", "")
    yield "note", item.get("note", "")
    yield "abstract", item.get("abstract", "")


def bench_size(size: int, formats: Sequence[str], args: argparse.Namespace) -> list[Row]:
    progress_text(f"{size_label(size)}: generating the dump (reused when present)")
    inputs = generate_dump(size, dump_directory(args.workdir, size, args.seed), args.seed)
    out_dir = args.workdir / f"out-{size_label(size)}"
    out_dir.mkdir(exist_ok=True)
    rows = []
    try:
        for format_name in formats:
            outputs = []
            for jobs in args.jobs:
                rows.append(run_bibx(size, inputs, format_name, jobs, out_dir, args))
                outputs.append(out_dir / f"bibx-{jobs}.{format_name}")
            # Compared in blocks: reading the outputs whole would grow this process, whose peak RSS a forked
            # child keeps as its own (ru_maxrss counts the process before exec).
            if not all(filecmp.cmp(outputs[0], path, shallow=False) for path in outputs[1:] if path.exists()):
                rows[-1].note += "; OUTPUT DIFFERS between --jobs settings"
            for path in outputs:
                if format_name == "csljson" and not (out_dir / "bibx.csljson").exists():
                    path.rename(out_dir / "bibx.csljson")
                path.unlink(missing_ok=True)
        if not args.no_anchors:
            rows.extend(bench_anchors(size, inputs, out_dir, args))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return rows


def bench_anchors(size: int, inputs: Sequence[Path], out_dir: Path, args: argparse.Namespace) -> list[Row]:
    """pandoc and bibtexparser on bibx's CSL-JSON of the same dump (exported now if not measured)."""
    csl_json = out_dir / "bibx.csljson"
    if not csl_json.exists():
        checked_summary(measure(export_command(inputs, "csljson", csl_json, not args.no_merge), args.timeout), size)
    rows = []
    pandoc = "pandoc CSL-JSON→BibLaTeX"
    if size <= args.pandoc_max:
        command = [pandoc_path(), "-f", "csljson", "-t", "biblatex", str(csl_json), "-o", str(out_dir / "pandoc.bib")]
        rows.append(run_anchor(size, pandoc, command, args))
    else:
        rows.append(Row(size, pandoc, note=f"skipped: above --pandoc-max {size_label(args.pandoc_max)} (needs ~11 GB per 100k)"))
    command = [sys.executable, __file__, "--bibtexparser-worker", str(csl_json), str(out_dir / "bibtexparser.bib")]
    rows.append(run_anchor(size, "bibtexparser Library+write", command, args))
    command = [sys.executable, __file__, "--json-floor-worker", str(csl_json), str(out_dir / "floor.json")]
    rows.append(run_anchor(size, "floor: json.load+dumps", command, args))
    return rows


def progress(row: Row) -> None:
    if row.runs:
        progress_text(f"{size_label(row.size)} {row.tool}: {row.wall:.2f} s, {row.peak_rss_mb:.0f} MB {row.note}")


def progress_text(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def bibx_revision() -> str:
    """The commit measured (``-dirty`` with uncommitted changes), or "unknown" outside a git checkout."""
    describe = ["git", "-C", str(Path(__file__).resolve().parent), "describe", "--always", "--dirty"]
    result = subprocess.run(describe, capture_output=True, text=True, check=False)
    return result.stdout.strip() or "unknown"


def parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="papers per dump, e.g. 1k,10k,100k,1M (default: %(default)s)")
    parser.add_argument("--formats", default=",".join(ALL_FORMATS), help="output formats; unregistered ones are skipped (default: %(default)s)")
    parser.add_argument("--no-merge", action="store_true", help="pass --no-merge to bibx (pure streaming)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default: %(default)s)")
    parser.add_argument(
        "--budget", type=float, default=60, help="no further repeat once a measurement's runs took this many seconds (default: %(default)s)"
    )
    parser.add_argument("--no-anchors", action="store_true", help="measure bibx only, not pandoc and bibtexparser")
    parser.add_argument("--pandoc-max", type=parse_size, default=PANDOC_MAX_PAPERS, help="largest size pandoc runs at (default: 100k)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one run is killed (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bibx-bench", help="dumps and outputs (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", default="1,2", help="bibx --jobs settings, each measured (default: %(default)s)")
    parser.add_argument("--bibtexparser-worker", nargs=2, type=Path, metavar=("CSLJSON", "BIB"), help=argparse.SUPPRESS)
    parser.add_argument("--json-floor-worker", nargs=2, type=Path, metavar=("CSLJSON", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.jobs = [int(jobs) for jobs in parse_list(args.jobs)]
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.bibtexparser_worker:
        bibtexparser_worker(*args.bibtexparser_worker)
        return
    if args.json_floor_worker:
        json_floor_worker(*args.json_floor_worker)
        return
    sizes = sorted(parse_size(size) for size in parse_list(args.sizes))
    registered = registered_formats()
    formats = [name for name in parse_list(args.formats) if name in registered]
    skipped = sorted(set(parse_list(args.formats)) - registered)
    if skipped:
        progress_text(f"not registered in this bibx, skipped: {', '.join(skipped)}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    compile_bytecode(sys.executable)
    rows = [row for size in sizes for row in bench_size(size, formats, args)]
    merge = "--no-merge" if args.no_merge else "merge on"
    runs = f"median of up to {args.repeat} runs ({args.budget:g} s budget each)"
    print(f"## bibx export ({bibx_revision()}), {merge}, {runs}, {os.cpu_count()} cores\n")
    print(table(rows))
    print("\nRatios (anchor wall time / bibx wall time; >1 means bibx is faster):")
    print("\n".join(f"- {line}" for line in ratios(rows, sizes, args.jobs)) or "- none (anchors not run)")
    print("\nTargets:")
    print("\n".join(f"- {line}" for line in target_checks(rows, sizes, not args.no_merge, args.jobs)) or "- nothing to judge")


if __name__ == "__main__":
    main()
