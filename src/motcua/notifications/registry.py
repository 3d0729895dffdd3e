"""Plugin registries of the notifications app: SMS providers (conventions §7)."""

from __future__ import annotations

from django.conf import settings

from motcua.core.registry import Registry

from .base import SmsError, SmsMessage, SmsProvider

sms_providers = Registry[SmsProvider]("SMS provider", "MOTCUA_SMS_PROVIDER")


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
