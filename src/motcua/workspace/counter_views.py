"""Staff screens for returning results and fees at the counter (gh-6 items 9–10).

Views parse, call one service (through :mod:`motcua.workspace.counter` where
the counter adds checks of its own) and render. Every dossier is reached
through :func:`motcua.workspace.dossier.staff_dossier_get` (404 outside the
jurisdiction); who may act is decided by the services (403 with the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers.constants import DossierStatus, EventAction, PartyRole
from motcua.dossiers.models import Dossier, DossierEvent, Party
from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import Payment
from motcua.payments.reconciliation import (
    LineOutcome,
    ReconciliationReport,
    reconcile_bank_statement,
)
from motcua.payments.selectors import payment_list_for_dossier
from motcua.payments.services import payment_cancel, payment_record_counter, payment_refund
from motcua.postal.constants import ShipmentStatus
from motcua.postal.labels import label_pdf
from motcua.postal.models import Shipment
from motcua.postal.services import shipment_create, shipment_record_event
from motcua.ratings.constants import CRITERIA, Satisfaction
from motcua.ratings.services import RatingRefused, rating_submit_at_counter

from . import counter
from .dossier import staff_dossier_get
from .views import _user, pdf_response, staff_required

MAX_STATEMENT_BYTES = 5 * 1024 * 1024
View = Callable[..., HttpResponseBase]
# Events an officer records from the postal invoice (CREATED comes with the waybill).
RECORDABLE = [s for s in ShipmentStatus if s != ShipmentStatus.CREATED]


def explained_403(view: View) -> View:
    """A service's refusal (``PermissionDenied``) as a 403 page that says why."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return render(
                request,
                "workspace/counter/forbidden.html",
                {"message": str(error) or _("Bạn không có quyền thực hiện việc này.")},
                status=403,
            )

    return wrapped


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    """A service's ``ValidationError`` by field; messages of no field under ``__all__``."""
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"__all__": list(error.messages)}


def _latest_shipment(dossier: Dossier) -> Shipment:
    shipment = (
        Shipment.objects.filter(dossier=dossier)
        .select_related("dossier__received_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if shipment is None:
        raise Http404(dossier.code)
    return shipment


# --- returning results -----------------------------------------------------------------


@require_GET
@staff_required
@explained_403
def find(request: HttpRequest) -> HttpResponse:
    """The search box: a code, the receipt's QR (its URL) or an identity number."""
    text = request.GET.get("q", "")
    found: counter.Found | None = None
    if "q" in request.GET:
        found = counter.counter_find(user=_user(request), text=text)
        if found.code:
            return redirect("workspace:counter-return", code=found.code)
    return render(
        request,
        "workspace/counter/find.html",
        {"q": text, "found": found},
        status=400 if found is not None and found.error else 200,
    )


def _return_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    returned = (
        DossierEvent.objects.filter(dossier=dossier, action=EventAction.RETURN_RESULT)
        .order_by("-seq")
        .first()
    )
    return {
        "dossier": dossier,
        "owner": Party.objects.filter(dossier=dossier, role=PartyRole.OWNER).first(),
        **counter.delivery_state(dossier=dossier),
        "statuses": RECORDABLE,
        "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "unpaid": counter.unpaid_fees(dossier=dossier),
        "may_return": counter.may_return(user=user, dossier=dossier),
        "resolved": dossier.status == DossierStatus.RESOLVED,
        "returned": returned if dossier.status == DossierStatus.RETURNED else None,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_required
@explained_403
def return_result(request: HttpRequest, code: str) -> HttpResponseBase:
    """Hand the result over at the counter, recording who took it; or the postal screens."""
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    if request.method == "POST":
        event, form = counter.counter_return(
            user=user,
            dossier=dossier,
            data={k: str(v) for k, v in request.POST.items()},
            originals_returned=request.POST.get("originals_returned") == "on",
        )
        if event is not None:
            messages.success(request, _("Đã trả kết quả hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("workspace:counter-return", code=dossier.code)
        dossier.refresh_from_db()
        return render(
            request,
            "workspace/counter/return.html",
            _return_context(request, dossier, form=form),
            status=400,
        )
    return render(
        request,
        "workspace/counter/return.html",
        _return_context(request, dossier, form=counter.return_form_initial(dossier=dossier)),
    )


# --- by post -----------------------------------------------------------------------------


@require_POST
@staff_required
@explained_403
def shipment_new(request: HttpRequest, code: str) -> HttpResponseBase:
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    try:
        shipment = shipment_create(dossier=dossier, by=user)
    except ValidationError as error:
        return render(
            request,
            "workspace/counter/return.html",
            _return_context(request, dossier, postal_errors=error.messages),
            status=400,
        )
    messages.success(
        request,
        _("Đã tạo vận đơn %(waybill)s; hãy in nhãn và dán lên bì thư.")
        % {"waybill": shipment.waybill},
    )
    return redirect("workspace:counter-return", code=dossier.code)


@require_GET
@staff_required
@explained_403
def shipment_label(request: HttpRequest, code: str) -> HttpResponse:
    shipment = _latest_shipment(staff_dossier_get(user=_user(request), code=code))
    if shipment.label:
        with shipment.label.open("rb") as stored:
            pdf = stored.read()
    else:
        pdf = label_pdf(shipment)
    return pdf_response(pdf, f"nhan-{shipment.waybill}.pdf")


@require_POST
@staff_required
@explained_403
def shipment_event(request: HttpRequest, code: str) -> HttpResponseBase:
    """Record pickup, delivery… from the postal invoice; "delivered" returns the result."""
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    shipment = _latest_shipment(dossier)
    values = {k: request.POST.get(k, "").strip() for k in ("status", "at", "place", "note")}
    errors: dict[str, list[str]] = {}
    status = values["status"]
    if status not in {s.value for s in RECORDABLE}:
        errors["status"] = [_("Chọn việc bưu điện đã báo.")]
    at: dt.datetime | None = None
    try:
        at = dt.datetime.strptime(values["at"], "%Y-%m-%dT%H:%M")
    except ValueError:
        errors["at"] = [_("Nhập thời điểm theo dạng ngày/tháng/năm giờ:phút.")]
    if at is not None:
        at = timezone.make_aware(at)
        if at > timezone.now() + dt.timedelta(minutes=5):
            errors["at"] = [_("Thời điểm không được ở tương lai.")]
    if not errors:
        assert at is not None
        try:
            shipment_record_event(
                waybill=shipment.waybill,
                status=status,
                at=at,
                place=values["place"],
                note=values["note"],
                by=user,
            )
        except ValidationError as error:
            errors = _errors_of(error)
        else:
            messages.success(
                request,
                _("Đã ghi nhận “%(status)s” cho vận đơn %(waybill)s.")
                % {"status": ShipmentStatus(status).label, "waybill": shipment.waybill},
            )
            return redirect("workspace:counter-return", code=dossier.code)
    dossier.refresh_from_db()
    return render(
        request,
        "workspace/counter/return.html",
        _return_context(request, dossier, event_values=values, event_errors=errors),
        status=400,
    )


# --- the rating screen the citizen taps --------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
@explained_403
def rating(request: HttpRequest, code: str) -> HttpResponseBase:
    """A kiosk-like page on the officer's screen, turned to the citizen: tap a face.

    It shows nothing of the dossier but its code; "Không hài lòng" asks for the
    reason before saving. After saving, a thank-you page goes back by itself.
    """
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    level = request.POST.get("level", "") if request.method == "POST" else ""
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    error = ""
    ask_reason = False
    status = 200
    if request.method == "POST":
        if level == Satisfaction.NOT_SATISFIED and not reason.strip():
            ask_reason = True
            if "reason" in request.POST:
                error = _("Hãy cho biết lý do bạn không hài lòng.")
                status = 400
        else:
            try:
                rating_submit_at_counter(by=user, code=dossier.code, level=level, reason=reason)
            except RatingRefused as refused:
                error, status = refused.messages[0], 409
            except ValidationError as invalid:
                error, status = "; ".join(invalid.messages), 400
                ask_reason = level == Satisfaction.NOT_SATISFIED
            else:
                return redirect("workspace:counter-thanks", code=dossier.code)
    return render(
        request,
        "workspace/counter/rating.html",
        {
            "dossier_code": dossier.code,
            "back": reverse("workspace:counter-return", args=[dossier.code]),
            "levels": list(Satisfaction),
            "level": level,
            "reason": reason,
            "ask_reason": ask_reason,
            "refused": status == 409,
            "error": error,
            "criteria": CRITERIA,
        },
        status=status,
    )


@require_GET
@staff_required
@explained_403
def rating_thanks(request: HttpRequest, code: str) -> HttpResponse:
    dossier = staff_dossier_get(user=_user(request), code=code)
    return render(
        request,
        "workspace/counter/thanks.html",
        {
            "dossier_code": dossier.code,
            "back": reverse("workspace:counter-return", args=[dossier.code]),
            "seconds": 5,
        },
    )


# --- fees at the counter ------------------------------------------------------------------


def _fees_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    fees = list(dossier.fees.order_by("id"))
    return {
        "dossier": dossier,
        "fees": fees,
        "unpaid": counter.unpaid_fees(dossier=dossier, fees=fees),
        "payments": list(payment_list_for_dossier(dossier=dossier).order_by("-created_at", "-id")),
        "may_collect": counter.may_collect(user=_user(request), dossier=dossier),
        "paid": PaymentStatus.PAID,
        "pending": PaymentStatus.PENDING,
        **extra,
    }


@require_GET
@staff_required
@explained_403
def fees(request: HttpRequest, code: str) -> HttpResponse:
    dossier = staff_dossier_get(user=_user(request), code=code)
    return render(request, "workspace/counter/fees.html", _fees_context(request, dossier))


@require_POST
@staff_required
@explained_403
def fee_collect(request: HttpRequest, code: str) -> HttpResponseBase:
    """The collector took the money: record it with the receipt number, then print."""
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    chosen = request.POST.getlist("fee")
    values = {"receipt_number": request.POST.get("receipt_number", ""), "fees": chosen}
    try:
        fee_ids = [int(v) for v in chosen] or None
        payment = payment_record_counter(
            dossier=dossier,
            by=user,
            receipt_number=str(values["receipt_number"]),
            fee_ids=fee_ids,
        )
    except ValueError:
        errors: dict[str, list[str]] = {"fee_ids": [_("Khoản thu đã chọn không hợp lệ.")]}
    except ValidationError as error:
        errors = _errors_of(error)
    else:
        messages.success(
            request,
            _("Đã thu %(amount)s đồng, biên lai số %(number)s.")
            % {
                "amount": f"{payment.amount:,}".replace(",", "."),
                "number": payment.provider_reference,
            },
        )
        return redirect(
            reverse("workspace:counter-fees", args=[dossier.code]) + f"?in={payment.reference}"
        )
    return render(
        request,
        "workspace/counter/fees.html",
        _fees_context(request, dossier, collect_errors=errors, collect_values=values),
        status=400,
    )


def _payment_of(request: HttpRequest, code: str, reference: str) -> tuple[Dossier, Payment]:
    dossier = staff_dossier_get(user=_user(request), code=code)
    payment = (
        Payment.objects.filter(dossier=dossier, reference=reference)
        .prefetch_related("lines", "records")
        .first()
    )
    if payment is None:
        raise Http404(reference)
    return dossier, payment


@require_GET
@staff_required
@explained_403
def fee_receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """A one-page receipt of a paid payment (the legal e-receipt comes from the treasury)."""
    dossier, payment = _payment_of(request, code, reference)
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        raise Http404(reference)
    owner = Party.objects.filter(dossier=dossier, role=PartyRole.OWNER).first()
    html = render_to_string(
        "workspace/counter/fee_receipt.html",
        {
            "dossier": dossier,
            "agency": dossier.received_by,
            "owner": owner,
            "payment": payment,
            "lines": payment.lines.all(),
            "collector": next(
                (
                    r.actor
                    for r in payment.records.all()
                    if r.kind == PaymentRecordKind.PAID and r.actor
                ),
                None,
            ),
        },
    )
    from weasyprint import HTML  # type: ignore[import-untyped]

    return pdf_response(bytes(HTML(string=html).write_pdf()), f"bien-lai-{payment.reference}.pdf")


@require_POST
@staff_required
@explained_403
def fee_refund(request: HttpRequest, code: str, reference: str) -> HttpResponseBase:
    return _close_payment(request, code, reference, refund=True)


@require_POST
@staff_required
@explained_403
def fee_cancel(request: HttpRequest, code: str, reference: str) -> HttpResponseBase:
    return _close_payment(request, code, reference, refund=False)


def _close_payment(
    request: HttpRequest, code: str, reference: str, *, refund: bool
) -> HttpResponseBase:
    user = _user(request)
    dossier, payment = _payment_of(request, code, reference)
    values = {k: request.POST.get(k, "") for k in ("reason", "bank_account")}
    try:
        if refund:
            payment_refund(
                payment_id=payment.pk,
                by=user,
                reason=values["reason"],
                bank_account=values["bank_account"],
            )
            done = _("Đã ghi nhận hoàn tiền giao dịch %(reference)s.")
        else:
            payment_cancel(payment_id=payment.pk, by=user, reason=values["reason"])
            done = _("Đã hủy giao dịch %(reference)s.")
    except ValidationError as error:
        errors = _errors_of(error)
        return render(
            request,
            "workspace/counter/fees.html",
            _fees_context(
                request,
                dossier,
                close_reference=reference,
                close_refund=refund,
                close_errors=errors,
                close_values=values,
            ),
            status=400,
        )
    messages.success(request, done % {"reference": reference})
    return redirect("workspace:counter-fees", code=dossier.code)


@require_http_methods(["GET", "POST"])
@staff_required
@explained_403
def reconcile(request: HttpRequest) -> HttpResponse:
    """Upload the bank statement (CSV): VietQR transfers matched by dossier code and amount."""
    user = _user(request)
    agencies = counter.collector_agencies(user=user)
    if not agencies:
        raise PermissionDenied(
            _("Chỉ cán bộ thu phí, lệ phí của cơ quan tiếp nhận hồ sơ mới được đối soát sao kê.")
        )
    errors: dict[str, list[str]] = {}
    report: ReconciliationReport | None = None
    chosen = request.POST.get("agency", str(agencies[0].pk))
    status = 200
    if request.method == "POST":
        agency = next((a for a in agencies if str(a.pk) == chosen), None)
        upload = request.FILES.get("statement")
        if agency is None:
            errors["agency"] = [_("Chọn cơ quan có tài khoản nhận tiền.")]
        if upload is None:
            errors["statement"] = [_("Chọn tệp sao kê ngân hàng (CSV) để tải lên.")]
        elif upload.size is not None and upload.size > MAX_STATEMENT_BYTES:
            errors["statement"] = [_("Tệp sao kê lớn hơn 5 MB; hãy xuất sao kê theo từng ngày.")]
        if not errors:
            assert agency is not None
            assert upload is not None
            try:
                report = reconcile_bank_statement(agency=agency, csv_file=upload, by=user)
            except ValidationError as error:
                errors["statement"] = list(error.messages)
        if errors:
            status = 400
    return render(
        request,
        "workspace/counter/reconcile.html",
        {
            "agencies": agencies,
            "chosen": chosen,
            "errors": errors,
            "report": report,
            "debits": len(report.of(LineOutcome.DEBIT)) if report else 0,
        },
        status=status,
    )
