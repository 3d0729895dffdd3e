"""``manage.py check`` refuses a postal configuration that could never create a waybill."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .registry import postal_providers


@register()
def postal_provider_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    key = settings.MOTCUA_POSTAL_PROVIDER
    if key not in postal_providers:
        return [
            Error(
                f"MOTCUA_POSTAL_PROVIDER={key!r} is not a known postal provider.",
                hint=f"Use one of: {', '.join(postal_providers.keys())}.",
                id="motcua.postal.E001",
            )
        ]
    return [Error(problem, id="motcua.postal.E002") for problem in postal_providers[key].check()]
