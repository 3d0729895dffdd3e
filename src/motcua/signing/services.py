"""Signing and verifying result PDFs (gh-6 item 8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from .keys import CertificateProblem, encrypt_passphrase, load_pkcs12
from .providers import SigningUnavailable, configured_provider

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierDocument
    from motcua.organisations.models import Agency

    from .models import AgencyCertificate

PDF_MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True)
class SignatureCheck:
    """What verifying a PDF found; ``valid`` = signed, intact and cryptographically sound."""

    valid: bool
    intact: bool
    signer: str
    signed_at: dt.datetime | None
    trusted: bool
    reason: str
    signed: bool = True


def sign_result_pdf(*, agency: Agency, pdf: bytes) -> bytes:
    """``pdf`` signed for ``agency`` by the configured provider; ``SigningUnavailable`` if not."""
    return configured_provider().sign(pdf, agency)


def can_sign_for(agency: Agency) -> bool:
    return configured_provider().available_for(agency)


def _trust_roots() -> list[object]:
    from asn1crypto import pem, x509  # type: ignore[import-untyped]

    roots: list[object] = []
    for path in settings.MOTCUA_SIGNATURE_TRUST_ROOTS:
        with open(path, "rb") as handle:
            data = handle.read()
        if pem.detect(data):
            for _kind, _headers, der in pem.unarmor(data, multiple=True):
                roots.append(x509.Certificate.load(der))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def verify_pdf(pdf: bytes) -> SignatureCheck:
    """Verify the last signature of ``pdf`` against MOTCUA_SIGNATURE_TRUST_ROOTS (pyHanko).

    ``intact``: the signed bytes are unchanged; ``valid``: intact, the
    signature value checks out and nothing was changed after signing except
    what PAdES allows; ``trusted``: the signer's chain ends at a configured root
    and is valid now.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:
        return SignatureCheck(
            valid=False,
            intact=False,
            signer="",
            signed_at=None,
            trusted=False,
            reason=_("Không đọc được tệp PDF: %(error)s") % {"error": error},
            signed=False,
        )
    if not signatures:
        return SignatureCheck(
            valid=False,
            intact=False,
            signer="",
            signed_at=None,
            trusted=False,
            reason=_("Tệp không có chữ ký số."),
            signed=False,
        )
    signature = signatures[-1]
    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as error:
        return SignatureCheck(
            valid=False,
            intact=False,
            signer="",
            signed_at=None,
            trusted=False,
            reason=_("Chữ ký số không kiểm tra được: %(error)s") % {"error": error},
        )
    signer = ""
    if status.signing_cert is not None:
        signer = str(status.signing_cert.subject.native.get("common_name") or "")
        signer = signer or str(status.signing_cert.subject.human_friendly)
    intact = bool(status.intact)
    docmdp_ok = status.modification_level is None or bool(status.docmdp_ok)
    valid = intact and bool(status.valid) and docmdp_ok
    trusted = bool(status.trusted)
    if not intact:
        reason = _("Nội dung tệp đã bị thay đổi sau khi ký.")
    elif not valid:
        reason = _("Chữ ký số không hợp lệ hoặc tệp bị sửa đổi sau khi ký.")
    elif not trusted:
        reason = _(
            "Chứng thư của người ký không thuộc tổ chức cung cấp dịch vụ tin cậy "
            "hoặc đã hết hiệu lực."
        )
    else:
        reason = ""
    return SignatureCheck(
        valid=valid,
        intact=intact,
        signer=signer,
        signed_at=status.signer_reported_dt,
        trusted=trusted,
        reason=reason,
    )


def signing_refused(agency: Agency, problem: str) -> ValidationError:
    return ValidationError(
        {
            "upload_ids": _("Bước này yêu cầu ký số kết quả nhưng chưa ký được: %(problem)s")
            % {"problem": problem}
        }
    )


def sign_document_in_place(*, document: DossierDocument, agency: Agency) -> None:
    """Replace ``document``'s stored PDF with the signed one; size and SHA-256 follow."""
    import os

    with document.file.open("rb") as handle:
        original = handle.read()
    signed = sign_result_pdf(agency=agency, pdf=original)
    old_name = str(document.file.name)
    storage = document.file.storage
    document.file.save(os.path.basename(old_name), ContentFile(signed), save=False)
    document.size = len(signed)
    document.sha256 = hashlib.sha256(signed).hexdigest()
    document.save(update_fields=["file", "size", "sha256"])
    if old_name and old_name != document.file.name:
        # The unsigned copy goes once the issue is committed (a rollback keeps it).
        transaction.on_commit(lambda: storage.delete(old_name))


def sign_result_documents(
    *, documents: list[DossierDocument], agency: Agency, required: bool
) -> bool:
    """Sign the PDF results of an issue when required or when the agency can sign.

    Returns whether something was signed. When ``required`` and signing is
    impossible (no PDF, no certificate, provider not configured) raises a
    ``ValidationError`` on ``upload_ids``.
    """
    pdfs = [d for d in documents if d.media_type == PDF_MEDIA_TYPE]
    if required and not pdfs:
        raise signing_refused(agency, _("cần đính kèm kết quả dạng PDF để ký số."))
    if not pdfs:
        return False
    if not required and not can_sign_for(agency):
        return False
    try:
        for document in pdfs:
            sign_document_in_place(document=document, agency=agency)
    except SigningUnavailable as error:
        raise signing_refused(agency, str(error)) from error
    return True


def certificate_fill(certificate: AgencyCertificate, *, data: bytes, passphrase: str) -> None:
    """Open ``data`` with ``passphrase`` and copy what the certificate says into ``certificate``.

    Encrypts the passphrase for storage. Raises ``ValidationError`` (Vietnamese)
    when the archive does not open or the certificate has already expired.
    """
    from django.utils import timezone

    try:
        loaded = load_pkcs12(data, passphrase)
    except CertificateProblem as error:
        raise ValidationError({"passphrase": str(error)}) from error
    if loaded.valid_until < timezone.now():
        raise ValidationError(
            {
                "pkcs12": _("Chứng thư số đã hết hiệu lực từ %(until)s.")
                % {"until": timezone.localtime(loaded.valid_until).strftime("%d/%m/%Y")}
            }
        )
    certificate.passphrase_encrypted = encrypt_passphrase(passphrase)
    certificate.subject = loaded.subject[:500]
    certificate.issuer = loaded.issuer[:500]
    certificate.serial_number = format(loaded.certificate.serial_number, "X")[:100]
    certificate.valid_from = loaded.valid_from
    certificate.valid_until = loaded.valid_until


def agency_certificate_create(
    *, agency: Agency, data: bytes, passphrase: str, active: bool = True
) -> AgencyCertificate:
    """Store a new PKCS#12 for ``agency`` (what the admin does, for scripts and tests)."""
    from .models import AgencyCertificate

    certificate = AgencyCertificate(agency=agency, active=active)
    certificate_fill(certificate, data=data, passphrase=passphrase)
    certificate.pkcs12.save("chung-thu.p12", ContentFile(data), save=False)
    certificate.save()
    return certificate
