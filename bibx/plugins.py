"""The plugin host: loads bibx's own and third-party plugins from entry points, one by one.

A fresh host is built per CLI run and per test. A plugin that fails to import or to register is
recorded (entry point, distribution, error) and skipped; it never takes the others down. Two
plugins offering one format name are both kept: the first (bibx's own, then third parties in name
order) answers to the bare name, every one to ``plugin:name``, and the clash is reported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Generic, TypeVar

import click
import pluggy

from bibx import hookspecs
from bibx.specs import ReaderSpec, WriterSpec

ENTRY_POINT_GROUP = "bibx"
# The name on PyPI; "bibx" there is an unrelated project. The command and import package stay `bibx`.
OWN_DISTRIBUTION = "bibx-export"
DISABLE_ENV = "BIBX_DISABLE_PLUGINS"
TRACE_ENV = "BIBX_TRACE_PLUGINS"
Spec = TypeVar("Spec", ReaderSpec, WriterSpec)


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
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as error:  # noqa: BLE001 - any failure of a plugin is reported, not raised
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            return self.record_failure(name, distribution, version, module, error)
        hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ()))
        self.plugins[name] = PluginInfo(name, distribution, version, module, hooks)
        for hook, registry in (("bibx_register_readers", self.readers), ("bibx_register_writers", self.writers)):
            if hook in hooks and not self._collect(plugin, name, hook, registry):
                return False
        return True

    def add_commands(self, cli: click.Group) -> None:
        """Let every plugin add its subcommands; a failing plugin is reported and skipped."""
        for impl in self.pm.hook.bibx_register_commands.get_hookimpls():
            try:
                impl.function(cli=cli)
            except Exception as error:  # noqa: BLE001
                self.warn(f"plugin {impl.plugin_name!r} failed to add its commands: {error!r}")

    def _collect(self, plugin: object, name: str, hook: str, registry: Registry[Any]) -> bool:
        """Call one plugin's registration hook on its own, so its errors and formats are its own."""
        registered: list[Any] = []
        impl = next(impl for impl in getattr(self.pm.hook, hook).get_hookimpls() if impl.plugin is plugin)
        try:
            impl.function(register=registered.append)
        except Exception as error:  # noqa: BLE001
            info = self.plugins.pop(name)
            self.pm.unregister(plugin)
            return self.record_failure(name, info.distribution, info.version, info.module, error)
        for spec in registered:
            registry.add(spec, name, self.warn)
        return True

    def record_failure(self, name: str, distribution: str, version: str, module: str, error: BaseException) -> bool:
        message = f"{type(error).__name__}: {error}"
        self.plugins[name] = PluginInfo(name, distribution, version, module, error=message)
        origin = f" from {distribution} {version}".rstrip() if distribution else ""
        self.warn(f"plugin {name!r}{origin} failed and is skipped: {message}")
        return False

    @property
    def failures(self) -> list[PluginInfo]:
        return [info for info in self.plugins.values() if info.error]


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
    after them, each under its module or class name.
    """
    host = PluginHost(warn)
    found = list(metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points is None else entry_points)
    if not any(_distribution_name(ep) == OWN_DISTRIBUTION for ep in found):
        host.warn("bibx's own entry points are missing: reinstall bibx (pip install --force-reinstall bibx-export)")
    off = disabled_names(disabled)
    for ep in sorted(found, key=lambda ep: (_distribution_name(ep) != OWN_DISTRIBUTION, ep.name)):
        if ep.name not in off:
            _load_entry_point(host, ep)
    for plugin in extra_plugins:
        host.add_plugin(plugin, plugin_name(plugin))
    return host


def plugin_name(plugin: object) -> str:
    """The name an inline plugin is known by: its module's last component, or its class name."""
    return getattr(plugin, "__name__", type(plugin).__name__).rsplit(".", 1)[-1]


def _load_entry_point(host: PluginHost, ep: metadata.EntryPoint) -> None:
    distribution = _distribution_name(ep)
    version = ep.dist.version if ep.dist else ""
    try:
        plugin = ep.load()
    except Exception as error:  # noqa: BLE001 - a broken plugin must not stop bibx
        host.record_failure(ep.name, distribution, version, ep.value, error)
        return
    if ep.name in host.plugins:
        other = host.plugins[ep.name]
        host.warn(f"two plugins are named {ep.name!r} ({other.distribution} and {distribution}); the second is skipped")
        return
    host.add_plugin(plugin, ep.name, distribution, version)


def _distribution_name(ep: metadata.EntryPoint) -> str:
    return ep.dist.metadata["Name"] if ep.dist else ""


def spec_by_extension(specs: Mapping[str, Spec], filename: str) -> Spec | None:
    """The format whose declared extension ends ``filename``, the longest match first (``a.csl.json`` → csljson)."""
    name = filename.lower()
    matches = [(len(ext), spec) for spec in specs.values() for ext in spec.extensions if name.endswith(f".{ext.lower()}")]
    return max(matches, key=lambda match: match[0], default=(0, None))[1]
