"""work_calendar_for: the agency's calendar from its schedule and the announced days.

The built calendar is cached in the process keyed by the data it is built
from; these tests check that a change to that data is seen at once (the cache
never serves a stale calendar) and that reading it stays at two queries.
"""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from motcua.calendars.models import CalendarDay, DayKind, WorkPeriod, WorkSchedule
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import is_working_day
from motcua.organisations.tests.factories import AgencyFactory

# Wed 15/04/2026 and Sat 18/04/2026: an ordinary weekday and an ordinary Saturday.
WEDNESDAY = dt.date(2026, 4, 15)
SATURDAY = dt.date(2026, 4, 18)


class WorkCalendarForTests(TestCase):
    def test_it_sees_a_day_announced_after_the_calendar_was_first_read(self) -> None:
        agency = AgencyFactory()
        self.assertTrue(is_working_day(WEDNESDAY, work_calendar_for(agency=agency)))
        CalendarDay.objects.create(
            date=WEDNESDAY, kind=DayKind.NON_WORKING, name="Nghỉ bão", agency=agency
        )
        self.assertFalse(is_working_day(WEDNESDAY, work_calendar_for(agency=agency)))
        # Other agencies keep the day: the row is the agency's own.
        self.assertTrue(is_working_day(WEDNESDAY, work_calendar_for(agency=AgencyFactory())))

    def test_the_agency_row_beats_the_province_row_for_the_same_date(self) -> None:
        agency = AgencyFactory()
        CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.NON_WORKING, name="Nghỉ toàn tỉnh")
        self.assertFalse(is_working_day(WEDNESDAY, work_calendar_for(agency=agency)))
        CalendarDay.objects.create(
            date=WEDNESDAY, kind=DayKind.WORKING, name="Trực tiếp nhận", agency=agency
        )
        self.assertTrue(is_working_day(WEDNESDAY, work_calendar_for(agency=agency)))
        self.assertFalse(is_working_day(WEDNESDAY, work_calendar_for(agency=None)))

    def test_it_sees_a_changed_schedule_period_and_cutoff_at_once(self) -> None:
        schedule = WorkSchedule.objects.create(name="Sáng thứ Bảy")
        for weekday in range(5):
            WorkPeriod.objects.create(
                schedule=schedule, weekday=weekday, start=dt.time(7), end=dt.time(17)
            )
        agency = AgencyFactory(schedule=schedule)
        self.assertFalse(is_working_day(SATURDAY, work_calendar_for(agency=agency)))
        WorkPeriod.objects.create(schedule=schedule, weekday=5, start=dt.time(7), end=dt.time(11))
        schedule.same_day_cutoff = dt.time(14, 0)
        schedule.save()
        calendar = work_calendar_for(agency=agency)
        self.assertTrue(is_working_day(SATURDAY, calendar))
        self.assertEqual(calendar.same_day_cutoff, dt.time(14, 0))

    def test_an_empty_schedule_keeps_the_default_hours_with_its_own_cutoff(self) -> None:
        schedule = WorkSchedule.objects.create(name="Chưa khai giờ", same_day_cutoff=dt.time(16))
        calendar = work_calendar_for(agency=AgencyFactory(schedule=schedule))
        self.assertEqual(calendar.same_day_cutoff, dt.time(16))
        self.assertTrue(is_working_day(WEDNESDAY, calendar))
        self.assertFalse(is_working_day(SATURDAY, calendar))

    def test_it_uses_the_default_schedule_for_an_agency_without_one(self) -> None:
        default = WorkSchedule.objects.create(name="Mặc định", is_default=True)
        WorkPeriod.objects.create(schedule=default, weekday=5, start=dt.time(7), end=dt.time(11))
        self.assertTrue(is_working_day(SATURDAY, work_calendar_for(agency=AgencyFactory())))
        # Saturday only: the default schedule's periods replace the D2 week.
        self.assertFalse(is_working_day(WEDNESDAY, work_calendar_for(agency=None)))

    def test_it_reads_two_queries_and_reuses_the_built_calendar(self) -> None:
        agency = AgencyFactory()
        first = work_calendar_for(agency=agency)
        with self.assertNumQueries(2):
            again = work_calendar_for(agency=agency)
        self.assertIs(again, first)


class WorkingTimeLeftTests(TestCase):
    """One wording of "time left" for officials and citizens, in each language."""

    def test_it_counts_working_days_and_hours_and_says_overdue(self) -> None:
        from django.utils import translation

        from motcua.calendars.selectors import working_time_left
        from motcua.calendars.workingtime import VN_TZ

        now = dt.datetime(2026, 3, 10, 9, tzinfo=VN_TZ)  # Tue 09:00
        due = dt.datetime(2026, 3, 11, 14, tzinfo=VN_TZ)  # Wed 14:00: 11 working hours
        with translation.override("vi"):
            self.assertEqual(working_time_left(due=due, agency=None, now=now), "còn 1 ngày 3 giờ")
            late = working_time_left(due=now, agency=None, now=now + dt.timedelta(hours=2))
            self.assertEqual(late, "quá 2 giờ")
        with translation.override("en"):
            self.assertEqual(working_time_left(due=due, agency=None, now=now), "1 day 3 hours left")
            self.assertEqual(
                working_time_left(due=now, agency=None, now=now + dt.timedelta(minutes=5)),
                "1 hour overdue",
            )
        self.assertEqual(working_time_left(due=None, agency=None, now=now), "")
