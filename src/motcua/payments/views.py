"""Citizen payment pages and the gateway endpoints. Views parse, call one service, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers.models import Dossier

from .constants import PaymentStatus
from .contrib.vietqr.plugin import qr_payload_for, qr_svg
from .registry import ProviderUnavailable, provider_list
from .selectors import payment_get_for_user
from .services import payment_cancel, payment_handle_ipn, payment_handle_return, payment_start

if TYPE_CHECKING:
    from motcua.accounts.models import User


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_required
@require_POST
def payment_start_view(request: HttpRequest) -> HttpResponse:
    """The citizen chose how to pay the fees of one of their dossiers."""
    dossier = (
        Dossier.objects.filter(
            code=request.POST.get("dossier", ""), parties__user=cast("User", request.user)
        )
        .distinct()
        .first()
    )
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ của bạn với mã này."))
    provider = request.POST.get("provider", "")
    next_url = _safe_next(request, request.POST.get("next", ""))
    try:
        started = payment_start(
            subject=dossier,
            provider=provider,
            return_url=request.build_absolute_uri(reverse("payments:return", args=[provider])),
            by=request.user,  # type: ignore[arg-type]
            client_ip=_client_ip(request),
            next_url=next_url,
            replace_pending=request.POST.get("replace") == "1",
        )
    except ProviderUnavailable:
        return render(
            request,
            "payments/error.html",
            {"message": _("Hình thức thanh toán này hiện không được hỗ trợ."), "next": next_url},
            status=400,
        )
    except ValidationError as exc:
        return render(
            request,
            "payments/error.html",
            {"message": " ".join(exc.messages), "next": next_url},
            status=400,
        )
    if started.result.redirect_url:
        # The gateway's origin is in CSP form-action (conf/base.py), which browsers
        # also apply to this redirect of the form submission.
        return redirect(started.result.redirect_url)
    return redirect("payments:detail", reference=started.payment.reference)


@login_required
@require_GET
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    payment = payment_get_for_user(reference=reference, user=request.user)  # type: ignore[arg-type]
    if payment is None:
        raise Http404(_("Không tìm thấy giao dịch."))
    qr = ""
    payload = ""
    if payment.provider == "vietqr" and payment.status == PaymentStatus.PENDING:
        payload = qr_payload_for(payment)
        qr = qr_svg(payload, title=_("Mã VietQR để chuyển khoản"))
    return render(
        request,
        "payments/detail.html",
        {
            "payment": payment,
            "lines": list(payment.lines.all()),
            "qr_svg": qr,
            "qr_payload": payload,
            "account_name": settings.MOTCUA_VIETQR_ACCOUNT_NAME,
            "account": settings.MOTCUA_VIETQR_ACCOUNT,
            "bank_bin": settings.MOTCUA_VIETQR_BANK_BIN,
            "providers": provider_list(),
            "is_pending": payment.status == PaymentStatus.PENDING,
        },
    )


@login_required
@require_POST
def payment_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    payment = payment_get_for_user(reference=reference, user=request.user)  # type: ignore[arg-type]
    if payment is None:
        raise Http404(_("Không tìm thấy giao dịch."))
    try:
        payment_cancel(
            payment_id=payment.pk,
            by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", "") or _("Người nộp hủy giao dịch."),
        )
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render(request, "payments/error.html", {"message": message}, status=400)
    return redirect("payments:detail", reference=payment.reference)


@require_GET
def payment_return(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the gateway sends the browser back; shows the result the IPN recorded."""
    params = {key: request.GET[key] for key in request.GET}
    payment = payment_handle_return(provider=provider, params=params)
    if payment is None:
        return render(
            request,
            "payments/return.html",
            {"payment": None, "invalid": True},
            status=400,
        )
    return render(
        request,
        "payments/return.html",
        {
            "payment": payment,
            "invalid": False,
            "is_paid": payment.status == PaymentStatus.PAID,
            "is_pending": payment.status == PaymentStatus.PENDING,
            "gateway_code": params.get("vnp_ResponseCode", ""),
        },
    )


@csrf_exempt  # server-to-server: the gateway has no CSRF token; the HMAC signature authenticates
@require_http_methods(["GET", "POST"])
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay's server-to-server notification (IPN); answers ``{"RspCode", "Message"}``."""
    source = request.GET if request.method == "GET" else request.POST
    params = {key: source[key] for key in source}
    code, message = payment_handle_ipn(provider="vnpay", params=params)
    return JsonResponse({"RspCode": code, "Message": message})
