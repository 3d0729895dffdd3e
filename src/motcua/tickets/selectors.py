"""Reads of the service-center queue (gh-7; domain.md §10).

``display_state`` feeds the waiting-room display (``broadcast.py`` sends it
with every event); ``ticket_position`` the ticket page and the phone follow
page; ``next_ticket_for`` is the call policy, used by ``services.call_next``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency, Counter, StaffMembership, valid_on_q

from .constants import AT_COUNTER, QUEUED, CallPolicy, CounterState, IntervalKind, TicketStatus
from .models import CounterSession, QueuePolicy, Ticket, TicketInterval, TicketService

# Tickets are dated in Vietnamese local time whatever the server's TIME_ZONE says.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# How many recent serving intervals of a service the wait estimate uses.
RECENT_SERVINGS = 20
# The display shows this many recent calls and next numbers per service.
DISPLAY_LAST_CALLS = 6
DISPLAY_NEXT = 5
# Who may open a counter and call numbers; who may see a center's statistics.
COUNTER_ROLES = (Role.RECEPTION_OFFICER, Role.RETURNER)
MANAGER_ROLES = (Role.AGENCY_LEADER, Role.DIVISION_HEAD, Role.SUPERVISOR, Role.ADMIN)


def local_day(at: dt.datetime | None = None) -> dt.date:
    return (at or timezone.now()).astimezone(VIETNAM).date()


def default_service_time() -> dt.timedelta:
    """Serving time assumed before a center has any history (setting, in minutes)."""
    return dt.timedelta(minutes=float(settings.MOTCUA_QUEUE_DEFAULT_SERVICE_MINUTES))


# --- Policy -------------------------------------------------------------------------------------
def policy_of(*, center_id: int) -> QueuePolicy:
    """The center's call policy; an unsaved default (priority first) when none is configured."""
    policy = QueuePolicy.objects.filter(center_id=center_id).first()
    return policy or QueuePolicy(center_id=center_id)


def counter_services(*, counter: Counter) -> list[TicketService]:
    """The active services ``counter`` calls, in kiosk order."""
    return list(
        TicketService.objects.filter(counters=counter, is_active=True).order_by(
            "position", "prefix"
        )
    )


def _normal_last() -> Case:
    """Order key: priority tickets (any reason) before normal ones."""
    return Case(When(priority="", then=Value(1)), default=Value(0), output_field=IntegerField())


def _queued(*, day: dt.date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(day=day, status__in=QUEUED)


def queue_for_counter(*, counter: Counter, day: dt.date) -> QuerySet[Ticket]:
    """Tickets this counter may call: its services' queues (not sent to another counter),
    and tickets transferred to it by name."""
    services = TicketService.objects.filter(counters=counter, is_active=True)
    return _queued(day=day).filter(
        Q(service__in=services, target_counter__isnull=True) | Q(target_counter=counter)
    )


def _priority_due(*, counter: Counter, policy: QueuePolicy, day: dt.date) -> bool:
    """Whether a priority ticket should be called now at ``counter``.

    Priority first: always. Interleaved: once ``interleave_every`` normal
    tickets were called at this counter since its last priority call today
    (and at the first call of the day). FIFO: never.
    """
    if policy.policy == CallPolicy.FIFO:
        return False
    if policy.policy == CallPolicy.PRIORITY_FIRST:
        return True
    recent = list(
        TicketInterval.objects.filter(
            counter=counter, kind=IntervalKind.SERVING, start__date__gte=day - dt.timedelta(days=1)
        )
        .filter(ticket__day=day)
        .order_by("-start", "-id")
        .values_list("ticket__priority", flat=True)[: policy.interleave_every]
    )
    if not recent:
        return True
    normals_since = 0
    for priority in recent:
        if priority:
            break
        normals_since += 1
    return normals_since >= policy.interleave_every


def next_ticket_for(
    *, counter: Counter, day: dt.date, exclude: Collection[int] = ()
) -> Ticket | None:
    """The ticket "call next" takes at ``counter``, by its center's policy (not locked).

    FIFO within each class; a transferred ticket keeps the time it was taken.
    ``exclude``: ids to pass over (tickets another counter is calling right now).
    """
    policy = policy_of(center_id=counter.agency_id)
    queue = queue_for_counter(counter=counter, day=day).order_by("created_at", "id")
    if exclude:
        queue = queue.exclude(pk__in=list(exclude))
    if _priority_due(counter=counter, policy=policy, day=day):
        first = queue.exclude(priority="").first()
        if first is not None:
            return first
    if policy.policy == CallPolicy.FIFO:
        return queue.first()
    return queue.filter(priority="").first() or queue.first()


# --- Position and estimated wait ----------------------------------------------------------------
def people_ahead(*, ticket: Ticket) -> int:
    """How many queued tickets of the ticket's service will be called before it (by policy).

    Interleaved: a normal ticket lets one priority ticket pass per
    ``interleave_every`` normal tickets ahead of it; a priority ticket waits
    for the priority tickets before it and the normal ones called between.
    """
    return people_ahead_of(tickets=[ticket]).get(ticket.pk, 0)


def people_ahead_of(*, tickets: Collection[Ticket]) -> dict[int, int]:
    """``people_ahead`` of each ticket, by id: one query per center plus one, however many.

    "Call next" checks a dozen tickets for their "turn is near" SMS while it
    holds the counter's lock, so the queues are read once, not once per ticket.
    """
    queued = [t for t in tickets if t.status in QUEUED]
    if not queued:
        return {t.pk: 0 for t in tickets}
    policies = {c: policy_of(center_id=c) for c in {t.center_id for t in queued}}
    rows: dict[tuple[dt.date, int], list[tuple[str, dt.datetime, int]]] = {}
    for day, service_id, priority, created_at, pk in Ticket.objects.filter(
        day__in={t.day for t in queued},
        status__in=QUEUED,
        service_id__in={t.service_id for t in queued},
    ).values_list("day", "service_id", "priority", "created_at", "id"):
        rows.setdefault((day, service_id), []).append((priority, created_at, pk))
    ahead = {t.pk: 0 for t in tickets}
    for t in queued:
        others = [r for r in rows.get((t.day, t.service_id), []) if r[2] != t.pk]
        ahead[t.pk] = _ahead(t, others=others, policy=policies[t.center_id])
    return ahead


def _ahead(
    ticket: Ticket, *, others: list[tuple[str, dt.datetime, int]], policy: QueuePolicy
) -> int:
    """The arithmetic of ``people_ahead``: ``others`` are (priority, created_at, id) rows."""
    before = [
        p
        for p, c, i in others
        if c < ticket.created_at or (c == ticket.created_at and i < ticket.pk)
    ]
    prio_before = sum(1 for p in before if p)
    normal_before = len(before) - prio_before
    prio_all = sum(1 for p, _c, _i in others if p)
    normal_all = len(others) - prio_all
    if policy.policy == CallPolicy.FIFO:
        return len(before)
    if policy.policy == CallPolicy.PRIORITY_FIRST:
        return prio_before if ticket.is_priority else normal_before + prio_all
    every = max(policy.interleave_every, 1)
    if ticket.is_priority:
        return prio_before + min(normal_all, prio_before * every)
    return normal_before + min(prio_all, -(-normal_before // every))


def serving_time(*, service: TicketService) -> dt.timedelta:
    """Median of the service's last ``RECENT_SERVINGS`` serving intervals.

    Falls back to the center's recent serving intervals (any service), then
    to ``default_service_time()``.
    """
    base = TicketInterval.objects.filter(kind=IntervalKind.SERVING, end__isnull=False)
    for scope in (base.filter(service=service), base.filter(service__center_id=service.center_id)):
        rows = list(scope.order_by("-end").values_list("start", "end")[:RECENT_SERVINGS])
        if rows:
            seconds = [(e - s).total_seconds() for s, e in rows if e is not None]
            return dt.timedelta(seconds=statistics.median(seconds))
    return default_service_time()


def open_counters(*, service: TicketService) -> int:
    """Counters of the service open now (a paused one is not serving)."""
    return CounterSession.objects.filter(
        counter__ticket_services=service, closed_at__isnull=True, state=CounterState.OPEN
    ).count()


def estimated_wait(*, service: TicketService, ahead: int) -> dt.timedelta:
    """Median recent serving time × people ahead ÷ open counters serving the service.

    With no counter open yet, the counters assigned to the service are
    assumed to open (at least one).
    """
    if ahead <= 0:
        return dt.timedelta(0)
    counters = open_counters(service=service) or max(
        service.counters.filter(is_active=True).count(), 1
    )
    return serving_time(service=service) * ahead / counters


@dataclass(frozen=True)
class Position:
    ticket: Ticket
    ahead: int
    wait: dt.timedelta
    counters: list[Counter]

    @property
    def wait_minutes(self) -> int:
        return round(self.wait.total_seconds() / 60)

    @property
    def message(self) -> str:
        """One sentence for the citizen about where their ticket stands."""
        t = self.ticket
        if t.status in QUEUED:
            if self.ahead == 0:
                return _("Bạn là người tiếp theo, xin chuẩn bị.")
            return ngettext(
                "Còn %(n)d người trước bạn.", "Còn %(n)d người trước bạn.", self.ahead
            ) % {"n": self.ahead}
        if t.status in (TicketStatus.CALLED, TicketStatus.SERVING) and t.counter is not None:
            return _("Mời số %(t)s đến quầy số %(n)s.") % {"t": t.display, "n": t.counter.number}
        if t.status == TicketStatus.ON_HOLD:
            return _("Quầy đang tạm dừng, xin vui lòng chờ.")
        if t.status == TicketStatus.DONE:
            return _("Đã phục vụ xong. Cảm ơn bạn.")
        return _("Số đã qua vì bạn vắng mặt khi được gọi. Hãy lấy số mới hoặc hỏi cán bộ.")

    def as_dict(self) -> dict[str, Any]:
        t = self.ticket
        return {
            "ticket": t.display,
            "status": t.status,
            "status_label": str(t.get_status_display()),
            "service": t.service.name,
            "ahead": self.ahead,
            "wait_minutes": self.wait_minutes,
            "counter": t.counter.number if t.counter_id and t.counter else None,
            "counters": [c.number for c in self.counters],
            "called_at": t.called_at.isoformat() if t.called_at else None,
            "message": self.message,
        }


def ticket_by_key(*, key: str) -> Ticket | None:
    return (
        Ticket.objects.select_related("service", "center", "counter", "target_counter")
        .filter(follow_key=key)
        .first()
    )


def ticket_position(*, ticket: Ticket) -> Position:
    ahead = people_ahead(ticket=ticket)
    if ticket.target_counter_id is not None and ticket.target_counter is not None:
        counters = [ticket.target_counter]
    else:
        counters = list(ticket.service.counters.filter(is_active=True).order_by("number"))
    return Position(
        ticket=ticket,
        ahead=ahead,
        wait=estimated_wait(service=ticket.service, ahead=ahead),
        counters=counters,
    )


# --- Display ------------------------------------------------------------------------------------
def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def display_state(*, center_id: int) -> dict[str, Any]:
    """What the waiting-room display shows, JSON-serialisable (a fixed number of queries).

    ``counters``: every active counter with its state and the ticket at it;
    ``last_calls``: the latest calls and recalls of the day, most recent first;
    ``waiting``: per active service, how many wait and the next numbers in
    call order.
    """
    now = timezone.now()
    day = local_day(now)
    center = Agency.objects.only("id", "name").get(pk=center_id)
    policy = policy_of(center_id=center_id)
    sessions = CounterSession.objects.filter(closed_at__isnull=True)
    counters = list(
        Counter.objects.filter(agency_id=center_id, is_active=True)
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="open_sessions"))
        .order_by("number")
    )
    at_counter = {
        t.counter_id: t
        for t in Ticket.objects.filter(center_id=center_id, status__in=AT_COUNTER)
        .select_related("service")
        .order_by("called_at")
    }
    counter_rows = []
    for counter in counters:
        open_sessions: list[CounterSession] = getattr(counter, "open_sessions", [])
        session = open_sessions[0] if open_sessions else None
        ticket = at_counter.get(counter.pk)
        counter_rows.append(
            {
                "number": counter.number,
                "name": counter.name,
                "state": session.state if session else "closed",
                "pause_reason": session.pause_reason if session else "",
                "ticket": ticket.display if ticket else None,
                "service": ticket.service.name if ticket else None,
            }
        )
    calls = (
        Ticket.objects.filter(center_id=center_id, day=day, called_at__isnull=False)
        .select_related("service", "counter")
        .order_by("-called_at", "-id")[:DISPLAY_LAST_CALLS]
    )
    last_calls = [
        {
            "ticket": t.display,
            "counter": t.counter.number if t.counter else None,
            "counter_name": t.counter.name if t.counter else "",
            "service": t.service.name,
            "status": t.status,
            "at": _iso(t.called_at),
        }
        for t in calls
    ]
    services = list(
        TicketService.objects.filter(center_id=center_id, is_active=True).order_by(
            "position", "prefix"
        )
    )
    queued = _queued(day=day).filter(center_id=center_id)
    if policy.policy == CallPolicy.FIFO:
        ordered = queued.order_by("created_at", "id")
    else:
        ordered = queued.order_by(_normal_last(), "created_at", "id")
    by_service: dict[int, list[str]] = {}
    for service_id, display in ordered.values_list("service_id", "display"):
        by_service.setdefault(service_id, []).append(display)
    waiting = [
        {
            "service": s.name,
            "prefix": s.prefix,
            "count": len(by_service.get(s.pk, [])),
            "next": by_service.get(s.pk, [])[:DISPLAY_NEXT],
        }
        for s in services
    ]
    return {
        "center": {"id": center.pk, "name": center.name},
        "counters": counter_rows,
        "last_calls": last_calls,
        "waiting": waiting,
        "at": now.isoformat(),
    }


# --- Staff --------------------------------------------------------------------------------------
def counters_for_officer(*, user: User) -> QuerySet[Counter]:
    """Active counters at the centers where ``user`` is a reception officer (or returner) today."""
    centers = StaffMembership.objects.filter(
        valid_on_q(local_day()), user=user, role__in=COUNTER_ROLES
    ).values("agency_id")
    return (
        Counter.objects.filter(agency_id__in=centers, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "number")
    )


def may_manage(*, user: User, center_id: int) -> bool:
    """Leaders, heads, supervisors and admins of the center see its queue statistics."""
    if user.is_superuser:
        return True
    return StaffMembership.objects.filter(
        valid_on_q(local_day()), user=user, agency_id=center_id, role__in=MANAGER_ROLES
    ).exists()


def centers_managed(*, user: User) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(counters__isnull=False).distinct().order_by("name")
    if user.is_superuser:
        return agencies
    ids = StaffMembership.objects.filter(
        valid_on_q(local_day()), user=user, role__in=MANAGER_ROLES
    ).values("agency_id")
    return agencies.filter(pk__in=ids)


def session_of(*, user: User) -> CounterSession | None:
    """The officer's open counter session, if any."""
    return (
        CounterSession.objects.filter(officer=user, closed_at__isnull=True)
        .select_related("counter", "counter__agency")
        .first()
    )


def ticket_at_counter(*, counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status__in=AT_COUNTER)
        .select_related("service")
        .order_by("-called_at")
        .first()
    )


def last_unrated_at_counter(*, counter: Counter) -> Ticket | None:
    """The counter's latest finished ticket not yet rated (offered on the rating screen)."""
    return (
        Ticket.objects.filter(counter=counter, status=TicketStatus.DONE, rating__isnull=True)
        .order_by("-finished_at")
        .first()
    )


def waiting_counts(*, counter: Counter) -> list[tuple[TicketService, int]]:
    """Per service the counter serves: how many wait (transfers to this counter included)."""
    day = local_day()
    services = counter_services(counter=counter)
    rows = list(queue_for_counter(counter=counter, day=day).values_list("service_id", flat=True))
    return [(s, sum(1 for r in rows if r == s.pk)) for s in services]


def ticket_for_reception(*, user: User, ticket_id: int) -> Ticket | None:
    """The ticket at ``user``'s counter that a reception started from (``?ve=<id>``), or None.

    Only a ticket called to the officer's own open counter qualifies, so a
    forged ``?ve=`` links nothing.
    """
    session = session_of(user=user)
    if session is None:
        return None
    return (
        Ticket.objects.filter(pk=ticket_id, counter_id=session.counter_id, status__in=AT_COUNTER)
        .select_related("service")
        .first()
    )
