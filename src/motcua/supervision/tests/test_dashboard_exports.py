"""Excel and PDF downloads of the supervision dashboard and its lists (gh-8 item 6).

The downloaded workbook is opened with openpyxl and every number is compared
with the selector's figure and with the text of the page's cell; the PDF is
read back with pypdf. Same generated histories and frozen clock as
``test_dashboard``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from django.db import connection
from django.test import tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.supervision.aggregates import stats_rebuild
from motcua.supervision.exports import Format, display
from motcua.supervision.selectors import Period, Scope, Table, dashboard_table
from motcua.supervision.views import ROW_HEADINGS, _columns

from .test_dashboard import H2_2025, YEAR_2025, DashboardCase, _generate

URL = reverse("supervision:dashboard")
LIST_URL = reverse("supervision:dossier_list")
YEAR_2025_SCOPE = Scope(period=Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
SHEETS = ["received", "processing", "satisfaction"]
SHEET_TITLES = ["Tiếp nhận hồ sơ", "Giải quyết hồ sơ", "Mức độ hài lòng"]
NUMBER_FORMATS = {"count": "#,##0", "pct": "0.0%", "days": "#,##0.0#"}


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@tag("gh-8")
class DashboardExportTests(DashboardCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.org.supervisor)

    def fetch(self, params: dict[str, str], url: str = URL, user: User | None = None) -> Any:
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url + "?" + urlencode(params))

    def workbook_of(self, params: dict[str, str], url: str = URL) -> list[Worksheet]:
        response = self.fetch({**params, "xuat": "xlsx"}, url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("attachment;", response["Content-Disposition"])
        return list(load_workbook(io.BytesIO(response.content)).worksheets)

    # --- the check of one downloaded table against the selector and the page ---------------

    def assert_cell(self, excel: Any, value: int | float | None, kind: str, shown: str) -> None:
        """One Excel cell: the selector's figure, rounded as the page shows it, formatted."""
        if value is None:
            self.assertEqual(excel.value, "–")
            self.assertEqual(shown, "–")
            return
        self.assertEqual(excel.number_format, NUMBER_FORMATS[kind])
        if kind == "count":
            self.assertEqual(excel.value, value)
            self.assertEqual(display(excel.value, Format.INTEGER), shown)
        elif kind == "pct":
            # The selector's rate is 0..100; Excel holds the ratio the page shows, to 0,1 %.
            self.assertAlmostEqual(excel.value, round(value, 1) / 100, places=9)
            self.assertEqual(display(excel.value, Format.PERCENT), shown)
        else:
            self.assertAlmostEqual(excel.value, round(value, 1), places=9)
            self.assertEqual(f"{excel.value:.1f}".replace(".", ","), shown)

    def assert_workbook_is_the_page(self, params: dict[str, str], table: Table) -> int:
        """Every sheet equals the page's section and the selector's ``table``; returns cells."""
        page = self.fetch(params)
        self.assertEqual(page.status_code, 200)
        sections = page.context["sections"]
        sheets = self.workbook_of(params)
        self.assertEqual([s.title for s in sheets], SHEET_TITLES)
        columns = _columns()
        checked = 0
        for key, sheet, section in zip(SHEETS, sheets, sections, strict=True):
            cols = columns[key]
            self.assertEqual(sheet["A1"].value, section["title"])
            self.assertIn("01/01/2025", sheet["A2"].value)
            headers = [c.value for c in sheet[3]]
            self.assertEqual(headers, [str(ROW_HEADINGS[table.level]), *[c.label for c in cols]])
            body = list(sheet.iter_rows(min_row=4, max_row=3 + len(table.rows)))
            self.assertEqual(len(body), len(table.rows))
            for row, line, excel in zip(table.rows, section["rows"], body, strict=True):
                self.assertTrue(str(excel[0].value).startswith(row.label), excel[0].value)
                self.assertEqual(line["label"], row.label)
                for j, column in enumerate(cols):
                    shown = line["cells"][j].text
                    self.assert_cell(excel[j + 1], column.value(row.figures), column.kind, shown)
                    checked += 1
            totals = sheet[4 + len(table.rows)]
            self.assertEqual(totals[0].value, "Tổng cộng")
            self.assertTrue(totals[0].font.b)
            for j, column in enumerate(cols):
                shown = section["total"]["cells"][j].text
                self.assert_cell(totals[j + 1], column.value(table.total), column.kind, shown)
                checked += 1
        return checked

    # --- province and agency levels ----------------------------------------------------------

    def test_province_excel_equals_the_selector_and_the_page(self) -> None:
        table = dashboard_table(user=self.org.supervisor, scope=YEAR_2025_SCOPE)
        self.assertEqual(table.rows[0].kind, "unit")
        self.assertGreater(table.total.received, 20)
        checked = self.assert_workbook_is_the_page(YEAR_2025, table)
        self.assertGreater(checked, 100)

    def test_agency_excel_equals_the_selector_and_the_page(self) -> None:
        centre = self.org.centre.pk
        table = dashboard_table(
            user=self.org.supervisor,
            scope=Scope(period=YEAR_2025_SCOPE.period, agency=centre),
        )
        self.assertEqual(table.rows[0].kind, "field")
        self.assertGreater(table.total.finished, 0)
        self.assert_workbook_is_the_page({**YEAR_2025, "co-quan": str(centre)}, table)

    def test_every_drill_down_level_downloads_what_it_shows(self) -> None:
        org = self.org
        agency, field = str(org.centre.pk), str(org.versions[0].field_id)
        procedure = str(org.versions[0].procedure_id)
        for params in (
            {"don-vi": str(org.n.pk)},
            {"co-quan": agency, "linh-vuc": field},
            {"co-quan": agency, "linh-vuc": field, "thu-tuc": procedure},
        ):
            with self.subTest(params=params):
                page = self.fetch({**YEAR_2025, **params})
                self.assert_workbook_is_the_page({**YEAR_2025, **params}, page.context["table"])

    def test_percentages_and_days_have_number_formats(self) -> None:
        sheets = self.workbook_of(YEAR_2025)
        processing = sheets[1]
        headers = [c.value for c in processing[3]]
        rate = headers.index("Tỷ lệ đúng hạn") + 1
        average = headers.index("Thời gian trung bình (ngày)") + 1
        total_row = processing.max_row - 1  # the one note (structure) follows the totals
        self.assertEqual(processing.cell(row=total_row, column=1).value, "Tổng cộng")
        self.assertEqual(processing.cell(row=total_row, column=rate).number_format, "0.0%")
        self.assertIsInstance(processing.cell(row=total_row, column=rate).value, float)
        self.assertLessEqual(processing.cell(row=total_row, column=rate).value, 1)
        self.assertEqual(processing.cell(row=total_row, column=average).number_format, "#,##0.0#")
        self.assertIn("01/07/2025", str(processing.cell(row=total_row + 1, column=1).value))

    def test_the_comparison_columns_are_exported_with_their_period(self) -> None:
        params = {"ky": "tuy-chon", "tu": "2026-01-01", "den": "2026-01-15", "so_sanh": "on"}
        page = self.fetch(params)
        sheets = self.workbook_of(params)
        headers = [c.value for c in sheets[0][3]]
        self.assertEqual(headers[-1], "Tiếp nhận cùng kỳ năm trước (01/01/2025 – 15/01/2025)")
        section = page.context["sections"][0]
        for i, line in enumerate(section["rows"]):
            self.assertEqual(
                sheets[0].cell(row=4 + i, column=len(headers)).value, line["compare"][0].number
            )

    def test_pdf_has_the_title_and_the_tables(self) -> None:
        response = self.fetch({**YEAR_2025, "xuat": "pdf"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("thong-ke-", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(response.content))
        assert reader.metadata is not None
        self.assertEqual(reader.metadata.title, "Thống kê giải quyết thủ tục hành chính")
        text = _pdf_text(response.content).upper()
        for expected in (
            "Thống kê giải quyết thủ tục hành chính",
            "Tiếp nhận hồ sơ",
            "Mức độ hài lòng",
            "Trung tâm PVHCC tỉnh",
            "Tổng cộng",
        ):
            self.assertIn(expected.upper(), text)

    def test_the_page_links_to_its_downloads_and_a_bad_format_is_ignored(self) -> None:
        page = self.fetch(YEAR_2025)
        self.assertContains(page, "xuat=xlsx")
        self.assertContains(page, "xuat=pdf")
        self.assertContains(page, "Tải Excel")
        # As on the report pages: another value of ``xuat`` shows the page.
        other = self.fetch({**YEAR_2025, "xuat": "csv"})
        self.assertEqual(other.status_code, 200)
        self.assertEqual(other["Content-Type"], "text/html; charset=utf-8")
        # Its download links carry the page's query, not the unknown format.
        self.assertContains(other, 'href="?ky=nam&amp;nam=2025&amp;xuat=xlsx"')

    # --- jurisdiction ---------------------------------------------------------------------

    def test_exports_outside_the_jurisdiction_are_refused(self) -> None:
        m = self.org.m_leader
        for fmt in ("xlsx", "pdf"):
            for params in (
                {**H2_2025, "don-vi": str(self.org.n.pk)},
                {**H2_2025, "co-quan": str(self.org.n_centre.pk)},
                {**H2_2025, "don-vi": str(self.org.province.pk)},
            ):
                with self.subTest(fmt=fmt, params=params):
                    response = self.fetch({**params, "xuat": fmt}, user=m)
                    self.assertEqual(response.status_code, 404)
                    listed = self.fetch({**params, "chi-tieu": "tiep-nhan", "xuat": fmt}, LIST_URL)
                    self.assertEqual(listed.status_code, 404)
        # Staff who do not supervise: 403, as on the page.
        for url, extra in ((URL, {}), (LIST_URL, {"chi-tieu": "tiep-nhan"})):
            response = self.fetch(
                {**H2_2025, **extra, "xuat": "xlsx"}, url, user=self.org.specialist
            )
            self.assertEqual(response.status_code, 403)
        # A commune leader downloads their own commune only.
        own = self.fetch({**H2_2025, "xuat": "xlsx"}, user=self.org.n_leader)
        self.assertEqual(own.status_code, 200)
        sheet = load_workbook(io.BytesIO(own.content)).worksheets[0]
        self.assertEqual(sheet["A4"].value, "Trung tâm PVHCC xã Lộc An")
        self.assertEqual(sheet["A5"].value, "Tổng cộng")

    # --- the list behind a number ---------------------------------------------------------

    def test_the_list_excel_has_every_dossier_the_number_counts(self) -> None:
        page = self.fetch(YEAR_2025)
        cell = page.context["sections"][0]["total"]["cells"][0]  # all received
        self.assertGreater(cell.number, 0)
        listed = self.client.get(cell.url)
        self.assertContains(listed, "xuat=xlsx")
        response = self.client.get(cell.url + "&xuat=xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("ho-so-tiep-nhan-", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertEqual(sheet["A1"].value, "Hồ sơ tiếp nhận")
        self.assertEqual(
            [c.value for c in sheet[3]],
            ["Mã hồ sơ", "Thủ tục", "Cơ quan giải quyết", "Ngày", "Cán bộ", "Kênh nộp"],
        )
        rows = list(sheet.iter_rows(min_row=4, max_row=3 + cell.number, values_only=True))
        self.assertEqual(len(rows), cell.number)
        page_codes = [f.dossier.code for f in listed.context["page"].object_list]
        self.assertEqual([r[0] for r in rows[: len(page_codes)]], page_codes)
        self.assertEqual(sheet.cell(row=4, column=4).number_format, "dd/mm/yyyy")
        self.assertIsInstance(sheet.cell(row=4, column=4).value, dt.datetime)
        totals = sheet.cell(row=4 + cell.number, column=1).value
        self.assertEqual(totals, f"Tổng cộng: {cell.text} hồ sơ")

    def test_the_snapshot_list_and_the_pdf(self) -> None:
        page = self.fetch({"ky": "nam", "nam": "2026"})
        cell = page.context["sections"][1]["total"]["cells"][0]  # in process, on time, now
        self.assertGreaterEqual(cell.number, 1)
        sheet = load_workbook(
            io.BytesIO(self.client.get(cell.url + "&xuat=xlsx").content)
        ).worksheets[0]
        self.assertEqual([c.value for c in sheet[3]][3:], ["Cán bộ đang xử lý", "Hẹn trả"])
        self.assertEqual(sheet.cell(row=4, column=5).number_format, "dd/mm/yyyy hh:mm")
        self.assertEqual(
            sheet.cell(row=4 + cell.number, column=1).value, f"Tổng cộng: {cell.number} hồ sơ"
        )
        response = self.client.get(cell.url + "&xuat=pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertIn("HỒ SƠ ĐANG GIẢI QUYẾT TRONG HẠN", _pdf_text(response.content).upper())

    def test_a_long_list_prints_its_first_dossiers_and_says_so(self) -> None:
        params = {**YEAR_2025, "chi-tieu": "tiep-nhan"}
        count = self.fetch(params, LIST_URL).context["count"]
        with mock.patch("motcua.supervision.views.PDF_LIST_LIMIT", 2):
            response = self.fetch({**params, "xuat": "pdf"}, LIST_URL)
        text = " ".join(_pdf_text(response.content).split())
        self.assertIn(
            f"Bản in chỉ gồm 2 hồ sơ đầu tiên; tải tệp Excel để có đủ {count} hồ sơ", text
        )
        self.assertIn(f"Tổng cộng: {count} hồ sơ", text)

    # --- queries --------------------------------------------------------------------------

    def test_exports_run_a_fixed_number_of_queries(self) -> None:
        org = self.org
        downloads = [
            (URL, {**YEAR_2025, "xuat": "xlsx"}),
            (URL, {**YEAR_2025, "co-quan": str(org.centre.pk), "xuat": "xlsx"}),
            (
                URL,
                {
                    **YEAR_2025,
                    "co-quan": str(org.centre.pk),
                    "linh-vuc": str(org.versions[0].field_id),
                    "thu-tuc": str(org.versions[0].procedure_id),
                    "xuat": "xlsx",
                },
            ),
            (LIST_URL, {**YEAR_2025, "chi-tieu": "tiep-nhan", "xuat": "xlsx"}),
            (LIST_URL, {"ky": "nam", "nam": "2026", "chi-tieu": "dang-trong-han", "xuat": "xlsx"}),
        ]

        def count(url: str, params: dict[str, str]) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.fetch(params, url).status_code, 200)
            return len(queries)

        before = [count(url, params) for url, params in downloads]
        _generate(org)  # twice the dossiers: more rows in every table and list
        stats_rebuild()
        after = [count(url, params) for url, params in downloads]
        self.assertEqual(before, after)
        self.assertLessEqual(max(after), 25)
