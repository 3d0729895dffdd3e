"""Filing online in Chromium (gh-5 items 2, 12): a demo citizen files a dossier with an
upload on a desktop and on a 360 px phone, every page axe-clean; then keyboard only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from playwright.sync_api import Page, expect

from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.hue import DEMO_PASSWORD
from motcua.demo.loader import load_hue_demo
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier

MEDIA = tempfile.mkdtemp(prefix="motcua-filing-browser-")
EXTRACT_CODE = "2.000635"  # Cấp bản sao Trích lục hộ tịch: one variant, an e-form, a fee
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTINUE = "Lưu và tiếp tục"


@override_settings(MEDIA_ROOT=MEDIA)
class FilingBrowserTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        super().setUp()
        load_hue_demo()
        self.pdf = Path(MEDIA) / "uy-quyen.pdf"
        self.pdf.write_bytes(PDF)

    def checked(self, page: Page) -> None:
        """Each page of the journey: axe-clean, no console errors, no sideways scrolling."""
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        self.assert_no_horizontal_scroll(page)

    def continue_(self, page: Page) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name=CONTINUE).click()

    def file_with_the_mouse(self, page: Page) -> str:
        self.login("congdan1", DEMO_PASSWORD, page=page)
        self.visit(f"/thu-tuc/{EXTRACT_CODE}/nop-truc-tuyen/", page=page)
        with page.expect_navigation():
            page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
        # Where: the centre of the citizen's ward (Kim Long) is chosen already.
        expect(page.get_by_role("heading", name="Nộp hồ sơ tại đâu?")).to_be_visible()
        expect(page.get_by_label(re.compile("phường Kim Long"))).to_be_checked()
        self.checked(page)
        self.continue_(page)
        # The declaration: the profile prefilled name and identity number.
        expect(page.get_by_label("Họ, chữ đệm, tên người yêu cầu")).to_have_value("Nguyễn Văn An")
        self.checked(page)
        self.continue_(page)  # nothing else filled: the errors say what to fix
        expect(page.get_by_role("alert").first).to_contain_text("Cần sửa trước khi tiếp tục")
        self.expect_refused_form(page)
        self.checked(page)
        page.get_by_label("Bản sao Giấy khai sinh / trích lục khai sinh").check()
        page.get_by_label("Họ, chữ đệm, tên người có thông tin hộ tịch").fill("Nguyễn Văn Bảo")
        page.get_by_label("Số bản sao đề nghị cấp").fill("2")
        self.continue_(page)
        # Documents: the optional authorisation letter, uploaded on its own.
        expect(page.get_by_role("heading", name="Giấy tờ cần đính kèm")).to_be_visible()
        self.checked(page)
        page.get_by_label(re.compile("Chọn tệp – Văn bản ủy quyền")).set_input_files(str(self.pdf))
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Tải lên – Văn bản ủy quyền")).click()
        expect(page.get_by_text("uy-quyen.pdf").first).to_be_visible()
        self.checked(page)
        self.continue_(page)
        # Fees, expected appointment and delivery.
        expect(page.get_by_text("8.000 đồng").first).to_be_visible()
        self.checked(page)
        page.get_by_label("Nhận bản điện tử").check()
        page.get_by_label("Nộp tại quầy", exact=True).check()
        self.continue_(page)
        # Review and submit.
        expect(page.get_by_text("Nguyễn Văn Bảo")).to_be_visible()
        self.checked(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Nộp hồ sơ").click()
        expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
        self.checked(page)
        code = page.locator(".code").first.inner_text()
        return code

    def test_filing_on_a_desktop(self) -> None:
        code = self.file_with_the_mouse(self.page)
        dossier = Dossier.objects.get(code=code)
        self.assertEqual(
            (dossier.status, dossier.channel), (DossierStatus.SUBMITTED, Channel.ONLINE)
        )
        self.assertEqual(dossier.documents.get().original_name, "uy-quyen.pdf")

    def test_filing_on_a_phone(self) -> None:
        phone = self.new_page(width=360, height=740)
        code = self.file_with_the_mouse(phone)
        self.assertTrue(Dossier.objects.filter(code=code).exists())
        # "My dossiers" and the dossier page fit the phone too.
        self.visit("/ho-so-cua-toi/", page=phone)
        self.checked(phone)
        with phone.expect_navigation():
            phone.get_by_role("link", name=re.compile("Cấp bản sao Trích lục")).first.click()
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Trích lục")
        self.checked(phone)

    def test_filing_with_the_keyboard_alone(self) -> None:
        page = self.page
        self.login("congdan1", DEMO_PASSWORD, page=page)
        self.visit(f"/thu-tuc/{EXTRACT_CODE}/nop-truc-tuyen/", page=page)
        page.get_by_role("button", name="Bắt đầu khai hồ sơ").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.get_by_role("button", name=CONTINUE).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # Tab from the top of the form reaches each field in order.
        # Arrow keys pick a radio option; Tab moves on to the next field.
        page.get_by_label("Bản sao Giấy khai sinh / trích lục khai sinh").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.type("Nguyễn Văn Bảo")
        page.get_by_label("Số bản sao đề nghị cấp").focus()
        page.keyboard.type("1")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # submits the form like the button
        self.assertIn("/giay-to/", page.url, page.locator("main").inner_text()[:2000])
        page.get_by_role("button", name=CONTINUE).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.get_by_label("Nhận tại quầy").focus()
        page.keyboard.press("Space")
        page.get_by_label("Nộp tại quầy", exact=True).focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name=CONTINUE).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.get_by_role("button", name="Nộp hồ sơ").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
        self.assertEqual(Dossier.objects.count(), 1)
