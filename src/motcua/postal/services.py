"""Writes for results sent by post: create the shipment (waybill + label), record its events.

Who returns the result when the post office reports "delivered": the engine's
``return_result`` needs an officer holding the reception or returner role at
the receiving agency, and the dossier history names a person. We use the
officer recording the event when one does (``by``), otherwise the officer who
created the shipment — the person who handed the result to the post and is
accountable for it. A "system" user would need staff roles at every agency and
would hide who was responsible; the event's note and data still say the post
office delivered it. If that officer has lost the role meanwhile, the engine
refuses and nothing is recorded, so an officer records the delivery instead.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.constants import DossierStatus, EventAction, PartyRole, ReturnMode
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.models import Party as DossierParty
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership, valid_on_q

from .base import Party, ShipmentOrder
from .constants import ShipmentStatus
from .labels import label_pdf, sender_of
from .models import Shipment, ShipmentEvent
from .registry import postal_provider, postal_providers

if TYPE_CHECKING:
    from motcua.accounts.models import User

RETURN_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.RETURNER})


def _require_returner(*, user: User, dossier: Dossier) -> None:
    day = timezone.localdate()
    allowed = StaffMembership.objects.filter(
        valid_on_q(day),
        valid_on_q(day, "agency__"),
        user=user,
        agency_id=dossier.received_by_id,
        role__in=RETURN_ROLES,
    ).exists()
    if not user.is_active or not allowed:
        raise PermissionDenied(
            _(
                "Chỉ cán bộ trả kết quả của cơ quan tiếp nhận hồ sơ"
                " mới được gửi kết quả qua bưu chính."
            )
        )


def shipment_create(*, dossier: Dossier, by: User) -> Shipment:
    """Send the issued result of ``dossier`` by post: a waybill, the label, a "created" event.

    Only for a dossier whose result goes by post (``Delivery.mode`` POSTAL) and
    is issued but not yet returned (status RESOLVED); one shipment at a time
    (another only after the previous one came back to the agency).
    """
    provider = postal_provider()
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update().select_related("received_by").get(pk=dossier.pk)
        )
        _require_returner(user=by, dossier=locked)
        delivery = Delivery.objects.filter(dossier=locked).first()
        if delivery is None or delivery.mode != ReturnMode.POSTAL:
            raise ValidationError(_("Hồ sơ này không nhận kết quả qua bưu chính."))
        if locked.status != DossierStatus.RESOLVED or locked.returned_at is not None:
            raise ValidationError(
                _(
                    "Chỉ gửi qua bưu chính kết quả đã ban hành và chưa trả (hồ sơ đang “{status}”)."
                ).format(status=DossierStatus(locked.status).label)
            )
        if not delivery.address.strip():
            raise ValidationError(_("Hồ sơ chưa có địa chỉ nhận kết quả qua bưu chính."))
        active = Shipment.objects.filter(dossier=locked).exclude(status=ShipmentStatus.RETURNED)
        if active.exists():
            raise ValidationError(
                _("Kết quả của hồ sơ này đã được gửi qua bưu chính (vận đơn {waybill}).").format(
                    waybill=active.values_list("waybill", flat=True).first()
                )
            )
        now = timezone.now()
        shipment = Shipment(
            dossier=locked,
            provider=provider.key,
            recipient=(delivery.recipient or _owner_name(locked))[:200],
            address=delivery.address,
            phone=delivery.phone,
            created_at=now,
            created_by=by,
        )
        shipment.waybill = provider.create(
            ShipmentOrder(
                reference=locked.code,
                sender=sender_of(shipment),
                recipient=Party(
                    name=shipment.recipient, address=shipment.address, phone=shipment.phone
                ),
            )
        )
        shipment.save()
        shipment.label.save(f"{shipment.waybill}.pdf", ContentFile(label_pdf(shipment)), save=True)
        ShipmentEvent.objects.create(
            shipment=shipment,
            at=now,
            status=ShipmentStatus.CREATED,
            recorded_at=now,
            recorded_by=by,
        )
        # The dossier's history records the hand-over to the post (T20a), which also
        # tells the citizen the result is on its way (notifications outbox).
        from motcua.dossiers.services import dossier_act

        dossier_act(code=dossier.code, action=EventAction.DISPATCH, by=by, waybill=shipment.waybill)
    return shipment


def _owner_name(dossier: Dossier) -> str:
    owner = DossierParty.objects.filter(dossier=dossier, role=PartyRole.OWNER).first()
    return owner.full_name if owner is not None else ""


def shipment_record_event(
    *,
    waybill: str,
    status: ShipmentStatus | str,
    at: dt.datetime,
    place: str = "",
    note: str = "",
    raw: dict[str, Any] | None = None,
    by: User | None = None,
) -> ShipmentEvent:
    """Record what happened to a shipment (from the postal invoice, or the operator's feed).

    Idempotent on (waybill, status, at): the same event twice is recorded once
    and returned. "delivered" returns the dossier's result through the engine
    (see the module docstring for who acts).
    """
    status = ShipmentStatus(status)
    if timezone.is_naive(at):
        raise ValueError("event time must be timezone-aware")
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .filter(waybill=waybill.strip())
            .first()
        )
        if shipment is None:
            raise ValidationError(
                {"waybill": _("Không tìm thấy vận đơn {waybill}.").format(waybill=waybill)}
            )
        if by is not None:
            _require_returner(user=by, dossier=shipment.dossier)
        existing = ShipmentEvent.objects.filter(shipment=shipment, status=status, at=at).first()
        if existing is not None:
            return existing
        event = ShipmentEvent.objects.create(
            shipment=shipment,
            at=at,
            status=status,
            place=place.strip()[:200],
            note=note.strip()[:500],
            raw=raw or {},
            recorded_at=timezone.now(),
            recorded_by=by,
        )
        # Postal slips give minutes: within the same minute, the event recorded last is the
        # latest (a pickup typed as 10:05 after the waybill was made at 10:05:30).
        latest = (
            ShipmentEvent.objects.filter(shipment=shipment)
            .order_by(TruncMinute("at").desc(), "-id")
            .first()
        )
        assert latest is not None
        if shipment.status != latest.status:
            shipment.status = latest.status
            shipment.save(update_fields=["status"])
        if status == ShipmentStatus.DELIVERED and shipment.dossier.status == DossierStatus.RESOLVED:
            from motcua.dossiers.services import dossier_act

            when = timezone.localtime(at).strftime("%H:%M %d/%m/%Y")
            text = _("Bưu điện đã giao kết quả (vận đơn {waybill}) lúc {when}.").format(
                waybill=shipment.waybill, when=when
            )
            if event.place:
                text += " " + event.place
            dossier_act(
                code=shipment.dossier.code,
                action=EventAction.RETURN_RESULT,
                by=by or shipment.created_by,
                note=text,
            )
    return event


def shipment_sync(*, waybill: str) -> int:
    """Fetch the operator's tracking events for ``waybill`` and record the new ones."""
    shipment = Shipment.objects.get(waybill=waybill)
    provider = postal_providers[shipment.provider]
    before = ShipmentEvent.objects.filter(shipment=shipment).count()
    for tracked in sorted(provider.track(waybill), key=lambda e: e.at):
        shipment_record_event(
            waybill=waybill,
            status=tracked.status,
            at=tracked.at,
            place=tracked.place,
            note=tracked.note,
            raw=tracked.raw,
        )
    return ShipmentEvent.objects.filter(shipment=shipment).count() - before
