"""CPU time per paper of each stage of a one-process export, for A/B checks of a speed change.

    python benchmarks/bench_stages.py /tmp/bibx-bench/dump-10k-seed2026/*.txt [--writer bibtex] [--repeat 3] [--cold]

Reads the files once with their readers (timed per file), then times, on the papers in memory:
key assignment (the first pass's collision count and the second pass's keys) and the writer's
entries. Prints process CPU µs per paper, the best of ``--repeat`` runs (the machine is shared:
the best run is the one least disturbed). Run it before and after a change, interleaved.
``--cold`` empties bibx's caches (``functools.lru_cache``) before each reading run, so that every
run reads as a fresh export process does rather than with the names of the run before cached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bibx.accounting import Accounting
from bibx.citekeys import KeyAssigner, KeyBases, KeyCollisions
from bibx.merge import title_key
from bibx.model import Paper
from bibx.plugins import load_host
from bibx.reading import ReadRequest, open_inputs, stream_papers
from bibx.specs import WriteContext


def clear_caches() -> None:
    """Empty every ``lru_cache`` of the bibx modules loaded (readers' name judgements, parsed creators, …)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("bibx"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def best_cpu(run: Callable[[], object], repeat: int, cold: bool = False) -> float:
    """The least process CPU time (s) of ``repeat`` runs of ``run``; with ``cold``, caches emptied before each."""
    best = float("inf")
    for _ in range(repeat):
        if cold:
            clear_caches()
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--writer", default="bibtex")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="empty bibx's caches before each reading run")
    args = parser.parse_args()
    host = load_host()
    request = ReadRequest([str(path) for path in args.files], as_of=dt.date(2026, 11, 25))
    papers: list[Paper] = []
    for path in args.files:
        accounting = Accounting(lambda _report: None)
        opened = open_inputs([str(path)], None, host, accounting, Path("/tmp"))
        read: list[Paper] = []

        def reading(read: list[Paper] = read, opened: list = opened, accounting: Accounting = accounting) -> None:  # type: ignore[type-arg]
            read[:] = stream_papers(opened, request, accounting)

        seconds = best_cpu(reading, args.repeat, args.cold)
        print(f"read {path.name:<14} {len(read):>8,} papers {seconds / max(len(read), 1) * 1e6:8.1f} µs/paper")
        papers += read
    count = len(papers)

    def keys() -> list[str]:
        collisions = KeyCollisions(KeyBases())
        for paper in papers:
            collisions.observe(paper, title_key(paper.title))
        collisions.finish()
        assigner = KeyAssigner(collisions=collisions)
        return [assigner.assign(paper) for paper in papers]

    print(f"{'keys (both passes)':<38} {best_cpu(keys, args.repeat) / count * 1e6:8.1f} µs/paper")
    keyed = [_keyed(paper, key) for paper, key in zip(papers, keys(), strict=True)]
    writer = host.writers.get(args.writer).factory(WriteContext({}, lambda _report: None))
    entry = getattr(writer, "entry", None)
    if entry is None:
        print(f"the {args.writer} writer renders no entries one by one")
        return
    seconds = best_cpu(lambda: [entry(paper) for paper in keyed], args.repeat)
    print(f"{args.writer + ' entries':<38} {seconds / count * 1e6:8.1f} µs/paper")


def _keyed(paper: Paper, key: str) -> Paper:
    from dataclasses import replace

    return replace(paper, key=key)


if __name__ == "__main__":
    main()
