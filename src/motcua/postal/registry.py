"""Plugin registry of the postal app: postal providers (conventions §7)."""

from __future__ import annotations

from django.conf import settings

from motcua.core.registry import Registry

from .base import PostalProvider

postal_providers = Registry[PostalProvider]("postal provider", "MOTCUA_POSTAL_PROVIDER")


def postal_provider() -> PostalProvider:
    """The configured provider (``MOTCUA_POSTAL_PROVIDER``, default "local")."""
    return postal_providers[settings.MOTCUA_POSTAL_PROVIDER]
