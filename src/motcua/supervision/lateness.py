"""Late work explained, not just counted (gh-8 item 3; NĐ 61 Art 19(9); domain.md §6.1 D5, D7).

For the late dossiers of a scope and period — finished late in the period, or
still running past their due instant — this module says which workflow step,
which unit and which officer used time beyond the step's budget, which linked
or coordinating agency answered late, whether an apology with a new
appointment (Mẫu 04) was sent, in time (at the latest one day before the due
date) or not, and whether the new appointment was kept.

Everything comes from the append-only history: a step *visit* opens on the
event that enters a step (its ``step_due_at`` is the step's deadline, pushed
back by any pause on the resuming event) and closes on the event that leaves
it. Its overrun is the working time between the step's deadline and the
moment it was left (or "now" for a step still running), in the competent
agency's calendar.

:func:`step_visits` is pure (a list of events in, visits out); index C2 of
:mod:`motcua.supervision.indices` uses it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.calendars.constants import Timeliness
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import WorkCalendar, working_time_between
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import (
    CoordinationRequest,
    Dossier,
    DossierEvent,
    Extension,
    LinkedLeg,
)
from motcua.organisations.models import Agency

from .periods import Period
from .scope import Scope

S = DossierStatus
FINISHED = (S.RESOLVED, S.RETURNED)
# The clock runs in these: a dossier here past its due instant is overdue now.
# (Paused dossiers, awaiting a supplement, have a stopped clock: D6.)
RUNNING = (S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT)
HOUR = Decimal("0.1")


def hours(delta: dt.timedelta) -> Decimal:
    """A duration in hours, one decimal."""
    return (Decimal(int(delta.total_seconds())) / 3600).quantize(HOUR, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class StepVisit:
    """One stay of a dossier at one workflow step."""

    step_id: int
    entered_at: dt.datetime
    due_at: dt.datetime | None
    left_at: dt.datetime | None  # None: still at this step
    handler_id: int | None
    timeliness: Timeliness | None  # as the engine recorded on leaving (``step_timeliness``)

    def late_at(self, now: dt.datetime) -> bool:
        end = self.left_at or now
        return self.due_at is not None and end > self.due_at


def step_visits(events: Sequence[DossierEvent]) -> list[StepVisit]:
    """The step visits of one dossier, from its events in ``seq`` order. Pure."""
    visits: list[StepVisit] = []
    current: dict[str, object] | None = None

    def close(at: dt.datetime | None, timeliness: str | None) -> None:
        nonlocal current
        if current is None:
            return
        visits.append(
            StepVisit(
                step_id=current["step_id"],  # type: ignore[arg-type]
                entered_at=current["entered_at"],  # type: ignore[arg-type]
                due_at=current["due_at"],  # type: ignore[arg-type]
                left_at=at,
                handler_id=current["handler_id"],  # type: ignore[arg-type]
                timeliness=Timeliness(timeliness) if timeliness else None,
            )
        )
        current = None

    for event in events:
        data = event.data or {}
        leaving = current is not None and (
            event.to_step_id != current["step_id"] or "step_timeliness" in data
        )
        if leaving:
            close(event.at, data.get("step_timeliness"))
        if event.to_step_id is None:
            continue
        if current is None:
            current = {
                "step_id": event.to_step_id,
                "entered_at": event.at,
                "due_at": event.step_due_at,
                "handler_id": event.to_handler_id,
            }
        else:
            # Same step: a reassignment, a pause ending (deadline pushed back), an opinion asked.
            current["due_at"] = event.step_due_at
            if event.to_handler_id is not None:
                current["handler_id"] = event.to_handler_id
    if current is not None:
        close(None, None)
    return visits


def history_prefetch() -> Prefetch[str]:
    """The events :func:`step_visits` (and who acted) needs, in order, for a dossier list."""
    return Prefetch(
        "events",
        queryset=DossierEvent.objects.order_by("seq").only(
            "dossier_id",
            "seq",
            "at",
            "action",
            "actor_id",
            "to_step_id",
            "to_handler_id",
            "step_due_at",
            "data",
        ),
    )


# --- the late dossiers of a scope and period -------------------------------------------------


def late_q(*, scope: Scope, period: Period, now: dt.datetime) -> Q:
    """Dossiers of ``scope`` finished late in ``period``, or running past due at its end (now)."""
    lo, hi = period.bounds()
    as_of = min(now, hi)
    finished_late = Q(
        status__in=FINISHED, finished_at__gte=lo, finished_at__lt=hi, timeliness=Timeliness.LATE
    )
    overdue = Q(status__in=RUNNING, received_at__lt=hi, due_at__lt=as_of)
    return Q(competent_agency_id__in=scope.agency_ids) & (finished_late | overdue)


def late_dossiers(*, scope: Scope, period: Period, now: dt.datetime) -> QuerySet[Dossier]:
    """The late dossiers with everything the explanation needs: 4 queries, whatever their number."""
    return (
        Dossier.objects.filter(late_q(scope=scope, period=period, now=now))
        .select_related("procedure_version__procedure", "competent_agency", "extension")
        .prefetch_related(
            history_prefetch(),
            Prefetch("linked_legs", queryset=LinkedLeg.objects.select_related("agency")),
            Prefetch(
                "coordination_requests",
                queryset=CoordinationRequest.objects.select_related("agency"),
            ),
        )
        .order_by("due_at", "id")
    )


@dataclass(frozen=True)
class LateStep:
    step: str
    unit: str
    officer: str
    due_at: dt.datetime | None
    left_at: dt.datetime | None
    overrun_hours: Decimal


@dataclass(frozen=True)
class OtherAgencyDelay:
    """A linked leg or an opinion asked of another agency that came back late."""

    agency: str
    what: str  # "linked" or "coordination"
    due_at: dt.datetime
    done_at: dt.datetime | None


@dataclass(frozen=True)
class Apology:
    sent_at: dt.datetime
    old_due_at: dt.datetime
    new_due_at: dt.datetime
    in_time: bool  # at the latest one day before the old due date (NĐ 61 Art 19(9))
    kept: bool | None  # finished by the new date; None while running and not yet past it


@dataclass(frozen=True)
class LateDossier:
    code: str
    procedure_code: str
    procedure: str
    agency: str
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    overdue_hours: Decimal
    steps: list[LateStep]
    others: list[OtherAgencyDelay]
    apology: Apology | None


@dataclass
class Tally:
    """One row of a "top … by lateness" table."""

    label: str
    dossiers: int = 0
    late_steps: int = 0
    overrun_hours: Decimal = Decimal(0)
    _codes: set[str] = field(default_factory=set, repr=False)

    def add(self, code: str, overrun: Decimal = Decimal(0), *, step: bool = False) -> None:
        if code not in self._codes:
            self._codes.add(code)
            self.dossiers += 1
        if step:
            self.late_steps += 1
            self.overrun_hours += overrun


@dataclass(frozen=True)
class LatenessReport:
    scope: Scope
    period: Period
    now: dt.datetime
    dossiers: list[LateDossier]
    by_unit: list[Tally]
    by_officer: list[Tally]
    by_procedure: list[Tally]
    finished_late: int
    running_overdue: int
    apologies_sent: int  # APOLOGIZE events in the period, whatever the dossier's state
    apologies_in_time: int
    late_without_apology: int
    appointments_kept: int


def _calendars() -> Callable[[Agency], WorkCalendar]:
    cache: dict[int, WorkCalendar] = {}

    def get(agency: Agency) -> WorkCalendar:
        if agency.pk not in cache:
            cache[agency.pk] = work_calendar_for(agency=agency)
        return cache[agency.pk]

    return get


def _step_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    from motcua.procedures.models import WorkflowStep

    rows = WorkflowStep.objects.filter(pk__in=set(ids)).select_related("department__agency")
    return {
        s.pk: (s.name, f"{s.department.name} – {s.department.agency.display_name}")
        if s.department
        else (s.name, "")
        for s in rows
    }


def _officer_names(ids: Iterable[int]) -> dict[int, str]:
    from motcua.accounts.models import User

    return {
        u.pk: str(u) for u in User.objects.filter(pk__in=set(ids)).only("full_name", "username")
    }


def _apology(dossier: Dossier, now: dt.datetime) -> Apology | None:
    try:
        ext: Extension = dossier.extension
    except Extension.DoesNotExist:
        return None
    if dossier.finished_at is not None:
        kept: bool | None = dossier.finished_at <= ext.new_due_at
    else:
        kept = False if now > ext.new_due_at else None
    return Apology(
        sent_at=ext.created_at,
        old_due_at=ext.old_due_at,
        new_due_at=ext.new_due_at,
        in_time=ext.created_at <= ext.old_due_at - dt.timedelta(days=1),
        kept=kept,
    )


def lateness_report(
    *, scope: Scope, period: Period, now: dt.datetime | None = None, top: int = 10
) -> LatenessReport:
    """Explain the late dossiers of ``scope`` in ``period`` (see the module docstring)."""
    now = now or timezone.now()
    rows = list(late_dossiers(scope=scope, period=period, now=now))
    calendar = _calendars()
    visits = {d.pk: step_visits(list(d.events.all())) for d in rows}
    late_visits = {pk: [v for v in vs if v.late_at(now)] for pk, vs in visits.items()}
    steps = _step_names(v.step_id for vs in late_visits.values() for v in vs)
    officers = _officer_names(
        v.handler_id for vs in late_visits.values() for v in vs if v.handler_id
    )

    by_unit: dict[str, Tally] = {}
    by_officer: dict[str, Tally] = {}
    by_procedure: dict[str, Tally] = {}
    out: list[LateDossier] = []
    for d in rows:
        cal = calendar(d.competent_agency)
        agency_name = d.competent_agency.display_name
        version = d.procedure_version
        proc_key = version.procedure.national_code
        by_procedure.setdefault(proc_key, Tally(label=f"{proc_key} – {version.name}")).add(d.code)
        late_steps: list[LateStep] = []
        for v in late_visits[d.pk]:
            assert v.due_at is not None
            overrun = hours(working_time_between(v.due_at, v.left_at or now, cal))
            name, dept = steps.get(v.step_id, ("", ""))
            unit = dept or agency_name
            officer = officers.get(v.handler_id, "") if v.handler_id else ""
            late_steps.append(LateStep(name, unit, officer, v.due_at, v.left_at, overrun))
            by_unit.setdefault(unit, Tally(label=unit)).add(d.code, overrun, step=True)
            if officer:
                by_officer.setdefault(officer, Tally(label=officer)).add(d.code, overrun, step=True)
        others: list[OtherAgencyDelay] = []
        for leg in d.linked_legs.all():
            if (leg.done_at or now) > leg.due_at:
                others.append(
                    OtherAgencyDelay(leg.agency.display_name, "linked", leg.due_at, leg.done_at)
                )
        for ask in d.coordination_requests.all():
            if (ask.answered_at or now) > ask.due_at:
                others.append(
                    OtherAgencyDelay(
                        ask.agency.display_name, "coordination", ask.due_at, ask.answered_at
                    )
                )
        for other in others:
            by_unit.setdefault(other.agency, Tally(label=other.agency)).add(d.code)
        if not late_steps and not others:
            # Nothing in the steps explains it: the whole dossier is the competent agency's.
            by_unit.setdefault(agency_name, Tally(label=agency_name)).add(d.code)
        due = d.original_due_at or d.due_at
        overdue = hours(working_time_between(due, d.finished_at or now, cal)) if due else Decimal(0)
        out.append(
            LateDossier(
                code=d.code,
                procedure_code=proc_key,
                procedure=version.name,
                agency=agency_name,
                due_at=d.due_at,
                finished_at=d.finished_at,
                overdue_hours=overdue,
                steps=late_steps,
                others=others,
                apology=_apology(d, now),
            )
        )

    lo, hi = period.bounds()
    apologies_sent = DossierEvent.objects.filter(
        action=EventAction.APOLOGIZE,
        at__gte=lo,
        at__lt=hi,
        dossier__competent_agency_id__in=scope.agency_ids,
    ).count()

    def ranked(tallies: dict[str, Tally]) -> list[Tally]:
        return sorted(tallies.values(), key=lambda t: (-t.dossiers, -t.overrun_hours, t.label))[
            :top
        ]

    return LatenessReport(
        scope=scope,
        period=period,
        now=now,
        dossiers=out,
        by_unit=ranked(by_unit),
        by_officer=ranked(by_officer),
        by_procedure=ranked(by_procedure),
        finished_late=sum(1 for d in out if d.finished_at is not None),
        running_overdue=sum(1 for d in out if d.finished_at is None),
        apologies_sent=apologies_sent,
        apologies_in_time=sum(1 for d in out if d.apology and d.apology.in_time),
        late_without_apology=sum(1 for d in out if d.apology is None),
        appointments_kept=sum(1 for d in out if d.apology and d.apology.kept),
    )
