"""GET /api/v1/calendar/due-date — the public appointment-date preview (gh-2 item 13)."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from motcua.calendars.models import CalendarDay, DayKind, WorkPeriod, WorkSchedule
from motcua.organisations.tests.factories import AgencyFactory

URL = "/api/v1/calendar/due-date"


class DueDateApiTests(TestCase):
    def get(self, lang: str = "vi", **params: str):
        return self.client.get(URL, params, HTTP_ACCEPT_LANGUAGE=lang)

    def test_it_computes_the_due_date_across_the_hung_kings_compensatory_day(self):
        # Mon 20/04/2026 09:00 + 5 working days: Mon 27/04 is the compensatory
        # day for Giỗ Tổ Hùng Vương (Sun 26/04), so the 40 h end Tue 28/04 09:00.
        r = self.get(received_at="2026-04-20T09:00:00+07:00", amount="5", unit="working_days")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            r.json(),
            {
                "received_at": "2026-04-20T09:00:00+07:00",
                "starts_at": "2026-04-20T09:00:00+07:00",
                "due_at": "2026-04-28T09:00:00+07:00",
            },
        )

    def test_it_reads_a_received_at_without_offset_as_vietnamese_local_time(self):
        r = self.get(received_at="2026-04-24T17:20", amount="3", unit="working_days")
        body = r.json()
        # After closing on Fri 24/04: counting starts Tue 28/04 07:00 (Mon 27/04 is
        # a holiday) and 30/04–01/05 are holidays, so 24 h end Mon 04/05 17:00.
        self.assertEqual(body["received_at"], "2026-04-24T17:20:00+07:00")
        self.assertEqual(body["starts_at"], "2026-04-28T07:00:00+07:00")
        self.assertEqual(body["due_at"], "2026-05-04T17:00:00+07:00")

    def test_it_converts_other_offsets_to_vietnamese_time(self):
        r = self.get(received_at="2026-09-24T08:20:00Z", amount="1", unit="same_day")
        # 08:20 UTC is 15:20 in Huế, after the 15:00 cut-off: due next working day.
        self.assertEqual(r.json()["received_at"], "2026-09-24T15:20:00+07:00")
        self.assertEqual(r.json()["due_at"], "2026-09-25T17:00:00+07:00")

    def test_it_returns_null_for_procedures_without_appointment(self):
        r = self.get(received_at="2026-11-26T09:00", amount="0", unit="no_appointment")
        self.assertEqual(r.status_code, 200)
        self.assertIsNone(r.json()["due_at"])

    def test_it_uses_the_agency_calendar_and_announced_days(self):
        saturday = WorkSchedule.objects.create(name="Sáng thứ Bảy")
        for weekday in range(5):
            WorkPeriod.objects.create(
                schedule=saturday, weekday=weekday, start=dt.time(7), end=dt.time(11, 30)
            )
            WorkPeriod.objects.create(
                schedule=saturday, weekday=weekday, start=dt.time(13, 30), end=dt.time(17)
            )
        WorkPeriod.objects.create(
            schedule=saturday, weekday=5, start=dt.time(7), end=dt.time(11, 30)
        )
        agency = AgencyFactory(code="000.00.07.H57", schedule=saturday)
        # Friday 27/11/2026 16:00 + 4 working hours: 1 h on Friday, then the
        # agency opens Saturday morning, so 3 h more end Sat 28/11 10:00.
        r = self.get(
            received_at="2026-11-27T16:00",
            amount="4",
            unit="working_hours",
            agency="000.00.07.H57",
        )
        self.assertEqual(r.json()["due_at"], "2026-11-28T10:00:00+07:00")
        # The agency announces Saturday 28/11 closed: the deadline moves to Monday.
        CalendarDay.objects.create(
            date=dt.date(2026, 11, 28), kind=DayKind.NON_WORKING, name="Bảo trì", agency=agency
        )
        r = self.get(
            received_at="2026-11-27T16:00",
            amount="4",
            unit="working_hours",
            agency="000.00.07.H57",
        )
        self.assertEqual(r.json()["due_at"], "2026-11-30T10:00:00+07:00")

    def test_it_honours_a_province_wide_closure(self):
        CalendarDay.objects.create(
            date=dt.date(2026, 11, 27), kind=DayKind.NON_WORKING, name="Nghỉ do bão"
        )
        r = self.get(received_at="2026-11-26T09:00", amount="1", unit="working_days")
        # Thu 26/11 09:00 + 8 h; Fri 27/11 closed for the storm → Mon 30/11 09:00.
        self.assertEqual(r.json()["due_at"], "2026-11-30T09:00:00+07:00")

    def test_it_names_each_bad_parameter_in_vietnamese(self):
        r = self.get(received_at="hôm qua", amount="-1", unit="weeks")
        self.assertEqual(r.status_code, 400)
        errors = r.json()["errors"]
        self.assertEqual(set(errors), {"received_at", "amount", "unit"})
        self.assertIn("ISO 8601", errors["received_at"][0])
        self.assertEqual(errors["amount"], ["amount không được âm."])
        self.assertIn("unit phải là một trong", errors["unit"][0])

    def test_it_answers_in_english_when_asked(self):
        r = self.get(lang="en", received_at="2026-11-26T09:00", unit="working_days")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(
            r.json()["errors"]["amount"], ["The amount parameter (processing time) is missing."]
        )

    def test_it_refuses_an_unknown_agency_and_fractional_calendar_days(self):
        r = self.get(received_at="2026-11-26T09:00", amount="1", unit="same_day", agency="X")
        self.assertEqual(r.status_code, 400)
        self.assertIn("X", r.json()["errors"]["agency"][0])
        r = self.get(received_at="2026-11-26T09:00", amount="1.5", unit="calendar_days")
        self.assertEqual(r.status_code, 400)
        self.assertIn("calendar_days", r.json()["errors"]["amount"][0])

    def test_it_needs_no_sign_in(self):
        r = self.get(received_at="2026-11-26T09:00", amount="1", unit="working_days")
        self.assertEqual(r.status_code, 200)
