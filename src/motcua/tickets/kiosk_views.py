"""Public queue pages (gh-7 item 1): the kiosk, the phone flow, the ticket and follow pages.

The kiosk (``/xep-hang/<center>/``) and the phone page reached from the QR
code at the entrance (``/xep-hang/<center>/dien-thoai/``) are the same flow:
pick a service tile or search a procedure (the catalogue search, diacritic-
insensitive), then optionally a priority reason and a phone number, then
"Lấy số". Taking is throttled per browser session and per address
(:mod:`motcua.tickets.throttle`). The ticket page prints on an 80 mm
thermal printer; its QR code opens the follow page, which polls its JSON.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import segno

from motcua.organisations.models import Agency
from motcua.procedures.search import procedure_search

from . import selectors, services, throttle
from .constants import PriorityReason
from .models import TicketService

SEARCH_LIMIT = 12


def _center(center_id: int) -> tuple[Agency, list[TicketService]]:
    center = get_object_or_404(Agency, pk=center_id)
    tiles = list(
        TicketService.objects.filter(center=center, is_active=True)
        .prefetch_related("fields")
        .order_by("position", "prefix")
    )
    if not tiles:
        raise Http404(_("Trung tâm này chưa cấp số thứ tự."))
    return center, tiles


def _search(query: str, tiles: list[TicketService]) -> list[dict[str, Any]]:
    """Procedures matching ``query`` whose field one of the center's services serves."""
    by_field = {f.pk: s for s in tiles for f in s.fields.all()}
    page = procedure_search(query=query, limit=SEARCH_LIMIT)
    return [
        {"version": v, "service": by_field[v.field_id]}
        for v in page.results
        if v.field_id in by_field
    ]


def _form_context(
    request: HttpRequest,
    *,
    center: Agency,
    tiles: list[TicketService],
    phone_mode: bool,
    service: TicketService | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    summary: list[str] | None = None,
) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()
    return {
        "center": center,
        "tiles": tiles,
        "phone_mode": phone_mode,
        "service": service,
        "query": query,
        "results": _search(query, tiles) if query and service is None else None,
        "priorities": [p for p in PriorityReason if p != PriorityReason.NONE],
        "values": values or {"priority": "", "phone": ""},
        "errors": errors or {},
        "summary": summary or [],
        "home": reverse("tickets:phone" if phone_mode else "tickets:kiosk", args=[center.pk]),
    }


@require_GET
def centers(request: HttpRequest) -> HttpResponse:
    """The centers that issue queue numbers, with their kiosk, phone and display pages."""
    agencies = Agency.objects.filter(ticket_services__is_active=True).distinct().order_by("name")
    return render(request, "tickets/centers.html", {"centers": agencies})


@require_GET
def kiosk(request: HttpRequest, center_id: int, phone: bool = False) -> HttpResponse:
    """Step 1: service tiles and procedure search; step 2 (``?dich-vu=``): priority, phone."""
    center, tiles = _center(center_id)
    service = None
    chosen = request.GET.get("dich-vu", "")
    if chosen:
        service = next((s for s in tiles if str(s.pk) == chosen), None)
        if service is None:
            raise Http404(chosen)
    return render(
        request,
        "tickets/kiosk.html",
        _form_context(request, center=center, tiles=tiles, phone_mode=phone, service=service),
    )


@require_POST
def take(request: HttpRequest, center_id: int) -> HttpResponseBase:
    """Take a ticket; errors are shown next to their field with what was typed (400/429)."""
    center, tiles = _center(center_id)
    phone_mode = request.POST.get("mode") == "phone"
    service = next((s for s in tiles if str(s.pk) == request.POST.get("service", "")), None)
    values = {
        "priority": request.POST.get("priority", ""),
        "phone": request.POST.get("phone", "")[:40],
    }
    context: dict[str, Any] = {
        "center": center,
        "tiles": tiles,
        "phone_mode": phone_mode,
        "service": service,
        "values": values,
    }
    if service is None:
        return render(
            request,
            "tickets/kiosk.html",
            _form_context(
                request, **context, summary=[_("Hãy chọn dịch vụ bạn cần trước khi lấy số.")]
            ),
            status=400,
        )
    refusal = throttle.check(
        request, center_id=center.pk, phone_mode=phone_mode, phone=values["phone"]
    )
    if refusal:
        return render(
            request,
            "tickets/kiosk.html",
            _form_context(request, **context, summary=[refusal]),
            status=429,
        )
    try:
        ticket = services.ticket_take(
            service=service, priority=values["priority"], phone=values["phone"]
        )
    except services.QueueRefused as error:
        return render(
            request,
            "tickets/kiosk.html",
            _form_context(request, **context, summary=list(error.messages)),
            status=409,
        )
    except ValidationError as error:
        return render(
            request,
            "tickets/kiosk.html",
            _form_context(request, **context, errors=error.message_dict),
            status=400,
        )
    throttle.record(request, center_id=center.pk)
    if phone_mode:
        return redirect("tickets:follow", ticket.follow_key)
    return redirect("tickets:ticket", ticket.follow_key)


def _ticket_context(request: HttpRequest, key: str) -> dict[str, Any]:
    ticket = selectors.ticket_by_key(key=key)
    if ticket is None:
        raise Http404(key)
    follow_url = request.build_absolute_uri(reverse("tickets:follow", args=[key]))
    return {
        "ticket": ticket,
        "position": selectors.ticket_position(ticket=ticket),
        "follow_url": follow_url,
        "qr": segno.make(follow_url, error="m").svg_data_uri(scale=4, border=2),
        "kiosk_url": reverse("tickets:kiosk", args=[ticket.center_id]),
    }


@require_GET
def entrance_qr(request: HttpRequest, center_id: int) -> HttpResponse:
    """A poster for the entrance: the QR code of the center's phone page, to print."""
    center, _tiles = _center(center_id)
    url = request.build_absolute_uri(reverse("tickets:phone", args=[center.pk]))
    return render(
        request,
        "tickets/entrance.html",
        {"center": center, "url": url, "qr": segno.make(url, error="m").svg_data_uri(scale=8)},
    )


@require_GET
def ticket_page(request: HttpRequest, key: str) -> HttpResponse:
    """The ticket as printed (80 mm print stylesheet) and shown on the kiosk."""
    return render(request, "tickets/ticket.html", _ticket_context(request, key))


@require_GET
def follow(request: HttpRequest, key: str) -> HttpResponse:
    """The citizen's phone page: live position (polls ``follow_json``)."""
    response = render(request, "tickets/follow.html", _ticket_context(request, key))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def follow_json(request: HttpRequest, key: str) -> JsonResponse:
    ticket = selectors.ticket_by_key(key=key)
    if ticket is None:
        raise Http404(key)
    response = JsonResponse(selectors.ticket_position(ticket=ticket).as_dict())
    response["Cache-Control"] = "no-store"
    return response
