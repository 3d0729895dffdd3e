"""Forms of the citizen's account: what sign-up adds to allauth's form, and the profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_stubs_ext import StrOrPromise

from motcua.core.text import nfc
from motcua.organisations.constants import UnitLevel
from motcua.organisations.models import AdminUnit, valid_on_q

from .constants import UserKind
from .models import User
from .services import PROFILE_FIELDS, locked_fields
from .validators import validate_cccd, validate_tax_code

# Who registers on the portal; organisations come through their e-ID provider.
SELF_SERVICE_KINDS = [
    (UserKind.CITIZEN.value, UserKind.CITIZEN.label),
    (UserKind.BUSINESS.value, UserKind.BUSINESS.label),
]


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gets from motcua (``ACCOUNT_SIGNUP_FORM_CLASS``).

    allauth's form subclasses this one, so :meth:`clean` also sees its e-mail and
    phone fields: a citizen gives at least one of them, to receive the code or link.
    """

    kind = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        choices=SELF_SERVICE_KINDS,
        initial=UserKind.CITIZEN.value,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Họ và tên (hoặc tên doanh nghiệp)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["kind", "full_name", "email", "phone", "password1", "password2"]

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        has_email_field = "email" in self.fields
        has_phone_field = "phone" in self.fields
        if (
            has_email_field
            and has_phone_field
            and not self.has_error("email")
            and not self.has_error("phone")
            and not cleaned.get("email")
            and not cleaned.get("phone")
        ):
            message = _(
                "Nhập địa chỉ thư điện tử hoặc số điện thoại di động (hoặc cả hai) để nhận"
                " liên kết hoặc mã xác minh tài khoản."
            )
            self.add_error("email", message)
            self.add_error("phone", message)
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        user.kind = self.cleaned_data["kind"]
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["kind", "full_name"])


class ProfileForm(forms.ModelForm[User]):
    """The citizen's identity data, which e-forms prefill.

    Fields a provider verified are ``disabled``: Django then ignores whatever a
    tampered request posts for them and keeps the stored value, and the
    service refuses any change to them as well.
    """

    kind = forms.ChoiceField(label=_("Loại tài khoản"), choices=SELF_SERVICE_KINDS)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "full_name": _("Họ và tên (hoặc tên doanh nghiệp)"),
            "identity_number": _("Số định danh cá nhân (CCCD)"),
            "tax_code": _("Mã số thuế (doanh nghiệp)"),
            "address_unit": _("Phường, xã nơi cư trú"),
            "address_street": _("Địa chỉ chi tiết"),
        }
        help_texts = {
            "identity_number": _("12 chữ số, in trên thẻ căn cước."),
            "tax_code": _("10 chữ số, hoặc 13 chữ số dạng 0123456789-001 cho đơn vị phụ thuộc."),
        }
        widgets = {
            "identity_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "address_street": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.instance is not None
        if self.instance.kind not in dict(SELF_SERVICE_KINDS):
            # An organisation (from its e-ID provider) keeps its kind.
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            kind_field.choices = [(self.instance.kind, self.instance.get_kind_display())]
        self.fields["identity_number"].validators = [validate_cccd]
        self.fields["tax_code"].validators = [validate_tax_code]
        unit_field = self.fields["address_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = (
            AdminUnit.objects.filter(valid_on_q(timezone.localdate()), level=UnitLevel.COMMUNE)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        unit_field.empty_label = _("— Chọn phường, xã —")
        self.locked = locked_fields(self.instance)
        for name in self.locked:
            if name in self.fields:
                self.fields[name].disabled = True

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"]).strip()

    def clean_identity_number(self) -> str:
        return self._unique(
            "identity_number", _("Số định danh cá nhân này đã thuộc về một tài khoản khác.")
        )

    def clean_tax_code(self) -> str:
        return self._unique("tax_code", _("Mã số thuế này đã thuộc về một tài khoản khác."))

    def _unique(self, field: str, message: StrOrPromise) -> str:
        # The database constraint says the same, but beside no field.
        value: str = self.cleaned_data[field]
        if value and User.objects.filter(**{field: value}).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(message, code="taken")
        return value
