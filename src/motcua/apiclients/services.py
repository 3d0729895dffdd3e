"""Writes of API access: clients, tokens, revocation (gh-4 item 10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency, StaffMembership

from .constants import TOKEN_LOOKUP_LENGTH, TOKEN_PREFIX, TOKEN_RANDOM_LENGTH, Scope
from .models import ApiClient, ApiToken

# Role of an API client's service user at its agency (see models.py).
SERVICE_ROLE = Role.RECEPTION_OFFICER
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _scopes_clean(scopes: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for scope in scopes:
        if scope not in Scope.values:
            raise ValidationError(
                {
                    "scopes": _("Phạm vi “%(scope)s” không tồn tại; chọn trong: %(all)s.")
                    % {"scope": scope, "all": ", ".join(Scope.values)}
                }
            )
        if scope not in cleaned:
            cleaned.append(scope)
    if not cleaned:
        raise ValidationError({"scopes": _("Cần ít nhất một phạm vi.")})
    return cleaned


def api_client_create(
    *, name: str, agency: Agency, scopes: Iterable[str], description: str = ""
) -> ApiClient:
    """A system bound to ``agency``, with its service user and membership (reception officer)."""
    scope_list = _scopes_clean(scopes)
    with transaction.atomic():
        user = User(
            username=f"api.{name}"[:150],
            kind=UserKind.STAFF,
            full_name=f"Hệ thống {name}",
            password=make_password(None),
        )
        user.full_clean(exclude=["password"])
        user.save()
        StaffMembership.objects.create(
            user=user, agency=agency, role=SERVICE_ROLE, valid_from=timezone.localdate()
        )
        client = ApiClient(
            name=name, agency=agency, service_user=user, scopes=scope_list, description=description
        )
        client.full_clean(exclude=["service_user"])
        client.save()
    return client


def _new_secret() -> str:
    return TOKEN_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_RANDOM_LENGTH))


def api_token_issue(
    *,
    user: User | None = None,
    client: ApiClient | None = None,
    scopes: Iterable[str],
    name: str = "",
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for a staff member (personal) or for ``client``; return it and its secret.

    The secret is returned once and never stored (only its SHA-256 is).
    Personal tokens are for staff only; a client token's scopes must be
    within the client's.
    """
    if (user is None) == (client is None):
        raise ValueError("Give exactly one of user or client.")
    scope_list = _scopes_clean(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    if client is not None:
        outside = [s for s in scope_list if s not in client.scopes]
        if outside:
            raise ValidationError(
                {
                    "scopes": _("Hệ thống không được cấp phạm vi: %(scopes)s.")
                    % {"scopes": ", ".join(outside)}
                }
            )
        owner = client.service_user
    else:
        assert user is not None
        if user.kind != UserKind.STAFF or not user.is_active:
            raise ValidationError({"user": _("Chỉ cán bộ đang hoạt động được tạo token cá nhân.")})
        owner = user
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=owner,
        client=client,
        name=name,
        lookup=secret[: len(TOKEN_PREFIX) + TOKEN_LOOKUP_LENGTH],
        key_hash=token_hash(secret),
        scopes=scope_list,
        expires_at=expires_at,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token`` now (idempotent: an already revoked token keeps its instant)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


DEMO_TOKEN_NAME = "demo"  # noqa: S105  # a label, not a secret


def demo_tokens_issue() -> list[tuple[str, str]]:
    """One fresh personal token per demo staff user, all scopes; ``[(username, secret)]``.

    Earlier demo tokens of those users are revoked first, so reloading the
    demo leaves one usable token each. Called by the demo loader, which prints
    the list.
    """
    users = User.objects.filter(
        is_demo=True, is_active=True, kind=UserKind.STAFF, memberships__isnull=False
    ).distinct()
    issued: list[tuple[str, str]] = []
    with transaction.atomic():
        ApiToken.objects.filter(
            user__in=users, client=None, name=DEMO_TOKEN_NAME, revoked_at=None
        ).update(revoked_at=timezone.now())
        for user in users.order_by("username"):
            _, secret = api_token_issue(user=user, scopes=Scope.values, name=DEMO_TOKEN_NAME)
            issued.append((user.username, secret))
    return issued
