"""Reads for oversight (gh-6 item 11): the running dossiers of a head's or leader's units.

Heads of division and agency leaders see the dossiers of their agencies whose
clock runs (received or processing) by current workflow step and by handling
officer, each split by lateness (in time, due within one working day, overdue),
and reassign a dossier through the engine's ``assign`` action. Supervisors and
agency leaders also see their unit subtree (the province sees its communes),
read-only: reassigning stays with the leaders of the competent agency, which is
what :func:`motcua.dossiers.services.dossier_act` checks.

One filter per cell, :func:`cell_q`, serves both the table
(:func:`oversight_table` counts with it) and the list the cell links to
(:func:`oversight_dossiers` filters with it), so every number equals the length
of its list. "Due soon" and "overdue" mean what they mean on the staff home
(the same horizon of one working day; tested against its queues).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus, PartyRole
from motcua.dossiers.models import Dossier, Party
from motcua.organisations.constants import Role
from motcua.organisations.jurisdiction import SUBTREE_ROLES
from motcua.organisations.selectors import admin_unit_subtree_ids, agency_list, today
from motcua.procedures.models import WorkflowStep

from .selectors import RUNNING, Desk, memberships_today, one_working_day_from

# Who reassigns in their own agency (the engine's rule for ``assign``).
MANAGING_ROLES = frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER})
# Who may open the oversight pages at all.
OVERSIGHT_ROLES = MANAGING_ROLES | {Role.SUPERVISOR}
# ``nhom`` value of the "no step yet" / "not assigned" row (ids start at 1).
NONE_KEY = 0


class Lateness(StrEnum):
    """The lateness columns; the value is the URL parameter."""

    ON_TIME = "trong-han"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"

    @property
    def label(self) -> str | Promise:
        return LATENESS_LABELS[self]


LATENESS_LABELS: dict[Lateness, str | Promise] = {
    Lateness.ON_TIME: _("Trong hạn"),
    Lateness.DUE_SOON: _("Đến hạn trong 1 ngày làm việc"),
    Lateness.OVERDUE: _("Quá hạn"),
}


class By(StrEnum):
    """How the table groups the dossiers; the value is the URL parameter."""

    STEP = "buoc"
    OFFICER = "can-bo"

    @property
    def label(self) -> str | Promise:
        return BY_LABELS[self]


BY_LABELS: dict[By, str | Promise] = {
    By.STEP: _("Theo bước xử lý"),
    By.OFFICER: _("Theo cán bộ xử lý"),
}
GROUP_FIELD: dict[By, str] = {By.STEP: "current_step_id", By.OFFICER: "handler_id"}


@dataclass(frozen=True)
class Watch:
    """Who oversees what, and when.

    ``managed``: agencies where the official is head of division or leader (may
    reassign there); ``overseen``: every agency whose dossiers they see here
    (``managed`` plus the subtree of supervising and leading memberships).
    """

    user: User
    managed: frozenset[int]
    overseen: frozenset[int]
    desk: Desk

    @property
    def now(self) -> dt.datetime:
        return self.desk.now

    @property
    def read_only(self) -> bool:
        return not self.managed

    def can_reassign(self, dossier: Dossier) -> bool:
        """Whether the page offers reassigning ``dossier`` (the engine decides in the end)."""
        return (
            dossier.status == DossierStatus.PROCESSING
            and dossier.competent_agency_id in self.managed
        )


def watch_for(*, user: User, now: dt.datetime | None = None) -> Watch | None:
    """The official's oversight, or ``None`` when they hold no overseeing role today.

    Queries: one for the memberships; for a subtree, one per unit level (three
    at most) and one for its agencies; one for the calendar's agency.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    day = today()
    rows = list(
        memberships_today(user=user, roles=OVERSIGHT_ROLES).values_list(
            "agency_id", "role", "agency__unit_id"
        )
    )
    if not rows:
        return None
    managed = {agency for agency, role, _unit in rows if role in MANAGING_ROLES}
    overseen = {agency for agency, _role, _unit in rows}
    roots = {unit for _agency, role, unit in rows if role in SUBTREE_ROLES}
    if roots:
        units = admin_unit_subtree_ids(roots=roots, on=day)
        overseen.update(agency_list(on=day).filter(unit_id__in=units).values_list("id", flat=True))
    now = now or timezone.now()
    # The same horizon as the staff home's queues, from the first agency of the memberships.
    soon = one_working_day_from(now, agency_ids=[agency for agency, _r, _u in rows])
    return Watch(
        user=user,
        managed=frozenset(managed),
        overseen=frozenset(overseen),
        desk=Desk(user=user, roles={}, now=now, soon=soon),
    )


def scope_q(watch: Watch) -> Q:
    """The dossiers overseen: clock running, received or handled by an overseen agency."""
    agencies = sorted(watch.overseen)
    return Q(status__in=RUNNING) & (
        Q(competent_agency_id__in=agencies) | Q(received_by_id__in=agencies)
    )


def lateness_q(watch: Watch, lateness: Lateness) -> Q:
    """One lateness column; the three partition the running dossiers (no due instant: in time).

    Within :func:`scope_q` (running dossiers only) "due soon" and "overdue" are
    the staff home's queues (:func:`motcua.workspace.selectors.queue_q`) without
    their status condition, which the scope already holds: repeated, it would
    make PostgreSQL underestimate the rows and pick slow nested loops.
    """
    desk = watch.desk
    if lateness is Lateness.OVERDUE:
        return Q(due_at__lt=desk.now)
    if lateness is Lateness.DUE_SOON:
        return Q(due_at__gte=desk.now, due_at__lte=desk.soon)
    return Q(due_at__gt=desk.soon) | Q(due_at__isnull=True)


def group_q(by: By, key: int) -> Q:
    """One row of the table: a step or an officer (``NONE_KEY``: none yet)."""
    name = GROUP_FIELD[by]
    if key == NONE_KEY:
        return Q(**{f"{name}__isnull": True})
    return Q(**{name: key})


def cell_q(watch: Watch, by: By, key: int, lateness: Lateness | None) -> Q:
    """The dossiers of one cell (``lateness=None``: the row's total)."""
    q = group_q(by, key)
    if lateness is not None:
        q &= lateness_q(watch, lateness)
    return q


def at_risk_q(watch: Watch) -> Q:
    """Due within one working day and not at the last step of the workflow."""
    later = WorkflowStep.objects.filter(
        template_id=OuterRef("current_step__template_id"),
        order__gt=OuterRef("current_step__order"),
    )
    return lateness_q(watch, Lateness.DUE_SOON) & (Q(current_step__isnull=True) | Q(Exists(later)))


@dataclass
class Row:
    """One line of the table: a step (or an officer) and its counts per lateness."""

    key: int
    label: str
    note: str = ""
    counts: dict[Lateness, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[Lateness, int]]:
        return [(lateness, self.counts.get(lateness, 0)) for lateness in Lateness]


NO_STEP = _("Chưa chuyển xử lý (tại bộ phận một cửa)")
NO_HANDLER = _("Chưa phân công")


def oversight_table(*, watch: Watch, by: By) -> list[Row]:
    """The running dossiers grouped ``by`` step or officer, counted per lateness: one query.

    Steps come in workflow order (the step not yet transferred first); officers
    with the most overdue dossiers first.
    """
    name = GROUP_FIELD[by]
    labels = (
        ("current_step__name", "current_step__template__name", "current_step__order")
        if by is By.STEP
        else ("handler__full_name", "handler__username")
    )
    rows = (
        Dossier.objects.filter(scope_q(watch))
        .values(name, *labels)
        .annotate(
            **{
                lateness.name: Count("pk", filter=lateness_q(watch, lateness))
                for lateness in Lateness
            }
        )
        .order_by()
    )
    table: list[Row] = []
    for values in rows:
        key = values[name] or NONE_KEY
        if by is By.STEP:
            label = str(values["current_step__name"] or NO_STEP)
            note = values["current_step__template__name"] or ""
        else:
            label = values["handler__full_name"] or values["handler__username"] or str(NO_HANDLER)
            note = values["handler__username"] or ""
        table.append(
            Row(
                key=key,
                label=label,
                note=note,
                counts={lateness: int(values[lateness.name]) for lateness in Lateness},
            )
        )
    if by is By.STEP:
        orders = {
            v[name] or NONE_KEY: (v["current_step__template__name"] or "", v["current_step__order"])
            for v in rows
        }
        table.sort(key=lambda r: (r.key != NONE_KEY, orders[r.key][0], orders[r.key][1] or 0))
    else:
        table.sort(key=lambda r: (-r.counts[Lateness.OVERDUE], r.key == NONE_KEY, r.label))
    return table


def oversight_dossiers(*, watch: Watch, q: Q | None = None) -> QuerySet[Dossier]:
    """The overseen dossiers matching ``q`` (a cell, the at-risk list), soonest deadline first.

    What a row shows comes in the same query: one query per page whatever its size.
    """
    owner = Party.objects.filter(dossier_id=OuterRef("pk"), role=PartyRole.OWNER)
    return (
        Dossier.objects.filter(scope_q(watch))
        .filter(q or Q())
        .select_related(
            "procedure_version", "received_by", "competent_agency", "current_step", "handler"
        )
        .annotate(owner_name=Subquery(owner.values("full_name")[:1]))
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def at_risk_count(*, watch: Watch) -> int:
    return oversight_dossiers(watch=watch, q=at_risk_q(watch)).order_by().count()


def oversees(*, user: User) -> bool:
    """Whether ``user`` may open the oversight pages (one query)."""
    return memberships_today(user=user, roles=OVERSIGHT_ROLES).exists()
