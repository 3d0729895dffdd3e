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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import holidays

from motcua.organisations.models import Agency

from .constants import DurationUnit
from .models import CalendarDay, DayKind, WorkSchedule
from .workingtime import (
    DEFAULT_DAY,
    Period,
    WorkCalendar,
    due_at,
    starts_at,
    working_time_between,
)

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


# The inputs that decide an agency's calendar, as plain values: the weekly periods
# (weekday, start, end), the same-day cut-off (None without a schedule), and the
# announced days (date, kind, is the agency's own row).
_Periods = tuple[tuple[int, dt.time, dt.time], ...]
_Days = tuple[tuple[dt.date, str, bool], ...]


def _schedule_rows(agency: Agency | None) -> tuple[dt.time | None, _Periods]:
    """The schedule's cut-off and periods in one query (a left join: a schedule may be empty)."""
    if agency is not None and agency.schedule_id is not None:
        schedules = WorkSchedule.objects.filter(pk=agency.schedule_id)
    else:
        # The installation's default schedule; like ``.first()``, the lowest id if several.
        schedules = WorkSchedule.objects.filter(
            pk=WorkSchedule.objects.filter(is_default=True).order_by("pk").values("pk")[:1]
        )
    rows = list(
        schedules.order_by("periods__weekday", "periods__start").values_list(
            "same_day_cutoff", "periods__weekday", "periods__start", "periods__end"
        )
    )
    if not rows:
        return None, ()
    periods = tuple(
        (weekday, start, end) for _c, weekday, start, end in rows if weekday is not None
    )
    return rows[0][0], periods


def _day_rows(agency: Agency | None) -> _Days:
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency=agency)
    rows = CalendarDay.objects.filter(scope).order_by("date", "kind", "agency_id")
    return tuple(
        (day, kind, agency_id is not None)
        for day, kind, agency_id in rows.values_list("date", "kind", "agency_id")
    )


def work_calendar_for(*, agency: Agency | None = None) -> WorkCalendar:
    """The calendar deadlines of ``agency`` (or of the installation) are computed with.

    Two small queries read what decides the calendar (the schedule with its
    periods, and the announced days); the ``WorkCalendar`` built from them is
    cached in this process keyed by exactly those values (:func:`_build`).
    Building it costs milliseconds (the national table, the holiday weeks)
    and happened on every reception and deadline before; the cache cannot go
    stale, since any change to a schedule, a period or an announced day
    changes the key, in every process, at once.
    """
    cutoff, periods = _schedule_rows(agency)
    return _build(cutoff, periods, _day_rows(agency))


@lru_cache(maxsize=256)
def _build(cutoff: dt.time | None, periods: _Periods, days: _Days) -> WorkCalendar:
    weekly: dict[int, tuple[Period, ...]] = dict.fromkeys(range(5), DEFAULT_DAY)
    if cutoff is not None:
        by_day: dict[int, list[Period]] = defaultdict(list)
        for weekday, start, end in periods:  # sorted by (weekday, start)
            by_day[weekday].append((start, end))
        if by_day:
            weekly = {day: tuple(items) for day, items in by_day.items()}
    else:
        cutoff = dt.time(15, 0)

    off, on = national_days()
    non_working, extra_working = set(off), set(on)
    # Province-wide rows first, the agency's own rows last so that they win.
    for date, kind, _own in sorted(days, key=lambda row: row[2]):
        if kind == DayKind.NON_WORKING:
            non_working.add(date)
            extra_working.discard(date)
        else:
            non_working.discard(date)
            if not weekly.get(date.weekday()):
                extra_working.add(date)
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


def working_time_left(*, due: dt.datetime | None, agency: Agency | None, now: dt.datetime) -> str:
    """Working time to ``due`` as officials and citizens read it: "còn 1 ngày 3 giờ" / "quá 2 giờ".

    On ``agency``'s calendar (D1: a working day is 8 working hours); "" without
    a deadline. One wording for the staff pages and the citizen's pages.
    """
    if due is None:
        return ""
    cal = work_calendar_for(agency=agency)
    late = now > due
    span = working_time_between(due, now, cal) if late else working_time_between(now, due, cal)
    hours = int(span.total_seconds() // 3600)
    days, rest = divmod(hours, int(cal.hours_per_working_day))
    if late and not days:
        rest = max(rest, 1)  # "quá 0 giờ" would read as on time
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if rest or not days:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", rest) % {"n": rest})
    amount = " ".join(parts)
    return (_("quá %(time)s") if late else _("còn %(time)s")) % {"time": amount}
