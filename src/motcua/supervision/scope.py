"""Which agencies a supervision figure covers, within the user's jurisdiction (gh-8).

A dossier belongs to a unit when its **competent agency** (the body that
decides and is measured on time, NĐ 61 Art 30) is one of the scope's
agencies. Staff pages build a scope from :func:`scope_for` (never wider than
``jurisdiction_for(user).visible``); the public page builds one per agency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.organisations.constants import UnitLevel
from motcua.organisations.jurisdiction import jurisdiction_for
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_list


@dataclass(frozen=True)
class Scope:
    agency_ids: frozenset[int]
    label: str
    # QĐ 766 notes: at commune level, criteria that do not apply score the maximum.
    commune: bool = False


def scope_of(agencies: Iterable[Agency], *, label: str = "") -> Scope:
    """The scope of ``agencies`` (each with ``unit`` loaded); commune-level when all are."""
    rows = list(agencies)
    commune = bool(rows) and all(a.unit.level == UnitLevel.COMMUNE for a in rows)
    name = label or (rows[0].display_name if len(rows) == 1 else _("Các đơn vị được giao"))
    return Scope(agency_ids=frozenset(a.pk for a in rows), label=name, commune=commune)


def visible_agencies(*, user: User) -> list[Agency]:
    """Agencies ``user`` may supervise today, by name (2–6 queries)."""
    visible = jurisdiction_for(user=user).visible
    return list(agency_list().filter(id__in=visible)) if visible else []


def scope_for(*, user: User, agency_id: int | None, agencies: list[Agency] | None = None) -> Scope:
    """One visible agency, or all of them when ``agency_id`` is ``None``.

    ``agencies`` is ``visible_agencies(user=user)`` when the caller already has
    it (the report pages list them too), so jurisdiction is resolved once.
    Raises ``PermissionDenied`` when the user sees no agency or asks for one
    outside their jurisdiction.
    """
    if agencies is None:
        agencies = visible_agencies(user=user)
    if not agencies:
        raise PermissionDenied(_("Bạn chưa được giao theo dõi đơn vị nào."))
    if agency_id is None:
        return scope_of(agencies)
    chosen = [a for a in agencies if a.pk == agency_id]
    if not chosen:
        raise PermissionDenied(_("Đơn vị này không thuộc phạm vi bạn được giao."))
    return scope_of(chosen)
