"""``Authorization: Bearer mc_…`` authentication and scope permission for DRF (gh-4 item 10)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from motcua.accounts.models import User
from motcua.core.rawrows import instance, select_list, width

from .constants import LAST_USED_RESOLUTION_SECONDS, TOKEN_PREFIX
from .models import ApiClient, ApiToken
from .services import token_hash


@cache
def _token_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {select_list(ApiToken, 't')}, {select_list(User, 'u')},"  # noqa: S608
        f" {select_list(ApiClient, 'c')} FROM {quote(ApiToken._meta.db_table)} t"
        f" JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id"
        f" LEFT JOIN {quote(ApiClient._meta.db_table)} c ON c.id = t.client_id"
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL"
        " AND (t.expires_at IS NULL OR t.expires_at > %s)"
    )


def token_active(*, key_hash: str, now: dt.datetime) -> ApiToken | None:
    """The unrevoked, unexpired token with ``key_hash``, its user and client attached.

    Every API request runs this, so it is one fixed SQL string (no ORM
    compilation, which cost a tenth of a reception's CPU) turned into
    instances by ``core.rawrows``. ``key_hash`` is unique: one row at most.
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [key_hash, now])
        row = cursor.fetchone()
    if row is None:
        return None
    a, b = width(ApiToken), width(ApiToken) + width(User)
    token = instance(ApiToken, row[:a])
    token.user = instance(User, row[a:b])
    token.client = instance(ApiClient, row[b:]) if token.client_id is not None else None
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """A token sent as ``Authorization: Bearer <token>``; ``request.auth`` is the ``ApiToken``.

    Unknown, revoked and expired tokens, inactive users and disabled clients
    all answer 401 with the same message. ``last_used_at`` is written at most
    once a minute per token, by a single UPDATE.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization không hợp lệ."))
        try:
            secret = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Token không hợp lệ.")) from error
        if not secret.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Token không hợp lệ."))
        now = timezone.now()
        token = token_active(key_hash=token_hash(secret), now=now)
        if (
            token is None
            or not token.user.is_active
            or (token.client is not None and not token.client.is_active)
        ):
            raise exceptions.AuthenticationFailed(
                _("Token không hợp lệ, đã hết hạn hoặc bị thu hồi.")
            )
        threshold = now - dt.timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
        if token.last_used_at is None or token.last_used_at < threshold:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class HasScope(BasePermission):
    """The view's ``required_scopes`` (per HTTP method) must be in the bearer token's scopes.

    Session-authenticated staff (the web UI) act with their memberships only:
    scopes restrict tokens, not people.
    """

    message = _("Token không có phạm vi cần thiết cho thao tác này.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        required: dict[str, str] = getattr(view, "required_scopes", {})
        scope = required.get(request.method or "")
        return scope is None or scope in token.effective_scopes()
