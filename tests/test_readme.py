"""Every ``bibx`` command in README.md's shell code blocks runs and succeeds, so the tour cannot rot.

The commands run in order, through bash, in a temporary folder holding the seeds and the files the
tour names (``dump.txt`` a compact listing, ``page.txt`` a profile page, ``new-dump.txt`` another
listing). Those that need the network are left out by name below, and that list is checked against
the README too; any arXiv request the others would make goes to a closed local port and fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bibx.testing import seed_files
from tests.helpers import require_tool

README = Path(__file__).resolve().parents[1] / "README.md"
# Commands that ask arXiv (a cold cache): the tour's other commands need no network.
NEEDS_NETWORK = {
    "bibx export seeds/*.txt --resolve -o refs.csl.json",
    "bibx export seeds/*.txt --resolve -o refs.bib",
}
# A server runs until Ctrl-C: tests/test_serve.py starts it and stops it.
RUNS_UNTIL_STOPPED = {"bibx serve --open"}
SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BIBX_COMMAND = re.compile(r"(?:^|[|;]\s*)bibx\b")


def readme_commands() -> list[str]:
    """Each shell line of the README that runs bibx, without its comment; in ``a && bibx …`` only the bibx part."""
    commands = []
    for block in SHELL_BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            for part in line.split(" && "):
                command = re.sub(r"\s+#.*$", "", part).strip()
                if BIBX_COMMAND.search(command):
                    commands.append(command)
    return commands


def bibx_folder() -> str:
    beside = Path(sys.executable).with_name("bibx")
    return str(beside.parent) if beside.is_file() else str(Path(require_tool("bibx")).parent)


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("tour")
    seeds = seed_files()
    shutil.copytree(seeds[0].parent, folder / "seeds")
    shutil.copy(seeds[2], folder / "dump.txt")  # a compact listing
    shutil.copy(seeds[1], folder / "new-dump.txt")
    shutil.copy(seeds[0], folder / "page.txt")  # an author-profile page
    environment = {
        **os.environ,
        "PATH": f"{bibx_folder()}{os.pathsep}{os.environ.get('PATH', '')}",
        "BIBX_CACHE_DIR": str(folder / "cache"),
        "BIBX_ARXIV_API_URL": "http://127.0.0.1:9/api/query",  # the discard port: nothing answers
        "BIBX_ARXIV_DELAY": "0",
    }
    return folder, environment


def test_the_readme_has_a_tour_to_run() -> None:
    commands = readme_commands()
    assert len(commands) >= 15
    assert NEEDS_NETWORK <= set(commands), "a command excluded as needing the network is no longer in README.md"
    assert RUNS_UNTIL_STOPPED <= set(commands), "a command excluded as a server is no longer in README.md"
    for option in ("--from", "--to", "--select", "--key", "--dry-run", "-q", "-o refs.html"):
        assert any(option in command for command in commands), option


@pytest.mark.parametrize("command", [command for command in readme_commands() if command not in NEEDS_NETWORK | RUNS_UNTIL_STOPPED])
def test_every_readme_command_runs(command: str, tour: tuple[Path, dict[str, str]]) -> None:
    folder, environment = tour
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=folder, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
