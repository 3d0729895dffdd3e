"""Returning a result at the counter in Chromium (gh-6 item 9): the officer finds the dossier
by the citizen's identity number, records who took the result, then turns the screen to the
citizen, who taps a rating; the screen comes back by itself. Every page axe-clean.
"""

from __future__ import annotations

import re

from django.test import override_settings, tag

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from motcua.core.testing.browser import BrowserTestCase
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.constants import Role
from motcua.ratings.constants import RatingChannel, Satisfaction
from motcua.ratings.models import Rating

from .test_counter import OWNER, pay, resolve

PASSWORD = "mat-khau-thu-nghiem-9"  # a test account's password


@tag("gh-6", "browser")
@override_settings(MOTCUA_DEMO=True)
class CounterBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.world = make_world()
        self.officer = self.world.staff[Role.RECEPTION_OFFICER]
        self.officer.is_demo = True  # demo accounts sign in without the second factor
        self.officer.set_password(PASSWORD)
        self.officer.save()
        EmailAddress.objects.create(
            user=self.officer, email=self.officer.email, verified=True, primary=True
        )
        self.dossier = resolve(self.world)
        pay(self.world, self.dossier)

    def test_an_officer_returns_a_result_and_the_citizen_taps_a_rating(self) -> None:
        page = self.page
        self.login(self.officer.username, PASSWORD)
        self.visit("/can-bo/tra-ket-qua/")
        expect(page.get_by_role("heading", name="Trả kết quả tại quầy", level=1)).to_be_visible()
        self.assert_accessible()
        box = page.get_by_label("Mã hồ sơ, mã QR trên giấy tiếp nhận hoặc số định danh")
        box.fill(OWNER.identity_number)
        with page.expect_navigation():
            box.press("Enter")
        self.assert_accessible()
        with page.expect_navigation():
            page.get_by_role("link", name=self.dossier.code).click()
        expect(page.get_by_label("Họ và tên người nhận")).to_have_value("Nguyễn Thị Hoa")
        self.assert_accessible()
        page.get_by_label("Họ và tên người nhận").fill("Nguyễn Văn An")
        page.get_by_label("Số định danh (CCCD) hoặc hộ chiếu của người nhận").fill("046090001234")
        page.get_by_label("Nhận thay cho").fill("Nguyễn Thị Hoa")
        page.get_by_label("Đã trả lại bản chính giấy tờ người nộp đã xuất trình").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Trả kết quả").click()
        expect(page.get_by_role("status")).to_contain_text("Đã trả kết quả")
        expect(page.get_by_role("link", name="In giấy biên nhận trả kết quả (PDF)")).to_be_visible()
        self.assert_accessible()
        event = DossierEvent.objects.get(dossier=self.dossier, action=EventAction.RETURN_RESULT)
        self.assertEqual(event.data["receiver"]["name"], "Nguyễn Văn An")
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RETURNED)

        # The screen turns to the citizen: big buttons, no staff chrome, no personal data.
        with page.expect_navigation():
            page.get_by_role("link", name="Mời người dân đánh giá").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bạn có hài lòng")
        expect(page.get_by_role("link", name="Việc cần làm")).to_have_count(0)
        expect(page.get_by_text("Nguyễn Thị Hoa")).to_have_count(0)
        self.assert_accessible()
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            self.assert_no_horizontal_scroll()
        with page.expect_navigation():
            page.get_by_role("button", name="Hài lòng", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cảm ơn bạn đã đánh giá!")
        self.assert_accessible()
        # …and comes back to the officer's screen by itself.
        page.wait_for_url(re.compile(rf"/tra-ket-qua/{re.escape(self.dossier.code)}/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(self.dossier.code)
        self.assert_no_console_errors()
        rating = Rating.objects.get(dossier=self.dossier)
        self.assertEqual(
            (rating.level, rating.channel), (Satisfaction.SATISFIED, RatingChannel.COUNTER)
        )
        self.assertIsNone(rating.rater)

    def test_fees_and_reconciliation_pages_are_usable_and_accessible(self) -> None:
        page = self.page
        unpaid = self.world.receive()
        self.login(self.officer.username, PASSWORD)
        self.visit(f"/can-bo/ho-so/{unpaid.code}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Thu phí, hoàn tiền, in biên lai").click()
        self.assert_accessible()
        page.get_by_label("Số biên lai đã cấp").fill("BL-0000042")
        with page.expect_navigation():
            page.get_by_role("button", name="Ghi nhận đã thu tiền").click()
        expect(page.get_by_role("status")).to_contain_text("BL-0000042")
        expect(page.get_by_role("link", name="In biên lai thu tiền (PDF)")).to_be_visible()
        page.locator("summary", has_text="Hoàn tiền").first.click()
        self.assert_accessible()
        self.visit("/can-bo/phi/doi-soat/")
        self.assert_accessible()
        page.get_by_label("Tệp sao kê (CSV, tối đa 5 MB)").set_input_files(
            {"name": "saoke.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"}
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Đối soát").click()
        self.expect_refused_form()
        expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy dòng tiêu đề")
        self.assert_accessible()
        self.assert_no_console_errors()
