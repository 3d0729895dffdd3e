"""The payment-provider registry; ``MOTCUA_PAYMENT_PROVIDERS`` selects which are offered."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import PaymentProvider


class Registry[P: PaymentProvider]:
    def __init__(self) -> None:
        self._plugins: dict[str, P] = {}

    def register(self, key: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if key in self._plugins:  # two vendors claiming one key is a bug
                raise ImproperlyConfigured(f"payment provider {key!r} registered twice")
            self._plugins[key] = cls(key=key)
            return cls

        return decorator

    def __contains__(self, key: object) -> bool:
        return key in self._plugins

    def __getitem__(self, key: str) -> P:
        return self._plugins[key]

    def keys(self) -> list[str]:
        return list(self._plugins)

    def plugins(self) -> list[P]:
        return list(self._plugins.values())


payment_providers = Registry[PaymentProvider]()


class ProviderUnavailable(Exception):
    """The provider is unknown, not enabled in the settings, or not configured."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def provider_get(key: str) -> PaymentProvider:
    """An enabled and configured provider, or :class:`ProviderUnavailable`."""
    if key not in settings.MOTCUA_PAYMENT_PROVIDERS or key not in payment_providers:
        raise ProviderUnavailable(key)
    provider = payment_providers[key]
    if not provider.is_configured():
        raise ProviderUnavailable(key)
    return provider


def provider_list() -> list[PaymentProvider]:
    """The providers offered to citizens, in the configured order."""
    out = []
    for key in settings.MOTCUA_PAYMENT_PROVIDERS:
        if key in payment_providers and payment_providers[key].is_configured():
            out.append(payment_providers[key])
    return out
