"""Online intake and processing in Chromium (gh-6 items 5–7, 12), as officials work.

(a) a one-stop officer refuses an online dossier with its reason and gets Mẫu 03;
(b) a dossier that will not finish in time gets an apology with a new appointment,
    proposed by the system, by the competent agency's leader, and Mẫu 04;
(c) a construction permit goes assign → appraise → coordination with another department →
    approve → sign → issue (the uploaded PDF is signed with the agency's certificate from a
    test CA) → return by post (waybill, address label, pickup, delivery); the citizen and
    the public lookup see a valid signature.
Every page axe-clean, no console errors. Demo accounts, real time.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.test import override_settings, tag
from django.urls import reverse
from django.utils import timezone

import pypdf
from allauth.account.models import EmailAddress
from playwright.sync_api import Locator, Page, expect

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
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
from motcua.dossiers.models import (
    CoordinationRequest,
    Dossier,
    DossierDocument,
    DossierEvent,
    Extension,
)
from motcua.dossiers.services import PartyData, dossier_act, dossier_receive
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership
from motcua.organisations.tests.factories import MembershipFactory
from motcua.postal.constants import ShipmentStatus
from motcua.postal.models import Shipment, ShipmentEvent
from motcua.procedures.models import ProcedureOffering
from motcua.signing.services import agency_certificate_create, verify_pdf
from motcua.signing.tests.pki import PASSPHRASE, make_agency_p12, make_ca


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
ADDRESS = "12 Lê Lợi, phường Thuận Hóa, thành phố Huế"
CITIZEN = PartyData(full_name="Trần Văn Bình", identity_number="046085001234", phone="0905111222")


@tag("gh-6", "browser")
@override_settings(MOTCUA_DEMO=True)
class PermitFlowBrowserTests(BrowserTestCase):
    """(c) A construction-permit-like workflow of four steps (make_world's), on screens.

    The last step requires a signature and the competent agency holds a certificate
    issued by a CA the tests generate (and the site trusts); the owner has an account
    and asked for the result by post.
    """

    def setUp(self) -> None:
        super().setUp()
        self.world = make_world()
        self.consulted = MembershipFactory(agency=self.world.department, role=Role.SPECIALIST).user
        self.citizen = UserFactory(full_name=CITIZEN.full_name)
        for user in [*self.world.staff.values(), self.consulted, self.citizen]:
            user.set_password(PASSWORD)
            user.is_demo = True  # demo accounts sign in without the second factor
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        # The agency signs with a PKCS#12 from a test CA the site is told to trust.
        ca = make_ca()
        trust = Path(tempfile.mkdtemp(prefix="motcua-trust-"))
        self.addCleanup(shutil.rmtree, trust, ignore_errors=True)
        self.enterContext(override_settings(MOTCUA_SIGNATURE_TRUST_ROOTS=[ca.write_pem(trust)]))
        center = self.world.center
        agency_certificate_create(
            agency=center,
            data=make_agency_p12(ca, common_name=center.name),
            passphrase=PASSPHRASE,
        )
        issuing = self.world.steps[-1]
        issuing.signature_required = True
        issuing.save()
        self.dossier = self.world.receive(
            owner=replace(CITIZEN, user=self.citizen),
            return_mode=ReturnMode.POSTAL,
            delivery_address=ADDRESS,
        )
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

    def test_c_assign_appraise_coordinate_approve_sign_issue_return_by_post(self) -> None:
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
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        self.issued_result_is_signed(page)
        self.returned_by_post()
        self.citizen_sees_a_valid_signature()

    def issued_result_is_signed(self, page: Page) -> None:
        """The stored result is the upload signed by the agency; the staff download verifies."""
        document = DossierDocument.objects.get(dossier=self.dossier, kind=DocumentKind.RESULT)
        issued = DossierEvent.objects.get(dossier=self.dossier, action=EventAction.ISSUE_RESULT)
        self.assertIs(issued.data["signed"], True)
        self.assertEqual(issued.data["documents"][0]["sha256"], document.sha256)
        # The staff page lists the result with a download link (it shows no signature status).
        download = page.get_by_role("link", name="Tải về Giấy phép xây dựng")
        response = page.request.get(self.url(download.get_attribute("href") or ""))
        self.assertEqual(response.status, 200)
        signed = response.body()
        self.assertNotEqual(signed, _pdf_file().read_bytes())
        # pyHanko validates through asyncio.run(), refused in this thread where Playwright's
        # event loop runs; the live server's threads have none.
        with ThreadPoolExecutor(max_workers=1) as pool:
            check = pool.submit(verify_pdf, signed).result()
        self.assertEqual((check.signed, check.valid, check.intact, check.trusted), (True,) * 4)
        self.assertEqual(check.signer, self.world.center.name)

    def returned_by_post(self) -> None:
        """The reception officer sends the result by post from the dossier page and records
        the post office's pickup and delivery; delivery returns the result."""
        page = self.as_(self.world.staff[Role.RECEPTION_OFFICER])
        card = page.get_by_role("region", name="Trả kết quả", exact=True)
        expect(card).to_contain_text("Nhận qua bưu chính")
        expect(card).to_contain_text(f"{CITIZEN.full_name} · {ADDRESS}")
        self.assert_accessible(page)
        send = card.get_by_role("link", name="Gửi kết quả qua bưu chính, ghi nhận phát")
        send.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Trả kết quả hồ sơ {self.dossier.code}"
        )
        post = page.get_by_role("region", name="Gửi kết quả qua bưu chính")
        expect(post).to_contain_text(f"Người nhận: {CITIZEN.full_name}, {ADDRESS}.")
        self.assert_accessible(page)
        create = post.get_by_role("button", name="Tạo vận đơn và nhãn gửi")
        create.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        shipment = Shipment.objects.get(dossier=self.dossier)
        expect(page.get_by_role("status")).to_contain_text(f"Đã tạo vận đơn {shipment.waybill}")
        expect(post).to_contain_text(shipment.waybill)
        expect(post).to_contain_text("Đã tạo vận đơn")
        self.assertTrue(
            DossierEvent.objects.filter(
                dossier=self.dossier, action=EventAction.DISPATCH, data__waybill=shipment.waybill
            ).exists()
        )
        self.assert_accessible(page)

        # The label to stick on the envelope: a PDF carrying the waybill and the address.
        label = post.get_by_role("link", name="In nhãn địa chỉ (PDF)")
        response = page.request.get(self.url(label.get_attribute("href") or ""))
        self.assertEqual(
            (response.status, response.headers["content-type"]), (200, "application/pdf")
        )
        body = response.body()
        self.assertTrue(body.startswith(b"%PDF-"))
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
        self.assertIn(shipment.waybill, text)
        self.assertIn(self.dossier.code, text)

        # The envelope was made ready this morning; the post office picked it up an hour
        # ago (the officer copies the times from the post office's slips).
        now = timezone.localtime()
        Shipment.objects.filter(pk=shipment.pk).update(created_at=now - dt.timedelta(hours=3))
        ShipmentEvent.objects.filter(shipment=shipment, status=ShipmentStatus.CREATED).update(
            at=now - dt.timedelta(hours=3)
        )
        events = page.get_by_role("form", name="Ghi nhận theo phiếu báo của bưu điện")
        events.get_by_label("Việc đã xảy ra").select_option(label="Bưu điện đã nhận")
        events.get_by_label("Thời điểm").fill(
            (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        )
        events.get_by_label("Bưu cục, nơi").fill("Bưu cục Thuận Hóa")
        with page.expect_navigation():
            events.get_by_role("button", name="Ghi nhận").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Đã ghi nhận “Bưu điện đã nhận” cho vận đơn {shipment.waybill}"
        )
        expect(post.locator("dd").nth(1)).to_have_text("Bưu điện đã nhận")
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)
        self.assert_accessible(page)
        # Delivered: the time is already filled in with now; the note is sent with Enter.
        events.get_by_label("Việc đã xảy ra").select_option(label="Đã giao")
        note = events.get_by_label("Ghi chú")
        note.fill("Người nhận ký nhận")
        with page.expect_navigation():
            note.press("Enter")
        expect(page.get_by_role("status")).to_contain_text(
            f"Đã ghi nhận “Đã giao” cho vận đơn {shipment.waybill}"
        )
        expect(post.locator("dd").nth(1)).to_have_text("Đã giao")
        journey = post.get_by_role("table", name="Hành trình bưu gửi").locator("tbody tr")
        expect(journey).to_have_count(3)
        expect(events).to_have_count(0)
        expect(page.get_by_role("heading", name="Đã trả kết quả", level=2)).to_be_visible()
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RETURNED)
        returned = DossierEvent.objects.get(dossier=self.dossier, action=EventAction.RETURN_RESULT)
        self.assertEqual(returned.to_status, DossierStatus.RETURNED)
        self.assertIn(shipment.waybill, returned.note)
        self.assertEqual(returned.actor, self.world.staff[Role.RECEPTION_OFFICER])
        # The dossier page's card now says the result was returned.
        self.visit(f"/can-bo/ho-so/{self.dossier.code}/", page=page)
        card = page.get_by_role("region", name="Trả kết quả", exact=True)
        expect(card).to_contain_text(f"Vận đơn {shipment.waybill}: Đã giao.")
        expect(
            card.get_by_role("link", name="Xem việc trả kết quả, in giấy biên nhận")
        ).to_be_visible()
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def citizen_sees_a_valid_signature(self) -> None:
        """Next to the result the owner downloads, and on the public lookup without names."""
        center = self.world.center.name
        page = self.new_page()
        self.login(self.citizen.username, PASSWORD, page=page)
        self.visit(reverse("portal:my-dossier", args=[self.dossier.code]), page=page)
        expect(page.locator(".signature-valid")).to_contain_text(
            f"Chữ ký số hợp lệ – ký bởi {center}"
        )
        expect(page.locator(".signature-valid")).not_to_contain_text("chưa được xác nhận")
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        lookup = self.new_page()
        query = urlencode({"code": self.dossier.code, "key": self.dossier.lookup_key})
        self.visit(f"{reverse('portal:lookup')}?{query}", page=lookup)
        expect(lookup.get_by_text("Kết quả đã được ký số, chữ ký hợp lệ.")).to_be_visible()
        self.assert_accessible(lookup)
        self.assert_no_console_errors(lookup)


@cache
def _pdf_file() -> Path:
    from motcua.signing.tests.pki import small_pdf

    path = Path(tempfile.mkdtemp(prefix="motcua-browser-")) / "giay-phep.pdf"
    path.write_bytes(small_pdf())
    return path
