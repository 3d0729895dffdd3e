"""Reads for the staff workspace: the work waiting for one official, as named queues.

One selector per queue, :func:`queue_dossiers`, serves both the list and the
count (:func:`queue_counts` aggregates the very same filters), so a count on the
staff home always equals the length of the list it links to. Everything is
scoped by :func:`motcua.dossiers.selectors.dossier_access_q` (jurisdiction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import add_working_time
from motcua.core.text import fold
from motcua.dossiers.constants import Channel, DossierStatus, PartyRole
from motcua.dossiers.models import Dossier, Party
from motcua.dossiers.selectors import dossier_access_q
from motcua.organisations.constants import Role
from motcua.organisations.jurisdiction import ACTING_ROLES
from motcua.organisations.models import Agency, StaffMembership, valid_on_q
from motcua.organisations.selectors import today

S = DossierStatus
# Statuses in which the dossier's clock runs (not paused, not finished).
RUNNING = (S.RECEIVED, S.PROCESSING)
# The statuses of every queue together (each queue_q requires one of them).
QUEUE_STATUSES = (
    S.SUBMITTED,
    *RUNNING,
    S.AWAITING_SUPPLEMENT,
    S.AWAITING_PAYMENT,
    S.RESOLVED,
    S.STOPPED,
)


class Queue(StrEnum):
    """The named queues of the staff home; the value is the URL slug."""

    TO_CHECK = "can-kiem-tra"
    MY_STEP = "buoc-cua-toi"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"
    SUPPLEMENT = "cho-bo-sung"
    PAYMENT = "cho-nghia-vu-tai-chinh"
    TO_RETURN = "cho-tra-ket-qua"
    STOPPED = "dung-xu-ly"

    @property
    def label(self) -> str | Promise:
        return QUEUE_LABELS[self]


QUEUE_LABELS: dict[Queue, str | Promise] = {
    Queue.TO_CHECK: _("Hồ sơ trực tuyến cần kiểm tra"),
    Queue.MY_STEP: _("Đang chờ tôi xử lý"),
    Queue.DUE_SOON: _("Đến hạn trong 1 ngày làm việc"),
    Queue.OVERDUE: _("Quá hạn"),
    Queue.SUPPLEMENT: _("Chờ bổ sung"),
    Queue.PAYMENT: _("Chờ thực hiện nghĩa vụ tài chính"),
    Queue.TO_RETURN: _("Chờ trả kết quả"),
    Queue.STOPPED: _("Dừng xử lý"),
}


def memberships_today(
    *, user: User, roles: Iterable[Role] | None = None
) -> QuerySet[StaffMembership]:
    """``user``'s memberships valid today in an agency valid today (``roles``: only those).

    The one filter behind every "who holds which role where" of the workspace
    (the desk, its tools, reception, the counter, oversight).
    """
    day = today()
    rows = StaffMembership.objects.filter(valid_on_q(day), valid_on_q(day, "agency__"), user=user)
    return rows if roles is None else rows.filter(role__in=sorted(roles))


def assign_candidates(*, dossier: Dossier) -> list[User]:
    """Officers the engine accepts as the handler of ``dossier``'s current step; one query.

    Active staff acting in the competent agency today, in the step's role (any
    acting role without a workflow step): the rule
    :func:`motcua.dossiers.services._do_assign` checks (and still decides).
    Sorted by name in Python, so both databases give the same order.
    """
    day = today()
    step = dossier.current_step
    users = {
        m.user.pk: m.user
        for m in StaffMembership.objects.filter(
            valid_on_q(day),
            valid_on_q(day, "agency__"),
            agency_id=dossier.competent_agency_id,
            role__in=[step.role] if step is not None else sorted(ACTING_ROLES),
            user__is_active=True,
            user__kind=UserKind.STAFF,
        ).select_related("user")
    }
    return sorted(users.values(), key=lambda u: (str(u).casefold(), u.username))


@dataclass(frozen=True)
class Desk:
    """Who is looking and when: the official, their acting roles per agency, the clock."""

    user: User
    roles: dict[int, frozenset[Role]]
    now: dt.datetime
    # Due "within 1 working day": due at or before this instant (and not yet overdue).
    soon: dt.datetime


@dataclass(frozen=True)
class Filters:
    """What an official narrows a queue by; empty values do not filter."""

    procedure: str = ""  # national procedure code
    field: str = ""  # procedure field code
    agency: str = ""  # identifier code of the receiving or competent agency
    channel: Channel | None = None
    q: str = ""


def desk_for(*, user: User, now: dt.datetime | None = None) -> Desk:
    """The official's desk: acting roles per agency (one query) and the 1-day horizon
    (:func:`one_working_day_from`, on the calendar of the official's first agency)."""
    now = now or timezone.now()
    roles: dict[int, set[Role]] = {}
    rows = memberships_today(user=user, roles=ACTING_ROLES).values_list("agency_id", "role")
    for agency_id, role in rows:
        roles.setdefault(agency_id, set()).add(Role(role))
    return Desk(
        user=user,
        roles={a: frozenset(r) for a, r in roles.items()},
        now=now,
        soon=one_working_day_from(now, agency_ids=roles),
    )


def one_working_day_from(now: dt.datetime, *, agency_ids: Iterable[int]) -> dt.datetime:
    """The "due within 1 working day" horizon of the staff home and of oversight; one query.

    Counted on the working calendar of the first of ``agency_ids`` (all agencies
    of a province share the national calendar unless one announces days of its own).
    """
    first = min(agency_ids, default=None)
    agency = Agency.objects.filter(pk=first).first() if first is not None else None
    cal = work_calendar_for(agency=agency)
    return add_working_time(now, dt.timedelta(hours=float(cal.hours_per_working_day)), cal)


def queue_q(desk: Desk, queue: Queue) -> Q:
    """The filter that defines ``queue`` for this desk (within the jurisdiction)."""
    one_stops = [a for a, roles in desk.roles.items() if Role.RECEPTION_OFFICER in roles]
    if queue is Queue.TO_CHECK:
        return Q(status=S.SUBMITTED, received_by_id__in=one_stops)
    if queue is Queue.MY_STEP:
        # Received at my one-stop and not yet handed to the competent agency's
        # workflow, or processing at a step of my role (or assigned to me).
        mine = Q(handler=desk.user)
        for agency_id, roles in desk.roles.items():
            mine |= Q(competent_agency_id=agency_id, current_step__role__in=sorted(roles))
        return Q(status=S.RECEIVED, received_by_id__in=one_stops) | (Q(status=S.PROCESSING) & mine)
    if queue is Queue.DUE_SOON:
        return Q(status__in=RUNNING, due_at__gte=desk.now, due_at__lte=desk.soon)
    if queue is Queue.OVERDUE:
        return Q(status__in=RUNNING, due_at__lt=desk.now)
    status = {
        Queue.SUPPLEMENT: S.AWAITING_SUPPLEMENT,
        Queue.PAYMENT: S.AWAITING_PAYMENT,
        Queue.TO_RETURN: S.RESOLVED,
        Queue.STOPPED: S.STOPPED,
    }[queue]
    return Q(status=status)


def filters_q(filters: Filters) -> Q:
    """The filter for procedure, field, agency, channel and the search text."""
    q = Q()
    if filters.procedure:
        q &= Q(procedure_version__procedure__national_code=filters.procedure)
    if filters.field:
        q &= Q(procedure_version__field__code=filters.field)
    if filters.agency:
        q &= Q(received_by__code=filters.agency) | Q(competent_agency__code=filters.agency)
    if filters.channel is not None:
        q &= Q(channel=filters.channel)
    text = filters.q.strip()
    if text:
        folded = fold(text)
        match = Q(identity_number=text) | Q(tax_code=text)
        if folded:
            match |= Q(search_name__contains=folded)
        parties = Party.objects.filter(match, dossier_id=OuterRef("pk"))
        q &= Q(code__icontains=text) | Q(Exists(parties))
    return q


def _scoped(desk: Desk, filters: Filters) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_access_q(user=desk.user)).filter(filters_q(filters))


def queue_dossiers(
    *, desk: Desk, queue: Queue, filters: Filters | None = None
) -> QuerySet[Dossier]:
    """The dossiers of ``queue``, soonest deadline first, with what a list row shows.

    The rows a list shows (procedure, variant, agencies, step, handler, the
    owner's name) come in the same query: one query per page whatever its size.
    """
    owner = Party.objects.filter(dossier_id=OuterRef("pk"), role=PartyRole.OWNER)
    return (
        _scoped(desk, filters or Filters())
        .filter(queue_q(desk, queue))
        .select_related(
            "procedure_version",
            "received_by",
            "competent_agency",
            "current_step",
            "handler",
        )
        .annotate(owner_name=Subquery(owner.values("full_name")[:1]))
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def queue_counts(*, desk: Desk, filters: Filters | None = None) -> dict[Queue, int]:
    """How many dossiers each queue holds, in one query, with the lists' own filters."""
    # Every queue lies within these statuses: counting only them lets the
    # indexes skip the finished dossiers (most of them; gh-6 item 13).
    row = (
        _scoped(desk, filters or Filters())
        .filter(status__in=QUEUE_STATUSES)
        .aggregate(**{queue.name: Count("pk", filter=queue_q(desk, queue)) for queue in Queue})
    )
    return {queue: int(row[queue.name] or 0) for queue in Queue}


@dataclass(frozen=True)
class Tools:
    """Which of the workspace's tools the official's roles open (the home page's links)."""

    reception: bool  # receive at the counter, call tickets
    returning: bool  # return results at the counter
    fees: bool  # reconcile bank transfers
    oversight: bool  # oversight, reports and indices


def tools_for(*, user: User) -> Tools:
    """The official's tools from their roles valid today, in one query.

    The pages themselves check again; this only decides which links to show.
    """
    from motcua.payments.services import COLLECTOR_ROLES
    from motcua.postal.services import RETURN_ROLES

    from .oversight import OVERSIGHT_ROLES

    roles = {Role(role) for role in memberships_today(user=user).values_list("role", flat=True)}
    return Tools(
        reception=Role.RECEPTION_OFFICER in roles,
        returning=bool(roles & RETURN_ROLES),
        fees=bool(roles & COLLECTOR_ROLES),
        oversight=bool(roles & OVERSIGHT_ROLES),
    )
