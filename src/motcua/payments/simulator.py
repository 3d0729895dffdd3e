"""A VNPay gateway simulator for tests and the demo (``MOTCUA_PAYMENT_SIMULATOR``).

It behaves like the real gateway where motcua can tell the difference: it
refuses a request whose signature, merchant code, version, command or
amount is wrong, shows a pay / cancel page, then sends the server-to-server
notification (IPN) and redirects the browser to ``vnp_ReturnUrl``, both signed
with the merchant's secret. The IPN is dispatched in-process to the IPN view
(the real gateway calls it over HTTP; no network is needed in tests or a demo).
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import structlog

from . import vnpay

log = structlog.stdlib.get_logger(__name__)

REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_SecureHash",
)


def _problem(params: dict[str, str]) -> str:
    """Why the real gateway would refuse this payment request ("" if it would not)."""
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        return _("Thiếu tham số: {names}.").format(names=", ".join(missing))
    if not vnpay.verify(params, settings.MOTCUA_VNPAY_HASH_SECRET):
        return _("Sai chữ ký (vnp_SecureHash).")
    if params["vnp_TmnCode"] != settings.MOTCUA_VNPAY_TMN_CODE:
        return _("Mã website (vnp_TmnCode) không tồn tại.")
    if params["vnp_Version"] != vnpay.VERSION or params["vnp_Command"] != "pay":
        return _("Phiên bản hoặc lệnh không được hỗ trợ.")
    if params["vnp_CurrCode"] != "VND":
        return _("Đơn vị tiền tệ không được hỗ trợ.")
    amount = params["vnp_Amount"]
    if not amount.isdigit() or int(amount) % 100 != 0 or int(amount) < 100:
        return _("Số tiền không hợp lệ.")
    expires = params.get("vnp_ExpireDate", "")
    if expires and expires < vnpay.format_time(timezone.now()):
        return _("Giao dịch đã quá thời gian chờ thanh toán.")
    return ""


def _result_params(request_params: dict[str, str], *, paid: bool) -> dict[str, str]:
    result = {
        "vnp_Amount": request_params["vnp_Amount"],
        "vnp_BankCode": "NCB" if paid else "VNPAY",
        "vnp_CardType": "ATM" if paid else "",
        "vnp_OrderInfo": request_params["vnp_OrderInfo"],
        "vnp_PayDate": vnpay.format_time(timezone.now()),
        "vnp_ResponseCode": vnpay.RESPONSE_SUCCESS
        if paid
        else vnpay.RESPONSE_CANCELLED_BY_CUSTOMER,
        "vnp_TmnCode": request_params["vnp_TmnCode"],
        "vnp_TransactionNo": f"{secrets.randbelow(10**8):08d}" if paid else "0",
        "vnp_TransactionStatus": vnpay.TRANSACTION_SUCCESS if paid else "02",
        "vnp_TxnRef": request_params["vnp_TxnRef"],
    }
    if paid:
        result["vnp_BankTranNo"] = f"VNP{secrets.randbelow(10**8):08d}"
    return {key: value for key, value in result.items() if value != ""}


def _send_ipn(params: dict[str, str]) -> str:
    """Deliver the IPN to motcua's IPN view and return its RspCode."""
    path = reverse("payments_ipn:vnpay")
    response = resolve(path).func(RequestFactory().get(path, data=params))
    body = str(response.content.decode())
    log.info("vnpay_simulator_ipn", action="vnpay_simulator_ipn", response=body)
    return body


@require_http_methods(["GET", "POST"])
def vnpay_simulator(request: HttpRequest) -> HttpResponse:
    if not settings.MOTCUA_PAYMENT_SIMULATOR:
        raise Http404
    if request.method == "GET":
        query = request.META.get("QUERY_STRING", "")
    else:
        query = request.POST.get("query", "")
    params = dict(parse_qsl(query, keep_blank_values=True))
    problem = _problem(params)
    if problem:
        return render(request, "payments/simulator/vnpay.html", {"problem": problem}, status=400)
    if request.method == "GET":
        return render(
            request,
            "payments/simulator/vnpay.html",
            {
                "problem": "",
                "query": query,
                "amount": int(params["vnp_Amount"]) // 100,
                "order_info": params["vnp_OrderInfo"],
                "reference": params["vnp_TxnRef"],
                "merchant": params["vnp_TmnCode"],
            },
        )
    paid = request.POST.get("decision") == "pay"
    result = _result_params(params, paid=paid)
    secret = settings.MOTCUA_VNPAY_HASH_SECRET
    _send_ipn({**result, "vnp_SecureHash": vnpay.sign(result, secret)})
    separator = "&" if "?" in params["vnp_ReturnUrl"] else "?"
    return redirect(params["vnp_ReturnUrl"] + separator + vnpay.signed_query(result, secret))
