"""The procedure catalogue in Chromium (gh-3 item 14): search from the home page with and
without diacritics, open a procedure, download its form, the empty-result page; axe at
1280 and 360 px; keyboard only; filters without JavaScript.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from playwright.sync_api import Page, expect

from motcua import demo
from motcua.core.testing.browser import BrowserTestCase
from motcua.demo.loader import load_hue_demo
from motcua.organisations.models import Agency
from motcua.procedures.search import procedure_search_reindex

MEDIA = tempfile.mkdtemp(prefix="motcua-catalogue-browser-")
BIRTH_FORM = Path(demo.__file__).with_name("forms") / "to-khai-dang-ky-khai-sinh.html"
SEARCH_LABEL = "Tìm thủ tục, cơ quan, phường xã"
BIRTH = "Đăng ký khai sinh"
EXTRACT = "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"
CENTRE_ADDRESS = "01 Lê Lai, phường Thuận Hóa, thành phố Huế"
KIM_LONG = "Trung tâm Phục vụ hành chính công phường Kim Long"


@override_settings(MEDIA_ROOT=MEDIA)
class CatalogueBrowserTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)

    def setUp(self):
        super().setUp()
        # What `make demo` serves: the Huế agencies and the 48-procedure demo catalogue,
        # commune procedures offered by all 40 commune centres.
        load_hue_demo()
        # The search index is rebuilt after an import (idempotent if the loader did it).
        procedure_search_reindex()
        self.kim_long = Agency.objects.get(name=KIM_LONG)

    # --- helpers ---------------------------------------------------------------------------

    def search_from_home(self, text: str) -> Page:
        page = self.visit("/")
        page.get_by_role("searchbox", name=SEARCH_LABEL).fill(text)
        with page.expect_navigation():
            page.get_by_role("searchbox", name=SEARCH_LABEL).press("Enter")
        expect(page).to_have_url(re.compile(r"/thu-tuc/\?q="))
        return page

    def results(self, page: Page):
        return page.locator(".procedure-list .procedure-title a")

    def check_page(self, page: Page) -> None:
        self.assert_accessible(page)
        self.assert_no_horizontal_scroll(page)
        self.assert_no_console_errors(page)

    # --- search, open, download ------------------------------------------------------------

    def test_it_finds_a_procedure_typed_with_diacritics_opens_it_and_downloads_its_form(self):
        page = self.search_from_home("đăng ký khai sinh")
        expect(self.results(page).first).to_have_text(BIRTH)
        expect(page.get_by_role("status")).to_contain_text("khớp với “đăng ký khai sinh”")
        with page.expect_navigation():
            self.results(page).first.click()
        expect(page).to_have_url(self.url("/thu-tuc/1.001193/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(BIRTH)
        # Two cases, each with its components table and its fees.
        expect(page.locator(".variant-nav li")).to_have_count(2)
        components = page.locator("table.components").first
        expect(components.get_by_role("rowheader").first).to_contain_text(
            "Tờ khai đăng ký khai sinh"
        )
        expect(components).to_contain_text("Bắt buộc")
        fees = page.locator(".fees").first
        expect(fees).to_contain_text("8.000 đồng")
        expect(fees).to_contain_text("Lệ phí: Lệ phí đăng ký khai sinh")
        expect(fees).to_contain_text("Miễn")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Tải mẫu Tờ khai đăng ký khai sinh").first.click()
        download = download_info.value
        self.assertRegex(download.suggested_filename, r"^to-khai-dang-ky-khai-sinh.*\.html$")
        self.assertEqual(Path(download.path()).read_bytes(), BIRTH_FORM.read_bytes())
        self.assert_accessible(page)
        self.assert_no_console_errors(page)

    def test_it_finds_the_same_procedure_typed_without_diacritics(self):
        page = self.search_from_home("dang ky khai sinh")
        expect(self.results(page).first).to_have_text(BIRTH)
        expect(page.get_by_role("searchbox", name=SEARCH_LABEL)).to_have_value("dang ky khai sinh")

    def test_it_suggests_what_to_try_and_where_to_get_help_when_nothing_matches(self):
        page = self.search_from_home("xyzabc")
        expect(self.results(page)).to_have_count(0)
        empty = page.locator(".empty-result")
        expect(empty.get_by_role("heading")).to_have_text(
            "Không tìm thấy thủ tục nào khớp với “xyzabc”."
        )
        expect(empty).to_contain_text("kiểm tra lại chính tả")
        expect(empty).to_contain_text("gõ không dấu cũng được")
        browse = empty.get_by_role("link", name="tìm theo lĩnh vực trong danh mục thủ tục.")
        help_box = page.locator(".help-box")
        expect(help_box.get_by_role("heading", name="Cần hỗ trợ?")).to_be_visible()
        expect(help_box).to_contain_text(CENTRE_ADDRESS)
        expect(help_box.get_by_role("link", name=re.compile("^Về trang chủ"))).to_have_attribute(
            "href", "/"
        )
        self.check_page(page)
        with page.expect_navigation():
            browse.click()
        expect(page.locator("#linh-vuc").get_by_role("link", name="Hộ tịch")).to_be_visible()

    # --- axe and phones --------------------------------------------------------------------

    def test_it_is_accessible_and_fits_a_desktop_and_a_360px_phone(self):
        paths = [
            "/thu-tuc/",  # catalogue home
            "/thu-tuc/?q=chung+thuc",  # results
            "/thu-tuc/1.001193/",  # detail: two cases, components tables, fees
            "/thu-tuc/2.001263/",  # detail with the public reason for partial online service
            "/thu-tuc/?q=xyzabc",  # empty result
            "/co-quan/000.00.06.H57/",  # agency page
            "/thu-tuc/1.001193/nop-truc-tuyen/",  # online filing entry point
        ]
        for width, height in ((1280, 800), (360, 740)):
            page = self.new_page(width=width, height=height)
            for path in paths:
                with self.subTest(width=width, path=path):
                    self.visit(path, page=page)
                    self.check_page(page)

    def test_it_shows_the_components_as_cards_with_labels_on_a_phone(self):
        page = self.new_page(width=360, height=740)
        self.visit("/thu-tuc/2.000815/", page=page)
        row = page.locator("table.components tbody tr").first
        originals = row.locator('td[data-label="Bản chính"]')
        expect(originals).to_have_text("1")
        # The cell's label is drawn by CSS beside the value, since the header row is hidden.
        label = originals.evaluate("td => getComputedStyle(td, '::before').content")
        self.assertEqual(label, '"Bản chính:"')
        expect(page.locator(".notice-warning")).to_contain_text("Thông tin đang được xác minh:")
        # The 40 receiving commune centres fold into one line that opens on demand.
        summary = page.get_by_text("Trung tâm Phục vụ hành chính công của 40 phường, xã")
        expect(summary).to_be_visible()
        kim_long = page.get_by_role("link", name=KIM_LONG)
        expect(kim_long).to_be_hidden()
        summary.click()
        expect(kim_long).to_be_visible()
        with page.expect_navigation():
            kim_long.click()
        expect(page).to_have_url(self.url(f"/co-quan/{self.kim_long.code}/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(KIM_LONG)
        self.assert_no_horizontal_scroll(page)

    # --- keyboard --------------------------------------------------------------------------

    def test_it_reaches_and_opens_the_first_result_with_the_keyboard(self):
        page = self.visit("/thu-tuc/?q=dang+ky+khai+sinh")
        first = self.results(page).first
        expect(first).to_have_text(BIRTH)
        for _ in range(25):
            page.keyboard.press("Tab")
            if first.evaluate("el => el === document.activeElement"):
                break
        expect(first).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page).to_have_url(self.url("/thu-tuc/1.001193/"))

    # --- without JavaScript ----------------------------------------------------------------

    def test_it_filters_with_chips_and_previews_the_due_date_without_javascript(self):
        page = self.new_page(java_script_enabled=False)
        self.visit("/thu-tuc/", page=page)
        filters = page.locator("aside.filters")
        filters.get_by_label("Lĩnh vực").select_option(value="G15-TP07")  # Hộ tịch
        filters.get_by_label("Cấp tỉnh").check()
        with page.expect_navigation():
            filters.get_by_role("button", name="Áp dụng bộ lọc").click()
        expect(self.results(page)).to_have_text([EXTRACT])
        chips = page.get_by_role("group", name="Bộ lọc đang áp dụng").locator(".chip")
        expect(chips).to_have_count(2)
        with page.expect_navigation():
            chips.filter(has_text="Lĩnh vực: Hộ tịch").click()
        expect(page).to_have_url(self.url("/thu-tuc/?level=1"))
        expect(chips).to_have_count(1)
        with page.expect_navigation():
            self.results(page).filter(has_text=EXTRACT).click()
        preview = page.locator("#du-kien-ngay-hen")
        preview.get_by_label("Thời điểm nộp hồ sơ").fill("2026-04-20T09:00")
        with page.expect_navigation():
            preview.get_by_role("button", name="Xem ngày hẹn").click()
        # A same-day procedure received Mon 20/04/2026 09:00, before the 15:00 cut-off,
        # is due the same day (NĐ 61 Art 18(2)).
        expect(preview.locator(".due")).to_have_text(re.compile(r"^\d\d:\d\d, .+ 20/04/2026$"))
