"""Reception at the counter (gh-6 items 3–4): the page, its outcome, the printed forms.

Views parse and render; :mod:`motcua.workspace.reception` reads and calls the
dossier engine. Every button of the reception page posts the whole form, so
nothing typed is lost whatever is pressed: "update" (find the applicant,
search or choose the procedure) only re-reads, "receive", "guide" (Mẫu 02)
and "refuse" (Mẫu 03) validate and act.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.forms_official import OfficialForm
from motcua.tickets.handoff import reception_ticket, reception_ticket_link

from .dossier import staff_dossier_get
from .reception import (
    Action,
    Screen,
    batch_add,
    batch_clear,
    batch_dossiers,
    batch_get,
    batch_receipt_context,
    batch_receipt_html,
    batch_receipt_pdf,
    initial_from_batch,
    reception_guidance,
    reception_receive,
    reception_refuse,
    screen_build,
)
from .views import _user, pdf_response, staff_required

# GET parameters of the reception page (links from elsewhere, bookmarks).
GET_PARAMS = {
    "cccd": "applicant_identity",
    "thu_tuc": "procedure_code",
    "truong_hop": "variant_code",
    "tim": "procedure_query",
}


def _page(request: HttpRequest, screen: Screen, *, status: int = 200) -> HttpResponse:
    batch = batch_get(request.session)
    return render(
        request,
        "workspace/reception/page.html",
        {"screen": screen, "form": screen.form, "batch_codes": batch.get("codes") or []},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def reception(request: HttpRequest) -> HttpResponseBase:
    """The counter reception page (one page, sections; see the module docstring)."""
    user = _user(request)
    if request.method == "GET":
        if request.GET.get("moi"):
            batch_clear(request.session)
        initial = initial_from_batch(request.session) if request.GET.get("cung_nguoi_nop") else {}
        for param, name in GET_PARAMS.items():
            if request.GET.get(param):
                initial[name] = request.GET[param]
        screen = screen_build(user=user, data=None, initial=initial, show_errors=False)
        reception_ticket(request)  # ?ve=<ticket> from the counter screen (gh-7 item 3)
        return _page(request, screen)

    action = request.POST.get("action", Action.UPDATE)
    acting = action in (Action.RECEIVE, Action.GUIDE, Action.REFUSE)
    screen = screen_build(user=user, data=request.POST, files=request.FILES, show_errors=acting)
    if action == Action.RECEIVE:
        dossier = reception_receive(screen=screen, by=user)
        if dossier is not None:
            batch_add(session=request.session, screen=screen, dossier=dossier)
            reception_ticket_link(request, dossier=dossier)
            messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("workspace:reception-done", code=dossier.code)
    elif action == Action.REFUSE:
        dossier = reception_refuse(screen=screen, by=user)
        if dossier is not None:
            messages.success(
                request, _("Đã từ chối tiếp nhận, hồ sơ %(code)s.") % {"code": dossier.code}
            )
            return redirect("workspace:reception-done", code=dossier.code)
    elif action == Action.GUIDE:
        sheet = reception_guidance(screen=screen, by=user, base_url=request.build_absolute_uri("/"))
        if sheet is not None:
            return pdf_response(sheet[1], "mau-02-huong-dan-bo-sung.pdf")
    return _page(request, screen, status=400 if screen.has_errors else 200)


@require_GET
@staff_required
def reception_done(request: HttpRequest, code: str) -> HttpResponse:
    """The outcome: the code, the appointment, and the form to print (Mẫu 01 or Mẫu 03).

    The form itself comes from the dossier page's ``workspace:official-form``.
    """
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    refused = dossier.status == DossierStatus.REFUSED
    batch = batch_get(request.session)
    codes = batch.get("codes") or []
    in_batch = dossier.code in codes
    return render(
        request,
        "workspace/reception/done.html",
        {
            "dossier": dossier,
            "refused": refused,
            "submitted": dossier.status == DossierStatus.SUBMITTED,
            "returned": dossier.status == DossierStatus.RETURNED,  # immediate hand-over (T5d)
            "form": OfficialForm.FORM_03 if refused else OfficialForm.FORM_01,
            "batch": batch_dossiers(user=user, codes=codes) if in_batch else [],
            "applicant": batch.get("applicant") or {},
        },
    )


@require_GET
@staff_required
def reception_batch_receipt(request: HttpRequest) -> HttpResponse:
    """One combined receipt for every dossier of the applicant's batch (HTML, or ``?pdf=1``)."""
    ctx = batch_receipt_context(user=_user(request), session=request.session)
    if ctx is None:
        raise Http404("batch")
    if request.GET.get("pdf"):
        return pdf_response(
            batch_receipt_pdf(ctx, base_url=request.build_absolute_uri("/")),
            "giay-tiep-nhan-nhieu-ho-so.pdf",
        )
    return HttpResponse(batch_receipt_html(ctx))
