"""System checks: the configured payment providers exist and have their settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("motcua")
def payment_providers_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    from .registry import payment_providers

    messages: list[CheckMessage] = []
    for key in settings.MOTCUA_PAYMENT_PROVIDERS:
        if key not in payment_providers:
            known = ", ".join(sorted(payment_providers.keys()))
            messages.append(
                Error(
                    f"MOTCUA_PAYMENT_PROVIDERS names {key!r}, which is not a payment provider"
                    f" (known: {known})",
                    id="motcua.payments.E001",
                )
            )
        elif not payment_providers[key].is_configured():
            messages.append(
                Warning(
                    f"payment provider {key!r} is enabled but not configured; it is not offered",
                    hint="Set its MOTCUA_VNPAY_* or MOTCUA_VIETQR_* settings.",
                    id="motcua.payments.W001",
                )
            )
    return messages
