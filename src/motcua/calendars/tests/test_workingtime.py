"""Tests for the pure working-time calendar (domain.md §6, rules D1–D9).

The calendar is built from the ``holidays`` package, as production will build it from the
database. Dates are real 2026–2027 dates; each row says why its answer is what it is.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.test import SimpleTestCase

import holidays
import time_machine
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.calendars.constants import DurationUnit, Timeliness
from motcua.calendars.workingtime import (
    DEFAULT_DAY,
    VN_TZ,
    Period,
    WorkCalendar,
    add_working_time,
    classify,
    due_at,
    is_office_instant,
    is_working_day,
    next_working_instant,
    starts_at,
    working_periods,
    working_time_between,
)

if not settings.configured:
    # Standalone run (pytest -p no:django). Under pytest-django the real settings are used;
    # this module needs no database and no translations.
    settings.configure(USE_I18N=False)

YEARS = range(2025, 2029)
HOUR = timedelta(hours=1)
PROPERTIES = hypothesis_settings(max_examples=200, deadline=None, database=None)


def vietnam_calendar(years: range = YEARS, **kwargs: object) -> WorkCalendar:
    """Standard office hours plus the national holiday table from the ``holidays`` package.

    ``weekend_workdays`` holds the decreed swapped Saturdays (22/08/2026 is worked in
    exchange for Mon 31/08/2026). The package also lists swaps outside ``years``.
    """
    table = holidays.country_holidays("VN", years=years)
    return WorkCalendar.standard(
        non_working_days=frozenset(table),
        extra_working_days=frozenset(d for d in table.weekend_workdays if d.year in years),
        **kwargs,  # type: ignore[arg-type]
    )


CAL = vietnam_calendar()
# Centres that also receive on Saturday mornings (domain.md §6.3 design consequences).
SATURDAY_CAL = WorkCalendar(
    weekly_hours={**dict.fromkeys(range(5), DEFAULT_DAY), 5: ((time(7, 30), time(11, 30)),)},
    non_working_days=CAL.non_working_days,
    extra_working_days=CAL.extra_working_days,
)


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


# --- a naive reference: day by day, no week skipping, periods read from the public fields ---


def reference_periods(day: date, cal: WorkCalendar) -> tuple[Period, ...]:
    if day in cal.extra_working_days:
        return cal.extra_day_hours
    if day in cal.non_working_days:
        return ()
    return tuple(cal.weekly_hours.get(day.weekday(), ()))


def reference_add(t: datetime, amount: timedelta, cal: WorkCalendar) -> datetime:
    cursor = t.astimezone(cal.tz)
    day = cursor.date()
    remaining = amount
    while True:
        for start, end in reference_periods(day, cal):
            begin = datetime.combine(day, start, cal.tz)
            finish = datetime.combine(day, end, cal.tz)
            if cursor >= finish:
                continue
            begin = max(begin, cursor)
            if remaining <= finish - begin:
                return begin + remaining
            remaining -= finish - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time.min, cal.tz)


def reference_between(a: datetime, b: datetime, cal: WorkCalendar) -> timedelta:
    total = timedelta(0)
    day = a.astimezone(cal.tz).date()
    while day <= b.astimezone(cal.tz).date():
        for start, end in reference_periods(day, cal):
            begin = max(datetime.combine(day, start, cal.tz), a)
            finish = min(datetime.combine(day, end, cal.tz), b)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


# --- hypothesis strategies ------------------------------------------------------------------

# Boundaries are where off-by-one bugs live, so they are drawn often.
BOUNDARY_TIMES = [time(0), time(6, 30), time(7), time(11, 30), time(12), time(13, 30)]
BOUNDARY_TIMES += [time(15), time(15, 0, 1), time(17), time(17, 20), time(23, 59, 59, 999999)]


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    day = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)))
    at = draw(st.one_of(st.sampled_from(BOUNDARY_TIMES), st.times()))
    local = datetime.combine(day, at, VN_TZ)
    # Callers may pass any zone; the calendar reads the instant in its own zone.
    return local.astimezone(UTC) if draw(st.booleans()) else local


# 0–2000 working hours in minutes, with whole working days and weeks drawn often.
durations = st.one_of(
    st.integers(min_value=0, max_value=2000 * 60),
    st.integers(min_value=0, max_value=250).map(lambda days: days * 8 * 60),
    st.integers(min_value=0, max_value=50).map(lambda weeks: weeks * 40 * 60),
).map(lambda minutes: timedelta(minutes=minutes))


# Random calendars may have very few office hours a week; keep the naive walk short.
short_durations = st.integers(min_value=0, max_value=300 * 60).map(
    lambda minutes: timedelta(minutes=minutes)
)


@st.composite
def day_periods(draw: st.DrawFn) -> tuple[Period, ...]:
    # Sorted distinct quarter hours paired up give sorted, non-overlapping periods.
    points = draw(st.lists(st.integers(0, 95), min_size=0, max_size=6, unique=True))
    points = sorted(points)[: len(points) // 2 * 2]
    quarter = [time(p // 4, p % 4 * 15) for p in points]
    return tuple(zip(quarter[::2], quarter[1::2], strict=True))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    weekly = {wd: draw(day_periods()) for wd in range(7) if draw(st.booleans())}
    weekly[draw(st.integers(0, 6))] = draw(day_periods().filter(bool))
    some_days = st.lists(
        st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)), max_size=60
    )
    off = frozenset(draw(some_days))
    on = frozenset(draw(some_days)) - off
    return WorkCalendar(
        weekly_hours=weekly,
        non_working_days=off,
        extra_working_days=on,
        extra_day_hours=draw(day_periods().filter(bool)),
    )


# Time is frozen (conventions §10) to prove the arithmetic never reads the clock.
@time_machine.travel(datetime(2026, 6, 15, 9, 0, tzinfo=VN_TZ), tick=False)
class WorkingTimeTests(SimpleTestCase):
    # --- domain.md §6.2 ----------------------------------------------------------------------

    def test_it_computes_every_worked_example_of_domain_6_2(self) -> None:
        wd, same, cal_days = (
            DurationUnit.WORKING_DAYS,
            DurationUnit.SAME_DAY,
            DurationUnit.CALENDAR_DAYS,
        )
        rows = [
            # Ordinary week: Fri 09:00 + 8 working hours = Mon 09:00.
            (vn(2026, 3, 6, 9), 1, wd, vn(2026, 3, 9, 9)),
            # 40 h from Mon 20/04; Mon 27/04 is the compensatory Hùng Kings' day.
            (vn(2026, 4, 20, 9), 5, wd, vn(2026, 4, 28, 9)),
            # Lunch: counting starts 13:30; 3.5 h Fri + 4.5 h Tue morning ends at 11:30 sharp.
            (vn(2026, 4, 24, 12), 1, wd, vn(2026, 4, 28, 11, 30)),
            # After hours: starts Tue 28/04 07:00; 30/04 and 01/05 are holidays.
            (vn(2026, 4, 24, 17, 20), 3, wd, vn(2026, 5, 4, 17)),
            # D4: received after the 15:00 cut-off, returned at the end of the next working day.
            (vn(2026, 9, 24, 15, 20), 0, same, vn(2026, 9, 25, 17)),
            # Day 15 = Thu 30/04 (holiday) → Fri 01/05 (holiday) → weekend → Mon 04/05.
            (vn(2026, 4, 15, 9), 15, cal_days, vn(2026, 5, 4, 17)),
        ]
        for received, amount, unit, expected in rows:
            with self.subTest(received=received, amount=amount, unit=unit):
                self.assertEqual(due_at(received, amount, unit, CAL), expected)

    def test_it_starts_counting_at_the_next_office_instant(self) -> None:
        rows = [
            # D2: before opening counts from opening.
            (vn(2026, 4, 21, 6, 30), vn(2026, 4, 21, 7)),
            # Opening instant itself is inside the morning period.
            (vn(2026, 4, 21, 7), vn(2026, 4, 21, 7)),
            # Inside the morning period: t itself.
            (vn(2026, 4, 21, 9, 15), vn(2026, 4, 21, 9, 15)),
            # 11:30 is the end of the morning (end exclusive) → afternoon start.
            (vn(2026, 4, 21, 11, 30), vn(2026, 4, 21, 13, 30)),
            # D2: received during lunch counts from 13:30.
            (vn(2026, 4, 21, 12), vn(2026, 4, 21, 13, 30)),
            # Closing instant → next working morning.
            (vn(2026, 4, 21, 17), vn(2026, 4, 22, 7)),
            # D2: after closing → next working morning.
            (vn(2026, 4, 21, 18), vn(2026, 4, 22, 7)),
            # Weekend → Monday morning.
            (vn(2026, 3, 7, 10), vn(2026, 3, 9, 7)),
            # Friday evening before the Hùng Kings' compensatory Monday → Tuesday.
            (vn(2026, 4, 24, 17, 20), vn(2026, 4, 28, 7)),
            # Tết 2026 (Mon 16 – Fri 20/02): Friday evening before → Mon 23/02.
            (vn(2026, 2, 13, 17, 30), vn(2026, 2, 23, 7)),
            # Fri 21/08/2026 evening → Sat 22/08, the decreed swapped working Saturday.
            (vn(2026, 8, 21, 18), vn(2026, 8, 22, 7)),
            # New Year 2027 on a Friday, then the weekend → Mon 04/01/2027.
            (vn(2026, 12, 31, 17, 30), vn(2027, 1, 4, 7)),
            # A UTC instant is read in Vietnam time: 02:00Z = 09:00 +07.
            (datetime(2026, 4, 21, 2, tzinfo=UTC), vn(2026, 4, 21, 9)),
            # 23:30Z on Mon 20/04 is 06:30 Tue 21/04 in Hà Nội: before opening.
            (datetime(2026, 4, 20, 23, 30, tzinfo=UTC), vn(2026, 4, 21, 7)),
        ]
        for received, expected in rows:
            with self.subTest(received=received):
                self.assertEqual(next_working_instant(received, CAL), expected)
                self.assertEqual(starts_at(received, CAL), expected)
                self.assertEqual(starts_at(received, CAL).tzinfo, VN_TZ)

    def test_it_counts_working_days_across_the_2026_and_2027_holidays(self) -> None:
        rows: list[tuple[datetime, int | Decimal, datetime]] = [
            # Tết 2026: Mon 16 – Fri 20/02 off, so Fri 13/02 + 1 day is Mon 23/02.
            (vn(2026, 2, 13, 9), 1, vn(2026, 2, 23, 9)),
            # Thu 12/02 + 2 days: Fri 13/02 is the only working day before Tết.
            (vn(2026, 2, 12, 10), 2, vn(2026, 2, 23, 10)),
            # 7 days from Mon 20/04 07:00: that week's 5, then Tue 28 and Wed 29 (27/04, 30/04,
            # 01/05 off). Used up at Wed 17:00, not at the next opening (Mon 04/05 07:00).
            (vn(2026, 4, 20, 7), 7, vn(2026, 4, 29, 17)),
            # Sat 22/08/2026 is worked (swap), so Fri 21/08 + 1 day is that Saturday.
            (vn(2026, 8, 21, 9), 1, vn(2026, 8, 22, 9)),
            # From the swapped Saturday the next working day is Mon 24/08.
            (vn(2026, 8, 22, 9), 1, vn(2026, 8, 24, 9)),
            # Mon 31/08 (swapped off) and 01–02/09 (National Day): Fri 28/08 + 1 → Thu 03/09.
            (vn(2026, 8, 28, 9), 1, vn(2026, 9, 3, 9)),
            # Tue 24/11/2026 is Vietnamese Culture Day (NQ 28/2026/QH16).
            (vn(2026, 11, 23, 9), 1, vn(2026, 11, 25, 9)),
            # New Year 2027 (Fri 01/01) then the weekend.
            (vn(2026, 12, 31, 9), 1, vn(2027, 1, 4, 9)),
            # Tết 2027 as the package gives it: Thu 04/02 – Wed 10/02 (Sat/Sun inside).
            (vn(2027, 2, 3, 9), 1, vn(2027, 2, 11, 9)),
            # Hùng Kings' Commemoration 2027 is Fri 16/04.
            (vn(2027, 4, 15, 9), 1, vn(2027, 4, 19, 9)),
            # Fri 30/04/2027, Sat 01/05 and its compensatory Mon 03/05 (BLLĐ Art 111(3)).
            (vn(2027, 4, 29, 9), 1, vn(2027, 5, 4, 9)),
            # Fractional days: 0.5 day = 4 h = 2.5 h morning + 1.5 h afternoon.
            (vn(2026, 4, 21, 9), Decimal("0.5"), vn(2026, 4, 21, 15)),
            # Zero days: due when counting starts (lunch → 13:30).
            (vn(2026, 4, 21, 12), 0, vn(2026, 4, 21, 13, 30)),
            # 250 days = 2000 h from Mon 05/01/2026 07:00: 2026 has 249 working days, 248 of
            # them from 05/01 on; Fri 01/01/2027 is New Year, so day 249 is Mon 04/01/2027 and
            # day 250 ends Tue 05/01/2027 at closing time.
            (vn(2026, 1, 5, 7), 250, vn(2027, 1, 5, 17)),
        ]
        for received, amount, expected in rows:
            with self.subTest(received=received, amount=amount):
                self.assertEqual(due_at(received, amount, DurationUnit.WORKING_DAYS, CAL), expected)

    def test_it_counts_working_hours_and_stops_at_a_period_end(self) -> None:
        wh = DurationUnit.WORKING_HOURS
        rows: list[tuple[datetime, int | Decimal, datetime]] = [
            # 1 h of the afternoon + 1 h next morning.
            (vn(2026, 4, 20, 16), 2, vn(2026, 4, 21, 8)),
            # Used up exactly at 11:30: the end of the morning, not 13:30.
            (vn(2026, 4, 21, 10, 30), 1, vn(2026, 4, 21, 11, 30)),
            # Used up exactly at 17:00: today's closing, not tomorrow's opening.
            (vn(2026, 4, 21, 16), 1, vn(2026, 4, 21, 17)),
            # One minute more spills into the next working morning.
            (vn(2026, 4, 21, 16), Decimal(61) / 60, vn(2026, 4, 22, 7, 1)),
            # A whole week of 40 h from Monday opening ends Friday 17:00, not Monday 07:00.
            (vn(2026, 3, 9, 7), 40, vn(2026, 3, 13, 17)),
            # Before opening (06:30): counting starts at 07:00.
            (vn(2026, 4, 21, 6, 30), 3, vn(2026, 4, 21, 10)),
        ]
        for received, amount, expected in rows:
            with self.subTest(received=received, amount=amount):
                self.assertEqual(due_at(received, amount, wh, CAL), expected)
        # add_working_time is the same arithmetic on a timedelta.
        self.assertEqual(
            add_working_time(vn(2026, 4, 21, 10, 30), HOUR, CAL), vn(2026, 4, 21, 11, 30)
        )
        self.assertEqual(
            add_working_time(vn(2026, 4, 21, 17), timedelta(0), CAL), vn(2026, 4, 22, 7)
        )

    def test_it_pushes_calendar_day_deadlines_off_non_working_days(self) -> None:
        cal_days = DurationUnit.CALENDAR_DAYS
        rows = [
            # Day 7 = Mon 16/02/2026, first day of Tết; pushed past Tết and the weekend.
            (vn(2026, 2, 9, 10), 7, vn(2026, 2, 23, 17)),
            # Day 1 = Sat 22/08/2026, a swapped working Saturday: due that day.
            (vn(2026, 8, 21, 10), 1, vn(2026, 8, 22, 17)),
            # Day 7 = Mon 31/08 (swapped off), then 01–02/09: due Thu 03/09.
            (vn(2026, 8, 24, 10), 7, vn(2026, 9, 3, 17)),
            # Received Saturday: counts from its date; Sunday → Monday.
            (vn(2026, 3, 14, 10), 1, vn(2026, 3, 16, 17)),
            # Holidays inside the span do not extend it; only the final date is pushed.
            (vn(2027, 4, 29, 10), 7, vn(2027, 5, 6, 17)),
            # Received after hours: still counted from the local date of reception.
            (vn(2026, 4, 21, 18), 1, vn(2026, 4, 22, 17)),
        ]
        for received, amount, expected in rows:
            with self.subTest(received=received, amount=amount):
                self.assertEqual(due_at(received, amount, cal_days, CAL), expected)

    def test_it_returns_same_day_procedures_by_the_cutoff(self) -> None:
        same = DurationUnit.SAME_DAY
        rows = [
            # D4: received exactly at 15:00 is not after the cut-off: due the same day.
            (vn(2026, 4, 21, 15), CAL, vn(2026, 4, 21, 17)),
            # One second after 15:00: end of the next working day.
            (vn(2026, 4, 21, 15, 0, 1), CAL, vn(2026, 4, 22, 17)),
            # Before opening: counting starts 07:00, before the cut-off.
            (vn(2026, 4, 21, 6, 30), CAL, vn(2026, 4, 21, 17)),
            # Lunch: counting starts 13:30, before the cut-off.
            (vn(2026, 4, 21, 12), CAL, vn(2026, 4, 21, 17)),
            # After closing: counting starts next morning 07:00 → due that day.
            (vn(2026, 4, 21, 17, 20), CAL, vn(2026, 4, 22, 17)),
            # Received on a Saturday: due Monday.
            (vn(2026, 3, 7, 10), CAL, vn(2026, 3, 9, 17)),
            # Fri 24/04/2026 15:30: next working day is Tue 28/04 (27/04 compensatory).
            (vn(2026, 4, 24, 15, 30), CAL, vn(2026, 4, 28, 17)),
            # A configured 16:00 cut-off keeps the §6.2 example on the same day.
            (
                vn(2026, 9, 24, 15, 20),
                vietnam_calendar(same_day_cutoff=time(16)),
                vn(2026, 9, 24, 17),
            ),
        ]
        for received, cal, expected in rows:
            with self.subTest(received=received, cutoff=cal.same_day_cutoff):
                self.assertEqual(due_at(received, 0, same, cal), expected)
        # The amount is ignored for same-day procedures.
        self.assertEqual(due_at(vn(2026, 4, 21, 9), 7, same, CAL), vn(2026, 4, 21, 17))

    def test_it_has_no_due_date_without_appointment(self) -> None:
        self.assertIsNone(due_at(vn(2026, 4, 21, 9), 0, DurationUnit.NO_APPOINTMENT, CAL))

    def test_it_supports_saturday_morning_hours(self) -> None:
        wh = DurationUnit.WORKING_HOURS
        # Fri 16:00 + 2 h: 1 h on Friday, 1 h from Saturday 07:30.
        self.assertEqual(due_at(vn(2026, 3, 6, 16), 2, wh, SATURDAY_CAL), vn(2026, 3, 7, 8, 30))
        # Saturday afternoon is closed: next instant is Monday 07:00.
        self.assertEqual(next_working_instant(vn(2026, 3, 7, 12), SATURDAY_CAL), vn(2026, 3, 9, 7))
        # Sat 01/05/2027 is a holiday even with Saturday hours; 30/04 and Mon 03/05 are off.
        self.assertEqual(due_at(vn(2027, 4, 29, 16), 2, wh, SATURDAY_CAL), vn(2027, 5, 4, 8))
        # A week is 40 h + 4 h on Saturday morning.
        self.assertEqual(
            working_time_between(vn(2026, 3, 9, 7), vn(2026, 3, 16, 7), SATURDAY_CAL), 44 * HOUR
        )
        # Five ordinary weeks from Monday opening end at the fifth Saturday's 11:30.
        self.assertEqual(
            due_at(vn(2026, 3, 2, 7), 5 * 44, wh, SATURDAY_CAL), vn(2026, 4, 4, 11, 30)
        )
        self.assertTrue(is_working_day(date(2026, 3, 7), SATURDAY_CAL))
        self.assertFalse(is_working_day(date(2026, 3, 8), SATURDAY_CAL))

    def test_it_measures_working_time_between_instants(self) -> None:
        rows = [
            # 40 h: Mon 27/04 is the compensatory Hùng Kings' holiday.
            (vn(2026, 4, 20, 9), vn(2026, 4, 28, 9), 40 * HOUR),
            # Tết 2026 adds nothing: Fri 13/02 09:00 → Mon 23/02 09:00 is one working day.
            (vn(2026, 2, 13, 9), vn(2026, 2, 23, 9), 8 * HOUR),
            # Lunch does not count: 11:00 → 14:00 is 30 + 30 minutes.
            (vn(2026, 4, 21, 11), vn(2026, 4, 21, 14), HOUR),
            # 2/9 2026: Fri 28/08 → Thu 03/09 skips Mon 31/08 (swapped off) and 01–02/09.
            (vn(2026, 8, 28, 7), vn(2026, 9, 3, 7), 8 * HOUR),
            # The swapped Saturday counts: Fri 21/08 07:00 → Mon 24/08 07:00 is two days.
            (vn(2026, 8, 21, 7), vn(2026, 8, 24, 7), 16 * HOUR),
            # Whole of 2026: 261 weekdays − 13 weekday holidays + Sat 22/08 = 249 days × 8 h.
            (vn(2026, 1, 1), vn(2027, 1, 1), 249 * 8 * HOUR),
            # Off-hours to off-hours inside one night: nothing.
            (vn(2026, 4, 21, 17, 30), vn(2026, 4, 22, 6, 30), timedelta(0)),
            # Reversed or empty interval: zero, never negative.
            (vn(2026, 4, 22, 9), vn(2026, 4, 21, 9), timedelta(0)),
            (vn(2026, 4, 22, 9), vn(2026, 4, 22, 9), timedelta(0)),
            # Mixed zones: 00:00Z = 07:00 +07 and 10:00Z = 17:00 +07, one full day.
            (datetime(2026, 4, 21, 0, tzinfo=UTC), datetime(2026, 4, 21, 10, tzinfo=UTC), 8 * HOUR),
        ]
        for a, b, expected in rows:
            with self.subTest(a=a, b=b):
                self.assertEqual(working_time_between(a, b, CAL), expected)

    def test_it_knows_which_days_and_instants_are_working(self) -> None:
        days = [
            (date(2026, 8, 22), True),  # swapped working Saturday
            (date(2026, 8, 31), False),  # the Monday given in exchange
            (date(2026, 11, 24), False),  # Vietnamese Culture Day, from 2026
            (date(2025, 11, 24), True),  # not yet a holiday in 2025 (effective 01/07/2026)
            (date(2027, 4, 16), False),  # Hùng Kings' 2027
            (date(2027, 5, 3), False),  # compensatory day for Sat 01/05/2027
            (date(2026, 3, 7), False),  # ordinary Saturday
            (date(2026, 3, 9), True),  # ordinary Monday
        ]
        for day, expected in days:
            with self.subTest(day=day):
                self.assertEqual(is_working_day(day, CAL), expected)
                self.assertEqual(bool(working_periods(day, CAL)), expected)
        self.assertEqual(
            working_periods(date(2026, 8, 22), CAL),
            (
                (vn(2026, 8, 22, 7), vn(2026, 8, 22, 11, 30)),
                (vn(2026, 8, 22, 13, 30), vn(2026, 8, 22, 17)),
            ),
        )
        instants = [
            (vn(2026, 3, 9, 6, 59), False),  # before opening
            (vn(2026, 3, 9, 7), True),  # opening, inclusive
            (vn(2026, 3, 9, 11, 30), True),  # end of morning, inclusive
            (vn(2026, 3, 9, 11, 31), False),  # lunch
            (vn(2026, 3, 9, 13, 30), True),  # afternoon start
            (vn(2026, 3, 9, 17), True),  # closing, inclusive
            (vn(2026, 3, 9, 17, 0, 1), False),  # after closing
            (vn(2026, 3, 7, 9), False),  # Saturday
            (vn(2026, 2, 17, 9), False),  # Tết 2026
        ]
        for t, expected in instants:
            with self.subTest(t=t):
                self.assertEqual(is_office_instant(t, CAL), expected)

    def test_it_takes_tet_2027_from_the_holidays_package(self) -> None:
        # domain.md §6.3 lists 05/02–09/02/2027 (unverified); the package gives Thu 04/02 to
        # Wed 10/02, i.e. five weekdays off. The yearly notice decides; admins can override.
        february = [date(2027, 2, d) for d in range(1, 13)]
        off = [d.day for d in february if d.weekday() < 5 and not is_working_day(d, CAL)]
        self.assertEqual(off, [4, 5, 8, 9, 10])

    def test_it_classifies_timeliness(self) -> None:
        due = vn(2026, 4, 28, 11, 30)
        rows = [
            # Earlier calendar day: early in both modes.
            (vn(2026, 4, 24, 16), True, Timeliness.EARLY),
            (vn(2026, 4, 24, 16), False, Timeliness.EARLY),
            # Same day, before the due instant: on time by day, early by instant.
            (vn(2026, 4, 28, 9), True, Timeliness.ON_TIME),
            (vn(2026, 4, 28, 9), False, Timeliness.EARLY),
            # Exactly the due instant: on time in both modes.
            (due, True, Timeliness.ON_TIME),
            (due, False, Timeliness.ON_TIME),
            # One second after: late in both modes (D7).
            (due + timedelta(seconds=1), True, Timeliness.LATE),
            (due + timedelta(seconds=1), False, Timeliness.LATE),
            # 18:00Z on 27/04 is 01:00 on 28/04 in Vietnam: same local date → on time.
            (datetime(2026, 4, 27, 18, tzinfo=UTC), True, Timeliness.ON_TIME),
            # 16:00Z on 27/04 is 23:00 on 27/04 in Vietnam: the day before → early.
            (datetime(2026, 4, 27, 16, tzinfo=UTC), True, Timeliness.EARLY),
        ]
        for finished, by_day, expected in rows:
            with self.subTest(finished=finished, by_calendar_day=by_day):
                self.assertEqual(classify(finished, due, by_calendar_day=by_day), expected)

    def test_it_refuses_invalid_input(self) -> None:
        naive = datetime(2026, 4, 21, 9)
        aware = vn(2026, 4, 21, 9)
        wd = DurationUnit.WORKING_DAYS
        calls: dict[str, Callable[[], object]] = {
            "naive add": lambda: add_working_time(naive, HOUR, CAL),
            "naive due": lambda: due_at(naive, 1, wd, CAL),
            "naive no-appointment due": lambda: due_at(naive, 0, DurationUnit.NO_APPOINTMENT, CAL),
            "naive between": lambda: working_time_between(aware, naive, CAL),
            "naive next instant": lambda: next_working_instant(naive, CAL),
            "naive office instant": lambda: is_office_instant(naive, CAL),
            "naive classify": lambda: classify(naive, aware),
            "negative time": lambda: add_working_time(aware, -HOUR, CAL),
            "negative amount": lambda: due_at(aware, -1, wd, CAL),
            "not a number": lambda: due_at(aware, Decimal("NaN"), wd, CAL),
            "zero calendar days": lambda: due_at(aware, 0, DurationUnit.CALENDAR_DAYS, CAL),
            "fractional calendar days": lambda: due_at(
                aware, Decimal("1.5"), DurationUnit.CALENDAR_DAYS, CAL
            ),
        }
        for name, call in calls.items():
            with self.subTest(name), self.assertRaises(ValueError):
                call()
        with self.assertRaises(TypeError):
            is_working_day(naive, CAL)  # a datetime is not a date here

    def test_it_refuses_invalid_calendars(self) -> None:
        monday = date(2026, 4, 20)
        bad = {
            # Nothing would ever be due: the arithmetic would loop forever.
            "no weekday hours": {"weekly_hours": {}},
            "only empty days": {"weekly_hours": {5: (), 6: ()}},
            "overlapping periods": {
                "weekly_hours": {0: ((time(7), time(12)), (time(11), time(17)))}
            },
            "unsorted periods": {"weekly_hours": {0: ((time(13), time(17)), (time(7), time(11)))}},
            "start after end": {"weekly_hours": {0: ((time(17), time(7)),)}},
            "empty period": {"weekly_hours": {0: ((time(7), time(7)),)}},
            "weekday out of range": {"weekly_hours": {7: DEFAULT_DAY}},
            "overlapping extra hours": {
                "weekly_hours": {0: DEFAULT_DAY},
                "extra_day_hours": ((time(7), time(12)), (time(11), time(17))),
            },
            "day both off and on": {
                "weekly_hours": {0: DEFAULT_DAY},
                "non_working_days": frozenset({monday}),
                "extra_working_days": frozenset({monday}),
            },
            "zero hours per day": {
                "weekly_hours": {0: DEFAULT_DAY},
                "hours_per_working_day": Decimal(0),
            },
            "datetime as a holiday": {
                "weekly_hours": {0: DEFAULT_DAY},
                "non_working_days": frozenset({datetime(2026, 4, 20, tzinfo=VN_TZ)}),
            },
        }
        for name, kwargs in bad.items():
            with self.subTest(name), self.assertRaises(ValueError):
                WorkCalendar(**kwargs)  # type: ignore[arg-type]

    def test_it_is_an_immutable_hashable_value(self) -> None:
        again = vietnam_calendar()
        self.assertEqual(again, CAL)
        self.assertEqual(hash(again), hash(CAL))
        self.assertNotEqual(vietnam_calendar(same_day_cutoff=time(16)), CAL)
        self.assertEqual({CAL: "cached"}[again], "cached")
        with self.assertRaises(FrozenInstanceError):
            CAL.same_day_cutoff = time(16)  # type: ignore[misc]
        with self.assertRaises(TypeError):
            CAL.weekly_hours[5] = DEFAULT_DAY  # type: ignore[index]
        # Selectors may keep a built calendar in the Django cache, which pickles.
        unpickled = pickle.loads(pickle.dumps(SATURDAY_CAL))  # noqa: S301 - our own bytes
        for copied in (unpickled, copy.deepcopy(SATURDAY_CAL)):
            self.assertEqual(copied, SATURDAY_CAL)
            # Fri 16:00 + 2 h reaches Saturday morning only with Saturday hours.
            self.assertEqual(
                add_working_time(vn(2026, 3, 6, 16), 2 * HOUR, copied), vn(2026, 3, 7, 8, 30)
            )

    # --- properties ------------------------------------------------------------------------

    @PROPERTIES
    @given(t=instants(), amount=durations)
    def test_it_measures_back_exactly_the_time_it_added(
        self, t: datetime, amount: timedelta
    ) -> None:
        self.assertEqual(working_time_between(t, add_working_time(t, amount, CAL), CAL), amount)

    @PROPERTIES
    @given(t=instants(), amount=durations)
    def test_it_always_lands_on_an_office_instant(self, t: datetime, amount: timedelta) -> None:
        result = add_working_time(t, amount, CAL)
        self.assertTrue(is_office_instant(result, CAL))
        self.assertGreaterEqual(result, t)
        self.assertEqual(result.tzinfo, VN_TZ)

    @PROPERTIES
    @given(
        t=instants(),
        amount=st.integers(min_value=0, max_value=300),
        unit=st.sampled_from([u for u in DurationUnit if u != DurationUnit.NO_APPOINTMENT]),
    )
    def test_it_gives_due_dates_at_office_instants_after_the_start(
        self, t: datetime, amount: int, unit: DurationUnit
    ) -> None:
        if unit == DurationUnit.CALENDAR_DAYS:
            amount = max(amount, 1)  # calendar days must be at least 1
        due = due_at(t, amount, unit, CAL)
        assert due is not None
        self.assertTrue(is_office_instant(due, CAL))
        self.assertGreaterEqual(due, starts_at(t, CAL))

    @PROPERTIES
    @given(t=instants(), first=durations, second=durations)
    def test_it_is_monotonic_in_the_amount(
        self, t: datetime, first: timedelta, second: timedelta
    ) -> None:
        low, high = sorted((first, second))
        self.assertLessEqual(add_working_time(t, low, CAL), add_working_time(t, high, CAL))

    @PROPERTIES
    @given(t=instants(), amount=durations, other=instants())
    def test_it_agrees_with_a_day_by_day_walk(
        self, t: datetime, amount: timedelta, other: datetime
    ) -> None:
        # The week-skipping fast path must give what walking every day gives.
        self.assertEqual(add_working_time(t, amount, CAL), reference_add(t, amount, CAL))
        a, b = sorted((t, other))
        self.assertEqual(working_time_between(a, b, CAL), reference_between(a, b, CAL))

    @PROPERTIES
    @given(cal=calendars(), t=instants(), amount=short_durations, other=instants())
    def test_it_agrees_with_a_day_by_day_walk_on_any_calendar(
        self, cal: WorkCalendar, t: datetime, amount: timedelta, other: datetime
    ) -> None:
        # Odd office hours and random overrides exercise the fast path's week arithmetic.
        expected = reference_add(t, amount, cal)
        self.assertEqual(add_working_time(t, amount, cal), expected)
        self.assertEqual(working_time_between(t, expected, cal), amount)
        a, b = sorted((t, other))
        self.assertEqual(working_time_between(a, b, cal), reference_between(a, b, cal))
