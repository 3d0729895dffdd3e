"""The upload form of the personal data store (gh-5 item 9)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class StoreUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp giấy tờ"),
        help_text=_("PDF, ảnh JPG/PNG/TIFF, Word, Excel hoặc ODT."),
        error_messages={"required": _("Hãy chọn tệp giấy tờ cần lưu.")},
    )
    kind = forms.CharField(
        label=_("Loại giấy tờ"),
        max_length=200,
        help_text=_("Ví dụ: Căn cước công dân, Giấy khai sinh, Bằng tốt nghiệp."),
        error_messages={"required": _("Hãy cho biết đây là loại giấy tờ gì.")},
    )
    name = forms.CharField(
        label=_("Tên gọi (không bắt buộc)"),
        max_length=500,
        required=False,
        help_text=_("Để trống thì dùng loại giấy tờ làm tên."),
    )
    issuer = forms.CharField(
        label=_("Cơ quan cấp (không bắt buộc)"), max_length=300, required=False
    )
    number = forms.CharField(
        label=_("Số, ký hiệu (không bắt buộc)"), max_length=100, required=False
    )
    issued_on = forms.DateField(
        label=_("Ngày cấp (không bắt buộc)"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Dạng ngày/tháng/năm, ví dụ 15/08/2021."),
        error_messages={"invalid": _("Ngày cấp không đúng dạng ngày/tháng/năm, ví dụ 15/08/2021.")},
    )
    valid_until = forms.DateField(
        label=_("Có giá trị đến (không bắt buộc)"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Để trống nếu giấy tờ không có thời hạn. Dạng ngày/tháng/năm."),
        error_messages={
            "invalid": _("Ngày hết giá trị không đúng dạng ngày/tháng/năm, ví dụ 15/08/2031.")
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error(
                "valid_until",
                ValidationError(_("Ngày hết giá trị phải sau hoặc bằng ngày cấp."), code="order"),
            )
        return data
