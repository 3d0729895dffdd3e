"""Load the Huế demo data (gh-2 items 6 and 15) through the catalogue services.

The load is one transaction and idempotent: every write is an upsert keyed by
a natural key that saves only what differs, so a second run on an unchanged
database issues no INSERT, UPDATE or DELETE. Demo accounts get their password
and verified e-mail back on every run, so the printed logins always work.

The procedure catalogue (fields, workflows, 48 procedures with their blank
forms) is ``catalogue.json``, imported through
``motcua.procedures.transfer.catalogue_import`` (idempotent too); the
offerings are generated here from each procedure's levels rather than listed
40 times in the JSON. Office hours and users have no service of their own
yet (calendars and accounts own them); the small upserts below keep the same
contract (``full_clean()`` before save, write only on change) until those
apps grow their ``services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from allauth.account.models import EmailAddress

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.validators import normalise_phone
from motcua.calendars.models import WorkPeriod, WorkSchedule
from motcua.core.upsert import assign_changed, save_if_changed
from motcua.organisations.constants import Role
from motcua.organisations.models import AdminUnit, Agency, Counter, StaffMembership
from motcua.organisations.services import (
    admin_unit_upsert,
    agency_upsert,
    counter_upsert,
    department_upsert,
    membership_grant,
)
from motcua.procedures.models import ProcedureField, ProcedureOffering
from motcua.procedures.search import ProcedureSearchEntry, procedure_search_reindex
from motcua.procedures.transfer import catalogue_import, catalogue_load

from . import hue

# All demo accounts share one published password, so they may share one hash:
# a fixed salt makes the hash reproducible, which lets a reload see "password
# unchanged" with one hash computation instead of one per account (PBKDF2 is
# deliberately slow). 22+ letters keep the salt above Django's 128-bit entropy
# floor, so signing in does not trigger a rehash that a reload would undo.
_DEMO_SALT = "motcuaDemoHueSharedSalt"
CATALOGUE = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    description: str  # role and agency, in Vietnamese


@dataclass(frozen=True)
class DemoSummary:
    units: int
    agencies: int
    counters: int
    users: int
    memberships: int
    logins: tuple[DemoLogin, ...]
    password: str = hue.DEMO_PASSWORD
    procedures: int = 0
    offerings: int = 0


def load_hue_demo() -> DemoSummary:
    """Create or bring up to date the Huế units, agencies, catalogue, counters and accounts."""
    with transaction.atomic():
        schedules = {row.name: _schedule_upsert(row) for row in hue.SCHEDULES}
        city, communes = _load_units()
        agencies = _load_agencies(city=city, communes=communes, schedules=schedules)
        procedures = _load_catalogue(agencies=agencies)
        fields = {f.code: f for f in ProcedureField.objects.all()}
        _load_counters(agencies=agencies, fields=fields)
        logins = _load_users(agencies=agencies, communes=communes)
    return DemoSummary(
        units=AdminUnit.objects.count(),
        agencies=Agency.objects.count(),
        counters=Counter.objects.count(),
        users=User.objects.filter(is_demo=True).count(),
        memberships=StaffMembership.objects.filter(user__is_demo=True).count(),
        logins=logins,
        procedures=procedures,
        offerings=ProcedureOffering.objects.count(),
    )


# --- Units ------------------------------------------------------------------------------------
def _load_units() -> tuple[AdminUnit, dict[str, AdminUnit]]:
    """Return Thành phố Huế and its 40 commune-level units by name."""
    province = _unit(
        hue.PROVINCE,
        parent=None,
        valid_from=hue.PROVINCE_FROM,
        valid_to=hue.LAST_DAY_OF_PROVINCE,
        source=hue.SOURCE_PROVINCE,
    )
    city = _unit(
        hue.CITY,
        parent=None,
        valid_from=hue.CITY_FROM,
        source=hue.SOURCE_CITY,
        predecessors=[province],
    )
    districts_2024 = {
        row.name: _unit(
            row,
            parent=province,
            valid_from=hue.DISTRICTS_2024_FROM,
            valid_to=hue.LAST_DAY_OF_PROVINCE,
            source=hue.SOURCE_DISTRICTS_2024,
        )
        for row in hue.DISTRICTS_2024
    }
    districts_2025 = {
        row.unit.name: _unit(
            row.unit,
            parent=city,
            valid_from=hue.CITY_FROM,
            valid_to=hue.LAST_DAY_OF_DISTRICTS,
            source=hue.SOURCE_CITY,
            predecessors=[districts_2024[name] for name in row.predecessors],
        )
        for row in hue.DISTRICTS_2025
    }
    communes: dict[str, AdminUnit] = {}
    for commune in hue.COMMUNES:
        old_units = [
            admin_unit_upsert(
                kind=old.kind,
                name=old.name,
                parent=districts_2025[old.district],
                valid_from=hue.CITY_FROM,
                valid_to=hue.LAST_DAY_OF_DISTRICTS,
                source=hue.SOURCE_OLD_COMMUNES,
            )
            for old in commune.predecessors
        ]
        communes[commune.unit.name] = _unit(
            commune.unit,
            parent=city,
            valid_from=hue.COMMUNES_FROM,
            source=hue.SOURCE_COMMUNES,
            predecessors=old_units,
        )
    return city, communes


def _unit(
    row: hue.Unit,
    *,
    parent: AdminUnit | None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    source: str,
    predecessors: list[AdminUnit] | None = None,
) -> AdminUnit:
    return admin_unit_upsert(
        kind=row.kind,
        name=row.name,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        code=row.code,
        code_scheme=row.code_scheme,
        source=source,
        predecessors=predecessors or (),
    )


# --- Agencies and counters --------------------------------------------------------------------
def _load_agencies(
    *, city: AdminUnit, communes: Mapping[str, AdminUnit], schedules: Mapping[str, WorkSchedule]
) -> dict[str, Agency]:
    rows = [*hue.CITY_AGENCIES]
    for commune in hue.COMMUNES:
        rows.extend(hue.commune_agencies(commune))
    agencies: dict[str, Agency] = {}
    for row in rows:  # a parent always comes before its children
        agency = agency_upsert(
            name=row.name,
            name_en=row.name_en,
            kind=row.kind,
            unit=communes[row.unit] if row.unit else city,
            code=row.code,
            parent=agencies[row.parent] if row.parent else None,
            valid_from=hue.AGENCIES_FROM,
            address=row.address,
            email=row.email,
            schedule=schedules[row.schedule] if row.schedule else None,
        )
        for name, name_en in row.departments:
            department_upsert(agency=agency, name=name, name_en=name_en)
        agencies[row.key] = agency
    return agencies


def _load_counters(*, agencies: Mapping[str, Agency], fields: Mapping[str, ProcedureField]) -> None:
    # (centre, the commune's People's Committee if any, counters)
    placements: list[tuple[Agency, Agency | None, tuple[hue.CounterRow, ...]]] = [
        (agencies["trungtam"], None, hue.CITY_CENTRE_COUNTERS)
    ]
    for name in hue.DEMO_COMMUNES:
        placements.append(
            (
                agencies[hue.commune_centre_key(name)],
                agencies[hue.commune_ubnd_key(name)],
                hue.COMMUNE_CENTRE_COUNTERS,
            )
        )
    for centre, commune_ubnd, rows in placements:
        for row in rows:
            operator = commune_ubnd if row.operator == hue.COMMUNE_UBND else agencies[row.operator]
            counter_upsert(
                agency=centre,
                number=row.number,
                name=row.name,
                operator=operator,
                fields=[fields[code] for code in row.fields],
            )
    # The queue (gh-7): one ticket service per counter, so the kiosk and counters work.
    from motcua.tickets.demo import load_demo_queue

    load_demo_queue(
        centres=[centre for centre, _ubnd, _rows in placements],
        interleaved=[agencies["trungtam"]],
    )


# --- Catalogue and offerings -------------------------------------------------------------------
def _load_catalogue(*, agencies: Mapping[str, Agency]) -> int:
    """Import the demo catalogue; offer each procedure where its levels say. Returns the count.

    Commune-level procedures are received by all 40 commune centres, province-
    level ones by the city centre, each with the local code
    ``<mã TTHC>.<agency code>`` (domain.md §4.8). Business registration is
    routed to its own counter field (the "Đăng ký kinh doanh" counter in the
    city centre, "Kinh tế – Văn hóa, xã hội" in the communes).
    """
    document = catalogue_load(CATALOGUE.read_bytes())
    centres = [agencies[hue.commune_centre_key(c.unit.name)] for c in hue.COMMUNES]
    offerings: list[dict[str, Any]] = []
    for procedure in document["procedures"]:
        version = procedure["versions"][-1]
        code = procedure["national_code"]
        counter_field = (
            version["field"]
            if version["field"] in (hue.ENTERPRISES, hue.HOUSEHOLD_BUSINESSES)
            else None
        )
        where = [*(centres if 3 in version["levels"] else [])]
        where += [agencies["trungtam"]] if 1 in version["levels"] else []
        offerings += [
            {
                "agency_code": centre.code,
                "national_code": code,
                "local_code": f"{code}.{centre.code}",
                "counter_field": counter_field,
                "online_open": version["online_mode"] != "none",
                "is_active": True,
            }
            for centre in where
        ]
    catalogue_import({**document, "offerings": offerings})
    # A database whose catalogue predates the search index (migration 0003)
    # has nothing to reindex on an unchanged import: fill the index once.
    if not ProcedureSearchEntry.objects.exists():
        procedure_search_reindex()
    return len(document["procedures"])


# --- Users ------------------------------------------------------------------------------------
def _load_users(
    *, agencies: Mapping[str, Agency], communes: Mapping[str, AdminUnit]
) -> tuple[DemoLogin, ...]:
    password = make_password(hue.DEMO_PASSWORD, salt=_DEMO_SALT)
    logins: list[DemoLogin] = []
    for staff in hue.STAFF:
        user = _demo_user_upsert(
            username=staff.username,
            password=password,
            full_name=staff.full_name,
            kind=UserKind.STAFF,
            is_staff=staff.is_admin,
            is_superuser=staff.is_admin,
        )
        agency = agencies[staff.agency]
        department = agency.departments.get(name=staff.department) if staff.department else None
        membership_grant(
            user=user,
            agency=agency,
            role=staff.role,
            department=department,
            valid_from=hue.AGENCIES_FROM,
        )
        where = f"{department.name}, {agency.display_name}" if department else agency.display_name
        logins.append(
            DemoLogin(staff.username, staff.full_name, f"{Role(staff.role).label} – {where}")
        )
    for applicant in hue.APPLICANTS:
        ward = communes[applicant.ward]
        _demo_user_upsert(
            username=applicant.username,
            password=password,
            full_name=applicant.full_name,
            kind=applicant.kind,
            identity_number=applicant.identity_number,
            date_of_birth=applicant.date_of_birth,
            tax_code=applicant.tax_code,
            # Demo numbers are fictitious: marked verified so sign-in never waits for a text.
            phone=normalise_phone(applicant.phone),
            phone_verified=True,
            address_unit=ward,
            address_street=applicant.address_street,
        )
        if applicant.kind == UserKind.BUSINESS:
            who = _("Doanh nghiệp – mã số thuế %(tax_code)s") % {"tax_code": applicant.tax_code}
        else:
            who = _("Công dân – %(ward)s") % {"ward": ward.display_name}
        logins.append(DemoLogin(applicant.username, applicant.full_name, who))
    return tuple(logins)


def _demo_user_upsert(*, username: str, password: str, **values: object) -> User:
    """Create or update a demo account with a verified, primary e-mail address.

    The allauth ``EmailAddress`` row is what lets a demo user sign in by
    e-mail straight away: sign-up verification is mandatory otherwise.
    """
    email = f"{username}@{hue.EMAIL_DOMAIN}"
    user = User.objects.filter(username=username).first() or User(username=username)
    changed = assign_changed(user, {**values, "email": email, "is_demo": True, "is_active": True})
    if user.password != password:
        user.password = password
        changed = True
    save_if_changed(user, changed)
    address = EmailAddress.objects.filter(user=user, email=email).first() or EmailAddress(
        user=user, email=email
    )
    save_if_changed(address, assign_changed(address, {"verified": True, "primary": True}))
    return user


# --- Office hours ------------------------------------------------------------------------------
def _schedule_upsert(row: hue.Schedule) -> WorkSchedule:
    """Create or update a schedule; its periods become exactly ``row.periods``.

    Only one schedule may be the default: if an administrator already chose
    another one, the demo leaves that choice alone.
    """
    schedule = WorkSchedule.objects.filter(name=row.name).first() or WorkSchedule(name=row.name)
    is_default = (
        row.is_default
        and not WorkSchedule.objects.filter(is_default=True).exclude(name=row.name).exists()
    )
    changed = assign_changed(
        schedule, {"is_default": is_default, "same_day_cutoff": row.same_day_cutoff}
    )
    save_if_changed(schedule, changed)
    current = set(schedule.periods.values_list("weekday", "start", "end"))
    if current != set(row.periods):
        schedule.periods.all().delete()
        for weekday, start, end in row.periods:
            period = WorkPeriod(schedule=schedule, weekday=weekday, start=start, end=end)
            period.full_clean()
            period.save()
    return schedule
