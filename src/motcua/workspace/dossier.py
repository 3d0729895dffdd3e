"""Reads for the staff dossier page: everything an official needs on one screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendars.selectors import working_time_left
from motcua.dossiers.constants import EventAction, PartyRole
from motcua.dossiers.forms_official import ControlSheetRow, control_sheet_rows
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierFee, Party
from motcua.dossiers.selectors import dossier_get_for_action
from motcua.dossiers.services import dossier_allowed_actions
from motcua.payments.models import Payment
from motcua.payments.selectors import payment_list_for_dossier

from .actions import ActionForm, action_form
from .intake import ProcessingPanel, action_options, processing_panel
from .selectors import RUNNING

PREVIEW_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def staff_dossier_get(*, user: User, code: str) -> Dossier:
    """The dossier if ``user`` may see it; 404 for an unknown code and for one outside reach.

    Officers of an agency with an open coordination request or liên thông leg
    on the dossier reach it too (they answer from this page): the side access
    of :data:`motcua.dossiers.selectors.SIDE_ACTIONS`, the same for both actions.
    """
    try:
        return dossier_get_for_action(user=user, code=code, action=EventAction.COORDINATION_ANSWER)
    except (Dossier.DoesNotExist, PermissionDenied) as error:
        raise Http404(code) from error


def staff_document_get(*, user: User, code: str, document_id: int) -> DossierDocument:
    dossier = staff_dossier_get(user=user, code=code)
    document = DossierDocument.objects.filter(dossier=dossier, pk=document_id).first()
    if document is None:
        raise Http404(document_id)
    return document


@dataclass(frozen=True)
class FormRow:
    label: str
    value: str


def form_rows(dossier: Dossier) -> list[FormRow]:
    """The e-form answers as "label: value", labelled by the definition pinned at filing."""
    form = getattr(dossier, "form_data", None)
    if form is None:
        return []
    properties: dict[str, Any] = (form.definition or {}).get("properties", {})
    data: dict[str, Any] = form.data or {}
    rows = []
    for name, prop in properties.items():
        if name not in data:
            continue
        value = data[name]
        enum = prop.get("enum")
        if isinstance(enum, list) and value in enum:
            labels = prop.get("x-enumLabels", enum)
            value = labels[enum.index(value)]
        if isinstance(value, bool):
            value = _("Có") if value else _("Không")
        rows.append(FormRow(label=str(prop.get("title", name)), value=str(value)))
    return rows


@dataclass(frozen=True)
class StaffDossierPage:
    dossier: Dossier
    owner: Party | None
    submitter: Party | None
    form_rows: list[FormRow]
    documents: list[DossierDocument]
    fees: list[DossierFee]
    payments: list[Payment]
    control_sheet: list[ControlSheetRow]
    events: list[DossierEvent]
    due_left: str
    step_due_left: str
    actions: list[ActionForm]
    # gh-6 items 5–7: warnings, coordination, liên thông legs, forms to print.
    processing: ProcessingPanel | None = None


def staff_dossier_page(
    *,
    dossier: Dossier,
    user: User,
    bound: ActionForm | None = None,
    now: dt.datetime | None = None,
) -> StaffDossierPage:
    """All the page shows; ``bound`` replaces the empty form of its action (errors, values)."""
    now = now or timezone.now()
    running = dossier.status in RUNNING
    parties = {p.role: p for p in Party.objects.filter(dossier=dossier)}
    allowed: list[EventAction] = dossier_allowed_actions(dossier=dossier, user=user)
    forms = [
        bound if bound is not None and bound.action == action else action_form(action)
        for action in allowed
    ]
    if bound is not None and bound.action not in allowed:
        forms.insert(0, bound)
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor", "actor_agency", "from_step", "to_step", "to_handler")
        .order_by("seq")
    )
    processing = processing_panel(dossier=dossier, events=events, now=now)
    action_options(forms=forms, dossier=dossier, panel=processing, now=now, user=user)
    return StaffDossierPage(
        dossier=dossier,
        owner=parties.get(PartyRole.OWNER),
        submitter=parties.get(PartyRole.SUBMITTER),
        form_rows=form_rows(dossier),
        documents=list(dossier.documents.order_by("kind", "id")),
        fees=list(dossier.fees.order_by("id")),
        payments=list(payment_list_for_dossier(dossier=dossier)),
        control_sheet=control_sheet_rows(dossier=dossier),
        events=events,
        due_left=working_time_left(
            due=dossier.due_at if running else None, agency=dossier.competent_agency, now=now
        ),
        step_due_left=working_time_left(
            due=dossier.step_due_at if running else None, agency=dossier.competent_agency, now=now
        ),
        actions=forms,
        processing=processing,
    )
