"""Counter reception in Chromium (gh-6 items 3 and 12): a demo one-stop officer of the Kim
Long commune centre receives a birth registration in person using ONLY the keyboard —
the citizen's identity number, Enter to prefill, the procedure code, the checklist, the
declaration, Ctrl+Enter — and prints Mẫu 01; every page axe-clean.
"""

from __future__ import annotations

import io

from django.test import override_settings, tag

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.hue import DEMO_PASSWORD
from motcua.demo.loader import load_hue_demo
from motcua.dossiers.constants import Channel, DossierStatus, PartyRole
from motcua.dossiers.models import Dossier, Party
from motcua.procedures.models import ComponentSpec

BIRTH = "1.001193"  # Đăng ký khai sinh (demo catalogue)
CITIZEN_ID = "046085012345"  # congdan1, Nguyễn Văn An, Kim Long


@tag("gh-6", "browser")
@override_settings(MOTCUA_DEMO=True)
class ReceptionBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_hue_demo()

    def focused_id(self, page: Page) -> str:
        return str(page.evaluate("() => document.activeElement ? document.activeElement.id : ''"))

    def tab_to(self, page: Page, element_id: str, *, limit: int = 80) -> None:
        """Press Tab until ``element_id`` has the focus (the page's tab order, no mouse)."""
        for _ in range(limit):
            if self.focused_id(page) == element_id:
                return
            page.keyboard.press("Tab")
        self.fail(f"Tab never reached #{element_id} (stuck on #{self.focused_id(page)})")

    def test_an_officer_receives_a_birth_registration_with_the_keyboard_only(self) -> None:
        page = self.page
        self.login("kimlong.motcua", DEMO_PASSWORD, page=page)
        self.visit("/can-bo/tiep-nhan/", page=page)
        expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Phím tắt")).to_be_visible()
        self.assert_accessible(page)

        # 1. The applicant: the page opens on the identity number; Enter finds the citizen.
        self.assertEqual(self.focused_id(page), "id_applicant_identity")
        page.keyboard.type(CITIZEN_ID)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#id_applicant_name")).to_have_value("Nguyễn Văn An")

        # 2. The procedure, by its code; one match is chosen and its checklist loads.
        self.assertEqual(self.focused_id(page), "id_procedure_query")
        page.keyboard.type(BIRTH)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="4. Thành phần hồ sơ")).to_be_visible()
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

        # 3. The checklist: tick the birth certificate (Space).
        certificate = ComponentSpec.objects.get(
            variant__version__procedure__national_code=BIRTH,
            variant__code="co-giay-chung-sinh",
            name__startswith="Giấy chứng sinh",
        )
        self.tab_to(page, f"id_got_{certificate.pk}")
        page.keyboard.press("Space")
        expect(page.locator(f"#id_got_{certificate.pk}")).to_be_checked()

        # 4. The declaration: Alt+N jumps to the next section; the applicant is prefilled.
        page.keyboard.press("Alt+N")
        self.assertTrue(self.focused_id(page).startswith("id_tk-"), self.focused_id(page))
        expect(page.locator("#id_tk-nguoi_yeu_cau_ho_ten")).to_have_value("Nguyễn Văn An")
        for field, keys in (
            ("id_tk-me_ho_ten", "Trần Thị Mai"),
            ("id_tk-quan_he_0", " "),  # Cha: Space picks the first choice
            ("id_tk-tre_gioi_tinh_0", " "),  # Nam
            ("id_tk-tre_ho_ten", "Nguyễn Minh Khang"),
            ("id_tk-tre_ngay_sinh", "05052026"),  # dd and mm alike: any locale order
            ("id_tk-tre_noi_sinh", "Bệnh viện Trung ương Huế"),
        ):
            self.tab_to(page, field)
            page.keyboard.type(keys)

        # 5. Ctrl+Enter receives; the outcome page focuses the Mẫu 01 button.
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        errors = page.locator("#rc-errors")
        self.assertEqual(errors.count(), 0, errors.all_inner_texts())
        expect(page.get_by_role("heading", name="Đã tiếp nhận hồ sơ", level=1)).to_be_visible()
        dossier = Dossier.objects.get()
        self.assertEqual(
            (dossier.status, dossier.channel), (DossierStatus.RECEIVED, Channel.COUNTER)
        )
        owner = Party.objects.get(dossier=dossier, role=PartyRole.OWNER)
        self.assertEqual(owner.full_name, "Nguyễn Văn An")
        self.assertEqual(dossier.form_data.data["tre_ho_ten"], "Nguyễn Minh Khang")
        expect(page.get_by_text(dossier.code).first).to_be_visible()
        self.assertEqual(self.focused_id(page), "rc-print")
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

        # 6. Enter on the focused button opens Mẫu 01: two A5 copies of the receipt.
        with page.context.expect_page() as opened:
            page.keyboard.press("Enter")
        receipt = opened.value
        self.assertIn(f"/ho-so/{dossier.code}/bieu-mau/mau-01/", receipt.url)
        response = page.request.get(receipt.url)
        self.assertEqual(response.headers["content-type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.body()))
        self.assertEqual(len(reader.pages), 2)
        self.assertIn(dossier.code, reader.pages[0].extract_text() or "")

    def test_the_reception_page_fits_a_phone_and_keeps_values_after_an_error(self) -> None:
        page = self.new_page(width=360, height=800)
        self.login("kimlong.motcua", DEMO_PASSWORD, page=page)
        self.visit(f"/can-bo/tiep-nhan/?thu_tuc={BIRTH}&cccd={CITIZEN_ID}", page=page)
        expect(page.get_by_role("heading", name="5. Tờ khai")).to_be_visible()
        self.assert_no_horizontal_scroll(page)
        self.assert_accessible(page)
        # Receiving with nothing ticked: the errors are listed and focused, nothing is lost.
        page.locator("#id_tk-me_ho_ten").press_sequentially("Trần Thị Mai")
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        self.expect_refused_form(page)
        summary = page.locator("#rc-errors")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Còn thiếu 1 thành phần hồ sơ bắt buộc")
        expect(page.locator("#id_tk-me_ho_ten")).to_have_value("Trần Thị Mai")
        expect(page.locator("#id_applicant_name")).to_have_value("Nguyễn Văn An")
        self.assert_no_horizontal_scroll(page)
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
        self.assertFalse(Dossier.objects.exists())
