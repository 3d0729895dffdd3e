"""Waiting and serving times of a center's queue (gh-7 item 5), for its page and its CSV.

Computed from the ``TicketInterval`` rows only (one query, whatever the
number of tickets). A **visit** is one call of a ticket to a counter: the
waiting interval before it (waiting, or waiting after a transfer) and the
serving intervals that follow, holds excluded, until the ticket ends or is
transferred. Each visit counts for the counter and officer who served it,
the service it was in, the local hour it was called and its day. Outcomes:
served (done, or transferred after being served), no-show.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import IntervalKind, TicketStatus
from .models import TicketInterval
from .selectors import VIETNAM

MAX_DAYS = 366
WAITS = (IntervalKind.WAITING, IntervalKind.TRANSFERRED)

DIMENSIONS = (
    ("counter", gettext_lazy("Theo quầy")),
    ("service", gettext_lazy("Theo dịch vụ")),
    ("officer", gettext_lazy("Theo cán bộ")),
    ("hour", gettext_lazy("Theo giờ trong ngày")),
    ("day", gettext_lazy("Theo ngày")),
)


@dataclass(frozen=True)
class Visit:
    counter: str
    service: str
    officer: str
    hour: int
    day: dt.date
    wait: float | None  # seconds
    serve: float | None  # seconds; None while still at the counter
    no_show: bool


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


@dataclass
class Figures:
    """Average, median and 90th percentile of some durations (seconds)."""

    values: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def average(self) -> float | None:
        return statistics.fmean(self.values) if self.values else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def p90(self) -> float | None:
        return _percentile(self.values, 0.9) if self.values else None


@dataclass
class Row:
    label: str
    served: int = 0
    no_shows: int = 0
    wait: Figures = field(default_factory=Figures)
    serve: Figures = field(default_factory=Figures)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    total: Row
    groups: dict[str, list[Row]]

    def sections(self) -> Iterator[tuple[str, str, list[Row]]]:
        for key, title in DIMENSIONS:
            yield key, str(title), self.groups[key]


def _visits(rows: Iterable[Mapping[str, Any]]) -> Iterator[Visit]:
    """Visits from the interval rows of tickets, ordered by ticket then start."""
    by_ticket: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_ticket[row["ticket_id"]].append(row)
    for intervals in by_ticket.values():
        status = intervals[0]["ticket__status"]
        wait: float | None = None
        current: Mapping[str, Any] | None = None
        serve = 0.0
        open_serving = False
        for index, row in enumerate(intervals):
            duration = (row["end"] - row["start"]).total_seconds() if row["end"] else None
            if row["kind"] in WAITS:
                wait = duration
                continue
            if row["kind"] == IntervalKind.SERVING:
                if current is None or intervals[index - 1]["kind"] in WAITS:
                    current, serve, open_serving = row, 0.0, False
                if duration is None:
                    open_serving = True
                else:
                    serve += duration
            last = index == len(intervals) - 1
            ends_visit = last or intervals[index + 1]["kind"] in WAITS
            if current is not None and ends_visit:
                local = current["start"].astimezone(VIETNAM)
                yield Visit(
                    counter=(
                        _("Quầy số %(n)s – %(name)s")
                        % {"n": current["counter__number"], "name": current["counter__name"]}
                        if current["counter__number"] is not None
                        else "—"
                    ),
                    service=current["service__name"],
                    officer=current["officer__full_name"] or current["officer__username"] or "—",
                    hour=local.hour,
                    day=local.date(),
                    wait=wait,
                    serve=None if open_serving or (last and row["end"] is None) else serve,
                    no_show=last and status == TicketStatus.NO_SHOW,
                )
                current, wait = None, None


def queue_stats(*, center_id: int, start: dt.date, end: dt.date) -> Report:
    """The report of the tickets of ``center_id`` taken from ``start`` to ``end`` (local days).

    One database query. The page and the CSV use this same function.
    """
    rows = (
        TicketInterval.objects.filter(
            ticket__center_id=center_id, ticket__day__gte=start, ticket__day__lte=end
        )
        .order_by("ticket_id", "start", "id")
        .values(
            "ticket_id",
            "ticket__status",
            "kind",
            "start",
            "end",
            "counter__number",
            "counter__name",
            "officer__full_name",
            "officer__username",
            "service__name",
        )
    )
    total = Row(label=_("Toàn trung tâm"))
    groups: dict[str, dict[Any, Row]] = {key: {} for key, _title in DIMENSIONS}
    for visit in _visits(rows):
        keys: dict[str, Any] = {
            "counter": visit.counter,
            "service": visit.service,
            "officer": visit.officer,
            "hour": visit.hour,
            "day": visit.day,
        }
        for dimension, key in keys.items():
            row = groups[dimension].get(key)
            if row is None:
                label = (
                    f"{key:02d}:00–{key:02d}:59"
                    if dimension == "hour"
                    else key.strftime("%d/%m/%Y")
                    if dimension == "day"
                    else str(key)
                )
                row = groups[dimension][key] = Row(label=label)
            _add(row, visit)
        _add(total, visit)
    return Report(
        start=start,
        end=end,
        total=total,
        groups={d: [rows_[k] for k in sorted(rows_)] for d, rows_ in groups.items()},
    )


def _add(row: Row, visit: Visit) -> None:
    if visit.wait is not None:
        row.wait.values.append(visit.wait)
    if visit.no_show:
        row.no_shows += 1
    elif visit.serve is not None:
        row.served += 1
        row.serve.values.append(visit.serve)


def minutes(seconds: float | None) -> str:
    """Seconds as minutes with one decimal ("" when there is nothing)."""
    return "" if seconds is None else f"{seconds / 60:.1f}"


def csv_header() -> list[str]:
    return [
        _("Nhóm"),
        _("Giá trị"),
        _("Số đã phục vụ"),
        _("Số vắng mặt"),
        _("Chờ trung bình (phút)"),
        _("Chờ trung vị (phút)"),
        _("Chờ P90 (phút)"),
        _("Phục vụ trung bình (phút)"),
        _("Phục vụ trung vị (phút)"),
        _("Phục vụ P90 (phút)"),
    ]


def _csv_row(group: str, row: Row) -> list[str]:
    return [
        group,
        row.label,
        str(row.served),
        str(row.no_shows),
        minutes(row.wait.average),
        minutes(row.wait.median),
        minutes(row.wait.p90),
        minutes(row.serve.average),
        minutes(row.serve.median),
        minutes(row.serve.p90),
    ]


def csv_rows(report: Report) -> Iterator[list[str]]:
    yield _csv_row(_("Tổng"), report.total)
    for _key, title, rows in report.sections():
        for row in rows:
            yield _csv_row(title, row)
