"""One small plugin registry for every external system (architecture: "behind a small
plugin registry with a built-in local provider"): payment providers, SMS providers…

A plugin class registers under a key with ``@registry.register("key")``; the registry
keeps one instance made with ``cls(key=key)``. Settings choose which keys are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Plugin(Protocol):
    key: str

    def __init__(self, *, key: str) -> None: ...


class UnknownPlugin(KeyError, ImproperlyConfigured):
    """No plugin under that key (a typo in a setting, or an app not installed)."""


class Registry[P: Plugin]:
    def __init__(self, what: str, setting: str = "") -> None:
        self.what = what  # e.g. "SMS provider", used in error messages
        self.setting = setting
        self._plugins: dict[str, P] = {}

    def register(self, key: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if key in self._plugins:  # two vendors claiming one key is a bug
                raise ImproperlyConfigured(f"{self.what} {key!r} registered twice")
            self._plugins[key] = cls(key=key)
            return cls

        return decorator

    def __contains__(self, key: object) -> bool:
        return key in self._plugins

    def __getitem__(self, key: str) -> P:
        try:
            return self._plugins[key]
        except KeyError:
            known = ", ".join(sorted(self._plugins))
            where = f" ({self.setting})" if self.setting else ""
            raise UnknownPlugin(f"unknown {self.what} {key!r}{where}; known: {known}") from None

    def keys(self) -> list[str]:
        return list(self._plugins)

    def plugins(self) -> list[P]:
        return list(self._plugins.values())
