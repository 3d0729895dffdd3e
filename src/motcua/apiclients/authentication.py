"""``Authorization: Bearer mc_…`` authentication and scope permission for DRF (gh-4 item 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from motcua.accounts.models import User

from .constants import LAST_USED_RESOLUTION_SECONDS, TOKEN_PREFIX
from .models import ApiToken
from .services import token_hash


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
        token = (
            ApiToken.objects.select_related("user", "client")
            .filter(key_hash=token_hash(secret), revoked_at=None)
            .filter(Q(expires_at=None) | Q(expires_at__gt=now))
            .first()
        )
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
