"""The results of ``bench_export.py``: the runs and rows it measures, their Markdown table, the
ratios to the anchors and the targets of PERF_ANCHORS.md and issue 18 (peak RSS, flat memory,
throughput), each with the figures it was judged on.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from generate import size_label

# The formats PERF_ANCHORS.md expects to stream in flat memory with --no-merge.
STREAMING_FORMATS = ("bibtex", "biblatex", "ris", "csljson", "ndjson")
RSS_LIMIT_MB = 150
FLAT_RSS_MB = 10  # growth from 10k papers to the largest size that still counts as flat
TARGET_PAPERS_PER_S = {1: 10_000, 2: 15_000}  # at 100k, to BibTeX, merge on, by --jobs (issue 18)
TARGET_PANDOC_RATIO = 20.0


@dataclass(frozen=True)
class Run:
    """One process: wall and CPU (user + system) seconds, peak resident set in MB, exit status."""

    wall: float
    cpu: float
    peak_rss_mb: float
    returncode: int
    stderr: str


@dataclass
class Row:
    """Every run of one tool on one size."""

    size: int
    tool: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    loads: list[float] = field(default_factory=list)  # 1-minute load average before each run

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max(run.peak_rss_mb for run in self.runs)

    @property
    def papers_per_s(self) -> float:
        return self.size / self.wall


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| papers | tool | runs | wall s | papers/s | CPU µs/paper | peak RSS MB | load | notes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        load = f"{statistics.median(row.loads):.1f}" if row.loads else "–"
        if not row.runs or row.runs[-1].returncode != 0:
            lines.append(f"| {size_label(row.size)} | {row.tool} | {len(row.runs)} | – | – | – | – | {load} | {row.note} |")
            continue
        cpu_us = row.cpu / row.size * 1e6
        lines.append(
            f"| {size_label(row.size)} | {row.tool} | {len(row.runs)} | {row.wall:.2f} | {row.papers_per_s:,.0f} | {cpu_us:,.0f} "
            f"| {row.peak_rss_mb:,.0f} | {load} | {row.note} |"
        )
    return "\n".join(lines)


def completed(rows: Sequence[Row], size: int, tool: str) -> Row | None:
    return next((row for row in rows if row.size == size and row.tool == tool and row.runs and row.runs[-1].returncode == 0), None)


def ratios(rows: Sequence[Row], sizes: Sequence[int], jobs_settings: Sequence[int]) -> list[str]:
    """bibx throughput over each anchor's on the same papers (wall time; CPU time in brackets)."""
    lines = []
    pairs = [
        (f"bibx {name} --jobs {jobs}", anchor)
        for jobs in jobs_settings
        for name, anchor in (("biblatex", "pandoc CSL-JSON→BibLaTeX"), ("bibtex", "bibtexparser Library+write"), ("bibtex", "floor: json.load+dumps"))
    ]
    for size in sizes:
        for mine, theirs in pairs:
            a, b = completed(rows, size, mine), completed(rows, size, theirs)
            if a and b:
                lines.append(f"{size_label(size)}: {mine} / {theirs} = {b.wall / a.wall:.2f}× (CPU {b.cpu / a.cpu:.2f}×)")
    return lines


def target_checks(rows: Sequence[Row], sizes: Sequence[int], merge: bool, jobs_settings: Sequence[int]) -> list[str]:
    """The targets of PERF_ANCHORS.md and issue 18, each with the figures it was judged on."""
    lines = []
    for tool in (f"bibx {name} --jobs {jobs}" for name in STREAMING_FORMATS for jobs in jobs_settings):
        measured = [row for size in sizes if (row := completed(rows, size, tool))]
        if measured:
            lines.extend(memory_checks(tool, measured, merge))
    lines.extend(throughput_checks(rows, jobs_settings))
    return lines


def memory_checks(tool: str, measured: Sequence[Row], merge: bool) -> Iterator[str]:
    """Peak RSS against the limit, its growth from 10k papers up, and CPU time per paper (flat = O(n))."""
    rss = ", ".join(f"{size_label(row.size)} {row.peak_rss_mb:.0f}" for row in measured)
    under = "yes" if all(row.peak_rss_mb < RSS_LIMIT_MB for row in measured) else "NO"
    yield f"{tool}{'' if merge else ' --no-merge'}: peak RSS MB {rss} — under {RSS_LIMIT_MB} MB: {under}"
    from_10k = [row for row in measured if row.size >= 10_000]
    if len(from_10k) < 2:
        return
    first, last = from_10k[0], from_10k[-1]
    growth = last.peak_rss_mb - first.peak_rss_mb
    per_paper = growth * 2**20 / (last.size - first.size)
    flat = "yes" if growth < FLAT_RSS_MB else "NO"
    yield f"{tool}: RSS {size_label(first.size)}→{size_label(last.size)} +{growth:.0f} MB ({per_paper:.0f} B/paper) — flat: {flat}"
    per_paper_cpu = " → ".join(f"{row.cpu / row.size * 1e6:.0f}" for row in from_10k)
    yield f"{tool}: CPU µs/paper {per_paper_cpu} (constant or falling = O(n))"


def throughput_checks(rows: Sequence[Row], jobs_settings: Sequence[int]) -> Iterator[str]:
    for jobs in jobs_settings:
        bibtex = completed(rows, 100_000, f"bibx bibtex --jobs {jobs}")
        target = TARGET_PAPERS_PER_S.get(jobs)
        if bibtex and target:
            verdict = "yes" if bibtex.papers_per_s >= target else "NO"
            per_cpu_s = bibtex.size / bibtex.cpu
            rate = f"{bibtex.papers_per_s:,.0f} papers/s ({per_cpu_s:,.0f} per CPU second)"
            yield f"bibx bibtex --jobs {jobs} at 100k: {rate} — ≥ {target:,}: {verdict}"
        pandoc, biblatex = completed(rows, 100_000, "pandoc CSL-JSON→BibLaTeX"), completed(rows, 100_000, f"bibx biblatex --jobs {jobs}")
        if pandoc and biblatex:
            ratio = pandoc.wall / biblatex.wall
            verdict = "yes" if ratio >= TARGET_PANDOC_RATIO else "NO"
            yield f"bibx biblatex --jobs {jobs} at 100k: {ratio:.1f}× pandoc's throughput — ≥ {TARGET_PANDOC_RATIO:.0f}×: {verdict}"
