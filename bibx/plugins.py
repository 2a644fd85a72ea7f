"""The plugin host: loads bibx's own and third-party plugins from entry points, one by one.

A fresh host is built per CLI run and per test. A plugin that fails to import or to register is
recorded (entry point, distribution, error) and skipped; it never takes the others down, whatever
it raises (``sys.exit()`` and ``KeyboardInterrupt`` included), whatever it prints (stdout goes to
stderr while plugins load, so it never lands in an exported file), and however long it hangs: a
third-party plugin's import and registration taking more than ``BIBX_PLUGIN_TIMEOUT`` seconds
(default 10) is given up where the platform has ``SIGALRM``. What a plugin registers is checked
to be a spec of the right type; a plugin whose second registration hook fails keeps nothing.

Two plugins offering one format name are both kept: the first (bibx's own, then third parties in
name order) answers to the bare name, every one to ``plugin:name``, and the clash is reported.
Two entry points with one name: the first in that same order is loaded, the other is not imported.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Generic, TypeVar

import click
import pluggy

from bibx import hookspecs
from bibx.specs import ReaderSpec, ResolverSpec, WriterSpec

ENTRY_POINT_GROUP = "bibx"
# The name on PyPI; "bibx" there is an unrelated project. The command and import package stay `bibx`.
OWN_DISTRIBUTION = "bibx-export"
DISABLE_ENV = "BIBX_DISABLE_PLUGINS"
TRACE_ENV = "BIBX_TRACE_PLUGINS"
TIMEOUT_ENV = "BIBX_PLUGIN_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 10.0
Spec = TypeVar("Spec", ReaderSpec, WriterSpec, ResolverSpec)
FileSpec = TypeVar("FileSpec", ReaderSpec, WriterSpec)  # the formats, which name file extensions


class PluginTimeout(BaseException):
    """A plugin's import and registration took longer than allowed (a BaseException: a plugin's ``except Exception`` cannot keep it)."""


@dataclass(frozen=True)
class PluginInfo:
    """A plugin as the user sees it in ``bibx plugins``."""

    name: str
    distribution: str
    version: str
    module: str
    hooks: tuple[str, ...] = ()
    error: str | None = None


@dataclass
class Registry(Generic[Spec]):
    """Formats of one kind, by bare name and by ``plugin:name``."""

    specs: dict[str, Spec] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    qualified: dict[str, Spec] = field(default_factory=dict)

    def add(self, spec: Spec, plugin: str, warn: Callable[[str], None]) -> None:
        self.qualified[f"{plugin}:{spec.name}"] = spec
        if spec.name in self.specs:
            warn(
                f"plugins {self.owners[spec.name]!r} and {plugin!r} both offer the format {spec.name!r}; "
                f"{spec.name!r} means {self.owners[spec.name]}'s, use '{plugin}:{spec.name}' for the other"
            )
            return
        self.specs[spec.name] = spec
        self.owners[spec.name] = plugin

    def get(self, name: str) -> Spec | None:
        return self.specs.get(name) or self.qualified.get(name)


class PluginHost:
    """Typed facade over the pluggy manager: the CLI and pipeline never touch ``pm.hook``."""

    def __init__(self, warn: Callable[[str], None] | None = None) -> None:
        self.pm = pluggy.PluginManager("bibx")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.warnings: list[str] = []
        self.readers: Registry[ReaderSpec] = Registry()
        self.writers: Registry[WriterSpec] = Registry()
        self.resolver_specs: Registry[ResolverSpec] = Registry()
        self._warn_sink = warn
        if os.environ.get(TRACE_ENV):
            self.pm.trace.root.setwriter(sys.stderr.write)
            self.pm.enable_tracing()

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        if self._warn_sink:
            self._warn_sink(message)

    def add_plugin(self, plugin: object, name: str, distribution: str = "", version: str = "") -> bool:
        """Register one plugin object and its formats; on failure record it and return False."""
        module = getattr(plugin, "__name__", type(plugin).__name__)
        if name in self.plugins:
            self.warn(f"a plugin named {name!r} is already loaded ({self.plugins[name].module}); {module} is skipped")
            return False
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
            hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ()))
            collected = [(registry, self._collect(plugin, hook, spec_type)) for hook, spec_type, registry in self._registries() if hook in hooks]
        except BaseException as error:  # noqa: BLE001 - any failure of a plugin, sys.exit() included, is reported, not raised
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            return self.record_failure(name, distribution, version, module, error)
        # Only now, when every hook of the plugin succeeded: a plugin is registered whole or not at all.
        self.plugins[name] = PluginInfo(name, distribution, version, module, hooks)
        for registry, specs in collected:
            for spec in specs:
                registry.add(spec, name, self.warn)
        return True

    def _registries(self) -> tuple[tuple[str, type, Registry[Any]], ...]:
        """Each registration hook with the spec type it takes and the registry its specs go to."""
        return (
            ("bibx_register_readers", ReaderSpec, self.readers),
            ("bibx_register_writers", WriterSpec, self.writers),
            ("bibx_register_resolvers", ResolverSpec, self.resolver_specs),
        )

    def resolvers(self) -> Mapping[str, ResolverSpec]:
        """The registered resolvers by name, in the order papers are offered to them (bibx's own first)."""
        return self.resolver_specs.specs

    def add_commands(self, cli: click.Group) -> None:
        """Let every plugin add its subcommands; a failing plugin is reported and skipped."""
        for impl in self.pm.hook.bibx_register_commands.get_hookimpls():
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    self._caller_for(impl.plugin, "bibx_register_commands")(cli=cli)
            except BaseException as error:  # noqa: BLE001
                self.warn(f"plugin {impl.plugin_name!r} failed to add its commands: {error!r}")

    def _caller_for(self, plugin: object, hook: str) -> pluggy.HookCaller:
        """The hook as pluggy calls it (so ``BIBX_TRACE_PLUGINS`` traces it), for this one plugin only."""
        others = [other for other in self.pm.get_plugins() if other is not plugin]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def _collect(self, plugin: object, hook: str, spec_type: type) -> list[Any]:
        """Call one plugin's registration hook on its own, so its errors and formats are its own."""
        registered: list[Any] = []

        def register(spec: object) -> None:
            registered.append(_checked(spec, spec_type, hook))

        self._caller_for(plugin, hook)(register=register)
        return registered

    def record_failure(self, name: str, distribution: str, version: str, module: str, error: BaseException) -> bool:
        message = _describe(error)
        self.plugins[name] = PluginInfo(name, distribution, version, module, error=message)
        origin = f" from {distribution} {version}".rstrip() if distribution else ""
        self.warn(f"plugin {name!r}{origin} failed and is skipped: {message}")
        return False

    @property
    def failures(self) -> list[PluginInfo]:
        return [info for info in self.plugins.values() if info.error]


def _describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"SystemExit: the plugin called sys.exit({error.code!r})"
    if isinstance(error, KeyboardInterrupt):
        return "KeyboardInterrupt: the plugin was interrupted (or raised KeyboardInterrupt)"
    return f"{type(error).__name__}: {error}"


def _checked(spec: object, spec_type: type, hook: str) -> Any:
    """``spec`` if it is a well-formed ``spec_type``; a TypeError naming what is wrong otherwise."""
    if not isinstance(spec, spec_type) or not isinstance(spec, (ReaderSpec, WriterSpec, ResolverSpec)):
        raise TypeError(f"{hook} got {type(spec).__name__} {spec!r:.60}, not a {spec_type.__name__}")
    problems = [name for name, ok in _spec_checks(spec) if not ok]
    if problems:
        raise TypeError(f"{hook} got a {spec_type.__name__} whose {', '.join(problems)} is wrong")
    return spec


def _spec_checks(spec: ReaderSpec | WriterSpec | ResolverSpec) -> Iterator[tuple[str, bool]]:
    yield "name (a non-empty string without ':')", isinstance(spec.name, str) and bool(spec.name.strip()) and ":" not in spec.name
    yield "description (a string)", isinstance(spec.description, str)
    if isinstance(spec, ResolverSpec):
        yield "factory (callable)", callable(spec.factory)
        yield "batch_size (a positive int)", isinstance(spec.batch_size, int) and spec.batch_size > 0
        return
    yield "extensions (a tuple of strings)", isinstance(spec.extensions, (tuple, list)) and all(isinstance(ext, str) for ext in spec.extensions)
    if isinstance(spec, ReaderSpec):
        yield "read (callable)", callable(spec.read)
        yield "sniff (callable or None)", spec.sniff is None or callable(spec.sniff)
        parts = (spec.records, spec.interpret)
        yield "records and interpret (both callable, or both None)", all(part is None for part in parts) or all(map(callable, parts))
    else:
        yield "factory (callable)", callable(spec.factory)
        yield "options (a mapping)", isinstance(spec.options, Mapping)
        yield "entries (a bool)", isinstance(spec.entries, bool)


def disabled_names(extra: Iterable[str] = ()) -> set[str]:
    """Plugins switched off by ``--disable-plugin`` or ``BIBX_DISABLE_PLUGINS=a,b``."""
    from_env = os.environ.get(DISABLE_ENV, "")
    return {name.strip() for name in [*from_env.split(","), *extra] if name.strip()}


def load_host(
    disabled: Iterable[str] = (),
    warn: Callable[[str], None] | None = None,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
    extra_plugins: Iterable[object] = (),
) -> PluginHost:
    """A new host with every installed plugin that is not disabled: bibx's own first, then the rest.

    ``entry_points`` replaces the installed ones (tests); ``extra_plugins`` are registered inline
    after them, each under its module or class name. Whatever a plugin prints meanwhile goes to stderr.
    """
    host = PluginHost(warn)
    found = list(metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points is None else entry_points)
    if not any(_distribution_name(ep) == OWN_DISTRIBUTION for ep in found):
        host.warn("bibx's own entry points are missing: reinstall bibx (pip install --force-reinstall bibx-export)")
    off = disabled_names(disabled)
    with contextlib.redirect_stdout(sys.stderr):
        for ep in sorted(found, key=_load_order):
            if ep.name not in off:
                _load_entry_point(host, ep)
        for plugin in extra_plugins:
            host.add_plugin(plugin, plugin_name(plugin))
    return host


def _load_order(ep: metadata.EntryPoint) -> tuple[bool, str, str, str]:
    """bibx's own first, then by plugin name, distribution and target: the same winner on every machine."""
    distribution = _distribution_name(ep)
    return (distribution != OWN_DISTRIBUTION, ep.name, distribution, ep.value)


def plugin_name(plugin: object) -> str:
    """The name an inline plugin is known by: its module's last component, or its class name."""
    return getattr(plugin, "__name__", type(plugin).__name__).rsplit(".", 1)[-1]


def _load_entry_point(host: PluginHost, ep: metadata.EntryPoint) -> None:
    distribution = _distribution_name(ep)
    version = _distribution_facts(ep.dist)[1] if ep.dist else ""
    if ep.name in host.plugins:  # checked before importing: the loser's code never runs
        other = host.plugins[ep.name]
        host.warn(f"two plugins are named {ep.name!r} ({other.distribution} and {distribution}); the second is skipped")
        return
    try:
        # bibx's own plugins are not timed: a busy machine must not cost the user a built-in format.
        with _time_limit(0 if distribution == OWN_DISTRIBUTION else _timeout_seconds()):
            plugin = ep.load()
            host.add_plugin(plugin, ep.name, distribution, version)
    except BaseException as error:  # noqa: BLE001 - a broken plugin must not stop bibx, whatever it raises
        host.record_failure(ep.name, distribution, version, ep.value, error)


def _timeout_seconds() -> float:
    try:
        return max(float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS)), 0.0)
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`PluginTimeout` in the block after ``seconds``; no limit where SIGALRM is not available.

    A plugin's import runs in the main thread (imports are not safe to abandon in a thread: the
    module would stay half-imported and locked), so the limit is an interval timer, restored after.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise PluginTimeout(f"the plugin took more than {seconds:g} s to import and register (set {TIMEOUT_ENV} to allow longer)")

    previous = signal.signal(signal.SIGALRM, expire)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0]:
            signal.setitimer(signal.ITIMER_REAL, *outer)


def _distribution_name(ep: metadata.EntryPoint) -> str:
    return _distribution_facts(ep.dist)[0] if ep.dist else ""


@functools.lru_cache(maxsize=64)
def _distribution_facts(dist: metadata.Distribution) -> tuple[str, str]:
    """(name, version): ``dist.metadata`` parses the METADATA file again on every call, a millisecond each."""
    facts = dist.metadata
    return facts["Name"], facts["Version"]


def spec_by_extension(specs: Mapping[str, FileSpec], filename: str) -> FileSpec | None:
    """The format whose declared extension ends ``filename``, the longest match first (``a.csl.json`` → csljson)."""
    name = filename.lower()
    matches = [(len(ext), spec) for spec in specs.values() for ext in spec.extensions if name.endswith(f".{ext.lower()}")]
    return max(matches, key=lambda match: match[0], default=(0, None))[1]
