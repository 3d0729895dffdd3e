"""Staff pages: the work waiting (home and queues) and the dossier page with its actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.dossiers.constants import EventAction
from motcua.dossiers.forms_official import FormNotApplicable, OfficialForm, official_form_pdf
from motcua.dossiers.models import Dossier
from motcua.organisations.jurisdiction import agency_list_visible

from .actions import action_perform
from .dossier import (
    PREVIEW_IMAGES,
    staff_document_get,
    staff_dossier_get,
    staff_dossier_page,
)
from .forms import QueueFilterForm
from .intake import PRINTABLE
from .selectors import RUNNING, Queue, desk_for, queue_counts, queue_dossiers, tools_for

PAGE_SIZE = 25

View = Callable[..., HttpResponseBase]


def staff_required(view: View) -> View:
    """Signed-in staff only: others are sent to sign in, citizens get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or user.kind != UserKind.STAFF:
            raise PermissionDenied(_("Trang này chỉ dành cho cán bộ."))
        return view(request, *args, **kwargs)

    return wrapped


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@staff_required
def home(request: HttpRequest, queue: str = Queue.MY_STEP.value) -> HttpResponse:
    """The work waiting for this official, as named queues, and the list of one queue."""
    try:
        current = Queue(queue)
    except ValueError as error:
        raise Http404(queue) from error
    user = _user(request)
    desk = desk_for(user=user)
    form = QueueFilterForm(request.GET or None, agencies=list(agency_list_visible(user=user)))
    filters = form.filters()
    counts = queue_counts(desk=desk, filters=filters)
    page = Paginator(queue_dossiers(desk=desk, queue=current, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    query = {k: v for k, v in request.GET.items() if k != "trang" and v}
    return render(
        request,
        "workspace/home.html",
        {
            "queues": [(q, counts[q]) for q in Queue],
            "current": current,
            "count": counts[current],
            "page": page,
            "form": form,
            "query": urlencode(query),
            "now": desk.now,
            "running_statuses": [int(s) for s in RUNNING],
            "tools": tools_for(user=user),
        },
    )


@require_GET
@staff_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    dossier = staff_dossier_get(user=user, code=code)
    return render(
        request,
        "workspace/dossier.html",
        {"page": staff_dossier_page(dossier=dossier, user=user), "images": PREVIEW_IMAGES},
    )


@require_POST
@staff_required
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponseBase:
    """Perform one action through the engine; on error, the page again with the form's errors."""
    user = _user(request)
    try:
        chosen = EventAction(action)
    except ValueError as error:
        raise Http404(action) from error
    staff_dossier_get(user=user, code=code)  # 404 outside the jurisdiction
    try:
        event, form = action_perform(
            code=code, action=chosen, by=user, data=request.POST, files=request.FILES
        )
    except Dossier.DoesNotExist as error:
        raise Http404(code) from error
    if event is not None:
        messages.success(
            request,
            _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.")
            % {"action": chosen.label, "code": code},
        )
        try:
            staff_dossier_get(user=user, code=code)
        except Http404:
            # A consulted or linked agency's officer no longer reaches the dossier once
            # its answer is in (its side access ends with the request).
            return redirect("workspace:home")
        return redirect("workspace:dossier", code=code)
    dossier = staff_dossier_get(user=user, code=code)
    return render(
        request,
        "workspace/dossier.html",
        {
            "page": staff_dossier_page(dossier=dossier, user=user, bound=form),
            "images": PREVIEW_IMAGES,
            "bound": form,
        },
        # Only asked for another row of the form (link legs): not an error.
        status=400 if form.has_errors else 200,
    )


@require_GET
@staff_required
@xframe_options_sameorigin
@csp_override({"default-src": [CSP.NONE], "frame-ancestors": [CSP.SELF]})
def document(request: HttpRequest, code: str, document_id: int) -> HttpResponseBase:
    """A component of a dossier, inline (previews), only to staff who may see the dossier."""
    doc = staff_document_get(user=_user(request), code=code, document_id=document_id)
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=request.GET.get("tai") is not None,
        filename=doc.original_name,
        content_type=doc.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required
def official_form(request: HttpRequest, code: str, form: str) -> HttpResponseBase:
    """An official form of the dossier (Mẫu 01–06, result-return receipt) as a PDF to print."""
    dossier = staff_dossier_get(user=_user(request), code=code)
    try:
        chosen = OfficialForm(form)
    except ValueError as error:
        raise Http404(form) from error
    if chosen not in PRINTABLE:
        raise Http404(form)
    try:
        pdf = official_form_pdf(
            dossier=dossier, form=chosen, request_base_url=request.build_absolute_uri("/")
        )
    except FormNotApplicable as error:
        raise Http404(form) from error
    return pdf_response(pdf, f"{dossier.code}-{chosen.value}.pdf")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A printable PDF shown in the browser, never cached (it holds personal data)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
