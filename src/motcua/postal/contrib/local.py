"""The built-in provider: the agency numbers its own waybills ("MC" + 9 digits + check digit).

Officers hand the item to the post office with the printed label and record the
pick-up and delivery from the postal invoice (``shipment_record_event``).
"""

from __future__ import annotations

from motcua.postal.base import PostalProvider, ShipmentOrder
from motcua.postal.registry import postal_providers
from motcua.postal.waybill import waybill_new


@postal_providers.register("local")
class LocalPostalProvider(PostalProvider):
    def create(self, order: ShipmentOrder) -> str:
        from motcua.postal.models import Shipment

        while True:
            number = waybill_new()
            if not Shipment.objects.filter(waybill=number).exists():
                return number
