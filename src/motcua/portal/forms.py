from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.calendars.constants import DurationUnit
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_list


class DuePreviewForm(forms.Form):
    """The home page's appointment-date preview (the API's form twin)."""

    received_at = forms.DateTimeField(
        label=_("Thời điểm nộp hồ sơ"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Hãy nhập ngày và giờ nộp hồ sơ."),
            "invalid": _("Ngày giờ nộp không hợp lệ; nhập theo dạng 26/11/2026 09:30."),
        },
    )
    amount = forms.DecimalField(
        label=_("Thời hạn giải quyết"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=2,
        initial=5,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "required": _("Hãy nhập thời hạn giải quyết, ví dụ 5."),
            "invalid": _("Thời hạn giải quyết phải là một số, ví dụ 5 hoặc 0,5."),
            "min_value": _("Thời hạn giải quyết không được âm."),
            "max_value": _("Thời hạn giải quyết không được lớn hơn 1000."),
            "max_decimal_places": _("Thời hạn có nhiều nhất 2 chữ số thập phân."),
        },
    )
    unit = forms.ChoiceField(
        label=_("Đơn vị"),
        choices=[c for c in DurationUnit.choices if c[0] != DurationUnit.NO_APPOINTMENT],
        initial=DurationUnit.WORKING_DAYS,
    )
    agency = forms.ModelChoiceField(
        label=_("Nơi nộp"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Lịch làm việc chung"),
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agency_list().exclude(code="").filter(kind="service_center")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("amount")
        if (
            data.get("unit") == DurationUnit.CALENDAR_DAYS
            and amount is not None
            and (amount < 1 or amount != amount.to_integral_value())
        ):
            self.add_error("amount", _("Thời hạn tính theo ngày phải là số ngày nguyên từ 1."))
        return data
