"""Generated dossier histories for the supervision statistics tests (gh-8).

``make_org`` builds a small province that straddles the 01/07/2025
reorganisation:

    Province P (from 2000)
    ├── District D (until 30/06/2025)        UBND huyện D (until 30/06/2025)
    │   ├── Commune C1 (until 30/06/2025)    UBND xã C1 (until 30/06/2025)
    │   └── Commune C2 (until 30/06/2025)    UBND xã C2 (until 30/06/2025)
    ├── Commune N (from 01/07/2025, formed from C1 and C2)   Trung tâm PVHCC xã N
    └── Commune M (from 01/07/2025, no predecessor)          Trung tâm PVHCC xã M
    Trung tâm PVHCC tỉnh and Sở Tư pháp serve P.

``add_history`` writes a dossier and its events directly (as bench/seed.py
does, no service call), so the tests can generate many varied histories;
``oracle`` recomputes the counters from the events in plain Python,
independently of the SQL in ``aggregates``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from motcua.accounts.models import User
from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import Channel, DossierStatus, EventAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisations.constants import AdminUnitKind, AgencyKind, Role
from motcua.organisations.models import AdminUnit, Agency
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.constants import OnlineMode
from motcua.procedures.models import ProcedureVariant, ProcedureVersion
from motcua.procedures.tests.factories import ProcedureVersionFactory, VariantFactory
from motcua.ratings.constants import Satisfaction
from motcua.ratings.models import Rating

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = DossierStatus
A = EventAction
OLD_END = dt.date(2025, 6, 30)
NEW_FROM = dt.date(2025, 7, 1)
_codes = itertools.count(1)


def vn_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock instant in Huế."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@dataclass
class Org:
    province: AdminUnit
    district: AdminUnit
    c1: AdminUnit
    c2: AdminUnit
    n: AdminUnit
    m: AdminUnit
    centre: Agency
    department: Agency
    district_pc: Agency
    c1_pc: Agency
    c2_pc: Agency
    n_centre: Agency
    m_centre: Agency
    versions: list[ProcedureVersion]
    variants: list[ProcedureVariant]
    officers: list[User]
    supervisor: User
    n_leader: User
    m_leader: User
    specialist: User

    @property
    def agencies(self) -> list[Agency]:
        return [
            self.centre,
            self.department,
            self.district_pc,
            self.c1_pc,
            self.c2_pc,
            self.n_centre,
            self.m_centre,
        ]


def _unit(name: str, kind: AdminUnitKind, parent: AdminUnit | None, **validity: Any) -> AdminUnit:
    unit = AdminUnit(name=name, kind=kind, parent=parent, **validity)
    unit.full_clean()
    unit.save()
    return unit


def _agency(name: str, unit: AdminUnit, kind: AgencyKind, **validity: Any) -> Agency:
    return Agency.objects.create(name=name, unit=unit, kind=kind, **validity)


def make_org() -> Org:
    old = {"valid_from": dt.date(2000, 1, 1), "valid_to": OLD_END}
    new = {"valid_from": NEW_FROM}
    province = _unit("Phong Lâm", AdminUnitKind.PROVINCE, None, valid_from=dt.date(2000, 1, 1))
    district = _unit("Hòa Bình", AdminUnitKind.RURAL_DISTRICT, province, **old)
    c1 = _unit("Thượng Lộc", AdminUnitKind.COMMUNE, district, **old)
    c2 = _unit("Hạ Lộc", AdminUnitKind.COMMUNE, district, **old)
    n = _unit("Lộc An", AdminUnitKind.COMMUNE, province, **new)
    n.predecessors.set([c1, c2])
    m = _unit("Sơn Thủy", AdminUnitKind.COMMUNE, province, **new)
    since_2000 = {"valid_from": dt.date(2000, 1, 1)}
    centre = _agency("Trung tâm PVHCC tỉnh", province, AgencyKind.SERVICE_CENTER, **since_2000)
    department = _agency("Sở Tư pháp", province, AgencyKind.DEPARTMENT, **since_2000)
    district_pc = _agency("UBND huyện Hòa Bình", district, AgencyKind.PEOPLES_COMMITTEE, **old)
    c1_pc = _agency("UBND xã Thượng Lộc", c1, AgencyKind.PEOPLES_COMMITTEE, **old)
    c2_pc = _agency("UBND xã Hạ Lộc", c2, AgencyKind.PEOPLES_COMMITTEE, **old)
    n_centre = _agency("Trung tâm PVHCC xã Lộc An", n, AgencyKind.SERVICE_CENTER, **new)
    m_centre = _agency("Trung tâm PVHCC xã Sơn Thủy", m, AgencyKind.SERVICE_CENTER, **new)
    versions = [
        ProcedureVersionFactory(name="Đăng ký khai sinh", online_mode=OnlineMode.FULL),
        ProcedureVersionFactory(name="Cấp giấy phép xây dựng", online_mode=OnlineMode.PARTIAL),
    ]
    variants = [VariantFactory(version=v, code="thong-thuong") for v in versions]
    officers = [
        MembershipFactory(
            agency=centre, role=Role.SPECIALIST, user__full_name=f"Cán bộ {name}"
        ).user
        for name in ("An", "Bình", "Chi")
    ]
    member = {"valid_from": dt.date(2000, 1, 1)}
    supervisor = MembershipFactory(
        agency=centre, role=Role.SUPERVISOR, user__full_name="Giám sát Tỉnh", **member
    ).user
    n_leader = MembershipFactory(
        agency=n_centre, role=Role.AGENCY_LEADER, user__full_name="Lãnh đạo Lộc An"
    ).user
    m_leader = MembershipFactory(
        agency=m_centre, role=Role.AGENCY_LEADER, user__full_name="Lãnh đạo Sơn Thủy"
    ).user
    specialist = officers[0]
    User.objects.filter(pk__in=[u.pk for u in [*officers, supervisor, n_leader, m_leader]]).update(
        is_demo=True
    )
    return Org(
        province,
        district,
        c1,
        c2,
        n,
        m,
        centre,
        department,
        district_pc,
        c1_pc,
        c2_pc,
        n_centre,
        m_centre,
        list(versions),
        list(variants),
        officers,
        supervisor,
        n_leader,
        m_leader,
        specialist,
    )


# Paths through the statuses (each edge is one event); the first status is the entry.
PATHS: dict[str, list[DossierStatus]] = {
    "refused": [S.SUBMITTED, S.REFUSED],
    "submitted": [S.SUBMITTED],
    "received": [S.RECEIVED],
    "processing": [S.RECEIVED, S.PROCESSING],
    "supplement": [S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT],
    "paused_twice": [
        S.RECEIVED,
        S.PROCESSING,
        S.AWAITING_SUPPLEMENT,
        S.PROCESSING,
        S.AWAITING_PAYMENT,
        S.PROCESSING,
        S.RESOLVED,
        S.RETURNED,
    ],
    "resolved": [S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.RESOLVED],
    "returned": [S.RECEIVED, S.PROCESSING, S.RESOLVED, S.RETURNED],
    "immediate": [S.RETURNED],
    "withdrawn": [S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.WITHDRAWN],
    "stopped": [S.RECEIVED, S.PROCESSING, S.STOPPED],
}
ACTION_TO: dict[DossierStatus, EventAction] = {
    S.SUBMITTED: A.SUBMIT,
    S.RECEIVED: A.RECEIVE,
    S.REFUSED: A.REFUSE,
    S.PROCESSING: A.TRANSFER,
    S.AWAITING_SUPPLEMENT: A.REQUEST_SUPPLEMENT,
    S.AWAITING_PAYMENT: A.PAUSE_FINANCIAL,
    S.RESOLVED: A.ISSUE_RESULT,
    S.RETURNED: A.RETURN_RESULT,
    S.WITHDRAWN: A.WITHDRAW,
    S.STOPPED: A.STOP,
}


def add_history(
    org: Org,
    *,
    agency: Agency,
    version: int,
    channel: Channel,
    path: str,
    start: dt.datetime,
    gaps_hours: list[int] | None = None,
    actors: list[int | None] | None = None,
    timeliness: Timeliness = Timeliness.ON_TIME,
    due_in_hours: int = 72,
    rating: Satisfaction | None = None,
) -> Dossier:
    """A dossier that went through ``PATHS[path]``, one event per status, ``gaps_hours`` apart."""
    statuses = PATHS[path]
    gaps = gaps_hours or [5] * len(statuses)
    who = actors or [0] * len(statuses)
    at = start
    instants = []
    for i in range(len(statuses)):
        if i:
            at = at + dt.timedelta(hours=gaps[(i - 1) % len(gaps)], minutes=7)
        instants.append(at)
    received_at = next(
        (t for s, t in zip(statuses, instants, strict=True) if s not in (S.SUBMITTED, S.REFUSED)),
        None,
    )
    finished_at = next(
        (t for s, t in zip(statuses, instants, strict=True) if s in (S.RESOLVED, S.RETURNED)),
        None,
    )
    returned_at = next(
        (t for s, t in zip(statuses, instants, strict=True) if s == S.RETURNED), None
    )
    n = next(_codes)
    dossier = Dossier.objects.create(
        code=f"TEST-{n:06d}",
        lookup_key="K" * 8,
        procedure_version=org.versions[version],
        variant=org.variants[version],
        channel=channel,
        received_by=agency,
        competent_agency=agency,
        status=statuses[-1],
        submitted_at=instants[0] if statuses[0] == S.SUBMITTED else None,
        received_at=received_at,
        due_at=received_at + dt.timedelta(hours=due_in_hours) if received_at else None,
        finished_at=finished_at,
        returned_at=returned_at,
        timeliness=timeliness if finished_at else "",
    )
    previous: DossierStatus | None = None
    for seq, (status, instant) in enumerate(zip(statuses, instants, strict=True), start=1):
        actor_index = who[(seq - 1) % len(who)]
        DossierEvent.objects.create(
            dossier=dossier,
            seq=seq,
            at=instant,
            action=ACTION_TO[status],
            actor=None if actor_index is None else org.officers[actor_index],
            from_status=previous,
            to_status=status,
            hash=f"{n:060d}{seq:04d}",
        )
        previous = status
    if rating is not None and returned_at is not None:
        Rating.objects.create(
            dossier=dossier,
            level=rating,
            reason="Chậm" if rating == Satisfaction.NOT_SATISFIED else "",
            agency=agency,
            officer=org.officers[0],
            created_at=returned_at + dt.timedelta(hours=1),
        )
    return dossier


# --- the oracle: the definitions of aggregates.py, in plain Python ---------------------------

FINISHED_COLUMN = {
    Timeliness.EARLY: "finished_early",
    Timeliness.ON_TIME: "finished_on_time",
    Timeliness.LATE: "finished_late",
}
RATING_COLUMN = {
    Satisfaction.VERY_SATISFIED: "rated_very_satisfied",
    Satisfaction.SATISFIED: "rated_satisfied",
    Satisfaction.NOT_SATISFIED: "rated_not_satisfied",
}


def _day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(VN).date()


def oracle() -> Counter[tuple[Any, ...]]:
    """Daily counters recomputed from dossiers, events and ratings, keyed like ``DailyStat``.

    Key: (day, agency, procedure, field, officer or 0, channel, column); value: count
    (or seconds for ``finished_seconds``).
    """
    out: Counter[tuple[Any, ...]] = Counter()
    dossiers = Dossier.objects.select_related("procedure_version").prefetch_related("events")
    ratings = {r.dossier_id: r for r in Rating.objects.all()}
    for d in dossiers:
        v = d.procedure_version
        dims = (d.competent_agency_id, v.procedure_id, v.field_id, d.channel)
        events = sorted(d.events.all(), key=lambda e: e.seq)

        def add(
            event: DossierEvent, column: str, value: int = 1, dims: tuple[int, ...] = dims
        ) -> None:
            *where, channel = dims
            out[(_day(event.at), *where, event.actor_id or 0, channel, column)] += value

        def first(condition: Any, events: list[DossierEvent] = events) -> DossierEvent | None:
            return next((e for e in events if condition(e.to_status)), None)

        received = first(lambda s: s not in (S.SUBMITTED, S.REFUSED))
        if received is not None:
            add(received, "received")
            full = v.online_mode == OnlineMode.FULL
            if full and d.channel in (Channel.ONLINE, Channel.NATIONAL_PORTAL):
                add(received, "received_full_online")
        for status, column in (
            (S.REFUSED, "refused"),
            (S.WITHDRAWN, "withdrawn"),
            (S.STOPPED, "stopped"),
            (S.RETURNED, "returned"),
        ):
            event = first(lambda s, status=status: s == status)
            if event is not None:
                add(event, column)
        finished = first(lambda s: s in (S.RESOLVED, S.RETURNED))
        if finished is not None and d.timeliness in FINISHED_COLUMN:
            add(finished, FINISHED_COLUMN[Timeliness(d.timeliness)])
            if d.finished_at and d.received_at:
                seconds = int(d.finished_at.timestamp()) - int(d.received_at.timestamp())
                if seconds:
                    add(finished, "finished_seconds", seconds)
        paused_days: set[dt.date] = set()
        pause = (S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT)
        for e in events:
            if (
                e.to_status in pause
                and e.from_status not in pause
                and _day(e.at) not in paused_days
            ):
                paused_days.add(_day(e.at))
                add(e, "paused")
        rating = ratings.get(d.id)
        if rating is not None:
            column = RATING_COLUMN[Satisfaction(rating.level)]
            *where, channel = dims
            key = (_day(rating.created_at), *where, rating.officer_id or 0, channel, column)
            out[key] += 1
    return Counter({k: v for k, v in out.items() if v})


def stored() -> Counter[tuple[Any, ...]]:
    """``DailyStat`` as the oracle's keys (zero counters dropped)."""
    from motcua.supervision.aggregates import VALUE_COLUMNS
    from motcua.supervision.models import DailyStat

    out: Counter[tuple[Any, ...]] = Counter()
    for row in DailyStat.objects.all():
        key = (row.day, row.agency_id, row.procedure_id, row.field_id, row.officer_id, row.channel)
        for column in VALUE_COLUMNS:
            out[(*key, column)] += getattr(row, column)
    return Counter({k: v for k, v in out.items() if v})


def stored_monthly() -> Counter[tuple[Any, ...]]:
    from motcua.supervision.aggregates import VALUE_COLUMNS
    from motcua.supervision.models import MonthlyStat

    out: Counter[tuple[Any, ...]] = Counter()
    for row in MonthlyStat.objects.all():
        key = (row.month, row.agency_id, row.procedure_id, row.field_id, row.channel)
        for column in VALUE_COLUMNS:
            out[(*key, column)] += getattr(row, column)
    return Counter({k: v for k, v in out.items() if v})


def monthly_of(daily: Counter[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for (day, agency, procedure, field, _officer, channel, column), value in daily.items():
        out[(day.replace(day=1), agency, procedure, field, channel, column)] += value
    return Counter({k: v for k, v in out.items() if v})
