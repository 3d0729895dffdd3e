"""The custom user: citizens, businesses and organisations, and staff.

Identity fields here are what the coming e-forms prefill, so a citizen never
types twice what motcua already knows (NĐ 224/2026 Art 15(1)(d)).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import UserKind
from .validators import validate_cccd, validate_tax_code


class User(AbstractUser):
    kind = models.CharField(
        _("loại tài khoản"),
        max_length=16,
        choices=UserKind,
        default=UserKind.CITIZEN,
        help_text=_("Công dân, doanh nghiệp, tổ chức hay cán bộ."),
    )
    full_name = models.CharField(
        _("họ và tên"),
        max_length=200,
        blank=True,
        help_text=_("Họ và tên đầy đủ (cá nhân) hoặc tên đầy đủ (doanh nghiệp, tổ chức)."),
    )
    identity_number = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_cccd],
        help_text=_("Số CCCD gồm 12 chữ số."),
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("Mã số thuế / mã số doanh nghiệp của doanh nghiệp, tổ chức."),
    )
    date_of_birth = models.DateField(
        _("ngày sinh"), null=True, blank=True, help_text=_("Ngày sinh của công dân.")
    )
    phone = models.CharField(
        _("số điện thoại"),
        max_length=20,
        blank=True,
        help_text=_("Số điện thoại di động, dạng quốc tế (+84…)."),
    )
    phone_verified = models.BooleanField(
        _("đã xác minh số điện thoại"),
        default=False,
        help_text=_("Chủ tài khoản đã nhập đúng mã xác minh gửi qua tin nhắn đến số này."),
    )
    address_unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("đơn vị hành chính nơi ở"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Phường, xã nơi cư trú (hoặc nơi đặt trụ sở)."),
    )
    address_street = models.CharField(
        _("địa chỉ chi tiết"),
        max_length=300,
        blank=True,
        help_text=_("Số nhà, đường, thôn, tổ dân phố."),
    )
    identity_verified = models.BooleanField(
        _("đã xác thực định danh"),
        default=False,
        help_text=_("Thông tin định danh đã được nhà cung cấp định danh xác thực; không sửa được."),
    )
    identity_provider = models.CharField(
        _("nhà cung cấp định danh"),
        max_length=200,
        blank=True,
        help_text=_("Tên nhà cung cấp định danh đã xác thực thông tin (ví dụ VNeID)."),
    )
    identity_verified_at = models.DateTimeField(
        _("thời điểm xác thực định danh"),
        null=True,
        blank=True,
        help_text=_("Lần gần nhất nhà cung cấp định danh xác nhận thông tin này."),
    )
    is_demo = models.BooleanField(
        _("tài khoản trình diễn"),
        default=False,
        help_text=_("Tài khoản dữ liệu mẫu; chỉ được bỏ qua xác thực hai lớp khi bật chế độ demo."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["identity_number"],
                condition=~Q(identity_number=""),
                name="user_unique_identity_number",
                violation_error_code="taken",
                violation_error_message=_(
                    "Số định danh cá nhân này đã thuộc về một tài khoản khác."
                ),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="user_unique_tax_code",
                violation_error_code="taken",
                violation_error_message=_("Mã số thuế này đã thuộc về một tài khoản khác."),
            ),
            # Phone numbers sign people in and receive their codes: one account each.
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="user_unique_phone",
                violation_error_code="taken",
                violation_error_message=_("Số điện thoại này đã thuộc về một tài khoản khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username
