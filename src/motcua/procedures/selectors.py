"""Reads of the catalogue, always "as of" a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import get_language

from motcua.organisations.models import Agency, valid_on_q
from motcua.organisations.selectors import agency_list, today

from .constants import VersionStatus
from .models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
)


def version_valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Published or retired versions whose validity covers ``day``."""
    return (
        Q(**{f"{prefix}status__in": [VersionStatus.PUBLISHED, VersionStatus.RETIRED]})
        & Q(**{f"{prefix}valid_from__lte": day})
        & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day}))
    )


def procedure_version_list_current(*, on: dt.date | None = None) -> QuerySet[ProcedureVersion]:
    """The version of each procedure in force on ``on`` (default today)."""
    return ProcedureVersion.objects.filter(version_valid_on_q(on or today())).select_related(
        "procedure", "field"
    )


def procedure_version_get_current(
    *, national_code: str, on: dt.date | None = None
) -> ProcedureVersion | None:
    return (
        procedure_version_list_current(on=on).filter(procedure__national_code=national_code).first()
    )


@dataclass(frozen=True)
class FieldFacet:
    code: str
    name: str
    count: int


def field_facets() -> list[FieldFacet]:
    """The fields of the procedures in force today with their number of procedures (one query)."""
    rows = (
        procedure_version_list_current()
        .order_by()
        .values("field__code", "field__name", "field__name_en")
        .annotate(n=Count("id"))
    )
    english = (get_language() or "").startswith("en")
    facets = [
        FieldFacet(
            code=row["field__code"],
            name=(
                row["field__name_en"] if english and row["field__name_en"] else row["field__name"]
            ),
            count=row["n"],
        )
        for row in rows
    ]
    return sorted(facets, key=lambda f: f.name)


def receiving_agencies() -> list[Agency]:
    """Agencies valid today, with a code, that receive at least one procedure (one query)."""
    receiving = ProcedureOffering.objects.filter(is_active=True).values("agency_id")
    return list(
        agency_list()
        .exclude(code="")
        .filter(pk__in=Subquery(receiving))
        .order_by("unit__level", "kind", "name")
    )


def procedure_version_get_for_page(*, code: str) -> ProcedureVersion | None:
    """The version of ``code`` in force today with everything its page shows.

    Fixed queries: the version (with procedure and field), variants, components,
    fees, active offerings (with agency and unit), linked procedures and their
    versions in force (skipped when there are none).
    """
    day = today()
    offerings = (
        ProcedureOffering.objects.filter(valid_on_q(day, "agency__"), is_active=True)
        .select_related("agency__unit")
        .order_by("agency__unit__level", "agency__kind", "agency__name")
    )
    linked = Procedure.objects.order_by("national_code").prefetch_related(
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.filter(version_valid_on_q(day)),
            to_attr="current_versions",
        )
    )
    return (
        procedure_version_list_current(on=day)
        .filter(procedure__national_code=code)
        .prefetch_related(
            Prefetch("variants", queryset=ProcedureVariant.objects.order_by("order", "id")),
            Prefetch(
                "variants__components", queryset=ComponentSpec.objects.order_by("order", "id")
            ),
            Prefetch("variants__fees", queryset=FeeRule.objects.order_by("kind", "id")),
            Prefetch("procedure__offerings", queryset=offerings, to_attr="active_offerings"),
            Prefetch("procedure__linked", queryset=linked),
        )
        .first()
    )
