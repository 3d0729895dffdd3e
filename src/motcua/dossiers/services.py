"""Writes of the dossier engine: reception and the one transition service (gh-4 items 3–5, 7).

Everything that changes a dossier goes through here — views, the API, the
admin and tasks call :func:`dossier_receive` or :func:`dossier_act`
(conventions §3, §4). Each transition:

1. locks the dossier row (``select_for_update``) through the single access
   path :func:`motcua.dossiers.selectors.dossier_get_for_action`;
2. checks the action is possible *now*: it has an edge from the current
   status in :data:`motcua.dossiers.workflow.ACTION_EDGES` (each an edge of
   ``ALLOWED_TRANSITIONS``) and every guard of that edge holds, e.g. the
   current workflow step allows it (else :class:`TransitionRefused`, 409);
3. checks the actor: a valid membership with the right role in the right
   agency (else ``PermissionDenied``, answered 403) — the receiving one-stop
   for one-stop actions, the competent agency for processing actions, the
   step's role for step actions;
4. applies the action's handler (related records, deadlines), appends the
   hash-chained history event, updates the derived fields, marks the dossier
   as not synced with DVCQG, and schedules side effects after commit.

Rules chosen where the law and the issue are silent are stated in each
handler's docstring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.calendars.constants import DurationUnit
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import (
    WorkCalendar,
    add_working_time,
    is_office_instant,
    working_time_between,
)
from motcua.core.inserts import insert_rows
from motcua.core.refdata import Snapshot, snapshot
from motcua.core.sequences import sequence_at_least, sequence_next
from motcua.core.text import fold, nfc
from motcua.organisations.constants import AgencyKind, Role
from motcua.organisations.jurisdiction import ACTING_ROLES, jurisdiction_for
from motcua.organisations.models import Agency, StaffMembership, valid_on_q
from motcua.procedures.constants import StepAction
from motcua.procedures.eforms import eform_validate
from motcua.procedures.models import (
    ComponentSpec,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
)
from motcua.procedures.selectors import (
    procedure_version_get_current,
    procedure_version_list_current,
)

from .codes import dossier_code_assign, lookup_key_new
from .constants import (
    Channel,
    DocumentKind,
    DossierStatus,
    EventAction,
    PartyKind,
    PartyRole,
    PauseReason,
    ReturnMode,
    SupplementRule,
)
from .deadlines import (
    ONLINE_CHANNELS,
    due_from,
    duration_for,
    extend_by_pause,
    step_due_from,
    timeliness_of,
)
from .history import event_append
from .models import (
    ClockPause,
    CoordinationRequest,
    Delivery,
    DeliveryChange,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierFormData,
    Extension,
    IdempotencyRecord,
    LinkedLeg,
    Party,
    ResultNumberCounter,
    SupplementRequest,
    SyncState,
)
from .selectors import dossier_get_for_action
from .uploads import UploadRejected, upload_attach
from .workflow import EDGES, Guard, action_edge

S = DossierStatus
A = EventAction

__all__ = [
    "EDGES",
    "GUARDS",
    "IdempotencyConflict",
    "LegData",
    "PartyData",
    "TransitionRefused",
    "dossier_act",
    "dossier_allowed_actions",
    "dossier_apology_last_instant",
    "dossier_receive",
    "dossier_receive_immediate",
    "dossier_refuse_at_counter",
    "dossier_supplement_request_deadline",
    "dossier_supplement_send",
]


# --- errors and inputs ---------------------------------------------------------------------


class TransitionRefused(Exception):
    """The action is not possible in the dossier's current state (the API answers 409)."""

    def __init__(
        self, *, current: DossierStatus, requested: EventAction, allowed: list[EventAction]
    ) -> None:
        self.current = DossierStatus(current)
        self.requested = EventAction(requested)
        self.allowed = allowed
        super().__init__(
            f"{self.requested.value} is not allowed in status {self.current.name}; "
            f"allowed now: {', '.join(a.value for a in allowed) or 'none'}"
        )


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used by this client for a different request (409)."""

    def __init__(self, *, key: str, client: str, dossier_code: str) -> None:
        self.key = key
        self.client = client
        self.dossier_code = dossier_code
        super().__init__(
            f"Idempotency-Key {key!r} of {client!r} was used for a different request "
            f"(dossier {dossier_code})."
        )


@dataclass(frozen=True)
class ReceivedComponent:
    """A component of the variant the one-stop received on paper, with its counts (Mẫu 01)."""

    component_id: int
    originals: int = 0
    certified: int = 0
    copies: int = 0

    def as_data(self, name: str) -> dict[str, Any]:
        return {
            "id": self.component_id,
            "name": name,
            "originals": self.originals,
            "certified": self.certified,
            "copies": self.copies,
        }


@dataclass(frozen=True)
class PartyData:
    """An owner or submitter as given at reception (domain.md §5.1)."""

    full_name: str
    kind: PartyKind = PartyKind.CITIZEN
    identity_number: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    user: User | None = None

    def fingerprint(self) -> dict[str, Any]:
        data = asdict(self)
        data["user"] = self.user.pk if self.user is not None else None
        data["kind"] = str(self.kind)
        return data


# --- settings ------------------------------------------------------------------------------


def _supplement_rule(version: ProcedureVersion | None = None) -> SupplementRule:
    """D6: the procedure's own rule, else the installation's (restart from zero by default).

    ``ProcedureVersion.supplement_rule`` blank means "as the installation":
    ``settings.MOTCUA_SUPPLEMENT_RULE`` (NĐ 61 Art 19(4): restart).
    """
    if version is not None and version.supplement_rule:
        return SupplementRule(version.supplement_rule)
    return SupplementRule(settings.MOTCUA_SUPPLEMENT_RULE)


def _supplement_request_working_days() -> int:
    """D6 / Mẫu 02: a deficiency is notified within 3 working days of the unit's reception.

    ``settings.MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS`` (default 3, NĐ 61 Art 19(4)).
    """
    return int(settings.MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS)


def _apology_min_notice() -> dt.timedelta:
    """D7: the apology must come at the latest 1 (working) day before the due instant."""
    hours = Decimal(str(settings.MOTCUA_APOLOGY_MIN_NOTICE_HOURS))
    return dt.timedelta(seconds=int(hours * 3600))


# --- reception -----------------------------------------------------------------------------

RECEPTION_ROLES = frozenset({Role.RECEPTION_OFFICER})


def _acting_roles(*, user: User, agency_ids: set[int], day: dt.date) -> dict[int, set[Role]]:
    """Roles ``user`` acts in, per agency among ``agency_ids``, on ``day`` (one query).

    The same rule as ``jurisdiction_for(...).actionable`` (a valid membership in
    a valid agency, in an acting role), kept per agency because the
    transition checks need the role as well as the agency.
    """
    roles: dict[int, set[Role]] = {}
    if not user.is_authenticated or not user.is_active:
        return roles
    rows = StaffMembership.objects.filter(
        valid_on_q(day),
        valid_on_q(day, "agency__"),
        user=user,
        agency_id__in=agency_ids,
        role__in=ACTING_ROLES,
    ).values_list("agency_id", "role")
    for agency_id, role in rows:
        roles.setdefault(agency_id, set()).add(Role(role))
    return roles


def _request_hash(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _competent_for(
    *,
    version: ProcedureVersion,
    agency: Agency,
    channel: Channel,
    competent: Agency | None,
    own: _OwnOffering | None = None,
) -> Agency:
    """Which agency decides the dossier; refuses an agency that does not offer the procedure.

    Rule (issue gh-4 item 4; NĐ 118 on cross-boundary reception):

    - the receiving agency has an active offering of the procedure → it is the
      competent agency (``competent`` must then be omitted or equal to it);
    - otherwise, when the version is ``cross_boundary`` and the receiving agency
      is a service centre, it receives *for* an agency that offers the
      procedure: ``competent`` when given (it must have an active offering),
      else the first such agency by id. ``received_by`` then differs from
      ``competent_agency`` and the result is returned where it was received;
    - otherwise the reception is refused.

    Online submissions also need the offering's ``online_open``. ``own`` is the
    receiving agency's offering when the caller already read it (reception reads
    it with the variant, in the same query); otherwise it is read here.
    """

    def offerings() -> QuerySet[ProcedureOffering]:
        return ProcedureOffering.objects.filter(procedure_id=version.procedure_id, is_active=True)

    if own is None:
        row = offerings().filter(agency=agency).values_list("online_open", flat=True).first()
        own = _OwnOffering(exists=row is not None, online_open=bool(row))
    if own.exists:
        if channel in ONLINE_CHANNELS and not own.online_open:
            raise ValidationError(
                {"channel": _("Cơ quan này không nhận hồ sơ trực tuyến cho thủ tục này.")}
            )
        if competent is not None and competent.pk != agency.pk:
            raise ValidationError(
                {"competent_agency": _("Thủ tục này do chính cơ quan tiếp nhận giải quyết.")}
            )
        return agency
    if version.cross_boundary and agency.kind == AgencyKind.SERVICE_CENTER:
        candidates = offerings().select_related("agency").order_by("agency_id")
        if competent is not None:
            candidates = candidates.filter(agency=competent)
        offering = candidates.first()
        if offering is not None:
            return offering.agency
        raise ValidationError(
            {"competent_agency": _("Không có cơ quan nào giải quyết thủ tục này.")}
        )
    raise ValidationError({"agency_code": _("Cơ quan này không tiếp nhận thủ tục này.")})


@dataclass(frozen=True)
class _OwnOffering:
    """Whether the receiving agency has an active offering of the procedure, and its online flag."""

    exists: bool
    online_open: bool


def _party_row(*, dossier: Dossier, role: PartyRole, party: PartyData) -> Party:
    """The validated, unsaved party row (errors named ``owner.…`` / ``submitter.…``)."""
    row = Party(
        dossier=dossier,
        role=role,
        kind=party.kind,
        user=party.user,
        full_name=party.full_name,
        search_name=fold(party.full_name),
        identity_number=party.identity_number,
        tax_code=party.tax_code,
        phone=party.phone,
        email=party.email,
        address=party.address,
    )
    try:
        row.full_clean(exclude=["dossier", "user"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            {f"{role.value}.{name}": messages for name, messages in error.message_dict.items()}
        ) from error
    return row


def dossier_receive(
    *,
    by: User | None,
    agency: Agency,
    procedure_code: str,
    variant_code: str | None,
    channel: Channel,
    owner: PartyData,
    submitter: PartyData | None = None,
    form_data: dict[str, Any] | None = None,
    return_mode: ReturnMode,
    delivery_address: str = "",
    received_at: dt.datetime | None = None,
    idempotency_key: str = "",
    client: str = "",
    competent_agency: Agency | None = None,
    uploads: Sequence[Mapping[str, Any]] = (),
    received_components: Sequence[ReceivedComponent] = (),
    assisted_at: Agency | None = None,
    ref: Snapshot | None = None,
) -> Dossier:
    """Create a dossier: received at the counter or by post (T5, T6), or submitted online (T1).

    - Counter and postal: status RECEIVED, the clock starts at ``received_at``
      (default now; never in the future) and the due instant is computed on the
      competent agency's calendar from the variant's duration (NĐ 61 Art 17(1);
      D1–D4, "same day after 15:00" by the calendar). The actor must be a
      reception officer acting in ``agency`` (NĐ 61 Art 17; jurisdiction).
    - Online and national portal: status SUBMITTED, no due instant until the
      one-stop accepts it (T2, NĐ 61 Art 17(2)). The code is issued at
      submission (DVCQG numbers dossiers at submission too); ``received_at``
      is then the submission instant of a dossier forwarded from another system.

    Pins the current published procedure version on the reception date and
    the variant (default: the first by order), the fees (from the variant's
    fee rules), the form data with the e-form definition it was validated
    against (errors → ``ValidationError`` naming each field), the owner and
    submitter, the delivery mode, and a not-synced DVCQG state; appends the
    first history event.

    Idempotency (gh-4 item 7): with ``idempotency_key``, a repeat from the same
    ``client`` (default: the acting user) returns the first dossier and creates
    nothing; the same key with a different payload raises
    :class:`IdempotencyConflict`. ``uploads`` are the references of the
    component files sent with the request (upload id, component code, name);
    the caller attaches them, and they are part of what makes two requests the
    same one.

    ``received_components`` is the counter's checklist: the variant's
    components received on paper and how many originals, certified copies and
    copies of each; the first event keeps it (its ``data["components"]``) and
    Mẫu 01 lists exactly that. ``assisted_at`` marks an online dossier an
    officer filed for the citizen at that one-stop (domain.md §5.1; the event's
    ``data["assisted"]``).

    Everything is read and validated first, outside the writing transaction,
    the reference data (roles, variant, fees, calendar) through the process
    cache of ``core.refdata`` (``ref``: the caller's snapshot, else a new one);
    the writes follow, and the dossier code is issued last, just before the
    commit, so the agency's daily counter stays locked as briefly as possible
    (:func:`_receive_save`).
    """
    now = timezone.now()
    at = received_at or now
    if at.tzinfo is None:
        raise ValidationError({"received_at": _("Thời điểm tiếp nhận phải có múi giờ.")})
    if at > now:
        raise ValidationError({"received_at": _("Thời điểm tiếp nhận không được ở tương lai.")})
    channel = Channel(channel)
    return_mode = ReturnMode(return_mode)
    client = client or (f"user:{by.pk}" if by is not None else "")
    payload = {
        "agency": agency.pk,
        "procedure_code": procedure_code,
        "variant_code": variant_code,
        "channel": int(channel),
        "owner": owner.fingerprint(),
        "submitter": submitter.fingerprint() if submitter else None,
        "form_data": form_data,
        "return_mode": str(return_mode),
        "delivery_address": delivery_address,
        "received_at": received_at.isoformat() if received_at else None,
        "competent_agency": competent_agency.pk if competent_agency else None,
        "uploads": [dict(upload) for upload in uploads],
        "components": [c.as_data("") for c in received_components],
        "assisted_at": assisted_at.pk if assisted_at else None,
    }
    request_hash = _request_hash(payload)
    if idempotency_key:
        if not client:
            raise ValidationError({"idempotency_key": _("Cần xác định bên gửi yêu cầu.")})
        existing = _idempotent_replay(key=idempotency_key, client=client, request_hash=request_hash)
        if existing is not None:
            return existing
    reception = _receive_prepare(
        by=by,
        agency=agency,
        procedure_code=procedure_code,
        variant_code=variant_code,
        channel=channel,
        owner=owner,
        submitter=submitter,
        form_data=form_data,
        return_mode=return_mode,
        delivery_address=delivery_address,
        at=at,
        competent=competent_agency,
        received_components=received_components,
        assisted_at=assisted_at,
        ref=ref or snapshot(),
    )
    try:
        # A savepoint only when a concurrent request with the same key may make the
        # insert of its record fail and we must go on to answer with its dossier.
        with transaction.atomic(savepoint=bool(idempotency_key)):
            dossier = _receive_save(
                reception,
                idempotency=(idempotency_key, client, request_hash) if idempotency_key else None,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its dossier.
        if not idempotency_key:
            raise
        existing = _idempotent_replay(key=idempotency_key, client=client, request_hash=request_hash)
        if existing is None:
            raise
        return existing
    return dossier


def dossier_refuse_at_counter(
    *,
    by: User,
    agency: Agency,
    procedure_code: str,
    variant_code: str | None,
    owner: PartyData,
    reason: str,
    submitter: PartyData | None = None,
    channel: Channel = Channel.COUNTER,
) -> Dossier:
    """T5c: refuse an application at the counter (or a postal one) with Mẫu 03.

    NĐ 61 Art 17(1)(b): the refusal states its specific reason. The register
    keeps it, so a REFUSED dossier is created with a code and one history
    event (from "no dossier" to REFUSED); it is never received, has no due
    instant and pins no fees. Same actor rule as reception: a reception
    officer acting in ``agency``.
    """
    channel = Channel(channel)
    if channel in ONLINE_CHANNELS:
        raise ValidationError(
            {"channel": _("Hồ sơ trực tuyến bị từ chối bằng thao tác từ chối tiếp nhận.")}
        )
    reason = _required_text("reason", reason)
    reception = _receive_prepare(
        by=by,
        agency=agency,
        procedure_code=procedure_code,
        variant_code=variant_code,
        channel=channel,
        owner=owner,
        submitter=submitter,
        form_data=None,
        return_mode=ReturnMode.COUNTER,
        delivery_address="",
        at=timezone.now(),
        competent=None,
        refuse_reason=reason,
    )
    with transaction.atomic():
        return _receive_save(reception)


IMMEDIATE_UNITS = frozenset({DurationUnit.SAME_DAY, DurationUnit.NO_APPOINTMENT})


def dossier_receive_immediate(
    *,
    by: User,
    agency: Agency,
    procedure_code: str,
    variant_code: str | None,
    owner: PartyData,
    submitter: PartyData | None = None,
    form_data: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    note: str = "",
    received_components: Sequence[ReceivedComponent] = (),
) -> Dossier:
    """T5d: an immediate-result procedure at the counter, in one sitting (NĐ 61 Art 17(4)).

    Receive → transfer → issue the result → return it, all at the same
    instant by the same reception officer, and every event recorded (the
    register and the statistics count it like any other dossier). The
    variant must be "same day" or "no appointment" (or have a zero
    duration); the workflow template's steps and roles do not apply here,
    which is why this is a service of its own and not four ``dossier_act``
    calls. The dossier is decided by the receiving agency itself.
    """
    with transaction.atomic():
        dossier = dossier_receive(
            by=by,
            agency=agency,
            procedure_code=procedure_code,
            variant_code=variant_code,
            channel=Channel.COUNTER,
            owner=owner,
            submitter=submitter,
            form_data=form_data,
            return_mode=ReturnMode.COUNTER,
            received_components=received_components,
        )
        variant = dossier.variant
        immediate = DurationUnit(variant.duration_unit) in IMMEDIATE_UNITS or not variant.duration
        if not immediate:
            raise ValidationError(
                {"variant_code": _("Trường hợp thủ tục này không trả kết quả ngay.")}
            )
        if dossier.competent_agency_id != agency.pk:
            raise ValidationError(
                {"agency": _("Hồ sơ trả kết quả ngay phải do chính cơ quan tiếp nhận giải quyết.")}
            )
        at = dossier.received_at
        assert at is not None
        timeliness = timeliness_of(finished_at=at, due=dossier.due_at)
        dossier.status = S.RETURNED
        dossier.finished_at = at
        dossier.returned_at = at
        dossier.timeliness = str(timeliness) if timeliness else ""
        dossier.save(update_fields=["status", "finished_at", "returned_at", "timeliness"])
        chain: list[tuple[EventAction, DossierStatus, DossierStatus, dict[str, Any]]] = [
            (A.TRANSFER, S.RECEIVED, S.PROCESSING, {"immediate": True}),
            (A.ISSUE_RESULT, S.PROCESSING, S.RESOLVED, {"immediate": True, "result": result or {}}),
            (A.RETURN_RESULT, S.RESOLVED, S.RETURNED, {"immediate": True}),
        ]
        event: DossierEvent | None = None
        for action, source, target, data in chain:
            assert EDGES[action][source] == target
            event = event_append(
                dossier=dossier,
                action=action,
                at=at,
                actor=by,
                actor_role=Role.RECEPTION_OFFICER,
                actor_agency=agency,
                from_status=source,
                to_status=target,
                due_at=dossier.due_at,
                note=note if action == A.ISSUE_RESULT else "",
                data=data,
            )
        assert event is not None
        transaction.on_commit(partial(_after_commit, event.pk, event.dossier_id))
    return dossier


def dossier_supplement_send(
    *,
    by: User,
    code: str,
    note: str = "",
    upload_ids: Sequence[Any] = (),
    form_changes: Mapping[str, Any] | None = None,
) -> SupplementRequest:
    """T13, online: the owner sends the requested supplement; the one-stop confirms it later.

    The ``send_supplement`` action of the transition service (its edge
    AWAITING_SUPPLEMENT → AWAITING_SUPPLEMENT is the "citizen sent, waiting for
    the one-stop" sub-state, domain.md §5.3): it records ``sent_at`` and
    ``sent_note`` on the open supplement request and appends the history event
    the control sheet and the statistics read. The documents come through the
    two-stage uploads. The clock stays paused until the one-stop officer
    confirms the supplement complete with ``submit_supplement``, whose event
    then carries ``sent_online_at``. Sending twice is refused
    (:class:`TransitionRefused`): the request is no longer waiting for the owner.
    """
    event = dossier_act(
        code=code,
        action=A.SEND_SUPPLEMENT,
        by=by,
        note=note,
        upload_ids=upload_ids,
        form_changes=form_changes,
    )
    request_id = event.data["supplement_request"]
    return SupplementRequest.objects.get(pk=request_id)


# Statuses in which the result has not left yet, so the postal address may still change.
DELIVERY_OPEN = frozenset(
    {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT, S.RESOLVED}
)


def dossier_delivery_change(*, by: User, code: str, address: str, phone: str = "") -> Delivery:
    """The owner changes the postal address before the result is dispatched (gh-5 item 7).

    Only a dossier whose result goes by post, not yet returned; only its owner
    (or the submitter who filed it); the change is kept in ``DeliveryChange``.
    """
    address = " ".join(address.split())
    if not address:
        raise ValidationError({"address": _("Nhập địa chỉ nhận kết quả mới.")})
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(code=code).first()
        if dossier is None or not Party.objects.filter(dossier=dossier, user=by).exists():
            raise PermissionDenied(f"{by} is not a party of dossier {code}.")
        delivery = Delivery.objects.select_for_update().get(dossier=dossier)
        if delivery.mode != ReturnMode.POSTAL:
            raise ValidationError({"address": _("Hồ sơ này không nhận kết quả qua bưu chính.")})
        # The result is with the post office (back at the agency once "returned").
        from motcua.postal.constants import ShipmentStatus
        from motcua.postal.models import Shipment

        shipped = Shipment.objects.filter(dossier=dossier).exclude(status=ShipmentStatus.RETURNED)
        if (
            dossier.status not in DELIVERY_OPEN
            or dossier.returned_at is not None
            or shipped.exists()
        ):
            raise ValidationError(
                {"address": _("Kết quả đã được gửi đi hoặc đã trả; không đổi được địa chỉ nữa.")}
            )
        DeliveryChange.objects.create(
            dossier=dossier,
            at=timezone.now(),
            by=by,
            old_address=delivery.address,
            new_address=address[:500],
            new_phone=phone.strip()[:20],
        )
        delivery.address = address[:500]
        if phone.strip():
            delivery.phone = phone.strip()[:20]
        delivery.save(update_fields=["address", "phone"])
        SyncState.objects.filter(dossier=dossier).update(synced=False)
    return delivery


def _idempotent_replay(*, key: str, client: str, request_hash: str) -> Dossier | None:
    record = (
        IdempotencyRecord.objects.filter(key=key, client=client).select_related("dossier").first()
    )
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyConflict(key=key, client=client, dossier_code=record.dossier.code)
    return record.dossier


@dataclass
class _Reception:
    """A validated reception, every row built and checked, nothing written yet."""

    by: User | None
    agency: Agency
    channel: Channel
    at: dt.datetime
    actor_role: str
    refuse_reason: str
    dossier: Dossier
    parties: list[Party]
    delivery: Delivery | None = None
    form_data: DossierFormData | None = None
    fees: list[DossierFee] = field(default_factory=list)
    # The first event's data beyond the channel: the counter's checklist, assisted filing.
    event_data: dict[str, Any] = field(default_factory=dict)


def _current_variant(
    *, procedure_code: str, variant_code: str | None, day: dt.date, agency: Agency
) -> ProcedureVariant:
    """The variant to pin, with its version in force on ``day``, in one query.

    The same choice as reading the current version, then its variant by code
    (or the first by order): the version is a subquery. The receiving agency's
    own active offering of the procedure comes along (``own_online_open``, null
    without one) for :func:`_competent_for`. Errors name the field at fault.
    """
    current = procedure_version_list_current(on=day).filter(procedure__national_code=procedure_code)
    if not current.ordered:
        current = current.order_by("pk")
    # At most one offering per (agency, procedure): no ordering, whose joins cost more
    # than the rest of the subquery.
    own = ProcedureOffering.objects.filter(
        procedure_id=OuterRef("version__procedure_id"), agency=agency, is_active=True
    ).order_by()
    variants = (
        ProcedureVariant.objects.filter(version=Subquery(current.values("pk")[:1]))
        .select_related("version__procedure", "version__field", "workflow")
        .annotate(own_online_open=Subquery(own.values("online_open")[:1]))
    )
    if variant_code:
        variants = variants.filter(code=variant_code)  # unique within the version
    variant = variants.order_by("order", "id").first()
    if variant is None:
        if procedure_version_get_current(national_code=procedure_code, on=day) is None:
            raise ValidationError(
                {"procedure_code": _("Không có thủ tục đang có hiệu lực với mã này.")}
            )
        raise ValidationError({"variant_code": _("Không có trường hợp thủ tục này.")})
    return variant


def _receive_prepare(
    *,
    by: User | None,
    agency: Agency,
    procedure_code: str,
    variant_code: str | None,
    channel: Channel,
    owner: PartyData,
    submitter: PartyData | None,
    form_data: dict[str, Any] | None,
    return_mode: ReturnMode,
    delivery_address: str,
    at: dt.datetime,
    competent: Agency | None,
    refuse_reason: str = "",
    received_components: Sequence[ReceivedComponent] = (),
    assisted_at: Agency | None = None,
    ref: Snapshot | None = None,
) -> _Reception:
    """Every read and check of a reception, in order; raises before anything is written.

    Reference reads go through ``ref`` (``core.refdata``): the cached values are
    shared by the process's threads and never modified here.
    """
    ref = ref or snapshot()
    online = channel in ONLINE_CHANNELS
    if assisted_at is not None and not online:
        raise ValidationError(
            {"channel": _("Chỉ hồ sơ nộp trực tuyến mới được ghi là nộp có cán bộ hỗ trợ.")}
        )
    actor_role = ""
    if not online:
        # Counter and postal reception: a reception officer of the receiving one-stop.
        if by is None:
            raise PermissionDenied("Counter and postal reception need a staff actor.")
        today = timezone.localdate()
        roles = ref.get(
            ("acting_roles", by.pk, agency.pk, today),
            lambda: _acting_roles(user=by, agency_ids={agency.pk}, day=today),
        )
        # jurisdiction_for(user=by).can_act(agency.pk), from the same memberships.
        if agency.pk not in roles:
            raise PermissionDenied("The officer cannot act in the receiving agency.")
        if not roles[agency.pk] & RECEPTION_ROLES:
            raise PermissionDenied("Only a reception officer receives dossiers.")
        actor_role = Role.RECEPTION_OFFICER

    day = timezone.localtime(at).date()
    variant = ref.get(
        ("current_variant", procedure_code, variant_code, day, agency.pk),
        lambda: _current_variant(
            procedure_code=procedure_code, variant_code=variant_code, day=day, agency=agency
        ),
    )
    version = variant.version
    own_online_open: bool | None = getattr(variant, "own_online_open", None)
    competent_agency = ref.get(
        ("competent_for", version.pk, agency.pk, int(channel), competent.pk if competent else None),
        lambda: _competent_for(
            version=version,
            agency=agency,
            channel=channel,
            competent=competent,
            own=_OwnOffering(exists=own_online_open is not None, online_open=bool(own_online_open)),
        ),
    )
    if return_mode == ReturnMode.POSTAL and not delivery_address.strip():
        raise ValidationError({"delivery_address": _("Cần địa chỉ nhận kết quả qua bưu chính.")})

    cleaned: dict[str, Any] | None = form_data
    if variant.eform and not refuse_reason:
        citizen = by if by is not None and by.kind != UserKind.STAFF else None
        cleaned, errors = eform_validate(variant.eform, form_data or {}, user=citizen)
        if errors:
            raise ValidationError({f"form_data.{k}": v for k, v in errors.items()})

    status = S.SUBMITTED if online else S.RECEIVED
    if refuse_reason:
        status = S.REFUSED
    dossier = Dossier(
        # A unique placeholder: the real code is issued last (_receive_save).
        code=f"~{uuid.uuid4().hex}",
        lookup_key=lookup_key_new(),
        procedure_version=version,
        variant=variant,
        channel=channel,
        received_by=agency,
        competent_agency=competent_agency,
        status=status,
        submitted_at=at if online else None,
        received_at=None if online or refuse_reason else at,
        assisted_at=assisted_at,
        summary=version.name[:500],
    )
    if status == S.RECEIVED:
        calendar = ref.get(
            ("work_calendar", competent_agency.pk),
            lambda: work_calendar_for(agency=competent_agency),
        )
        dossier.due_at = _due_for(dossier=dossier, variant=variant, start=at, cal=calendar)
    dossier.full_clean(
        exclude=[
            "code",
            "procedure_version",
            "variant",
            "received_by",
            "competent_agency",
            "assisted_at",
            "current_step",
            "handler",
        ],
        validate_unique=False,
    )
    parties = [_party_row(dossier=dossier, role=PartyRole.OWNER, party=owner)]
    if submitter is not None:
        parties.append(_party_row(dossier=dossier, role=PartyRole.SUBMITTER, party=submitter))
    reception = _Reception(
        by=by,
        agency=agency,
        channel=channel,
        at=at,
        actor_role=actor_role,
        refuse_reason=refuse_reason,
        dossier=dossier,
        parties=parties,
        event_data=_received_data(
            variant=variant, received=received_components, assisted=assisted_at is not None
        ),
    )
    if refuse_reason:
        # T5c: nothing is received, so no fees, form data or delivery are pinned.
        return reception
    reception.delivery = Delivery(
        dossier=dossier,
        mode=return_mode,
        recipient=owner.full_name[:200] if return_mode == ReturnMode.POSTAL else "",
        address=delivery_address,
        phone=owner.phone,
    )
    reception.delivery.full_clean(exclude=["dossier"], validate_unique=False)
    if variant.eform or form_data:
        reception.form_data = DossierFormData(
            dossier=dossier, definition=variant.eform or {}, data=cleaned or {}
        )
    rules = ref.get(
        ("fee_rules", variant.pk),
        # FeeRule's default ordering starts with the variant's, three joins deep.
        lambda: list(
            variant.fees.order_by("kind", "id").values_list("kind", "name", "amount", "collection")
        ),
    )
    reception.fees = [
        DossierFee(dossier=dossier, kind=kind, name=name, amount=amount, collection=collection)
        for kind, name, amount, collection in rules
    ]
    return reception


def _received_data(
    *, variant: ProcedureVariant, received: Sequence[ReceivedComponent], assisted: bool
) -> dict[str, Any]:
    """The counter's checklist and the assisted-filing mark, for the first event's data."""
    data: dict[str, Any] = {}
    if assisted:
        data["assisted"] = True
    if not received:
        return data
    specs = {
        spec.pk: spec.name
        for spec in ComponentSpec.objects.filter(
            variant=variant, pk__in=[c.component_id for c in received]
        ).order_by()
    }
    unknown = [c.component_id for c in received if c.component_id not in specs]
    if unknown:
        raise ValidationError(
            {"received_components": _("Thành phần hồ sơ không thuộc trường hợp thủ tục này.")}
        )
    if any(min(c.originals, c.certified, c.copies) < 0 for c in received):
        raise ValidationError({"received_components": _("Số bản không được âm.")})
    data["components"] = [c.as_data(specs[c.component_id]) for c in received]
    return data


def _receive_save(
    reception: _Reception, *, idempotency: tuple[str, str, str] | None = None
) -> Dossier:
    """Write a prepared reception; the dossier code is issued last, just before the commit.

    Must run inside the caller's transaction. The dossier row is inserted with
    a unique placeholder code; its related rows, the first history event (the
    hash chain covers the dossier's id, not its code) and the idempotency
    record (key, client, request hash) follow; only then is the number taken
    from the agency's daily counter and written to the dossier. Concurrent
    receptions at the same agency queue on that counter row until this
    transaction ends, so they now wait for two statements and the commit
    instead of the whole reception; a rollback still gives the number back.
    """
    dossier = reception.dossier
    insert_rows([dossier])  # its id first: the event's hash covers it
    # Every other row of the new dossier goes in one round trip with its first event.
    rows: list[Model] = []
    for party in reception.parties:
        party.dossier = dossier
        rows.append(party)
    online = reception.channel in ONLINE_CHANNELS
    if reception.refuse_reason:
        rows.append(SyncState(dossier=dossier, synced=False))
        event = event_append(
            dossier=dossier,
            action=A.REFUSE,
            at=reception.at,
            actor=reception.by,
            actor_role=reception.actor_role,
            actor_agency=reception.agency,
            from_status=None,
            to_status=DossierStatus(dossier.status),
            note=reception.refuse_reason,
            data={"channel": int(reception.channel), **reception.event_data},
            first=True,
            parties=reception.parties,
            insert_with=rows,
        )
    else:
        assert reception.delivery is not None
        reception.delivery.dossier = dossier
        rows.append(reception.delivery)
        if reception.form_data is not None:
            reception.form_data.dossier = dossier
            rows.append(reception.form_data)
        for fee in reception.fees:
            fee.dossier = dossier
            rows.append(fee)
        rows.append(SyncState(dossier=dossier, synced=False))
        event = event_append(
            dossier=dossier,
            action=A.SUBMIT if online else A.RECEIVE,
            at=reception.at,
            actor=reception.by,
            actor_role=reception.actor_role,
            actor_agency=reception.agency if reception.actor_role else None,
            from_status=None,
            to_status=DossierStatus(dossier.status),
            due_at=dossier.due_at,
            data={"channel": int(reception.channel), **reception.event_data},
            first=True,
            parties=reception.parties,
            insert_with=rows,
        )
    if idempotency is not None:
        key, client, request_hash = idempotency
        IdempotencyRecord.objects.create(
            key=key, client=client, request_hash=request_hash, dossier=dossier
        )
    # Last: from here to the commit every other reception at this agency waits.
    dossier_code_assign(dossier=dossier, agency=reception.agency, at=reception.at)
    if event.outbox_rows:  # nothing to send: no read after the commit either
        transaction.on_commit(partial(_after_commit, event.pk, dossier.pk))
    else:  # but the supervision statistics still count it (gh-8)
        transaction.on_commit(partial(_stats_after_commit, dossier.pk))
    return dossier


def _due_for(
    *,
    dossier: Dossier,
    variant: ProcedureVariant,
    start: dt.datetime,
    cal: WorkCalendar | None = None,
) -> dt.datetime | None:
    amount, unit = duration_for(
        channel=dossier.channel,
        duration=variant.duration,
        duration_unit=variant.duration_unit,
        online_duration=variant.online_duration,
        online_duration_unit=variant.online_duration_unit,
    )
    calendar = cal or work_calendar_for(agency=dossier.competent_agency)
    return due_from(start=start, amount=amount, unit=unit, cal=calendar)


def _after_commit(event_id: int, dossier_id: int) -> None:
    """Outbox entry point, run after the transaction that appended ``event_id`` commits.

    The outbox rows were written with the event (``history.event_append``
    records the citizen's notifications in the same transaction); this only
    enqueues their delivery, and never raises: a mail server or SMS gateway
    being down must not turn a committed action into an error (gh-5 item 10).
    DVCQG sync will enqueue its work here too. Side effects never run inside
    the transition's transaction, so a rollback sends nothing.
    """
    from motcua.notifications.services import notifications_dispatch

    notifications_dispatch(event_id=event_id)
    _stats_after_commit(dossier_id)


def _stats_after_commit(dossier_id: int) -> None:
    """Supervision counters (gh-8): enqueue the idempotent refresh of the dossier; never raises."""
    from motcua.supervision.aggregates import stats_after_dossier_change

    stats_after_dossier_change(dossier_id=dossier_id)


# --- the transition service ----------------------------------------------------------------

# Every action's edges (from-statuses, to-status, guards) are one table,
# workflow.ACTION_EDGES; EDGES is the same without the guards. The guards' code:
# GUARDS below.
# Actions the dossier's owner (a citizen account linked as Party.user) may take.
OWNER_ACTIONS = frozenset({A.WITHDRAW, A.RESUBMIT, A.SEND_SUPPLEMENT})
# Officers of an agency *outside* the dossier's jurisdiction reach it for the
# selectors.SIDE_ACTIONS when that agency has an open coordination request or
# liên thông leg on it (selectors.dossier_get_for_action).
SIDE_ROLES = frozenset(
    {Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER, Role.CLERK}
)

# Step actions: the current workflow step must list the StepAction, and the
# actor must hold the step's role (and be its handler once one is assigned).
STEP_ACTIONS: dict[EventAction, StepAction] = {
    A.FORWARD: StepAction.FORWARD,
    A.SEND_BACK: StepAction.SEND_BACK,
    A.APPROVE: StepAction.APPROVE,
    A.SIGN: StepAction.SIGN,
    A.ISSUE_RESULT: StepAction.ISSUE,
    A.REFUSE_RESULT: StepAction.REFUSE,
    A.COORDINATE: StepAction.REQUEST_COORDINATION,
    A.REQUEST_SUPPLEMENT: StepAction.REQUEST_SUPPLEMENT,
}
# Roles for step actions on a variant without a workflow template.
NO_WORKFLOW_ROLES: dict[EventAction, frozenset[Role]] = {
    A.ISSUE_RESULT: frozenset({Role.CLERK, Role.AGENCY_LEADER}),
    A.REFUSE_RESULT: frozenset({Role.AGENCY_LEADER}),
    A.COORDINATE: frozenset({Role.SPECIALIST}),
    A.REQUEST_SUPPLEMENT: frozenset({Role.SPECIALIST}),
}
LEADERS = frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER})


@dataclass
class _Ctx:
    dossier: Dossier
    by: User
    now: dt.datetime
    roles: dict[int, set[Role]] = field(default_factory=dict)

    @cached_property
    def cal(self) -> WorkCalendar:
        return work_calendar_for(agency=self.dossier.competent_agency)

    @cached_property
    def steps(self) -> list[WorkflowStep]:
        workflow_id = self.dossier.variant.workflow_id
        if workflow_id is None:
            return []
        return list(WorkflowStep.objects.filter(template_id=workflow_id).order_by("order"))

    def step_index(self) -> int | None:
        step_id = self.dossier.current_step_id
        for i, step in enumerate(self.steps):
            if step.pk == step_id:
                return i
        return None

    @cached_property
    def last_event(self) -> DossierEvent | None:
        return DossierEvent.objects.filter(dossier=self.dossier).order_by("-seq").first()

    @cached_property
    def open_coordination(self) -> list[CoordinationRequest]:
        return list(
            CoordinationRequest.objects.filter(
                dossier=self.dossier, answered_at__isnull=True
            ).order_by("id")
        )

    @cached_property
    def open_legs(self) -> list[LinkedLeg]:
        return list(
            LinkedLeg.objects.filter(dossier=self.dossier, done_at__isnull=True).order_by(
                "order", "id"
            )
        )

    @cached_property
    def awaiting_transfer(self) -> bool:
        """TX: a cross-boundary dossier sent by A, not yet accepted by the competent B."""
        dossier = self.dossier
        if dossier.received_by_id == dossier.competent_agency_id:
            return False
        if dossier.status != S.PROCESSING:
            return False
        return not DossierEvent.objects.filter(dossier=dossier, action=A.ACCEPT_TRANSFER).exists()

    @cached_property
    def is_owner(self) -> bool:
        if not self.by.is_authenticated or self.by.kind == UserKind.STAFF:
            return False
        return Party.objects.filter(
            dossier=self.dossier, role=PartyRole.OWNER, user_id=self.by.pk
        ).exists()


@dataclass
class _Result:
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    to_handler: User | None = None


def _step_allows(ctx: _Ctx, action: EventAction) -> bool:
    step = ctx.dossier.current_step
    wanted = STEP_ACTIONS[action]
    if step is None:
        return action in NO_WORKFLOW_ROLES and ctx.dossier.variant.workflow_id is None
    return wanted.value in (step.actions or [])


def _state_allows(ctx: _Ctx, action: EventAction) -> bool:
    """Whether ``action`` is possible in the dossier's current state, whoever asks.

    The action needs an edge from the current status in
    :data:`motcua.dossiers.workflow.ACTION_EDGES`, and every guard of that edge
    must hold (:data:`GUARDS`).
    """
    edge = action_edge(action, DossierStatus(ctx.dossier.status))
    return edge is not None and all(GUARDS[guard](ctx, action) for guard in edge.guards)


def _guard_step_allows(ctx: _Ctx, action: EventAction) -> bool:
    return action in STEP_ACTIONS and _step_allows(ctx, action)


def _guard_next_step(ctx: _Ctx, action: EventAction) -> bool:
    index = ctx.step_index()
    return index is not None and index + 1 < len(ctx.steps)


def _guard_previous_step(ctx: _Ctx, action: EventAction) -> bool:
    index = ctx.step_index()
    return index is not None and index > 0


def _guard_other_variant(ctx: _Ctx, action: EventAction) -> bool:
    dossier = ctx.dossier
    return (
        ProcedureVariant.objects.filter(version_id=dossier.procedure_version_id)
        .exclude(pk=dossier.variant_id)
        .exists()
    )


def _guard_supplement_overdue(ctx: _Ctx, action: EventAction) -> bool:
    request = _open_supplement(ctx.dossier)
    return request is not None and request.respond_by is not None and ctx.now > request.respond_by


def _guard_supplement_not_sent(ctx: _Ctx, action: EventAction) -> bool:
    request = _open_supplement(ctx.dossier)
    return request is not None and request.sent_at is None


def _guard_just_forwarded(ctx: _Ctx, action: EventAction) -> bool:
    last = ctx.last_event
    return (
        last is not None
        and last.action == A.FORWARD
        and last.from_step_id is not None
        and ctx.dossier.current_step_id == last.to_step_id
    )


GUARDS: dict[Guard, Callable[[_Ctx, EventAction], bool]] = {
    Guard.AWAITING_TRANSFER: lambda ctx, action: ctx.awaiting_transfer,
    Guard.TRANSFER_ACCEPTED: lambda ctx, action: not ctx.awaiting_transfer,
    Guard.STEP_ALLOWS: _guard_step_allows,
    Guard.NEXT_STEP: _guard_next_step,
    Guard.PREVIOUS_STEP: _guard_previous_step,
    Guard.OTHER_VARIANT: _guard_other_variant,
    Guard.APOLOGY_POSSIBLE: lambda ctx, action: _apology_possible(ctx),
    Guard.SUPPLEMENT_OVERDUE: _guard_supplement_overdue,
    Guard.SUPPLEMENT_NOT_SENT: _guard_supplement_not_sent,
    Guard.JUST_FORWARDED: _guard_just_forwarded,
    Guard.OPEN_COORDINATION: lambda ctx, action: bool(ctx.open_coordination),
    Guard.OPEN_LEGS: lambda ctx, action: bool(ctx.open_legs),
    Guard.NO_OPEN_LEGS: lambda ctx, action: not ctx.open_legs,
    Guard.OPEN_BEFORE_RECEPTION: lambda ctx, action: (
        _open_before_reception(ctx.dossier) is not None
    ),
}
assert set(GUARDS) == set(Guard)


def _open_before_reception(dossier: Dossier) -> SupplementRequest | None:
    """T3: the latest before-reception supplement request the owner has not answered yet."""
    request = (
        SupplementRequest.objects.filter(dossier=dossier, before_reception=True)
        .order_by("-requested_at", "-id")
        .first()
    )
    return request if request is not None and request.sent_at is None else None


def _apology_possible(ctx: _Ctx) -> bool:
    """D7 (NĐ 61 Art 19(9)): once, before the due instant, at least the notice before it."""
    return dossier_apology_last_instant(dossier=ctx.dossier, now=ctx.now, cal=ctx.cal) is not None


def dossier_apology_last_instant(
    *, dossier: Dossier, now: dt.datetime | None = None, cal: WorkCalendar | None = None
) -> dt.datetime | None:
    """The last instant an apology (Mẫu 04) is still allowed, or ``None`` when it is not now.

    D7: once (no extension yet), before the due instant and at least
    ``MOTCUA_APOLOGY_MIN_NOTICE_HOURS`` working hours before it. A read for
    the staff workspace; the transition guard uses the same rule.
    """
    if dossier.due_at is None:
        return None
    now = now or timezone.now()
    if now >= dossier.due_at:
        return None
    if Extension.objects.filter(dossier=dossier).exists():
        return None
    cal = cal or work_calendar_for(agency=dossier.competent_agency)
    spare = working_time_between(now, dossier.due_at, cal) - _apology_min_notice()
    if spare < dt.timedelta(0):
        return None
    return add_working_time(now, spare, cal)


def _required(ctx: _Ctx, action: EventAction) -> list[tuple[int, frozenset[Role]]]:
    """(agency id, roles) pairs, any of which lets a user perform ``action`` here."""
    dossier = ctx.dossier
    receiving = dossier.received_by_id
    competent = dossier.competent_agency_id
    one_stop = [(receiving, RECEPTION_ROLES)]
    if action in (A.ACCEPT, A.REFUSE, A.TRANSFER, A.SUBMIT_SUPPLEMENT, A.WITHDRAW):
        return one_stop
    if action == A.REQUEST_SUPPLEMENT and dossier.status == S.SUBMITTED:
        return one_stop
    if action in (A.RETURN_RESULT, A.DISPATCH):
        # Cross-boundary: the result is returned (or posted) where the dossier was received.
        return [(receiving, frozenset({Role.RECEPTION_OFFICER, Role.RETURNER}))]
    if action in (A.ASSIGN, A.SWITCH_VARIANT):
        return [(competent, LEADERS)]
    if action == A.APOLOGIZE:
        return [(competent, frozenset({Role.AGENCY_LEADER}))]
    if action in (A.PAUSE_FINANCIAL, A.RESUME):
        return [
            (competent, frozenset({Role.SPECIALIST, Role.FEE_COLLECTOR}) | LEADERS),
            (receiving, frozenset({Role.RECEPTION_OFFICER, Role.FEE_COLLECTOR})),
        ]
    if action == A.STOP:
        return [*one_stop, (competent, frozenset({Role.AGENCY_LEADER}))]
    if action == A.RECALL:
        # The sender must still hold the role of the step it takes back.
        last = ctx.last_event
        step = next((s for s in ctx.steps if last and s.pk == last.from_step_id), None)
        return [(competent, frozenset({Role(step.role)}) if step else frozenset())]
    if action == A.COORDINATION_ANSWER:
        return [(request.agency_id, SIDE_ROLES) for request in ctx.open_coordination]
    if action == A.LINK:
        return [(competent, LEADERS)]
    if action == A.LINK_DONE:
        # The leg's agency, or the competent agency recording what an external
        # system (T11: civil status, land registry, tax…) reported.
        return [
            *[(leg.agency_id, SIDE_ROLES) for leg in ctx.open_legs],
            (competent, frozenset({Role.SPECIALIST}) | LEADERS),
        ]
    if action == A.ACCEPT_TRANSFER:
        return [(competent, RECEPTION_ROLES)]
    if action in (A.RESUBMIT, A.SEND_SUPPLEMENT):
        return []  # the owner only
    if action in STEP_ACTIONS:
        step = dossier.current_step
        if step is None:
            return [(competent, NO_WORKFLOW_ROLES.get(action, frozenset()))]
        return [(competent, frozenset({Role(step.role)}))]
    raise AssertionError(f"no actor rule for {action}")


def _actor_role(ctx: _Ctx, action: EventAction) -> tuple[Role | None, int | None] | None:
    """The (role, agency id) in which ``ctx.by`` may perform ``action``, or ``None``.

    The dossier's owner acting on their own dossier gets ``(None, None)``: a
    citizen has no staff role and acts for no agency.
    """
    dossier = ctx.dossier
    if ctx.is_owner:
        return (None, None) if action in OWNER_ACTIONS else None
    if action == A.RECALL and (ctx.last_event is None or ctx.last_event.actor_id != ctx.by.pk):
        # T8b: only the officer who forwarded takes the dossier back.
        return None
    if (
        action in STEP_ACTIONS
        and dossier.status == S.PROCESSING
        and dossier.handler_id is not None
        and dossier.handler_id != ctx.by.pk
    ):
        # Once assigned, only the handler acts at the step (a leader re-assigns first).
        return None
    for agency_id, roles in _required(ctx, action):
        held = ctx.roles.get(agency_id, set()) & roles
        if held:
            return sorted(held)[0], agency_id
    return None


def _load_roles(ctx: _Ctx) -> None:
    dossier = ctx.dossier
    if ctx.by.is_authenticated and ctx.by.kind != UserKind.STAFF:
        return  # citizens hold no staff roles (see _Ctx.is_owner)
    agency_ids = {dossier.received_by_id, dossier.competent_agency_id}
    agency_ids |= {request.agency_id for request in ctx.open_coordination}
    agency_ids |= {leg.agency_id for leg in ctx.open_legs}
    actionable = jurisdiction_for(user=ctx.by).actionable
    roles = _acting_roles(user=ctx.by, agency_ids=agency_ids, day=timezone.localdate())
    ctx.roles = {k: v for k, v in roles.items() if k in actionable}


def _allowed(ctx: _Ctx) -> list[EventAction]:
    return [
        action
        for action in HANDLERS
        if _state_allows(ctx, action) and _actor_role(ctx, action) is not None
    ]


def dossier_allowed_actions(*, dossier: Dossier, user: User) -> list[EventAction]:
    """The actions ``user`` may perform on ``dossier`` now (state and permissions)."""
    ctx = _Ctx(dossier=dossier, by=user, now=timezone.now())
    _load_roles(ctx)
    return _allowed(ctx)


def dossier_act(*, code: str, action: EventAction | str, by: User, **fields: Any) -> DossierEvent:
    """Apply one action to the dossier ``code`` as ``by``: the one transition service.

    Raises ``Dossier.DoesNotExist`` (unknown code), ``PermissionDenied`` (outside
    the jurisdiction, or missing role for this action here),
    :class:`TransitionRefused` (not possible in the current state; carries the
    actions allowed now) and ``ValidationError`` (bad fields, by field name).
    ``fields`` are the action's own fields; see each ``_do_*`` handler.
    """
    action = EventAction(action)
    handler = HANDLERS[action]
    with transaction.atomic():
        dossier = _get_locked(by=by, code=code, action=action)
        ctx = _Ctx(dossier=dossier, by=by, now=timezone.now())
        _load_roles(ctx)
        if not _state_allows(ctx, action):
            raise TransitionRefused(
                current=DossierStatus(dossier.status), requested=action, allowed=_allowed(ctx)
            )
        acting = _actor_role(ctx, action)
        if acting is None:
            raise PermissionDenied(f"{by} may not {action.value} dossier {code}.")
        role, agency_id = acting
        from_status = DossierStatus(dossier.status)
        from_step = dossier.current_step
        result = handler(ctx, **fields)
        dossier.status = EDGES[action][from_status]
        dossier.save()
        SyncState.objects.filter(dossier=dossier).update(synced=False)
        event = event_append(
            dossier=dossier,
            action=action,
            at=ctx.now,
            actor=by,
            actor_role=role or "",
            actor_agency=_agency_of(dossier, agency_id),
            from_status=from_status,
            to_status=DossierStatus(dossier.status),
            from_step=from_step,
            to_step=dossier.current_step,
            to_handler=result.to_handler,
            due_at=dossier.due_at,
            step_due_at=dossier.step_due_at,
            note=result.note,
            data=result.data,
        )
        transaction.on_commit(partial(_after_commit, event.pk, event.dossier_id))
    return event


def _agency_of(dossier: Dossier, agency_id: int | None) -> Agency | None:
    if agency_id is None:
        return None
    if agency_id == dossier.received_by_id:
        return dossier.received_by
    if agency_id == dossier.competent_agency_id:
        return dossier.competent_agency
    return Agency.objects.get(pk=agency_id)


def _get_locked(*, by: User, code: str, action: EventAction) -> Dossier:
    """The locked dossier, if ``by`` may reach it for ``action``.

    Who may reach it — staff in the jurisdiction, officers of an agency with
    an open coordination request or liên thông leg (for their answer or the
    leg's end), and the owner of their own dossier — is decided in one place,
    :func:`motcua.dossiers.selectors.dossier_access_q`; what they may do there
    is decided by the state and actor rules here.
    """
    return dossier_get_for_action(user=by, code=code, action=action, for_update=True)


# --- per-action handlers ---------------------------------------------------------------------


def _required_text(name: str, value: str) -> str:
    if not value or not value.strip():
        raise ValidationError({name: _("Trường này là bắt buộc.")})
    return value.strip()


def _enter_step(ctx: _Ctx, step: WorkflowStep | None) -> None:
    """Move to ``step`` with its deadline: its budget in working hours from now (D5)."""
    dossier = ctx.dossier
    dossier.current_step = step
    dossier.handler = None
    dossier.step_due_at = (
        step_due_from(start=ctx.now, budget_hours=step.budget_hours, cal=ctx.cal)
        if step is not None
        else None
    )


def _leaving_step_data(ctx: _Ctx) -> dict[str, Any]:
    """The on-time class of the step being left (D5; feeds index C2)."""
    due = ctx.dossier.step_due_at
    if ctx.dossier.current_step_id is None or due is None:
        return {}
    timeliness = timeliness_of(finished_at=ctx.now, due=due)
    return {"step_timeliness": str(timeliness)} if timeliness else {}


def _do_accept(ctx: _Ctx, *, note: str = "") -> _Result:
    """T2: the one-stop accepts an online submission; the clock starts now (NĐ 61 Art 17(2)(b))."""
    dossier = ctx.dossier
    dossier.received_at = ctx.now
    dossier.due_at = _due_for(dossier=dossier, variant=dossier.variant, start=ctx.now, cal=ctx.cal)
    return _Result(note=note)


def _open_supplement(dossier: Dossier) -> SupplementRequest | None:
    return (
        SupplementRequest.objects.filter(dossier=dossier, before_reception=False)
        .order_by("-requested_at", "-id")
        .first()
    )


def _do_request_supplement(
    ctx: _Ctx,
    *,
    items: list[Any],
    reason: str,
    respond_by: dt.datetime | None = None,
) -> _Result:
    """T3 / T12: ask for a supplement, always through the one-stop (Mẫu 02).

    Before reception (SUBMITTED) the dossier stays submitted and no clock runs
    (NĐ 61 Art 17(2)(a)). During processing it goes to AWAITING_SUPPLEMENT and
    the clock pauses from now (NĐ 61 Art 19(4)); ``respond_by`` is the
    supplement deadline after which the one-stop may close it (T13b).

    During processing the request must come within
    ``MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS`` (default 3) working days of the
    competent unit's reception — the transfer, or B's acceptance of a
    cross-boundary dossier (D6, Mẫu 02); later requests are refused naming
    that deadline. A second request during processing is allowed but flagged
    ``data.repeat: true`` (conventions §3).
    """
    if not items:
        raise ValidationError({"items": _("Cần nêu ít nhất một nội dung cần bổ sung.")})
    reason = _required_text("reason", reason)
    if respond_by is not None and respond_by <= ctx.now:
        raise ValidationError({"respond_by": _("Hạn bổ sung phải sau thời điểm hiện tại.")})
    before = ctx.dossier.status == S.SUBMITTED
    data: dict[str, Any] = {"items": items, "before_reception": before}
    if not before:
        deadline = _supplement_request_deadline(ctx)
        if deadline is not None and ctx.now > deadline:
            days = _supplement_request_working_days()
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "Đã quá thời hạn yêu cầu bổ sung hồ sơ: chậm nhất %(deadline)s "
                        "(%(days)s ngày làm việc kể từ khi cơ quan giải quyết nhận hồ sơ)."
                    )
                    % {
                        "deadline": timezone.localtime(deadline).strftime("%H:%M ngày %d/%m/%Y"),
                        "days": days,
                    }
                }
            )
        if SupplementRequest.objects.filter(dossier=ctx.dossier, before_reception=False).exists():
            data["repeat"] = True
    SupplementRequest.objects.create(
        dossier=ctx.dossier,
        requested_at=ctx.now,
        requested_by=ctx.by,
        items=items,
        reason=reason,
        respond_by=respond_by,
        before_reception=before,
    )
    return _Result(note=reason, data=data)


def _supplement_request_deadline(ctx: _Ctx) -> dt.datetime | None:
    """The last instant for a supplement request during processing (D6, Mẫu 02)."""
    return dossier_supplement_request_deadline(dossier=ctx.dossier, cal=ctx.cal)


def dossier_supplement_request_deadline(
    *, dossier: Dossier, cal: WorkCalendar | None = None
) -> dt.datetime | None:
    """The last instant for a supplement request during processing (D6, Mẫu 02).

    ``MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS`` working days from the competent
    unit's reception (the transfer, or the acceptance of a cross-boundary
    dossier); ``None`` before that. Read by the staff workspace's warning.
    """
    received = (
        DossierEvent.objects.filter(dossier=dossier, action__in=[A.TRANSFER, A.ACCEPT_TRANSFER])
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    if received is None:
        return None
    hours = Decimal(_supplement_request_working_days() * 8)
    cal = cal or work_calendar_for(agency=dossier.competent_agency)
    return step_due_from(start=received, budget_hours=hours, cal=cal)


def _do_submit_supplement(ctx: _Ctx, *, note: str = "") -> _Result:
    """T13: the complete supplement is received; the clock runs again.

    D6: with the default rule (``MOTCUA_SUPPLEMENT_RULE = "restart"``) the legal
    time restarts from zero at this instant (NĐ 61 Art 19(4)): the new due
    instant is the variant's full duration from now. With "extend" the old due
    instant moves by the working time paused. In both cases the current step
    keeps its place and its deadline moves by the paused working time (the
    workflow is not reset; steps already done stay done). The pause is
    recorded as a ``ClockPause``.

    The rule is the procedure version's ``supplement_rule`` when set, else the
    installation's. This is the one-stop's confirmation that the supplement is
    complete (T13): when the owner sent it online first
    (:func:`dossier_supplement_send`), the event records that instant too.
    """
    dossier = ctx.dossier
    request = _open_supplement(dossier)
    started = request.requested_at if request is not None else ctx.now
    ClockPause.objects.create(
        dossier=dossier, reason=PauseReason.SUPPLEMENT, started_at=started, ended_at=ctx.now
    )
    rule = _supplement_rule(dossier.procedure_version)
    if rule == SupplementRule.RESTART:
        dossier.due_at = _due_for(
            dossier=dossier, variant=dossier.variant, start=ctx.now, cal=ctx.cal
        )
    else:
        dossier.due_at = extend_by_pause(
            deadline=dossier.due_at, started=started, ended=ctx.now, cal=ctx.cal
        )
    dossier.step_due_at = extend_by_pause(
        deadline=dossier.step_due_at, started=started, ended=ctx.now, cal=ctx.cal
    )
    paused = working_time_between(started, ctx.now, ctx.cal)
    data: dict[str, Any] = {"rule": str(rule), "paused_seconds": int(paused.total_seconds())}
    if request is not None and request.sent_at is not None:
        data["sent_online_at"] = request.sent_at.isoformat()
    return _Result(note=note, data=data)


def _do_refuse(ctx: _Ctx, *, reason: str) -> _Result:
    """T4 refusal of an online submission (Mẫu 03, NĐ 61 Art 17(2)(a)), or T13b closure.

    T13b is allowed only after the supplement deadline (``respond_by``) of the
    open request has passed (production practice).
    """
    return _Result(note=_required_text("reason", reason))


def _do_transfer(ctx: _Ctx, *, note: str = "") -> _Result:
    """T7: the one-stop transfers the dossier to the competent unit (NĐ 61 Art 18).

    Enters the first step of the variant's workflow with its step deadline.
    TX: a dossier received at A for a competent agency B goes to B and waits
    there for B's reception officer to accept it (``accept_transfer``); the
    first step starts then. The clock keeps running from A's reception
    (domain.md §5.4 TX, unverified).
    """
    dossier = ctx.dossier
    if dossier.received_by_id != dossier.competent_agency_id:
        _enter_step(ctx, None)
        return _Result(
            note=note, data={"cross_boundary": True, "to_agency": dossier.competent_agency_id}
        )
    _enter_step(ctx, ctx.steps[0] if ctx.steps else None)
    return _Result(note=note)


def _do_accept_transfer(ctx: _Ctx, *, note: str = "") -> _Result:
    """TX: the competent agency B accepts a dossier received at A; its first step starts.

    The result is still returned where the dossier was received (A's
    one-stop, see ``return_result``).
    """
    _enter_step(ctx, ctx.steps[0] if ctx.steps else None)
    return _Result(note=note, data={"received_by": ctx.dossier.received_by_id})


def _do_recall(ctx: _Ctx, *, reason: str = "") -> _Result:
    """T8b: the sender takes back a dossier it just forwarded, before the next handler acted.

    Possible only while the forward is the dossier's last event and only for
    the officer who forwarded it. The dossier returns to the step it left,
    with the step deadline it had there (a recall grants no fresh budget), and
    to the recalling officer as its handler.
    """
    last = ctx.last_event
    assert last is not None
    assert last.from_step_id is not None
    step = next(s for s in ctx.steps if s.pk == last.from_step_id)
    before = (
        DossierEvent.objects.filter(dossier=ctx.dossier, seq=last.seq - 1)
        .values_list("step_due_at", flat=True)
        .first()
    )
    dossier = ctx.dossier
    dossier.current_step = step
    dossier.step_due_at = before
    dossier.handler = ctx.by
    return _Result(note=reason.strip(), data={"recalled_seq": last.seq}, to_handler=ctx.by)


def _do_coordination_answer(
    ctx: _Ctx, *, answer: str = "", coordination_id: int | None = None
) -> _Result:
    """T9: the coordinating agency answers; a late answer is kept and flagged.

    The answering officer acts in the request's agency. Without
    ``coordination_id`` the oldest open request of that agency is answered.
    ``data.late`` (and ``timeliness``) make late responders visible to the
    head of the one-stop (NĐ 61 Art 19(5)).
    """
    answer = _required_text("answer", answer)
    mine = [r for r in ctx.open_coordination if ctx.roles.get(r.agency_id, set()) & SIDE_ROLES]
    if coordination_id is not None:
        mine = [r for r in mine if r.pk == coordination_id]
    if not mine:
        raise ValidationError({"coordination_id": _("Không có yêu cầu phối hợp đang chờ này.")})
    request = mine[0]
    request.answered_at = ctx.now
    request.answer = answer
    request.answered_by = ctx.by
    request.save(update_fields=["answered_at", "answer", "answered_by"])
    timeliness = timeliness_of(finished_at=ctx.now, due=request.due_at)
    return _Result(
        note=answer,
        data={
            "coordination_id": request.pk,
            "agency": request.agency_id,
            "late": ctx.now > request.due_at,
            "timeliness": str(timeliness),
        },
    )


@dataclass(frozen=True)
class LegData:
    """One liên thông leg as asked (T10/T11): same ``order`` = parallel."""

    agency: Agency
    budget_hours: Decimal
    order: int = 1
    external_code: str = ""


def _do_link(ctx: _Ctx, *, legs: list[LegData] | None = None, note: str = "") -> _Result:
    """T10/T11: send the dossier to other agencies, sequentially or in parallel.

    Each leg's deadline is its budget in working hours on *that agency's*
    calendar. Legs with the same ``order`` run in parallel from now; a
    higher order starts when the previous order is planned to end (the
    latest deadline among its legs), so a sequential chain 1, 2, 3 gets
    cumulative deadlines. Legs are planned from this action; legs added by a
    later ``link`` start from that later instant.
    """
    if not legs:
        raise ValidationError({"legs": _("Cần ít nhất một cơ quan liên thông.")})
    for i, leg in enumerate(legs):
        if leg.agency.pk == ctx.dossier.competent_agency_id:
            raise ValidationError(
                {f"legs.{i}.agency": _("Không liên thông với chính cơ quan giải quyết.")}
            )
        if Decimal(leg.budget_hours) <= 0:
            raise ValidationError({f"legs.{i}.budget_hours": _("Thời hạn phải lớn hơn 0.")})
        if leg.order < 1:
            raise ValidationError({f"legs.{i}.order": _("Thứ tự bắt đầu từ 1.")})
    start = ctx.now
    rows: list[LinkedLeg] = []
    for order in sorted({leg.order for leg in legs}):
        group = [leg for leg in legs if leg.order == order]
        ends = []
        for leg in group:
            due = step_due_from(
                start=start,
                budget_hours=Decimal(leg.budget_hours),
                cal=work_calendar_for(agency=leg.agency),
            )
            ends.append(due)
            rows.append(
                LinkedLeg(
                    dossier=ctx.dossier,
                    agency=leg.agency,
                    order=order,
                    due_at=due,
                    external_code=leg.external_code,
                )
            )
        start = max(ends)
    LinkedLeg.objects.bulk_create(rows)
    return _Result(
        note=note,
        data={
            "legs": [
                {"agency": r.agency_id, "order": r.order, "due_at": r.due_at.isoformat()}
                for r in rows
            ]
        },
    )


def _do_link_done(
    ctx: _Ctx,
    *,
    leg_id: int | None = None,
    result_note: str = "",
    external_code: str = "",
) -> _Result:
    """T10/T11: one leg is done; it is classified early / on time / late against its deadline.

    An officer of the leg's agency ends their own leg; the competent agency
    may end any (recording what an external system reported). A sequential
    leg ends only after every leg of a lower order. Without ``leg_id`` the
    first open leg the actor may end is used.
    """
    competent = ctx.dossier.competent_agency_id
    in_competent = bool(ctx.roles.get(competent, set()) & (LEADERS | {Role.SPECIALIST}))
    mine = [
        leg
        for leg in ctx.open_legs
        if in_competent or ctx.roles.get(leg.agency_id, set()) & SIDE_ROLES
    ]
    if leg_id is not None:
        mine = [leg for leg in mine if leg.pk == leg_id]
    if not mine:
        raise ValidationError({"leg_id": _("Không có phần liên thông đang chờ này.")})
    leg = mine[0]
    if any(other.order < leg.order for other in ctx.open_legs):
        raise ValidationError(
            {"leg_id": _("Các cơ quan liên thông trước (theo thứ tự) chưa xử lý xong.")}
        )
    timeliness = timeliness_of(finished_at=ctx.now, due=leg.due_at)
    leg.done_at = ctx.now
    leg.result_note = result_note.strip()
    leg.timeliness = str(timeliness) if timeliness else ""
    if external_code:
        leg.external_code = external_code
    leg.save(update_fields=["done_at", "result_note", "timeliness", "external_code"])
    return _Result(
        note=leg.result_note,
        data={"leg_id": leg.pk, "agency": leg.agency_id, "timeliness": leg.timeliness},
    )


def _do_resubmit(ctx: _Ctx, *, note: str = "") -> _Result:
    """T3: the owner re-submits an online dossier after a before-reception supplement request.

    The dossier stays SUBMITTED (no clock yet); the request is marked answered.
    """
    request = _open_before_reception(ctx.dossier)
    assert request is not None
    request.sent_at = ctx.now
    request.sent_note = note.strip()
    request.save(update_fields=["sent_at", "sent_note"])
    return _Result(note=request.sent_note, data={"supplement_request": request.pk})


def supplement_editable_fields(request: SupplementRequest) -> list[str]:
    """The e-form fields the one-stop asked to correct: items given as ``{"field": name}``."""
    return [
        str(item["field"])
        for item in request.items or []
        if isinstance(item, dict) and item.get("field")
    ]


def _do_send_supplement(
    ctx: _Ctx,
    *,
    note: str = "",
    upload_ids: Sequence[Any] = (),
    form_changes: Mapping[str, Any] | None = None,
) -> _Result:
    """T13, first half: the owner sends the supplement online (see :func:`dossier_supplement_send`).

    The status and the paused clock stay; the open request is marked sent.
    ``upload_ids`` are the owner's temporary uploads, attached as documents of
    kind SUPPLEMENT. ``form_changes`` may only touch the fields the request
    names (``{"field": …}`` items); the whole declaration is validated again
    against the e-form it was filed with, and the event names what changed.
    """
    request = _open_supplement(ctx.dossier)
    assert request is not None
    if not note.strip() and not upload_ids and not form_changes:
        raise ValidationError(
            {"note": _("Hãy đính kèm giấy tờ bổ sung, sửa nội dung được yêu cầu hoặc ghi chú.")}
        )
    data: dict[str, Any] = {"supplement_request": request.pk}
    if form_changes:
        allowed = set(supplement_editable_fields(request))
        refused = sorted(set(form_changes) - allowed)
        if refused:
            raise ValidationError(
                {
                    f"form_changes.{name}": _(
                        "Cơ quan không yêu cầu sửa nội dung này;"
                        " chỉ sửa được nội dung được yêu cầu."
                    )
                    for name in refused
                }
            )
        form = DossierFormData.objects.select_for_update().filter(dossier=ctx.dossier).first()
        if form is None:
            raise ValidationError({"form_changes": _("Hồ sơ này không có tờ khai điện tử.")})
        merged = {**form.data, **form_changes}
        cleaned, errors = eform_validate(form.definition, merged)
        if errors:
            raise ValidationError({f"form_changes.{k}": v for k, v in errors.items()})
        form.data = cleaned
        form.save(update_fields=["data"])
        data["changed_fields"] = sorted(form_changes)
    documents = _attach_documents(
        ctx,
        upload_ids=upload_ids,
        kind=DocumentKind.SUPPLEMENT,
        name=_("Giấy tờ bổ sung"),
        field_name="upload_ids",
    )
    if documents:
        data["documents"] = documents
    request.sent_at = ctx.now
    request.sent_note = note.strip()
    request.save(update_fields=["sent_at", "sent_note"])
    return _Result(note=request.sent_note, data=data)


def _do_assign(ctx: _Ctx, *, handler: User, note: str = "") -> _Result:
    """T8: a leader assigns the current step to an officer of the competent agency.

    The assignee must act in the competent agency, in the step's role when the
    dossier is at a workflow step.
    """
    dossier = ctx.dossier
    roles = _acting_roles(
        user=handler, agency_ids={dossier.competent_agency_id}, day=timezone.localdate()
    ).get(dossier.competent_agency_id, set())
    if not jurisdiction_for(user=handler).can_act(dossier.competent_agency_id) or not roles:
        raise ValidationError(
            {"handler": _("Cán bộ được giao không thuộc cơ quan giải quyết hồ sơ.")}
        )
    step = dossier.current_step
    if step is not None and Role(step.role) not in roles:
        raise ValidationError(
            {"handler": _("Cán bộ được giao không có vai trò của bước xử lý này.")}
        )
    dossier.handler = handler
    return _Result(note=note, to_handler=handler)


def _do_forward(ctx: _Ctx, *, note: str = "", upload_ids: Sequence[Any] = ()) -> _Result:
    """T8: to the next workflow step, with its own deadline (D5).

    ``upload_ids``: the draft of the result the specialist sends for review
    (gh-6 item 6), attached as documents of kind DRAFT — internal to the
    agency, never shown to the applicant or the public.
    """
    index = ctx.step_index()
    assert index is not None
    data = _leaving_step_data(ctx)
    documents = _attach_documents(
        ctx,
        upload_ids=upload_ids,
        kind=DocumentKind.DRAFT,
        name=_("Dự thảo kết quả"),
        field_name="upload_ids",
    )
    if documents:
        data["documents"] = documents
    _enter_step(ctx, ctx.steps[index + 1])
    return _Result(note=note, data=data)


def _do_send_back(ctx: _Ctx, *, reason: str) -> _Result:
    """T8b: back to the previous step, which gets a fresh step deadline."""
    index = ctx.step_index()
    assert index is not None
    data = _leaving_step_data(ctx)
    _enter_step(ctx, ctx.steps[index - 1])
    return _Result(note=_required_text("reason", reason), data=data)


def _do_switch_variant(ctx: _Ctx, *, variant_code: str, reason: str) -> _Result:
    """T8b: switch to another variant of the same version; the due instant is recomputed.

    The new due instant counts the new variant's duration from ``received_at``
    (closed pauses are not re-applied). An apology's original due instant is
    kept. A different workflow template restarts at its first step.
    """
    dossier = ctx.dossier
    reason = _required_text("reason", reason)
    variant = (
        ProcedureVariant.objects.filter(version_id=dossier.procedure_version_id, code=variant_code)
        .exclude(pk=dossier.variant_id)
        .select_related("workflow")
        .first()
    )
    if variant is None:
        raise ValidationError({"variant_code": _("Không có trường hợp thủ tục này.")})
    old = dossier.variant
    dossier.variant = variant
    assert dossier.received_at is not None
    dossier.due_at = _due_for(
        dossier=dossier, variant=variant, start=dossier.received_at, cal=ctx.cal
    )
    if variant.workflow_id != old.workflow_id:
        ctx.__dict__.pop("steps", None)
        _enter_step(ctx, ctx.steps[0] if ctx.steps else None)
    return _Result(note=reason, data={"from_variant": old.code, "to_variant": variant.code})


def _do_coordinate(ctx: _Ctx, *, agency: Agency, question: str, due_at: dt.datetime) -> _Result:
    """T9: ask another agency's opinion with its own deadline (NĐ 61 Art 19(5))."""
    question = _required_text("question", question)
    if agency.pk == ctx.dossier.competent_agency_id:
        raise ValidationError({"agency": _("Không thể xin ý kiến chính cơ quan giải quyết.")})
    if due_at <= ctx.now:
        raise ValidationError({"due_at": _("Hạn trả lời phải sau thời điểm hiện tại.")})
    request = CoordinationRequest.objects.create(
        dossier=ctx.dossier,
        agency=agency,
        requested_by=ctx.by,
        requested_at=ctx.now,
        question=question,
        due_at=due_at,
    )
    return _Result(
        note=question,
        data={"coordination_id": request.pk, "agency": agency.pk, "due_at": due_at.isoformat()},
    )


def _do_note(ctx: _Ctx, *, note: str = "") -> _Result:
    """T8: approve or sign at a step that allows it; recorded in the history only."""
    return _Result(note=note)


def _finish(ctx: _Ctx) -> dict[str, Any]:
    """T15/T19: processing ends now; classify it against the ORIGINAL due instant (D7, D8).

    A dossier finishing after its original due instant stays late even with
    an apology (NĐ 61 Art 19(9) allows a new date, not a new count).
    """
    dossier = ctx.dossier
    data = _leaving_step_data(ctx)
    dossier.finished_at = ctx.now
    timeliness = timeliness_of(finished_at=ctx.now, due=dossier.original_due_at or dossier.due_at)
    dossier.timeliness = str(timeliness) if timeliness else ""
    dossier.handler = None
    return data


def _attach_documents(
    ctx: _Ctx, *, upload_ids: Sequence[Any], kind: DocumentKind, name: str, field_name: str
) -> list[dict[str, Any]]:
    """Attach the actor's temporary uploads to the dossier; what the event records of each."""
    documents = []
    for index, upload_id in enumerate(upload_ids):
        try:
            document = upload_attach(
                upload_id=uuid.UUID(str(upload_id)),
                dossier=ctx.dossier,
                name=name,
                user=ctx.by,
                kind=kind,
            )
        except (UploadRejected, ValueError) as error:
            message = error.messages[0] if isinstance(error, UploadRejected) else str(error)
            raise ValidationError({f"{field_name}.{index}": message}) from error
        documents.append(
            {"id": document.pk, "name": document.original_name, "sha256": document.sha256}
        )
    return documents


def _do_issue_result(
    ctx: _Ctx,
    *,
    note: str = "",
    result: dict[str, Any] | None = None,
    upload_ids: Sequence[Any] = (),
) -> _Result:
    """T19: the result is signed and issued (NĐ 61 Art 20(5)); ``result`` holds its number etc.

    ``upload_ids``: the electronic result (the signed file), attached as
    documents of kind RESULT; a dossier whose result goes back electronically
    needs one (checked again when it is returned).
    """
    mode = Delivery.objects.filter(dossier=ctx.dossier).values_list("mode", flat=True).first()
    if mode == ReturnMode.ELECTRONIC and not upload_ids:
        raise ValidationError(
            {
                "upload_ids": _(
                    "Người nộp nhận kết quả bản điện tử: cần đính kèm tệp kết quả đã ký số."
                )
            }
        )
    index = ctx.step_index()
    signature_required = index is not None and ctx.steps[index].signature_required
    result = {**(result or {}), "number": _result_number(ctx, result or {})}
    data = _finish(ctx)
    data["result"] = result
    title = str(result.get("title") or "") or _("Kết quả giải quyết thủ tục hành chính")
    documents = _attach_documents(
        ctx, upload_ids=upload_ids, kind=DocumentKind.RESULT, name=title, field_name="upload_ids"
    )
    # gh-6 item 8: sign the PDF result when the step requires it, or whenever the
    # competent agency can sign (an active certificate); the signed bytes replace
    # the upload, so what the event records is the signed file's SHA-256.
    from motcua.signing.services import sign_result_documents

    attached = list(
        DossierDocument.objects.filter(pk__in=[d["id"] for d in documents]).order_by("pk")
    )
    if sign_result_documents(
        documents=attached, agency=ctx.dossier.competent_agency, required=signature_required
    ):
        data["signed"] = True
        documents = [{"id": d.pk, "name": d.original_name, "sha256": d.sha256} for d in attached]
    if documents:
        data["documents"] = documents
    return _Result(note=note, data=data)


def _result_number(ctx: _Ctx, result: Mapping[str, Any]) -> str:
    """The result's number in the competent agency's register of the year (văn thư).

    Left blank, the register issues the next one. Given by hand ("15/QĐ-UBND"),
    it must not be in the register already this year, and the register moves
    up to its leading number so the next issued one follows it.
    """
    agency_id = ctx.dossier.competent_agency_id
    year = timezone.localtime(ctx.now).year
    keys = {"agency": agency_id, "year": year}
    given = " ".join(str(result.get("number") or "").split())
    if not given:
        return str(sequence_next(model=ResultNumberCounter, keys=keys))
    taken = (
        DossierEvent.objects.filter(
            action=A.ISSUE_RESULT,
            dossier__competent_agency_id=agency_id,
            at__gte=dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone()),
            data__result__number=given,
        )
        .values_list("dossier__code", flat=True)
        .first()
    )
    if taken:
        raise ValidationError(
            {
                "result": _("Số %(number)s đã cấp cho kết quả của hồ sơ %(code)s năm nay.")
                % {"number": given, "code": taken}
            }
        )
    leading = re.match(r"\d+", given)
    if leading:
        sequence_at_least(model=ResultNumberCounter, keys=keys, value=int(leading.group()))
    return given


def _do_refuse_result(ctx: _Ctx, *, reason: str) -> _Result:
    """T15: not eligible after appraisal; the written refusal is the result (NĐ 61 Art 19(8))."""
    reason = _required_text("reason", reason)
    data = _finish(ctx)
    data["refused"] = True
    return _Result(note=reason, data=data)


def _do_apologize(ctx: _Ctx, *, reason: str, new_due_at: dt.datetime) -> _Result:
    """T16: apology and new appointment, Mẫu 04 (NĐ 61 Art 19(9)); at most once.

    Allowed only before the due instant and at least
    ``MOTCUA_APOLOGY_MIN_NOTICE_HOURS`` working hours (default 8 = one
    working day) before it. The new instant must be after the current due
    instant and an office instant of the competent agency's calendar. The
    original due instant is kept for the on-time class (D7, D8).
    """
    dossier = ctx.dossier
    reason = _required_text("reason", reason)
    assert dossier.due_at is not None
    if new_due_at <= dossier.due_at:
        raise ValidationError({"new_due_at": _("Ngày hẹn mới phải sau ngày hẹn hiện tại.")})
    if not is_office_instant(new_due_at, ctx.cal):
        raise ValidationError({"new_due_at": _("Ngày hẹn mới phải trong giờ làm việc.")})
    Extension.objects.create(
        dossier=dossier,
        requested_by=ctx.by,
        created_at=ctx.now,
        reason=reason,
        old_due_at=dossier.due_at,
        new_due_at=new_due_at,
    )
    if dossier.original_due_at is None:
        dossier.original_due_at = dossier.due_at
    old = dossier.due_at
    dossier.due_at = new_due_at
    return _Result(note=reason, data={"old_due_at": old.isoformat()})


def _do_pause_financial(ctx: _Ctx, *, note: str = "") -> _Result:
    """T14: waiting for a tax or fee notice to be paid; the clock pauses from now."""
    return _Result(note=note)


def _pause_start(dossier: Dossier, action: EventAction) -> dt.datetime | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action=action)
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )


def _do_resume(ctx: _Ctx, *, note: str = "") -> _Result:
    """T14: paid; the clock runs again and the due instant moves by the paused working time.

    The pause is recorded as a ``ClockPause`` (reason: financial). Whether the
    law pauses the clock here is unverified (domain.md §6.1); production
    practice does.
    """
    dossier = ctx.dossier
    started = _pause_start(dossier, A.PAUSE_FINANCIAL) or ctx.now
    ClockPause.objects.create(
        dossier=dossier, reason=PauseReason.FINANCIAL, started_at=started, ended_at=ctx.now
    )
    dossier.due_at = extend_by_pause(
        deadline=dossier.due_at, started=started, ended=ctx.now, cal=ctx.cal
    )
    dossier.step_due_at = extend_by_pause(
        deadline=dossier.step_due_at, started=started, ended=ctx.now, cal=ctx.cal
    )
    paused = working_time_between(started, ctx.now, ctx.cal)
    return _Result(note=note, data={"paused_seconds": int(paused.total_seconds())})


def _close_open_pause(ctx: _Ctx) -> None:
    """A withdrawal or stop during a pause closes it, so the pause table stays complete."""
    dossier = ctx.dossier
    if dossier.status == S.AWAITING_SUPPLEMENT:
        request = _open_supplement(dossier)
        started = request.requested_at if request is not None else ctx.now
        reason = PauseReason.SUPPLEMENT
    elif dossier.status == S.AWAITING_PAYMENT:
        started = _pause_start(dossier, A.PAUSE_FINANCIAL) or ctx.now
        reason = PauseReason.FINANCIAL
    else:
        return
    ClockPause.objects.create(dossier=dossier, reason=reason, started_at=started, ended_at=ctx.now)


def _do_withdraw(ctx: _Ctx, *, reason: str) -> _Result:
    """T17: the citizen withdraws — online as the owner, or recorded by the one-stop.

    The clock stops; an open pause is closed.
    """
    reason = _required_text("reason", reason)
    _close_open_pause(ctx)
    ctx.dossier.handler = None
    return _Result(note=reason)


def _do_stop(ctx: _Ctx, *, reason: str) -> _Result:
    """T18: stop, only while no result has been issued (NĐ 118 Art 21; Mẫu 05)."""
    reason = _required_text("reason", reason)
    _close_open_pause(ctx)
    ctx.dossier.handler = None
    return _Result(note=reason)


def _do_dispatch(ctx: _Ctx, *, waybill: str, note: str = "") -> _Result:
    """T20a: the result is handed to the postal service with ``waybill`` (QĐ 45/2016).

    Only for a dossier whose result goes by post; the status stays RESOLVED
    until the delivery is recorded (``return_result``).
    """
    waybill = _required_text("waybill", waybill)
    mode = Delivery.objects.filter(dossier=ctx.dossier).values_list("mode", flat=True).first()
    if mode != ReturnMode.POSTAL:
        raise ValidationError({"waybill": _("Hồ sơ này không nhận kết quả qua bưu chính.")})
    return _Result(note=note, data={"waybill": waybill})


def _do_return_result(
    ctx: _Ctx,
    *,
    note: str = "",
    receiver_name: str = "",
    receiver_identity: str = "",
    on_behalf_of: str = "",
    originals_returned: bool = False,
) -> _Result:
    """T20: the result is handed over where the dossier was received (NĐ 61 Art 20(2)–(4)).

    At the counter the officer records who took the result (``receiver_name``,
    ``receiver_identity``, ``on_behalf_of`` when collecting for the owner) and
    whether the originals the citizen lent were handed back; they go in the
    event's ``data`` (the result-return receipt prints them). Returned
    electronically, the result files go to the owner's personal data
    store (NĐ 45/2020 Art 9; QĐ 766 "shared to the citizen's store") when the
    owner has an account; the citizen downloads them from "My dossiers".
    """
    ctx.dossier.returned_at = ctx.now
    data: dict[str, Any] = {}
    receiver = {
        "name": nfc(receiver_name).strip(),
        "identity_number": receiver_identity.strip(),
        "on_behalf_of": nfc(on_behalf_of).strip(),
    }
    if receiver["on_behalf_of"] and not receiver["name"]:
        raise ValidationError(
            {"receiver_name": _("Nhập họ tên người nhận kết quả thay cho chủ hồ sơ.")}
        )
    if any(receiver.values()):
        data["receiver"] = receiver
    if originals_returned:
        data["originals_returned"] = True
    mode = Delivery.objects.filter(dossier=ctx.dossier).values_list("mode", flat=True).first()
    if mode == ReturnMode.ELECTRONIC:
        results = list(
            DossierDocument.objects.filter(dossier=ctx.dossier, kind=DocumentKind.RESULT)
        )
        if not results:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "Chưa có tệp kết quả điện tử để trả;"
                        " hãy phát hành kết quả kèm tệp đã ký số."
                    )
                }
            )
        owner = Party.objects.filter(dossier=ctx.dossier, role=PartyRole.OWNER).first()
        if owner is not None and owner.user is not None:
            from motcua.datastore.services import store_add_issued_result

            for document in results:
                store_add_issued_result(user=owner.user, document=document)
            data["stored_for_owner"] = [d.pk for d in results]
    return _Result(note=note, data=data)


HANDLERS: dict[EventAction, Callable[..., _Result]] = {
    A.ACCEPT: _do_accept,
    A.REQUEST_SUPPLEMENT: _do_request_supplement,
    A.SUBMIT_SUPPLEMENT: _do_submit_supplement,
    A.REFUSE: _do_refuse,
    A.TRANSFER: _do_transfer,
    A.ASSIGN: _do_assign,
    A.FORWARD: _do_forward,
    A.SEND_BACK: _do_send_back,
    A.SWITCH_VARIANT: _do_switch_variant,
    A.COORDINATE: _do_coordinate,
    A.APPROVE: _do_note,
    A.SIGN: _do_note,
    A.ISSUE_RESULT: _do_issue_result,
    A.REFUSE_RESULT: _do_refuse_result,
    A.APOLOGIZE: _do_apologize,
    A.PAUSE_FINANCIAL: _do_pause_financial,
    A.RESUME: _do_resume,
    A.WITHDRAW: _do_withdraw,
    A.STOP: _do_stop,
    A.RETURN_RESULT: _do_return_result,
    A.DISPATCH: _do_dispatch,
    A.RECALL: _do_recall,
    A.COORDINATION_ANSWER: _do_coordination_answer,
    A.LINK: _do_link,
    A.LINK_DONE: _do_link_done,
    A.ACCEPT_TRANSFER: _do_accept_transfer,
    A.RESUBMIT: _do_resubmit,
    A.SEND_SUPPLEMENT: _do_send_supplement,
}
assert set(HANDLERS) == set(EDGES)
