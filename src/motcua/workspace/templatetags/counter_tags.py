"""Blocks of the returning and fees screens shown on the staff dossier page (gh-6 items 9–10)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus
from motcua.payments.constants import PaymentStatus
from motcua.workspace.counter import delivery_state, may_collect, unpaid_fees
from motcua.workspace.dossier import StaffDossierPage

register = template.Library()


@register.inclusion_tag("workspace/counter/_dossier_fees.html", takes_context=True)
def counter_fees_panel(context: dict[str, Any], page: StaffDossierPage) -> dict[str, Any]:
    """Collect at the counter and print receipts, from the fees the page already read.

    One query (the collector role); refunds and cancellations are on the fees page.
    """
    user = context["request"].user
    dossier = page.dossier
    unpaid = unpaid_fees(dossier=dossier, fees=page.fees)
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
    return {
        "dossier": dossier,
        "resolved": dossier.status == DossierStatus.RESOLVED,
        "returned": dossier.status == DossierStatus.RETURNED,
        **delivery_state(dossier=dossier),
    }
