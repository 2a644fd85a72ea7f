"""Where an export lands: regular files are replaced atomically (through links, owner kept), special
files are written into; a full disk, an interrupt or a concurrent export never costs the old file."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bibx import output
from bibx.testing import run_cli, seed_files


def test_a_fifo_target_is_written_into_not_renamed_over(tmp_path: Path) -> None:
    # The same path as `-o /dev/null` or `-o /dev/stdout`: replacing the node would break the system.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run_cli(["export", str(seed_files()[2]), "--format", "json", "-o", str(fifo), "-q"])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(json.loads(received[0])) == 11


def test_replacing_a_file_keeps_its_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old")
    target.chmod(0o640)
    result = run_cli(["export", str(seed_files()[2]), "--format", "json", "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert len(json.loads(target.read_text())) == 11
    assert sorted(path.name for path in tmp_path.iterdir()) == ["refs.json"]


class BrokenFactoryPlugin:
    """A writer plugin whose factory has a bug."""

    @staticmethod
    def bibx_register_writers(register) -> None:
        from bibx import WriterSpec

        def factory(context):
            raise RuntimeError("factory bug")

        register(WriterSpec("broken", "a writer that cannot start", ("broken",), "text/plain", factory))


def test_a_writer_factory_that_raises_is_exit_3_naming_the_plugin(tmp_path: Path) -> None:
    import bibx

    plugin = BrokenFactoryPlugin()
    plugin.bibx_register_writers = bibx.hookimpl(BrokenFactoryPlugin.bibx_register_writers)
    result = run_cli(["export", str(seed_files()[2]), "--format", "broken", "-o", str(tmp_path / "x.txt")], plugins=[plugin])
    assert result.exit_code == 3
    assert "the broken writer (plugin 'BrokenFactoryPlugin') failed to start: RuntimeError: factory bug" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_closed_stdout_pipe_ends_the_export_quietly() -> None:
    import subprocess

    from tests.helpers import require_tool

    command = f"{require_tool('bibx')} export {' '.join(map(str, seed_files()))} --format bibtex | head -n 1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.stdout == "@misc{yuan2022roadmap,\n"
    assert result.returncode == 141
    assert "Error" not in result.stderr and "failed" not in result.stderr


# --- the old file survives: links, owners, full disks, interrupts, concurrent exports -------------

BIBX = [sys.executable, "-c", "from bibx.cli import main; main()"]  # the CLI as a real process, whatever is on PATH
OLD = b"@article{kept2020,\n  title = {The old library},\n  journal = {J},\n}\n"


def only_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_symlink_target_is_replaced_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "refs.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run_cli(["export", str(seed_files()[2]), "-o", str(link), "-q"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert len(json.loads(real.read_text())) == 11
    assert only_files(real.parent) == ["refs.json"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file to another owner")
def test_the_replaced_file_keeps_its_owner_and_group(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old")
    os.chown(target, 12345, 23456)
    assert run_cli(["export", str(seed_files()[2]), "-o", str(target), "-q"]).exit_code == 0
    status = target.stat()
    assert (status.st_uid, status.st_gid) == (12345, 23456)


def test_the_replaced_file_keeps_the_group_a_user_may_set(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old")
    group = os.getgroups()[-1] if os.getgroups() else os.getgid()
    os.chown(target, -1, group)
    assert run_cli(["export", str(seed_files()[2]), "-o", str(target), "-q"]).exit_code == 0
    assert target.stat().st_gid == group


class FullDisk(io.StringIO):
    """A temporary file on a disk that fills up after a few kilobytes."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def write(self, text: str) -> int:
        if self.tell() + len(text) > 4096:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(text)


def test_a_full_disk_is_named_and_the_old_file_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(OLD)

    def open_on_full_disk(folder: Path | None) -> tuple[str, FullDisk]:
        name = str(folder / ".bibx-full.tmp")
        Path(name).write_bytes(b"")  # the real temporary file exists until it is discarded
        return name, FullDisk(name)

    monkeypatch.setattr(output, "_open_temporary", open_on_full_disk)
    result = run_cli(["export", *map(str, seed_files()), "-o", str(target), "-q"])
    assert result.exit_code == 1
    assert f"cannot write {target}: No space left on device; nothing was replaced" in result.stderr
    assert target.read_bytes() == OLD
    assert only_files(tmp_path) == ["refs.bib"]


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "nope", "--format", "refs", "-O", "output-format=html"],
        ["--format", "refs", "-O", "output-format=nonesuch"],
        ["--format", "nonesuch"],
        ["--format", "json", "-O", "colour=red"],
        ["--format", "refs", "--style", "no-such-style-anywhere"],
    ],
)
def test_usage_errors_are_reported_before_a_byte_is_written(args: list[str]) -> None:
    result = run_cli(["export", *map(str, seed_files()), *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


def big_listing(folder: Path, papers: int) -> Path:
    """A profile page of ``papers`` short records with distinct titles."""
    path = folder / f"listing-{papers}.txt"
    records = (
        f"LGMar {index % 28 + 1}, 2024\nPaper number {index} on a topic\n\nAnn Author, Ben Writer\n\nAn abstract.\n\n" for index in range(papers)
    )
    path.write_text(f"Ann Author\n\n{papers} Papers\n\n" + "".join(records), encoding="utf-8")
    return path


def written_so_far(folder: Path) -> int:
    """Bytes in the export's temporary file (0 before it exists)."""
    sizes = []
    for path in folder.glob(".bibx-*.tmp"):
        try:
            sizes.append(path.stat().st_size)
        except FileNotFoundError:
            continue
    return max(sizes, default=0)


def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("signum", "papers"),
    [(signal.SIGINT, 100_000), (signal.SIGTERM, 20_000), (signal.SIGHUP, 20_000)],
    ids=lambda value: getattr(value, "name", value),
)
def test_an_interrupt_half_way_through_an_export_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path, signum: int, papers: int) -> None:
    listing = big_listing(tmp_path, papers)
    out_dir, spool_dir = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir(), spool_dir.mkdir()
    target = out_dir / "refs.bib"
    target.write_bytes(OLD)
    # The size of the whole export, from a thousandth of it: stop the real one at half of that.
    sample = run_cli(["export", str(big_listing(tmp_path, 1000)), "--format", "bibtex", "--no-merge", "-q"]).stdout
    half = len(sample.encode()) * papers // 1000 // 2
    environment = os.environ | {"TMPDIR": str(spool_dir)}
    with listing.open("rb") as stdin:  # through stdin, so that a spooled copy exists to be cleaned up
        process = subprocess.Popen(
            [*BIBX, "export", "-", "--format", "bibtex", "-o", str(target), "-q"], stdin=stdin, stderr=subprocess.PIPE, env=environment
        )
        wait_for(lambda: written_so_far(out_dir) >= half or process.poll() is not None)
        assert process.poll() is None, "the export finished before it could be interrupted"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert f"interrupted by {signal.Signals(signum).name}; {target} left as it was" in stderr.decode()
    assert target.read_bytes() == OLD
    assert only_files(out_dir) == ["refs.bib"]
    assert only_files(spool_dir) == []


@pytest.mark.skipif(output.fcntl is None, reason="no advisory locks on this system")
def test_an_export_waits_for_another_writing_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(OLD)
    with target.open("rb") as held:
        output.fcntl.flock(held, output.fcntl.LOCK_EX)  # what a running export holds
        process = subprocess.Popen([*BIBX, "export", str(seed_files()[2]), "-o", str(target), "--format", "bibtex", "-q"], stderr=subprocess.PIPE)
        time.sleep(1.5)
        assert process.poll() is None and target.read_bytes() == OLD
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert target.read_bytes().count(b"@misc{") == 11
