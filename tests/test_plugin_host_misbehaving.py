"""Third-party plugins that misbehave (issue 16) and the host's loose ends (issue 17).

Plugins that exit, interrupt, print, hang or register nonsense are named and every command still
works; registration that fails half way keeps nothing, and duplicate names are decided before
import. Fake distributions as in tests/test_plugin_host.py.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from bibx import WriterSpec, hookimpl
from bibx.plugins import load_host
from bibx.testing import run_cli
from tests.test_plugin_host import SEED, SEED_PAPERS, FakeDistribution, install, plugin_module, writers_hook

# --- plugins that exit, interrupt, print, hang or register nonsense (issue 16) ------------------


def file_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, source: str, distribution: str = "bibx-hostile") -> None:
    """Install a plugin whose module ``name`` is a file holding ``source``: its import really runs it."""
    (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    install(monkeypatch, FakeDistribution(distribution, {"hostile": name}))


REGISTERS_A_WRITER = """
from bibx import WriterSpec, hookimpl

class Writer:
    def __init__(self, context):
        pass

    def write(self, papers, out):
        {write}

@hookimpl
def bibx_register_writers(register):
    {register}
    register(WriterSpec("hostile", "hostile", ("txt",), "text/plain", Writer))
"""


def hostile_source(at_import: str = "", register: str = "pass", write: str = "out.write('ok')") -> str:
    return at_import + "\n" + REGISTERS_A_WRITER.replace("{register}", register).replace("{write}", write)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (hostile_source(at_import="import sys; sys.exit(0)"), "SystemExit: the plugin called sys.exit(0)"),
        (hostile_source(register="raise SystemExit(5)"), "SystemExit: the plugin called sys.exit(5)"),
        (hostile_source(at_import="raise KeyboardInterrupt"), "KeyboardInterrupt"),
        (hostile_source(register='register("not a spec")'), "bibx_register_writers got str 'not a spec', not a WriterSpec"),
        (hostile_source(register='register(WriterSpec("", "x", (), "text/plain", Writer))'), "name (a non-empty string without ':')"),
    ],
    ids=["exit at import", "exit at registration", "KeyboardInterrupt at import", "not a spec", "spec without a name"],
)
def test_a_plugin_that_exits_or_registers_nonsense_is_named_and_every_command_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str, expected: str
) -> None:
    file_plugin(monkeypatch, tmp_path, f"fake_hostile_{abs(hash(source))}", source)
    help_result = run_cli(["--help"])
    assert help_result.exit_code == 0 and "export" in help_result.stdout
    assert "plugin 'hostile' from bibx-hostile 1.0 failed and is skipped: " in help_result.stderr and expected in help_result.stderr
    listed = run_cli(["plugins"])
    assert listed.exit_code == 0 and "FAILED" in next(line for line in listed.stdout.splitlines() if line.startswith("hostile "))
    exported = run_cli(["export", SEED, "--format", "csljson"])
    assert exported.exit_code == 0 and len(json.loads(exported.stdout)) == SEED_PAPERS
    assert "Traceback" not in help_result.stderr + listed.stderr + exported.stderr


def test_a_plugins_print_at_import_and_registration_goes_to_stderr_not_into_the_export(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = hostile_source(at_import="print('hello from import')", register="print('hello from register')")
    file_plugin(monkeypatch, tmp_path, "fake_printing", source)
    result = run_cli(["export", SEED, "--format", "bibtex"])
    assert result.exit_code == 0 and result.stdout.startswith("@misc{yuan2022roadmap,")
    assert "hello from import" in result.stderr and "hello from register" in result.stderr
    assert "hello" not in result.stdout


def test_a_writer_that_exits_is_a_plugin_failure_with_exit_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file_plugin(monkeypatch, tmp_path, "fake_exit_writer", hostile_source(write="raise SystemExit(0)"))
    target = tmp_path / "out.txt"
    target.write_text("previous\n", encoding="utf-8")
    result = run_cli(["export", SEED, "--format", "hostile", "-o", str(target)])
    assert result.exit_code == 3 and "the hostile writer (plugin 'hostile') failed: SystemExit" in result.stderr
    assert target.read_text(encoding="utf-8") == "previous\n"


def test_a_plugin_hanging_at_import_is_given_up_after_the_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file_plugin(monkeypatch, tmp_path, "fake_hanging", hostile_source(at_import="import time; time.sleep(600)"))
    monkeypatch.setenv("BIBX_PLUGIN_TIMEOUT", "0.3")
    result = run_cli(["--help"])
    assert result.exit_code == 0 and "export" in result.stdout
    assert "plugin 'hostile' from bibx-hostile 1.0 failed and is skipped: PluginTimeout: the plugin took more than 0.3 s" in result.stderr


def test_the_timeout_leaves_no_alarm_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import signal

    file_plugin(monkeypatch, tmp_path, "fake_quick", hostile_source())
    monkeypatch.setenv("BIBX_PLUGIN_TIMEOUT", "0.2")
    handler = signal.getsignal(signal.SIGALRM)
    assert load_host().writers.get("hostile")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) == handler


# --- host loose ends (issue 17) ---------------------------------------------------------------


def test_a_plugin_whose_second_registration_hook_fails_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from bibx import ReaderSpec

    @hookimpl
    def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
        register(ReaderSpec("halfway", "registered first", lambda lines, context: iter(()), None, ("half",)))

    @hookimpl
    def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
        raise RuntimeError("second hook fails")

    plugin_module(monkeypatch, "fake_halfway", bibx_register_readers=bibx_register_readers, bibx_register_writers=bibx_register_writers)
    install(monkeypatch, FakeDistribution("bibx-halfway", {"halfway": "fake_halfway"}))
    host = load_host()
    assert host.readers.get("halfway") is None and host.readers.get("halfway:halfway") is None
    assert host.plugins["halfway"].error == "RuntimeError: second hook fails"
    assert not host.pm.has_plugin("halfway")


def test_an_inline_plugin_named_like_a_builtin_does_not_replace_its_info() -> None:
    bibtex = types.ModuleType("bibtex")
    bibtex.bibx_register_writers = writers_hook("impostor", text="impostor")  # type: ignore[attr-defined]
    host = load_host(extra_plugins=[bibtex])
    assert host.plugins["bibtex"].module == "bibx_plugins.bibtex" and not host.plugins["bibtex"].error
    assert host.writers.get("impostor") is None
    assert any("a plugin named 'bibtex' is already loaded" in warning for warning in host.warnings)


@pytest.mark.parametrize("order", [1, -1], ids=["listed first", "listed second"])
def test_duplicate_names_are_decided_before_import_with_the_same_winner_in_any_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, order: int
) -> None:
    (tmp_path / "fake_dup_loser.py").write_text("raise RuntimeError('the losing duplicate was imported')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin_module(monkeypatch, "fake_dup_winner", bibx_register_writers=writers_hook("winner", text="winner"))
    install(
        monkeypatch, *[FakeDistribution("bibx-aaa", {"dup": "fake_dup_winner"}), FakeDistribution("bibx-zzz", {"dup": "fake_dup_loser"})][::order]
    )
    host = load_host()
    assert host.writers.get("winner") and host.plugins["dup"].distribution == "bibx-aaa" and not host.plugins["dup"].error
    assert "fake_dup_loser" not in sys.modules
    assert any("two plugins are named 'dup' (bibx-aaa and bibx-zzz)" in warning for warning in host.warnings)


def test_a_hook_implementation_without_parameters_is_called_and_registers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []

    @hookimpl
    def bibx_register_writers() -> None:
        called.append(True)

    plugin_module(monkeypatch, "fake_silent", bibx_register_writers=bibx_register_writers)
    install(monkeypatch, FakeDistribution("bibx-silent", {"silent": "fake_silent"}))
    host = load_host()
    assert called == [True] and not host.plugins["silent"].error and "bibx_register_writers" in host.plugins["silent"].hooks
