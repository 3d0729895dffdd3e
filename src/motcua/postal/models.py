"""Results sent by the public postal service (domain.md §11.7, QĐ 45/2016).

A ``Shipment`` is one waybill carrying a dossier's result to the address in
``Delivery``; the recipient is copied onto it, so the label and the record keep
what was actually sent. ``ShipmentEvent`` is the append-only tracking log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import ShipmentStatus


class Shipment(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="shipments",
        help_text=_("Hồ sơ có kết quả được gửi."),
    )
    provider = models.CharField(
        _("đơn vị bưu chính"), max_length=32, help_text=_("Nhà cung cấp dịch vụ bưu chính.")
    )
    waybill = models.CharField(
        _("mã vận đơn"), max_length=40, unique=True, help_text=_("Mã vận đơn của bưu gửi.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ShipmentStatus,
        default=ShipmentStatus.CREATED,
        help_text=_("Trạng thái mới nhất của bưu gửi."),
    )
    recipient = models.CharField(_("người nhận"), max_length=200, help_text=_("Người nhận."))
    address = models.CharField(_("địa chỉ nhận"), max_length=500, help_text=_("Địa chỉ nhận."))
    phone = models.CharField(
        _("điện thoại người nhận"), max_length=20, blank=True, help_text=_("Để bưu tá liên hệ.")
    )
    label = models.FileField(
        _("nhãn địa chỉ"),
        upload_to="postal/labels/",
        blank=True,
        help_text=_("Nhãn địa chỉ (PDF) dán lên bưu gửi."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), help_text=_("Khi tạo vận đơn."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ trả kết quả đã giao bưu gửi cho bưu điện."),
    )

    class Meta:
        verbose_name = _("bưu gửi kết quả")
        verbose_name_plural = _("bưu gửi kết quả")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.waybill


class ShipmentEvent(models.Model):
    """Append-only: what happened to a shipment, when and where."""

    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("bưu gửi"),
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("Bưu gửi."),
    )
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi việc xảy ra."))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ShipmentStatus, help_text=_("Việc đã xảy ra.")
    )
    place = models.CharField(_("nơi"), max_length=200, blank=True, help_text=_("Bưu cục, nơi."))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True, help_text=_("Ghi chú."))
    raw = models.JSONField(
        _("dữ liệu gốc"), default=dict, blank=True, help_text=_("Dữ liệu đơn vị bưu chính gửi.")
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), help_text=_("Khi hệ thống ghi nhận."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ ghi nhận; trống khi đơn vị bưu chính báo."),
    )

    class Meta:
        verbose_name = _("hành trình bưu gửi")
        verbose_name_plural = _("hành trình bưu gửi")
        ordering = ["shipment", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "status", "at"], name="shipment_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.status}"
