"""The notification outbox (conventions §7; gh-5 item 10).

One ``Notification`` per (dossier event, recipient, channel), written in the
same transaction as the event, so a rollback leaves nothing to send and a
commit always leaves something that will be sent. Delivery runs after commit
and records its outcome here; every attempt is kept as a
``NotificationAttempt`` (append-only), so an officer can see why a citizen
was not reached.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import NotificationChannel, NotificationKind, NotificationStatus


class Notification(models.Model):
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("sự kiện"),
        on_delete=models.PROTECT,
        related_name="notifications",
        help_text=_("Sự kiện xử lý hồ sơ được thông báo."),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="notifications",
        help_text=_("Hồ sơ của sự kiện."),
    )
    kind = models.CharField(
        _("loại thông báo"),
        max_length=32,
        choices=NotificationKind,
        help_text=_("Điều người dân được báo."),
    )
    channel = models.CharField(
        _("kênh"), max_length=16, choices=NotificationChannel, help_text=_("Cách gửi.")
    )
    recipient = models.CharField(
        _("người nhận"),
        max_length=254,
        help_text=_("Địa chỉ thư, số điện thoại, hoặc mã tài khoản (thông báo trên cổng)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("Tài khoản nhận thông báo trên cổng (nếu có)."),
    )
    recipient_name = models.CharField(
        _("tên người nhận"), max_length=200, blank=True, help_text=_("Dùng trong lời chào.")
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, help_text=_("Ngôn ngữ của nội dung thông báo.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=NotificationStatus,
        default=NotificationStatus.PENDING,
        help_text=_("Chờ gửi, đang gửi, đã gửi hay gửi lỗi."),
    )
    attempts = models.PositiveSmallIntegerField(
        _("số lần gửi"), default=0, help_text=_("Số lần đã thử gửi.")
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, help_text=_("Lỗi lần gửi cuối."))
    next_attempt_at = models.DateTimeField(
        _("lần gửi tiếp theo"),
        null=True,
        blank=True,
        help_text=_("Khi sẽ gửi (lại); để trống khi đã gửi hoặc đã thôi gửi."),
    )
    claimed_at = models.DateTimeField(
        _("bắt đầu gửi"), null=True, blank=True, help_text=_("Khi lần gửi đang chạy bắt đầu.")
    )
    sent_at = models.DateTimeField(
        _("thời điểm gửi"), null=True, blank=True, help_text=_("Khi đã gửi thành công.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), help_text=_("Cùng lúc với sự kiện."))
    subject = models.CharField(
        _("tiêu đề"), max_length=300, blank=True, help_text=_("Tiêu đề đã gửi.")
    )
    body = models.TextField(_("nội dung"), blank=True, help_text=_("Nội dung đã gửi."))
    provider_ref = models.CharField(
        _("mã của nhà cung cấp"),
        max_length=200,
        blank=True,
        help_text=_("Mã thư (Message-ID) hoặc mã tin nhắn do nhà cung cấp trả về."),
    )
    read_at = models.DateTimeField(
        _("thời điểm đọc"), null=True, blank=True, help_text=_("Khi người dân đã đọc trên cổng.")
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Re-recording the same event never sends twice (the outbox is idempotent).
            models.UniqueConstraint(
                fields=["event", "recipient", "channel"], name="notification_unique_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["user", "channel", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} → {self.channel}"


class NotificationAttempt(models.Model):
    """One delivery attempt and its outcome. Append-only."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("thông báo"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
        help_text=_("Thông báo đã thử gửi."),
    )
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi thử gửi."))
    ok = models.BooleanField(_("thành công"), help_text=_("Gửi thành công hay không."))
    error = models.TextField(_("lỗi"), blank=True, help_text=_("Lỗi khi gửi không thành công."))

    class Meta:
        verbose_name = _("lần gửi thông báo")
        verbose_name_plural = _("các lần gửi thông báo")
        ordering = ["notification", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.at:%d/%m/%Y %H:%M} {'OK' if self.ok else 'ERR'}"


class NotificationPreference(models.Model):
    """A citizen's notification language (the portal's profile page edits it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
        help_text=_("Tài khoản."),
    )
    language = models.CharField(
        _("ngôn ngữ"),
        max_length=8,
        choices=settings.LANGUAGES,
        help_text=_("Ngôn ngữ của thư, tin nhắn và thông báo gửi cho người này."),
    )

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
