"""Excel and PDF exports of supervision tables (gh-8 item 6).

One generic exporter: a :class:`Table` is a title, Vietnamese headers, rows,
optional column formats and an optional totals row. :func:`tables_xlsx`
writes any number of them to an Excel workbook (openpyxl; one sheet each,
bold headers, number formats, a bold totals row, frozen header) and
:func:`tables_pdf` prints them as the official forms are printed
(WeasyPrint, the forms' stylesheet, A4 landscape). The dashboard, the
indices, the lateness page, the register (Mẫu 07) and the quarterly report
all export through here.

Every page downloads the same way: ``xuat=xlsx`` or ``xuat=pdf`` in its query
(:func:`export_kind`; any other value shows the page), then::

    table = Table(title=..., headers=[...], rows=[[...], ...], totals=[...],
                  formats=[Format.TEXT, Format.INTEGER, ..., Format.PERCENT])
    return download(export, [table], stem="thong-ke", period=period, title=..., issuer=...)

A ratio column (``Format.PERCENT``) holds the ratio 0..1, not the percentage.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from motcua.calendars.workingtime import VN_TZ
from motcua.dossiers.forms_official import html_to_pdf, register_context, short_instant
from motcua.organisations.models import Agency

from .periods import Period

Cell = str | Promise | int | Decimal | float | dt.datetime | dt.date | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_STYLESHEET = "dossiers/forms.css"


class Format(StrEnum):
    """How a column's numbers are shown (Excel number format; the PDF mirrors it)."""

    TEXT = "text"
    INTEGER = "integer"  # 1.234
    DECIMAL = "decimal"  # 1.234,5
    PERCENT = "percent"  # a ratio 0..1 shown as 75,0 %
    DATETIME = "datetime"
    DATE = "date"  # 05/03/2026


NUMBER_FORMATS = {
    Format.INTEGER: "#,##0",
    Format.DECIMAL: "#,##0.0#",
    Format.PERCENT: "0.0%",
    Format.DATETIME: "dd/mm/yyyy hh:mm",
    Format.DATE: "dd/mm/yyyy",
}


@dataclass(frozen=True)
class Table:
    title: str | Promise
    headers: Sequence[str | Promise]
    rows: Sequence[Sequence[Cell]]
    totals: Sequence[Cell] | None = None
    formats: Sequence[Format] | None = None  # per column; guessed from the values when None
    subtitle: str | Promise = ""
    notes: Sequence[str | Promise] = field(default_factory=tuple)

    def format_of(self, column: int, value: Cell) -> Format:
        if self.formats is not None and column < len(self.formats):
            return self.formats[column]
        if isinstance(value, bool) or value is None:
            return Format.TEXT
        if isinstance(value, int):
            return Format.INTEGER
        if isinstance(value, Decimal | float):
            return Format.DECIMAL
        if isinstance(value, dt.datetime):
            return Format.DATETIME
        return Format.TEXT


def _excel_value(value: Cell) -> Any:
    if value is None:
        return None
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write Huế wall-clock time.
        return timezone.localtime(value, VN_TZ).replace(tzinfo=None)
    return value


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", " ", title)[:28].strip() or "Bang"
    name, n = base, 2
    while name in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name)
    return name


HEADER_FILL = PatternFill("solid", fgColor="F3E3E3")


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """An Excel workbook with one sheet per table: title, subtitle, headers, rows, totals."""
    book = Workbook()
    used: set[str] = set()
    first = True
    for table in tables:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = _sheet_name(str(table.title), used)
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([str(table.subtitle)] if table.subtitle else [])
        sheet.append([str(h) for h in table.headers])
        header_row = 3
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [max(10, min(50, len(str(h)) + 2)) for h in table.headers]
        body = list(table.rows)
        if table.totals is not None:
            body.append(table.totals)
        for i, row in enumerate(body):
            sheet.append([_excel_value(v) for v in row])
            excel_row = sheet.max_row
            is_total = table.totals is not None and i == len(body) - 1
            for column, value in enumerate(row):
                cell = sheet.cell(row=excel_row, column=column + 1)
                fmt = table.format_of(column, value)
                if fmt in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[fmt]
                if is_total:
                    cell.font = Font(bold=True)
                if column < len(widths):
                    widths[column] = max(widths[column], min(60, len(str(value or "")) + 2))
        for note in table.notes:
            sheet.append([str(note)])
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def display(value: Cell, fmt: Format) -> str:
    """A cell as Vietnamese text: 1.234 / 1.234,5 / 75,0 % / 05/03/2026 10:00."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return short_instant(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return str(value)
    if fmt == Format.PERCENT:
        text = f"{Decimal(str(value)) * 100:,.1f} %"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{Decimal(str(value)):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _printable(table: Table) -> dict[str, Any]:
    def cells(row: Sequence[Cell]) -> list[dict[str, Any]]:
        out = []
        for column, value in enumerate(row):
            fmt = table.format_of(column, value)
            numeric = fmt in (Format.INTEGER, Format.DECIMAL, Format.PERCENT)
            out.append({"text": display(value, fmt), "num": numeric})
        return out

    return {
        "title": table.title,
        "subtitle": table.subtitle,
        "headers": table.headers,
        "rows": [cells(r) for r in table.rows],
        "totals": cells(table.totals) if table.totals is not None else None,
        "notes": table.notes,
    }


def tables_html(tables: Sequence[Table], *, title: str | Promise, issuer: str = "") -> str:
    return render_to_string(
        "supervision/export_tables.html",
        {
            "title": title,
            "issuer": issuer,
            "tables": [_printable(t) for t in tables],
            "printed": short_instant(timezone.now()),
            "for_pdf": True,
        },
    )


def tables_pdf(tables: Sequence[Table], *, title: str | Promise, issuer: str = "") -> bytes:
    """The tables as an A4 landscape PDF, printed like the official forms."""
    return html_to_pdf(tables_html(tables, title=title, issuer=issuer), stylesheet=PDF_STYLESHEET)


class HasSpan(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


def file_name(stem: str, period: HasSpan, extension: str) -> str:
    """``<stem>-<period>.<extension>``, e.g. ``bao-cao-mot-cua-2026-Q1.xlsx``.

    ``period`` is a :class:`Period` or anything with ``start`` and ``end`` dates
    (the dashboard's own period), named as a custom span.
    """
    span = period if isinstance(period, Period) else Period(period.start, period.end)
    return f"{slugify(stem) or 'bao-cao'}-{span.slug}.{extension}"


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def pdf_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


EXPORT_PARAM = "xuat"


def export_kind(query: QueryDict) -> str:
    """``xlsx``, ``pdf`` or "" (the page): any other value of ``xuat`` is ignored."""
    value = query.get(EXPORT_PARAM, "")
    return value if value in ("xlsx", "pdf") else ""


def query_without_export(request: HttpRequest) -> str:
    """The page's query string without ``xuat``, for its download links."""
    query = request.GET.copy()
    query.pop(EXPORT_PARAM, None)
    return query.urlencode()


def download(
    export: str,
    tables: Sequence[Table],
    *,
    stem: str,
    period: HasSpan,
    title: str | Promise,
    issuer: str = "",
) -> HttpResponse:
    """``tables`` as an ``xlsx`` or ``pdf`` download named after ``stem`` and ``period``."""
    if export == "xlsx":
        return xlsx_response(tables_xlsx(tables), file_name(stem, period, "xlsx"))
    return pdf_response(
        tables_pdf(tables, title=title, issuer=issuer), file_name(stem, period, "pdf")
    )


# --- Mẫu 07 as a table -----------------------------------------------------------------------

REGISTER_COLUMNS = (
    ("no", Format.INTEGER),
    ("code", Format.TEXT),
    ("procedure", Format.TEXT),
    ("sets", Format.INTEGER),
    ("owner", Format.TEXT),
    ("contact", Format.TEXT),
    ("competent", Format.TEXT),
    ("received", Format.TEXT),
    ("due", Format.TEXT),
    ("transferred", Format.TEXT),
    ("finished", Format.TEXT),
    ("returned", Format.TEXT),
    ("notes", Format.TEXT),
)


def register_table(*, agency: Agency, period: Period) -> Table:
    """Mẫu 07 (Sổ theo dõi hồ sơ) of ``agency`` for ``period``, the rows of its printed form."""
    ctx = register_context(agency=agency, start=period.start, end=period.end)
    headers = [
        _("TT"),
        _("Mã hồ sơ"),
        _("Tên thủ tục hành chính"),
        _("Số lượng hồ sơ (bộ)"),
        _("Tên cá nhân, tổ chức"),
        _("Địa chỉ, số điện thoại"),
        _("Cơ quan chủ trì giải quyết"),
        _("Nhận hồ sơ"),
        _("Hẹn trả kết quả"),
        _("Chuyển hồ sơ đến cơ quan giải quyết"),
        _("Nhận kết quả từ cơ quan giải quyết"),
        _("Trả kết quả cho cá nhân, tổ chức"),
        _("Ghi chú"),
    ]
    rows = [[r[key] for key, _fmt in REGISTER_COLUMNS] for r in ctx["rows"]]
    totals: list[Cell] = [None] * len(REGISTER_COLUMNS)
    totals[2] = _("Tổng cộng")
    totals[3] = sum(r["sets"] for r in ctx["rows"])
    return Table(
        title=_("Sổ theo dõi hồ sơ (Mẫu 07)"),
        subtitle=f"{agency.display_name} – {ctx['period']}",
        headers=headers,
        rows=rows,
        totals=totals,
        formats=[fmt for _key, fmt in REGISTER_COLUMNS],
    )
