"""The citizen's own pages: "My dossiers", a dossier's page and its documents (gh-5 item 6)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus, PartyRole

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
    context: dict[str, Any] = {
        "dossier": dossier,
        "plain": citizen.PLAIN_STATUS[DossierStatus(dossier.status)],
        "owner": parties.get(PartyRole.OWNER),
        "submitter": parties.get(PartyRole.SUBMITTER),
        "timeline": citizen.dossier_timeline(dossier=dossier),
        "time_left": citizen.time_left(dossier=dossier),
        "extension": getattr(dossier, "extension", None),
        "delivery": getattr(dossier, "delivery", None),
        "open_supplement": open_supplement
        if dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        else None,
    }
    return render(request, "portal/citizen/dossier.html", context)


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
        )
    response = render(
        request, "portal/citizen/lookup.html", context, status=404 if not_found else 200
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the key is in the URL
    return response
