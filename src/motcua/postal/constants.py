"""Shipment statuses of the public postal service (domain.md §11.7, QĐ 45/2016)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Đã tạo vận đơn")
    PICKED_UP = "picked_up", _("Bưu điện đã nhận")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    DELIVERED = "delivered", _("Đã giao")
    FAILED = "failed", _("Giao không thành công")
    RETURNED = "returned", _("Đã chuyển hoàn")
