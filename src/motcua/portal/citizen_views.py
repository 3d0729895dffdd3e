"""The citizen's own pages: "My dossiers", a dossier's page and its documents (gh-5 item 6)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus, EventAction, PartyRole, ReturnMode
from motcua.dossiers.forms_official import FormNotApplicable, OfficialForm, official_form_pdf
from motcua.dossiers.services import (
    DELIVERY_OPEN,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
    dossier_delivery_change,
    dossier_supplement_send,
)
from motcua.dossiers.uploads import UploadRejected, upload_store
from motcua.postal.constants import ShipmentStatus
from motcua.postal.selectors import shipment_for_dossier
from motcua.signing.selectors import result_signature_summary, signature_checks

from . import citizen, filing
from .filing_views import citizen_required
from .forms_filing import LookupForm


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    user = request.user
    try:
        group = citizen.MyGroup(request.GET.get("nhom", "")) if request.GET.get("nhom") else None
    except ValueError:
        group = None
    counts = citizen.my_dossier_counts(user=user)
    rows = list(citizen.my_dossiers(user=user, group=group)[:200])
    context = {
        "drafts": list(filing.drafts_open(user=user)[:50]),
        "rows": [
            {
                "dossier": d,
                "plain": citizen.PLAIN_STATUS[DossierStatus(d.status)],
                "needs_action": getattr(d, "supplement_open", False)
                or getattr(d, "fee_due", False),
            }
            for d in rows
        ],
        "group": group,
        "tabs": [
            {"group": g, "label": citizen.GROUP_LABELS[g], "count": counts[g]}
            for g in citizen.MyGroup
        ],
    }
    return render(request, "portal/citizen/my_dossiers.html", context)


@citizen_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    assert isinstance(request.user, User)
    dossier = citizen.my_dossier_get(user=request.user, code=code)
    if dossier is None:
        raise Http404(code)
    parties = {p.role: p for p in dossier.parties.all()}
    open_supplement = next(
        (s for s in dossier.supplement_requests.all() if s.sent_at is None), None
    )
    timeline = citizen.dossier_timeline(dossier=dossier)
    delivery = getattr(dossier, "delivery", None)
    shipment = shipment_for_dossier(dossier=dossier, delivery=delivery) if delivery else None
    context: dict[str, Any] = {
        "dossier": dossier,
        "plain": citizen.PLAIN_STATUS[DossierStatus(dossier.status)],
        "owner": parties.get(PartyRole.OWNER),
        "submitter": parties.get(PartyRole.SUBMITTER),
        "timeline": timeline,
        "forms": [
            {"slug": slug, "label": OfficialForm(slug).label}
            for slug in citizen.citizen_forms(timeline=timeline)
        ],
        "payments": citizen.dossier_payments(dossier=dossier),
        "time_left": citizen.time_left(dossier=dossier),
        "extension": getattr(dossier, "extension", None),
        "delivery": delivery,
        "shipment": shipment,
        "can_change_address": delivery is not None
        and delivery.mode == ReturnMode.POSTAL
        and dossier.status in DELIVERY_OPEN
        and dossier.returned_at is None
        and (shipment is None or shipment.status == ShipmentStatus.RETURNED),
        "can_withdraw": EventAction.WITHDRAW
        in dossier_allowed_actions(dossier=dossier, user=request.user),
        "open_supplement": open_supplement
        if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        else None,
        # gh-6 item 8: each PDF result's signature, verified once per file version.
        "signatures": signature_checks(dossier.documents.all()),
    }
    return render(request, "portal/citizen/dossier.html", context)


@citizen_required
def my_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """An official paper of the user's dossier as PDF (Mẫu 01 receipt, 02, 03, 04, 05…)."""
    assert isinstance(request.user, User)
    dossier = citizen.my_dossier_get(user=request.user, code=code)
    if dossier is None or form not in citizen.CITIZEN_FORMS.values():
        raise Http404(code)
    try:
        pdf = official_form_pdf(
            dossier=dossier,
            form=OfficialForm(form),
            request_base_url=request.build_absolute_uri("/"),
        )
    except FormNotApplicable as error:
        raise Http404(form) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{form}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@citizen_required
def my_document(request: HttpRequest, code: str, document_id: int) -> HttpResponseBase:
    """A document of the user's dossier, served only to its owner or submitter."""
    assert isinstance(request.user, User)
    dossier = citizen.my_dossier_get(user=request.user, code=code)
    if dossier is None:
        raise Http404(code)
    document = next((d for d in dossier.documents.all() if d.pk == document_id), None)
    if document is None:
        raise Http404(document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=request.GET.get("xem") is None,
        filename=document.original_name,
        content_type=document.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def lookup(request: HttpRequest) -> HttpResponse:
    """Public lookup by code + key (the receipt's QR code opens this page filled in).

    Shows status, appointment, the step reached and the timeline — no names,
    notes or documents — and what to do if something looks wrong.
    """
    form = LookupForm(request.GET or None)
    dossier = None
    not_found = False
    if form.is_bound and form.is_valid():
        dossier = citizen.public_lookup(
            code=form.cleaned_data["code"],
            key=form.cleaned_data["key"],
            identity_number=form.cleaned_data["identity_number"],
        )
        not_found = dossier is None
    context: dict[str, Any] = {"form": form, "dossier": dossier, "not_found": not_found}
    if dossier is not None:
        context.update(
            plain=citizen.PLAIN_STATUS[DossierStatus(dossier.status)],
            timeline=citizen.dossier_timeline(dossier=dossier),
            time_left=citizen.time_left(dossier=dossier),
            extension=getattr(dossier, "extension", None),
            # gh-6 item 8: signed and valid or not, without any name.
            result_signature=result_signature_summary(dossier_id=dossier.pk)
            if dossier.finished_at is not None
            else None,
        )
    response = render(
        request, "portal/citizen/lookup.html", context, status=404 if not_found else 200
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the key is in the URL
    return response


@require_http_methods(["GET", "POST"])
@citizen_required
def my_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer the open supplement request online (gh-5 item 7).

    Only what was asked is editable: the e-form fields the request names and
    new files; the rest of the dossier stays as filed. Files accepted before a
    refusal elsewhere on the page are kept (hidden ids), so only the refused
    one is chosen again; typed values and the note are kept too.
    """
    assert isinstance(request.user, User)
    user = request.user
    dossier = citizen.my_dossier_get(user=user, code=code)
    if dossier is None:
        raise Http404(code)
    supplement = citizen.open_supplement_for(dossier=dossier, user=user)
    if supplement is None:
        messages.info(request, _("Hồ sơ này hiện không có yêu cầu bổ sung nào chờ bạn."))
        return redirect("portal:my-dossier", code=code)
    fields_form = citizen.supplement_fields_form(
        dossier=dossier, supplement=supplement, data=request.POST or None
    )
    kept = citizen.kept_uploads(user=user, ids=request.POST.getlist("kept"))
    errors: dict[str, str] = {}
    note = request.POST.get("note", "")
    if request.method == "POST":
        for key in request.FILES:
            file = request.FILES.get(key)
            if file is None:
                continue
            try:
                kept.append(upload_store(file=file, user=user))
            except UploadRejected as error:
                errors[key] = error.messages[0]
        fields_ok = fields_form is None or fields_form.is_valid()
        if not errors and fields_ok:
            try:
                dossier_supplement_send(
                    by=user,
                    code=code,
                    note=note,
                    upload_ids=[u.pk for u in kept],
                    form_changes=fields_form.cleaned_json() if fields_form is not None else None,
                )
            except ValidationError as error:
                errors["__all__"] = " ".join(error.messages)
            except TransitionRefused:
                messages.error(request, _("Yêu cầu bổ sung này không còn chờ bạn trả lời."))
                return redirect("portal:my-dossier", code=code)
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi hồ sơ bổ sung. Bộ phận một cửa sẽ kiểm tra và tính lại thời hạn"
                        " khi xác nhận đủ."
                    ),
                )
                return redirect("portal:my-dossier", code=code)
    context = {
        "dossier": dossier,
        "supplement": supplement,
        "items": citizen.supplement_items(supplement),
        "fields_form": fields_form,
        "kept": kept,
        "errors": errors,
        "note": note,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/citizen/supplement.html", context, status=status)


@require_POST
@citizen_required
def my_withdrawal(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen withdraws the dossier (NĐ 61 Art 18(5)) while the engine allows it."""
    assert isinstance(request.user, User)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Hãy ghi lý do rút hồ sơ."))
        return redirect("portal:my-dossier", code=code)
    try:
        dossier_act(code=code, action=EventAction.WITHDRAW, by=request.user, reason=reason)
    except TransitionRefused:
        messages.error(
            request,
            _(
                "Hồ sơ ở trạng thái này không rút được nữa; nếu cần, hãy liên hệ nơi tiếp nhận"
                " hồ sơ ghi trên trang này."
            ),
        )
    except (PermissionDenied, Http404):
        raise Http404(code) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã rút hồ sơ. Cơ quan sẽ trả lại giấy tờ bản chính (nếu có)."))
    return redirect("portal:my-dossier", code=code)


@require_POST
@citizen_required
def my_delivery(request: HttpRequest, code: str) -> HttpResponse:
    """Change the postal address of the result before it is dispatched (gh-5 item 7)."""
    assert isinstance(request.user, User)
    try:
        dossier_delivery_change(
            by=request.user,
            code=code,
            address=request.POST.get("address", ""),
            phone=request.POST.get("phone", ""),
        )
    except PermissionDenied as error:
        raise Http404(code) from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã cập nhật địa chỉ nhận kết quả."))
    return redirect("portal:my-dossier", code=code)
