"""Jurisdiction: which agencies' dossiers a user may see, and act on (gh-2 item 10).

This is the one place that answers the question; every later access function
(``dossier_get_for_action`` and friends) builds on it. The rules:

* Staff act only within the agency of a membership valid today (NĐ 118:
  each body handles its own dossiers), and only in roles that act.
* Supervisors and agency leaders also *see* everything in their agency's
  unit subtree (the province sees its communes), read-only, as of today's
  structure of units.
* A membership outside its validity dates grants nothing: staff are seconded
  for fixed periods (NĐ 61 Art 11–12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.accounts.models import User

from .constants import Role
from .models import Agency, StaffMembership, valid_on_q
from .selectors import admin_unit_subtree_ids, agency_list, today

# Roles that process dossiers of their own agency.
ACTING_ROLES = frozenset(
    {
        Role.RECEPTION_OFFICER,
        Role.SPECIALIST,
        Role.DIVISION_HEAD,
        Role.AGENCY_LEADER,
        Role.CLERK,
        Role.RETURNER,
        Role.FEE_COLLECTOR,
        Role.POSTAL,
    }
)
# Roles that oversee the unit subtree of their agency, read-only.
SUBTREE_ROLES = frozenset({Role.SUPERVISOR, Role.AGENCY_LEADER})


@dataclass(frozen=True)
class Jurisdiction:
    """Agency ids a user may see and act on, on one date."""

    visible: frozenset[int]
    actionable: frozenset[int]

    def can_see(self, agency_id: int) -> bool:
        return agency_id in self.visible

    def can_act(self, agency_id: int) -> bool:
        return agency_id in self.actionable


NOBODY = Jurisdiction(visible=frozenset(), actionable=frozenset())


def jurisdiction_for(*, user: User, on: dt.date | None = None) -> Jurisdiction:
    """The agencies ``user`` may see and act on, on ``on`` (default today).

    Queries: one for memberships, and when a membership oversees a subtree,
    up to three for the units and one for the agencies serving them.
    """
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    day = on or today()
    memberships = list(
        StaffMembership.objects.filter(valid_on_q(day), valid_on_q(day, "agency__"), user=user)
        .select_related("agency")
        .only("role", "agency_id", "agency__unit_id")
    )
    if not memberships:
        return NOBODY

    visible: set[int] = set()
    actionable: set[int] = set()
    subtree_roots: set[int] = set()
    for membership in memberships:
        visible.add(membership.agency_id)
        if membership.role in ACTING_ROLES:
            actionable.add(membership.agency_id)
        if membership.role in SUBTREE_ROLES:
            subtree_roots.add(membership.agency.unit_id)

    if subtree_roots:
        units = admin_unit_subtree_ids(roots=subtree_roots, on=day)
        visible.update(agency_list(on=day).filter(unit_id__in=units).values_list("id", flat=True))
    return Jurisdiction(visible=frozenset(visible), actionable=frozenset(actionable))


def agency_list_visible(*, user: User, on: dt.date | None = None) -> QuerySet[Agency]:
    return agency_list(on=on).filter(id__in=jurisdiction_for(user=user, on=on).visible)


def agency_list_actionable(*, user: User, on: dt.date | None = None) -> QuerySet[Agency]:
    return agency_list(on=on).filter(id__in=jurisdiction_for(user=user, on=on).actionable)
