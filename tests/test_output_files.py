"""Where an export lands: regular files are replaced atomically, special files are written into."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

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
