"""The public transparency page (gh-8 item 7): no sign-in, counts only, cacheable."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client, TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.dossiers.models import Party

from .small_world import NOW, OWNER_ID, OWNER_NAME, SmallWorld, build, demo_supervisor

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@tag("gh-8")
@override_settings(CACHES=LOCMEM, MOTCUA_DEMO=True)
class PublicPageTests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()

    def setUp(self) -> None:
        cache.clear()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def get(self, **params: str):  # type: ignore[no-untyped-def]
        return self.client.get(reverse("supervision:public"), {"nam": "2026", **params})

    def test_open_without_sign_in_with_the_figures(self) -> None:
        response = self.get(thang="3")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Ủy ban nhân dân xã A", html)
        self.assertIn("Sở P", html)
        # xã A in March: received 4, finished 4, on time 75 %, online 2/4, satisfied 2/3.
        row = html.split("Ủy ban nhân dân xã A</th>", 1)[1].split("</tr>", 1)[0]
        for expected in (">4<", "75,0 %", "50,0 %", "66,7 %"):
            self.assertIn(expected, row)
        self.assertIn("Chưa tính được", html)  # 766 group 1 is not computable, not 0

    def test_no_personal_data(self) -> None:
        html = self.get(thang="3").content.decode()
        parties = Party.objects.filter(dossier__in=self.w.d.values())
        self.assertTrue(parties.exists())
        for party in parties:
            for value in (party.full_name, party.identity_number, party.phone):
                self.assertNotIn(value, html)
        for dossier in self.w.d.values():
            self.assertNotIn(dossier.code, html)
        for officer in (self.w.officer_x, self.w.officer_y):
            self.assertNotIn(officer.full_name, html)
        self.assertNotIn(OWNER_NAME, html)
        self.assertNotIn(OWNER_ID, html)

    def test_cacheable(self) -> None:
        response = self.get(thang="3")
        cache_control = response["Cache-Control"]
        self.assertIn("public", cache_control)
        self.assertIn("max-age=900", cache_control)
        self.assertNotIn("private", cache_control)
        # The per-view cache answers the second request without touching the database.
        with self.assertNumQueries(0):
            again = self.get(thang="3")
        self.assertEqual(again.content, response.content)
        # Another visitor, with cookies of their own, gets the same stored copy.
        other = Client()
        other.cookies["csrftoken"] = "x" * 32
        with self.assertNumQueries(0):
            third = other.get(reverse("supervision:public"), {"nam": "2026", "thang": "3"})
        self.assertEqual(third.content, response.content)

    def test_same_page_for_a_signed_in_official(self) -> None:
        """The cached copy never carries an account: the header is the anonymous one."""
        self.client.force_login(demo_supervisor(self.w.commune))
        html = self.get(thang="3").content.decode()
        self.assertNotIn("Đăng xuất", html)
        self.assertNotIn("csrfmiddlewaretoken", html)

    def test_bad_month_falls_back_to_last_month(self) -> None:
        response = self.get(thang="13")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tháng 02/2026", response.content.decode())

    def test_empty_month(self) -> None:
        html = self.get(thang="1").content.decode()
        self.assertIn("Chưa có số liệu của tháng này.", html)
