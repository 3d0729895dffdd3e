"""Supervision reports in Chromium (gh-8 items 3–7): a supervisor downloads the quarterly
report as Excel from the reports page and the file is opened and checked; the indices, late
work, reports and public pages are axe-clean, on a desktop and at 360 px.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.test import Client, override_settings, tag

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from motcua.core.testing.browser import BrowserTestCase

from .small_world import build, demo_supervisor

Q1 = "ky=quy&nam=2026&quy=1"


@tag("gh-8")
@override_settings(MOTCUA_DEMO=True)
class ReportsBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w = build()
        self.supervisor = demo_supervisor(self.w.commune)

    def signed_in(self, *, width: int = 1280) -> Page:
        """A page whose context carries the supervisor's session (signed in by the test client)."""
        client = Client()
        client.force_login(self.supervisor)
        page = self.new_page(width=width, height=800)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        return page

    def test_download_the_quarterly_report_as_excel(self) -> None:
        page = self.signed_in()
        self.visit(f"/giam-sat/bao-cao/?{Q1}", page=page)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Báo cáo kiểm soát thủ tục hành chính"
        )
        section = page.locator("section", has=page.locator("#sv-quarterly"))
        with page.expect_download() as info:
            section.get_by_role("link", name="Tải Excel").click()
        download = info.value
        self.assertTrue(download.suggested_filename.endswith("2026-Q1.xlsx"))
        sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
        assert sheet is not None
        self.assertEqual(
            sheet["A1"].value,
            "Báo cáo tình hình, kết quả thực hiện cơ chế một cửa, một cửa liên thông",
        )
        headers = [c.value for c in sheet[3]]
        self.assertEqual(headers[:2], ["Đơn vị", "Tiếp nhận"])
        self.assertEqual(sheet["A4"].value, "Ủy ban nhân dân xã A")
        self.assertEqual(sheet["B4"].value, 5)
        self.assertEqual((sheet["A5"].value, sheet["B5"].value), ("Tổng cộng", 5))
        # The register (Mẫu 07) from its own form.
        with page.expect_download() as info:
            page.get_by_role("button", name="Tải sổ theo dõi").click()
        register = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
        assert register is not None
        self.assertEqual(register["A1"].value, "Sổ theo dõi hồ sơ (Mẫu 07)")
        self.assert_no_console_errors(page)

    def test_pages_are_accessible(self) -> None:
        paths = [
            f"/giam-sat/bao-cao/?{Q1}",
            "/giam-sat/chi-so-766/?ky=thang&nam=2026&thang=3",
            f"/giam-sat/chi-so-tt-01/?{Q1}",
            "/giam-sat/tre-han/?ky=thang&nam=2026&thang=3",
            "/giam-sat/chi-so-766/ho-so/?ky=thang&nam=2026&thang=3&chi-tieu=PROGRESS&phan=tu",
        ]
        for width in (1280, 360):
            page = self.signed_in(width=width)
            for path in paths:
                with self.subTest(path=path, width=width):
                    self.visit(path, page=page)
                    self.assert_accessible(page)
                    self.assert_no_console_errors(page)
                    self.assert_no_horizontal_scroll(page)
            page.close()
        # The public page, signed out.
        for width in (1280, 360):
            page = self.new_page(width=width, height=800)
            self.visit("/giam-sat/cong-khai/?nam=2026&thang=3", page=page)
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Công khai kết quả giải quyết thủ tục hành chính"
            )
            self.assert_accessible(page)
            self.assert_no_console_errors(page)
            self.assert_no_horizontal_scroll(page)
            page.close()

    def test_chart_has_its_table(self) -> None:
        page = self.signed_in()
        self.visit(f"/giam-sat/bao-cao/?{Q1}", page=page)
        chart = page.get_by_role("img", name="Hồ sơ tiếp nhận theo kênh")
        expect(chart).to_be_visible()
        figure = page.locator("figure", has=chart)
        figure.get_by_text("Bảng số liệu của biểu đồ").click()
        expect(figure.get_by_role("row", name="Trực tuyến 3")).to_be_visible()
