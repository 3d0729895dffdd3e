"""Reads of the notifications app: a citizen's in-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import User

from .constants import NotificationChannel, NotificationStatus
from .models import Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s delivered in-app notifications, newest first, with their dossier joined in."""
    rows = Notification.objects.filter(
        user=user, channel=NotificationChannel.IN_APP, status=NotificationStatus.SENT
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.select_related("dossier").order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user, unread_only=True).count()
