"""Build the working-time calendar of an agency from law, schedule and announcements.

The arithmetic lives in the pure :mod:`motcua.calendars.workingtime`; this
module only gathers its inputs:

1. the national holiday table (law: BLLĐ 2019 Art 111–112, NQ 28/2026/QH16)
   from the ``holidays`` package, including compensatory days and the decreed
   swapped Saturdays it knows;
2. the office hours of the agency's own schedule, else the installation's
   default schedule, else the D2 default (07:00–11:30, 13:30–17:00, Mon–Fri);
3. the days announced in the admin (``CalendarDay``): province-wide rows,
   then the agency's own rows, which win (domain.md D9).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import Q

import holidays

from motcua.organisations.models import Agency

from .constants import DurationUnit
from .models import CalendarDay, DayKind, WorkSchedule
from .workingtime import DEFAULT_DAY, Period, WorkCalendar, due_at, starts_at

# Years covered by the national table. Deadlines are computed from reception
# dates in this range, and the longest legal durations (a few hundred working
# days) end well inside it.
NATIONAL_TABLE_YEARS = range(2000, 2061)


@lru_cache(maxsize=1)
def national_days() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(non-working days, swapped working Saturdays) from the national table.

    Pure and immutable, so computed once per process.
    """
    table = holidays.country_holidays("VN", years=NATIONAL_TABLE_YEARS)
    return frozenset(table.keys()), frozenset(table.weekend_workdays)


def _schedule_for(agency: Agency | None) -> WorkSchedule | None:
    if agency is not None and agency.schedule_id is not None:
        return WorkSchedule.objects.prefetch_related("periods").get(pk=agency.schedule_id)
    return WorkSchedule.objects.prefetch_related("periods").filter(is_default=True).first()


def work_calendar_for(*, agency: Agency | None = None) -> WorkCalendar:
    """The calendar deadlines of ``agency`` (or of the installation) are computed with.

    Two or three queries: the schedule with its periods, and the announced days.
    """
    schedule = _schedule_for(agency)
    weekly: dict[int, tuple[Period, ...]] = dict.fromkeys(range(5), DEFAULT_DAY)
    cutoff = dt.time(15, 0)
    if schedule is not None:
        periods: dict[int, list[Period]] = defaultdict(list)
        for period in sorted(schedule.periods.all(), key=lambda p: (p.weekday, p.start)):
            periods[period.weekday].append((period.start, period.end))
        if periods:
            weekly = {day: tuple(items) for day, items in periods.items()}
        cutoff = schedule.same_day_cutoff

    off, on = national_days()
    non_working, extra_working = set(off), set(on)
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency=agency)
    # Province-wide rows first, the agency's own rows last so that they win.
    rows = sorted(CalendarDay.objects.filter(scope), key=lambda row: row.agency_id is not None)
    for row in rows:
        if row.kind == DayKind.NON_WORKING:
            non_working.add(row.date)
            extra_working.discard(row.date)
        else:
            non_working.discard(row.date)
            if not weekly.get(row.date.weekday()):
                extra_working.add(row.date)
    # A working day announced on a weekday that has hours needs no "extra" entry.
    extra_working = {day for day in extra_working if not weekly.get(day.weekday())}
    return WorkCalendar(
        weekly_hours=weekly,
        non_working_days=frozenset(non_working),
        extra_working_days=frozenset(extra_working),
        extra_day_hours=weekly.get(0) or DEFAULT_DAY,
        same_day_cutoff=cutoff,
    )


@dataclass(frozen=True)
class DuePreview:
    received_at: dt.datetime
    starts_at: dt.datetime
    due_at: dt.datetime | None


def due_date_preview(
    *,
    received_at: dt.datetime,
    amount: Decimal,
    unit: DurationUnit,
    agency: Agency | None = None,
) -> DuePreview:
    """When a dossier received at ``received_at`` would be due (the portal's preview).

    ``received_at`` must be timezone-aware. Raises ``ValueError`` for values the
    calendar refuses (negative amounts, calendar days below 1).
    """
    calendar = work_calendar_for(agency=agency)
    return DuePreview(
        received_at=received_at.astimezone(calendar.tz),
        starts_at=starts_at(received_at, calendar),
        due_at=due_at(received_at, amount, unit, calendar),
    )
