"""Reads of the organisation catalogue, always "as of" a date.

Units and agencies carry validity dates; every read here takes the date whose
structure it wants (default: today in Asia/Ho_Chi_Minh), so a period before
01/07/2025 is shown with its districts and a later one without.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Prefetch, QuerySet, When
from django.utils import timezone

from .constants import AgencyKind, UnitLevel
from .models import AdminUnit, Agency, valid_on_q


def today() -> dt.date:
    return timezone.localdate()


def admin_unit_list(
    *, on: dt.date | None = None, level: UnitLevel | None = None
) -> QuerySet[AdminUnit]:
    """Units valid on ``on``, optionally of one level, with their parent."""
    qs = AdminUnit.objects.filter(valid_on_q(on or today())).select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by("level", "name")


def admin_unit_subtree_ids(*, roots: Iterable[int], on: dt.date | None = None) -> set[int]:
    """Ids of ``roots`` and every unit below them in the structure valid on ``on``.

    One query per level (three at most), whatever the number of units.
    """
    day = on or today()
    found = set(roots)
    frontier = set(found)
    while frontier:
        children = set(
            AdminUnit.objects.filter(valid_on_q(day), parent_id__in=frontier).values_list(
                "id", flat=True
            )
        )
        frontier = children - found
        found |= frontier
    return found


def agency_list(*, on: dt.date | None = None) -> QuerySet[Agency]:
    return (
        Agency.objects.filter(valid_on_q(on or today()))
        .select_related("unit", "parent")
        .order_by("name")
    )


# Agencies listed in the public directory, by level: the bodies a citizen
# deals with (not internal offices).
DIRECTORY_KINDS = (
    AgencyKind.SERVICE_CENTER,
    AgencyKind.RECEPTION_POINT,
    AgencyKind.DEPARTMENT,
    AgencyKind.VERTICAL,
    AgencyKind.PEOPLES_COMMITTEE,
)


def agency_directory(*, on: dt.date | None = None) -> dict[int, list[Agency]]:
    """Public agency directory valid on ``on``, grouped by the level of the unit served.

    Two queries (agencies with their unit; counters), whatever the number of agencies.
    """
    from .models import Counter

    qs = (
        agency_list(on=on)
        .filter(kind__in=DIRECTORY_KINDS)
        .prefetch_related(
            Prefetch("counters", queryset=Counter.objects.filter(is_active=True).order_by("number"))
        )
        # Within a level: service centres first (where citizens go), then the rest.
        .annotate(
            kind_rank=Case(
                *(When(kind=kind, then=rank) for rank, kind in enumerate(DIRECTORY_KINDS)),
                output_field=IntegerField(),
            )
        )
        .order_by("unit__level", "kind_rank", "name")
    )
    grouped: dict[int, list[Agency]] = defaultdict(list)
    for agency in qs:
        grouped[agency.unit.level].append(agency)
    return dict(grouped)


def agency_get_by_code(*, code: str, on: dt.date | None = None) -> Agency | None:
    return agency_list(on=on).filter(code=code).first()


def service_center_get_for_unit_level(
    *, level: UnitLevel, on: dt.date | None = None
) -> Agency | None:
    """The first service center serving a unit of ``level`` (e.g. the provincial center)."""
    return (
        agency_list(on=on)
        .filter(kind=AgencyKind.SERVICE_CENTER, unit__level=level)
        .order_by("id")
        .first()
    )
