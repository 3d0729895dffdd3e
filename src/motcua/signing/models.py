"""An agency's signing certificate (PKCS#12) and cached verification results of result files."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgencyCertificate(models.Model):
    """The PKCS#12 (.p12/.pfx) an agency signs its results with (the "local" provider).

    The passphrase is stored encrypted (Fernet, key derived from SECRET_KEY)
    and never shown back; subject, issuer and validity are read from the
    certificate when it is saved.
    """

    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        help_text=_("Cơ quan ký kết quả bằng chứng thư này."),
    )
    pkcs12 = models.FileField(
        _("tệp chứng thư (PKCS#12)"),
        upload_to="signing/certificates/",
        help_text=_("Tệp .p12 hoặc .pfx chứa khóa bí mật và chứng thư số của cơ quan."),
    )
    passphrase_encrypted = models.TextField(
        _("mật khẩu (đã mã hóa)"),
        blank=True,
        editable=False,
        help_text=_("Mật khẩu của tệp PKCS#12, lưu ở dạng mã hóa."),
    )
    subject = models.CharField(
        _("chủ thể"), max_length=500, blank=True, editable=False, help_text=_("Đọc từ chứng thư.")
    )
    issuer = models.CharField(
        _("tổ chức cấp"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Đọc từ chứng thư."),
    )
    serial_number = models.CharField(
        _("số hiệu"), max_length=100, blank=True, editable=False, help_text=_("Đọc từ chứng thư.")
    )
    valid_from = models.DateTimeField(
        _("hiệu lực từ"), null=True, editable=False, help_text=_("Đọc từ chứng thư.")
    )
    valid_until = models.DateTimeField(
        _("hiệu lực đến"), null=True, editable=False, help_text=_("Đọc từ chứng thư.")
    )
    active = models.BooleanField(
        _("đang dùng"), default=True, help_text=_("Chỉ chứng thư đang dùng mới được dùng để ký.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("chứng thư số của cơ quan")
        verbose_name_plural = _("chứng thư số của cơ quan")
        ordering = ["agency", "-valid_until"]

    def __str__(self) -> str:
        return f"{self.agency} – {self.subject}"

    def usable_now(self) -> bool:
        """Active and within its validity dates."""
        now = timezone.now()
        return (
            self.active
            and self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= now <= self.valid_until
        )


class SignatureCheckResult(models.Model):
    """The verification of one stored file version (document id + SHA-256), computed once."""

    document = models.ForeignKey(
        "dossiers.DossierDocument",
        verbose_name=_("giấy tờ"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Giấy tờ đã kiểm tra."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Nội dung đã kiểm tra."))
    signed = models.BooleanField(_("có chữ ký"), default=False, help_text="")
    valid = models.BooleanField(_("hợp lệ"), default=False, help_text="")
    intact = models.BooleanField(_("toàn vẹn"), default=False, help_text="")
    trusted = models.BooleanField(_("tin cậy"), default=False, help_text="")
    signer = models.CharField(_("người ký"), max_length=500, blank=True, help_text="")
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True, help_text="")
    reason = models.CharField(_("ghi chú"), max_length=500, blank=True, help_text="")
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "sha256"], name="signing_check_document_sha256_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {'valid' if self.valid else 'invalid'}"
