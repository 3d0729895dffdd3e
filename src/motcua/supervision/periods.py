"""Reporting periods (gh-8): a month, a quarter, a year or a custom span of Huế dates.

Pure code (no ORM). Bounds are inclusive dates in Huế; :meth:`Period.bounds`
turns them into the half-open UTC-aware instants the selectors filter on.
TT 01/2018 Art 15 reports quarterly and yearly; QĐ 766 by month, quarter and year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from motcua.calendars.workingtime import VN_TZ


class PeriodKind(StrEnum):
    """The value is the URL parameter ``ky``."""

    MONTH = "thang"
    QUARTER = "quy"
    YEAR = "nam"
    CUSTOM = "tuy-chon"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: PeriodKind = PeriodKind.CUSTOM

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(start, nxt - dt.timedelta(days=1), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("A quarter is 1 to 4.")
        first = cls.month(year, 3 * quarter - 2)
        last = cls.month(year, 3 * quarter)
        return cls(first.start, last.end, PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), PeriodKind.YEAR)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """``[lo, hi)`` as aware instants: Huế midnights of ``start`` and of ``end`` + 1 day.

        Half-open, so an instant belongs to exactly one of two adjacent periods.
        """
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=VN_TZ)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
        return lo, hi

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(m)02d/%(y)d") % {"m": self.start.month, "y": self.start.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quý %(q)d năm %(y)d") % {
                "q": (self.start.month - 1) // 3 + 1,
                "y": self.start.year,
            }
        if self.kind == PeriodKind.YEAR:
            return _("Năm %(y)d") % {"y": self.start.year}
        return _("Từ %(start)s đến %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    @property
    def slug(self) -> str:
        """A file-name-safe name: ``2026-03``, ``2026-Q1``, ``2026``, ``20260301-20260315``."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def period_from_params(params: dict[str, str], *, today: dt.date) -> Period:
    """The period a query string asks for (``ky``, ``nam``, ``thang``, ``quy``, ``tu``, ``den``).

    Anything missing or unreadable falls back to the current month, so a bad
    link still shows a page; the page shows which period it used.
    """
    kind = params.get("ky", PeriodKind.MONTH.value)
    try:
        year = int(params.get("nam", today.year))
        if kind == PeriodKind.YEAR:
            return Period.year(year)
        if kind == PeriodKind.QUARTER:
            return Period.quarter(year, int(params.get("quy", (today.month - 1) // 3 + 1)))
        if kind == PeriodKind.CUSTOM:
            return Period(
                dt.date.fromisoformat(params.get("tu", "")),
                dt.date.fromisoformat(params.get("den", "")),
            )
        return Period.month(year, int(params.get("thang", today.month)))
    except (ValueError, TypeError):
        return Period.month(today.year, today.month)
