"""Reads for results sent by post."""

from __future__ import annotations

from django.db.models import Prefetch

from motcua.dossiers.constants import ReturnMode
from motcua.dossiers.models import Delivery, Dossier

from .models import Shipment, ShipmentEvent


def shipment_for_dossier(*, dossier: Dossier, delivery: Delivery | None = None) -> Shipment | None:
    """The dossier's latest shipment with its events (oldest first), for the citizen's page.

    No query when the result does not go by post (``delivery`` given and not POSTAL).
    """
    if delivery is not None and delivery.mode != ReturnMode.POSTAL:
        return None
    return (
        Shipment.objects.filter(dossier=dossier)
        .prefetch_related(Prefetch("events", queryset=ShipmentEvent.objects.order_by("at", "id")))
        .order_by("-created_at", "-id")
        .first()
    )
