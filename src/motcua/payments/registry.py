"""The payment-provider registry; ``MOTCUA_PAYMENT_PROVIDERS`` selects which are offered."""

from __future__ import annotations

from django.conf import settings

from motcua.core.registry import Registry

from .base import PaymentProvider

payment_providers = Registry[PaymentProvider]("payment provider", "MOTCUA_PAYMENT_PROVIDERS")


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
