"""Writes to the unit and agency catalogue: idempotent upserts keyed by natural keys.

Every function here is keyword-only, calls ``full_clean()`` before saving and
saves only when something changed, so loading the same data twice writes
nothing (the demo loader, and later catalogue imports, rely on that). Each
returns the model instance. Callers own the transaction.

Vietnamese names are normalised to NFC on the way in (conventions §5): the
same name typed in decomposed form must hit the same row, not create a twin.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendars.models import WorkSchedule
from motcua.core.upsert import assign_changed, save_if_changed
from motcua.procedures.models import ProcedureField

from .constants import AdminUnitKind, AgencyKind, Role
from .models import AdminUnit, Agency, Counter, Department, StaffMembership


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def admin_unit_upsert(
    *,
    kind: AdminUnitKind,
    name: str,
    parent: AdminUnit | None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    code: str = "",
    code_scheme: str = "gso",
    source: str = "",
    predecessors: Iterable[AdminUnit] = (),
) -> AdminUnit:
    """Create or update the unit keyed by (kind, name, parent, valid_from).

    That key mirrors the model's uniqueness rules: a reorganisation makes a new
    row with a new ``valid_from`` (or a new parent), never edits the old one.

    ``predecessors`` are added, never removed: links entered later by hand
    (for instance the communes domain.md leaves as "—" until QĐ 614/QĐ-UBND is
    transcribed) survive a reload. Each predecessor must have ended before this
    unit starts, since "formed from" only points back in time (domain.md §3.2);
    that also rules out a unit formed from itself.
    """
    name = _nfc(name)
    unit = AdminUnit.objects.filter(
        kind=kind, name=name, parent=parent, valid_from=valid_from
    ).first() or AdminUnit(kind=kind, name=name, parent=parent, valid_from=valid_from)
    wanted = {p.pk: p for p in predecessors}
    for predecessor in wanted.values():
        if predecessor.valid_to is None or predecessor.valid_to >= valid_from:
            raise ValidationError(
                {
                    "predecessors": _(
                        "Đơn vị cũ “%(old)s” phải hết hiệu lực trước ngày đơn vị mới có hiệu lực."
                    )
                    % {"old": predecessor}
                }
            )
    changed = assign_changed(
        unit,
        {"valid_to": valid_to, "code": code, "code_scheme": code_scheme, "source": _nfc(source)},
    )
    save_if_changed(unit, changed)
    if wanted:
        linked = set(unit.predecessors.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [p for pk, p in wanted.items() if pk not in linked]
        if missing:
            unit.predecessors.add(*missing)
    return unit


def agency_upsert(
    *,
    name: str,
    kind: AgencyKind,
    unit: AdminUnit,
    code: str = "",
    name_en: str = "",
    parent: Agency | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    schedule: WorkSchedule | None = None,
) -> Agency:
    """Create or update an agency keyed by its identifier ``code``, else by (name, unit).

    ``schedule`` empty means the agency follows the default office hours.
    """
    name = _nfc(name)
    if code:
        agency = Agency.objects.filter(code=code).first() or Agency(code=code)
    else:
        agency = Agency.objects.filter(name=name, unit=unit, code="").first() or Agency()
    changed = assign_changed(
        agency,
        {
            "name": name,
            "name_en": name_en,
            "kind": kind,
            "unit": unit,
            "parent": parent,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "address": _nfc(address),
            "phone": phone,
            "email": email,
            "schedule": schedule,
        },
    )
    save_if_changed(agency, changed)
    return agency


def department_upsert(*, agency: Agency, name: str, name_en: str = "") -> Department:
    """Create or update the division (phòng) ``name`` of ``agency``."""
    name = _nfc(name)
    department = Department.objects.filter(agency=agency, name=name).first() or Department(
        agency=agency, name=name
    )
    changed = assign_changed(department, {"name_en": name_en})
    save_if_changed(department, changed)
    return department


def counter_upsert(
    *,
    agency: Agency,
    number: int,
    name: str,
    fields: Iterable[ProcedureField] = (),
    operator: Agency | None = None,
) -> Counter:
    """Create or update counter ``number`` of ``agency``; its fields become exactly ``fields``."""
    counter = Counter.objects.filter(agency=agency, number=number).first() or Counter(
        agency=agency, number=number
    )
    changed = assign_changed(counter, {"name": _nfc(name), "operator": operator})
    save_if_changed(counter, changed)
    wanted = {f.pk for f in fields}
    current = set(counter.fields.values_list("pk", flat=True))
    if wanted != current:
        counter.fields.set(wanted)
    return counter


def membership_grant(
    *,
    user: User,
    agency: Agency,
    role: Role,
    department: Department | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> StaffMembership:
    """Give ``user`` the ``role`` in ``agency`` (and ``department``) from ``valid_from``.

    Idempotent on (user, agency, role, department, valid_from); a second call
    only updates ``valid_to``. A new secondment period is a new row (NĐ 61
    Art 11–12), so history of who held which role when is kept.
    """
    membership = StaffMembership.objects.filter(
        user=user, agency=agency, role=role, department=department, valid_from=valid_from
    ).first() or StaffMembership(
        user=user, agency=agency, role=role, department=department, valid_from=valid_from
    )
    changed = assign_changed(membership, {"valid_to": valid_to})
    save_if_changed(membership, changed)
    return membership
