"""Reads of dossiers, always scoped by who may see or act on them (conventions §3, §9).

:func:`dossier_access_q` is the one answer to "who may see / reach this
dossier"; the list, the counts, the API's detail and the transition service's
locked access path (:func:`dossier_get_for_action`) all build on it, so the
counts per status always equal the list lengths and what a user may act on is
never more than what the same rule lets them reach:

- staff see a dossier when its receiving one-stop or its competent agency is
  among the agencies visible to them
  (:func:`motcua.organisations.jurisdiction.jurisdiction_for`);
- for a coordination answer (T9) or the end of a liên thông leg (T10), an
  officer also reaches a dossier outside their jurisdiction when an agency they
  act in has an open coordination request or leg on it (:data:`SIDE_ACTIONS`);
- a citizen or business account reaches the dossiers it owns (``Party.user``
  with the owner role) — the portal's path for its own actions.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.organisations.jurisdiction import jurisdiction_for

from .constants import DossierStatus, EventAction, PartyRole
from .models import CoordinationRequest, Dossier, LinkedLeg, Party, ResultNumberCounter

# Actions an officer of an agency *outside* the dossier's jurisdiction may take
# when that agency has an open coordination request or liên thông leg on it.
SIDE_ACTIONS = frozenset({EventAction.COORDINATION_ANSWER, EventAction.LINK_DONE})


def dossier_access_q(*, user: User, action: EventAction | None = None) -> Q:
    """The dossiers ``user`` may see (``action=None``) or reach for ``action``, as a filter.

    Reaching a dossier is necessary, not sufficient: whether ``user`` may
    perform ``action`` now (status, step, role) is decided by the transition
    service (:func:`motcua.dossiers.services.dossier_act`).
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.kind != UserKind.STAFF:
        owned = Party.objects.filter(dossier_id=OuterRef("pk"), role=PartyRole.OWNER, user=user)
        return Q(Exists(owned))
    jurisdiction = jurisdiction_for(user=user)
    visible = jurisdiction.visible
    q = Q(received_by_id__in=visible) | Q(competent_agency_id__in=visible)
    if action in SIDE_ACTIONS and jurisdiction.actionable:
        agencies = jurisdiction.actionable
        coordination = CoordinationRequest.objects.filter(
            dossier_id=OuterRef("pk"), answered_at__isnull=True, agency_id__in=agencies
        )
        legs = LinkedLeg.objects.filter(
            dossier_id=OuterRef("pk"), done_at__isnull=True, agency_id__in=agencies
        )
        q |= Q(Exists(coordination)) | Q(Exists(legs))
    return q


def _base(user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_access_q(user=user))


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
    """The single access path to one dossier, to read it or to act on it (conventions §9).

    Raises ``Dossier.DoesNotExist`` when no dossier has ``code`` and
    ``PermissionDenied`` when it exists but ``user`` may not reach it for
    ``action`` (:func:`dossier_access_q`; without ``action``: may not see it).
    With ``for_update`` the row is locked (inside the caller's transaction).
    Whether ``user`` may perform ``action`` depends on the locked state (status,
    current step, handler) and is decided by the transition service
    (:func:`motcua.dossiers.services.dossier_act`), which calls this first.
    One query after the jurisdiction's.
    """
    qs = Dossier.objects.select_related(
        "procedure_version", "variant", "received_by", "competent_agency", "current_step"
    ).annotate(
        reachable=ExpressionWrapper(
            dossier_access_q(user=user, action=action), output_field=BooleanField()
        )
    )
    if for_update:
        # of=("self",): lock the dossier row only, not the joined catalogue rows.
        qs = qs.select_for_update(of=("self",))
    dossier = qs.get(code=code)
    if not dossier.reachable:
        raise PermissionDenied(f"{user} may not reach dossier {code}.")
    return dossier


def lookup_factor_matches(
    *, dossier_id: int, lookup_key: str, key: str = "", identity_number: str = ""
) -> bool:
    """The public lookup's second factor (conventions §6): the receipt's key, or the owner's CCCD.

    The key is compared in constant time, ignoring case and spaces (people copy
    it from paper); without a key, the owner's identity number (one query).
    The API and the portal's lookup page both ask this question here.
    """
    given_key = "".join(key.split()).upper()
    if given_key:
        return secrets.compare_digest(lookup_key.upper(), given_key)
    given_identity = "".join(identity_number.split())
    if not given_identity:
        return False
    owner_identity = (
        Party.objects.filter(dossier_id=dossier_id, role=PartyRole.OWNER)
        .values_list("identity_number", flat=True)
        .first()
    )
    if not owner_identity:
        return False
    return secrets.compare_digest(owner_identity, given_identity)


def result_number_next(*, agency_id: int, on: dt.date) -> int:
    """The number ``agency_id``'s register of results would issue next in ``on``'s year.

    A preview for the clerk's form: the number itself is taken when the result
    is issued (``services._result_number``), so two clerks never get the same.
    """
    last = (
        ResultNumberCounter.objects.filter(agency_id=agency_id, year=on.year)
        .values_list("last", flat=True)
        .first()
    )
    return (last or 0) + 1
