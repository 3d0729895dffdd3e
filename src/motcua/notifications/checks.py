"""``manage.py check`` refuses an SMS configuration that could never send."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .registry import sms_providers


@register()
def sms_provider_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    key = settings.MOTCUA_SMS_PROVIDER
    if not key:
        return []
    if key not in sms_providers:
        return [
            Error(
                f"MOTCUA_SMS_PROVIDER={key!r} is not a known SMS provider.",
                hint=f"Use one of: {', '.join(sms_providers.keys())}, or leave it empty.",
                id="motcua.notifications.E001",
            )
        ]
    return [
        Error(problem, id="motcua.notifications.E002") for problem in sms_providers[key].check()
    ]
