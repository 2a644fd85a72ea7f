"""Resolve benchmark: ``bibx export --resolve`` on real arXiv papers' facts, served by the fake arXiv API.

Not a test, and CI does not run it (tests/test_resolve.py checks the same correctness figures). It
writes the listings of tests/fake_arxiv.py's scenario (200 real papers from tests/data/arxiv_corpus.json:
three fifths on an author-profile page with at most three authors and "et al.", the rest on a Daily
Papers page without authors, plus 10 papers arXiv lacks whose titles are shortened real ones), serves
the corpus and three near misses per paper (a longer title, one word changed, the same title by other
authors) from a loopback fake API that ranks near misses first, and runs ``bibx export --resolve`` as
its own process: cold (empty cache), warm (``--repeat`` times) and ``--offline``. It prints the share
of papers resolved, wrong ids, requests per 100 papers on a cold cache, wall time and peak RSS.

    python benchmarks/bench_resolve.py
    python benchmarks/bench_resolve.py --delay 3 --repeat 5   # arXiv's pace on the cold run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.fake_arxiv import FakeArxiv, Scenario, write_scenario  # noqa: E402  (after the path is set)


@dataclass(frozen=True)
class Run:
    """One ``bibx export`` process: wall seconds, peak RSS in MB, requests the fake API received, output."""

    seconds: float
    rss_mb: float
    requests: int
    items: list[dict[str, object]]


def run_export(scenario: Scenario, server: FakeArxiv, env: dict[str, str], output: Path, *extra: str) -> Run:
    """``extra`` holds ``--resolve`` and its options; without it, the export as before this feature."""
    before = len(server.requests)
    arguments = ["export", *map(str, scenario.files), "--quiet", "--format", "csljson", "-o", str(output), *extra]
    started = time.perf_counter()
    log = output.with_suffix(".log")
    with log.open("w") as stderr:  # a file, not a pipe: nothing blocks while wait4 waits
        process = subprocess.Popen([sys.executable, "-c", "from bibx.cli import main; main()", *arguments], env=env, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bibx export failed:\n{log.read_text()}")
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Run(seconds, rss_mb, len(server.requests) - before, json.loads(output.read_text(encoding="utf-8")))


def score(scenario: Scenario, items: list[dict[str, object]]) -> tuple[int, int, int]:
    """Papers resolved to the right id, papers given a wrong id, papers arXiv has."""
    found = {str(item["title"]): str(item.get("number", "")).removeprefix("arXiv:") or None for item in items}
    right = sum(1 for title, expected in scenario.expected.items() if expected and found.get(title) == expected)
    wrong = sum(1 for title, expected in scenario.expected.items() if found.get(title) not in (None, expected))
    present = sum(1 for expected in scenario.expected.values() if expected)
    return right, wrong, present


def table_row(label: str, runs: list[Run], resolved: str, wrong: int) -> str:
    """One Markdown row: the median wall time, the largest peak RSS and every request of the runs."""
    seconds = statistics.median(run.seconds for run in runs)
    return f"| {label} | {seconds:.2f} | {max(run.rss_mb for run in runs):.0f} | {sum(run.requests for run in runs)} | {resolved} | {wrong} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=0.0, help="BIBX_ARXIV_DELAY for the runs (default 0: measure bibx, not the pause)")
    parser.add_argument("--repeat", type=int, default=5, help="warm-cache runs; the median is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bibx-resolve-") as folder:
        work = Path(folder)
        scenario = write_scenario(work)
        with FakeArxiv(scenario.served) as server:
            env = os.environ | {"BIBX_ARXIV_API_URL": server.url, "BIBX_ARXIV_DELAY": str(args.delay), "BIBX_CACHE_DIR": str(work / "cache")}
            plain = [run_export(scenario, server, env, work / "plain.json") for _ in range(args.repeat)]
            cold = run_export(scenario, server, env, work / "cold.json", "--resolve")
            warm = [run_export(scenario, server, env, work / "warm.json", "--resolve") for _ in range(args.repeat)]
            offline = run_export(scenario, server, env, work / "offline.json", "--resolve", "--offline")
    right, wrong, present = score(scenario, cold.items)
    warm_right, warm_wrong, _ = score(scenario, warm[-1].items)
    print(f"corpus: {scenario.papers} listed papers ({present} on arXiv, {scenario.papers - present} not), {len(scenario.served)} records served")
    print()
    print("| run | wall s | peak RSS MB | requests | resolved (right id) | wrong ids |")
    print("|---|---:|---:|---:|---:|---:|")
    print(table_row(f"without --resolve (median of {args.repeat})", plain, f"0/{present}", 0))
    print(f"| cold cache | {cold.seconds:.2f} | {cold.rss_mb:.0f} | {cold.requests} | {right}/{present} | {wrong} |")
    print(table_row(f"warm cache (median of {args.repeat})", warm, f"{warm_right}/{present}", warm_wrong))
    offline_right, offline_wrong, _ = score(scenario, offline.items)
    print(table_row("--offline", [offline], f"{offline_right}/{present}", offline_wrong))
    print()
    print(f"share resolved: {right / present:.1%} of papers arXiv has; wrong ids: {wrong}")
    per_100 = 100 * cold.requests / scenario.papers
    print(f"requests per 100 papers, cold: {per_100:.1f} (target <= 10); at arXiv's 3 s pace the cold run waits ~{3 * cold.requests:.0f} s")


if __name__ == "__main__":
    main()
