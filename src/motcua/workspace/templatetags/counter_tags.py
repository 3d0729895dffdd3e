"""Blocks of the returning and fees screens shown on the staff dossier page (gh-6 items 9–10)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus, ReturnMode
from motcua.dossiers.models import Delivery
from motcua.payments.constants import PaymentStatus
from motcua.payments.services import PAYABLE_COLLECTIONS
from motcua.postal.selectors import shipment_for_dossier
from motcua.workspace.counter import may_collect
from motcua.workspace.dossier import StaffDossierPage

register = template.Library()


@register.inclusion_tag("workspace/counter/_dossier_fees.html", takes_context=True)
def counter_fees_panel(context: dict[str, Any], page: StaffDossierPage) -> dict[str, Any]:
    """Collect at the counter and print receipts, from the fees the page already read.

    One query (the collector role); refunds and cancellations are on the fees page.
    """
    user = context["request"].user
    dossier = page.dossier
    unpaid = [
        fee
        for fee in page.fees
        if fee.collection in PAYABLE_COLLECTIONS and (fee.amount or 0) > 0 and fee.paid_at is None
    ]
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "dossier": dossier,
        "unpaid": unpaid,
        "printable": [
            p for p in page.payments if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)
        ],
        "may_collect": bool(unpaid)
        and isinstance(user, User)
        and may_collect(user=user, dossier=dossier),
    }


@register.inclusion_tag("workspace/counter/_dossier_return.html")
def counter_return_panel(page: StaffDossierPage) -> dict[str, Any]:
    """Where the result stands: ready to hand over, by post (waybill, label), or returned."""
    dossier = page.dossier
    delivery = Delivery.objects.filter(dossier=dossier).first()
    postal = delivery is not None and delivery.mode == ReturnMode.POSTAL
    return {
        "dossier": dossier,
        "delivery": delivery,
        "resolved": dossier.status == DossierStatus.RESOLVED,
        "returned": dossier.status == DossierStatus.RETURNED,
        "shipment": shipment_for_dossier(dossier=dossier) if postal else None,
        "postal": postal,
    }
