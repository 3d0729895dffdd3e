"""Plugin registries of the notifications app: SMS providers (conventions §7)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import SmsError, SmsMessage, SmsProvider


class Registry[P: SmsProvider]:
    def __init__(self) -> None:
        self._plugins: dict[str, P] = {}

    def register(self, key: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if key in self._plugins:  # two vendors claiming one key is a bug
                raise ImproperlyConfigured(f"plugin {key!r} registered twice")
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
            raise ImproperlyConfigured(
                f"unknown SMS provider {key!r} (MOTCUA_SMS_PROVIDER); known: {known}"
            ) from None

    def keys(self) -> list[str]:
        return sorted(self._plugins)


sms_providers = Registry[SmsProvider]()


def sms_provider() -> SmsProvider | None:
    """The configured provider (``MOTCUA_SMS_PROVIDER``), or None when SMS is off."""
    key = settings.MOTCUA_SMS_PROVIDER
    return sms_providers[key] if key else None


def send_sms_now(phone: str, text: str) -> None:
    """Send one text at once through the configured provider (raises if SMS is off or fails).

    For messages that cannot wait for the outbox, such as the accounts app's
    verification codes: point ``MOTCUA_ACCOUNT_SMS_HOOK`` at this function.
    """
    provider = sms_provider()
    if provider is None:
        raise SmsError("SMS is not configured (MOTCUA_SMS_PROVIDER is empty)")
    provider.send(SmsMessage(to=phone, text=text, reference=""))
