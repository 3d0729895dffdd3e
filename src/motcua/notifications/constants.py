"""Enums of the citizen notifications (gh-5 item 10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("Trên cổng dịch vụ công")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationStatus(models.TextChoices):
    """Outbox lifecycle: pending → sending → sent | failed (→ sending again when due)."""

    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class NotificationKind(models.TextChoices):
    """What the citizen is told; one per status change they should know of (gh-5 item 10)."""

    RECEIVED = "received", _("Hồ sơ đã được tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    FEE_DUE = "fee_due", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    APOLOGY = "apology", _("Xin lỗi và hẹn lại ngày trả kết quả")
    RESULT_READY = "result_ready", _("Đã có kết quả giải quyết")
    RESULT_REFUSED = "result_refused", _("Hồ sơ không được giải quyết")
    DISPATCHED = "dispatched", _("Kết quả đã được gửi qua bưu chính")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Hồ sơ không được tiếp nhận")
    STOPPED = "stopped", _("Hồ sơ bị dừng xử lý")
    WITHDRAWN = "withdrawn", _("Hồ sơ đã được rút")
