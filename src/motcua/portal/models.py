"""Citizen-side records of the portal: the online-filing draft (gh-5 items 2–3).

A draft is the wizard's saved state: it lives in the database, not in the
session, so it survives an expired session and resumes on another device from
"My dossiers". It becomes a dossier only through ``portal.filing.draft_submit``,
which hands it to the dossier engine (``dossiers.services.dossier_receive``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import ReturnMode


class FilingStep(models.TextChoices):
    """The wizard's steps, in order. The value is the step's URL segment."""

    VARIANT = "truong-hop", _("Trường hợp")
    AGENCY = "noi-nop", _("Nơi nộp")
    DECLARATION = "to-khai", _("Tờ khai")
    DOCUMENTS = "giay-to", _("Giấy tờ")
    DELIVERY = "nhan-ket-qua", _("Phí và nhận kết quả")
    REVIEW = "xem-lai", _("Xem lại và nộp")


class OnlineDraft(models.Model):
    """An online dossier being filled in by a citizen; at most one dossier comes of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.CASCADE,
        related_name="online_drafts",
        help_text=_("Tài khoản đang khai hồ sơ."),
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Phiên bản thủ tục khi bắt đầu khai."),
    )
    variant = models.ForeignKey(
        "procedures.ProcedureVariant",
        verbose_name=_("trường hợp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Trường hợp thủ tục đã chọn."),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Nơi nộp hồ sơ đã chọn."),
    )
    form_data = models.JSONField(
        _("dữ liệu tờ khai"), default=dict, blank=True, help_text=_("Nội dung tờ khai đã nhập.")
    )
    on_behalf = models.BooleanField(
        _("nộp thay"), default=False, help_text=_("Nộp hồ sơ thay cho người khác.")
    )
    owner = models.JSONField(
        _("chủ hồ sơ"),
        default=dict,
        blank=True,
        help_text=_("Thông tin chủ hồ sơ khi nộp thay người khác."),
    )
    return_mode = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=16,
        choices=ReturnMode,
        blank=True,
        help_text=_("Nhận tại quầy, qua bưu chính hoặc bản điện tử."),
    )
    delivery_address = models.CharField(
        _("địa chỉ nhận kết quả"),
        max_length=300,
        blank=True,
        help_text=_("Địa chỉ nhận kết quả qua bưu chính."),
    )
    payment_choice = models.CharField(
        _("cách nộp phí"),
        max_length=32,
        blank=True,
        help_text=_("Hình thức thanh toán đã chọn (mã nhà cung cấp thanh toán)."),
    )
    reached = models.CharField(
        _("bước đã tới"),
        max_length=16,
        choices=FilingStep,
        default=FilingStep.VARIANT,
        help_text=_("Bước xa nhất đã lưu."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, help_text="")
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True, help_text="")
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ đã nộp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_draft",
        help_text=_("Hồ sơ tạo ra khi nộp."),
    )

    class Meta:
        verbose_name = _("hồ sơ đang khai")
        verbose_name_plural = _("hồ sơ đang khai")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return str(self.procedure_version)


class DraftAttachment(models.Model):
    """A file attached to a draft for one component: a validated temporary upload."""

    draft = models.ForeignKey(
        OnlineDraft,
        verbose_name=_("hồ sơ đang khai"),
        on_delete=models.CASCADE,
        related_name="attachments",
        help_text="",
    )
    component = models.ForeignKey(
        "procedures.ComponentSpec",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Giấy tờ mà tệp này thể hiện."),
    )
    upload = models.OneToOneField(
        "dossiers.TemporaryUpload",
        verbose_name=_("tệp"),
        on_delete=models.CASCADE,
        related_name="draft_attachment",
        help_text=_("Tệp đã tải lên và kiểm tra."),
    )
    reused = models.BooleanField(
        _("lấy từ kho dữ liệu"),
        default=False,
        help_text=_("Tệp lấy từ kho dữ liệu điện tử của người nộp."),
    )
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("tệp của hồ sơ đang khai")
        verbose_name_plural = _("tệp của hồ sơ đang khai")
        ordering = ["component__order", "created_at"]

    def __str__(self) -> str:
        return self.upload.original_name
