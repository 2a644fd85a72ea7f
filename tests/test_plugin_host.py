"""The plugin host with third-party plugins: clashes, kill switches, and plugins that break.

Third-party distributions are faked the way pluggy and pytest test themselves: a
``importlib.metadata.Distribution`` whose metadata names entry points in the ``bibx`` group, and
``importlib.metadata.entry_points`` monkeypatched to add them to the installed ones. Their modules
live in ``sys.modules`` (or, for an import error, in a file that fails to import).
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TextIO

import click
import pytest

from bibx import Paper, WriteContext, WriterSpec, hookimpl
from bibx.plugins import load_host
from bibx.testing import run_cli, seed_files

SEED = str(seed_files()[0])  # 21 papers
SEED_PAPERS = 21


class FakeDistribution(metadata.Distribution):
    """An installed distribution as importlib.metadata sees it, with entry points in the bibx group."""

    def __init__(self, name: str, entry_points: dict[str, str], version: str = "1.0") -> None:
        self._files = {
            "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            "entry_points.txt": "[bibx]\n" + "".join(f"{ep} = {target}\n" for ep, target in entry_points.items()),
        }

    def read_text(self, filename: str) -> str | None:
        return self._files.get(filename)

    def locate_file(self, path: str | Path) -> Path:
        return Path(path)


def plugin_module(monkeypatch: pytest.MonkeyPatch, name: str, **hooks: Callable[..., None]) -> str:
    """A plugin module named ``name`` holding ``hooks``, importable for the test's duration."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, function)
    monkeypatch.setitem(sys.modules, name, module)
    return name


def install(monkeypatch: pytest.MonkeyPatch, *distributions: FakeDistribution, keep_installed: bool = True) -> None:
    """Make ``importlib.metadata.entry_points(group="bibx")`` include these distributions' entry points."""
    installed = metadata.entry_points

    def entry_points(**selection: str) -> metadata.EntryPoints:
        found = list(installed(**selection)) if keep_installed else []
        if selection.get("group") == "bibx":
            found += [ep for dist in distributions for ep in dist.entry_points]
        return metadata.EntryPoints(found)

    monkeypatch.setattr(metadata, "entry_points", entry_points)


class FixedTextWriter:
    """Writes one fixed line per paper, so the test can tell whose writer ran."""

    def __init__(self, text: str) -> None:
        self.text = text

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        for paper in papers:
            out.write(f"{self.text} {paper.key}\n")


def writers_hook(*names: str, text: str = "", fail_after: int | None = None) -> Callable[..., None]:
    """A ``bibx_register_writers`` implementation offering ``names``; ``fail_after`` papers, its writer raises."""

    def factory(context: WriteContext) -> FixedTextWriter | ExplodingWriter:
        return FixedTextWriter(text) if fail_after is None else ExplodingWriter(fail_after)

    @hookimpl
    def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
        for name in names:
            register(WriterSpec(name, f"{name} by {text}", ("txt",), "text/plain", factory))

    return bibx_register_writers


class ExplodingWriter:
    def __init__(self, fail_after: int) -> None:
        self.fail_after = fail_after

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        for number, paper in enumerate(papers):
            if number == self.fail_after:
                raise RuntimeError("disk quota exceeded")
            out.write(f"{paper.key}\n")


@pytest.fixture
def clash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plugins 'alpha' and 'beta' from two distributions both offer the format 'md'."""
    plugin_module(monkeypatch, "fake_alpha", bibx_register_writers=writers_hook("md", text="alpha"))
    plugin_module(monkeypatch, "fake_beta", bibx_register_writers=writers_hook("md", "beta-only", text="beta"))
    install(monkeypatch, FakeDistribution("bibx-alpha", {"alpha": "fake_alpha"}), FakeDistribution("bibx-beta", {"beta": "fake_beta"}))


# --- clashes ------------------------------------------------------------------------------------


def test_a_clash_keeps_both_formats_reachable_and_names_both_plugins(clash: None) -> None:
    host = load_host()
    assert host.writers.get("md") is host.writers.get("alpha:md")
    assert host.writers.get("beta:md") is not host.writers.get("alpha:md")
    assert host.writers.get("beta-only") is host.writers.get("beta:beta-only")
    (warning,) = [warning for warning in host.warnings if "'md'" in warning]
    assert "'alpha'" in warning and "'beta'" in warning and "beta:md" in warning


def test_the_qualified_name_selects_the_other_plugins_writer_on_the_command_line(clash: None) -> None:
    bare = run_cli(["export", SEED, "--format", "md"])
    qualified = run_cli(["export", SEED, "--format", "beta:md"])
    assert bare.exit_code == qualified.exit_code == 0
    assert bare.stdout.splitlines()[0] == "alpha yuan2022roadmap"
    assert qualified.stdout.splitlines()[0] == "beta yuan2022roadmap"
    assert "plugins 'alpha' and 'beta' both offer the format 'md'" in bare.stderr


def test_a_third_party_cannot_take_a_builtin_name(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin_module(monkeypatch, "fake_impostor", bibx_register_writers=writers_hook("bibtex", text="impostor"))
    install(monkeypatch, FakeDistribution("bibx-impostor", {"impostor": "fake_impostor"}))
    result = run_cli(["export", SEED, "--format", "bibtex"])
    assert result.stdout.startswith("@misc{yuan2022roadmap,")
    assert "plugins 'bibtex' and 'impostor' both offer the format 'bibtex'" in result.stderr
    assert run_cli(["export", SEED, "--format", "impostor:bibtex"]).stdout.startswith("impostor yuan2022roadmap")


def test_two_entry_points_with_one_plugin_name_are_both_named(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin_module(monkeypatch, "fake_first", bibx_register_writers=writers_hook("first", text="first"))
    plugin_module(monkeypatch, "fake_second", bibx_register_writers=writers_hook("second", text="second"))
    install(monkeypatch, FakeDistribution("bibx-one", {"same": "fake_first"}), FakeDistribution("bibx-two", {"same": "fake_second"}))
    host = load_host()
    assert host.writers.get("first") and host.writers.get("second") is None
    assert any("bibx-one" in warning and "bibx-two" in warning and "'same'" in warning for warning in host.warnings)


def test_trace_plugins_prints_each_hook_call(clash: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BIBX_TRACE_PLUGINS", "1")
    load_host()
    traced = capsys.readouterr().err
    assert "bibx_register_writers [hook]" in traced and "bibx_register_readers [hook]" in traced


# --- kill switches ------------------------------------------------------------------------------


def test_disable_plugin_option_removes_a_plugin_and_its_clash(clash: None) -> None:
    result = run_cli(["--disable-plugin", "alpha", "export", SEED, "--format", "md"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "beta yuan2022roadmap"
    assert "both offer" not in result.stderr
    assert "alpha" not in run_cli(["--disable-plugin", "alpha", "plugins"]).stdout


def test_disable_plugins_environment_variable(clash: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIBX_DISABLE_PLUGINS", "beta, alpha")
    result = run_cli(["export", SEED, "--format", "md"])
    assert result.exit_code == 2 and "unknown output format 'md'" in result.stderr
    listed = [line.split()[0] for line in run_cli(["plugins"]).stdout.splitlines()]
    assert "alpha" not in listed and "beta" not in listed and "bibtex" in listed


def test_a_builtin_plugin_can_be_disabled_too() -> None:
    result = run_cli(["--disable-plugin", "bibtex", "export", SEED, "--format", "biblatex"])
    assert result.exit_code == 2 and "unknown output format 'biblatex'" in result.stderr


# --- broken plugins -----------------------------------------------------------------------------


@pytest.fixture(params=["import error", "registration raises", "misspelled hook"])
def broken(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """One installed plugin, 'broken', that fails in the given way; returns what its error says."""
    if request.param == "import error":
        (tmp_path / "fake_broken_import.py").write_text("import bibx_dependency_that_is_not_installed\n", encoding="utf-8")
        monkeypatch.syspath_prepend(str(tmp_path))
        target, expected = "fake_broken_import", "No module named 'bibx_dependency_that_is_not_installed'"
    elif request.param == "registration raises":

        @hookimpl
        def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
            raise RuntimeError("cannot find my templates")

        target, expected = plugin_module(monkeypatch, "fake_broken_hook", bibx_register_writers=bibx_register_writers), "cannot find my templates"
    else:

        @hookimpl
        def bibx_register_writer(register: Callable[[WriterSpec], None]) -> None:  # missing "s": not a bibx hook
            register(WriterSpec("never", "never registered", (), "text/plain", lambda context: FixedTextWriter("")))

        target, expected = plugin_module(monkeypatch, "fake_misspelled", bibx_register_writer=bibx_register_writer), "bibx_register_writer"
    install(monkeypatch, FakeDistribution("bibx-broken", {"broken": target}, version="6.6.6"))
    return expected


def test_a_broken_plugin_is_reported_and_skipped(broken: str) -> None:
    host = load_host()
    (failure,) = [failure for failure in host.failures if failure.distribution == "bibx-broken"]
    assert (failure.name, failure.distribution, failure.version) == ("broken", "bibx-broken", "6.6.6")
    assert broken in (failure.error or "")
    assert any(warning.startswith("plugin 'broken' from bibx-broken 6.6.6 failed and is skipped") for warning in host.warnings)
    assert host.writers.get("bibtex") and host.writers.get("never") is None


def test_help_and_version_work_with_a_broken_plugin(broken: str) -> None:
    help_result = run_cli(["--help"])
    assert help_result.exit_code == 0 and "export" in help_result.stdout
    assert "plugin 'broken'" in help_result.stderr
    version = run_cli(["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("bibx, version ")


def test_bibx_plugins_lists_the_broken_plugin_as_failed(broken: str) -> None:
    result = run_cli(["plugins"])
    assert result.exit_code == 0
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("broken ")]
    assert "bibx-broken 6.6.6" in line and "FAILED" in line and broken in line
    assert any(line.startswith("csl ") and "FAILED" not in line for line in result.stdout.splitlines())


def test_exports_in_other_formats_work_with_a_broken_plugin(broken: str) -> None:
    result = run_cli(["export", SEED, "--format", "csljson"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == SEED_PAPERS


# --- writers failing, own entry points missing, commands --------------------------------------


def test_a_third_party_writer_raising_mid_write_exits_3_naming_the_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plugin_module(monkeypatch, "fake_exploding", bibx_register_writers=writers_hook("boom", fail_after=5))
    install(monkeypatch, FakeDistribution("bibx-exploding", {"exploding": "fake_exploding"}))
    target = tmp_path / "out.txt"
    target.write_text("previous export\n", encoding="utf-8")
    result = run_cli(["export", SEED, "--format", "boom", "-o", str(target)])
    assert result.exit_code == 3
    assert "the boom writer (plugin 'exploding') failed: RuntimeError: disk quota exceeded" in result.stderr
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.txt"]


def test_missing_own_entry_points_ask_for_a_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin_module(monkeypatch, "fake_alone", bibx_register_writers=writers_hook("alone", text="alone"))
    install(monkeypatch, FakeDistribution("bibx-alone", {"alone": "fake_alone"}), keep_installed=False)
    result = run_cli(["formats"])
    assert result.exit_code == 0
    assert "bibx's own entry points are missing: reinstall bibx" in result.stderr
    assert "alone" in result.stdout and "bibtex" not in result.stdout
    assert load_host(entry_points=[]).warnings == ["bibx's own entry points are missing: reinstall bibx (pip install --force-reinstall bibx-export)"]


def test_a_plugin_adds_a_command_and_a_failing_one_does_not_break_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command("hello")
    def hello() -> None:
        """Say hello."""
        click.echo("hello from a plugin")

    @hookimpl
    def adds(cli: click.Group) -> None:
        cli.add_command(hello)

    @hookimpl
    def fails(cli: click.Group) -> None:
        raise RuntimeError("no commands today")

    plugin_module(monkeypatch, "fake_greeter", bibx_register_commands=adds)
    plugin_module(monkeypatch, "fake_grumpy", bibx_register_commands=fails)
    install(monkeypatch, FakeDistribution("bibx-greeter", {"greeter": "fake_greeter"}), FakeDistribution("bibx-grumpy", {"grumpy": "fake_grumpy"}))
    assert run_cli(["hello"]).stdout == "hello from a plugin\n"
    help_result = run_cli(["--help"])
    assert help_result.exit_code == 0 and "hello" in help_result.stdout
    assert "plugin 'grumpy' failed to add its commands: RuntimeError('no commands today')" in help_result.stderr


def md_owner(formats_output: str) -> str:
    (line,) = [line for line in formats_output.splitlines() if line.strip().startswith("md ")]
    return line.rsplit("[", 1)[1].split(";")[0]


def test_each_cli_run_builds_a_fresh_host(clash: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert md_owner(run_cli(["formats"]).stdout) == "alpha"
    monkeypatch.setenv("BIBX_DISABLE_PLUGINS", "alpha")
    assert md_owner(run_cli(["formats"]).stdout) == "beta"
