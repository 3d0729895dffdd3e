"""Identity-number validators. Codes are strings: leading zeros matter."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# CCCD (citizen identity card) numbers: 12 digits. The first three digits are
# the province-of-birth code (001–096), the fourth the sex and century digit
# (0–9), the next two the year of birth (Circular 59/2021/TT-BCA Art 7).
_CCCD = re.compile(r"\d{12}")
# Tax code: 10 digits, or 10 digits + "-" + 3 digits for a dependent unit
# (Circular 86/2024/TT-BTC); the enterprise code equals the tax code.
_TAX_CODE = re.compile(r"\d{10}(-\d{3})?")


def validate_cccd(value: str) -> None:
    if not _CCCD.fullmatch(value):
        raise ValidationError(
            _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="invalid_cccd"
        )
    province = int(value[:3])
    if not 1 <= province <= 96:
        raise ValidationError(
            _("Ba chữ số đầu của số CCCD (mã tỉnh nơi đăng ký khai sinh) phải từ 001 đến 096."),
            code="invalid_cccd_province",
        )


def validate_tax_code(value: str) -> None:
    if not _TAX_CODE.fullmatch(value):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."),
            code="invalid_tax_code",
        )


# Vietnamese mobile numbers: 0 + 9 digits nationally, +84 + 9 digits internationally
# (the leading 0 is the trunk prefix). Other countries' numbers in E.164 form.
_VN_NATIONAL = re.compile(r"0(\d{9})")
_VN_INTERNATIONAL = re.compile(r"\+?84(\d{9})")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def normalise_phone(value: str) -> str:
    """A phone number as stored and texted: E.164 (``+84912345678``).

    Accepts what people type: ``0912 345 678``, ``0912.345.678``, ``+84 912 345 678``,
    ``84912345678``. Raises ``ValidationError`` for anything else.
    """
    compact = re.sub(r"[\s.\-()]", "", value)
    if match := _VN_NATIONAL.fullmatch(compact) or _VN_INTERNATIONAL.fullmatch(compact):
        return f"+84{match[1]}"
    if _E164.fullmatch(compact) and not compact.startswith("+84"):
        return compact
    raise ValidationError(
        _(
            "Số điện thoại không hợp lệ: nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678)"
            " hoặc số quốc tế bắt đầu bằng + (ví dụ +84 912 345 678)."
        ),
        code="invalid_phone",
    )


def national_phone(value: str) -> str:
    """``+84912345678`` as Vietnamese people write it (``0912345678``); others unchanged."""
    return "0" + value[3:] if value.startswith("+84") else value
