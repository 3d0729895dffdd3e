"""Read-only admin: shipments change only through the services; events are append-only."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdminMixin

from .models import Shipment, ShipmentEvent


class EventInline(ReadOnlyAdminMixin, admin.TabularInline[ShipmentEvent, Shipment]):
    model = ShipmentEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Shipment]):
    list_display = ["waybill", "dossier", "provider", "status", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["waybill", "dossier__code", "recipient"]
    list_select_related = ["dossier"]
    inlines = [EventInline]
