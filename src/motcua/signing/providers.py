"""Signature providers: who applies the digital signature to a result PDF.

``signature_providers`` is the plugin registry; ``MOTCUA_SIGNATURE_PROVIDER``
picks the key (default ``"local"``). Every provider implements
``sign(pdf_bytes, agency) -> bytes`` returning the signed PDF (PAdES).
"""

from __future__ import annotations

import abc
import io
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.registry import Registry

from .keys import CertificateProblem, LoadedCertificate, decrypt_passphrase, load_pkcs12

if TYPE_CHECKING:
    from motcua.organisations.models import Agency

    from .models import AgencyCertificate


class SigningUnavailable(Exception):
    """Signing cannot be done now (no certificate, provider not configured…); Vietnamese text."""


class SignatureProvider(abc.ABC):
    """A way of signing a result PDF for an agency."""

    def __init__(self, *, key: str) -> None:
        self.key = key

    @abc.abstractmethod
    def sign(self, pdf_bytes: bytes, agency: Agency) -> bytes:
        """The signed PDF, or ``SigningUnavailable``."""

    @abc.abstractmethod
    def available_for(self, agency: Agency) -> bool:
        """Whether this provider can sign for ``agency`` now (without signing)."""


signature_providers: Registry[SignatureProvider] = Registry(
    "signature provider", "MOTCUA_SIGNATURE_PROVIDER"
)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def stamp_font_path() -> str:
    """A TrueType font with Vietnamese glyphs for the stamp (MOTCUA_SIGNATURE_FONT first)."""
    configured = str(getattr(settings, "MOTCUA_SIGNATURE_FONT", "") or "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    raise ImproperlyConfigured(
        "No TrueType font with Vietnamese glyphs found for the signature stamp; "
        "install fonts-dejavu-core or set MOTCUA_SIGNATURE_FONT"
    )


def sign_with_certificate(
    pdf_bytes: bytes, *, loaded: LoadedCertificate, agency_name: str
) -> bytes:
    """PAdES-sign ``pdf_bytes`` with a visible stamp on the last page (pyHanko)."""
    from asn1crypto import keys, x509  # type: ignore[import-untyped]
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.font.opentype import (
        GlyphAccumulatorFactory,
    )
    from pyhanko.pdf_utils.incremental_writer import (
        IncrementalPdfFileWriter,
    )
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    registry = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [x509.Certificate.load(c.public_bytes(der)) for c in loaded.chain]
    )
    signer = signers.SimpleSigner(
        signing_key=keys.PrivateKeyInfo.load(
            loaded.key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        signing_cert=x509.Certificate.load(loaded.certificate.public_bytes(der)),
        cert_registry=registry,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    existing = sum(1 for _field in fields.enumerate_sig_fields(writer))
    field_name = f"KySo{existing + 1}"
    at = timezone.localtime()
    # One stamp per signature, stacked upwards so a second signature does not cover the first.
    bottom = 36 + existing * 84
    style = TextStampStyle(
        stamp_text="%(agency)s\n%(signed_by)s\n%(at)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font_path()), font_size=9),
        border_width=1,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=_("Ký số kết quả giải quyết thủ tục hành chính"),
        name=loaded.common_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name, on_page=-1, box=(300, bottom, 565, bottom + 72)
        ),
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=output,
        appearance_text_params={
            "agency": agency_name,
            "signed_by": _("Ký số bởi: %(signer)s") % {"signer": loaded.common_name},
            "at": _("Thời gian: %(at)s") % {"at": at.strftime("%H:%M:%S %d/%m/%Y")},
        },
    )
    return output.getvalue()


def active_certificate(agency: Agency) -> AgencyCertificate | None:
    """The agency's active certificate valid now, the one expiring last first."""
    from .models import AgencyCertificate

    now = timezone.now()
    return (
        AgencyCertificate.objects.filter(
            agency=agency, active=True, valid_from__lte=now, valid_until__gte=now
        )
        .order_by("-valid_until", "-pk")
        .first()
    )


@signature_providers.register("local")
class LocalCertificateProvider(SignatureProvider):
    """Signs with the agency's own PKCS#12 configured in the admin (AgencyCertificate)."""

    def available_for(self, agency: Agency) -> bool:
        return active_certificate(agency) is not None

    def sign(self, pdf_bytes: bytes, agency: Agency) -> bytes:
        certificate = active_certificate(agency)
        if certificate is None:
            raise SigningUnavailable(
                _(
                    "Cơ quan “%(agency)s” chưa có chứng thư số còn hiệu lực để ký kết quả; "
                    "quản trị viên cần cấu hình chứng thư số (PKCS#12) của cơ quan."
                )
                % {"agency": agency.name}
            )
        try:
            with certificate.pkcs12.open("rb") as handle:
                data = handle.read()
            loaded = load_pkcs12(data, decrypt_passphrase(certificate.passphrase_encrypted))
        except (CertificateProblem, OSError) as error:
            raise SigningUnavailable(
                _("Không dùng được chứng thư số của cơ quan “%(agency)s”: %(problem)s")
                % {"agency": agency.name, "problem": error}
            ) from error
        return sign_with_certificate(pdf_bytes, loaded=loaded, agency_name=agency.name)


class RemoteSigningProvider(SignatureProvider):
    """Base for the national remote-signing services (ký số từ xa).

    Contract for an implementation (one subclass per service, registered under
    its own key and selected by MOTCUA_SIGNATURE_PROVIDER):

    1. ``prepare(pdf_bytes, agency)``: add an empty signature field and compute
       the digest of the byte ranges to sign (pyHanko ``PdfSigner`` with an
       external signer / ``digest_doc_for_signing``); return a transaction.
    2. ``request_confirmation(transaction)``: send the digest to the service for
       the agency's signer; the service asks the signer to confirm (OTP by SMS
       or a push in the signing app) and returns a request id.
    3. ``poll(request_id)``: ask until the service answers "signed" (returns
       the CMS/PKCS#7 signature), "refused" or "expired" — with a timeout, so
       an official is never left waiting without an answer.
    4. ``finish(transaction, cms)``: embed the CMS in the prepared PDF and
       return the signed bytes.

    ``sign`` runs 1–4. Until a service is configured it raises
    ``SigningUnavailable`` with a clear message.
    """

    def available_for(self, agency: Agency) -> bool:
        return False

    def sign(self, pdf_bytes: bytes, agency: Agency) -> bytes:
        raise SigningUnavailable(
            _(
                "Dịch vụ ký số từ xa “%(key)s” chưa được cấu hình; hãy dùng chứng thư số "
                "của cơ quan (MOTCUA_SIGNATURE_PROVIDER=local) hoặc cấu hình dịch vụ."
            )
            % {"key": self.key}
        )


@signature_providers.register("remote")
class UnconfiguredRemoteProvider(RemoteSigningProvider):
    """Placeholder for a national remote-signing service: refuses with a clear message."""


def configured_provider() -> SignatureProvider:
    return signature_providers[str(settings.MOTCUA_SIGNATURE_PROVIDER)]
