"""Accessible server-rendered SVG charts, each with the table it draws (gh-8 item 6).

No JavaScript and no inline style (strict CSP): the SVG carries a ``<title>``
and a ``<desc>`` (``role="img"``), colours come from classes styled in
``supervision/supervision.css``, and every chart is shown with its data table
so nothing is available only as a picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.calendars.workingtime import VN_TZ
from motcua.dossiers.models import Dossier

from .exports import Format, Table, display
from .indices import ON_TIME_Q, finished_q
from .periods import Period
from .scope import Scope

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str | Promise
    description: str
    svg: SafeString
    table: Table


def _short(label: str, limit: int = 26) -> str:
    """A bar's label cut to fit beside it; the full label is in the description and table."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg_open(slug: str, title: str | Promise, description: str, height: int) -> str:
    return (
        f'<svg class="chart" role="img" aria-labelledby="{slug}-t {slug}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{slug}-t">{escape(title)}</title>'
        f'<desc id="{slug}-d">{escape(description)}</desc>'
    )


def bar_chart(
    slug: str,
    title: str | Promise,
    items: Sequence[tuple[str, int | Decimal | None]],
    *,
    value_header: str | Promise,
    fmt: Format = Format.INTEGER,
    label_header: str | Promise = "",
) -> Chart:
    """Horizontal bars, one per item; a ratio ``fmt`` (PERCENT) is drawn against 100 %."""
    values = [float(v or 0) for _label, v in items]
    top = 1.0 if fmt == Format.PERCENT else max(values, default=0) or 1.0
    height = max(1, len(items)) * (BAR_HEIGHT + GAP) + GAP
    span = WIDTH - LABEL_WIDTH - 80
    parts = []
    for i, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        y = GAP + i * (BAR_HEIGHT + GAP)
        w = int(span * number / top) if number > 0 else 0
        text = display(value, fmt) if value is not None else _("chưa có")
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect class="bar bar-{i % 6}" x="{LABEL_WIDTH}" y="{y}" width="{w}" '
            f'height="{BAR_HEIGHT}"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + w + 6}" y="{y + 15}">'
            f"{escape(text)}</text>"
        )
    description = "; ".join(
        f"{label}: {display(value, fmt) if value is not None else _('chưa có')}"
        for label, value in items
    ) or _("Không có số liệu.")
    svg = _svg_open(slug, title, description, height) + "".join(parts) + "</svg>"
    table = Table(
        title=title,
        headers=[label_header or _("Nội dung"), value_header],
        rows=[[label, value] for label, value in items],
        formats=[Format.TEXT, fmt],
    )
    return Chart(slug, title, description, mark_safe(svg), table)  # noqa: S308 - every text is escaped


def line_chart(
    slug: str,
    title: str | Promise,
    points: Sequence[tuple[str, Decimal | None]],
    *,
    value_header: str | Promise,
    label_header: str | Promise,
) -> Chart:
    """A line of ratios (0..1) over time; months without data leave a gap."""
    height, left, bottom, top_pad = 220, 48, 30, 12
    plot_h = height - bottom - top_pad
    step = (WIDTH - left - 40) / max(1, len(points) - 1)
    parts = []
    for pct in (0, 50, 100):
        y = top_pad + plot_h * (1 - pct / 100)
        parts.append(
            f'<line class="grid-line" x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}">'
            f'</line><text class="chart-label" x="{left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{pct} %</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (label, value) in enumerate(points):
        x = left + i * step
        if len(points) <= 8 or (len(points) - 1 - i) % 2 == 0:
            # Every other month, back from the last, when there are many: labels would overlap.
            parts.append(
                f'<text class="chart-label" x="{x:.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = top_pad + plot_h * (1 - float(value))
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4"></circle>')
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline class="line" points="{" ".join(seg)}"></polyline>')
    description = "; ".join(
        f"{label}: {display(value, Format.PERCENT) if value is not None else _('chưa có')}"
        for label, value in points
    )
    svg = _svg_open(slug, title, description, height) + "".join(parts) + "</svg>"
    table = Table(
        title=title,
        headers=[label_header, value_header],
        rows=[[label, value] for label, value in points],
        formats=[Format.TEXT, Format.PERCENT],
    )
    return Chart(slug, title, description, mark_safe(svg), table)  # noqa: S308 - every text is escaped


def _months_back(end: dt.date, n: int) -> list[dt.date]:
    months = []
    year, month = end.year, end.month
    for _i in range(n):
        months.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def on_time_trend(*, scope: Scope, period: Period, months: int = 12) -> Chart:
    """The on-time rate of finished dossiers for the ``months`` months ending with ``period``."""
    firsts = _months_back(period.end, months)
    span = Period(firsts[0], period.end)
    rows = (
        Dossier.objects.filter(finished_q(scope, span))  # the QĐ 766 PROGRESS set, month by month
        .annotate(month=TruncMonth("finished_at", tzinfo=VN_TZ))
        .values("month")
        .annotate(n=Count("pk"), ok=Count("pk", filter=ON_TIME_Q))
        .order_by()
    )
    by_month: dict[dt.date, tuple[int, int]] = {}
    for r in rows:
        month = r["month"]
        key = (month.date() if isinstance(month, dt.datetime) else month).replace(day=1)
        by_month[key] = (r["ok"], r["n"])
    points = []
    for first in firsts:
        ok, n = by_month.get(first, (0, 0))
        points.append(
            (f"{first:%m/%Y}", (Decimal(ok) / n).quantize(Decimal("0.0001")) if n else None)
        )
    return line_chart(
        "xu-huong-dung-han",
        _("Tỷ lệ giải quyết đúng hạn theo tháng"),
        points,
        value_header=_("Tỷ lệ đúng hạn"),
        label_header=_("Tháng"),
    )
