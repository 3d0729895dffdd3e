"""Kiosk and counter screen in Chromium (gh-7 items 1, 3, 7): by touch and by keyboard, axe-clean.

A citizen takes a priority ticket at the kiosk (tiles, then the form), sees
the ticket page with its QR code; the officer opens counter 1, calls it with
the keyboard only, finishes it, and the citizen taps a rating.
"""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings, tag

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from motcua.core.testing.browser import BrowserTestCase
from motcua.tickets.constants import TicketStatus
from motcua.tickets.models import Ticket, TicketRating

from .world import make_queue_world

PASSWORD = "mat-khau-thu-nghiem-9"  # a test account's password


@tag("gh-7", "browser")
@override_settings(MOTCUA_DEMO=True)
class KioskCounterBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.w = make_queue_world()
        self.officer = self.w.officers[1]
        self.officer.is_demo = True  # demo accounts sign in without the second factor
        self.officer.set_password(PASSWORD)
        self.officer.save()
        EmailAddress.objects.create(
            user=self.officer, email=self.officer.email, verified=True, primary=True
        )

    def test_kiosk_ticket_then_counter_calls_finishes_and_citizen_rates(self) -> None:
        page = self.page
        self.visit("/xep-hang/")
        self.assert_accessible()
        self.visit(f"/xep-hang/{self.w.center.pk}/ma-qr/")
        self.assert_accessible()
        self.visit(f"/xep-hang/{self.w.center.pk}/")
        expect(page.get_by_role("heading", name="Lấy số thứ tự", level=1)).to_be_visible()
        self.assert_accessible()
        with page.expect_navigation():
            page.get_by_role("link", name="Hộ tịch").first.click()
        page.get_by_label("Người cao tuổi").check()
        page.get_by_label("Số điện thoại (không bắt buộc)").fill("12")
        with page.expect_navigation():
            page.get_by_role("button", name="Lấy số").click()
        self.expect_refused_form()
        expect(page.get_by_role("alert")).to_contain_text("Số điện thoại không hợp lệ")
        expect(page.get_by_label("Người cao tuổi")).to_be_checked()  # nothing typed is lost
        self.assert_accessible()
        page.get_by_label("Số điện thoại (không bắt buộc)").fill("0905 123 456")
        with page.expect_navigation():
            page.get_by_role("button", name="Lấy số").click()
        expect(page.locator(".tk-ticket-number")).to_have_text("A001")
        expect(page.get_by_role("img", name="Mã QR để theo dõi số thứ tự")).to_be_visible()
        self.assert_accessible()
        for width in (360,):
            phone = self.new_page(width=width, height=740)
            self.visit(f"/xep-hang/{self.w.center.pk}/dien-thoai/", page=phone)
            self.assert_accessible(phone)
            self.assert_no_horizontal_scroll(phone)
            self.assert_no_console_errors(phone)
        self.assert_no_console_errors()

        staff = self.new_page()
        self.login(self.officer.username, PASSWORD, page=staff)
        self.visit("/can-bo/quay/", page=staff)
        self.assert_accessible(staff)
        with staff.expect_navigation():
            staff.get_by_role("button", name="Mở quầy số 1").click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text("Quầy số 1")
        self.assert_accessible(staff)
        # Keyboard only: tab to "Gọi số tiếp theo" and press Enter.
        call = staff.get_by_role("button", name="Gọi số tiếp theo")
        for _ in range(40):
            staff.keyboard.press("Tab")
            if call.evaluate("el => el === document.activeElement"):
                break
        else:
            self.fail("“Gọi số tiếp theo” cannot be reached with the Tab key")
        with staff.expect_navigation():
            staff.keyboard.press("Enter")
        expect(staff.get_by_role("status").first).to_contain_text("Đã gọi số A001")
        expect(staff.get_by_role("link", name="Tiếp nhận hồ sơ")).to_be_visible()
        self.assert_accessible(staff)
        with staff.expect_navigation():
            staff.get_by_role("button", name="Xong").click()
        self.assertEqual(Ticket.objects.get().status, TicketStatus.DONE)
        with staff.expect_navigation():
            staff.get_by_role("link", name="Mời người dân số A001 đánh giá").click()
        self.assert_accessible(staff)
        with staff.expect_navigation():
            staff.get_by_role("button", name="Hài lòng", exact=True).click()
        expect(staff.get_by_role("heading", level=1)).to_contain_text("Cảm ơn")
        self.assertEqual(TicketRating.objects.get().level, "satisfied")
        self.assert_no_console_errors(staff)

        # The follow page on the citizen's phone says where to go.
        follow = self.new_page(width=360, height=740)
        self.visit(f"/xep-hang/theo-doi/{Ticket.objects.get().follow_key}/", page=follow)
        expect(follow.get_by_role("status")).to_contain_text("Đã phục vụ xong")
        self.assert_accessible(follow)
