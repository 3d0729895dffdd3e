"""Oversight in Chromium (gh-6 item 11): the demo city centre's leader opens the tables by
step and by officer, follows a number to its list and opens the at-risk list; every page
axe-clean, on a desktop and at 360 px.
"""

from __future__ import annotations

from django.test import override_settings, tag

from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.hue import DEMO_PASSWORD
from motcua.demo.loader import load_hue_demo
from motcua.dossiers.constants import EventAction
from motcua.dossiers.services import dossier_act
from motcua.workspace.tests.test_workspace_browser import WorkspaceBrowserTests


@tag("gh-6")
@override_settings(MOTCUA_DEMO=True)
class OversightBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_hue_demo()
        self.officer = User.objects.get(username="tinh.motcua", is_demo=True)
        # A dossier received at the centre and handed to the competent agency's workflow.
        self.dossier = WorkspaceBrowserTests.receive_something(self)  # type: ignore[arg-type]
        dossier_act(code=self.dossier.code, action=EventAction.TRANSFER, by=self.officer)

    def test_a_leader_follows_a_number_to_its_list(self) -> None:
        for width in (1280, 360):
            with self.subTest(width=width):
                page = self.new_page(width=width, height=800)
                self.login("tinh.lanhdao", DEMO_PASSWORD, page=page)
                self.visit("/can-bo/", page=page)
                with page.expect_navigation():
                    page.get_by_role("link", name="Giám sát tiến độ giải quyết").click()
                expect(
                    page.get_by_role("heading", name="Giám sát tiến độ giải quyết", level=1)
                ).to_be_visible()
                expect(page.get_by_role("heading", name="Theo bước xử lý")).to_be_visible()
                expect(page.get_by_role("heading", name="Theo cán bộ xử lý")).to_be_visible()
                self.assert_accessible(page)
                self.assert_no_console_errors(page)
                self.assert_no_horizontal_scroll(page)
                # The total of the first officer row leads to its list, with the dossier.
                table = page.locator("table.ws-oversight").last
                with page.expect_navigation():
                    table.locator("tbody tr").first.locator("td").last.get_by_role("link").click()
                expect(page.get_by_role("link", name=self.dossier.code, exact=True)).to_be_visible()
                self.assert_accessible(page)
                self.assert_no_console_errors(page)
                self.assert_no_horizontal_scroll(page)
                self.visit("/can-bo/giam-sat/nguy-co/", page=page)
                expect(page.get_by_role("heading", level=1)).to_contain_text(
                    "Hồ sơ có nguy cơ trễ hạn hôm nay"
                )
                self.assert_accessible(page)
                self.assert_no_console_errors(page)
                page.close()
        # Reassign, once: the leader gives the step to an officer of its role.
        page = self.new_page()
        self.login("tinh.lanhdao", DEMO_PASSWORD, page=page)
        self.visit("/can-bo/giam-sat/ho-so/?theo=can-bo&nhom=0", page=page)
        with page.expect_navigation():
            page.get_by_role("link", name=f"Giao lại {self.dossier.code}").click()
        self.assert_accessible(page)
        handler = page.get_by_label("Cán bộ được giao")
        handler.select_option(index=1)
        chosen = handler.input_value()
        page.get_by_label("Ý kiến, ghi chú").fill("Phân công lại")
        with page.expect_navigation():
            page.get_by_role("button", name="Giao lại").click()
        expect(page.get_by_role("status")).to_contain_text("Đã giao hồ sơ")
        self.assert_accessible(page)
        self.dossier.refresh_from_db()
        assert self.dossier.handler is not None
        self.assertEqual(self.dossier.handler.username, chosen)
