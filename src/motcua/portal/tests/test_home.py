"""The public home page through HTTP: directory, search and the due-date preview (gh-2 item 16)."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

import time_machine

from motcua.organisations.constants import AdminUnitKind, AgencyKind
from motcua.organisations.models import Counter
from motcua.organisations.tests.factories import AdminUnitFactory, AgencyFactory, ProvinceFactory


@time_machine.travel(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC), tick=False)
class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        city = ProvinceFactory()
        cls.center = AgencyFactory(
            name="Trung tâm Phục vụ hành chính công thành phố Huế",
            name_en="Huế City Public Administrative Service Center",
            code="000.00.06.H57",
            unit=city,
        )
        AgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=city)
        for name in ("Kim Long", "Thủy Xuân", "Phú Bài"):
            ward = AdminUnitFactory(name=name, kind=AdminUnitKind.WARD, parent=city)
            AgencyFactory(name=f"Trung tâm Phục vụ hành chính công phường {name}", unit=ward)
        Counter.objects.create(agency=cls.center, number=1, name="Quầy Tư pháp")
        # An agency of the old structure must not be listed today.
        old_district = AdminUnitFactory(
            name="Phú Vang",
            kind=AdminUnitKind.RURAL_DISTRICT,
            parent=city,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 6, 30),
        )
        AgencyFactory(
            name="Bộ phận Một cửa huyện Phú Vang",
            unit=old_district,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 6, 30),
        )

    def test_it_shows_the_center_and_todays_directory_by_level(self):
        r = self.client.get("/")
        self.assertContains(r, "Trung tâm Phục vụ hành chính công thành phố Huế", status_code=200)
        self.assertContains(r, "Cấp tỉnh")
        self.assertContains(r, "Cấp xã")
        self.assertContains(r, "phường Thủy Xuân")
        self.assertContains(r, "1 quầy tiếp nhận")
        self.assertNotContains(r, "Phú Vang")
        self.assertContains(r, 'lang="vi"')

    def test_it_renders_the_directory_with_a_fixed_number_of_queries(self):
        # agencies+units, counters prefetch, the provincial center: fixed, whatever
        # the number of agencies (N+1 would mean a missing select/prefetch_related).
        with self.assertNumQueries(4):
            self.client.get("/")
        for n in range(5):
            ward = AdminUnitFactory(name=f"Phường mới {n}", parent=self.center.unit)
            AgencyFactory(unit=ward)
        with self.assertNumQueries(4):
            self.client.get("/")

    def test_it_lists_service_centers_first_within_a_level(self):
        r = self.client.get("/")
        province = r.context["levels"][0][1]
        self.assertEqual(province[0], self.center)  # "Sở Tư pháp" sorts before "Trung tâm"

    def test_it_searches_the_directory_without_diacritics(self):
        r = self.client.get("/", {"q": "thuy xuan"})
        self.assertContains(r, "phường Thủy Xuân")
        self.assertNotContains(r, "công phường Kim Long")
        self.assertContains(r, "1 kết quả")

    def test_it_says_so_when_nothing_matches(self):
        r = self.client.get("/", {"q": "không có đâu"})
        self.assertContains(r, "Không tìm thấy cơ quan nào")

    def test_it_previews_the_due_date_without_javascript(self):
        r = self.client.get(
            "/", {"received_at": "2026-04-20T09:00", "amount": "5", "unit": "working_days"}
        )
        # Mon 27/04/2026 is the compensatory Hùng Kings' day.
        self.assertContains(r, "28/04/2026")

    def test_it_keeps_what_was_typed_and_points_at_the_wrong_field(self):
        r = self.client.get(
            "/du-kien-ngay-hen/",
            {"received_at": "2026-04-20T09:00", "amount": "-1", "unit": "calendar_days"},
        )
        self.assertContains(r, "Thời hạn giải quyết không được âm.")
        self.assertContains(r, 'value="2026-04-20T09:00"')
        self.assertContains(r, 'value="calendar_days" selected')

    def test_it_uses_the_chosen_centers_calendar(self):
        r = self.client.get(
            "/du-kien-ngay-hen/",
            {
                "received_at": "2026-09-24T15:20",
                "amount": "1",
                "unit": "same_day",
                "agency": "000.00.06.H57",
            },
        )
        # After the 15:00 cut-off a same-day procedure is due the next working day.
        self.assertContains(r, "17:00, Thứ 6 25/09/2026")

    def test_it_links_to_the_same_page_in_the_other_language_without_setting_cookies(self):
        r = self.client.get("/thu-tuc/?q=khai+sinh")
        self.assertContains(r, 'href="/en/thu-tuc/?q=khai+sinh" lang="en"')
        # No POST form for the switch, so no CSRF cookie: a proxy may cache the page.
        self.assertNotIn("csrftoken", r.cookies)
        r = self.client.get("/en/thu-tuc/?q=khai+sinh")
        self.assertContains(r, 'href="/thu-tuc/?q=khai+sinh" lang="vi"')

    def test_it_shows_english_names_in_english(self):
        r = self.client.get("/en/")
        self.assertContains(r, 'lang="en"')
        self.assertContains(r, "Huế City Public Administrative Service Center")
