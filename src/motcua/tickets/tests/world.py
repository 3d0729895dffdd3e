"""A small service center for the queue tests: 3 counters, 2 services, officers and a leader.

Counter 1 serves A (civil status), counter 2 serves B (land), counter 3
serves both; each counter has its own reception officer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from motcua.accounts.models import User
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency, Counter
from motcua.organisations.tests.factories import AgencyFactory, MembershipFactory
from motcua.procedures.models import ProcedureField
from motcua.procedures.tests.factories import ProcedureFieldFactory
from motcua.tickets.constants import CallPolicy
from motcua.tickets.models import CounterSession, QueuePolicy, TicketService
from motcua.tickets.services import counter_open

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)  # type: ignore[misc]


# Tue 10/03/2026 08:00 in Huế.
MORNING = vn(2026, 3, 10, 8, 0)


@dataclass
class QueueWorld:
    center: Agency
    fields: dict[str, ProcedureField]
    counters: dict[int, Counter]
    services: dict[str, TicketService]
    officers: dict[int, User]
    leader: User
    sessions: dict[int, CounterSession] = field(default_factory=dict)

    def open(self, *numbers: int) -> None:
        for n in numbers:
            self.sessions[n] = counter_open(officer=self.officers[n], counter=self.counters[n])

    def policy(self, policy: CallPolicy, every: int = 3) -> None:
        QueuePolicy.objects.update_or_create(
            center=self.center, defaults={"policy": policy, "interleave_every": every}
        )


def make_queue_world(policy: CallPolicy = CallPolicy.PRIORITY_FIRST) -> QueueWorld:
    center = AgencyFactory(name="Trung tâm Phục vụ Hành chính công thử")
    civil = ProcedureFieldFactory(name="Hộ tịch")
    land = ProcedureFieldFactory(name="Đất đai")
    counters = {
        1: Counter.objects.create(agency=center, number=1, name="Quầy Hộ tịch"),
        2: Counter.objects.create(agency=center, number=2, name="Quầy Đất đai"),
        3: Counter.objects.create(agency=center, number=3, name="Quầy Tổng hợp"),
    }
    counters[1].fields.set([civil])
    counters[2].fields.set([land])
    a = TicketService.objects.create(center=center, name="Hộ tịch", prefix="A", position=1)
    a.fields.set([civil])
    a.counters.set([counters[1], counters[3]])
    b = TicketService.objects.create(center=center, name="Đất đai", prefix="B", position=2)
    b.fields.set([land])
    b.counters.set([counters[2], counters[3]])
    officers = {
        n: MembershipFactory(agency=center, role=Role.RECEPTION_OFFICER).user for n in counters
    }
    leader = MembershipFactory(agency=center, role=Role.AGENCY_LEADER).user
    QueuePolicy.objects.create(center=center, policy=policy)
    return QueueWorld(
        center=center,
        fields={"A": civil, "B": land},
        counters=counters,
        services={"A": a, "B": b},
        officers=officers,
        leader=leader,
    )
