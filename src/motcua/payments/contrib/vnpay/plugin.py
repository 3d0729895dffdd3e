"""VNPay payment gateway, protocol 2.1.0 (see ``motcua.payments.vnpay``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from motcua.payments import vnpay
from motcua.payments.base import CallbackCheck, PaymentProvider, StartResult
from motcua.payments.registry import payment_providers

if TYPE_CHECKING:
    from motcua.payments.models import Payment

# How long the gateway keeps the payment page open (vnp_ExpireDate).
EXPIRES_AFTER = dt.timedelta(minutes=15)


def gateway_url() -> str:
    """The configured gateway, or the built-in simulator when it is enabled."""
    if settings.MOTCUA_VNPAY_URL:
        return str(settings.MOTCUA_VNPAY_URL)
    if settings.MOTCUA_PAYMENT_SIMULATOR:
        return reverse("payments:vnpay_simulator")
    return ""


def order_info(payment: Payment) -> str:
    subject = payment.dossier.code if payment.dossier is not None else payment.reference
    return vnpay.to_ascii(f"Thanh toan phi le phi ho so {subject}")


@payment_providers.register("vnpay")
class VNPayProvider(PaymentProvider):
    label = _("Thanh toán trực tuyến qua VNPay")
    settles_later = False

    def is_configured(self) -> bool:
        return bool(
            settings.MOTCUA_VNPAY_TMN_CODE and settings.MOTCUA_VNPAY_HASH_SECRET and gateway_url()
        )

    def request_params(
        self, *, payment: Payment, return_url: str, client_ip: str
    ) -> dict[str, str]:
        now = timezone.now()
        return {
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": settings.MOTCUA_VNPAY_TMN_CODE,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": order_info(payment),
            "vnp_OrderType": "other",
            "vnp_Locale": "en" if translation.get_language() == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vnpay.format_time(now),
            "vnp_ExpireDate": vnpay.format_time(now + EXPIRES_AFTER),
        }

    def start(self, *, payment: Payment, return_url: str, client_ip: str) -> StartResult:
        params = self.request_params(payment=payment, return_url=return_url, client_ip=client_ip)
        query = vnpay.signed_query(params, settings.MOTCUA_VNPAY_HASH_SECRET)
        return StartResult(redirect_url=f"{gateway_url()}?{query}")

    def check_callback(self, params: Mapping[str, str]) -> CallbackCheck:
        if not vnpay.verify(params, settings.MOTCUA_VNPAY_HASH_SECRET):
            return CallbackCheck(valid=False)
        if params.get("vnp_TmnCode") != settings.MOTCUA_VNPAY_TMN_CODE:
            return CallbackCheck(valid=False)
        raw_amount = params.get("vnp_Amount", "")
        amount = None
        if raw_amount.isdigit() and int(raw_amount) % 100 == 0:
            amount = int(raw_amount) // 100
        return CallbackCheck(
            valid=True,
            reference=params.get("vnp_TxnRef", ""),
            amount=amount,
            succeeded=(
                params.get("vnp_ResponseCode") == vnpay.RESPONSE_SUCCESS
                and params.get("vnp_TransactionStatus") == vnpay.TRANSACTION_SUCCESS
            ),
            provider_reference=params.get("vnp_TransactionNo", ""),
        )
