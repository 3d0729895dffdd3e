"""Read-only admin: shipments change only through the services; events are append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Shipment, ShipmentEvent


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline[ShipmentEvent, Shipment]):
    model = ShipmentEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyMixin, admin.ModelAdmin[Shipment]):
    list_display = ["waybill", "dossier", "provider", "status", "created_at"]
    list_filter = ["provider", "status"]
    search_fields = ["waybill", "dossier__code", "recipient"]
    list_select_related = ["dossier"]
    inlines = [EventInline]
