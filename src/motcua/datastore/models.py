"""The citizen's personal electronic data store (kho dữ liệu điện tử; NĐ 45/2020; gh-5 item 9).

A ``StoredDocument`` is one file the citizen holds: uploaded by them, or an
electronic result issued to them by an agency. Files live under the store's
own path (``datastore/<year>/<month>/<uuid>.<ext>``), never under the user's
file name, which is kept cleaned for display only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import Source


class StoredDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ sở hữu"),
        on_delete=models.CASCADE,
        related_name="stored_documents",
        help_text=_("Tài khoản công dân sở hữu giấy tờ."),
    )
    source = models.CharField(
        _("nguồn"),
        max_length=16,
        choices=Source,
        help_text=_("Công dân tải lên hay kết quả do cơ quan cấp (không xóa được)."),
    )
    kind = models.CharField(
        _("loại giấy tờ"),
        max_length=200,
        help_text=_("Ví dụ: Căn cước công dân, Giấy khai sinh, Giấy phép kinh doanh."),
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500, help_text=_("Tên để nhận biết."))
    issuer = models.CharField(
        _("cơ quan cấp"), max_length=300, blank=True, help_text=_("Cơ quan đã cấp giấy tờ.")
    )
    number = models.CharField(
        _("số, ký hiệu"), max_length=100, blank=True, help_text=_("Số hoặc ký hiệu giấy tờ.")
    )
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True, help_text=_("Ngày cấp."))
    valid_until = models.DateField(
        _("có giá trị đến"),
        null=True,
        blank=True,
        help_text=_("Ngày cuối còn giá trị; trống nếu không thời hạn."),
    )
    file = models.FileField(
        _("tệp"), upload_to="datastore/%Y/%m/", max_length=200, help_text=_("Tệp đã lưu.")
    )
    original_name = models.CharField(
        _("tên tệp gốc"), max_length=255, help_text=_("Tên tệp khi tải lên hoặc khi cấp.")
    )
    size = models.PositiveBigIntegerField(_("dung lượng"), help_text=_("Số byte."))
    media_type = models.CharField(
        _("kiểu tệp"), max_length=100, help_text=_("Kiểu tệp xác định theo nội dung.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Giá trị băm nội dung."))
    dossier_document = models.ForeignKey(
        "dossiers.DossierDocument",
        verbose_name=_("kết quả của hồ sơ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Giấy tờ kết quả của hồ sơ mà bản này được sao từ đó (kết quả do cơ quan cấp)."
        ),
    )
    created_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            # An issued result enters a citizen's store once, however often the engine retries.
            models.UniqueConstraint(
                fields=["owner", "dossier_document"],
                condition=Q(dossier_document__isnull=False),
                name="datastore_issued_once",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                name="datastore_valid_after_issued",
                violation_error_code="order",
                violation_error_message=_("Ngày hết giá trị phải sau hoặc bằng ngày cấp."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def expired_on(self, day: dt.date) -> bool:
        """Whether the document is no longer valid on ``day``."""
        return self.valid_until is not None and self.valid_until < day
