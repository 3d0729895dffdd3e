"""Bank transfer by VietQR: the citizen scans, a fee collector reconciles the statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

import segno

from motcua.payments.base import PaymentProvider, StartResult
from motcua.payments.emvco import VietQR, vietqr_payload
from motcua.payments.registry import payment_providers

if TYPE_CHECKING:
    from motcua.payments.models import Payment


def transfer_purpose(payment: Payment) -> str:
    """What the transfer content says: the dossier code, which the collector matches on."""
    if payment.dossier is not None:
        return payment.dossier.code
    return payment.reference


def qr_payload_for(payment: Payment) -> str:
    return vietqr_payload(
        VietQR(
            bank_bin=settings.MOTCUA_VIETQR_BANK_BIN,
            account=settings.MOTCUA_VIETQR_ACCOUNT,
            amount=payment.amount,
            purpose=transfer_purpose(payment),
            bill_number=payment.reference,
        )
    )


def qr_svg(payload: str, *, title: str = "") -> str:
    """An inline SVG of the QR code (error correction M, as bank apps expect)."""
    qr = segno.make(payload, error="m", micro=False)
    return qr.svg_inline(scale=5, border=4, title=title or None, dark="#000", light="#fff")


@payment_providers.register("vietqr")
class VietQRProvider(PaymentProvider):
    label = _("Chuyển khoản ngân hàng bằng mã VietQR")
    settles_later = True

    def is_configured(self) -> bool:
        return bool(settings.MOTCUA_VIETQR_BANK_BIN and settings.MOTCUA_VIETQR_ACCOUNT)

    def start(self, *, payment: Payment, return_url: str, client_ip: str) -> StartResult:
        return StartResult(qr_payload=qr_payload_for(payment))
