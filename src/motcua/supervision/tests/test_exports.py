"""Excel and PDF exports (gh-8 item 6): opened with openpyxl and pypdf and checked."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.test import SimpleTestCase, TestCase, override_settings, tag
from django.urls import reverse

from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.supervision.charts import bar_chart
from motcua.supervision.exports import (
    Format,
    Table,
    display,
    register_table,
    tables_pdf,
    tables_xlsx,
)

from .small_world import (
    MARCH,
    OWNER_NAME,
    SmallWorld,
    build,
    demo_supervisor,
    freeze_world,
    vn,
)

TABLE = Table(
    title="Kết quả giải quyết",
    subtitle="Quý 1 năm 2026",
    headers=["Đơn vị", "Tiếp nhận", "Tỷ lệ đúng hạn", "Điểm", "Thời điểm"],
    rows=[
        ["Ủy ban nhân dân xã A", 1234, Decimal("0.75"), Decimal("15.5"), vn(2026, 3, 5, 10)],
        ["Sở P", 6, None, Decimal(2), None],
    ],
    totals=["Tổng cộng", 1240, Decimal("0.7"), Decimal("17.5"), None],
    formats=[Format.TEXT, Format.INTEGER, Format.PERCENT, Format.DECIMAL, Format.DATETIME],
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@tag("gh-8")
class TableExportTests(SimpleTestCase):
    def test_excel_has_headers_formats_and_a_bold_totals_row(self) -> None:
        book = load_workbook(io.BytesIO(tables_xlsx([TABLE, TABLE])))
        self.assertEqual(len(book.sheetnames), 2)  # same title: still two distinct sheets
        sheet = book.worksheets[0]
        self.assertEqual(sheet["A1"].value, "Kết quả giải quyết")
        self.assertEqual(sheet["A2"].value, "Quý 1 năm 2026")
        self.assertEqual(
            [c.value for c in sheet[3]],
            ["Đơn vị", "Tiếp nhận", "Tỷ lệ đúng hạn", "Điểm", "Thời điểm"],
        )
        self.assertEqual(sheet["B4"].value, 1234)
        self.assertEqual(sheet["B4"].number_format, "#,##0")
        self.assertEqual(sheet["C4"].number_format, "0.0%")
        self.assertEqual(sheet["C4"].value, 0.75)
        # Huế wall-clock time, no time zone (Excel has none).
        self.assertEqual(sheet["E4"].value, dt.datetime(2026, 3, 5, 10, 0))
        self.assertIsNone(sheet["C5"].value)
        self.assertEqual([c.value for c in sheet[6]][:4], ["Tổng cộng", 1240, 0.7, 17.5])
        self.assertTrue(sheet["A6"].font.b)
        self.assertTrue(sheet["A3"].font.b)
        self.assertEqual(sheet.freeze_panes, "A4")

    def test_pdf_renders_the_table(self) -> None:
        pdf = tables_pdf([TABLE], title="Báo cáo", issuer="Huế")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = _text(pdf)
        for expected in (
            "Kết quả giải quyết",
            "Ủy ban nhân dân xã A",
            "1.234",
            "75,0 %",
            "Tổng cộng",
        ):
            self.assertIn(expected.upper(), text.upper())

    def test_bar_chart_is_labelled_escaped_and_has_its_table(self) -> None:
        long = "Văn phòng Ủy ban nhân dân xã <A> rất dài tên"
        chart = bar_chart(
            "thu", "Tỷ lệ hài lòng", [(long, Decimal("0.5")), ("Sở P", None)],
            value_header="Tỷ lệ", fmt=Format.PERCENT,
        )  # fmt: skip
        svg = str(chart.svg)
        self.assertIn('role="img" aria-labelledby="thu-t thu-d"', svg)
        self.assertIn('<title id="thu-t">Tỷ lệ hài lòng</title>', svg)
        self.assertNotIn("<A>", svg)  # escaped
        self.assertIn("Văn phòng Ủy ban nhân dân…", svg)  # cut beside the bar
        self.assertIn("Văn phòng Ủy ban nhân dân xã &lt;A&gt; rất dài tên: 50,0 %", svg)  # desc
        self.assertIn("Sở P: chưa có", svg)
        self.assertEqual(chart.table.rows, [[long, Decimal("0.5")], ["Sở P", None]])

    def test_vietnamese_number_display(self) -> None:
        self.assertEqual(display(1234567, Format.INTEGER), "1.234.567")
        self.assertEqual(display(Decimal("38.50"), Format.DECIMAL), "38,5")
        self.assertEqual(display(Decimal("0.6667"), Format.PERCENT), "66,7 %")
        self.assertEqual(display(None, Format.PERCENT), "")


@tag("gh-8")
@override_settings(MOTCUA_DEMO=True)
class ReportExportTests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()
        cls.supervisor = demo_supervisor(cls.w.commune)

    def setUp(self) -> None:
        freeze_world(self)
        self.client.force_login(self.supervisor)

    def get(self, name: str, **params: str):  # type: ignore[no-untyped-def]
        return self.client.get(reverse(name), {"nam": "2026", **params})

    def test_register_excel_is_form_07(self) -> None:
        table = register_table(agency=self.w.commune, period=MARCH)
        # d1, d2, d3, d4 received in March by xã A (d5 in February; d6 at sở P).
        self.assertEqual(len(table.rows), 4)
        response = self.get(
            "supervision:reports", ky="quy", quy="1", **{"bao-cao": "so-theo-doi", "xuat": "xlsx"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("so-theo-doi-ho-so-2026-Q1.xlsx", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        self.assertEqual(sheet["A1"].value, "Sổ theo dõi hồ sơ (Mẫu 07)")
        self.assertEqual(sheet["B3"].value, "Mã hồ sơ")
        # Q1: d1–d4 and d5 (received 25/02).
        codes = {sheet.cell(row=r, column=2).value for r in range(4, 9)}
        self.assertEqual(codes, {self.w.d[k].code for k in ("d1", "d2", "d3", "d4", "d5")})
        self.assertEqual(sheet["C9"].value, "Tổng cộng")
        self.assertEqual(sheet["D9"].value, 5)
        # The register is the one-stop's own book: it names the applicants (Mẫu 07).
        self.assertEqual(sheet["E4"].value, OWNER_NAME)

    def test_register_pdf(self) -> None:
        response = self.get(
            "supervision:reports", ky="quy", quy="1", **{"bao-cao": "so-theo-doi", "xuat": "pdf"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_quarterly_report_excel_totals(self) -> None:
        response = self.get("supervision:reports", ky="quy", quy="1", xuat="xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        headers = [c.value for c in sheet[3]]
        self.assertEqual(headers[:3], ["Đơn vị", "Tiếp nhận", "Trực tiếp"])
        row = {h: c.value for h, c in zip(headers, sheet[4], strict=True)}
        # xã A in Q1: received d1–d5 (d5 on 25/02); finished d1 d2 d3 d5; d4 running, overdue.
        self.assertEqual(row["Đơn vị"], "Ủy ban nhân dân xã A")
        self.assertEqual(row["Tiếp nhận"], 5)
        self.assertEqual((row["Trực tiếp"], row["Trực tuyến"]), (2, 3))
        self.assertEqual(row["Đã giải quyết"], 4)
        self.assertEqual((row["Trước hạn"], row["Đúng hạn"], row["Quá hạn"]), (2, 1, 1))
        self.assertEqual(row["Đang giải quyết quá hạn"], 1)
        self.assertEqual(row["Tỷ lệ đúng hạn"], 0.75)
        total = {h: c.value for h, c in zip(headers, sheet[5], strict=True)}
        self.assertEqual(total["Đơn vị"], "Tổng cộng")
        self.assertEqual(total["Tiếp nhận"], 5)
        self.assertTrue(sheet["A5"].font.b)

    def test_index_pages_export(self) -> None:
        for name in ("supervision:index-766", "supervision:index-circular", "supervision:lateness"):
            for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
                with self.subTest(name=name, fmt=fmt):
                    response = self.get(name, ky="quy", quy="1", xuat=fmt)
                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(response.content.startswith(magic))

    def test_766_excel_keeps_not_computable_apart_from_zero(self) -> None:
        response = self.get("supervision:index-766", ky="thang", thang="3", xuat="xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = {str(r[0].value).strip(): r for r in sheet.iter_rows(min_row=4)}
        sync = rows["Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia"]
        self.assertIsNone(sync[4].value)  # no points, not 0
        self.assertIn("Chưa tính được", sync[6].value)
        progress = rows["Hồ sơ giải quyết trước hạn, đúng hạn"]
        self.assertEqual([c.value for c in progress[1:5]], [3, 4, 0.75, 15])
        self.assertEqual(rows["Tổng điểm"][4].value, 38.5)

    def test_reports_page_has_charts_with_tables(self) -> None:
        response = self.get("supervision:reports", ky="quy", quy="1")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count('<svg class="chart" role="img"'), 4)
        self.assertEqual(html.count("Bảng số liệu của biểu đồ"), 4)
        self.assertIn("Tỷ lệ giải quyết đúng hạn theo tháng", html)
