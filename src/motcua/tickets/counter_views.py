"""Staff queue pages under /can-bo/quay/ (gh-7 items 3, 5, 6).

- the counter screen of a reception officer: open, pause with a reason,
  resume, close; call next, recall, mark no-show, start serving, transfer,
  finish; "Tiếp nhận hồ sơ" starts a reception pre-linked to the ticket;
- the one-tap rating screen the citizen uses after a finished ticket;
- the statistics page of a center and its CSV (one selector for both).

Views parse, call one service or selector and render; refusals from the
services come back as a message (or next to their field) and nothing typed
is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.organisations.models import Agency, Counter
from motcua.ratings.constants import Satisfaction
from motcua.workspace.views import _user, staff_required

from . import selectors, services, stats
from .constants import CounterState
from .models import CounterSession, Ticket, TicketRating, TicketService


def _counter_for(request: HttpRequest, counter_id: int) -> Counter:
    """The counter, if the officer may work at it (403 otherwise)."""
    counter = get_object_or_404(Counter.objects.select_related("agency"), pk=counter_id)
    if not selectors.counters_for_officer(user=_user(request)).filter(pk=counter.pk).exists():
        raise PermissionDenied(_("Bạn không phải cán bộ một cửa của trung tâm có quầy này."))
    return counter


@require_GET
@staff_required
def counter_list(request: HttpRequest) -> HttpResponseBase:
    """The counters an officer may open (or straight to the one they hold)."""
    user = _user(request)
    session = selectors.session_of(user=user)
    if session is not None:
        return redirect("tickets_staff:counter", session.counter_id)
    return render(
        request,
        "tickets/counter_list.html",
        {
            "counters": selectors.counters_for_officer(user=user),
            "managed": selectors.centers_managed(user=user),
        },
    )


@require_POST
@staff_required
def counter_open(request: HttpRequest, counter_id: int) -> HttpResponseBase:
    counter = _counter_for(request, counter_id)
    try:
        services.counter_open(officer=_user(request), counter=counter)
    except services.QueueRefused as error:
        messages.error(request, error.messages[0])
        return redirect("tickets_staff:counters")
    messages.success(request, _("Đã mở quầy số %(n)s.") % {"n": counter.number})
    return redirect("tickets_staff:counter", counter.pk)


def _reception_url(ticket: Ticket) -> str:
    """The reception page pre-linked to ``ticket`` (the reception reads ``?ve=``)."""
    try:
        return reverse("workspace:reception") + f"?ve={ticket.pk}"
    except NoReverseMatch:  # the workspace is not installed
        return ""


def _screen_context(
    request: HttpRequest, counter: Counter, session: CounterSession | None, **extra: Any
) -> dict[str, Any]:
    ticket = selectors.ticket_at_counter(counter=counter) if session else None
    last_done = None
    if session is not None and ticket is None:
        last_done = selectors.last_unrated_at_counter(counter=counter)
    others = Counter.objects.filter(agency_id=counter.agency_id, is_active=True).exclude(
        pk=counter.pk
    )
    return {
        "counter": counter,
        "session": session,
        "paused": session is not None and session.state == CounterState.PAUSED,
        "ticket": ticket,
        "waiting": selectors.waiting_counts(counter=counter),
        "services": TicketService.objects.filter(center_id=counter.agency_id, is_active=True),
        "other_counters": others.order_by("number"),
        "reception_url": _reception_url(ticket) if ticket else "",
        "last_done": last_done,
        "reason": "",
        "errors": {},
        **extra,
    }


@require_GET
@staff_required
def counter_screen(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter_for(request, counter_id)
    session = selectors.session_of(user=_user(request))
    if session is not None and session.counter_id != counter.pk:
        session = None
    return render(request, "tickets/counter.html", _screen_context(request, counter, session))


ACTIONS = {
    "goi-tiep",
    "goi-lai",
    "bat-dau",
    "vang",
    "xong",
    "chuyen",
    "tam-dung",
    "tiep-tuc",
    "dong",
}


@require_POST
@staff_required
def counter_action(request: HttpRequest, counter_id: int, action: str) -> HttpResponseBase:
    """One counter action; success and refusals come back as a message (PRG).

    A missing pause reason or transfer target is shown next to its field
    (400) with what was typed.
    """
    if action not in ACTIONS:
        raise Http404(action)
    counter = _counter_for(request, counter_id)
    session = selectors.session_of(user=_user(request))
    if session is None or session.counter_id != counter.pk:
        messages.error(request, _("Quầy chưa mở; hãy mở quầy trước."))
        return redirect("tickets_staff:counter", counter.pk)
    ticket_id = int(request.POST.get("ticket") or 0)
    done = ""
    try:
        if action == "goi-tiep":
            called = services.call_next(session=session)
            done = (
                _("Đã gọi số %(t)s.") % {"t": called.display}
                if called
                else _("Không còn số nào đang chờ ở quầy này.")
            )
        elif action == "goi-lai":
            done = _("Đã gọi lại số %(t)s.") % {
                "t": services.ticket_recall(session=session, ticket_id=ticket_id).display
            }
        elif action == "bat-dau":
            services.ticket_serve(session=session, ticket_id=ticket_id)
        elif action == "vang":
            done = _("Số %(t)s vắng mặt.") % {
                "t": services.ticket_no_show(session=session, ticket_id=ticket_id).display
            }
        elif action == "xong":
            finished = services.ticket_finish(session=session, ticket_id=ticket_id)
            done = _("Đã xong số %(t)s.") % {"t": finished.display}
        elif action == "chuyen":
            done = _transfer(request, session, ticket_id)
        elif action == "tam-dung":
            services.counter_pause(session=session, reason=request.POST.get("reason", ""))
            done = _("Quầy đã tạm dừng.")
        elif action == "tiep-tuc":
            services.counter_resume(session=session)
            done = _("Quầy đã mở lại.")
        else:
            services.counter_close(session=session)
            messages.success(request, _("Đã đóng quầy số %(n)s.") % {"n": counter.number})
            return redirect("tickets_staff:counters")
    except services.QueueRefused as error:
        messages.error(request, error.messages[0])
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return render(
            request,
            "tickets/counter.html",
            _screen_context(
                request,
                counter,
                session,
                errors=errors,
                reason=request.POST.get("reason", ""),
                transfer_to=request.POST.get("to", ""),
            ),
            status=400,
        )
    else:
        if done:
            messages.success(request, done)
    return redirect("tickets_staff:counter", counter.pk)


def _transfer(request: HttpRequest, session: CounterSession, ticket_id: int) -> str:
    kind, _sep, pk = request.POST.get("to", "").partition(":")
    center_id = session.counter.agency_id
    to_service = to_counter = None
    if kind == "service" and pk.isdigit():
        to_service = TicketService.objects.filter(pk=int(pk), center_id=center_id).first()
    elif kind == "counter" and pk.isdigit():
        to_counter = Counter.objects.filter(pk=int(pk), agency_id=center_id).first()
    if to_service is None and to_counter is None:
        raise ValidationError({"to": [_("Hãy chọn một dịch vụ hoặc một quầy để chuyển đến.")]})
    ticket = services.ticket_transfer(
        session=session, ticket_id=ticket_id, to_service=to_service, to_counter=to_counter
    )
    target = (
        _("quầy số %(n)s") % {"n": to_counter.number}
        if to_counter
        else (to_service.name if to_service else "")
    )
    return _("Đã chuyển số %(t)s đến %(to)s.") % {"t": ticket.display, "to": target}


# --- Rating -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_required
def rating(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    """The one-tap satisfaction screen, turned towards the citizen after a finished ticket."""
    ticket = get_object_or_404(Ticket.objects.select_related("counter", "service"), pk=ticket_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.ticket_rate(
                by=_user(request), ticket_id=ticket.pk, level=request.POST.get("level", "")
            )
        except services.QueueRefused as refusal:
            error, status = refusal.messages[0], 409
        except ValidationError as invalid:
            error, status = invalid.messages[0], 400
        else:
            return render(request, "tickets/rating_thanks.html", {"ticket": ticket})
    elif TicketRating.objects.filter(ticket=ticket).exists():
        error = _("Số %(t)s đã được đánh giá.") % {"t": ticket.display}
    return render(
        request,
        "tickets/rating.html",
        {"ticket": ticket, "levels": list(Satisfaction), "error": error},
        status=status,
    )


# --- Statistics ---------------------------------------------------------------------------------
def _manager_center(request: HttpRequest, center_id: int) -> Agency:
    center = get_object_or_404(Agency, pk=center_id)
    if not selectors.may_manage(user=_user(request), center_id=center.pk):
        raise PermissionDenied(_("Chỉ lãnh đạo, quản trị của trung tâm xem được thống kê này."))
    return center


def _range(request: HttpRequest) -> tuple[dt.date, dt.date, dict[str, str], dict[str, str]]:
    """The date range from ``?tu=&den=`` (default: the last 7 days); errors by field."""
    today = selectors.local_day()
    values = {"tu": request.GET.get("tu", ""), "den": request.GET.get("den", "")}
    errors: dict[str, str] = {}
    parsed: dict[str, dt.date] = {}
    for name, default in (("tu", today - dt.timedelta(days=6)), ("den", today)):
        if not values[name]:
            parsed[name] = default
            continue
        try:
            parsed[name] = dt.date.fromisoformat(values[name])
        except ValueError:
            errors[name] = _("Ngày không hợp lệ; hãy chọn ngày theo dạng ngày/tháng/năm.")
            parsed[name] = default
    if not errors and parsed["tu"] > parsed["den"]:
        errors["den"] = _("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
    if not errors and (parsed["den"] - parsed["tu"]).days > stats.MAX_DAYS:
        errors["den"] = _("Chọn khoảng tối đa %(n)d ngày.") % {"n": stats.MAX_DAYS}
    return parsed["tu"], parsed["den"], values, errors


@require_GET
@staff_required
def stats_page(request: HttpRequest, center_id: int) -> HttpResponse:
    center = _manager_center(request, center_id)
    start, end, values, errors = _range(request)
    report = None if errors else stats.queue_stats(center_id=center.pk, start=start, end=end)
    return render(
        request,
        "tickets/stats.html",
        {
            "center": center,
            "report": report,
            "values": values,
            "errors": errors,
            "start": start,
            "end": end,
        },
        status=400 if errors else 200,
    )


@require_GET
@staff_required
def stats_csv(request: HttpRequest, center_id: int) -> HttpResponse:
    center = _manager_center(request, center_id)
    start, end, _values, errors = _range(request)
    if errors:
        return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain")
    report = stats.queue_stats(center_id=center.pk, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-xep-hang-{center.pk}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(stats.csv_header())
    writer.writerows(stats.csv_rows(report))
    return response
