"""Hostile-input benchmark: time and peak memory of ``bibx export`` on inputs built to be expensive.

Not a test, and CI does not run it. Each case generates its input in a work directory, runs
``bibx export`` as its own process and reports wall time and that process's peak RSS (from
``wait4``), for growing sizes, so that linear (or constant) cost is visible in the table:

* ``strings``: a .bib of 5,000 entries whose titles concatenate ``@string`` macros (``m12 # " x"``),
  with 0, 500, 1,000 and 2,000 macros defined first;
* ``long-title``: a .bib whose one entry has a title of N MB on one line, between two good entries;
* ``one-line``: a listing of N MB without a line break;
* ``csl-siblings``: one paper formatted with a CSL style whose bibliography layout has N sibling
  ``<text>`` elements.

    python benchmarks/bench_hostile.py                      # every case, default sizes
    python benchmarks/bench_hostile.py --cases strings --strings 0,500,1000,2000
    python benchmarks/bench_hostile.py --cases long-title,one-line --megabytes 50,200,500
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

AS_OF = "2026-11-25"
ENTRIES = 5_000
CHUNK = "x" * (1 << 20)  # one MB of title text


def measured(arguments: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of exactly this ``bibx`` process, and its exit code."""
    command = [sys.executable, "-c", "from bibx.cli import main; main()", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def strings_bib(path: Path, macros: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for number in range(macros):
            out.write(f'@string{{m{number} = "Word{number}"}}\n')
        for number in range(ENTRIES):
            title = f'm{number % macros} # " about entry {number}"' if macros else f"{{Entry {number}}}"
            out.write(f"@misc{{e{number}, title = {title}, author = {{Doe, Jane}}, year = {{2020}}}}\n")


def long_title_bib(path: Path, megabytes: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("@misc{good1, title={Good one}, year={2020}}\n@misc{long, title={")
        for _ in range(megabytes):
            out.write(CHUNK)
        out.write("}, year={2020}}\n@misc{good2, title={Good two}, year={2020}}\n")


def one_line_listing(path: Path, megabytes: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("Jane Doe\n\n1 Papers\n\nCRMar 1, 2024 ")
        for _ in range(megabytes):
            out.write(CHUNK)


def sibling_style(path: Path, siblings: int) -> None:
    texts = "".join(f'<text value="s{number} "/>' for number in range(siblings))
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<info><title>Siblings</title><id>siblings</id><updated>2024-01-01T00:00:00+00:00</updated></info>"
        '<citation><layout><text variable="title"/></layout></citation>'
        f'<bibliography><layout><text variable="title"/>{texts}</layout></bibliography></style>\n',
        encoding="utf-8",
    )


def case_strings(work: Path, sizes: list[int]) -> Iterator[tuple[str, list[str]]]:
    for macros in sizes:
        path = work / f"strings-{macros}.bib"
        strings_bib(path, macros)
        yield f"{ENTRIES:,} entries, {macros:,} @strings", ["export", str(path), "--format", "csljson", "-o", str(work / "out.json")]


def case_long_title(work: Path, sizes: list[int]) -> Iterator[tuple[str, list[str]]]:
    for megabytes in sizes:
        path = work / f"long-title-{megabytes}.bib"
        long_title_bib(path, megabytes)
        yield f"{megabytes} MB title", ["export", str(path), "--format", "bibtex", "-o", str(work / "out.bib")]
        path.unlink()


def case_one_line(work: Path, sizes: list[int]) -> Iterator[tuple[str, list[str]]]:
    for megabytes in sizes:
        path = work / f"one-line-{megabytes}.txt"
        one_line_listing(path, megabytes)
        yield f"{megabytes} MB on one line", ["export", str(path), "--format", "bibtex", "-o", str(work / "out.bib")]
        path.unlink()


def case_csl_siblings(work: Path, sizes: list[int]) -> Iterator[tuple[str, list[str]]]:
    paper = work / "one.bib"
    paper.write_text("@misc{one, title={One paper}, author={Doe, Jane}, year={2020}}\n", encoding="utf-8")
    for siblings in sizes:
        style = work / f"siblings-{siblings}.csl"
        sibling_style(style, siblings)
        yield f"{siblings:,} sibling elements", ["export", str(paper), "--format", "refs", "--style", str(style), "-O", "jobs=1"]


CASES: dict[str, tuple[Callable[[Path, list[int]], Iterator[tuple[str, list[str]]]], str]] = {
    "strings": (case_strings, "0,500,1000,2000"),
    "long-title": (case_long_title, "50,200,500"),
    "one-line": (case_one_line, "50,200,500"),
    "csl-siblings": (case_csl_siblings, "1000,2000,4000,8000"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES))
    for name, (_, default) in CASES.items():
        parser.add_argument(f"--{name}", default=default, help=f"sizes for {name} (default {default})")
    parser.add_argument("--workdir", type=Path, default=None)
    options = parser.parse_args()
    print("| case | size | wall s | peak RSS MB | exit |\n|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bibx-hostile-", dir=options.workdir) as folder:
        for name in options.cases.split(","):
            build, _ = CASES[name]
            sizes = [int(size) for size in getattr(options, name.replace("-", "_")).split(",")]
            for label, arguments in build(Path(folder), sizes):
                wall, rss, code = measured([*arguments, "--as-of", AS_OF, "-q"] if arguments[0] == "export" else arguments)
                print(f"| {name} | {label} | {wall:.2f} | {rss:.0f} | {code} |", flush=True)


if __name__ == "__main__":
    main()
