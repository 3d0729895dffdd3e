"""Forms of the online-filing wizard (gh-5 item 2). Messages are Vietnamese and specific."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.validators import validate_cccd, validate_tax_code
from motcua.dossiers.constants import PartyKind, ReturnMode


class OwnerForm(forms.Form):
    """The owner of the dossier when the signed-in citizen files on someone's behalf."""

    prefix = "owner"

    kind = forms.ChoiceField(
        label=_("Chủ hồ sơ là"),
        choices=[
            (PartyKind.CITIZEN, PartyKind.CITIZEN.label),
            (PartyKind.BUSINESS, PartyKind.BUSINESS.label),
            (PartyKind.ORGANISATION, PartyKind.ORGANISATION.label),
        ],
        initial=PartyKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức)"),
        max_length=200,
        error_messages={"required": _("Nhập họ và tên của chủ hồ sơ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    identity_number = forms.CharField(
        label=_("Số CCCD"),
        max_length=12,
        required=False,
        validators=[validate_cccd],
        help_text=_("12 chữ số, in trên căn cước công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        required=False,
        validators=[validate_tax_code],
        help_text=_("Với doanh nghiệp, tổ chức: 10 chữ số, hoặc 13 (chi nhánh: 0123456789-001)."),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@example.vn.")},
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == PartyKind.CITIZEN and not cleaned.get("identity_number"):
            self.add_error("identity_number", _("Nhập số CCCD của chủ hồ sơ (12 chữ số)."))
        if kind in (PartyKind.BUSINESS, PartyKind.ORGANISATION) and not cleaned.get("tax_code"):
            self.add_error("tax_code", _("Nhập mã số thuế của doanh nghiệp, tổ chức."))
        return cleaned


class DeliveryForm(forms.Form):
    return_mode = forms.ChoiceField(
        label=_("Nhận kết quả"),
        choices=ReturnMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn cách nhận kết quả.")},
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=300,
        required=False,
        help_text=_("Số nhà, đường, thôn/tổ dân phố, phường/xã. Bưu điện sẽ gọi trước khi giao."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    payment_choice = forms.ChoiceField(
        label=_("Nộp phí, lệ phí"),
        choices=[],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        postal: bool,
        fees: bool,
        payment_options: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_choice"].choices = payment_options or []  # type: ignore[attr-defined]
        if not postal:
            self.fields["return_mode"].choices = [  # type: ignore[attr-defined]
                c for c in ReturnMode.choices if c[0] != ReturnMode.POSTAL
            ]
            del self.fields["delivery_address"]
        if not fees:
            del self.fields["payment_choice"]

    def apply_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class LookupForm(forms.Form):
    """The public lookup: the dossier code and the key on the receipt (or the owner's CCCD)."""

    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên Giấy tiếp nhận, ví dụ 000.00.06.H57-261126-0001."),
        error_messages={"required": _("Nhập mã hồ sơ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    key = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=16,
        required=False,
        help_text=_("8 ký tự in cạnh mã QR trên Giấy tiếp nhận."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    identity_number = forms.CharField(
        label=_("Hoặc số CCCD của chủ hồ sơ"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("key") and not cleaned.get("identity_number"):
            self.add_error(
                "key", _("Nhập mã tra cứu in trên Giấy tiếp nhận, hoặc số CCCD của chủ hồ sơ.")
            )
        return cleaned
