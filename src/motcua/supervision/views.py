"""Supervision dashboard for leaders and supervisors (gh-8 items 1–2), under /giam-sat/thong-ke/.

- ``thong-ke/?ky=…&don-vi=…&co-quan=…&linh-vuc=…&thu-tuc=…``: the table of
  one drill-down level (province → district or commune / agency → field →
  procedure → officer), for a period;
- ``thong-ke/ho-so/?…&chi-tieu=…&kenh=…``: the dossiers one number counts,
  read with the same scope (``selectors.cell_facts`` / ``cell_open_dossiers``).

Both take ``xuat=xlsx`` or ``xuat=pdf`` (gh-8 item 6) and then download what
the page shows through :mod:`motcua.supervision.exports`: the dashboard's
three tables built from the very cells the page renders, the list in full.
Any other ``xuat`` value is ignored, as on the report pages.

Views parse the query string, call one selector, and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.accounts.models import User
from motcua.dossiers.constants import Channel
from motcua.procedures.models import ProcedureField, ProcedureVersion
from motcua.workspace.views import staff_required

from . import exports, periods
from .exports import Format
from .selectors import (
    Figures,
    Level,
    ListKind,
    Period,
    Row,
    Scope,
    Table,
    cell_facts,
    cell_open_dossiers,
    dashboard_table,
    structure_for,
)

PAGE_SIZE = 50

# --- the period form ------------------------------------------------------------------------


class PeriodKind:
    DAY = "ngay"
    MONTH = "thang"
    QUARTER = "quy"
    YEAR = "nam"
    CUSTOM = "tuy-chon"


PERIOD_CHOICES = [
    (PeriodKind.DAY, gettext_lazy("Ngày")),
    (PeriodKind.MONTH, gettext_lazy("Tháng")),
    (PeriodKind.QUARTER, gettext_lazy("Quý")),
    (PeriodKind.YEAR, gettext_lazy("Năm")),
    (PeriodKind.CUSTOM, gettext_lazy("Tùy chọn")),
]


class PeriodForm(forms.Form):
    """The period of the dashboard; every field has a default, so an empty query is valid."""

    ky = forms.ChoiceField(
        label=gettext_lazy("Kỳ thống kê"), choices=PERIOD_CHOICES, required=False
    )
    nam = forms.IntegerField(
        label=gettext_lazy("Năm"),
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={
            "invalid": gettext_lazy("Năm phải là số, ví dụ 2026."),
            "min_value": gettext_lazy("Năm phải từ 2000 trở đi."),
            "max_value": gettext_lazy("Năm phải trước 2100."),
        },
    )
    quy = forms.TypedChoiceField(
        label=gettext_lazy("Quý"),
        choices=[(q, q) for q in range(1, 5)],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Quý phải là 1, 2, 3 hoặc 4.")},
    )
    thang = forms.TypedChoiceField(
        label=gettext_lazy("Tháng"),
        choices=[(m, m) for m in range(1, 13)],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Tháng phải từ 1 đến 12.")},
    )
    ngay = forms.DateField(
        label=gettext_lazy("Ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (dạng năm-tháng-ngày).")},
    )
    tu = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Ngày bắt đầu không hợp lệ.")},
    )
    den = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Ngày kết thúc không hợp lệ.")},
    )
    so_sanh = forms.BooleanField(
        label=gettext_lazy("So sánh với cùng kỳ năm trước"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        kind = data.get("ky") or PeriodKind.YEAR
        year = data.get("nam") or today.year
        if kind == PeriodKind.DAY:
            day = data.get("ngay") or today
            start, end = day, day
        elif kind == PeriodKind.MONTH:
            span = periods.Period.month(year, data.get("thang") or today.month)
            start, end = span.start, span.end
        elif kind == PeriodKind.QUARTER:
            span = periods.Period.quarter(year, data.get("quy") or (today.month - 1) // 3 + 1)
            start, end = span.start, span.end
        elif kind == PeriodKind.CUSTOM:
            start, end = data.get("tu"), data.get("den")
            if start is None:
                self.add_error("tu", _("Hãy chọn ngày bắt đầu của kỳ tùy chọn."))
            if end is None:
                self.add_error("den", _("Hãy chọn ngày kết thúc của kỳ tùy chọn."))
            if start is None or end is None:
                return data
            if end < start:
                self.add_error("den", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
                return data
            if (end - start).days > 366 * 5:
                self.add_error("den", _("Kỳ tùy chọn dài tối đa 5 năm."))
                return data
        else:
            span = periods.Period.year(year)
            start, end = span.start, span.end
        data["period"] = Period(start, end)
        return data


# --- scope parameters -------------------------------------------------------------------------

SCOPE_PARAMS = (
    ("don-vi", "unit"),
    ("co-quan", "agency"),
    ("linh-vuc", "field"),
    ("thu-tuc", "procedure"),
    ("can-bo", "officer"),
)
PERIOD_PARAMS = ("ky", "nam", "quy", "thang", "ngay", "tu", "den")


def _int_param(query: QueryDict, name: str) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError as error:
        raise Http404(_("Tham số không hợp lệ.")) from error
    if value < 0:
        raise Http404(_("Tham số không hợp lệ."))
    return value


def _scope(query: QueryDict, period: Period) -> Scope:
    values = {attr: _int_param(query, name) for name, attr in SCOPE_PARAMS}
    # The drill-down is a path: a field needs its agency, a procedure its field, …
    for child, parent in (("field", "agency"), ("procedure", "field"), ("officer", "procedure")):
        if values[child] is not None and values[parent] is None:
            raise Http404(_("Tham số không hợp lệ."))
    structure_day = None
    raw = query.get("cau-truc")
    if raw:
        try:
            structure_day = dt.date.fromisoformat(raw)
        except ValueError as error:
            raise Http404(_("Tham số không hợp lệ.")) from error
    return Scope(period=period, structure_day=structure_day, **values)


def _scope_query(scope: Scope) -> dict[str, str]:
    out = {
        "ky": PeriodKind.CUSTOM,
        "tu": scope.period.start.isoformat(),
        "den": scope.period.end.isoformat(),
    }
    for name, attr in SCOPE_PARAMS:
        value = getattr(scope, attr)
        if value is not None:
            out[name] = str(value)
    if scope.structure_day is not None:
        out["cau-truc"] = scope.structure_day.isoformat()
    return out


def _dashboard_url(scope: Scope, **extra: str) -> str:
    return reverse("supervision:dashboard") + "?" + urlencode({**_scope_query(scope), **extra})


def _list_url(scope: Scope, kind: ListKind, channel: int | None = None) -> str:
    query = {**_scope_query(scope), "chi-tieu": kind.value}
    if channel is not None:
        query["kenh"] = str(channel)
    return reverse("supervision:dossier_list") + "?" + urlencode(query)


# --- the columns of the three tables ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Figures], int | float | None]
    kind: str = "count"  # count | pct | days
    list_kind: ListKind | None = None
    channel: int | None = None


def _channel_count(channel: int) -> Callable[[Figures], int]:
    return lambda f: f.by_channel.get(channel, 0)


def _columns() -> dict[str, list[Column]]:
    c = Channel
    return {
        "received": [
            Column(_("Tổng số tiếp nhận"), lambda f: f.received, list_kind=ListKind.RECEIVED),
            *[
                Column(str(ch.label), _channel_count(ch), list_kind=ListKind.RECEIVED, channel=ch)
                for ch in (c.COUNTER, c.ONLINE, c.POSTAL, c.NATIONAL_PORTAL)
            ],
            Column(_("Tỷ lệ trực tuyến"), lambda f: f.online_share, "pct"),
            Column(
                _("Trực tuyến toàn trình"),
                lambda f: f.counters["received_full_online"],
                list_kind=ListKind.FULL_ONLINE,
            ),
            Column(_("Tỷ lệ toàn trình"), lambda f: f.full_online_share, "pct"),
            Column(
                _("Từ chối tiếp nhận"), lambda f: f.counters["refused"], list_kind=ListKind.REFUSED
            ),
        ],
        "processing": [
            Column(
                _("Đang giải quyết trong hạn"),
                lambda f: f.open_on_time,
                list_kind=ListKind.OPEN_ON_TIME,
            ),
            Column(
                _("Đang giải quyết quá hạn"), lambda f: f.open_late, list_kind=ListKind.OPEN_LATE
            ),
            Column(
                _("Giải quyết trước hạn"),
                lambda f: f.counters["finished_early"],
                list_kind=ListKind.EARLY,
            ),
            Column(
                _("Giải quyết đúng hạn"),
                lambda f: f.counters["finished_on_time"],
                list_kind=ListKind.ON_TIME,
            ),
            Column(
                _("Giải quyết quá hạn"),
                lambda f: f.counters["finished_late"],
                list_kind=ListKind.LATE,
            ),
            Column(_("Tổng đã giải quyết"), lambda f: f.finished, list_kind=ListKind.FINISHED),
            Column(_("Tỷ lệ đúng hạn"), lambda f: f.on_time_rate, "pct"),
            Column(_("Tạm dừng"), lambda f: f.counters["paused"], list_kind=ListKind.PAUSED),
            Column(_("Rút hồ sơ"), lambda f: f.counters["withdrawn"], list_kind=ListKind.WITHDRAWN),
            Column(_("Dừng xử lý"), lambda f: f.counters["stopped"], list_kind=ListKind.STOPPED),
            Column(
                _("Đã trả kết quả"), lambda f: f.counters["returned"], list_kind=ListKind.RETURNED
            ),
            Column(_("Thời gian trung bình (ngày)"), lambda f: f.average_days, "days"),
            Column(_("Trung vị (ngày)"), lambda f: f.median_days, "days"),
        ],
        "satisfaction": [
            Column(_("Số lượt đánh giá"), lambda f: f.rated),
            Column(_("Rất hài lòng"), lambda f: f.counters["rated_very_satisfied"]),
            Column(_("Hài lòng"), lambda f: f.counters["rated_satisfied"]),
            Column(_("Không hài lòng"), lambda f: f.counters["rated_not_satisfied"]),
            Column(_("Tỷ lệ hài lòng"), lambda f: f.satisfaction, "pct"),
        ],
    }


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None
    label: str
    number: int | None  # the count a linked cell claims (tests compare it with its list)
    value: int | float | None = None  # the figure behind ``text`` (the exports write it)
    kind: str = "count"  # the column's kind: count | pct | days


def _format(value: int | float | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{value:.1f} %".replace(".", ",")
    if kind == "days":
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _cells(figures: Figures, scope: Scope, columns: list[Column]) -> list[Cell]:
    cells = []
    # One query string per row, not per cell: a province table has ~2,000 links.
    base = reverse("supervision:dossier_list") + "?" + urlencode(_scope_query(scope))
    for column in columns:
        value = column.value(figures)
        url = None
        if column.list_kind is not None and value:
            url = f"{base}&chi-tieu={column.list_kind.value}"
            if column.channel is not None:
                url += f"&kenh={column.channel}"
        number = int(value) if column.kind == "count" and value is not None else None
        cells.append(
            Cell(_format(value, column.kind), url, column.label, number, value, column.kind)
        )
    return cells


def _cells_html(cells: list[Cell], row_label: str) -> SafeString:
    """The ``<td>`` of a row, built here: a template loop per cell costs more than the query.

    Every text is escaped with ``html.escape`` (quotes too) before it is joined.
    """
    label = escape(row_label)
    parts = []
    for cell in cells:
        text = escape(cell.text)
        if cell.url:
            number = "" if cell.number is None else str(cell.number)
            parts.append(
                f'<td class="num"><a href="{escape(cell.url)}" data-count="{number}">{text}'
                f'<span class="visually-hidden"> – {escape(cell.label)}, {label}</span></a></td>'
            )
        else:
            parts.append(f'<td class="num">{text}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


ROW_HEADINGS = {
    Level.UNIT: gettext_lazy("Đơn vị, cơ quan"),
    Level.FIELD: gettext_lazy("Lĩnh vực"),
    Level.PROCEDURE: gettext_lazy("Thủ tục"),
    Level.OFFICER: gettext_lazy("Cán bộ"),
}


def _row_link(row: Row, table: Table) -> str | None:
    if row.kind == "officer":
        return None
    return _dashboard_url(row.scope)


def _breadcrumbs(table: Table) -> list[tuple[str, str | None]]:
    """The drill path: units from the root down, then agency, field, procedure (≤ 2 queries)."""
    scope, structure = table.scope, table.structure
    crumbs: list[tuple[str, str | None]] = []
    base = Scope(period=scope.period, structure_day=scope.structure_day)
    unit = scope.unit
    if unit is None and scope.agency is not None:
        unit = structure.agency_unit.get(scope.agency)
    if unit is not None:
        chain = structure.ancestors(unit)
        for u in reversed(chain):
            if any(r in structure.ancestors(u) for r in structure.roots):
                crumbs.append(
                    (structure.units[u].name, _dashboard_url(Scope(**{**base.__dict__, "unit": u})))
                )
    if scope.agency is not None:
        agency_scope = Scope(**{**base.__dict__, "unit": scope.unit, "agency": scope.agency})
        crumbs.append((structure.agencies[scope.agency].name, _dashboard_url(agency_scope)))
    if scope.field is not None:
        name = ProcedureField.objects.filter(id=scope.field).values_list("name", flat=True).first()
        field_scope = Scope(**{**agency_scope.__dict__, "field": scope.field})
        crumbs.append((name or str(scope.field), _dashboard_url(field_scope)))
    if scope.procedure is not None:
        name = (
            ProcedureVersion.objects.filter(procedure_id=scope.procedure)
            .order_by("-number")
            .values_list("name", flat=True)
            .first()
        )
        crumbs.append((name or str(scope.procedure), None))
    if crumbs:
        crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


SECTIONS = (
    ("received", gettext_lazy("Tiếp nhận hồ sơ"), gettext_lazy("Số hồ sơ tiếp nhận theo kênh nộp")),
    (
        "processing",
        gettext_lazy("Giải quyết hồ sơ"),
        gettext_lazy("Tình hình giải quyết hồ sơ và thời gian giải quyết"),
    ),
    (
        "satisfaction",
        gettext_lazy("Mức độ hài lòng"),
        gettext_lazy("Đánh giá của người dân, doanh nghiệp"),
    ),
)


def _sections(table: Table, *, html: bool) -> list[dict[str, Any]]:
    """The three tables of the page as cells: what the template renders and the exports write.

    ``html`` also joins each row's ``<td>`` (the page needs them, the exports do not).
    """
    columns = _columns()
    row_links = [_row_link(row, table) for row in table.rows]  # once, not per section
    sections = []
    for key, title, caption in SECTIONS:
        cols = columns[key]
        rows: list[dict[str, Any]] = [
            {
                "label": row.label,
                "note": row.note,
                "url": row_links[i],
                "cells": _cells(row.figures, row.scope, cols),
                "compare": _compare_cells(table, row, key),
            }
            for i, row in enumerate(table.rows)
        ]
        total: dict[str, Any] = {
            "cells": _cells(table.total, table.scope, cols),
            "compare": _compare_cells(table, None, key),
        }
        if html:
            for line in rows:
                line["html"] = _cells_html(
                    [*line["cells"], *(line["compare"] or [])], line["label"]
                )
            total["html"] = _cells_html(
                [*total["cells"], *(total["compare"] or [])], _("Tổng cộng")
            )
        sections.append(
            {
                "key": key,
                "title": str(title),
                "caption": str(caption),
                "columns": cols,
                "rows": rows,
                "total": total,
            }
        )
    return sections


def _structure_note(table: Table, period: Period, compare: bool) -> str | None:
    if table.structure.day < dt.date(2025, 7, 1):
        return _(
            "Kỳ trước ngày 01/07/2025: số liệu trình bày theo đơn vị hành chính thời đó "
            "(tỉnh, huyện, xã)."
        )
    if period.start < dt.date(2025, 7, 1) or compare:
        return _(
            "Số liệu trước ngày 01/07/2025 được quy về đơn vị kế thừa theo sắp xếp đơn vị "
            "hành chính (cấp huyện đã giải thể được quy về cấp tỉnh)."
        )
    return None


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard table of one level (see the module docstring)."""
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        # Keep what was typed; show the errors next to the fields and in a summary.
        structure_for(user=_user(request), day=timezone.localdate())  # 403 for non-supervisors
        return render(request, "supervision/dashboard.html", {"form": form}, status=400)
    if not request.GET:
        form = PeriodForm({"ky": PeriodKind.YEAR, "nam": timezone.localdate().year})
        form.is_valid()
    period: Period = form.cleaned_data["period"]
    scope = _scope(request.GET, period)
    compare = bool(form.cleaned_data.get("so_sanh"))
    table = dashboard_table(user=_user(request), scope=scope, compare=compare)
    export = exports.export_kind(request.GET)
    sections = _sections(table, html=not export)
    breadcrumbs = _breadcrumbs(table)
    structure_note = _structure_note(table, period, compare)
    if export:
        return _dashboard_export(
            export,
            table=table,
            sections=sections,
            breadcrumbs=breadcrumbs,
            notes=[structure_note] if structure_note else [],
        )
    return render(
        request,
        "supervision/dashboard.html",
        {
            "form": form,
            "table": table,
            "period": period,
            "sections": sections,
            "row_heading": ROW_HEADINGS[table.level],
            "breadcrumbs": breadcrumbs,
            "structure_note": structure_note,
            "compare_period": table.compare_period,
            "hidden_scope": [
                (name, getattr(scope, attr))
                for name, attr in SCOPE_PARAMS
                if getattr(scope, attr) is not None
            ],
            "query": exports.query_without_export(request),
        },
    )


# --- exports (gh-8 item 6) ----------------------------------------------------------------------

DASHBOARD_TITLE = gettext_lazy("Thống kê giải quyết thủ tục hành chính")
EXPORT_FORMATS = {"count": Format.INTEGER, "pct": Format.PERCENT, "days": Format.DECIMAL}


def _export_value(cell: Cell) -> exports.Cell:
    """What a page cell shows, as a number Excel can sum: rounded as the page rounds it.

    A rate is written as the ratio (66,7 % → 0.667, formatted ``0.0%``); a cell
    the page shows as "–" (no denominator, no median) is written as "–" too.
    """
    if cell.value is None:
        return cell.text
    if cell.kind == "pct":
        return Decimal(f"{cell.value:.1f}") / 100
    if cell.kind == "days":
        return Decimal(f"{cell.value:.1f}")
    return int(cell.value)


def _span(period: Period) -> str:
    return _("Kỳ thống kê: từ %(start)s đến %(end)s") % {
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
    }


def _row_text(label: str, note: str) -> str:
    return f"{label} ({note})" if note else label


def dashboard_export_tables(
    *,
    table: Table,
    sections: list[dict[str, Any]],
    breadcrumbs: list[tuple[str, str | None]],
    notes: list[str],
) -> list[exports.Table]:
    """The page's three tables, cell for cell (``sections`` is what the template renders)."""
    where = " › ".join(label for label, _url in breadcrumbs)
    span = _span(table.scope.period)
    compare_span = ""
    if table.compare_period is not None:
        compare_span = " ({} – {})".format(
            table.compare_period.start.strftime("%d/%m/%Y"),
            table.compare_period.end.strftime("%d/%m/%Y"),
        )
    out = []
    for section in sections:
        columns: list[Column] = section["columns"]
        total = section["total"]
        compare: list[Cell] = total["compare"] or []
        headers = [
            str(ROW_HEADINGS[table.level]),
            *[c.label for c in columns],
            *[c.label + compare_span for c in compare],
        ]
        formats = [
            Format.TEXT,
            *[EXPORT_FORMATS[c.kind] for c in columns],
            *[EXPORT_FORMATS[c.kind] for c in compare],
        ]
        rows: list[list[exports.Cell]] = [
            [
                _row_text(line["label"], line["note"]),
                *[_export_value(c) for c in [*line["cells"], *(line["compare"] or [])]],
            ]
            for line in section["rows"]
        ]
        section_notes = list(notes)
        if section["key"] == "satisfaction":
            section_notes.append(
                _(
                    "Số lượt đánh giá không dẫn tới danh sách hồ sơ: cán bộ đã xử lý hồ sơ "
                    "không được biết ai đánh giá (NĐ 224/2026 Điều 10)."
                )
            )
        if not rows:
            section_notes.insert(0, _("Không có số liệu trong kỳ này."))
        out.append(
            exports.Table(
                title=section["title"],
                subtitle=" – ".join(part for part in (section["caption"], where, span) if part),
                headers=headers,
                rows=rows,
                totals=(
                    [_("Tổng cộng"), *[_export_value(c) for c in [*total["cells"], *compare]]]
                    if rows
                    else None
                ),
                formats=formats,
                notes=section_notes,
            )
        )
    return out


def _dashboard_export(
    export: str,
    *,
    table: Table,
    sections: list[dict[str, Any]],
    breadcrumbs: list[tuple[str, str | None]],
    notes: list[str],
) -> HttpResponse:
    tables = dashboard_export_tables(
        table=table, sections=sections, breadcrumbs=breadcrumbs, notes=notes
    )
    # Each printed table says what it is part of; its subtitle says where and when.
    return exports.download(
        export,
        tables,
        stem="thong-ke",
        title=str(DASHBOARD_TITLE),
        issuer=str(DASHBOARD_TITLE),
        period=table.scope.period,
    )


def _compare_cells(table: Table, row: Row | None, key: str) -> list[Cell] | None:
    if table.compare is None or table.compare_period is None:
        return None
    figures = (
        table.compare_total if row is None else table.compare.get((row.kind, row.key), Figures())
    )
    assert figures is not None
    scope = table.scope if row is None else row.scope
    old_scope = replace(scope, period=table.compare_period, structure_day=table.structure.day)
    if key == "received":
        cols = [
            Column(
                _("Tiếp nhận cùng kỳ năm trước"), lambda f: f.received, list_kind=ListKind.RECEIVED
            )
        ]
    elif key == "processing":
        cols = [Column(_("Tỷ lệ đúng hạn cùng kỳ năm trước"), lambda f: f.on_time_rate, "pct")]
    else:
        return []
    return _cells(figures, old_scope, cols)


LIST_TITLES = {
    ListKind.RECEIVED: gettext_lazy("Hồ sơ tiếp nhận"),
    ListKind.FULL_ONLINE: gettext_lazy("Hồ sơ tiếp nhận trực tuyến toàn trình"),
    ListKind.REFUSED: gettext_lazy("Hồ sơ bị từ chối tiếp nhận"),
    ListKind.FINISHED: gettext_lazy("Hồ sơ đã giải quyết"),
    ListKind.EARLY: gettext_lazy("Hồ sơ giải quyết trước hạn"),
    ListKind.ON_TIME: gettext_lazy("Hồ sơ giải quyết đúng hạn"),
    ListKind.LATE: gettext_lazy("Hồ sơ giải quyết quá hạn"),
    ListKind.PAUSED: gettext_lazy("Lượt tạm dừng (yêu cầu bổ sung, nghĩa vụ tài chính)"),
    ListKind.WITHDRAWN: gettext_lazy("Hồ sơ rút"),
    ListKind.STOPPED: gettext_lazy("Hồ sơ dừng xử lý"),
    ListKind.RETURNED: gettext_lazy("Hồ sơ đã trả kết quả"),
    ListKind.OPEN_ON_TIME: gettext_lazy("Hồ sơ đang giải quyết trong hạn (hiện tại)"),
    ListKind.OPEN_LATE: gettext_lazy("Hồ sơ đang giải quyết quá hạn (hiện tại)"),
}


# Beyond this many dossiers the PDF stops (a PDF of a province's year would be thousands of
# pages); the Excel file has every dossier of the list.
PDF_LIST_LIMIT = 2000


def dossier_list_export_table(
    *, title: str, period: Period, snapshot: bool, items: list[Any], count: int
) -> exports.Table:
    """The list as the page shows it (same columns), every dossier, with the count as total."""
    if snapshot:
        headers = [
            _("Mã hồ sơ"),
            _("Thủ tục"),
            _("Cơ quan giải quyết"),
            _("Cán bộ đang xử lý"),
            _("Hẹn trả"),
        ]
        formats = [Format.TEXT, Format.TEXT, Format.TEXT, Format.TEXT, Format.DATETIME]
        rows: list[list[exports.Cell]] = [
            [
                d.code,
                d.procedure_version.name,
                d.competent_agency.name,
                str(d.handler) if d.handler else _("Chưa phân công"),
                d.due_at,
            ]
            for d in items
        ]
    else:
        headers = [
            _("Mã hồ sơ"),
            _("Thủ tục"),
            _("Cơ quan giải quyết"),
            _("Ngày"),
            _("Cán bộ"),
            _("Kênh nộp"),
        ]
        formats = [Format.TEXT] * 3 + [Format.DATE] + [Format.TEXT] * 2
        rows = [
            [
                f.dossier.code,
                f.dossier.procedure_version.name,
                f.dossier.competent_agency.name,
                f.day,
                str(f.officer) if f.officer else "–",
                f.dossier.get_channel_display(),
            ]
            for f in items
        ]
    totals: list[exports.Cell] = [None] * len(headers)
    totals[0] = _("Tổng cộng: %(count)s hồ sơ") % {"count": _format(count, "count")}
    notes = []
    if len(rows) < count:
        notes.append(
            _("Bản in chỉ gồm %(shown)s hồ sơ đầu tiên; tải tệp Excel để có đủ %(count)s hồ sơ.")
            % {"shown": _format(len(rows), "count"), "count": _format(count, "count")}
        )
    return exports.Table(
        title=title,
        subtitle=_span(period),
        headers=headers,
        rows=rows,
        totals=totals,
        formats=formats,
        notes=notes,
    )


@require_GET
@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one number of the dashboard."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404(_("Kỳ thống kê không hợp lệ."))
    try:
        kind = ListKind(request.GET.get("chi-tieu", ""))
    except ValueError as error:
        raise Http404(_("Chỉ tiêu không hợp lệ.")) from error
    channel = _int_param(request.GET, "kenh")
    if channel is not None and channel not in Channel.values:
        raise Http404(_("Kênh nộp không hợp lệ."))
    scope = _scope(request.GET, form.cleaned_data["period"])
    user = _user(request)
    snapshot = kind in (ListKind.OPEN_ON_TIME, ListKind.OPEN_LATE)
    if snapshot:
        qs: Any = cell_open_dossiers(user=user, scope=scope, late=kind is ListKind.OPEN_LATE)
    else:
        qs = cell_facts(user=user, scope=scope, kind=kind, channel=channel)
    title = str(LIST_TITLES[kind])
    if channel is not None:
        title += " – " + str(Channel(channel).label)
    export = exports.export_kind(request.GET)
    if export:
        # The page's query set, unpaginated (the PDF stops at PDF_LIST_LIMIT): 1 or 2 queries.
        items = list(qs if export == "xlsx" else qs[: PDF_LIST_LIMIT + 1])
        count = len(items)
        if export == "pdf" and count > PDF_LIST_LIMIT:
            items = items[:PDF_LIST_LIMIT]
            count = qs.count()
        table = dossier_list_export_table(
            title=title, period=scope.period, snapshot=snapshot, items=items, count=count
        )
        return exports.download(
            export,
            [table],
            stem=f"ho-so-{kind.value}",
            title=title,
            issuer=_span(scope.period),
            period=scope.period,
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    query.pop(exports.EXPORT_PARAM, None)
    return render(
        request,
        "supervision/dashboard_list.html",
        {
            "title": title,
            "page": page,
            "count": page.paginator.count,
            "snapshot": snapshot,
            "query": query.urlencode(),
            "period": scope.period,
            "back": _dashboard_url(scope),
        },
    )
