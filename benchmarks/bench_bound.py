"""How fast the export could be with its text passes in native code: a bound, not a measurement of bibx.

    python benchmarks/bench_bound.py --size 100k --jobs 1,2 --repeat 3

Runs the same ``bibx export`` (BibTeX, merge on) two ways, interleaved, each its own process:

- **as is**;
- **text passes free**: the listing readers' LaTeX reading (``from_latex``, titles and abstracts) passes
  the text through, and the BibTeX writer's escaping of titles and abstracts (``latex_prose``) only
  replaces non-ASCII characters by ``?``, one C-level pass, so that no entry gets a warning the real
  escaping would not give. The output is not a bibliography anyone should use.

Native code for these passes would still cost something, so the second row is an upper bound on what
it could give: a target that row misses needs more than the text passes moved out of Python. Prints a
Markdown table (median wall time, papers/s, median CPU µs a paper with the workers', peak RSS).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import AS_OF, checked_summary, export_command, measure  # noqa: E402
from bytecode import compile_bytecode  # noqa: E402
from export_report import TARGET_PAPERS_PER_S, Run  # noqa: E402
from generate import DEFAULT_SEED, dump_directory, generate_dump, parse_size, size_label  # noqa: E402

VARIANTS = ("as is", "text passes free")


def free_text_passes() -> None:
    """Replace the two text passes in the modules that call them (the workers are forked: they inherit this)."""
    import bibx_plugins.bibtex.writer as bibtex_writer
    import bibx_plugins.listings.daily as daily
    import bibx_plugins.listings.grammar as grammar

    def passed_through(text: str, **_options: object) -> str:
        return text

    def ascii_only(text: str, **_options: object) -> str:
        return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")

    replacements = ((grammar, "from_latex", passed_through), (daily, "from_latex", passed_through), (bibtex_writer, "latex_prose", ascii_only))
    for module, name, replacement in replacements:
        if not hasattr(module, name):
            sys.exit(f"bench_bound: {module.__name__} has no {name} any more; update this script")
        setattr(module, name, replacement)


def run_child(export_args: list[str]) -> None:
    """The export with the text passes free, in this process."""
    free_text_passes()
    from bibx.cli import main

    main(args=export_args, prog_name="bibx")


def variant_command(variant: str, inputs: list[Path], jobs: int, output: Path) -> list[str]:
    command = export_command(inputs, "bibtex", output, merge=True, jobs=jobs)
    if variant == "as is":
        return command
    return [sys.executable, __file__, "--child", *command[1:]]


def report(size: int, runs: dict[tuple[str, int], list[Run]]) -> str:
    lines = [
        f"## bibx export to BibTeX, {size_label(size)} papers, merge on (as of {AS_OF}): the text passes' bound\n",
        "| variant | --jobs | wall s (median) | papers/s | CPU µs/paper | peak RSS MB | target papers/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (variant, jobs), measured in runs.items():
        wall = statistics.median(run.wall for run in measured)
        cpu = statistics.median(run.cpu for run in measured)
        rss = max(run.peak_rss_mb for run in measured)
        target = TARGET_PAPERS_PER_S.get(jobs)
        target_text = "" if target is None else f"{target:,}"
        lines.append(f"| {variant} | {jobs} | {wall:.2f} | {size / wall:,.0f} | {cpu / size * 1e6:.0f} | {rss:.0f} | {target_text} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=100_000, help="papers in the dump (default: 100k)")
    parser.add_argument("--jobs", default="1,2", help="bibx --jobs settings (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one run is killed (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bibx-bench"), help="dumps and outputs (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        run_child(argv[1:])
        return
    args = parse_args(argv)
    compile_bytecode(sys.executable)
    inputs = generate_dump(args.size, dump_directory(args.workdir, args.size, args.seed), args.seed)
    output = args.workdir / "bound.bib"
    runs: dict[tuple[str, int], list[Run]] = {(variant, int(jobs)): [] for jobs in args.jobs.split(",") for variant in VARIANTS}
    for _ in range(args.repeat):
        for (variant, jobs), measured in runs.items():
            run = measure(variant_command(variant, inputs, jobs, output), args.timeout)
            checked_summary(run, args.size)  # every paper read, exit 0: or the bound means nothing
            measured.append(run)
            print(f"{variant}, --jobs {jobs}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU", file=sys.stderr)
    output.unlink(missing_ok=True)
    print(report(args.size, runs))


if __name__ == "__main__":
    main()
