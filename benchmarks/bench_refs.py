"""Formatted references: bibx's ``refs`` writer beside citeproc-js, on the same synthetic papers.

    python benchmarks/bench_refs.py                 # 1k and 10k papers, APA
    python benchmarks/bench_refs.py --sizes 1000 --style ieee --runs 3

Each measurement runs in a fresh process (median of ``--runs``): bibx from building the writer (style
and locale parsed, citeproc imported) to the last entry written; citeproc-js from building its engine
(the same .csl file and locale XML) to ``makeBibliography`` returning, on the CSL-JSON items of the
same papers (``tests/node/csl_render.js``). Peak RSS is the process's. The last column says how
many entries the two print alike (whitespace normalised).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bibx import Paper, PartialDate, Person, WriteContext

REPO = Path(__file__).resolve().parent.parent
RENDER_JS = REPO / "tests" / "node" / "csl_render.js"
SYLLABLES = "an bo chen da el fu gao hu jo ka li mo na pe qi ro su ta wa xu ya zo ber ström mül gar cía ško".split()
WORDS = "deep learning models for large graph retrieval scaling of attention language efficient training".split()


def synthetic_papers(count: int, seed: int = 7) -> list[Paper]:
    """arXiv-like papers: 3 authors, ~80-character titles, ~1,200-character abstracts with TeX."""
    rng = random.Random(seed)
    papers = []
    for index in range(count):
        arxiv_id = f"{rng.randint(20, 25)}{rng.randint(1, 12):02d}.{rng.randint(0, 99999):05d}"
        title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()[:80]
        abstract = " ".join(f"We bound $x_{i}$ & improve 5% of the_{i} error." for i in range(25))
        authors = tuple(Person(_name(rng), _name(rng)) for _ in range(3))
        date = PartialDate(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
        papers.append(Paper(title, authors, abstract=abstract, date=date, arxiv_id=arxiv_id, key=f"paper{index}"))
    return papers


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    entries: list[str]


def run_measured(command: list[str]) -> tuple[str, float]:
    """stdout of a child process and its peak RSS in MB."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
        output.seek(0)
        return output.read().decode("utf-8"), usage.ru_maxrss / 1024


def measure_bibx(count: int, style: str, jobs: int) -> Measurement:
    command = [sys.executable, __file__, "--child", str(count), "--style", style, "--jobs", str(jobs)]
    text, rss = run_measured(command)
    result = json.loads(text)
    return Measurement(result["seconds"], rss, result["entries"])


def measure_citeproc_js(style: str, items_path: Path) -> Measurement:
    from bibx_plugins.refs.styles import locale_path, resolve_style

    resolved = resolve_style(style)
    command = ["node", str(RENDER_JS), str(items_path), str(resolved.path), str(locale_path("en-US")), "text"]
    text, rss = run_measured(command)
    result = json.loads(text)
    return Measurement(result["seconds"], rss, result["entries"])


def child(count: int, style: str, jobs: int) -> None:
    """Runs in the measured process: render ``count`` papers, print timing and entries as JSON."""
    from bibx_plugins.refs.writer import RefsWriter

    papers = synthetic_papers(count)
    out = io.StringIO()
    started = time.perf_counter()
    RefsWriter(WriteContext({"style": style, "jobs": str(jobs)})).write(papers, out)
    seconds = time.perf_counter() - started
    json.dump({"seconds": seconds, "entries": out.getvalue().splitlines()}, sys.stdout)


def median_run(measure: Callable[[], Measurement], runs: int) -> Measurement:
    results = [measure() for _ in range(runs)]
    middle = statistics.median(result.seconds for result in results)
    return next(result for result in results if result.seconds == middle)


def same_entries(mine: list[str], theirs: list[str]) -> int:
    return sum(" ".join(a.split()) == " ".join(b.split()) for a, b in zip(mine, theirs, strict=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--style", default="apa")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.style, args.jobs)
        return
    from bibx.csl_items import csl_item
    from bibx_plugins.refs.writer import available_cores

    cores = available_cores()
    probe = subprocess.run(["node", "-e", "require.resolve('citeproc')"], cwd=RENDER_JS.parent, capture_output=True)
    node = probe.returncode == 0
    print(f"{args.style}, median of {args.runs}, {cores} cores; items/s · peak RSS")
    print(f"| papers | bibx, 1 process | bibx, {cores} processes | citeproc-js 2.4 | entries alike |")
    print("|---|---|---|---|---|")
    for count in args.sizes:
        serial = median_run(partial(measure_bibx, count, args.style, 1), args.runs)
        parallel = median_run(partial(measure_bibx, count, args.style, cores), args.runs)
        js_cell, alike = "not installed (npm install in tests/node)", "-"
        if node:
            with tempfile.TemporaryDirectory() as folder:
                items_path = Path(folder) / "items.json"
                items_path.write_text(json.dumps([csl_item(paper) for paper in synthetic_papers(count)]), encoding="utf-8")
                js = median_run(partial(measure_citeproc_js, args.style, items_path), args.runs)
            js_cell = f"{count / js.seconds:,.0f} · {js.peak_rss_mb:,.0f} MB"
            alike = f"{same_entries(parallel.entries, js.entries)}/{count}"
        cells = [f"{count / m.seconds:,.0f} · {m.peak_rss_mb:,.0f} MB" for m in (serial, parallel)]
        print(f"| {count:,} | {cells[0]} | {cells[1]} | {js_cell} | {alike} |", flush=True)


if __name__ == "__main__":
    main()
