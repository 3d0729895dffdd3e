"""External OpenID Connect identity providers (VNeID-style single sign-on), from settings.

Deployments list their providers in ``MOTCUA_OIDC_PROVIDERS``, a JSON list::

    [{"id": "vneid", "name": "VNeID", "server_url": "https://sso.example.vn",
      "client_id": "motcua", "secret": "…", "kind": "citizen"},
     {"id": "vneid-org", "name": "VNeID tổ chức", "server_url": "…",
      "client_id": "…", "secret": "…", "kind": "organisation",
      "claims": {"tax_code": "ma_so_thue"}}]

``kind`` says who signs in through the provider (citizens, or organisations with
an organisation e-ID account, NĐ 69/2024); ``claims`` maps motcua's identity
fields to the provider's claim names when they differ from the defaults below.
This module is pure (no models): ``conf/base.py`` turns the list into allauth's
``SOCIALACCOUNT_PROVIDERS``, and a mistake fails at start-up naming the variable.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypedDict
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# motcua field -> claim name. "birthdate" and "phone_number" are standard OIDC
# claims; the identity number and tax code have no standard name.
DEFAULT_CLAIMS: dict[str, str] = {
    "full_name": "name",
    "identity_number": "identity_number",
    "date_of_birth": "birthdate",
    "tax_code": "tax_code",
    "address": "address",
}
KINDS = ("citizen", "organisation")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_REQUIRED = ("id", "name", "server_url", "client_id")
_KNOWN = {*_REQUIRED, "secret", "kind", "claims", "scope", "token_auth_method", "pkce"}


class OidcApp(TypedDict):
    """One entry of allauth's ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]``."""

    provider_id: str
    name: str
    client_id: str
    secret: str
    settings: dict[str, Any]


def oidc_apps(raw: str | None, *, variable: str = "MOTCUA_OIDC_PROVIDERS") -> list[OidcApp]:
    """Parse the JSON list of providers; empty when ``raw`` is unset."""
    if raw is None or not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{variable} is not valid JSON: {error}") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured(f"{variable} must be a JSON list of provider objects")
    apps: list[OidcApp] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{variable}[{index}]"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{where} must be an object")
        unknown = sorted(set(entry) - _KNOWN)
        if unknown:
            raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(unknown)}")
        for key in _REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ImproperlyConfigured(f"{where} needs a non-empty string {key!r}")
        provider_id = entry["id"]
        if not _ID.fullmatch(provider_id):
            raise ImproperlyConfigured(
                f"{where}: id {provider_id!r} must be lower-case letters, digits, - or _"
            )
        if provider_id in seen:
            raise ImproperlyConfigured(f"{where}: id {provider_id!r} is used twice")
        seen.add(provider_id)
        url = urlsplit(entry["server_url"])
        if url.scheme not in {"http", "https"} or not url.netloc:
            raise ImproperlyConfigured(f"{where}: server_url must be an http(s) URL")
        kind = entry.get("kind", "citizen")
        if kind not in KINDS:
            raise ImproperlyConfigured(f"{where}: kind must be one of {', '.join(KINDS)}")
        claims = entry.get("claims", {})
        if not isinstance(claims, dict) or not all(
            field in DEFAULT_CLAIMS and isinstance(name, str) for field, name in claims.items()
        ):
            raise ImproperlyConfigured(
                f"{where}: claims must map some of {', '.join(DEFAULT_CLAIMS)} to claim names"
            )
        scope = entry.get("scope", ["openid", "profile", "email"])
        if not isinstance(scope, list) or "openid" not in scope:
            raise ImproperlyConfigured(f"{where}: scope must be a list that includes 'openid'")
        settings: dict[str, Any] = {
            "server_url": entry["server_url"],
            "oauth_pkce_enabled": bool(entry.get("pkce", True)),
            "scope": scope,
            "motcua_kind": kind,
            "motcua_claims": {**DEFAULT_CLAIMS, **claims},
        }
        if "token_auth_method" in entry:
            settings["token_auth_method"] = entry["token_auth_method"]
        apps.append(
            OidcApp(
                provider_id=provider_id,
                name=entry["name"],
                client_id=entry["client_id"],
                secret=str(entry.get("secret", "")),
                settings=settings,
            )
        )
    return apps


def socialaccount_providers(apps: list[OidcApp]) -> dict[str, Any]:
    """allauth's ``SOCIALACCOUNT_PROVIDERS`` for these apps."""
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": list(apps)}}


def form_action_origins(apps: list[OidcApp]) -> list[str]:
    """The providers' origins, for the Content Security Policy's ``form-action``.

    The sign-in button is a form whose answer redirects to the provider, and
    browsers apply ``form-action`` to that redirect too: without the provider's
    origin there, Chromium silently stays on motcua's page. (A provider whose
    authorization endpoint lives on another host than ``server_url`` needs that
    host here as well.)
    """
    origins: list[str] = []
    for app in apps:
        url = urlsplit(app["settings"]["server_url"])
        origin = f"{url.scheme}://{url.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins
