"""Online intake and processing in Chromium (gh-6 items 5–7, 12), as officials work.

(a) a one-stop officer refuses an online dossier with its reason and gets Mẫu 03;
(b) a dossier that will not finish in time gets an apology with a new appointment,
    proposed by the system, by the competent agency's leader, and Mẫu 04;
(c) a dossier goes assign → appraise → coordination with another department →
    approve → sign → issue with an uploaded PDF.
Every page axe-clean, no console errors. Demo accounts, real time.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.test import override_settings, tag
from django.utils import timezone

from allauth.account.models import EmailAddress
from playwright.sync_api import Locator, Page, expect

from motcua.accounts.models import User
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import add_working_time
from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.hue import DEMO_PASSWORD
from motcua.demo.loader import load_hue_demo
from motcua.dossiers.constants import (
    Channel,
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMode,
)
from motcua.dossiers.models import CoordinationRequest, Dossier, DossierDocument, Extension
from motcua.dossiers.services import PartyData, dossier_act, dossier_receive
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.models import ProcedureOffering


def open_action(page: Page, label: str) -> Locator:
    """Open the action's short form on the dossier page; the form's container."""
    summary = page.locator("summary", has_text=label)
    container = page.locator("details.ws-action").filter(has=summary)
    if container.get_attribute("open") is None:
        summary.click()
    return container


OWNER = PartyData(full_name="Lê Thị Hương", identity_number="046190004567")


@tag("gh-6", "browser")
@override_settings(MOTCUA_DEMO=True)
class ProcessingBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_hue_demo()
        self.officer = User.objects.get(username="tinh.motcua", is_demo=True)
        self.centre = (
            StaffMembership.objects.filter(user=self.officer).select_related("agency")[0].agency
        )

    def receive(self, *, channel: Channel) -> Dossier:
        """A dossier at the officer's centre: the first procedure needing no e-form."""
        by = None if channel == Channel.ONLINE else self.officer
        for offering in ProcedureOffering.objects.filter(agency=self.centre).select_related(
            "procedure"
        ):
            try:
                return dossier_receive(
                    by=by,
                    agency=self.centre,
                    procedure_code=offering.procedure.national_code,
                    variant_code=None,
                    channel=channel,
                    owner=OWNER,
                    return_mode=ReturnMode.COUNTER,
                )
            except ValidationError:
                continue
        self.fail("no demo procedure could be received without a form")

    def member(self, dossier: Dossier, role: Role) -> str:
        membership = StaffMembership.objects.filter(
            agency=dossier.competent_agency, role=role, user__is_demo=True
        ).select_related("user")[0]
        return membership.user.username

    def test_a_an_online_dossier_is_refused_with_its_reasons(self) -> None:
        dossier = self.receive(channel=Channel.ONLINE)
        page = self.login("tinh.motcua", DEMO_PASSWORD)
        self.visit("/can-bo/viec/can-kiem-tra/", page=page)
        with page.expect_navigation():
            page.get_by_role("link", name=dossier.code).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(dossier.code)
        self.assert_accessible(page)
        form = open_action(page, "Từ chối tiếp nhận")
        expect(
            form.get_by_text("Phiếu từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)")
        ).to_be_visible()
        # Without a reason: refused next to the field, nothing changes.
        with page.expect_navigation():
            form.get_by_role("button", name="Từ chối tiếp nhận").click()
        self.expect_refused_form(page)
        form = open_action(page, "Từ chối tiếp nhận")
        expect(form.get_by_label("Lý do")).to_have_attribute("aria-invalid", "true")
        self.assert_accessible(page)
        reason = "Thủ tục không thuộc thẩm quyền; đề nghị nộp tại UBND phường Kim Long"
        form.get_by_label("Lý do").fill(reason)
        with page.expect_navigation():
            form.get_by_role("button", name="Từ chối tiếp nhận").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, DossierStatus.REFUSED)
        link = page.get_by_role("link", name="Phiếu từ chối tiếp nhận, giải quyết hồ sơ")
        expect(link).to_be_visible()
        pdf = page.request.get(self.url(link.get_attribute("href") or ""))
        self.assertEqual((pdf.status, pdf.headers["content-type"]), (200, "application/pdf"))
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def test_b_a_dossier_at_risk_gets_an_apology_and_a_new_appointment(self) -> None:
        dossier = self.receive(channel=Channel.COUNTER)
        dossier_act(code=dossier.code, action=EventAction.TRANSFER, by=self.officer)
        # The dossier cannot finish: 1.5 working days left, still at its first step.
        cal = work_calendar_for(agency=dossier.competent_agency)
        due = add_working_time(timezone.now(), dt.timedelta(hours=12), cal)
        Dossier.objects.filter(pk=dossier.pk).update(due_at=due)
        leader = self.member(dossier, Role.AGENCY_LEADER)
        page = self.login(leader, DEMO_PASSWORD)
        self.visit(f"/can-bo/ho-so/{dossier.code}/", page=page)
        expect(page.locator("#apology-proposal")).to_contain_text("Hệ thống đề xuất")
        form = page.locator("#thao-tac-apologize")
        expect(form).to_have_attribute("open", "")
        new_due = form.get_by_label("Ngày hẹn trả mới")
        expect(new_due).not_to_have_value("")  # proposed by the system
        self.assert_accessible(page)
        form.get_by_label("Lý do").fill("Chờ kết quả xác minh thực địa")
        with page.expect_navigation():
            form.get_by_role("button", name="Xin lỗi và hẹn lại ngày trả").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
        extension = Extension.objects.get(dossier=dossier)
        self.assertGreater(extension.new_due_at, due)
        # Allowed once: no more proposal nor action; Mẫu 04 is ready to print.
        expect(page.locator("#apology-proposal")).to_have_count(0)
        expect(page.locator("#thao-tac-apologize")).to_have_count(0)
        link = page.get_by_role("link", name="Văn bản xin lỗi và hẹn lại ngày trả kết quả")
        pdf = page.request.get(self.url(link.get_attribute("href") or ""))
        self.assertEqual(pdf.status, 200)
        self.assert_accessible(page)
        self.assert_no_console_errors(page)


PASSWORD = "mat-khau-thu-nghiem-6"


@tag("gh-6", "browser")
@override_settings(MOTCUA_DEMO=True)
class PermitFlowBrowserTests(BrowserTestCase):
    """(c) A construction-permit-like workflow of four steps (make_world's), on screens."""

    def setUp(self) -> None:
        super().setUp()
        self.world = make_world()
        self.consulted = MembershipFactory(agency=self.world.department, role=Role.SPECIALIST).user
        for user in [*self.world.staff.values(), self.consulted]:
            user.set_password(PASSWORD)
            user.is_demo = True  # demo accounts sign in without the second factor
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.dossier = self.world.receive()
        reception = self.world.staff[Role.RECEPTION_OFFICER]
        dossier_act(code=self.dossier.code, action=EventAction.TRANSFER, by=reception)
        dossier_act(
            code=self.dossier.code,
            action=EventAction.FORWARD,
            by=self.world.staff[Role.DIVISION_HEAD],
        )

    def as_(self, user: User) -> Page:
        page = self.new_page()
        self.login(user.username, PASSWORD, page=page)
        self.visit(f"/can-bo/ho-so/{self.dossier.code}/", page=page)
        return page

    def act(self, page: Page, label: str, fields: dict[str, str] | None = None) -> None:
        form = open_action(page, label)
        for name, value in (fields or {}).items():
            form.get_by_label(name).fill(value)
        with page.expect_navigation():
            form.get_by_role("button", name=label, exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
        self.assert_no_console_errors(page)

    def test_c_assign_appraise_coordinate_approve_sign_issue(self) -> None:
        w = self.world
        specialist = w.staff[Role.SPECIALIST]
        # The head of division assigns the appraisal to a specialist picked from a list.
        page = self.as_(w.staff[Role.DIVISION_HEAD])
        form = open_action(page, "Phân công xử lý")
        form.get_by_label("Cán bộ được giao").select_option(specialist.username)
        with page.expect_navigation():
            form.get_by_role("button", name="Phân công xử lý").click()
        self.assert_accessible(page)
        # The specialist asks the department's opinion, with a due date.
        page = self.as_(specialist)
        form = open_action(page, "Xin ý kiến phối hợp")
        form.get_by_label("Cơ quan được xin ý kiến").select_option(w.department.code)
        form.get_by_label("Nội dung xin ý kiến").fill("Xin ý kiến về chỉ giới xây dựng")
        due = timezone.localtime() + dt.timedelta(days=3)
        form.get_by_label("Hạn trả lời").fill(due.strftime("%Y-%m-%dT17:00"))
        with page.expect_navigation():
            form.get_by_role("button", name="Xin ý kiến phối hợp").click()
        expect(page.get_by_role("heading", name="Xin ý kiến phối hợp", level=2)).to_be_visible()
        self.assert_accessible(page)
        # The department answers from the same page.
        page = self.as_(self.consulted)
        self.act(page, "Trả lời phối hợp", {"Ý kiến trả lời": "Thống nhất, đúng chỉ giới"})
        self.assertTrue(
            CoordinationRequest.objects.filter(
                dossier=self.dossier, answer="Thống nhất, đúng chỉ giới"
            ).exists()
        )
        # Appraised: forward with the specialist's note.
        page = self.as_(specialist)
        self.act(page, "Chuyển bước tiếp theo", {"Ý kiến, ghi chú": "Đủ điều kiện cấp phép"})
        # The leader approves, signs and forwards to the clerk.
        page = self.as_(w.staff[Role.AGENCY_LEADER])
        self.act(page, "Phê duyệt")
        self.act(page, "Ký số")
        self.act(page, "Chuyển bước tiếp theo")
        # The clerk issues the result with the PDF and the register's number.
        page = self.as_(w.staff[Role.CLERK])
        form = open_action(page, "Phát hành kết quả")
        number = form.get_by_label("Số văn bản kết quả (theo sổ của văn thư)")
        expect(number).to_have_value("")  # left blank, the register would issue it
        expect(form).to_contain_text("hiện là 1")
        form.get_by_label("Số văn bản kết quả (theo sổ của văn thư)").fill("1/GPXD")
        form.get_by_label("Tên kết quả", exact=False).fill("Giấy phép xây dựng")
        form.locator("input[type=file]").set_input_files(str(_pdf_file()))
        self.assert_accessible(page)
        with page.expect_navigation():
            form.get_by_role("button", name="Phát hành kết quả").click()
        expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
        expect(page.locator("#result-number")).to_contain_text("1/GPXD")
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)
        self.assertTrue(
            DossierDocument.objects.filter(dossier=self.dossier, kind=DocumentKind.RESULT).exists()
        )
        self.assert_accessible(page)
        self.assert_no_console_errors(page)


def _pdf_file() -> Path:
    from motcua.signing.tests.pki import small_pdf

    path = Path(tempfile.mkdtemp(prefix="motcua-browser-")) / "giay-phep.pdf"
    path.write_bytes(small_pdf())
    return path
