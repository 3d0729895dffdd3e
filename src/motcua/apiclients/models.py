"""API clients and bearer tokens (gh-4 item 10).

Design: every token acts as a ``User``, so jurisdiction and roles work the
same way for people and systems.

- A *personal token* belongs to a staff member and acts as them: their
  memberships (agencies, roles, validity dates) decide what it may do.
- An *API client* is a system bound to one agency. It gets a dedicated
  *service user* (``api.<name>``, no password, kind staff) with one
  membership at that agency in the role ``reception_officer``: it may receive
  dossiers there and act as that agency's one-stop, nothing more. Its tokens
  act as the service user.

Each token also carries scopes (``Scope``); a client token's effective scopes
are its own intersected with its client's. Only the SHA-256 of the secret is
stored; the secret is shown once, at creation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Scope


def _scope_list_default() -> list[str]:
    return [Scope.DOSSIERS_READ.value]


class ApiClient(models.Model):
    name = models.SlugField(
        _("tên hệ thống"),
        max_length=60,
        unique=True,
        help_text=_("Tên ngắn của hệ thống kết nối, ví dụ dvcqg hoặc buudien."),
    )
    description = models.CharField(
        _("mô tả"), max_length=300, blank=True, help_text=_("Hệ thống nào, ai phụ trách.")
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("Cơ quan mà hệ thống được thao tác thay mặt."),
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản dịch vụ"),
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text=_("Tài khoản mà các token của hệ thống thao tác dưới danh nghĩa."),
    )
    scopes = models.JSONField(
        _("phạm vi"),
        default=_scope_list_default,
        help_text=_("Các phạm vi tối đa mà token của hệ thống được cấp."),
    )
    is_active = models.BooleanField(
        _("đang hoạt động"), default=True, help_text=_("Tắt để chặn mọi token của hệ thống.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("Tài khoản mà token thao tác dưới danh nghĩa."),
    )
    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("hệ thống"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        help_text=_("Để trống với token cá nhân của cán bộ."),
    )
    name = models.CharField(
        _("tên token"), max_length=100, blank=True, help_text=_("Dùng để làm gì, ở đâu.")
    )
    lookup = models.CharField(
        _("tiền tố"),
        max_length=16,
        db_index=True,
        help_text=_("Vài ký tự đầu của token, để nhận ra token; không đủ để dùng."),
    )
    key_hash = models.CharField(
        _("băm token"), max_length=64, unique=True, help_text=_("SHA-256 của token.")
    )
    scopes = models.JSONField(
        _("phạm vi"), default=_scope_list_default, help_text=_("Các thao tác token được phép.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True, help_text="")
    expires_at = models.DateTimeField(
        _("hết hạn lúc"), null=True, blank=True, help_text=_("Để trống nếu không hết hạn.")
    )
    revoked_at = models.DateTimeField(
        _("thu hồi lúc"), null=True, blank=True, help_text=_("Token đã thu hồi không dùng được.")
    )
    last_used_at = models.DateTimeField(
        _("dùng lần cuối"), null=True, blank=True, help_text=_("Chính xác đến khoảng một phút.")
    )

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lookup}… ({self.name or self.user})"

    def effective_scopes(self) -> frozenset[str]:
        scopes = frozenset(self.scopes or [])
        if self.client is not None:
            scopes &= frozenset(self.client.scopes or [])
        return scopes

    def identity(self) -> str:
        """Who sends requests with this token, for idempotency keys: a client or a person."""
        if self.client_id is not None:
            return f"client:{self.client_id}"
        return f"user:{self.user_id}"
