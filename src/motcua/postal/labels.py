"""The address label (100 × 150 mm PDF) stuck on the envelope carrying the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

import segno

from .base import Party

if TYPE_CHECKING:
    from .models import Shipment


def sender_of(shipment: Shipment) -> Party:
    """The receiving agency: the result is returned where the dossier was received."""
    agency = shipment.dossier.received_by
    return Party(name=agency.name, address=agency.address, phone=agency.phone)


def label_html(shipment: Shipment) -> str:
    qr = segno.make(shipment.waybill, error="m")
    return render_to_string(
        "postal/label.html",
        {
            "shipment": shipment,
            "sender": sender_of(shipment),
            "qr_data_uri": qr.svg_data_uri(scale=4, border=2),
        },
    )


def label_pdf(shipment: Shipment) -> bytes:
    # Imported here: WeasyPrint loads Pango/fontconfig only when printing.
    from weasyprint import HTML  # type: ignore[import-untyped]

    return bytes(HTML(string=label_html(shipment)).write_pdf())
