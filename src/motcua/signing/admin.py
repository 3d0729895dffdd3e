"""Admin for agency certificates: upload the .p12 and its passphrase; both are checked on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AgencyCertificate, SignatureCheckResult
from .services import certificate_fill


class AgencyCertificateForm(forms.ModelForm[AgencyCertificate]):
    passphrase = forms.CharField(
        label=_("Mật khẩu tệp chứng thư"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text=_(
            "Mật khẩu được lưu ở dạng mã hóa và không hiển thị lại. "
            "Khi sửa, để trống nếu giữ nguyên tệp và mật khẩu cũ."
        ),
    )

    class Meta:
        model = AgencyCertificate
        fields = ["agency", "pkcs12", "passphrase", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        new_file = "pkcs12" in self.changed_data
        passphrase = cleaned.get("passphrase") or ""
        if not new_file and not passphrase and self.instance.pk is not None:
            return cleaned  # only the agency or the active flag changed
        upload = cleaned.get("pkcs12")
        if upload is None:
            return cleaned
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            certificate_fill(self.instance, data=data, passphrase=passphrase)
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


@admin.register(AgencyCertificate)
class AgencyCertificateAdmin(admin.ModelAdmin[AgencyCertificate]):
    form = AgencyCertificateForm
    list_display = ["agency", "subject", "issuer", "valid_from", "valid_until", "active"]
    list_filter = ["active"]
    search_fields = ["agency__name", "subject", "issuer"]
    list_select_related = ["agency"]
    readonly_fields = ["subject", "issuer", "serial_number", "valid_from", "valid_until"]
    fields = [
        "agency",
        "pkcs12",
        "passphrase",
        "active",
        "subject",
        "issuer",
        "serial_number",
        "valid_from",
        "valid_until",
    ]


@admin.register(SignatureCheckResult)
class SignatureCheckResultAdmin(admin.ModelAdmin[SignatureCheckResult]):
    list_display = ["document", "signed", "valid", "trusted", "signer", "signed_at", "checked_at"]
    list_filter = ["valid", "trusted"]
    readonly_fields = [
        "document",
        "sha256",
        "signed",
        "valid",
        "intact",
        "trusted",
        "signer",
        "signed_at",
        "reason",
        "checked_at",
    ]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
