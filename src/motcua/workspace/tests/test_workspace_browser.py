"""The staff workspace in Chromium (gh-6 items 1–2): a demo one-stop officer signs in,
opens the work waiting, opens a dossier and hands it to the competent agency's workflow;
every page axe-clean, on a desktop and at 360 px.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import override_settings

from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.hue import DEMO_PASSWORD
from motcua.demo.loader import load_hue_demo
from motcua.dossiers.constants import Channel, DossierStatus, ReturnMode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PartyData, dossier_receive
from motcua.organisations.models import StaffMembership
from motcua.procedures.models import ProcedureOffering


@override_settings(MOTCUA_DEMO=True)
class WorkspaceBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_hue_demo()
        self.officer = User.objects.get(username="tinh.motcua", is_demo=True)
        self.dossier = self.receive_something()

    def receive_something(self) -> Dossier:
        """A counter dossier at the officer's centre: the first procedure needing no e-form."""
        centre = (
            StaffMembership.objects.filter(user=self.officer).select_related("agency")[0].agency
        )
        owner = PartyData(full_name="Lê Thị Hương", identity_number="046190004567")
        for offering in ProcedureOffering.objects.filter(agency=centre).select_related("procedure"):
            try:
                return dossier_receive(
                    by=self.officer,
                    agency=centre,
                    procedure_code=offering.procedure.national_code,
                    variant_code=None,
                    channel=Channel.COUNTER,
                    owner=owner,
                    return_mode=ReturnMode.COUNTER,
                )
            except ValidationError:
                continue
        self.fail("no demo procedure could be received without a form")

    def test_an_officer_opens_the_work_waiting_and_acts_on_a_dossier(self) -> None:
        for width in (1280, 360):
            with self.subTest(width=width):
                page = self.new_page(width=width, height=800)
                self.login("tinh.motcua", DEMO_PASSWORD, page=page)
                self.visit("/can-bo/", page=page)
                expect(page.get_by_role("heading", name="Việc cần làm", level=1)).to_be_visible()
                expect(page.get_by_role("link", name=self.dossier.code)).to_be_visible()
                self.assert_accessible(page)
                self.assert_no_console_errors(page)
                self.assert_no_horizontal_scroll(page)
                # Search without diacritics finds the applicant.
                page.get_by_label("Tìm theo mã hồ sơ, tên hoặc số định danh người nộp").fill(
                    "le thi huong"
                )
                with page.expect_navigation():
                    page.get_by_role("button", name="Lọc").click()
                with page.expect_navigation():
                    page.get_by_role("link", name=self.dossier.code).click()
                expect(page.get_by_role("heading", level=1)).to_contain_text(self.dossier.code)
                expect(page.get_by_text("Lê Thị Hương").first).to_be_visible()
                self.assert_accessible(page)
                self.assert_no_console_errors(page)
                self.assert_no_horizontal_scroll(page)
                page.close()
        # The action, once: hand the dossier to the workflow of the competent agency.
        page = self.new_page()
        self.login("tinh.motcua", DEMO_PASSWORD, page=page)
        self.visit(f"/can-bo/ho-so/{self.dossier.code}/", page=page)
        summary = page.locator("summary", has_text="Chuyển cơ quan giải quyết")
        action = page.locator("details.ws-action").filter(has=summary)
        summary.click()
        action.get_by_label("Ý kiến, ghi chú").fill("Đủ thành phần")
        with page.expect_navigation():
            action.get_by_role("button", name="Chuyển cơ quan giải quyết").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
        self.assert_accessible(page)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.PROCESSING)
