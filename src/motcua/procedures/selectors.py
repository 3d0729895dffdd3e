"""Reads of the catalogue, always "as of" a date."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from motcua.organisations.selectors import today

from .constants import VersionStatus
from .models import ProcedureVersion


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
