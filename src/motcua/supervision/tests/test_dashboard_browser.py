"""The supervision dashboard in Chromium (gh-8 items 1, 9): a provincial supervisor drills
down province → commune → agency → field → procedure → officer, then opens the dossiers
behind a number; every page axe-clean.
"""

from __future__ import annotations

import re

from django.test import override_settings, tag

from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from motcua.core.testing.browser import BrowserTestCase
from motcua.supervision.aggregates import stats_rebuild

from .histories import make_org
from .test_dashboard import _generate

PASSWORD = "mat-khau-thu-nghiem-9"  # a test account's password


@tag("gh-8", "browser")
@override_settings(MOTCUA_DEMO=True)
class DashboardBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        # Real time: the browser's cookies would expire in a frozen past.
        super().setUp()
        self.org = make_org()
        _generate(self.org)
        stats_rebuild()
        supervisor = self.org.supervisor
        supervisor.is_demo = True  # demo accounts sign in without the second factor
        supervisor.set_password(PASSWORD)
        supervisor.save()
        EmailAddress.objects.create(
            user=supervisor, email=supervisor.email, verified=True, primary=True
        )

    def check(self, page: Page, heading: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def drill(self, page: Page, name: str) -> None:
        with page.expect_navigation():
            page.locator("#sv-table-received tbody th a", has_text=name).first.click()

    def test_a_supervisor_drills_down_to_the_dossiers_behind_a_number(self) -> None:
        page = self.login(self.org.supervisor.username, PASSWORD)
        self.visit("/giam-sat/thong-ke/?ky=tuy-chon&tu=2025-07-01&den=2025-12-31", page=page)
        self.check(page, "Thống kê giải quyết thủ tục hành chính")
        expect(page.locator("#sv-table-received caption")).to_contain_text("Số hồ sơ tiếp nhận")
        self.drill(page, "Xã Lộc An")
        self.check(page, "Thống kê")
        expect(page.get_by_role("navigation", name="Cấp đang xem")).to_contain_text("Xã Lộc An")
        self.drill(page, "Trung tâm PVHCC xã Lộc An")
        expect(page.locator("#sv-table-received thead th").first).to_have_text("Lĩnh vực")
        self.drill(page, "")  # the first field
        expect(page.locator("#sv-table-received thead th").first).to_have_text("Thủ tục")
        self.assert_accessible(page)
        self.drill(page, "")  # the first procedure
        expect(page.locator("#sv-table-received thead th").first).to_have_text("Cán bộ")
        self.check(page, "Thống kê")
        number = page.locator("#sv-table-received tfoot a[data-count]").first
        count = number.get_attribute("data-count")
        with page.expect_navigation():
            number.click()
        self.check(page, "Hồ sơ tiếp nhận")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"({count})")
        expect(page.locator("#sv-list tbody tr")).to_have_count(int(count or 0))

    def test_a_wrong_period_is_explained_next_to_the_field(self) -> None:
        page = self.login(self.org.supervisor.username, PASSWORD)
        self.visit("/giam-sat/thong-ke/", page=page)
        page.get_by_label("Kỳ thống kê").select_option("tuy-chon")
        page.get_by_label("Từ ngày").fill("2025-05-01")
        with page.expect_navigation():
            page.get_by_role("button", name="Xem thống kê").click()
        self.expect_refused_form(page)
        expect(page.get_by_role("alert")).to_contain_text("Hãy chọn ngày kết thúc")
        expect(page.get_by_label("Từ ngày")).to_have_value("2025-05-01")
        expect(page.locator("#id_den-error")).to_have_text(re.compile("ngày kết thúc"))
        self.assert_accessible(page)
