"""Reads of dossiers, always scoped by the acting user's jurisdiction (conventions §3, §9).

A staff member sees a dossier when the receiving one-stop or the competent
agency is among the agencies visible to them
(:func:`motcua.organisations.jurisdiction.jurisdiction_for`). The list, the
counts and the single access path for actions share one base queryset, so the
counts per status always equal the list lengths.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.accounts.models import User
from motcua.organisations.jurisdiction import jurisdiction_for

from .constants import DossierStatus, EventAction
from .models import Dossier, Party


def _visible_q(user: User) -> Q:
    visible = jurisdiction_for(user=user).visible
    return Q(received_by_id__in=visible) | Q(competent_agency_id__in=visible)


def _base(user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(_visible_q(user))


def dossier_list(
    *,
    user: User,
    status: DossierStatus | None = None,
    agency_code: str | None = None,
    due_before: dt.datetime | None = None,
    q: str | None = None,
) -> QuerySet[Dossier]:
    """Dossiers ``user`` may see, newest reception first, filtered.

    - ``agency_code``: received by or competent agency with that identifier code;
    - ``due_before``: due strictly before that instant;
    - ``q``: part of the dossier code, part of a party's name, or a party's exact
      identity number / tax code (an ``EXISTS`` subquery, so no duplicates).

    The related rows a list shows (version, variant, both agencies, step,
    handler) come in the same query: the number of queries does not grow with
    the number of dossiers.
    """
    qs = _base(user).select_related(
        "procedure_version",
        "variant",
        "received_by",
        "competent_agency",
        "current_step",
        "handler",
    )
    if status is not None:
        qs = qs.filter(status=status)
    if agency_code:
        qs = qs.filter(Q(received_by__code=agency_code) | Q(competent_agency__code=agency_code))
    if due_before is not None:
        qs = qs.filter(due_at__lt=due_before)
    if q:
        text = q.strip()
        parties = Party.objects.filter(dossier_id=OuterRef("pk")).filter(
            Q(full_name__icontains=text) | Q(identity_number=text) | Q(tax_code=text)
        )
        qs = qs.filter(Q(code__icontains=text) | Exists(parties))
    return qs


def dossier_counts_by_status(*, user: User) -> dict[DossierStatus, int]:
    """How many visible dossiers are in each status (every status present, 0 if none).

    Built on the same base queryset as :func:`dossier_list`, so each count
    equals ``dossier_list(user=user, status=s).count()``.
    """
    counts = dict.fromkeys(DossierStatus, 0)
    rows = _base(user).order_by().values_list("status").annotate(n=Count("id"))
    for status, n in rows:
        counts[DossierStatus(status)] = n
    return counts


def dossier_get_for_action(
    *, user: User, code: str, action: EventAction | None = None, for_update: bool = False
) -> Dossier:
    """The single access path to one dossier for a staff member (conventions §9).

    Raises ``Dossier.DoesNotExist`` when no dossier has ``code`` and
    ``PermissionDenied`` when it exists but lies outside ``user``'s jurisdiction.
    With ``for_update`` the row is locked (inside the caller's transaction).
    Whether ``user`` may perform ``action`` depends on the locked state (status,
    current step, handler) and is decided by the transition service
    (:func:`motcua.dossiers.services.dossier_act`), which calls this first.
    """
    qs = Dossier.objects.select_related(
        "procedure_version", "variant", "received_by", "competent_agency", "current_step"
    )
    if for_update:
        # of=("self",): lock the dossier row only, not the joined catalogue rows.
        qs = qs.select_for_update(of=("self",))
    dossier = qs.get(code=code)
    visible = jurisdiction_for(user=user).visible
    if dossier.received_by_id not in visible and dossier.competent_agency_id not in visible:
        raise PermissionDenied(f"Dossier {code} is outside the user's jurisdiction.")
    return dossier
