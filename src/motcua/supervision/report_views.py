"""Staff pages: QĐ 766 index, TT 01/2018 indices, late work, reports (gh-8 items 3–6).

Every page takes the same GET parameters — ``don-vi`` (an agency id; empty
for every agency the user supervises), ``ky`` (``thang``/``quy``/``nam``),
``nam``, ``thang``, ``quy`` — and ``xuat=xlsx`` or ``xuat=pdf`` downloads the
page's tables through :mod:`motcua.supervision.exports`. Scope is limited to
the user's jurisdiction (:func:`motcua.supervision.scope.scope_for`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import User
from motcua.dossiers.forms_official import register_pdf
from motcua.organisations.models import Agency
from motcua.workspace.views import PAGE_SIZE, staff_required

from . import charts
from .exports import (
    Cell,
    Format,
    Table,
    display,
    download,
    export_kind,
    file_name,
    pdf_response,
    query_without_export,
    register_table,
    tables_xlsx,
    xlsx_response,
)
from .indices import (
    DOSSIER_INDICES,
    DRILLABLE,
    INDEX_LABELS,
    INDEX_MISSING,
    OFFICER_INDICES,
    SPECS,
    UNIT_INDICES,
    Circular01,
    Index766,
    circular_01,
    index_766,
    metric_dossiers,
)
from .lateness import LatenessReport, LateStep, lateness_report
from .periods import Period, PeriodKind, period_from_params
from .scope import Scope, scope_for, visible_agencies
from .summary import UnitFigures, total_of, unit_figures

MONTHS = range(1, 13)
QUARTERS = range(1, 5)


@dataclass(frozen=True)
class Filters:
    scope: Scope
    period: Period
    agencies: list[Agency]
    agency_id: int | None
    export: str  # "", "xlsx" or "pdf"


def _filters(request: HttpRequest, *, quarterly: bool = False) -> Filters:
    assert isinstance(request.user, User)
    params: dict[str, str] = {k: v for k, v in request.GET.items() if isinstance(v, str) and v}
    if quarterly and params.get("ky") not in (PeriodKind.QUARTER, PeriodKind.YEAR):
        params.setdefault("ky", PeriodKind.QUARTER.value)
    try:
        agency_id: int | None = int(params["don-vi"]) if "don-vi" in params else None
    except ValueError:
        agency_id = None
    agencies = visible_agencies(user=request.user)
    scope = scope_for(user=request.user, agency_id=agency_id, agencies=agencies)
    period = period_from_params(params, today=timezone.localdate())
    return Filters(scope, period, agencies, agency_id, export_kind(request.GET))


def _filter_context(f: Filters, *, quarterly: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "scope": f.scope,
        "period": f.period,
        "agencies": f.agencies,
        "agency_id": f.agency_id,
        "kinds": [
            (k, label)
            for k, label in (
                (PeriodKind.MONTH, _("Tháng")),
                (PeriodKind.QUARTER, _("Quý")),
                (PeriodKind.YEAR, _("Năm")),
            )
            if not quarterly or k != PeriodKind.MONTH
        ],
        "years": range(today.year, today.year - 6, -1),
        "months": MONTHS,
        "quarters": QUARTERS,
        "selected_month": f.period.start.month,
        "selected_quarter": (f.period.start.month - 1) // 3 + 1,
        "quarterly_only": quarterly,
    }


def _export(f: Filters, tables: Sequence[Table], *, stem: str, title: str) -> HttpResponse:
    issuer = f"{f.scope.label} – {f.period.label}"
    return download(f.export, tables, stem=stem, period=f.period, title=title, issuer=issuer)


# --- QĐ 766 -----------------------------------------------------------------------------------


def index_766_table(index: Index766) -> Table:
    rows: list[list[Cell]] = []
    for g in index.groups:
        rows.append([f"{g.number}. {g.label}", None, None, None, g.points, g.maximum, ""])
        for m in g.metrics:
            rows.append(
                [
                    f"   {m.spec.label}",
                    m.numerator,
                    m.denominator,
                    m.ratio,
                    m.points,
                    m.spec.maximum,
                    f"{m.state_label}{' – ' + str(m.note) if m.note else ''}",
                ]
            )
    return Table(
        title=_("Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"),
        subtitle=f"{index.scope.label} – {index.period.label}",
        headers=[
            _("Nhóm, chỉ tiêu"),
            _("Tử số"),
            _("Mẫu số"),
            _("Tỷ lệ"),
            _("Điểm"),
            _("Điểm tối đa"),
            _("Ghi chú"),
        ],
        rows=rows,
        totals=[
            _("Tổng điểm"),
            None,
            None,
            None,
            index.points,
            index.maximum,
            _("Điểm tối đa tính được: %(n)s") % {"n": index.computable_maximum},
        ],
        formats=[
            Format.TEXT,
            Format.INTEGER,
            Format.INTEGER,
            Format.PERCENT,
            Format.DECIMAL,
            Format.DECIMAL,
            Format.TEXT,
        ],
    )


@require_GET
@staff_required
def index_766_page(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    index = index_766(scope=f.scope, period=f.period)
    if f.export:
        return _export(f, [index_766_table(index)], stem="chi-so-766", title=_("Chỉ số QĐ 766"))
    return render(
        request,
        "supervision/indices_766.html",
        {
            **_filter_context(f),
            "index": index,
            "query": query_without_export(request),
            "drillable": DRILLABLE,
        },
    )


@require_GET
@staff_required
def index_766_dossiers_page(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one number of the QĐ 766 page (``chi-tieu``, ``phan=tu|mau``)."""
    f = _filters(request)
    code = request.GET.get("chi-tieu", "")
    if code not in DRILLABLE:
        raise Http404(_("Chỉ tiêu này không có danh sách hồ sơ."))
    numerator = request.GET.get("phan", "tu") == "tu"
    spec = next(s for s in SPECS if s.code == code)
    dossiers = metric_dossiers(code, scope=f.scope, period=f.period, numerator=numerator)
    page = Paginator(
        dossiers.select_related("procedure_version", "competent_agency"), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    back = request.GET.copy()
    for name in ("chi-tieu", "phan", "trang"):
        back.pop(name, None)
    return render(
        request,
        "supervision/indices_766_dossiers.html",
        {
            **_filter_context(f),
            "spec": spec,
            "numerator": numerator,
            "page": page,
            "query": query.urlencode(),
            "back": back.urlencode(),
        },
    )


# --- TT 01/2018 -------------------------------------------------------------------------------


def circular_tables(result: Circular01) -> list[Table]:
    subtitle = f"{result.scope.label} – {result.period.label}"
    index_formats = [Format.DECIMAL] * len(UNIT_INDICES)
    units = Table(
        title=_("Chỉ số đánh giá đơn vị (TT 01/2018)"),
        subtitle=subtitle,
        headers=[_("Đơn vị"), _("Số hồ sơ"), *UNIT_INDICES, _("Tổng điểm"), _("Xếp loại")],
        rows=[
            [u.label, u.count, *[u.scores.get(c) for c in UNIT_INDICES], u.total, u.rating]
            for u in result.units
        ],
        formats=[Format.TEXT, Format.INTEGER, *index_formats, Format.DECIMAL, Format.TEXT],
        notes=[f"{c}: {INDEX_LABELS[c]} – {INDEX_MISSING[c]}" for c in INDEX_MISSING],
    )
    officers = Table(
        title=_("Chỉ số đánh giá cán bộ, công chức (TT 01/2018)"),
        subtitle=subtitle,
        headers=[_("Cán bộ"), _("Số hồ sơ"), *OFFICER_INDICES, _("Tổng điểm"), _("Xếp loại")],
        rows=[
            [o.label, o.count, *[o.scores.get(c) for c in OFFICER_INDICES], o.total, o.rating]
            for o in result.officers
        ],
        formats=[
            Format.TEXT,
            Format.INTEGER,
            *[Format.DECIMAL] * len(OFFICER_INDICES),
            Format.DECIMAL,
            Format.TEXT,
        ],
    )
    dossiers = Table(
        title=_("Chỉ số theo từng hồ sơ (TT 01/2018)"),
        subtitle=subtitle,
        headers=[_("Mã hồ sơ"), *DOSSIER_INDICES],
        rows=[[d.code, *[d.scores.get(c) for c in DOSSIER_INDICES]] for d in result.dossiers],
        formats=[Format.TEXT, *[Format.INTEGER] * len(DOSSIER_INDICES)],
    )
    return [units, officers, dossiers]


@require_GET
@staff_required
def index_circular_page(request: HttpRequest) -> HttpResponse:
    f = _filters(request, quarterly=True)
    result = circular_01(scope=f.scope, period=f.period)
    tables = circular_tables(result)
    if f.export:
        return _export(f, tables, stem="chi-so-tt-01-2018", title=_("Chỉ số TT 01/2018"))
    return render(
        request,
        "supervision/indices_circular.html",
        {
            **_filter_context(f, quarterly=True),
            "result": result,
            "tables": tables,
            "labels": [(c, INDEX_LABELS[c]) for c in UNIT_INDICES],
            "query": query_without_export(request),
        },
    )


# --- late work --------------------------------------------------------------------------------


def _step_text(step: LateStep) -> str:
    who = f"{step.unit}, {step.officer}" if step.officer else step.unit
    return _("%(step)s (%(who)s): vượt %(hours)s giờ") % {
        "step": step.step,
        "who": who,
        "hours": display(step.overrun_hours, Format.DECIMAL),
    }


def lateness_tables(report: LatenessReport) -> list[Table]:
    subtitle = f"{report.scope.label} – {report.period.label}"

    def tally(title: str, first: str, rows: Sequence[Any]) -> Table:
        return Table(
            title=title,
            subtitle=subtitle,
            headers=[first, _("Số hồ sơ trễ hạn"), _("Số bước trễ hạn"), _("Số giờ vượt")],
            rows=[[t.label, t.dossiers, t.late_steps, t.overrun_hours] for t in rows],
            formats=[Format.TEXT, Format.INTEGER, Format.INTEGER, Format.DECIMAL],
        )

    dossiers = Table(
        title=_("Hồ sơ trễ hạn và nguyên nhân"),
        subtitle=subtitle,
        headers=[
            _("Mã hồ sơ"),
            _("Thủ tục"),
            _("Cơ quan giải quyết"),
            _("Hạn trả"),
            _("Giải quyết xong"),
            _("Số giờ quá hạn"),
            _("Bước, đơn vị trễ hạn"),
            _("Xin lỗi, hẹn lại"),
        ],
        rows=[
            [
                d.code,
                d.procedure,
                d.agency,
                d.due_at,
                d.finished_at,
                d.overdue_hours,
                "; ".join([_step_text(s) for s in d.steps] + [o.agency for o in d.others]),
                (_("Có, đúng hạn") if d.apology.in_time else _("Có, muộn"))
                if d.apology
                else _("Không"),
            ]
            for d in report.dossiers
        ],
        formats=[
            Format.TEXT,
            Format.TEXT,
            Format.TEXT,
            Format.DATETIME,
            Format.DATETIME,
            Format.DECIMAL,
            Format.TEXT,
            Format.TEXT,
        ],
    )
    return [
        dossiers,
        tally(_("Đơn vị trễ hạn nhiều nhất"), _("Đơn vị"), report.by_unit),
        tally(_("Thủ tục trễ hạn nhiều nhất"), _("Thủ tục"), report.by_procedure),
        tally(_("Cán bộ có bước trễ hạn"), _("Cán bộ"), report.by_officer),
    ]


@require_GET
@staff_required
def lateness_page(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    report = lateness_report(scope=f.scope, period=f.period)
    tables = lateness_tables(report)
    if f.export:
        return _export(f, tables, stem="ho-so-tre-han", title=_("Hồ sơ trễ hạn"))
    chart = charts.bar_chart(
        "tre-han-theo-don-vi",
        _("Số hồ sơ trễ hạn theo đơn vị"),
        [(t.label, t.dossiers) for t in report.by_unit],
        value_header=_("Số hồ sơ trễ hạn"),
        label_header=_("Đơn vị"),
    )
    return render(
        request,
        "supervision/lateness.html",
        {
            **_filter_context(f),
            "report": report,
            "chart": chart,
            "query": query_without_export(request),
        },
    )


# --- reports ----------------------------------------------------------------------------------


def quarterly_table(rows: list[UnitFigures], total: UnitFigures, *, subtitle: str) -> Table:
    def line(u: UnitFigures) -> list[Cell]:
        return [
            u.label,
            u.received,
            u.received_counter,
            u.received_online,
            u.received_postal,
            u.finished,
            u.early,
            u.on_time,
            u.late,
            u.running_in_time,
            u.running_overdue,
            u.withdrawn,
            u.stopped,
            u.on_time_rate,
            u.online_share,
            u.satisfaction,
        ]

    return Table(
        title=_("Báo cáo tình hình, kết quả thực hiện cơ chế một cửa, một cửa liên thông"),
        subtitle=subtitle,
        headers=[
            _("Đơn vị"),
            _("Tiếp nhận"),
            _("Trực tiếp"),
            _("Trực tuyến"),
            _("Bưu chính"),
            _("Đã giải quyết"),
            _("Trước hạn"),
            _("Đúng hạn"),
            _("Quá hạn"),
            _("Đang giải quyết trong hạn"),
            _("Đang giải quyết quá hạn"),
            _("Rút hồ sơ"),
            _("Dừng xử lý"),
            _("Tỷ lệ đúng hạn"),
            _("Tỷ lệ trực tuyến"),
            _("Tỷ lệ hài lòng"),
        ],
        rows=[line(u) for u in rows],
        totals=line(total),
        formats=[Format.TEXT, *[Format.INTEGER] * 12, *[Format.PERCENT] * 3],
    )


def _agencies_of(f: Filters) -> list[Agency]:
    return [a for a in f.agencies if a.pk in f.scope.agency_ids]


@require_GET
@staff_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """The quarterly one-stop report (with its charts) and the register (Mẫu 07), to download."""
    f = _filters(request, quarterly=True)
    agencies = _agencies_of(f)
    rows = unit_figures(agencies=agencies, period=f.period)
    total = total_of(rows, _("Tổng cộng"))
    table = quarterly_table(rows, total, subtitle=f"{f.scope.label} – {f.period.label}")
    report = request.GET.get("bao-cao", "")
    if f.export and report == "so-theo-doi":
        return _register_export(f)
    if f.export:
        return _export(f, [table], stem="bao-cao-mot-cua", title=str(table.title))
    lateness = lateness_report(scope=f.scope, period=f.period)
    chart_list = [
        charts.on_time_trend(scope=f.scope, period=f.period),
        charts.bar_chart(
            "kenh-tiep-nhan",
            _("Hồ sơ tiếp nhận theo kênh"),
            [
                (_("Trực tiếp"), total.received_counter),
                (_("Trực tuyến"), total.received_online),
                (_("Bưu chính"), total.received_postal),
            ],
            value_header=_("Số hồ sơ"),
            label_header=_("Kênh"),
        ),
        charts.bar_chart(
            "tre-han-theo-don-vi",
            _("Số hồ sơ trễ hạn theo đơn vị"),
            [(t.label, t.dossiers) for t in lateness.by_unit],
            value_header=_("Số hồ sơ trễ hạn"),
            label_header=_("Đơn vị"),
        ),
        charts.bar_chart(
            "hai-long",
            _("Tỷ lệ hài lòng theo đơn vị"),
            [(u.label, u.satisfaction) for u in rows if u.rated],
            value_header=_("Tỷ lệ hài lòng"),
            fmt=Format.PERCENT,
            label_header=_("Đơn vị"),
        ),
    ]
    return render(
        request,
        "supervision/reports.html",
        {
            **_filter_context(f, quarterly=True),
            "table": table,
            "charts": chart_list,
            "register_agencies": agencies,
            "query": query_without_export(request),
        },
    )


def _register_export(f: Filters) -> HttpResponse:
    """Mẫu 07 of one agency (the chosen one, or the only one in scope) for the period."""
    agencies = _agencies_of(f)
    if len(agencies) != 1:
        raise PermissionDenied(_("Hãy chọn một đơn vị để tải sổ theo dõi hồ sơ."))
    agency = agencies[0]
    if f.export == "xlsx":
        return xlsx_response(
            tables_xlsx([register_table(agency=agency, period=f.period)]),
            file_name("so-theo-doi-ho-so", f.period, "xlsx"),
        )
    return pdf_response(
        register_pdf(agency=agency, start=f.period.start, end=f.period.end),
        file_name("so-theo-doi-ho-so", f.period, "pdf"),
    )
