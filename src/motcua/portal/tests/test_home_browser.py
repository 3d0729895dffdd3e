"""The home page in Chromium: content, axe, phones, keyboard, no-JS, staff sign-in (gh-2 16–17)."""

from __future__ import annotations

import re
import time

from django.test import override_settings
from django.urls import reverse

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from motcua.accounts.models import User
from motcua.core.testing.browser import BrowserTestCase
from motcua.demo import hue
from motcua.demo.loader import load_hue_demo

CENTRE = "Trung tâm Phục vụ hành chính công thành phố Huế"
CENTRE_EN = "Huế City Public Administrative Service Centre"
DEMO_PASSWORD = hue.DEMO_PASSWORD
SEARCH_LABEL = "Tìm thủ tục, cơ quan, phường xã"


def current_totp(secret: str) -> str:
    """The code an authenticator app shows now, computed with allauth's own HOTP."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        # Too close to the next time step: the server might already be there.
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


class HomeBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        # What `make demo` serves: the Huế units, agencies, counters and accounts.
        load_hue_demo()
        # The provincial reception officer, a demo account (is_demo=True).
        self.officer = User.objects.get(username="tinh.motcua", is_demo=True)

    # --- helpers ---------------------------------------------------------------------------

    def check_home(self, page: Page) -> None:
        self.visit("/", page=page)
        expect(page.locator(".brand-name")).to_have_text(CENTRE)
        expect(page.get_by_role("searchbox", name=SEARCH_LABEL)).to_be_visible()
        directory = page.locator(".directory")
        # Grouped by level, each with its number of agencies; the districts are gone.
        expect(directory.locator("summary h3")).to_have_text(
            [re.compile(r"^Cấp tỉnh \(\d+\)$"), re.compile(r"^Cấp xã \(\d+\)$")]
        )
        expect(directory.get_by_text(CENTRE, exact=True)).to_be_visible()
        expect(directory.get_by_text("Ủy ban nhân dân phường Phú Bài")).to_be_attached()
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def fill_preview(self, page: Page, *, received_at: str, amount: str) -> None:
        form = page.locator("#due-preview-block form")
        form.get_by_label("Thời điểm nộp hồ sơ").fill(received_at)
        form.get_by_label("Thời hạn giải quyết").fill(amount)
        form.get_by_label("Đơn vị").select_option(label="ngày làm việc")

    # --- content, axe and layout ---------------------------------------------------------

    def test_it_shows_the_centre_search_and_directory_accessibly_on_a_desktop(self):
        self.check_home(self.page)

    def test_it_shows_the_centre_search_and_directory_accessibly_on_a_360px_phone(self):
        page = self.new_page(width=360, height=740)
        self.check_home(page)
        self.assert_no_horizontal_scroll(page)  # scrollWidth <= 360

    # --- language --------------------------------------------------------------------------

    def test_it_switches_to_english_and_back(self):
        page = self.visit("/")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "vi")
        with page.expect_navigation():
            page.get_by_role("link", name="English").click()
        expect(html).to_have_attribute("lang", "en")
        expect(page).to_have_url(self.url("/en/"))
        # The agency's English name is data: it does not wait for the English .po.
        expect(page.locator(".brand-name")).to_have_text(CENTRE_EN)
        expect(page.get_by_role("link", name="Tiếng Việt")).to_be_visible()
        self.assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Tiếng Việt").click()
        expect(html).to_have_attribute("lang", "vi")
        expect(page).to_have_url(self.url("/"))
        expect(page.get_by_role("link", name="English")).to_be_visible()

    # --- keyboard only ---------------------------------------------------------------------

    def test_it_can_be_used_with_the_keyboard_only(self):
        page = self.visit("/")
        page.keyboard.press("Tab")
        skip_link = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()  # visible once focused
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        # From the main content, the next stop is the search box.
        page.keyboard.press("Tab")
        search = page.get_by_role("searchbox", name=SEARCH_LABEL)
        expect(search).to_be_focused()
        # Without diacritics, as a phone keyboard without Telex would type it.
        page.keyboard.type("kim long")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Tìm kiếm")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # The home search box searches the catalogue, which also lists matching agencies.
        expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=kim\+long$"))
        found = page.locator(".agency-matches .agency-list li strong")
        expect(found).to_have_text(
            [
                "Trung tâm Phục vụ hành chính công phường Kim Long",
                "Ủy ban nhân dân phường Kim Long",
            ]
        )
        self.assert_accessible(page)

    # --- due-date preview -------------------------------------------------------------------

    def test_it_previews_the_due_date_in_place_with_javascript(self):
        page = self.visit("/")
        page.evaluate("() => { window.motcuaSamePage = true; }")  # lost on a full navigation
        self.fill_preview(page, received_at="2026-04-20T09:00", amount="5")
        page.get_by_role("button", name="Xem ngày hẹn").click()
        # Mon 20/04/2026 09:00 + 5 working days: Mon 27/04 is the compensatory
        # day for Giỗ Tổ Hùng Vương (Sun 26/04), so the 40 hours end Tue 28/04.
        expect(page.locator("#due-preview .due")).to_have_text(
            re.compile(r"^09:00, .+ 28/04/2026$")
        )
        self.assertTrue(page.evaluate("() => window.motcuaSamePage === true"))
        self.assertEqual(page.url, self.url("/"))
        # htmx gives focus back to the button and the values stay as typed.
        expect(page.get_by_role("button", name="Xem ngày hẹn")).to_be_focused()
        expect(page.get_by_label("Thời điểm nộp hồ sơ")).to_have_value("2026-04-20T09:00")
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def test_it_previews_the_due_date_without_javascript(self):
        page = self.new_page(java_script_enabled=False)
        self.visit("/", page=page)
        self.fill_preview(page, received_at="2026-04-20T09:00", amount="5")
        with page.expect_navigation():
            page.get_by_role("button", name="Xem ngày hẹn").click()
        expect(page).to_have_url(re.compile(r"/\?received_at=2026-04-20T09%3A00&amount=5&"))
        expect(page.locator("#due-preview .due")).to_have_text(
            re.compile(r"^09:00, .+ 28/04/2026$")
        )
        expect(page.get_by_label("Thời hạn giải quyết")).to_have_value("5")

    def test_it_explains_a_bad_amount_next_to_the_field_and_keeps_the_other_values(self):
        page = self.visit("/")
        self.fill_preview(page, received_at="2026-04-20T09:00", amount="-1")
        page.get_by_label("Nơi nộp", exact=True).select_option(label=CENTRE)
        page.get_by_role("button", name="Xem ngày hẹn").click()
        amount = page.get_by_label("Thời hạn giải quyết")
        expect(amount).to_have_accessible_description("Thời hạn giải quyết không được âm.")
        expect(amount).to_have_attribute("aria-invalid", "true")
        expect(amount).to_have_value("-1")
        expect(page.get_by_label("Thời điểm nộp hồ sơ")).to_have_value("2026-04-20T09:00")
        expect(page.get_by_label("Đơn vị")).to_have_value("working_days")
        expect(page.get_by_label("Nơi nộp", exact=True)).to_have_value("000.00.06.H57")
        expect(page.get_by_role("alert")).to_have_text(
            "Chưa tính được: hãy sửa các ô được đánh dấu ở trên."
        )
        self.assertEqual(page.url, self.url("/"))
        self.assert_accessible(page)

    # --- staff sign-in ----------------------------------------------------------------------

    @override_settings(MOTCUA_DEMO=True)
    def test_it_signs_a_demo_officer_in_with_the_password_only_in_demo_mode(self):
        # On a phone: the sign-in page and the signed-in header must fit 360 px too.
        page = self.new_page(width=360, height=740)
        self.visit(reverse("account_login"), page=page)
        self.assert_accessible(page)
        self.assert_no_horizontal_scroll(page)
        self.login("tinh.motcua", DEMO_PASSWORD, page=page)
        expect(page).to_have_url(self.url("/"))
        expect(page.locator(".user-name")).to_have_text("Nguyễn Thị Thu Hà")
        expect(page.locator(".demo-banner")).to_contain_text("Bản trình diễn")
        self.assert_accessible(page)
        self.assert_no_horizontal_scroll(page)

    @override_settings(MOTCUA_DEMO=False)
    def test_it_makes_the_same_officer_set_up_totp_without_demo_mode(self):
        page = self.login("tinh.motcua", DEMO_PASSWORD)
        setup_url = self.url(reverse("mfa_activate_totp"))
        # allauth asks for the password once more before an authenticator is added.
        expect(page).to_have_url(
            self.url(reverse("account_reauthenticate"))
            + "?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
        )
        expect(page.locator(".messages")).to_contain_text(
            "Tài khoản cán bộ phải bật xác thực hai lớp."
        )
        self.assert_accessible(page)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) [type=submit]").click()
        expect(page).to_have_url(setup_url)
        self.assert_accessible(page)
        # What the officer's authenticator app would show after scanning the code.
        secret = page.locator("#authenticator_secret").input_value()
        page.locator("input[name=code]").fill(current_totp(secret))
        with page.expect_navigation():
            page.locator("form:has(input[name=code]) [type=submit]").click()
        self.assertNotEqual(page.url, setup_url)
        self.assert_accessible(page)  # allauth's recovery codes, shown once
        self.assertTrue(Authenticator.objects.filter(user=self.officer, type="totp").exists())
        self.visit("/")
        expect(page).to_have_url(self.url("/"))
        expect(page.locator(".user-name")).to_have_text("Nguyễn Thị Thu Hà")
        expect(page.locator(".demo-banner")).to_have_count(0)
