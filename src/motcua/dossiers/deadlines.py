"""Pure deadline helpers of the dossier engine (domain.md §6, D1–D8).

No database access: callers pass the variant's figures and a
:class:`~motcua.calendars.workingtime.WorkCalendar`; the arithmetic itself is in
:mod:`motcua.calendars.workingtime`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.calendars.constants import DurationUnit, Timeliness
from motcua.calendars.workingtime import (
    WorkCalendar,
    add_working_time,
    classify,
    due_at,
    working_time_between,
)

from .constants import Channel

ONLINE_CHANNELS = frozenset({Channel.ONLINE, Channel.NATIONAL_PORTAL})


def duration_for(
    *,
    channel: Channel | int,
    duration: Decimal | None,
    duration_unit: str,
    online_duration: Decimal | None,
    online_duration_unit: str,
) -> tuple[Decimal, DurationUnit]:
    """The (amount, unit) that applies to a dossier of ``channel`` (D1).

    Online and counter processing times may differ (issue gh-4 item 5): an online
    dossier uses the variant's online duration when one is set, with the online
    unit, or the counter unit when the online unit is blank. A "same day"
    procedure needs no amount (D4: due by the end of the day, or of the next
    working day after the 15:00 cut-off); otherwise a missing duration means
    "no appointment".
    """
    if Channel(channel) in ONLINE_CHANNELS and online_duration is not None:
        return Decimal(online_duration), DurationUnit(online_duration_unit or duration_unit)
    if duration_unit == DurationUnit.SAME_DAY:
        return Decimal(0), DurationUnit.SAME_DAY
    if duration is None:
        return Decimal(0), DurationUnit.NO_APPOINTMENT
    return Decimal(duration), DurationUnit(duration_unit)


def due_from(
    *, start: dt.datetime, amount: Decimal, unit: DurationUnit, cal: WorkCalendar
) -> dt.datetime | None:
    """The due instant counting ``amount`` ``unit`` from ``start`` (D1–D4)."""
    return due_at(start, amount, unit, cal)


def step_due_from(*, start: dt.datetime, budget_hours: Decimal, cal: WorkCalendar) -> dt.datetime:
    """A workflow step's deadline: its budget in working hours from ``start`` (D5)."""
    return add_working_time(start, dt.timedelta(seconds=int(Decimal(budget_hours) * 3600)), cal)


def extend_by_pause(
    *, deadline: dt.datetime | None, started: dt.datetime, ended: dt.datetime, cal: WorkCalendar
) -> dt.datetime | None:
    """``deadline`` pushed back by the working time paused in [started, ended] (D6, T14).

    A pause that covered no working time leaves the deadline as it was (adding
    zero would move a 17:00 deadline to the next morning's opening).
    """
    if deadline is None:
        return None
    paused = working_time_between(started, ended, cal)
    if paused <= dt.timedelta(0):
        return deadline
    return add_working_time(deadline, paused, cal)


def timeliness_of(*, finished_at: dt.datetime, due: dt.datetime | None) -> Timeliness | None:
    """The on-time class (D8), or ``None`` for a dossier without a due instant."""
    if due is None:
        return None
    return classify(finished_at, due)
