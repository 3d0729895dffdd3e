"""Queue tickets, their intervals, counter sessions and call policy (gh-7; domain.md §10).

Every interval of a ticket (waiting, serving, on hold, waiting after a
transfer) is a ``TicketInterval`` row; an interval is closed (``end`` set)
when the next one starts, so waiting and serving times are exact and sum to
the ticket's lifetime. Intervals are otherwise never updated or deleted
(conventions §5: history is append-only).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.ratings.constants import Satisfaction

from .constants import (
    CallPolicy,
    CounterState,
    IntervalKind,
    NoticeStatus,
    PriorityReason,
    TicketStatus,
)

prefix_validator = RegexValidator(
    r"^[A-Z]{1,3}$", _("Tiền tố gồm 1 đến 3 chữ cái in hoa không dấu, ví dụ “A”.")
)


class QueuePolicy(models.Model):
    """The call policy of one service center (data, not code: each center chooses)."""

    center = models.OneToOneField(
        "organisations.Agency",
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="queue_policy",
        help_text=_("Trung tâm, chi nhánh hoặc bộ phận một cửa."),
    )
    policy = models.CharField(
        _("cách gọi số"),
        max_length=16,
        choices=CallPolicy,
        default=CallPolicy.PRIORITY_FIRST,
        help_text=_("Thứ tự gọi số tiếp theo tại quầy."),
    )
    interleave_every = models.PositiveSmallIntegerField(
        _("số thường giữa hai số ưu tiên"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Với cách gọi xen kẽ: gọi 1 số ưu tiên sau mỗi N số thường."),
    )

    class Meta:
        verbose_name = _("cách gọi số của trung tâm")
        verbose_name_plural = _("cách gọi số của trung tâm")

    def __str__(self) -> str:
        return f"{self.center_id}: {self.policy}"


class TicketService(models.Model):
    """A queue of a center, e.g. "A – Tư pháp, hộ tịch": its prefix, fields and counters."""

    center = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="ticket_services",
        help_text=_("Trung tâm có hàng đợi này."),
    )
    name = models.CharField(
        _("tên dịch vụ"), max_length=200, help_text=_("Tên hiện trên ki-ốt và phiếu số.")
    )
    prefix = models.CharField(
        _("tiền tố số"),
        max_length=3,
        validators=[prefix_validator],
        help_text=_("Chữ đứng trước số thứ tự, ví dụ “A” cho A001."),
    )
    fields = models.ManyToManyField(
        "procedures.ProcedureField",
        verbose_name=_("lĩnh vực"),
        blank=True,
        related_name="ticket_services",
        help_text=_("Các lĩnh vực thủ tục của hàng đợi này."),
    )
    counters = models.ManyToManyField(
        "organisations.Counter",
        verbose_name=_("quầy phục vụ"),
        blank=True,
        related_name="ticket_services",
        help_text=_("Các quầy gọi số của hàng đợi này."),
    )
    position = models.PositiveSmallIntegerField(
        _("thứ tự hiển thị"), default=0, help_text=_("Thứ tự ô trên ki-ốt.")
    )
    is_active = models.BooleanField(
        _("đang hoạt động"), default=True, help_text=_("Bỏ chọn để ngừng cấp số.")
    )

    class Meta:
        verbose_name = _("dịch vụ xếp hàng")
        verbose_name_plural = _("dịch vụ xếp hàng")
        ordering = ["center", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["center", "prefix"], name="ticket_service_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} – {self.name}"


class TicketNumberCounter(models.Model):
    """Per service (of a center), per day: the last number issued (like DossierCodeCounter)."""

    service = models.ForeignKey(
        TicketService,
        verbose_name=_("dịch vụ"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Hàng đợi."),
    )
    day = models.DateField(_("ngày"), help_text=_("Ngày cấp số (giờ Việt Nam)."))
    last = models.PositiveIntegerField(_("số cuối"), default=0, help_text=_("Số đã cấp cuối cùng."))

    class Meta:
        verbose_name = _("bộ đếm số thứ tự")
        verbose_name_plural = _("bộ đếm số thứ tự")
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="ticket_number_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.day}: {self.last}"


class Ticket(models.Model):
    """A queue number taken at a kiosk or on a phone."""

    center = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("Trung tâm cấp số."),
    )
    service = models.ForeignKey(
        TicketService,
        verbose_name=_("dịch vụ"),
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("Hàng đợi hiện tại của số (đổi khi chuyển)."),
    )
    issued_service = models.ForeignKey(
        TicketService,
        verbose_name=_("dịch vụ khi lấy số"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hàng đợi đã cấp số (tiền tố của số)."),
    )
    day = models.DateField(_("ngày"), help_text=_("Ngày cấp số (giờ Việt Nam)."))
    number = models.PositiveIntegerField(_("số"), help_text=_("Số thứ tự trong ngày."))
    display = models.CharField(
        _("số hiển thị"), max_length=12, help_text=_("Tiền tố và số, ví dụ A023.")
    )
    priority = models.CharField(
        _("đối tượng ưu tiên"),
        max_length=16,
        choices=PriorityReason,
        blank=True,
        default=PriorityReason.NONE,
        help_text=_("Lý do ưu tiên; để trống nếu không ưu tiên."),
    )
    phone = models.CharField(
        _("số điện thoại"),
        max_length=16,
        blank=True,
        help_text=_("Để nhắn tin khi sắp đến lượt (không bắt buộc)."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=TicketStatus,
        default=TicketStatus.WAITING,
        help_text=_("Trạng thái hiện tại."),
    )
    counter = models.ForeignKey(
        "organisations.Counter",
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("Quầy đã gọi số (gần nhất)."),
    )
    target_counter = models.ForeignKey(
        "organisations.Counter",
        verbose_name=_("chuyển đến quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Khi chuyển đến một quầy: chỉ quầy này gọi số."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ đã gọi số (gần nhất)."),
    )
    follow_key = models.CharField(
        _("mã theo dõi"),
        max_length=24,
        unique=True,
        help_text=_("Mã ngẫu nhiên trong mã QR để theo dõi số trên điện thoại."),
    )
    created_at = models.DateTimeField(_("thời điểm lấy số"), help_text=_("Khi lấy số."))
    called_at = models.DateTimeField(
        _("thời điểm gọi"), null=True, blank=True, help_text=_("Lần gọi (hoặc gọi lại) gần nhất.")
    )
    finished_at = models.DateTimeField(
        _("thời điểm kết thúc"), null=True, blank=True, help_text=_("Khi xong hoặc vắng mặt.")
    )
    recalls = models.PositiveSmallIntegerField(
        _("số lần gọi lại"), default=0, help_text=_("Số lần gọi lại.")
    )
    dossiers = models.ManyToManyField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        blank=True,
        related_name="tickets",
        help_text=_("Hồ sơ tiếp nhận từ số này."),
    )

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_service", "day", "number"], name="ticket_unique_number"
            )
        ]
        indexes = [
            models.Index(fields=["center", "day", "status"]),
            models.Index(fields=["service", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def is_priority(self) -> bool:
        return self.priority != PriorityReason.NONE


class TicketInterval(models.Model):
    """One interval of a ticket's life; closed when the next one starts (append-only)."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("số thứ tự"),
        on_delete=models.CASCADE,
        related_name="intervals",
        help_text=_("Số thứ tự."),
    )
    kind = models.CharField(
        _("loại"), max_length=16, choices=IntervalKind, help_text=_("Chờ, phục vụ, tạm dừng…")
    )
    service = models.ForeignKey(
        TicketService,
        verbose_name=_("dịch vụ"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hàng đợi của số trong khoảng này."),
    )
    start = models.DateTimeField(_("bắt đầu"), help_text=_("Bắt đầu khoảng."))
    end = models.DateTimeField(
        _("kết thúc"), null=True, blank=True, help_text=_("Trống khi khoảng đang diễn ra.")
    )
    counter = models.ForeignKey(
        "organisations.Counter",
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Quầy phục vụ (khi phục vụ, tạm dừng)."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ phục vụ."),
    )

    class Meta:
        verbose_name = _("khoảng thời gian của số")
        verbose_name_plural = _("khoảng thời gian của số")
        ordering = ["ticket", "start", "id"]
        constraints = [
            # At most one open interval per ticket.
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(end__isnull=True), name="ticket_one_open_interval"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="ticket_interval_ordered",
            ),
        ]
        indexes = [models.Index(fields=["kind", "start"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.start:%H:%M:%S}"

    @property
    def duration(self) -> dt.timedelta | None:
        return None if self.end is None else self.end - self.start


class CounterSession(models.Model):
    """An officer at a counter, from opening to closing; an officer holds one counter at a time."""

    counter = models.ForeignKey(
        "organisations.Counter",
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("Quầy."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        related_name="counter_sessions",
        help_text=_("Cán bộ làm việc tại quầy."),
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=CounterState,
        default=CounterState.OPEN,
        help_text=_("Mở, tạm dừng hoặc đã đóng."),
    )
    pause_reason = models.CharField(
        _("lý do tạm dừng"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: “Đi họp”."),
    )
    opened_at = models.DateTimeField(_("mở lúc"), help_text=_("Khi mở quầy."))
    closed_at = models.DateTimeField(
        _("đóng lúc"), null=True, blank=True, help_text=_("Khi đóng quầy.")
    )

    class Meta:
        verbose_name = _("phiên làm việc tại quầy")
        verbose_name_plural = _("phiên làm việc tại quầy")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter"],
                condition=Q(closed_at__isnull=True),
                name="counter_one_open_session",
                violation_error_message=_("Quầy này đang có cán bộ khác làm việc."),
            ),
            models.UniqueConstraint(
                fields=["officer"],
                condition=Q(closed_at__isnull=True),
                name="officer_one_open_session",
                violation_error_message=_("Bạn đang làm việc tại một quầy khác."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.officer_id} {self.state}"


class CounterPause(models.Model):
    """One pause of a counter session, with its reason (append-only history)."""

    session = models.ForeignKey(
        CounterSession,
        verbose_name=_("phiên"),
        on_delete=models.CASCADE,
        related_name="pauses",
        help_text=_("Phiên làm việc."),
    )
    reason = models.CharField(_("lý do"), max_length=200, help_text=_("Lý do tạm dừng."))
    start = models.DateTimeField(_("bắt đầu"), help_text=_("Bắt đầu tạm dừng."))
    end = models.DateTimeField(
        _("kết thúc"), null=True, blank=True, help_text=_("Khi mở lại quầy.")
    )

    class Meta:
        verbose_name = _("lần tạm dừng quầy")
        verbose_name_plural = _("lần tạm dừng quầy")
        ordering = ["session", "start"]

    def __str__(self) -> str:
        return f"{self.session_id} {self.reason}"


class TicketNotice(models.Model):
    """The "your turn is near" SMS of a ticket: an outbox row (conventions §7), one per ticket."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("số thứ tự"),
        on_delete=models.CASCADE,
        related_name="notice",
        help_text=_("Số thứ tự được nhắn."),
    )
    phone = models.CharField(_("số điện thoại"), max_length=16, help_text=_("Người nhận."))
    text = models.TextField(_("nội dung"), help_text=_("Nội dung tin nhắn."))
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=NoticeStatus,
        default=NoticeStatus.PENDING,
        help_text=_("Chờ gửi, đã gửi hay gửi lỗi."),
    )
    attempts = models.PositiveSmallIntegerField(
        _("số lần gửi"), default=0, help_text=_("Số lần đã thử gửi.")
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, help_text=_("Lỗi lần gửi cuối."))
    provider_ref = models.CharField(
        _("mã của nhà cung cấp"), max_length=200, blank=True, help_text=_("Mã tin nhắn.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), help_text=_("Khi sắp đến lượt."))
    sent_at = models.DateTimeField(
        _("thời điểm gửi"), null=True, blank=True, help_text=_("Khi đã gửi thành công.")
    )

    class Meta:
        verbose_name = _("tin nhắn sắp đến lượt")
        verbose_name_plural = _("tin nhắn sắp đến lượt")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"


class TicketRating(models.Model):
    """The citizen's one-tap rating of the counter service after a ticket is finished (gh-7 #6).

    Linked to the ticket, the counter and officer who served it and the
    (first) dossier received from it, if any. The dossier's own rating of its
    result (``ratings.Rating``) is a different question, asked once the result
    is returned.
    """

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("số thứ tự"),
        on_delete=models.CASCADE,
        related_name="rating",
        help_text=_("Số thứ tự được đánh giá; mỗi số một lần."),
    )
    level = models.CharField(
        _("mức độ hài lòng"),
        max_length=16,
        choices=Satisfaction,
        help_text=_("Rất hài lòng, hài lòng hoặc không hài lòng."),
    )
    counter = models.ForeignKey(
        "organisations.Counter",
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Quầy đã phục vụ."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ đã phục vụ."),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Hồ sơ tiếp nhận từ số này (nếu có)."),
    )
    created_at = models.DateTimeField(_("thời điểm đánh giá"), help_text=_("Khi đánh giá."))

    class Meta:
        verbose_name = _("đánh giá tại quầy theo số")
        verbose_name_plural = _("đánh giá tại quầy theo số")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.level}"
