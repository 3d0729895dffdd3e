"""The citizen's whole journey in Chromium (gh-5 item 12), on a desktop and on a 360 px phone.

A new user registers and confirms their e-mail, files a dossier with an upload and a
VietQR fee, and sees the QR code. The one-stop accepts it and asks for a supplement
(through the engine's services, as the staff workspace will). The citizen answers it
online. The result is issued with a signed file and returned electronically; the citizen
downloads it and rates the service. axe finds no serious or critical violation on any
page of the journey, error states included, and nothing scrolls sideways on the phone.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.core import mail
from django.test import override_settings

from playwright.sync_api import Page, expect

from motcua.accounts.models import User
from motcua.core.testing.browser import BrowserTestCase
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.test_receive import World, make_world
from motcua.dossiers.uploads import upload_store
from motcua.organisations.constants import Role
from motcua.payments.tests.world import SETTINGS as PAYMENT_SETTINGS
from motcua.procedures.constants import FeeCollection
from motcua.procedures.models import FeeRule
from motcua.procedures.tests.factories import ComponentFactory
from motcua.ratings.models import Rating

from .test_filing import EFORM, PDF, pdf

MEDIA = tempfile.mkdtemp(prefix="motcua-journey-")
PASSWORD = "Huế-mùa-thu-2026!"
A = EventAction
R = Role


@override_settings(MEDIA_ROOT=MEDIA, **PAYMENT_SETTINGS)
class CitizenJourneyTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        super().setUp()
        self.world: World = make_world()
        variant = self.world.variant
        variant.eform = EFORM
        variant.save()
        ComponentFactory(variant=variant, name="Bản sao CCCD", order=1)
        FeeRule.objects.filter(variant=variant).update(collection=FeeCollection.UPFRONT)
        self.file = Path(MEDIA) / "cccd.pdf"
        self.file.write_bytes(PDF)

    # --- helpers ---------------------------------------------------------------------------

    def checked(self, page: Page) -> None:
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        self.assert_no_horizontal_scroll(page)

    def submit(self, page: Page, name: str | re.Pattern[str]) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name=name).click()

    def act(self, dossier: Dossier, action: EventAction, role: Role, **fields: object) -> None:
        dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **fields)

    def register(self, page: Page, email: str) -> User:
        self.visit("/accounts/signup/", page=page)
        self.checked(page)
        page.get_by_label("Họ và tên (hoặc tên doanh nghiệp)").fill("Hoàng Thị Thu")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password1]").fill(PASSWORD)
        page.locator("input[name=password2]").fill(PASSWORD)
        self.submit(page, re.compile("Đăng ký"))
        self.checked(page)
        link = re.search(r"https?://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
        assert link is not None, mail.outbox[-1].body
        self.visit(link[1], page=page)
        self.checked(page)
        self.submit(page, "Xác nhận")
        return User.objects.get(email=email)

    def file_dossier(self, page: Page) -> Dossier:
        w = self.world
        self.visit(f"/thu-tuc/{w.code}/nop-truc-tuyen/", page=page)
        self.submit(page, "Bắt đầu khai hồ sơ")
        page.get_by_label(re.compile(w.variant.name)).check()
        self.submit(page, "Lưu và tiếp tục")
        page.get_by_label(re.compile(w.center.name)).check()
        self.submit(page, "Lưu và tiếp tục")
        # An error state first: the page keeps what was typed and is still accessible.
        page.get_by_label("Nơi đã đăng ký hộ tịch").fill("UBND phường Phú Hội")
        self.submit(page, "Lưu và tiếp tục")
        expect(page.get_by_text("Cần sửa trước khi tiếp tục")).to_be_visible()
        expect(page.get_by_label("Nơi đã đăng ký hộ tịch")).to_have_value("UBND phường Phú Hội")
        self.expect_refused_form(page)
        self.checked(page)
        page.get_by_label("Số bản sao").fill("1")
        self.submit(page, "Lưu và tiếp tục")
        page.get_by_label(re.compile("Chọn tệp – Bản sao CCCD")).set_input_files(str(self.file))
        self.submit(page, re.compile("Tải lên – Bản sao CCCD"))
        self.checked(page)
        self.submit(page, "Lưu và tiếp tục")
        page.get_by_label("Nhận bản điện tử").check()
        page.get_by_label("Chuyển khoản ngân hàng bằng mã VietQR").check()
        self.submit(page, "Lưu và tiếp tục")
        self.checked(page)
        self.submit(page, "Nộp hồ sơ")
        expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
        self.checked(page)
        code = page.locator(".code").first.inner_text()
        # The fee: a VietQR code to pay by bank transfer.
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("VietQR")).first.click()
        expect(page.locator("svg").first).to_be_visible()
        self.checked(page)
        return Dossier.objects.get(code=code)

    def answer_supplement(self, page: Page, dossier: Dossier) -> None:
        self.visit("/ho-so-cua-toi/?nhom=can-lam", page=page)
        self.checked(page)
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Cấp bản sao trích lục")).first.click()
        expect(page.get_by_text("Cơ quan yêu cầu bổ sung")).to_be_visible()
        self.checked(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Bổ sung trực tuyến").click()
        self.checked(page)
        page.get_by_label(re.compile("Tệp bổ sung – Bản sao CCCD")).set_input_files(str(self.file))
        page.get_by_label("Số bản sao").fill("2")
        self.submit(page, "Gửi bổ sung")
        expect(page.get_by_text("Đã gửi hồ sơ bổ sung")).to_be_visible()
        self.checked(page)

    def officer_finishes(self, dossier: Dossier) -> None:
        self.act(dossier, A.SUBMIT_SUPPLEMENT, R.RECEPTION_OFFICER)
        dossier.refresh_from_db()
        while dossier.current_step is not None and dossier.current_step.role != R.CLERK:
            self.act(dossier, A.FORWARD, Role(dossier.current_step.role))
            dossier.refresh_from_db()
        signed = upload_store(file=pdf("ket-qua.pdf"), user=self.world.staff[R.CLERK])
        self.act(
            dossier,
            A.ISSUE_RESULT,
            R.CLERK,
            result={"title": "Bản sao trích lục khai sinh"},
            upload_ids=[signed.pk],
        )
        self.act(dossier, A.RETURN_RESULT, R.RECEPTION_OFFICER)

    def journey(self, page: Page, email: str) -> None:
        citizen = self.register(page, email)
        dossier = self.file_dossier(page)
        self.assertEqual(dossier.status, DossierStatus.SUBMITTED)
        # The one-stop accepts it and, while processing, asks for a supplement.
        self.act(dossier, A.ACCEPT, R.RECEPTION_OFFICER)
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        self.act(dossier, A.FORWARD, R.DIVISION_HEAD)
        self.act(
            dossier,
            A.REQUEST_SUPPLEMENT,
            R.SPECIALIST,
            items=["Bản sao CCCD rõ nét", {"name": "Số bản sao cần cấp", "field": "so_ban_sao"}],
            reason="Bản sao CCCD mờ; xin ghi lại số bản sao",
        )
        self.answer_supplement(page, dossier)
        self.officer_finishes(dossier)
        # The result: download it, then rate the service.
        self.visit(f"/ho-so-cua-toi/{dossier.code}/", page=page)
        self.checked(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Bản sao trích lục khai sinh").click()
        self.assertEqual(Path(download.value.path()).read_bytes(), PDF)
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Đánh giá")).first.click()
        self.checked(page)
        page.get_by_label("Rất hài lòng").first.check()
        self.submit(page, "Gửi đánh giá")
        self.checked(page)
        rating = Rating.objects.get(dossier=dossier)
        self.assertEqual((rating.level, rating.rater), ("very_satisfied", citizen))

    # --- the two devices -------------------------------------------------------------------

    def test_the_whole_journey_on_a_desktop(self) -> None:
        self.journey(self.page, "thu.hoang@example.vn")

    def test_the_whole_journey_on_a_phone(self) -> None:
        phone = self.new_page(width=360, height=740)
        self.journey(phone, "thu.hoang.dt@example.vn")
