"""Start-up CPU time of ``bibx --help``, ``bibx formats`` and a one-paper export, for several bibx installs, interleaved.

    python benchmarks/bench_startup.py main=/tmp/venv-main/bin/bibx branch=.venv/bin/bibx --rounds 7

The one paper is the first of a generated Daily Papers page (``generate.py``'s shapes). Prints the
median and the least CPU time (user + system, ``getrusage(RUSAGE_CHILDREN)``) of each command; the
commands alternate, so a busy machine slows them alike.

Each install's own modules are compiled to bytecode first (see ``bytecode.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import compile_bytecode  # noqa: E402


def cpu_seconds(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def one_paper(folder: Path) -> Path:
    """A Daily Papers page of one paper, cut from a generated one."""
    spec = importlib.util.spec_from_file_location("bibx_bench_generate", Path(__file__).with_name("generate.py"))
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    daily = next(path for path in generate.generate_dump(10, folder) if path.name == "daily.txt")
    lines = []
    for line in daily.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        if len(line) > 300:  # the first abstract
            break
    page = folder / "one-paper.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("installs", nargs="+", help="NAME=PATH of a bibx executable")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        page, output = one_paper(Path(folder)), str(Path(folder) / "one.bib")
        commands: dict[str, list[str]] = {}
        for install in args.installs:
            name, path = install.split("=", 1)
            compile_bytecode(Path(path).with_name("python"))
            commands[f"{name} --help"] = [path, "--help"]
            commands[f"{name} formats"] = [path, "formats"]
            commands[f"{name} one-paper export"] = [path, "export", str(page), "-t", "bibtex", "--as-of", "2026-11-25", "-o", output]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                times[name].append(cpu_seconds(command))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for name, values in times.items():
        print(f"{name:<36} median {statistics.median(values):.3f} s CPU, least {min(values):.3f} s (load {load})")


if __name__ == "__main__":
    main()
