"""Notification outbox in the admin: read-only, with the failures easy to find and resend.

Failures show here (conventions §7): filter by status "Gửi lỗi", open a row to
see every attempt and its error, and "Gửi lại ngay" to retry at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from motcua.core.admin import ReadOnlyAdminMixin

from .models import Notification, NotificationAttempt, NotificationPreference
from .services import notifications_retry_now


class AttemptInline(ReadOnlyAdminMixin, admin.TabularInline[NotificationAttempt, Notification]):
    model = NotificationAttempt
    fields = ["at", "ok", "error"]
    readonly_fields = ["at", "ok", "error"]
    extra = 0
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Notification]):
    list_display = [
        "dossier",
        "kind",
        "channel",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    inlines = [AttemptInline]
    actions = ["retry_now"]
    readonly_fields = [
        "dossier",
        "event",
        "kind",
        "channel",
        "recipient",  # on the detail page only, not in the list
        "user",
        "language",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
        "subject",
        "body",
        "provider_ref",
        "read_at",
    ]

    @admin.action(description=gettext_lazy("Gửi lại ngay các thông báo gửi lỗi đã chọn"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_retry_now(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("Đã gửi lại %(count)d thông báo.", "Đã gửi lại %(count)d thông báo.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The action needs change permission on the list; rows stay read-only (readonly_fields).
        return bool(request.user.has_perm("notifications.change_notification"))


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "language"]
    raw_id_fields = ["user"]
