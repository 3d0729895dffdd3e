"""Enums of the service-center queue (gh-7; domain.md §10)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    """Where a ticket stands. WAITING and TRANSFERRED tickets are in a queue (callable)."""

    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đã gọi")
    SERVING = "serving", _("Đang phục vụ")
    ON_HOLD = "on_hold", _("Tạm dừng")
    TRANSFERRED = "transferred", _("Đã chuyển, đang chờ")
    DONE = "done", _("Đã xong")
    NO_SHOW = "no_show", _("Vắng mặt")


# In a queue, waiting to be called.
QUEUED = (TicketStatus.WAITING, TicketStatus.TRANSFERRED)
# At a counter (the counter is busy with it).
AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.ON_HOLD)
# The ticket's life is over.
FINAL = (TicketStatus.DONE, TicketStatus.NO_SHOW)


class IntervalKind(models.TextChoices):
    """What a ticket was doing during one interval (every interval is a row)."""

    WAITING = "waiting", _("Chờ")
    SERVING = "serving", _("Phục vụ")
    ON_HOLD = "on_hold", _("Tạm dừng")
    TRANSFERRED = "transferred", _("Chờ sau khi chuyển")


class PriorityReason(models.TextChoices):
    """Why a ticket is a priority ticket (domain.md §10 Priority); empty = not priority."""

    NONE = "", _("Không ưu tiên")
    ELDERLY = "elderly", _("Người cao tuổi")
    DISABLED = "disabled", _("Người khuyết tật")
    PREGNANT = "pregnant", _("Phụ nữ mang thai")
    SMALL_CHILD = "small_child", _("Người đi cùng con nhỏ")


class CallPolicy(models.TextChoices):
    """How "call next" picks a ticket at a center (configurable, domain.md §10 Priority)."""

    FIFO = "fifo", _("Theo thứ tự lấy số (không ưu tiên)")
    PRIORITY_FIRST = "priority_first", _("Ưu tiên trước")
    INTERLEAVE = "interleave", _("Xen kẽ: 1 số ưu tiên sau mỗi N số thường")


class CounterState(models.TextChoices):
    OPEN = "open", _("Đang mở")
    PAUSED = "paused", _("Tạm dừng")
    CLOSED = "closed", _("Đóng")


class NoticeStatus(models.TextChoices):
    """Outbox lifecycle of a ticket's SMS (conventions §7)."""

    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


# The SMS "your turn is near" goes when this many people or fewer are ahead.
NEAR_TURN_AHEAD = 3
