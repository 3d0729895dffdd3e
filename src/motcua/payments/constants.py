"""Payment statuses and record kinds (enums; conventions §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# A payment in one of these states never changes again (a refund is recorded,
# not reversed), so a replayed gateway notification cannot reopen it.
FINAL_STATUSES = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.REFUNDED})


class PaymentRecordKind(models.TextChoices):
    """What happened to a payment (append-only; domain.md §4.3, §11.5)."""

    STARTED = "started", _("Tạo yêu cầu thanh toán")
    PAID = "paid", _("Xác nhận đã thu tiền")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Hủy yêu cầu thanh toán")
    REFUNDED = "refunded", _("Hoàn tiền")


class MessageDirection(models.TextChoices):
    INBOUND = "in", _("Nhận từ cổng thanh toán")
    OUTBOUND = "out", _("Gửi tới cổng thanh toán")
