"""Per-agency figures of a period, from the dossier rows (gh-8 items 6–7).

What the quarterly one-stop report, the public transparency page and the
charts show for each agency: dossiers received (by channel), finished
(early / on time / late), still running at the end of the period (in time /
overdue), withdrawn and stopped, ratings. A dossier counts for its
competent agency, as in :mod:`motcua.supervision.indices` (same received
and finished filters). Five queries whatever the number of agencies or
dossiers. Only counts leave this module: never a name or an identity number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import Channel, DossierStatus, EventAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisations.models import Agency

from .indices import NOT_RECEIVED, ONLINE_CHANNELS, finished_q, ratings_by_agency, received_q
from .periods import Period
from .scope import Scope

S = DossierStatus
ENDED = (S.WITHDRAWN, S.STOPPED, *NOT_RECEIVED)


def ratio(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to four decimals, or ``None`` when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass
class UnitFigures:
    agency_id: int
    label: str
    received: int = 0
    received_counter: int = 0
    received_online: int = 0
    received_postal: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    running: int = 0
    running_overdue: int = 0
    withdrawn: int = 0
    stopped: int = 0
    rated: int = 0
    satisfied: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def running_in_time(self) -> int:
        return self.running - self.running_overdue

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.early + self.on_time, self.finished)

    @property
    def online_share(self) -> Decimal | None:
        return ratio(self.received_online, self.received)

    @property
    def satisfaction(self) -> Decimal | None:
        return ratio(self.satisfied, self.rated)

    def add(self, other: UnitFigures) -> None:
        for name in (
            "received",
            "received_counter",
            "received_online",
            "received_postal",
            "finished",
            "early",
            "on_time",
            "late",
            "running",
            "running_overdue",
            "withdrawn",
            "stopped",
            "rated",
            "satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def unit_figures(
    *, agencies: Iterable[Agency], period: Period, now: dt.datetime | None = None
) -> list[UnitFigures]:
    """One row per agency (in the order given), for ``period``; five queries."""
    agencies = list(agencies)
    now = now or timezone.now()
    lo, hi = period.bounds()
    scope = Scope(frozenset(a.pk for a in agencies), "")
    rows = {a.pk: UnitFigures(a.pk, a.display_name) for a in agencies}

    received = (
        Dossier.objects.filter(received_q(scope, period))
        .values("competent_agency_id")
        .annotate(
            n=Count("pk"),
            counter=Count("pk", filter=Q(channel=Channel.COUNTER)),
            online=Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)),
            postal=Count("pk", filter=Q(channel=Channel.POSTAL)),
        )
        .order_by()
    )
    for r in received:
        row = rows[r["competent_agency_id"]]
        row.received, row.received_counter = r["n"], r["counter"]
        row.received_online, row.received_postal = r["online"], r["postal"]

    finished = (
        Dossier.objects.filter(finished_q(scope, period))
        .values("competent_agency_id")
        .annotate(
            n=Count("pk"),
            early=Count("pk", filter=Q(timeliness=Timeliness.EARLY)),
            on_time=Count("pk", filter=Q(timeliness=Timeliness.ON_TIME)),
            late=Count("pk", filter=Q(timeliness=Timeliness.LATE)),
        )
        .order_by()
    )
    for f in finished:
        row = rows[f["competent_agency_id"]]
        row.finished, row.early, row.on_time, row.late = f["n"], f["early"], f["on_time"], f["late"]

    # Running at the end of the period (or now, for the current one): received before it
    # ends, not finished by then, and not ended otherwise (withdrawn, stopped, refused).
    as_of = min(now, hi)
    running = (
        Dossier.objects.filter(competent_agency_id__in=scope.agency_ids, received_at__lt=hi)
        .exclude(status__in=ENDED)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=hi))
        .values("competent_agency_id")
        .annotate(
            n=Count("pk"),
            # A dossier awaiting a supplement has a stopped clock (D6), as on the lateness page.
            overdue=Count("pk", filter=Q(due_at__lt=as_of) & ~Q(status=S.AWAITING_SUPPLEMENT)),
        )
        .order_by()
    )
    for run in running:
        row = rows[run["competent_agency_id"]]
        row.running, row.running_overdue = run["n"], run["overdue"]

    ended = (
        DossierEvent.objects.filter(
            dossier__competent_agency_id__in=scope.agency_ids,
            at__gte=lo,
            at__lt=hi,
            action__in=[EventAction.WITHDRAW, EventAction.STOP],
        )
        .values("dossier__competent_agency_id")
        .annotate(
            withdrawn=Count("pk", filter=Q(action=EventAction.WITHDRAW)),
            stopped=Count("pk", filter=Q(action=EventAction.STOP)),
        )
        .order_by()
    )
    for e in ended:
        row = rows[e["dossier__competent_agency_id"]]
        row.withdrawn, row.stopped = e["withdrawn"], e["stopped"]

    for agency_id, (satisfied, total) in ratings_by_agency(scope, period).items():
        rows[agency_id].rated, rows[agency_id].satisfied = total, satisfied
    return list(rows.values())


def total_of(rows: Iterable[UnitFigures], label: str) -> UnitFigures:
    total = UnitFigures(0, label)
    for row in rows:
        total.add(row)
    return total
