"""Reads behind the supervision dashboard: its cells and the dossier list behind each cell (gh-8).

The numbers come from the counters (``DailyStat`` / ``MonthlyStat``) and the
lists from the facts (``StatFact``) they are summed from, filtered by the same
``Scope``; the in-process snapshot reads open dossiers with one filter used by
both. So a number always equals the length of its list (conventions.md §5).

History-aware (gh-8 item 2): a period is shown in the structure of units valid
on its last day (or today, if it is not over yet), so a period before
01/07/2025 is shown province → district → commune and a later one
province → commune. Agencies of another time are mapped into that structure
through the units' succession links (``AdminUnit.predecessors``): forwards to
the successors, backwards to the predecessors, and to the parent's image when
a unit has neither (a district abolished on 01/07/2025 maps to the province).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.organisations.jurisdiction import SUBTREE_ROLES, jurisdiction_for
from motcua.organisations.models import AdminUnit, Agency, StaffMembership, valid_on_q
from motcua.procedures.models import ProcedureField, ProcedureVersion

from .constants import COUNTER_COLUMNS, FINISHED_METRICS, METRIC_COLUMN, Metric
from .models import DailyStat, MonthlyStat, StatFact

S = DossierStatus
M = Metric
OPEN_STATUSES = (S.RECEIVED, S.PROCESSING)  # "in process" (domain.md §5.2), paused excluded


# --- the structure of units, as of one day ----------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    level: int
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    unit_id: int
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class Structure:
    """What a user may look at, mapped into the units valid on ``day``.

    ``agency_unit`` maps every visible agency (of any period) to the unit of
    ``day`` it belongs to; ``roots`` are the top units of the user's area on
    ``day``.
    """

    day: dt.date
    units: dict[int, UnitInfo]
    agencies: dict[int, AgencyInfo]
    agency_unit: dict[int, int]
    roots: list[int]

    def ancestors(self, unit_id: int) -> list[int]:
        """``unit_id`` and its parents, bottom up."""
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.units[current].parent_id if current in self.units else None
        return chain

    def covers(self, unit_id: int) -> bool:
        """Whether ``unit_id`` is a unit of ``day`` at or below one of the user's roots."""
        if unit_id not in self.units or not self.units[unit_id].valid_on(self.day):
            return False
        return any(root in self.ancestors(unit_id) for root in self.roots)

    def agencies_under(self, unit_id: int) -> list[int]:
        return sorted(a for a, u in self.agency_unit.items() if unit_id in self.ancestors(u))

    def child_toward(self, unit_id: int, agency_id: int) -> tuple[str, int] | None:
        """The row of ``unit_id``'s table that ``agency_id`` is counted in, if any."""
        chain = self.ancestors(self.agency_unit[agency_id])
        if chain[0] == unit_id:
            return ("agency", agency_id)
        if unit_id in chain:
            return ("unit", chain[chain.index(unit_id) - 1])
        return None


def _map_unit(
    unit_id: int,
    day: dt.date,
    units: Mapping[int, UnitInfo],
    successors: Mapping[int, list[int]],
    predecessors: Mapping[int, list[int]],
    seen: frozenset[int] = frozenset(),
) -> list[int]:
    """The units valid on ``day`` that ``unit_id`` became (or came from)."""
    unit = units[unit_id]
    if unit.valid_on(day) or unit_id in seen:
        return [unit_id] if unit.valid_on(day) else []
    seen = seen | {unit_id}
    links = successors if unit.valid_to is not None and unit.valid_to < day else predecessors
    found: list[int] = []
    for other in links.get(unit_id, []):
        found += [
            u
            for u in _map_unit(other, day, units, successors, predecessors, seen)
            if u not in found
        ]
    if not found and unit.parent_id is not None:
        found = _map_unit(unit.parent_id, day, units, successors, predecessors, seen)
    return sorted(found)


def supervisor_memberships(*, user: User) -> list[StaffMembership]:
    """The leader / supervisor memberships valid today that open the dashboard."""
    if not user.is_authenticated or not user.is_active:
        return []
    day = timezone.localdate()
    return list(
        StaffMembership.objects.filter(
            valid_on_q(day), valid_on_q(day, "agency__"), user=user, role__in=SUBTREE_ROLES
        ).select_related("agency")
    )


def structure_for(*, user: User, day: dt.date) -> Structure:
    """The user's area (leader or supervisor roles, as of today) in the structure of ``day``.

    Current agencies come from ``jurisdiction_for`` (the one access path);
    agencies of another period are visible when their unit maps, today, into
    the user's subtree. Raises ``PermissionDenied`` for other staff.
    Queries: 1 + jurisdiction (≤ 5) + 3, whatever the number of units.
    """
    memberships = supervisor_memberships(user=user)
    if not memberships:
        raise PermissionDenied(
            _("Trang thống kê chỉ dành cho lãnh đạo cơ quan và cán bộ giám sát.")
        )
    today = timezone.localdate()
    visible_now = jurisdiction_for(user=user, on=today).visible
    units = {
        u.id: UnitInfo(u.id, u.display_name, u.level, u.parent_id, u.valid_from, u.valid_to)
        for u in AdminUnit.objects.all()
    }
    successors: dict[int, list[int]] = defaultdict(list)
    predecessors: dict[int, list[int]] = defaultdict(list)
    through = AdminUnit.predecessors.through
    for new, old in through.objects.values_list("from_adminunit_id", "to_adminunit_id"):
        successors[old].append(new)
        predecessors[new].append(old)
    agencies = {
        a.id: AgencyInfo(a.id, a.name, a.unit_id, a.valid_from, a.valid_to)
        for a in Agency.objects.only("id", "name", "unit_id", "valid_from", "valid_to")
    }

    def today_children() -> dict[int | None, list[int]]:
        out: dict[int | None, list[int]] = defaultdict(list)
        for u in units.values():
            if u.valid_on(today):
                out[u.parent_id].append(u.id)
        return out

    children = today_children()
    subtree: set[int] = set()
    frontier = [m.agency.unit_id for m in memberships]
    while frontier:
        u = frontier.pop()
        if u not in subtree:
            subtree.add(u)
            frontier += children.get(u, [])

    def on(unit_id: int, when: dt.date) -> int | None:
        mapped = _map_unit(unit_id, when, units, successors, predecessors)
        return mapped[0] if mapped else None

    visible: dict[int, int] = {}
    for agency in agencies.values():
        if agency.id in visible_now:
            pass
        elif agency.valid_to is not None and agency.valid_to < today:
            if on(agency.unit_id, today) not in subtree:
                continue
        else:
            continue
        if agency.valid_from > day:
            continue  # founded after the structure's day: nothing of it to show there
        mapped = on(agency.unit_id, day)
        if mapped is not None:
            visible[agency.id] = mapped

    # The top of the user's area on ``day``: the highest units of the subtree, mapped.
    tops = [u for u in subtree if units[u].parent_id not in subtree]
    roots: list[int] = []
    for top in sorted(tops):
        for r in _map_unit(top, day, units, successors, predecessors):
            if r not in roots:
                roots.append(r)
    return Structure(day=day, units=units, agencies=agencies, agency_unit=visible, roots=roots)


# --- periods and scopes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def structure_day(self) -> dt.date:
        """The day whose structure of units shows this period: its end, or today."""
        return min(self.end, timezone.localdate())

    def previous_year(self) -> Period:
        def back(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29/02
                return day.replace(year=day.year - 1, day=28)

        return Period(back(self.start), back(self.end))


@dataclass(frozen=True)
class Scope:
    """One row (or the whole table) of the dashboard: what its numbers count.

    ``unit`` / ``agency`` select agencies through the structure; the others
    filter the facts. ``officer`` 0 means "no officer recorded".
    """

    period: Period
    unit: int | None = None
    agency: int | None = None
    field: int | None = None
    procedure: int | None = None
    officer: int | None = None
    structure_day: dt.date | None = None  # override: a comparison shown in another structure

    @property
    def shown_on(self) -> dt.date:
        """The day whose structure of units shows this scope (its numbers and their lists)."""
        return self.structure_day or self.period.structure_day

    def agency_ids(self, structure: Structure) -> list[int]:
        if self.agency is not None:
            if self.agency not in structure.agency_unit:
                raise Http404(_("Không có cơ quan này trong phạm vi bạn được xem."))
            if self.unit is not None and self.agency not in structure.agencies_under(self.unit):
                raise Http404(_("Không có cơ quan này trong phạm vi bạn được xem."))
            return [self.agency]
        if self.unit is not None:
            if not structure.covers(self.unit):
                raise Http404(_("Không có đơn vị này trong phạm vi bạn được xem."))
            return structure.agencies_under(self.unit)
        return sorted(structure.agency_unit)

    def fact_q(self, *, counters: bool = False) -> Q:
        """The filter on field, procedure and officer, for ``StatFact`` or (``counters``) the
        counter tables, where "no officer" is 0 instead of NULL."""
        q = Q()
        if self.field is not None:
            q &= Q(field_id=self.field)
        if self.procedure is not None:
            q &= Q(procedure_id=self.procedure)
        if self.officer is not None:
            if counters or self.officer:
                q &= Q(officer_id=self.officer)
            else:
                q &= Q(officer_id__isnull=True)
        return q


class Level(StrEnum):
    """What the rows of a table are."""

    UNIT = "don-vi"  # child units and agencies of a unit
    FIELD = "linh-vuc"  # fields of an agency
    PROCEDURE = "thu-tuc"  # procedures of a field
    OFFICER = "can-bo"  # officers of a procedure


def level_of(scope: Scope) -> Level:
    if scope.agency is None:
        return Level.UNIT
    if scope.field is None:
        return Level.FIELD
    if scope.procedure is None:
        return Level.PROCEDURE
    return Level.OFFICER


# --- cells ---------------------------------------------------------------------------------


SNAPSHOT_ON_TIME = "trong-han"
SNAPSHOT_LATE = "qua-han"


@dataclass
class Figures:
    """The numbers of one row."""

    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTER_COLUMNS, 0))
    by_channel: dict[int, int] = field(default_factory=dict)
    finished_seconds: int = 0
    open_on_time: int = 0
    open_late: int = 0
    median_seconds: float | None = None

    def add(self, values: Mapping[str, Any], channel: int) -> None:
        for column in COUNTER_COLUMNS:
            self.counters[column] += int(values[column] or 0)
        self.finished_seconds += int(values["finished_seconds"] or 0)
        self.by_channel[channel] = self.by_channel.get(channel, 0) + int(values["received"] or 0)

    def merge(self, other: Figures) -> None:
        for column in COUNTER_COLUMNS:
            self.counters[column] += other.counters[column]
        for channel, n in other.by_channel.items():
            self.by_channel[channel] = self.by_channel.get(channel, 0) + n
        self.finished_seconds += other.finished_seconds
        self.open_on_time += other.open_on_time
        self.open_late += other.open_late

    @property
    def received(self) -> int:
        return self.counters["received"]

    @property
    def finished(self) -> int:
        c = self.counters
        return c["finished_early"] + c["finished_on_time"] + c["finished_late"]

    @property
    def on_time_rate(self) -> float | None:
        c = self.counters
        return _ratio(c["finished_early"] + c["finished_on_time"], self.finished)

    @property
    def online_share(self) -> float | None:
        online = self.by_channel.get(Channel.ONLINE, 0) + self.by_channel.get(
            Channel.NATIONAL_PORTAL, 0
        )
        return _ratio(online, self.received)

    @property
    def full_online_share(self) -> float | None:
        return _ratio(self.counters["received_full_online"], self.received)

    @property
    def rated(self) -> int:
        c = self.counters
        return c["rated_very_satisfied"] + c["rated_satisfied"] + c["rated_not_satisfied"]

    @property
    def satisfaction(self) -> float | None:
        c = self.counters
        return _ratio(c["rated_very_satisfied"] + c["rated_satisfied"], self.rated)

    @property
    def average_days(self) -> float | None:
        if not self.finished:
            return None
        return self.finished_seconds / self.finished / 86400

    @property
    def median_days(self) -> float | None:
        return None if self.median_seconds is None else self.median_seconds / 86400


def _ratio(part: int, whole: int) -> float | None:
    return None if not whole else 100.0 * part / whole


@dataclass
class Row:
    kind: str  # "unit", "agency", "field", "procedure", "officer"
    key: int
    label: str
    note: str
    scope: Scope
    figures: Figures


@dataclass
class Table:
    scope: Scope
    level: Level
    structure: Structure
    rows: list[Row]
    total: Figures
    compare: dict[tuple[str, int], Figures] | None = None
    compare_total: Figures | None = None
    compare_period: Period | None = None


def _month_split(
    period: Period,
) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """Whole months of the period (first days, inclusive) and the day ranges at its edges."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last_end = _next_month(period.end) - dt.timedelta(days=1)
    if last_end != period.end:
        last_end = period.end.replace(day=1) - dt.timedelta(days=1)
    if first > last_end:
        return None, [(period.start, period.end)]
    edges = []
    if period.start < first:
        edges.append((period.start, first - dt.timedelta(days=1)))
    if last_end < period.end:
        edges.append((last_end + dt.timedelta(days=1), period.end))
    return (first, last_end.replace(day=1)), edges


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _group_column(level: Level) -> str:
    return {
        Level.UNIT: "agency_id",
        Level.FIELD: "field_id",
        Level.PROCEDURE: "procedure_id",
        Level.OFFICER: "officer_id",
    }[level]


def _counter_rows(
    *, scope: Scope, agency_ids: list[int], level: Level, period: Period
) -> dict[int, Figures]:
    """Counters of ``period`` grouped by the level's column (2 queries, or 1)."""
    group = _group_column(level)
    sums = {c: Sum(c) for c in (*COUNTER_COLUMNS, "finished_seconds")}
    out: dict[int, Figures] = defaultdict(Figures)
    months, edges = _month_split(period)
    if level is Level.OFFICER or scope.officer is not None:
        months, edges = None, [(period.start, period.end)]
    filters = scope.fact_q(counters=True)
    if months is not None:
        qs = (
            MonthlyStat.objects.filter(filters, agency_id__in=agency_ids, month__range=months)
            .values(group, "channel")
            .annotate(**sums)
            .order_by()
        )
        for values in qs:
            out[values[group]].add(values, values["channel"])
    if edges:
        days = Q()
        for a, b in edges:
            days |= Q(day__range=(a, b))
        qs2 = (
            DailyStat.objects.filter(filters, days, agency_id__in=agency_ids)
            .values(group, "channel")
            .annotate(**sums)
            .order_by()
        )
        for values in qs2:
            out[values[group]].add(values, values["channel"])
    return out


def open_dossiers(*, scope: Scope, agency_ids: list[int], late: bool | None) -> QuerySet[Dossier]:
    """Dossiers in process now (received or processing), on time or late (D8).

    The one filter behind the snapshot cells and their lists; index-friendly
    (competent_agency, status, due_at).
    """
    now = timezone.now()
    qs = Dossier.objects.filter(competent_agency_id__in=agency_ids, status__in=OPEN_STATUSES)
    if scope.field is not None:
        qs = qs.filter(procedure_version__field_id=scope.field)
    if scope.procedure is not None:
        qs = qs.filter(procedure_version__procedure_id=scope.procedure)
    if scope.officer is not None:
        qs = (
            qs.filter(handler_id=scope.officer)
            if scope.officer
            else qs.filter(handler__isnull=True)
        )
    if late is True:
        qs = qs.filter(due_at__lt=now)
    elif late is False:
        qs = qs.filter(Q(due_at__gte=now) | Q(due_at__isnull=True))
    return qs


def _snapshot_rows(
    *, scope: Scope, agency_ids: list[int], level: Level
) -> dict[int, tuple[int, int]]:
    group = {
        Level.UNIT: "competent_agency_id",
        Level.FIELD: "procedure_version__field_id",
        Level.PROCEDURE: "procedure_version__procedure_id",
        Level.OFFICER: "handler_id",
    }[level]
    now = timezone.now()
    qs = (
        open_dossiers(scope=scope, agency_ids=agency_ids, late=None)
        .values(group)
        .annotate(late=Count("id", filter=Q(due_at__lt=now)), all=Count("id"))
        .order_by()
    )
    return {(v[group] or 0): (v["all"] - v["late"], v["late"]) for v in qs}


def _medians(*, scope: Scope, agency_ids: list[int], level: Level) -> dict[int, float]:
    """Median processing seconds of the finished dossiers per row (fields' procedures, officers).

    PostgreSQL computes ``percentile_cont(0.5)``; elsewhere the seconds are
    read and the median computed in Python. One query.
    """
    group = _group_column(level)
    p = scope.period
    qs = StatFact.objects.filter(
        scope.fact_q(),
        agency_id__in=agency_ids,
        metric__in=FINISHED_METRICS,
        day__range=(p.start, p.end),
    )
    if connection.vendor == "postgresql":
        sql, params = qs.values_list(group, "seconds").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT sub.g, percentile_cont(0.5) WITHIN GROUP (ORDER BY sub.s)"  # noqa: S608
                f" FROM ({sql}) sub(g, s) GROUP BY sub.g",
                params,
            )
            return {(g or 0): float(m) for g, m in cursor.fetchall()}
    values: dict[int, list[int]] = defaultdict(list)
    for g, seconds in qs.values_list(group, "seconds"):
        values[g or 0].append(seconds)
    return {g: float(statistics.median(v)) for g, v in values.items()}


def dashboard_table(*, user: User, scope: Scope, compare: bool = False) -> Table:
    """The dashboard table of ``scope``: one row per child, plus the total.

    A fixed number of queries whatever the number of rows: the structure
    (≤ 9), the counters (≤ 2), the snapshot (1), medians (1 below the agency
    level), the labels (1), and the same counters for the comparison period.
    """
    structure = structure_for(user=user, day=scope.shown_on)
    if scope.unit is None and scope.agency is None and len(structure.roots) == 1:
        scope = replace(scope, unit=structure.roots[0])
    agency_ids = scope.agency_ids(structure)
    level = level_of(scope)
    counters = _counter_rows(scope=scope, agency_ids=agency_ids, level=level, period=scope.period)
    # "In process" is a snapshot of now: shown for a period that reaches today.
    snapshot = (
        _snapshot_rows(scope=scope, agency_ids=agency_ids, level=level)
        if scope.period.end >= timezone.localdate()
        else {}
    )
    medians = (
        _medians(scope=scope, agency_ids=agency_ids, level=level)
        if level in (Level.PROCEDURE, Level.OFFICER)
        else {}
    )
    for key, (on_time, late) in snapshot.items():
        counters[key].open_on_time = on_time
        counters[key].open_late = late
    for key, median in medians.items():
        counters[key].median_seconds = median
    old: dict[int, Figures] = {}
    if compare:
        old = _counter_rows(
            scope=scope, agency_ids=agency_ids, level=level, period=scope.period.previous_year()
        )
        for key in old:
            counters.setdefault(key, Figures())  # a row that had figures only a year ago

    rows = _rows(structure=structure, scope=scope, level=level, data=counters)
    total = Figures()
    for row in rows:
        total.merge(row.figures)
    table = Table(scope=scope, level=level, structure=structure, rows=rows, total=total)
    if compare:
        table.compare_period = scope.period.previous_year()
        table.compare = {}
        # Fold the comparison into the same rows (old agencies map to the same units).
        for key, figures in old.items():
            row_key = _row_key(structure=structure, scope=scope, level=level, key=key)
            if row_key is not None:
                table.compare.setdefault(row_key, Figures()).merge(figures)
        table.compare_total = Figures()
        for figures in table.compare.values():
            table.compare_total.merge(figures)
    return table


def _row_key(
    *, structure: Structure, scope: Scope, level: Level, key: int
) -> tuple[str, int] | None:
    if level is Level.UNIT:
        if key not in structure.agency_unit:
            return None
        if scope.unit is None:
            chain = structure.ancestors(structure.agency_unit[key])
            for root in structure.roots:
                if root in chain:
                    return ("unit", root)
            return None
        return structure.child_toward(scope.unit, key)
    return (level.name.lower(), key)


def _rows(
    *, structure: Structure, scope: Scope, level: Level, data: Mapping[int, Figures]
) -> list[Row]:
    grouped: dict[tuple[str, int], Figures] = {}
    for key, figures in data.items():
        row_key = _row_key(structure=structure, scope=scope, level=level, key=key)
        if row_key is not None:
            grouped.setdefault(row_key, Figures()).merge(figures)
            if figures.median_seconds is not None:
                grouped[row_key].median_seconds = figures.median_seconds
    labels = _labels(structure=structure, level=level, keys=[k for _, k in grouped])
    rows = []
    for (kind, key), figures in grouped.items():
        label, note = labels.get((kind, key), (str(key), ""))
        rows.append(Row(kind, key, label, note, _child_scope(scope, kind, key), figures))
    rows.sort(key=lambda r: (r.kind != "unit", r.label))
    return rows


def _child_scope(scope: Scope, kind: str, key: int) -> Scope:
    """The scope of a row: the table's scope narrowed by the row's key."""
    if kind == "unit":
        return replace(scope, unit=key, agency=None, field=None, procedure=None, officer=None)
    if kind == "agency":
        return replace(scope, agency=key, field=None, procedure=None, officer=None)
    if kind == "field":
        return replace(scope, field=key, procedure=None, officer=None)
    if kind == "procedure":
        return replace(scope, procedure=key, officer=None)
    return replace(scope, officer=key)


def _labels(
    *, structure: Structure, level: Level, keys: Iterable[int]
) -> dict[tuple[str, int], tuple[str, str]]:
    """Row labels; one query for fields, procedures or officers, none for units."""
    ids = list(keys)
    out: dict[tuple[str, int], tuple[str, str]] = {}
    if level is Level.UNIT:
        for key in ids:
            if key in structure.units:
                out[("unit", key)] = (structure.units[key].name, "")
            if key in structure.agencies:
                agency = structure.agencies[key]
                note = ""
                if agency.valid_to is not None and agency.valid_to < structure.day:
                    note = _("đến %(day)s, nay thuộc đơn vị kế thừa") % {
                        "day": agency.valid_to.strftime("%d/%m/%Y")
                    }
                out[("agency", key)] = (agency.name, note)
    elif level is Level.FIELD:
        for f in ProcedureField.objects.filter(id__in=ids).only("id", "name"):
            out[("field", f.id)] = (f.name, "")
    elif level is Level.PROCEDURE:
        versions = ProcedureVersion.objects.filter(procedure_id__in=ids).select_related("procedure")
        for v in versions.order_by("procedure_id", "number"):  # the latest version names it
            out[("procedure", v.procedure_id)] = (v.name, v.procedure.national_code)
    else:
        for u in User.objects.filter(id__in=ids):
            out[("officer", u.id)] = (u.get_full_name() or u.get_username(), "")
        out[("officer", 0)] = (_("Không ghi nhận cán bộ"), "")
    return out


# --- the lists behind the cells --------------------------------------------------------------


class ListKind(StrEnum):
    """What a cell counts, as named in the list's URL (``chi-tieu``)."""

    RECEIVED = "tiep-nhan"
    FULL_ONLINE = "toan-trinh"
    REFUSED = "tu-choi"
    FINISHED = "giai-quyet"
    EARLY = "truoc-han"
    ON_TIME = "dung-han"
    LATE = "qua-han"
    PAUSED = "tam-dung"
    WITHDRAWN = "rut"
    STOPPED = "dung-xu-ly"
    RETURNED = "tra-ket-qua"
    OPEN_ON_TIME = "dang-trong-han"
    OPEN_LATE = "dang-qua-han"


LIST_METRICS: dict[ListKind, tuple[Metric, ...]] = {
    ListKind.RECEIVED: (M.RECEIVED,),
    ListKind.FULL_ONLINE: (M.RECEIVED_FULL_ONLINE,),
    ListKind.REFUSED: (M.REFUSED,),
    ListKind.FINISHED: FINISHED_METRICS,
    ListKind.EARLY: (M.FINISHED_EARLY,),
    ListKind.ON_TIME: (M.FINISHED_ON_TIME,),
    ListKind.LATE: (M.FINISHED_LATE,),
    ListKind.PAUSED: (M.PAUSED,),
    ListKind.WITHDRAWN: (M.WITHDRAWN,),
    ListKind.STOPPED: (M.STOPPED,),
    ListKind.RETURNED: (M.RETURNED,),
}
assert all(METRIC_COLUMN[m] for ms in LIST_METRICS.values() for m in ms)


def cell_facts(
    *, user: User, scope: Scope, kind: ListKind, channel: int | None = None
) -> QuerySet[StatFact]:
    """The facts a counter cell sums: one row per counted unit, with its dossier."""
    structure = structure_for(user=user, day=scope.shown_on)
    agency_ids = scope.agency_ids(structure)
    qs = StatFact.objects.filter(
        scope.fact_q(),
        agency_id__in=agency_ids,
        metric__in=LIST_METRICS[kind],
        day__range=(scope.period.start, scope.period.end),
    )
    if channel is not None:
        qs = qs.filter(channel=channel)
    return qs.select_related(
        "dossier", "dossier__procedure_version", "dossier__competent_agency", "officer"
    ).order_by("-day", "-dossier_id", "metric")


def cell_open_dossiers(*, user: User, scope: Scope, late: bool) -> QuerySet[Dossier]:
    """The dossiers a snapshot cell counts (in process now, on time or late)."""
    structure = structure_for(user=user, day=scope.shown_on)
    agency_ids = scope.agency_ids(structure)
    return (
        open_dossiers(scope=scope, agency_ids=agency_ids, late=late)
        .select_related("procedure_version", "competent_agency", "handler")
        .order_by("due_at", "id")
    )


def is_supervisor(*, user: User) -> bool:
    return bool(supervisor_memberships(user=user))


__all__ = [
    "Level",
    "ListKind",
    "Period",
    "Scope",
    "cell_facts",
    "cell_open_dossiers",
    "dashboard_table",
    "is_supervisor",
    "structure_for",
]
