"""Processing times as text in the active language (the catalogue and the official forms).

English relies on the compiled English catalogue (``make messages``).
"""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from motcua.calendars.constants import DurationUnit
from motcua.core.durations import duration_text, number_words

U = DurationUnit


class NumberWordsTests(SimpleTestCase):
    def test_it_spells_legal_durations_the_way_vietnamese_reads_them(self) -> None:
        self.assertEqual(
            [number_words(n) for n in (0, 5, 10, 15, 21, 24, 30, 45, 100, 105, 110, 999)],
            [
                "không",
                "năm",
                "mười",
                "mười lăm",
                "hai mươi mốt",
                "hai mươi tư",
                "ba mươi",
                "bốn mươi lăm",
                "một trăm",
                "một trăm linh năm",  # not "lăm": no tens before it
                "một trăm mười",
                "chín trăm chín mươi chín",
            ],
        )

    def test_it_leaves_numbers_out_of_range_as_digits(self) -> None:
        self.assertEqual(number_words(1000), "1000")


class VietnameseDurationTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("vi"))

    def test_the_catalogue_writes_digits_and_the_unit(self) -> None:
        self.assertEqual(duration_text(5, U.WORKING_DAYS), "5 ngày làm việc")
        self.assertEqual(duration_text(Decimal("4.00"), U.WORKING_HOURS), "4 giờ làm việc")
        self.assertEqual(duration_text(30, U.CALENDAR_DAYS), "30 ngày")
        # A decimal comma in Vietnamese.
        self.assertEqual(duration_text(Decimal("0.50"), U.WORKING_DAYS), "0,5 ngày làm việc")

    def test_the_official_forms_add_the_number_in_words(self) -> None:
        self.assertEqual(
            duration_text(15, U.WORKING_DAYS, in_words=True), "15 (mười lăm) ngày làm việc"
        )
        self.assertEqual(duration_text(5, "working_days", in_words=True), "05 (năm) ngày làm việc")
        self.assertEqual(duration_text(1, U.CALENDAR_DAYS, in_words=True), "01 (một) ngày")
        # A fraction has no words; digits only.
        self.assertEqual(
            duration_text(Decimal("0.5"), U.WORKING_DAYS, in_words=True), "0,5 ngày làm việc"
        )

    def test_same_day_and_no_appointment_have_no_number(self) -> None:
        self.assertEqual(duration_text(0, U.SAME_DAY, in_words=True), "Trong ngày")
        self.assertEqual(duration_text(None, U.SAME_DAY), "Trong ngày")
        self.assertEqual(duration_text(None, U.NO_APPOINTMENT), "Không hẹn ngày trả kết quả")
        # A unit that needs an amount but has none cannot promise a date either.
        self.assertEqual(duration_text(None, U.WORKING_DAYS), "Không hẹn ngày trả kết quả")


class EnglishDurationTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_writes_digits_with_english_plurals(self) -> None:
        self.assertEqual(duration_text(1, U.WORKING_DAYS), "1 working day")
        self.assertEqual(duration_text(5, U.WORKING_DAYS), "5 working days")
        self.assertEqual(duration_text(1, U.WORKING_HOURS), "1 working hour")
        self.assertEqual(duration_text(Decimal("4"), U.WORKING_HOURS), "4 working hours")
        self.assertEqual(duration_text(1, U.CALENDAR_DAYS), "1 calendar day")
        self.assertEqual(duration_text(30, U.CALENDAR_DAYS), "30 calendar days")
        self.assertEqual(duration_text(Decimal("0.5"), U.WORKING_DAYS), "0.5 working days")

    def test_the_official_forms_print_no_vietnamese_number_words(self) -> None:
        self.assertEqual(duration_text(15, U.WORKING_DAYS, in_words=True), "15 working days")
        self.assertEqual(duration_text(1, U.WORKING_DAYS, in_words=True), "1 working day")

    def test_same_day_and_no_appointment_are_translated(self) -> None:
        self.assertEqual(duration_text(None, U.SAME_DAY), "Same day")
        self.assertEqual(
            duration_text(None, U.NO_APPOINTMENT), "No appointment date for the result"
        )
