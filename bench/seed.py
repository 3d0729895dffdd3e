"""Seed a realistic history of N dossiers for statistics and load work (gh-4 item 14).

Run from the repository root:

    .venv/bin/python bench/seed.py [--dossiers 1000000] [--database-url URL] [--keep]

The database is created fresh by this script (default
``postgres://postgres@127.0.0.1:5432/motcua_seed``; an ``sqlite:///…`` URL
works too, with a smaller N), migrated, and loaded with the Huế demo
(``load_hue_demo()``). Then N dossiers are generated, day by day over
2025-07-01 … 2026-11-25, across the demo service centres and the procedures
they offer:

- channels: counter ~55 %, online ~40 %, postal ~5 %;
- each dossier lives its whole life on its agency's real calendar (cached, one
  per agency): reception in office hours, the due instant from the variant's
  duration (``workingtime.due_at``), workflow steps with their step deadlines,
  ~10 % with a supplement request (clock paused, deadline restarted), ~3 %
  with a financial pause, ~8 % finishing late (a third of those after an
  apology with a new appointment), refusals at the counter / after the online
  check / after a missed supplement deadline, withdrawals and stops, results
  issued and returned. The life is cut at 2026-11-25 23:59 (Vietnam time), so
  recent dossiers are naturally still submitted, received, processing or
  awaiting a supplement or payment;
- every event follows an edge of ``ACTION_EDGES`` / ``ALLOWED_TRANSITIONS``
  and carries the hash chain computed with ``history.event_hash`` (no query
  per row); codes are ``<agency>-<YYMMDD>-<NNNN>``, numbered 1..n per agency
  and day in reception order, with matching ``DossierCodeCounter`` rows;
- related rows: owner (and sometimes submitter) parties, delivery, fees,
  national sync state, supplement requests, clock pauses and apologies.
  E-form data and documents are not generated.

Rows are written in batches with PostgreSQL ``COPY`` (foreign-key triggers off
for the session: ``session_replication_role = replica``; the checks at the end
stand in for them) or ``bulk_create`` on other engines. No service is called per
dossier. The script prints progress, the generation and load rates, the mix it
produced, then verifies the hash chains of a random sample of 1,000 dossiers
with the ``verify_history`` logic and checks every code sequence against the
counters. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds calendar.py and queue.py, which would shadow the stdlib modules: replace the
# script's directory on the path with src/ (as bench/calendar.py does) before importing them.
sys.path[0] = str(ROOT / "src")

import queue  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_seed"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = dt.date(2025, 7, 1)
LAST_DAY = dt.date(2026, 11, 25)
HORIZON = dt.datetime(2026, 11, 25, 23, 59, 59, tzinfo=VN)  # nothing happens after this
SAMPLE = 1000  # dossiers whose hash chains are verified at the end

# Shares of a province's year (dossiers.py / domain.md §5; statistics of Huế, rounded).
CHANNEL_WEIGHTS = {1: 55, 2: 40, 3: 5}  # counter, online, postal
LATE = 0.085  # of the dossiers that finish: ~8 % of all
APOLOGY = 0.35  # of the late ones, when the notice allows it
SUPPLEMENT = 0.10
SUPPLEMENT_ABANDONED = 0.06  # of the supplements: refused after the deadline (T13b)
SUPPLEMENT_BEFORE_RECEPTION = 0.04  # of online submissions (T3)
FINANCIAL = 0.03
REFUSE_AT_COUNTER = 0.015  # T5c, counter and postal
REFUSE_ONLINE = 0.05  # T4, after the online check
WITHDRAW = 0.015
STOP = 0.005
STUCK = 0.004  # never finished: still processing, long overdue
NEVER_COLLECTED = 0.01  # result issued, never returned
REFUSE_RESULT = 0.03  # the result is a reasoned refusal (T15)
NON_WORKING_DAY_WEIGHT = 0.06  # online submissions on weekends and holidays

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Tôn",
    "Hà",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quang", "Thu", "Xuân", "Công"]
GIVEN = [
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Châu",
    "Chi",
    "Cường",
    "Dũng",
    "Duy",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Huy",
    "Khánh",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Trang",
    "Trí",
    "Trung",
    "Tú",
    "Tuấn",
    "Uyên",
    "Vân",
    "Việt",
    "Vy",
    "Yến",
]
STREETS = ["Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Huệ", "Phan Đình Phùng", "Bà Triệu"]
SUPPLEMENT_ITEMS = [
    "Bản sao giấy khai sinh",
    "Giấy xác nhận tình trạng hôn nhân",
    "Bản vẽ hiện trạng",
    "Văn bản ủy quyền có chứng thực",
    "Ảnh chân dung 4x6",
]
NOTES = {
    "supplement": "Hồ sơ còn thiếu giấy tờ theo quy định.",
    "refuse_online": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "refuse_counter": "Thành phần hồ sơ không đúng quy định.",
    "refuse_abandoned": "Quá hạn bổ sung hồ sơ theo yêu cầu.",
    "refuse_result": "Không đủ điều kiện giải quyết theo quy định.",
    "apology": "Cần xác minh thêm thông tin với cơ quan liên quan.",
    "withdraw": "Công dân có đơn xin rút hồ sơ.",
    "stop": "Dừng xử lý theo đề nghị của tổ chức, cá nhân.",
    "financial": "Chờ thực hiện nghĩa vụ tài chính theo thông báo của cơ quan thuế.",
}


# --- Database lifecycle ---------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def _server_and_name(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing database name {name!r}: letters, digits and _ only")
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    if not is_postgres(url):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server, name = _server_and_name(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["MOTCUA_DATABASE_URL"] = url
    os.environ["MOTCUA_DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.conf.dev"
    import django

    django.setup()


# --- The demo, as plain data ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    id: int
    role: str
    budget_hours: Decimal


@dataclass(frozen=True)
class Variant:
    id: int
    version_id: int
    summary: str
    duration: Decimal | None
    duration_unit: str
    online_duration: Decimal | None
    online_duration_unit: str
    steps: tuple[Step, ...]
    fees: tuple[tuple[str, str, int | None, str], ...]  # kind, name, amount, collection


@dataclass(frozen=True)
class Offering:
    online_open: bool
    variants: tuple[Variant, ...]


@dataclass
class Place:
    """A receiving service centre: its code, calendar, staff and offerings (popularity-weighted)."""

    id: int
    code: str
    cal: Any
    staff: dict[str, int]
    offerings: list[Offering]
    cum: list[float]
    online: list[Offering]
    online_cum: list[float]
    working: set[dt.date] = field(default_factory=set)


ROLES_NEEDED = (
    "reception_officer",
    "specialist",
    "division_head",
    "agency_leader",
    "clerk",
    "returner",
    "fee_collector",
)


def load_places(rng: random.Random) -> tuple[list[Place], list[float]]:
    """Service centres with active offerings; staff created where the demo has none."""
    from django.contrib.auth.hashers import make_password

    from motcua.accounts.models import User
    from motcua.calendars.selectors import work_calendar_for
    from motcua.calendars.workingtime import is_working_day
    from motcua.organisations.models import Agency, StaffMembership
    from motcua.procedures.models import (
        FeeRule,
        ProcedureOffering,
        ProcedureVariant,
        WorkflowStep,
    )
    from motcua.procedures.selectors import procedure_version_list_current

    versions = {v.procedure_id: v for v in procedure_version_list_current(on=FIRST_DAY)}
    by_pk = {v.pk: v for v in versions.values()}
    steps: dict[int, list[Step]] = defaultdict(list)
    for s in WorkflowStep.objects.order_by("template_id", "order"):
        steps[s.template_id].append(Step(s.pk, str(s.role), Decimal(s.budget_hours)))
    fees: dict[int, list[tuple[str, str, int | None, str]]] = defaultdict(list)
    for rule in FeeRule.objects.order_by("id"):
        fees[rule.variant_id].append((rule.kind, rule.name[:300], rule.amount, rule.collection))
    variants: dict[int, list[Variant]] = defaultdict(list)
    for v in ProcedureVariant.objects.filter(version__in=versions.values()).order_by("order", "id"):
        variants[v.version_id].append(
            Variant(
                id=v.pk,
                version_id=v.version_id,
                summary=by_pk[v.version_id].name[:500],
                duration=v.duration,
                duration_unit=v.duration_unit,
                online_duration=v.online_duration,
                online_duration_unit=v.online_duration_unit,
                steps=tuple(steps.get(v.workflow_id, ())) if v.workflow_id else (),
                fees=tuple(fees.get(v.pk, ())),
            )
        )
    # Popularity: a Zipf-like law over the procedures, the same everywhere.
    procedure_ids = sorted(versions)
    rng.shuffle(procedure_ids)
    popularity = {pid: 1 / (rank + 1) ** 0.9 for rank, pid in enumerate(procedure_ids)}

    offerings_by_agency: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for o in ProcedureOffering.objects.filter(is_active=True).order_by("agency_id", "procedure_id"):
        if o.procedure_id in versions and variants[versions[o.procedure_id].pk]:
            offerings_by_agency[o.agency_id].append((o.procedure_id, o.online_open))

    staff: dict[tuple[int, str], int] = {}
    for m in StaffMembership.objects.filter(valid_to__isnull=True).order_by("id"):
        staff.setdefault((m.agency_id, m.role), m.user_id)
    agencies = list(Agency.objects.filter(pk__in=offerings_by_agency).order_by("pk"))
    password = make_password(None)
    missing = [(a, r) for a in agencies for r in ROLES_NEEDED if (a.pk, r) not in staff]
    User.objects.bulk_create(
        User(
            username=f"seed.{a.code}.{r}",
            password=password,
            kind="staff",
            full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        )
        for a, r in missing
    )
    users = list(User.objects.filter(username__startswith="seed.").order_by("id"))
    by_name = {u.username: u.pk for u in users}
    StaffMembership.objects.bulk_create(
        StaffMembership(
            user_id=by_name[f"seed.{a.code}.{r}"],
            agency=a,
            role=r,
            valid_from=dt.date(2025, 1, 1),
        )
        for a, r in missing
    )
    for a, r in missing:
        staff[(a.pk, r)] = by_name[f"seed.{a.code}.{r}"]

    places: list[Place] = []
    for agency in agencies:
        cal = work_calendar_for(agency=agency)
        chosen = offerings_by_agency[agency.pk]
        offers = [Offering(open_, tuple(variants[versions[pid].pk])) for pid, open_ in chosen]
        weights = [popularity[pid] for pid, _ in chosen]
        online = [o for o in offers if o.online_open]
        online_w = [w for o, w in zip(offers, weights, strict=True) if o.online_open]
        places.append(
            Place(
                id=agency.pk,
                code=agency.code,
                cal=cal,
                staff={r: staff[(agency.pk, r)] for r in ROLES_NEEDED},
                offerings=offers,
                cum=list(itertools.accumulate(weights)),
                online=online or offers,
                online_cum=list(itertools.accumulate(online_w or weights)),
                working={
                    day
                    for day in _days(FIRST_DAY, LAST_DAY + dt.timedelta(days=1))
                    if is_working_day(day, cal)
                },
            )
        )
    # The provincial centre serves more people per procedure than a commune's.
    place_weights = [4.0 if len(p.offerings) < 10 else 1.0 for p in places]
    return places, list(itertools.accumulate(place_weights))


def _days(first: dt.date, stop: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((stop - first).days)]


# --- One dossier's life ------------------------------------------------------------------------


class Life:
    """The events of one dossier with the dossier's state after each (for the cut at HORIZON)."""

    __slots__ = (
        "dossier_id",
        "events",
        "extras",
        "prev_hash",
        "state",
        "states",
    )

    def __init__(self, dossier_id: int) -> None:
        self.dossier_id = dossier_id
        self.events: list[dict[str, Any]] = []
        self.states: list[dict[str, Any]] = []
        self.extras: list[tuple[int, str, tuple[Any, ...]]] = []  # (event index, table, row)
        self.state: dict[str, Any] = {
            "status": None,
            "received_at": None,
            "due_at": None,
            "original_due_at": None,
            "finished_at": None,
            "returned_at": None,
            "timeliness": "",
            "current_step_id": None,
            "step_due_at": None,
            "handler_id": None,
        }

    def add(
        self,
        action: str,
        at: dt.datetime,
        *,
        to_status: int,
        actor: int | None,
        role: str,
        agency: int | None,
        note: str = "",
        data: dict[str, Any] | None = None,
        **changes: Any,
    ) -> None:
        state = self.state
        from_status, from_step = state["status"], state["current_step_id"]
        state = {**state, **changes, "status": to_status}
        self.state = state
        self.events.append(
            {
                "dossier_id": self.dossier_id,
                "seq": len(self.events) + 1,
                "at": at,
                "action": action,
                "actor_id": actor,
                "actor_role": role,
                "actor_agency_id": agency,
                "from_status": from_status,
                "to_status": to_status,
                "from_step_id": from_step,
                "to_step_id": state["current_step_id"],
                "to_handler_id": changes.get("handler_id"),
                "due_at": state["due_at"],
                "step_due_at": state["step_due_at"],
                "note": note,
                "data": data or {},
            }
        )
        self.states.append(state)

    def attach(self, table: str, row: tuple[Any, ...]) -> None:
        """A related row written only if the event just added survives the cut."""
        self.extras.append((len(self.events) - 1, table, row))


class Generator:
    """Builds dossier lives on the real calendars; pure Python, no queries."""

    def __init__(self, rng: random.Random) -> None:
        from motcua.calendars import workingtime as wt
        from motcua.dossiers import deadlines
        from motcua.dossiers.codes import LOOKUP_KEY_ALPHABET, LOOKUP_KEY_LENGTH
        from motcua.dossiers.history import event_hash

        self.rng = rng
        self.wt = wt
        self.deadlines = deadlines
        self.event_hash = event_hash
        self.alphabet = LOOKUP_KEY_ALPHABET
        self.key_length = LOOKUP_KEY_LENGTH
        self.identity = itertools.count(1)

    # time helpers
    def after(self, t: dt.datetime, hours: float, cal: Any) -> dt.datetime:
        """``hours`` of working time after ``t`` (whole seconds)."""
        return self.wt.add_working_time(t, dt.timedelta(seconds=int(hours * 3600)), cal)

    def between_hours(self, a: dt.datetime, b: dt.datetime | None, cal: Any) -> float:
        if b is None:
            return 24.0
        return self.wt.working_time_between(a, b, cal).total_seconds() / 3600

    def due(self, start: dt.datetime, channel: int, v: Variant, cal: Any) -> dt.datetime | None:
        amount, unit = self.deadlines.duration_for(
            channel=channel,
            duration=v.duration,
            duration_unit=v.duration_unit,
            online_duration=v.online_duration,
            online_duration_unit=v.online_duration_unit,
        )
        return self.wt.due_at(start, amount, unit, cal)

    def step_due(self, start: dt.datetime, step: Step, cal: Any) -> dt.datetime:
        return self.deadlines.step_due_from(start=start, budget_hours=step.budget_hours, cal=cal)

    def step_data(self, life: Life, at: dt.datetime) -> dict[str, Any]:
        due = life.state["step_due_at"]
        if life.state["current_step_id"] is None or due is None:
            return {}
        return {"step_timeliness": str(self.wt.classify(at, due))}

    def party(self, dossier_id: int, role: str) -> tuple[Any, ...]:
        rng = self.rng
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        business = role == "owner" and rng.random() < 0.08
        number = next(self.identity)
        return (
            dossier_id,
            role,
            "business" if business else "citizen",
            None,
            f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(GIVEN)}" if business else name,
            "" if business else f"046{number:09d}"[-12:],
            f"33{number:08d}" if business else "",
            f"09{rng.randrange(10**8):08d}",
            "",
            f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, Huế",
        )

    def dossier(
        self, dossier_id: int, place: Place, day: dt.date, working_day: bool
    ) -> tuple[dt.datetime, Life, dict[str, Any]]:
        """One dossier received (or submitted) on ``day`` at ``place``."""
        rng = self.rng
        cal = place.cal
        channel = rng.choices((1, 2, 3), cum_weights=(55, 95, 100))[0] if working_day else 2
        offers, cum = (
            (place.online, place.online_cum) if channel == 2 else (place.offerings, place.cum)
        )
        offering = offers[bisect.bisect(cum, rng.random() * cum[-1])]
        variant = rng.choice(offering.variants)
        draw = rng.random()
        if channel == 3:
            mode = "postal"
        elif channel == 2:
            mode = "electronic" if draw < 0.5 else ("counter" if draw < 0.8 else "postal")
        else:
            mode = "counter" if draw < 0.85 else "postal"
        life = Life(dossier_id)
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=VN)
        if channel == 2:
            # Citizens submit around the clock, mostly in the daytime and evening.
            t0 = midnight + dt.timedelta(
                seconds=int(rng.triangular(6 * 3600, 86399, 15 * 3600)), microseconds=0
            )
        else:
            t0 = self.after(midnight, rng.uniform(0, 7.9), cal)
        meta: dict[str, Any] = {
            "channel": channel,
            "variant": variant,
            "submitted_at": None,
            "return_mode": mode,
            "refused_at_counter": False,
        }
        self.live(life, place, channel, variant, t0, meta)
        return t0, life, meta

    def live(
        self,
        life: Life,
        place: Place,
        channel: int,
        variant: Variant,
        t0: dt.datetime,
        meta: dict[str, Any],
    ) -> None:
        rng = self.rng
        cal = place.cal
        staff = place.staff
        steps = variant.steps

        def act(action: str, at: dt.datetime, to: int, who: str, **kw: Any) -> None:
            life.add(action, at, to_status=to, actor=staff[who], role=who, agency=place.id, **kw)

        # Reception (T1/T2, T5/T6) or refusal at the counter (T5c).
        if channel == 2:
            meta["submitted_at"] = t0
            life.add(
                "submit", t0, to_status=1, actor=None, role="", agency=None, data={"channel": 2}
            )
            t = t0
            if rng.random() < SUPPLEMENT_BEFORE_RECEPTION:
                t = self.after(t, rng.uniform(0.5, 6), cal)
                items = rng.sample(SUPPLEMENT_ITEMS, 1)
                act(
                    "request_supplement",
                    t,
                    1,
                    "reception_officer",
                    note=NOTES["supplement"],
                    data={"items": items, "before_reception": True},
                )
                life.attach(
                    "supplement",
                    (
                        life.dossier_id,
                        t,
                        staff["reception_officer"],
                        items,
                        NOTES["supplement"],
                        None,
                        True,
                    ),
                )
                t = self.wt.next_working_instant(t + dt.timedelta(days=rng.uniform(0.5, 5)), cal)
            t = self.after(t, rng.uniform(0.2, 8), cal)
            if rng.random() < REFUSE_ONLINE:
                act("refuse", t, 3, "reception_officer", note=NOTES["refuse_online"])
                return
            due = self.due(t, channel, variant, cal)
            act("accept", t, 2, "reception_officer", received_at=t, due_at=due)
        else:
            t = t0
            if rng.random() < REFUSE_AT_COUNTER:
                meta["refused_at_counter"] = True
                act(
                    "refuse",
                    t,
                    3,
                    "reception_officer",
                    note=NOTES["refuse_counter"],
                    data={"channel": channel},
                )
                return
            due = self.due(t, channel, variant, cal)
            act(
                "receive",
                t,
                2,
                "reception_officer",
                received_at=t,
                due_at=due,
                data={"channel": channel},
            )

        fate = rng.random()
        withdraw = fate < WITHDRAW
        stop = WITHDRAW <= fate < WITHDRAW + STOP
        stuck = WITHDRAW + STOP <= fate < WITHDRAW + STOP + STUCK
        if (withdraw or stop) and rng.random() < 0.4:  # before processing starts (T17/T18)
            t = self.after(t, rng.uniform(0.2, 6), cal)
            if withdraw:
                act("withdraw", t, 7, "reception_officer", note=NOTES["withdraw"], handler_id=None)
            else:
                act("stop", t, 8, "reception_officer", note=NOTES["stop"], handler_id=None)
            return
        supplement = rng.random() < SUPPLEMENT
        financial = rng.random() < FINANCIAL
        late = rng.random() < LATE
        cut = None  # index into the processing plan where a withdrawal/stop happens
        if withdraw or stop or stuck:
            cut = rng.randrange(1, 4)  # at most len(plan) - 1: never after the result

        # T7: transfer to the competent unit, entering the first workflow step.
        t = self.after(t, rng.uniform(0.05, 2), cal)
        first = steps[0] if steps else None
        act(
            "transfer",
            t,
            4,
            "reception_officer",
            current_step_id=first.id if first else None,
            step_due_at=self.step_due(t, first, cal) if first else None,
        )
        if first is not None and first.role == "reception_officer":
            t = self.after(t, rng.uniform(0.05, float(first.budget_hours)), cal)
            nxt = steps[1]
            act(
                "forward",
                t,
                4,
                "reception_officer",
                data=self.step_data(life, t),
                current_step_id=nxt.id,
                step_due_at=self.step_due(t, nxt, cal),
                handler_id=None,
            )

        def supplement_cycle(t: dt.datetime) -> dt.datetime | None:
            """T12/T13 (or T13b): returns the instant processing resumes, None if refused."""
            t = self.after(t, rng.uniform(0.5, 12), cal)
            items = rng.sample(SUPPLEMENT_ITEMS, rng.randint(1, 2))
            respond_by = t + dt.timedelta(days=15)
            act(
                "request_supplement",
                t,
                5,
                "specialist",
                note=NOTES["supplement"],
                data={"items": items, "before_reception": False},
            )
            life.attach(
                "supplement",
                (
                    life.dossier_id,
                    t,
                    staff["specialist"],
                    items,
                    NOTES["supplement"],
                    respond_by,
                    False,
                ),
            )
            if rng.random() < SUPPLEMENT_ABANDONED:
                t = self.wt.next_working_instant(
                    respond_by + dt.timedelta(days=rng.uniform(0, 4)), cal
                )
                act(
                    "refuse",
                    t,
                    3,
                    "reception_officer",
                    note=NOTES["refuse_abandoned"],
                    handler_id=None,
                )
                return None
            started = t
            t = self.wt.next_working_instant(t + dt.timedelta(days=rng.uniform(0.5, 10)), cal)
            paused = self.wt.working_time_between(started, t, cal)
            new_due = self.due(t, channel, variant, cal)
            step_due = self.deadlines.extend_by_pause(
                deadline=life.state["step_due_at"], started=started, ended=t, cal=cal
            )
            act(
                "submit_supplement",
                t,
                4,
                "reception_officer",
                data={"rule": "restart", "paused_seconds": int(paused.total_seconds())},
                due_at=new_due,
                step_due_at=step_due,
            )
            life.attach("pause", (life.dossier_id, "supplement", started, t))
            return t

        if supplement:
            resumed = supplement_cycle(t)
            if resumed is None:
                return
            t = resumed

        # The rest of the work is spread over the time left until the (current) due instant.
        left = self.between_hours(t, life.state["due_at"], cal)
        target = left + rng.uniform(1, 40) if late else max(left * rng.uniform(0.3, 0.97), 0.3)
        plan: list[tuple[str, float]] = [("assign", 0.05)]
        if late and rng.random() < APOLOGY:
            plan.append(("apologize", 0.02))
        if steps:
            plan.append(("forward_specialist", 0.5))
            if financial:
                plan.append(("financial", 0.05))
            for step in steps[2:-1]:
                if step.role == "division_head":
                    plan += [("approve_division", 0.05), ("forward_division", 0.03)]
            plan += [("approve", 0.1), ("sign", 0.05), ("forward_leader", 0.05)]
        elif financial:
            plan.append(("financial", 0.3))
        plan.append(("finish", 0.2))
        total = sum(w for _, w in plan)
        if cut is not None:
            plan = plan[: min(cut, len(plan) - 1)]
        step_index = 1 if steps else None

        def advance(to_index: int, who: str, at: dt.datetime) -> None:
            nxt = steps[to_index]
            act(
                "forward",
                at,
                4,
                who,
                data=self.step_data(life, at),
                current_step_id=nxt.id,
                step_due_at=self.step_due(at, nxt, cal),
                handler_id=None,
            )

        for name, weight in plan:
            t = self.after(t, max(target * weight / total, 0.02), cal)
            if name == "assign":
                assignee = "specialist" if steps else "clerk"
                leader = (
                    "division_head"
                    if any(s.role == "division_head" for s in steps)
                    else "agency_leader"
                )
                act("assign", t, 4, leader, handler_id=staff[assignee])
            elif name == "apologize":
                due = life.state["due_at"]
                if due is None or self.between_hours(t, due, cal) < 8:
                    continue
                new_due = self.after(due, rng.uniform(8, 40), cal)
                act(
                    "apologize",
                    t,
                    4,
                    "agency_leader",
                    note=NOTES["apology"],
                    data={"old_due_at": due.isoformat()},
                    due_at=new_due,
                    original_due_at=life.state["original_due_at"] or due,
                )
                life.attach(
                    "extension",
                    (life.dossier_id, staff["agency_leader"], t, NOTES["apology"], due, new_due),
                )
            elif name == "forward_specialist":
                assert step_index is not None
                step_index += 1
                advance(step_index, "specialist", t)
            elif name in ("approve_division", "approve", "sign"):
                who = "division_head" if name == "approve_division" else "agency_leader"
                act("approve" if name != "sign" else "sign", t, 4, who)
            elif name in ("forward_division", "forward_leader"):
                assert step_index is not None
                step_index += 1
                advance(step_index, steps[step_index - 1].role, t)
            elif name == "financial":
                act("pause_financial", t, 6, "fee_collector", note=NOTES["financial"])
                started = t
                t = self.wt.next_working_instant(t + dt.timedelta(days=rng.uniform(1, 6)), cal)
                paused = self.wt.working_time_between(started, t, cal)
                ext = self.deadlines.extend_by_pause
                act(
                    "resume",
                    t,
                    4,
                    "fee_collector",
                    data={"paused_seconds": int(paused.total_seconds())},
                    due_at=ext(deadline=life.state["due_at"], started=started, ended=t, cal=cal),
                    step_due_at=ext(
                        deadline=life.state["step_due_at"], started=started, ended=t, cal=cal
                    ),
                )
                life.attach("pause", (life.dossier_id, "financial", started, t))
            elif name == "finish":
                data = self.step_data(life, t)
                due = life.state["original_due_at"] or life.state["due_at"]
                timeliness = str(self.wt.classify(t, due)) if due is not None else ""
                who = "returner" if steps else "clerk"
                if rng.random() < REFUSE_RESULT:
                    data["refused"] = True
                    act(
                        "refuse_result",
                        t,
                        9,
                        "agency_leader",
                        note=NOTES["refuse_result"],
                        data=data,
                        finished_at=t,
                        timeliness=timeliness,
                        handler_id=None,
                    )
                else:
                    data["result"] = {"number": f"{rng.randrange(1, 9999)}/KQ"}
                    act(
                        "issue_result",
                        t,
                        9,
                        who,
                        data=data,
                        finished_at=t,
                        timeliness=timeliness,
                        handler_id=None,
                    )
                if rng.random() < NEVER_COLLECTED:
                    return
                mode = meta["return_mode"]
                hours = {"electronic": 0.05, "postal": 16.0}.get(mode, 8.0)
                t = self.after(t, rng.uniform(0.02, 2 * hours), cal)
                act(
                    "return_result",
                    t,
                    10,
                    "returner" if steps else "reception_officer",
                    returned_at=t,
                )
                return
        if withdraw or stop:
            t = self.after(t, rng.uniform(0.2, 16), cal)
            # The plan is cut while processing (status 4): no open pause to close.
            if withdraw:
                act("withdraw", t, 7, "reception_officer", note=NOTES["withdraw"], handler_id=None)
            else:
                act("stop", t, 8, "agency_leader", note=NOTES["stop"], handler_id=None)


# --- Writing ---------------------------------------------------------------------------------


class Sink:
    """Buffers rows per model and writes them with COPY (PostgreSQL) or bulk_create.

    Writing runs in a background thread with its own connection, so generating
    the next batch (Python) overlaps with the database loading this one.
    """

    def __init__(self, postgres: bool) -> None:
        from motcua.dossiers import models as m

        self.postgres = postgres
        self.specs: dict[str, tuple[Any, list[str]]] = {
            "dossier": (
                m.Dossier,
                [
                    "id",
                    "code",
                    "lookup_key",
                    "procedure_version",
                    "variant",
                    "channel",
                    "received_by",
                    "competent_agency",
                    "status",
                    "submitted_at",
                    "received_at",
                    "due_at",
                    "original_due_at",
                    "finished_at",
                    "returned_at",
                    "timeliness",
                    "current_step",
                    "step_due_at",
                    "handler",
                    "summary",
                ],
            ),
            "party": (
                m.Party,
                [
                    "dossier",
                    "role",
                    "kind",
                    "user",
                    "full_name",
                    "identity_number",
                    "tax_code",
                    "phone",
                    "email",
                    "address",
                ],
            ),
            "delivery": (m.Delivery, ["dossier", "mode", "recipient", "address", "phone"]),
            "fee": (m.DossierFee, ["dossier", "kind", "name", "amount", "collection", "paid_at"]),
            "sync": (m.SyncState, ["dossier", "synced", "alternate_code", "last_synced_at"]),
            "supplement": (
                m.SupplementRequest,
                [
                    "dossier",
                    "requested_at",
                    "requested_by",
                    "items",
                    "reason",
                    "respond_by",
                    "before_reception",
                ],
            ),
            "pause": (m.ClockPause, ["dossier", "reason", "started_at", "ended_at"]),
            "extension": (
                m.Extension,
                ["dossier", "requested_by", "created_at", "reason", "old_due_at", "new_due_at"],
            ),
            "event": (
                m.DossierEvent,
                [
                    "dossier",
                    "seq",
                    "at",
                    "action",
                    "actor",
                    "actor_role",
                    "actor_agency",
                    "from_status",
                    "to_status",
                    "from_step",
                    "to_step",
                    "to_handler",
                    "due_at",
                    "step_due_at",
                    "note",
                    "data",
                    "prev_hash",
                    "hash",
                ],
            ),
            "counter": (m.DossierCodeCounter, ["agency", "day", "last"]),
        }
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.specs}
        self.written: Counter[str] = Counter()
        self.write_seconds = 0.0
        self.queue: queue.Queue[dict[str, list[tuple[Any, ...]]] | None] = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="seed-writer", daemon=True)
        self.thread.start()

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        """Hand the buffered rows to the writer thread (blocks while two batches wait)."""
        if self.failure is not None:
            raise RuntimeError("the writer thread failed") from self.failure
        batch, self.rows = self.rows, {name: [] for name in self.specs}
        self.queue.put(batch)

    def close(self) -> None:
        """Wait until everything is written."""
        self.queue.put(None)
        self.thread.join()
        if self.failure is not None:
            raise RuntimeError("the writer thread failed") from self.failure

    def _work(self) -> None:
        from django.db import connection

        try:
            while (batch := self.queue.get()) is not None:
                started = time.perf_counter()
                self._write(batch)
                self.write_seconds += time.perf_counter() - started
        except BaseException as error:  # reported by flush()/close() in the main thread
            self.failure = error
            while self.queue.get() is not None:  # unblock the producer
                pass
        finally:
            connection.close()

    def _write(self, batch: dict[str, list[tuple[Any, ...]]]) -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            if self.postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    # No foreign-key triggers during the load; verify() checks the result.
                    cursor.execute("SET LOCAL session_replication_role = replica")
            for table, (model, names) in self.specs.items():
                rows = batch[table]
                if not rows:
                    continue
                fields = [model._meta.get_field(n) for n in names]
                if self.postgres:
                    # Columns this script does not set get the model's default, as
                    # bulk_create would give them (the models keep growing).
                    rest = [
                        f
                        for f in model._meta.concrete_fields
                        if f not in fields and not f.primary_key
                    ]
                    tail = tuple(f.get_default() for f in rest)
                    fields += rest
                    json_at = [
                        i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"
                    ]
                    columns = ", ".join(f'"{f.column}"' for f in fields)
                    with connection.connection.cursor() as cursor:
                        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
                        with cursor.copy(sql) as copy:
                            for row in rows:
                                values = [*row, *tail]
                                for i in json_at:
                                    values[i] = json.dumps(values[i], ensure_ascii=False)
                                copy.write_row(values)
                else:
                    attnames = [f.attname for f in fields]
                    model.objects.bulk_create(
                        (model(**dict(zip(attnames, row, strict=True))) for row in rows),
                        batch_size=500,
                    )
                self.written[table] += len(rows)


# --- Main loop ---------------------------------------------------------------------------------


def generate(n: int, seed: int, sink: Sink, batch: int) -> float:
    """Generate ``n`` dossiers into ``sink``; returns the seconds spent generating."""
    rng = random.Random(seed)
    places, place_cum = load_places(rng)
    gen = Generator(rng)
    reference = places[0]
    days = _days(FIRST_DAY, LAST_DAY + dt.timedelta(days=1))
    weights = [1.0 if d in reference.working else NON_WORKING_DAY_WEIGHT for d in days]
    scale = n / sum(weights)
    quotas, carried = [], 0.0
    for w in weights:  # cumulative rounding: the quotas add up to exactly n
        before = round(carried)
        carried += w * scale
        quotas.append(round(carried) - before)

    next_id = 1
    gen_seconds = 0.0
    pending = 0
    started = time.perf_counter()
    for day, quota in zip(days, quotas, strict=True):
        t_gen = time.perf_counter()
        lives: list[tuple[dt.datetime, Place, Life, dict[str, Any]]] = []
        for _ in range(quota):
            place = places[bisect.bisect(place_cum, rng.random() * place_cum[-1])]
            t0, life, meta = gen.dossier(0, place, day, day in place.working)
            lives.append((t0, place, life, meta))
        # Codes are numbered per agency and day in reception order.
        lives.sort(key=lambda item: item[0])
        numbers: Counter[int] = Counter()
        for _t0, place, life, meta in lives:
            numbers[place.id] += 1
            dossier_id = next_id
            next_id += 1
            _emit(gen, sink, dossier_id, place, day, numbers[place.id], life, meta)
        for place_id, last in numbers.items():
            sink.add("counter", (place_id, day, last))
        pending += quota
        gen_seconds += time.perf_counter() - t_gen
        if pending >= batch or day == days[-1]:
            sink.flush()
            pending = 0
            done = next_id - 1
            elapsed = time.perf_counter() - started
            print(
                f"  up to {day:%Y-%m-%d}: {done:>10,} dossiers generated "
                f"({done / elapsed:,.0f}/s); written so far: {sink.written['dossier']:>10,} "
                f"dossiers, {sink.written['event']:>11,} events",
                flush=True,
            )
    return gen_seconds


def _emit(
    gen: Generator,
    sink: Sink,
    dossier_id: int,
    place: Place,
    day: dt.date,
    number: int,
    life: Life,
    meta: dict[str, Any],
) -> None:
    """Cut the life at HORIZON, chain the hashes, and buffer every row of the dossier."""
    rng = gen.rng
    kept = [e for e in life.events if e["at"] <= HORIZON]
    state = life.states[len(kept) - 1]
    variant: Variant = meta["variant"]
    prev = ""
    for event in kept:
        event["dossier_id"] = dossier_id
        digest = gen.event_hash(prev_hash=prev, fields=event)
        sink.add(
            "event",
            (
                dossier_id,
                event["seq"],
                event["at"],
                event["action"],
                event["actor_id"],
                event["actor_role"],
                event["actor_agency_id"],
                event["from_status"],
                event["to_status"],
                event["from_step_id"],
                event["to_step_id"],
                event["to_handler_id"],
                event["due_at"],
                event["step_due_at"],
                event["note"],
                event["data"],
                prev,
                digest,
            ),
        )
        prev = digest
    for index, table, row in life.extras:
        if index < len(kept):
            sink.add(table, (dossier_id, *row[1:]))
    status = state["status"]
    code = f"{place.code}-{day:%y%m%d}-{number:04d}"
    key = "".join(rng.choices(gen.alphabet, k=gen.key_length))
    sink.add(
        "dossier",
        (
            dossier_id,
            code,
            key,
            variant.version_id,
            variant.id,
            meta["channel"],
            place.id,
            place.id,
            status,
            meta["submitted_at"],
            state["received_at"],
            state["due_at"],
            state["original_due_at"],
            state["finished_at"],
            state["returned_at"],
            state["timeliness"],
            state["current_step_id"],
            state["step_due_at"],
            state["handler_id"],
            variant.summary,
        ),
    )
    sink.add("party", gen.party(dossier_id, "owner"))
    if rng.random() < 0.15:
        sink.add("party", gen.party(dossier_id, "submitter"))
    last_at = kept[-1]["at"]
    synced = last_at < HORIZON - dt.timedelta(hours=1)
    sink.add(
        "sync",
        (
            dossier_id,
            synced,
            f"G22.99-{dossier_id:08d}" if synced else "",
            last_at + dt.timedelta(minutes=5) if synced else None,
        ),
    )
    if meta["refused_at_counter"]:
        return  # T5c: nothing pinned (as dossier_refuse_at_counter); online ones pin at submission
    mode = meta["return_mode"]
    sink.add(
        "delivery",
        (
            dossier_id,
            mode,
            "" if mode != "postal" else "Người nhận",
            f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, Huế" if mode == "postal" else "",
            "",
        ),
    )
    for kind, name, amount, collection in variant.fees:
        paid = {"upfront": state["received_at"], "on_return": state["returned_at"]}.get(collection)
        sink.add("fee", (dossier_id, kind, name, amount, collection, paid))


def report_mix(n_target: int) -> None:
    from django.db.models import Count

    from motcua.dossiers.constants import Channel, DossierStatus
    from motcua.dossiers.models import (
        ClockPause,
        Dossier,
        DossierEvent,
        Extension,
        SupplementRequest,
    )

    total = Dossier.objects.count()
    print(f"\ndossiers: {total:,} (asked {n_target:,}); events: {DossierEvent.objects.count():,}")
    print("status mix:")
    for status, count in (
        Dossier.objects.values_list("status").annotate(n=Count("id")).order_by("-n")
    ):
        print(f"  {DossierStatus(status).label:<40} {count:>10,} {count / total:7.1%}")
    print("channel mix:")
    for channel, count in (
        Dossier.objects.values_list("channel").annotate(n=Count("id")).order_by("-n")
    ):
        print(f"  {Channel(channel).label:<40} {count:>10,} {count / total:7.1%}")
    late = Dossier.objects.filter(timeliness="late").count()
    finished = Dossier.objects.exclude(timeliness="").count()
    supplemented = (
        SupplementRequest.objects.filter(before_reception=False)
        .values("dossier")
        .distinct()
        .count()
    )
    print(
        f"late: {late:,} ({late / total:.1%} of all, {late / max(finished, 1):.1%} of finished); "
        f"with a supplement during processing: {supplemented:,} ({supplemented / total:.1%}); "
        f"apologies: {Extension.objects.count():,}; clock pauses: {ClockPause.objects.count():,}"
    )


def verify(sample_size: int, seed: int) -> tuple[int, int, int]:
    """Chains of a random sample (verify_history logic) and all codes against the counters."""
    from motcua.dossiers.history import dossiers_with_broken_history
    from motcua.dossiers.models import Dossier, DossierCodeCounter

    ids = list(Dossier.objects.values_list("id", flat=True))
    sample = random.Random(seed + 1).sample(ids, min(sample_size, len(ids)))
    broken = list(dossiers_with_broken_history(dossier_ids=sample))
    for code, problems in broken[:5]:
        print(f"  broken: {code}: {problems}")
    numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
    for agency_id, code in Dossier.objects.values_list("received_by_id", "code").iterator(50_000):
        _agency, day, number = code.rsplit("-", 2)
        numbers[(agency_id, day)].append(int(number))
    counters = {
        (agency_id, f"{day:%y%m%d}"): last
        for agency_id, day, last in DossierCodeCounter.objects.values_list(
            "agency_id", "day", "last"
        )
    }
    bad = sum(
        1
        for key, got in numbers.items()
        if sorted(got) != list(range(1, len(got) + 1)) or counters.get(key) != len(got)
    ) + len(set(counters) - set(numbers))
    return len(sample), len(broken), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--batch", type=int, default=20_000, help="dossiers per write")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = args.database_url
    postgres = is_postgres(url)

    print(f"seeding {args.dossiers:,} dossiers into {url}")
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from motcua.demo.loader import load_hue_demo

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_hue_demo()
    print(f"migrated and loaded the Huế demo in {time.perf_counter() - t:.1f} s")

    sink = Sink(postgres)
    t = time.perf_counter()
    gen_s = generate(args.dossiers, args.seed, sink, args.batch)
    sink.close()
    write_s = sink.write_seconds
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
                "(SELECT max(id) FROM dossiers_dossier))"
            )
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - t
    dossiers, events = sink.written["dossier"], sink.written["event"]
    rows = sum(sink.written.values())
    print(
        f"\n{dossiers:,} dossiers, {events:,} events, {rows:,} rows in {elapsed:.1f} s: "
        f"{dossiers / elapsed:,.0f} dossiers/s, {events / elapsed:,.0f} events/s "
        f"(generating {gen_s:.1f} s and writing {write_s:.1f} s, overlapped; "
        f"COPY + ANALYZE included)"
    )
    report_mix(args.dossiers)
    t = time.perf_counter()
    checked, broken, bad_days = verify(SAMPLE, args.seed)
    codes_verdict = (
        f"{bad_days} agency/days WRONG" if bad_days else "1..n on every agency/day, counters match"
    )
    print(
        f"\nverify_history on a random sample of {checked:,} dossiers: "
        f"{'all chains intact' if not broken else f'{broken} BROKEN'}; "
        f"code sequences: {codes_verdict}"
        f" ({time.perf_counter() - t:.1f} s)"
    )
    connection.close()
    if not args.keep:
        recreate_database(url, drop_only=True)
        print("database dropped (--keep to keep it)")
    if broken or bad_days:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
