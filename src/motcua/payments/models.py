"""Payments of dossier fees (domain.md §4.3, §11.5).

A ``Payment`` collects one or more fee lines of one dossier (or of a portal
draft before the dossier exists) through one provider. Its status is the
current state; ``PaymentRecord`` is the append-only account of what happened
(started, paid, failed, cancelled, refunded — with the actor, the reason and,
for a refund, the bank account), and ``GatewayMessage`` logs every message
exchanged with an online gateway, accepted or refused (domain.md §11.9(2)).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.procedures.constants import FeeKind

from .constants import MessageDirection, PaymentRecordKind, PaymentStatus


class Payment(models.Model):
    reference = models.CharField(
        _("mã thanh toán"),
        max_length=32,
        unique=True,
        help_text=_("Mã tham chiếu duy nhất của giao dịch, gửi cho ngân hàng, cổng thanh toán."),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text=_("Hồ sơ có các khoản phí, lệ phí được thanh toán."),
    )
    draft_ref = models.CharField(
        _("mã hồ sơ nháp"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Hồ sơ đang soạn trên cổng dịch vụ công, khi chưa có mã hồ sơ."),
    )
    provider = models.CharField(
        _("hình thức thanh toán"),
        max_length=32,
        help_text=_("Nộp tại quầy, chuyển khoản VietQR hoặc cổng thanh toán trực tuyến."),
    )
    amount = models.BigIntegerField(
        _("số tiền (đồng)"),
        validators=[MinValueValidator(1)],
        help_text=_("Tổng số tiền phải nộp, tính bằng đồng."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=PaymentStatus,
        default=PaymentStatus.PENDING,
        help_text=_("Trạng thái hiện tại của giao dịch."),
    )
    provider_reference = models.CharField(
        _("mã giao dịch ngân hàng"),
        max_length=100,
        blank=True,
        help_text=_(
            "Mã giao dịch của cổng thanh toán hoặc ngân hàng, số biên lai khi nộp tại quầy."
        ),
    )
    created_at = models.DateTimeField(
        _("thời điểm tạo"), help_text=_("Khi người nộp chọn hình thức thanh toán.")
    )
    paid_at = models.DateTimeField(
        _("thời điểm thanh toán"), null=True, blank=True, help_text=_("Khi tiền đã được thu.")
    )
    closed_at = models.DateTimeField(
        _("thời điểm kết thúc"),
        null=True,
        blank=True,
        help_text=_("Khi giao dịch không thành công, bị hủy hoặc đã hoàn tiền."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tài khoản đã tạo yêu cầu thanh toán."),
    )
    next_url = models.CharField(
        _("trang tiếp theo"),
        max_length=500,
        blank=True,
        help_text=_("Trang đưa người nộp trở lại sau khi thanh toán."),
    )
    raw = models.JSONField(
        _("dữ liệu cổng thanh toán"),
        default=dict,
        blank=True,
        help_text=_("Dữ liệu cuối cùng cổng thanh toán hoặc ngân hàng gửi về."),
    )

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dossier__isnull=False) | ~models.Q(draft_ref=""),
                name="payment_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentLine(models.Model):
    """One fee line covered by a payment, with its amount at the time."""

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("giao dịch"),
        on_delete=models.CASCADE,
        related_name="lines",
        help_text=_("Giao dịch thanh toán."),
    )
    fee = models.ForeignKey(
        "dossiers.DossierFee",
        verbose_name=_("khoản thu của hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_lines",
        help_text=_("Khoản phí, lệ phí của hồ sơ (trống khi hồ sơ còn là bản nháp)."),
    )
    fee_rule = models.ForeignKey(
        "procedures.FeeRule",
        verbose_name=_("khoản thu theo thủ tục"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Khoản thu của thủ tục, khi thanh toán trước khi có hồ sơ."),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=FeeKind, help_text=_("Phí/lệ phí."))
    name = models.CharField(_("tên khoản thu"), max_length=300, help_text=_("Tên khoản thu."))
    amount = models.BigIntegerField(_("số tiền (đồng)"), help_text=_("Số tiền của khoản thu."))

    class Meta:
        verbose_name = _("khoản thu trong giao dịch")
        verbose_name_plural = _("khoản thu trong giao dịch")
        ordering = ["payment", "id"]

    def __str__(self) -> str:
        return self.name


class PaymentRecord(models.Model):
    """Append-only: what happened to a payment, who did it, and why."""

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("giao dịch"),
        on_delete=models.PROTECT,
        related_name="records",
        help_text=_("Giao dịch thanh toán."),
    )
    kind = models.CharField(
        _("sự kiện"), max_length=16, choices=PaymentRecordKind, help_text=_("Việc đã xảy ra.")
    )
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi việc xảy ra."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ hoặc người dân thực hiện; trống khi do cổng thanh toán báo."),
    )
    amount = models.BigIntegerField(
        _("số tiền (đồng)"), null=True, blank=True, help_text=_("Số tiền liên quan (nếu có).")
    )
    reason = models.TextField(_("lý do"), blank=True, help_text=_("Lý do hủy, hoàn tiền."))
    bank_account = models.CharField(
        _("tài khoản nhận hoàn tiền"),
        max_length=200,
        blank=True,
        help_text=_("Số tài khoản, ngân hàng, chủ tài khoản nhận tiền hoàn."),
    )
    provider_reference = models.CharField(
        _("mã giao dịch ngân hàng"),
        max_length=100,
        blank=True,
        help_text=_("Mã giao dịch, số biên lai liên quan."),
    )
    data = models.JSONField(
        _("dữ liệu kèm theo"), default=dict, blank=True, help_text=_("Dữ liệu kèm theo.")
    )

    class Meta:
        verbose_name = _("nhật ký thanh toán")
        verbose_name_plural = _("nhật ký thanh toán")
        ordering = ["payment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.payment} – {PaymentRecordKind(self.kind).label}"


class GatewayMessage(models.Model):
    """Every message exchanged with an online gateway, accepted or not (domain.md §11.9(2))."""

    correlation_id = models.UUIDField(
        _("mã tương quan"), default=uuid.uuid4, editable=False, help_text=_("Mã tương quan.")
    )
    provider = models.CharField(
        _("cổng thanh toán"), max_length=32, help_text=_("Cổng thanh toán.")
    )
    direction = models.CharField(
        _("chiều"), max_length=4, choices=MessageDirection, help_text=_("Nhận hay gửi.")
    )
    kind = models.CharField(
        _("loại thông điệp"), max_length=32, help_text=_("Ví dụ: ipn, return, pay.")
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("giao dịch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        help_text=_("Giao dịch liên quan, nếu tìm thấy."),
    )
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi nhận hoặc gửi."))
    params = models.JSONField(_("nội dung"), help_text=_("Các tham số của thông điệp."))
    result_code = models.CharField(
        _("mã kết quả"), max_length=8, blank=True, help_text=_("Mã trả lời của hệ thống.")
    )

    class Meta:
        verbose_name = _("thông điệp cổng thanh toán")
        verbose_name_plural = _("thông điệp cổng thanh toán")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.result_code}"
