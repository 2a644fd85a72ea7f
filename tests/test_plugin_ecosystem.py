"""The plugin ecosystem: real third-party packages installed beside bibx, and the plugin guide.

The example package, and a second plugin written from the guide alone (examples/bibx-plugin-sheet),
are installed with pip into a fresh virtual environment next to a
non-editable bibx (dependencies come from the running interpreter's site-packages through a
``.pth`` file, whichever interpreter built it; nothing is downloaded), and used through the console script there.
The guide, docs/plugins.md, is checked against bibx/hookspecs.py, and its minimal plugin is run.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import types
from importlib import metadata
from pathlib import Path

import pytest

from bibx import Paper, hookspecs
from bibx.testing import host_with, run_cli, seed_files
from tests.helpers import in_ci

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "bibx-plugin-example"
SECOND = REPO / "examples" / "bibx-plugin-sheet"
GUIDE = REPO / "docs" / "plugins.md"
# What a copy of a source tree leaves out: history, caches, build output, node's packages.
NOT_SOURCES = shutil.ignore_patterns(".git", "node_modules", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache", ".venv")
CSV = """title,authors,year,arxiv,doi
Attention Is All You Need,"Vaswani, Ashish; Shazeer, Noam",2017,1706.03762,
A Survey with a DOI,"Müller, Jörg",2021,,10.1000/xyz123
"""


def hook_specifications() -> dict[str, list[str]]:
    """Every hook specification in bibx/hookspecs.py and its parameter names."""
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "bibx_spec")
    }


def guide_sections() -> dict[str, str]:
    """The guide's sections by heading."""
    parts = re.split(r"^#{2,4} (.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_hookspecs_are_found() -> None:
    assert set(hook_specifications()) >= {"bibx_register_readers", "bibx_register_writers", "bibx_register_commands"}


@pytest.mark.parametrize("hook", sorted(hook_specifications()))
def test_every_hookspec_docstring_names_each_parameter(hook: str) -> None:
    docstring = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert docstring, f"{hook} has no docstring"
    for parameter in hook_specifications()[hook]:
        assert f":param {parameter}:" in docstring, f"{hook}'s docstring does not describe {parameter!r}"


@pytest.mark.parametrize("hook", sorted(hook_specifications()))
def test_every_hookspec_is_documented_in_the_guide_with_each_parameter(hook: str) -> None:
    sections = [text for heading, text in guide_sections().items() if f"`{hook}(" in heading]
    assert len(sections) == 1, f"docs/plugins.md needs one section headed `{hook}(...)`"
    for parameter in hook_specifications()[hook]:
        assert f"`{parameter}`" in sections[0], f"the guide's {hook} section does not describe `{parameter}`"


@pytest.mark.parametrize("hook", sorted(hook_specifications()))
def test_every_hook_is_exercised_by_a_test(hook: str) -> None:
    this_file = Path(__file__).resolve()
    tests = [path for path in (REPO / "tests").glob("test_*.py") if path.resolve() != this_file]
    assert any(hook in path.read_text(encoding="utf-8") for path in tests), f"no test implements {hook}"


def guide_code_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def guide_module(index: int, name: str) -> types.ModuleType:
    """One of the guide's Python blocks, run as a module."""
    module = types.ModuleType(name)
    exec(compile(guide_code_blocks()[index], f"{GUIDE}#block{index}", "exec"), module.__dict__)  # noqa: S102 - our own documentation
    return module


def test_the_guides_minimal_writer_works_as_written() -> None:
    result = run_cli(["export", str(seed_files()[0]), "--format", "titles"], plugins=[guide_module(0, "bibx_titles")])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "yuan2022roadmap\tA Roadmap for Big Model" and len(lines) == 21


def test_the_guides_reader_and_test_example_work_as_written(tmp_path: Path) -> None:
    plugins = [guide_module(0, "bibx_titles"), guide_module(1, "bibx_lines")]
    example_test = guide_module(2, "test_guide")
    # The guide's test assumes both plugins are installed; here they are registered inline.
    example_test.run_cli = lambda args, input=None: run_cli(args, input, plugins=plugins)
    example_test.test_titles_of_a_plain_list(tmp_path)


def test_the_guides_checklist_example_passes_on_its_two_plugins() -> None:
    plugins = [guide_module(0, "bibx_titles"), guide_module(1, "bibx_lines")]
    checklist = guide_module(3, "test_guide_checklist")
    checklist.host_with = lambda: host_with(*plugins)  # the guide's plugins, inline rather than installed
    checklist.test_the_formats_pass_bibx_checklist()


# --- the example package, installed for real ---------------------------------------------------


def require_offline_build_tools() -> None:
    """Without build isolation, pip builds wheels with the installed setuptools: it needs its own
    ``bdist_wheel`` (setuptools 70.1 and later) or the ``wheel`` package beside an older one."""
    setuptools_version = metadata.version("setuptools") if importlib.util.find_spec("setuptools") else "0"
    own_bdist_wheel = tuple(int(part) for part in re.findall(r"\d+", setuptools_version)[:2]) >= (70, 1)
    if importlib.util.find_spec("pip") and (own_bdist_wheel or importlib.util.find_spec("wheel")):
        return
    message = f"building offline needs pip and setuptools>=70.1 (found setuptools {setuptools_version}, no wheel package)"
    if in_ci():
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def clean_environment() -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "BIBX_DISABLE_PLUGINS"}}
    return environment | {"PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with bibx (built from a copy of this tree), the example package and the sheet plugin."""
    require_offline_build_tools()
    root = tmp_path_factory.mktemp("ecosystem")
    # Copies, so that building leaves no build/ or *.egg-info in the repository.
    bibx_source = shutil.copytree(REPO, root / "bibx-source", ignore=NOT_SOURCES)
    example_source = shutil.copytree(EXAMPLE, root / "example-source", ignore=NOT_SOURCES)
    second_source = shutil.copytree(SECOND, root / "sheet-source", ignore=NOT_SOURCES)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    see_running_site_packages(venv)
    install = [str(venv_bin(venv, "python")), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([*install, str(bibx_source), str(example_source), str(second_source)], check=True, env=clean_environment(), cwd=root, timeout=300)
    return venv


def see_running_site_packages(venv: Path) -> None:
    """Let the new environment import what the running interpreter has (pip, setuptools, bibx's dependencies).

    ``--system-site-packages`` would expose the *base* interpreter's packages, which in a virtual
    environment are not the ones the tests run with (an old setuptools, no pluggy). A ``.pth`` line
    appends the running site-packages after the new environment's own, so its bibx wins.
    """
    own = subprocess.run(
        [str(venv_bin(venv, "python")), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
    ).stdout.strip()
    running = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(own) / "bibx-test-running-site-packages.pth").write_text("".join(f"{path}\n" for path in running), encoding="utf-8")


def run_in(venv: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """A command of the virtual environment, run from outside any source tree."""
    return subprocess.run(
        [str(venv_bin(venv, args[0])), *args[1:]], input=input, capture_output=True, text=True, env=clean_environment(), cwd=venv.parent, timeout=120
    )


def test_bibx_in_the_environment_is_the_installed_copy(installed: Path) -> None:
    located = run_in(installed, "python", "-c", "import bibx, bibx_plugin_example; print(bibx.__file__); print(bibx_plugin_example.__file__)")
    assert located.returncode == 0, located.stderr
    assert all(Path(path).is_relative_to(installed) for path in located.stdout.split())
    assert run_in(installed, "bibx", "--version").stdout.strip() == "bibx, version 0.1.0"


def test_bibx_plugins_lists_the_third_party_plugin(installed: Path) -> None:
    result = run_in(installed, "bibx", "plugins")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("example ")]
    assert line.split()[1:3] == ["bibx-plugin-example", "0.1.0"]
    assert "bibx_register_readers, bibx_register_writers" in line
    assert "bibx-plugin-example==0.1.0" in run_in(installed, "bibx", "plugins", "--requirements").stdout.splitlines()


def test_bibx_formats_lists_both_new_formats_with_their_plugin(installed: Path) -> None:
    result = run_in(installed, "bibx", "formats")
    assert result.returncode == 0, result.stderr
    readers, writers = result.stdout.split("Output formats")
    assert re.search(r"^  csv .*\[example; auto-detected\]$", readers, re.MULTILINE)
    assert re.search(r"^  markdown .*\[example; \.md; text/markdown\]$", writers, re.MULTILINE)
    assert "-O heading=" in writers


def test_csv_through_bibx_json_to_markdown(installed: Path) -> None:
    papers_csv = installed.parent / "papers.csv"
    papers_csv.write_text(CSV, encoding="utf-8")
    as_json = run_in(installed, "bibx", "export", str(papers_csv), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    via_json = run_in(installed, "bibx", "export", "--from", "json", "--format", "markdown", input=as_json.stdout)
    direct = run_in(installed, "bibx", "export", str(papers_csv), "-o", str(installed.parent / "list.md"))
    assert via_json.returncode == direct.returncode == 0, via_json.stderr + direct.stderr
    expected = (
        "# Reading list\n\n"
        "- [ ] **Attention Is All You Need** — Ashish Vaswani, Noam Shazeer (2017). [arXiv:1706.03762](<https://arxiv.org/abs/1706.03762>)\n"
        "- [ ] **A Survey with a DOI** — Jörg Müller (2021). [doi:10.1000/xyz123](<https://doi.org/10.1000/xyz123>)\n"
    )
    assert via_json.stdout == expected
    assert (installed.parent / "list.md").read_text(encoding="utf-8") == expected


def test_seed_dumps_to_markdown(installed: Path) -> None:
    result = run_in(installed, "bibx", "export", *map(str, seed_files()), "--format", "markdown", "-O", "heading=Seeds")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["# Seeds", ""]
    assert len(lines) == 2 + 200 and all(line.startswith("- [ ] **") for line in lines[2:])
    assert "- [ ] **A Roadmap for Big Model** — Sha Yuan, Hanyu Zhao, Shuai Zhao et al. (2022)." in lines
    assert "read 205, merged 5, written 200" in result.stderr


def test_the_installed_bibx_has_its_sample_papers(installed: Path) -> None:
    """From a wheel, bibx.testing's samples are the packaged copies of the seed dumps, all 200 papers."""
    code = "from bibx.testing import seed_files, seed_papers; print(seed_files()[0].parent); print(len(seed_papers()))"
    result = run_in(installed, "python", "-c", code)
    assert result.returncode == 0, result.stderr
    folder, count = result.stdout.split()
    assert Path(folder).is_relative_to(installed) and Path(folder).name == "samples" and count == "200"
    assert sorted(path.name for path in Path(folder).glob("*.txt")) == [path.name for path in seed_files()]


@pytest.mark.parametrize(("source", "passed"), [("example-source", 9), ("sheet-source", 3)])
def test_the_third_party_packages_own_tests_pass_against_installed_bibx(installed: Path, source: str, passed: int) -> None:
    """Their tests run bibx's checklist (bibx.testing.check_writer and check_reader) on the installed bibx."""
    tests = installed.parent / source / "tests"
    result = run_in(installed, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"\b{passed} passed\b", result.stdout)


def test_every_paper_field_is_described_in_the_guide_and_the_model() -> None:
    table = guide_sections()["What a paper holds"]
    documented = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))
    fields = {field.name for field in dataclasses.fields(Paper)}
    assert documented == fields
    docstring = inspect.getdoc(Paper) or ""
    assert [name for name in sorted(fields) if f"``{name}``" not in docstring] == []
