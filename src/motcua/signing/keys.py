"""PKCS#12 loading and the passphrase's encryption at rest."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12


class CertificateProblem(ValueError):
    """A PKCS#12 that does not open or holds no usable key and certificate."""


@dataclass(frozen=True)
class LoadedCertificate:
    key: PrivateKeyTypes
    certificate: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def common_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.subject

    @property
    def valid_from(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def valid_until(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc


def load_pkcs12(data: bytes, passphrase: str) -> LoadedCertificate:
    """Open a PKCS#12 archive; ``CertificateProblem`` with a Vietnamese message otherwise."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError) as error:
        raise CertificateProblem(
            _(
                "Không mở được tệp chứng thư: sai mật khẩu hoặc tệp không phải "
                "định dạng PKCS#12 (.p12, .pfx)."
            )
        ) from error
    if key is None or certificate is None:
        raise CertificateProblem(
            _("Tệp chứng thư không chứa đủ khóa bí mật và chứng thư số của cơ quan.")
        )
    return LoadedCertificate(key=key, certificate=certificate, chain=list(chain))


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"motcua.signing.passphrase:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_passphrase(passphrase: str) -> str:
    return _fernet().encrypt(passphrase.encode()).decode()


def decrypt_passphrase(token: str) -> str:
    """The stored passphrase; a changed SECRET_KEY makes it unreadable (re-enter it)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise CertificateProblem(
            _("Không giải mã được mật khẩu chứng thư; hãy nhập lại mật khẩu trong trang quản trị.")
        ) from error
